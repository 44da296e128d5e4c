"""Sessions page: the signed-in user's sessions, newest first, filterable by client."""

from __future__ import annotations

import streamlit as st

from hrv_relax.dashboard.context import get_clock, get_store, require_viewer
from hrv_relax.dashboard.tables import sessions_table
from hrv_relax.store.access import visible_clients, visible_sessions
from hrv_relax.vocabulary import Role

store = get_store()
viewer = require_viewer()
st.title("Your sessions" if viewer.role == Role.CLIENT else "Sessions")

clients = visible_clients(store, viewer)
names = ["All clients", *(c.name for c in clients)]
choice = st.selectbox("Client", names, index=0) if len(clients) > 1 else names[0]
client_id = None if choice == names[0] else next(c.id for c in clients if c.name == choice)
rows = visible_sessions(store, viewer, client_id=client_id)

if not rows:
    st.info(
        "No sessions yet. Start one from the live page, or run "
        "`hrv-relax record --device ADDRESS --client NAME`."
    )
else:
    clock = get_clock()
    st.caption(f"{len(rows)} session(s). Times are in {clock.name}.")
    st.dataframe(sessions_table(rows, clock), hide_index=True, width="stretch")
