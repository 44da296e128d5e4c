"""The history's few figures of each cached summary, kept beside its JSON and read as columns.

A summary's JSON (`session_summaries.data`) holds everything the review page and the report
show; the history page needs about ten numbers per session (`summary_figures`) and one row per
marked technique or pressure (`summary_segments`). `save_summaries` writes them with the JSON
in one transaction, so they never disagree with it, and :func:`read_history` reads them with
one query per table into numpy columns, decoding no JSON. They are tables of their own, not
columns beside the JSON: SQLite reads a row's columns in order, so columns after a 4 KiB JSON
cost a walk over its overflow pages, and tripled the read.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields
from typing import Any

import numpy as np
import numpy.typing as npt
from sqlalchemy import Connection, and_, insert, select

from hrv_relax.store.engine import Store
from hrv_relax.store.schema import (
    clients,
    session_summaries,
    sessions,
    summary_figures,
    summary_segments,
)

#: `therapist_id` of a session recorded without a therapist.
NO_THERAPIST = -1
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_MICROSECOND = dt.timedelta(microseconds=1)

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
TextArray = npt.NDArray[np.object_]


@dataclass(frozen=True, slots=True)
class SegmentHistory:
    """A marked technique or pressure stretch against the baseline (NaN, None: not judged)."""

    kind: str
    value: str
    ln_rmssd_change: float
    hr_change_bpm: float
    verdict: str | None


@dataclass(frozen=True, slots=True)
class HistoryFigures:
    """What the history shows of one session's summary: NaN where not computable, `verdict`
    None when the main phase has no comparison with the baseline."""

    duration_s: float
    artifact_pct: float
    baseline_ln_rmssd: float
    baseline_hr_bpm: float
    ln_rmssd_change: float
    ln_rmssd_change_low: float
    ln_rmssd_change_high: float
    rmssd_change_pct: float
    hr_change_bpm: float
    verdict: str | None
    segments: tuple[SegmentHistory, ...] = ()


#: The float figures, named as their columns in summary_figures.
FLOAT_FIGURES = tuple(
    f.name for f in fields(HistoryFigures) if f.name not in ("verdict", "segments")
)
SEGMENT_FIGURES = tuple(f.name for f in fields(SegmentHistory))


@dataclass(frozen=True, slots=True)
class SegmentColumns:
    """The sessions' marked stretches, in session order, one array per figure."""

    row: IntArray  # the stretch's session: an index into the HistoryColumns arrays
    kind: TextArray
    value: TextArray
    ln_rmssd_change: FloatArray
    hr_change_bpm: FloatArray
    verdict: TextArray  # None: not judged


@dataclass(frozen=True, slots=True)
class HistoryColumns:
    """Finished sessions with a current summary, oldest first, one array per figure."""

    session_id: IntArray
    client_id: IntArray
    client_name: TextArray
    therapist_id: IntArray  # NO_THERAPIST where none
    started_at: npt.NDArray[np.datetime64]  # UTC, in microseconds
    duration_s: FloatArray
    artifact_pct: FloatArray
    baseline_ln_rmssd: FloatArray
    baseline_hr_bpm: FloatArray
    ln_rmssd_change: FloatArray
    ln_rmssd_change_low: FloatArray
    ln_rmssd_change_high: FloatArray
    rmssd_change_pct: FloatArray
    hr_change_bpm: FloatArray
    verdict: TextArray  # None: no comparison
    segments: SegmentColumns

    def __len__(self) -> int:
        return len(self.session_id)

    def take(self, keep: npt.NDArray[np.bool_]) -> HistoryColumns:
        """The sessions where `keep` is true, with their stretches."""
        renumber = np.cumsum(keep) - 1
        seg = self.segments
        kept = keep[seg.row]
        segments = SegmentColumns(
            row=renumber[seg.row[kept]],
            **{name: getattr(seg, name)[kept] for name in SEGMENT_FIGURES},
        )
        per_session = {
            f.name: getattr(self, f.name)[keep] for f in fields(self) if f.name != "segments"
        }
        return HistoryColumns(**per_session, segments=segments)


#: A session as it is read: session id, client id and name, therapist id (None when none),
#: start, the float figures in FLOAT_FIGURES order, the verdict.
SessionRow = Sequence[Any]
#: A stretch as it is read: its session's id, then the figures in SEGMENT_FIGURES order.
SegmentRow = Sequence[Any]


def columns_from_rows(
    session_rows: Sequence[SessionRow], segment_rows: Sequence[SegmentRow]
) -> HistoryColumns:
    """Columns from session rows ordered by start, and their stretches' rows (in their order
    within each session)."""
    n_floats = len(FLOAT_FIGURES)
    by_column = list(zip(*session_rows, strict=True)) or [()] * (6 + n_floats)
    session_id = np.array(by_column[0], dtype=np.int64)
    therapist = [NO_THERAPIST if t is None else t for t in by_column[3]]
    # None (SQL NULL) becomes NaN in a float array.
    floats = {
        name: np.array(by_column[5 + k], dtype=np.float64) for k, name in enumerate(FLOAT_FIGURES)
    }
    seg_columns = list(zip(*segment_rows, strict=True)) or [()] * (1 + len(SEGMENT_FIGURES))
    position = {sid: k for k, sid in enumerate(session_id.tolist())}
    row = np.array([position.get(sid, -1) for sid in seg_columns[0]], dtype=np.int64)
    # A stretch of a session not among the sessions is left out: on PostgreSQL the two reads
    # may see a summary saved between them (each statement sees what was committed before it).
    known = np.flatnonzero(row >= 0)
    pick = known[np.argsort(row[known], kind="stable")]  # in session order
    segments = SegmentColumns(
        row=row[pick],
        kind=_text(seg_columns[1])[pick],
        value=_text(seg_columns[2])[pick],
        ln_rmssd_change=np.array(seg_columns[3], dtype=np.float64)[pick],
        hr_change_bpm=np.array(seg_columns[4], dtype=np.float64)[pick],
        verdict=_text(seg_columns[5])[pick],
    )
    return HistoryColumns(
        session_id=session_id,
        client_id=np.array(by_column[1], dtype=np.int64),
        client_name=_text(by_column[2]),
        therapist_id=np.array(therapist, dtype=np.int64),
        started_at=np.array(
            [(t - _EPOCH) // _MICROSECOND for t in by_column[4]], dtype=np.int64
        ).astype("datetime64[us]"),
        verdict=_text(by_column[5 + n_floats]),
        segments=segments,
        **floats,
    )


def session_row(
    figures: HistoryFigures,
    *,
    session_id: int,
    client_id: int,
    client_name: str,
    therapist_id: int | None,
    started_at: dt.datetime,
) -> SessionRow:
    """A session's row as `read_history` reads it."""
    floats = (getattr(figures, name) for name in FLOAT_FIGURES)
    return (session_id, client_id, client_name, therapist_id, started_at, *floats, figures.verdict)


def segment_rows(session_id: int, figures: HistoryFigures) -> list[SegmentRow]:
    """A session's stretches' rows as `read_history` reads them."""
    return [(session_id, *(getattr(s, name) for name in SEGMENT_FIGURES)) for s in figures.segments]


def _text(values: Iterable[Any]) -> TextArray:
    items = list(values)
    out = np.empty(len(items), dtype=object)
    out[:] = items
    return out


def read_history(
    store: Store, analysis_version: str, conditions: Sequence[Any], scope: str
) -> HistoryColumns:
    """The figures of the sessions meeting `conditions` whose summary is of `analysis_version`,
    in two queries (sessions, then their stretches) of one read."""
    current = and_(
        *conditions,
        session_summaries.c.scope == scope,
        session_summaries.c.analysis_version == analysis_version,
    )
    session_query = (
        select(
            sessions.c.id,
            sessions.c.client_id,
            clients.c.name,
            sessions.c.therapist_id,
            sessions.c.started_at,
            *(summary_figures.c[name] for name in FLOAT_FIGURES),
            summary_figures.c.verdict,
        )
        .join(clients, clients.c.id == sessions.c.client_id)
        .join(session_summaries, session_summaries.c.session_id == sessions.c.id)
        .join(summary_figures, summary_figures.c.summary_id == session_summaries.c.id)
        .where(current)
        .order_by(sessions.c.started_at, sessions.c.id)
    )
    segment_query = (
        select(
            sessions.c.id,
            *(summary_segments.c[name] for name in SEGMENT_FIGURES),
        )
        .join(session_summaries, session_summaries.c.session_id == sessions.c.id)
        .join(summary_segments, summary_segments.c.summary_id == session_summaries.c.id)
        .where(current)
        .order_by(summary_segments.c.id)
    )
    with store.read() as conn:
        session_rows = conn.execute(session_query).all()
        segment_rows = conn.execute(segment_query).all()
    return columns_from_rows(session_rows, segment_rows)


def insert_figures(
    conn: Connection, summary_ids: dict[int, int], figures: dict[int, HistoryFigures]
) -> None:
    """Write the history figures of new summaries (`summary_ids`: session id -> summary id)."""
    if not figures:
        return
    conn.execute(
        insert(summary_figures),
        [
            {
                "summary_id": summary_ids[sid],
                **{name: _null(getattr(f, name)) for name in FLOAT_FIGURES},
                "verdict": f.verdict,
            }
            for sid, f in figures.items()
        ],
    )
    segments = [
        {
            "summary_id": summary_ids[sid],
            "kind": s.kind,
            "value": s.value,
            "ln_rmssd_change": _null(s.ln_rmssd_change),
            "hr_change_bpm": _null(s.hr_change_bpm),
            "verdict": s.verdict,
        }
        for sid, f in figures.items()
        for s in f.segments
    ]
    if segments:
        conn.execute(insert(summary_segments), segments)


def _null(value: float) -> float | None:
    return value if math.isfinite(value) else None
