"""Log in: check a password against its argon2id hash, with a lockout kept in the store.

Every failure says the same thing ("wrong user name or password"), whether the name exists,
the account is disabled or the password is wrong, and takes the same time (a dummy hash is
verified for unknown names); the log and the audit say no more. Attempts are counted per typed
name and per client (the browser's address) in the database, so the lockout survives a restart
and holds across every dashboard process of a clinic. Each attempt is booked in the database
before its password is hashed: of twenty sent at once, only the throttle's five are checked.
"""

from __future__ import annotations

import datetime as dt
import logging
import math

from hrv_relax.auth.passwords import MAX_PASSWORD_LENGTH, needs_rehash, rehash, verify_password
from hrv_relax.auth.throttle import CLIENT_POLICY, DEFAULT_POLICY, ThrottlePolicy, locked_for_s
from hrv_relax.errors import LoginError
from hrv_relax.records import UserRecord, Viewer
from hrv_relax.store.accounts import (
    MAX_USERNAME,
    AttemptHistory,
    credentials,
    finish_attempt,
    reserve_attempt,
    store_new_hash,
)
from hrv_relax.store.clock import utcnow
from hrv_relax.store.engine import Store
from hrv_relax.store.people import find_user_by_id

log = logging.getLogger(__name__)

WRONG = "Wrong user name or password."


def _in_minutes(wait_s: float) -> str:
    """The "try again in N minute(s)" words: the wait rounded up to whole minutes, at least one."""
    minutes = max(1, math.ceil(wait_s / 60))
    return f"Try again in {minutes} minute{'s' if minutes > 1 else ''}"


class LockedOut(LoginError):  # noqa: N818 - reads as a state
    """Too many recent failures for this user name."""

    def __init__(self, wait_s: float) -> None:
        super().__init__(
            f"Too many failed attempts for this user name. {_in_minutes(wait_s)}, "
            "or ask an admin to reset the password."
        )
        self.wait_s = wait_s


class ClientLockedOut(LoginError):  # noqa: N818 - reads as a state
    """Too many recent failures from this client, on any names."""

    def __init__(self, wait_s: float) -> None:
        super().__init__(f"Too many failed sign-ins from this computer. {_in_minutes(wait_s)}.")
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
    client: str = "",
    now: dt.datetime | None = None,
    policy: ThrottlePolicy = DEFAULT_POLICY,
    client_policy: ThrottlePolicy = CLIENT_POLICY,
) -> Viewer:
    """The signed-in viewer, or LoginError (LockedOut while the name or the client is locked).

    `client` names where the attempt comes from (the browser's address; "" for none).
    """
    now = now or utcnow()
    if not username.strip() or not password:
        raise LoginError("Enter your user name and password.")
    if len(username) > 4 * MAX_USERNAME or len(password) > MAX_PASSWORD_LENGTH:
        raise LoginError(WRONG)  # never hashed: bounds the work one request can cost
    if not username.isprintable():
        raise LoginError(WRONG)  # no user name has control characters (PostgreSQL refuses NUL)
    longest = max(
        policy.window_s + policy.lockout_s, client_policy.window_s + client_policy.lockout_s
    )

    def refuse(history: AttemptHistory) -> LoginError | None:
        wait_s = locked_for_s(
            [t.timestamp() for t in history.name_failures], now.timestamp(), policy
        )
        if wait_s > 0:
            return LockedOut(wait_s)
        wait_s = locked_for_s(
            [t.timestamp() for t in history.client_failures], now.timestamp(), client_policy
        )
        return ClientLockedOut(wait_s) if wait_s > 0 else None

    try:
        attempt = reserve_attempt(
            store,
            username,
            client=client,
            at=now,
            since=now - dt.timedelta(seconds=longest),
            refuse=refuse,
        )
    except LoginError as exc:
        log.warning("login refused for %r: %s", username[:MAX_USERNAME], exc)
        raise
    found = credentials(store, username)
    usable = found.user is not None and found.user.active
    ok = verify_password(found.password_hash if usable else None, password) and usable
    if not ok or found.user is None:
        # Says nothing of why: whether the name exists is what an attacker wants to learn.
        log.warning("login failed for %r", username[:MAX_USERNAME])
        finish_attempt(store, attempt, username, success=False, user_id=None)
        raise LoginError(WRONG)
    finish_attempt(store, attempt, username, success=True, user_id=found.user.id)
    if found.password_hash is not None and needs_rehash(found.password_hash):
        store_new_hash(store, found.user.id, rehash(password))
    return viewer_for(found.user)


def refresh_viewer(store: Store, user_id: int) -> Viewer | None:
    """The user's viewer as the users table has it now; None if gone or disabled."""
    user = find_user_by_id(store, user_id)
    if user is None or not user.active:
        return None
    return viewer_for(user)
