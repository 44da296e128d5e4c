"""Take-home reports: the PDF checked page by page as images, the HTML, and the CLI."""

from __future__ import annotations

import datetime as dt
import math
import subprocess
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from zoneinfo import ZoneInfo

import matplotlib.pyplot as plt
import numpy as np
import pytest
from PIL import Image

from hrv_relax.analysis.constants import HF_BAND_HZ
from hrv_relax.analysis.frequency import band_power
from hrv_relax.cli.main import main
from hrv_relax.dashboard.charts.review import spectrum_figure
from hrv_relax.records import SYSTEM
from hrv_relax.report import render_html, render_pdf
from hrv_relax.report.figures import spectrum as draw_spectrum
from hrv_relax.store import BeatArrays, MarkerRecord
from hrv_relax.views.chart_data import tachogram_line
from hrv_relax.views.review import phase_spectra, phase_spectrum, review_view
from hrv_relax.views.summary import summarize
from tests.conftest import reference, require_tool
from tests.support.history_practice import Practice, make_practice

PAGE_DPI = 50
# Okabe-Ito vermilion: the heart-rate line of the charts page.
VERMILION = np.array([0xD5, 0x5E, 0x00])


@pytest.fixture(scope="module")
def practice(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Practice]:
    p = make_practice(tmp_path_factory.mktemp("reports") / "practice.db", n_sessions=4)
    yield p
    p.store.close()


def _pages(pdf: Path) -> list[np.ndarray]:
    pdftoppm = require_tool("pdftoppm")
    subprocess.run(
        [pdftoppm, "-r", str(PAGE_DPI), "-png", str(pdf), str(pdf.with_suffix(""))], check=True
    )
    return [
        np.asarray(Image.open(p).convert("RGB"))
        for p in sorted(pdf.parent.glob(f"{pdf.stem}-*.png"))
    ]


def _ink(page: np.ndarray) -> float:
    """Share of pixels that are not white."""
    return float(np.mean(page.min(axis=2) < 240))


def _has_colour(page: np.ndarray, rgb: np.ndarray) -> bool:
    return bool(np.any(np.abs(page.astype(int) - rgb).sum(axis=2) < 40))


def test_pdf_pages_as_images(practice: Practice, tmp_path: Path) -> None:
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(render_pdf(review_view(practice.store, SYSTEM, practice.session_ids[-1])))
    pages = _pages(pdf)
    assert 3 <= len(pages) <= 5
    a4_ratio = 11.69 / 8.27
    for number, page in enumerate(pages, start=1):
        assert page.shape[0] / page.shape[1] == pytest.approx(a4_ratio, rel=0.02), number
        assert 0.01 < _ink(page) < 0.5, f"page {number} looks empty or flooded"
        # Nothing runs into the margins (0.5 in = 25 px at 50 dpi): the footer sits at 0.3 in.
        margin = PAGE_DPI // 2
        assert _ink(page[:, : margin // 2]) == 0 and _ink(page[:, -margin // 2 :]) == 0, number
    # The first page holds every table (and a chart when one fits): it is not left half empty.
    assert any(_has_colour(p, VERMILION) for p in pages[:2]), "no heart-rate line"
    height = pages[0].shape[0]
    assert _ink(pages[0][int(height * 0.6) : int(height * 0.9)]) > 0.02
    text = subprocess.run(
        [require_tool("pdftotext"), str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout
    for phrase in (
        "your heart rate",
        "Figures per phase",
        "Change against the resting baseline",
        "Words used in this report",
        "RMSSD (ms)",
        "not a medical",
    ):
        assert phrase in text


def test_spectrum_notes_are_below_the_chart_in_plain_words(
    practice: Practice, tmp_path: Path
) -> None:
    view = review_view(practice.store, SYSTEM, practice.session_ids[-1])
    why = "Massage: the strap missed beats for over 3 s, so this curve is the average of 2 pieces"
    gappy = replace(view, spectrum_notes=(why,))
    _, ax = plt.subplots()
    draw_spectrum(gappy, ax)
    # Only the band names are written on the chart: nothing lies over its legend.
    assert sorted(t.get_text() for t in ax.texts) == ["HF", "LF"]
    plt.close("all")
    pdf = tmp_path / "gappy.pdf"
    pdf.write_bytes(render_pdf(gappy))
    text = subprocess.run(
        [require_tool("pdftotext"), str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout
    assert " ".join(why.split()) in " ".join(text.split())
    assert why in render_html(gappy)


def test_the_report_names_the_clinic_the_therapist_and_local_time(
    practice: Practice, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HRV_RELAX_TIMEZONE", "America/New_York")
    view = review_view(practice.store, SYSTEM, practice.session_ids[-1])
    local = view.session.started_at.astimezone(ZoneInfo("America/New_York"))
    heading = replace(view, clinic_name="Harbour Massage", therapist_name="Kim Therapist")
    html = render_html(heading)
    assert f"Your massage session, {local.day} {local:%B %Y}" in html
    assert f"with Kim Therapist at Harbour Massage · session {view.session.id}" in html
    assert f"started {local:%H:%M %Z}</p>" in html


def test_html_report_is_self_contained(practice: Practice) -> None:
    html = render_html(review_view(practice.store, SYSTEM, practice.session_ids[0]))
    assert html.count("data:image/png;base64,") == 5
    assert "<script" not in html and "http" not in html.split("<body>")[1]
    assert "Words used in this report" in html


def _cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_import_report_export(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = str(tmp_path / "cli.db")
    hrm = reference("polar_hrm", "noisy_rri.hrm")
    code, out, err = _cli(capsys, "--db", db, "import", str(hrm), "--client", "Ana")
    assert code == 0 and out.strip() == "1" and "3,581 beats" in err
    code, _, err = _cli(capsys, "--db", db, "import", str(hrm), "--client", "Ana")
    assert code == 1 and "imported already, as session 1" in err
    broken = tmp_path / "broken.txt"
    broken.write_text("812\n790\n-4\n")
    code, _, err = _cli(capsys, "--db", db, "import", str(broken))
    assert (
        code == 1
        and err.strip()
        == "hrv-relax: error: read as rr-text: line 3: RR interval -4 ms is not positive"
    )
    code, _, err = _cli(capsys, "--db", db, "import", str(tmp_path / "missing.txt"))
    assert code == 1 and "No such file" in err
    pdf = tmp_path / "s1.pdf"
    code, _, _ = _cli(capsys, "--db", db, "report", "1", "--output", str(pdf))
    assert code == 0 and pdf.read_bytes().startswith(b"%PDF")
    code, _, err = _cli(capsys, "--db", db, "report", "1", "--output", str(tmp_path / "s1.doc"))
    assert code == 1 and "use a .pdf or .html name" in err
    code, out, _ = _cli(capsys, "--db", db, "export", "--format", "summaries", "--client", "Ana")
    assert code == 0 and out.startswith("session_id,client,") and len(out.splitlines()) == 2
    code, _, err = _cli(capsys, "--db", db, "export", "--format", "archive", "--client", "Ana")
    assert code == 1 and "--output" in err
    code, _, _ = _cli(
        capsys,
        "--db",
        db,
        "export",
        "--format",
        "archive",
        "--client",
        "Ana",
        "--output",
        str(tmp_path / "ana.zip"),
    )
    assert code == 0 and (tmp_path / "ana.zip").stat().st_size > 1000


def _session(gaps: list[tuple[float, float]]) -> tuple[BeatArrays, list[MarkerRecord]]:
    """15 min of a real recording, baseline then massage at 5 min, beats lost in ``gaps`` (s)."""
    rr = np.loadtxt(reference("nsr2db", "nsr001_rr_ms.txt.gz"))[:1500]
    t = np.cumsum(rr) / 1000.0
    kept = (t <= 900.0) & ~np.any([(t > lo) & (t <= hi) for lo, hi in gaps], axis=0)
    n = int(kept.sum())
    beats = BeatArrays(np.arange(n), t[kept], rr[kept], np.full(n, np.nan))
    when = dt.datetime(2026, 3, 2, tzinfo=dt.UTC)
    markers = [
        MarkerRecord(i + 1, 1, t_s, None, "phase", phase, when)
        for i, (t_s, phase) in enumerate(((0.0, "baseline"), (300.0, "massage")))
    ]
    return beats, markers


def test_phase_spectrum_is_the_one_its_hf_figure_comes_from() -> None:
    beats, markers = _session([(600.0, 620.0), (850.0, 860.0)])
    result, figures = summarize(beats, markers)
    massage = figures.main
    assert massage is not None and math.isfinite(massage.hf_ms2)
    spectra, notes = phase_spectra(beats, result, figures)
    assert [s.phase for s in spectra] == ["baseline", "massage"]
    for phase, spectrum in zip((figures.baseline, massage), spectra, strict=True):
        hf = float(band_power(spectrum.f_hz, spectrum.psd_ms2_hz[np.newaxis], HF_BAND_HZ)[0])
        assert hf == pytest.approx(phase.hf_ms2, rel=1e-6)
    # The gaps are cut out, not bridged by one spline: the massage is two stretches averaged,
    # and the last 40 s, too short for HF, are left out as they are for its HF figure.
    assert spectra[0].note == ""
    assert spectra[1].note.startswith(
        "the strap missed beats for over 3 s, so this curve is the average of 2 unbroken "
        "stretches, "
    )
    assert spectra[1].note.endswith(
        " min (1 shorter than 60 s was too short to use); the missing beats are not made up"
    )
    assert notes == (f"Massage: {spectra[1].note}",)


def test_phase_cut_into_short_stretches_has_no_spectrum_and_says_why() -> None:
    # A 5 s gap every 55 s through the massage: no gap-free stretch reaches 60 s.
    beats, markers = _session([(lo, lo + 5.0) for lo in np.arange(340.0, 900.0, 55.0)])
    result, figures = summarize(beats, markers)
    assert figures.main is not None and math.isnan(figures.main.hf_ms2)
    spectra, notes = phase_spectra(beats, result, figures)
    assert [s.phase for s in spectra] == ["baseline"]
    assert len(notes) == 1
    assert notes[0].startswith("Massage: no HF, LF or VLF: with the recording gaps over 3 s left")
    assert isinstance(phase_spectrum(beats, figures.main, result.phases[0].artifacts), str)


def test_spectrum_chart_says_why_a_phase_has_no_curve(practice: Practice) -> None:
    view = review_view(practice.store, SYSTEM, practice.session_ids[-1])
    why = "Massage: no HF, LF or VLF: the longest unbroken stretch is 45 s (needs 60 s)"
    fig = spectrum_figure(replace(view, spectra=view.spectra[:1], spectrum_notes=(why,)))
    assert [trace.name for trace in fig.data] == ["Baseline"]
    assert why in {a.text.replace("<br>", " ") for a in fig.layout.annotations}


def test_tachogram_line_breaks_where_beats_were_not_recorded() -> None:
    beats, _ = _session([(600.0, 620.0)])
    t_min, rr = tachogram_line(beats)
    assert np.isnan(rr).sum() == 1  # one break, at the 20 s gap
    at = int(np.flatnonzero(np.isnan(rr))[0])
    assert t_min[at - 1] * 60 <= 600.0 and t_min[at + 1] * 60 > 620.0
    assert np.array_equal(rr[~np.isnan(rr)], beats.rr_ms)


def test_a_simulated_session_says_so_in_the_report(practice: Practice) -> None:
    view = review_view(practice.store, SYSTEM, practice.session_ids[-1])
    assert view.session.source == "simulated"
    html = render_html(view)
    assert "Simulated session: the beats came from the simulated strap" in html
