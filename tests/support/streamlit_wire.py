"""A hostile client speaking Streamlit's own websocket protocol (BackMsg out, ForwardMsg in).

What a browser's Streamlit frontend does, without the frontend: open `/_stcore/stream` (optionally
naming an existing session id to resume, as the frontend does on reconnecting), ask for a
script run, and read what the server sends back.
"""

from __future__ import annotations

import contextlib
import socket
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import urlsplit

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from websockets.exceptions import ConnectionClosed, InvalidStatus
from websockets.sync.client import ClientConnection, connect


def page_cookies(base_url: str) -> dict[str, str]:
    """The cookies a browser gets with the dashboard's first page and the frontend's first call
    (the health check, which sets Streamlit's XSRF cookie)."""
    cookies: dict[str, str] = {}
    for path in ("", "_stcore/health"):
        headers = {"Cookie": cookie_header(cookies)} if cookies else {}
        request = urllib.request.Request(base_url.rstrip("/") + "/" + path, headers=headers)
        with urllib.request.urlopen(request, timeout=30) as response:
            jar: SimpleCookie = SimpleCookie()
            for header in response.headers.get_all("Set-Cookie") or []:
                jar.load(header)
        cookies.update({name: morsel.value for name, morsel in jar.items()})
    return cookies


def cookie_header(cookies: dict[str, str]) -> str:
    return "; ".join(f"{k}={v}" for k, v in cookies.items())


@dataclass
class Wire:
    """One websocket connection to a dashboard."""

    ws: ClientConnection
    messages: list[ForwardMsg] = field(default_factory=list)

    def send(self, msg: BackMsg) -> None:
        self.ws.send(msg.SerializeToString())

    def rerun(self, query_string: str = "", page_script_hash: str = "") -> None:
        msg = BackMsg()
        msg.rerun_script.query_string = query_string
        msg.rerun_script.page_script_hash = page_script_hash
        self.send(msg)

    def receive(self, timeout_s: float) -> ForwardMsg | None:
        try:
            raw = self.ws.recv(timeout=timeout_s)
        except (TimeoutError, ConnectionClosed):
            return None
        msg = ForwardMsg()
        msg.ParseFromString(raw if isinstance(raw, bytes) else raw.encode())
        self.messages.append(msg)
        return msg

    def until(self, kind: str, timeout_s: float = 60.0) -> ForwardMsg:
        """Read until a message of this kind (`script_finished`, `backend_operation_response`)."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            msg = self.receive(max(0.1, deadline - time.monotonic()))
            if msg is not None and msg.WhichOneof("type") == kind:
                return msg
        raise AssertionError(f"no {kind} within {timeout_s} s; got {self.kinds()}")

    def kinds(self) -> list[str | None]:
        return [m.WhichOneof("type") for m in self.messages]

    def session_id(self) -> str:
        for m in self.messages:
            if m.WhichOneof("type") == "new_session":
                return str(m.new_session.initialize.session_id)
        raise AssertionError("no new_session message yet")

    def elements(self) -> list[Any]:
        return [
            m.delta.new_element
            for m in self.messages
            if m.WhichOneof("type") == "delta" and m.delta.WhichOneof("type") == "new_element"
        ]

    def exceptions(self) -> list[str]:
        return [
            f"{e.exception.type}: {e.exception.message}"
            for e in self.elements()
            if e.WhichOneof("type") == "exception"
        ]

    def widget_id(self, kind: str, label: str) -> str:
        for e in reversed(self.elements()):
            if e.WhichOneof("type") == kind and getattr(e, kind).label == label:
                return str(getattr(e, kind).id)
        raise AssertionError(f"no {kind} labelled {label!r} was sent")

    def sign_in(
        self, username: str, password: str, timeout_s: float = 60.0, *, refused: bool = False
    ) -> None:
        """Submit the dashboard's sign-in form, as the frontend would (`refused`: expect the
        form back with an error, not the page signed in)."""
        msg = BackMsg()
        states = msg.rerun_script.widget_states.widgets
        for label, value in (("User name", username), ("Password", password)):
            state = states.add()
            state.id = self.widget_id("text_input", label)
            state.string_value = value
        submit = states.add()
        submit.id = self.widget_id("button", "Sign in")
        submit.trigger_value = True
        self.messages.clear()
        self.send(msg)
        self.until("script_finished", timeout_s)
        if not refused:  # the form signs in, then reruns the page signed in
            self.until("script_finished", timeout_s)

    def shown(self) -> bytes:
        """Everything the server sent (page text is in there as UTF-8)."""
        return b"".join(m.SerializeToString() for m in self.messages)


@contextlib.contextmanager
def wire(
    base_url: str,
    *,
    cookies: dict[str, str] | None = None,
    resume: str | None = None,
    host: str | None = None,
    origin: str | None = None,
    forwarded_for: str | None = None,
    source: str | None = None,
) -> Iterator[Wire]:
    """A websocket to the dashboard; `resume` names another session's id to take it over;
    `forwarded_for` is the X-Forwarded-For a reverse proxy would add, connecting from the
    address `source` (e.g. 127.0.0.2: another computer, as far as the server can tell)."""
    headers: dict[str, Any] = {}
    if cookies:
        headers["Cookie"] = cookie_header(cookies)
    if forwarded_for:
        headers["X-Forwarded-For"] = forwarded_for
    parts = urlsplit(base_url)
    # Another Host header: connect to the server, but name that host in the request.
    sock = socket.create_connection(
        (parts.hostname, parts.port), timeout=30, source_address=(source, 0) if source else None
    )
    uri = f"ws://{host or parts.netloc}/_stcore/stream"
    xsrf = (cookies or {}).get("_streamlit_xsrf", "-")
    # As the frontend does: subprotocol, XSRF token, the session id to resume.
    protocols = ["streamlit", xsrf, resume or "-"]
    with connect(
        uri,
        sock=sock,
        additional_headers=headers,
        subprotocols=protocols,  # type: ignore[arg-type]
        origin=origin,  # type: ignore[arg-type]
        open_timeout=30,
        max_size=None,
    ) as ws:
        yield Wire(ws)


def refused(base_url: str, **kwargs: Any) -> bool:
    """Whether the server refuses the websocket handshake."""
    try:
        with wire(base_url, **kwargs):
            return False
    except InvalidStatus:
        return True
