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
from hrv_relax.store.summaries import (
    SummaryRow,
    collection_paused,
    count_stale,
    save_summaries,
    summary_rows,
)
from hrv_relax.views.summary import ANALYSIS_VERSION, SessionFigures, from_json, summarize, to_json

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
        save_summaries(store, {k: to_json(v) for k, v in figures.items()}, ANALYSIS_VERSION)
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
    stale = [r for r in rows if r.data is None or r.analysis_version != ANALYSIS_VERSION]
    fresh: dict[int, SessionFigures] = {}
    if recompute:
        pending: dict[int, SessionFigures] = {}
        for done, row in enumerate(stale, start=1):
            beats = load_beats(store, row.session_id)
            _, pending[row.session_id] = summarize(beats, list_markers(store, row.session_id))
            if len(pending) >= SAVE_BATCH or done == len(stale):
                cache_figures(store, pending)
                fresh.update(pending)
                pending = {}
            if progress is not None:
                progress(done, len(stale))
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
