"""Downloads from the dashboard: each one is written to the audit log when it is served.

Streamlit calls a download button's `data` function when the browser asks for the file (not
when the page is drawn), so wrapping that function audits every download that happened, and
only those: a page that shows a download button and is never clicked leaves no entry. It runs
only while the browser asking is signed in as the page was (context.guarded).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from hrv_relax.dashboard.context import guarded
from hrv_relax.records import Viewer
from hrv_relax.store import Store
from hrv_relax.store.audit import audit_as

Data = TypeVar("Data", str, bytes)


def audited(
    store: Store, viewer: Viewer, what: str, target: str, make: Callable[[], Data]
) -> Callable[[], Data]:
    """`make`, recording "export" of `what` (e.g. "beats CSV") about `target` when called."""

    def serve() -> Data:
        data = make()
        audit_as(store, viewer, "export", target=target, detail=f"download: {what}")
        return data

    return guarded(serve)  # made only for the browser signed in as the page was
