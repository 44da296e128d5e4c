"""Words shown beside the numbers: one line per chart, and definitions for clients.

Shared by the review page and the reports, so the page and the take-home report say the same.
"""

from __future__ import annotations

CHART_CAPTIONS: dict[str, str] = {
    "hr_rmssd": (
        "Heart rate and RMSSD (beat-to-beat variability, 60 s windows) over the session, with "
        "its phases shaded: heart rate falling and RMSSD rising against the baseline are "
        "shifts toward rest."
    ),
    "tachogram": (
        "Every heartbeat interval (RR) in order; orange dots are artefacts (extra, missed or "
        "ectopic beats) that the figures leave out."
    ),
    "poincare": (
        "Each clean interval against the next: the cloud's width across the diagonal (SD1) "
        "is the beat-to-beat, breathing-linked variability; its length along it (SD2) the "
        "slower swings."
    ),
    "spectrum": (
        "How the rhythm's variability splits by speed: HF (0.15-0.4 Hz) follows breathing and "
        "the calming vagus nerve; LF (0.04-0.15 Hz) mixes both branches."
    ),
    "autonomic": (
        "PNS index (rest-and-digest) and SNS index (fight-or-flight) on 5-minute windows. "
        "They are relative: compare the phases of this session with each other, not with "
        "other people (0 is not average). Blank while breathing is slower than 9 a minute."
    ),
    "rhythm": (
        "How the beat-to-beat rhythm is organised, by neurokit2 with Kubios' settings: DFA "
        "alpha1 (4-12 beats; about 1 at rest, lower with effort or very regular breathing) "
        "and sample entropy (higher is less predictable). Descriptive: no norms are implied."
    ),
    "techniques": (
        "How heart rate and RMSSD moved during each marked technique and pressure, against "
        "the resting baseline, with 95 % intervals."
    ),
    "timeline": (
        "Each session's resting RMSSD at its start (lnRMSSD) against your usual range (band: "
        "where 9 in 10 resting values fall, from up to 10 previous sessions, 5 at least), "
        "and how much each session relaxed you "
        "(bar colour: green more relaxed, vermilion more aroused, grey no clear change)."
    ),
    "trend": "Weekly averages: is your resting variability and your response to massage rising?",
}

DEFINITIONS: tuple[tuple[str, str], ...] = (
    (
        "Heart rate (bpm)",
        "Beats per minute. It falls as the body relaxes; a fall of a few bpm during massage is "
        "typical (Kaye 2008: -10.8 bpm over 45-60 min of deep tissue massage).",
    ),
    (
        "RR interval",
        "The time between two heartbeats, in milliseconds. Its beat-to-beat variation is "
        "heart rate variability (HRV).",
    ),
    (
        "RMSSD (ms)",
        "Root mean square of successive RR differences: the standard short-term measure of "
        "the vagus nerve's calming influence (Task Force 1996). It differs a lot from person to "
        "person, so compare it only with your own earlier readings: a rise against your own "
        "baseline is a shift toward rest. lnRMSSD is its natural logarithm, which makes "
        "day-to-day comparisons fairer.",
    ),
    (
        "Baseline",
        "The resting minutes before the massage, in the same position. Every change is "
        "measured against it, so each session is compared with your own starting point.",
    ),
    (
        "Relaxation shift",
        "A phase minus the baseline, in 30-second pieces. Its 95 % interval allows for how "
        "much this session's heart wandered at rest (neighbouring pieces alike, slow drift): "
        "when it leaves out zero and the change is worthwhile (1 bpm, 10 % RMSSD), we call "
        "it a clear change. It says what changed, not what caused it: resting on the table "
        "alone can relax.",
    ),
    (
        "Usual range",
        "Where your resting lnRMSSD usually falls: the range that holds 9 in 10 of your "
        "baselines when nothing has changed (a 90 % prediction interval from your previous "
        "sessions, at least 5). Outside it, today differs from your usual; it does not say "
        "why.",
    ),
    (
        "Breathing rate",
        "Breaths per minute, read from the heartbeats: the heart speeds up on each breath in "
        "and slows on each breath out. Slower breathing is one of the clearest signs of "
        "relaxation; near 6 a minute the heart's swings are largest (Lehrer & Gevirtz 2014).",
    ),
    (
        "HF power (ms²)",
        "Variability at breathing speed (0.15-0.4 Hz), vagal. Needs at least a minute. Not "
        "shown while breathing is slower than 9 a minute: the breathing rhythm is then below "
        "this band.",
    ),
    (
        "LF/HF",
        "Ratio of slower (0.04-0.15 Hz) to breathing-speed variability. Secondary: it needs "
        "5 minutes and is not a clean 'stress ratio'.",
    ),
    (
        "PNS / SNS index",
        "Kubios-style indices of the rest-and-digest (parasympathetic) and fight-or-flight "
        "(sympathetic) branches. Kubios weights its own by an unpublished scheme and "
        "publishes no norms; ours uses published norms for mean RR and RMSSD (Nunan 2010) "
        "and reference points of our own for SD1, SD2 and the stress index, so it is "
        "relative: compare phases within a session. Not shown while breathing is slow.",
    ),
    (
        "DFA alpha1, sample entropy",
        "How the beat-to-beat rhythm is organised: DFA alpha1 (4-12 beats; near 1 at rest, "
        "lower with effort) and sample entropy (m = 2, r = 0.2 SD; higher is more irregular). "
        "Computed by neurokit2 with Kubios' settings; they need 120 and 200 clean beats.",
    ),
    (
        "Artefacts",
        "Extra, missed or ectopic beats and strap movement. They are marked and left out; a "
        "stretch with too many of them gets no figure rather than a wrong one.",
    ),
)

DISCLAIMER = (
    "These figures describe your heart rhythm during the session; they are not a medical "
    "diagnosis. Talk to your doctor about any health concern."
)
