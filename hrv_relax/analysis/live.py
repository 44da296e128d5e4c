"""Live HR and RMSSD over the last 60 s, updated in O(new beats) per notification.

The recorder and the live page push each notification's RR intervals; :class:`LiveHrv` keeps
running sums over a 60 s window (adding new beats, dropping old ones), so an update never
recomputes the window. Artefacts are judged with the same rules as the offline detector but
causally: a beat is judged when the two after it have arrived (the premature/compensatory
signature needs the pause and the return after it), so the window runs two beats behind the
newest; beats waiting when a gap comes are judged with the neighbours they have. The
reference is a trimmed mean of the last 21 pair means of plausible beats, flagged ones
included (a premature beat and its pause average to a sinus cycle); thresholds widen with
the recent best-lag spread (``SPREAD_MULTIPLE`` x) and beat-to-beat step (``STEP_MULTIPLE``
x) of the beats not plainly ectopic, so the large respiratory swings of a relaxed client
breathing slowly are not taken for ectopic beats.

A reading is shown only when the beats really cover the window: at least
``MIN_LIVE_COVERAGE_S`` of its 60 s from the oldest beat inside it to the newest, gaps inside
not counted, and at least ``MIN_LIVE_CLEAN_PAIRS`` clean successive pairs. A running sum of
the gaps keeps that O(1) per beat.
"""

import bisect
import math
from collections import deque
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from hrv_relax.analysis.constants import (
    ECTOPIC_JUMP_FRACTION,
    ECTOPIC_PREMATURE_FRACTION,
    GAP_TOLERANCE_S,
    IRREGULAR_BEATS,
    LONG_FRACTION,
    MAX_ARTIFACT_PCT,
    MIN_LIVE_CLEAN_PAIRS,
    MIN_LIVE_COVERAGE_S,
    MS_PER_MINUTE,
    PAUSE_RETURN_FRACTION,
    REFERENCE_BEATS,
    ROLLING_TIME_WINDOW_S,
    RR_MAX_MS,
    RR_MIN_MS,
    SOLO_PREMATURE_FRACTION,
    SPREAD_MULTIPLE,
    STEP_MULTIPLE,
    STRONG_JUMP_FRACTION,
)
from hrv_relax.analysis.reasons import Reason, ReasonCode
from hrv_relax.errors import AnalysisError


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
    why: Reason | None  # why HR or RMSSD is NaN (or shown with a caveat); None when fine

    @property
    def reason(self) -> str:
        """The reason in words, "" when there is none."""
        return self.why.text if self.why is not None else ""


#: A beat is judged once this many beats have followed it (the return after a pause).
LOOKAHEAD_BEATS = 2
#: Share of the reference's pair means cut from each end before averaging.
REFERENCE_TRIM_FRACTION = 0.2


@dataclass(slots=True)
class _Beat:
    t_s: float
    rr_ms: float
    clean: bool
    d2_ms2: float  # squared difference to the previous interval, NaN if not a clean pair
    gap_s: float = 0.0  # unrecorded time between the previous beat and this interval's start
    follows: bool = False  # starts where the previous interval ended (no gap)
    plain: bool = False  # plainly ectopic or missed (fixed thresholds): not a sinus step


class _RunningQuantiles:
    """The last ``size`` values kept in order: O(size) memmove per push, O(1) per quantile."""

    def __init__(self, size: int) -> None:
        self._recent: deque[float] = deque(maxlen=size)
        self._ordered: list[float] = []

    def __bool__(self) -> bool:
        return bool(self._recent)

    def append(self, value: float) -> None:
        """Add ``value``, dropping the oldest one when full."""
        if len(self._recent) == self._recent.maxlen:
            del self._ordered[bisect.bisect_left(self._ordered, self._recent[0])]
        self._recent.append(value)
        bisect.insort(self._ordered, value)

    def trimmed_mean(self, fraction: float) -> float:
        """Mean of the values left once ``fraction`` of them is cut from each end; NaN if empty."""
        cut = int(fraction * len(self._ordered))
        kept = self._ordered[cut : len(self._ordered) - cut]
        return math.fsum(kept) / len(kept) if kept else math.nan

    def quantile(self, q: float) -> float:
        """The ``q`` quantile (0-1), interpolated linearly as numpy's default; NaN if empty."""
        if not self._ordered:
            return math.nan
        pos = q * (len(self._ordered) - 1)
        lo = math.floor(pos)
        hi = min(lo + 1, len(self._ordered) - 1)
        return self._ordered[lo] + (pos - lo) * (self._ordered[hi] - self._ordered[lo])


def _plausible(rr_ms: float) -> bool:
    return RR_MIN_MS <= rr_ms <= RR_MAX_MS


PREMATURE = "premature"
MISSED = "missed"


def _judged(
    rel_before: float, rel: float, rel_after: float, rel_later: float, *, jump: float, solo: float
) -> str:
    """PREMATURE, MISSED or "" for an interval from its deviations from the reference.

    Premature: short, then a jump up that comes back down (a compensatory pause), or very
    short after a sudden drop; missed: far longer than the reference and its neighbours.
    A neighbour is NaN across a gap: no drop is seen from a missing interval before; with
    no interval after (the last before a gap), a drop into a short one is enough, as offline
    for the last interval; a missing return is given the benefit of the doubt.
    """
    rise = rel_after - rel
    returns = math.isnan(rel_later) or rel_after - rel_later > PAUSE_RETURN_FRACTION * rise
    dropped = rel_before - rel > jump
    if (
        (
            rel < -ECTOPIC_PREMATURE_FRACTION
            and rise > jump
            and (returns or rel < -solo or rise > STRONG_JUMP_FRACTION)
        )
        or (rel < -solo and dropped)
        or (math.isnan(rel_after) and rel < -ECTOPIC_PREMATURE_FRACTION and dropped)
    ):
        return PREMATURE
    neighbours = [x for x in (rel_before, rel_after) if not math.isnan(x)]
    if neighbours and rel > max(LONG_FRACTION, jump) and rel - max(neighbours) > jump:
        return MISSED
    return ""


class LiveHrv:
    """Incremental 60 s HR and RMSSD: ``push`` costs O(beats pushed + beats expired)."""

    def __init__(self, window_s: float = ROLLING_TIME_WINDOW_S) -> None:
        """Start an empty live window of ``window_s`` seconds."""
        self._window_s = window_s
        self._beats: deque[_Beat] = deque()
        self._refs = _RunningQuantiles(REFERENCE_BEATS)
        self._steps = _RunningQuantiles(IRREGULAR_BEATS)
        self._spread_all = _RunningQuantiles(IRREGULAR_BEATS)
        self._spread_rest = _RunningQuantiles(IRREGULAR_BEATS)
        self._recent_all: deque[float] = deque(maxlen=3)
        self._recent_rest: deque[float] = deque(maxlen=3)
        self._pending: deque[_Beat] = deque()
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
        if not (np.isfinite(rr).all() and np.isfinite(times).all()):
            raise AnalysisError("RR intervals and beat times must be finite numbers")
        for r, t in zip(rr.tolist(), times.tolist(), strict=True):
            self._add(r, t)
        return self.reading()

    def _reference(self) -> float:
        """The local sinus cycle: trimmed mean of the last pair means (a fifth cut each end).

        Robust to a few odd pairs like the median, but centred on a slow breathing swing,
        where the pair means cluster at its peaks and troughs and the median jumps between
        clusters (+5 % at an 8-beat breath of +/- 16 %; the quartiles' midpoint, +3.6 %).
        """
        return self._refs.trimmed_mean(REFERENCE_TRIM_FRACTION)

    def _widening(self) -> float:
        """How far the thresholds widen (fraction of the reference), as offline.

        SPREAD_MULTIPLE x the median best-lag (1-3 beats) deviation of the recent intervals,
        all or only those not plainly ectopic, whichever is smaller, and STEP_MULTIPLE x the
        median step between recent intervals that are not plainly ectopic.
        """
        spread = min(self._spread_all.quantile(0.5), self._spread_rest.quantile(0.5))
        step = self._steps.quantile(0.5)
        return max(
            SPREAD_MULTIPLE * spread if math.isfinite(spread) else 0.0,
            STEP_MULTIPLE * step if math.isfinite(step) else 0.0,
        )

    def _add(self, rr: float, t: float) -> None:
        first = math.isnan(self._t_first_s)
        if first:
            self._t_first_s = t - rr / 1000.0
        follows = abs(t - self._t_last_s - rr / 1000.0) <= GAP_TOLERANCE_S
        gap_s = 0.0 if follows or first else max(t - rr / 1000.0 - self._t_last_s, 0.0)
        self._t_last_s = t
        beat = _Beat(t, rr, _plausible(rr), math.nan, gap_s, follows and not first)
        if not beat.follows:  # a gap: what waits is judged with the neighbours it has
            while self._pending:
                waiting = list(self._pending)
                self._judge(*waiting, *[None] * (LOOKAHEAD_BEATS + 1 - len(waiting)))
                self._commit(self._pending.popleft())
        self._pending.append(beat)
        if len(self._pending) == LOOKAHEAD_BEATS + 1:
            self._judge(*self._pending)
            self._commit(self._pending.popleft())
        self._expire(t)

    def _judge(self, beat: _Beat, after: _Beat | None, later: _Beat | None) -> None:
        """Judge ``beat`` from its neighbours: the offline rules of :mod:`artifacts`, causal.

        A first judgment with fixed thresholds decides whether the step into ``beat`` counts
        towards the sinus step (as the offline first pass does); the final one uses thresholds
        widened by that step (:meth:`_widening`). ``after`` and ``later`` are None before a gap.
        """
        ref = self._reference()
        if math.isnan(ref):
            return
        rel, rel_after, rel_later = (
            b.rr_ms / ref - 1.0 if b is not None else math.nan for b in (beat, after, later)
        )
        before = self._beats[-1] if self._beats and beat.follows else None
        rel_before = before.rr_ms / ref - 1.0 if before is not None else math.nan
        rels = (rel_before, rel, rel_after, rel_later)
        plain = _judged(*rels, jump=ECTOPIC_JUMP_FRACTION, solo=SOLO_PREMATURE_FRACTION)
        beat.plain |= bool(plain)
        if after is not None:
            after.plain |= plain == PREMATURE
        if before is not None and not before.plain and not beat.plain:
            self._steps.append(abs(rel - rel_before))
        self._add_spread(self._spread_all, self._recent_all, beat.rr_ms, ref)
        if not beat.plain:
            self._add_spread(self._spread_rest, self._recent_rest, beat.rr_ms, ref)
        widen = self._widening()
        verdict = _judged(
            *rels,
            jump=max(ECTOPIC_JUMP_FRACTION, widen),
            solo=max(SOLO_PREMATURE_FRACTION, widen),
        )
        if verdict == PREMATURE:  # the ectopic beat ends this interval and starts the next
            beat.clean = False
            if after is not None:
                after.clean = False
        elif verdict == MISSED:
            beat.clean = False

    @staticmethod
    def _add_spread(
        spreads: _RunningQuantiles, recent_ms: deque[float], rr_ms: float, ref_ms: float
    ) -> None:
        """Record the best-lag deviation of ``rr_ms`` from ``recent_ms``, then remember it."""
        if recent_ms:
            spreads.append(min(abs(rr_ms - r) for r in recent_ms) / ref_ms)
        recent_ms.append(rr_ms)

    def _commit(self, beat: _Beat) -> None:
        """Account for a judged beat in the running sums."""
        before = self._beats[-1] if self._beats and beat.follows else None
        if before is not None and before.clean and beat.clean:
            beat.d2_ms2 = (beat.rr_ms - before.rr_ms) ** 2
        # Every plausible pair counts towards the reference, flagged or not (as offline): a
        # premature beat and its pause average to a sinus cycle, and leaving flagged pairs
        # out would let the reference drift away from the beats it then flags.
        if before is not None and _plausible(before.rr_ms) and _plausible(beat.rr_ms):
            self._refs.append((beat.rr_ms + before.rr_ms) / 2.0)
        elif not self._refs and beat.clean:
            self._refs.append(beat.rr_ms)
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
        # The oldest beat's difference is to a beat now outside the window: drop it.
        if self._beats:
            oldest = self._beats[0]
            if oldest.clean and not math.isnan(oldest.d2_ms2):
                self._sum_d2 -= oldest.d2_ms2
                self._n_pairs -= 1
                oldest.d2_ms2 = math.nan

    def covered_s(self) -> float:
        """Seconds of the window covered by its judged beats: oldest to newest, minus gaps."""
        if not self._beats:
            return 0.0
        oldest, newest = self._beats[0], self._beats[-1]
        start_s = max(oldest.t_s - oldest.rr_ms / 1000.0, self._t_last_s - self._window_s)
        # The gap before the oldest beat lies outside the window.
        inner_gaps_s = self._sum_gap_s - oldest.gap_s
        return max(newest.t_s - start_s - inner_gaps_s, 0.0)

    def coverage_reason(self) -> Reason | None:
        """Why the window's beats do not cover it yet (first minute, gaps), or None."""
        since_first_s = self._t_last_s - self._t_first_s if self._beats else 0.0
        if since_first_s < self._window_s:
            return Reason(
                ReasonCode.FIRST_MINUTE,
                f"first minute: {since_first_s:.0f} s of {self._window_s:.0f} s recorded",
            )
        covered_s = self.covered_s()
        if covered_s < MIN_LIVE_COVERAGE_S:
            return Reason(
                ReasonCode.LIVE_GAP,
                f"gap: only {covered_s:.0f} s of the last {self._window_s:.0f} s recorded "
                f"(needs {MIN_LIVE_COVERAGE_S:.0f} s)",
            )
        return None

    def _content_reason(self, artifact_pct: float) -> Reason | None:
        """Why the covered window's beats cannot support a reading (artefacts, pairs), or None."""
        if artifact_pct > MAX_ARTIFACT_PCT:
            return Reason(
                ReasonCode.LIVE_ARTEFACTS,
                f"too many artefacts in the last minute: {artifact_pct:.0f} %",
            )
        if self._n_pairs < MIN_LIVE_CLEAN_PAIRS:
            return Reason(
                ReasonCode.LIVE_FEW_PAIRS,
                f"too few clean successive beats in the last minute: {self._n_pairs} "
                f"< {MIN_LIVE_CLEAN_PAIRS}",
            )
        return None

    def reading(self) -> LiveReading:
        """The current window's HR, RMSSD, artefact share, and whether they can be shown."""
        n = len(self._beats)
        pct = 100.0 * self._n_flagged / n if n else 0.0
        reason = self.coverage_reason() or self._content_reason(pct)
        ok = reason is None
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
            why=reason,
        )
