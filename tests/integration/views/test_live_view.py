"""The live view model: figures only when the data supports them, right now."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

import hrv_relax.views.live as live_module
from hrv_relax.analysis.artifacts import classify_artifacts
from hrv_relax.analysis.indices import window_breathing_per_min
from hrv_relax.analysis.relaxation import (
    Change,
    heart_changes,
    session_variability,
    subwindows,
    verdict,
)
from hrv_relax.analysis.series import beat_series
from hrv_relax.capture.simulator import ClientProfile, SessionPlan, simulate_beats
from hrv_relax.dashboard.tiles import heart_rate_tile, relaxation_tile, rmssd_tile
from hrv_relax.records import SYSTEM
from hrv_relax.store import (
    Beat,
    Store,
    add_client,
    add_marker,
    append_beats,
    create_session,
    heartbeat,
    live_row,
    write_live_rows,
)
from hrv_relax.store.access import visible_beats
from hrv_relax.store.clock import utcnow
from hrv_relax.views.live import BREATHING_EVERY_S, BREATHING_WINDOW_S, LiveFeed, live_view
from tests.conftest import reference
from tests.support.breathing_rr import breathing_rr

PLAN = SessionPlan(baseline_s=300, massage_s=600, recovery_s=0)


def _recording(store: Store, *, minutes_ago: float, beats_until_s: float) -> int:
    beats, _ = simulate_beats(PLAN, ClientProfile(ectopic_per_hour=0), seed=3)
    kept = [b for b in beats if b.t_s <= beats_until_s]
    started = utcnow() - dt.timedelta(minutes=minutes_ago)
    sid = create_session(
        store, add_client(store, "Viewed").id, source="simulated", started_at=started
    )
    with store.write() as conn:
        append_beats(conn, sid, [Beat(i, b.t_s, b.rr_ms, 70, True) for i, b in enumerate(kept)])
        heartbeat(conn, sid)
        write_live_rows(conn, [live_row(
            sid, link="connected", bpm=0, contact=False, battery_pct=80,
            frames_ok=10, frames_malformed=0,
        )])  # fmt: skip
    add_marker(store, sid, "phase", "baseline", t_s=0.0)
    add_marker(store, sid, "phase", "massage", t_s=300.0)
    return sid


def test_figures_from_minutes_ago_are_not_shown_as_now(store: Store) -> None:
    sid = _recording(store, minutes_ago=10, beats_until_s=297)
    view = live_view(store, SYSTEM, sid)
    assert not view.reading.supportable
    assert "no beats for" in view.reading.reason
    assert heart_rate_tile(view).value == "—"  # no contact: not even the strap's reading
    assert rmssd_tile(view).value == "—"
    assert relaxation_tile(view).value == "—"


def test_a_flowing_session_shows_figures_and_the_shift(store: Store) -> None:
    sid = _recording(store, minutes_ago=8, beats_until_s=8 * 60 - 1)
    view = live_view(store, SYSTEM, sid)
    assert view.reading.supportable
    assert rmssd_tile(view).value.endswith("ms")
    assert view.shift_now is not None
    assert relaxation_tile(view).value in ("↓ calmer", "→ steady", "↑ tenser")


def _session_rule(store: Store, sid: int, now_s: float) -> tuple[Change, Change]:
    """The session analysis's HR and lnRMSSD changes of the 2 minutes up to `now_s`."""
    beats = visible_beats(store, SYSTEM, sid)
    series = beat_series(beats.rr_ms, beats.t_s)
    keep = ~classify_artifacts(series.rr_ms).any
    base = subwindows(series, keep, 0.0, 300.0)
    wander = session_variability(base, [subwindows(series, keep, 300.0, now_s)])
    return heart_changes(base, subwindows(series, keep, now_s - 120.0, now_s), wander)


@pytest.mark.parametrize(
    ("clock_s", "beats_until_s", "now_s"),
    [
        (558.0, 557.0, 540.0),  # 18 s into a piece: the 2 minutes up to the piece before
        (541.0, 539.5, 510.0),  # the last piece's final beats not stored yet: the one before
        (543.0, 542.5, 540.0),  # and once two beats after its end are
        (549.0, 539.5, 540.0),  # or once the recorder is 6 s late with them
    ],
)
def test_the_live_shift_is_the_session_rule_at_the_last_whole_piece(
    store: Store, clock_s: float, beats_until_s: float, now_s: float
) -> None:
    """Same pieces, same variogram of the session so far, same interval and verdict, as of
    the last whole 30 s piece since the baseline whose beats are stored."""
    sid = _recording(store, minutes_ago=clock_s / 60, beats_until_s=beats_until_s)
    view = live_view(store, SYSTEM, sid)
    assert view.shift_now is not None
    assert view.elapsed_s == pytest.approx(clock_s, abs=1.0)
    hr, ln_rmssd = _session_rule(store, sid, now_s)
    assert view.shift_now.hr_bpm.ci_low == pytest.approx(hr.ci_low, abs=1e-9)
    assert view.shift_now.ln_rmssd.ci_high == pytest.approx(ln_rmssd.ci_high, abs=1e-9)
    assert view.shift_now.verdict == verdict(hr, ln_rmssd)[0]


def test_the_first_comparison_waits_for_the_beats_of_its_last_piece(store: Store) -> None:
    sid = _recording(store, minutes_ago=420.8 / 60, beats_until_s=419.9)
    view = live_view(store, SYSTEM, sid)
    assert view.shift_now is None
    assert view.shift_note == "comparing with the baseline in 0 s"


def test_atrial_fibrillation_shows_heart_rate_but_no_rmssd(store: Store) -> None:
    """Irregular rhythm (ltdb/14149): HRV is not autonomic there, so the tile says why."""
    frame = pd.read_csv(reference("ltdb/14149.csv.gz"))
    rr = frame["rr_ms"].to_numpy(float)[:400]
    t_s = np.cumsum(rr) / 1000.0
    started = utcnow() - dt.timedelta(seconds=float(t_s[-1]) + 1.0)
    sid = create_session(store, add_client(store, "Irregular").id, source="simulated",
                         started_at=started)  # fmt: skip
    with store.write() as conn:
        rows = [Beat(i, t, r, 0, True) for i, (t, r) in enumerate(zip(t_s, rr, strict=True))]
        append_beats(conn, sid, rows)
        heartbeat(conn, sid)
    view = live_view(store, SYSTEM, sid)
    assert heart_rate_tile(view).value.endswith("bpm")
    assert rmssd_tile(view).value == "—"
    assert "irregular rhythm" in rmssd_tile(view).note
    assert np.isnan(view.rolling.rmssd_ms[-1]) and np.isfinite(view.rolling.hr_bpm[-1])
    assert np.isnan(view.breathing_per_min)  # no breathing rhythm to read in AF
    assert rmssd_tile(view).delta is None


def test_the_live_tile_reads_the_breathing_rate(store: Store) -> None:
    """A client breathing 15/min who slows to 6/min: the RMSSD tile follows, within 1/min."""
    sim = breathing_rr(8, [(0.0, 15.0), (300.0, 15.0), (360.0, 6.0), (600.0, 6.0)])
    for until_s, rate in ((290.0, 15), (590.0, 6)):
        keep = sim.t_s <= until_s
        started = utcnow() - dt.timedelta(seconds=float(sim.t_s[keep][-1]) + 1.0)
        sid = create_session(store, add_client(store, f"Breathing {rate}").id,
                             source="simulated", started_at=started)  # fmt: skip
        with store.write() as conn:
            rows = zip(sim.t_s[keep], sim.rr_ms[keep], strict=True)
            append_beats(conn, sid, [Beat(i, t, r, 70, True) for i, (t, r) in enumerate(rows)])
            heartbeat(conn, sid)
        view = live_view(store, SYSTEM, sid)
        assert abs(view.breathing_per_min - rate) <= 1.0
        assert rmssd_tile(view).delta == f"breathing ~{view.breathing_per_min:.0f}/min"


def test_the_breathing_rate_is_read_on_the_clock_s_last_whole_5_s(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The two minutes end on the last whole 5 s of the session clock at or before the newest
    beat: one refresh a second reads the spectrum once every 5 s, and each reading is that
    window's rate."""
    sim = breathing_rr(9, [(0.0, 12.0), (400.0, 12.0)])
    started = utcnow() - dt.timedelta(seconds=400.0)
    sid = create_session(store, add_client(store, "Breathing on the grid").id,
                         source="simulated", started_at=started)  # fmt: skip
    feed, seq, rates = LiveFeed(sid), 0, {}
    spectra: list[int] = []

    def counted(rr_ms: np.ndarray, *, t_s: np.ndarray) -> float:
        spectra.append(rr_ms.size)
        return window_breathing_per_min(rr_ms, t_s=t_s)

    monkeypatch.setattr(live_module, "window_breathing_per_min", counted)
    for second in range(200, 221):
        new = (sim.t_s > (second - 1 if seq else 0.0)) & (sim.t_s <= second)
        with store.write() as conn:
            rows = zip(sim.t_s[new], sim.rr_ms[new], strict=True)
            append_beats(
                conn, sid, [Beat(seq + i, t, r, 70, True) for i, (t, r) in enumerate(rows)]
            )
            heartbeat(conn, sid)
        seq += int(new.sum())
        view = feed.refresh(store, SYSTEM, now=started + dt.timedelta(seconds=second + 0.5))
        end_s = (float(sim.t_s[sim.t_s <= second][-1]) // BREATHING_EVERY_S) * BREATHING_EVERY_S
        window = (sim.t_s > end_s - BREATHING_WINDOW_S) & (sim.t_s <= end_s)
        assert view.breathing_per_min == window_breathing_per_min(
            sim.rr_ms[window], t_s=sim.t_s[window]
        )
        rates[end_s] = view.breathing_per_min
    # 21 refreshes, a second apart: five or six readings, 5 s apart.
    assert len(rates) >= 5 and set(np.diff(sorted(rates))) == {BREATHING_EVERY_S}
    assert len(spectra) == len(rates)  # one spectrum a window, not one a refresh
    assert all(abs(rate - 12.0) <= 1.0 for rate in rates.values())
