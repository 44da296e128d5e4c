"""Login rate limiting: after repeated failures a user name is locked for a while, and so is a
client (one browser's address) that fails on many names.

OWASP's authentication guidance: limit failed attempts per account, lock temporarily rather
than for good (a permanent lock lets anyone lock a therapist out), and say so plainly. The
per-account limit alone lets one client try a common password on every name (OWASP's
"password spraying"): the per-client limit stops that.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ThrottlePolicy:
    max_failures: int = 5  # failures within the window before the lock
    window_s: float = 15 * 60.0
    lockout_s: float = 15 * 60.0


DEFAULT_POLICY = ThrottlePolicy()
#: One client may fail this often (on any names) before it is locked: a person mistyping
#: their own name and password now and then never gets near it.
CLIENT_POLICY = ThrottlePolicy(max_failures=10)


def locked_for_s(
    failures_s: Sequence[float], now_s: float, policy: ThrottlePolicy = DEFAULT_POLICY
) -> float:
    """Seconds until the next attempt is allowed (0: allowed now).

    `failures_s` are the times of failed attempts since the last success, in seconds.
    """
    recent = sorted(t for t in failures_s if now_s - t <= policy.window_s + policy.lockout_s)
    for i in range(len(recent) - policy.max_failures + 1):
        burst = recent[i : i + policy.max_failures]
        if burst[-1] - burst[0] <= policy.window_s:
            remaining = burst[-1] + policy.lockout_s - now_s
            if remaining > 0:
                return remaining
    return 0.0
