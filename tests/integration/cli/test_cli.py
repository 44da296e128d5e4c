"""The `hrv-relax` command as a user and a script meet it: contracts, output, clear errors."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from hrv_relax.cli.main import main
from hrv_relax.store import (
    add_client,
    create_session,
    find_client,
    get_session,
    list_markers,
    open_store,
)
from tests.conftest import reference
from tests.support.accounts import account


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def recorded(db_path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[Path, int]:
    code, out, _ = run(
        capsys, "--db", str(db_path), "record", "--simulate", "--fast", "--seed", "3",
        "--client", "Ana Example", "--duration", "300",
    )  # fmt: skip
    assert code == 0
    return db_path, int(out.strip())


def test_record_prints_the_session_id_and_sessions_json_has_the_contract(
    recorded: tuple[Path, int], capsys: pytest.CaptureFixture[str]
) -> None:
    db, sid = recorded
    code, out, _ = run(capsys, "--db", str(db), "sessions", "--json")
    assert code == 0
    rows = json.loads(out)
    assert len(rows) == 1
    row = rows[0]
    assert {"id", "client", "start", "end", "status", "n_beats"} <= set(row)
    assert row["id"] == sid and row["client"] == "Ana Example" and row["status"] == "complete"
    assert 250 < row["n_beats"] < 550  # 5 minutes at 50-110 bpm


def test_sessions_table_and_client_filter(
    recorded: tuple[Path, int], capsys: pytest.CaptureFixture[str]
) -> None:
    db, _ = recorded
    code, out, _ = run(capsys, "--db", str(db), "sessions", "--client", "ana example")
    assert code == 0 and "Ana Example" in out and "complete" in out
    code, _, err = run(capsys, "--db", str(db), "sessions", "--client", "Nobody")
    assert code == 1 and err.strip() == "hrv-relax: error: no client named 'Nobody'"


def test_export_csv_and_rr(
    recorded: tuple[Path, int], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    db, sid = recorded
    code, out, _ = run(capsys, "--db", str(db), "export", str(sid))
    rows = list(csv.DictReader(io.StringIO(out)))
    assert code == 0 and {"t_s", "rr_ms", "bpm"} <= set(rows[0])
    target = tmp_path / "out.txt"
    code, _, _ = run(
        capsys, "--db", str(db), "export", str(sid), "--format", "rr", "--output", str(target)
    )
    lines = target.read_text().splitlines()
    assert code == 0 and len(lines) == len(rows)
    assert [float(v) for v in lines] == pytest.approx([float(r["rr_ms"]) for r in rows])
    assert all(250 < float(v) < 2500 for v in lines)


def test_export_full_indices_gives_every_neurokit2_index_per_phase(
    recorded: tuple[Path, int], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    db, sid = recorded
    target = tmp_path / "indices.csv"
    code, _, err = run(
        capsys, "--db", str(db), "export", str(sid), "--format", "full-indices",
        "--output", str(target),
    )  # fmt: skip
    assert code == 0 and "neurokit2 indices: phase 1 of" in err
    rows = list(csv.DictReader(io.StringIO(target.read_text())))
    assert rows and rows[0]["phase"]
    header = set(rows[0])
    # Time, frequency (ms^2) and nonlinear domains, under neurokit2's names.
    assert {"RMSSD", "SDNN", "pNN50", "LF", "HF", "LFHF", "SD1", "SD2"} <= header
    assert {"DFA_alpha1", "SampEn", "ApEn", "CSI"} <= header
    longest = max(rows, key=lambda r: int(r["clean_beats"]))
    assert 5.0 < float(longest["RMSSD"]) < 300.0 and float(longest["HF"]) > 1.0
    code, _, err = run(capsys, "--db", str(db), "export", "--format", "full-indices")
    assert code == 1 and "exports one session: give SESSION_ID" in err


def test_mark_and_stop_need_a_recording_session(
    recorded: tuple[Path, int], capsys: pytest.CaptureFixture[str]
) -> None:
    db, sid = recorded
    code, _, err = run(capsys, "--db", str(db), "mark", str(sid), "note", "late note")
    assert code == 1 and "give the marker's time" in err
    code, _, err = run(capsys, "--db", str(db), "stop", str(sid))
    assert code == 1 and "complete, not recording" in err


def test_mark_takes_only_the_vocabulary_and_lists_it(
    db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = open_store(db_path)
    sid = create_session(store, add_client(store, "Vocab Client").id, source="simulated")
    store.close()
    code, _, err = run(capsys, "--db", str(db_path), "mark", str(sid), "technique", "karate")
    assert code == 1
    assert "unknown technique 'karate': choose one of effleurage, petrissage," in err
    assert "(anything else can go in a note)" in err and len(err.strip().splitlines()) == 1
    code, _, err = run(capsys, "--db", str(db_path), "mark", str(sid), "region", "elbow")
    assert code == 1 and "choose one of head, neck, shoulders" in err
    code, _, _ = run(capsys, "--db", str(db_path), "mark", str(sid), "pressure", "firm")
    assert code == 0
    store = open_store(db_path)
    assert [(m.kind, m.value) for m in list_markers(store, sid)] == [("pressure", "firm")]
    store.close()


def test_record_files_the_session_under_the_therapist(
    db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = open_store(db_path)
    robin = account(store, "robin", "therapist")
    kim = account(store, "kim", "therapist")
    add_client(store, "Kim's Client", therapist_id=kim.id)
    store.close()
    short = ["record", "--simulate", "--fast", "--duration", "30"]
    code, out, _ = run(
        capsys, "--db", str(db_path), *short, "--client", "New One", "--therapist", "robin"
    )
    assert code == 0
    code, out2, _ = run(capsys, "--db", str(db_path), *short, "--client", "Kim's Client")
    assert code == 0
    store = open_store(db_path)
    new = get_session(store, int(out))
    assert new.therapist_id == robin.id  # and the new client is Robin's
    assert find_client(store, "New One").therapist_id == robin.id  # type: ignore[union-attr]
    assert get_session(store, int(out2)).therapist_id == kim.id  # the client's own therapist
    store.close()


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["export", "999"], "no session with id 999"),
        (["export", "abc"], "invalid int value"),
        (["record", "--simulate", "--duration", "-5"], "must be a positive number"),
        (["dashboard", "--port", "70000"], "outside 1-65535"),
        (["record", "--client", "Ana"], "one of the arguments --simulate --device is required"),
        (["record", "--simulate", "--client", "   "], "client name is empty"),
        (["record", "--simulate"], "one of the arguments --client --client-id is required"),
        (
            ["record", "--simulate", "--client", "Ana", "--therapist", "nobody"],
            "no active therapist account named 'nobody'",
        ),
    ],
)
def test_errors_are_one_clear_line_and_non_zero(
    db_path: Path, capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    try:
        code = main(["--db", str(db_path), *argv])
    except SystemExit as exc:  # argparse's own usage errors
        code = int(exc.code or 0)
    _, err = capsys.readouterr()
    assert code != 0
    assert message in err
    assert "Traceback" not in err


def test_unusable_database_location_is_a_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    code, _, err = run(capsys, "--db", str(blocker / "x.db"), "sessions")
    assert code == 1 and "is a file, not a folder" in err
    code, _, err = run(capsys, "--db", str(tmp_path), "sessions")
    assert code == 1 and "is a folder" in err


def test_not_a_database_file_is_a_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"this is not sqlite" * 100)
    code, _, err = run(capsys, "--db", str(junk), "sessions")
    assert code == 1 and "not a database" in err and "Traceback" not in err


def test_hrv_relax_db_environment_variable_is_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "from-env.db"
    monkeypatch.setenv("HRV_RELAX_DB", str(db))
    code, out, _ = run(capsys, "sessions")
    assert code == 0 and "No sessions yet" in out and db.exists()


def test_db_and_v_may_follow_the_command_as_a_newcomer_types_them(
    recorded: tuple[Path, int], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db, sid = recorded
    code, out, _ = run(capsys, "sessions", "--json", "--db", str(db))
    assert code == 0 and [row["id"] for row in json.loads(out)] == [sid]
    code, out, _ = run(capsys, "users", "list", "--db", str(db))
    assert code == 0
    # Given after the command it wins; given only before, it is kept.
    code, out, _ = run(capsys, "--db", str(tmp_path / "other.db"), "sessions", "--db", str(db))
    assert code == 0 and "Ana Example" in out
    code, out, _ = run(capsys, "--db", str(db), "sessions", "-v")
    assert code == 0 and "Ana Example" in out


def test_console_script_is_installed_and_prints_help() -> None:
    script = Path(sys.executable).with_name("hrv-relax")
    result = subprocess.run([str(script), "--help"], capture_output=True, text=True, check=False)
    assert result.returncode == 0
    for command in ("demo", "record", "sessions", "export", "dashboard", "scan"):
        assert command in result.stdout


def test_a_db_in_a_folder_that_does_not_exist_is_an_error_not_a_new_practice(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    typo = tmp_path / "Practise" / "hrv-relax.db"
    code, out, err = run(capsys, "--db", str(typo), "sessions")
    assert code == 1 and out == ""
    assert err.strip() == (
        f"hrv-relax: error: the folder {typo.parent} for database hrv-relax.db does not exist "
        "(create the folder first, or check the path)"
    )
    assert not typo.parent.exists()


def _hrv_relax(*argv: str, db: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "hrv_relax", "--db", str(db), *argv],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


def test_stderr_is_quiet_unless_asked_with_v(db_path: Path) -> None:
    record = ("record", "--simulate", "--fast", "--client", "Ana", "--duration", "120")
    quiet = _hrv_relax(*record, db=db_path)
    assert quiet.returncode == 0 and quiet.stdout.strip().isdigit()
    assert quiet.stderr == ""
    listed = _hrv_relax("sessions", db=db_path)
    assert listed.returncode == 0 and listed.stderr == ""
    told = _hrv_relax("-v", *record, db=db_path)
    assert told.returncode == 0 and " INFO hrv_relax" in told.stderr and "ended" in told.stderr


def test_sessions_into_a_closed_pipe_ends_quietly(recorded: tuple[Path, int]) -> None:
    db, _ = recorded
    child = subprocess.Popen(
        [sys.executable, "-m", "hrv_relax", "--db", str(db), "sessions"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert child.stdout is not None
    child.stdout.close()  # like `| head` that has read all it wanted, before anything came
    _, err = child.communicate(timeout=120)
    assert err == "" and child.returncode == 141


@pytest.mark.parametrize("where", ["missing/report.pdf", "a-folder"])
def test_write_errors_name_the_users_path_not_a_temporary(
    recorded: tuple[Path, int], capsys: pytest.CaptureFixture[str], where: str
) -> None:
    db, sid = recorded
    out_dir = db.parent / "out"
    (out_dir / "a-folder").mkdir(parents=True)
    target = out_dir / where
    for argv in (
        ["report", str(sid), "--output", str(target), "--format", "pdf"],
        ["export", str(sid), "--output", str(target)],
    ):
        code, _, err = run(capsys, "--db", str(db), *argv)
        assert code == 1 and f"cannot write {target}" in err, err
        assert "partial" not in err and len(err.strip().splitlines()) == 1
    assert sorted(p.name for p in out_dir.rglob("*")) == ["a-folder"]


def test_times_are_in_the_clinics_zone_with_offsets_in_json(
    recorded: tuple[Path, int], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    db, sid = recorded
    monkeypatch.delenv("HRV_RELAX_TIMEZONE", raising=False)
    store = open_store(db)
    started = get_session(store, sid).started_at
    code, out, err = run(capsys, "--db", str(db), "practice", "--time-zone", "Asia/Kathmandu")
    assert code == 0 and "time zone: Asia/Kathmandu" in out
    kathmandu = started.astimezone(dt.timezone(dt.timedelta(hours=5, minutes=45)))
    code, out, _ = run(capsys, "--db", str(db), "sessions")
    assert "start (Asia/Kathmandu)" in out and f"{kathmandu:%Y-%m-%d %H:%M}" in out
    row = json.loads(run(capsys, "--db", str(db), "sessions", "--json")[1])[0]
    assert row["start"] == kathmandu.isoformat(timespec="seconds")
    assert row["start"].endswith("+05:45")
    monkeypatch.setenv("HRV_RELAX_TIMEZONE", "Kathmandu")
    code, out, err = run(capsys, "--db", str(db), "sessions")
    assert code == 1 and out == ""
    assert err.startswith("hrv-relax: error: unknown time zone 'Kathmandu': use an IANA name")
    code, _, err = run(capsys, "--db", str(db), "practice", "--time-zone", "Nepal/Kathmandu")
    assert code == 1 and "unknown time zone 'Nepal/Kathmandu'" in err
    monkeypatch.delenv("HRV_RELAX_TIMEZONE")
    code, out, _ = run(capsys, "--db", str(db), "practice", "--clinic-name", "  Harbour   Massage ")
    assert code == 0 and "clinic name: Harbour Massage" in out
    code, out, _ = run(capsys, "--db", str(db), "audit")
    assert "setting_changed" in out and "clinic_name Harbour Massage" in out
    store.close()


def test_import_shows_the_files_date_and_asks_for_one_when_it_has_none(
    db_path: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("HRV_RELAX_TIMEZONE", "Europe/Berlin")
    db = ("--db", str(db_path))
    fit = reference("garmin_fit", "garmin-fenix-5-run.fit")
    code, out, err = run(capsys, *db, "import", str(fit), "--client", "Ana")
    assert code == 0, err
    assert "recorded " in err and "2017" in err and "Europe/Berlin (the date in the file;" in err
    assert get_session(open_store(db_path), int(out)).started_at.year == 2017

    rr = tmp_path / "elite.txt"
    rr.write_text("".join(f"{800 + 30 * (i % 4)}\n" for i in range(400)))
    code, out, err = run(capsys, *db, "import", str(rr), "--client", "Bo")
    assert code == 1 and out == ""
    assert err.strip() == (
        f"hrv-relax: error: {rr} (plain RR text (ms)) records no date: say when it began with "
        "--started-at, e.g. --started-at 2026-11-30T14:05 (clinic time)"
    )
    assert find_client(open_store(db_path), "Bo") is None  # nothing left behind
    for bad, says in (
        ("30.11.2026 14:05", "is not a date and time: use ISO 8601"),
        ("2999-01-01T10:00", "would end in the future"),
    ):
        code, _, err = run(capsys, *db, "import", str(rr), "--client", "Bo", "--started-at", bad)
        assert code == 1 and says in err and len(err.strip().splitlines()) == 1
    assert find_client(open_store(db_path), "Bo") is None
    # Clinic time in winter: 14:05 in Berlin is 13:05 UTC.
    code, out, err = run(
        capsys, *db, "import", str(rr), "--client", "Bo", "--started-at", "2026-11-30T14:05"
    )
    assert code == 0 and "recorded 30 Nov" in err and "14:05 Europe/Berlin (as given)" in err
    started = get_session(open_store(db_path), int(out)).started_at
    assert started == dt.datetime(2026, 11, 30, 13, 5, tzinfo=dt.UTC)
