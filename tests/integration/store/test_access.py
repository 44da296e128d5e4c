"""Attacks on the data layer, on SQLite and PostgreSQL: forged ids, other people's clients,
writes by a read-only client, admin actions by a therapist, password guessing and lockout."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterator

import pytest
from sqlalchemy import func, select

from hrv_relax.auth.login import WRONG, LockedOut, authenticate, refresh_viewer
from hrv_relax.auth.passwords import hash_password
from hrv_relax.auth.throttle import DEFAULT_POLICY
from hrv_relax.capture.importing import import_recording
from hrv_relax.errors import AccessDeniedError, AmbiguousClientError, LoginError, NotFoundError
from hrv_relax.records import SYSTEM, Viewer
from hrv_relax.store import Store, find_user, list_sessions, open_store, schema
from hrv_relax.store.access import (
    client_for_recording,
    find_visible_client,
    mark_session,
    stop_session,
    visible_beats,
    visible_client,
    visible_clients,
    visible_live,
    visible_markers,
    visible_session,
    visible_sessions,
)
from hrv_relax.store.accounts import (
    create_user,
    delete_client,
    list_users,
    set_active,
    set_password_hash,
    set_therapists_share,
)
from hrv_relax.store.audit import recent_audit
from hrv_relax.views.client_archive import client_archive
from hrv_relax.views.history import HistoryFilters, history_view
from hrv_relax.views.live import live_view
from hrv_relax.views.review import review_view
from hrv_relax.views.summary_cache import analyze_stored, session_summaries, stale_count
from tests.support.accounts import PASSWORD
from tests.support.attack_practice import DANA, ELI, AttackPractice, make_attack_practice

NOW = dt.datetime(2026, 11, 21, 12, tzinfo=dt.UTC)
RR_FILE = "".join(f"{800 + 30 * (i % 4)}\n" for i in range(400)).encode()


@pytest.fixture
def practice(any_store: Store) -> Iterator[AttackPractice]:
    yield make_attack_practice(any_store, n_sessions=2)


def _as(p: AttackPractice, username: str) -> Viewer:
    return authenticate(p.store, username, PASSWORD)


def _denials(store: Store) -> int:
    return len(recent_audit(store, action="denied", limit=10_000))


def _every_read(store: Store, viewer: Viewer, session_id: int, client_id: int) -> list[object]:
    """Each scoped read with a forged id: each must raise NotFoundError."""
    return [
        lambda: visible_session(store, viewer, session_id),
        lambda: visible_beats(store, viewer, session_id),
        lambda: visible_markers(store, viewer, session_id),
        lambda: visible_live(store, viewer, session_id),
        lambda: review_view(store, viewer, session_id),
        lambda: live_view(store, viewer, session_id),
        lambda: analyze_stored(store, viewer, session_id),
        lambda: visible_client(store, viewer, client_id),
        lambda: client_archive(store, viewer, client_id),
    ]


@pytest.mark.parametrize("who", ["dana", "sam"])
def test_forged_ids_of_another_clients_data_read_as_not_found_and_are_audited(
    practice: AttackPractice, who: str, caplog: pytest.LogCaptureFixture
) -> None:
    viewer = _as(practice, who)
    victim_session = practice.eli_sessions[0]
    missing = max(practice.dana_sessions + practice.eli_sessions) + 1000
    before = _denials(practice.store)
    with caplog.at_level(logging.INFO, logger="hrv_relax.audit"):
        for read in _every_read(practice.store, viewer, victim_session, practice.eli_client):
            with pytest.raises(NotFoundError) as denied:
                read()  # type: ignore[operator]
            assert ELI not in str(denied.value)
            # Worded exactly as for an id that does not exist: probing tells nothing.
            kind, ident = ("session", victim_session)
            if "client" in str(denied.value):
                kind, ident = ("client", practice.eli_client)
            assert str(denied.value) == f"no {kind} with id {ident}"
        with pytest.raises(NotFoundError) as really_missing:
            visible_session(practice.store, viewer, missing)
    assert str(really_missing.value) == f"no session with id {missing}"
    assert _denials(practice.store) - before == 9
    assert f"{who} denied session {victim_session}" in caplog.text
    # The viewer's own data is still there.
    own = practice.dana_sessions[0]
    assert visible_session(practice.store, viewer, own).client_name == DANA
    assert len(visible_beats(practice.store, viewer, own)) > 100


@pytest.mark.parametrize("who", ["dana", "sam"])
def test_lists_and_summaries_hold_only_the_viewers_clients(
    practice: AttackPractice, who: str
) -> None:
    viewer = _as(practice, who)
    store = practice.store
    assert [c.name for c in visible_clients(store, viewer)] == [DANA]
    assert {s.client_name for s in visible_sessions(store, viewer)} == {DANA}
    # Asking for Eli by id or by name gives nothing rather than an error with details.
    assert visible_sessions(store, viewer, client_id=practice.eli_client) == []
    assert find_visible_client(store, viewer, ELI) is None
    assert session_summaries(store, viewer, client_ids=[practice.eli_client]) == []
    assert stale_count(store, viewer, [practice.eli_client]) == 0
    everyone = session_summaries(store, viewer)
    assert {s.client_name for s in everyone} == {DANA} and len(everyone) == 2
    clinic = history_view(store, viewer, HistoryFilters(client_ids=(practice.eli_client,)))
    assert clinic.points == ()


def test_admin_and_the_local_operator_see_everyone(practice: AttackPractice) -> None:
    for viewer in (_as(practice, "admin"), SYSTEM):
        names = {c.name for c in visible_clients(practice.store, viewer)}
        assert names == {DANA, ELI}
        assert len(visible_sessions(practice.store, viewer)) == 4


def test_sharing_is_an_admin_setting_that_opens_and_closes_other_therapists_clients(
    practice: AttackPractice,
) -> None:
    sam, dana = _as(practice, "sam"), _as(practice, "dana")
    eli_session = practice.eli_sessions[0]
    with pytest.raises(AccessDeniedError):
        set_therapists_share(practice.store, sam, True)
    set_therapists_share(practice.store, _as(practice, "admin"), True)
    assert visible_session(practice.store, sam, eli_session).client_name == ELI
    with pytest.raises(NotFoundError):  # sharing is between therapists, never clients
        visible_session(practice.store, dana, eli_session)
    set_therapists_share(practice.store, SYSTEM, False)
    with pytest.raises(NotFoundError):
        visible_session(practice.store, sam, eli_session)


def test_a_client_login_is_read_only(practice: AttackPractice) -> None:
    dana = _as(practice, "dana")
    own = practice.dana_sessions[0]
    with pytest.raises(AccessDeniedError, match="can only read"):
        mark_session(practice.store, dana, own, "note", "I was here")
    with pytest.raises(AccessDeniedError):
        stop_session(practice.store, dana, own)
    with pytest.raises(AccessDeniedError):
        import_recording(practice.store, dana, RR_FILE, client=practice.dana_client)
    with pytest.raises(AccessDeniedError):
        client_for_recording(practice.store, dana, "Someone New")
    assert len(list_sessions(practice.store)) == 4


def test_a_therapist_cannot_write_to_or_import_for_another_therapists_client(
    practice: AttackPractice,
) -> None:
    sam = _as(practice, "sam")
    with pytest.raises(NotFoundError):
        mark_session(practice.store, sam, practice.eli_sessions[0], "note", "x")
    with pytest.raises(NotFoundError):
        import_recording(practice.store, sam, RR_FILE, client=practice.eli_client)
    new = client_for_recording(practice.store, sam, "Fresh Client")
    assert new.therapist_id == sam.user_id  # a therapist's new client is theirs
    with pytest.raises(NotFoundError, match=f"no client numbered #{practice.eli_client}"):
        client_for_recording(practice.store, sam, f"#{practice.eli_client}")


def test_a_name_another_therapists_client_has_is_a_new_client_and_says_nothing(
    practice: AttackPractice,
) -> None:
    sam = _as(practice, "sam")
    denials = _denials(practice.store)
    namesake = client_for_recording(practice.store, sam, ELI.upper())
    # The same answer as for a name nobody has: a new client of Sam's, and no refusal.
    assert namesake.id != practice.eli_client
    assert (namesake.name, namesake.therapist_id) == (ELI.upper(), sam.user_id)
    assert _denials(practice.store) == denials
    assert client_for_recording(practice.store, sam, ELI).id == namesake.id  # Sam's own now
    kim = _as(practice, "kim")
    assert [c.id for c in visible_clients(practice.store, kim)] == [practice.eli_client]
    assert client_for_recording(practice.store, kim, ELI).id == practice.eli_client
    # Whoever sees both is told the name is shared and how to name each.
    admin = _as(practice, "admin")
    with pytest.raises(AmbiguousClientError, match=f"#{practice.eli_client}, #{namesake.id}"):
        client_for_recording(practice.store, admin, ELI)
    assert client_for_recording(practice.store, admin, f"#{namesake.id}").id == namesake.id
    set_therapists_share(practice.store, admin, True)
    assert client_for_recording(practice.store, sam, ELI).id == namesake.id  # own first


def test_a_therapist_or_client_cannot_manage_accounts_or_delete(practice: AttackPractice) -> None:
    for who in ("sam", "dana"):
        viewer = _as(practice, who)
        for attempt in (
            lambda v=viewer: list_users(practice.store, v),
            lambda v=viewer: create_user(
                practice.store, v, "mallory", role="admin", password_hash="x"
            ),
            lambda v=viewer: set_active(practice.store, v, "admin", False),
            lambda v=viewer: set_password_hash(practice.store, v, "admin", "x"),
            lambda v=viewer: delete_client(practice.store, v, practice.eli_client),
        ):
            with pytest.raises(AccessDeniedError, match="only an admin"):
                attempt()
    assert find_user(practice.store, "mallory") is None
    assert len(list_sessions(practice.store, client_id=practice.eli_client)) == 2


def test_deleting_a_client_removes_every_trace_and_is_audited_without_the_name(
    practice: AttackPractice,
) -> None:
    store = practice.store
    gone = delete_client(store, _as(practice, "admin"), practice.eli_client)
    assert gone.name == ELI and gone.n_sessions == 2 and gone.n_beats > 1000
    assert list_sessions(store, client_id=practice.eli_client) == []
    assert find_user(store, "eli") is None  # their login is gone with them
    with store.read() as conn:
        for table in (
            schema.beats,
            schema.markers,
            schema.session_summaries,
            schema.session_live,
        ):
            rows = conn.execute(
                select(func.count())
                .select_from(table)
                .where(table.c.session_id.in_(practice.eli_sessions))
            ).scalar()
            assert rows == 0, table.name
    (entry,) = recent_audit(store, action="client_deleted")
    assert entry.username == "admin" and ELI not in entry.target + entry.detail
    with pytest.raises(NotFoundError):
        delete_client(store, SYSTEM, practice.eli_client)


@pytest.mark.parametrize(
    ("username", "password"),
    [
        ("dana", "wrong password!"),
        ("nobody-here", PASSWORD),  # unknown name: the same answer
        ("dana", "x" * 5000),  # too long: refused before any hashing
        ("d" * 10_000, PASSWORD),
        ("' OR 1=1 --", "' OR '1'='1"),
        ("dana\x00admin", PASSWORD),
        ("ダナ 🫀", "пароль\u202e"),
        ("dana ", PASSWORD.upper()),
    ],
)
def test_wrong_logins_all_read_the_same_and_leak_nothing(
    practice: AttackPractice, username: str, password: str
) -> None:
    with pytest.raises(LoginError) as failed:
        authenticate(practice.store, username, password)
    assert str(failed.value) == WRONG


def test_empty_fields_ask_for_both(practice: AttackPractice) -> None:
    for username, password in (("", ""), ("dana", ""), ("", PASSWORD), ("   ", PASSWORD)):
        with pytest.raises(LoginError, match="Enter your user name and password"):
            authenticate(practice.store, username, password)


def test_a_disabled_account_cannot_log_in_and_its_open_sessions_end(
    practice: AttackPractice,
) -> None:
    dana = _as(practice, "dana")
    set_active(practice.store, SYSTEM, "dana", False)
    with pytest.raises(LoginError) as failed:
        authenticate(practice.store, "dana", PASSWORD)
    assert str(failed.value) == WRONG  # not "disabled": that would confirm the name
    assert dana.user_id is not None and refresh_viewer(practice.store, dana.user_id) is None


@pytest.mark.parametrize("username", ["dana", "nobody-here"])
def test_lockout_after_repeated_failures_survives_a_restart_then_expires(
    practice: AttackPractice, any_db_url: str, username: str
) -> None:
    for _ in range(DEFAULT_POLICY.max_failures):
        with pytest.raises(LoginError):
            authenticate(practice.store, username, "guess-guess-guess", now=NOW)
    restarted = open_store(any_db_url)  # another dashboard process, or after a restart
    try:
        with pytest.raises(LockedOut, match="Too many failed attempts") as locked:
            authenticate(restarted, username, PASSWORD, now=NOW + dt.timedelta(minutes=1))
        assert "exist" not in str(locked.value)
        later = NOW + dt.timedelta(seconds=DEFAULT_POLICY.lockout_s + 1)
        if username == "dana":
            assert authenticate(restarted, username, PASSWORD, now=later).username == "dana"
        else:
            with pytest.raises(LoginError) as failed:
                authenticate(restarted, username, PASSWORD, now=later)
            assert str(failed.value) == WRONG
    finally:
        restarted.close()
    audit = {e.action for e in recent_audit(practice.store)}
    assert "login_failed" in audit


def test_a_password_reset_lifts_a_lockout(practice: AttackPractice) -> None:
    for _ in range(DEFAULT_POLICY.max_failures):
        with pytest.raises(LoginError):
            authenticate(practice.store, "sam", "guess-guess-guess")
    with pytest.raises(LockedOut):
        authenticate(practice.store, "sam", PASSWORD)
    set_password_hash(practice.store, SYSTEM, "sam", hash_password("a brand new secret"))
    assert authenticate(practice.store, "sam", "a brand new secret").username == "sam"


def test_passwords_are_stored_only_as_argon2id_hashes(practice: AttackPractice) -> None:
    with practice.store.read() as conn:
        hashes = list(conn.execute(select(schema.users.c.password_hash)).scalars())
    assert hashes and all(h.startswith("$argon2id$") for h in hashes)
    assert not any(PASSWORD in h for h in hashes)
