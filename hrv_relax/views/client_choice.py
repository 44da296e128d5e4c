"""How clients are told apart in pickers: by name, and by number where names repeat.

Names are unique per therapist, so an admin (or a practice that shares clients) may see two
clients called "Alex Smith"; those show as "Alex Smith (#3)" and "Alex Smith (#9)".
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from hrv_relax.records import ClientRecord
from hrv_relax.store.people import name_key


def client_labels(clients: Sequence[ClientRecord]) -> dict[int, str]:
    """Each client's id and what a picker shows for it, in the given order."""
    counts = Counter(name_key(c.name) for c in clients)
    return {
        c.id: c.name if counts[name_key(c.name)] == 1 else f"{c.name} (#{c.id})" for c in clients
    }


def client_reference(client_id: int) -> str:
    """What names exactly this client where the store takes a name: `#N`."""
    return f"#{client_id}"
