"""The demo clients' past visits: how long each lasted, what the therapist tapped, how it went.

Scripted, not random, so that every page of the demo has something true to show: sessions of
different lengths, techniques, pressures and regions tapped as a therapist would (a pressure
as the massage starts, a technique and a region at each change), some visits with no clear
change (a client who talked throughout, light pressure), and one with a tense stretch (a
painful trigger point). How strongly a visit relaxes follows its pressure: moderate pressure
relaxes most, light pressure hardly (Diego & Field 2009, Int J Neurosci 119:630).
`tests/integration/cli/test_demo_visits.py` runs the analysis on them and checks each gets
the verdict written here.
"""

from __future__ import annotations

from dataclasses import dataclass

from hrv_relax.vocabulary import MarkerKind

#: Share of a client's full relaxation response a visit brings about, by its pressure.
PRESSURE_RESPONSE = {"light": 0.15, "moderate": 1.0, "firm": 0.7}


@dataclass(frozen=True, slots=True)
class Tap:
    """A marker button the therapist pressed, `minute` minutes into the massage."""

    minute: float
    kind: MarkerKind
    value: str


@dataclass(frozen=True, slots=True)
class Visit:
    """One past session of a demo client, and the verdict its massage phase should get."""

    massage_min: float
    taps: tuple[Tap, ...]
    response: float  # share of the client's full relaxation response (0: none)
    verdict: str  # what the analysis should say of the massage against the baseline
    tense_min: tuple[float, float] | None = None  # minutes into the massage she was tense
    tense_technique: str | None = None  # the technique tapped for the tense stretch


def _taps(*items: tuple[float, str, str]) -> tuple[Tap, ...]:
    return tuple(Tap(minute, MarkerKind(kind), value) for minute, kind, value in items)


def _visit(
    massage_min: float, pressure: str, *steps: tuple[float, str, str], verdict: str = ""
) -> Visit:
    """A calm visit at one pressure: its response follows the pressure, and so its verdict
    (unless `verdict` says otherwise: a slow relaxer's change can stay within his ups and downs).
    """
    response = PRESSURE_RESPONSE[pressure]
    expected = "more relaxed" if response >= PRESSURE_RESPONSE["firm"] else "no clear change"
    steps_taps = _taps((0.0, "pressure", pressure), *steps)
    return Visit(massage_min, steps_taps, response, verdict or expected)


NECK_AND_SHOULDERS = (
    (0.0, "technique", "effleurage"),
    (0.0, "region", "back"),
    (8.0, "technique", "petrissage"),
    (8.0, "region", "shoulders"),
    (18.0, "technique", "myofascial"),
    (18.0, "region", "neck"),
)
LOWER_BACK = (
    (0.0, "technique", "effleurage"),
    (0.0, "region", "back"),
    (10.0, "technique", "friction"),
    (22.0, "technique", "stretching"),
    (22.0, "region", "legs"),
)
GENTLE = (
    (0.0, "technique", "effleurage"),
    (0.0, "region", "back"),
    (12.0, "technique", "petrissage"),
    (12.0, "region", "shoulders"),
)

#: Oldest first, one a week; a demo with fewer weeks takes the most recent visits.
VISITS: dict[str, tuple[Visit, ...]] = {
    "Alex Demo": (
        _visit(40, "moderate", *NECK_AND_SHOULDERS),
        _visit(25, "light", *GENTLE),
        # A sore shoulder after a bad week: she braced from the first trigger point on, and
        # stayed tense until the therapist went back to effleurage near the end. Heart rate up
        # about 9 bpm and RMSSD down by a third over most of the massage: more aroused (the
        # steps in and out of the tense stretch are change, not the session's own wander).
        Visit(
            30,
            _taps(
                (0.0, "pressure", "firm"),
                (0.0, "technique", "effleurage"),
                (0.0, "region", "back"),
                (3.0, "technique", "trigger point"),
                (3.0, "region", "shoulders"),
                (26.0, "technique", "effleurage"),
                (26.0, "region", "back"),
            ),
            response=0.0,
            verdict="more aroused",
            tense_min=(3.0, 26.0),
            tense_technique="trigger point",
        ),
        _visit(55, "moderate", *NECK_AND_SHOULDERS),
        _visit(50, "firm", *NECK_AND_SHOULDERS),
        _visit(60, "moderate", *NECK_AND_SHOULDERS, (40.0, "technique", "effleurage")),
    ),
    "Bea Demo": (
        _visit(50, "moderate", *LOWER_BACK),
        _visit(40, "moderate", *LOWER_BACK),
        _visit(30, "light", *GENTLE),
        _visit(55, "moderate", *LOWER_BACK),
        _visit(45, "firm", *LOWER_BACK),
        _visit(60, "moderate", *LOWER_BACK, (45.0, "technique", "effleurage")),
    ),
    # Slow to relax: his first visits change less than his session-to-session ups and downs.
    "Chris Demo": (
        _visit(30, "moderate", *GENTLE, verdict="no clear change"),
        # He talked about work the whole hour: no change at all.
        Visit(
            45,
            _taps((0.0, "pressure", "moderate"), *GENTLE),
            response=0.0,
            verdict="no clear change",
        ),
        _visit(
            40, "moderate", *GENTLE, (25.0, "technique", "effleurage"), verdict="no clear change"
        ),
        _visit(25, "light", *GENTLE),
        _visit(50, "moderate", *GENTLE, (30.0, "technique", "stretching")),
        _visit(45, "moderate", *GENTLE),
    ),
}
