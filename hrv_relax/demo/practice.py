"""The demo database: a demo therapist, three clients and several weeks of varied past sessions
(scripted in hrv_relax.demo.visits)."""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import logging

import numpy as np

from hrv_relax.auth.passwords import hash_password
from hrv_relax.capture.recorder import Recorder
from hrv_relax.capture.simulator import ClientProfile, SessionPlan, SimulatedStrap
from hrv_relax.demo.visits import VISITS, Visit
from hrv_relax.errors import ConfigurationError
from hrv_relax.records import SYSTEM
from hrv_relax.store import (
    Store,
    add_client,
    add_user,
    create_session,
    find_client,
    find_user,
    insert_marker,
    list_clients,
)
from hrv_relax.store.accounts import create_user, demo_counts, set_password_hash

log = logging.getLogger(__name__)

DEMO_THERAPIST = "demo-therapist"
#: Printed by `hrv-relax demo`: the demo database holds simulated people only, on this computer.
DEMO_PASSWORD = "relax-demo-2026"
#: (user name, role, display name, client record a client login opens)
DEMO_ACCOUNTS: tuple[tuple[str, str, str, str | None], ...] = (
    ("demo-admin", "admin", "Demo Admin", None),
    (DEMO_THERAPIST, "therapist", "Demo Therapist", None),
    ("demo-client", "client", "Alex Demo", "Alex Demo"),
)
DEMO_SEED = 20261121
WEEKS_OF_HISTORY = 6


# Three different people, so the history pages have something to compare.
DEMO_CLIENTS: tuple[tuple[str, ClientProfile, str], ...] = (
    (
        "Alex Demo",
        ClientProfile(rest_hr_bpm=74, rsa_ms=22, relax_hr_drop_bpm=9, relax_rsa_gain=0.8),
        "Office worker, neck and shoulder tension. Relaxes strongly with moderate pressure.",
    ),
    (
        "Bea Demo",
        ClientProfile(rest_hr_bpm=64, rsa_ms=45, relax_hr_drop_bpm=4, relax_rsa_gain=0.3),
        "Runner, lower back. High baseline variability, modest shifts.",
    ),
    (
        "Chris Demo",
        ClientProfile(
            rest_hr_bpm=80,
            rsa_ms=14,
            relax_hr_drop_bpm=8,
            relax_rsa_gain=0.8,
            relax_tau_s=600,
            ectopic_per_hour=40,
            contact_losses_per_hour=3,
        ),
        "Chronic pain and stress; occasional extra beats. Slow to relax.",
    ),
)


def check_demo_database(store: Store) -> None:
    """Refuse a database holding any account or client the demo did not make.

    The demo creates accounts with a published password: seeded into a clinic's database, they
    would let anyone in. So it runs only on an empty database or one it made itself.
    """
    counts = demo_counts(store)
    if not counts.is_demo_only:
        raise ConfigurationError(
            f"{store.url} holds {counts.real_accounts} account(s) and {counts.real_clients} "
            "client(s) not made by the demo: the demo runs only on its own database. Leave out "
            "--db (the demo then uses its own file), or name a new file with --db."
        )


def is_seeded(store: Store) -> bool:
    return find_user(store, DEMO_THERAPIST) is not None


def seed_demo(
    store: Store, *, now: dt.datetime | None = None, weeks: int = WEEKS_OF_HISTORY
) -> None:
    """Fill an empty database with the demo practice (does nothing if it is there already)."""
    if is_seeded(store):
        ensure_demo_accounts(store)
        return
    now = now or dt.datetime.now(dt.UTC)
    rng = np.random.default_rng(DEMO_SEED)
    therapist = add_user(
        store, DEMO_THERAPIST, role="therapist", display_name="Demo Therapist", is_demo=True
    )
    for index, (name, profile, notes) in enumerate(DEMO_CLIENTS):
        client = add_client(store, name, therapist_id=therapist.id, notes=notes, is_demo=True)
        # About one session a week, at a plausible hour, as scripted for this client.
        visits = VISITS[name]
        for week in range(weeks, 0, -1):
            day = now - dt.timedelta(weeks=week, days=int(rng.integers(0, 5)))
            start = day.replace(hour=int(rng.integers(9, 18)), minute=0, second=0, microsecond=0)
            visit = visits[(len(visits) - week) % len(visits)]
            _record_past_session(
                store,
                client_id=client.id,
                therapist_id=therapist.id,
                started_at=start,
                visit=visit,
                profile=profile,
                seed=DEMO_SEED + 100 * index + week,
            )
    ensure_demo_accounts(store)
    log.info("seeded the demo database with %d clients", len(list_clients(store)))


def ensure_demo_accounts(store: Store) -> None:
    """Give every demo account the printed password (creating the accounts if missing)."""
    for username, role, display_name, client_name in DEMO_ACCOUNTS:
        password_hash = hash_password(DEMO_PASSWORD, demo=True)
        existing = find_user(store, username)
        if existing is not None:
            if existing.is_demo:  # never a real account that happens to have this name
                set_password_hash(store, SYSTEM, username, password_hash)
            continue
        if client_name is not None and find_client(store, client_name) is None:
            continue
        create_user(
            store,
            SYSTEM,
            username,
            role=role,
            password_hash=password_hash,
            display_name=display_name,
            client_name=client_name,
            is_demo=True,
        )


BASELINE_S = 300.0
RECOVERY_S = 300.0


def visit_plan(visit: Visit) -> SessionPlan:
    """The simulator's plan for a scripted visit."""
    tense = None
    if visit.tense_min is not None:
        tense = (BASELINE_S + 60 * visit.tense_min[0], BASELINE_S + 60 * visit.tense_min[1])
    return SessionPlan(BASELINE_S, 60.0 * visit.massage_min, RECOVERY_S, tense_s=tense)


def visit_profile(visit: Visit, profile: ClientProfile) -> ClientProfile:
    """The client as she was on this visit: her response scaled by how the visit went."""
    return dataclasses.replace(
        profile,
        relax_hr_drop_bpm=profile.relax_hr_drop_bpm * visit.response,
        relax_rsa_gain=profile.relax_rsa_gain * visit.response,
    )


def _record_past_session(
    store: Store,
    *,
    client_id: int,
    therapist_id: int,
    started_at: dt.datetime,
    visit: Visit,
    profile: ClientProfile,
    seed: int,
) -> None:
    plan = visit_plan(visit)
    strap = SimulatedStrap(
        seed=seed, plan=plan, profile=visit_profile(visit, profile), realtime=False
    )
    session_id = create_session(
        store, client_id, source="simulated", therapist_id=therapist_id, started_at=started_at
    )
    recorder = Recorder(store, session_id, strap, scheduled_phases=plan.phase_starts())
    asyncio.run(recorder.run())
    # The therapist's taps, at the times she made them (before anything analysed the session).
    with store.write() as conn:
        for tap in visit.taps:
            insert_marker(conn, session_id, tap.kind, tap.value, t_s=BASELINE_S + 60 * tap.minute)
