"""A recorder's local journal: what the database has not confirmed yet, safe on this disk.

When the database cannot be reached (a network blip, a PostgreSQL restart) the recorder does
not stop or drop beats: each commit's batch is appended to a journal file, one JSON line per
batch, fsync'd before the recorder moves on. The first commit that gets through writes the
journal's batches in order, then the new one, in one transaction, and empties the journal.
Writing a batch again is harmless (`replay`: beats are keyed by (session, seq), markers are
matched), which covers a commit whose confirmation was lost with the connection.

A journal left behind (the recorder ended or was killed while the database was away) is written
by the next recorder that starts on the same database (`flush_leftovers`). Each journal is
locked while its recorder runs, so another recorder never replays one that is still growing.
Journals live in `HRV_RELAX_BUFFER_DIR`, by default beside the user's data, in one folder per
database.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import logging
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Connection

from hrv_relax.capture.file_lock import lock_exclusive
from hrv_relax.errors import StoreError
from hrv_relax.private_files import private_dir, write_private
from hrv_relax.store import Beat, Store, finish_session, insert_marker
from hrv_relax.store.beats import append_beats_of, append_beats_once

log = logging.getLogger(__name__)

JOURNAL_SUFFIX = ".jsonl"
# One encoder for every line: json.dumps with its own separators builds a new one each call.
compact_json = json.JSONEncoder(separators=(",", ":")).encode
_T = TypeVar("_T")


@dataclass(frozen=True, slots=True)
class Batch:
    """One recorder commit's data for a session: beats, gap and phase markers, maybe its end."""

    session_id: int
    beats: tuple[Beat, ...] = ()
    gaps: tuple[tuple[float, float], ...] = ()  # (start t_s, end t_s)
    phases: tuple[tuple[float, str], ...] = ()  # (t_s, phase name)
    ended_at: dt.datetime | None = None  # set on the session's last batch

    @property
    def empty(self) -> bool:
        return not (self.beats or self.gaps or self.phases or self.ended_at)

    def to_json(self) -> str:
        # json writes floats with repr, so RR values and times come back bit for bit.
        return compact_json(self.to_dict())

    @staticmethod
    def from_json(line: str) -> Batch:
        return Batch.from_dict(json.loads(line))

    def to_dict(self) -> dict[str, Any]:
        return {
            "session_id": self.session_id,
            "beats": [[b.seq, b.t_s, b.rr_ms, b.bpm, b.contact] for b in self.beats],
            "gaps": [list(g) for g in self.gaps],
            "phases": [list(p) for p in self.phases],
            "ended_at": None if self.ended_at is None else self.ended_at.isoformat(),
        }

    @staticmethod
    def from_dict(d: dict[str, Any]) -> Batch:
        """The batch `to_dict` gave; ValueError, KeyError or TypeError if it is not one."""
        ended = d["ended_at"]
        return Batch(
            session_id=int(d["session_id"]),
            beats=tuple(
                Beat(int(s), float(t), float(rr), _optional(bpm, int), _optional(c, bool))
                for s, t, rr, bpm, c in d["beats"]
            ),
            gaps=tuple((float(a), float(b)) for a, b in d["gaps"]),
            phases=tuple((float(t), str(p)) for t, p in d["phases"]),
            ended_at=None if ended is None else dt.datetime.fromisoformat(ended),
        )


def _optional(value: object, kind: type[_T]) -> _T | None:
    if value is None:
        return None
    if not isinstance(value, kind):
        raise TypeError(f"expected {kind.__name__} or null, got {value!r}")
    return value


def write_batch(conn: Connection, batch: Batch, *, replay: bool = False) -> None:
    """Write a batch in the caller's transaction; `replay` skips what an earlier commit stored."""
    write_batches(conn, (batch,), replay=replay)


def write_batches(conn: Connection, batches: Sequence[Batch], *, replay: bool = False) -> None:
    """`write_batch` for several batches (of any sessions): the beats of all in one statement,
    then each batch's markers and end, in order."""
    if replay:
        for batch in batches:
            append_beats_once(conn, batch.session_id, batch.beats)
    else:
        append_beats_of(conn, [(b.session_id, b.beats) for b in batches])
    for batch in batches:
        for start, end in batch.gaps:
            insert_marker(conn, batch.session_id, "gap", "", t_s=start, end_t_s=end, once=replay)
        for t_s, phase in batch.phases:
            insert_marker(conn, batch.session_id, "phase", phase, t_s=t_s, once=replay)
        if batch.ended_at is not None:
            finish_session(conn, batch.session_id, ended_at=batch.ended_at)


def database_folder(root: Path, db_url: str) -> Path:
    """The journal folder of one database (its URL without password, hashed)."""
    return root / hashlib.sha256(db_url.encode()).hexdigest()[:16]


class Journal:
    """The journal of one recording session. Keeps its batches in memory and on disk.

    If the file cannot be written (the disk is full, the folder read-only) the batches are
    still kept in memory, so a short outage loses nothing while the process lives.
    """

    def __init__(self, root: Path, db_url: str, session_id: int) -> None:
        folder = database_folder(root, db_url)
        self.path = folder / f"session-{session_id}{JOURNAL_SUFFIX}"
        self._pending: list[Batch] = []
        self._unwritten = 0  # pending beats the disk refused (they live in memory only)
        self._fd: int | None = None
        try:
            private_dir(folder)
            # Which database the folder is for, for a person looking at it.
            label = folder / "database.txt"
            if not label.exists():
                write_private(label, (db_url + "\n").encode("utf-8"))
            self._fd = _open_locked(self.path, create=True)
            _fsync_dir(folder)
        except OSError as exc:
            log.warning("no local journal at %s (%s): an outage is buffered in memory", folder, exc)

    @property
    def pending(self) -> Sequence[Batch]:
        """Batches waiting for the database, oldest first."""
        return tuple(self._pending)

    @property
    def pending_beats(self) -> int:
        return sum(len(b.beats) for b in self._pending)

    def where_kept(self) -> str:
        """Where the pending beats are, for a person: "N beats kept in PATH" only if on disk."""
        n = self.pending_beats
        beats = f"{n:,} beat{'' if n == 1 else 's'}"
        if self._fd is not None and self._unwritten == 0:
            return f"{beats} kept in {self.path}"
        return (
            f"{beats} kept in memory only ({self.path} could not be written): "
            "they are lost if this process ends"
        )

    def append(self, batch: Batch) -> None:
        """Keep `batch`; on disk before this returns (fsync), unless the disk refuses."""
        if batch.empty:
            return
        self._pending.append(batch)
        if self._fd is None:
            self._unwritten += len(batch.beats)
            return
        size = os.fstat(self._fd).st_size
        try:
            os.write(self._fd, (batch.to_json() + "\n").encode())
            os.fsync(self._fd)
        except OSError as exc:
            # Cut a half-written line off, so the next batch starts on a line of its own.
            with contextlib.suppress(OSError):
                os.ftruncate(self._fd, size)
            self._unwritten += len(batch.beats)
            log.error(
                "cannot write the local journal %s (%s): keeping beats in memory", self.path, exc
            )

    def clear(self) -> None:
        """The database has every pending batch: forget them."""
        self._pending.clear()
        self._unwritten = 0
        if self._fd is not None:
            with contextlib.suppress(OSError):
                os.ftruncate(self._fd, 0)
                os.fsync(self._fd)

    def close(self) -> None:
        """Release the journal: removed if empty, else left for `flush_leftovers`."""
        if self._pending:
            log.warning(
                "the database has not confirmed %s; the next recording on this database "
                "writes what is on disk",
                self.where_kept(),
            )
        if self._fd is None:
            return
        if not self._pending:
            with contextlib.suppress(OSError):
                self.path.unlink()
        os.close(self._fd)  # releases the lock
        self._fd = None


def read_journal(path: Path) -> list[Batch]:
    """The batches in a journal file; a last line cut short by a crash is not a batch."""
    batches = []
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if not line.endswith("\n"):
                break
            try:
                batches.append(Batch.from_json(line))
            except (ValueError, KeyError, TypeError) as exc:
                log.warning("skipped unreadable line %d of %s: %s", number, path, exc)
    return batches


def flush_leftovers(store: Store, root: Path) -> int:
    """Write journals that recorders left for this database; return how many beats."""
    folder = database_folder(root, store.url)
    written = 0
    for path in sorted(folder.glob(f"session-*{JOURNAL_SUFFIX}")):
        with _locked_leftover(path) as locked:
            if not locked:
                continue  # its recorder is still running
            batches = read_journal(path)
            try:
                with store.write() as conn:
                    for batch in batches:
                        write_batch(conn, batch, replay=True)
            except StoreError as exc:
                log.warning("kept the journal %s: it could not be written: %s", path, exc)
                continue
            path.unlink()
            n = sum(len(b.beats) for b in batches)
            written += n
            if n:
                log.info("wrote %d beats left in %s by an earlier recording", n, path)
    return written


def _open_locked(path: Path, *, create: bool) -> int | None:
    """Open `path` under an exclusive lock; None if it is gone (or locked, when not creating)."""
    while True:
        try:
            fd = os.open(path, os.O_RDWR | os.O_APPEND | (os.O_CREAT if create else 0), 0o600)
        except FileNotFoundError:
            return None
        try:
            lock_exclusive(fd, wait=create)
        except BlockingIOError:
            os.close(fd)
            return None
        # Whoever held the lock before may have written and removed the file meanwhile.
        try:
            if path.stat().st_ino == os.fstat(fd).st_ino:
                return fd
        except FileNotFoundError:
            pass
        os.close(fd)
        if not create:
            return None


@contextlib.contextmanager
def _locked_leftover(path: Path) -> Iterator[bool]:
    fd = _open_locked(path, create=False)
    try:
        yield fd is not None
    finally:
        if fd is not None:
            os.close(fd)


def _fsync_dir(folder: Path) -> None:
    # A new file's name is durable only once its folder is synced.
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
