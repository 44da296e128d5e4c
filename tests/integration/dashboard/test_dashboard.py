"""AppTest of each dashboard page against a real SQLite store."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from hrv_relax.capture.processes import stop_all_recordings
from hrv_relax.capture.recorder import Recorder
from hrv_relax.capture.simulator import SessionPlan, SimulatedStrap
from hrv_relax.dashboard.client_picker import NEW_CLIENT
from hrv_relax.dashboard.server import dashboard_app
from hrv_relax.store import (
    Beat,
    Store,
    add_client,
    append_beats,
    create_session,
    get_session,
    heartbeat,
    list_markers,
    list_sessions,
    open_store,
)
from hrv_relax.store.sessions import finish_session
from hrv_relax.views.live import LiveFeed
from tests.support.accounts import signed_in_app

APP = str(dashboard_app())
TIMEOUT_S = 30


@pytest.fixture
def practice(db_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Store, int, int]]:
    """A finished 6-minute session and a session recording right now (3 minutes in)."""
    monkeypatch.setenv("HRV_RELAX_DB", str(db_path))
    store = open_store(db_path)
    client = add_client(store, "Page Tester")
    plan = SessionPlan(baseline_s=120, massage_s=180, recovery_s=60)
    done = create_session(store, client.id, source="simulated")
    strap = SimulatedStrap(seed=5, plan=plan, realtime=False)
    asyncio.run(Recorder(store, done, strap, scheduled_phases=plan.phase_starts()).run())
    live = create_session(store, client.id, source="simulated")
    with store.write() as conn:
        append_beats(
            conn, live, [Beat(i, 0.85 * (i + 1), 850.0 + 20 * (i % 3), 70) for i in range(210)]
        )
        heartbeat(conn, live)
    yield store, done, live
    store.close()


def test_live_page_shows_heart_rate_and_rmssd_of_the_recording_session(
    practice: tuple[Store, int, int],
) -> None:
    store, _, live = practice
    at = signed_in_app(store)
    assert not at.exception
    assert at.title[0].value == "Live session"
    labels = {m.label: m.value for m in at.metric}
    assert "Heart rate" in labels and "RMSSD (60 s)" in labels
    assert labels["Heart rate"].endswith("bpm") and labels["RMSSD (60 s)"].endswith("ms")
    assert at.selectbox(key="live_session").value == live


def test_a_browser_keeps_one_live_feed_of_the_session_it_views(
    practice: tuple[Store, int, int],
) -> None:
    """The live page keeps the viewed session's beats between refreshes, and only those."""
    store, done, live = practice
    at = signed_in_app(store)
    feed = at.session_state["live_feed"]
    assert isinstance(feed, LiveFeed) and feed.session_id == live and feed.n_beats == 210
    with store.write() as conn:
        append_beats(conn, live, [Beat(210 + i, 0.85 * (211 + i), 850.0, 70) for i in range(3)])
        heartbeat(conn, live)
    at.run()
    assert at.session_state["live_feed"] is feed and feed.n_beats == 213  # read only the new
    at.selectbox(key="live_session").select(done).run()
    assert not at.exception
    # The feed follows the viewed session: the other one's beats are let go.
    assert at.session_state["live_feed"].session_id == done


def test_phase_button_and_note_put_markers_on_the_session(practice: tuple[Store, int, int]) -> None:
    store, _, live = practice
    at = signed_in_app(store)
    at.button(key="phase_massage").click().run()
    at.button(key="technique_petrissage").click().run()
    at.button(key="pressure_firm").click().run()
    at.text_input(key="note_text").input("client asked for less pressure")
    next(b for b in at.button if b.label == "Add note").click().run()
    assert not at.exception
    kinds = {(m.kind, m.value) for m in list_markers(store, live)}
    assert ("phase", "massage") in kinds
    assert ("technique", "petrissage") in kinds and ("pressure", "firm") in kinds
    assert ("note", "client asked for less pressure") in kinds


def test_empty_note_is_refused_with_a_message(practice: tuple[Store, int, int]) -> None:
    store, _, live = practice
    at = signed_in_app(store)
    next(b for b in at.button if b.label == "Add note").click().run()
    assert not at.exception
    assert any("needs some text" in e.value for e in at.error)
    assert list_markers(store, live) == []


def test_finished_session_says_why_numbers_are_missing(practice: tuple[Store, int, int]) -> None:
    store, done, _ = practice
    at = signed_in_app(store)
    at.selectbox(key="live_session").select(done).run()
    assert not at.exception
    tiles = {m.label: m.value for m in at.metric}
    assert tiles["Signal"] == "Ended"
    assert tiles["Heart rate"].endswith("bpm")  # its final minute
    assert not [b for b in at.button if b.key == "stop_session"]  # nothing left to stop


def test_a_session_that_ended_early_says_so_in_the_past_tense(
    practice: tuple[Store, int, int],
) -> None:
    store, _, _ = practice
    client = add_client(store, "Short Visit")
    short = create_session(store, client.id, source="simulated")
    with store.write() as conn:
        append_beats(conn, short, [Beat(i, 0.8 * (i + 1), 800.0, 75) for i in range(30)])
        finish_session(conn, short)
    at = signed_in_app(store)
    at.selectbox(key="live_session").select(short).run()
    assert not at.exception
    picker = at.selectbox(key="live_session")
    assert picker.label.startswith("Viewing: Ended · simulated")
    assert "Recording" not in picker.format_func(short)
    assert {m.label: m.value for m in at.metric}["Signal"] == "Ended"
    notes = " ".join(c.value for c in at.caption)
    assert "the session ended within its first minute" in notes
    assert "first minute:" not in notes and "comparing with the baseline in" not in notes
    assert "baseline still running" not in notes
    assert not [b for b in at.button if b.key and b.key.startswith("phase_")]


def test_sessions_page_lists_sessions_and_filters_by_client(
    practice: tuple[Store, int, int],
) -> None:
    store, _, _ = practice
    add_client(store, "Nobody Yet")
    at = signed_in_app(store)
    at.switch_page("screens/sessions.py").run()
    assert not at.exception
    table = at.dataframe[0].value
    assert len(table) == 2 and set(table["Client"]) == {"Page Tester"}
    # The live page's words for the same states.
    assert set(table["Status"]) == {"Ended", "● Recording"}
    at.selectbox[0].select("Nobody Yet").run()
    assert any("No sessions yet" in i.value for i in at.info)


def test_pages_on_an_empty_database_explain_what_to_do(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HRV_RELAX_DB", str(db_path))
    at = AppTest.from_file(APP, default_timeout=TIMEOUT_S).run()
    assert not at.exception
    assert at.title[0].value == "Sign in"
    assert any("hrv-relax users add --role admin" in i.value for i in at.info)
    store = open_store(db_path)
    at = signed_in_app(store)
    store.close()
    assert not at.exception
    assert any("hrv-relax record --device ADDRESS --client NAME" in i.value for i in at.info)


def test_an_unusable_database_is_a_message_not_a_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"not a database" * 200)
    monkeypatch.setenv("HRV_RELAX_DB", str(junk))
    at = AppTest.from_file(APP, default_timeout=TIMEOUT_S).run()
    assert not at.exception
    assert any("cannot be opened" in e.value for e in at.error)


def _wait_for(predicate: Callable[[], bool], timeout_s: float = 20.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.2)


def test_start_a_simulated_session_from_the_page_then_stop_it(
    db_path: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("HRV_RELAX_DB", str(db_path))
    monkeypatch.setattr("hrv_relax.capture.processes.data_dir", lambda: tmp_path)
    store = open_store(db_path)
    at = signed_in_app(store)
    at.selectbox(key="start_client").select(NEW_CLIENT).run()
    at.text_input(key="start_new_client").input("Rae New").run()
    # Outside the demo: no strap to start with until one is scanned or a test is asked for.
    assert next(b for b in at.button if b.label == "Start").disabled
    assert not [r for r in at.radio if r.key == "start_strap"]
    at.checkbox(key="start_simulated").check().run()
    start = next(b for b in at.button if b.label == "Start")
    start.click().run()
    assert not at.exception
    try:
        sessions = list_sessions(store)
        assert [s.client_name for s in sessions] == ["Rae New"]
        assert sessions[0].source == "simulated"
        sid = sessions[0].id
        assert at.selectbox(key="live_session").value == sid
        # The recorder is its own process: it keeps recording after the page script ends.
        _wait_for(lambda: get_session(store, sid).n_beats >= 3)
        at.run()
        at.button(key="stop_session").click().run()
        _wait_for(lambda: get_session(store, sid).status == "complete")
        assert list_markers(store, sid) == []  # the therapist marks phases, not the simulator
    finally:
        stop_all_recordings(store)  # never leave a recorder running after a failure


def test_a_new_client_without_a_name_is_refused(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HRV_RELAX_DB", str(db_path))
    at = signed_in_app(open_store(db_path))
    at.selectbox(key="start_client").select(NEW_CLIENT).run()
    at.text_input(key="start_new_client").input("   ").run()
    at.checkbox(key="start_simulated").check().run()
    next(b for b in at.button if b.label == "Start").click().run()
    assert not at.exception
    assert any("client name is empty" in e.value for e in at.error)
    assert list_sessions(open_store(db_path)) == []
