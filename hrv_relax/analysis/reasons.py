"""Why a figure is NaN, as a code for code and a sentence for people (pure).

A reason is decided where the NaN is: the analysis returns a :class:`Reason` (its
:class:`ReasonCode` and the text people read) instead of a sentence alone, so views and pages
choose what to say by the code and never parse the sentence back.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum


class ReasonCode(StrEnum):
    """What kind of limit withheld a figure."""

    # A whole window (hrv_indices).
    TOO_SHORT = "too_short"  # too few beats or seconds for any index
    FEW_CLEAN_PAIRS = "few_clean_pairs"
    ARTEFACTS_OR_GAPS = "artefacts_or_gaps"  # too many for any index
    IRREGULAR_RHYTHM = "irregular_rhythm"  # possible atrial fibrillation: no variability
    SPECTRUM_ARTEFACTS = "spectrum_artefacts"  # too many for a spectrum
    WINDOW_SHORT_FOR_BANDS = "window_short_for_bands"  # no HF, LF or VLF: window too short
    STRETCHES_SHORT_FOR_BANDS = "stretches_short_for_bands"  # the same, the window cut by gaps
    SHORT_FOR_LF = "short_for_lf"
    SHORT_FOR_LF_HF = "short_for_lf_hf"
    SHORT_FOR_VLF = "short_for_vlf"
    NO_BREATHING_PEAK = "no_breathing_peak"
    SHORT_FOR_AUTONOMIC = "short_for_autonomic"  # no stress, PNS or SNS index
    SLOW_BREATHING = "slow_breathing"  # HF, LF/HF and PNS/SNS do not apply
    COMPLEXITY_LIMIT = "complexity_limit"  # no DFA alpha1 or sample entropy
    # The live 60 s window.
    FIRST_MINUTE = "first_minute"
    LIVE_GAP = "live_gap"
    LIVE_ARTEFACTS = "live_artefacts"
    LIVE_FEW_PAIRS = "live_few_pairs"
    NO_BEATS = "no_beats"
    # The live relaxation shift (the last 2 minutes against the baseline).
    BASELINE_RUNNING = "baseline_running"  # a marked baseline has not ended yet
    BASELINE_PENDING = "baseline_pending"  # 2 minutes after the baseline are not over yet
    BASELINE_UNRELIABLE = "baseline_unreliable"
    FEW_RECENT_BEATS = "few_recent_beats"


#: The reasons that withhold a window's HF power (and so its spectrum).
NO_HF = frozenset(
    {
        ReasonCode.SPECTRUM_ARTEFACTS,
        ReasonCode.WINDOW_SHORT_FOR_BANDS,
        ReasonCode.STRETCHES_SHORT_FOR_BANDS,
        ReasonCode.SLOW_BREATHING,
    }
)


@dataclass(frozen=True, slots=True)
class Reason:
    """Why a figure is missing: ``code`` for code to act on, ``text`` for people to read."""

    code: ReasonCode
    text: str


def joined(reasons: Iterable[Reason]) -> str:
    """The reasons' texts as one sentence ("; " between them), "" when there are none."""
    return "; ".join(r.text for r in reasons)
