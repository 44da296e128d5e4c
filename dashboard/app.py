"""hrv-relax dashboard entry point: page set-up, navigation and the shared sidebar."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from hrv_relax import __version__
from hrv_relax.dashboard.context import get_store, is_demo

HERE = Path(__file__).parent

st.set_page_config(
    page_title="hrv-relax",
    page_icon=":material/favorite:",
    layout="wide",
    initial_sidebar_state="expanded",
)

pages = [
    st.Page(
        str(HERE / "views" / "live.py"),
        title="Live session",
        icon=":material/monitor_heart:",
        default=True,
    ),
    st.Page(
        str(HERE / "views" / "sessions.py"),
        title="Sessions",
        icon=":material/history:",
        url_path="sessions",
    ),
    st.Page(
        str(HERE / "views" / "review.py"),
        title="Session review",
        icon=":material/insights:",
        url_path="review",
    ),
    st.Page(
        str(HERE / "views" / "history.py"),
        title="Client history",
        icon=":material/timeline:",
        url_path="history",
    ),
    st.Page(
        str(HERE / "views" / "import_recording.py"),
        title="Import",
        icon=":material/upload_file:",
        url_path="import",
    ),
]
navigation = st.navigation(pages)

store = get_store()
with st.sidebar:
    st.markdown("### hrv-relax")
    st.caption("Heart-rate variability for massage therapy")
    if is_demo():
        st.info("**Demo practice.** Simulated clients and strap; signed in as the demo therapist.")
    st.caption(f"v{__version__} · data: {'demo database' if is_demo() else 'this clinic'}")

if is_demo():
    st.caption(":material/science: DEMO — simulated data, not a real client")

navigation.run()
