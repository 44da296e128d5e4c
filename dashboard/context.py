"""What every page shares: the store (one engine per server process) and the demo banner."""

from __future__ import annotations

import os

import streamlit as st

from hrv_relax.config import ENV_DEMO, resolve_db_url
from hrv_relax.errors import HrvRelaxError
from hrv_relax.store import Store, open_store


@st.cache_resource(show_spinner=False)
def _open(url: str) -> Store:
    # One engine with its pool per server process; connections are never shared across threads.
    return open_store(url)


def get_store() -> Store:
    """The store the dashboard was started with; on failure, explain and stop the page."""
    url = resolve_db_url()
    try:
        return _open(url)
    except HrvRelaxError as exc:
        st.error(f"The database cannot be opened: {exc}. Check HRV_RELAX_DB or --db and restart.")
        st.stop()
        raise  # unreachable: st.stop() ends the script run


def is_demo() -> bool:
    return os.environ.get(ENV_DEMO) == "1"
