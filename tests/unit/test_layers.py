"""The package's layers (pyproject.toml [tool.importlinter]): imports only ever point down.

cli > dashboard > demo > report > views > capture > auth, formats > store > analysis > records,
vocabulary, heart_rate, config > errors; analysis imports nothing but numpy, scipy, neurokit2
and the base modules; only capture.ble talks Bluetooth. import-linter runs in its own process:
it reconfigures logging, which would silence the audit log other tests read.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def test_import_contracts_are_kept() -> None:
    lint_imports = Path(sys.executable).with_name("lint-imports")
    done = subprocess.run(
        [str(lint_imports), "--no-cache", "--config", str(REPO / "pyproject.toml")],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "0 broken" in done.stdout
