"""The access rules cannot be bypassed by a page or a view model: none of them imports the
system's unscoped reads; they go through `hrv_relax.store.access` with the signed-in Viewer."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.conftest import REPO

# The store's unscoped reads and writes: the recorder's, the CLI's local operator's, and the
# access rules' own building blocks.
UNSCOPED = {
    "get_session",
    "list_sessions",
    "load_beats",
    "list_markers",
    "read_live",
    "get_client",
    "list_clients",
    "find_client",
    "get_or_add_client",
    "add_client",
    "add_marker",
    "request_stop",
    "summary_rows",
    "import_beats",
    "count_stale",
    "stale_session_ids",
    "current_history",
}
# summary_cache narrows the client ids to the viewer's, then reads rows and their beats (one
# scope check, not one per session); importing writes once the viewer's client is checked.
ALLOWED = {
    ("hrv_relax/views/summary_cache.py", "summary_rows"),
    ("hrv_relax/views/summary_cache.py", "count_stale"),
    ("hrv_relax/views/summary_cache.py", "stale_session_ids"),
    ("hrv_relax/views/summary_cache.py", "current_history"),
    ("hrv_relax/views/summary_cache.py", "load_beats"),
    ("hrv_relax/views/summary_cache.py", "list_markers"),
    ("hrv_relax/capture/importing.py", "import_beats"),
    # The server starts the dashboard and the demo as the local operator, before any browser.
    ("hrv_relax/dashboard/server.py", "find_client"),
    ("hrv_relax/dashboard/server.py", "list_sessions"),
}
# Every page and every view model, and the import (which acts for the signed-in viewer).
PAGES_AND_VIEWS = sorted(
    [
        *(REPO / "hrv_relax" / "dashboard").rglob("*.py"),
        *(REPO / "hrv_relax" / "views").rglob("*.py"),
        REPO / "hrv_relax" / "capture" / "importing.py",
    ]
)


def test_the_guard_reads_the_pages_and_views() -> None:
    names = {str(p.relative_to(REPO)) for p in PAGES_AND_VIEWS}
    assert {
        "hrv_relax/dashboard/screens/review.py",
        "hrv_relax/views/live.py",
        "hrv_relax/views/summary_cache.py",
    } <= names
    assert all(p.is_file() for p in PAGES_AND_VIEWS)


def _imported_names(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("hrv_relax")
        for alias in node.names
    }


@pytest.mark.parametrize("path", PAGES_AND_VIEWS, ids=lambda p: str(p.relative_to(REPO)))
def test_pages_and_view_models_use_only_scoped_reads(path: Path) -> None:
    where = str(path.relative_to(REPO))
    bypass = {n for n in _imported_names(path) & UNSCOPED if (where, n) not in ALLOWED}
    assert not bypass, f"{where} imports unscoped store functions: {sorted(bypass)}"


def test_the_guard_sees_a_bypass(tmp_path: Path) -> None:
    page = tmp_path / "page.py"
    page.write_text("from hrv_relax.store import get_session, open_store\n")
    assert _imported_names(page) & UNSCOPED == {"get_session"}
