"""Log in: check a password against its argon2id hash, with a lockout kept in the store.

Every failure says the same thing ("wrong user name or password"), whether the name exists,
the account is disabled or the password is wrong, and takes the same time (a dummy hash is
verified for unknown names). Attempts are counted per typed name in the database, so the
lockout survives a restart and holds across every dashboard process of a clinic.
"""

from __future__ import annotations

import datetime as dt
import logging
import math

from hrv_relax.auth.passwords import MAX_PASSWORD_LENGTH, needs_rehash, rehash, verify_password
from hrv_relax.auth.throttle import DEFAULT_POLICY, ThrottlePolicy, locked_for_s
from hrv_relax.errors import LoginError
from hrv_relax.records import UserRecord
from hrv_relax.store.access import Viewer
from hrv_relax.store.accounts import (
    MAX_USERNAME,
    credentials,
    failures_since_success,
    record_attempt,
    store_new_hash,
)
from hrv_relax.store.clock import utcnow
from hrv_relax.store.engine import Store
from hrv_relax.store.people import get_user

log = logging.getLogger(__name__)

WRONG = "Wrong user name or password."


class LockedOut(LoginError):  # noqa: N818 - reads as a state
    """Too many recent failures for this user name."""

    def __init__(self, wait_s: float) -> None:
        minutes = max(1, math.ceil(wait_s / 60))
        super().__init__(
            f"Too many failed attempts for this user name. Try again in {minutes} "
            f"minute{'s' if minutes > 1 else ''}, or ask an admin to reset the password."
        )
        self.wait_s = wait_s


def viewer_for(user: UserRecord) -> Viewer:
    return Viewer(
        user_id=user.id,
        username=user.username,
        role=user.role,
        display_name=user.display_name,
        is_demo=user.is_demo,
    )


def authenticate(
    store: Store,
    username: str,
    password: str,
    *,
    now: dt.datetime | None = None,
    policy: ThrottlePolicy = DEFAULT_POLICY,
) -> Viewer:
    """The signed-in viewer, or LoginError (LockedOut while the name is locked)."""
    now = now or utcnow()
    if not username.strip() or not password:
        raise LoginError("Enter your user name and password.")
    if len(username) > 4 * MAX_USERNAME or len(password) > MAX_PASSWORD_LENGTH:
        raise LoginError(WRONG)  # never hashed: bounds the work one request can cost
    if not username.isprintable():
        raise LoginError(WRONG)  # no user name has control characters (PostgreSQL refuses NUL)
    since = now - dt.timedelta(seconds=policy.window_s + policy.lockout_s)
    failures = failures_since_success(store, username, since)
    wait_s = locked_for_s([t.timestamp() for t in failures], now.timestamp(), policy)
    if wait_s > 0:
        log.warning("login refused: %r is locked for %.0f s", username[:MAX_USERNAME], wait_s)
        raise LockedOut(wait_s)
    found = credentials(store, username)
    usable = found.user is not None and found.user.active
    ok = verify_password(found.password_hash if usable else None, password) and usable
    user_id = found.user.id if found.user is not None else None
    if not ok or found.user is None:
        reason = "unknown name" if found.user is None else "disabled" if not usable else "password"
        log.warning("login failed for %r (%s)", username[:MAX_USERNAME], reason)
        record_attempt(store, username, success=False, user_id=user_id, at=now, detail=reason)
        raise LoginError(WRONG)
    record_attempt(store, username, success=True, user_id=user_id, at=now)
    if found.password_hash is not None and needs_rehash(found.password_hash):
        store_new_hash(store, found.user.id, rehash(password))
    return viewer_for(found.user)


def refresh_viewer(store: Store, user_id: int) -> Viewer | None:
    """The user's viewer as the users table has it now; None if gone or disabled."""
    user = get_user(store, user_id)
    if user is None or not user.active:
        return None
    return viewer_for(user)
