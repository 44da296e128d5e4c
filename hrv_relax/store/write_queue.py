"""One SQLite writer at a time, woken as soon as the one before commits.

SQLite lets one writer in at a time; the others wait in its busy handler, which sleeps in steps
of up to 100 ms whatever the lock does meanwhile. With 20 recorders committing at once, a
commit that takes half a millisecond then waits hundreds. Writers of one database file queue
here instead, on an advisory lock of a file beside it (``NAME-writers.lock``): a process
blocked on it wakes when the holder lets go. Threads of one process queue on a lock of their
own first (the file lock is the process's); a thread that writes again inside its own write
does not queue twice. The busy handler stays as the fallback for writers that do not queue
(another program, or a platform without advisory file locks).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

try:
    import fcntl
except ImportError:  # Windows: threads still queue; processes fall back on the busy handler
    fcntl = None  # type: ignore[assignment]


class WriteQueue:
    """The writers of one SQLite database file in this process."""

    def __init__(self, database: Path) -> None:
        self._path = database.with_name(database.name + "-writers.lock")
        self._threads = threading.RLock()
        self._depth = 0
        self._fd: int | None = None
        self._refused = False  # the lock file could not be made: processes do not queue here

    @property
    def spans_processes(self) -> bool:
        """Whether other processes' writers queue here too (advisory file locks work)."""
        return fcntl is not None and not self._refused

    @contextmanager
    def turn(self) -> Iterator[None]:
        """Hold the database's writer turn for the duration of the block."""
        with self._threads:
            self._depth += 1
            try:
                if self._depth == 1:
                    self._lock_file(wait=True)
                yield
            finally:
                self._leave()

    def try_take(self) -> bool:
        """Take the turn if it is free now; True if taken (end it with `give_back`)."""
        if not self._threads.acquire(blocking=False):
            return False
        if self._depth == 0 and not self._lock_file(wait=False):
            self._threads.release()
            return False
        self._depth += 1
        return True

    def give_back(self) -> None:
        """End a turn taken with `try_take`."""
        self._leave()
        self._threads.release()

    def _leave(self) -> None:
        self._depth -= 1
        if self._depth == 0:
            self._unlock_file()

    def _lock_file(self, *, wait: bool) -> bool:
        """Lock the file; False only if another process holds it and `wait` is False."""
        if fcntl is None:
            return True
        try:
            if self._fd is None:
                self._fd = os.open(self._path, os.O_RDWR | os.O_CREAT, 0o600)
            fcntl.flock(self._fd, fcntl.LOCK_EX if wait else fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        except OSError:
            # A folder that refuses the lock file (read-only): SQLite's own locking remains.
            self._refused = True
            self._close()
        return True

    def _unlock_file(self) -> None:
        if fcntl is not None and self._fd is not None:
            try:
                fcntl.flock(self._fd, fcntl.LOCK_UN)
            except OSError:
                self._close()

    def _close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


_QUEUES: dict[Path, WriteQueue] = {}
_BY_NAME: dict[str, WriteQueue] = {}  # as the engine names the file: no path lookup a write
_QUEUES_LOCK = threading.Lock()


def write_queue(database: str) -> WriteQueue:
    """This process's queue for the database file (one per file, however it is named: a
    thread writing again inside its own write, through another name, must not wait on itself)."""
    queue = _BY_NAME.get(database)
    if queue is not None:
        return queue
    key = Path(database).resolve()
    with _QUEUES_LOCK:
        queue = _QUEUES.get(key)
        if queue is None:
            queue = _QUEUES[key] = WriteQueue(key)
        _BY_NAME[database] = queue
        return queue
