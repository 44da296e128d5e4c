"""The words at the top of a report: who, when, how long, and the session's context."""

from __future__ import annotations

from dataclasses import dataclass

from hrv_relax import __version__
from hrv_relax.views.review import ReviewView
from hrv_relax.vocabulary import SessionSource


@dataclass(frozen=True, slots=True)
class ReportHeading:
    title: str
    subtitle: str
    context: tuple[str, ...]
    footer: str


def report_heading(view: ReviewView) -> ReportHeading:
    s = view.session
    f = view.figures
    minutes = f.duration_s / 60
    context = [
        f"{f.n_beats:,} heartbeats over {minutes:.0f} minutes; "
        f"{f.artifact_pct:.1f} % of them were artefacts and left out."
    ]
    if view.usual is not None:
        context.append(
            f"Your resting RMSSD at the start was {view.baseline_position} compared with your "
            f"previous {view.usual.n_sessions} sessions."
        )
    if s.source == SessionSource.SIMULATED:
        context.append("Simulated session: the beats came from the simulated strap, not a person.")
    if s.notes:
        context.append(f"Notes: {s.notes}")
    clock = view.clock
    who = [view.client.name]
    if view.therapist_name:
        who.append(f"with {view.therapist_name}")
    if view.clinic_name:
        who.append(f"at {view.clinic_name}")
    return ReportHeading(
        title=f"Your massage session, {clock.day(s.started_at)}",
        subtitle=f"{' '.join(who)} · session {s.id} · started {clock.clock(s.started_at)}",
        context=tuple(context),
        footer=f"hrv-relax {__version__} · {view.client.name} · session {s.id}",
    )
