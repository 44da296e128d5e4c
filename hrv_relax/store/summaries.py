"""Cached per-session analysis summaries: JSON keyed by (session, scope, analysis version).

The cache is only ever a copy: any row can be dropped and recomputed from the beats. A row
whose `analysis_version` differs from the running analysis is stale and recomputed. Each row has
the history's few figures beside it, written with its JSON (see history_figures).
"""

from __future__ import annotations

import datetime as dt
import gc
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, delete, func, insert, or_, select
from sqlalchemy.sql.elements import ColumnElement

from hrv_relax.store.clock import utcnow
from hrv_relax.store.engine import Store
from hrv_relax.store.history_figures import (
    HistoryColumns,
    HistoryFigures,
    insert_figures,
    read_history,
)
from hrv_relax.store.schema import (
    clients,
    session_summaries,
    sessions,
    summary_figures,
    summary_segments,
)

SESSION_SCOPE = "session"
FINISHED = ("complete", "interrupted")


@dataclass(frozen=True, slots=True)
class SummaryRow:
    """A finished session with its cached summary (None when none is cached for `scope`)."""

    session_id: int
    client_id: int
    client_name: str
    therapist_id: int | None
    started_at: dt.datetime
    ended_at: dt.datetime | None
    source: str
    analysis_version: str | None
    data: Mapping[str, Any] | None


@dataclass(frozen=True, slots=True)
class CachedSummary:
    """What is cached of one session: its summary as JSON, and the history's figures of it."""

    data: Mapping[str, Any]
    figures: HistoryFigures


def _finished(
    client_ids: Sequence[int] | None,
    therapist_ids: Sequence[int] | None,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = [sessions.c.status.in_(FINISHED)]
    if client_ids is not None:
        conditions.append(sessions.c.client_id.in_(list(client_ids)))
    if therapist_ids is not None:
        conditions.append(sessions.c.therapist_id.in_(list(therapist_ids)))
    if since is not None:
        conditions.append(sessions.c.started_at >= since)
    if until is not None:
        conditions.append(sessions.c.started_at < until)
    return conditions


def _cached(scope: str) -> Any:
    return (
        select(
            session_summaries.c.id,
            session_summaries.c.session_id,
            session_summaries.c.analysis_version,
            session_summaries.c.data,
        )
        .where(session_summaries.c.scope == scope)
        .subquery()
    )


@contextmanager
def collection_paused() -> Iterator[None]:
    """Garbage collection off while many small objects are made (decoding summaries): each
    collection would walk them all, which took two thirds of the decode."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _stale(
    analysis_version: str,
    client_ids: Sequence[int] | None,
    therapist_ids: Sequence[int] | None,
    scope: str,
) -> Any:
    cached = _cached(scope)
    return (
        select(sessions.c.id)
        .outerjoin(cached, cached.c.session_id == sessions.c.id)
        .outerjoin(summary_figures, summary_figures.c.summary_id == cached.c.id)
        .where(
            and_(*_finished(client_ids, therapist_ids)),
            or_(
                cached.c.analysis_version.is_(None),
                cached.c.analysis_version != analysis_version,
                # A summary without its history figures (never written so, but a database
                # can be edited by hand) is recomputed rather than left out of the history.
                summary_figures.c.summary_id.is_(None),
            ),
        )
    )


def count_stale(
    store: Store,
    analysis_version: str,
    *,
    client_ids: Sequence[int] | None = None,
    therapist_ids: Sequence[int] | None = None,
    scope: str = SESSION_SCOPE,
) -> int:
    """How many finished sessions have no cached summary of `analysis_version` with its
    history figures (no decoding)."""
    stale = _stale(analysis_version, client_ids, therapist_ids, scope).subquery()
    with store.read() as conn:
        return int(conn.execute(select(func.count()).select_from(stale)).scalar_one())


def stale_session_ids(
    store: Store,
    analysis_version: str,
    *,
    client_ids: Sequence[int] | None = None,
    scope: str = SESSION_SCOPE,
) -> list[int]:
    """The finished sessions without a cached summary of `analysis_version` with its history
    figures, oldest first."""
    query = _stale(analysis_version, client_ids, None, scope).order_by(
        sessions.c.started_at, sessions.c.id
    )
    with store.read() as conn:
        return [int(sid) for sid in conn.execute(query).scalars()]


def current_history(
    store: Store,
    analysis_version: str,
    *,
    client_ids: Sequence[int] | None = None,
    scope: str = SESSION_SCOPE,
) -> HistoryColumns:
    """The history's figures of the finished sessions whose summary is of `analysis_version`
    (oldest first; sessions without one are left out), as columns."""
    with collection_paused():  # tens of thousands of values read, then made arrays
        return read_history(store, analysis_version, _finished(client_ids, None), scope)


def summary_rows(
    store: Store,
    *,
    client_ids: Sequence[int] | None = None,
    therapist_ids: Sequence[int] | None = None,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
    scope: str = SESSION_SCOPE,
) -> list[SummaryRow]:
    """Finished sessions (oldest first) with their cached summary, in one query.

    Filters take ids, so an access rule can narrow `client_ids` before the call.
    """
    cached = _cached(scope)
    conditions = _finished(client_ids, therapist_ids, since, until)
    query = (
        select(
            sessions.c.id,
            sessions.c.client_id,
            clients.c.name,
            sessions.c.therapist_id,
            sessions.c.started_at,
            sessions.c.ended_at,
            sessions.c.source,
            cached.c.analysis_version,
            cached.c.data,
        )
        .join(clients, clients.c.id == sessions.c.client_id)
        .outerjoin(cached, cached.c.session_id == sessions.c.id)
        .where(and_(*conditions))
        .order_by(sessions.c.started_at, sessions.c.id)
    )
    with store.read() as conn, collection_paused():
        return [
            SummaryRow(
                session_id=r[0],
                client_id=r[1],
                client_name=r[2],
                therapist_id=r[3],
                started_at=r[4],
                ended_at=r[5],
                source=r[6],
                analysis_version=r[7],
                data=r[8],
            )
            for r in conn.execute(query)
        ]


def save_summaries(
    store: Store,
    items: Mapping[int, CachedSummary],
    analysis_version: str,
    *,
    scope: str = SESSION_SCOPE,
) -> None:
    """Replace the cached summaries of these sessions, with their history figures, in one
    transaction."""
    if not items:
        return
    now = utcnow()
    ids = list(items)
    these = and_(session_summaries.c.session_id.in_(ids), session_summaries.c.scope == scope)
    with store.write() as conn:
        # Children first: the same on both backends, whatever the foreign-key pragma.
        old = select(session_summaries.c.id).where(these)
        for child in (summary_figures, summary_segments):
            conn.execute(delete(child).where(child.c.summary_id.in_(old)))
        conn.execute(delete(session_summaries).where(these))
        conn.execute(
            insert(session_summaries),
            [
                {
                    "session_id": sid,
                    "scope": scope,
                    "analysis_version": analysis_version,
                    "computed_at": now,
                    "data": dict(item.data),
                }
                for sid, item in items.items()
            ],
        )
        new = conn.execute(
            select(session_summaries.c.session_id, session_summaries.c.id).where(these)
        )
        insert_figures(
            conn, {int(sid): int(rid) for sid, rid in new}, {k: v.figures for k, v in items.items()}
        )


def load_summary(
    store: Store, session_id: int, *, scope: str = SESSION_SCOPE
) -> tuple[str, Mapping[str, Any]] | None:
    """(analysis version, data) of one session's cached summary, if any."""
    with store.read() as conn:
        row = conn.execute(
            select(session_summaries.c.analysis_version, session_summaries.c.data).where(
                session_summaries.c.session_id == session_id, session_summaries.c.scope == scope
            )
        ).first()
    return None if row is None else (str(row[0]), row[1])
