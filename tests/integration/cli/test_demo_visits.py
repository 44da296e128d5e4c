"""The demo's seeded sessions are varied, marked as a therapist would, and get the verdicts
their script intends when the calibrated analysis runs on them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest

from hrv_relax.demo.practice import DEMO_CLIENTS, WEEKS_OF_HISTORY, seed_demo
from hrv_relax.demo.visits import VISITS
from hrv_relax.records import SYSTEM
from hrv_relax.store import Store, list_clients, list_markers, open_store
from hrv_relax.views.history import HistoryFilters, build_history
from hrv_relax.views.summary_cache import SessionSummary, session_summaries

NOW = dt.datetime(2026, 11, 30, 12, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    store = open_store(tmp_path_factory.mktemp("demo") / "demo.db")
    seed_demo(store, now=NOW)
    yield store
    store.close()


def _summaries(store: Store) -> dict[str, list[SessionSummary]]:
    return {
        c.name: session_summaries(store, SYSTEM, client_ids=(c.id,)) for c in list_clients(store)
    }


def test_every_seeded_session_gets_the_verdict_its_script_intends(demo: Store) -> None:
    by_client = _summaries(demo)
    assert set(by_client) == {name for name, _, _ in DEMO_CLIENTS}
    got = {
        name: [
            s.figures.main.shift.verdict for s in sums if s.figures.main and s.figures.main.shift
        ]
        for name, sums in by_client.items()
    }
    want = {name: [v.verdict for v in VISITS[name][-WEEKS_OF_HISTORY:]] for name in by_client}
    assert got == want
    every = [v for verdicts in got.values() for v in verdicts]
    assert {"more relaxed", "no clear change"} <= set(every)  # not all alike
    lengths = {round(s.figures.duration_s / 60) for sums in by_client.values() for s in sums}
    assert len(lengths) >= 6 and min(lengths) < 40 and max(lengths) > 65


def test_the_tense_stretch_shows_in_its_technique_figures(demo: Store) -> None:
    alex = _summaries(demo)["Alex Demo"]
    visits = VISITS["Alex Demo"][-WEEKS_OF_HISTORY:]
    tense = next(i for i, v in enumerate(visits) if v.tense_min is not None)
    segment = next(
        s for s in alex[tense].figures.segments if s.value == visits[tense].tense_technique
    )
    assert segment.shift is not None
    assert segment.shift.hr_bpm.delta > 5.0  # her heart sped up
    assert segment.shift.rmssd_pct < -20.0  # and its variability fell


def test_every_client_has_techniques_pressures_and_regions_to_compare(demo: Store) -> None:
    for name, sums in _summaries(demo).items():
        kinds = {m.kind for s in sums for m in list_markers(demo, s.session_id)}
        assert {"phase", "technique", "pressure", "region"} <= kinds, name
        view = build_history(sums, HistoryFilters())
        groups = {c.group for c in view.comparisons if c.enough}
        # "What relaxes most" has bars resting on enough sessions in each of its tabs.
        assert groups == {"technique", "pressure", "session length"}, (name, view.comparisons)


def test_the_demo_database_seeds_in_one_go_without_leftovers(tmp_path: Path) -> None:
    store = open_store(tmp_path / "demo.db")
    seed_demo(store, now=NOW, weeks=2)
    seed_demo(store, now=NOW, weeks=2)  # a second run adds nothing
    sums = _summaries(store)
    assert all(len(s) == 2 for s in sums.values())
    store.close()
