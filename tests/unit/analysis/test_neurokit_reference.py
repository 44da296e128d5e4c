"""Our own time-domain and Poincare code equals neurokit2 on real data."""

import warnings

import neurokit2 as nk
import numpy as np
import pytest

from hrv_relax.analysis import hrv_indices

STARTS = (0, 25_000, 50_000, 75_000, 100_000)


def _nk(function, rr_ms):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return function({"RRI": rr_ms, "RRI_Time": np.cumsum(rr_ms) / 1000.0}).iloc[0]


@pytest.mark.parametrize("start", STARTS)
def test_time_domain_equals_neurokit(nsr_rr_ms, start):
    rr = nsr_rr_ms[start : start + 400]
    ours = hrv_indices(rr, correct_artifacts=False)
    ref = _nk(nk.hrv_time, rr)
    n = rr.size
    assert ours.mean_rr_ms == pytest.approx(ref["HRV_MeanNN"], rel=1e-9)
    assert ours.sdnn_ms == pytest.approx(ref["HRV_SDNN"], rel=1e-9)
    assert ours.rmssd_ms == pytest.approx(ref["HRV_RMSSD"], rel=1e-9)
    # neurokit2 divides NNxx by the number of intervals, Kubios (and we) by the differences.
    assert ours.pnn50_pct == pytest.approx(ref["HRV_pNN50"] * n / (n - 1), rel=1e-9)
    assert ours.pnn20_pct == pytest.approx(ref["HRV_pNN20"] * n / (n - 1), rel=1e-9)


def test_poincare_equals_neurokit(kubios_rr_ms):
    ours = hrv_indices(kubios_rr_ms, correct_artifacts=False)
    ref = _nk(nk.hrv_nonlinear, kubios_rr_ms)
    assert ours.sd1_ms == pytest.approx(ref["HRV_SD1"], rel=1e-9)
    assert ours.sd2_ms == pytest.approx(ref["HRV_SD2"], rel=1e-9)


def test_band_powers_near_neurokit(nsr_rr_ms):
    """neurokit2 (4 Hz, ms^2) uses half-length Welch segments and its own interpolation.

    Tolerance: HF of each window within 15 % of neurokit2's; LF, which neurokit2's shorter
    segments resolve poorly (0.04 Hz is 5 cycles in a 130 s segment), within 50 % each and
    15 % in median.
    """
    lf_ratios, hf_ratios = [], []
    for start in STARTS:
        rr = nsr_rr_ms[start : start + 400]
        ours = hrv_indices(rr, correct_artifacts=False, detrend=None)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ref = nk.hrv_frequency(
                {"RRI": rr, "RRI_Time": np.cumsum(rr) / 1000.0},
                interpolation_rate=4,
                normalize=False,
                psd_method="welch",
            ).iloc[0]
        lf_ratios.append(ref["HRV_LF"] / ours.lf_ms2)
        hf_ratios.append(ref["HRV_HF"] / ours.hf_ms2)
    assert np.all(np.abs(np.asarray(hf_ratios) - 1.0) < 0.15)
    assert np.all(np.abs(np.asarray(lf_ratios) - 1.0) < 0.50)
    assert abs(np.median(lf_ratios) - 1.0) < 0.15
