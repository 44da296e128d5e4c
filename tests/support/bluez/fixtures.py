"""pytest fixtures for the emulated BlueZ. Import them into a test module:

    from tests.support.bluez.fixtures import (  # noqa: F401
        fake_bluez_fixture,
        private_bus_daemon_fixture,
        private_bus_fixture,
    )

and ask for `fake_bluez` (and `private_bus`, if the test needs no BlueZ on the bus).

The private dbus-daemon lives for the whole run; each test gets DBUS_SYSTEM_BUS_ADDRESS pointing
at it (for that test only) and a fresh fake BlueZ on it. Without dbus-daemon the tests skip
loudly on a workstation and fail in CI (CI=true), where they must run.
"""

from __future__ import annotations

import asyncio
import os
import time
import warnings
from collections.abc import Callable, Iterator

import pytest

from .bus import ENV_SYSTEM_BUS, PrivateSystemBus, dbus_daemon_path
from .service import FakeBluez

MISSING_DAEMON = (
    "dbus-daemon is not installed, so the emulated-BlueZ tests of the real Bluetooth path "
    "did NOT run (install the Debian package dbus-daemon)"
)


def _require_dbus_daemon() -> None:
    if dbus_daemon_path() is not None:
        return
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(MISSING_DAEMON, pytrace=False)
    warnings.warn(MISSING_DAEMON, stacklevel=2)
    pytest.skip(MISSING_DAEMON)


@pytest.fixture(scope="session", name="private_bus_daemon")
def private_bus_daemon_fixture() -> Iterator[PrivateSystemBus]:
    _require_dbus_daemon()
    bus = PrivateSystemBus()
    try:
        yield bus
    finally:
        bus.close()


@pytest.fixture(name="private_bus")
def private_bus_fixture(
    private_bus_daemon: PrivateSystemBus, monkeypatch: pytest.MonkeyPatch
) -> PrivateSystemBus:
    """The private bus as this test's system bus (and its subprocesses'); only for this test."""
    monkeypatch.setenv(ENV_SYSTEM_BUS, private_bus_daemon.address)
    return private_bus_daemon


@pytest.fixture(name="fake_bluez")
def fake_bluez_fixture(private_bus: PrivateSystemBus) -> Iterator[FakeBluez]:
    fake = FakeBluez(private_bus)
    try:
        yield fake
    finally:
        fake.close()


async def wait_until(predicate: Callable[[], bool], timeout_s: float, what: str) -> float:
    """Poll `predicate` from a test's loop; return how long it took."""
    start = time.monotonic()
    while not predicate():
        if time.monotonic() - start > timeout_s:
            raise AssertionError(f"timed out after {timeout_s} s waiting for {what}")
        await asyncio.sleep(0.02)
    return time.monotonic() - start


def wait_until_sync(predicate: Callable[[], bool], timeout_s: float, what: str) -> float:
    start = time.monotonic()
    while not predicate():
        if time.monotonic() - start > timeout_s:
            raise AssertionError(f"timed out after {timeout_s} s waiting for {what}")
        time.sleep(0.02)
    return time.monotonic() - start
