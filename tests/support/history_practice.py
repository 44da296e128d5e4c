"""A small practice with weeks of sessions, shared by the history, review and report tests."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from hrv_relax.demo.synthetic_history import seed_sessions
from hrv_relax.store import Store, add_client, add_user, open_store

FIRST_DAY = dt.datetime(2026, 3, 2, 10, tzinfo=dt.UTC)


@dataclass(frozen=True, slots=True)
class Practice:
    db: Path
    store: Store
    client_id: int
    other_client_id: int
    therapist_ids: tuple[int, int]
    session_ids: tuple[int, ...]


def make_practice(db: Path, n_sessions: int = 10) -> Practice:
    store = open_store(db)
    sam = add_user(store, "sam", role="therapist", display_name="Sam Therapist")
    kim = add_user(store, "kim", role="therapist", display_name="Kim Therapist")
    client = add_client(store, "Dana Example")
    other = add_client(store, "Eli Example")
    ids = seed_sessions(
        store, client.id, n_sessions, first_day=FIRST_DAY, therapist_ids=(sam.id, kim.id), seed=7
    )
    seed_sessions(store, other.id, 2, first_day=FIRST_DAY, therapist_ids=(kim.id,), seed=99)
    return Practice(db, store, client.id, other.id, (sam.id, kim.id), tuple(ids))
