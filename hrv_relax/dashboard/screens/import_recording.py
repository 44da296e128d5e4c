"""Import a recording made with another app or device as a session."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from hrv_relax.capture.importing import import_recording
from hrv_relax.dashboard.client_picker import pick_client
from hrv_relax.dashboard.context import get_clock, get_store, require_viewer
from hrv_relax.dashboard.literal import literal
from hrv_relax.errors import HrvRelaxError
from hrv_relax.formats import FORMAT_HELP, FORMATS, parse_recording
from hrv_relax.views.summary_cache import analyze_stored

store = get_store()
viewer = require_viewer()
st.title("Import a recording")
st.caption(
    "Polar Sensor Logger RR, Polar .hrm, Elite HRV / Kubios / plain RR text (ms or s), CSV with "
    "a header, Garmin FIT with HRV logging. The file becomes a finished session of the client."
)
name = pick_client(store, viewer, "import")
fmt = st.selectbox(
    "Format", FORMATS, format_func=lambda k: f"{k}: {FORMAT_HELP[k]}", key="import_format"
)
upload = st.file_uploader("Recording file", key="import_file")
clock = get_clock()


@st.cache_data(max_entries=4, show_spinner="Reading the file…")
def _file_start(data: bytes, filename: str, fmt: str) -> tuple[dt.datetime | None, str]:
    """The date recorded in the file (None without one), or why the file cannot be read."""
    try:
        return parse_recording(data, filename=filename, fmt=fmt).started_at, ""
    except HrvRelaxError as exc:
        return None, str(exc)


started_at: dt.datetime | None = None
if upload is not None:
    found, problem = _file_start(upload.getvalue(), upload.name, fmt)
    if problem:
        st.error(
            f"This file cannot be imported: {literal(str(problem))}. Check the file and the format."
        )
    else:
        if found is None:
            st.warning(
                "This file records no date. Say when the recording began: the session is "
                "placed in the client's history by it."
            )
        else:
            st.info(
                f"The file says it was recorded on {clock.day(found)} at {clock.clock(found)}. "
                "Change it below if the device's clock was wrong."
            )
        local = None if found is None else clock.local(found)
        # Keyed by the file: a new file brings its own date into the inputs.
        c1, c2 = st.columns(2)
        day = c1.date_input(
            "Recorded on",
            value=None if local is None else local.date(),
            max_value=clock.local(clock.now).date(),
            format="YYYY-MM-DD",
            key=f"import_day_{upload.file_id}",
        )
        hour = c2.time_input(
            f"Started at ({clock.name})",
            value=None if local is None else local.time().replace(second=0, microsecond=0),
            step=dt.timedelta(minutes=1),
            key=f"import_time_{upload.file_id}",
        )
        if day is not None and hour is not None:
            if local is not None and (day, hour) == (
                local.date(),
                local.time().replace(second=0, microsecond=0),
            ):
                started_at = found  # unchanged: keep the file's own seconds
            else:
                started_at = clock.combine(dt.datetime.combine(day, hour))

if st.button("Import", type="primary", disabled=started_at is None, key="import_go"):
    assert upload is not None and started_at is not None
    bar = st.progress(0.0, text="Reading the file…")

    def show_progress(done: int, total: int) -> None:
        bar.progress(done / total, text=f"Stored {done:,} of {total:,} beats")

    try:
        result = import_recording(
            store,
            viewer,
            upload.getvalue(),
            client=name or "",
            filename=upload.name,
            fmt=fmt,
            progress=show_progress,
            started_at=started_at,
        )
        analyze_stored(store, viewer, result.session_id)
    except HrvRelaxError as exc:
        bar.empty()
        st.error(
            f"Nothing was imported: {literal(str(exc))}. "
            "Check the file and the format, then try again."
        )
    else:
        bar.empty()
        st.success(
            f"Imported {result.n_beats:,} beats ({result.duration_s / 60:.1f} min, "
            f"{result.description}) as session {result.session_id} of {result.client_name}, "
            f"recorded {clock.when(result.started_at)}."
        )
        st.page_link(
            "screens/review.py",
            label=f"Review session {result.session_id}",
            icon=":material/insights:",
            query_params={"session": str(result.session_id)},
        )
