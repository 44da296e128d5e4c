"""Reference values and the PNS / SNS indices (Kubios-style autonomic summaries).

Kubios HRV computes the PNS index from mean RR, RMSSD and Poincare SD1 in normalised units,
and the SNS index from mean HR, Baevsky's stress index and SD2 in normalised units, each
expressed in standard deviations from a normal population and then combined by a weighting
Kubios does not publish (kubios.com, "HRV and ANS function"). Kubios publishes neither the
weights nor its population values, so its PNS/SNS cannot be reproduced. Ours is the plain mean
of the three standard scores, and only some of the reference values come from a publication:

* mean RR 926 +/- 90 ms and RMSSD 42 +/- 15 ms: Nunan, Sandercock & Brodie 2010, "A quantitative
  systematic review of normal values for short-term HRV in healthy adults",
  doi:10.1111/j.1540-8159.2010.02841.x (44 studies, 21,438 people, 5 min supine).
* mean HR 64.8 +/- 6.3 bpm: 60000 / the same mean RR, its SD by the delta method.
* SD1 and SD2 in normalised units, SD1 / (SD1 + SD2) and SD2 / (SD1 + SD2) (the Task Force's
  normalisation of LF and HF applied to the Poincare spread), and sqrt(stress index): **no
  publication we know of gives a population mean and SD for these** (Nunan 2010 tabulates none
  of them). The values used, SD1 nu 0.316 (from Nunan's RMSSD and SDNN 50 ms through
  SD1 = RMSSD / sqrt 2 and SD2 = sqrt(2 SDNN^2 - RMSSD^2 / 2), Brennan 2001), a scale of 0.113
  for both normalised units and 9.5 +/- 1.25 for sqrt(SI), are reference points of ours, not
  norms: they set where 0 lies and how far one unit reaches, and nothing more.

So the PNS and SNS index are *relative*: they move the right way within a session (a phase
against the baseline, one 5-minute window against the next), but their value says nothing
about the client against other people, and 0 is not "average". An earlier reading, SD1 and
SD2 as % of mean RR, gave the opposite sign of both indices on the Kubios reference report
(PNS +0.24 and SNS -0.87 against Kubios' -0.88 and +1.42); the normalised units give -0.69
and +0.81, pinned in the tests and stated in docs/analysis.md.
"""

import math
from dataclasses import dataclass

import numpy as np

MEAN_RR_NORM_MS = 926.0
MEAN_RR_NORM_SD_MS = 90.0
RMSSD_NORM_MS = 42.0
RMSSD_NORM_SD_MS = 15.0
SDNN_NORM_MS = 50.0
SDNN_NORM_SD_MS = 16.0
#: Reference points without a published source (see above): where 0 and 1 unit of sqrt(SI) lie.
SQRT_STRESS_INDEX_REFERENCE = 9.5
SQRT_STRESS_INDEX_REFERENCE_SD = 1.25


@dataclass(frozen=True, slots=True)
class Norm:
    """A reference mean and standard deviation of one index, in that index's unit."""

    mean: float
    sd: float

    def z(self, value: float) -> float:
        """Standard score of ``value`` in this population."""
        return (value - self.mean) / self.sd


_SD1_NORM_MS = RMSSD_NORM_MS / math.sqrt(2.0)
_SD1_NORM_SD_MS = RMSSD_NORM_SD_MS / math.sqrt(2.0)
_SD2_NORM_MS = math.sqrt(2.0 * SDNN_NORM_MS**2 - RMSSD_NORM_MS**2 / 2.0)
_SD1_NU_NORM = _SD1_NORM_MS / (_SD1_NORM_MS + _SD2_NORM_MS)
_SD1_NU_NORM_SD = _SD1_NU_NORM * _SD1_NORM_SD_MS / _SD1_NORM_MS


@dataclass(frozen=True, slots=True)
class AutonomicNorms:
    """The six reference values of the PNS and SNS indices: mean RR, RMSSD and mean HR from
    Nunan et al. 2010, SD1 nu, sqrt stress index and SD2 nu unpublished reference points."""

    mean_rr_ms: Norm = Norm(MEAN_RR_NORM_MS, MEAN_RR_NORM_SD_MS)
    rmssd_ms: Norm = Norm(RMSSD_NORM_MS, RMSSD_NORM_SD_MS)
    sd1_nu: Norm = Norm(_SD1_NU_NORM, _SD1_NU_NORM_SD)
    mean_hr_bpm: Norm = Norm(
        60_000.0 / MEAN_RR_NORM_MS, 60_000.0 * MEAN_RR_NORM_SD_MS / MEAN_RR_NORM_MS**2
    )
    sqrt_stress_index: Norm = Norm(SQRT_STRESS_INDEX_REFERENCE, SQRT_STRESS_INDEX_REFERENCE_SD)
    sd2_nu: Norm = Norm(1.0 - _SD1_NU_NORM, _SD1_NU_NORM_SD)


DEFAULT_NORMS = AutonomicNorms()


def poincare_nu(sd_ms: float, sd1_ms: float, sd2_ms: float) -> float:
    """One Poincare SD in normalised units: its share of SD1 + SD2 (NaN when both are 0).

    Works element-wise on arrays too (the rolling series).
    """
    with np.errstate(divide="ignore", invalid="ignore"):
        nu: float = np.true_divide(sd_ms, np.add(sd1_ms, sd2_ms))
    return nu


def pns_index(
    mean_rr_ms: float,
    rmssd_ms: float,
    sd1_ms: float,
    sd2_ms: float,
    norms: AutonomicNorms = DEFAULT_NORMS,
) -> float:
    """Parasympathetic index: mean z of mean RR, RMSSD and SD1 nu; NaN propagates."""
    return (
        norms.mean_rr_ms.z(mean_rr_ms)
        + norms.rmssd_ms.z(rmssd_ms)
        + norms.sd1_nu.z(poincare_nu(sd1_ms, sd1_ms, sd2_ms))
    ) / 3.0


def sns_index(
    mean_hr_bpm: float,
    sqrt_stress_index: float,
    sd1_ms: float,
    sd2_ms: float,
    norms: AutonomicNorms = DEFAULT_NORMS,
) -> float:
    """Sympathetic index: mean z of mean HR, sqrt stress index and SD2 nu; NaN propagates."""
    return (
        norms.mean_hr_bpm.z(mean_hr_bpm)
        + norms.sqrt_stress_index.z(sqrt_stress_index)
        + norms.sd2_nu.z(poincare_nu(sd2_ms, sd1_ms, sd2_ms))
    ) / 3.0
