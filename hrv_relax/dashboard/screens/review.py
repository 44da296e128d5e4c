"""Session review: the session in plain words, its figures per phase, charts, reports, export."""

from __future__ import annotations

import contextlib

import streamlit as st

from hrv_relax.dashboard.charts.review import (
    autonomic_figure,
    hr_rmssd_figure,
    poincare_figure,
    segments_figure,
    spectrum_figure,
    tachogram_figure,
)
from hrv_relax.dashboard.context import get_clock, get_store, require_viewer
from hrv_relax.dashboard.downloads import audited
from hrv_relax.dashboard.literal import literal
from hrv_relax.dashboard.text_tables import frame
from hrv_relax.errors import HrvRelaxError
from hrv_relax.report import render_html, render_pdf
from hrv_relax.store.access import visible_session, visible_sessions
from hrv_relax.views.explanations import CHART_CAPTIONS
from hrv_relax.views.export import beats_to_csv, beats_to_rr_text, full_indices_csv
from hrv_relax.views.figure_tables import phase_notes, phase_table, rhythm_table, shift_table
from hrv_relax.views.review import review_view
from hrv_relax.vocabulary import FINISHED, Role, SessionSource

store = get_store()
viewer = require_viewer()
st.title("Session review")

sessions = visible_sessions(store, viewer, statuses=FINISHED)
wanted = st.query_params.get("session", "")
# ASCII digits only: str.isdigit() also accepts "²" and "١", which int() then refuses or reads.
wanted_id = int(wanted) if wanted.isascii() and wanted.isdigit() and len(wanted) <= 9 else None
if wanted and not any(s.id == wanted_id for s in sessions):
    if wanted_id is not None:
        with contextlib.suppress(HrvRelaxError):
            visible_session(store, viewer, wanted_id)  # audits a probe of someone else's session
    asked = f"Session {wanted_id}" if wanted_id is not None else "That session"
    st.warning(f"{asked} was not found among your finished sessions. Choose one of yours below.")
if not sessions:
    st.info(
        "No finished sessions yet. Record one with "
        "`hrv-relax record --device ADDRESS --client NAME`, or import a file."
    )
    st.stop()
clock = get_clock()
labels = {
    s.id: f"#{s.id} · {s.client_name} · {clock.when(s.started_at)}"
    + (" · simulated" if s.source == SessionSource.SIMULATED else "")
    for s in sessions
}
ids = list(labels)
index = ids.index(wanted_id) if wanted_id in labels else 0
session_id = st.selectbox(
    "Session", ids, index=index, format_func=labels.__getitem__, key="review_session"
)
st.query_params["session"] = str(session_id)

try:
    view = review_view(store, viewer, session_id)
except HrvRelaxError as exc:
    st.error(f"This session cannot be reviewed: {literal(str(exc))}. Choose another session.")
    st.stop()
if view.session.source == SessionSource.SIMULATED:
    st.info("Simulated session: these beats came from the simulated strap, not from a person.")


def _details(for_client: bool) -> None:
    """The figures behind the headline, for staff and for a client who opens them."""
    f = view.figures
    if view.how_sure:
        st.caption(view.how_sure)
    usual = (
        f" Resting RMSSD was **{view.baseline_position}** for "
        f"{'you' if for_client else 'this client'} (usual range from "
        f"{view.usual.n_sessions} earlier sessions)."
        if view.usual
        else ""
    )
    st.markdown(
        f"{f.n_beats:,} beats over {f.duration_s / 60:.0f} min; {f.artifact_pct:.1f} % artefacts "
        f"left out.{usual}"
    )

    st.markdown("#### Figures per phase")
    st.dataframe(frame(phase_table(f)), hide_index=True)
    st.caption(
        "Breathing is read from the heartbeats. While it is slower than 9 a minute, HF, LF/HF "
        "and PNS/SNS are left blank: the breathing rhythm has then moved below the HF band."
    )
    changes = shift_table(f)
    if changes.rows:
        st.markdown("#### Change against the resting baseline")
        st.dataframe(frame(changes), hide_index=True)
    for note in phase_notes(f):
        st.caption(f":material/info: {note}")

    charts = (
        *(() if for_client else (("Heart rate and RMSSD", "hr_rmssd", hr_rmssd_figure),)),
        ("Heartbeat intervals", "tachogram", tachogram_figure),
        ("PNS and SNS index", "autonomic", autonomic_figure),
    )
    for title, key, draw in charts:
        st.markdown(f"#### {title}")
        st.caption(CHART_CAPTIONS[key])
        st.plotly_chart(draw(view), key=f"chart_{key}")
    left, right = st.columns(2)
    with left:
        st.markdown("#### Poincaré plot")
        st.caption(CHART_CAPTIONS["poincare"])
        st.plotly_chart(poincare_figure(view), key="chart_poincare")
    with right:
        st.markdown("#### Power spectrum")
        st.caption(CHART_CAPTIONS["spectrum"])
        st.plotly_chart(spectrum_figure(view), key="chart_spectrum")

    st.markdown("#### Rhythm structure")
    st.caption(CHART_CAPTIONS["rhythm"])
    st.dataframe(frame(rhythm_table(f)), hide_index=True)

    if for_client:
        return  # she saw the techniques above the details
    st.markdown("#### By technique and pressure")
    if any(s.shift for s in f.segments):
        st.caption(CHART_CAPTIONS["techniques"])
        st.plotly_chart(segments_figure(f), key="chart_segments")
    else:
        st.info("No technique or pressure was marked long enough (1 minute) in this session.")


for_client = viewer.role == Role.CLIENT
# A client reads about her own session ("your heart rate"); staff read about the client.
st.subheader(literal(view.headline if for_client else view.headline_about))
f = view.figures
if for_client:
    st.markdown(
        f"This session lasted {f.duration_s / 60:.0f} minutes. The chart shows your heart rate "
        "and your heart-rate variability (RMSSD: how much the time between beats varies; it "
        "tends to rise as you relax)."
    )
    st.plotly_chart(hr_rmssd_figure(view), key="chart_hr_rmssd")
    if any(s.shift for s in f.segments):
        st.markdown("#### With each technique and pressure")
        st.caption(
            "How much your heart-rate variability rose or fell with each technique and "
            "pressure your therapist marked, against your rest before the massage. Where a "
            "bar's whiskers cross zero, the change was too small to tell apart from your "
            "heart's own ups and downs."
        )
        st.plotly_chart(segments_figure(f), key="chart_segments")
    # The technical figures stay one click away, for the curious and for her therapist.
    with st.expander("Details: every figure of this session"):
        _details(for_client)
else:
    _details(for_client)

st.markdown("#### Take home and export")
stem = f"hrv-relax-session-{session_id}"
target = f"session {session_id}"
cols = st.columns(4)
cols[0].download_button(
    "Report (PDF)",
    data=audited(store, viewer, "PDF report", target, lambda: render_pdf(view)),
    file_name=f"{stem}.pdf",
    mime="application/pdf",
    on_click="ignore",
    icon=":material/picture_as_pdf:",
)
cols[1].download_button(
    "Report (HTML)",
    data=audited(store, viewer, "HTML report", target, lambda: render_html(view)),
    file_name=f"{stem}.html",
    mime="text/html",
    on_click="ignore",
    icon=":material/description:",
)
cols[2].download_button(
    "Beats (CSV)",
    data=audited(
        store, viewer, "beats CSV", target, lambda: beats_to_csv(view.beats, view.artifacts)
    ),
    file_name=f"{stem}-beats.csv",
    mime="text/csv",
    on_click="ignore",
)
cols[3].download_button(
    "RR text (Kubios)",
    data=audited(store, viewer, "RR text", target, lambda: beats_to_rr_text(view.beats)),
    file_name=f"{stem}-rr.txt",
    mime="text/plain",
    on_click="ignore",
)

st.markdown("##### For research: every neurokit2 HRV index per phase")
full_key = f"full_indices_{session_id}"
if full_key not in st.session_state and st.button(
    "Compute all HRV indices", icon=":material/calculate:", key="compute_full_indices"
):
    with st.spinner("neurokit2 is computing every index of every phase (up to a minute)..."):
        st.session_state[full_key] = full_indices_csv(store, viewer, session_id)
    st.rerun()  # draw the download in place of the button
if full_key in st.session_state:
    indices_csv = str(st.session_state[full_key])
    st.download_button(
        "All HRV indices (CSV)",
        data=audited(store, viewer, "all HRV indices CSV", target, lambda: indices_csv),
        file_name=f"{stem}-full-indices.csv",
        mime="text/csv",
        on_click="ignore",
        icon=":material/table_view:",
    )
