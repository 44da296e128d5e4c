"""Behind a reverse proxy the clinic trusts, the sign-in limit counts browsers, not the proxy.

Served as `hrv-relax dashboard` serves it, with `HRV_RELAX_TRUSTED_PROXIES` naming a proxy
at 127.0.0.2 (to the server another computer than itself): the test client connects from
there and adds X-Forwarded-For as nginx or Caddy do. Before, every browser behind a proxy on
another computer was one "client", so ten failures by anyone locked out everyone there.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from hrv_relax.store import open_store
from hrv_relax.store.schema import login_attempts
from tests.support.accounts import PASSWORD
from tests.support.attack_practice import make_attack_practice
from tests.support.browser import free_port, served
from tests.support.streamlit_wire import page_cookies, wire

pytestmark = [pytest.mark.slow]

ATTACKER, THERAPIST = "203.0.113.5", "198.51.100.7"
PROXY, STRANGER = "127.0.0.2", "127.0.0.3"  # a trusted proxy; a computer that is none


@pytest.fixture(scope="module")
def proxied(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    db = tmp_path_factory.mktemp("proxied") / "practice.db"
    practice = make_attack_practice(open_store(db), n_sessions=1)
    argv = ["--db", str(db), "dashboard", "--no-browser", "--port", str(free_port())]
    env = {"HRV_RELAX_TRUSTED_PROXIES": PROXY}
    with served(argv, env, timeout_s=120) as url:
        yield url, db
    practice.store.close()


def _sign_in(
    url: str,
    forwarded_for: str,
    username: str,
    password: str,
    source: str = PROXY,
    *,
    refused: bool | None = None,
) -> bytes:
    cookies = page_cookies(url)
    with wire(url, cookies=cookies, forwarded_for=forwarded_for, source=source) as w:
        w.rerun()
        w.until("script_finished")
        w.sign_in(username, password, refused=password != PASSWORD if refused is None else refused)
        return w.shown()


def test_one_browser_locked_out_behind_the_proxy_locks_out_only_itself(
    proxied: tuple[str, Path],
) -> None:
    url, db = proxied
    for i in range(10):  # the per-address limit, each on another name
        shown = _sign_in(url, f"10.9.9.9, {ATTACKER}", f"name{i}", "wrong password here")
        assert b"Signed in as" not in shown
    assert b"Too many failed sign-ins from this computer" in _sign_in(
        url, ATTACKER, "name99", "wrong password here"
    )
    # Another browser behind the same proxy signs in; what the first put in front of its
    # address (10.9.9.9) was not believed: the proxy appends the address it saw.
    assert b"Signed in as" in _sign_in(url, THERAPIST, "sam", PASSWORD)
    store = open_store(db)
    with store.read() as conn:
        clients = set(conn.execute(select(login_attempts.c.client)).scalars())
    store.close()
    assert clients == {ATTACKER, THERAPIST}


def test_a_computer_that_is_no_trusted_proxy_cannot_name_its_own_address(
    proxied: tuple[str, Path],
) -> None:
    url, _ = proxied
    for i in range(10):  # a fresh "address" each time: not believed, all are 127.0.0.3
        _sign_in(url, f"192.0.2.{i}", f"other{i}", "wrong password here", source=STRANGER)
    shown = _sign_in(url, THERAPIST, "sam", PASSWORD, source=STRANGER, refused=True)
    assert b"Too many failed sign-ins from this computer" in shown
    assert b"Signed in as" not in shown
