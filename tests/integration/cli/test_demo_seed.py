"""The demo database appears only once it is completely seeded."""

from __future__ import annotations

from pathlib import Path

import pytest

from hrv_relax.config import sqlite_url
from hrv_relax.dashboard import server as serve
from hrv_relax.demo.practice import DEMO_CLIENTS, seed_demo
from hrv_relax.store import Store, list_sessions, open_store


def test_an_interrupted_seeding_leaves_no_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "demo.db"

    def seed_then_ctrl_c(store: Store) -> None:
        seed_demo(store, weeks=1)
        raise KeyboardInterrupt

    monkeypatch.setattr(serve, "seed_demo", seed_then_ctrl_c)
    with pytest.raises(KeyboardInterrupt):
        serve.prepare_demo_database(sqlite_url(target))
    assert not target.exists()

    monkeypatch.setattr(serve, "seed_demo", lambda store: seed_demo(store, weeks=2))
    serve.prepare_demo_database(sqlite_url(target))  # starts over from scratch
    store = open_store(target)
    clients = {s.client_name for s in list_sessions(store)}
    assert clients == {name for name, _, _ in DEMO_CLIENTS}
    assert not list(tmp_path.glob("*.seeding*"))
