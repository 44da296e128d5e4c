"""Attacks on the dashboard (AppTest): signed out, as a client, as another therapist.

Every route is tried: each page's address, query parameters, switching to pages outside the
role, edited session state (a forged or altered sign-in ticket, a forged widget value), and the
sign-in form with wrong, empty, long and odd input. Nothing of Eli's may appear anywhere.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import update
from streamlit.testing.v1 import AppTest

from hrv_relax.auth.login import WRONG
from hrv_relax.auth.throttle import DEFAULT_POLICY
from hrv_relax.store import find_user, open_store
from hrv_relax.store.audit import recent_audit
from hrv_relax.store.clock import utcnow
from hrv_relax.store.schema import sign_ins
from tests.support.accounts import APP, PASSWORD, sign_in
from tests.support.attack_practice import DANA, ELI, AttackPractice, make_attack_practice

TIMEOUT_S = 60
PAGES = (
    "screens/live.py",
    "screens/sessions.py",
    "screens/review.py",
    "screens/history.py",
    "screens/import_recording.py",
    "screens/admin.py",
)


@pytest.fixture(scope="module")
def practice(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, AttackPractice]]:
    db = tmp_path_factory.mktemp("attack") / "attack.db"
    p = make_attack_practice(open_store(db))
    yield db, p
    p.store.close()


@pytest.fixture
def db(practice: tuple[Path, AttackPractice], monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("HRV_RELAX_DB", str(practice[0]))
    return practice[0]


def _app() -> AppTest:
    return AppTest.from_file(APP, default_timeout=TIMEOUT_S)


def _everything(at: AppTest) -> str:
    """Every text the page shows (titles, markdown, captions, messages, tables, options)."""
    parts: list[str] = []
    for kind in (
        "title",
        "header",
        "subheader",
        "markdown",
        "caption",
        "info",
        "warning",
        "error",
        "success",
        "toast",
    ):
        parts.extend(str(e.value) for e in getattr(at, kind))
    for frame in at.dataframe:
        parts.append(frame.value.to_string())
    for box in [*at.selectbox, *at.multiselect]:
        parts.extend(str(o) for o in box.options)  # as shown: the formatted labels
    return "\n".join(parts)


def _no_eli(at: AppTest) -> None:
    assert not at.exception, at.exception
    text = _everything(at)
    assert ELI not in text and "Target" not in text
    assert "Traceback" not in text


def _signed_in_as(username: str) -> AppTest:
    at = sign_in(_app().run(), username)
    assert not at.exception
    assert at.title[0].value != "Sign in", _everything(at)
    return at


@pytest.mark.parametrize("page", PAGES)
def test_signed_out_no_page_is_even_registered(db: Path, page: str) -> None:
    at = _app().run()
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page(page)


def test_signed_out_a_review_link_shows_nothing_of_the_session(
    db: Path, practice: tuple[Path, AttackPractice]
) -> None:
    at = _app()
    at.query_params["session"] = str(practice[1].eli_sessions[0])
    at.run()
    assert [t.value for t in at.title] == ["Sign in"]
    _no_eli(at)
    assert DANA not in _everything(at)
    assert not at.dataframe and not at.get("plotly_chart") and not at.get("download_button")


def test_a_client_sees_only_their_own_history_sessions_and_reviews(
    db: Path, practice: tuple[Path, AttackPractice]
) -> None:
    at = _signed_in_as("dana")
    assert at.title[0].value == "Your history"
    assert not at.selectbox and not at.multiselect and not at.date_input  # no staff filters
    assert any("All your data (zip)" in b.label for b in at.get("download_button"))  # type: ignore[attr-defined]
    _no_eli(at)
    at.switch_page("screens/sessions.py").run()
    assert set(at.dataframe[0].value["Client"]) == {DANA}
    _no_eli(at)


def test_a_client_cannot_reach_another_clients_session_by_query_parameter(
    db: Path, practice: tuple[Path, AttackPractice]
) -> None:
    p = practice[1]
    before = len(recent_audit(p.store, action="denied", limit=10_000))
    at = _signed_in_as("dana")
    at.switch_page("screens/review.py").run()  # (switching pages clears the query parameters)
    for forged in (str(p.eli_sessions[0]), str(p.eli_sessions[-1]), "-1", "1 OR 1=1", "9" * 40):
        at.query_params["session"] = forged
        at.run()
        assert at.title[0].value == "Session review"
        assert any("was not found among your finished sessions" in w.value for w in at.warning)
        assert at.selectbox(key="review_session").value in p.dana_sessions
        _no_eli(at)
    after = len(recent_audit(p.store, action="denied", limit=10_000))
    assert after - before >= 2  # each probe of a real session of Eli's is audited


@pytest.mark.parametrize(
    "page", ["screens/live.py", "screens/import_recording.py", "screens/admin.py"]
)
def test_a_clients_navigation_has_no_staff_pages(db: Path, page: str) -> None:
    at = _signed_in_as("dana")
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page(page)
    _no_eli(at)


def test_a_forged_widget_value_reaches_no_other_client(
    db: Path, practice: tuple[Path, AttackPractice]
) -> None:
    p = practice[1]
    at = _signed_in_as("dana")
    # Set before each page builds its widget (as a crafted widget message would arrive).
    at.switch_page("screens/sessions.py").run()
    at.session_state["history_client"] = p.eli_client
    at.switch_page("screens/history.py").run()
    _no_eli(at)
    # A client's history has no client picker: the forged value is never read.
    assert not at.selectbox
    assert any(m.value.startswith("You have had") for m in at.markdown)
    at.switch_page("screens/sessions.py").run()
    at.session_state["review_session"] = p.eli_sessions[0]
    at.switch_page("screens/review.py").run()
    _no_eli(at)
    assert at.session_state["review_session"] in p.dana_sessions


def test_session_state_carries_no_sign_in(db: Path, practice: tuple[Path, AttackPractice]) -> None:
    """Only the database's record for this browser signs in: nothing in session state does."""
    p = practice[1]
    at = _signed_in_as("dana")
    dana_sign_in = at.session_state["sign_in_id"]
    admin = _signed_in_as("admin")
    admin_sign_in = admin.session_state["sign_in_id"]
    forgeries: list[object] = [admin_sign_in, str(admin_sign_in), {"user_id": 1}, None]
    for forged in forgeries:
        at.session_state["sign_in_id"] = forged
        at.session_state["auth_ticket"] = forged  # the old ticket's key means nothing either
        at.run()
        _no_eli(at)
        assert "Accounts and privacy" not in _everything(at)
    # A browser that never signed in, handed another's sign-in id, is still signed out.
    stranger = _app().run()
    stranger.session_state["sign_in_id"] = dana_sign_in
    stranger.run()
    assert [t.value for t in stranger.title] == ["Sign in"]
    assert DANA not in _everything(stranger)
    assert find_user(p.store, "dana") is not None


def test_a_session_idle_too_long_is_signed_out(
    db: Path, practice: tuple[Path, AttackPractice]
) -> None:
    at = _signed_in_as("dana")
    with practice[1].store.write() as conn:
        conn.execute(
            update(sign_ins)
            .where(sign_ins.c.id == at.session_state["sign_in_id"])
            .values(last_active_at=utcnow() - dt.timedelta(minutes=31))
        )
    at.run()
    assert [t.value for t in at.title] in (["Sign in"], [])
    assert [t.value for t in at.title] == ["Sign in"] or "Please sign in" in at.warning[0].value
    assert "without activity" in at.session_state["auth_notice"]
    assert DANA not in _everything(at)


def test_sign_out_ends_the_session(db: Path) -> None:
    at = _signed_in_as("sam")
    at.button(key="sign_out").click().run()
    assert [t.value for t in at.title] == ["Sign in"]
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page("screens/history.py")
    at.run()
    assert [t.value for t in at.title] == ["Sign in"]
    assert DANA not in _everything(at)


def test_a_therapist_sees_only_their_clients(
    db: Path, practice: tuple[Path, AttackPractice]
) -> None:
    p = practice[1]
    at = _signed_in_as("sam")
    assert at.title[0].value == "Live session"
    _no_eli(at)
    for page in ("screens/sessions.py", "screens/history.py", "screens/import_recording.py"):
        at.switch_page(page).run()
        _no_eli(at)
    at.switch_page("screens/review.py").run()
    at.query_params["session"] = str(p.eli_sessions[0])
    at.run()
    assert any("not found" in w.value for w in at.warning)
    _no_eli(at)
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page("screens/admin.py")  # not an admin: the page is not in their navigation


@pytest.mark.parametrize(
    ("username", "password", "message"),
    [
        ("dana", "not her password", WRONG),
        ("no-such-user", PASSWORD, WRONG),
        ("", "", "Enter your user name and password."),
        ("dana", "", "Enter your user name and password."),
        ("x" * 64, "y" * 1024, WRONG),
        ("<script>alert(1)</script>", "' OR '1'='1' --", WRONG),
        ("émilie\u202e", "🫀" * 20, WRONG),
    ],
)
def test_the_sign_in_form_refuses_wrong_empty_long_and_odd_input(
    db: Path, username: str, password: str, message: str
) -> None:
    at = sign_in(_app().run(), username, password)
    assert not at.exception
    assert [e.value for e in at.error] == [message]
    assert [t.value for t in at.title] == ["Sign in"]
    assert "Traceback" not in _everything(at) and "argon2" not in _everything(at).lower()


def test_lockout_after_repeated_failures_even_with_the_right_password(db: Path) -> None:
    at = _app().run()
    for _ in range(DEFAULT_POLICY.max_failures):
        at = sign_in(at, "kim", "wrong wrong wrong")
        assert [e.value for e in at.error] == [WRONG]
    at = sign_in(at, "kim", PASSWORD)
    assert [t.value for t in at.title] == ["Sign in"]
    (error,) = at.error
    assert "Too many failed attempts" in error.value and "Try again in 15 minutes" in error.value
    # A fresh browser session (or another dashboard process) is locked out the same.
    again = sign_in(_app().run(), "kim", PASSWORD)
    assert "Too many failed attempts" in again.error[0].value
