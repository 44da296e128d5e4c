"""The session headline: what was measured, how sure, the verdict; no cause, no norms."""

import math

from hrv_relax.analysis import Change
from hrv_relax.views.plain_words import headline, how_sure
from hrv_relax.views.summary import PhaseFigures, SessionFigures, ShiftFigures


def _phase(
    name: str, shift: ShiftFigures | None, *, reliable: bool = True, note: str = ""
) -> PhaseFigures:
    nan = math.nan
    return PhaseFigures(
        name, 0.0, 600.0, 700, 0.0, reliable, note, 66.0, 40.0, nan, nan, nan, nan, nan,
        breathing_per_min=12.0, dfa_alpha1=nan, sampen=nan, shift=shift,
    )  # fmt: skip


def _figures(
    hr: Change, ln: Change, verdict: str, phase: str = "massage", reason: str = ""
) -> SessionFigures:
    shift = ShiftFigures(hr, ln, 100 * math.expm1(ln.delta), verdict, reason)
    return SessionFigures(1800.0, 2000, 0.0, _phase("baseline", None), (_phase(phase, shift),), ())


def test_without_an_interval_it_says_why_from_the_comparison_or_an_unreliable_phase():
    nan = math.nan
    figures = _figures(
        Change(70, 70, 0.0, nan, nan), Change(3.5, 3.5, 0.0, nan, nan), "no clear change",
        reason="too few clean 30 s pieces to judge",
    )  # fmt: skip
    # A reliable baseline's note about another figure is not the reason.
    base = _phase("baseline", None, note="window 299 s < 590 s: no VLF")
    text = headline(SessionFigures(400.0, 414, 1.0, base, figures.phases, ()))
    assert text.endswith("(too few clean 30 s pieces to judge).") and "VLF" not in text
    bad = _phase("baseline", None, reliable=False, note="too many artefacts or gaps")
    text = headline(SessionFigures(400.0, 414, 1.0, bad, figures.phases, ()))
    assert text.endswith("(too many artefacts or gaps).")


def test_a_clear_change_says_what_was_measured_and_how_sure():
    figures = _figures(
        Change(70, 66, -4.0, -6.2, -0.3), Change(3.5, 3.72, 0.223, 0.08, 0.36), "more relaxed"
    )
    text = headline(figures)
    assert text == (
        "During the massage your heart rate was 4 bpm lower and your RMSSD 25 % higher than "
        "while resting before it: a clear change toward rest, beyond this session's natural "
        "ups and downs."
    )
    assert how_sure(figures).startswith(
        "How sure: the 95 % ranges of the changes are heart rate -6 to -0.3 bpm and RMSSD "
        "+8 to +43 %."
    )
    # Never a cause, never a comparison with other people.
    for word in ("because", "caused", "thanks to", "response", "normal", "average", "people"):
        assert word not in (text + how_sure(figures)).lower()


def test_no_clear_change_is_said_plainly():
    text = headline(
        _figures(
            Change(70, 69.8, -0.2, -2.5, 2.1),
            Change(3.5, 3.52, 0.02, -0.2, 0.25),
            "no clear change",
        )
    )
    assert text.startswith("During the massage, compared with the rest before it,")
    assert "your heart rate was about the same" in text
    assert text.endswith("no clear change, within this session's natural ups and downs.")


def test_without_markers_it_says_what_it_compares():
    text = headline(
        _figures(
            Change(70, 67, -3.0, -5, -1),
            Change(3.5, 3.6, 0.1, -0.1, 0.3),
            "more relaxed",
            "session",
        )
    )
    assert text.startswith("After the first 3 minutes your heart rate was 3 bpm lower")
    assert "than during them" in text
