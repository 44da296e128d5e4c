"""Sessions page: the signed-in user's sessions, newest first, filterable by client."""

from __future__ import annotations

import streamlit as st

from hrv_relax.dashboard.context import get_clock, get_store, require_viewer
from hrv_relax.dashboard.tables import sessions_table
from hrv_relax.store.access import visible_clients, visible_sessions
from hrv_relax.views.client_choice import client_labels
from hrv_relax.vocabulary import Role

store = get_store()
viewer = require_viewer()
st.title("Your sessions" if viewer.role == Role.CLIENT else "Sessions")

labels = client_labels(store, visible_clients(store, viewer))
client_id: int | None = None
if len(labels) > 1:
    client_id = st.selectbox(
        "Client", [None, *labels], format_func=lambda i: "All clients" if i is None else labels[i]
    )
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
