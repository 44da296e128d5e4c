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
        n = self.n_sessions
        quantile = float(student_t.ppf(0.5 + USUAL_RANGE_LEVEL / 2.0, n - 1))
        return quantile * self.sd_ln_rmssd * math.sqrt(1.0 + 1.0 / n)

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


def against_normal(ln_rmssd: float, usual: NormalRange | None) -> NormalPosition:
    """Where a lnRMSSD value sits against the client's usual range."""
    if usual is None or not math.isfinite(ln_rmssd):
        return "no history"
    if ln_rmssd < usual.low:
        return "below normal"
    if ln_rmssd > usual.high:
        return "above normal"
    return "within normal"
