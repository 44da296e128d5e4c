"""Passwords: argon2id hashes (RFC 9106), never the password itself.

argon2-cffi's defaults are RFC 9106's second recommended option (t=3, 64 MiB, p=4): about a
fifth of a second per hash here, slow for an attacker with a stolen database, fine for a login.
"""

from __future__ import annotations

import functools

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from hrv_relax.errors import HrvRelaxError

MIN_PASSWORD_LENGTH = 10  # NIST SP 800-63B asks for at least 8; a clinic holds health data
MAX_PASSWORD_LENGTH = 1024  # bounds the work an attacker can make one login cost

_HASHER = PasswordHasher()


@functools.cache
def _dummy_hash() -> str:
    """Verified against when the user name is unknown, so both cases take the same time.

    Made on first use, not at import: every `hrv-relax` process (each recorder) imports this
    module, and a hash costs 64 MiB and a fifth of a second.
    """
    return _HASHER.hash("not a password anyone can log in with")


class WeakPassword(HrvRelaxError):  # noqa: N818 - reads as a state
    """A new password that does not meet the policy."""


def check_policy(password: str, *, username: str = "") -> None:
    """Raise WeakPassword saying why a new password is not acceptable."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise WeakPassword(f"passwords need at least {MIN_PASSWORD_LENGTH} characters")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise WeakPassword(f"passwords are at most {MAX_PASSWORD_LENGTH} characters")
    if username and password.strip().lower() == username.strip().lower():
        raise WeakPassword("the password must not be the user name")
    if len(set(password)) < 4:
        raise WeakPassword("the password is too repetitive")


def hash_password(password: str, *, username: str = "") -> str:
    check_policy(password, username=username)
    return _HASHER.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """Whether `password` matches; a missing or damaged hash never matches (same cost)."""
    if len(password) > MAX_PASSWORD_LENGTH:
        return False
    try:
        return (
            _HASHER.verify(password_hash or _dummy_hash(), password) and password_hash is not None
        )
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """Whether a stored hash uses weaker parameters than today's (then rehash at login)."""
    try:
        return _HASHER.check_needs_rehash(password_hash)
    except InvalidHashError:
        return True


def rehash(password: str) -> str:
    """A new hash of a password already accepted at login (no policy check: it is in use)."""
    return _HASHER.hash(password)
