"""A client's usual resting lnRMSSD, from their past sessions' baselines.

The usual range is a prediction interval: where the next baseline of a client whose resting
HRV is stable falls with probability ``USUAL_RANGE_LEVEL``, given ``n`` past baselines with mean
m and SD s (the normal-theory interval, e.g. Hahn & Meeker 1991, "Statistical Intervals"):
m +/- t(1 - alpha/2, n - 1) s sqrt(1 + 1/n). The mean +/- 1 SD band of HRV4Training and Elite HRV
is narrower: with 3 past sessions it called about half of a stable client's baselines
"outside" (and a fifth with many sessions). With a 90 % level, a stable client's baseline is
"below" 5 % of the time, whatever ``n`` (tested by simulation), from ``MIN_HISTORY_SESSIONS``
past sessions on. A value outside says only that today differs from the client's usual; it
does not say why.
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt
from scipy.stats import t as student_t

from hrv_relax.analysis.constants import MIN_HISTORY_SESSIONS, USUAL_RANGE_LEVEL

NormalPosition = Literal["below normal", "within normal", "above normal", "no history"]


@dataclass(frozen=True, slots=True)
class NormalRange:
    """A client's usual baseline lnRMSSD: the prediction interval from past baselines."""

    mean_ln_rmssd: float
    sd_ln_rmssd: float
    n_sessions: int

    @property
    def half_width(self) -> float:
        """Half the width of the prediction interval (lnRMSSD)."""
        return float(_half_widths(np.float64(self.sd_ln_rmssd), np.int64(self.n_sessions)))

    @property
    def low(self) -> float:
        """Lower edge of the usual range (lnRMSSD)."""
        return self.mean_ln_rmssd - self.half_width

    @property
    def high(self) -> float:
        """Upper edge of the usual range (lnRMSSD)."""
        return self.mean_ln_rmssd + self.half_width


def normal_range(past_baseline_ln_rmssd: Sequence[float]) -> NormalRange | None:
    """The client's usual range from past baseline lnRMSSD values; None with too few."""
    values = np.asarray([v for v in past_baseline_ln_rmssd if math.isfinite(v)], np.float64)
    if values.size < MIN_HISTORY_SESSIONS:
        return None
    return NormalRange(float(values.mean()), float(values.std(ddof=1)), int(values.size))


@dataclass(frozen=True, slots=True)
class NormalRanges:
    """Many sessions' usual ranges at once (lnRMSSD; NaN where too few earlier sessions)."""

    low: npt.NDArray[np.float64]
    high: npt.NDArray[np.float64]
    n_sessions: npt.NDArray[np.int64]  # the finite earlier baselines each range rests on


def rolling_normal_ranges(
    baseline_ln_rmssd: npt.NDArray[np.float64], client_id: npt.NDArray[np.int64], window: int
) -> NormalRanges:
    """Each session's usual range from its client's `window` sessions before it (the values
    in time order): :func:`normal_range` of those earlier baselines, for every session at once.
    """
    values = np.asarray(baseline_ln_rmssd, np.float64)
    n = values.size
    order = np.argsort(client_id, kind="stable")  # each client's sessions, in time order
    ordered, clients = values[order], np.asarray(client_id)[order]
    position = np.arange(n)
    new_client = np.ones(n, dtype=bool)
    new_client[1:] = clients[1:] != clients[:-1]
    first = np.maximum.accumulate(np.where(new_client, position, 0))
    earlier = position[:, None] - np.arange(window, 0, -1)[None, :]  # oldest first
    past = np.where(earlier >= first[:, None], ordered[np.clip(earlier, 0, None)], np.nan)
    finite = np.isfinite(past)
    count = finite.sum(axis=1)
    enough = count >= MIN_HISTORY_SESSIONS
    used = np.maximum(count, 2)  # equals `count` where there are enough; keeps the rest finite
    mean = np.where(finite, past, 0.0).sum(axis=1) / used
    deviation = np.where(finite, past - mean[:, None], 0.0)
    half = _half_widths(np.sqrt((deviation**2).sum(axis=1) / (used - 1)), used)
    low, high = np.full(n, np.nan), np.full(n, np.nan)
    low[order] = np.where(enough, mean - half, np.nan)
    high[order] = np.where(enough, mean + half, np.nan)
    n_sessions = np.empty(n, np.int64)
    n_sessions[order] = count
    return NormalRanges(low, high, n_sessions)


def _half_widths(sd: npt.ArrayLike, n: npt.ArrayLike) -> npt.NDArray[np.float64]:
    """Half widths of prediction intervals from `n` values with SD `sd` (see the module)."""
    n_values = np.asarray(n, np.float64)
    quantile = student_t.ppf(0.5 + USUAL_RANGE_LEVEL / 2.0, n_values - 1)
    return np.asarray(quantile * np.asarray(sd) * np.sqrt(1.0 + 1.0 / n_values), np.float64)


def positions_against_normal(
    ln_rmssd: npt.NDArray[np.float64], ranges: NormalRanges
) -> npt.NDArray[np.object_]:
    """:func:`against_normal` of each session's lnRMSSD against its own usual range."""
    out = np.full(ln_rmssd.size, "no history", dtype=object)
    known = np.isfinite(ln_rmssd) & np.isfinite(ranges.low)
    out[known] = "within normal"
    out[known & (ln_rmssd < ranges.low)] = "below normal"
    out[known & (ln_rmssd > ranges.high)] = "above normal"
    return out


def against_normal(ln_rmssd: float, usual: NormalRange | None) -> NormalPosition:
    """Where a lnRMSSD value sits against the client's usual range."""
    if usual is None or not math.isfinite(ln_rmssd):
        return "no history"
    if ln_rmssd < usual.low:
        return "below normal"
    if ln_rmssd > usual.high:
        return "above normal"
    return "within normal"
