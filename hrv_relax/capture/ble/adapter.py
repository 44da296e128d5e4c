"""Turn "Bluetooth cannot be used" failures from bleak and the OS into one clear error."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator

from bleak.exc import (
    BleakBluetoothNotAvailableError,
    BleakBluetoothNotAvailableReason,
    BleakDBusError,
)

from hrv_relax.errors import HrvRelaxError

_REASONS = {
    BleakBluetoothNotAvailableReason.POWERED_OFF: (
        "Bluetooth is turned off: turn it on (system settings, or `bluetoothctl power on` "
        "on Linux) and try again"
    ),
    BleakBluetoothNotAvailableReason.NO_BLUETOOTH: (
        "no Bluetooth adapter found: this computer needs Bluetooth 4.0 or newer "
        "(or a USB Bluetooth LE dongle)"
    ),
    BleakBluetoothNotAvailableReason.NO_BLE_CENTRAL_ROLE: (
        "the Bluetooth adapter does not support Bluetooth Low Energy, which heart-rate straps use"
    ),
    BleakBluetoothNotAvailableReason.DENIED_BY_USER: (
        "this program may not use Bluetooth: allow it for your terminal or app "
        "(macOS: System Settings > Privacy & Security > Bluetooth)"
    ),
    BleakBluetoothNotAvailableReason.DENIED_BY_SYSTEM: (
        "the system refused access to Bluetooth: on Linux your user may need to be in the "
        "'bluetooth' group; on macOS allow Bluetooth for your terminal in Privacy & Security"
    ),
}
_NOT_RUNNING = (
    "the Bluetooth service (BlueZ) is not running: start it with `sudo systemctl start bluetooth`"
)
# D-Bus errors that mean bluetoothd or the adapter is unusable, not that one strap misbehaved.
_DBUS_UNAVAILABLE = {
    "org.freedesktop.DBus.Error.ServiceUnknown": _NOT_RUNNING,
    "org.freedesktop.DBus.Error.NameHasNoOwner": _NOT_RUNNING,
    "org.bluez.Error.NotReady": _REASONS[BleakBluetoothNotAvailableReason.POWERED_OFF],
}


class BluetoothUnavailable(HrvRelaxError):  # noqa: N818 - reads as a state, like the others
    """Bluetooth cannot be used at all (off, missing, not permitted, BlueZ not running)."""


def unavailable_reason(exc: BaseException) -> str | None:
    """What to tell the user if `exc` means Bluetooth as a whole is unusable, else None."""
    if isinstance(exc, BleakBluetoothNotAvailableError):
        return _REASONS.get(exc.reason, str(exc.args[0]))
    if isinstance(exc, BleakDBusError):
        return _DBUS_UNAVAILABLE.get(exc.dbus_error)
    if _is_dbus_auth_error(exc):
        return _REASONS[BleakBluetoothNotAvailableReason.DENIED_BY_SYSTEM]
    if isinstance(exc, FileNotFoundError | ConnectionRefusedError):
        # Linux: no system D-Bus socket, so no BlueZ to talk to.
        return f"cannot reach the system D-Bus ({exc}): is this a desktop with Bluetooth?"
    return None


def _is_dbus_auth_error(exc: BaseException) -> bool:
    """Whether the system D-Bus refused us (Linux only: bleak installs dbus-fast only there)."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        from dbus_fast import AuthError  # noqa: PLC0415 - a Linux-only dependency of bleak
    except ImportError:
        return False
    return isinstance(exc, AuthError)


@contextlib.contextmanager
def bluetooth_errors() -> Iterator[None]:
    """Re-raise "Bluetooth is unusable" failures as BluetoothUnavailable; leave the rest alone."""
    try:
        yield
    except Exception as exc:
        reason = unavailable_reason(exc)
        if reason is None:
            raise
        raise BluetoothUnavailable(reason) from exc
