"""Run Python code in a child process and read the child's own peak memory.

Linux keeps a process's ru_maxrss across execve, and a child made by fork or vfork starts
from its parent's resident size: a child started by a large pytest would report pytest's
peak. So the child forks once more before it imports anything, and the grandchild, whose
rusage starts from the few megabytes of a bare interpreter, runs the code and reports
`resource.getrusage(RUSAGE_SELF)` of itself.
"""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass
from typing import Any

LAUNCHER = """
import json, os, resource, sys
script = sys.argv[1]
sys.argv = ["measured", *sys.argv[2:]]
r, w = os.pipe()
pid = os.fork()
if pid == 0:
    os.close(r)
    scope = {"__name__": "__measured__"}
    exec(compile(script, "<measured>", "exec"), scope)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    sys.stdout.flush()
    sys.stderr.flush()
    os.write(w, json.dumps({"peak_mb": peak_mb, "result": scope.get("result")}).encode())
    os._exit(0)
os.close(w)
chunks = []
while chunk := os.read(r, 65536):
    chunks.append(chunk)
_, status = os.waitpid(pid, 0)
if not chunks:
    sys.exit(f"the measured code did not finish (wait status {status})")
print(b"".join(chunks).decode())
"""


@dataclass(frozen=True, slots=True)
class Measured:
    peak_mb: float
    result: Any  # what the code left in its variable `result`
    stderr: str


def run_measured(script: str, *args: str, timeout_s: float = 240) -> Measured:
    """Run `script` (with `sys.argv[1:] == args`) in a fresh process; its peak memory."""
    run = subprocess.run(
        [sys.executable, "-c", LAUNCHER, script, *args],
        capture_output=True,
        text=True,
        timeout=timeout_s,
        check=False,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    report = json.loads(run.stdout.strip().splitlines()[-1])
    return Measured(report["peak_mb"], report["result"], run.stderr)
