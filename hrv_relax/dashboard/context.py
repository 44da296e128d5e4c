"""What every page shares: the store (one engine per server process), the demo flag, and who is
signed in (from a server-signed ticket, re-read from the database on every page run)."""

from __future__ import annotations

import os
import time

import streamlit as st

from hrv_relax.auth.login import refresh_viewer, viewer_for
from hrv_relax.auth.tickets import Ticket, is_expired, is_genuine, issue, new_key, touch
from hrv_relax.config import ENV_DEMO, resolve_db_url
from hrv_relax.demo.practice import DEMO_THERAPIST
from hrv_relax.errors import HrvRelaxError
from hrv_relax.records import Viewer
from hrv_relax.store import Store, find_user, open_store
from hrv_relax.store.accounts import demo_only
from hrv_relax.store.audit import audit_as
from hrv_relax.views.local_time import ClinicClock

TICKET = "auth_ticket"
NOTICE = "auth_notice"  # why the last session ended, shown on the sign-in page
DEMO_SIGNED_OUT = "demo_signed_out"


@st.cache_resource(show_spinner=False)
def _open(url: str) -> Store:
    # One engine with its pool per server process; connections are never shared across threads.
    return open_store(url)


@st.cache_resource(show_spinner=False)
def _ticket_key() -> bytes:
    # Lives only in this server process: a restart signs everyone out.
    return new_key()


def get_store() -> Store:
    """The store the dashboard was started with; on failure, explain and stop the page."""
    url = resolve_db_url()
    try:
        return _open(url)
    except HrvRelaxError as exc:
        st.error(f"The database cannot be opened: {exc}. Check HRV_RELAX_DB or --db and restart.")
        st.stop()
        raise  # unreachable: st.stop() ends the script run


def get_clock() -> ClinicClock:
    """The clinic's clock for this page run; a bad time-zone setting is explained, then stops."""
    try:
        return ClinicClock.for_store(get_store())
    except HrvRelaxError as exc:
        st.error(f"{exc}. Fix HRV_RELAX_TIMEZONE or the practice's time zone and reload.")
        st.stop()
        raise  # unreachable: st.stop() ends the script run


def is_demo() -> bool:
    """Started by `hrv-relax demo` on the demo database (every account in it a demo account)."""
    return os.environ.get(ENV_DEMO) == "1" and demo_only(get_store())


def sign_in(viewer: Viewer) -> None:
    assert viewer.user_id is not None
    st.session_state[TICKET] = issue(_ticket_key(), viewer.user_id, time.time())
    st.session_state.pop(NOTICE, None)
    st.session_state.pop(DEMO_SIGNED_OUT, None)


def sign_out(store: Store, viewer: Viewer | None, notice: str = "") -> None:
    st.session_state.pop(TICKET, None)
    if notice:
        st.session_state[NOTICE] = notice
    if is_demo():
        st.session_state[DEMO_SIGNED_OUT] = True
    if viewer is not None:
        audit_as(store, viewer, "logout")


def current_viewer(*, active: bool = True) -> Viewer | None:
    """Who is signed in, or None. `active=False` (automatic refreshes) does not count as use."""
    store = get_store()
    if TICKET not in st.session_state and is_demo() and not st.session_state.get(DEMO_SIGNED_OUT):
        demo = find_user(store, DEMO_THERAPIST)
        if demo is not None and demo.is_demo:
            sign_in(viewer_for(demo))
    ticket = st.session_state.get(TICKET)
    if ticket is None:
        return None
    now = time.time()
    if not is_genuine(_ticket_key(), ticket):
        st.session_state.pop(TICKET, None)
        st.session_state[NOTICE] = "Please sign in."
        return None
    assert isinstance(ticket, Ticket)
    viewer = refresh_viewer(store, ticket.user_id)
    if viewer is None:
        sign_out(store, None, "Your account is not active any more. Ask an admin.")
        return None
    if is_expired(ticket, now):
        sign_out(store, viewer, "You were signed out after a while without activity.")
        return None
    if active:
        st.session_state[TICKET] = touch(ticket, now)
    return viewer


def require_viewer() -> Viewer:
    """The signed-in viewer; anyone else sees the sign-in request and nothing of the page."""
    viewer = current_viewer()
    if viewer is None:
        st.warning("Please sign in to see this page.")
        st.stop()
        raise AssertionError("unreachable: st.stop() ends the script run")
    return viewer
