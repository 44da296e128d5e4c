"""AppTest of the import page: the file's date is shown and confirmed; a dateless file needs one."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from hrv_relax.dashboard.client_picker import NEW_CLIENT
from hrv_relax.dashboard.literal import literal
from hrv_relax.store import find_client, get_session, list_sessions, open_store
from tests.conftest import reference
from tests.support.accounts import signed_in_app

TIMEOUT_S = 60
RR_TEXT = "".join(f"{800 + 30 * (i % 4)}\n" for i in range(400)).encode()


@pytest.fixture
def app(db_path: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.setenv("HRV_RELAX_DB", str(db_path))
    monkeypatch.setenv("HRV_RELAX_TIMEZONE", "Europe/Berlin")
    at = signed_in_app(open_store(db_path), timeout_s=TIMEOUT_S)
    at.run()
    at.switch_page("screens/import_recording.py").run()
    at.selectbox(key="import_client").select(NEW_CLIENT).run()
    at.text_input(key="import_new_client").input("Ivy Import").run()
    return at


def _upload(at: AppTest, name: str, data: bytes) -> None:
    at.file_uploader(key="import_file").upload(name, data).run()
    assert not at.exception


def test_a_files_date_is_shown_prefilled_and_can_be_changed(app: AppTest, db_path: Path) -> None:
    _upload(app, "run.fit", reference("garmin_fit", "garmin-fenix-5-run.fit").read_bytes())
    assert not app.error
    shown = app.info[0].value
    assert "The file says it was recorded on" in shown and "2017" in shown
    day, hour = app.date_input[0], app.time_input[0]
    assert day.value is not None and day.value.year == 2017 and hour.value is not None
    assert hour.label == "Started at (Europe/Berlin)"
    assert not app.button(key="import_go").disabled
    # The device's clock was wrong: the therapist sets the real day.
    day.set_value(dt.date(2026, 11, 2)).run()
    hour = app.time_input[0]
    hour.set_value(dt.time(9, 15)).run()
    app.button(key="import_go").click().run()
    assert not app.exception and not app.error, [e.value for e in app.error]
    done = app.success[0].value
    assert ", recorded 2 Nov" in done and done.endswith(" 09:15.")
    store = open_store(db_path)
    client = find_client(store, "Ivy Import")
    assert client is not None
    (session,) = list_sessions(store, client_id=client.id)
    # 09:15 in Berlin in November (CET, UTC+1) is 08:15 UTC.
    assert get_session(store, session.id).started_at == dt.datetime(
        2026, 11, 2, 8, 15, tzinfo=dt.UTC
    )


def test_a_file_without_a_date_needs_one_before_it_can_be_imported(
    app: AppTest, db_path: Path
) -> None:
    _upload(app, "elite.txt", RR_TEXT)
    assert "This file records no date" in app.warning[0].value
    assert app.date_input[0].value is None and app.time_input[0].value is None
    assert app.button(key="import_go").disabled  # nothing is stamped "now" by default
    assert find_client(open_store(db_path), "Ivy Import") is None
    app.date_input[0].set_value(dt.date(2026, 7, 14)).run()
    assert app.button(key="import_go").disabled  # the time too
    app.time_input[0].set_value(dt.time(18, 40)).run()
    app.button(key="import_go").click().run()
    assert not app.exception and not app.error
    store = open_store(db_path)
    client = find_client(store, "Ivy Import")
    assert client is not None
    (session,) = list_sessions(store, client_id=client.id)
    # Summer time: 18:40 CEST is 16:40 UTC.
    assert session.started_at == dt.datetime(2026, 7, 14, 16, 40, tzinfo=dt.UTC)


def test_an_unreadable_file_says_so_before_import(app: AppTest) -> None:
    _upload(app, "broken.txt", b"812\n790\n-4\n")
    assert literal("line 3: RR interval -4 ms is not positive") in app.error[0].value
    assert app.button(key="import_go").disabled
