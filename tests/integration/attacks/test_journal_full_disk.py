"""A full disk under the recorder's journal: no message may claim beats are on disk.

"1 beats kept in the journal" was printed for a 0-byte journal on a full disk. The journal
file here is the kernel's /dev/full, which refuses every write with ENOSPC.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from hrv_relax.capture.journal import JOURNAL_SUFFIX, Batch, Journal, database_folder
from hrv_relax.store import Beat

pytestmark = pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
URL = "sqlite:////tmp/practice.db"


def test_beats_the_full_disk_refused_are_said_to_be_in_memory_only(tmp_path: Path) -> None:
    folder = database_folder(tmp_path, URL)
    folder.mkdir(parents=True)
    (folder / f"session-7{JOURNAL_SUFFIX}").symlink_to("/dev/full")
    journal = Journal(tmp_path, URL, 7)
    journal.append(Batch(7, (Beat(0, 0.8, 800.0, 75, True),)))
    assert journal.pending_beats == 1
    said = journal.where_kept()
    assert said.startswith("1 beat kept in memory only") and "lost" in said, said
    journal.close()


def test_beats_on_disk_are_said_to_be_there(tmp_path: Path) -> None:
    journal = Journal(tmp_path, URL, 8)
    journal.append(Batch(8, tuple(Beat(i, 0.8 * (i + 1), 800.0, 75, True) for i in range(2))))
    assert journal.where_kept() == f"2 beats kept in {journal.path}"
    assert journal.path.stat().st_size > 0
    journal.close()
