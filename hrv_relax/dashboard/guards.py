"""The web server's guards, in front of Streamlit: hosts, the browser cookie, uploads, media.

Pure ASGI middleware (run by `st.App`, see dashboard/asgi.py), so that it sees every HTTP
request and every websocket handshake before Streamlit does:

- DNS rebinding: a request whose Host header is not one the dashboard serves (127.0.0.1,
  localhost, ::1, the --host given) is refused, on HTTP and websocket alike. A page on another
  site that rebinds its name to 127.0.0.1 sends its own name as Host.
- The browser cookie: every browser gets a random `hrv_relax_browser` cookie (HttpOnly,
  SameSite=Strict) with its first page; sign-ins are recorded against it (auth/sign_ins.py).
- A new cookie at every sign-in (`/_hrv/renew`, see cookie_renewal.py), so a cookie planted
  before it names no sign-in.
- Uploads (`/_stcore/upload_file/...`) only from a browser signed in as staff (import is
  theirs), and no larger than import accepts; downloads (media sent as an attachment) only
  to a signed-in browser.
- The websocket's browser cookie is kept in a context variable for the connection, so work
  done for that connection outside a page run (a download being made) knows who asked.
"""

from __future__ import annotations

import contextlib
import contextvars
import ipaddress
import logging
import os
import socket
from http.cookies import CookieError, SimpleCookie

import anyio.to_thread
from starlette.datastructures import Headers, MutableHeaders
from starlette.responses import PlainTextResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from hrv_relax.auth.sign_ins import (
    BROWSER_COOKIE,
    BrowserSignIn,
    browser_digest,
    check_browser,
    is_browser_secret,
    new_browser_secret,
)
from hrv_relax.config import ENV_ALLOWED_HOSTS, idle_limit_s
from hrv_relax.dashboard.cookie_renewal import RENEW_PATH, TICKET_HEADER, take_renewal
from hrv_relax.dashboard.shared import shared_store
from hrv_relax.formats.recording import MAX_FILE_BYTES
from hrv_relax.store.sign_ins import rebind_sign_in

log = logging.getLogger(__name__)

LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")
UPLOAD_PATH = "/_stcore/upload_file/"
MEDIA_PATH = "/media/"
#: A file import accepts, plus the multipart envelope the browser wraps it in.
MAX_UPLOAD_BYTES = MAX_FILE_BYTES + 64 * 1024
STAFF_ROLES = ("therapist", "admin")

#: The `hrv_relax_browser` cookie of the websocket connection being served (None: none).
connection_browser: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "connection_browser", default=None
)


def allowed_hosts_for(host: str) -> tuple[str, ...]:
    """The Host names a dashboard listening on `host` answers to."""
    names = [*LOCAL_HOSTS, host]
    if host in ("0.0.0.0", "::"):  # every address: this computer's own names and addresses
        hostname = socket.gethostname()
        names += [hostname, socket.getfqdn()]
        with contextlib.suppress(OSError):
            names += socket.gethostbyname_ex(hostname)[2]
    return tuple(dict.fromkeys(n.lower() for n in names if n))


def _allowed_hosts() -> frozenset[str]:
    raw = os.environ.get(ENV_ALLOWED_HOSTS, "")
    names = [n.strip().lower() for n in raw.split(",") if n.strip()]
    return frozenset(names or LOCAL_HOSTS)


def host_name(header: str | None) -> str | None:
    """The name in a Host header without its port ("[::1]:8501" -> "::1"); None if malformed."""
    if not header or not header.isascii() or any(c in header for c in "/@?# \t"):
        return None
    value = header.strip().lower()
    if value.startswith("["):
        name, closed, rest = value[1:].partition("]")
        if not closed or (rest and not (rest.startswith(":") and rest[1:].isdigit())):
            return None
        try:
            ipaddress.IPv6Address(name)
        except ValueError:
            return None
        return name
    name, _, port = value.partition(":")
    if port and not port.isdigit():
        return None
    return name.rstrip(".") or None


def browser_secret(cookie_header: str | None) -> str | None:
    """The browser cookie from a Cookie header, if it has the form this dashboard gives out."""
    if not cookie_header:
        return None
    jar: SimpleCookie = SimpleCookie()
    try:
        jar.load(cookie_header)
    except CookieError:
        return None
    morsel = jar.get(BROWSER_COOKIE)
    value = morsel.value if morsel is not None else None
    return value if is_browser_secret(value) else None


def browser_cookie(secret: str, *, secure: bool) -> str:
    # A session cookie (no Max-Age): the sign-in it names ends in the database on its own.
    attributes = "Path=/; HttpOnly; SameSite=Strict" + ("; Secure" if secure else "")
    return f"{BROWSER_COOKIE}={secret}; {attributes}"


async def _signed_in(secret: str | None) -> BrowserSignIn:
    if secret is None:
        return BrowserSignIn(None)
    return await anyio.to_thread.run_sync(
        lambda: check_browser(shared_store(), secret, idle_s=idle_limit_s(), active=False)
    )


class DashboardGuard:
    """The guards above, as one ASGI middleware."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        if host_name(headers.get("host")) not in _allowed_hosts():
            log.warning("refused a request for host %r", headers.get("host", "")[:100])
            await _refuse(scope, receive, send, 421, "This server does not serve that host name.")
            return
        secret = browser_secret(headers.get("cookie"))
        if scope["type"] == "websocket":
            token = connection_browser.set(secret)
            try:
                await self.app(scope, receive, send)
            finally:
                connection_browser.reset(token)
            return
        if scope["path"] == RENEW_PATH:
            await _renew(scope, receive, send, headers, secret)
            return
        refusal = await self._refusal(scope, headers, secret)
        if refusal is not None:
            await _refuse(scope, receive, send, *refusal)
            return
        if scope["path"].startswith(MEDIA_PATH):
            send = _downloads_signed_in(send, secret)
        if secret is None:
            send = _with_cookie(send, scope, headers)
        await self.app(scope, receive, send)

    async def _refusal(
        self, scope: Scope, headers: Headers, secret: str | None
    ) -> tuple[int, str] | None:
        path: str = scope["path"]
        if path.startswith(UPLOAD_PATH):
            if scope["method"] in ("PUT", "POST"):
                length = headers.get("content-length", "")
                if not length.isdigit():
                    return 411, "An upload needs its length."
                if int(length) > MAX_UPLOAD_BYTES:
                    return 413, f"Files of up to {MAX_FILE_BYTES // 2**20} MB can be imported."
            signed_in = await _signed_in(secret)
            if signed_in.viewer is None or signed_in.viewer.role not in STAFF_ROLES:
                return 403, "Sign in as a therapist or admin to upload."
        return None


def _downloads_signed_in(send: Send, secret: str | None) -> Send:
    """`send`, answering 403 instead of a download (an attachment) to a browser not signed in.

    Media also serves the page's icon, which the sign-in page needs: only downloads are kept.
    """
    refused = False

    async def sending(message: Message) -> None:
        nonlocal refused
        if message["type"] == "http.response.start":
            disposition = Headers(raw=message.get("headers", [])).get("content-disposition", "")
            if disposition.startswith("attachment") and (await _signed_in(secret)).viewer is None:
                refused = True
                body = b"Sign in to download."
                await send(
                    {
                        "type": "http.response.start",
                        "status": 403,
                        "headers": [
                            (b"content-type", b"text/plain; charset=utf-8"),
                            (b"content-length", str(len(body)).encode()),
                        ],
                    }
                )
                await send({"type": "http.response.body", "body": body})
                return
        if not refused:
            await send(message)

    return sending


async def _renew(
    scope: Scope, receive: Receive, send: Send, headers: Headers, secret: str | None
) -> None:
    """Trade a signed-in page's one-time ticket for a new browser cookie (cookie_renewal)."""
    old = browser_digest(secret) if secret is not None else None
    posted = scope["method"] == "POST"
    sign_in_id = take_renewal(headers.get(TICKET_HEADER), old) if posted else None
    new = new_browser_secret()
    moved = (
        sign_in_id is not None
        and old is not None
        and await anyio.to_thread.run_sync(
            lambda: rebind_sign_in(shared_store(), sign_in_id, old, browser_digest(new))
        )
    )
    if not moved:
        await _refuse(scope, receive, send, 403, "Nothing to renew.")
        return
    response = Response(status_code=204, headers={"cache-control": "no-store"})
    response.headers.append("set-cookie", browser_cookie(new, secure=_secure(scope, headers)))
    await response(scope, receive, send)


def _secure(scope: Scope, headers: Headers) -> bool:
    return scope.get("scheme") == "https" or headers.get("x-forwarded-proto") == "https"


def _with_cookie(send: Send, scope: Scope, headers: Headers) -> Send:
    """`send`, adding a new browser cookie to the response."""
    cookie = browser_cookie(new_browser_secret(), secure=_secure(scope, headers))

    async def sending(message: Message) -> None:
        if message["type"] == "http.response.start":
            MutableHeaders(scope=message).append("set-cookie", cookie)
        await send(message)

    return sending


async def _refuse(scope: Scope, receive: Receive, send: Send, status: int, text: str) -> None:
    if scope["type"] == "websocket":
        # Closing before accepting answers the handshake with 403.
        await send({"type": "websocket.close", "code": 1008})
        return
    await PlainTextResponse(text, status_code=status)(scope, receive, send)
