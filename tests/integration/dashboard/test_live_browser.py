"""The live page in a real browser: start a simulated session, watch it, mark a phase, stop it."""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Any

import pytest

from hrv_relax.store import get_session, list_markers, list_sessions, open_store
from tests.support.accounts import PASSWORD, account
from tests.support.browser import chromium_page, free_port, screenshot, served, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.slow]
BPM = re.compile(r"(\d+) bpm")


def _tile_value(page: Any, label: str) -> str:
    tile = page.locator('[data-testid="stMetric"]', has_text=label).first
    return str(tile.locator('[data-testid="stMetricValue"]').inner_text())


def _wait_until(check: Any, timeout_s: float, what: str) -> None:
    deadline = time.monotonic() + timeout_s
    while not check():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.5)


def test_therapist_starts_watches_marks_and_stops_a_session(tmp_path: Path) -> None:
    db = tmp_path / "clinic.db"
    env = {"HRV_RELAX_DB": str(db), "XDG_DATA_HOME": str(tmp_path / "data")}
    store = open_store(db)
    robin = account(store, "robin", "therapist")
    store.close()
    argv = ["dashboard", "--no-browser", "--port", str(free_port())]
    with served(argv, env) as url, chromium_page() as page:
        page.goto(url)
        sign_in(page, "robin", PASSWORD)
        page.get_by_text("Start a session").first.wait_for(timeout=60_000)
        page.get_by_text("No session yet").wait_for()
        # A new client, the simulated strap, Start.
        page.locator('[data-testid="stSelectbox"]', has_text="Client").click()
        page.get_by_role("option", name="New client").click()
        name_box = page.get_by_label("New client's name")
        name_box.fill("Browser Client")
        name_box.press("Enter")
        # Outside the demo there is no strap to start with until one is found or the
        # simulated strap is asked for by name.
        start = page.get_by_role("button", name="Start", exact=True)
        assert start.is_disabled()
        page.get_by_text("Test with a simulated strap").click()
        page.get_by_text("Simulated strap (test beats, not a reading)").wait_for()
        start.click()
        page.get_by_text("Viewing: ● Recording · simulated (1 recording now)").wait_for(
            timeout=30_000
        )

        # The heart-rate tile shows a reading and it changes as beats arrive.
        _wait_until(lambda: BPM.search(_tile_value(page, "Heart rate")), 30, "a heart rate")
        first = _tile_value(page, "Heart rate")
        seen = {first}
        deadline = time.monotonic() + 30
        while len(seen) < 2 and time.monotonic() < deadline:
            time.sleep(1)
            seen.add(_tile_value(page, "Heart rate"))
        assert len(seen) >= 2, f"heart rate stuck at {first}"
        screenshot(page, "live-recording")

        # A phase marker appears on the chart.
        page.get_by_role("button", name="Massage").click()
        chart_label = page.locator(".js-plotly-plot text", has_text="Massage")
        chart_label.first.wait_for(timeout=15_000)
        page.get_by_role("button", name="effleurage").click()
        page.locator(".js-plotly-plot text", has_text="effleurage").first.wait_for(timeout=15_000)
        screenshot(page, "live-marked")

        # Some seconds of beats are stored before Stop, however fast the steps above went.
        watching = open_store(db)
        try:
            _wait_until(lambda: list_sessions(watching)[0].n_beats > 5, 30, "stored beats")
        finally:
            watching.close()
        page.get_by_role("button", name="Stop").click()
        page.get_by_text("Ended").first.wait_for(timeout=20_000)
        # One state everywhere: the picker says what the tile says, within a refresh.
        picker = page.locator('[data-testid="stSelectbox"]', has_text="Viewing")
        _wait_until(lambda: "Viewing: Ended · simulated" in picker.inner_text(), 5, "the picker")
        assert "Recording" not in picker.inner_text()
        assert page.locator(".calm-alert").count() == 0  # nothing left to alert about
        screenshot(page, "live-stopped")

    store = open_store(db)
    (session,) = list_sessions(store)
    assert session.client_name == "Browser Client"
    assert session.source == "simulated"
    assert session.therapist_id == robin.id  # the signed-in therapist's session
    assert get_session(store, session.id).status == "complete"
    assert session.n_beats > 5
    values = {(m.kind, m.value) for m in list_markers(store, session.id)}
    assert {("phase", "massage"), ("technique", "effleurage")} <= values
