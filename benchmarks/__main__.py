"""Run every ``benchmarks/bench_*.py`` module: ``python -m benchmarks [--quick] [NAME...]``.

Each module runs in a fresh interpreter (``python -m benchmarks.bench_NAME``), so no
benchmark inherits another's memory, environment or imported state. ``--quick`` runs each
benchmark small (about a minute in all), so a test run can check that every benchmark still
runs; its figures are too small to quote.
"""

import argparse
import subprocess
import sys
import time
from pathlib import Path


def run(argv: list[str] | None = None) -> int:
    """Run each bench module in name order; 1 if any of them failed."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="run every benchmark small")
    parser.add_argument("only", nargs="*", help="run only these (e.g. live history)")
    args = parser.parse_args(argv)
    here = Path(__file__).resolve().parent
    failed = []
    for path in sorted(here.glob("bench_*.py")):
        name = path.stem.removeprefix("bench_")
        if args.only and name not in args.only:
            continue
        print(f"== {path.stem}{' (quick)' if args.quick else ''}", flush=True)
        start = time.perf_counter()
        command = [sys.executable, "-m", f"benchmarks.{path.stem}"]
        if args.quick:
            command.append("--quick")
        done = subprocess.run(command, check=False, cwd=here.parent)
        print(f"== {path.stem}: {time.perf_counter() - start:.0f} s", flush=True)
        if done.returncode:
            failed.append(path.stem)
    if failed:
        print(f"benchmarks failed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(run())
