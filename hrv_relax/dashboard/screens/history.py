"""Client history: sessions over time against the usual range, the trend, what relaxes most."""

from __future__ import annotations

import streamlit as st

from hrv_relax.dashboard.charts.history import comparison_figure, timeline_figure, weekly_figure
from hrv_relax.dashboard.context import get_clock, get_store, guarded, require_viewer
from hrv_relax.dashboard.downloads import audited
from hrv_relax.dashboard.text_tables import history_frame
from hrv_relax.store.access import visible_clients
from hrv_relax.store.user_names import user_names
from hrv_relax.views.client_archive import client_archive
from hrv_relax.views.client_choice import client_labels
from hrv_relax.views.comparisons import MIN_COMPARISON_SESSIONS
from hrv_relax.views.explanations import CHART_CAPTIONS
from hrv_relax.views.export import summaries_to_csv
from hrv_relax.views.history import HistoryFilters, build_history, filter_choices
from hrv_relax.views.plain_words import client_history_sentence
from hrv_relax.views.summary_cache import history_columns, session_summaries, stale_count
from hrv_relax.vocabulary import Role

CLINIC = 0

store = get_store()
viewer = require_viewer()
# A client sees her own history, addressed to her, without the staff's filters.
for_client = viewer.role == Role.CLIENT
st.title("Your history" if for_client else "Client history")
clients = client_labels(store, visible_clients(store, viewer))
if not clients:
    st.info(
        "No clients yet. Record a session with "
        "`hrv-relax record --device ADDRESS --client NAME`, or import a file."
    )
    st.stop()
if for_client:
    client_id = next(iter(clients))  # her own record, the only one she can see
else:
    client_id = st.selectbox(
        "Client",
        [*clients, CLINIC],
        format_func=lambda i: clients.get(i, "All clients (clinic)"),
        key="history_client",
    )
client_ids = None if client_id == CLINIC else (client_id,)

stale = stale_count(store, viewer, client_ids)
bar = st.progress(0.0, text=f"Analysing {stale} sessions (once: later visits are instant)")


def show_progress(done: int, total: int) -> None:
    bar.progress(done / total, text=f"Analysed {done} of {total} sessions")


sessions = history_columns(store, viewer, client_ids=client_ids, progress=show_progress)
bar.empty()
if not len(sessions):
    st.info(
        "No finished sessions yet." if for_client else "No finished sessions for this client yet."
    )
    st.stop()

options = filter_choices(sessions)
names = user_names(store, options.therapist_ids)
if for_client:
    filters = HistoryFilters(client_ids=client_ids)
else:
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
    filters = HistoryFilters(
        client_ids=client_ids,
        therapist_ids=tuple(therapists) or None,
        since=since,
        until=until,
        marker=marker,
    )
view = build_history(sessions, filters)
if not len(view.timeline):
    st.info(f"None of the {view.n_all} sessions match these filters.")
    st.stop()

usual_words = (
    f"Usual resting lnRMSSD: {view.usual.low:.2f}-{view.usual.high:.2f} "
    f"(where 9 in 10 resting values fall, from the last {view.usual.n_sessions} sessions)."
    if view.usual is not None
    else ""
)
if for_client:
    st.markdown(client_history_sentence(view.points))
    with st.expander("Details: the figures behind this page"):
        st.markdown(f"{view.trend} {usual_words}")
        st.caption(CHART_CAPTIONS["timeline"])
        st.caption(CHART_CAPTIONS["trend"])
else:
    st.markdown(f"**{len(view.timeline)} of {view.n_all} sessions.** {view.trend}")
    if usual_words:
        st.caption(usual_words)
st.markdown("#### Your sessions over time" if for_client else "#### Sessions over time")
if not for_client:
    st.caption(CHART_CAPTIONS["timeline"])
st.plotly_chart(timeline_figure(view, for_client=for_client), key="history_timeline")
st.markdown("#### Week by week")
if not for_client:
    st.caption(CHART_CAPTIONS["trend"])
st.plotly_chart(weekly_figure(view, for_client=for_client), key="history_weekly")

st.markdown("#### What relaxes you most" if for_client else "#### What relaxes most")
st.caption(
    f"How much your heart-rate variability rose on average, with the number of sessions "
    f"behind each bar. Pale blue bars rest on fewer than {MIN_COMPARISON_SESSIONS} sessions: "
    "too few to say."
    if for_client
    else f"Mean RMSSD change against the session's baseline, with the number of sessions behind "
    f"each bar. Light blue bars rest on fewer than {MIN_COMPARISON_SESSIONS} sessions: too few "
    "to say."
)
tabs = st.tabs(["Techniques", "Pressures", "Session length"])
for tab, group in zip(tabs, ("technique", "pressure", "session length"), strict=True):
    with tab:
        if any(c.group == group for c in view.comparisons):
            st.plotly_chart(comparison_figure(view.comparisons, group), key=f"history_cmp_{group}")
        else:
            st.info(f"No {group} marked in these sessions yet.")

st.markdown("#### All your sessions" if for_client else "#### All sessions")
table = history_frame(view, names, get_clock())
st.dataframe(
    table.drop(columns=["Client", "Baseline lnRMSSD"]) if for_client else table,
    hide_index=True,
    column_config={"Review": st.column_config.LinkColumn("Review", display_text="open")},
)
cols = st.columns(2)
cols[0].download_button(
    "Session summaries (CSV)",
    data=audited(
        store,
        viewer,
        "session summaries CSV",
        "clinic" if client_id == CLINIC else f"client {client_id}",
        # The full summaries, read only when the file is asked for.
        lambda: summaries_to_csv(
            session_summaries(store, viewer, client_ids=client_ids, recompute=False), get_clock()
        ),
    ),
    file_name="hrv-relax-summaries.csv",
    mime="text/csv",
    on_click="ignore",
)
if client_id != CLINIC:
    cols[1].download_button(
        "All your data (zip)" if for_client else "All of this client's data (zip)",
        data=guarded(lambda: client_archive(store, viewer, client_id)),
        file_name=f"hrv-relax-{clients[client_id].replace(' ', '-').lower()}.zip",
        mime="application/zip",
        on_click="ignore",
    )
