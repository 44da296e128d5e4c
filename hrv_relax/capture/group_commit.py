"""Group commit: recorders of one SQLite file that meet at the writer turn share a transaction.

SQLite takes one writer at a time. With twenty straps in one clinic each recorder process
waits its turn, and handing the turn from one process to the next costs about as much as the
commit itself: the next writer is asleep and has to be woken. So a recorder that finds the turn
taken does not queue for it. It writes its commit (hrv_relax.capture.commit.RecorderCommit, one
JSON line) into the database's request pipe and waits on a pipe of its own. Whoever holds the
turn reads every request waiting in the request pipe, writes them with its own commit in one
transaction (hrv_relax.capture.commit.apply_commits: all their beats in one statement, all their
heartbeats in one, all their live rows in one), and answers each: written, and whether a stop
was asked for. It answers before it gives the turn back: a waiter whose answer is late takes
the turn only once the holder has let go, and by then its answer is in its pipe. After giving
the turn back the holder looks once more: a request that came meanwhile is written by the next
holder, which may be itself again.

The pipes are named pipes in a private folder beside the database file (``NAME-commits``). A
request is one write of at most PIPE_BUF bytes, so it reaches the pipe whole and is read whole,
by one reader: the turn's holder. Nothing is lost or written twice when a process dies:
- A recorder killed while its request waits: the next holder writes it (those are its beats),
  unless no other recorder of the file is running; then the request goes with the pipe, and
  the recorder has lost what any killed recorder loses, its last half second.
- A holder killed after reading requests gives the turn back (the kernel drops its lock), and
  its transaction rolls back, or it had committed. A waiting recorder that gets no answer takes
  the turn itself and reads the request pipe. If its request is still there, it leads; if not,
  a holder took it and ended without answering, and it writes the commit again as a replay:
  beats are keyed by (session, seq) and markers are matched, so a commit that landed is not
  doubled.
- If the shared transaction fails, every request in it is answered "write it alone", and each
  recorder does, getting its own error if the failure was its own.

A request that cannot be read is dropped with a warning (its recorder replays it). A commit too
big for one pipe write (a journal replayed after an outage) is written by its own recorder.
Where processes cannot lock files or make named pipes (Windows, a read-only folder), or the
database is not an SQLite file, each recorder commits in a transaction of its own.
"""

from __future__ import annotations

import contextlib
import dataclasses
import errno
import logging
import os
import secrets
import select
import stat
import time
from collections import OrderedDict
from pathlib import Path
from typing import Final

from hrv_relax.capture.commit import RecorderCommit, apply_commit, apply_commits
from hrv_relax.errors import StoreError
from hrv_relax.private_files import private_dir
from hrv_relax.store import Store
from hrv_relax.store.write_queue import WriteQueue, write_queue

log = logging.getLogger(__name__)

SPOOL_SUFFIX: Final = "-commits"
REQUESTS: Final = "requests.pipe"
PIPE: Final = ".pipe"
MAX_REQUEST_BYTES: Final = getattr(select, "PIPE_BUF", 512)  # one write, never interleaved
# How long a waiting recorder sleeps before it checks the turn itself. A holder answers and
# looks for late requests before it lets go; this bounds the wait after a holder was killed.
WAIT_S: Final = 0.02
HELP_S: Final = 0.005  # how long a holder goes on serving requests after its own commit
MAX_ANSWER_PIPES: Final = 256  # answer pipes a holder keeps open

_OK, _STOP, _ALONE = "ok", "stop", "alone"

try:
    from fcntl import ioctl
    from termios import FIONREAD
except ImportError:  # pragma: no cover - Windows, where commits are not shared
    ioctl = None  # type: ignore[assignment]
    FIONREAD = 0  # type: ignore[misc]


@dataclasses.dataclass(frozen=True, slots=True)
class _Request:
    token: str
    pipe: str  # its recorder's answer pipe, in the spool folder
    commit: RecorderCommit


@dataclasses.dataclass(slots=True)
class GroupStats:
    alone: int = 0  # commits written in a transaction of their own
    led: int = 0  # transactions that wrote other recorders' requests too
    others: int = 0  # other recorders' requests written in them
    served: int = 0  # own commits another recorder wrote
    replayed: int = 0  # own commits written again: taken by a holder that did not answer


class GroupCommitter:
    """Writes one recorder's commits, shared with other recorders of the same SQLite file."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self._queue: WriteQueue | None = None
        self._spool: Path | None = None
        self._owner = f"{os.getpid()}-{secrets.token_hex(4)}"
        self._count = 0
        self._requests_r = self._requests_w = -1
        self._answers_r = self._answers_w = -1  # our own writer: a pipe never reads end-of-file
        self._unread = b""
        self._answer_fds: OrderedDict[str, int] = OrderedDict()
        self.stats = GroupStats()
        database = store.engine.url.database if store.is_sqlite else None
        if database in (None, "", ":memory:") or store.engine.url.query.get("uri") == "true":
            return
        assert database is not None
        queue = write_queue(database)
        if not queue.spans_processes or ioctl is None:
            return
        path = Path(database).resolve()
        spool = path.with_name(path.name + SPOOL_SUFFIX)
        try:
            self._open_pipes(spool)
        except OSError as exc:
            log.warning("commits are not shared (spool folder %s: %s)", spool, exc)
            self.close()
            return
        self._queue, self._spool = queue, spool

    def commit(self, commit: RecorderCommit) -> bool:
        """Write `commit`; True if a stop was asked for. Raises StoreError as Store.write does."""
        queue = self._queue
        if queue is None:
            return self._alone(commit)
        if queue.try_take():
            try:
                return self._lead(commit)
            finally:
                self._give_back(queue)
        token = f"{self._owner}.{self._count}"
        self._count += 1
        line = f"{token} {self._owner}{PIPE} {commit.to_json()}\n".encode()
        if len(line) > MAX_REQUEST_BYTES:
            return self._alone(commit)
        try:
            os.write(self._requests_w, line)
        except BlockingIOError:  # the request pipe is full: queue for the turn instead
            return self._alone(commit)
        return self._wait(queue, commit, token)

    def close(self) -> None:
        for fd in (
            self._requests_r,
            self._requests_w,
            self._answers_r,
            self._answers_w,
            *self._answer_fds.values(),
        ):
            if fd >= 0:
                with contextlib.suppress(OSError):
                    os.close(fd)
        self._requests_r = self._requests_w = self._answers_r = self._answers_w = -1
        self._answer_fds.clear()
        if self._spool is not None:
            with contextlib.suppress(OSError):
                (self._spool / (self._owner + PIPE)).unlink()
        self._queue = None

    # -- holding the turn -------------------------------------------------------------------

    def _alone(self, commit: RecorderCommit) -> bool:
        with self._store.write() as conn:
            stop = apply_commit(conn, commit)
        self.stats.alone += 1
        return stop

    def _lead(self, commit: RecorderCommit | None, *, own: str = "") -> bool:
        """Holding the turn: write `commit` and every request waiting, in one transaction.

        `commit` None: only the waiting requests (a holder serving late ones). `own`: the
        token of this recorder's own request, left unanswered: if it is still in the pipe it
        is written as it is; if not, a holder took it and ended, and `commit` is replayed.
        Returns `commit`'s stop answer (False without one).
        """
        requests = self._read_requests()
        if own:
            mine = [r for r in requests if r.token == own]
            requests = [r for r in requests if r.token != own]
            if mine:
                commit = mine[0].commit
            else:
                assert commit is not None
                commit = dataclasses.replace(commit, replay=True)
                self.stats.replayed += 1
        if not requests:
            return False if commit is None else self._alone(commit)
        try:
            with self._store.write() as conn:
                first = () if commit is None else (commit,)
                stops = apply_commits(conn, [*first, *(r.commit for r in requests)])
            stop = bool(first) and stops.pop(0)
        except StoreError as exc:
            log.info("a shared commit failed (%s): each of its %d writes alone", exc, len(requests))
            self._answer(requests, None)
            return False if commit is None else self._alone(commit)
        self._answer(requests, stops)
        self.stats.led += 1
        self.stats.others += len(requests)
        return stop

    def _give_back(self, queue: WriteQueue) -> None:
        """Let go of the turn, then serve requests that came after the last read (their
        recorders found the turn taken, and wait to be answered), for up to HELP_S: after
        that, this recorder's own next commit, or a waiter's WAIT_S, takes them."""
        queue.give_back()
        until = time.monotonic() + HELP_S
        while self._waiting() and time.monotonic() < until and queue.try_take():
            try:
                self._lead(None)
            finally:
                queue.give_back()

    def _waiting(self) -> bool:
        assert ioctl is not None
        try:
            return int.from_bytes(ioctl(self._requests_r, FIONREAD, b"\0\0\0\0"), "little") > 0
        except OSError:
            return False

    def _read_requests(self) -> list[_Request]:
        chunks = []
        while True:
            try:
                chunk = os.read(self._requests_r, 65536)
            except BlockingIOError:
                break
            if not chunk:
                break
            chunks.append(chunk)
        requests = []
        for line in b"".join(chunks).splitlines():
            token, pipe, text = [*line.decode("utf-8", "replace").split(" ", 2), "", ""][:3]
            try:
                if not (_is_token(token) and pipe == token.rpartition(".")[0] + PIPE):
                    raise ValueError("not a commit request")
                requests.append(_Request(token, pipe, RecorderCommit.from_json(text)))
            except (ValueError, KeyError, TypeError) as exc:
                log.warning("dropped an unreadable commit request %.40r: %s", line, exc)
        return requests

    def _answer(self, requests: list[_Request], stops: list[bool] | None) -> None:
        for i, request in enumerate(requests):
            word = _ALONE if stops is None else _STOP if stops[i] else _OK
            self._send(request.pipe, f"{request.token} {word}\n".encode())

    def _send(self, pipe: str, message: bytes) -> None:
        """Answer a waiting recorder; one that is gone is skipped (its pipe removed)."""
        fd = self._answer_fds.pop(pipe, -1)
        assert self._spool is not None
        path = self._spool / pipe
        try:
            if fd < 0:
                fd = os.open(path, os.O_WRONLY | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0))
                if not stat.S_ISFIFO(os.fstat(fd).st_mode):
                    raise OSError(errno.EINVAL, "not a pipe")
            os.write(fd, message)  # short: written whole
        except OSError as exc:
            if fd >= 0:
                os.close(fd)
            if exc.errno in (errno.ENXIO, errno.EPIPE):  # nobody reads it: its process ended
                with contextlib.suppress(OSError):
                    path.unlink()
            elif exc.errno != errno.ENOENT:
                log.warning("cannot answer the commit request on %s: %s", pipe, exc)
            return
        self._answer_fds[pipe] = fd
        if len(self._answer_fds) > MAX_ANSWER_PIPES:
            os.close(self._answer_fds.popitem(last=False)[1])

    # -- waiting ----------------------------------------------------------------------------

    def _wait(self, queue: WriteQueue, commit: RecorderCommit, token: str) -> bool:
        while True:
            word = self._answer_for(token, timeout_s=WAIT_S)
            if word is None and queue.try_take():
                # No answer, and the turn is free: a holder ended without answering, or has
                # not read our request. Read the requests ourselves.
                try:
                    word = self._answer_for(token, timeout_s=0.0)
                    if word is None:
                        return self._lead(commit, own=token)
                finally:
                    self._give_back(queue)
            if word in (_OK, _STOP):
                self.stats.served += 1
                return word == _STOP
            if word == _ALONE:
                return self._alone(commit)

    def _answer_for(self, token: str, *, timeout_s: float) -> str | None:
        """The answer to request `token`, or None if none came in time."""
        deadline = time.monotonic() + timeout_s
        while True:
            word = self._take_answer(token)
            if word is not None:
                return word
            left = deadline - time.monotonic()
            if select.select([self._answers_r], [], [], max(left, 0.0))[0]:
                with contextlib.suppress(BlockingIOError):
                    chunk = os.read(self._answers_r, 4096)
                    if chunk:
                        self._unread += chunk
                        continue
            if left <= 0:
                return None

    def _take_answer(self, token: str) -> str | None:
        """The answer for `token` among the whole lines read so far (older ones are dropped)."""
        if b"\n" not in self._unread:
            return None
        *lines, self._unread = self._unread.split(b"\n")
        found = None
        for line in lines:
            got, _, word = line.decode("ascii", "replace").partition(" ")
            if got == token:
                found = word
        return found

    def _open_pipes(self, spool: Path) -> None:
        private_dir(spool)
        requests = spool / REQUESTS
        with contextlib.suppress(FileExistsError):
            os.mkfifo(requests, 0o600)
        self._requests_r = _open_pipe(requests, os.O_RDONLY)
        self._requests_w = _open_pipe(requests, os.O_WRONLY)
        _sweep(spool)
        answers = spool / (self._owner + PIPE)
        os.mkfifo(answers, 0o600)
        self._answers_r = _open_pipe(answers, os.O_RDONLY)
        self._answers_w = _open_pipe(answers, os.O_WRONLY)


def _open_pipe(path: Path, mode: int) -> int:
    fd = os.open(path, mode | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0))
    if not stat.S_ISFIFO(os.fstat(fd).st_mode):
        os.close(fd)
        raise OSError(errno.EINVAL, f"{path} is not a named pipe")
    return fd


def _is_token(token: str) -> bool:
    """A request's token: PID-HEX.N."""
    owner, dot, count = token.rpartition(".")
    return bool(dot) and count.isdigit() and _pid_of(owner) is not None


def _sweep(spool: Path) -> None:
    """Remove the answer pipes of processes that ended without tidying up."""
    try:
        with os.scandir(spool) as entries:
            names = [e.name for e in entries if e.name.endswith(PIPE) and e.name != REQUESTS]
    except OSError:
        return
    for name in names:
        pid = _pid_of(name[: -len(PIPE)])
        if pid is not None and not _alive(pid):
            with contextlib.suppress(OSError):
                (spool / name).unlink()


def _pid_of(owner: str) -> int | None:
    """The process of an owner name PID-HEX."""
    pid, dash, tag = owner.partition("-")
    if dash and pid.isdigit() and tag.isalnum():
        return int(pid)
    return None


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # another user's: leave it
    return True
