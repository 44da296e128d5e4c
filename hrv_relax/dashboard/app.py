"""hrv-relax dashboard entry point: sign-in, navigation by role, and the shared sidebar."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from hrv_relax import __version__
from hrv_relax.dashboard.context import (
    current_viewer,
    get_store,
    is_demo,
    renew_cookie_once,
    sign_out,
    watch_sign_in,
)
from hrv_relax.dashboard.literal import literal
from hrv_relax.dashboard.signin import sign_in_page
from hrv_relax.dashboard.style import SHARED_CSS
from hrv_relax.vocabulary import Role

HERE = Path(__file__).parent
# The address of every page: while signed out, each of them opens the sign-in page.
STAFF_PAGES = ("sessions", "review", "history", "import", "admin")


def _page(name: str, title: str, icon: str, *, default: bool = False) -> st.Page:
    if default:
        return st.Page(str(HERE / "screens" / f"{name}.py"), title=title, icon=icon, default=True)
    url = "import" if name == "import_recording" else name
    return st.Page(str(HERE / "screens" / f"{name}.py"), title=title, icon=icon, url_path=url)


# The favicon is served from this machine (a material icon would be fetched from a font host).
# The sidebar starts collapsed: the pages are in the top bar (on a phone, in the sidebar), and
# an open sidebar would squeeze a tablet's tiles ("auto" only collapses under 768 px).
st.set_page_config(
    page_title="hrv-relax",
    page_icon=str(HERE / "assets" / "favicon.png"),
    layout="wide",
    initial_sidebar_state="collapsed",
)
st.html(SHARED_CSS)

store = get_store()
viewer = current_viewer()
if viewer is None:
    # Every address (a bookmark, a shared review?session=N link) opens the sign-in page, and
    # after signing in the page asked for, if the account may see it: nothing before.
    pages = [
        st.Page(sign_in_page, title="Sign in", url_path=name, default=i == 0)
        for i, name in enumerate(("login", *STAFF_PAGES))
    ]
    navigation = st.navigation(pages, position="hidden")
else:
    if viewer.role == Role.CLIENT:
        pages = [
            _page("history", "Your history", ":material/timeline:", default=True),
            _page("sessions", "Your sessions", ":material/history:"),
            _page("review", "Session review", ":material/insights:"),
        ]
    else:
        pages = [
            _page("live", "Live session", ":material/monitor_heart:", default=True),
            _page("sessions", "Sessions", ":material/history:"),
            _page("review", "Session review", ":material/insights:"),
            _page("history", "Client history", ":material/timeline:"),
            _page("import_recording", "Import", ":material/upload_file:"),
        ]
        if viewer.is_admin:
            pages.append(_page("admin", "Accounts and privacy", ":material/admin_panel_settings:"))
    navigation = st.navigation(pages, position="top")
    renew_cookie_once()

with st.sidebar:
    st.markdown("### hrv-relax")
    st.caption("Heart-rate variability for massage therapy")
    if is_demo():
        st.info(
            "**Demo practice.** Simulated clients and strap; signed in as the demo therapist "
            "unless you sign out and in as another demo account."
        )
    if viewer is not None:
        # A client knows she is a client; staff see their role (admin, therapist, reception).
        role = "" if viewer.role == Role.CLIENT else f" ({viewer.role})"
        st.caption(f"Signed in as **{literal(viewer.label)}**{role}")
        watch_sign_in()
        if st.button("Sign out", icon=":material/logout:", key="sign_out"):
            sign_out(store, viewer, "You signed out (in every browser).")
            st.rerun()
    st.caption(f"v{__version__} · data: {'demo database' if is_demo() else 'this clinic'}")

if is_demo():
    st.caption(":material/science: DEMO — simulated data, not a real client")

# Each page its own tab title (a browser's tab list and a screen reader tell them apart).
st.set_page_config(page_title=f"{navigation.title} · hrv-relax")
navigation.run()
