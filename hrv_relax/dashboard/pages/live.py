"""Live session page: start or pick a session, read it at a glance, mark phases and techniques."""

from __future__ import annotations

import asyncio
import datetime as dt
import secrets
import time

import streamlit as st

from hrv_relax.capture.processes import start_recording
from hrv_relax.config import resolve_db_url
from hrv_relax.dashboard.charts.live import live_figure
from hrv_relax.dashboard.context import current_viewer, get_store, require_viewer
from hrv_relax.dashboard.tiles import Tile, live_tiles
from hrv_relax.errors import HrvRelaxError
from hrv_relax.store import SessionRecord
from hrv_relax.store.access import (
    client_for_recording,
    mark_session,
    stop_session,
    visible_clients,
    visible_sessions,
)
from hrv_relax.store.schema import PHASES
from hrv_relax.views.alerts import AlertInputs, AlertTracker, arousal_change
from hrv_relax.views.live import LiveView, live_view
from hrv_relax.vocabulary import MARKER_GROUPS

REFRESH = dt.timedelta(seconds=1)
RECENT_SESSIONS = 10
NEW_CLIENT = "➕ New client…"
SIMULATED = "Simulated strap (demo)"
SCAN_TIMEOUT_S = 4.0

store = get_store()
viewer = require_viewer()
st.markdown(
    """<style>
    .st-key-main_tiles [data-testid="stMetricValue"] { font-size: 2.8rem; line-height: 1.1; }
    .st-key-main_tiles [data-testid="stMetricLabel"] p { font-size: 1.1rem; }
    .st-key-status_tiles [data-testid="stMetricValue"] { font-size: 1.5rem; }
    </style>""",
    unsafe_allow_html=True,
)
st.title("Live session")


def _start_panel(expanded: bool) -> None:
    with st.expander("Start a session", expanded=expanded, icon=":material/play_circle:"):
        names = [c.name for c in visible_clients(store, viewer)]
        pick = st.selectbox("Client", [*names, NEW_CLIENT], key="start_client")
        new_name = ""
        if pick == NEW_CLIENT:
            new_name = st.text_input("New client's name", max_chars=200, key="start_new_client")
        found = st.session_state.get("straps_found", [])
        strap_options = [SIMULATED, *(s.address for s in found)]
        labels = {s.address: s.describe() for s in found}
        strap = st.radio(
            "Strap", strap_options, format_func=lambda a: labels.get(a, a), key="start_strap"
        )
        scan_col, start_col = st.columns(2)
        if scan_col.button("Scan for straps", icon=":material/bluetooth_searching:"):
            _scan()
        if start_col.button("Start", type="primary", icon=":material/play_arrow:"):
            _start(pick if pick != NEW_CLIENT else new_name, None if strap == SIMULATED else strap)


def _scan() -> None:
    # Bluetooth code loads only when asked for: the page works wherever bleak's backend is absent.
    from hrv_relax.capture.ble import scan  # noqa: PLC0415

    try:
        with st.spinner("Looking for heart-rate straps…"):
            st.session_state["straps_found"] = asyncio.run(scan(timeout_s=SCAN_TIMEOUT_S))
    except HrvRelaxError as exc:
        st.warning(f"{exc}. The simulated strap is always available.")
        return
    if not st.session_state["straps_found"]:
        st.info("No strap found. Is it worn, moistened, and not connected to a phone?")
    st.rerun()


def _start(client: str, device: str | None) -> None:
    try:
        name = client_for_recording(store, viewer, client).name
        with st.spinner("Starting the recorder…"):
            started = start_recording(
                resolve_db_url(),
                client=name,
                device=device,
                # Each simulated strap is its own (a strap records one session at a time).
                seed=secrets.randbelow(2**31) if device is None else None,
                auto_phases=False,
            )
    except HrvRelaxError as exc:
        st.error(f"Could not start: {exc}")
        return
    st.session_state["live_session"] = started.session_id
    st.toast(f"Recording session {started.session_id} for {name}")
    st.rerun()


recording = visible_sessions(store, viewer, statuses=("recording",))
_start_panel(expanded=not recording)
recent = [
    s for s in visible_sessions(store, viewer, limit=RECENT_SESSIONS) if s.status != "recording"
]
sessions: dict[int, SessionRecord] = {s.id: s for s in recording + recent}
if not sessions:
    st.info(
        "No session yet. Start one above, or with `hrv-relax record --simulate` "
        "(or `--device ADDRESS` for a strap)."
    )
    st.stop()
if st.session_state.get("live_session") not in sessions:
    st.session_state["live_session"] = next(iter(sessions))


def _label(session_id: int) -> str:
    s = sessions[session_id]
    state = "● recording" if s.status == "recording" else s.status
    return f"#{s.id} · {s.client_name} · {s.started_at:%H:%M} UTC · {state}"


viewing_col, stop_col = st.columns([4, 1], vertical_alignment="bottom")
session_id = viewing_col.selectbox(
    f"Viewing ({len(recording)} recording now)",
    list(sessions),
    format_func=_label,
    key="live_session",
)
viewing = sessions[session_id]
if viewing.status == "recording" and stop_col.button(
    "Stop", icon=":material/stop_circle:", width="stretch", key="stop_session"
):
    try:
        stop_session(store, viewer, session_id)
        st.toast(f"Stopping session {session_id}…")
    except HrvRelaxError as exc:
        st.error(str(exc))


def _alerts(view: LiveView) -> None:
    tracker: AlertTracker = st.session_state.setdefault(f"alerts_{session_id}", AlertTracker())
    hr_rise, ln_drop = arousal_change(view.rolling)
    active = tracker.update(
        AlertInputs(
            now_s=time.monotonic(),
            recording=view.recording,
            link=view.link,
            contact=view.status.contact if view.status else None,
            battery_pct=view.status.battery_pct if view.status else None,
            # A handful of beats in the first minute make a meaningless percentage.
            artifact_pct=view.reading.artifact_pct if view.window_full else 0.0,
            in_massage=view.current_phase == "massage",
            hr_rise_bpm=hr_rise,
            ln_rmssd_drop=ln_drop,
        )
    )
    for alert in active:
        icon = ":material/warning:" if alert.severity == "warning" else ":material/info:"
        st.warning(f"**{alert.title}.** {alert.advice}", icon=icon)


def _tiles(tiles: tuple[Tile, ...], weights: list[float]) -> None:
    for col, tile in zip(st.columns(weights), tiles, strict=False):
        col.metric(
            tile.label,
            tile.value,
            tile.delta,
            help=tile.help,
            delta_color="off",
            delta_arrow="off",
            border=True,
        )
        if tile.note:
            col.caption(tile.note)


@st.fragment(run_every=REFRESH)
def live_panel() -> None:
    # Automatic refreshes do not count as activity, but end with the sign-in.
    if current_viewer(active=False) is None:
        st.rerun(scope="app")
    try:
        view = live_view(store, viewer, session_id)
    except HrvRelaxError as exc:
        st.error(f"Cannot read this session: {exc}")
        return
    if view.session.status != viewing.status:
        st.rerun(scope="app")  # the session ended (or revived): refresh the whole page
    _alerts(view)
    main, status = live_tiles(view)
    with st.container(key="main_tiles"):
        _tiles(main, weights=[1, 1, 1.4])
    with st.container(key="status_tiles"):
        _tiles(status, weights=[1, 1, 1.4])
    st.plotly_chart(live_figure(view), width="stretch", key="live_chart")


live_panel()


def _mark(kind: str, value: str) -> None:
    try:
        mark_session(store, viewer, session_id, kind, value)
        st.toast(f"Marked {value}")
    except HrvRelaxError as exc:
        st.error(str(exc))


if viewing.status == "recording":
    st.subheader("Mark")
    phase_cols = st.columns(len(PHASES))
    for col, phase in zip(phase_cols, PHASES, strict=True):
        if col.button(phase.capitalize(), key=f"phase_{phase}", width="stretch", type="primary"):
            _mark("phase", phase)
    for kind, title, values in MARKER_GROUPS:
        st.caption(title)
        cols = st.columns(len(values))
        for col, value in zip(cols, values, strict=True):
            if col.button(value, key=f"{kind}_{value}", width="stretch"):
                _mark(kind, value)
    with st.form("note", clear_on_submit=True, border=False):
        note = st.text_input(
            "Note",
            max_chars=500,
            placeholder="e.g. client asked for less pressure",
            key="note_text",
        )
        if st.form_submit_button("Add note"):
            _mark("note", note)
