"""Run every ``benchmarks/bench_*.py`` module's ``main()``: ``python -m benchmarks``."""

import importlib
import sys
from pathlib import Path


def run() -> int:
    """Import each bench module in name order and call its ``main()``."""
    for path in sorted(Path(__file__).resolve().parent.glob("bench_*.py")):
        module = importlib.import_module(f"benchmarks.{path.stem}")
        print(f"== {path.stem}", flush=True)
        module.main()
    return 0


if __name__ == "__main__":
    sys.exit(run())
