"""The history's figures stored beside each cached summary: written with it, replaced with it,
deleted with it, read back as columns; and a database cached before them upgrades with its
summaries marked stale and filled on the next visit. Both backends."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pytest
from sqlalchemy import func, select, text, update

from hrv_relax.demo.synthetic_history import seed_sessions
from hrv_relax.records import SYSTEM
from hrv_relax.store import Store, add_client, create_session, open_store
from hrv_relax.store.accounts import delete_client
from hrv_relax.store.history_figures import NO_THERAPIST, HistoryFigures, SegmentHistory
from hrv_relax.store.schema import session_summaries as summaries_table
from hrv_relax.store.schema import sessions, summary_figures, summary_segments
from hrv_relax.store.sessions import finish_session
from hrv_relax.store.summaries import CachedSummary, current_history, save_summaries
from hrv_relax.views.history import HistoryFilters, HistoryView, history_view
from hrv_relax.views.summary import ANALYSIS_VERSION
from hrv_relax.views.summary_cache import (
    history_columns,
    session_summaries,
    stale_count,
    summaries_as_columns,
)
from tests.support.history_practice import FIRST_DAY, make_practice
from tests.support.migrations import migrate

VERSION = "test-version"
#: The revision before the history figures: what an existing clinic's database is at.
BEFORE = "0005"


def _figures(k: int, *, segments: int = 2) -> HistoryFigures:
    return HistoryFigures(
        duration_s=3000.0 + k,
        artifact_pct=0.5,
        baseline_ln_rmssd=math.nan if k == 1 else 3.5 + k / 100,
        baseline_hr_bpm=70.0,
        ln_rmssd_change=0.1 * k,
        ln_rmssd_change_low=0.1 * k - 0.2,
        ln_rmssd_change_high=0.1 * k + 0.2,
        rmssd_change_pct=100 * math.expm1(0.1 * k),
        hr_change_bpm=-1.5,
        verdict=None if k == 2 else "more relaxed",
        segments=tuple(
            SegmentHistory("technique", f"technique {j}", 0.2 * j, math.nan, None if j else "x")
            for j in range(segments)
        ),
    )


def _finished_sessions(store: Store, n: int) -> tuple[int, list[int]]:
    client = add_client(store, "Figures Client")
    ids = []
    for k in range(n):
        sid = create_session(
            store, client.id, source="simulated", started_at=FIRST_DAY + dt.timedelta(days=k)
        )
        with store.write() as conn:
            finish_session(conn, sid)
        ids.append(sid)
    return client.id, ids


def _rows(store: Store, table: object) -> int:
    with store.read() as conn:
        return int(conn.execute(select(func.count()).select_from(table)).scalar_one())  # type: ignore[arg-type]


def test_figures_are_written_replaced_and_deleted_with_their_summary(any_store: Store) -> None:
    store = any_store
    client_id, ids = _finished_sessions(store, 3)
    save_summaries(
        store,
        {sid: CachedSummary({"k": k}, _figures(k)) for k, sid in enumerate(ids)},
        VERSION,
    )
    got = current_history(store, VERSION)
    assert got.session_id.tolist() == ids and got.client_id.tolist() == [client_id] * 3
    assert got.therapist_id.tolist() == [NO_THERAPIST] * 3
    assert got.client_name.tolist() == ["Figures Client"] * 3
    assert got.started_at.tolist() == [
        (FIRST_DAY + dt.timedelta(days=k)).replace(tzinfo=None) for k in range(3)
    ]
    np.testing.assert_array_equal(got.baseline_ln_rmssd, [3.5, math.nan, 3.52])  # NaN kept
    np.testing.assert_array_equal(got.ln_rmssd_change, [0.0, 0.1, 0.2])
    assert got.verdict.tolist() == ["more relaxed", "more relaxed", None]
    assert got.segments.row.tolist() == [0, 0, 1, 1, 2, 2]
    assert got.segments.value.tolist() == ["technique 0", "technique 1"] * 3
    assert got.segments.verdict.tolist() == ["x", None] * 3
    assert np.isnan(got.segments.hr_change_bpm).all()
    # Saved again with fewer stretches: replaced, not added to.
    save_summaries(store, {ids[0]: CachedSummary({"k": 9}, _figures(9, segments=1))}, VERSION)
    again = current_history(store, VERSION)
    assert again.segments.row.tolist() == [0, 1, 1, 2, 2]
    assert again.duration_s[0] == 3009.0
    assert (_rows(store, summary_figures), _rows(store, summary_segments)) == (3, 5)
    # Only summaries of the asked analysis version are read.
    assert len(current_history(store, "another-version")) == 0
    with store.write() as conn:  # a session deleted goes with its summary and figures
        conn.execute(sessions.delete().where(sessions.c.id == ids[1]))
    assert (_rows(store, summary_figures), _rows(store, summary_segments)) == (2, 3)
    delete_client(store, SYSTEM, client_id)
    assert (_rows(store, summary_figures), _rows(store, summary_segments)) == (0, 0)


def test_the_history_page_reads_the_figures_as_computed(any_store: Store) -> None:
    """The columns read from the store equal those of the full summaries (their JSON)."""
    store = any_store
    client = add_client(store, "Seeded Client")
    seed_sessions(store, client.id, 6, first_day=FIRST_DAY, therapist_ids=(None,), seed=3)
    stored = history_columns(store, SYSTEM)
    decoded = summaries_as_columns(session_summaries(store, SYSTEM))
    assert len(stored) == 6 and len(stored.segments.row) >= 6
    for name in stored.__dataclass_fields__:
        if name == "segments":
            for seg_name in stored.segments.__dataclass_fields__:
                a, b = getattr(stored.segments, seg_name), getattr(decoded.segments, seg_name)
                _assert_same(a, b, seg_name)
        else:
            _assert_same(getattr(stored, name), getattr(decoded, name), name)


def _assert_same(a: np.ndarray, b: np.ndarray, name: str) -> None:
    if a.dtype.kind == "f":
        np.testing.assert_array_equal(a, b, err_msg=name)  # exactly: floats round-trip
    else:
        assert a.tolist() == b.tolist(), name


def test_a_database_cached_before_the_figures_upgrades_and_fills_them_on_the_next_visit(
    any_db_url: str,
) -> None:
    store = open_store(any_db_url)
    client = add_client(store, "Cached Client")
    seed_sessions(store, client.id, 6, first_day=FIRST_DAY, seed=5)
    before = history_view(store, SYSTEM)
    assert stale_count(store, SYSTEM) == 0
    migrate(store, BEFORE, down=True)  # as the clinic's database was, its summaries cached
    with store.read() as conn:
        tables = set(
            conn.execute(
                text(
                    "SELECT name FROM sqlite_master WHERE type='table'"
                    if store.is_sqlite
                    else "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"
                )
            ).scalars()
        )
    assert "summary_figures" not in tables and "session_summaries" in tables
    assert _rows(store, summaries_table) == 6
    store.close()

    upgraded = open_store(any_db_url)  # the new version opens it: upgraded to the head
    with upgraded.read() as conn:
        versions = set(conn.execute(select(summaries_table.c.analysis_version)).scalars())
    assert versions == {"before-0006"}  # kept, and marked stale
    assert stale_count(upgraded, SYSTEM) == 6
    calls: list[int] = []
    after = history_view(upgraded, SYSTEM, HistoryFilters(), progress=lambda d, t: calls.append(d))
    assert calls == list(range(1, 7))  # recomputed once, with progress
    assert stale_count(upgraded, SYSTEM) == 0 and _rows(upgraded, summary_figures) == 6
    assert _points_match(after, before)
    with upgraded.read() as conn:
        assert set(conn.execute(select(summaries_table.c.analysis_version)).scalars()) == {
            ANALYSIS_VERSION
        }
    upgraded.close()


def _points_match(a: HistoryView, b: HistoryView) -> bool:
    """The same sessions with the same figures (NaN where both are NaN)."""

    def same(x: object, y: object) -> bool:
        both_nan = isinstance(x, float) and isinstance(y, float) and math.isnan(x) and math.isnan(y)
        return both_nan or x == y

    return len(a.points) == len(b.points) and all(
        same(getattr(p, name), getattr(q, name))
        for p, q in zip(a.points, b.points, strict=True)
        for name in p.__dataclass_fields__
    )


def test_a_summary_without_its_figures_is_recomputed_not_left_out(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    practice = make_practice(tmp_path_factory.mktemp("no-figures") / "practice.db")
    store = practice.store
    assert len(history_columns(store, SYSTEM)) == 12
    with store.write() as conn:  # as a hand-edited (or half-restored) database might be
        conn.execute(summary_figures.delete().where(summary_figures.c.summary_id <= 3))
    assert stale_count(store, SYSTEM) == 3
    calls: list[int] = []
    table = history_columns(store, SYSTEM, progress=lambda d, t: calls.append(d))
    assert calls == [1, 2, 3] and len(table) == 12 and stale_count(store, SYSTEM) == 0
    store.close()


def test_a_read_only_database_shows_the_sessions_it_could_not_cache(
    tmp_path_factory: pytest.TempPathFactory, caplog: pytest.LogCaptureFixture
) -> None:
    practice = make_practice(tmp_path_factory.mktemp("read-only") / "practice.db")
    everyone = history_view(practice.store, SYSTEM)
    with practice.store.write() as conn:
        conn.execute(update(summaries_table).values(analysis_version="older-analysis"))
    practice.store.close()
    read_only = open_store(f"sqlite:///file:{practice.db}?mode=ro&uri=true", migrate=False)
    view = history_view(read_only, SYSTEM)
    assert "could not cache" in caplog.text  # computed, not stored ...
    assert _points_match(view, everyone)  # ... and shown all the same
    assert len(view.points) == 12
    read_only.close()
