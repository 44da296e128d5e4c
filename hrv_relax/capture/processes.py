"""Start recorder processes from the dashboard or the demo, and ask them to stop.

Each recording is its own `hrv-relax record` process in its own process group: closing the
browser, a page rerun or restarting the dashboard never stops it. It is stopped through the
store (`request_stop`), which works from any machine that shares the database.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import selectors
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from hrv_relax.config import ENV_DB, ENV_STARTED_LIST, data_dir
from hrv_relax.errors import HrvRelaxError, NotFoundError, SessionStateError
from hrv_relax.private_files import create_private, open_private_append, private_dir
from hrv_relax.store import Store, get_session, list_sessions, request_stop
from hrv_relax.vocabulary import SessionStatus

# How long a new recorder may take to open the database and create its session.
START_TIMEOUT_S = 30.0


@dataclass(frozen=True, slots=True)
class StartedRecording:
    session_id: int
    pid: int
    log_path: Path


def recorder_command(
    *,
    client_id: int,
    device: str | None = None,
    seed: int | None = None,
    auto_phases: bool = True,
    therapist: str | None = None,
) -> list[str]:
    """The `hrv-relax record` command line for a strap (`device`) or the simulated strap.

    Only the client's id goes here, and the database in the child's environment: a command
    line is visible to every local user (`ps`), a client's name is health data and a
    PostgreSQL URL carries a password.
    """
    # -v: the recorder's log file says what happened (connects, gaps, how it ended).
    cmd = [sys.executable, "-m", "hrv_relax", "-v", "record", "--client-id", str(client_id)]
    if therapist is not None:
        cmd.append(f"--therapist={therapist}")
    if device is None:
        cmd.append("--simulate")
        if seed is not None:
            cmd += ["--seed", str(seed)]
        if not auto_phases:
            cmd.append("--no-auto-phases")
    else:
        cmd += ["--device", device]
    return cmd


def log_path_for(logs: Path, session_id: int) -> Path:
    return logs / f"recorder-session-{session_id}.log"


def start_recording(
    db_url: str,
    *,
    client_id: int,
    device: str | None = None,
    seed: int | None = None,
    auto_phases: bool = True,
    log_dir: Path | None = None,
    therapist: str | None = None,
) -> StartedRecording:
    """Start a recorder process and return its session id once the session exists.

    Its log (0600, in a 0700 folder) is named after the session once the recorder has said
    which: until then it has a random name, never the client's.
    """
    logs = private_dir(log_dir or data_dir() / "logs")
    starting = logs / f"recorder-starting-{secrets.token_hex(8)}.log"
    cmd = recorder_command(
        client_id=client_id, device=device, seed=seed, auto_phases=auto_phases, therapist=therapist
    )
    with os.fdopen(create_private(starting), "ab") as log:
        proc = subprocess.Popen(
            cmd,
            env={**os.environ, ENV_DB: db_url},
            stdout=subprocess.PIPE,
            stderr=log,
            stdin=subprocess.DEVNULL,
            text=True,
            start_new_session=True,
        )
    assert proc.stdout is not None
    try:
        first_line = _read_line(proc, START_TIMEOUT_S)
    finally:
        proc.stdout.close()  # the recorder prints only its session id on stdout
    if not first_line.strip().isdigit():
        proc.poll()
        detail = _last_line(starting)
        raise HrvRelaxError(f"the recorder did not start: {detail or 'no message'}")
    session_id = int(first_line)
    log_path = log_path_for(logs, session_id)
    try:
        # The recorder keeps writing to the same open file: a rename does not disturb it.
        starting.replace(log_path)
    except OSError:  # Windows renames no open file: the log keeps its random name
        log_path = starting
    note_started(session_id)
    return StartedRecording(session_id, proc.pid, log_path)


def note_started(session_id: int) -> None:
    """Add the session to the list named by HRV_RELAX_STARTED_LIST (if set): its owner's."""
    listed = os.environ.get(ENV_STARTED_LIST, "").strip()
    if listed:
        fd = open_private_append(Path(listed))
        with os.fdopen(fd, "a") as out:
            out.write(f"{session_id}\n")


def started_sessions(listed: Path) -> tuple[int, ...]:
    """The session ids noted in a started-list file (none if it is missing)."""
    try:
        text = listed.read_text()
    except FileNotFoundError:
        return ()
    return tuple(int(line) for line in text.split() if line.isdigit())


def _read_line(proc: subprocess.Popen[str], timeout_s: float) -> str:
    assert proc.stdout is not None
    with selectors.DefaultSelector() as sel:
        sel.register(proc.stdout, selectors.EVENT_READ)
        if not sel.select(timeout=timeout_s):
            proc.terminate()
            raise HrvRelaxError(f"the recorder did not start within {timeout_s:.0f} s")
    return proc.stdout.readline()


def _last_line(path: Path) -> str:
    try:
        lines = path.read_text(errors="replace").strip().splitlines()
    except OSError:
        return ""
    message = lines[-1] if lines else ""
    return message.removeprefix("hrv-relax: error: ")


def stop_recordings(store: Store, session_ids: tuple[int, ...]) -> tuple[int, ...]:
    """Ask the recorders of these sessions to finish; return those that were still recording.

    The demo does this on exit with the sessions it and its pages started: another demo
    serving the same database keeps its own recordings.
    """
    asked = []
    for session_id in dict.fromkeys(session_ids):
        try:
            if get_session(store, session_id).status != SessionStatus.RECORDING:
                continue
            request_stop(store, session_id)
        except (SessionStateError, NotFoundError):  # it finished (or left no beats) meanwhile
            continue
        asked.append(session_id)
    return tuple(asked)


def stop_all_recordings(store: Store) -> int:
    """Ask every recorder of this database to finish (tests clean up with this)."""
    sessions = list_sessions(store, statuses=("recording",))
    for session in sessions:
        with contextlib.suppress(SessionStateError):  # it finished on its own meanwhile
            request_stop(store, session.id)
    return len(sessions)
