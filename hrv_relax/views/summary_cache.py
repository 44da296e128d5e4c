"""Session summaries from the store's cache, recomputed from the beats when missing or stale."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from hrv_relax.analysis import SessionAnalysis
from hrv_relax.errors import StoreError
from hrv_relax.records import Viewer
from hrv_relax.store import list_markers, load_beats
from hrv_relax.store.access import narrow, visible_beats, visible_client_ids, visible_markers
from hrv_relax.store.engine import Store
from hrv_relax.store.history_figures import (
    HistoryColumns,
    columns_from_rows,
    segment_rows,
    session_row,
)
from hrv_relax.store.summaries import (
    CachedSummary,
    SummaryRow,
    collection_paused,
    count_stale,
    current_history,
    save_summaries,
    stale_session_ids,
    summary_rows,
)
from hrv_relax.views.summary import (
    ANALYSIS_VERSION,
    SessionFigures,
    from_json,
    history_figures,
    summarize,
    to_json,
)

log = logging.getLogger(__name__)
Progress = Callable[[int, int], None]
#: Recomputed summaries are written back in batches: a page that is closed midway keeps them.
SAVE_BATCH = 50


@dataclass(frozen=True, slots=True)
class SessionSummary:
    """A finished session and its figures."""

    session_id: int
    client_id: int
    client_name: str
    therapist_id: int | None
    started_at: dt.datetime
    source: str
    figures: SessionFigures


def analyze_stored(
    store: Store, viewer: Viewer, session_id: int
) -> tuple[SessionAnalysis, SessionFigures]:
    """Analyse one of the viewer's stored sessions and refresh its cached summary."""
    result, figures = summarize(
        visible_beats(store, viewer, session_id), visible_markers(store, viewer, session_id)
    )
    cache_figures(store, {session_id: figures})
    return result, figures


def cache_figures(store: Store, figures: dict[int, SessionFigures]) -> None:
    """Store sessions' figures as their current summaries (a failed write is only logged)."""
    try:
        save_summaries(
            store,
            {k: CachedSummary(to_json(v), history_figures(v)) for k, v in figures.items()},
            ANALYSIS_VERSION,
        )
    except StoreError as exc:
        # The cache is only a copy: a failed write costs a recomputation next time, no more.
        log.warning("could not cache %d session summaries: %s", len(figures), exc)


def session_summaries(
    store: Store,
    viewer: Viewer,
    *,
    client_ids: Sequence[int] | None = None,
    therapist_ids: Sequence[int] | None = None,
    recompute: bool = True,
    progress: Progress | None = None,
) -> list[SessionSummary]:
    """The viewer's finished sessions, oldest first, with figures; stale ones are recomputed.

    `client_ids` narrows further; ids outside the viewer's scope are left out.
    """
    rows = _rows(store, viewer, client_ids, therapist_ids)
    stale = [r.session_id for r in rows if r.data is None or r.analysis_version != ANALYSIS_VERSION]
    return _with_figures(rows, _recompute(store, stale, progress) if recompute else {})


def _with_figures(
    rows: Sequence[SummaryRow], fresh: dict[int, SessionFigures]
) -> list[SessionSummary]:
    """The rows with their figures: just computed, else decoded if current, else left out."""
    out = []
    with collection_paused():  # thousands of small records at once
        for row in rows:
            figures = fresh.get(row.session_id)
            current = row.data is not None and row.analysis_version == ANALYSIS_VERSION
            if figures is None and current:
                assert row.data is not None
                figures = from_json(row.data)
            if figures is not None:
                out.append(_summary(row, figures))
    return out


def history_columns(
    store: Store,
    viewer: Viewer,
    *,
    client_ids: Sequence[int] | None = None,
    progress: Progress | None = None,
) -> HistoryColumns:
    """The history's figures of the viewer's finished sessions, oldest first, as columns;
    missing or stale summaries are computed first (with progress). No summary is decoded."""
    scoped = narrow(visible_client_ids(store, viewer), client_ids)
    if scoped is not None and not scoped:
        return summaries_as_columns([])
    fresh = _recompute(
        store, stale_session_ids(store, ANALYSIS_VERSION, client_ids=scoped), progress
    )
    table = current_history(store, ANALYSIS_VERSION, client_ids=scoped)
    if not set(fresh) <= set(table.session_id.tolist()):
        # Some could not be cached (a read-only database): they are shown as computed, and
        # the cached ones decoded, as before the figures had their columns.
        rows = summary_rows(store, client_ids=scoped)
        return summaries_as_columns(_with_figures(rows, fresh))
    return table


def summaries_as_columns(summaries: Sequence[SessionSummary]) -> HistoryColumns:
    """The history's columns of full summaries: what `history_columns` reads from the store."""
    figures = [history_figures(s.figures) for s in summaries]
    return columns_from_rows(
        [
            session_row(
                f,
                session_id=s.session_id,
                client_id=s.client_id,
                client_name=s.client_name,
                therapist_id=s.therapist_id,
                started_at=s.started_at,
            )
            for s, f in zip(summaries, figures, strict=True)
        ],
        [
            row
            for s, f in zip(summaries, figures, strict=True)
            for row in segment_rows(s.session_id, f)
        ],
    )


def _recompute(
    store: Store, session_ids: Sequence[int], progress: Progress | None
) -> dict[int, SessionFigures]:
    """Summarise these sessions from their beats and cache them, in batches."""
    fresh: dict[int, SessionFigures] = {}
    pending: dict[int, SessionFigures] = {}
    for done, session_id in enumerate(session_ids, start=1):
        beats = load_beats(store, session_id)
        _, pending[session_id] = summarize(beats, list_markers(store, session_id))
        if len(pending) >= SAVE_BATCH or done == len(session_ids):
            cache_figures(store, pending)
            fresh.update(pending)
            pending = {}
        if progress is not None:
            progress(done, len(session_ids))
    return fresh


def stale_count(store: Store, viewer: Viewer, client_ids: Sequence[int] | None = None) -> int:
    """How many of the viewer's finished sessions need their summary (re)computed."""
    scoped = narrow(visible_client_ids(store, viewer), client_ids)
    if scoped is not None and not scoped:
        return 0
    return count_stale(store, ANALYSIS_VERSION, client_ids=scoped)


def _rows(
    store: Store,
    viewer: Viewer,
    client_ids: Sequence[int] | None,
    therapist_ids: Sequence[int] | None,
) -> list[SummaryRow]:
    scoped = narrow(visible_client_ids(store, viewer), client_ids)
    if scoped is not None and not scoped:
        return []
    return summary_rows(store, client_ids=scoped, therapist_ids=therapist_ids)


def _summary(row: SummaryRow, figures: SessionFigures) -> SessionSummary:
    return SessionSummary(
        session_id=row.session_id,
        client_id=row.client_id,
        client_name=row.client_name,
        therapist_id=row.therapist_id,
        started_at=row.started_at,
        source=row.source,
        figures=figures,
    )
