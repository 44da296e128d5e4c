"""Two therapists, two clients with their own logins, and an admin: the attack tests' practice.

Sam treats Dana, Kim treats Eli. Dana and Eli each have a client login. Nothing of Eli's may
reach Dana or Sam (while the practice does not share clients), and the other way round.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from hrv_relax.demo.synthetic_history import seed_sessions
from hrv_relax.records import SYSTEM
from hrv_relax.store import Store, add_client, list_sessions
from hrv_relax.store.accounts import assign_therapist
from tests.support.accounts import account

FIRST_DAY = dt.datetime(2026, 5, 4, 10, tzinfo=dt.UTC)
DANA, ELI = "Dana Victim", "Eli Target"


@dataclass(frozen=True, slots=True)
class AttackPractice:
    store: Store
    dana_client: int
    eli_client: int
    dana_sessions: tuple[int, ...]
    eli_sessions: tuple[int, ...]


def make_attack_practice(store: Store, n_sessions: int = 3) -> AttackPractice:
    account(store, "admin", "admin")
    sam = account(store, "sam", "therapist")
    kim = account(store, "kim", "therapist")
    dana = add_client(store, DANA, therapist_id=sam.id)
    eli = add_client(store, ELI)
    assign_therapist(store, SYSTEM, ELI, kim.username)
    account(store, "dana", "client", client=DANA)
    account(store, "eli", "client", client=ELI)
    seed_sessions(store, dana.id, n_sessions, first_day=FIRST_DAY, therapist_ids=(sam.id,), seed=1)
    seed_sessions(store, eli.id, n_sessions, first_day=FIRST_DAY, therapist_ids=(kim.id,), seed=2)
    return AttackPractice(
        store=store,
        dana_client=dana.id,
        eli_client=eli.id,
        dana_sessions=tuple(s.id for s in list_sessions(store, client_id=dana.id)),
        eli_sessions=tuple(s.id for s in list_sessions(store, client_id=eli.id)),
    )
