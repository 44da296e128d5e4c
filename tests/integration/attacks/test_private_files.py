"""Private files, attacked as another local account would: read what lies on the disk and in `ps`.

The database and its -wal/-shm, recorder logs and exports were 0644 in 0755 folders, `ps`
showed client names on recorder command lines and logs were named after clients. Each test
runs under the common umask 022, so what it checks is what hrv-relax sets itself.
"""

from __future__ import annotations

import os
import stat
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from hrv_relax.capture.processes import start_recording
from hrv_relax.cli.main import main
from hrv_relax.store import (
    add_client,
    get_session,
    list_clients,
    list_sessions,
    open_store,
    request_stop,
)

pytestmark = pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
SECRET_NAME = "Dana Secretname"
RR_FILE = "".join(f"{800 + 30 * (i % 4)}\n" for i in range(400)).encode()


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture(autouse=True)
def _common_umask() -> Iterator[None]:
    old = os.umask(0o022)
    yield
    os.umask(old)


def test_a_new_database_its_folders_and_wal_files_are_private(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # hrv-relax makes folders only for its own data folder (a --db folder must exist).
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "new" / "practice"))
    monkeypatch.delenv("HRV_RELAX_DB", raising=False)
    db = tmp_path / "new" / "practice" / "hrv-relax" / "hrv-relax.db"
    store = open_store()
    add_client(store, SECRET_NAME)  # a write: -wal and -shm exist now
    assert mode(tmp_path / "new") == 0o700 and mode(db.parent) == 0o700
    for file in (db, db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm")):
        assert file.exists() and mode(file) == 0o600, file
    store.close()


def test_an_existing_world_readable_database_is_made_private(tmp_path: Path) -> None:
    chosen = tmp_path / "Documents"
    chosen.mkdir(mode=0o755)
    db = chosen / "old.db"
    store = open_store(db)
    add_client(store, SECRET_NAME)
    files = [db, db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm")]
    for file in files:
        file.chmod(0o644)
    open_store(db).close()
    store.close()
    assert [mode(f) for f in files if f.exists()] == [0o600] * sum(f.exists() for f in files)
    assert mode(chosen) == 0o755  # a folder the user chose is not changed


def _wait_until_finished(store_url: str, session_id: int, pid: int) -> None:
    store = open_store(store_url)
    deadline = time.monotonic() + 30
    while get_session(store, session_id).n_beats < 3:  # a session without beats is deleted
        assert time.monotonic() < deadline, "the recorder stored no beats"
        time.sleep(0.2)
    request_stop(store, session_id)
    while get_session(store, session_id).status == "recording":
        assert time.monotonic() < deadline, "the recorder did not stop"
        time.sleep(0.2)
    store.close()
    while time.monotonic() < deadline:
        try:
            if os.waitpid(pid, os.WNOHANG)[0]:
                return
        except ChildProcessError:
            return
        time.sleep(0.1)


@pytest.mark.slow
def test_a_recorder_shows_no_client_name_and_logs_privately(tmp_path: Path) -> None:
    db = tmp_path / "practice.db"
    url = f"sqlite:///{db}"
    store = open_store(url)
    client = add_client(store, SECRET_NAME)
    store.close()
    logs = tmp_path / "logs"
    started = start_recording(url, client_id=client.id, seed=7, log_dir=logs)
    try:
        cmdline = Path(f"/proc/{started.pid}/cmdline").read_bytes().split(b"\0")
        assert b"--client-id" in cmdline and str(client.id).encode() in cmdline
        assert not any(b"Secretname" in part or b"sqlite" in part for part in cmdline), cmdline
        assert started.log_path == logs / f"recorder-session-{started.session_id}.log"
        assert mode(logs) == 0o700 and mode(started.log_path) == 0o600
        assert list(logs.iterdir()) == [started.log_path]
    finally:
        _wait_until_finished(url, started.session_id, started.pid)
    assert "Secretname" not in started.log_path.read_text()
    journals = Path(os.environ["HRV_RELAX_BUFFER_DIR"])
    for path in [journals, *journals.rglob("*")]:
        assert mode(path) == (0o700 if path.is_dir() else 0o600), path


def test_the_record_command_takes_a_client_id(tmp_path: Path) -> None:
    db = tmp_path / "practice.db"
    store = open_store(db)
    client = add_client(store, SECRET_NAME)
    store.close()
    argv = ["--db", str(db), "record", "--simulate", "--fast", "--duration", "30"]
    assert main([*argv, "--client-id", str(client.id)]) == 0
    assert main([*argv, "--client-id", "999"]) != 0  # no such client: nothing created
    store = open_store(db)
    assert [c.name for c in list_clients(store)] == [SECRET_NAME]
    assert [s.client_id for s in list_sessions(store)] == [client.id]
    store.close()


def test_exports_and_reports_are_private(tmp_path: Path) -> None:
    db = tmp_path / "practice.db"
    rr = tmp_path / "rr.txt"
    rr.write_bytes(RR_FILE)
    argv = ["--db", str(db), "import", str(rr), "--client", SECRET_NAME]
    assert main([*argv, "--started-at", "2026-11-30T14:05"]) == 0
    outputs = {
        "beats.csv": ["export", "1", "--format", "csv"],
        "summaries.csv": ["export", "--format", "summaries"],
        "archive.zip": ["export", "--format", "archive", "--client", SECRET_NAME],
        "report.html": ["report", "1"],
    }
    for name, command in outputs.items():
        assert main(["--db", str(db), *command, "--output", str(tmp_path / name)]) == 0, name
        assert mode(tmp_path / name) == 0o600, name
    leftovers = [p.name for p in tmp_path.iterdir() if "partial" in p.name]
    assert leftovers == []
