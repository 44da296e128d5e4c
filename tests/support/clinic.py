"""Helpers for the clinic tests: recorder processes, what a simulated strap sent, store checks."""

from __future__ import annotations

import bisect
import functools
import os
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from sqlalchemy import func, select

from hrv_relax.capture.simulator import SessionPlan, SimulatedStrap, frames_for, simulate_beats
from hrv_relax.cli.main import _plan_for
from hrv_relax.heart_rate import parse_measurement
from hrv_relax.store import Store, get_session, load_beats
from hrv_relax.store.clock import utcnow
from hrv_relax.store.schema import beats
from tests.conftest import require, require_tool


@dataclass(frozen=True)
class Sent:
    """What a simulated strap sent: each RR interval and when its notification arrived."""

    rr_ms: list[float]
    arrival_s: list[float]

    def by(self, t_s: float) -> int:
        """How many beats had been sent `t_s` seconds into the session."""
        return bisect.bisect_right(self.arrival_s, t_s)


@functools.cache
def sent_by_strap(seed: int, duration_s: float | None = None) -> Sent:
    """What `hrv-relax record --simulate --seed S [--duration D]` receives.

    With a duration the recorder stops after the first notification at or past it.
    """
    plan = _plan_for(duration_s) if duration_s else SessionPlan()
    strap = SimulatedStrap(seed=seed, plan=plan)
    true_beats, losses = simulate_beats(plan, strap.profile, seed)
    rr_ms: list[float] = []
    arrival_s: list[float] = []
    for frame in frames_for(true_beats, losses, seed):
        rr = parse_measurement(frame.data).rr_ms
        rr_ms.extend(rr)
        arrival_s.extend([frame.t_s] * len(rr))
        if duration_s is not None and frame.t_s >= duration_s:
            break
    return Sent(rr_ms, arrival_s)


def start_recorder(
    db_url: str,
    seed: int,
    *,
    fast: bool = False,
    duration_s: float | None = None,
    client: str | None = None,
    stderr: Path | None = None,
    env: dict[str, str] | None = None,
    prefix: Sequence[str] = (),
) -> subprocess.Popen[str]:
    """`hrv-relax record --simulate` in its own process (as on a treatment-room laptop)."""
    command = [
        *prefix,
        sys.executable,
        "-m",
        "hrv_relax",
        "--db",
        db_url,
        "record",
        "--simulate",
        "--seed",
        str(seed),
        "--client",
        client or f"Room {seed}",
    ]
    if fast:
        command.append("--fast")
    if duration_s is not None:
        command += ["--duration", str(duration_s)]
    return subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL if stderr is None else stderr.open("w"),
        text=True,
        env={**os.environ, **(env or {})},
    )


def session_id_of(proc: subprocess.Popen[str]) -> int:
    assert proc.stdout is not None
    line = proc.stdout.readline()
    assert line.strip(), "the recorder printed no session id"
    return int(line)


def wait_for_beats(store: Store, session_id: int, n: int, timeout_s: float = 30.0) -> None:
    deadline = time.monotonic() + timeout_s
    while len(load_beats(store, session_id)) < n:
        assert time.monotonic() < deadline, f"session {session_id}: fewer than {n} beats"
        time.sleep(0.2)


def assert_stored_once_in_order(store: Store, session_id: int, sent: Sent) -> int:
    """Every stored beat is the strap's next one: seq 0..n-1, RR exactly as sent. Returns n."""
    stored = load_beats(store, session_id)
    n = len(stored)
    assert stored.seq.tolist() == list(range(n)), "a beat is missing or stored twice"
    assert stored.rr_ms.tolist() == sent.rr_ms[:n], "stored beats differ from what was sent"
    assert np.all(np.diff(stored.t_s) > 0)
    with store.read() as conn:
        rows = conn.execute(
            select(func.count()).select_from(beats).where(beats.c.session_id == session_id)
        ).scalar_one()
    assert rows == n
    return n


def in_mount_namespace(script: str) -> list[str]:
    """A command prefix running `script` (sh; "$@" is the command) where it may mount.

    A private mount namespace: a tmpfs or read-only bind mount made there is seen by the
    recorder inside and by nothing else, and vanishes with it.
    """
    unshare = require_tool("unshare")
    flags = ["--mount"] if os.geteuid() == 0 else ["--map-root-user", "--mount"]
    probe = subprocess.run([unshare, *flags, "true"], capture_output=True, check=False)
    require(probe.returncode == 0, f"cannot make a mount namespace: {probe.stderr!r}")
    return [unshare, *flags, "sh", "-c", script, "sh"]


def session_age_s(store: Store, session_id: int) -> float:
    return (utcnow() - get_session(store, session_id).started_at).total_seconds()
