"""How clients are told apart in pickers: by name, and by number where names repeat.

Names are unique per therapist, so an admin (or a practice that shares clients) may see two
clients called "Alex Smith"; those show as "Alex Smith (#3 · Sam Lee)" and "Alex Smith (#9 ·
no therapist)": the number names one exactly, the therapist says which is which.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from hrv_relax.records import ClientRecord
from hrv_relax.store.engine import Store
from hrv_relax.store.people import name_key
from hrv_relax.store.user_names import user_names


def client_labels(store: Store, clients: Sequence[ClientRecord]) -> dict[int, str]:
    """Each client's id and what a picker shows for it, in the given order."""
    counts = Counter(name_key(c.name) for c in clients)
    shared = [c for c in clients if counts[name_key(c.name)] > 1]
    therapists = user_names(store, (c.therapist_id for c in shared if c.therapist_id is not None))
    labels = {c.id: c.name for c in clients}
    for c in shared:
        whose = "no therapist" if c.therapist_id is None else therapists.get(c.therapist_id, "")
        labels[c.id] = f"{c.name} (#{c.id} · {whose})" if whose else f"{c.name} (#{c.id})"
    return labels


def client_reference(client_id: int) -> str:
    """What names exactly this client where the store takes a name: `#N`."""
    return f"#{client_id}"
