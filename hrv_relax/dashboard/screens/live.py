"""Live session page: start or pick a session, read it at a glance, mark phases and techniques."""

from __future__ import annotations

import asyncio
import datetime as dt
import html
import math
import secrets
import time

import streamlit as st

from hrv_relax.capture.processes import start_recording
from hrv_relax.config import resolve_db_url
from hrv_relax.dashboard.charts.live import live_figure
from hrv_relax.dashboard.charts.ready import ready_figure
from hrv_relax.dashboard.client_picker import pick_client
from hrv_relax.dashboard.context import (
    current_viewer,
    get_clock,
    get_store,
    is_demo,
    require_viewer,
)
from hrv_relax.dashboard.literal import literal
from hrv_relax.dashboard.style import GLANCE_CSS, LIVE_CSS
from hrv_relax.dashboard.tiles import (
    NO_VALUE,
    Tile,
    current_choices,
    live_tiles,
    status_word,
)
from hrv_relax.errors import HrvRelaxError
from hrv_relax.store import SessionRecord
from hrv_relax.store.access import (
    client_for_recording,
    mark_session,
    stop_session,
    unmark_session,
    visible_sessions,
)
from hrv_relax.store.markers import UNDO_MARKER_S
from hrv_relax.store.schema import PHASES
from hrv_relax.views.alerts import AlertInputs, AlertTracker, arousal_change
from hrv_relax.views.live import LiveFeed, LiveView
from hrv_relax.vocabulary import MARKER_GROUPS

REFRESH = dt.timedelta(seconds=1)
RECENT_SESSIONS = 10
SIMULATED = "Simulated strap (test beats, not a reading)"
SCAN_TIMEOUT_S = 4.0
LIVE_FEED = "live_feed"  # the viewed session's beats and analysis, kept between refreshes

store = get_store()
viewer = require_viewer()
glance = bool(st.session_state.get("glance"))
st.html(GLANCE_CSS if glance else LIVE_CSS)


def _start_panel(expanded: bool) -> None:
    with st.expander("Start a session", expanded=expanded, icon=":material/play_circle:"):
        client = pick_client(store, viewer, "start")
        found = st.session_state.get("straps_found", [])
        labels = {s.address: s.describe() for s in found}
        strap_options = [s.address for s in found]
        # Outside the demo a simulated strap is a deliberate test, never a default: its beats
        # would otherwise go into a real client's history.
        if is_demo() or st.checkbox(
            "Test with a simulated strap",
            key="start_simulated",
            help="Records made-up beats, labelled 'simulated' everywhere. For trying the page.",
        ):
            strap_options.insert(0 if is_demo() else len(strap_options), SIMULATED)
        strap = None
        if strap_options:
            strap = st.radio(
                "Strap", strap_options, format_func=lambda a: labels.get(a, a), key="start_strap"
            )
        else:
            st.caption("Scan for straps to choose the client's strap.")
        scan_col, start_col = st.columns(2)
        if scan_col.button("Scan for straps", icon=":material/bluetooth_searching:"):
            _scan()
        if start_col.button(
            "Start", type="primary", icon=":material/play_arrow:", disabled=strap is None
        ):
            _start(client, None if strap == SIMULATED else strap)


def _scan() -> None:
    # Bluetooth code loads only when asked for: the page works wherever bleak's backend is absent.
    from hrv_relax.capture.ble import scan  # noqa: PLC0415

    try:
        with st.spinner("Looking for heart-rate straps…"):
            st.session_state["straps_found"] = asyncio.run(scan(timeout_s=SCAN_TIMEOUT_S))
    except HrvRelaxError as exc:
        st.warning(f"{literal(str(exc))}. To try the page, tick 'Test with a simulated strap'.")
        return
    if not st.session_state["straps_found"]:
        st.info("No strap found. Is it worn, moistened, and not connected to a phone?")
    st.rerun()


def _start(client: str, device: str | None) -> None:
    try:
        chosen = client_for_recording(store, viewer, client)
        name = chosen.name
        with st.spinner("Starting the recorder…"):
            started = start_recording(
                resolve_db_url(),
                client_id=chosen.id,
                device=device,
                # Each simulated strap is its own (a strap records one session at a time).
                seed=secrets.randbelow(2**31) if device is None else None,
                auto_phases=False,
                # The session is the signed-in therapist's (an admin's goes to the client's).
                therapist=viewer.username if viewer.role == "therapist" else None,
            )
    except HrvRelaxError as exc:
        st.error(f"Could not start: {literal(str(exc))}")
        return
    st.session_state["live_session"] = started.session_id
    st.toast(f"Recording session {started.session_id} for {literal(name)}")
    st.rerun()


recording = visible_sessions(store, viewer, statuses=("recording",))
if not glance:
    st.title("Live session")
    if not recording:
        _start_panel(expanded=True)
recent = [
    s for s in visible_sessions(store, viewer, limit=RECENT_SESSIONS) if s.status != "recording"
]
sessions: dict[int, SessionRecord] = {s.id: s for s in recording + recent}
if not sessions:
    st.info(
        "No session yet. Start one above, or with "
        "`hrv-relax record --device ADDRESS --client NAME`."
    )
    st.stop()
if st.session_state.get("live_session") not in sessions:
    st.session_state["live_session"] = next(iter(sessions))
clock = get_clock()


def _state(s: SessionRecord) -> str:
    return f"● {status_word(s)}" if s.status == "recording" else status_word(s)


def _label(session_id: int) -> str:
    s = sessions[session_id]
    simulated = " · simulated" if s.source == "simulated" else ""
    # No state here: the browser keeps showing a chosen option's old text after the session
    # ends, so the state is said in the label above it, which is redrawn on every run.
    return f"#{s.id} · {s.client_name} · {clock.when(s.started_at)}{simulated}"


session_id: int = st.session_state["live_session"]
if glance:
    st.button(
        "Back to the full page",
        icon=":material/close_fullscreen:",
        key="glance_off",
        on_click=lambda: st.session_state.update(glance=False),
    )
else:
    viewing_col, glance_col, stop_col = st.columns([5, 1, 1], vertical_alignment="bottom")
    session_id = viewing_col.selectbox(
        f"Viewing: {_state(sessions[session_id])} ({len(recording)} recording now)",
        list(sessions),
        format_func=_label,
        key="live_session",
    )
    glance_col.button(
        "Glance",
        icon=":material/open_in_full:",
        width="stretch",
        key="glance_on",
        help="Big heart rate, relaxation and alerts, to read from across the room",
        on_click=lambda: st.session_state.update(glance=True),
    )
viewing = sessions[session_id]
if (
    not glance
    and viewing.status == "recording"
    and stop_col.button("Stop", icon=":material/stop_circle:", width="stretch", key="stop_session")
):
    try:
        stop_session(store, viewer, session_id)
        st.toast(f"Stopping session {session_id}…")
    except HrvRelaxError as exc:
        st.error(str(exc))


def _alerts(view: LiveView) -> None:
    if not view.recording:
        return  # an ended session has nothing left to watch
    tracker: AlertTracker = st.session_state.setdefault(f"alerts_{session_id}", AlertTracker())
    hr_rise, ln_drop = arousal_change(view.rolling)
    # A silent recorder's last report is not "now": only its silence is alerted.
    status = view.status if view.status_fresh else None
    active = tracker.update(
        AlertInputs(
            now_s=time.monotonic(),
            recording=view.recording,
            link=view.link,
            contact=status.contact if status else None,
            battery_pct=status.battery_pct if status else None,
            # A handful of beats in the first minute make a meaningless percentage.
            artifact_pct=view.reading.artifact_pct if view.window_full and status else 0.0,
            in_massage=view.current_phase == "massage",
            hr_rise_bpm=hr_rise if status else math.nan,
            ln_rmssd_drop=ln_drop if status else math.nan,
        )
    )
    for alert in active:
        st.markdown(
            f'<div class="calm-alert {alert.severity}" role="status"><b>'
            f"{html.escape(alert.title)}.</b><span>{html.escape(alert.advice)}</span></div>",
            unsafe_allow_html=True,
        )


TILE_KEYS = {
    "Heart rate": "heart_rate",
    "RMSSD (60 s)": "rmssd",
    "Relaxation vs baseline": "relaxation",
    "Signal": "signal",
    "Phase": "phase",
}


def _tiles(tiles: tuple[Tile, ...]) -> None:
    with st.container(horizontal=True, key="tiles"):
        for tile in tiles:
            key = TILE_KEYS.get(tile.label, tile.label.lower().replace(" ", "_"))
            with st.container(border=True, key=f"tile_{key}"):
                st.metric(
                    tile.label,
                    tile.value,
                    tile.delta,
                    help=tile.help,
                    delta_color="off",
                    delta_arrow="off",
                )
                if tile.note:
                    st.caption(tile.note)


def _mark(kind: str, value: str) -> None:
    try:
        marker = mark_session(store, viewer, session_id, kind, value)
    except HrvRelaxError as exc:
        st.session_state["mark_error"] = literal(str(exc))
        return
    st.session_state["last_marker"] = (session_id, marker.id, f"{kind} {value}", time.monotonic())
    st.session_state.pop("mark_error", None)
    st.toast(f"Marked {literal(value)}")


def _undo() -> None:
    last = st.session_state.pop("last_marker", None)
    if last is None:
        return
    try:
        unmark_session(store, viewer, last[0], last[1])
        st.toast(f"Undone: {literal(str(last[2]))}")
    except HrvRelaxError as exc:
        st.session_state["mark_error"] = f"Could not undo: {literal(str(exc))}"


def _marker_row(kind: str, title: str, values: tuple[str, ...], current: str | None) -> None:
    with st.container(horizontal=True, key=f"group_{kind}", wrap=False, width="content"):
        st.html(f'<div class="marker-group">{title}</div>')
        with st.container(horizontal=True, gap="small"):
            for value in values:
                st.button(
                    value.capitalize() if kind == "phase" else value,
                    key=f"{kind}_{value}",
                    type="primary" if value == current else "secondary",
                    on_click=_mark,
                    args=(kind, value),
                )


def _markers(view: LiveView) -> None:
    current = current_choices(view)
    with st.container(key="markers", gap="small"):
        with st.container(horizontal=True, key="marker_top"):
            _marker_row("phase", "Phase", PHASES, current.get("phase"))
            pressure = next(g for g in MARKER_GROUPS if g[0] == "pressure")
            _marker_row(*pressure, current.get("pressure"))
            last = st.session_state.get("last_marker")
            if last is not None and last[0] == session_id:
                left_s = UNDO_MARKER_S - (time.monotonic() - last[3]) - 2  # margin for the trip
                if left_s > 0:
                    st.button(
                        f"Undo {last[2]} ({left_s:.0f} s)",
                        icon=":material/undo:",
                        key="undo_marker",
                        on_click=_undo,
                    )
        for kind, title, values in MARKER_GROUPS:
            if kind != "pressure":
                _marker_row(kind, title, values, current.get(kind))
    if error := st.session_state.pop("mark_error", None):
        st.error(error)


def _glance(view: LiveView) -> None:
    main, status = live_tiles(view)
    hr, _, relax = main
    _, phase = status
    value, _, unit = hr.value.partition(" ")
    shift = f"{relax.value}" + (f" · {relax.delta}" if relax.delta else "")
    if relax.value == NO_VALUE:
        shift = f"relaxation: {relax.note}" if relax.note else "relaxation: not yet"
    st.markdown(
        f'<div class="glance"><div class="big">{html.escape(value)}'
        f'<span class="unit"> {html.escape(unit or "bpm")}</span></div>'
        f'<div class="{"arrow" if relax.value != NO_VALUE else "line"}">{html.escape(shift)}</div>'
        f'<div class="line">{html.escape(phase.value)} · {html.escape(phase.delta or "")}'
        f" · {html.escape(status_word(view.session))}</div></div>",
        unsafe_allow_html=True,
    )
    _alerts(view)


def _notes(view: LiveView) -> None:
    notes = [e for e in view.events if e.kind == "note"]
    if notes:
        with st.expander(f"Notes ({len(notes)})", icon=":material/notes:"):
            for note in notes:
                minutes, seconds = divmod(int(note.t_s), 60)
                st.markdown(f"**{minutes}:{seconds:02d}** {literal(note.value)}")


def _feed() -> LiveFeed:
    """This browser's feed of the viewed session: one at a time, so memory stays bounded."""
    feed = st.session_state.get(LIVE_FEED)
    if not isinstance(feed, LiveFeed) or feed.session_id != session_id:
        feed = st.session_state[LIVE_FEED] = LiveFeed(session_id)
    return feed


@st.fragment(run_every=REFRESH if viewing.status == "recording" else None)
def live_panel() -> None:
    # While the session records, a therapist watching it is using the dashboard: its refreshes
    # keep the sign-in, so the idle limit counts from the end of the recording. They end with it.
    if current_viewer(active=viewing.status == "recording") is None:
        st.rerun(scope="app")
    try:
        view = _feed().refresh(store, viewer)
    except HrvRelaxError as exc:
        st.error(f"Cannot read this session: {literal(str(exc))}")
        return
    if view.session.status != viewing.status:
        st.rerun(scope="app")  # the session ended (or revived): refresh the whole page
    if glance:
        _glance(view)
        return
    _alerts(view)
    main, status = live_tiles(view)
    _tiles((*main, *status))
    if view.recording:
        _markers(view)
    st.plotly_chart(ready_figure(live_figure(view)), width="stretch", key="live_chart")
    _notes(view)


live_panel()

if not glance and viewing.status == "recording":
    with st.form("note", clear_on_submit=True, border=False):
        note = st.text_input(
            "Note",
            max_chars=500,
            placeholder="e.g. client asked for less pressure",
            key="note_text",
        )
        if st.form_submit_button("Add note"):
            _mark("note", note)
            if error := st.session_state.pop("mark_error", None):
                st.error(error)
if not glance and recording:
    _start_panel(expanded=False)
