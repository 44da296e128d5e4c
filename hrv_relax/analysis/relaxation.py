"""Relaxation shift: how a phase of a session differs from its baseline, with uncertainty.

Method in plain words: the baseline and the phase are each cut into 30 s pieces. For each
piece we take the heart rate and lnRMSSD. The change is the phase mean minus the baseline mean.
Its 95 % interval allows for what makes a resting heart wander with no change at all: pieces a
minute apart resemble each other, and the heart period drifts slowly over a session, so the
longer apart two stretches are, the more they differ. Both are measured on the session itself,
as the variogram of its pieces (``change_variance``), with a floor for the slow drift that one
session cannot see; the interval is calibrated by simulation (docs/analysis.md). A phase is
"more relaxed" when heart rate fell or lnRMSSD rose by more than the smallest worthwhile change
and the interval excludes zero, without the other measure pointing clearly the other way;
"more aroused" in the mirror case; otherwise "no clear change". This follows the massage
literature (Diego & Field 2009; Delaney 2002): HR and vagal HRV are the primary, fast measures.

HF power and the PNS/SNS index need longer windows, so they get a bootstrap over 60 s
pieces (Task Force 1996: ~1 min for HF): the change and its interval are those of the piece
means. For PNS/SNS the pieces are shorter than the 2 min the index is reported on
(a phase's own PNS/SNS, in its indices, uses the whole phase), but comparing whole windows of
different lengths is biased: the stress index falls as a window grows (its RR range widens),
which on a stationary synthetic session moved SNS by -0.25 between a 5 min baseline and a
10 min phase. Pieces of equal length on both sides remove that bias. None of these enters the
verdict, and their i.i.d. bootstrap ignores the pieces' autocorrelation and the drift, so their
intervals are too narrow: a guide only. Too short a baseline or phase for two pieces
gives no interval (NaN), and ln HF then falls back to the whole windows' change.
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np

from hrv_relax.analysis.breathing import is_slow
from hrv_relax.analysis.change_variance import (
    INTERVAL_Z,
    LN_RMSSD_FLOOR_SLOPE,
    RESPONSE_S,
    PieceGroup,
    Variogram,
    change_variance,
    fit_with_steps,
    hr_floor_slope,
)
from hrv_relax.analysis.constants import (
    BOOTSTRAP_RESAMPLES,
    CONFIDENCE_LEVEL,
    MAX_ARTIFACT_PCT,
    MAX_ARTIFACT_PCT_SPECTRAL,
    MAX_SPECTRAL_GAP_S,
    MIN_CLEAN_PAIRS,
    MIN_HR_CHANGE_BPM,
    MIN_LN_RMSSD_CHANGE,
    MIN_TIME_DOMAIN_BEATS,
    MIN_TIME_DOMAIN_S,
    MS_PER_MINUTE,
    SLOW_SUBWINDOW_S,
    SLOWER_BREATHING_PER_MIN,
    SUBWINDOW_S,
)
from hrv_relax.analysis.detrending import smoothness_priors_operator
from hrv_relax.analysis.frequency import Resampled, band_powers_rows
from hrv_relax.analysis.indices import HrvIndices
from hrv_relax.analysis.norms import AutonomicNorms
from hrv_relax.analysis.rolling import window_pns_sns
from hrv_relax.analysis.series import BeatSeries, BoolArray, FloatArray, IntArray
from hrv_relax.analysis.windows import WindowGrid, window_coverage, window_grid, window_moments

Verdict = Literal["more relaxed", "no clear change", "more aroused"]
MIN_SUBWINDOWS = 2
#: A later phase's settled pieces (after RESPONSE_S) stand for its wander only from this many
#: (5 minutes of 30 s pieces).
MIN_SETTLED_PIECES = 10
#: Fixed seed: the same session always gives the same interval.
BOOTSTRAP_SEED = 20190516
BOOTSTRAP_CHUNK = 100


@dataclass(frozen=True, slots=True)
class Change:
    """Phase minus baseline for one measure, with a bootstrap confidence interval."""

    baseline: float
    phase: float
    delta: float
    ci_low: float
    ci_high: float


@dataclass(frozen=True, slots=True)
class RelaxationShift:
    """All changes of one phase against the baseline, and the verdict."""

    hr_bpm: Change
    ln_rmssd: Change
    rmssd_pct: float
    ln_hf: Change
    pns_index: Change
    sns_index: Change
    verdict: Verdict
    reason: str


@dataclass(frozen=True, slots=True)
class SubWindows:
    """Heart rate (bpm) and lnRMSSD of the usable 30 s pieces of one stretch of a session.

    ``end_s`` is each piece's end (session time, s) and ``start_s`` the stretch's start.
    """

    hr_bpm: FloatArray
    ln_rmssd: FloatArray
    end_s: FloatArray
    start_s: float

    @property
    def position(self) -> IntArray:
        """Each piece's place on the session's 30 s grid (pieces never share one)."""
        return np.floor(self.end_s / SUBWINDOW_S + 1e-9).astype(np.intp)

    def settled(self) -> "SubWindows":
        """The pieces after the stretch's first RESPONSE_S, when a response has built up."""
        late = self.end_s - SUBWINDOW_S >= self.start_s + RESPONSE_S - 1e-9
        return SubWindows(self.hr_bpm[late], self.ln_rmssd[late], self.end_s[late], self.start_s)


def _piece_grid(series: BeatSeries, start_s: float, end_s: float, piece_s: float) -> WindowGrid:
    """Consecutive pieces of ``piece_s`` over (start_s, end_s], indexed into the series.

    A piece counts once the series reaches its end. A phase's last piece may end at the mark
    that closes the phase, after the phase's last beat: the next phase's beats show that the
    strap was recording then (the session's last phase ends at its last beat).
    """
    if not ((series.t_s > start_s) & (series.t_s <= end_s)).any():
        empty = np.empty(0, dtype=np.intp)
        return WindowGrid(np.empty(0), empty, empty)
    grid = window_grid(series.t_s, piece_s, piece_s, start_s)
    whole = grid.end_s <= end_s + 1e-9
    return WindowGrid(grid.end_s[whole], grid.lo[whole], grid.hi[whole])


def subwindows(series: BeatSeries, keep: BoolArray, start_s: float, end_s: float) -> SubWindows:
    """Cut (start_s, end_s] into 30 s pieces and give each piece's HR and lnRMSSD."""
    grid = _piece_grid(series, start_s, end_s, SUBWINDOW_S)
    if grid.end_s.size == 0:
        return SubWindows(np.empty(0), np.empty(0), np.empty(0), start_s)
    mom = window_moments(series, keep, grid)
    with np.errstate(invalid="ignore", divide="ignore"):
        hr = MS_PER_MINUTE / mom.mean_rr_ms
        ln_rmssd = 0.5 * np.log(mom.mean_sq_diff_ms2)
    cover = window_coverage(series, grid, MAX_SPECTRAL_GAP_S, SUBWINDOW_S)
    usable = (
        np.isfinite(hr)
        & np.isfinite(ln_rmssd)
        & (mom.n_nn >= 0.5 * mom.n_all)
        & (mom.n_all >= MIN_TIME_DOMAIN_BEATS)
        & (mom.n_pairs >= MIN_CLEAN_PAIRS)
        & (cover.covered_s >= MIN_TIME_DOMAIN_S)
    )
    return SubWindows(hr[usable], ln_rmssd[usable], grid.end_s[usable], start_s)


@dataclass(frozen=True, slots=True)
class SlowPieces:
    """ln HF (ln ms^2), PNS and SNS index of the 60 s pieces of one stretch of a session."""

    ln_hf: FloatArray
    pns_index: FloatArray
    sns_index: FloatArray


def slow_pieces(
    series: BeatSeries,
    keep: BoolArray,
    start_s: float,
    end_s: float,
    *,
    even: Resampled,
    residual_ms: FloatArray,
    detrend: float | None,
    norms: AutonomicNorms,
) -> SlowPieces:
    """ln HF, PNS and SNS of each 60 s piece of (start_s, end_s].

    ``even`` is the session's clean beats splined at 4 Hz and ``residual_ms`` the clean
    intervals minus their slow trend (the stress index input), both computed once per session.
    """
    grid = _piece_grid(series, start_s, end_s, SLOW_SUBWINDOW_S)
    if grid.end_s.size == 0:
        return SlowPieces(np.empty(0), np.empty(0), np.empty(0))
    mom = window_moments(series, keep, grid)
    with np.errstate(invalid="ignore", divide="ignore"):
        pct = 100.0 * (1.0 - mom.n_nn / mom.n_all)
    pns, sns = window_pns_sns(grid, mom, keep, residual_ms, norms)
    # Gap time counts as unusable, and the spline must not bridge a long gap (as rolling).
    cover = window_coverage(series, grid, MAX_SPECTRAL_GAP_S, SLOW_SUBWINDOW_S)
    ok = (pct + cover.gap_pct <= MAX_ARTIFACT_PCT) & (mom.n_pairs >= MIN_CLEAN_PAIRS)
    ln_hf = np.full(grid.end_s.size, math.nan)
    width = round(SLOW_SUBWINDOW_S * even.rate_hz)
    first = np.round((grid.end_s - SLOW_SUBWINDOW_S - even.t0_s) * even.rate_hz).astype(np.intp)
    inside = (
        (first >= 0)
        & (first + width <= even.rr_ms.size)
        & (pct + cover.gap_pct <= MAX_ARTIFACT_PCT_SPECTRAL)
        & ~cover.has_long_gap
    )
    if inside.any():
        rows = np.stack([even.rr_ms[f : f + width] for f in first[inside]])
        if detrend is not None:
            rows = rows @ smoothness_priors_operator(width, detrend).T
        _, _, hf = band_powers_rows(rows, even.rate_hz)
        with np.errstate(divide="ignore"):
            ln_hf[inside] = np.where(hf > 0, np.log(np.maximum(hf, 1e-300)), math.nan)
    return SlowPieces(
        ln_hf=ln_hf[np.isfinite(ln_hf)],
        pns_index=pns[ok & np.isfinite(pns)],
        sns_index=sns[ok & np.isfinite(sns)],
    )


@dataclass(frozen=True, slots=True)
class PieceVariability:
    """How a session's heart rate and lnRMSSD pieces wander: their variograms."""

    hr_bpm: Variogram
    ln_rmssd: Variogram


def session_variability(baseline: SubWindows, later: Sequence[SubWindows]) -> PieceVariability:
    """The variograms of a session's pieces: within the baseline and each later phase.

    A later phase's first RESPONSE_S are left out (a response builds up there) unless that
    leaves fewer than MIN_SETTLED_PIECES: then the whole phase counts, build-up and all (wider,
    never narrower: a few pieces alone mis-measured the wander, and 13 % of no-change live
    readings 5 minutes into a session were clear). Pairs never straddle two stretches, where
    a true change would pose as drift. Each later stretch may hold one step, a level shift
    within it (``fit_with_steps``): pairs do not straddle it either.
    """
    settled = [p.settled() for p in later]
    stretches = [
        baseline,
        *(
            s if s.hr_bpm.size >= MIN_SETTLED_PIECES else p
            for s, p in zip(settled, later, strict=True)
        ),
    ]
    hr = [PieceGroup(p.position, p.hr_bpm) for p in stretches]
    ln = [PieceGroup(p.position, p.ln_rmssd) for p in stretches]
    level = float(np.mean(baseline.hr_bpm)) if baseline.hr_bpm.size else math.nan
    return PieceVariability(
        hr_bpm=fit_with_steps(hr[0], hr[1:], hr_floor_slope(level)),
        ln_rmssd=fit_with_steps(ln[0], ln[1:], LN_RMSSD_FLOOR_SLOPE),
    )


def _drift_aware_change(
    base: FloatArray,
    phase: FloatArray,
    base_position: IntArray,
    phase_position: IntArray,
    model: Variogram,
) -> Change:
    """Phase minus baseline mean with the variogram's interval (INTERVAL_Z SDs either side)."""
    b_mean = float(np.mean(base)) if base.size else math.nan
    p_mean = float(np.mean(phase)) if phase.size else math.nan
    delta = p_mean - b_mean
    if base.size < MIN_SUBWINDOWS or phase.size < MIN_SUBWINDOWS:
        return Change(b_mean, p_mean, delta, math.nan, math.nan)
    variance = change_variance(base_position, phase_position, model)
    if not math.isfinite(variance):
        return Change(b_mean, p_mean, delta, math.nan, math.nan)
    half = INTERVAL_Z * math.sqrt(max(variance, 0.0))
    return Change(b_mean, p_mean, delta, delta - half, delta + half)


def _bootstrap_delta(base: FloatArray, phase: FloatArray, rng: np.random.Generator) -> Change:
    b_mean = float(np.mean(base)) if base.size else math.nan
    p_mean = float(np.mean(phase)) if phase.size else math.nan
    if base.size < MIN_SUBWINDOWS or phase.size < MIN_SUBWINDOWS:
        return Change(b_mean, p_mean, p_mean - b_mean, math.nan, math.nan)
    deltas = np.empty(BOOTSTRAP_RESAMPLES)
    # In chunks: a day-long phase has thousands of pieces, and 2000 x n indices would not fit
    # the memory budget.
    for lo in range(0, BOOTSTRAP_RESAMPLES, BOOTSTRAP_CHUNK):
        k = min(BOOTSTRAP_CHUNK, BOOTSTRAP_RESAMPLES - lo)
        b_idx = rng.integers(0, base.size, size=(k, base.size))
        p_idx = rng.integers(0, phase.size, size=(k, phase.size))
        deltas[lo : lo + k] = phase[p_idx].mean(axis=1) - base[b_idx].mean(axis=1)
    tail = 100.0 * (1.0 - CONFIDENCE_LEVEL) / 2.0
    low, high = np.percentile(deltas, [tail, 100.0 - tail])
    return Change(b_mean, p_mean, p_mean - b_mean, float(low), float(high))


def _point_change(base: float, phase: float) -> Change:
    """A change of whole-window indices, without an interval."""
    return Change(base, phase, phase - base, math.nan, math.nan)


def _direction(change: Change, minimum: float) -> int:
    """+1 if clearly up, -1 if clearly down, 0 otherwise."""
    if math.isnan(change.ci_low) or abs(change.delta) < minimum:
        return 0
    if change.ci_low > 0:
        return 1
    if change.ci_high < 0:
        return -1
    return 0


def verdict(hr: Change, ln_rmssd: Change) -> tuple[Verdict, str]:
    """Combine the HR and lnRMSSD changes into a verdict and a one-line reason."""
    relaxed = (-_direction(hr, MIN_HR_CHANGE_BPM), _direction(ln_rmssd, MIN_LN_RMSSD_CHANGE))
    if math.isnan(hr.ci_low) and math.isnan(ln_rmssd.ci_low):
        return "no clear change", "too few clean 30 s pieces to judge"
    if max(relaxed) > 0 and min(relaxed) >= 0:
        return "more relaxed", "heart rate down and/or RMSSD up beyond chance"
    if min(relaxed) < 0 and max(relaxed) <= 0:
        return "more aroused", "heart rate up and/or RMSSD down beyond chance"
    if max(relaxed) > 0:
        return "no clear change", "heart rate and RMSSD moved in opposite directions"
    return "no clear change", "changes within the uncertainty or below the smallest worthwhile"


NO_CHANGE = Change(math.nan, math.nan, math.nan, math.nan, math.nan)


def slower_breathing_verdict(
    word: Verdict, reason: str, hr: Change, base: HrvIndices, phase: HrvIndices
) -> tuple[Verdict, str]:
    """Never "more aroused" on RMSSD alone when breathing slowed (slow relaxed breathing).

    RMSSD falls when breathing slows at the same RSA (the successive differences of a slower
    rhythm are smaller), so with the phase breathing below the HF band, or slower than the
    baseline by ``SLOWER_BREATHING_PER_MIN``, a fall in RMSSD is no sign of arousal; only a
    clear rise in heart rate still is.
    """
    b, p = base.breathing_rate_per_min, phase.breathing_rate_per_min
    slowed = is_slow(p) or (math.isfinite(b) and p <= b - SLOWER_BREATHING_PER_MIN)
    hr_up = hr.ci_low > 0 and hr.delta >= MIN_HR_CHANGE_BPM
    if word != "more aroused" or not slowed or hr_up:
        return word, reason
    since = f"from ~{b:.0f} " if math.isfinite(b) else ""
    return "no clear change", (
        f"breathing slowed {since}to ~{p:.0f}/min, which lowers RMSSD without arousal; "
        "heart rate did not rise clearly"
    )


def heart_changes(
    base: SubWindows, phase: SubWindows, variability: PieceVariability | None = None
) -> tuple[Change, Change]:
    """The heart-rate (bpm) and lnRMSSD changes of a phase, with drift-aware intervals."""
    wander = variability or session_variability(base, [phase])
    b_pos, p_pos = base.position, phase.position
    return (
        _drift_aware_change(base.hr_bpm, phase.hr_bpm, b_pos, p_pos, wander.hr_bpm),
        _drift_aware_change(base.ln_rmssd, phase.ln_rmssd, b_pos, p_pos, wander.ln_rmssd),
    )


def relaxation_shift(
    base_pieces: SubWindows,
    phase_pieces: SubWindows,
    base_indices: HrvIndices,
    phase_indices: HrvIndices,
    *,
    base_slow: SlowPieces | None = None,
    phase_slow: SlowPieces | None = None,
    variability: PieceVariability | None = None,
) -> RelaxationShift:
    """The shift of one phase against the baseline (HR in bpm, lnRMSSD, RMSSD in %).

    ``variability`` is the session's (:func:`session_variability` over all its phases);
    without, it comes from the baseline and this phase alone. With the 60 s pieces
    (``base_slow``, ``phase_slow``), ln HF and the PNS/SNS index are bootstrapped over them
    too; without, ln HF is the whole windows' change without an interval and PNS/SNS are NaN.
    """
    hr, ln_rmssd = heart_changes(base_pieces, phase_pieces, variability)
    rng = np.random.default_rng(BOOTSTRAP_SEED)
    word, reason = slower_breathing_verdict(*verdict(hr, ln_rmssd), hr, base_indices, phase_indices)
    empty = SlowPieces(np.empty(0), np.empty(0), np.empty(0))
    b_slow, p_slow = base_slow or empty, phase_slow or empty
    ln_hf = _bootstrap_delta(b_slow.ln_hf, p_slow.ln_hf, rng)
    if math.isnan(ln_hf.delta):
        # Too short for 60 s pieces: the whole windows' change, without an interval.
        ln_hf = _point_change(base_indices.ln_hf, phase_indices.ln_hf)
    # Equal 60 s pieces on both sides: whole windows of different lengths bias the stress index.
    pns = _bootstrap_delta(b_slow.pns_index, p_slow.pns_index, rng)
    sns = _bootstrap_delta(b_slow.sns_index, p_slow.sns_index, rng)
    if is_slow(base_indices.breathing_rate_per_min) or is_slow(
        phase_indices.breathing_rate_per_min
    ):
        # Slow breathing on either side: HF and PNS/SNS would read it as less vagal.
        ln_hf = pns = sns = NO_CHANGE
    return RelaxationShift(
        hr_bpm=hr,
        ln_rmssd=ln_rmssd,
        rmssd_pct=100.0 * math.expm1(ln_rmssd.delta),
        ln_hf=ln_hf,
        pns_index=pns,
        sns_index=sns,
        verdict=word,
        reason=reason,
    )
