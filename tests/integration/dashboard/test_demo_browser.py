"""`hrv-relax demo` as a newcomer meets it: a real browser sees the live page updating."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from hrv_relax.store import list_sessions, open_store
from tests.support.browser import chromium_page, free_port, loaded, screenshot, served

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _elapsed(page: object) -> str:
    return page.get_by_text("elapsed").first.inner_text()  # type: ignore[attr-defined]


def test_demo_serves_a_live_page_that_updates(tmp_path: Path) -> None:
    db = tmp_path / "demo.db"
    port = free_port()
    argv = ["--db", str(db), "demo", "--no-browser", "--port", str(port)]
    with served(argv, {}) as url, chromium_page() as page:
        assert url == f"http://127.0.0.1:{port}/"
        with loaded(page, times=2):  # signed in as the demo therapist, its cookie renewed
            page.goto(url)
        page.get_by_text("Heart rate").first.wait_for(timeout=60_000)
        page.get_by_text("DEMO").first.wait_for()
        first = _elapsed(page)
        time.sleep(3)
        second = _elapsed(page)
        assert first != second, "the live panel did not refresh"
        assert page.locator(".js-plotly-plot").count() >= 1
        screenshot(page, "demo-live")
        page.get_by_role("link", name="Sessions").click()
        page.get_by_text("Times are in").wait_for(timeout=30_000)
        time.sleep(1)  # let the table grid paint
        screenshot(page, "demo-sessions")

    store = open_store(db)
    sessions = list_sessions(store)
    clients = {s.client_name for s in sessions}
    assert {"Alex Demo", "Bea Demo", "Chris Demo"} <= clients
    assert len(sessions) >= 3 * 4  # several weeks of history
    started = sessions[0].started_at - sessions[-1].started_at
    assert started.days >= 21
    # Ctrl-C on the demo ends its live recording cleanly.
    assert all(s.status == "complete" for s in sessions)
