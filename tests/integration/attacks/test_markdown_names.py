"""A display name is shown as typed: markdown in it never makes the browser fetch anything.

A display name "![x](https://attacker.test/p.png)" made every browser showing "Signed in as"
fetch that image from outside the clinic.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from hrv_relax.auth.passwords import hash_password
from hrv_relax.dashboard.literal import literal
from hrv_relax.records import SYSTEM
from hrv_relax.store import open_store
from hrv_relax.store.accounts import create_user
from tests.support.accounts import PASSWORD, signed_in_app

IMAGE = "![x](https://attacker.test/p.png)"


def test_markdown_in_a_display_name_is_shown_literally(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HRV_RELAX_DB", str(db_path))
    store = open_store(db_path)
    create_user(
        store, SYSTEM, "sam", role="therapist", password_hash=hash_password(PASSWORD),
        display_name=IMAGE,
    )  # fmt: skip
    at = signed_in_app(store, "sam", "therapist")
    captions = [c.value for c in at.caption if "Signed in as" in c.value]
    assert captions == [f"Signed in as **{literal(IMAGE)}** (therapist)"]
    assert "![" not in captions[0] and "](" not in captions[0]
    store.close()


def test_literal_escapes_every_markdown_sign() -> None:
    assert literal("[a](b) *c* _d_ `e` <f>") == r"\[a\]\(b\) \*c\* \_d\_ \`e\` \<f\>"


def test_markdown_in_a_client_name_is_literal_in_the_review_headline(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from hrv_relax.capture.importing import import_recording

    monkeypatch.setenv("HRV_RELAX_DB", str(db_path))
    store = open_store(db_path)
    data = "".join(f"{800 + 30 * (i % 4)}\n" for i in range(900)).encode()
    result = import_recording(
        store, SYSTEM, data, client=IMAGE, started_at=dt.datetime(2026, 11, 30, 9, tzinfo=dt.UTC)
    )
    at = signed_in_app(store)
    at.query_params["session"] = str(result.session_id)
    at.run()
    at.switch_page("screens/review.py").run()
    assert not at.exception
    headline = at.subheader[0].value
    assert literal(IMAGE) in headline and "![" not in headline
    store.close()


def test_markdown_in_a_note_or_an_error_is_literal_on_the_pages(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A note is listed on the live page, and errors quote what was typed or uploaded: neither
    may become an image (html.escape, used for notes before, leaves markdown as it is)."""
    from hrv_relax.capture.importing import import_recording
    from hrv_relax.store import add_marker

    monkeypatch.setenv("HRV_RELAX_DB", str(db_path))
    store = open_store(db_path)
    data = "".join(f"{800 + 30 * (i % 4)}\n" for i in range(900)).encode()
    result = import_recording(
        store, SYSTEM, data, client="Jo", started_at=dt.datetime(2026, 11, 30, 9, tzinfo=dt.UTC)
    )
    add_marker(store, result.session_id, "note", IMAGE, t_s=60.0)
    at = signed_in_app(store)
    at.selectbox(key="live_session").select(result.session_id).run()
    assert not at.exception
    shown = [m.value for m in at.markdown if "attacker" in m.value]
    assert shown == [f"**1:00** {literal(IMAGE)}"]
    at.switch_page("screens/import_recording.py").run()
    at.file_uploader(key="import_file").upload("rr.txt", f"800\n{IMAGE}\n".encode()).run()
    errors = [e.value for e in at.error]
    assert errors and all("attacker" in e and "![" not in e and "](" not in e for e in errors)
    store.close()
