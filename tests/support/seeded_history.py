"""Seeded sessions as the history's figures (no store, no beats): three clients, some without
a clean baseline or a comparison, techniques marked more than once, stretches not judged."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from hrv_relax.store.history_figures import (
    HistoryColumns,
    HistoryFigures,
    SegmentHistory,
    columns_from_rows,
    segment_rows,
    session_row,
)

VERDICTS = ("more relaxed", "no clear change", "more aroused")
MARKS = (
    *(("technique", t) for t in ("effleurage", "petrissage", "trigger point", "myofascial")),
    *(("pressure", p) for p in ("light", "moderate", "firm")),
)


@dataclass(frozen=True, slots=True)
class Visit:
    session_id: int
    client_id: int
    therapist_id: int | None
    started_at: dt.datetime
    figures: HistoryFigures

    @property
    def markers(self) -> tuple[str, ...]:
        return tuple(sorted({f"{s.kind}: {s.value}" for s in self.figures.segments}))


def _maybe_nan(rng: np.random.Generator, value: float, share: float) -> float:
    return math.nan if rng.random() < share else value


def visits(seed: int, n: int) -> list[Visit]:
    """`n` sessions of three clients, oldest first: some without a clean baseline or without a
    comparison, techniques marked more than once, stretches too short to judge."""
    rng = np.random.default_rng(seed)
    at = dt.datetime(2024, 1, 1, 8, tzinfo=dt.UTC)
    out = []
    for k in range(n):
        at += dt.timedelta(minutes=float(rng.uniform(30, 60 * 24 * 9)))
        compared = rng.random() > 0.1
        segments = tuple(
            SegmentHistory(
                kind=MARKS[m][0],
                value=MARKS[m][1],
                ln_rmssd_change=_maybe_nan(rng, float(rng.normal(0.1, 0.2)), 0.2),
                hr_change_bpm=_maybe_nan(rng, float(rng.normal(-2, 2)), 0.05),
                verdict=str(rng.choice(VERDICTS)) if rng.random() > 0.2 else None,
            )
            for m in rng.integers(0, len(MARKS), int(rng.integers(0, 6)))
        )
        ln_change = float(rng.normal(0.1, 0.2)) if compared else math.nan
        figures = HistoryFigures(
            duration_s=float(rng.uniform(20, 80)) * 60,
            artifact_pct=float(rng.uniform(0, 5)),
            baseline_ln_rmssd=_maybe_nan(rng, float(rng.normal(3.6, 0.2)), 0.1),
            baseline_hr_bpm=float(rng.normal(70, 5)),
            ln_rmssd_change=ln_change,
            ln_rmssd_change_low=ln_change - 0.15,
            ln_rmssd_change_high=ln_change + 0.15,
            rmssd_change_pct=100 * math.expm1(ln_change),
            hr_change_bpm=float(rng.normal(-2, 2)) if compared else math.nan,
            verdict=str(rng.choice(VERDICTS)) if compared else None,
            segments=segments,
        )
        therapist = [None, 7, 8][int(rng.integers(0, 3))]
        out.append(Visit(k + 1, int(rng.integers(1, 4)), therapist, at, figures))
    return out


def columns(vs: Sequence[Visit]) -> HistoryColumns:
    return columns_from_rows(
        [
            session_row(
                v.figures,
                session_id=v.session_id,
                client_id=v.client_id,
                client_name=f"Client {v.client_id}",
                therapist_id=v.therapist_id,
                started_at=v.started_at,
            )
            for v in vs
        ],
        [row for v in vs for row in segment_rows(v.session_id, v.figures)],
    )
