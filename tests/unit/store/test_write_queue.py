"""SQLite writers of one file take turns: another process waits for the turn to be given back."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from hrv_relax.store.write_queue import write_queue

HOLDER = """
import sys, time
from pathlib import Path
from hrv_relax.store.write_queue import write_queue
db, holding, released = sys.argv[1:4]
with write_queue(db).turn():
    Path(holding).touch()
    time.sleep(0.5)
    Path(released).touch()
"""


@pytest.mark.skipif(sys.platform == "win32", reason="no advisory file locks: threads only")
def test_another_process_waits_until_the_turn_is_given_back(tmp_path: Path) -> None:
    db, holding, released = tmp_path / "x.db", tmp_path / "holding", tmp_path / "released"
    child = subprocess.Popen([sys.executable, "-c", HOLDER, str(db), str(holding), str(released)])
    try:
        deadline = time.monotonic() + 60
        while not holding.exists():
            assert time.monotonic() < deadline and child.poll() is None, "holder never started"
            time.sleep(0.01)
        with write_queue(str(db)).turn():
            # Only once the other process has let go (it marks that before it does).
            assert released.exists()
    finally:
        child.wait(timeout=60)
    assert (tmp_path / "x.db-writers.lock").exists()


def test_a_thread_writing_inside_its_own_turn_does_not_wait_on_itself(tmp_path: Path) -> None:
    db = tmp_path / "y.db"
    db.touch()
    queue = write_queue(str(db))
    with queue.turn(), write_queue(str(tmp_path / "." / "y.db")).turn():
        assert write_queue(str(db)) is queue  # one queue per file, however it is named
