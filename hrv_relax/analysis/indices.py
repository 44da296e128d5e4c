"""One window of beats -> every HRV index, with artefact handling and reliability.

Artefact handling when ``correct_artifacts`` is on: flagged intervals are *excluded* from the
time-domain and Poincare indices (a successive difference is used only when both of its
intervals are clean and directly successive), and *bridged* by the cubic spline for the
spectrum. Excluding beats rather than inventing replacement values is what keeps RMSSD within
2 % of the true-NN RMSSD on the annotated records; see docs/analysis.md.

Gaps (beats missing from the recording, visible in ``t_s``): every duration is *covered* time,
the span minus its gaps, and gap time counts as unusable alongside artefacts. A gap longer
than ``MAX_SPECTRAL_GAP_S`` voids the spectrum: the spline would fill it with invented values.
"""

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from hrv_relax.analysis.artifacts import classify_artifacts
from hrv_relax.analysis.constants import (
    INTERPOLATION_RATE_HZ,
    MAX_ARTIFACT_PCT,
    MAX_ARTIFACT_PCT_SPECTRAL,
    MAX_IRREGULAR_PCT,
    MAX_SPECTRAL_GAP_S,
    MIN_AUTONOMIC_INDEX_S,
    MIN_CLEAN_PAIRS,
    MIN_HF_S,
    MIN_LF_HF_S,
    MIN_LF_S,
    MIN_TIME_DOMAIN_BEATS,
    MIN_TIME_DOMAIN_S,
    MIN_VLF_S,
    SMOOTHNESS_PRIORS_LAMBDA,
)
from hrv_relax.analysis.detrending import smoothness_priors_detrend
from hrv_relax.analysis.frequency import BandPowers, Resampled, band_powers, resample
from hrv_relax.analysis.nonlinear import poincare, stress_index, vlf_detrended_nn
from hrv_relax.analysis.norms import DEFAULT_NORMS, AutonomicNorms, pns_index, sns_index
from hrv_relax.analysis.series import beat_series, coverage, select_nn
from hrv_relax.analysis.time_domain import time_domain

NAN = math.nan
NO_BANDS = BandPowers(NAN, NAN, NAN)


@dataclass(frozen=True, slots=True)
class HrvIndices:
    """HRV indices of one window. NaN marks an index the window cannot support (see reason).

    ``duration_s`` is the covered time (s): the span of the beats minus the gaps in it;
    ``gap_pct`` is the share of the span that is gap.
    """

    n_beats: int
    duration_s: float
    artifact_pct: float
    irregular_pct: float
    reliable: bool
    reason: str
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


def _ln(x: float) -> float:
    return math.log(x) if x > 0 else NAN


def _spectrum(
    even: Resampled | None, duration_s: float, detrend: float | None
) -> tuple[BandPowers, list[str]]:
    notes: list[str] = []
    if duration_s < MIN_HF_S or even is None:
        notes.append(f"window {duration_s:.0f} s < {MIN_HF_S:.0f} s: no HF, LF or VLF")
        return NO_BANDS, notes
    x = even.rr_ms
    if detrend is not None:
        x = smoothness_priors_detrend(x, detrend)
    bands = band_powers(x, even.rate_hz)
    lf = bands.lf_ms2
    vlf = bands.vlf_ms2
    if duration_s < MIN_LF_S:
        notes.append(f"window {duration_s:.0f} s < {MIN_LF_S:.0f} s: no LF, LF/HF or n.u.")
        lf = NAN
    elif duration_s < MIN_LF_HF_S:
        notes.append(f"window {duration_s:.0f} s < {MIN_LF_HF_S:.0f} s: no LF/HF or n.u.")
    if duration_s < MIN_VLF_S:
        notes.append(f"window {duration_s:.0f} s < {MIN_VLF_S:.0f} s: no VLF")
        vlf = NAN
    return BandPowers(vlf_ms2=vlf, lf_ms2=lf, hf_ms2=bands.hf_ms2), notes


def hrv_indices(
    rr_ms: npt.ArrayLike,
    *,
    correct_artifacts: bool = True,
    detrend: float | None = SMOOTHNESS_PRIORS_LAMBDA,
    t_s: npt.ArrayLike | None = None,
    norms: AutonomicNorms = DEFAULT_NORMS,
) -> HrvIndices:
    """All HRV indices of one window of RR intervals (ms).

    ``detrend`` is the smoothness-priors lambda applied before the spectrum (Kubios default
    500); ``None`` turns detrending off. ``t_s`` are beat end times (s), for recordings with
    gaps. Units: ms, bpm, %, ms^2; ``ln_rmssd`` and ``ln_hf`` are natural logs of ms and ms^2.
    A window too short (beats, covered time, clean pairs) or too artefact- or gap-laden has
    every index NaN, mean RR and HR included; ``reason`` says why.
    """
    series = beat_series(rr_ms, t_s)
    n = series.n
    if correct_artifacts:
        classes = classify_artifacts(series.rr_ms)
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

    reasons: list[str] = []
    if n < MIN_TIME_DOMAIN_BEATS or duration_s < MIN_TIME_DOMAIN_S:
        reasons.append(f"too short: {n} beats over {duration_s:.0f} s recorded")
    elif n_pairs < MIN_CLEAN_PAIRS:
        reasons.append(f"too few clean successive pairs: {n_pairs} < {MIN_CLEAN_PAIRS}")
    if artifact_pct + gap_pct > MAX_ARTIFACT_PCT:
        what = f"{artifact_pct:.1f} % artefacts"
        if gap_pct > 0:
            what += f" + {gap_pct:.1f} % of the time not recorded"
        reasons.append(f"too many artefacts or gaps: {what} > {MAX_ARTIFACT_PCT:.0f} %")
    # Mean RR and HR stay meaningful in an irregular rhythm; not in a window too short or
    # too artefact-laden to trust at all.
    usable = not reasons
    if irregular_pct > MAX_IRREGULAR_PCT:
        reasons.append(
            f"irregular rhythm (possible atrial fibrillation) in {irregular_pct:.0f} % of beats"
        )
    reliable = not reasons

    td = time_domain(sel)
    spectral_ok = (
        artifact_pct + gap_pct <= MAX_ARTIFACT_PCT_SPECTRAL
        and cover.longest_gap_s <= MAX_SPECTRAL_GAP_S
    )
    # One 4 Hz spline of the clean beats serves the spectrum and the stress index's trend.
    even = (
        resample(series.t_s[keep], series.rr_ms[keep], INTERPOLATION_RATE_HZ)
        if reliable and duration_s >= min(MIN_HF_S, MIN_AUTONOMIC_INDEX_S)
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

    bands = NO_BANDS
    if reliable and not spectral_ok:
        reasons.append(
            f"{artifact_pct:.1f} % artefacts + {gap_pct:.1f} % gaps > "
            f"{MAX_ARTIFACT_PCT_SPECTRAL:.0f} %, or a gap of {cover.longest_gap_s:.1f} s > "
            f"{MAX_SPECTRAL_GAP_S:.0f} s: no spectrum"
        )
    elif reliable:
        bands, notes = _spectrum(even, duration_s, detrend)
        reasons.extend(notes)
    ratios_ok = duration_s >= MIN_LF_HF_S

    pns = sns = NAN
    if reliable and duration_s >= MIN_AUTONOMIC_INDEX_S:
        pns = pns_index(td.mean_rr_ms, rmssd, sd1, sd2, norms)
        sns = sns_index(td.mean_hr_bpm, si, sd1, sd2, norms)
    elif reliable:
        reasons.append(f"window < {MIN_AUTONOMIC_INDEX_S:.0f} s: no stress, PNS or SNS index")
        si = NAN

    return HrvIndices(
        n_beats=n,
        duration_s=duration_s,
        artifact_pct=artifact_pct,
        irregular_pct=irregular_pct,
        reliable=reliable,
        reason="; ".join(reasons),
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
        lf_hf=bands.lf_hf if ratios_ok else NAN,
        lf_nu=bands.lf_nu if ratios_ok else NAN,
        hf_nu=bands.hf_nu if ratios_ok else NAN,
        pns_index=pns,
        sns_index=sns,
        gap_pct=gap_pct,
    )
