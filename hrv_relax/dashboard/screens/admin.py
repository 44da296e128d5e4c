"""Accounts and privacy (admins): the practice, users, client logins, sharing, client deletion,
audit log."""

from __future__ import annotations

import os
from zoneinfo import available_timezones

import pandas as pd
import streamlit as st

from hrv_relax.auth.passwords import hash_password
from hrv_relax.config import ENV_TIMEZONE
from hrv_relax.dashboard.context import get_clock, get_store, require_viewer
from hrv_relax.dashboard.literal import literal
from hrv_relax.errors import HrvRelaxError
from hrv_relax.store.access import visible_clients
from hrv_relax.store.accounts import (
    assign_therapist,
    create_user,
    delete_client,
    list_users,
    set_active,
    set_clinic_name,
    set_password_hash,
    set_therapists_share,
    set_time_zone,
    therapists_share,
)
from hrv_relax.store.audit import recent_audit
from hrv_relax.store.schema import ROLES
from hrv_relax.store.settings import TIME_ZONE, clinic_name, get_setting
from hrv_relax.views.client_choice import client_labels, client_reference
from hrv_relax.vocabulary import Role

store = get_store()
viewer = require_viewer()
st.title("Accounts and privacy")
if not viewer.is_admin:
    st.error("This page is for admins.")
    st.stop()


def _done(message: str) -> None:
    st.toast(message)
    st.rerun()


users = list_users(store, viewer)
clients = visible_clients(store, viewer)
labels = client_labels(store, clients)

st.markdown("#### The practice")
SERVER_ZONE = "This computer's time zone"
with st.form("practice"):
    c1, c2 = st.columns(2)
    name_typed = c1.text_input(
        "Clinic name (printed on reports)", value=clinic_name(store), max_chars=120
    )
    zones = [SERVER_ZONE, *sorted(available_timezones())]
    stored_zone = get_setting(store, TIME_ZONE)
    zone_choice = c2.selectbox(
        "Time zone (for every time shown)",
        zones,
        index=zones.index(stored_zone) if stored_zone in zones else 0,
    )
    if os.environ.get(ENV_TIMEZONE, "").strip():
        st.caption(f"{ENV_TIMEZONE} is set on the server and wins over this choice.")
    if st.form_submit_button("Save"):
        try:
            set_clinic_name(store, viewer, name_typed)
            set_time_zone(store, viewer, "" if zone_choice == SERVER_ZONE else zone_choice)
        except HrvRelaxError as exc:
            st.error(f"Not saved: {literal(str(exc))}.")
        else:
            _done("Practice settings saved")
st.markdown("#### Users")
st.dataframe(
    pd.DataFrame(
        {
            "User": [u.username for u in users],
            "Name": [u.display_name for u in users],
            "Role": [u.role for u in users],
            "State": ["active" if u.active else "disabled" for u in users],
        }
    ),
    hide_index=True,
)

add_col, change_col = st.columns(2)
with add_col, st.form("add_user", clear_on_submit=True):
    st.markdown("**Add a user**")
    username = st.text_input("User name", max_chars=64)
    display = st.text_input("Display name", max_chars=200)
    role = st.selectbox("Role", ROLES, index=1)
    linked = st.selectbox(
        "Client record (role client)",
        [None, *(c.id for c in clients if c.user_id is None)],
        format_func=lambda i: "—" if i is None else labels[i],
    )
    password = st.text_input("Password", type="password", max_chars=1024)
    if st.form_submit_button("Add user"):
        try:
            create_user(
                store,
                viewer,
                username,
                role=role,
                password_hash=hash_password(password, username=username),
                display_name=display,
                client_name=None if linked is None else client_reference(linked),
            )
        except HrvRelaxError as exc:
            st.error(f"Not added: {literal(str(exc))}.")
        else:
            _done(f"Added {username}")

with change_col, st.form("change_user"):
    st.markdown("**Change a user**")
    who = st.selectbox("User", [u.username for u in users])
    new_password = st.text_input("New password (to reset it)", type="password", max_chars=1024)
    b1, b2, b3 = st.columns(3)
    disable = b1.form_submit_button("Disable")
    enable = b2.form_submit_button("Enable")
    reset = b3.form_submit_button("Reset password")
    try:
        if (disable or enable) and who:
            set_active(store, viewer, who, enable)
            _done(f"{who} {'enabled' if enable else 'disabled'}")
        if reset and who:
            set_password_hash(store, viewer, who, hash_password(new_password, username=who))
            _done(f"New password set for {who}")
    except HrvRelaxError as exc:
        st.error(f"Not changed: {literal(str(exc))}.")

st.markdown("#### Clients")
share = st.toggle(
    "Therapists share clients (every therapist sees every client)",
    value=therapists_share(store),
    key="share_clients",
)
if share != therapists_share(store):
    set_therapists_share(store, viewer, share)
    _done("Sharing " + ("on" if share else "off"))
therapists = [u.username for u in users if u.role == Role.THERAPIST and u.active]
with st.form("assign"):
    c1, c2 = st.columns(2)
    assigned = c1.selectbox("Client", list(labels), format_func=labels.__getitem__)
    therapist = c2.selectbox("Therapist", therapists)
    if st.form_submit_button("Assign") and assigned is not None and therapist:
        try:
            assign_therapist(store, viewer, client_reference(assigned), therapist)
        except HrvRelaxError as exc:
            st.error(f"Not assigned: {literal(str(exc))}.")
        else:
            _done(f"{literal(therapist)} is now the therapist of {literal(labels[assigned])}")

st.markdown("#### Delete a client and all their data")
st.caption(
    "Deletes every session, heartbeat, marker and summary of the client, and their login. "
    "Irreversible (backups keep copies until they expire). Export their data first if they "
    "asked for it."
)
with st.form("delete_client"):
    doomed = st.selectbox(
        "Client to delete", list(labels), format_func=labels.__getitem__, index=None
    )
    typed = st.text_input("Type the client's name to confirm", max_chars=200)
    if st.form_submit_button("Delete for good", type="primary"):
        target = next((c for c in clients if c.id == doomed), None)
        if target is None or typed.strip() != target.name:
            st.error("Nothing was deleted: choose the client and type their name exactly.")
        else:
            try:
                gone = delete_client(store, viewer, target.id)
            except HrvRelaxError as exc:
                st.error(f"Nothing was deleted: {literal(str(exc))}.")
            else:
                _done(f"Deleted {gone.name}: {gone.n_sessions} sessions, {gone.n_beats:,} beats")

st.markdown("#### Audit log")
entries = recent_audit(store, limit=200)
clock = get_clock()
st.dataframe(
    pd.DataFrame(
        {
            f"When ({clock.name})": [clock.when_seconds(e.at) for e in entries],
            "Who": [e.username for e in entries],
            "What": [e.action for e in entries],
            "Target": [e.target for e in entries],
            "Detail": [e.detail for e in entries],
        }
    ),
    hide_index=True,
)
