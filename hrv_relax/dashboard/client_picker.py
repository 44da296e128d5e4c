"""The client picker of the pages that file a session (start one, import one): a client the
signed-in user sees, or a new client by name."""

from __future__ import annotations

from typing import Final

import streamlit as st

from hrv_relax.records import Viewer
from hrv_relax.store import Store
from hrv_relax.store.access import visible_clients
from hrv_relax.store.people import MAX_NAME_LENGTH
from hrv_relax.views.client_choice import client_labels, client_reference

# Plain text: an emoji here showed as a missing-glyph box where no emoji font is installed.
NEW_CLIENT: Final = "+ New client…"


def pick_client(store: Store, viewer: Viewer, key: str) -> str:
    """The chosen client as the store takes it: `#N` for one picked, the name typed for a new
    one ("" until a name is typed). Its widgets are keyed `KEY_client` and `KEY_new_client`."""
    labels = client_labels(store, visible_clients(store, viewer))
    pick = st.selectbox(
        "Client",
        [*labels, NEW_CLIENT],
        format_func=lambda c: labels.get(c, NEW_CLIENT),
        key=f"{key}_client",
    )
    if isinstance(pick, int):
        return client_reference(pick)
    return st.text_input("New client's name", max_chars=MAX_NAME_LENGTH, key=f"{key}_new_client")
