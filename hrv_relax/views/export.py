"""Export: beats as CSV (with artefact flags) or plain RR text, session summaries as CSV, and
a session's full neurokit2 index set per phase as CSV.

Pure: records in, text out (``full_indices_csv`` reads the store through the access layer).
The whole-client archive that gathers these is client_archive.py.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Callable, Iterable, Sequence

import numpy as np
import numpy.typing as npt

from hrv_relax.analysis import detect_artifacts, phase_marks
from hrv_relax.analysis.full_indices import PhaseIndexSet, session_index_sets
from hrv_relax.records import BeatArrays, MarkerRecord, Viewer
from hrv_relax.store import Store
from hrv_relax.store.access import visible_beats, visible_markers
from hrv_relax.views.local_time import ClinicClock
from hrv_relax.views.summary_cache import SessionSummary

EXPORT_FORMATS = ("csv", "rr")
#: What a spreadsheet reads as the start of a formula (OWASP, "CSV Injection"): a client named
#: "=HYPERLINK(...)" or a note "@SUM(...)" would run when the export is opened.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralised(cell: object) -> object:
    """A text cell a spreadsheet would run as a formula, prefixed with ' (OWASP); else as is.

    Numbers written as text ("-3.20") stay numbers: they cannot hold a formula.
    """
    if not isinstance(cell, str) or not cell.startswith(FORMULA_STARTS):
        return cell
    try:
        float(cell)
    except ValueError:
        return "'" + cell
    return cell


class SafeCsvWriter:
    """csv.writer whose every row is neutralised: the only way CSV is written here."""

    def __init__(self, out: io.StringIO) -> None:
        # QUOTE_MINIMAL quotes a cell holding the delimiter, quotes or line breaks and doubles
        # its quotes, so no cell can spill into the next.
        self._writer = csv.writer(out, lineterminator="\n")

    def writerow(self, row: Iterable[object]) -> None:
        self._writer.writerow([neutralised(cell) for cell in row])


def beats_to_csv(beats: BeatArrays, artifacts: npt.NDArray[np.bool_] | None = None) -> str:
    """t_s, rr_ms, bpm and artefact (1 = flagged by the analysis and left out of the figures)."""
    flags = detect_artifacts(beats.rr_ms) if artifacts is None else artifacts
    out = io.StringIO()
    writer = SafeCsvWriter(out)
    writer.writerow(["t_s", "rr_ms", "bpm", "artefact"])
    for t_s, rr_ms, bpm, bad in zip(beats.t_s, beats.rr_ms, beats.bpm, flags, strict=True):
        writer.writerow(
            [f"{t_s:.4f}", _ms(rr_ms), "" if math.isnan(bpm) else int(bpm), int(bool(bad))]
        )
    return out.getvalue()


def beats_to_rr_text(beats: BeatArrays) -> str:
    """One RR interval in ms per line, as Kubios, Elite HRV and most HRV tools read."""
    return "".join(f"{_ms(rr)}\n" for rr in beats.rr_ms)


def _ms(rr_ms: float) -> str:
    # 1/1024 s RR values have at most 7 decimals in ms; 3 keep microsecond resolution.
    return f"{rr_ms:.3f}".rstrip("0").rstrip(".")


def render(beats: BeatArrays, fmt: str) -> str:
    if fmt == "csv":
        return beats_to_csv(beats)
    if fmt == "rr":
        return beats_to_rr_text(beats)
    raise ValueError(f"unknown export format {fmt!r}")


def _num(value: float, digits: int) -> str:
    return f"{value:.{digits}f}" if math.isfinite(value) else ""


SUMMARY_COLUMNS = (
    "session_id", "client", "started_at", "minutes", "beats", "artefact_pct",
    "baseline_hr_bpm", "baseline_rmssd_ms", "baseline_ln_rmssd", "compared_phase",
    "phase_hr_bpm", "phase_rmssd_ms", "hr_change_bpm", "hr_change_ci_low", "hr_change_ci_high",
    "ln_rmssd_change", "ln_rmssd_change_ci_low", "ln_rmssd_change_ci_high", "rmssd_change_pct",
    "verdict", "techniques_and_pressures",
)  # fmt: skip


def summaries_to_csv(summaries: Sequence[SessionSummary], clock: ClinicClock) -> str:
    """One row per session: baseline, the massage (or first later) phase, its shift.

    `started_at` is ISO 8601 in the clinic's zone with its offset (2026-11-30T14:05:00+01:00).
    """
    out = io.StringIO()
    writer = SafeCsvWriter(out)
    writer.writerow(SUMMARY_COLUMNS)
    for s in summaries:
        f = s.figures
        main = f.main
        shift = main.shift if main else None
        nan = math.nan
        writer.writerow(
            [
                s.session_id,
                s.client_name,
                clock.iso(s.started_at),
                _num(f.duration_s / 60, 1),
                f.n_beats,
                _num(f.artifact_pct, 2),
                _num(f.baseline.hr_bpm, 2),
                _num(f.baseline.rmssd_ms, 2),
                _num(f.baseline.ln_rmssd, 4),
                main.phase if main else "",
                _num(main.hr_bpm if main else nan, 2),
                _num(main.rmssd_ms if main else nan, 2),
                *(
                    _num(v, 2)
                    for v in (
                        (shift.hr_bpm.delta, shift.hr_bpm.ci_low, shift.hr_bpm.ci_high)
                        if shift
                        else (nan, nan, nan)
                    )
                ),
                *(
                    _num(v, 4)
                    for v in (
                        (shift.ln_rmssd.delta, shift.ln_rmssd.ci_low, shift.ln_rmssd.ci_high)
                        if shift
                        else (nan, nan, nan)
                    )
                ),
                _num(shift.rmssd_pct if shift else nan, 1),
                shift.verdict if shift else "",
                "; ".join(f.values),
            ]
        )
    return out.getvalue()


def markers_to_csv(markers: Sequence[MarkerRecord]) -> str:
    out = io.StringIO()
    writer = SafeCsvWriter(out)
    writer.writerow(["t_s", "end_t_s", "kind", "value"])
    for m in markers:
        end = "" if m.end_t_s is None else f"{m.end_t_s:.3f}"
        writer.writerow([f"{m.t_s:.3f}", end, m.kind, m.value])
    return out.getvalue()


INDEX_SET_COLUMNS = ("phase", "start_s", "end_s", "beats", "clean_beats", "note")


def index_sets_to_csv(sets: Sequence[PhaseIndexSet]) -> str:
    """One row per phase, one column per neurokit2 index (its name without "HRV_").

    Columns are the union over the phases in neurokit2's order; an index a phase lacks is empty.
    """
    names: dict[str, None] = {}
    for phase in sets:
        names.update(dict.fromkeys(name for name, _ in phase.values))
    out = io.StringIO()
    writer = SafeCsvWriter(out)
    writer.writerow([*INDEX_SET_COLUMNS, *names])
    for phase in sets:
        values = dict(phase.values)
        writer.writerow(
            [
                phase.phase,
                f"{phase.start_s:.3f}",
                f"{phase.end_s:.3f}",
                phase.n_beats,
                phase.n_clean,
                phase.note,
                *(_full(values.get(name, math.nan)) for name in names),
            ]
        )
    return out.getvalue()


def _full(value: float) -> str:
    return repr(value) if math.isfinite(value) else ""


def full_indices_csv(
    store: Store,
    viewer: Viewer,
    session_id: int,
    progress: Callable[[int, int], None] | None = None,
) -> str:
    """Every neurokit2 HRV index of each phase of one of the viewer's sessions, as CSV."""
    beats = visible_beats(store, viewer, session_id)
    markers = visible_markers(store, viewer, session_id)
    sets = session_index_sets(beats.rr_ms, phase_marks(markers), t_s=beats.t_s, progress=progress)
    return index_sets_to_csv(sets)
