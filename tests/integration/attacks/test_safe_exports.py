"""Exports attacked through what people type: names and notes that are math to matplotlib or
formulas to a spreadsheet, a symlink planted where the export writer puts its temporary, and
downloads that left no trace in the audit log.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import subprocess
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import update

from hrv_relax.cli.main import main
from hrv_relax.demo.synthetic_history import seed_sessions
from hrv_relax.private_files import create_private
from hrv_relax.store import Store, add_client, add_marker, open_store
from hrv_relax.store.audit import recent_audit
from hrv_relax.store.schema import sessions
from hrv_relax.views.export import neutralised
from tests.conftest import require_tool
from tests.support.accounts import PASSWORD
from tests.support.attack_practice import make_attack_practice
from tests.support.browser import chromium_page, free_port, served, sign_in

MATH_NAME = r"Dana $\frac{1}{0}$"
MATH_NOTE = r"relaxed $\foo$ at the end"
FORMULAS = ['=HYPERLINK("http://attacker.test","x")', "+1+1", "-2+3", "@SUM(A1)", "\tx", "\rx"]


def _session(store: Store, client_name: str, notes: str = "") -> int:
    client = add_client(store, client_name)
    (session_id,) = seed_sessions(
        store, client.id, 1, first_day=dt.datetime(2026, 5, 4, 10, tzinfo=dt.UTC), seed=3
    )
    with store.write() as conn:
        conn.execute(update(sessions).where(sessions.c.id == session_id).values(notes=notes))
    return session_id


@pytest.mark.slow
def test_names_and_notes_are_printed_literally_in_the_pdf(tmp_path: Path) -> None:
    pdftotext = require_tool("pdftotext")
    db = tmp_path / "practice.db"
    store = open_store(db)
    session_id = _session(store, MATH_NAME, MATH_NOTE)
    store.close()
    pdf = tmp_path / "report.pdf"
    assert main(["--db", str(db), "report", str(session_id), "--output", str(pdf)]) == 0
    text = subprocess.run(
        [pdftotext, "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert MATH_NAME in text
    assert r"$\foo$" in text


def _csv_cells(data: str) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(data)) for cell in row]


def test_formulas_in_names_and_notes_are_neutralised_in_every_csv(tmp_path: Path) -> None:
    db = tmp_path / "practice.db"
    store = open_store(db)
    names = [f"{formula} client" if formula[0] in "\t\r" else formula for formula in FORMULAS]
    ids = [_session(store, name) for name in names[:3]]
    for text in FORMULAS:
        add_marker(store, ids[0], "note", text, t_s=60.0)
    store.close()
    summaries = tmp_path / "summaries.csv"
    assert (
        main(["--db", str(db), "export", "--format", "summaries", "--output", str(summaries)]) == 0
    )
    archive = tmp_path / "archive.zip"
    argv = ["--db", str(db), "export", "--format", "archive", "--client", names[0]]
    assert main([*argv, "--output", str(archive)]) == 0
    with zipfile.ZipFile(archive) as zipped:
        csvs = {n: zipped.read(n).decode() for n in zipped.namelist() if n.endswith(".csv")}
    csvs["summaries.csv (export)"] = summaries.read_text()
    for name, data in csvs.items():
        for cell in _csv_cells(data):
            if cell[:1] in ("=", "+", "-", "@", "\t", "\r"):
                # Only a number may start so (a negative change, "-3.20").
                assert cell.lstrip("+-").replace(".", "", 1).isdigit(), (name, cell)
    every = [c for data in csvs.values() for c in _csv_cells(data)]
    for formula in FORMULAS[:4]:
        assert "'" + formula in every, formula  # kept, readable, and inert


def test_neutralising_keeps_numbers_and_plain_text() -> None:
    assert neutralised("-3.20") == "-3.20" and neutralised(-3.2) == -3.2
    assert neutralised("Dana") == "Dana" and neutralised("=1+1") == "'=1+1"


def test_a_symlink_planted_at_the_export_temporary_is_not_followed(tmp_path: Path) -> None:
    db = tmp_path / "practice.db"
    store = open_store(db)
    session_id = _session(store, "Dana")
    store.close()
    victim = tmp_path / "victim.txt"
    victim.write_text("precious\n")
    out = tmp_path / "beats.csv"
    # Where the writer used to put its temporary, and where an attacker would aim.
    (tmp_path / ".beats.csv.partial").symlink_to(victim)
    assert main(["--db", str(db), "export", str(session_id), "--output", str(out)]) == 0
    assert victim.read_text() == "precious\n"
    assert out.read_text().startswith("t_s,rr_ms,bpm,artefact\n") and not out.is_symlink()
    # The writer's own create refuses any existing name, a symlink (even dangling) included.
    dangling = tmp_path / "dangling"
    dangling.symlink_to(tmp_path / "nowhere")
    for planted in (tmp_path / ".beats.csv.partial", dangling):
        with pytest.raises(FileExistsError):
            os.close(create_private(planted))
    assert not (tmp_path / "nowhere").exists()


DOWNLOADS = {
    "review": ["Report (PDF)", "Report (HTML)", "Beats (CSV)", "RR text (Kubios)"],
    "history": ["Session summaries (CSV)", "All of this client's data (zip)"],
}


@pytest.mark.browser
@pytest.mark.slow
def test_every_download_from_the_dashboard_is_audited(tmp_path: Path) -> None:
    db = tmp_path / "practice.db"
    practice = make_attack_practice(open_store(db), n_sessions=1)
    session_id = practice.dana_sessions[0]
    practice.store.close()
    argv = ["dashboard", "--no-browser", "--port", str(free_port())]
    with served(argv, {"HRV_RELAX_DB": str(db)}) as url, chromium_page() as page:
        page.goto(f"{url}review?session={session_id}")
        sign_in(page, "sam", PASSWORD)
        for page_name, labels in DOWNLOADS.items():
            if page_name == "history":  # through the page's own link: a reload signs out
                page.get_by_role("link", name="Client history").click()
            for label in labels:
                button = page.get_by_role("button", name=label)
                button.wait_for(timeout=120_000)
                with page.expect_download(timeout=120_000) as download:
                    button.click()
                assert Path(download.value.path()).stat().st_size > 0, label
    store = open_store(db)
    details = sorted(e.detail for e in recent_audit(store, action="export") if e.username == "sam")
    store.close()
    assert details == sorted(
        [
            "download: HTML report",
            "download: PDF report",
            "download: RR text",
            "download: beats CSV",
            "download: session summaries CSV",
            "archive of 1 sessions",
        ]
    )
