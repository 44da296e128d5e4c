"""Ctrl-C on one demo stops only the recordings that demo (and its pages) started."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pytest

from hrv_relax.capture.processes import start_recording, stop_all_recordings
from hrv_relax.config import ENV_STARTED_LIST, sqlite_url
from hrv_relax.dashboard.server import stop_own_recordings
from hrv_relax.store import add_client, get_session, open_store


def _wait_for(condition: Callable[[], bool], timeout_s: float = 30.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.2)


def test_a_demo_stops_its_own_recordings_and_leaves_another_demos(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db_url = sqlite_url(tmp_path / "demo.db")
    store = open_store(db_url)
    client = add_client(store, "Alex Demo")
    logs = tmp_path / "logs"
    try:
        # Another demo on the same database: its recording is not on this demo's list.
        other = start_recording(db_url, client_id=client.id, seed=1, log_dir=logs)
        ours_list = tmp_path / "demo-started.txt"
        monkeypatch.setenv(ENV_STARTED_LIST, str(ours_list))
        ours = start_recording(db_url, client_id=client.id, seed=2, log_dir=logs)
        _wait_for(lambda: min(get_session(store, s.session_id).n_beats for s in (other, ours)) > 2)

        assert stop_own_recordings(db_url, ours_list) == (ours.session_id,)

        assert get_session(store, ours.session_id).status == "complete"
        assert get_session(store, other.session_id).status == "recording"
        assert not ours_list.exists()
    finally:
        stop_all_recordings(store)
        store.close()
