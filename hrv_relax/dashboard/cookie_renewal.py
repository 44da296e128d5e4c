"""A new browser cookie at every sign-in, so a cookie planted before it is worth nothing.

The browser cookie is given with the first page, before anyone signs in. Someone who planted
a cookie of their choosing in a browser (OWASP's "session fixation": a sibling subdomain, a
moment at the computer, the network path of plain HTTP) would otherwise share the sign-in
made in that browser later. Signing in happens over the websocket, where no cookie can be set,
so the signed-in page asks for a new one once: it posts a one-time ticket, which only that
page was sent, to RENEW_PATH; the server moves the sign-in to a new random cookie, sets it,
and the page reloads with it. The old cookie then names no sign-in.

Tickets live in this process only (the dashboard is one process), for TICKET_TTL_S, at most
MAX_PENDING at once, and each is good once, for the sign-in and the cookie it was made for.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from urllib.parse import urlencode

RENEW_PATH = "/_hrv/renew"
TICKET_HEADER = "x-hrv-renew"
TICKET_TTL_S = 120.0
MAX_PENDING = 512


@dataclass(frozen=True, slots=True)
class _Pending:
    sign_in_id: int
    cookie_digest: str
    expires_at: float


_pending: OrderedDict[str, _Pending] = OrderedDict()
_lock = threading.Lock()


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def offer_renewal(sign_in_id: int, cookie_digest: str) -> str:
    """A one-time ticket trading the browser's cookie (by its digest) for a new one."""
    ticket = secrets.token_urlsafe(32)
    with _lock:
        _pending[_digest(ticket)] = _Pending(
            sign_in_id, cookie_digest, time.monotonic() + TICKET_TTL_S
        )
        while len(_pending) > MAX_PENDING:
            _pending.popitem(last=False)
    return ticket


def take_renewal(ticket: str | None, cookie_digest: str | None) -> int | None:
    """The sign-in the ticket renews, if it is unexpired and for this cookie; used up."""
    if not ticket or cookie_digest is None or len(ticket) > 64:
        return None
    with _lock:
        pending = _pending.pop(_digest(ticket), None)
    if pending is None or pending.expires_at < time.monotonic():
        return None
    if not secrets.compare_digest(pending.cookie_digest, cookie_digest):
        return None
    return pending.sign_in_id


def renewal_script(ticket: str, query: Mapping[str, Sequence[str]]) -> str:
    """What the signed-in page runs once: trade the ticket for a new cookie, then reload.

    The reload goes to this page with `query`, the address's query as the page run began:
    the run may change it (the review page puts the session it shows there) before the
    script runs, and the reload must show what this run showed (a link's session was not
    found, say), not what the run went on to.
    """
    path = json.dumps("." + RENEW_PATH)  # relative: works under a proxy's path prefix too
    search = urlencode([(k, v) for k, values in query.items() for v in values])
    # Percent-encoded: no quote, "<" or "/" of the address can end the string or the script.
    here = json.dumps("?" + search if search else "")
    return (
        f"<script>(function () {{ var here = window.location.pathname + {here}; fetch({path}, "
        "{method: 'POST', credentials: 'same-origin', "
        f"headers: {{'{TICKET_HEADER}': {json.dumps(ticket)}}}}})"
        ".then(function (r) { if (r.ok) { window.location.replace(here); } }); })();</script>"
    )
