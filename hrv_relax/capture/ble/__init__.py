"""Real heart-rate straps over Bluetooth LE (bleak). The only package that imports bleak.

`scan()` lists straps in range; `BleStrap(address)` is the BeatSource the recorder records from.
"""

from hrv_relax.capture.ble.adapter import BluetoothUnavailable
from hrv_relax.capture.ble.scan import FoundStrap, scan
from hrv_relax.capture.ble.strap import BleStrap, LinkTiming

__all__ = ["BleStrap", "BluetoothUnavailable", "FoundStrap", "LinkTiming", "scan"]
