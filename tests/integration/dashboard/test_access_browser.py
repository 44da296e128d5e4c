"""Attacks in a real browser: every address signed out, a client probing another client's session
by its link, downloading "all my data", and the admin's page. Screenshots of each."""

from __future__ import annotations

import io
import json
import time
import zipfile
from pathlib import Path
from typing import Any

import pytest

from hrv_relax.auth.login import WRONG
from hrv_relax.store import open_store
from tests.support.accounts import PASSWORD
from tests.support.attack_practice import DANA, ELI, make_attack_practice
from tests.support.browser import chromium_page, free_port, screenshot, served, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.slow]
WAIT_MS = 60_000


def _text(page: Any) -> str:
    return str(page.locator("body").inner_text())


def test_signed_out_addresses_and_a_client_probing_another_clients_session(
    tmp_path: Path,
) -> None:
    db = tmp_path / "attack.db"
    practice = make_attack_practice(open_store(db))
    eli_session = practice.eli_sessions[0]
    practice.store.close()
    argv = ["dashboard", "--no-browser", "--port", str(free_port())]
    with served(argv, {"HRV_RELAX_DB": str(db)}) as url, chromium_page() as page:
        for address in ("", "sessions", f"review?session={eli_session}", "history", "admin"):
            page.goto(f"{url}{address}")
            page.get_by_label("User name").wait_for(timeout=WAIT_MS)
            time.sleep(0.5)
            text = _text(page)
            assert "Sign in" in text and "Page not found" not in text, address
            assert DANA not in text and ELI not in text, address
        screenshot(page, "access-signed-out")

        sign_in(page, "dana", "not her password", accepted=False)
        page.get_by_text(WRONG).wait_for(timeout=WAIT_MS)
        screenshot(page, "access-wrong-password")

        # Eli's session by its link: after signing in, "not found", and nothing of Eli's.
        page.goto(f"{url}review?session={eli_session}")
        sign_in(page, "dana", PASSWORD)
        page.get_by_text("was not found among your finished sessions").wait_for(timeout=WAIT_MS)
        page.get_by_text("your heart rate was").first.wait_for(timeout=WAIT_MS)
        time.sleep(1)
        text = _text(page)
        assert ELI not in text
        # The review shows one of Dana's own sessions instead (its id is now in the address).
        assert page.url.rsplit("=", 1)[-1] in {str(i) for i in practice.dana_sessions}
        assert "Accounts and privacy" not in text and "Import" not in text
        screenshot(page, "access-client-probe")

        page.get_by_role("link", name="Your history").click()
        button = page.get_by_role("button", name="All your data (zip)")
        button.wait_for(timeout=WAIT_MS)
        with page.expect_download(timeout=WAIT_MS) as download:
            button.click()
        archive = zipfile.ZipFile(io.BytesIO(Path(download.value.path()).read_bytes()))
        about = json.loads(archive.read("client.json"))
        assert about["name"] == DANA
        assert {s["id"] for s in about["sessions"]} == set(practice.dana_sessions)
        assert not any(
            f"sessions/{i}/" in n for n in archive.namelist() for i in practice.eli_sessions
        )
        screenshot(page, "access-client-history")

    again = [*argv[:-1], str(free_port())]
    with served(again, {"HRV_RELAX_DB": str(db)}) as url, chromium_page() as page:
        page.goto(f"{url}admin")
        sign_in(page, "admin", PASSWORD)
        page.get_by_text("Delete a client and all their data").wait_for(timeout=WAIT_MS)
        page.get_by_text("Audit log").first.wait_for(timeout=WAIT_MS)
        time.sleep(1)
        screenshot(page, "access-admin")
