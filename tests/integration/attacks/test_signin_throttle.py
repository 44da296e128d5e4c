"""Sign-in throttling attacked as a stranger would: bursts, many names, common passwords.

Twenty wrong passwords sent at once on one name were all checked (the limit is 5) and cost
740 MB; fifty names tried from one browser in 14 s all went through; "password12" was a
valid new password. Each attack here runs against the real store, on SQLite and PostgreSQL.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import func, select

from hrv_relax.auth import passwords
from hrv_relax.auth.login import ClientLockedOut, LockedOut, authenticate
from hrv_relax.auth.passwords import WeakPassword, hash_password
from hrv_relax.demo.practice import DEMO_PASSWORD
from hrv_relax.errors import LoginError
from hrv_relax.records import SYSTEM
from hrv_relax.store import Store, open_store
from hrv_relax.store.accounts import create_user
from hrv_relax.store.audit import recent_audit
from hrv_relax.store.schema import login_attempts
from tests.support.accounts import PASSWORD, account
from tests.support.peak_memory import run_measured

BURST = 20
LIMIT = 5  # DEFAULT_POLICY.max_failures


class CountingHasher(passwords.PasswordHasher):
    """argon2's own hasher, counting the passwords it checks."""

    def __init__(self) -> None:
        super().__init__()
        self.verified = 0
        self._lock = threading.Lock()

    def verify(self, hash: str | bytes, password: str | bytes) -> bool:
        with self._lock:
            self.verified += 1
        return super().verify(hash, password)


def _all_at_once(n: int, attempt: Callable[[int], object]) -> list[object]:
    """Run `attempt(i)` for i < n in n threads released together; their results or errors."""
    start = threading.Barrier(n)
    results: list[object] = [None] * n

    def run(i: int) -> None:
        start.wait()
        try:
            results[i] = attempt(i)
        except Exception as exc:
            results[i] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def test_a_burst_of_wrong_passwords_checks_no_more_than_the_limit(
    any_db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = open_store(any_db_url)
    account(store, "sam", "therapist")
    hasher = CountingHasher()
    monkeypatch.setattr(passwords, "_HASHER", hasher)
    # One engine per attacker: as many separate processes or laptops would connect.
    stores = [open_store(any_db_url, migrate=False) for _ in range(BURST)]
    try:
        results = _all_at_once(
            BURST, lambda i: authenticate(stores[i], "sam", f"guess number {i}", client=f"c{i}")
        )
    finally:
        for s in stores:
            s.close()
    refused = [r for r in results if isinstance(r, LockedOut)]
    wrong = [r for r in results if isinstance(r, LoginError) and not isinstance(r, LockedOut)]
    assert len(wrong) == LIMIT and len(refused) == BURST - LIMIT, results
    assert hasher.verified == LIMIT
    with store.read() as conn:
        booked = conn.execute(select(func.count()).select_from(login_attempts)).scalar_one()
    assert booked == LIMIT
    # The real password is refused too while the name is locked.
    with pytest.raises(LockedOut):
        authenticate(store, "sam", PASSWORD)
    store.close()


def test_many_names_from_one_client_are_throttled(store: Store) -> None:
    account(store, "sam", "therapist")
    outcomes = []
    for i in range(50):
        try:
            authenticate(store, f"name{i}", "password12345", client="203.0.113.9")
        except LoginError as exc:
            outcomes.append(type(exc))
    assert outcomes[:10] == [LoginError] * 10
    assert set(outcomes[10:]) == {ClientLockedOut}
    # Another computer is not locked out by this one, and Sam signs in from it.
    assert authenticate(store, "sam", PASSWORD, client="198.51.100.7").username == "sam"


def test_the_sign_in_log_does_not_tell_whether_a_name_exists(
    store: Store, caplog: pytest.LogCaptureFixture
) -> None:
    account(store, "sam", "therapist")
    seen = []
    for name in ("sam", "nobody-here"):
        caplog.clear()
        with pytest.raises(LoginError):
            authenticate(store, name, "wrong wrong wrong", client="local")
        seen.append([r.getMessage().replace(name, "NAME") for r in caplog.records])
    assert seen[0] == seen[1]
    failed = recent_audit(store, action="login_failed")
    assert [(e.user_id, e.detail) for e in failed] == [(None, ""), (None, "")]


@pytest.mark.parametrize("password", ["password12", "1234567890", DEMO_PASSWORD, "Qwerty2026!"])
def test_the_commonest_passwords_are_refused(password: str) -> None:
    with pytest.raises(WeakPassword, match="commonest"):
        hash_password(password, username="sam")


def test_a_long_unusual_password_is_still_accepted() -> None:
    assert hash_password(PASSWORD, username="sam").startswith("$argon2id$")


BURST_OF_NAMES = """
import resource, sys, threading
from hrv_relax.auth.login import authenticate
from hrv_relax.errors import LoginError
from hrv_relax.store import open_store

store = open_store(sys.argv[1], migrate=False)
n = int(sys.argv[2])
try:
    authenticate(store, "user0", "warm up the hasher", client="warm")
except LoginError:
    pass
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
start = threading.Barrier(n)
def run(i):
    start.wait()
    try:
        authenticate(store, f"user{i}", "not the password", client=f"client{i}")
    except LoginError:
        pass
threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
for t in threads: t.start()
for t in threads: t.join()
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
result = (after - before) / 1024
"""


def test_a_burst_of_sign_ins_on_many_names_costs_bounded_memory(db_path: Path) -> None:
    store = open_store(db_path)
    one_hash = hash_password(PASSWORD)
    for i in range(BURST):
        create_user(store, SYSTEM, f"user{i}", role="therapist", password_hash=one_hash)
    store.close()
    grew_mb = run_measured(BURST_OF_NAMES, f"sqlite:///{db_path}", str(BURST)).result
    # argon2 takes 64 MiB per hash: two at once at most (one was already counted in `before`).
    assert grew_mb < 2 * 64 + 40, grew_mb
