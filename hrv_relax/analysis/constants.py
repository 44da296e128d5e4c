"""Every tunable number of the analysis engine, with its unit and the reason for its value.

Names carry units (``_ms``, ``_s``, ``_hz``, ``_pct``). Changing a value here changes it
everywhere; tests pin the published figures these values reproduce.
"""

from typing import Final

#: Milliseconds per minute: HR (bpm) = MS_PER_MINUTE / mean RR (ms).
MS_PER_MINUTE: Final = 60_000.0

# --- Plausibility ---------------------------------------------------------------------------
#: Shortest RR interval taken as a heartbeat: 240 bpm. Shorter ones are detection artefacts
#: (hrv-science note; Lipponen & Tarvainen 2019 treat them as extra beats).
RR_MIN_MS: Final = 250.0
#: Longest RR interval taken as one heartbeat: 24 bpm. Longer ones are missed beats or
#: contact loss.
RR_MAX_MS: Final = 2500.0

# --- Time domain (Task Force 1996, doi:10.1161/01.CIR.93.5.1043) ----------------------------
#: pNN50 threshold on successive differences.
NN50_THRESHOLD_MS: Final = 50.0
#: pNN20 threshold (Kubios' "pNNxx" as set in the reference report).
NN20_THRESHOLD_MS: Final = 20.0

# --- Geometric / stress index (Baevsky & Chernikova 2017, doi:10.12710/cardiometry.2017.10.6676)
#: Histogram bin width for the mode amplitude AMo.
STRESS_INDEX_BIN_MS: Final = 50.0
#: Smoothness-priors lambda of the slow trend removed before the histogram (Kubios' default
#: detrending, ~0.035 Hz cut-off on the 4 Hz spline). Fixed: the stress index is detrended even
#: when the spectrum is not (Kubios reports it so with "Detrending method: none").
STRESS_INDEX_DETREND_LAMBDA: Final = 500.0

# --- Frequency domain (Task Force 1996; Kubios HRV user's guide) ----------------------------
#: Resampling rate of the RR series before the spectrum (Kubios default).
INTERPOLATION_RATE_HZ: Final = 4.0
#: Welch segment length and overlap (Kubios FFT defaults, the reference report's settings).
WELCH_SEGMENT_S: Final = 300.0
WELCH_OVERLAP_FRACTION: Final = 0.5
#: Spectrum grid density: 300 points per Hz (Kubios default), i.e. an FFT of 300 s.
SPECTRUM_POINTS_PER_HZ: Final = 300
VLF_BAND_HZ: Final = (0.0, 0.04)
LF_BAND_HZ: Final = (0.04, 0.15)
HF_BAND_HZ: Final = (0.15, 0.4)
#: Smoothness-priors detrending parameter (Tarvainen 2002, doi:10.1109/10.979357; Kubios
#: default lambda = 500, cut-off about 0.035 Hz at 4 Hz).
SMOOTHNESS_PRIORS_LAMBDA: Final = 500.0

# --- Breathing rate (respiratory sinus arrhythmia peak; see analysis/breathing.py) ------------
#: Where the breathing peak is sought: 4.8-30 breaths/min (slow paced breathing to a light pant).
BREATHING_BAND_HZ: Final = (0.08, 0.5)
#: The breathing rate needs the HF minimum: ten cycles at 10/min, six at the slowest 6/min.
MIN_BREATHING_S: Final = 60.0
#: Below the HF band's lower edge (0.15 Hz = 9/min) the breathing rhythm is in the LF band
#: (Task Force 1996): HF, LF/HF and the PNS/SNS indices no longer mean what they say.
SLOW_BREATHING_PER_MIN: Final = 60.0 * HF_BAND_HZ[0]
#: Breathing this much slower than in the baseline lowers RMSSD by itself (at 60 bpm, 15 to
#: 13/min: -11 %): a fall in RMSSD then is not taken as arousal (analysis/relaxation.py).
SLOWER_BREATHING_PER_MIN: Final = 2.0
#: A peak below 0.15 Hz is the breathing (not the ~0.1 Hz Mayer wave) only when it holds more
#: than this many times the power of the highest HF peak (twice its amplitude). On seeded
#: synthetic RSA (docs/analysis.md) ordinary breathing gave at most 3.05, 6/min at least 3.6.
SLOW_PEAK_DOMINANCE: Final = 4.0
#: ... and holds at least this share of all the power from 0.04 to 0.5 Hz, as slow breathing's
#: one narrow peak does (synthetic 6-9/min: 1st percentile 0.48), and no 5-minute window of
#: a healthy day-long recording (nsr2db/nsr001, at most 0.45) nor the Kubios sample (0.45) does.
SLOW_PEAK_MIN_SHARE: Final = 0.5
#: A peak's power: the PSD within this of it (McCraty 2006's 0.030 Hz coherence window).
PEAK_HALF_WIDTH_HZ: Final = 0.015
#: No clear breathing rhythm when the HF peak holds less than this share of the power from
#: 0.15 to 0.5 Hz (white noise: 0.09).
MIN_PEAK_SHARE: Final = 0.2

# --- Minimum windows (Task Force 1996: ~1 min for HF, ~2 min for LF) ------------------------
#: Time-domain indices: 10 s RMSSD already correlates r = 0.85 with 5 min RMSSD (Munoz 2015,
#: doi:10.1371/journal.pone.0138921); fewer beats than this and SDNN/RMSSD are noise. (Esco &
#: Flatt 2014 validated 60 s lnRMSSD, not 10 s: the live and rolling windows below.)
MIN_TIME_DOMAIN_S: Final = 10.0
MIN_TIME_DOMAIN_BEATS: Final = 8
#: HF needs ten cycles of its slowest component (0.15 Hz) -> ~60 s.
MIN_HF_S: Final = 60.0
#: LF power needs ~2 min (Task Force 1996).
MIN_LF_S: Final = 120.0
#: LF/HF and LF, HF in normalised units need the standard 5 min short-term recording (Task
#: Force 1996: "5 min for LF/HF"); 290 s so that a 5 min recording of whole beats qualifies.
MIN_LF_HF_S: Final = 290.0
#: VLF is not given from 5-minute windows: Task Force 1996 calls VLF from short-term recordings
#: (<= 5 min) a dubious measure. 10 minutes (590 s, so that 10 min of whole beats qualifies)
#: hold three cycles of 0.005 Hz and two 300 s Welch segments' worth of averaging.
MIN_VLF_S: Final = 590.0
#: PNS/SNS and the stress index rest on an RR histogram (50 ms bins): 2 min of beats.
MIN_AUTONOMIC_INDEX_S: Final = 120.0
#: RMSSD, SD1 and SD2 rest on successive pairs of clean intervals: fewer than this many pairs
#: and they are noise (the 8-beat minimum with one flagged beat leaves ~5 pairs).
MIN_CLEAN_PAIRS: Final = 5

# --- Fractal and entropy indices (analysis/complexity.py; Kubios settings) ----------------------
#: DFA alpha1 box sizes (beats): Kubios' short-term fluctuations, 4-12 beats.
DFA_ALPHA1_BEATS: Final = (4, 12)
#: DFA alpha1 needs ten boxes of its largest scale: 120 clean beats (2 min at 60 bpm, the
#: window DFA alpha1 is usually reported on, Gronwald et al. 2020, doi:10.3389/fphys.2020.550572).
MIN_DFA_ALPHA1_BEATS: Final = 120
#: Sample entropy: embedding dimension and tolerance in SDs of the window (Kubios' settings).
SAMPEN_DIMENSION: Final = 2
SAMPEN_TOLERANCE_SD: Final = 0.2
#: Sample entropy with m = 2 is unstable on short series; Yentes et al. 2013
#: (doi:10.1007/s10439-012-0668-3) advise at least ~200 points.
MIN_SAMPEN_BEATS: Final = 200
#: Beyond this many beats (about 5 h) sample entropy's quadratic cost is not spent (0.4 s at
#: 20,000 beats, 5.6 s at 100,000): such a window is not a phase of a massage session.
MAX_COMPLEXITY_BEATS: Final = 20_000
#: neurokit2's whole nonlinear domain (multiscale entropies, correlation dimension, ...) for
#: the full index export: 39 s at 2,000 beats here and growing faster than linearly, so not
#: beyond this many beats (about an hour at rest).
MAX_FULL_NONLINEAR_BEATS: Final = 4_000

# --- Reliability ------------------------------------------------------------------------------
#: A window whose RR intervals are more than this share non-NN is not trusted. Each isolated
#: ectopic beat spoils two intervals, so 15 % of intervals is ~7.5 % ectopic beats: above the
#: 5 % Kubios guidance for interpolation, but time-domain indices here *exclude* flagged
#: intervals rather than invent them, which stays accurate to that level (tests pin it).
MAX_ARTIFACT_PCT: Final = 15.0
#: Frequency-domain indices need an evenly sampled series, so flagged intervals are bridged by
#: the spline; above this share the bridged spans dominate the spectrum (Kubios: 5 % beats).
MAX_ARTIFACT_PCT_SPECTRAL: Final = 10.0

# --- Beat times ---------------------------------------------------------------------------------
#: Beat times may come from a recorder (``t_s``). Two intervals are successive only if the time
#: between their ending beats equals the later RR to within this: more means beats are missing
#: (a gap in the recording), and the difference across it is not a successive difference.
GAP_TOLERANCE_S: Final = 0.5
#: Durations are *covered* time: the window's span minus its gaps. Gap time counts as
#: unusable, like artefacts: a window is unreliable when artefact % + gap % of its span exceeds
#: MAX_ARTIFACT_PCT, and has no spectrum above MAX_ARTIFACT_PCT_SPECTRAL.
#: The spline would bridge a gap with invented values; a gap longer than this (under half a
#: cycle of the slowest HF component, 1 / 0.15 Hz = 6.7 s; a few lost beats) is not bridged:
#: the spectrum is taken on the stretches either side, each held to the minimum windows above.
MAX_SPECTRAL_GAP_S: Final = 3.0

# --- Live view --------------------------------------------------------------------------------
#: The live 60 s HR/RMSSD is shown only when beats cover this much of the window (gaps inside
#: do not count): 50 of 60 s keeps it a one-minute figure (Esco & Flatt 2014).
MIN_LIVE_COVERAGE_S: Final = 50.0
#: ... and rests on at least this many clean successive pairs (~half a minute at 40 bpm).
MIN_LIVE_CLEAN_PAIRS: Final = 20

# --- Artefact detection (compensation-aware; tuned on the development records only) -----------
#: Running median over this many pair means (RR[n] + RR[n+1]) / 2 is the local sinus cycle.
REFERENCE_BEATS: Final = 21
#: A beat is ectopic when its interval is this much shorter than the reference (fraction) ...
ECTOPIC_PREMATURE_FRACTION: Final = 0.03
#: ... and the next interval is longer by at least this fraction of the reference
#: (compensatory pause); normal sinus steps are within +/- 0.09 at the 1st/99th percentile.
ECTOPIC_JUMP_FRACTION: Final = 0.10
#: An interval this much shorter than the reference is ectopic (or an extra detection) alone.
SOLO_PREMATURE_FRACTION: Final = 0.15
#: An extra (spurious) detection splits one cycle in two: two successive intervals each at
#: least this much shorter than the reference whose sum is one reference cycle to within
#: this tolerance (fractions of the reference).
EXTRA_SHORT_FRACTION: Final = 0.25
EXTRA_CYCLE_TOLERANCE: Final = 0.12
#: An interval this much longer than the reference is a missed beat or a pause.
LONG_FRACTION: Final = 0.20
#: Irregular rhythm (atrial fibrillation): over this many beats, the median of the smallest
#: deviation from the interval 1, 2 or 3 beats back exceeds this fraction of the reference.
IRREGULAR_BEATS: Final = 61
IRREGULAR_FRACTION: Final = 0.05
#: ... and, once the plainly ectopic beats are set aside, the remaining intervals still deviate
#: by more than this (frequent ectopy with varying coupling: the rest is regular, ~0.01-0.02;
#: atrial fibrillation: 0.03-0.06 on the development records).
IRREGULAR_REST_FRACTION: Final = 0.028
#: ... and the premature-looking beats there are not compensated: over the nearest this many of
#: them, the median |rel[n] + rel[n + 1]| (short interval plus the pause after it, against two
#: reference cycles) exceeds this (ventricular trigeminy/bigeminy: ~0.04; atrial fibrillation:
#: ~0.2 on the development records).
COMPENSATION_BEATS: Final = 45
COMPENSATION_RESIDUAL_FRACTION: Final = 0.10
#: ... and no lag of 1 to this many beats predicts the stretch: over IRREGULAR_BEATS, the
#: median deviation from the interval k beats back stays above this fraction for every k
#: (sinus, bigeminy, trigeminy and respiratory sinus arrhythmia up to a 10-beat breath repeat
#: at some lag: a large RSA ~0.005; atrial fibrillation >= 0.11 on the development record).
PERIODIC_MAX_LAG_BEATS: Final = 10
PERIODIC_FRACTION: Final = 0.06
#: A short interval followed by a jump up is premature only if the next interval comes back
#: down by this fraction of the jump (compensatory pause) ...
PAUSE_RETURN_FRACTION: Final = 0.3
#: ... unless the jump exceeds this (no sinus step is that large; 99.9th pct ~0.17).
STRONG_JUMP_FRACTION: Final = 0.3
#: A window with more than this share of intervals in irregular rhythm is unreliable.
MAX_IRREGULAR_PCT: Final = 50.0
#: Ectopic and missed-beat thresholds are at least this many times the local spread (the
#: median smallest lag-1..3 deviation): keeps large smooth sinus swings clean.
SPREAD_MULTIPLE: Final = 4.0
#: ... and at least this many times the median step from one sinus interval to the next: a
#: large respiratory sinus arrhythmia (+/- 16 % at a 6-beat breath) steps by ~14 % a beat.
STEP_MULTIPLE: Final = 2.0

# --- Rolling series (issue 4 defaults) ----------------------------------------------------------
#: HR and RMSSD: 60 s windows every 5 s (Esco & Flatt 2014: 60 s lnRMSSD agrees with 5 min).
ROLLING_TIME_WINDOW_S: Final = 60.0
ROLLING_TIME_STEP_S: Final = 5.0
#: HF and LF: 120 s windows every 10 s (Task Force 1996: ~2 min for LF).
ROLLING_SPECTRAL_WINDOW_S: Final = 120.0
ROLLING_SPECTRAL_STEP_S: Final = 10.0
#: PNS / SNS index: 300 s windows every 30 s (the standard short-term recording).
ROLLING_AUTONOMIC_WINDOW_S: Final = 300.0
ROLLING_AUTONOMIC_STEP_S: Final = 30.0

# --- Relaxation shift ---------------------------------------------------------------------------
#: Without a marked baseline phase, the first 3 minutes are the baseline (Diego & Field 2009).
DEFAULT_BASELINE_S: Final = 180.0
#: Phases and baseline are cut into sub-windows of this length for the HR and lnRMSSD changes
#: and their variogram (analysis/change_variance.py): 30 s keeps RMSSD meaningful (Munoz
#: 2015: 10 s already tracks 5 min) while giving >= 6 samples in 3 min.
SUBWINDOW_S: Final = 30.0
#: ln HF and the PNS/SNS index are bootstrapped over pieces of this length: HF needs ~1 min
#: (Task Force 1996); three pieces in the default 3 min baseline.
SLOW_SUBWINDOW_S: Final = 60.0
#: Bootstrap resamples (ln HF, PNS/SNS) and the confidence level of the reported intervals.
BOOTSTRAP_RESAMPLES: Final = 2000
CONFIDENCE_LEVEL: Final = 0.95
#: Smallest change worth calling a change, whatever the confidence interval: 1 bpm of HR and
#: 0.1 in lnRMSSD (~10 %; day-to-day SD of lnRMSSD is ~0.1-0.2, Plews 2013).
MIN_HR_CHANGE_BPM: Final = 1.0
MIN_LN_RMSSD_CHANGE: Final = 0.1
#: A client's usual range: the prediction interval of this level for the next baseline lnRMSSD
#: (analysis/usual_range.py), from at least this many past sessions. A stable client's
#: baseline is then "below" 5 % of the time (the goal: at most 10 %).
USUAL_RANGE_LEVEL: Final = 0.90
MIN_HISTORY_SESSIONS: Final = 5
