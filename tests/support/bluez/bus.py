"""A private D-Bus "system bus" for tests: its own dbus-daemon, listening in a temporary folder.

bleak's BlueZ backend always talks to the system bus, whose address it takes from
DBUS_SYSTEM_BUS_ADDRESS. Tests point that variable here so the real bleak code runs against the
fake BlueZ, and never reach the machine's real Bluetooth stack.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

ENV_SYSTEM_BUS = "DBUS_SYSTEM_BUS_ADDRESS"
STARTUP_TIMEOUT_S = 10.0

# Everything is allowed: the bus is private to the test run, and bleak needs to own names
# (advertisement monitors), call any method and receive every signal.
_CONFIG = """<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-BUS Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>system</type>
  <listen>unix:path={socket}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow user="*"/>
    <allow own="*"/>
    <allow send_type="method_call"/>
    <allow send_type="signal"/>
    <allow send_type="method_return"/>
    <allow send_type="error"/>
    <allow receive_type="method_call"/>
    <allow receive_type="signal"/>
    <allow receive_type="method_return"/>
    <allow receive_type="error"/>
  </policy>
</busconfig>
"""


class PrivateBusError(RuntimeError):
    """The private bus could not be started, or a test would reach a bus that is not ours."""


def dbus_daemon_path() -> str | None:
    return shutil.which("dbus-daemon")


class PrivateSystemBus:
    """A dbus-daemon of our own; `address` is what DBUS_SYSTEM_BUS_ADDRESS must be set to."""

    def __init__(self) -> None:
        daemon = dbus_daemon_path()
        if daemon is None:
            raise PrivateBusError("dbus-daemon is not installed (Debian package dbus-daemon)")
        self._dir = Path(tempfile.mkdtemp(prefix="hrv-relax-dbus-"))
        self.socket = self._dir / "system_bus_socket"
        config = self._dir / "bus.conf"
        config.write_text(_CONFIG.format(socket=self.socket), encoding="utf-8")
        self.address = f"unix:path={self.socket}"
        self._proc = subprocess.Popen(
            [daemon, f"--config-file={config}", "--nofork", "--nopidfile", "--print-address=1"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert self._proc.stdout is not None
        # The daemon prints its address once it listens: wait for it, not for a fixed time.
        line = self._proc.stdout.readline()
        if not line.startswith(self.address):
            self.close()
            raise PrivateBusError(f"dbus-daemon did not start: {line!r}")

    def assert_in_use(self) -> None:
        """Refuse to go on unless the system bus address points at this private bus."""
        current = os.environ.get(ENV_SYSTEM_BUS)
        if current != self.address:
            raise PrivateBusError(
                f"{ENV_SYSTEM_BUS} is {current!r}, not the private test bus {self.address!r}: "
                "refusing to touch a real system bus"
            )
        if not self.socket.is_socket() or self._proc.poll() is not None:
            raise PrivateBusError("the private dbus-daemon is not running")

    def close(self) -> None:
        if self._proc.poll() is None:
            self._proc.terminate()
            try:
                self._proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait()
        for stream in (self._proc.stdout, self._proc.stderr):
            if stream is not None:
                stream.close()
        shutil.rmtree(self._dir, ignore_errors=True)
