"""The one store of a dashboard process, shared by its pages and its web guards.

Module state, not `st.cache_resource`: any websocket client can clear Streamlit's caches with
one `BackMsg(clear_cache=True)`, so nothing a sign-in depends on may live there. The lock makes
concurrent first page runs open one engine, not several.
"""

from __future__ import annotations

import threading

from hrv_relax.config import resolve_db_url
from hrv_relax.store import Store, open_store

_LOCK = threading.Lock()
_STORES: dict[str, Store] = {}


def shared_store() -> Store:
    """The store the dashboard was started with (HRV_RELAX_DB), opened once per process."""
    url = resolve_db_url()
    with _LOCK:
        store = _STORES.get(url)
        if store is None:
            # One engine with its pool per process; connections are never shared across threads.
            store = _STORES[url] = open_store(url)
        return store
