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

    @contextmanager
    def turn(self) -> Iterator[None]:
        """Hold the database's writer turn for the duration of the block."""
        with self._threads:
            self._depth += 1
            try:
                if self._depth == 1:
                    self._lock_file()
                yield
            finally:
                self._depth -= 1
                if self._depth == 0:
                    self._unlock_file()

    def _lock_file(self) -> None:
        if fcntl is None:
            return
        try:
            if self._fd is None:
                self._fd = os.open(self._path, os.O_RDWR | os.O_CREAT, 0o600)
            fcntl.flock(self._fd, fcntl.LOCK_EX)
        except OSError:
            # A folder that refuses the lock file (read-only): SQLite's own locking remains.
            self._close()

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
