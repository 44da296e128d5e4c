"""Live HR and RMSSD over the last 60 s, updated in O(new beats) per notification.

The recorder and the live page push each notification's RR intervals; :class:`LiveHrv` keeps
running sums over a 60 s window (adding new beats, dropping old ones), so an update never
recomputes the window. Artefacts are judged with the same rules as the offline detector but
causally: a beat is judged when the next one arrives (the premature/compensatory signature
needs it), against the median of the last clean pair means.

A reading is shown only when the beats really cover the window: at least
``MIN_LIVE_COVERAGE_S`` of its 60 s from the oldest beat inside it to the newest, gaps inside
not counted, and at least ``MIN_LIVE_CLEAN_PAIRS`` clean successive pairs. A running sum of
the gaps keeps that O(1) per beat.
"""

import math
from collections import deque
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from hrv_relax.analysis.constants import (
    ECTOPIC_JUMP_FRACTION,
    ECTOPIC_PREMATURE_FRACTION,
    GAP_TOLERANCE_S,
    LONG_FRACTION,
    MAX_ARTIFACT_PCT,
    MIN_LIVE_CLEAN_PAIRS,
    MIN_LIVE_COVERAGE_S,
    MS_PER_MINUTE,
    REFERENCE_BEATS,
    ROLLING_TIME_WINDOW_S,
    RR_MAX_MS,
    RR_MIN_MS,
    SOLO_PREMATURE_FRACTION,
)
from hrv_relax.analysis.errors import AnalysisError


@dataclass(frozen=True, slots=True)
class LiveReading:
    """Current HR (bpm) and RMSSD (ms) over the last 60 s; NaN with a reason when unsupported."""

    t_s: float
    hr_bpm: float
    rmssd_ms: float
    ln_rmssd: float
    artifact_pct: float
    n_beats: int
    supportable: bool
    reason: str


@dataclass(slots=True)
class _Beat:
    t_s: float
    rr_ms: float
    clean: bool
    d2_ms2: float  # squared difference to the previous interval, NaN if not a clean pair
    gap_s: float = 0.0  # unrecorded time between the previous beat and this interval's start


class LiveHrv:
    """Incremental 60 s HR and RMSSD: ``push`` costs O(beats pushed + beats expired)."""

    def __init__(self, window_s: float = ROLLING_TIME_WINDOW_S) -> None:
        """Start an empty live window of ``window_s`` seconds."""
        self._window_s = window_s
        self._beats: deque[_Beat] = deque()
        self._refs: deque[float] = deque(maxlen=REFERENCE_BEATS)
        self._pending: _Beat | None = None
        self._t_first_s = math.nan
        self._t_last_s = 0.0
        self._sum_rr = 0.0
        self._n_clean = 0
        self._sum_d2 = 0.0
        self._n_pairs = 0
        self._n_flagged = 0
        self._sum_gap_s = 0.0

    def push(self, rr_ms: npt.ArrayLike, t_s: npt.ArrayLike | None = None) -> LiveReading:
        """Add RR intervals (ms) ending at ``t_s`` (s; default: contiguous) and read the window."""
        rr = np.atleast_1d(np.asarray(rr_ms, dtype=np.float64))
        if t_s is None:
            times = self._t_last_s + np.cumsum(rr) / 1000.0
        else:
            times = np.atleast_1d(np.asarray(t_s, dtype=np.float64))
            if times.size != rr.size:
                raise AnalysisError(f"t_s has {times.size} values but rr_ms has {rr.size}")
        for r, t in zip(rr.tolist(), times.tolist(), strict=True):
            self._add(r, t)
        return self.reading()

    def _reference(self) -> float:
        return float(np.median(self._refs)) if self._refs else math.nan

    def _add(self, rr: float, t: float) -> None:
        first = math.isnan(self._t_first_s)
        if first:
            self._t_first_s = t - rr / 1000.0
        follows = abs(t - self._t_last_s - rr / 1000.0) <= GAP_TOLERANCE_S
        gap_s = 0.0 if follows or first else max(t - rr / 1000.0 - self._t_last_s, 0.0)
        self._t_last_s = t
        beat = _Beat(t, rr, RR_MIN_MS <= rr <= RR_MAX_MS, math.nan, gap_s)
        prev = self._pending
        ref = self._reference()
        if prev is not None and follows and not math.isnan(ref):
            rel_prev, rel = prev.rr_ms / ref - 1.0, rr / ref - 1.0
            premature = rel_prev < -SOLO_PREMATURE_FRACTION or (
                rel_prev < -ECTOPIC_PREMATURE_FRACTION and rel - rel_prev > ECTOPIC_JUMP_FRACTION
            )
            if premature:  # the ectopic beat ends prev and starts this one
                prev.clean = beat.clean = False
            if rel > LONG_FRACTION and rel - rel_prev > ECTOPIC_JUMP_FRACTION:
                beat.clean = False
        if prev is not None:
            self._commit(prev)
        if prev is not None and follows and prev.clean and beat.clean:
            beat.d2_ms2 = (rr - prev.rr_ms) ** 2
        if beat.clean and prev is not None and prev.clean:
            self._refs.append((rr + prev.rr_ms) / 2.0)
        elif not self._refs and beat.clean:
            self._refs.append(rr)
        self._pending = beat
        self._expire(t)

    def _commit(self, beat: _Beat) -> None:
        """Account for a judged beat in the running sums."""
        self._beats.append(beat)
        self._sum_gap_s += beat.gap_s
        if beat.clean:
            self._sum_rr += beat.rr_ms
            self._n_clean += 1
            if not math.isnan(beat.d2_ms2):
                self._sum_d2 += beat.d2_ms2
                self._n_pairs += 1
        else:
            self._n_flagged += 1

    def _expire(self, now_s: float) -> None:
        while self._beats and self._beats[0].t_s <= now_s - self._window_s:
            old = self._beats.popleft()
            self._sum_gap_s -= old.gap_s
            if old.clean:
                self._sum_rr -= old.rr_ms
                self._n_clean -= 1
                if not math.isnan(old.d2_ms2):
                    self._sum_d2 -= old.d2_ms2
                    self._n_pairs -= 1
            else:
                self._n_flagged -= 1
        # A pair straddling the window start keeps its difference: one pair in ~70, harmless.

    def covered_s(self) -> float:
        """Seconds of the window covered by its judged beats: oldest to newest, minus gaps."""
        if not self._beats:
            return 0.0
        oldest, newest = self._beats[0], self._beats[-1]
        start_s = max(oldest.t_s - oldest.rr_ms / 1000.0, self._t_last_s - self._window_s)
        # The gap before the oldest beat lies outside the window.
        inner_gaps_s = self._sum_gap_s - oldest.gap_s
        return max(newest.t_s - start_s - inner_gaps_s, 0.0)

    def reading(self) -> LiveReading:
        """The current window's HR, RMSSD, artefact share, and whether they can be shown."""
        n = len(self._beats)
        pct = 100.0 * self._n_flagged / n if n else 0.0
        since_first_s = self._t_last_s - self._t_first_s if n else 0.0
        covered_s = self.covered_s()
        reason = ""
        if since_first_s < self._window_s:
            reason = f"first minute: {since_first_s:.0f} s of {self._window_s:.0f} s recorded"
        elif covered_s < MIN_LIVE_COVERAGE_S:
            reason = (
                f"gap: only {covered_s:.0f} s of the last {self._window_s:.0f} s recorded "
                f"(needs {MIN_LIVE_COVERAGE_S:.0f} s)"
            )
        elif pct > MAX_ARTIFACT_PCT:
            reason = f"too many artefacts in the last minute: {pct:.0f} %"
        elif self._n_pairs < MIN_LIVE_CLEAN_PAIRS:
            reason = (
                f"too few clean successive beats in the last minute: {self._n_pairs} "
                f"< {MIN_LIVE_CLEAN_PAIRS}"
            )
        ok = not reason
        hr = MS_PER_MINUTE * self._n_clean / self._sum_rr if ok else math.nan
        rmssd = math.sqrt(max(self._sum_d2, 0.0) / self._n_pairs) if ok else math.nan
        return LiveReading(
            t_s=self._t_last_s,
            hr_bpm=hr,
            rmssd_ms=rmssd,
            ln_rmssd=math.log(rmssd) if ok and rmssd > 0 else math.nan,
            artifact_pct=pct,
            n_beats=n,
            supportable=ok,
            reason=reason,
        )
