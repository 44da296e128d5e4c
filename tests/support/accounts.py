"""Accounts for tests, and signing in through the dashboard's own sign-in form."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from hrv_relax.auth.passwords import hash_password
from hrv_relax.dashboard.server import dashboard_app
from hrv_relax.records import SYSTEM
from hrv_relax.store import Store, UserRecord, find_user
from hrv_relax.store.accounts import create_user

APP = str(dashboard_app())
PASSWORD = "correct horse battery"
STAFF = "staff-admin"


def account(
    store: Store,
    username: str,
    role: str,
    *,
    client: str | None = None,
    password: str = PASSWORD,
) -> UserRecord:
    """The user (created with `password` if missing)."""
    existing = find_user(store, username)
    if existing is not None:
        return existing
    return create_user(
        store,
        SYSTEM,
        username,
        role=role,
        password_hash=hash_password(password),
        client_name=client,
    )


def sign_in(at: AppTest, username: str, password: str = PASSWORD) -> AppTest:
    """Fill in and submit the sign-in form of an app that has run."""
    at.text_input(key="login_username").input(username)
    at.text_input(key="login_password").input(password)
    next(b for b in at.button if b.label == "Sign in").click().run()
    return at


def signed_in_app(
    db: Path | Store, username: str = STAFF, role: str = "admin", timeout_s: float = 60
) -> AppTest:
    """A dashboard AppTest signed in as `username` (an admin by default, created if missing)."""
    if isinstance(db, Store):
        account(db, username, role)
    at = AppTest.from_file(APP, default_timeout=timeout_s).run()
    return sign_in(at, username)
