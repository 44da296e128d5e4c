"""The take-home HTML report: one self-contained file (charts inlined as PNG), no scripts."""

from __future__ import annotations

import base64
import html
import io

from hrv_relax.report.figures import CHARTS, Chart, standalone
from hrv_relax.report.heading import report_heading
from hrv_relax.views.explanations import CHART_CAPTIONS, DEFINITIONS, DISCLAIMER
from hrv_relax.views.figure_tables import (
    TextTable,
    phase_notes,
    phase_table,
    rhythm_table,
    shift_table,
)
from hrv_relax.views.review import ReviewView

CHART_DPI = 110
STYLE = """
body { font-family: system-ui, sans-serif; max-width: 52rem; margin: 2rem auto; padding: 0 1rem;
       color: #222; line-height: 1.45; }
h1 { color: #0072B2; margin-bottom: 0.2rem; }
.sub { color: #555; margin-top: 0; }
.headline { font-size: 1.25rem; font-weight: 600; }
table { border-collapse: collapse; margin: 0.5rem 0 1rem; font-size: 0.9rem; }
th, td { border: 1px solid #ccc; padding: 0.25rem 0.5rem; text-align: left; }
th { background: #eef4fa; }
figure { margin: 1rem 0; } figure img { max-width: 100%; }
figcaption { color: #444; font-size: 0.9rem; }
dt { font-weight: 600; margin-top: 0.5rem; }
.note { color: #555; font-size: 0.85rem; }
"""


def _table(table: TextTable) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in table.header)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>" for row in table.rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _figure(chart: Chart, view: ReviewView) -> str:
    buffer = io.BytesIO()
    standalone(chart, view).savefig(buffer, format="png", dpi=CHART_DPI)
    data = base64.b64encode(buffer.getvalue()).decode("ascii")
    return (
        f'<figure><img alt="{html.escape(chart.title)}" src="data:image/png;base64,{data}">'
        f"<figcaption><b>{html.escape(chart.title)}.</b> "
        f"{html.escape(CHART_CAPTIONS[chart.key])}{_notes(chart, view)}</figcaption></figure>"
    )


def _notes(chart: Chart, view: ReviewView) -> str:
    if chart.key != "spectrum":
        return ""
    return "".join(f" {html.escape(note)}." for note in view.spectrum_notes)


def render_html(view: ReviewView) -> str:
    """The session's report as one HTML document."""
    heading = report_heading(view)
    esc = html.escape
    parts = [
        f"<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>{esc(heading.title)}</title><style>{STYLE}</style></head><body>",
        f"<h1>{esc(heading.title)}</h1><p class='sub'>{esc(heading.subtitle)}</p>",
        f"<p class='headline'>{esc(view.headline)}</p>",
        *([f"<p class='sub'>{esc(view.how_sure)}</p>"] if view.how_sure else []),
        *(f"<p>{esc(line)}</p>" for line in heading.context),
        "<h2>Figures per phase</h2>",
        _table(phase_table(view.figures)),
    ]
    changes = shift_table(view.figures)
    if changes.rows:
        parts += ["<h2>Change against the resting baseline</h2>", _table(changes)]
    notes = phase_notes(view.figures)
    if notes:
        parts.append(
            "<p class='note'>Why some figures are missing:</p><ul class='note'>"
            + "".join(f"<li>{esc(n)}</li>" for n in notes)
            + "</ul>"
        )
    parts += [
        "<h2>Rhythm structure</h2>",
        _table(rhythm_table(view.figures)),
        f"<p class='note'>{esc(CHART_CAPTIONS['rhythm'])}</p>",
    ]
    parts.append("<h2>Your session in charts</h2>")
    parts += [_figure(chart, view) for chart in CHARTS]
    parts.append("<h2>Words used in this report</h2><dl>")
    parts += [f"<dt>{esc(term)}</dt><dd>{esc(text)}</dd>" for term, text in DEFINITIONS]
    parts.append(f"</dl><p class='note'>{esc(DISCLAIMER)}</p>")
    parts.append(f"<p class='note'>{esc(heading.footer)}</p></body></html>")
    return "\n".join(parts)
