"""Sessions page: every recorded session, newest first, filterable by client."""

from __future__ import annotations

import streamlit as st

from hrv_relax.dashboard.context import get_store
from hrv_relax.dashboard.tables import sessions_table
from hrv_relax.store import list_clients, list_sessions

store = get_store()
st.title("Sessions")

clients = list_clients(store)
names = ["All clients", *(c.name for c in clients)]
choice = st.selectbox("Client", names, index=0)
client_id = None if choice == names[0] else next(c.id for c in clients if c.name == choice)
rows = list_sessions(store, client_id=client_id)

if not rows:
    st.info("No sessions yet. Start one from the live page, or run `hrv-relax record --simulate`.")
else:
    st.caption(f"{len(rows)} session(s). Times are shown in UTC.")
    st.dataframe(sessions_table(rows), hide_index=True, width="stretch")
