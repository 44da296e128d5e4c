"""Phase spans and the baseline: marked, the first 3 minutes by default, and the live rule."""

import datetime as dt
from itertools import pairwise

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from hrv_relax.analysis import (
    PhaseMark,
    Span,
    analyze_session,
    baseline_span,
    finished_baseline,
    is_baseline,
    later_phases,
    phase_marks,
    phase_spans,
    session_phases,
)
from hrv_relax.analysis.phases import DEFAULT_BASELINE_NAME, REST_OF_SESSION
from hrv_relax.store import MarkerRecord


def _marks(*pairs: tuple[float, str]) -> list[PhaseMark]:
    return [PhaseMark(t, phase) for t, phase in pairs]


def _stored(t_s: float, kind: str, value: str, end_t_s: float | None = None) -> MarkerRecord:
    return MarkerRecord(1, 1, t_s, end_t_s, kind, value, dt.datetime(2024, 1, 1, tzinfo=dt.UTC))


def test_each_phase_runs_to_the_next_mark_whatever_order_the_marks_come_in() -> None:
    marks = _marks((900.0, "recovery"), (0.0, "baseline"), (300.0, "massage"))
    assert phase_spans(marks, 1200.0) == (
        Span("baseline", 0.0, 300.0),
        Span("massage", 300.0, 900.0),
        Span("recovery", 900.0, 1200.0),
    )


def test_marks_at_the_same_time_keep_their_order_and_all_but_the_last_are_empty() -> None:
    marks = _marks((0.0, "baseline"), (300.0, "massage"), (300.0, "recovery"))
    assert phase_spans(marks, 600.0) == (
        Span("baseline", 0.0, 300.0),
        Span("massage", 300.0, 300.0),
        Span("recovery", 300.0, 600.0),
    )


def test_a_mark_after_the_end_is_an_empty_phase_at_the_mark() -> None:
    spans = phase_spans(_marks((0.0, "baseline"), (700.0, "massage")), 600.0)
    assert spans == (Span("baseline", 0.0, 700.0), Span("massage", 700.0, 700.0))


def test_no_marks_no_phases() -> None:
    assert phase_spans([], 600.0) == ()


def test_only_phase_markers_are_phases() -> None:
    stored = [
        _stored(0.0, "phase", "baseline"),
        _stored(200.0, "technique", "effleurage"),
        _stored(250.0, "pressure", "firm"),
        _stored(260.0, "region", "back"),
        _stored(270.0, "note", "client asleep"),
        _stored(280.0, "gap", "", end_t_s=290.0),
        _stored(300.0, "phase", "massage"),
    ]
    assert phase_marks(stored) == (PhaseMark(0.0, "baseline"), PhaseMark(300.0, "massage"))
    assert phase_spans(phase_marks(stored), 600.0) == (
        Span("baseline", 0.0, 300.0),
        Span("massage", 300.0, 600.0),
    )


@pytest.mark.parametrize("name", ["baseline", "Baseline", "  BASELINE "])
def test_baseline_is_named_in_any_case(name: str) -> None:
    assert is_baseline(name)


@pytest.mark.parametrize("name", ["massage", "baseline 2", "base line", ""])
def test_other_names_are_not_the_baseline(name: str) -> None:
    assert not is_baseline(name)


def test_the_marked_baseline_is_the_baseline_and_earlier_phases_are_dropped() -> None:
    marks = _marks((0.0, "massage"), (120.0, "Baseline"), (420.0, "massage"), (900.0, "recovery"))
    phases = session_phases(marks, 0.0, 1200.0)
    assert phases.baseline == Span("Baseline", 120.0, 420.0)
    assert phases.later == (
        Span("massage", 420.0, 900.0),
        Span("recovery", 900.0, 1200.0),
    )


def test_the_first_baseline_counts_a_second_one_is_a_later_phase() -> None:
    marks = _marks((0.0, "baseline"), (300.0, "massage"), (900.0, "baseline"))
    phases = session_phases(marks, 0.0, 1200.0)
    assert phases.baseline == Span("baseline", 0.0, 300.0)
    assert [p.label for p in phases.later] == ["massage", "baseline"]


def test_empty_later_phases_are_left_out() -> None:
    marks = _marks((0.0, "baseline"), (300.0, "massage"), (300.0, "recovery"), (700.0, "massage"))
    phases = session_phases(marks, 0.0, 600.0)
    # The recovery runs to the next mark, past the last beat; the late massage is empty.
    assert phases.later == (Span("recovery", 300.0, 700.0),)


def test_a_marked_baseline_still_running_has_no_later_phase() -> None:
    phases = session_phases(_marks((0.0, "baseline")), 0.0, 600.0)
    assert phases.baseline == Span("baseline", 0.0, 600.0)
    assert phases.later == ()


def test_without_a_marked_baseline_the_first_3_minutes_are_the_baseline() -> None:
    phases = session_phases(_marks((60.0, "massage"), (900.0, "recovery")), 5.0, 1200.0)
    assert phases.baseline == Span(DEFAULT_BASELINE_NAME, 5.0, 185.0)
    # The massage began inside the first 3 minutes: only its part after them is compared.
    assert phases.later == (
        Span("massage", 185.0, 900.0),
        Span("recovery", 900.0, 1200.0),
    )


def test_phases_inside_the_default_baseline_are_left_out() -> None:
    marks = _marks((30.0, "massage"), (100.0, "recovery"), (400.0, "massage"))
    phases = session_phases(marks, 0.0, 600.0)
    assert phases.later == (Span("recovery", 180.0, 400.0), Span("massage", 400.0, 600.0))


def test_without_phases_after_the_default_baseline_the_rest_is_one_phase() -> None:
    phases = session_phases([], 0.0, 600.0)
    assert phases.baseline == Span(DEFAULT_BASELINE_NAME, 0.0, 180.0)
    assert phases.later == (Span(REST_OF_SESSION, 180.0, 600.0),)
    # A phase marked only after the recording ended does not hide the recorded rest.
    late = session_phases(_marks((700.0, "massage")), 0.0, 600.0)
    assert late.later == (Span(REST_OF_SESSION, 180.0, 600.0),)


def test_a_recording_shorter_than_3_minutes_is_all_baseline() -> None:
    phases = session_phases(_marks((60.0, "massage")), 0.0, 150.0)
    assert phases.baseline == Span(DEFAULT_BASELINE_NAME, 0.0, 150.0)
    assert phases.later == ()


def test_baseline_span_cuts_the_default_at_the_end_but_not_a_marked_one() -> None:
    assert baseline_span((), 10.0, 100.0) == Span(DEFAULT_BASELINE_NAME, 10.0, 100.0)
    spans = phase_spans(_marks((0.0, "baseline")), 100.0)
    assert baseline_span(spans, 10.0, 100.0) == Span("baseline", 0.0, 100.0)


def test_live_a_running_marked_baseline_is_no_baseline_yet() -> None:
    running = phase_spans(_marks((0.0, "massage"), (60.0, "baseline")), 240.0)
    assert finished_baseline(running, 0.0) is None


def test_live_a_marked_baseline_counts_once_a_later_phase_began() -> None:
    spans = phase_spans(_marks((0.0, "baseline"), (300.0, "massage")), 400.0)
    assert finished_baseline(spans, 0.0) == Span("baseline", 0.0, 300.0)


def test_live_the_default_baseline_is_the_whole_first_3_minutes_even_before_they_pass() -> None:
    # 60 s in: the default baseline already ends at 3 min, so the view can count down to it.
    assert finished_baseline(phase_spans([], 60.0), 0.0) == Span(DEFAULT_BASELINE_NAME, 0.0, 180.0)
    assert finished_baseline(phase_spans(_marks((30.0, "massage")), 60.0), 0.0) == Span(
        DEFAULT_BASELINE_NAME, 0.0, 180.0
    )


def test_later_phases_keep_what_follows_any_baseline() -> None:
    spans = phase_spans(_marks((0.0, "massage"), (250.0, "recovery")), 400.0)
    assert later_phases(spans, Span("reference", 100.0, 200.0)) == (
        Span("massage", 200.0, 250.0),
        Span("recovery", 250.0, 400.0),
    )


_PHASES = st.sampled_from(["baseline", "Baseline", "massage", "recovery"])
_TIMES = st.floats(0.0, 2000.0, allow_nan=False)


@given(st.lists(st.tuples(_TIMES, _PHASES), max_size=8), st.floats(0.0, 10.0), _TIMES)
def test_spans_tile_the_time_line_and_later_phases_follow_the_baseline(
    pairs: list[tuple[float, str]], start_s: float, duration_s: float
) -> None:
    marks = _marks(*pairs)
    end_s = start_s + duration_s
    spans = phase_spans(marks, end_s)
    assert sorted(s.start_s for s in spans) == [s.start_s for s in spans]
    assert all(s.end_s >= s.start_s for s in spans)
    assert all(a.end_s == b.start_s for a, b in pairwise(spans))
    if spans:
        assert spans[-1].end_s == max(spans[-1].start_s, end_s)

    phases = session_phases(marks, start_s, end_s)
    assert phases.baseline.end_s >= phases.baseline.start_s
    assert all(p.end_s > p.start_s >= phases.baseline.end_s for p in phases.later)
    assert all(a.end_s <= b.start_s for a, b in pairwise(phases.later))
    if not any(is_baseline(p) for _, p in pairs):
        assert phases.baseline.start_s == start_s
        assert phases.baseline.end_s == min(start_s + 180.0, end_s)


def test_analyze_session_reports_the_session_phases() -> None:
    rr = np.full(1000, 800.0)  # 800 s of beats, the first interval starting at 0
    marks = _marks((600.0, "recovery"), (0.0, "baseline"), (240.0, "massage"))
    session = analyze_session(rr, marks)
    phases = session_phases(marks, 0.0, 800.0)
    assert (session.baseline.phase, session.baseline.start_s, session.baseline.end_s) == (
        phases.baseline.label,
        phases.baseline.start_s,
        phases.baseline.end_s,
    )
    assert [(p.phase, p.start_s, p.end_s) for p in session.phases] == [
        (p.label, p.start_s, p.end_s) for p in phases.later
    ]
