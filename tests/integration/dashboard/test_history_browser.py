"""A real browser opens a session review and a client's history, and saves screenshots."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tests.support.accounts import PASSWORD, account
from tests.support.browser import chromium_page, free_port, screenshot, served, sign_in
from tests.support.history_practice import make_practice

pytestmark = [pytest.mark.browser, pytest.mark.slow]
WAIT_MS = 60_000


def test_review_and_history_pages_in_chromium(tmp_path: Path) -> None:
    practice = make_practice(tmp_path / "practice.db", n_sessions=12)
    sid = practice.session_ids[-1]
    account(practice.store, "boss", "admin")
    practice.store.close()
    port = free_port()
    argv = ["dashboard", "--no-browser", "--port", str(port)]
    with served(argv, {"HRV_RELAX_DB": str(practice.db)}) as url, chromium_page() as page:
        # A deep link as the very first request: the page opens inside the app's navigation.
        page.goto(f"{url}review?session={sid}")
        sign_in(page, "boss", PASSWORD)  # then the page the link asked for opens
        page.get_by_text("Heart-rate variability for massage").first.wait_for(timeout=WAIT_MS)
        page.get_by_text("Dana Example's heart rate was").first.wait_for(timeout=WAIT_MS)
        page.get_by_text("By technique and pressure").first.wait_for(timeout=WAIT_MS)
        page.wait_for_function(
            "document.querySelectorAll('.js-plotly-plot').length >= 6", timeout=WAIT_MS
        )
        assert page.get_by_text("Report (PDF)").count() == 1
        time.sleep(1.5)  # let plotly finish drawing
        screenshot(page, "session-review")
        page.get_by_text("Heartbeat intervals").first.scroll_into_view_if_needed()
        time.sleep(0.5)
        screenshot(page, "session-review-charts")
        page.get_by_text("By technique and pressure").first.scroll_into_view_if_needed()
        time.sleep(0.5)
        screenshot(page, "session-review-techniques")

        # A new page load is a new dashboard session (signed out): switch pages in the app.
        page.get_by_role("link", name="Client history").click()
        page.get_by_text("What relaxes most").first.wait_for(timeout=WAIT_MS)
        page.wait_for_function(
            "document.querySelectorAll('.js-plotly-plot').length >= 3", timeout=WAIT_MS
        )
        assert page.get_by_text("of 12 sessions").count() >= 1
        time.sleep(1.5)
        screenshot(page, "client-history")
        page.get_by_text("What relaxes most").first.scroll_into_view_if_needed()
        time.sleep(0.5)
        screenshot(page, "client-history-comparisons")
