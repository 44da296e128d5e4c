"""Import a recording made with another app or device as a session."""

from __future__ import annotations

import streamlit as st

from hrv_relax.capture.importing import import_recording
from hrv_relax.dashboard.context import get_store, require_viewer
from hrv_relax.errors import HrvRelaxError
from hrv_relax.formats import FORMAT_HELP, FORMATS
from hrv_relax.store.access import visible_clients
from hrv_relax.views.summary_cache import analyze_stored

NEW = "New client…"

store = get_store()
viewer = require_viewer()
st.title("Import a recording")
st.caption(
    "Polar Sensor Logger RR, Polar .hrm, Elite HRV / Kubios / plain RR text (ms or s), CSV with "
    "a header, Garmin FIT with HRV logging. The file becomes a finished session of the client."
)
names = [c.name for c in visible_clients(store, viewer)]
choice = st.selectbox("Client", [*names, NEW], key="import_client")
name = st.text_input("New client's name", key="import_new_client") if choice == NEW else choice
fmt = st.selectbox(
    "Format", FORMATS, format_func=lambda k: f"{k}: {FORMAT_HELP[k]}", key="import_format"
)
upload = st.file_uploader("Recording file", key="import_file")

if st.button("Import", type="primary", disabled=upload is None, key="import_go"):
    assert upload is not None
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
        )
        analyze_stored(store, viewer, result.session_id)
    except HrvRelaxError as exc:
        bar.empty()
        st.error(f"Nothing was imported: {exc}. Check the file and the format, then try again.")
    else:
        bar.empty()
        st.success(
            f"Imported {result.n_beats:,} beats ({result.duration_s / 60:.1f} min, "
            f"{result.description}) as session {result.session_id} of {result.client_name}."
        )
        st.page_link(
            "screens/review.py",
            label=f"Review session {result.session_id}",
            icon=":material/insights:",
            query_params={"session": str(result.session_id)},
        )
