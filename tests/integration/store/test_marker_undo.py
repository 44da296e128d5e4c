"""Undoing a marker tapped by mistake: only its maker, only for a short while, always audited."""

from __future__ import annotations

import datetime as dt

import pytest

from hrv_relax.auth.login import viewer_for
from hrv_relax.errors import SessionStateError
from hrv_relax.store import Store, add_client, create_session, list_markers
from hrv_relax.store.access import mark_session, unmark_session
from hrv_relax.store.audit import recent_audit
from hrv_relax.store.markers import UNDO_MARKER_S, undo_marker
from hrv_relax.store.sessions import finish_session
from tests.support.accounts import account


def _recording(store: Store, therapist_id: int | None) -> int:
    client = add_client(store, "Undo Client", therapist_id=therapist_id)
    return create_session(store, client.id, source="simulated")


def test_the_maker_undoes_a_marker_and_the_audit_log_says_what_it_was(store: Store) -> None:
    robin = viewer_for(account(store, "robin", "therapist"))
    session = _recording(store, robin.user_id)
    kept = mark_session(store, robin, session, "phase", "massage")
    wrong = mark_session(store, robin, session, "technique", "friction")
    unmark_session(store, robin, session, wrong.id)
    assert [m.id for m in list_markers(store, session)] == [kept.id]
    (entry,) = recent_audit(store, action="marker_undone")
    assert entry.username == "robin" and entry.target == f"session {session}"
    assert "technique 'friction'" in entry.detail


def test_undo_is_refused_to_others_late_and_after_the_session(store: Store) -> None:
    robin = viewer_for(account(store, "robin", "therapist"))
    sam = viewer_for(account(store, "sam", "admin"))
    session = _recording(store, robin.user_id)
    marker = mark_session(store, robin, session, "pressure", "firm")
    with pytest.raises(SessionStateError, match="whoever put a marker on"):
        unmark_session(store, sam, session, marker.id)
    late = marker.created_at + dt.timedelta(seconds=UNDO_MARKER_S + 1)
    with pytest.raises(SessionStateError, match="30 s after"):
        undo_marker(store, marker.id, user_id=robin.user_id, username="robin", now=late)
    with store.write() as conn:
        finish_session(conn, session)
    with pytest.raises(SessionStateError, match="markers stay as they are"):
        unmark_session(store, robin, session, marker.id)
    assert len(list_markers(store, session)) == 1
    assert recent_audit(store, action="marker_undone") == []
