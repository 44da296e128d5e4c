"""The review's one entry point reads the session once and judges artefacts once per window."""

from __future__ import annotations

import re
import sys
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import event

from hrv_relax.analysis import artifacts
from hrv_relax.records import SYSTEM
from hrv_relax.views.review import review_view
from tests.support.history_practice import Practice, make_practice

#: The table of a statement's first selected column, or what it writes to.
TABLE = re.compile(r"^(?:SELECT (\w+)\.|(?:INSERT INTO|DELETE FROM|UPDATE) (\w+))")


@pytest.fixture(scope="module")
def practice(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Practice]:
    p = make_practice(tmp_path_factory.mktemp("review") / "practice.db", n_sessions=3)
    yield p
    p.store.close()


def test_review_view_reads_each_table_once_and_classifies_each_window_once(
    practice: Practice, monkeypatch: pytest.MonkeyPatch
) -> None:
    session_id = practice.session_ids[-1]
    review_view(practice.store, SYSTEM, session_id)  # the summary cache is now current
    reads: Counter[str] = Counter()

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        found = TABLE.match(statement.lstrip())
        if found:
            reads[found.group(1) or f"write {found.group(2)}"] += 1

    judged: list[int] = []
    original = artifacts.classify_artifacts

    def classify(rr_ms: Any) -> Any:
        judged.append(len(rr_ms))
        return original(rr_ms)

    # Every module that imported the classifier by name calls the counting one.
    for module in list(sys.modules.values()):
        named = module is not None and module.__name__.startswith("hrv_relax")
        if named and getattr(module, "classify_artifacts", None) is original:
            monkeypatch.setattr(module, "classify_artifacts", classify)
    event.listen(practice.store.engine, "before_cursor_execute", count)
    try:
        view = review_view(practice.store, SYSTEM, session_id)
    finally:
        event.remove(practice.store.engine, "before_cursor_execute", count)
    assert reads["beats"] == 1 and reads["markers"] == 1, reads
    assert reads["sessions"] == 3, reads  # the sweep, the session, the client's earlier ones
    assert not any(k.startswith("write") for k in reads), reads  # its summary was current
    # Once for the session, once per phase (its own figures and spectrum), once per
    # technique or pressure stretch long enough to judge: never again for a chart.
    segments = sum(1 for s in view.figures.segments if s.shift is not None)
    assert len(judged) == 1 + 1 + len(view.figures.phases) + segments, judged
    assert view.spectra  # the spectra were drawn from those judgements
