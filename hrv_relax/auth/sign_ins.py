"""Sign-in sessions bound to a browser: who is signed in is decided by the database, per browser.

The dashboard gives each browser a random cookie (256 bits, HttpOnly, SameSite=Strict) before
anyone signs in; signing in records the user against the cookie's SHA-256 in the `sign_ins`
table. Every page run looks the browser up again, so a reload, a new tab or a bookmark stays
signed in, and nothing a Streamlit session holds (its session state, its id) is proof of a
sign-in: a websocket resuming another browser's Streamlit session without that browser's cookie
is signed out. A sign-in ends after the idle limit without activity, after `MAX_SIGN_IN_S` in
any case, at sign-out (every browser of the account), when the account is disabled and when its
password is reset.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
from dataclasses import dataclass

from hrv_relax.auth.login import refresh_viewer
from hrv_relax.records import Viewer
from hrv_relax.store.audit import audit_as
from hrv_relax.store.clock import utcnow
from hrv_relax.store.engine import Store
from hrv_relax.store.sign_ins import (
    DISABLED,
    EXPIRED,
    IDLE,
    PASSWORD_RESET,
    SIGNED_OUT,
    end_all_sign_ins_of,
    end_sign_in,
    latest_sign_in,
    start_sign_in,
    touch_sign_in,
)

BROWSER_COOKIE = "hrv_relax_browser"
#: A working day: even an active sign-in is asked for the password again after this.
MAX_SIGN_IN_S = 12 * 3600.0
#: Activity is written at most this often (every page run would be a write per second).
TOUCH_EVERY_S = 10.0
_SECRET = re.compile(r"[A-Za-z0-9_-]{43}")

NOTICES = {
    SIGNED_OUT: "You signed out.",
    IDLE: "You were signed out after a while without activity.",
    EXPIRED: "Your sign-in is more than 12 hours old. Please sign in again.",
    DISABLED: "Your account is not active any more. Ask an admin.",
    PASSWORD_RESET: "Your password was reset. Please sign in with the new one.",
}


def new_browser_secret() -> str:
    return secrets.token_urlsafe(32)


def is_browser_secret(value: str | None) -> bool:
    """Whether a cookie value has the form of one this dashboard gives out."""
    return value is not None and _SECRET.fullmatch(value) is not None


def browser_digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class BrowserSignIn:
    """Who a browser is signed in as (viewer None: nobody), and if not, why (notice)."""

    viewer: Viewer | None
    sign_in_id: int | None = None
    notice: str = ""
    end_reason: str | None = None


def sign_in_browser(store: Store, viewer: Viewer, secret: str) -> int:
    """Record that this browser signed in as `viewer`; the sign-in's id."""
    assert viewer.user_id is not None
    return start_sign_in(store, viewer.user_id, browser_digest(secret)).id


def check_browser(
    store: Store,
    secret: str | None,
    *,
    idle_s: float,
    active: bool,
    now: dt.datetime | None = None,
) -> BrowserSignIn:
    """Who the browser with this cookie is signed in as, ending a sign-in that has lapsed.

    `active` (a click, or a page watching a recording) counts as use and postpones the idle end.
    """
    if not is_browser_secret(secret):
        return BrowserSignIn(None)
    assert secret is not None
    now = now or utcnow()
    record = latest_sign_in(store, browser_digest(secret))
    if record is None:
        return BrowserSignIn(None)
    if record.ended_at is not None:
        return BrowserSignIn(
            None,
            notice=NOTICES.get(record.end_reason or "", "Please sign in."),
            end_reason=record.end_reason,
        )
    lapsed = (
        IDLE
        if (now - record.last_active_at).total_seconds() > idle_s
        else EXPIRED
        if (now - record.created_at).total_seconds() > MAX_SIGN_IN_S
        else None
    )
    viewer = refresh_viewer(store, record.user_id) if lapsed is None else None
    if viewer is None:
        reason = lapsed or DISABLED
        end_sign_in(store, record.id, reason, now)
        return BrowserSignIn(None, notice=NOTICES[reason], end_reason=reason)
    if active and (now - record.last_active_at).total_seconds() >= TOUCH_EVERY_S:
        touch_sign_in(store, record.id, now)
    return BrowserSignIn(viewer, sign_in_id=record.id)


def sign_out_everywhere(store: Store, viewer: Viewer) -> None:
    """End every sign-in of the viewer's account, in every browser, and audit it."""
    assert viewer.user_id is not None
    end_all_sign_ins_of(store, viewer.user_id, SIGNED_OUT)
    audit_as(store, viewer, "logout")
