"""Sign-in tickets: what a dashboard session keeps to say who signed in, and since when.

A ticket holds the user's id, a random nonce and an HMAC over both under a key that lives only
in the server process. Editing the session state to another user's id breaks the HMAC, so the
ticket is refused; the user's role and state are read from the database on every page run, so
nothing in the session state can raise what a session may see. A ticket unused for longer than
the inactivity limit is expired.
"""

from __future__ import annotations

import dataclasses
import hashlib
import hmac
import secrets
from dataclasses import dataclass

#: Signed out after this long without a click (OWASP: 15-30 minutes for sensitive data).
INACTIVITY_LIMIT_S = 30 * 60.0


@dataclass(frozen=True, slots=True)
class Ticket:
    user_id: int
    nonce: str
    mac: str
    last_seen_s: float  # time.time() of the last page run


def new_key() -> bytes:
    return secrets.token_bytes(32)


def _mac(key: bytes, user_id: int, nonce: str) -> str:
    return hmac.new(key, f"{user_id}:{nonce}".encode(), hashlib.sha256).hexdigest()


def issue(key: bytes, user_id: int, now_s: float) -> Ticket:
    nonce = secrets.token_hex(16)
    return Ticket(user_id=user_id, nonce=nonce, mac=_mac(key, user_id, nonce), last_seen_s=now_s)


def is_genuine(key: bytes, ticket: object) -> bool:
    """Whether `ticket` is a Ticket this server issued (not edited, not forged)."""
    if not isinstance(ticket, Ticket):
        return False
    return hmac.compare_digest(_mac(key, ticket.user_id, ticket.nonce), ticket.mac)


def is_expired(ticket: Ticket, now_s: float, limit_s: float = INACTIVITY_LIMIT_S) -> bool:
    return now_s - ticket.last_seen_s > limit_s


def touch(ticket: Ticket, now_s: float) -> Ticket:
    return dataclasses.replace(ticket, last_seen_s=now_s)
