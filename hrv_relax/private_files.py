"""Files only their owner can read: the database, its -wal/-shm, recorder logs, journals, exports.

Health data is stored here, so on POSIX every folder hrv-relax makes is 0700 and every file 0600
(never 0644 in 0755 folders, which any local account could read). A folder the user chose (the
one holding a --db file) is left as it is; the file inside is made private. Windows keeps its
own access lists: nothing is changed there.

Files that are replaced whole (exports, reports) are written to a temporary created exclusively
(O_CREAT | O_EXCL | O_NOFOLLOW, 0600) and renamed over the target, so a symlink or a file that
someone planted at the temporary's name is never followed or overwritten.
"""

from __future__ import annotations

import contextlib
import logging
import os
import secrets
from pathlib import Path

log = logging.getLogger(__name__)

PRIVATE_DIR_MODE = 0o700
PRIVATE_FILE_MODE = 0o600
#: The umask a hrv-relax process runs with: nothing it creates is readable by others.
PRIVATE_UMASK = 0o077
POSIX = os.name == "posix"
# O_NOFOLLOW does not exist on Windows; there the exclusive create alone refuses a planted file.
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)


def private_dir(path: Path, *, ours: bool = True) -> Path:
    """Create `path` and any missing parents as 0700 folders.

    `ours`: the folder is hrv-relax's own (its data folder, logs, journals), so an existing one
    is made 0700 too; a folder the user chose is only created, never changed.
    """
    missing = [p for p in (path, *path.parents) if not p.exists() and not p.is_symlink()]
    for folder in reversed(missing):
        with contextlib.suppress(FileExistsError):  # another process made it meanwhile
            folder.mkdir(mode=PRIVATE_DIR_MODE)
        _tighten(folder, PRIVATE_DIR_MODE)  # mkdir's mode is cut by the umask, never widened
    path.mkdir(mode=PRIVATE_DIR_MODE, parents=True, exist_ok=True)  # a file in the way: say so
    if ours:
        _tighten(path, PRIVATE_DIR_MODE)
    return path


def private_database_file(path: Path) -> None:
    """Create an SQLite file 0600 before SQLite does (it copies the mode to -wal and -shm),
    and make an existing one, with its -wal and -shm, 0600."""
    if not path.exists():
        with contextlib.suppress(FileExistsError):  # another process made it meanwhile
            os.close(create_private(path))
    for file in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        make_private(file)


def make_private(path: Path) -> None:
    """Make an existing regular file 0600 (nothing happens to anything else)."""
    if path.is_file():
        _tighten(path, PRIVATE_FILE_MODE)


def _tighten(path: Path, mode: int) -> None:
    if not POSIX:
        return
    try:
        if path.stat().st_mode & 0o777 != mode:
            path.chmod(mode)
    except FileNotFoundError:
        return
    except OSError as exc:  # someone else's file: say so, but it is still usable
        log.warning("cannot make %s private (%s): others may be able to read it", path, exc)


def create_private(path: Path) -> int:
    """Create `path` exclusively as a 0600 file and return its descriptor (never a symlink)."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW | getattr(os, "O_BINARY", 0)
    return os.open(path, flags, PRIVATE_FILE_MODE)


def open_private_append(path: Path) -> int:
    """Open `path` for appending, created 0600 if new; a symlink there is refused."""
    flags = os.O_WRONLY | os.O_APPEND | os.O_CREAT | _NOFOLLOW | getattr(os, "O_BINARY", 0)
    fd = os.open(path, flags, PRIVATE_FILE_MODE)
    make_private(path)
    return fd


def write_private(path: Path, data: bytes) -> None:
    """Write `path` whole, 0600: a failure leaves the old file (or none), never half of one."""
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(8)}.partial")
    fd = create_private(tmp)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        tmp.replace(path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
