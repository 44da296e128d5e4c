"""Client history: sessions over time against the usual range, the trend, what relaxes most."""

from __future__ import annotations

import streamlit as st

from hrv_relax.dashboard.charts.history import comparison_figure, timeline_figure, weekly_figure
from hrv_relax.dashboard.context import get_store, require_viewer
from hrv_relax.dashboard.text_tables import history_frame
from hrv_relax.store.access import visible_clients
from hrv_relax.store.user_names import user_names
from hrv_relax.views.client_archive import client_archive
from hrv_relax.views.explanations import CHART_CAPTIONS
from hrv_relax.views.export import summaries_to_csv
from hrv_relax.views.history import (
    MIN_COMPARISON_SESSIONS,
    HistoryFilters,
    build_history,
    filter_choices,
)
from hrv_relax.views.summary_cache import session_summaries, stale_count
from hrv_relax.vocabulary import Role

CLINIC = 0

store = get_store()
viewer = require_viewer()
st.title("My history" if viewer.role == Role.CLIENT else "Client history")
clients = {c.id: c.name for c in visible_clients(store, viewer)}
if not clients:
    st.info(
        "No clients yet. Record a session with "
        "`hrv-relax record --device ADDRESS --client NAME`, or import a file."
    )
    st.stop()
# A client sees only their own record; "all clients" is for the practice's staff.
choices = list(clients) if viewer.role == Role.CLIENT else [*clients, CLINIC]
client_id = st.selectbox(
    "Client",
    choices,
    format_func=lambda i: clients.get(i, "All clients (clinic)"),
    key="history_client",
)
client_ids = None if client_id == CLINIC else (client_id,)

stale = stale_count(store, viewer, client_ids)
bar = st.progress(0.0, text=f"Analysing {stale} sessions (once: later visits are instant)")


def show_progress(done: int, total: int) -> None:
    bar.progress(done / total, text=f"Analysed {done} of {total} sessions")


summaries = session_summaries(store, viewer, client_ids=client_ids, progress=show_progress)
bar.empty()
if not summaries:
    st.info("No finished sessions for this client yet.")
    st.stop()

options = filter_choices(summaries)
names = user_names(store, options.therapist_ids)
c1, c2, c3 = st.columns(3)
dates = c1.date_input(
    "Dates", value=(options.first_day, options.last_day), key=f"history_dates_{client_id}"
)
therapists = c2.multiselect(
    "Therapist",
    options.therapist_ids,
    format_func=lambda i: names.get(i, f"#{i}"),
    key=f"history_therapists_{client_id}",
)
marker = c3.selectbox(
    "Technique or pressure",
    [None, *options.markers],
    format_func=lambda m: m or "Any",
    key=f"history_marker_{client_id}",
)
since, until = (dates[0], dates[-1]) if isinstance(dates, tuple) and dates else (None, None)
view = build_history(
    summaries,
    HistoryFilters(
        client_ids=client_ids,
        therapist_ids=tuple(therapists) or None,
        since=since,
        until=until,
        marker=marker,
    ),
)
if not view.points:
    st.info(f"None of the {view.n_all} sessions match these filters.")
    st.stop()

st.markdown(f"**{len(view.points)} of {view.n_all} sessions.** {view.trend}")
if view.usual is not None:
    st.caption(
        f"Usual resting lnRMSSD: {view.usual.low:.2f}-{view.usual.high:.2f} "
        f"(where 9 in 10 resting values fall, from the last {view.usual.n_sessions} sessions)."
    )
st.markdown("#### Sessions over time")
st.caption(CHART_CAPTIONS["timeline"])
st.plotly_chart(timeline_figure(view), key="history_timeline")
st.markdown("#### Week by week")
st.caption(CHART_CAPTIONS["trend"])
st.plotly_chart(weekly_figure(view), key="history_weekly")

st.markdown("#### What relaxes most")
st.caption(
    f"Mean RMSSD change against the session's baseline, with the number of sessions behind each "
    f"bar. Light blue bars rest on fewer than {MIN_COMPARISON_SESSIONS} sessions: too few to say."
)
tabs = st.tabs(["Techniques", "Pressures", "Session length"])
for tab, group in zip(tabs, ("technique", "pressure", "session length"), strict=True):
    with tab:
        if any(c.group == group for c in view.comparisons):
            st.plotly_chart(comparison_figure(view.comparisons, group), key=f"history_cmp_{group}")
        else:
            st.info(f"No {group} marked in these sessions yet.")

st.markdown("#### All sessions")
st.dataframe(
    history_frame(view, names),
    hide_index=True,
    column_config={"Review": st.column_config.LinkColumn("Review", display_text="open")},
)
cols = st.columns(2)
cols[0].download_button(
    "Session summaries (CSV)",
    data=lambda: summaries_to_csv(summaries),
    file_name="hrv-relax-summaries.csv",
    mime="text/csv",
    on_click="ignore",
)
if client_id != CLINIC:
    cols[1].download_button(
        "All my data (zip)" if viewer.role == Role.CLIENT else "All of this client's data (zip)",
        data=lambda: client_archive(store, viewer, client_id),
        file_name=f"hrv-relax-{clients[client_id].replace(' ', '-').lower()}.zip",
        mime="application/zip",
        on_click="ignore",
    )
