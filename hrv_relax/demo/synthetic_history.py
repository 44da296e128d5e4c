"""Many past sessions for one client, simulated, with techniques and pressures marked.

For benchmarks, tests and screenshots of the history page: weekly-ish sessions whose
relaxation depends on the pressure used (moderate relaxes most, light least: Diego & Field
2009), and whose baseline variability drifts slowly upwards over the weeks.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Sequence

import numpy as np

from hrv_relax.capture.simulator import ClientProfile, SessionPlan, simulate_beats
from hrv_relax.store import Beat, Store, append_beats, create_session, insert_marker
from hrv_relax.store.sessions import finish_session

TECHNIQUES = ("effleurage", "petrissage", "trigger point", "myofascial")  # vocabulary words
#: Pressure -> share of the client's full relaxation response it brings about.
PRESSURE_EFFECT = {"light": 0.2, "moderate": 1.0, "firm": 0.6}
MASSAGE_MIN = (20.0, 35.0, 50.0)
BASELINE_S = 300.0
RECOVERY_S = 240.0


def seed_sessions(
    store: Store,
    client_id: int,
    n_sessions: int,
    *,
    first_day: dt.datetime,
    therapist_ids: Sequence[int | None] = (None,),
    profile: ClientProfile | None = None,
    seed: int = 0,
    progress: Callable[[int, int], None] | None = None,
) -> list[int]:
    """Write `n_sessions` complete sessions, about one every 3-10 days; return their ids."""
    rng = np.random.default_rng(seed)
    base = profile or ClientProfile(ectopic_per_hour=6.0, contact_losses_per_hour=0.0)
    ids = []
    start = first_day
    for k in range(n_sessions):
        pressure = str(rng.choice(list(PRESSURE_EFFECT)))
        effect = PRESSURE_EFFECT[pressure]
        drift = 1.0 + 0.3 * k / max(1, n_sessions)  # variability improves over the weeks
        person = dataclasses.replace(
            base,
            rsa_ms=base.rsa_ms * drift * float(rng.uniform(0.85, 1.15)),
            relax_hr_drop_bpm=base.relax_hr_drop_bpm * effect,
            relax_rsa_gain=base.relax_rsa_gain * effect,
        )
        plan = SessionPlan(BASELINE_S, 60.0 * float(rng.choice(MASSAGE_MIN)), RECOVERY_S)
        therapist = therapist_ids[k % len(therapist_ids)]
        ids.append(
            _write(
                store,
                client_id,
                started_at=start,
                plan=plan,
                profile=person,
                pressure=pressure,
                therapist_id=therapist,
                seed=seed + k,
                rng=rng,
            )
        )
        start += dt.timedelta(days=int(rng.integers(3, 11)), hours=int(rng.integers(-2, 3)))
        if progress is not None:
            progress(k + 1, n_sessions)
    return ids


def _write(
    store: Store,
    client_id: int,
    *,
    started_at: dt.datetime,
    plan: SessionPlan,
    profile: ClientProfile,
    pressure: str,
    therapist_id: int | None,
    seed: int,
    rng: np.random.Generator,
) -> int:
    beats, _ = simulate_beats(plan, profile, seed)
    session_id = create_session(
        store, client_id, source="simulated", therapist_id=therapist_id, started_at=started_at
    )
    techniques = rng.choice(len(TECHNIQUES), size=2, replace=False)
    half = plan.baseline_s + plan.massage_s / 2
    with store.write() as conn:
        append_beats(
            conn,
            session_id,
            [Beat(i, b.t_s, b.rr_ms, round(60000 / b.rr_ms)) for i, b in enumerate(beats)],
        )
        for t_s, phase in plan.phase_starts():
            insert_marker(conn, session_id, "phase", phase, t_s=t_s)
        insert_marker(conn, session_id, "pressure", pressure, t_s=plan.baseline_s)
        for t_s, index in zip((plan.baseline_s, half), techniques, strict=True):
            insert_marker(conn, session_id, "technique", TECHNIQUES[int(index)], t_s=t_s)
        finish_session(conn, session_id, ended_at=started_at + dt.timedelta(seconds=plan.total_s))
    return session_id
