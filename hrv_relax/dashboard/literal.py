"""Text a person typed, put into Streamlit markdown as itself.

st.caption, st.markdown, st.success and the like read markdown: a display name
"![x](https://attacker.test/p.png)" made every browser showing it fetch that image. Each
character markdown gives a meaning is escaped with a backslash (CommonMark: any ASCII
punctuation may be).
"""

from __future__ import annotations

import re

_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:=&])")


def literal(text: str) -> str:
    """`text` escaped for markdown: it reads as typed, never as a link, image or format."""
    return _MARKDOWN.sub(r"\\\1", text)
