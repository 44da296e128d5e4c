"""Pure: session figures -> tables of display text, shared by the review page and the reports."""

from __future__ import annotations

from dataclasses import dataclass

from hrv_relax.views.plain_words import change_text, number, rmssd_change_text
from hrv_relax.views.summary import PhaseFigures, SessionFigures


@dataclass(frozen=True, slots=True)
class TextTable:
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


def _minutes(p: PhaseFigures) -> str:
    return f"{p.start_s / 60:.0f}-{p.end_s / 60:.0f}"


def phase_table(figures: SessionFigures) -> TextTable:
    """Indices per phase; a dash where the phase cannot support the figure (see notes)."""
    return TextTable(
        (
            "Phase",
            "Minutes",
            "HR (bpm)",
            "RMSSD (ms)",
            "Breathing (/min)",
            "HF (ms²)",
            "LF/HF",
            "PNS",
            "SNS",
            "Artefacts",
        ),
        tuple(
            (
                p.phase.capitalize(),
                _minutes(p),
                number(p.hr_bpm, digits=1),
                number(p.rmssd_ms, digits=1),
                number(p.breathing_per_min, digits=1),
                number(p.hf_ms2),
                number(p.lf_hf, digits=2),
                number(p.pns_index, digits=2),
                number(p.sns_index, digits=2),
                f"{p.artifact_pct:.1f} %",
            )
            for p in (figures.baseline, *figures.phases)
        ),
    )


def rhythm_table(figures: SessionFigures) -> TextTable:
    """DFA alpha1 and sample entropy per phase (neurokit2, Kubios settings)."""
    return TextTable(
        ("Phase", "Minutes", "DFA α1 (4-12 beats)", "Sample entropy (m 2, r 0.2 SD)"),
        tuple(
            (
                p.phase.capitalize(),
                _minutes(p),
                number(p.dfa_alpha1, digits=2),
                number(p.sampen, digits=2),
            )
            for p in (figures.baseline, *figures.phases)
        ),
    )


def shift_table(figures: SessionFigures) -> TextTable:
    """Each phase, technique and pressure against the baseline, with 95 % intervals."""
    rows = []
    for p in figures.phases:
        if p.shift is not None:
            rows.append(
                (
                    p.phase.capitalize(),
                    _minutes(p),
                    change_text(p.shift.hr_bpm, "bpm"),
                    rmssd_change_text(p.shift.ln_rmssd),
                    p.shift.verdict,
                )
            )
    for s in figures.segments:
        label = f"{s.kind.capitalize()}: {s.value}"
        span = f"{s.start_s / 60:.0f}-{s.end_s / 60:.0f}"
        if s.shift is None:
            rows.append((label, span, "—", "—", s.note))
        else:
            rows.append(
                (
                    label,
                    span,
                    change_text(s.shift.hr_bpm, "bpm"),
                    rmssd_change_text(s.shift.ln_rmssd),
                    s.shift.verdict,
                )
            )
    return TextTable(
        ("Stretch", "Minutes", "Heart rate change", "RMSSD change", "Verdict"), tuple(rows)
    )


def phase_notes(figures: SessionFigures) -> tuple[str, ...]:
    """Why figures are missing, phase by phase ("Baseline: window < 120 s: no PNS ...")."""
    return tuple(
        f"{p.phase.capitalize()}: {p.note}" for p in (figures.baseline, *figures.phases) if p.note
    )
