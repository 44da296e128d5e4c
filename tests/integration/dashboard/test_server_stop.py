"""Ctrl-C on `hrv-relax dashboard` (or the demo) ends its Streamlit server, always.

Streamlit can miss a SIGTERM that comes while it is still starting; a server asked only once
then went on serving with no parent. The children here are real processes that miss the
first SIGTERM, or every one.
"""

from __future__ import annotations

import subprocess
import sys
import time

from hrv_relax.dashboard.server import stop_server

_MISSES_FIRST = """
import signal, sys, time
asked = []
def on_term(*_):
    asked.append(1)
    if len(asked) > 1:
        sys.exit(0)
signal.signal(signal.SIGTERM, on_term)
print("ready", flush=True)
while True:
    time.sleep(0.05)
"""
_MISSES_ALL = """
import signal, time
signal.signal(signal.SIGTERM, signal.SIG_IGN)
print("ready", flush=True)
while True:
    time.sleep(0.05)
"""


def _child(code: str) -> subprocess.Popen[bytes]:
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE)
    assert proc.stdout is not None and proc.stdout.readline() == b"ready\n"
    return proc


def test_a_server_that_misses_the_first_request_to_stop_is_asked_again() -> None:
    proc = _child(_MISSES_FIRST)
    started = time.monotonic()
    stop_server(proc, timeout_s=10)
    assert proc.returncode == 0  # it ended itself, on the second SIGTERM: not killed
    assert time.monotonic() - started < 5


def test_a_server_that_never_stops_is_killed_in_time_and_nothing_is_raised() -> None:
    proc = _child(_MISSES_ALL)
    started = time.monotonic()
    stop_server(proc, timeout_s=2)
    assert proc.returncode == -9
    assert time.monotonic() - started < 6
