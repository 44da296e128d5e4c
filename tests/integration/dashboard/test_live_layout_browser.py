"""The live page on a laptop, a tablet and a phone, in a real browser, with the demo running.

Texts are whole (no element's content wider than its box), nothing scrolls sideways, the
tiles and the one-tap markers fit the first screen of a laptop and a tablet, the current
choice shows, a marker can be undone, the glance view reads from across the room, text is
AA-legible, focus shows, and no request leaves the machine.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest

from hrv_relax.store import list_markers, list_sessions, open_store
from hrv_relax.store.audit import recent_audit
from tests.conftest import require
from tests.support.browser import (
    CHROMIUM,
    CHROMIUM_ARGS,
    free_port,
    loaded,
    screenshot,
    served,
)
from tests.support.layout_checks import CONTRAST, CUT_TEXT

pytestmark = [pytest.mark.browser, pytest.mark.slow]

VIEWPORTS = {"laptop": (1366, 768), "tablet": (820, 1180), "phone": (390, 844)}
MARKERS = '.st-key-markers button[data-testid^="stBaseButton"]'
TILES = '[class*="st-key-tile_"]'


def _watched(page: Any, outside: list[str]) -> Any:
    """`page`, noting every request it makes to a host other than this computer."""
    page.on(
        "request",
        lambda r: (
            outside.append(r.url)
            if urlparse(r.url).scheme in ("http", "https", "ws", "wss")
            and urlparse(r.url).hostname != "127.0.0.1"
            else None
        ),
    )
    return page


def _signed_in(browser: Any, url: str, size: tuple[int, int], outside: list[str]) -> Any:
    """A browser of its own at `size`, signed in to the demo, its cookie renewed.

    The demo signs a new browser in on its first page, which then trades its cookie for a
    new one and reloads: a page checked before that reload could be looked at mid-reload.
    """
    context = browser.new_context(viewport={"width": size[0], "height": size[1]})
    page = _watched(context.new_page(), outside)
    with loaded(page, times=2):  # the page, then the page again after the renewal
        page.goto(url)
    page.close()
    return context


def _page_at(context: Any, url: str, outside: list[str]) -> Any:
    page = _watched(context.new_page(), outside)
    page.goto(url)
    return page


def _live_page(context: Any, url: str, outside: list[str]) -> Any:
    page = _page_at(context, url, outside)
    page.locator(MARKERS, has_text="Massage").wait_for(timeout=60_000)
    page.locator(".js-plotly-plot").first.wait_for(timeout=30_000)
    time.sleep(1.5)  # a refresh or two: the tiles hold readings
    return page


def _bottom(page: Any, selector: str) -> float:
    return float(
        page.evaluate(
            f"Math.max(...[...document.querySelectorAll('{selector}')]"
            ".map(e => e.getBoundingClientRect().bottom))"
        )
    )


def _stored_markers(data: Path) -> set[tuple[str, str]]:
    """(kind, value) of every marker in the demo's own database, in its data folder."""
    (db,) = data.glob("**/*demo*.db")
    store = open_store(db)
    try:
        return {(m.kind, m.value) for s in list_sessions(store) for m in list_markers(store, s.id)}
    finally:
        store.close()


def _wait_drawn(page: Any, label: str, data: Path) -> None:
    """Wait for the chart to draw `label`; if it does not, say whether the tap was stored."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        page.locator(".js-plotly-plot text", has_text=label).first.wait_for(timeout=15_000)
    except PlaywrightTimeout:
        stored = _stored_markers(data)
        drawn = page.evaluate(
            "[...document.querySelectorAll('.js-plotly-plot text')].map(e => e.textContent)"
        )
        said = page.locator('[data-testid="stAlert"], [data-testid="stToast"]').all_inner_texts()
        screenshot(page, f"live-not-drawn-{label}")
        raise AssertionError(
            f"{label!r} not drawn within 15 s; stored: {('technique', label) in stored}; "
            f"the page says: {said}; the chart's texts: {drawn}"
        ) from None


@contextmanager
def _demo_in_chromium(tmp_path: Path) -> Iterator[tuple[Any, str]]:
    """A fresh demo served on a free port, and a Chromium to look at it with."""
    from playwright.sync_api import sync_playwright

    require(CHROMIUM.exists(), "Debian chromium is not installed (apt-get install chromium)")
    argv = ["demo", "--no-browser", "--port", str(free_port())]
    with (
        served(argv, {"XDG_DATA_HOME": str(tmp_path)}) as url,
        sync_playwright() as pw,
    ):
        yield pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS), url


def test_live_page_fits_and_reads_at_laptop_tablet_and_phone_sizes(tmp_path: Path) -> None:
    outside: list[str] = []
    with _demo_in_chromium(tmp_path) as (browser, url):
        contexts = {
            name: _signed_in(browser, url, size, outside) for name, size in VIEWPORTS.items()
        }
        for name, size in VIEWPORTS.items():
            page = _live_page(contexts[name], url, outside)
            assert page.title() == "Live session · hrv-relax"
            cut = page.evaluate(CUT_TEXT)
            assert cut == [], f"{name}: text cut off: {cut}"
            assert not page.evaluate(
                "document.documentElement.scrollWidth > document.documentElement.clientWidth"
            ), f"{name}: the page scrolls sideways"
            sidebar = page.locator('[data-testid="stSidebar"]')
            assert sidebar.get_attribute("data-collapsed") == "true", f"{name}: sidebar open"
            if name != "phone":
                # Tiles and every one-tap marker on the first screen, without scrolling.
                assert _bottom(page, TILES) <= size[1], f"{name}: tiles below the fold"
                assert _bottom(page, MARKERS) <= size[1], f"{name}: markers below the fold"
            # The current phase is the one filled in; the others are not.
            primary = page.locator('.st-key-group_phase [data-testid="stBaseButton-primary"]')
            assert primary.count() == 1 and primary.inner_text().strip() == "Baseline"
            low = page.evaluate(CONTRAST)
            assert low == [], f"{name}: text below 4.5:1: {low}"
            screenshot(page, f"live-{name}")
            page.close()

        page = _live_page(contexts["laptop"], url, outside)
        # Keyboard: the markers come before the chart's toolbar, and focus is drawn.
        order = page.evaluate(
            "[...document.querySelectorAll('button, a[href], input, [tabindex]')]"
            ".filter(e => e.tabIndex >= 0).map(e => e.closest('.st-key-markers') ? 'marker'"
            " : e.closest('.modebar') ? 'toolbar' : 'other')"
        )
        assert order.index("marker") < order.index("toolbar")
        page.locator(MARKERS, has_text="Baseline").focus()
        page.keyboard.press("Tab")
        outline = page.evaluate(
            "(() => { const s = getComputedStyle(document.activeElement);"
            " return [s.outlineStyle, parseFloat(s.outlineWidth)]; })()"
        )
        assert outline[0] != "none" and outline[1] >= 2, f"focus not visible: {outline}"

        # Tap Massage: it becomes the current phase; undo takes it back (and says so).
        page.locator(MARKERS, has_text="Massage").click()
        page.locator(
            '.st-key-group_phase [data-testid="stBaseButton-primary"]', has_text="Massage"
        ).wait_for(timeout=15_000)
        page.locator(".st-key-undo_marker button").click()
        page.locator(
            '.st-key-group_phase [data-testid="stBaseButton-primary"]', has_text="Baseline"
        ).wait_for(timeout=15_000)
        page.locator(MARKERS, has_text="petrissage").click()
        _wait_drawn(page, "petrissage", tmp_path)
        screenshot(page, "live-marked")

        # The glance view: the heart rate at least a fifth of the screen tall.
        page.get_by_role("button", name="Glance").click()
        big = page.locator(".glance .big")
        big.wait_for(timeout=15_000)
        assert float(big.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")) >= 150
        screenshot(page, "live-glance")
        page.get_by_role("button", name="Back to the full page").click()
        page.locator(MARKERS, has_text="Massage").wait_for(timeout=15_000)
        browser.close()

    assert outside == [], f"requests left the machine: {outside[:3]}"
    assert ("technique", "petrissage") in _stored_markers(tmp_path)
    (db,) = tmp_path.glob("**/*demo*.db")
    store = open_store(db)
    undone = recent_audit(store, action="marker_undone")
    assert len(undone) == 1 and "phase 'massage'" in undone[0].detail
    store.close()


PAGES = {
    "sessions": "Sessions",
    "review": "Session review",
    "history": "Client history",
    "import": "Import",
}


def test_every_staff_page_has_its_title_fits_and_reads_at_three_sizes(tmp_path: Path) -> None:
    outside: list[str] = []
    with _demo_in_chromium(tmp_path) as (browser, url):
        for name, size in VIEWPORTS.items():
            context = _signed_in(browser, url, size, outside)
            for path, title in PAGES.items():
                page = _page_at(context, url + path, outside)
                page.get_by_role("heading", name=title).first.wait_for(timeout=60_000)
                time.sleep(2)  # charts drawn
                assert page.title() == f"{title} · hrv-relax"
                cut = page.evaluate(CUT_TEXT)
                assert cut == [], f"{path} at {name}: text cut off: {cut}"
                assert not page.evaluate(
                    "document.documentElement.scrollWidth > document.documentElement.clientWidth"
                ), f"{path} at {name}: the page scrolls sideways"
                low = page.evaluate(CONTRAST)
                assert low == [], f"{path} at {name}: text below 4.5:1: {low}"
                if path == "history":
                    screenshot(page, f"history-{name}")
                page.close()
        browser.close()
    assert outside == [], f"requests left the machine: {outside[:3]}"
