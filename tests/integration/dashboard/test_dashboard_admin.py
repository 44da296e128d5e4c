"""The admin page (AppTest): deleting a client needs their name typed; sharing is a switch; the
demo's accounts sign in with the printed password."""

from __future__ import annotations

from pathlib import Path

import pytest

from hrv_relax.auth.login import authenticate
from hrv_relax.dashboard.server import demo_credentials
from hrv_relax.demo.practice import DEMO_ACCOUNTS, DEMO_CLIENTS, DEMO_PASSWORD, ensure_demo_accounts
from hrv_relax.store import add_client, find_client, find_user, list_sessions, open_store
from hrv_relax.store.accounts import demo_only, therapists_share
from hrv_relax.store.audit import recent_audit
from hrv_relax.store.settings import clinic_name
from hrv_relax.views.local_time import ClinicClock
from tests.support.accounts import account, signed_in_app
from tests.support.attack_practice import DANA, ELI, make_attack_practice


def test_clients_sharing_a_name_are_told_apart_by_number_in_the_pickers(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HRV_RELAX_DB", str(db_path))
    store = open_store(db_path)
    practice = make_attack_practice(store, n_sessions=1)
    namesake = add_client(store, ELI.lower())  # another therapist's, or nobody's, "Eli Target"
    at = signed_in_app(store, "admin")
    at.switch_page("screens/admin.py").run()
    form = next(s for s in at.selectbox if s.label == "Client to delete")
    kim = find_user(store, "kim")
    assert kim is not None
    assert f"{ELI} (#{practice.eli_client} · {kim.display_name})" in form.options
    assert f"{ELI.lower()} (#{namesake.id} · no therapist)" in form.options
    assert DANA in form.options  # a name only one client has: no number
    form.select(namesake.id)
    next(t for t in at.text_input if t.label.startswith("Type the client")).input(ELI.lower())
    next(b for b in at.button if b.label == "Delete for good").click().run()
    assert not at.exception
    assert find_client(store, ELI) is not None and find_client(store, f"#{namesake.id}") is None
    at.switch_page("screens/live.py").run()
    assert not at.exception
    assert ELI in at.selectbox(key="start_client").options  # one of the name left: no number


def test_deleting_a_client_from_the_admin_page_needs_the_name_typed(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HRV_RELAX_DB", str(db_path))
    store = open_store(db_path)
    practice = make_attack_practice(store, n_sessions=1)
    at = signed_in_app(store, "admin")
    at.switch_page("screens/admin.py").run()
    assert not at.exception and at.title[0].value == "Accounts and privacy"
    form = next(s for s in at.selectbox if s.label == "Client to delete")
    form.select(ELI)
    next(t for t in at.text_input if t.label.startswith("Type the client")).input("Eli")
    next(b for b in at.button if b.label == "Delete for good").click().run()
    assert any("Nothing was deleted" in e.value for e in at.error)
    assert find_client(store, ELI) is not None
    form = next(s for s in at.selectbox if s.label == "Client to delete")
    form.select(ELI)
    next(t for t in at.text_input if t.label.startswith("Type the client")).input(ELI)
    next(b for b in at.button if b.label == "Delete for good").click().run()
    assert not at.exception
    assert find_client(store, ELI) is None
    assert list_sessions(store, client_id=practice.eli_client) == []
    assert find_client(store, DANA) is not None
    assert [e.action for e in recent_audit(store, action="client_deleted")] == ["client_deleted"]
    at.toggle(key="share_clients").set_value(True).run()
    assert therapists_share(store)


def test_a_therapist_has_no_admin_page(db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HRV_RELAX_DB", str(db_path))
    store = open_store(db_path)
    make_attack_practice(store, n_sessions=1)
    at = signed_in_app(store, "sam")
    assert [t.value for t in at.title] == ["Live session"]
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page("screens/admin.py")


def test_demo_accounts_sign_in_with_the_printed_password(db_path: Path) -> None:
    store = open_store(db_path)
    for name, _, _ in DEMO_CLIENTS:
        add_client(store, name, is_demo=True)
    ensure_demo_accounts(store)
    printed = demo_credentials()
    for username, role, _, _ in DEMO_ACCOUNTS:
        assert username in printed
        assert authenticate(store, username, DEMO_PASSWORD).role == role
    assert DEMO_PASSWORD in printed
    assert demo_only(store)
    account(store, "real-admin", "admin")  # a real account: this is no demo database any more
    assert not demo_only(store)


def test_the_practice_name_and_time_zone_are_set_on_the_admin_page(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HRV_RELAX_DB", str(db_path))
    monkeypatch.delenv("HRV_RELAX_TIMEZONE", raising=False)
    store = open_store(db_path)
    at = signed_in_app(store, "admin")
    at.switch_page("screens/admin.py").run()
    next(t for t in at.text_input if t.label.startswith("Clinic name")).input("Harbour Massage")
    next(s for s in at.selectbox if s.label.startswith("Time zone")).select("Europe/Lisbon")
    next(b for b in at.button if b.label == "Save").click().run()
    assert not at.exception and not at.error
    assert clinic_name(store) == "Harbour Massage"
    assert ClinicClock.for_store(store).name == "Europe/Lisbon"
    assert "When (Europe/Lisbon)" in at.dataframe[-1].value.columns
    assert {e.target for e in recent_audit(store, action="setting_changed")} >= {
        "clinic_name",
        "time_zone",
    }
