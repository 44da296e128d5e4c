"""Session summaries cache, history view, review view, import into the store, export."""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import io
import math
import zipfile
from collections.abc import Iterator

import numpy as np
import pytest
from sqlalchemy import func, select, update

from hrv_relax.analysis import detect_artifacts
from hrv_relax.capture.importing import import_recording
from hrv_relax.records import SYSTEM
from hrv_relax.store import add_client, list_sessions, load_beats
from hrv_relax.store.imports import DuplicateImportError
from hrv_relax.store.schema import beats, session_summaries, sessions
from hrv_relax.views.client_archive import client_archive
from hrv_relax.views.export import beats_to_csv, summaries_to_csv
from hrv_relax.views.history import HistoryFilters, build_history, history_view
from hrv_relax.views.local_time import ClinicClock
from hrv_relax.views.review import review_view
from hrv_relax.views.summary import ANALYSIS_VERSION, from_json, to_json
from hrv_relax.views.summary_cache import session_summaries as cached_summaries
from hrv_relax.views.summary_cache import stale_count
from tests.conftest import reference
from tests.support.history_practice import Practice, make_practice

# When the dateless RR text file below was recorded, as the person importing says.
RECORDED = dt.datetime(2026, 3, 2, 9, 30, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def practice(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Practice]:
    p = make_practice(tmp_path_factory.mktemp("history") / "practice.db")
    yield p
    p.store.close()


def _count(p: Practice, table: object) -> int:
    with p.store.read() as conn:
        return int(conn.execute(select(func.count()).select_from(table)).scalar_one())  # type: ignore[arg-type]


def test_summaries_are_cached_and_recomputed_when_the_analysis_version_changes(
    practice: Practice,
) -> None:
    calls: list[int] = []
    with practice.store.read() as conn:
        assert conn.execute(select(func.count()).select_from(session_summaries)).scalar() == 0
    assert stale_count(practice.store, SYSTEM) == 12  # counted without any summary decoded
    first = cached_summaries(practice.store, SYSTEM, progress=lambda d, t: calls.append(d))
    assert len(first) == 12 and _count(practice, session_summaries) == 12
    assert stale_count(practice.store, SYSTEM) == 0
    calls.clear()
    again = cached_summaries(practice.store, SYSTEM, progress=lambda d, t: calls.append(d))
    assert calls == [] and [s.figures for s in again] == [s.figures for s in first]
    with practice.store.write() as conn:
        conn.execute(update(session_summaries).values(analysis_version="older-analysis"))
    assert stale_count(practice.store, SYSTEM) == 12
    assert stale_count(practice.store, SYSTEM, [practice.client_id]) == 10
    cached_summaries(
        practice.store,
        SYSTEM,
        client_ids=[practice.client_id],
        progress=lambda d, t: calls.append(d),
    )
    assert calls == list(range(1, 11))
    with practice.store.read() as conn:
        versions = set(conn.execute(select(session_summaries.c.analysis_version)).scalars())
    assert versions == {ANALYSIS_VERSION, "older-analysis"}  # only the asked client's refreshed
    assert stale_count(practice.store, SYSTEM, [practice.client_id]) == 0
    assert stale_count(practice.store, SYSTEM) == 2


def test_figures_survive_json_with_nan_as_null(practice: Practice) -> None:
    figures = cached_summaries(practice.store, SYSTEM)[0].figures
    data = to_json(figures)
    assert "NaN" not in str(data)
    back = from_json(data)
    assert back.baseline.phase == figures.baseline.phase
    for a, b in (
        (back.baseline.hr_bpm, figures.baseline.hr_bpm),
        (back.baseline.lf_hf, figures.baseline.lf_hf),
    ):
        assert (math.isnan(a) and math.isnan(b)) or a == b


def test_history_of_one_client(practice: Practice) -> None:
    view = history_view(practice.store, SYSTEM, HistoryFilters(client_ids=(practice.client_id,)))
    pts = view.points
    assert len(pts) == 10 and view.n_all == 10
    assert [p.started_at for p in pts] == sorted(p.started_at for p in pts)
    # The usual range needs five earlier sessions.
    assert all(math.isnan(p.normal_low) for p in pts[:5])
    assert all(p.normal_low < p.normal_high for p in pts[5:])
    assert view.usual is not None and view.usual.n_sessions == 10
    assert "weeks and 10 sessions" in view.trend
    assert sum(w.n_sessions for w in view.weeks) == 10
    pressures = {c.label: c for c in view.comparisons if c.group == "pressure"}
    assert sum(c.n_sessions for c in pressures.values()) == 10
    # The synthetic client relaxes most under moderate pressure, least under light.
    if {"moderate", "light"} <= set(pressures):
        assert pressures["moderate"].rmssd_pct > pressures["light"].rmssd_pct
    lengths = [c for c in view.comparisons if c.group == "session length"]
    assert sum(c.n_sessions for c in lengths) == 10


def test_history_filters(practice: Practice) -> None:
    summaries = cached_summaries(practice.store, SYSTEM, client_ids=[practice.client_id])
    sam = practice.therapist_ids[0]
    by_sam = build_history(summaries, HistoryFilters(therapist_ids=(sam,)))
    assert len(by_sam.points) == 5 and all(p.therapist_id == sam for p in by_sam.points)
    marker = by_sam.points[0].markers[0]
    with_marker = build_history(summaries, HistoryFilters(marker=marker))
    assert with_marker.points and all(marker in p.markers for p in with_marker.points)
    day = summaries[4].started_at.date()
    late = build_history(summaries, HistoryFilters(since=day))
    assert len(late.points) == 6 and late.n_all == 10
    clinic = history_view(practice.store, SYSTEM)
    assert {p.client_id for p in clinic.points} == {practice.client_id, practice.other_client_id}
    assert clinic.usual is None


def test_review_view(practice: Practice) -> None:
    view = review_view(practice.store, SYSTEM, practice.session_ids[-1])
    assert "your heart rate was" in view.headline
    assert [p.label for p in view.phases] == ["baseline", "massage", "recovery"]
    assert [s.phase for s in view.spectra] == ["baseline", "massage"]
    assert view.poincare.rr_ms.size > 1000 and view.poincare.sd1_ms > 0
    assert {s.kind for s in view.figures.segments} == {"technique", "pressure"}
    assert all(s.shift is not None for s in view.figures.segments)
    assert view.usual is not None and view.baseline_position != "no history"


def test_import_is_one_transaction_and_detects_the_same_file(practice: Practice) -> None:
    store = practice.store
    client = add_client(store, "Importer")
    data = gzip.decompress(reference("nsr2db", "nsr001_rr_ms.txt.gz").read_bytes())
    n_sessions, n_beats = _count(practice, sessions), _count(practice, beats)

    def fail_midway(done: int, total: int) -> None:
        if done > total // 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        import_recording(
            store, SYSTEM, data, client=client.id, progress=fail_midway, started_at=RECORDED
        )
    assert (_count(practice, sessions), _count(practice, beats)) == (n_sessions, n_beats)

    seen: list[tuple[int, int]] = []
    result = import_recording(
        store,
        SYSTEM,
        data,
        client=client.id,
        filename="nsr001.txt",
        progress=lambda d, t: seen.append((d, t)),
        started_at=RECORDED,
    )
    assert result.n_beats == 106_459 and len(seen) > 10 and seen[-1] == (106_459, 106_459)
    session = next(s for s in list_sessions(store, client_id=client.id))
    assert (
        session.status == "complete"
        and session.source == "import"
        and "nsr001.txt" in session.notes
    )
    with pytest.raises(DuplicateImportError, match=f"as session {result.session_id}"):
        import_recording(store, SYSTEM, data, client=client.id)
    assert _count(practice, sessions) == n_sessions + 1
    assert session.started_at == RECORDED


def test_imported_fit_keeps_its_start_time(practice: Practice) -> None:
    data = reference("garmin_fit", "garmin-fenix-5-run.fit").read_bytes()
    result = import_recording(practice.store, SYSTEM, data, client=practice.other_client_id)
    assert result.started_at.year == 2017 and result.format == "fit"
    beats_back = load_beats(practice.store, result.session_id)
    assert len(beats_back) == 113


def test_beats_csv_has_the_analysis_artefact_flags(practice: Practice) -> None:
    b = load_beats(practice.store, practice.session_ids[0])
    rows = list(csv.DictReader(io.StringIO(beats_to_csv(b))))
    flags = np.array([r["artefact"] == "1" for r in rows])
    np.testing.assert_array_equal(flags, detect_artifacts(b.rr_ms))
    assert flags.any() and len(rows) == len(b)


def test_summaries_csv_and_client_archive(practice: Practice) -> None:
    summaries = cached_summaries(practice.store, SYSTEM, client_ids=[practice.client_id])
    rows = list(csv.DictReader(io.StringIO(summaries_to_csv(summaries, ClinicClock(dt.UTC)))))
    assert len(rows) == 10 and rows[0]["compared_phase"] == "massage"
    assert all(r["verdict"] in ("more relaxed", "no clear change", "more aroused") for r in rows)
    archive = zipfile.ZipFile(
        io.BytesIO(client_archive(practice.store, SYSTEM, practice.client_id))
    )
    names = set(archive.namelist())
    assert {"README.txt", "client.json", "sessions.csv"} <= names
    sid = practice.session_ids[0]
    assert {
        f"sessions/{sid}/beats.csv",
        f"sessions/{sid}/rr.txt",
        f"sessions/{sid}/markers.csv",
    } <= names
    rr = archive.read(f"sessions/{sid}/rr.txt").decode().split()
    assert len(rr) == len(load_beats(practice.store, sid))
    assert len(names) == 3 + 3 * 10
