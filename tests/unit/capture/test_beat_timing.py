"""Beat times reconstructed from notification arrivals and RR sums."""

from __future__ import annotations

import pytest

from hrv_relax.capture.beat_timing import GAP_THRESHOLD_S, BeatTimeline


def test_first_batch_ends_at_its_arrival_and_is_placed_back_by_the_sum() -> None:
    timeline = BeatTimeline()
    placed = timeline.place(10.0, [800.0, 1000.0])
    assert placed.t_s == pytest.approx((9.0, 10.0))
    assert placed.gap is None


def test_running_sum_keeps_exact_spacing_despite_arrival_jitter() -> None:
    timeline = BeatTimeline()
    timeline.place(1.0, [800.0])
    second = timeline.place(2.3, [800.0])  # arrived late: the sum, not the arrival, places it
    third = timeline.place(2.9, [800.0, 800.0])
    assert second.t_s == pytest.approx((1.8,))
    # The sum says 2.6 and 3.4, but beats cannot end after their arrival at 2.9: shifted back.
    assert third.t_s == pytest.approx((2.1, 2.9))


def test_unaccounted_time_is_a_gap_and_the_timeline_reanchors() -> None:
    timeline = BeatTimeline()
    timeline.place(1.0, [800.0])
    after = timeline.place(1.0 + GAP_THRESHOLD_S + 5.0, [800.0])
    assert after.gap is not None
    assert after.gap.start_t_s == pytest.approx(1.0)
    assert after.gap.end_t_s == pytest.approx(1.0 + GAP_THRESHOLD_S + 5.0 - 0.8)
    assert after.t_s == pytest.approx((1.0 + GAP_THRESHOLD_S + 5.0,))


def test_a_lost_link_makes_the_next_batch_a_gap_even_when_short() -> None:
    timeline = BeatTimeline()
    timeline.place(1.0, [800.0])
    timeline.mark_gap()
    after = timeline.place(2.5, [800.0])
    assert after.gap is not None
    assert after.t_s == pytest.approx((2.5,))
    assert timeline.place(3.3, [800.0]).gap is None


def test_empty_batches_place_nothing() -> None:
    timeline = BeatTimeline()
    assert timeline.place(5.0, []).t_s == ()
    assert timeline.last_t_s is None


def test_after_a_lost_link_beats_never_go_back_in_time() -> None:
    timeline = BeatTimeline()
    timeline.place(10.0, [800.0])
    timeline.mark_gap()
    after = timeline.place(10.5, [800.0, 800.0])
    assert after.t_s[0] >= 10.0 + 0.8 - 1e-9
    assert after.t_s[1] - after.t_s[0] == pytest.approx(0.8)
    assert after.gap is not None and after.gap.duration_s >= 0
