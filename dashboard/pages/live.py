"""Live session page: heart rate and RMSSD at a glance, refreshed every second."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from hrv_relax.dashboard.charts import live_figure
from hrv_relax.dashboard.context import get_store
from hrv_relax.dashboard.tiles import heart_rate_tile, phase_tile, rmssd_tile, signal_tile
from hrv_relax.errors import HrvRelaxError
from hrv_relax.live_view import live_view
from hrv_relax.store import add_marker, list_sessions
from hrv_relax.store.schema import PHASES

REFRESH = dt.timedelta(seconds=1)
RECENT_SESSIONS = 10

store = get_store()
st.title("Live session")

recording = list_sessions(store, statuses=("recording",))
recent = [s for s in list_sessions(store, limit=RECENT_SESSIONS) if s.status != "recording"]
choices = recording + recent
if not choices:
    st.info(
        "No session yet. Start one with `hrv-relax record --simulate` "
        "(or `--device ADDRESS` with a strap) and it appears here."
    )
    st.stop()


def _label(index: int) -> str:
    s = choices[index]
    state = "● recording" if s.status == "recording" else s.status
    return f"#{s.id} · {s.client_name} · {s.started_at:%Y-%m-%d %H:%M} UTC · {state}"


picked = st.selectbox("Session", range(len(choices)), format_func=_label, key="live_session")
session_id = choices[picked].id
if not recording:
    st.caption("No session is recording now; showing a finished one.")


@st.fragment(run_every=REFRESH)
def live_panel() -> None:
    try:
        view = live_view(store, session_id)
    except HrvRelaxError as exc:
        st.error(f"Cannot read this session: {exc}")
        return
    cols = st.columns(4)
    for col, tile in zip(
        cols,
        (heart_rate_tile(view), rmssd_tile(view), phase_tile(view), signal_tile(view)),
        strict=True,
    ):
        col.metric(
            tile.label, tile.value, tile.delta, help=tile.help, delta_color="off", delta_arrow="off"
        )
        if tile.note:
            col.caption(tile.note)
    st.plotly_chart(live_figure(view), width="stretch", key="live_chart")


live_panel()

if choices[picked].status == "recording":
    st.subheader("Mark")
    phase_cols = st.columns(len(PHASES) + 1)
    for col, phase in zip(phase_cols, PHASES, strict=False):
        if col.button(phase.capitalize(), key=f"phase_{phase}", width="stretch"):
            try:
                add_marker(store, session_id, "phase", phase)
                st.toast(f"{phase.capitalize()} started")
            except HrvRelaxError as exc:
                st.error(str(exc))
    with st.form("note", clear_on_submit=True, border=False):
        note = st.text_input(
            "Note", max_chars=500, placeholder="e.g. client asked for less pressure"
        )
        if st.form_submit_button("Add note"):
            try:
                add_marker(store, session_id, "note", note)
                st.toast("Note added")
            except HrvRelaxError as exc:
                st.error(str(exc))
