"""One window of beats -> every HRV index, with artefact handling and reliability.

Artefact handling when ``correct_artifacts`` is on: flagged intervals are *excluded* from the
time-domain and Poincare indices (a successive difference is used only when both of its
intervals are clean and directly successive), and *bridged* by the cubic spline for the
spectrum. Excluding beats rather than inventing replacement values is what keeps RMSSD within
2 % of the true-NN RMSSD on the annotated records; see docs/analysis.md.

Gaps (beats missing from the recording, visible in ``t_s``): every duration is *covered* time,
the span minus its gaps, and gap time counts as unusable alongside artefacts. The spline would
fill a gap longer than ``MAX_SPECTRAL_GAP_S`` with invented values, so the spectrum is not
taken across one: the window is cut there into gap-free stretches, each stretch gets its own
spline and Welch spectrum, and a band's power comes from the PSDs of the stretches that meet the
band's minimum window (Task Force 1996: ``MIN_HF_S`` for HF, ``MIN_LF_S`` for LF, ``MIN_VLF_S``
for VLF), averaged weighted by covered time (Welch 1967, doi:10.1109/TAU.1967.1161901; see
:mod:`hrv_relax.analysis.frequency`). LF/HF and the normalised units come from the LF stretches'
own spectrum and need ``MIN_LF_HF_S`` of them. A band no stretch is long enough for is NaN, and
``reason`` gives the longest stretch. The share of artefacts plus gaps still limits the spectrum
(``MAX_ARTIFACT_PCT_SPECTRAL``) and the window's reliability exactly as without the cut; a
window without a long gap is one stretch and gets the single-window spectrum unchanged.

Breathing: the breathing rate is the respiratory peak of the same HF-stretch spectrum
(:mod:`hrv_relax.analysis.breathing`). When it is below the HF band (9/min), the breathing
rhythm lies in the LF band, so HF, LF/HF, the normalised units and the PNS/SNS indices are NaN
with the reason "slow breathing (~6/min): HF, LF/HF and PNS/SNS do not apply" (LF and VLF
power stay: they are still the power in their band).

DFA alpha1 and sample entropy come from neurokit2 (:mod:`hrv_relax.analysis.complexity`) on
the window's clean intervals; ``nonlinear=False`` skips them where speed matters.
"""

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from hrv_relax.analysis.artifacts import ArtifactClasses, classify_artifacts
from hrv_relax.analysis.breathing import breathing_rate, slow_breathing_reason
from hrv_relax.analysis.complexity import NO_COMPLEXITY, complexity
from hrv_relax.analysis.constants import (
    INTERPOLATION_RATE_HZ,
    MAX_ARTIFACT_PCT,
    MAX_ARTIFACT_PCT_SPECTRAL,
    MAX_IRREGULAR_PCT,
    MAX_SPECTRAL_GAP_S,
    MIN_AUTONOMIC_INDEX_S,
    MIN_BREATHING_S,
    MIN_CLEAN_PAIRS,
    MIN_HF_S,
    MIN_LF_HF_S,
    MIN_LF_S,
    MIN_TIME_DOMAIN_BEATS,
    MIN_TIME_DOMAIN_S,
    MIN_VLF_S,
    SMOOTHNESS_PRIORS_LAMBDA,
)
from hrv_relax.analysis.frequency import (
    NO_BANDS,
    BandPowers,
    GapFreeSpectra,
    gap_free_spectra,
    resample,
)
from hrv_relax.analysis.nonlinear import poincare, stress_index, vlf_detrended_nn
from hrv_relax.analysis.norms import DEFAULT_NORMS, AutonomicNorms, pns_index, sns_index
from hrv_relax.analysis.reasons import Reason, ReasonCode, joined
from hrv_relax.analysis.series import (
    BeatSeries,
    BoolArray,
    NnSelection,
    beat_series,
    coverage,
    select_nn,
)
from hrv_relax.analysis.time_domain import time_domain

NAN = math.nan


@dataclass(frozen=True, slots=True)
class HrvIndices:
    """HRV indices of one window. NaN marks an index the window cannot support (see reason).

    ``duration_s`` is the covered time (s): the span of the beats minus the gaps in it;
    ``gap_pct`` is the share of the span that is gap. ``breathing_rate_per_min`` is breaths
    per minute from the RR spectrum; ``dfa_alpha1`` and ``sampen`` are unitless.
    """

    n_beats: int
    duration_s: float
    artifact_pct: float
    irregular_pct: float
    reliable: bool
    reasons: tuple[Reason, ...]
    mean_rr_ms: float
    mean_hr_bpm: float
    sdnn_ms: float
    rmssd_ms: float
    ln_rmssd: float
    pnn50_pct: float
    pnn20_pct: float
    sd1_ms: float
    sd2_ms: float
    stress_index: float
    vlf_ms2: float
    lf_ms2: float
    hf_ms2: float
    ln_hf: float
    lf_hf: float
    lf_nu: float
    hf_nu: float
    pns_index: float
    sns_index: float
    gap_pct: float = 0.0
    breathing_rate_per_min: float = NAN
    dfa_alpha1: float = NAN
    sampen: float = NAN

    @property
    def reason(self) -> str:
        """Why indices are NaN, in words ("" when none is)."""
        return joined(self.reasons)


def _ln(x: float) -> float:
    return math.log(x) if x > 0 else NAN


def _too_short(
    spectra: GapFreeSpectra,
    value_s: float,
    min_s: float,
    what: str,
    code: ReasonCode,
    *,
    stretches: str = "the longest unbroken stretch",
) -> Reason:
    """Why a band is NaN: the window (or, cut by long gaps, its stretches) is too short."""
    if not spectra.split:
        return Reason(code, f"window {value_s:.0f} s < {min_s:.0f} s: no {what}")
    return Reason(
        ReasonCode.STRETCHES_SHORT_FOR_BANDS if code is ReasonCode.WINDOW_SHORT_FOR_BANDS else code,
        f"no {what}: with the recording gaps over {MAX_SPECTRAL_GAP_S:.0f} s left out, "
        f"{stretches} is {value_s:.0f} s (needs {min_s:.0f} s)",
    )


def _breathing(spectra: GapFreeSpectra) -> float:
    """Breaths/min from the spectrum of the stretches long enough for it (NaN if none is, or
    without a clear peak)."""
    if spectra.longest_s < max(MIN_HF_S, MIN_BREATHING_S):
        return NAN
    hf_psd = spectra.mean_psd(MIN_BREATHING_S)
    return breathing_rate(*hf_psd) if hf_psd is not None else NAN


def _spectrum(spectra: GapFreeSpectra) -> tuple[BandPowers, BandPowers, float, list[Reason]]:
    """(VLF, LF and HF; the powers LF/HF and n.u. come from; breaths/min; notes) of a window.

    Each band pools the stretches meeting its minimum; LF/HF and n.u. take LF and HF from the
    same (LF) stretches, which must cover ``MIN_LF_HF_S`` together. The breathing rate is the
    peak of the HF stretches' spectrum.
    """
    notes: list[Reason] = []
    longest = spectra.longest_s
    if longest < max(MIN_HF_S, MIN_BREATHING_S):
        notes.append(
            _too_short(
                spectra, longest, MIN_HF_S, "HF, LF or VLF", ReasonCode.WINDOW_SHORT_FOR_BANDS
            )
        )
        return NO_BANDS, NO_BANDS, NAN, notes
    breathing = _breathing(spectra)
    if math.isnan(breathing):
        notes.append(
            Reason(
                ReasonCode.NO_BREATHING_PEAK,
                "no clear breathing peak in the RR spectrum: no breathing rate",
            )
        )
    lf_bands = spectra.band_powers(MIN_LF_S)
    lf_covered = spectra.covered_s(MIN_LF_S)
    ratios = lf_bands if lf_covered >= MIN_LF_HF_S else NO_BANDS
    if longest < MIN_LF_S:
        notes.append(
            _too_short(spectra, longest, MIN_LF_S, "LF, LF/HF or n.u.", ReasonCode.SHORT_FOR_LF)
        )
    elif lf_covered < MIN_LF_HF_S:
        lf_stretches = f"the time in unbroken stretches of {MIN_LF_S:.0f} s or more"
        notes.append(
            _too_short(
                spectra,
                lf_covered,
                MIN_LF_HF_S,
                "LF/HF or n.u.",
                ReasonCode.SHORT_FOR_LF_HF,
                stretches=lf_stretches,
            )
        )
    if longest < MIN_VLF_S:
        notes.append(_too_short(spectra, longest, MIN_VLF_S, "VLF", ReasonCode.SHORT_FOR_VLF))
    bands = BandPowers(
        vlf_ms2=spectra.band_powers(MIN_VLF_S).vlf_ms2,
        lf_ms2=lf_bands.lf_ms2,
        hf_ms2=spectra.band_powers(MIN_HF_S).hf_ms2,
    )
    return bands, ratios, breathing, notes


@dataclass(frozen=True, slots=True)
class _Judged:
    """One window's beats judged: those kept, and whether the window can be trusted."""

    series: BeatSeries
    keep: BoolArray
    sel: NnSelection
    artifact_pct: float
    irregular_pct: float
    duration_s: float  # covered time
    gap_pct: float
    reasons: tuple[Reason, ...]  # why it cannot be trusted (none when reliable)
    usable: bool  # mean RR and HR stand (they do in an irregular rhythm)
    reliable: bool

    @property
    def spectral_ok(self) -> bool:
        """Whether artefacts and gaps leave room for a spectrum."""
        return self.artifact_pct + self.gap_pct <= MAX_ARTIFACT_PCT_SPECTRAL


def _judged(
    series: BeatSeries, correct_artifacts: bool, artifacts: ArtifactClasses | None
) -> _Judged:
    n = series.n
    if correct_artifacts:
        classes = classify_artifacts(series.rr_ms) if artifacts is None else artifacts
        keep = ~classes.any
        irregular_pct = 100.0 * float(np.mean(classes.irregular)) if n else 0.0
    else:
        keep = np.ones(n, dtype=np.bool_)
        irregular_pct = 0.0
    artifact_pct = 100.0 * float(np.mean(~keep)) if n else 0.0
    cover = coverage(series)
    duration_s = cover.covered_s
    gap_pct = cover.gap_pct
    sel = select_nn(series, keep)
    n_pairs = int(sel.prev_ms.size)

    reasons: list[Reason] = []
    if n < MIN_TIME_DOMAIN_BEATS or duration_s < MIN_TIME_DOMAIN_S:
        reasons.append(
            Reason(ReasonCode.TOO_SHORT, f"too short: {n} beats over {duration_s:.0f} s recorded")
        )
    elif n_pairs < MIN_CLEAN_PAIRS:
        reasons.append(
            Reason(
                ReasonCode.FEW_CLEAN_PAIRS,
                f"too few clean successive pairs: {n_pairs} < {MIN_CLEAN_PAIRS}",
            )
        )
    if artifact_pct + gap_pct > MAX_ARTIFACT_PCT:
        what = f"{artifact_pct:.1f} % artefacts"
        if gap_pct > 0:
            what += f" + {gap_pct:.1f} % of the time not recorded"
        reasons.append(
            Reason(
                ReasonCode.ARTEFACTS_OR_GAPS,
                f"too many artefacts or gaps: {what} > {MAX_ARTIFACT_PCT:.0f} %",
            )
        )
    # Mean RR and HR stay meaningful in an irregular rhythm; not in a window too short or
    # too artefact-laden to trust at all.
    usable = not reasons
    if irregular_pct > MAX_IRREGULAR_PCT:
        reasons.append(
            Reason(
                ReasonCode.IRREGULAR_RHYTHM,
                "irregular rhythm (possible atrial fibrillation) in "
                f"{irregular_pct:.0f} % of beats",
            )
        )
    return _Judged(
        series=series,
        keep=keep,
        sel=sel,
        artifact_pct=artifact_pct,
        irregular_pct=irregular_pct,
        duration_s=duration_s,
        gap_pct=gap_pct,
        reasons=tuple(reasons),
        usable=usable,
        reliable=not reasons,
    )


def hrv_indices(
    rr_ms: npt.ArrayLike,
    *,
    correct_artifacts: bool = True,
    detrend: float | None = SMOOTHNESS_PRIORS_LAMBDA,
    t_s: npt.ArrayLike | None = None,
    norms: AutonomicNorms = DEFAULT_NORMS,
    nonlinear: bool = True,
    artifacts: ArtifactClasses | None = None,
) -> HrvIndices:
    """All HRV indices of one window of RR intervals (ms).

    ``detrend`` is the smoothness-priors lambda applied before the spectrum (Kubios default
    500); ``None`` turns detrending off. ``t_s`` are beat end times (s), for recordings with
    gaps. Units: ms, bpm, %, ms^2; ``ln_rmssd`` and ``ln_hf`` are natural logs of ms and ms^2.
    A window too short (beats, covered time, clean pairs) or too artefact- or gap-laden has
    every index NaN, mean RR and HR included; ``reason`` says why. ``nonlinear=False`` leaves
    DFA alpha1 and sample entropy NaN (they cost more than everything else together).
    ``artifacts``: the window's artefact classes when the caller has judged them already.
    """
    window = _judged(beat_series(rr_ms, t_s), correct_artifacts, artifacts)
    series, keep, sel, reasons = window.series, window.keep, window.sel, list(window.reasons)
    artifact_pct, irregular_pct = window.artifact_pct, window.irregular_pct
    duration_s, gap_pct = window.duration_s, window.gap_pct
    usable, reliable = window.usable, window.reliable

    td = time_domain(sel)
    spectral_ok = window.spectral_ok
    # The stress index's slow trend comes from one 4 Hz spline of the window's clean beats.
    even = (
        resample(series.t_s[keep], series.rr_ms[keep], INTERPOLATION_RATE_HZ)
        if reliable and duration_s >= MIN_AUTONOMIC_INDEX_S
        else None
    )
    if reliable:
        pc = poincare(sel)
        si = (
            stress_index(vlf_detrended_nn(series.t_s[keep], sel.nn_ms, even))
            if duration_s >= MIN_AUTONOMIC_INDEX_S
            else NAN
        )
        sd1, sd2, rmssd = pc.sd1_ms, pc.sd2_ms, td.rmssd_ms
        sdnn, pnn50, pnn20 = td.sdnn_ms, td.pnn50_pct, td.pnn20_pct
    else:
        sd1 = sd2 = si = rmssd = sdnn = pnn50 = pnn20 = NAN

    bands = ratios = NO_BANDS
    breathing = NAN
    if reliable and not spectral_ok:
        reasons.append(
            Reason(
                ReasonCode.SPECTRUM_ARTEFACTS,
                f"{artifact_pct:.1f} % artefacts + {gap_pct:.1f} % gaps > "
                f"{MAX_ARTIFACT_PCT_SPECTRAL:.0f} %: no spectrum",
            )
        )
    elif reliable:
        bands, ratios, breathing, notes = _spectrum(gap_free_spectra(series, keep, detrend))
        reasons.extend(notes)

    pns = sns = NAN
    if reliable and duration_s >= MIN_AUTONOMIC_INDEX_S:
        pns = pns_index(td.mean_rr_ms, rmssd, sd1, sd2, norms)
        sns = sns_index(td.mean_hr_bpm, si, sd1, sd2, norms)
    elif reliable:
        reasons.append(
            Reason(
                ReasonCode.SHORT_FOR_AUTONOMIC,
                f"window < {MIN_AUTONOMIC_INDEX_S:.0f} s: no stress, PNS or SNS index",
            )
        )
        si = NAN
    slow = slow_breathing_reason(breathing)
    if slow:
        # The breathing rhythm is in the LF band: HF, its ratios and PNS/SNS would read it as
        # a fall in vagal activity (Task Force 1996).
        reasons.append(Reason(ReasonCode.SLOW_BREATHING, slow))
        bands = BandPowers(vlf_ms2=bands.vlf_ms2, lf_ms2=bands.lf_ms2, hf_ms2=NAN)
        ratios = NO_BANDS
        pns = sns = NAN

    nl = NO_COMPLEXITY
    if reliable and nonlinear:
        nl = complexity(sel.nn_ms)
        reasons += [Reason(ReasonCode.COMPLEXITY_LIMIT, nl.reason)] if nl.reason else []

    return HrvIndices(
        n_beats=series.n,
        duration_s=duration_s,
        artifact_pct=artifact_pct,
        irregular_pct=irregular_pct,
        reliable=reliable,
        reasons=tuple(reasons),
        mean_rr_ms=td.mean_rr_ms if usable else NAN,
        mean_hr_bpm=td.mean_hr_bpm if usable else NAN,
        sdnn_ms=sdnn,
        rmssd_ms=rmssd,
        ln_rmssd=_ln(rmssd),
        pnn50_pct=pnn50,
        pnn20_pct=pnn20,
        sd1_ms=sd1,
        sd2_ms=sd2,
        stress_index=si,
        vlf_ms2=bands.vlf_ms2,
        lf_ms2=bands.lf_ms2,
        hf_ms2=bands.hf_ms2,
        ln_hf=_ln(bands.hf_ms2),
        lf_hf=ratios.lf_hf,
        lf_nu=ratios.lf_nu,
        hf_nu=ratios.hf_nu,
        pns_index=pns,
        sns_index=sns,
        gap_pct=gap_pct,
        breathing_rate_per_min=breathing,
        dfa_alpha1=nl.dfa_alpha1,
        sampen=nl.sampen,
    )


def window_breathing_per_min(
    rr_ms: npt.ArrayLike,
    *,
    t_s: npt.ArrayLike | None = None,
    detrend: float | None = SMOOTHNESS_PRIORS_LAMBDA,
) -> float:
    """The breathing rate (breaths/min) :func:`hrv_indices` gives the window, alone.

    NaN, as there, when the window is not reliable, holds too many artefacts or gaps for a
    spectrum, has no stretch long enough for one, or shows no clear breathing peak. For a
    rate read every second: it skips every other index (about half the time).
    """
    window = _judged(beat_series(rr_ms, t_s), correct_artifacts=True, artifacts=None)
    if not (window.reliable and window.spectral_ok):
        return NAN
    return _breathing(gap_free_spectra(window.series, window.keep, detrend))
