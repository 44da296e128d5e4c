"""Issue 14 §2 in the database: sign-ins are revocable and expire, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

from hrv_relax.auth.login import viewer_for
from hrv_relax.auth.passwords import hash_password
from hrv_relax.auth.sign_ins import (
    MAX_SIGN_IN_S,
    check_browser,
    new_browser_secret,
    sign_in_browser,
    sign_out_everywhere,
)
from hrv_relax.records import SYSTEM
from hrv_relax.store import Store
from hrv_relax.store.accounts import set_active, set_password_hash
from hrv_relax.store.clock import utcnow
from tests.support.accounts import account

IDLE_S = 60.0


def _browsers(store: Store, username: str, n: int = 2) -> list[str]:
    viewer = viewer_for(account(store, username, "therapist"))
    secrets = [new_browser_secret() for _ in range(n)]
    for secret in secrets:
        sign_in_browser(store, viewer, secret)
    return secrets


def _who(store: Store, secret: str, now: dt.datetime | None = None) -> str | None:
    found = check_browser(store, secret, idle_s=IDLE_S, active=False, now=now)
    return found.viewer.username if found.viewer else None


def test_sign_out_disabling_and_a_password_reset_end_every_sign_in(any_store: Store) -> None:
    admin = viewer_for(account(any_store, "boss", "admin"))
    sam, kim, lee = (_browsers(any_store, name) for name in ("sam", "kim", "lee"))
    assert [_who(any_store, s) for s in sam] == ["sam", "sam"]
    sign_out_everywhere(any_store, viewer_for(account(any_store, "sam", "therapist")))
    assert [_who(any_store, s) for s in sam] == [None, None]
    set_active(any_store, admin, "kim", False)
    assert [_who(any_store, s) for s in kim] == [None, None]
    set_active(any_store, admin, "kim", True)
    assert [_who(any_store, s) for s in kim] == [None, None]  # enabling signs nobody back in
    set_password_hash(any_store, SYSTEM, "lee", hash_password("a new password 2026"))
    found = check_browser(any_store, lee[0], idle_s=IDLE_S, active=False)
    assert found.viewer is None and "password was reset" in found.notice
    assert _who(any_store, _browsers(any_store, "lee", 1)[0]) == "lee"  # signs in again


def test_a_sign_in_ends_after_the_idle_limit_or_a_working_day(any_store: Store) -> None:
    (secret,) = _browsers(any_store, "sam", 1)
    now = utcnow()
    assert _who(any_store, secret, now + dt.timedelta(seconds=IDLE_S - 5)) == "sam"
    found = check_browser(
        any_store, secret, idle_s=IDLE_S, active=False, now=now + dt.timedelta(seconds=IDLE_S + 5)
    )
    assert found.viewer is None and "without activity" in found.notice
    assert _who(any_store, secret) is None  # ended for good, not only for that check
    (secret,) = _browsers(any_store, "kim", 1)
    now = later = utcnow()
    while (later - now).total_seconds() <= MAX_SIGN_IN_S:  # active all day long
        later += dt.timedelta(seconds=IDLE_S / 2)
        found = check_browser(any_store, secret, idle_s=IDLE_S, active=True, now=later)
        if found.viewer is None:
            break
    assert found.viewer is None and "12 hours" in found.notice
    assert (later - now).total_seconds() > MAX_SIGN_IN_S - IDLE_S


def test_a_cookie_of_the_wrong_form_or_unknown_signs_nobody_in(any_store: Store) -> None:
    _browsers(any_store, "sam", 1)
    for forged in ("", "x", "' OR 1=1 --", "a" * 43, new_browser_secret(), None):
        assert _who(any_store, forged) is None  # type: ignore[arg-type]
