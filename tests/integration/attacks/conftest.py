"""A dashboard served for attacking: the attack practice, idle limit 1 minute."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from hrv_relax.store import open_store
from tests.support.attack_practice import AttackPractice, make_attack_practice
from tests.support.browser import free_port, served

IDLE_MINUTES = 0.5  # short, so the idle tests wait seconds, not minutes


@dataclass(frozen=True)
class Served:
    url: str
    db: Path
    practice: AttackPractice


@pytest.fixture(scope="module")
def dashboard(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    db = tmp_path_factory.mktemp("served") / "practice.db"
    practice = make_attack_practice(open_store(db))
    argv = ["--db", str(db), "dashboard", "--no-browser", "--port", str(free_port())]
    env = {"HRV_RELAX_IDLE_MINUTES": str(IDLE_MINUTES)}
    with served(argv, env, timeout_s=120) as url:
        yield Served(url=url, db=db, practice=practice)
    practice.store.close()
