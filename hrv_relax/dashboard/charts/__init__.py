"""Pure chart builders: data in, plotly figures out."""

from __future__ import annotations

import html


def plain(text: str) -> str:
    """Text a person typed, shown as itself in a plotly chart.

    plotly reads tags in chart text (<a href=...> makes a link): a note
    "<a href='https://attacker.test'>see</a>" was a clickable link in the client's own chart.
    Escaped, it reads as typed.
    """
    return html.escape(text, quote=False)
