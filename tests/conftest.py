"""Shared fixtures. Tests that need a missing system tool skip loudly here and fail in CI."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from hrv_relax.store import Store, open_store
from tests.support.postgres import PostgresServer, find_bindir, running_server

REPO = Path(__file__).resolve().parents[1]
REFERENCE = REPO.parent / "shared" / "reference"
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def require(condition: bool, reason: str) -> None:
    """Skip locally, or fail in CI (where every tool is installed), if a prerequisite is missing."""
    if condition:
        return
    if IN_CI:
        pytest.fail(f"CI must run every test, but: {reason}")
    pytest.skip(f"SKIPPED LOUDLY: {reason}")


def require_tool(name: str) -> str:
    path = shutil.which(name)
    require(path is not None, f"{name} is not installed (see .ci/run for the Debian packages)")
    assert path is not None
    return path


def reference(*parts: str) -> Path:
    path = REFERENCE.joinpath(*parts)
    require(path.exists(), f"reference recording {path} is missing (../shared/reference)")
    return path


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "hrv-relax.db"


@pytest.fixture
def store(db_path: Path) -> Iterator[Store]:
    s = open_store(db_path)
    yield s
    s.close()


@pytest.fixture(autouse=True)
def _buffer_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Recorders keep undelivered beats in a journal under the user's data folder; tests (and
    # the recorder processes they start, which inherit the environment) keep theirs here.
    monkeypatch.setenv("HRV_RELAX_BUFFER_DIR", str(tmp_path / "buffer"))


def postgres_bindir() -> Path:
    bindir = find_bindir()
    require(
        bindir is not None,
        "PostgreSQL server binaries (initdb, pg_ctl) are not installed: apt-get install postgresql",
    )
    assert bindir is not None
    return bindir


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """One PostgreSQL server for the whole test session, in a temporary folder."""
    with running_server(postgres_bindir()) as server:
        yield server


@pytest.fixture(
    params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)],
)
def any_db_url(request: pytest.FixtureRequest, db_path: Path) -> Iterator[str]:
    """A fresh, empty database on each backend: an SQLite file, then a PostgreSQL database."""
    if request.param == "sqlite":
        yield f"sqlite:///{db_path}"
        return
    server: PostgresServer = request.getfixturevalue("postgres_server")
    url = server.create_database()
    yield url
    server.drop_database(url)


@pytest.fixture
def any_store(any_db_url: str) -> Iterator[Store]:
    s = open_store(any_db_url)
    yield s
    s.close()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    del config, items


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    # In CI nothing may be skipped: a skip there is a missing install step, so it fails.
    outcome = yield
    report = outcome.get_result()  # type: ignore[attr-defined]
    if IN_CI and report.skipped and call.when in ("setup", "call"):
        report.outcome = "failed"
        report.longrepr = f"skipped in CI (nothing may be skipped): {report.longrepr}"
