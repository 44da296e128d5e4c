"""`hrv-relax scan` and `hrv-relax record --device` as a user runs them: separate processes
talking to the emulated BlueZ over the private bus.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from hrv_relax.store import Store, get_session, list_sessions, open_store
from tests.support.bluez.fixtures import (  # noqa: F401
    fake_bluez_fixture,
    private_bus_daemon_fixture,
    private_bus_fixture,
    wait_until_sync,
)
from tests.support.bluez.frames import beat_stream
from tests.support.bluez.recording import delivered_beats, stored_beats
from tests.support.bluez.service import FakeBluez

pytestmark = pytest.mark.bluez

ADDRESS = "A0:9E:1A:00:00:01"
PERIOD_S = 0.05


def hrv_relax(*argv: str) -> list[str]:
    return [sys.executable, "-m", "hrv_relax", *argv]


def test_scan_json_lists_straps_in_range(fake_bluez: FakeBluez) -> None:
    fake_bluez.add_strap(ADDRESS, "Polar H10 A1B2C3D4")
    done = subprocess.run(
        hrv_relax("scan", "--timeout", "0.5", "--json"),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout)
    assert [(s["address"], s["name"], s["busy"]) for s in found] == [
        (ADDRESS, "Polar H10 A1B2C3D4", False)
    ]
    assert isinstance(found[0]["rssi"], int)


def _start_record(db: Path, *extra: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        hrv_relax("--db", str(db), "record", "--device", ADDRESS, "--client", "Ana", *extra),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_record_device_until_ctrl_c_keeps_every_delivered_beat(
    fake_bluez: FakeBluez, db_path: Path
) -> None:
    strap = fake_bluez.add_strap(ADDRESS, "Polar H10 A1B2C3D4", battery_pct=64)
    proc = _start_record(db_path)
    try:
        connect_s = wait_until_sync(lambda: strap.notifying, 30, "the recorder to subscribe")
        strap.play(beat_stream(40), PERIOD_S)
        wait_until_sync(lambda: not strap.playing, 10, "the strap to finish")
        expected = delivered_beats(strap.sent())
        store = open_store(db_path)
        session_id = _session_id(proc)
        wait_until_sync(
            lambda: len(stored_beats(store, session_id)) == len(expected), 10, "the last commit"
        )
        proc.send_signal(signal.SIGINT)  # Ctrl-C
        _, err = proc.communicate(timeout=30)
    finally:
        proc.kill()
    assert proc.returncode == 0, err
    assert stored_beats(store, session_id) == expected
    assert get_session(store, session_id).status == "complete"
    assert not strap.connected  # the strap was released for the next session
    print(f"record --device: receiving heart rate {connect_s:.2f} s after the command started")


def _session_id(proc: subprocess.Popen[str]) -> int:
    assert proc.stdout is not None
    return int(proc.stdout.readline())


def test_record_device_stops_after_duration(fake_bluez: FakeBluez, db_path: Path) -> None:
    strap = fake_bluez.add_strap(ADDRESS, "Polar H10 A1B2C3D4")
    strap.play(beat_stream(400), PERIOD_S)  # the heart beats before, during and after
    done = subprocess.run(
        hrv_relax(
            "--db",
            str(db_path),
            "record",
            "--device",
            ADDRESS,
            "--duration",
            "2",
            "--client",
            "Ana",
        ),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    session_id = int(done.stdout)
    store: Store = open_store(db_path)
    stored = stored_beats(store, session_id)
    sent = strap.sent()
    # Nothing lost or duplicated while recording: the recording is the start of what was sent.
    assert len(stored) >= 20
    assert stored == delivered_beats(sent)[: len(stored)]
    # The only beats missing were delivered while the recorder was closing (after the event
    # that ended it, before it let go of the strap): within a moment of the release.
    released_at = max(t for t, what in strap.timeline if what == "disconnected by host")
    recorded = 0
    for s in sent:
        beats = s.frame.expected_beats() if s.delivered else []
        if beats and recorded >= len(stored):
            assert released_at - s.t_s < 1.0, "a beat went missing long before the end"
        recorded += len(beats)
    assert get_session(store, session_id).status == "complete"


def test_record_device_with_bluetooth_off_is_one_clear_line(
    fake_bluez: FakeBluez, db_path: Path
) -> None:
    fake_bluez.add_strap(ADDRESS, "Polar H10 A1B2C3D4")
    fake_bluez.set_powered(False)
    done = subprocess.run(
        hrv_relax("--db", str(db_path), "record", "--device", ADDRESS, "--client", "Ana"),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 1
    errors = [line for line in done.stderr.splitlines() if "error" in line.lower()]
    assert errors == [
        "hrv-relax: error: Bluetooth is turned off: turn it on (system settings, or "
        "`bluetoothctl power on` on Linux) and try again"
    ]
    assert "Traceback" not in done.stderr


def test_a_recording_that_never_gets_a_beat_leaves_no_session(
    fake_bluez: FakeBluez, db_path: Path
) -> None:
    fake_bluez.add_strap(ADDRESS, "Polar H10 A1B2C3D4")  # in range, but no heart beats
    done = subprocess.run(
        hrv_relax(
            "--db", str(db_path), "record", "--device", ADDRESS, "--client", "Ana",
            "--duration", "2",
        ),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )  # fmt: skip
    assert done.returncode == 1
    session_id = int(done.stdout)
    assert f"no beat came from the strap, so session {session_id} was not kept" in done.stderr
    store: Store = open_store(db_path)
    assert list_sessions(store) == []  # no 0-beat "complete" session in the history
    store.close()
