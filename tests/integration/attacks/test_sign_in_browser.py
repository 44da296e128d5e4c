"""Issue 14 §2 in a real browser: a sign-in a therapist can work with, bound to the browser.

Debian's Chromium through Playwright against `hrv-relax dashboard`, idle limit 30 s.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from hrv_relax.capture.processes import start_recording, stop_all_recordings
from hrv_relax.config import sqlite_url
from hrv_relax.store import find_client, get_session, open_store
from tests.integration.attacks.conftest import IDLE_MINUTES, Served
from tests.support.accounts import PASSWORD
from tests.support.attack_practice import DANA
from tests.support.browser import chromium_page, screenshot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.slow]

IDLE_S = IDLE_MINUTES * 60
SIGNED_IN = "Signed in as"


def _signed_in(page: object, timeout_ms: int = 60_000) -> None:
    page.get_by_text(SIGNED_IN).first.wait_for(timeout=timeout_ms)  # type: ignore[attr-defined]


def test_a_reload_a_new_tab_and_a_bookmark_stay_signed_in(dashboard: Served) -> None:
    session_id = dashboard.practice.dana_sessions[0]
    with chromium_page() as page:
        page.goto(dashboard.url)
        sign_in(page, "sam", PASSWORD)
        _signed_in(page)
        page.reload()
        _signed_in(page)
        tab = page.context.new_page()
        tab.goto(dashboard.url + "sessions")
        _signed_in(tab)
        tab.get_by_role("heading", name="Sessions").wait_for(timeout=30_000)
        bookmark = page.context.new_page()
        bookmark.goto(f"{dashboard.url}review?session={session_id}")
        _signed_in(bookmark)
        bookmark.get_by_role("heading", name="Session review").wait_for(timeout=30_000)
        chosen = bookmark.locator('[data-testid="stSelectbox"]').first
        chosen.wait_for(timeout=30_000)
        shown = chosen.locator("input").first.get_attribute("aria-label") or ""
        shown += chosen.locator("input").first.input_value() + chosen.inner_text()
        assert f"#{session_id} · {DANA}" in shown, shown
        assert f"session={session_id}" in bookmark.url
        screenshot(bookmark, "attack-bookmark-signed-in")
        cookie = next(c for c in page.context.cookies() if c["name"] == "hrv_relax_browser")
        assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"


def test_sign_out_in_one_browser_ends_the_sign_in_in_every_other(dashboard: Served) -> None:
    with chromium_page() as first:
        # Another browser: a context of its own has its own cookies.
        second = first.context.browser.new_context().new_page()
        for page in (first, second):
            page.goto(dashboard.url)
            sign_in(page, "kim", PASSWORD)
            _signed_in(page)
        # The sidebar may lie below a small window's fold: click it as a script would.
        first.get_by_role("button", name="Sign out").evaluate("button => button.click()")
        first.get_by_role("heading", name="Sign in").wait_for(timeout=30_000)
        # The other browser's next click finds its sign-in ended.
        second.get_by_role("link", name="Sessions").evaluate("link => link.click()")
        second.get_by_role("heading", name="Sign in").wait_for(timeout=30_000)
        assert second.get_by_text(SIGNED_IN).count() == 0


def test_idle_signs_out_but_watching_a_recording_does_not(
    dashboard: Served, tmp_path: Path
) -> None:
    db_url = sqlite_url(dashboard.db)
    store = open_store(dashboard.db)
    dana = find_client(store, DANA)
    assert dana is not None
    started = start_recording(db_url, client_id=dana.id, seed=7, log_dir=tmp_path)
    try:
        with chromium_page() as page:
            page.goto(dashboard.url)
            sign_in(page, "sam", PASSWORD)
            _signed_in(page)
            page.get_by_text("Heart rate").first.wait_for(timeout=60_000)
            # No click for longer than the idle limit while the session records.
            time.sleep(IDLE_S + 20)
            assert page.get_by_text(SIGNED_IN).count() == 1
            page.get_by_text("Heart rate").first.wait_for(timeout=10_000)
            stop_all_recordings(store)
            deadline = time.monotonic() + 30
            while get_session(store, started.session_id).status == "recording":
                assert time.monotonic() < deadline, "the recording did not stop"
                time.sleep(0.5)
            # From the end of the recording, the idle limit runs: then the page signs out.
            page.get_by_text("without activity").wait_for(timeout=(IDLE_S + 40) * 1000)
            page.get_by_role("heading", name="Sign in").wait_for(timeout=10_000)
            screenshot(page, "attack-idle-signed-out")
            page.reload()
            page.get_by_role("heading", name="Sign in").wait_for(timeout=30_000)
    finally:
        stop_all_recordings(store)
        store.close()


def _cookie(page: object) -> str:
    cookies = page.context.cookies()  # type: ignore[attr-defined]
    return str(next(c["value"] for c in cookies if c["name"] == "hrv_relax_browser"))


def test_signing_in_gives_the_browser_a_new_cookie_and_a_planted_one_names_nothing(
    dashboard: Served,
) -> None:
    with chromium_page() as page:
        page.goto(dashboard.url)
        page.get_by_label("User name").wait_for(timeout=60_000)
        planted = _cookie(page)  # as if someone had put it there, and kept a copy
        sign_in(page, "sam", PASSWORD)  # returns once the page reloaded with its new cookie
        assert _cookie(page) != planted
        _signed_in(page)
        page.reload()
        _signed_in(page)
        intruder = page.context.browser.new_context().new_page()
        intruder.context.add_cookies(
            [{"name": "hrv_relax_browser", "value": planted, "url": dashboard.url}]
        )
        intruder.goto(dashboard.url + "sessions")
        intruder.get_by_role("heading", name="Sign in").wait_for(timeout=30_000)
        assert intruder.get_by_text(SIGNED_IN).count() == 0
        # The renewal takes only a ticket the signed-in page was sent, once.
        for headers in ({}, {"x-hrv-renew": "forged"}):
            status = intruder.request.post(dashboard.url + "_hrv/renew", headers=headers).status
            assert status == 403
        assert page.request.get(dashboard.url + "_hrv/renew").status == 403
