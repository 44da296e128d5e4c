"""What every page shares: the store, the demo flag, and who is signed in in this browser.

Who is signed in is the database's answer for this browser's cookie (auth/sign_ins.py), asked
again on every page run: never something the Streamlit session remembers, since any websocket
that names a session's id resumes that session, state and all.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from typing import TypeVar
from unittest.mock import Mock

import streamlit as st
from streamlit import runtime
from streamlit.runtime.scriptrunner import get_script_run_ctx

from hrv_relax.auth.login import viewer_for
from hrv_relax.auth.sign_ins import (
    BROWSER_COOKIE,
    browser_digest,
    check_browser,
    is_browser_secret,
    new_browser_secret,
    sign_in_browser,
    sign_out_everywhere,
)
from hrv_relax.config import ENV_DEMO, idle_limit_s
from hrv_relax.dashboard.cookie_renewal import offer_renewal, renewal_script
from hrv_relax.dashboard.guards import connection_browser
from hrv_relax.dashboard.literal import literal
from hrv_relax.dashboard.shared import shared_store
from hrv_relax.demo.practice import DEMO_THERAPIST
from hrv_relax.errors import HrvRelaxError
from hrv_relax.records import Viewer
from hrv_relax.store import Store, find_user
from hrv_relax.store.accounts import demo_only
from hrv_relax.store.sign_ins import SIGNED_OUT
from hrv_relax.views.local_time import ClinicClock

NOTICE = "auth_notice"  # why the last sign-in ended, shown on the sign-in page
SIGN_IN_ID = "sign_in_id"  # the sign-in the page was last shown for (to check downloads)
RENEW_TICKET = "cookie_renewal"  # the one-time ticket for the new cookie after signing in
NO_BROWSER = "test_browser"  # AppTest only: stands in for the browser's cookie jar
#: How often an open page checks that its sign-in still holds (without counting as use).
SIGN_IN_WATCH = dt.timedelta(seconds=20)

Data = TypeVar("Data", str, bytes)


class DownloadRefusedError(HrvRelaxError):
    """A download asked for by a browser not signed in as the page was."""


def get_store() -> Store:
    """The store the dashboard was started with; on failure, explain and stop the page."""
    try:
        return shared_store()
    except HrvRelaxError as exc:
        st.error(
            f"The database cannot be opened: {literal(str(exc))}. "
            "Check HRV_RELAX_DB or --db and restart."
        )
        st.stop()
        raise  # unreachable: st.stop() ends the script run


def get_clock() -> ClinicClock:
    """The clinic's clock for this page run; a bad time-zone setting is explained, then stops."""
    try:
        return ClinicClock.for_store(get_store())
    except HrvRelaxError as exc:
        st.error(
            f"{literal(str(exc))}. Fix HRV_RELAX_TIMEZONE or the practice's time zone and reload."
        )
        st.stop()
        raise  # unreachable: st.stop() ends the script run


def is_demo() -> bool:
    """Started by `hrv-relax demo` on the demo database (every account and client a demo one)."""
    return os.environ.get(ENV_DEMO) == "1" and demo_only(get_store())


def browser_secret() -> str | None:
    """The browser cookie of the connection this page run answers (None: no browser)."""
    client = _client()
    if client is None:
        return None  # nobody connected: nobody to show anything to
    if not isinstance(client, Mock):
        return st.context.cookies.get(BROWSER_COOKIE)
    # AppTest runs pages on a mock runtime, with no browser: its session state is the jar.
    secret = st.session_state.setdefault(NO_BROWSER, new_browser_secret())
    assert isinstance(secret, str)
    return secret


def sign_in(viewer: Viewer) -> bool:
    """Sign this browser in as `viewer`; False if the browser keeps no cookie."""
    secret = browser_secret()
    if not is_browser_secret(secret):
        return False
    assert secret is not None
    sign_in_id = sign_in_browser(get_store(), viewer, secret)
    st.session_state[SIGN_IN_ID] = sign_in_id
    st.session_state.pop(NOTICE, None)
    if not isinstance(_client(), Mock):  # a real browser: it trades this cookie for a new one
        st.session_state[RENEW_TICKET] = offer_renewal(sign_in_id, browser_digest(secret))
    return True


def renew_cookie_once() -> None:
    """On the first page after signing in: the script that fetches the new browser cookie."""
    ticket = st.session_state.pop(RENEW_TICKET, None)
    if isinstance(ticket, str):
        query = {key: st.query_params.get_all(key) for key in st.query_params}
        st.html(renewal_script(ticket, query), unsafe_allow_javascript=True)


def sign_out(store: Store, viewer: Viewer, notice: str = "") -> None:
    """Sign the account out of every browser."""
    sign_out_everywhere(store, viewer)
    st.session_state.pop(SIGN_IN_ID, None)
    if notice:
        st.session_state[NOTICE] = notice


def current_viewer(*, active: bool = True) -> Viewer | None:
    """Who this browser is signed in as, or None.

    `active=False` (automatic refreshes) does not count as use: the idle limit runs on.
    """
    store = get_store()
    secret = browser_secret()
    found = check_browser(store, secret, idle_s=idle_limit_s(), active=active)
    if found.viewer is None and found.end_reason != SIGNED_OUT and is_demo():
        # The demo signs a browser in as the demo therapist, unless it signed out.
        demo = find_user(store, DEMO_THERAPIST)
        if demo is not None and demo.is_demo and sign_in(viewer_for(demo)):
            found = check_browser(store, secret, idle_s=idle_limit_s(), active=active)
    if found.viewer is None:
        st.session_state.pop(SIGN_IN_ID, None)
        if found.notice:
            st.session_state[NOTICE] = found.notice
        return None
    st.session_state[SIGN_IN_ID] = found.sign_in_id
    return found.viewer


@st.fragment(run_every=SIGN_IN_WATCH)
def watch_sign_in() -> None:
    """Take a page off the screen soon after its sign-in ends (idle, or signed out elsewhere)."""
    if current_viewer(active=False) is None:
        st.rerun(scope="app")


def require_viewer() -> Viewer:
    """The signed-in viewer; anyone else sees the sign-in request and nothing of the page."""
    viewer = current_viewer()
    if viewer is None:
        st.warning("Please sign in to see this page.")
        st.stop()
        raise AssertionError("unreachable: st.stop() ends the script run")
    return viewer


def guarded(make: Callable[[], Data]) -> Callable[[], Data]:
    """`make`, run only for the browser signed in as this page was, while it still is.

    Streamlit makes a download when a browser asks for it over its websocket, after the page
    ran, and would make it for any session that names the download's id.
    """
    expected = st.session_state.get(SIGN_IN_ID)

    def download() -> Data:
        # Runs for the websocket that asked (guards.py keeps its cookie), not a page run.
        secret = connection_browser.get()
        found = check_browser(shared_store(), secret, idle_s=idle_limit_s(), active=True)
        if expected is None or found.sign_in_id != expected:
            raise DownloadRefusedError(
                "this browser is not signed in as the page was: sign in again"
            )
        return make()

    return download


def _client() -> object:
    ctx = get_script_run_ctx()
    return runtime.get_instance().get_client(ctx.session_id) if ctx is not None else None
