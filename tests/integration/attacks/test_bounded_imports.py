"""Imports attacked with oversized files: every one refused with one clear line, in bounded memory.

A 64 MB RR text peaked at 6.3 GB before it was refused, 10^7 beats took 2.3 GB and a 500 MB
file was read whole before its size was checked. Each file here goes through `hrv-relax import`
in a child process that reports its own peak memory (getrusage of itself,
tests.support.peak_memory).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from hrv_relax.formats.recording import MAX_BEATS, MAX_FILE_BYTES
from hrv_relax.store import list_clients, open_store
from tests.support.peak_memory import run_measured

PEAK_LIMIT_MB = 300
TOO_MANY = f"more than {MAX_BEATS:,} RR intervals"

IMPORT = """
import sys
from hrv_relax.cli.main import main
result = main(sys.argv[1:])
"""


def _rr_text(path: Path) -> None:
    path.write_bytes(b"800\n" * (MAX_FILE_BYTES // 4))  # 64 MB: just inside the size limit


def _csv_ten_million(path: Path) -> None:
    with path.open("wb") as f:
        f.write(b"rr_ms\n")
        for _ in range(100):
            f.write(b"812\n" * 100_000)


def _hrm_ten_million(path: Path) -> None:
    with path.open("wb") as f:
        f.write(b"[Params]\nVersion=106\nInterval=238\n\n[HRData]\n")
        for _ in range(100):
            f.write(b"812\n" * 100_000)


def _sensor_logger(path: Path) -> None:
    row = b"2026-05-04T10:00:00.000;812\n"
    with path.open("wb") as f:
        f.write(b"Phone timestamp;RR-interval [ms]\n")
        f.write(row * ((MAX_FILE_BYTES - 40) // len(row)))


def _sparse_500_mb(path: Path) -> None:
    with path.open("wb") as f:
        f.truncate(500 * 2**20)  # takes no disk space; read whole it takes 500 MB of memory


def _one_long_line(path: Path) -> None:
    path.write_bytes(b"8" * MAX_FILE_BYTES)


FILES: dict[str, tuple[Callable[[Path], None], str]] = {
    "rr-text-64MB.txt": (_rr_text, TOO_MANY),
    "ten-million.csv": (_csv_ten_million, TOO_MANY),
    "ten-million.hrm": (_hrm_ten_million, TOO_MANY),
    "sensor-logger_RR.txt": (_sensor_logger, TOO_MANY),
    "huge.txt": (_sparse_500_mb, "the file is 500 MB; at most 64 MB is read"),
    "one-line.txt": (_one_long_line, "line 1: the line is longer than"),
}


@pytest.mark.slow
@pytest.mark.parametrize("name", list(FILES))
def test_an_oversized_file_is_refused_in_bounded_memory(tmp_path: Path, name: str) -> None:
    make, message = FILES[name]
    path = tmp_path / name
    make(path)
    db = tmp_path / "practice.db"
    open_store(db).close()
    run = run_measured(
        IMPORT, "--db", str(db), "import", str(path), "--client", "Dana", timeout_s=240
    )
    errors = run.stderr.strip().splitlines()
    assert run.result != 0  # the command's exit code
    assert len(errors) == 1 and errors[0].startswith("hrv-relax: error: "), errors[-5:]
    assert message in errors[0]
    assert run.peak_mb < PEAK_LIMIT_MB, run.peak_mb
    # Nothing was written: no session, and no empty client named for the import.
    store = open_store(db)
    assert list_clients(store) == []
    store.close()
