"""An exclusive lock on an open file, on POSIX (flock) and on Windows (msvcrt)."""

from __future__ import annotations

import os
import sys

if sys.platform == "win32":
    import msvcrt

    def lock_exclusive(fd: int, *, wait: bool) -> None:
        """Lock the file; BlockingIOError if `wait` is False and another process holds it."""
        os.lseek(fd, 0, os.SEEK_SET)
        try:
            # Locks one byte at offset 0: enough to exclude other recorders.
            msvcrt.locking(fd, msvcrt.LK_LOCK if wait else msvcrt.LK_NBLCK, 1)
        except OSError as exc:
            raise BlockingIOError(str(exc)) from exc

else:
    import fcntl

    def lock_exclusive(fd: int, *, wait: bool) -> None:
        """Lock the file; BlockingIOError if `wait` is False and another process holds it."""
        fcntl.flock(fd, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
