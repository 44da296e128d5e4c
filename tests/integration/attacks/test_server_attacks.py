"""Issue 14 §2-3 at the wire: a hostile client speaking Streamlit's websocket protocol
(`BackMsg` out, `ForwardMsg` in, tests/support/streamlit_wire.py) and raw HTTP, against a
dashboard served as `hrv-relax dashboard` serves it.
"""

from __future__ import annotations

import contextlib
import http.client
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from streamlit.proto.BackMsg_pb2 import BackMsg

from tests.integration.attacks.conftest import IDLE_MINUTES, Served
from tests.support.accounts import PASSWORD
from tests.support.attack_practice import DANA, make_attack_practice
from tests.support.browser import free_port, served
from tests.support.streamlit_wire import Wire, cookie_header, page_cookies, refused, wire

pytestmark = [pytest.mark.slow]

SIGNED_IN = b"Signed in as"


@contextmanager
def signed_in(url: str, username: str) -> Iterator[tuple[Wire, dict[str, str]]]:
    """A browser (its cookies and its websocket) signed in through the sign-in form."""
    cookies = page_cookies(url)
    with wire(url, cookies=cookies) as w:
        w.rerun()
        w.until("script_finished")
        w.sign_in(username, PASSWORD)
        assert SIGNED_IN in w.shown(), w.exceptions()
        yield w, cookies


def _page(w: Wire, page_name: str = "", query: str = "") -> bytes:
    w.messages.clear()
    msg = BackMsg()
    msg.rerun_script.page_name = page_name
    msg.rerun_script.query_string = query
    w.send(msg)
    w.until("script_finished")
    return w.shown()


def test_a_websocket_resuming_another_browsers_session_gets_a_signed_out_page(
    dashboard: Served,
) -> None:
    with signed_in(dashboard.url, "sam") as (victim, _):
        session_id = victim.session_id()
        # The session id is in every upload URL and in the log: the attacker presents it,
        # with no cookie, then with a browser cookie of its own.
        for cookies in (None, page_cookies(dashboard.url)):
            with wire(dashboard.url, cookies=cookies, resume=session_id) as attacker:
                attacker.rerun()
                attacker.until("script_finished")
                shown = attacker.shown()
                assert b"Sign in" in shown
                assert SIGNED_IN not in shown and DANA.encode() not in shown
                assert _page(attacker, "sessions").count(DANA.encode()) == 0


def test_an_anonymous_clear_cache_signs_nobody_out(dashboard: Served) -> None:
    with signed_in(dashboard.url, "sam") as (victim, _):
        for _ in range(3):
            with wire(dashboard.url) as attacker:
                msg = BackMsg()
                msg.clear_cache = True
                attacker.send(msg)
                time.sleep(0.5)
        assert SIGNED_IN in _page(victim, "sessions")
        assert DANA.encode() in victim.shown()


def _upload(url: str, path: str, cookies: dict[str, str], length: int, body: bytes) -> int:
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    try:
        conn.putrequest("PUT", path)
        boundary = "hrvboundary"
        conn.putheader("Content-Type", f"multipart/form-data; boundary={boundary}")
        conn.putheader("Content-Length", str(length))
        conn.putheader("Cookie", cookie_header(cookies))
        conn.putheader("X-Xsrftoken", cookies.get("_streamlit_xsrf", ""))
        conn.endheaders()
        with contextlib.suppress(OSError):  # refused before the body was read
            conn.send(body)
        return conn.getresponse().status
    finally:
        conn.close()


def _multipart(data: bytes) -> bytes:
    return (
        b"--hrvboundary\r\n"
        b'Content-Disposition: form-data; name="file"; filename="rr.txt"\r\n'
        b"Content-Type: text/plain\r\n\r\n" + data + b"\r\n--hrvboundary--\r\n"
    )


def _upload_path(w: Wire) -> str:
    msg = BackMsg()
    msg.file_urls_request.request_id = "r1"
    msg.file_urls_request.file_names.append("rr.txt")
    msg.file_urls_request.session_id = w.session_id()
    w.send(msg)
    response = w.until("file_urls_response")
    return urlsplit(response.file_urls_response.file_urls[0].upload_url).path


def test_uploads_only_from_staff_and_no_larger_than_import_accepts(dashboard: Served) -> None:
    body = _multipart(b"800\n810\n" * 50_000)  # 400 kB of RR intervals
    # Signed out: an anonymous websocket gets an upload URL, the upload itself is refused.
    cookies = page_cookies(dashboard.url)
    with wire(dashboard.url, cookies=cookies) as anonymous:
        anonymous.rerun()
        anonymous.until("script_finished")
        path = _upload_path(anonymous)
        assert _upload(dashboard.url, path, cookies, len(body), body) == 403
        assert _upload(dashboard.url, path, {}, len(body), body) == 403
    with signed_in(dashboard.url, "dana") as (client, client_cookies):  # a client: no import
        path = _upload_path(client)
        assert _upload(dashboard.url, path, client_cookies, len(body), body) == 403
    with signed_in(dashboard.url, "sam") as (staff, staff_cookies):
        path = _upload_path(staff)
        assert _upload(dashboard.url, path, staff_cookies, len(body), body) in (200, 204)
        # 150 MB announced: refused before a byte of it is read.
        too_big = 150 * 2**20
        assert _upload(dashboard.url, path, staff_cookies, too_big, b"x" * 65536) == 413


def test_only_the_served_host_names_are_answered(dashboard: Served) -> None:
    port = urlsplit(dashboard.url).port
    for host in ("attacker.test", f"attacker.test:{port}", "127.0.0.1.attacker.test", "[::2]"):
        request = urllib.request.Request(dashboard.url, headers={"Host": host})
        with pytest.raises(urllib.error.HTTPError) as refusal:
            urllib.request.urlopen(request, timeout=30)
        assert refusal.value.code == 421
        assert refused(dashboard.url, host=host, origin=f"http://{host}")
    for host in (f"127.0.0.1:{port}", f"localhost:{port}"):
        request = urllib.request.Request(dashboard.url, headers={"Host": host})
        with urllib.request.urlopen(request, timeout=30) as response:
            assert response.status == 200
        assert not refused(dashboard.url, host=host, origin=f"http://{host}")


def test_odd_query_parameters_never_show_a_traceback(dashboard: Served) -> None:
    with signed_in(dashboard.url, "sam") as (w, _):
        for value in ("²", "١", "99999999999999999999", "-1", "1e3", "%00", "1 OR 1=1"):
            shown = _page(w, "review", f"session={value}")
            assert not w.exceptions(), (value, w.exceptions())
            assert b"Traceback" not in shown and b'File "/' not in shown
            assert b"Session review" in shown
            assert b"Something went wrong" not in shown  # the page itself handled it


def _download(w: Wire, file_id: str) -> tuple[str, str]:
    msg = BackMsg()
    msg.backend_operation_request.request_id = uuid.uuid4().hex
    msg.backend_operation_request.deferred_file.file_id = file_id
    msg.backend_operation_request.session_id = w.session_id()  # its own session, as required
    w.send(msg)
    response = w.until("backend_operation_response").backend_operation_response
    return response.deferred_file.url, response.error_msg


def _get(url: str, path: str, cookies: dict[str, str]) -> int:
    request = urllib.request.Request(
        url.rstrip("/") + path, headers={"Cookie": cookie_header(cookies)}
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return exc.code


def test_a_download_checks_the_sign_in_when_it_is_made(dashboard: Served) -> None:
    with signed_in(dashboard.url, "sam") as (victim, cookies):
        _page(victim, "review")
        buttons = [
            e.download_button
            for e in victim.elements()
            if e.WhichOneof("type") == "download_button"
        ]
        assert buttons, "the review page offers downloads"
        file_id = buttons[-1].deferred_file_id  # the RR text
        # Another session, not signed in (its own browser cookie or none): no file.
        for other in (None, page_cookies(dashboard.url)):
            with wire(dashboard.url, cookies=other) as attacker:
                attacker.rerun()
                attacker.until("script_finished")
                url, error = _download(attacker, file_id)
                assert not url and error
        # The signed-in browser itself, in another tab: the file, once.
        with ExitStack() as stack:
            tab = stack.enter_context(wire(dashboard.url, cookies=cookies))
            tab.rerun()
            tab.until("script_finished")
            url, error = _download(tab, file_id)
            assert url and not error, error
            media = urlsplit(url).path
            assert _get(dashboard.url, media, cookies) == 200
            assert _get(dashboard.url, media, {}) == 403  # the file's address alone is not enough
            # Idle past the limit (the clicks of this test were the last activity).
            time.sleep(IDLE_MINUTES * 60 + 15)
            url, error = _download(tab, file_id)
            assert not url and error
            assert _get(dashboard.url, media, cookies) == 403


def test_concurrent_sign_ins_right_after_start_show_no_error(tmp_path: Path) -> None:
    db = tmp_path / "fresh.db"
    from hrv_relax.store import open_store

    make_attack_practice(open_store(db), n_sessions=1).store.close()
    argv = ["--db", str(db), "dashboard", "--no-browser", "--port", str(free_port())]
    failures: list[str] = []

    def sign_in(url: str, username: str) -> None:
        try:
            with signed_in(url, username) as (w, _):
                failures.extend(w.exceptions())
                if b"partially initialized" in w.shown():
                    failures.append("partially initialized module")
        except Exception as exc:
            failures.append(repr(exc))

    with served(argv, {}, timeout_s=120) as url:
        threads = [
            threading.Thread(target=sign_in, args=(url, name))
            for name in ("sam", "kim", "admin", "dana", "eli", "sam", "kim", "admin")
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=180)
    assert not failures, failures
