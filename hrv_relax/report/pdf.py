"""The take-home PDF: summary and figures, key charts, definitions. matplotlib's PDF backend.

Pages are A4 portrait, laid out top to bottom by :class:`Page`, which keeps a cursor (inches
from the top) and starts a new page when the next block does not fit.
"""

from __future__ import annotations

import io
import textwrap
from collections.abc import Iterator
from contextlib import contextmanager

from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.figure import Figure
from matplotlib.transforms import Bbox

from hrv_relax.report.figures import CHARTS, Chart
from hrv_relax.report.heading import report_heading
from hrv_relax.views.explanations import CHART_CAPTIONS, DEFINITIONS, DISCLAIMER
from hrv_relax.views.figure_tables import (
    TextTable,
    phase_notes,
    phase_table,
    rhythm_table,
    shift_table,
)
from hrv_relax.views.palette import BLUE
from hrv_relax.views.review import ReviewView

A4_IN = (8.27, 11.69)
MARGIN_IN = 0.7
TEXT_WIDTH_IN = A4_IN[0] - 2 * MARGIN_IN
#: Average glyph width of DejaVu Sans as a share of the font size: for wrapping paragraphs.
GLYPH_WIDTH_EM = 0.55
#: DejaVu Sans Bold runs about this much wider (a bold headline ran into the right margin).
BOLD_WIDTH_FACTOR = 1.12
POINTS_PER_INCH = 72.0
LINE_SPACING = 1.35
TABLE_ROW_IN = 0.24
#: A 14 pt section title with its gap, kept on the page of what follows it.
SECTION_TITLE_IN = 0.45


class Page:
    """A cursor over A4 pages of one PdfPages document."""

    def __init__(self, pdf: PdfPages, footer: str) -> None:
        self.pdf = pdf
        self.footer = footer
        self.number = 0
        self.fig: Figure | None = None
        self.y_in = 0.0

    def new(self) -> None:
        self.flush()
        self.number += 1
        self.fig = Figure(figsize=A4_IN)
        self.y_in = MARGIN_IN
        self.fig.text(
            0.5,
            0.3 / A4_IN[1],
            f"{self.footer} · page {self.number}",
            ha="center",
            fontsize=7,
            color="#666666",
        )

    def flush(self) -> None:
        if self.fig is not None:
            self.pdf.savefig(self.fig)  # type: ignore[no-untyped-call]
            self.fig = None

    def need(self, height_in: float) -> Figure:
        if self.fig is None or self.y_in + height_in > A4_IN[1] - MARGIN_IN:
            self.new()
        assert self.fig is not None
        return self.fig

    def _y(self, y_in: float) -> float:
        return 1.0 - y_in / A4_IN[1]

    def text(
        self,
        text: str,
        *,
        size: float = 10,
        bold: bool = False,
        colour: str = "black",
        gap_in: float = 0.08,
    ) -> None:
        """A paragraph, wrapped to the text width."""
        glyph_em = GLYPH_WIDTH_EM * (BOLD_WIDTH_FACTOR if bold else 1.0)
        chars = int(TEXT_WIDTH_IN * POINTS_PER_INCH / (size * glyph_em))
        lines = textwrap.wrap(text, chars) or [""]
        line_in = size * LINE_SPACING / POINTS_PER_INCH
        fig = self.need(line_in * len(lines))
        for line in lines:
            self.y_in += line_in
            fig.text(
                MARGIN_IN / A4_IN[0],
                self._y(self.y_in),
                line,
                fontsize=size,
                fontweight="bold" if bold else "normal",
                color=colour,
            )
        self.y_in += gap_in

    def table(self, table: TextTable, *, size: float = 7.5) -> None:
        height = TABLE_ROW_IN * (len(table.rows) + 1)
        fig = self.need(height)
        ax = fig.add_axes(
            (
                MARGIN_IN / A4_IN[0],
                self._y(self.y_in + height),
                TEXT_WIDTH_IN / A4_IN[0],
                height / A4_IN[1],
            )
        )
        ax.axis("off")
        drawn = ax.table(
            cellText=[list(r) for r in table.rows],
            colLabels=list(table.header),
            loc="upper center",
            cellLoc="left",
            colLoc="left",
            bbox=Bbox.from_bounds(0.0, 0.0, 1.0, 1.0),
        )
        drawn.auto_set_font_size(False)
        drawn.set_fontsize(size)
        drawn.auto_set_column_width(list(range(len(table.header))))
        for (row, _), cell in drawn.get_celld().items():
            cell.set_edgecolor("#cccccc")
            if row == 0:
                cell.set_facecolor("#eef4fa")
                cell.set_text_props(fontweight="bold")
        self.y_in += height + 0.15

    def chart(
        self,
        chart: Chart,
        view: ReviewView,
        *,
        width_in: float = TEXT_WIDTH_IN,
        left_in: float = MARGIN_IN,
        advance: bool = True,
    ) -> None:
        fig = self.need(chart.height_in + 0.3)
        bottom = self._y(self.y_in + chart.height_in)
        height = chart.height_in / A4_IN[1]
        # Room on the left for tick labels and the axis title.
        x0 = (left_in + 0.55) / A4_IN[0]
        w = (width_in - 0.65) / A4_IN[0]
        if chart.n_axes == 1:
            axes = [fig.add_axes((x0, bottom + 0.45 / A4_IN[1], w, height - 0.55 / A4_IN[1]))]
        else:
            half = (height - 0.6 / A4_IN[1]) / 2
            axes = [
                fig.add_axes((x0, bottom + 0.45 / A4_IN[1] + half + 0.1 / A4_IN[1], w, half)),
                fig.add_axes((x0, bottom + 0.45 / A4_IN[1], w, half)),
            ]
        chart.draw(view, *axes)
        if advance:
            self.y_in += chart.height_in + 0.1

    def side_by_side(self, left: Chart, right: Chart, view: ReviewView) -> None:
        """Two half-width charts with their titles on one row."""
        height = max(left.height_in, right.height_in)
        fig = self.need(height + 0.4)
        half = TEXT_WIDTH_IN / 2
        self.y_in += 11 * LINE_SPACING / POINTS_PER_INCH
        for chart, x_in in ((left, MARGIN_IN), (right, MARGIN_IN + half)):
            fig.text(
                x_in / A4_IN[0], self._y(self.y_in), chart.title, fontsize=11, fontweight="bold"
            )
        self.y_in += 0.08
        for chart, x_in in ((left, MARGIN_IN), (right, MARGIN_IN + half)):
            self.chart(chart, view, width_in=half, left_in=x_in, advance=False)
        self.y_in += height + 0.1


@contextmanager
def _document(buffer: io.BytesIO, view: ReviewView) -> Iterator[PdfPages]:
    metadata = {"Title": report_heading(view).title, "Creator": "hrv-relax"}
    with PdfPages(buffer, metadata=metadata) as pdf:
        yield pdf


def render_pdf(view: ReviewView) -> bytes:
    """The session's report as PDF bytes."""
    heading = report_heading(view)
    buffer = io.BytesIO()
    by_key = {c.key: c for c in CHARTS}
    with _document(buffer, view) as pdf:
        page = Page(pdf, heading.footer)
        page.new()
        page.text(heading.title, size=18, bold=True, colour=BLUE)
        page.text(heading.subtitle, size=10, colour="#444444", gap_in=0.25)
        page.text(view.headline, size=13, bold=True, gap_in=0.15)
        if view.how_sure:
            page.text(view.how_sure, size=9, colour="#444444", gap_in=0.15)
        for line in heading.context:
            page.text(line, size=10)
        page.text("", size=6)
        page.text("Figures per phase", size=12, bold=True)
        page.table(phase_table(view.figures))
        changes = shift_table(view.figures)
        if changes.rows:
            page.text("Change against the resting baseline", size=12, bold=True)
            page.table(changes)
        page.text("Rhythm structure", size=12, bold=True)
        page.table(rhythm_table(view.figures))
        page.text(CHART_CAPTIONS["rhythm"], size=8.5, colour="#444444", gap_in=0.15)
        notes = phase_notes(view.figures)
        if notes:
            page.text("Why some figures are missing", size=10, bold=True)
            for note in notes:
                page.text(f"• {note}", size=8.5, gap_in=0.02)
        page.text("", size=6)
        page.text(DISCLAIMER, size=8.5, colour="#555555")

        # The charts follow on from the tables: the first page is not left half empty.
        first = by_key["hr_rmssd"]
        page.need(SECTION_TITLE_IN + first.height_in + 0.75)
        page.text("Your session in charts", size=14, bold=True, colour=BLUE, gap_in=0.12)
        for key in ("hr_rmssd", "tachogram", "autonomic"):
            _captioned(page, by_key[key], view)
        pair = max(by_key["poincare"].height_in, by_key["spectrum"].height_in)
        page.need(SECTION_TITLE_IN + pair + 1.0)
        page.text("The rhythm in detail", size=14, bold=True, colour=BLUE, gap_in=0.12)
        page.side_by_side(by_key["poincare"], by_key["spectrum"], view)
        page.text(CHART_CAPTIONS["poincare"], size=8.5, colour="#444444")
        spectrum_gap = 0.04 if view.spectrum_notes else 0.15
        page.text(CHART_CAPTIONS["spectrum"], size=8.5, colour="#444444", gap_in=spectrum_gap)
        for note in view.spectrum_notes:  # below the chart, never over its legend
            page.text(note, size=8.5, colour="#444444", gap_in=0.04)
        if view.spectrum_notes:
            page.text("", size=4)

        page.text("Words used in this report", size=14, bold=True, colour=BLUE, gap_in=0.12)
        for term, meaning in DEFINITIONS:
            page.need(0.9)  # a term never stands alone at the foot of a page
            page.text(term, size=9.5, bold=True, gap_in=0.0)
            page.text(meaning, size=8.5, gap_in=0.05)
        page.flush()
    return buffer.getvalue()


def _captioned(page: Page, chart: Chart, view: ReviewView) -> None:
    page.need(chart.height_in + 0.75)
    page.text(chart.title, size=11, bold=True)
    page.chart(chart, view)
    page.text(CHART_CAPTIONS[chart.key], size=8.5, colour="#444444", gap_in=0.12)
