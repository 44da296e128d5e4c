"""Group commit across real recorder processes on one SQLite file: shared transactions, every
beat once, the right stop answer to each, and nothing lost or doubled when a process is killed."""

from __future__ import annotations

import logging
import multiprocessing
import os
import signal
import sys
import time
from collections.abc import Iterator
from multiprocessing.context import SpawnProcess
from multiprocessing.queues import Queue
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np
import pytest

from hrv_relax.capture.commit import LiveUpdate, RecorderCommit
from hrv_relax.capture.group_commit import PIPE, REQUESTS, SPOOL_SUFFIX, GroupCommitter
from hrv_relax.capture.journal import Batch
from hrv_relax.errors import StoreError
from hrv_relax.store import (
    Beat,
    Store,
    create_session,
    get_or_add_client,
    load_beats,
    open_store,
    read_live,
    request_stop,
)
from hrv_relax.store.write_queue import write_queue

CTX = multiprocessing.get_context("spawn")
BEATS = 2


def _commit(session_id: int, first: int, frames: int = 0) -> RecorderCommit:
    beats = tuple(Beat(first + k, 0.8 * (first + k), 800.0 + k) for k in range(BEATS))
    return RecorderCommit(
        session_id, (Batch(session_id, beats),), LiveUpdate("connected", frames_ok=frames)
    )


def _recorder(url: str, session_id: int, commits: int, out: Queue[Any]) -> None:
    """A recorder process: `commits` commits as fast as it can; reports answers and stats."""
    store = open_store(url, migrate=False)
    committer = GroupCommitter(store)
    out.put(("ready", session_id))
    try:
        stops = [committer.commit(_commit(session_id, BEATS * i, i)) for i in range(commits)]
    except StoreError as exc:
        out.put(("error", session_id, str(exc)))
    else:
        out.put(("done", session_id, stops, committer.stats))
    finally:
        committer.close()
        store.close()


def _holder(url: str, write: bool, out: Queue[Any], go: Any) -> None:
    """A recorder that takes the turn, reads the waiting requests, maybe commits them, and
    then hangs without answering (until it is killed)."""
    store = open_store(url, migrate=False)
    committer = GroupCommitter(store)
    queue = write_queue(str(store.engine.url.database))
    while not queue.try_take():
        time.sleep(0.001)
    out.put("holding")
    go.wait()
    requests = committer._read_requests()
    if write:
        from hrv_relax.capture.commit import apply_commit

        with store.write() as conn:
            for request in requests:
                apply_commit(conn, request.commit)
    out.put(len(requests))
    time.sleep(3600)


@pytest.fixture(autouse=True)
def _plain_main(monkeypatch: pytest.MonkeyPatch) -> None:
    """Spawned children import their target's module only. An earlier test may have left a
    script as `__main__` (Streamlit's AppTest runs the dashboard's app.py as one), and a
    spawned child would run it again first."""
    monkeypatch.setitem(sys.modules, "__main__", ModuleType("__main__"))


@pytest.fixture
def url(db_path: Path, store: Store) -> str:
    return f"sqlite:///{db_path}"


def _sessions(store: Store, n: int) -> list[int]:
    return [
        create_session(store, get_or_add_client(store, f"Room {i}").id, source="simulated")
        for i in range(n)
    ]


def _start(url: str, session_id: int, commits: int, out: Queue[Any]) -> SpawnProcess:
    process = CTX.Process(target=_recorder, args=(url, session_id, commits, out), daemon=True)
    process.start()
    return process


def _expect(out: Queue[Any], kind: str, n: int) -> list[tuple[Any, ...]]:
    got = [out.get(timeout=60) for _ in range(n)]
    assert all(g[0] == kind for g in got), got
    return got


@pytest.fixture
def turn(db_path: Path) -> Iterator[Any]:
    """This test process's hold of the writer turn: `turn.take()` and `turn.give_back()`."""
    queue = write_queue(str(db_path))
    held = []

    class Turn:
        def take(self) -> None:
            assert queue.try_take()
            held.append(1)

        def give_back(self) -> None:
            held.pop()
            queue.give_back()

    yield Turn()
    while held:
        held.pop()
        queue.give_back()


def _stored(store: Store, session_id: int) -> list[int]:
    return [int(s) for s in load_beats(store, session_id).seq]


def test_recorders_that_meet_share_a_transaction_and_every_beat_is_stored_once(
    store: Store, url: str, turn: Any
) -> None:
    n, commits = 6, 40
    sids = _sessions(store, n)
    request_stop(store, sids[0])
    out: Queue[Any] = CTX.Queue()
    # Held at first, so that all six meet at the turn; then they run flat out.
    turn.take()
    processes = [_start(url, sid, commits, out) for sid in sids]
    _expect(out, "ready", n)
    time.sleep(0.5)
    turn.give_back()
    done = {d[1]: d for d in _expect(out, "done", n)}
    for p in processes:
        p.join(30)
    for sid in sids:
        assert _stored(store, sid) == list(range(BEATS * commits))
        live = read_live(store, sid)
        assert live is not None and live.frames_ok == commits - 1
        # The heartbeat's answer reaches each recorder, whoever wrote its commit.
        assert done[sid][2] == [sid == sids[0]] * commits
    stats = [d[3] for d in done.values()]
    assert sum(s.others for s in stats) == sum(s.served for s in stats) > 0
    assert sum(s.led for s in stats) > 0
    assert sum(s.replayed for s in stats) == 0


@pytest.mark.parametrize("holder_wrote", [False, True], ids=["before-its-commit", "after-it"])
def test_a_holder_killed_with_requests_unanswered_loses_nothing_and_doubles_nothing(
    store: Store, url: str, holder_wrote: bool
) -> None:
    sid = _sessions(store, 1)[0]
    out: Queue[Any] = CTX.Queue()
    go = CTX.Event()
    holder = CTX.Process(target=_holder, args=(url, holder_wrote, out, go), daemon=True)
    holder.start()
    assert out.get(timeout=60) == "holding"
    waiter = _start(url, sid, 1, out)
    assert out.get(timeout=60) == ("ready", sid)
    time.sleep(0.5)  # its request is in the pipe, and it waits for an answer
    go.set()
    assert out.get(timeout=60) == 1  # the holder took the request
    assert holder.pid is not None
    os.kill(holder.pid, signal.SIGKILL)
    holder.join(10)
    kind, got_sid, stops, stats = out.get(timeout=60)
    waiter.join(10)
    assert (kind, got_sid, stops) == ("done", sid, [False])
    assert stats.replayed == 1 and stats.served == 0
    assert _stored(store, sid) == list(range(BEATS))


def test_a_recorder_killed_while_its_request_waits_has_it_written(
    store: Store, url: str, turn: Any
) -> None:
    own, killed = _sessions(store, 2)
    out: Queue[Any] = CTX.Queue()
    committer = GroupCommitter(store)  # another recorder, running: the pipe stays open
    turn.take()
    waiter = _start(url, killed, 1, out)
    assert out.get(timeout=60) == ("ready", killed)
    time.sleep(0.5)
    assert waiter.pid is not None
    os.kill(waiter.pid, signal.SIGKILL)
    waiter.join(10)
    try:
        assert committer.commit(_commit(own, 0)) is False
    finally:
        turn.give_back()
        committer.close()
    assert committer.stats.others == 1
    assert _stored(store, killed) == list(range(BEATS))
    assert _stored(store, own) == list(range(BEATS))
    spool = Path(str(store.engine.url.database) + SPOOL_SUFFIX)
    assert [p.name for p in spool.iterdir()] == [REQUESTS]  # its answer pipe went with it


def test_a_request_that_fails_sends_each_recorder_of_its_transaction_to_write_alone(
    store: Store, url: str, turn: Any
) -> None:
    good = _sessions(store, 1)[0]
    missing = good + 1000  # no such session: its beats break the foreign key
    out: Queue[Any] = CTX.Queue()
    turn.take()
    processes = [_start(url, sid, 1, out) for sid in (good, missing)]
    _expect(out, "ready", 2)
    time.sleep(0.5)
    committer = GroupCommitter(store)
    try:
        committer.commit(_commit(good, 100))
    finally:
        turn.give_back()
        committer.close()
    answers = {a[1]: a for a in (out.get(timeout=60), out.get(timeout=60))}
    for p in processes:
        p.join(10)
    assert answers[good][0] == "done"
    assert answers[missing][0] == "error" and "FOREIGN KEY" in answers[missing][2]
    assert _stored(store, good) == [0, 1, 100, 101]
    assert committer.stats.led == 0 and committer.stats.alone == 1


def test_unreadable_requests_are_dropped_and_answers_go_only_to_named_pipes(
    store: Store, turn: Any, caplog: pytest.LogCaptureFixture
) -> None:
    own, other = _sessions(store, 2)
    committer = GroupCommitter(store)
    spool = Path(str(store.engine.url.database) + SPOOL_SUFFIX)
    planted = spool / f"999999-ab{PIPE}"
    planted.write_bytes(b"kept\n")
    with (spool / REQUESTS).open("wb", buffering=0) as pipe:
        pipe.write(b"not a request at all\n")
        pipe.write(b'1-ab.0 1-ab.pipe {"session_id": \n')
        pipe.write(b"2-ab.0 ../../etc.pipe " + _commit(other, 0).to_json().encode() + b"\n")
        pipe.write(b"999999-ab.0 999999-ab.pipe " + _commit(other, 0).to_json().encode() + b"\n")
    turn.take()
    try:
        with caplog.at_level(logging.WARNING):
            committer.commit(_commit(own, 0))
    finally:
        turn.give_back()
        committer.close()
    assert caplog.text.count("dropped an unreadable commit request") == 3
    assert committer.stats.others == 1
    assert _stored(store, other) == list(range(BEATS))
    assert planted.read_bytes() == b"kept\n"  # a regular file named like a pipe: not written


def test_a_big_commit_and_a_database_without_a_file_are_written_alone(
    store: Store, url: str
) -> None:
    sid = _sessions(store, 1)[0]
    committer = GroupCommitter(store)
    many = tuple(Beat(k, 0.8 * k, 800.0) for k in range(400))
    try:
        committer.commit(RecorderCommit(sid, (Batch(sid, many),), LiveUpdate("connected")))
    finally:
        committer.close()
    assert committer.stats.alone == 1
    assert np.array_equal(load_beats(store, sid).seq, np.arange(400))
    memory = open_store("sqlite://")
    try:
        in_memory = GroupCommitter(memory)
        msid = _sessions(memory, 1)[0]
        assert in_memory.commit(_commit(msid, 0)) is False
        assert in_memory.stats.alone == 1
    finally:
        memory.close()


def test_the_answer_pipes_of_ended_processes_are_swept(store: Store) -> None:
    spool = Path(str(store.engine.url.database) + SPOOL_SUFFIX)
    first = GroupCommitter(store)
    first.close()
    dead = CTX.Process(target=time.sleep, args=(0,))
    dead.start()
    dead.join()
    stale = spool / f"{dead.pid}-beef{PIPE}"
    os.mkfifo(stale, 0o600)
    second = GroupCommitter(store)
    try:
        assert not stale.exists()
        assert (spool.stat().st_mode & 0o777) == 0o700
    finally:
        second.close()
