"""Passwords: argon2id hashes (RFC 9106), never the password itself.

argon2-cffi's defaults are RFC 9106's second recommended option (t=3, 64 MiB, p=4): about a
fifth of a second per hash here, slow for an attacker with a stolen database, fine for a login.
At most `MAX_CONCURRENT_HASHES` hashes run at once in a process, so a burst of sign-ins costs
at most that many times 64 MiB however many arrive together; the rest wait their turn.
"""

from __future__ import annotations

import functools
import string
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import resources

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from hrv_relax.errors import HrvRelaxError, LoginError

MIN_PASSWORD_LENGTH = 10  # NIST SP 800-63B asks for at least 8; a clinic holds health data
MAX_PASSWORD_LENGTH = 1024  # bounds the work an attacker can make one login cost
#: Hashes computed at once per process (each takes 64 MiB): two keep two cores busy.
MAX_CONCURRENT_HASHES = 2
#: A sign-in waiting longer than this for a free hashing slot is told to try again.
HASH_WAIT_S = 20.0
COMMON_PASSWORDS = "common_passwords.txt"
# Cut from both ends before the list is consulted: "Password2026!" is "password".
_DECORATION = string.digits + string.punctuation + string.whitespace

_HASHER = PasswordHasher()
_HASH_SLOTS = threading.BoundedSemaphore(MAX_CONCURRENT_HASHES)


class HashingBusy(LoginError):  # noqa: N818 - reads as a state
    """Every hashing slot stayed taken for HASH_WAIT_S (a burst of sign-ins)."""


@contextmanager
def _hashing_slot() -> Iterator[None]:
    if not _HASH_SLOTS.acquire(timeout=HASH_WAIT_S):
        raise HashingBusy("Many sign-ins are being checked right now. Try again in a minute.")
    try:
        yield
    finally:
        _HASH_SLOTS.release()


@functools.cache
def common_passwords() -> frozenset[str]:
    """The bundled list of the commonest passwords, lower-cased."""
    text = resources.files(__package__).joinpath(COMMON_PASSWORDS).read_text(encoding="utf-8")
    return frozenset(
        line.strip().lower() for line in text.splitlines() if line.strip() and line[0] != "#"
    )


def is_common(password: str) -> bool:
    """Whether a password is on the list, as typed or with digits and punctuation cut off."""
    lowered = password.strip().lower()
    listed = common_passwords()
    return lowered in listed or lowered.strip(_DECORATION) in listed


@functools.cache
def _dummy_hash() -> str:
    """Verified against when the user name is unknown, so both cases take the same time.

    Made on first use, not at import: every `hrv-relax` process (each recorder) imports this
    module, and a hash costs 64 MiB and a fifth of a second.
    """
    with _hashing_slot():
        return _HASHER.hash("not a password anyone can log in with")


class WeakPassword(HrvRelaxError):  # noqa: N818 - reads as a state
    """A new password that does not meet the policy."""


def check_policy(password: str, *, username: str = "", demo: bool = False) -> None:
    """Raise WeakPassword saying why a new password is not acceptable.

    `demo`: for the demo's accounts, whose published password is on the common list.
    """
    if len(password) < MIN_PASSWORD_LENGTH:
        raise WeakPassword(f"passwords need at least {MIN_PASSWORD_LENGTH} characters")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise WeakPassword(f"passwords are at most {MAX_PASSWORD_LENGTH} characters")
    if username and password.strip().lower() == username.strip().lower():
        raise WeakPassword("the password must not be the user name")
    if len(set(password)) < 4:
        raise WeakPassword("the password is too repetitive")
    if not demo and is_common(password):
        raise WeakPassword(
            "this is one of the commonest passwords, the first an attacker tries: choose another"
        )


def hash_password(password: str, *, username: str = "", demo: bool = False) -> str:
    check_policy(password, username=username, demo=demo)
    return _hash(password)


def _hash(password: str) -> str:
    with _hashing_slot():
        return _HASHER.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """Whether `password` matches; a missing or damaged hash never matches (same cost)."""
    if len(password) > MAX_PASSWORD_LENGTH:
        return False
    against = password_hash or _dummy_hash()
    try:
        with _hashing_slot():
            return _HASHER.verify(against, password) and password_hash is not None
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
    return _hash(password)
