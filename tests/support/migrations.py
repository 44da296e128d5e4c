"""Moving a test database to another schema revision, as an older or newer version left it."""

from __future__ import annotations

from alembic import command
from alembic.script import ScriptDirectory

from hrv_relax.store import Store
from hrv_relax.store.engine import alembic_config


def migrate(store: Store, revision: str, *, down: bool = False) -> None:
    """Upgrade (or, with `down`, downgrade) the store's database to `revision`."""
    with store.engine.begin() as conn:
        config = alembic_config(store)
        config.attributes["connection"] = conn
        (command.downgrade if down else command.upgrade)(config, revision)


def head_revision(store: Store) -> str:
    """The newest revision of the schema: what opening a database upgrades it to."""
    head = ScriptDirectory.from_config(alembic_config(store)).get_current_head()
    assert head is not None
    return head
