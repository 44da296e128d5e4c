"""Issue 14 §1: `hrv-relax demo` never touches a real database.

The demo makes accounts with a published password. Pointed at a clinic's database (through
HRV_RELAX_DB, which every clinic laptop sets, or --db) it would let anyone in as admin. It uses
its own demo database, refuses any other, never signs anyone in on one, and never prints a
database password.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import make_url
from streamlit.testing.v1 import AppTest

from hrv_relax.demo.practice import DEMO_ACCOUNTS, DEMO_PASSWORD, seed_demo
from hrv_relax.records import SYSTEM
from hrv_relax.store import add_client, find_user, list_clients, list_sessions, open_store
from hrv_relax.store.accounts import list_users
from tests.support.accounts import APP, account
from tests.support.browser import free_port, served

pytestmark = [pytest.mark.slow]

DEMO_NAMES = {username for username, _, _, _ in DEMO_ACCOUNTS}


def _clinic(url: str) -> None:
    """A clinic's database: a real admin and a real client."""
    store = open_store(url)
    account(store, "clinic-admin", "admin")
    add_client(store, "Real Client")
    store.close()


def _snapshot(url: str) -> tuple[set[str], set[str], int]:
    store = open_store(url)
    try:
        users = {u.username for u in list_users(store, SYSTEM)}
        clients = {c.name for c in list_clients(store)}
        return users, clients, len(list_sessions(store))
    finally:
        store.close()


def _demo(argv: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "hrv_relax",
            *argv,
            "demo",
            "--no-browser",
            "--port",
            str(free_port()),
        ],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_the_demo_ignores_hrv_relax_db_and_uses_its_own_file(tmp_path: Path) -> None:
    clinic = f"sqlite:///{tmp_path / 'clinic.db'}"
    _clinic(clinic)
    before = _snapshot(clinic)
    data = tmp_path / "data"
    env = {"HRV_RELAX_DB": clinic, "XDG_DATA_HOME": str(data)}
    argv = ["demo", "--no-browser", "--port", str(free_port())]
    printed: list[str] = []
    with served(argv, env, timeout_s=180, output=printed):
        pass
    assert _snapshot(clinic) == before  # not a demo account, client or session added
    demo_file = data / "hrv-relax" / "hrv-relax-demo.db"
    assert demo_file.exists()
    assert {u.username for u in list_users(open_store(demo_file), SYSTEM)} >= DEMO_NAMES
    assert str(demo_file) in "".join(printed)


@pytest.mark.parametrize(
    "backend", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
)
def test_the_demo_refuses_a_database_holding_real_accounts_or_clients(
    backend: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    if backend == "postgresql":
        url = request.getfixturevalue("postgres_server").create_database()
    else:
        url = f"sqlite:///{tmp_path / 'clinic.db'}"
    _clinic(url)
    before = _snapshot(url)
    done = _demo(["--db", url], {"XDG_DATA_HOME": str(tmp_path / "data")})
    assert done.returncode != 0
    message = done.stderr.strip()
    assert message.startswith("hrv-relax: error:") and "not made by the demo" in message
    assert "Traceback" not in done.stderr + done.stdout
    assert _snapshot(url) == before
    password = make_url(url).password
    if password:
        assert password not in done.stderr + done.stdout
        assert "***" in message


def test_the_demo_refuses_a_database_with_only_one_real_client(tmp_path: Path) -> None:
    """Real accounts are not the only mark of a clinic: one real client is enough to refuse."""
    url = f"sqlite:///{tmp_path / 'mixed.db'}"
    store = open_store(url)
    seed_demo(store, weeks=1)
    add_client(store, "Real Client")
    store.close()
    done = _demo(["--db", url], {"XDG_DATA_HOME": str(tmp_path / "data")})
    assert done.returncode != 0 and "not made by the demo" in done.stderr


@pytest.mark.postgres
def test_the_demo_on_an_empty_postgresql_database_never_prints_its_password(
    postgres_server: object, tmp_path: Path
) -> None:
    url = postgres_server.create_database()  # type: ignore[attr-defined]
    password = make_url(url).password
    assert password
    printed: list[str] = []
    argv = ["--db", url, "demo", "--no-browser", "--port", str(free_port())]
    with served(argv, {"XDG_DATA_HOME": str(tmp_path / "data")}, timeout_s=240, output=printed):
        pass
    text = "".join(printed)
    assert "database postgresql+psycopg://hrv:***@127.0.0.1" in text
    assert password not in text
    assert DEMO_PASSWORD in text  # the demo accounts' password is printed, on purpose
    assert find_user(open_store(url), "demo-admin") is not None


def test_the_dashboard_never_signs_in_automatically_on_a_database_with_real_clients(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A demo database into which a real client was added is no longer the demo's."""
    db = tmp_path / "was-demo.db"
    store = open_store(db)
    seed_demo(store, weeks=1)
    add_client(store, "Real Client")
    store.close()
    monkeypatch.setenv("HRV_RELAX_DB", str(db))
    monkeypatch.setenv("HRV_RELAX_DEMO", "1")
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    assert [t.value for t in at.title] == ["Sign in"]
    assert not any("Demo practice" in str(i.value) for i in at.info)
