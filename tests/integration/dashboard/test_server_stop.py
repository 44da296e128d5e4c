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


# A process waiting for its server while its SIGINT is handed to another of its threads.
_CTRL_C_TO_ANOTHER_THREAD = """
import signal, subprocess, sys, threading, time
from hrv_relax.dashboard.server import wait_interruptibly
server = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
def ctrl_c() -> None:
    time.sleep(1.0)
    signal.pthread_kill(threading.get_ident(), signal.SIGINT)  # this thread, not the main one
threading.Thread(target=ctrl_c, daemon=True).start()
started = time.monotonic()
try:
    wait_interruptibly(server)
    print("not interrupted")
except KeyboardInterrupt:
    print(f"interrupted after {time.monotonic() - started:.1f} s")
server.kill()
"""


def test_a_ctrl_c_another_thread_took_still_stops_the_wait_for_the_server() -> None:
    done = subprocess.run(
        [sys.executable, "-c", _CTRL_C_TO_ANOTHER_THREAD],
        capture_output=True,
        text=True,
        timeout=25,
        check=True,
    )
    said = done.stdout.strip()
    assert said.startswith("interrupted after "), said
    assert float(said.split()[-2]) < 3.0
