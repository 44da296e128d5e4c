"""The recorder's local journal: exact round trips, torn lines, locks, replay exactly once."""

from __future__ import annotations

import asyncio
import datetime as dt
import os
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hrv_relax.capture.journal import Batch, Journal, flush_leftovers, read_journal, write_batch
from hrv_relax.capture.recorder import Recorder
from hrv_relax.capture.simulator import SessionPlan, SimulatedStrap
from hrv_relax.errors import StoreUnavailableError
from hrv_relax.store import (
    Beat,
    Store,
    create_session,
    get_or_add_client,
    get_session,
    list_markers,
    load_beats,
)

beats_strategy = st.lists(
    st.builds(
        Beat,
        seq=st.integers(0, 2**31 - 1),
        t_s=st.floats(0, 1e6, allow_nan=False),
        rr_ms=st.floats(200, 3000, allow_nan=False),
        bpm=st.none() | st.integers(0, 255),
        contact=st.none() | st.booleans(),
    ),
    max_size=5,
)


@given(beats=beats_strategy, ended=st.booleans())
def test_a_batch_comes_back_from_its_journal_line_bit_for_bit(
    beats: list[Beat], ended: bool
) -> None:
    batch = Batch(
        3,
        tuple(beats),
        gaps=((1.5, 9.25),),
        phases=((0.0, "baseline"),),
        ended_at=dt.datetime(2026, 1, 2, 3, 4, 5, 678901, tzinfo=dt.UTC) if ended else None,
    )
    assert Batch.from_json(batch.to_json()) == batch


def _session(store: Store) -> int:
    return create_session(store, get_or_add_client(store, "Journal Client").id, source="simulated")


def _batch(sid: int, first: int, n: int = 3, **kwargs: Any) -> Batch:
    beats = tuple(Beat(first + i, 0.8 * (first + i + 1), 800.0 + i, 75, True) for i in range(n))
    return Batch(sid, beats, **kwargs)


def test_journal_is_on_disk_at_once_and_a_torn_last_line_is_not_a_batch(tmp_path: Path) -> None:
    journal = Journal(tmp_path, "sqlite:///x.db", 1)
    journal.append(_batch(1, 0))
    journal.append(_batch(1, 3))
    journal.append(Batch(1))  # nothing to keep: not written
    assert read_journal(journal.path) == list(journal.pending)
    with journal.path.open("a") as handle:
        handle.write('{"session_id": 1, "beats": [[6, 5.6')  # a crash mid-write
    assert read_journal(journal.path) == list(journal.pending)
    journal.clear()
    assert journal.path.stat().st_size == 0
    journal.close()
    assert not journal.path.exists()  # an empty journal leaves nothing behind


def test_writing_a_batch_again_stores_every_beat_and_marker_once(store: Store) -> None:
    sid = _session(store)
    batch = _batch(sid, 0, gaps=((1.0, 4.0),), phases=((0.0, "baseline"),))
    with store.write() as conn:
        write_batch(conn, batch)
    # A commit whose confirmation was lost is written again, with the next batch.
    with store.write() as conn:
        write_batch(conn, batch, replay=True)
        write_batch(conn, _batch(sid, 3), replay=True)
    assert load_beats(store, sid).seq.tolist() == list(range(6))
    assert [(m.kind, m.value) for m in list_markers(store, sid)] == [
        ("phase", "baseline"),
        ("gap", ""),
    ]


def test_leftover_journals_are_written_unless_their_recorder_still_runs(
    store: Store, tmp_path: Path
) -> None:
    ended = dt.datetime.now(dt.UTC)
    left, running = _session(store), _session(store)
    journal = Journal(tmp_path, store.url, left)
    journal.append(_batch(left, 0))
    journal.append(_batch(left, 3, ended_at=ended))
    os.close(journal._fd)  # type: ignore[arg-type]  # the recorder died: its lock is gone
    live = Journal(tmp_path, store.url, running)
    live.append(_batch(running, 0))

    assert flush_leftovers(store, tmp_path) == 6
    assert len(load_beats(store, left)) == 6
    assert get_session(store, left).status == "complete"
    assert not journal.path.exists()
    assert len(load_beats(store, running)) == 0 and live.path.exists()  # locked: left alone
    live.close()


def test_a_journal_for_a_session_that_is_gone_is_kept(store: Store, tmp_path: Path) -> None:
    journal = Journal(tmp_path, store.url, 404)
    journal.append(_batch(404, 0))
    os.close(journal._fd)  # type: ignore[arg-type]
    assert flush_leftovers(store, tmp_path) == 0
    assert journal.path.exists()


def test_unwritable_journal_folder_keeps_batches_in_memory(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    journal = Journal(blocker, "sqlite:///x.db", 1)
    journal.append(_batch(1, 0))
    assert journal.pending_beats == 3
    journal.close()


def _record(store: Store, tmp_path: Path, **patches: Any) -> int:
    sid = _session(store)
    strap = SimulatedStrap(seed=4, plan=SessionPlan(60, 120, 60), realtime=False)
    recorder = Recorder(store, sid, strap, flush_interval_s=0.001, journal_dir=tmp_path)
    for name, value in patches.items():
        setattr(recorder, name, value(recorder))
    result = asyncio.run(recorder.run())
    assert result.journaled_beats == 0
    return sid


def test_a_commit_whose_confirmation_is_lost_is_not_stored_twice(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("hrv_relax.capture.recorder.RETRY_MIN_S", 0.0)

    def losing_answers(recorder: Recorder) -> Any:
        commit, lost = recorder._commit, [3]

        def commit_then_lose_the_answer(*args: Any, **kwargs: Any) -> bool:
            stop = commit(*args, **kwargs)  # committed, but the recorder never hears so
            if lost[0]:
                lost[0] -= 1
                raise StoreUnavailableError("database unreachable: server closed the connection")
            return stop

        return commit_then_lose_the_answer

    clean = _record(store, tmp_path)
    faulty = _record(store, tmp_path, _commit=losing_answers)
    assert load_beats(store, faulty).seq.tolist() == list(range(len(load_beats(store, clean))))
    assert load_beats(store, faulty).rr_ms.tolist() == load_beats(store, clean).rr_ms.tolist()

    def markers(sid: int) -> list[tuple[str, str, float]]:
        return [(m.kind, m.value, m.t_s) for m in list_markers(store, sid)]

    assert markers(faulty) == markers(clean)
