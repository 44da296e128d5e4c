"""Per-session reports a client can take home: PDF and self-contained HTML."""

from hrv_relax.report.html import render_html
from hrv_relax.report.pdf import render_pdf

__all__ = ["render_html", "render_pdf"]
