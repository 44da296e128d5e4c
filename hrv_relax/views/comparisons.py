"""Which techniques, pressures and session lengths relax a client (or the clinic's clients)
most: the history page's comparisons, computed column-wise over the stored history figures."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from hrv_relax.store.history_figures import HistoryColumns

#: A comparison resting on fewer sessions than this is shown but marked "too few to say".
MIN_COMPARISON_SESSIONS = 3
#: Session length groups (minutes, upper edges) for the comparison by length.
LENGTH_EDGES_MIN = (45.0, 60.0)
LENGTH_GROUP = "session length"
RELAXED = "more relaxed"
GROUP_ORDER = {"technique": 0, "pressure": 1, LENGTH_GROUP: 2}


@dataclass(frozen=True, slots=True)
class Comparison:
    """How one technique / pressure / session length moved HR and RMSSD, over n sessions."""

    group: str
    label: str
    n_sessions: int
    rmssd_pct: float  # mean change of RMSSD against the baseline, %
    hr_change_bpm: float
    relaxed_share: float  # share of these sessions with a "more relaxed" verdict

    @property
    def enough(self) -> bool:
        return self.n_sessions >= MIN_COMPARISON_SESSIONS


def length_label(minutes: float) -> str:
    low, high = LENGTH_EDGES_MIN
    if minutes < low:
        return f"under {low:.0f} min"
    if minutes < high:
        return f"{low:.0f}-{high:.0f} min"
    return f"{high:.0f} min or more"


def compare(table: HistoryColumns) -> tuple[Comparison, ...]:
    """Per technique and pressure (the marked stretches) and per session length (the massage
    phase): mean RMSSD and HR change against the baseline, most relaxing first in each group.

    Each session votes once per technique: a technique marked three times in a session
    counts once, with the means of its stretches (and "relaxed" if any of them was).
    """
    seg = table.segments
    judged = np.isfinite(seg.ln_rmssd_change)
    main = np.flatnonzero(np.isfinite(table.ln_rmssd_change))
    minutes = table.duration_s[main] / 60.0
    keys = [
        *zip(seg.kind[judged], seg.value[judged], strict=True),
        *((LENGTH_GROUP, length_label(m)) for m in minutes.tolist()),
    ]
    if not keys:
        return ()
    rows = np.concatenate([seg.row[judged], main])
    ln = np.concatenate([seg.ln_rmssd_change[judged], table.ln_rmssd_change[main]])
    hr = np.concatenate([seg.hr_change_bpm[judged], table.hr_change_bpm[main]])
    relaxed = np.concatenate([seg.verdict[judged] == RELAXED, table.verdict[main] == RELAXED])
    # In session order (a session's stretches, then its length): keys are numbered as they
    # first appear, which orders equal changes as they first appeared.
    order = np.argsort(rows, kind="stable")
    index: dict[tuple[str, str], int] = {}
    codes = np.array([index.setdefault(keys[k], len(index)) for k in order.tolist()], np.int64)
    rows, ln, hr, relaxed = rows[order], ln[order], hr[order], relaxed[order]
    # One vote per session and key: the means of its stretches.
    pairs, vote = np.unique(rows * len(index) + codes, return_inverse=True)
    vote_ln = _group_means(vote, ln, len(pairs))
    vote_hr = _group_means(vote, hr, len(pairs))
    vote_relaxed = np.bincount(vote, weights=relaxed, minlength=len(pairs)) > 0
    vote_key = pairs % len(index)
    n = np.bincount(vote_key, minlength=len(index))
    key_ln = _group_means(vote_key, vote_ln, len(index))
    key_hr = _group_means(vote_key, vote_hr, len(index))
    key_relaxed = np.bincount(vote_key, weights=vote_relaxed, minlength=len(index))
    out = [
        Comparison(
            group=group,
            label=label,
            n_sessions=int(n[code]),
            rmssd_pct=100.0 * math.expm1(float(key_ln[code])),
            hr_change_bpm=float(key_hr[code]),
            relaxed_share=float(key_relaxed[code] / n[code]),
        )
        for (group, label), code in index.items()
    ]
    return tuple(sorted(out, key=lambda c: (GROUP_ORDER.get(c.group, 3), -c.rmssd_pct)))


def _group_means(
    group: npt.NDArray[np.int64], values: npt.NDArray[np.float64], n_groups: int
) -> npt.NDArray[np.float64]:
    """Mean of the finite `values` of each group (NaN where a group has none)."""
    finite = np.isfinite(values)
    total = np.bincount(group[finite], weights=values[finite], minlength=n_groups)
    count = np.bincount(group[finite], minlength=n_groups)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(count > 0, total / count, np.nan)
