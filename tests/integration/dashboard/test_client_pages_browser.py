"""A client's own history and session review in Chromium at a laptop's, an iPad's and a
phone's size: plain words to her, the figures behind a "details" expander, no text cut."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

from tests.support.accounts import PASSWORD, account
from tests.support.browser import chromium_page, free_port, screenshot, served, sign_in
from tests.support.history_practice import make_practice
from tests.support.layout_checks import CUT_TEXT

pytestmark = [pytest.mark.browser, pytest.mark.slow]
WAIT_MS = 60_000
VIEWPORTS = {"laptop": (1366, 768), "tablet": (820, 1180), "phone": (390, 844)}
TECHNICAL = ("lnRMSSD", "95 %", "LF/HF", "PNS", "SNS", "ms²")

# The client pages' own texts too: headings, paragraphs, the expander's title, tab names.
CUT_WORDS = """() => [...document.querySelector('[data-testid=stMain]').querySelectorAll(
  'h1, h2, h3, h4, [data-testid=stMarkdownContainer] p, [data-testid=stExpander] summary p,'
  + '[data-baseweb=tab] p, [data-testid=stDownloadButton] p'
)].filter(e => e.clientWidth > 0 && e.scrollWidth > e.clientWidth + 1)
  .map(e => `${e.innerText.slice(0, 40)} (${e.scrollWidth} > ${e.clientWidth} px)`)"""
# Plotly's titles are SVG text, which no scrollWidth reports: each must lie inside its chart.
CUT_CHART_TITLES = """() => [...document.querySelectorAll('.js-plotly-plot')].flatMap(plot => {
  const box = plot.getBoundingClientRect();
  return [...plot.querySelectorAll('.annotation-text, .gtitle')].filter(t => {
    const r = t.getBoundingClientRect();
    return r.width > 0 && (r.left < box.left - 1 || r.right > box.right + 1);
  }).map(t => t.textContent.slice(0, 40)); })"""
PAGE_SCROLLS = "() => document.documentElement.scrollWidth > document.documentElement.clientWidth"


def _visible_main_text(page: Any) -> str:
    """The main area's text outside closed expanders (what she reads without a click)."""
    return str(
        page.evaluate(
            """() => { const main = document.querySelector('[data-testid=stMain]').cloneNode(true);
            main.querySelectorAll('details:not([open]) > :not(summary)').forEach(e => e.remove());
            return main.innerText; }"""
        )
    )


def _check_every_width(page: Any, name: str) -> None:
    for width_name, (width, height) in VIEWPORTS.items():
        page.set_viewport_size({"width": width, "height": height})
        time.sleep(1.5)  # let the layout and plotly settle at the new width
        assert page.evaluate(CUT_TEXT) == [], (name, width_name)
        assert page.evaluate(CUT_WORDS) == [], (name, width_name)
        assert page.evaluate(CUT_CHART_TITLES) == [], (name, width_name)
        assert not page.evaluate(PAGE_SCROLLS), (name, width_name)
        screenshot(page, f"client-{name}-{width_name}")


def test_a_clients_pages_speak_to_her_and_fit_every_screen(tmp_path: Path) -> None:
    practice = make_practice(tmp_path / "practice.db", n_sessions=8)
    account(practice.store, "dana", "client", client="Dana Example")
    practice.store.close()
    argv = ["dashboard", "--no-browser", "--port", str(free_port())]
    with served(argv, {"HRV_RELAX_DB": str(practice.db)}) as url, chromium_page() as page:
        page.goto(url)
        sign_in(page, "dana", PASSWORD)
        page.get_by_text("You have had 8 sessions since").wait_for(timeout=WAIT_MS)
        page.wait_for_function(
            "document.querySelectorAll('.js-plotly-plot').length >= 3", timeout=WAIT_MS
        )
        text = _visible_main_text(page)
        assert "Your history" in text and "What relaxes you most" in text
        assert not [w for w in TECHNICAL if w in text], text
        assert page.get_by_role("combobox").count() == 0  # no client, therapist, marker pickers
        assert "(client)" not in page.inner_text("[data-testid=stSidebar]")
        _check_every_width(page, "history")

        page.set_viewport_size({"width": 1366, "height": 768})
        page.get_by_role("link", name="Session review").click()
        page.get_by_text("your heart rate was").first.wait_for(timeout=WAIT_MS)
        time.sleep(1)
        text = _visible_main_text(page)
        assert not [w for w in TECHNICAL if w in text], text
        page.get_by_text("Details: every figure of this session").click()
        page.get_by_text("Figures per phase").wait_for(timeout=WAIT_MS)
        assert "LF/HF" in _visible_main_text(page)  # one click away
        _check_every_width(page, "review")
