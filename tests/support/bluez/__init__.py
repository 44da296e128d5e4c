"""An emulated BlueZ for tests: a private dbus-daemon and a fake org.bluez service (dbus-fast).

The project's unmodified Bluetooth code (bleak, bleak-retry-connector, hrv_relax.capture.ble) runs
against it as against a real Linux machine with heart-rate straps in range. Fixtures:
tests.support.bluez.fixtures.
"""
