"""Faults a clinic has, with recorder processes as in the treatment rooms: nothing is lost.

PostgreSQL stopped for 30 s and restarted; a recorder killed with SIGKILL; a full disk; a
read-only database; two recorders given one strap.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, text

from hrv_relax.capture.journal import flush_leftovers
from hrv_relax.capture.recorder import Recorder
from hrv_relax.capture.simulator import SimulatedStrap, simulated_address
from hrv_relax.cli.main import _plan_for
from hrv_relax.errors import StoreError
from hrv_relax.store import (
    add_client,
    create_session,
    get_session,
    list_sessions,
    load_beats,
    open_store,
    request_stop,
)
from tests.conftest import postgres_bindir
from tests.support.clinic import (
    assert_stored_once_in_order,
    in_mount_namespace,
    sent_by_strap,
    session_age_s,
    session_id_of,
    start_recorder,
    wait_for_beats,
)
from tests.support.postgres import PostgresServer, running_server

pytestmark = pytest.mark.slow

# The figure. A shorter outage would prove the same mechanics (the journal does not
# care how long), but 30 s is longer than STALE_HEARTBEAT_S (10 s) and several retry
# intervals (RETRY_MAX_S, 8 s), which is what a real server restart looks like.
PG_OUTAGE_S = 30.0
ROOMS = (11, 12, 13)
STOP_TIMEOUT_S = 30


@pytest.fixture
def own_postgres() -> Iterator[PostgresServer]:
    """A server of the test's own: it is stopped and started again."""
    with running_server(postgres_bindir()) as server:
        yield server


def _journals(buffer: Path) -> dict[int, int]:
    """Session id -> size of its journal file, for the journals that hold something."""
    return {
        int(p.stem.split("-")[1]): p.stat().st_size
        for p in buffer.rglob("session-*.jsonl")
        if p.stat().st_size
    }


def _stop_and_check(
    url: str, procs: dict[int, subprocess.Popen[str]], sids: dict[int, int]
) -> None:
    """Stop every recorder cleanly; each session holds every beat its strap sent, once."""
    store = open_store(url)
    for sid in sids.values():
        request_stop(store, sid)
    for proc in procs.values():
        assert proc.wait(timeout=STOP_TIMEOUT_S) == 0
    for seed, sid in sids.items():
        session = get_session(store, sid)
        assert session.status == "complete"
        assert session.duration_s is not None
        sent = sent_by_strap(seed)
        n = assert_stored_once_in_order(store, sid, sent)
        # ...and none is missing: every beat sent until the session ended is stored. (The
        # strap's clock starts before the session's, so its notifications come no later.)
        assert n >= sent.by(session.duration_s - 0.01)
    store.close()


@pytest.mark.postgres
def test_postgres_stopped_for_30_s_and_restarted_loses_no_beat(
    own_postgres: PostgresServer, tmp_path: Path
) -> None:
    url = own_postgres.create_database()
    store = open_store(url)
    logs = {seed: tmp_path / f"room-{seed}.log" for seed in ROOMS}
    procs = {seed: start_recorder(url, seed, stderr=logs[seed]) for seed in ROOMS}
    sids = {seed: session_id_of(proc) for seed, proc in procs.items()}
    for sid in sids.values():
        wait_for_beats(store, sid, 5)
    store.close()

    own_postgres.stop("fast")
    time.sleep(PG_OUTAGE_S - 5)
    # Mid-outage every room keeps its beats in its local journal.
    assert set(_journals(tmp_path / "buffer")) == set(sids.values())
    time.sleep(5)
    own_postgres.start()

    deadline = time.monotonic() + 20
    while _journals(tmp_path / "buffer") and time.monotonic() < deadline:
        time.sleep(0.5)
    assert _journals(tmp_path / "buffer") == {}, "journals not written after the restart"
    _stop_and_check(url, procs, sids)
    for log in logs.values():
        text_ = log.read_text()
        assert "database unreachable" in text_ and "database back" in text_
        assert "Traceback" not in text_


def test_killed_recorder_keeps_its_beats_and_a_new_session_can_start_at_once(
    any_db_url: str, tmp_path: Path
) -> None:
    url = any_db_url
    seed = 7
    proc = start_recorder(url, seed)
    sid = session_id_of(proc)
    store = open_store(url)
    wait_for_beats(store, sid, 3)
    time.sleep(1.5)
    os.kill(proc.pid, signal.SIGKILL)
    killed_at_s = session_age_s(store, sid)
    proc.wait()

    sent = sent_by_strap(seed)
    n = assert_stored_once_in_order(store, sid, sent)
    # Commits every 0.5 s, notifications every ~1 s: at most ~1.5 s of beats is lost.
    assert n >= sent.by(killed_at_s - 1.6)

    # The same strap, straight away: the dead recorder's claim does not hold.
    again = start_recorder(url, seed)
    new_sid = session_id_of(again)
    assert get_session(store, sid).status == "interrupted"
    assert get_session(store, new_sid).status == "recording"
    wait_for_beats(store, new_sid, 2)
    request_stop(store, new_sid)
    assert again.wait(timeout=STOP_TIMEOUT_S) == 0
    assert get_session(store, new_sid).status == "complete"
    assert len(load_beats(store, sid)) == n  # the old session was not touched
    store.close()


def test_two_recorders_given_one_strap_the_second_is_refused_clearly(
    any_db_url: str, tmp_path: Path
) -> None:
    url = any_db_url
    first = start_recorder(url, 31)
    sid = session_id_of(first)
    store = open_store(url)
    wait_for_beats(store, sid, 1)

    second = start_recorder(url, 31, fast=True, stderr=tmp_path / "second.log")
    assert second.wait(timeout=STOP_TIMEOUT_S) == 1
    assert second.stdout is not None and second.stdout.read() == ""  # no session id
    message = (tmp_path / "second.log").read_text().strip()
    assert message == (
        f"hrv-relax: error: strap {simulated_address(31)} is in use: session {sid} is recording "
        f"from it (process {first.pid} on {os.uname().nodename}); stop that session first "
        f"(hrv-relax stop {sid}) or use another strap"
    )
    assert [s.id for s in list_sessions(store)] == [sid]
    request_stop(store, sid)
    assert first.wait(timeout=STOP_TIMEOUT_S) == 0
    assert_stored_once_in_order(store, sid, sent_by_strap(31))
    store.close()


@pytest.mark.parametrize("journal_on", ["another disk", "the full disk"])
def test_disk_full_stops_the_recorder_cleanly_without_corruption(
    journal_on: str, tmp_path: Path
) -> None:
    seed_db = tmp_path / "seed.db"
    open_store(seed_db).close()
    disk, out = tmp_path / "disk", tmp_path / "out"
    disk.mkdir()
    out.mkdir()
    # A real full disk: a tmpfs with room for the empty database and about 300 KB more.
    size_kb = seed_db.stat().st_size // 1024 + 300
    prefix = in_mount_namespace(
        f"mount -t tmpfs -o size={size_kb}k tmpfs {disk} && cp {seed_db} {disk}/full.db && "
        f'"$@"; rc=$?; for f in {disk}/full.db*; do [ -f "$f" ] && cp "$f" {out}/; done; exit $rc'
    )
    env = {"HRV_RELAX_BUFFER_DIR": str(disk / "buffer")} if journal_on == "the full disk" else {}
    seed, log = 21, tmp_path / "full.log"
    proc = start_recorder(
        str(disk / "full.db"),
        seed,
        fast=True,
        duration_s=36_000,
        stderr=log,
        prefix=prefix,
        env=env,
    )
    sid = session_id_of(proc)
    assert proc.wait(timeout=120) == 1
    assert "Traceback" not in log.read_text()
    last = log.read_text().strip().splitlines()[-1]
    assert last.startswith(f"hrv-relax: error: session {sid} stopped: database error: ")
    assert "the disk holding the database is full (free some space and start again)" in last

    # Back at its own path (the tmpfs is gone with the namespace), as if space were freed.
    for copy in out.iterdir():
        shutil.copy(copy, disk / copy.name)
    store = open_store(disk / "full.db")
    with store.read() as conn:
        assert conn.execute(text("PRAGMA integrity_check")).scalar() == "ok"
    sent = sent_by_strap(seed, 36_000)
    stored = assert_stored_once_in_order(store, sid, sent)
    assert stored > 100
    if journal_on == "another disk":
        # Space is freed; the next recording on this database writes what the journal kept.
        assert "beats kept in" in last
        after = start_recorder(str(disk / "full.db"), seed + 1, fast=True, duration_s=30)
        assert after.wait(timeout=STOP_TIMEOUT_S) == 0
        assert assert_stored_once_in_order(store, sid, sent) > stored
        assert list((tmp_path / "buffer").rglob("session-*.jsonl")) == []
    store.close()


def test_read_only_database_is_a_clear_error_and_the_file_is_untouched(tmp_path: Path) -> None:
    folder = tmp_path / "share"
    folder.mkdir()
    db = folder / "clinic.db"
    open_store(db).close()
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    prefix = in_mount_namespace(f'mount -o bind,ro {folder} {folder} && "$@"')
    log = tmp_path / "ro.log"
    proc = start_recorder(str(db), 5, fast=True, stderr=log, prefix=prefix)
    assert proc.wait(timeout=STOP_TIMEOUT_S) == 1
    assert proc.stdout is not None and proc.stdout.read() == ""
    message = log.read_text().strip()
    assert "\n" not in message and "Traceback" not in message
    assert message.startswith("hrv-relax: error: ")
    assert "read-only" in message
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before


def test_database_turning_read_only_mid_session_stops_cleanly_and_loses_nothing(
    tmp_path: Path,
) -> None:
    store = open_store(tmp_path / "turns-ro.db")
    client = add_client(store, "Read Only")
    sid = create_session(store, client.id, source="simulated")
    seed, hours = 9, 36_000
    strap = SimulatedStrap(seed=seed, plan=_plan_for(hours), realtime=False)
    recorder = Recorder(store, sid, strap, flush_interval_s=0.01)
    read_only = False

    @event.listens_for(store.engine, "checkout")
    def _turn_read_only(dbapi_conn: Any, *_: object) -> None:
        # SQLite's own switch: every write now fails with SQLITE_READONLY, as on a file whose
        # disk was remounted read-only.
        dbapi_conn.execute(f"PRAGMA query_only={int(read_only)}")

    async def scenario() -> None:
        nonlocal read_only
        task = asyncio.create_task(recorder.run())
        while recorder.stats.commits < 3:
            await asyncio.sleep(0.005)
        read_only = True
        await task

    with pytest.raises(StoreError, match=r"session \d+ stopped: .*read-only.*beats kept in"):
        asyncio.run(scenario())
    sent = sent_by_strap(seed, hours)
    stored = assert_stored_once_in_order(store, sid, sent)
    read_only = False
    with store.read() as conn:
        assert conn.execute(text("PRAGMA integrity_check")).scalar() == "ok"
    # Writable again: the next recorder writes the beats the journal kept.
    flush_leftovers(store, tmp_path / "buffer")
    assert assert_stored_once_in_order(store, sid, sent) > stored
    store.close()
