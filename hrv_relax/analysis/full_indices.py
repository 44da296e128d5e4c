"""The full neurokit2 index set of each phase of a session, for researchers.

Every index neurokit2's ``hrv_time``, ``hrv_frequency`` and ``hrv_nonlinear`` report
(Makowski et al. 2021, doi:10.3758/s13428-020-01516-y), on each phase's clean (NN) intervals at
their beat times: flagged intervals are left out and neurokit2 interpolates across them and
across recording gaps, as it does. The spectrum is asked for in ms^2 at 4 Hz with Welch's
method (neurokit2's defaults, 100 Hz and a normalised PSD, are not ms^2); everything else is
neurokit2's default, so its figures differ from the product's own where their definitions do
(pNNxx divided by the intervals, not the differences; its own Welch segments; DFA alpha1 over
4-16 beats with overlapping boxes). A domain neurokit2 cannot compute for a phase (too short)
is left out of that phase's row and the row says so.

The nonlinear domain costs seconds per thousand beats and grows faster than linearly (39 s for
2,000 beats here), so it is skipped above ``MAX_FULL_NONLINEAR_BEATS``; never call this in a
live or rolling loop.
"""

import math
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import neurokit2 as nk
import numpy as np
import numpy.typing as npt

from hrv_relax.analysis.artifacts import classify_artifacts
from hrv_relax.analysis.constants import (
    INTERPOLATION_RATE_HZ,
    MAX_FULL_NONLINEAR_BEATS,
    MIN_TIME_DOMAIN_BEATS,
)
from hrv_relax.analysis.phases import PhaseMark, session_phases
from hrv_relax.analysis.series import beat_series

NK_PREFIX = "HRV_"


@dataclass(frozen=True, slots=True)
class PhaseIndexSet:
    """One phase's neurokit2 indices, by neurokit2's name without "HRV_" (e.g. "RMSSD")."""

    phase: str
    start_s: float
    end_s: float
    n_beats: int
    n_clean: int
    values: tuple[tuple[str, float], ...]
    note: str


RrData = dict[str, npt.NDArray[np.float64]]
#: A neurokit2 domain function: RR data in, a one-row DataFrame of indices out.
Domain = Callable[[RrData], Any]


def _frequency(data: RrData) -> Any:
    return nk.hrv_frequency(
        data, interpolation_rate=INTERPOLATION_RATE_HZ, normalize=False, psd_method="welch"
    )


DOMAINS: tuple[tuple[str, Domain], ...] = (
    ("time", nk.hrv_time),
    ("frequency", _frequency),
    ("nonlinear", nk.hrv_nonlinear),
)


def _domain_values(compute: Domain, data: RrData) -> list[tuple[str, float]] | None:
    """One domain's indices as (name, value), or None when neurokit2 cannot compute it."""
    try:
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            frame = compute(data)
    except (ValueError, IndexError, ZeroDivisionError, np.linalg.LinAlgError):
        return None
    row = frame.iloc[0]
    out = []
    for name, value in row.items():
        number = float(value) if isinstance(value, int | float | np.number) else math.nan
        out.append((str(name).removeprefix(NK_PREFIX), number))
    return out


def phase_index_set(
    phase: str, start_s: float, end_s: float, rr_ms: npt.ArrayLike, t_s: npt.ArrayLike
) -> PhaseIndexSet:
    """The neurokit2 indices of one phase's beats (RR in ms ending at ``t_s`` in s)."""
    series = beat_series(rr_ms, t_s)
    keep = ~classify_artifacts(series.rr_ms).any
    nn, times = series.rr_ms[keep], series.t_s[keep]
    values: list[tuple[str, float]] = []
    notes: list[str] = []
    if nn.size < MIN_TIME_DOMAIN_BEATS:
        notes.append(f"{nn.size} clean beats: too few for any index")
        return PhaseIndexSet(phase, start_s, end_s, series.n, int(nn.size), (), "; ".join(notes))
    data = {"RRI": nn, "RRI_Time": times}
    for domain, compute in DOMAINS:
        if domain == "nonlinear" and nn.size > MAX_FULL_NONLINEAR_BEATS:
            notes.append(f"{nn.size} clean beats > {MAX_FULL_NONLINEAR_BEATS}: no nonlinear")
            continue
        got = _domain_values(compute, data)
        if got is None:
            notes.append(f"neurokit2 could not compute the {domain} indices")
            continue
        values.extend(got)
    return PhaseIndexSet(
        phase, start_s, end_s, series.n, int(nn.size), tuple(values), "; ".join(notes)
    )


def session_index_sets(
    rr_ms: npt.ArrayLike,
    markers: Sequence[PhaseMark] = (),
    *,
    t_s: npt.ArrayLike | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> tuple[PhaseIndexSet, ...]:
    """The neurokit2 index set of the baseline and every later phase, in order.

    ``progress(done, total)`` is called after each phase (the nonlinear domain is slow).
    """
    series = beat_series(rr_ms, t_s)
    start_s = float(series.t_s[0] - series.rr_ms[0] / 1000.0) if series.n else 0.0
    end_s = float(series.t_s[-1]) if series.n else 0.0
    spans = session_phases(markers, start_s, end_s)
    every = (spans.baseline, *spans.later)
    out = []
    for k, span in enumerate(every):
        inside = (series.t_s > span.start_s) & (series.t_s <= span.end_s)
        out.append(
            phase_index_set(
                span.label, span.start_s, span.end_s, series.rr_ms[inside], series.t_s[inside]
            )
        )
        if progress is not None:
            progress(k + 1, len(every))
    return tuple(out)
