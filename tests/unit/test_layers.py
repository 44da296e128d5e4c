"""The package's layers (pyproject.toml [tool.importlinter]): imports only ever point down.

cli > dashboard > demo > report > views > capture > auth, formats > store > analysis > records,
vocabulary, heart_rate, config > errors; analysis imports nothing but numpy, scipy, neurokit2
and the base modules; only capture.ble talks Bluetooth.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from importlinter.cli import lint_imports

PYPROJECT = Path(__file__).resolve().parents[2] / "pyproject.toml"


def test_import_contracts_are_kept(capsys: pytest.CaptureFixture[str]) -> None:
    code = lint_imports(config_filename=str(PYPROJECT), no_cache=True, no_logo=True)
    assert code == 0, capsys.readouterr().out
