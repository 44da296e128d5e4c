"""The dashboard's web server: Streamlit's own, with hrv-relax's guards in front.

`hrv-relax dashboard` runs `streamlit run` on this file; Streamlit finds `app` (an `st.App`)
and serves it. The modules every page needs are imported here, once, before the server takes
its first request: imported for the first time by several sign-ins at once, right after a
start, a module such as pandas can be seen half-initialised by another thread.
"""

from __future__ import annotations

import logging
from pathlib import Path

import streamlit as st
from starlette.middleware import Middleware

from hrv_relax.dashboard import preload
from hrv_relax.dashboard.guards import DashboardGuard

log = logging.getLogger(__name__)
preload.import_page_modules()


def on_script_error(exc: Exception) -> bool:
    """Log an error a page did not handle; the page says so without a traceback."""
    log.error("a dashboard page failed", exc_info=exc)
    st.error(
        "Something went wrong on this page (it was logged on the computer running the "
        "dashboard). Reload the page, or choose another."
    )
    return True  # no traceback, no server paths on the page


app = st.App(
    Path(__file__).with_name("app.py"),
    middleware=[Middleware(DashboardGuard)],
    on_script_error=on_script_error,
)
