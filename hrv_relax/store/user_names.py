"""Display names of users (therapists) by id, for labels and filters."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select

from hrv_relax.store.engine import Store
from hrv_relax.store.schema import users


def user_names(store: Store, ids: Iterable[int]) -> dict[int, str]:
    """{id: display name} of the given users (unknown ids are left out)."""
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    with store.read() as conn:
        rows = conn.execute(
            select(users.c.id, users.c.display_name).where(users.c.id.in_(wanted))
        ).all()
    return {int(r[0]): str(r[1]) for r in rows}
