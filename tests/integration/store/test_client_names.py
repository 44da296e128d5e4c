"""Client names are unique per therapist, on both backends, and `#N` names one exactly."""

from __future__ import annotations

import datetime as dt

import pytest
from alembic import command
from sqlalchemy import text

from hrv_relax.errors import AmbiguousClientError, InvalidInputError, NotFoundError, StoreError
from hrv_relax.records import SYSTEM
from hrv_relax.store import Store, add_client, find_client, get_or_add_client, open_store
from hrv_relax.store.accounts import assign_therapist
from hrv_relax.store.engine import alembic_config
from hrv_relax.store.schema import clients
from tests.support.accounts import account


def test_two_therapists_may_each_have_a_client_of_one_name(any_store: Store) -> None:
    ana = account(any_store, "ana", "therapist")
    ben = account(any_store, "ben", "therapist")
    first = add_client(any_store, "Alex Smith", therapist_id=ana.id)
    second = add_client(any_store, "  alex   SMITH ", therapist_id=ben.id)
    assert first.id != second.id
    with pytest.raises(InvalidInputError, match="exists already"):
        add_client(any_store, "ALEX smith", therapist_id=ana.id)
    unassigned = add_client(any_store, "Alex Smith")
    with pytest.raises(InvalidInputError, match="exists already"):
        add_client(any_store, "alex smith")  # among the clients assigned to nobody too
    with pytest.raises(AmbiguousClientError, match=rf"3 clients .* #{unassigned.id}"):
        find_client(any_store, "Alex Smith")
    assert find_client(any_store, f"#{second.id}") == second
    assert find_client(any_store, "#99999") is None
    assert get_or_add_client(any_store, "Alex Smith", therapist_id=ben.id) == second


def test_the_database_itself_refuses_a_second_name_for_one_therapist(any_store: Store) -> None:
    # Two writers racing past the check meet the unique index.
    ana = account(any_store, "ana", "therapist")
    add_client(any_store, "Alex", therapist_id=ana.id)
    now = dt.datetime.now(dt.UTC)
    with any_store.write() as conn:
        conn.execute(clients.insert().values(name="Alex", name_key="alex", created_at=now))
    with (
        pytest.raises(StoreError, match="uq_clients_therapist_name"),
        any_store.write() as conn,
    ):
        conn.execute(
            clients.insert().values(
                name="ALEX", name_key="alex", therapist_id=ana.id, created_at=now
            )
        )
    with (
        pytest.raises(StoreError, match="uq_clients_therapist_name"),
        any_store.write() as conn,
    ):
        conn.execute(clients.insert().values(name="alex", name_key="alex", created_at=now))


def test_a_client_name_that_is_a_number_is_refused(any_store: Store) -> None:
    with pytest.raises(InvalidInputError, match="names client number 12"):
        add_client(any_store, "#12")
    with pytest.raises(NotFoundError, match="no client numbered #12"):
        get_or_add_client(any_store, "#12")
    assert add_client(any_store, "#1 fan").name == "#1 fan"


def test_moving_a_client_to_a_therapist_with_a_namesake_is_refused(any_store: Store) -> None:
    ana = account(any_store, "ana", "therapist")
    ben = account(any_store, "ben", "therapist")
    add_client(any_store, "Alex", therapist_id=ana.id)
    moving = add_client(any_store, "alex")
    with pytest.raises(InvalidInputError, match="has a client named 'alex' already"):
        assign_therapist(any_store, SYSTEM, f"#{moving.id}", "ana")
    assign_therapist(any_store, SYSTEM, f"#{moving.id}", "ben")
    moved = find_client(any_store, f"#{moving.id}")
    assert moved is not None and moved.therapist_id == ben.id


def test_an_existing_database_upgrades_with_its_clients(any_db_url: str) -> None:
    """A practice-wide-unique database (revision 0004) gains name keys, folded as the code does."""
    bare = open_store(any_db_url, migrate=False)
    config = alembic_config(bare)
    with bare.engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "0004")
        for name in ("Émilie Durand", "Jo  Bloggs", "STRASSE"):
            conn.execute(
                text(
                    "INSERT INTO clients (name, notes, is_demo, created_at) "
                    "VALUES (:name, '', false, CURRENT_TIMESTAMP)"
                ),
                {"name": name},
            )
    bare.close()
    store = open_store(any_db_url)
    try:
        assert find_client(store, "émilie durand") is not None  # non-ASCII case folded
        assert find_client(store, "jo bloggs") is not None
        assert find_client(store, "straße") is not None  # ß folds to ss
        ana = account(store, "ana", "therapist")
        assert add_client(store, "Émilie Durand", therapist_id=ana.id).therapist_id == ana.id
        with pytest.raises(InvalidInputError, match="exists already"):
            add_client(store, "ÉMILIE DURAND")
    finally:
        store.close()
