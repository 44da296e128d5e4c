"""Sign in. Every failure reads the same, and repeated failures lock the name for a while."""

from __future__ import annotations

import streamlit as st

from hrv_relax.auth.login import authenticate
from hrv_relax.dashboard.context import NOTICE, get_store, sign_in
from hrv_relax.errors import HrvRelaxError, LoginError
from hrv_relax.store.accounts import MAX_USERNAME, count_users


def _client_address() -> str:
    """Where the browser connects from, for the per-client throttle ("local": this computer)."""
    address = st.context.ip_address  # None for this computer; not a str under AppTest
    return address if isinstance(address, str) and address else "local"


def sign_in_page() -> None:
    """The only page anyone signed out can see, whatever address they asked for."""
    store = get_store()
    st.title("Sign in")
    notice = st.session_state.get(NOTICE)
    if notice:
        st.info(notice)
    if count_users(store) == 0:
        st.info(
            "No accounts yet. On the computer holding the database, create the first admin with "
            "`hrv-relax users add --role admin NAME`, then sign in here."
        )

    with st.form("sign_in", border=True, clear_on_submit=True):
        username = st.text_input("User name", max_chars=MAX_USERNAME, key="login_username")
        password = st.text_input("Password", type="password", max_chars=1024, key="login_password")
        submitted = st.form_submit_button("Sign in", type="primary", icon=":material/login:")

    if submitted:
        try:
            with st.spinner("Checking…"):
                viewer = authenticate(store, username, password, client=_client_address())
        except LoginError as exc:
            st.error(str(exc))
        except HrvRelaxError:
            st.error(
                "Signing in is not possible right now (the database cannot be reached). Try again."
            )
        else:
            if sign_in(viewer):
                st.rerun()
            st.error(
                "This browser keeps no cookie for this address, and signing in needs one. "
                "Allow cookies for it, then reload the page."
            )
