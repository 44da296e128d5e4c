"""Marker labels on the live chart: taps seconds apart share a label; long notes are cut."""

from __future__ import annotations

import numpy as np

from hrv_relax.dashboard.charts.live import EventLine, live_chart, merged_events

EMPTY = np.empty(0, dtype=np.float64)


def test_markers_tapped_seconds_apart_share_one_label() -> None:
    taps = [EventLine(300.0, "effleurage"), EventLine(304.0, "moderate"), EventLine(306, "back")]
    later = EventLine(420.0, "friction")
    merged = merged_events([*taps, later], span_min=10.0)
    assert merged == [EventLine(300.0, "effleurage · moderate · back"), later]


def test_chart_labels_never_overlap_and_a_long_note_is_whole_on_hover() -> None:
    note = "client asked for less pressure on the left shoulder, old injury from 2019"
    t = np.arange(0.0, 600.0, 1.0)
    figure = live_chart(
        t,
        np.full(t.size, 70.0),
        EMPTY,
        EMPTY,
        events=[EventLine(300.0, "effleurage"), EventLine(302.0, note)],
    )
    labels = [a for a in figure["layout"]["annotations"] if a.get("textangle") == -90]
    assert len(labels) == 1
    (label,) = labels
    assert len(label["text"]) <= 32 and label["text"].endswith("…")
    assert label["hovertext"] == f"effleurage · {note}"


def test_a_marker_tapped_while_the_strap_is_silent_is_on_the_chart_at_once() -> None:
    # Beats for ten minutes, then the strap falls silent; the therapist taps at 11:50.
    t = np.arange(0.0, 600.0, 1.0)
    tapped = EventLine(710.0, "friction")
    for now_s in (0.0, 720.0):  # a past session's chart, the live page at 12:00
        figure = live_chart(t, np.full(t.size, 70.0), EMPTY, EMPTY, now_s=now_s, events=[tapped])
        end_min = figure["layout"]["xaxis"]["range"][1]
        (label,) = [a for a in figure["layout"]["annotations"] if a.get("textangle") == -90]
        assert label["text"] == "friction" and label["x"] < end_min
        assert end_min >= max(now_s, tapped.t_s) / 60
