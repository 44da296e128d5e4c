"""The incremental live feed: at every refresh it shows what a view computed from scratch shows."""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import tracemalloc
from collections.abc import Iterator
from typing import Any

import numpy as np
import pandas as pd
import pytest

import hrv_relax.views.live as live_module
from hrv_relax.analysis import ArtifactClasses, classify_artifacts
from hrv_relax.analysis.constants import ROLLING_TIME_STEP_S
from hrv_relax.analysis.rolling import rolling_time_domain
from hrv_relax.capture.simulator import ClientProfile, SessionPlan, simulate_beats
from hrv_relax.records import SYSTEM
from hrv_relax.store import Beat, Store, add_client, add_marker, append_beats, create_session
from hrv_relax.store import heartbeat as store_heartbeat
from hrv_relax.views.live import RECLASSIFY_BEATS, LiveFeed, LiveView, live_view
from tests.conftest import reference

START = dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.UTC)


def _session(store: Store) -> int:
    return create_session(store, add_client(store, "Feed").id, source="simulated", started_at=START)


def _append(
    store: Store,
    sid: int,
    first_seq: int,
    t_s: np.ndarray,
    rr_ms: np.ndarray,
    *,
    recording: bool = False,
) -> None:
    """Store beats with the recorder's heartbeat: at the beats' time, so the session reads as
    interrupted by now, or (``recording``) now, so it reads as recording."""
    with store.write() as conn:
        append_beats(
            conn,
            sid,
            [
                Beat(first_seq + k, float(t), float(r), round(60000 / r), True)
                for k, (t, r) in enumerate(zip(t_s, rr_ms, strict=True))
            ],
        )
        at = None if recording else START + dt.timedelta(seconds=float(t_s[-1]))
        store_heartbeat(conn, sid, at=at)


def _plain(value: object) -> Any:
    """Dataclasses as dicts, recursively, for comparison."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, tuple):
        return tuple(_plain(v) for v in value)
    return value


def _same(a: object, b: object, where: str) -> None:
    if isinstance(a, dict) and isinstance(b, dict):
        assert a.keys() == b.keys(), where
        for k in a:
            _same(a[k], b[k], f"{where}.{k}")
    elif isinstance(a, tuple) and isinstance(b, tuple):
        assert len(a) == len(b), where
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            _same(x, y, f"{where}[{i}]")
    elif isinstance(a, np.ndarray):
        np.testing.assert_allclose(a, b, rtol=1e-9, atol=1e-9, equal_nan=True, err_msg=where)
    elif isinstance(a, float) and isinstance(b, float):
        assert (math.isnan(a) and math.isnan(b)) or a == pytest.approx(b, rel=1e-9), where
    else:
        assert a == b, where


def _assert_same_view(kept: LiveView, fresh: LiveView, step: int) -> None:
    for field in dataclasses.fields(LiveView):
        if field.name == "status":
            continue
        _same(
            _plain(getattr(kept, field.name)),
            _plain(getattr(fresh, field.name)),
            f"step {step}: {field.name}",
        )


@pytest.fixture
def classify_sizes(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    """The number of beats each artefact classification of the live view was given."""
    sizes: list[int] = []

    def counted(rr_ms: np.ndarray) -> ArtifactClasses:
        sizes.append(len(rr_ms))
        return classify_artifacts(rr_ms)

    monkeypatch.setattr(live_module, "classify_artifacts", counted)
    yield sizes


def _grow_and_compare(
    store: Store,
    sid: int,
    t_s: np.ndarray,
    rr_ms: np.ndarray,
    *,
    seed: int,
    markers: dict[int, list[tuple[str, str, float]]] | None = None,
    latency_s: float | None = None,
) -> LiveFeed:
    """Append beats in random chunks; after each, the kept feed must equal a fresh view.

    By default the session has been interrupted (its clock stops at the last beat). With
    ``latency_s`` it is recording, and each refresh happens ``latency_s`` after the last beat
    stored: the beats of the last ``latency_s`` are still on their way to the store then.
    """
    rng = np.random.default_rng(seed)
    feed = LiveFeed(sid)
    done, step = 0, 0
    while done < t_s.size:
        chunk = int(rng.integers(1, 9))
        recording = latency_s is not None
        _append(
            store, sid, done, t_s[done : done + chunk], rr_ms[done : done + chunk],
            recording=recording,
        )  # fmt: skip
        done = min(done + chunk, t_s.size)
        for kind, value, at_s in (markers or {}).pop(step, []):
            add_marker(store, sid, kind, value, t_s=at_s)
        now = START + dt.timedelta(seconds=float(t_s[done - 1]) + (latency_s or 0.4))
        _assert_same_view(
            feed.refresh(store, SYSTEM, now=now), live_view(store, SYSTEM, sid, now=now), step
        )
        step += 1
    return feed


def test_kept_feed_equals_a_fresh_view_at_every_step(
    store: Store, classify_sizes: list[int]
) -> None:
    plan = SessionPlan(baseline_s=300, massage_s=900, recovery_s=0)
    beats, _ = simulate_beats(plan, ClientProfile(ectopic_per_hour=120), seed=11)
    t_s = np.array([b.t_s for b in beats])
    rr_ms = np.array([b.rr_ms for b in beats])
    recorded = (t_s < 680) | (t_s > 700)  # a 20 s recording gap in the massage
    t_s, rr_ms = t_s[recorded], rr_ms[recorded]
    sid = _session(store)
    add_marker(store, sid, "phase", "baseline", t_s=0.0)
    # Marked while recording: the baseline ends when massage is marked, a technique later.
    markers = {150: [("phase", "massage", 300.0)], 250: [("technique", "effleurage", 600.0)]}
    _grow_and_compare(store, sid, t_s, rr_ms, seed=5, markers=markers)
    # Past its first ~1,000 beats the kept feed reclassified only the last beats (the fresh
    # views, one a step, reclassify all of them).
    assert sum(1 for n in classify_sizes if n == RECLASSIFY_BEATS) >= 100


def test_kept_feed_equals_a_fresh_view_when_beats_reach_the_store_late(store: Store) -> None:
    """A "relaxation now" kept from a 30 s piece whose last beats had not reached the store
    yet is computed again when they come (beats 2.5 s late, a recording session's clock)."""
    beats, _ = simulate_beats(SessionPlan(180, 900, 0), ClientProfile(ectopic_per_hour=30), 12)
    t_s = np.array([b.t_s for b in beats])
    rr_ms = np.array([b.rr_ms for b in beats])
    sid = _session(store)
    add_marker(store, sid, "phase", "baseline", t_s=0.0)
    add_marker(store, sid, "phase", "massage", t_s=180.0)
    _grow_and_compare(store, sid, t_s, rr_ms, seed=13, latency_s=2.5)


def test_kept_feed_equals_a_fresh_view_in_irregular_rhythm(store: Store) -> None:
    """Atrial fibrillation (ltdb/14149): irregular stretches pool beats from further away."""
    frame = pd.read_csv(reference("ltdb/14149.csv.gz"))
    rr_ms = frame["rr_ms"].to_numpy(float)[:1100]
    t_s = np.cumsum(rr_ms) / 1000.0
    sid = _session(store)
    _grow_and_compare(store, sid, t_s, rr_ms, seed=9)


def test_new_markers_replace_the_kept_baseline(store: Store) -> None:
    beats, _ = simulate_beats(SessionPlan(300, 600, 0), ClientProfile(), seed=4)
    t_s = np.array([b.t_s for b in beats])
    rr_ms = np.array([b.rr_ms for b in beats])
    sid = _session(store)
    _append(store, sid, 0, t_s, rr_ms)
    now = START + dt.timedelta(seconds=float(t_s[-1]) + 0.5)
    add_marker(store, sid, "phase", "baseline", t_s=0.0)
    add_marker(store, sid, "phase", "massage", t_s=300.0)
    feed = LiveFeed(sid)
    before = feed.refresh(store, SYSTEM, now=now)
    assert before.baseline is not None and before.shift_now is not None
    add_marker(store, sid, "phase", "massage", t_s=200.0)  # the baseline ended earlier
    after = feed.refresh(store, SYSTEM, now=now)
    assert after.baseline != before.baseline
    _assert_same_view(after, live_view(store, SYSTEM, sid, now=now), 0)


def test_a_kept_feed_holds_the_session_beats_and_no_more(store: Store) -> None:
    """Memory grows with the session's beats (tens of bytes each), not with refreshes."""
    beats, _ = simulate_beats(SessionPlan(300, 3000, 300), ClientProfile(), seed=6)
    t_s = np.array([b.t_s for b in beats])
    rr_ms = np.array([b.rr_ms for b in beats])
    sid = _session(store)
    half = t_s.size // 2
    _append(store, sid, 0, t_s[:half], rr_ms[:half])
    tracemalloc.start()
    feed = LiveFeed(sid)
    feed.refresh(store, SYSTEM)
    held_half = tracemalloc.get_traced_memory()[0]
    for k in range(half, t_s.size, 16):
        _append(store, sid, k, t_s[k : k + 16], rr_ms[k : k + 16])
        feed.refresh(store, SYSTEM)
    held_all = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    assert feed.n_beats == t_s.size
    # Twice the beats after ~240 more refreshes: under twice the memory plus 64 bytes a beat
    # (the arrays of beats, flags and rolling windows): nothing is kept per refresh.
    assert held_all < 2 * held_half + 64 * (t_s.size - half)
    assert held_all / t_s.size < 400


def test_refreshes_between_two_window_ends_compute_no_rolling_window(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The rolling HR and RMSSD windows end every 5 s: a refresh whose new beats end no window
    (and change no flag a window read) computes none, and the feed still equals a fresh view."""
    beats, _ = simulate_beats(SessionPlan(180, 120, 0), ClientProfile(ectopic_per_hour=0), 14)
    t_s = np.array([b.t_s for b in beats])
    rr_ms = np.array([b.rr_ms for b in beats])
    sid = _session(store)
    first = int(np.searchsorted(t_s, 200.0))
    _append(store, sid, 0, t_s[:first], rr_ms[:first])
    feed = LiveFeed(sid)
    feed.refresh(store, SYSTEM)
    calls: list[int] = []

    def counted(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        return rolling_time_domain(*args, **kwargs)

    monkeypatch.setattr(live_module, "rolling_time_domain", counted)
    for k in range(first, t_s.size):  # a beat a refresh
        _append(store, sid, k, t_s[k : k + 1], rr_ms[k : k + 1])
        now = START + dt.timedelta(seconds=float(t_s[k]) + 0.4)
        _assert_same_view(
            feed.refresh(store, SYSTEM, now=now), live_view(store, SYSTEM, sid, now=now), k
        )
    kept_refreshes = len(calls) - (t_s.size - first)  # each fresh view computes them all once
    window_ends = int((t_s[-1] - t_s[first - 1]) // ROLLING_TIME_STEP_S) + 1
    assert kept_refreshes <= window_ends < (t_s.size - first) / 4
