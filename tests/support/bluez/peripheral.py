"""A fake heart-rate strap as BlueZ shows it: an org.bluez.Device1 plus, while connected, its GATT
objects (Heart Rate and Battery services), and the strap's behaviour (advertising, connecting,
notifying, dropping the link, going silent).

Every frame the strap "sends" is logged with whether a connected, subscribed client could receive
it, so a test can compare what was recorded with what was really delivered.
"""

from __future__ import annotations

import asyncio
import dataclasses
import random
import time
from collections.abc import Iterable
from dataclasses import dataclass, field

from dbus_fast import Message, Variant
from dbus_fast.errors import DBusError

from .frames import Frame
from .loop import in_loop
from .objects import ObjectTree

DEVICE = "org.bluez.Device1"
SERVICE = "org.bluez.GattService1"
CHARACTERISTIC = "org.bluez.GattCharacteristic1"
DESCRIPTOR = "org.bluez.GattDescriptor1"


def uuid16(value: int) -> str:
    return f"0000{value:04x}-0000-1000-8000-00805f9b34fb"


HEART_RATE_SERVICE = uuid16(0x180D)
HEART_RATE_MEASUREMENT = uuid16(0x2A37)
BODY_SENSOR_LOCATION = uuid16(0x2A38)
BATTERY_SERVICE = uuid16(0x180F)
BATTERY_LEVEL = uuid16(0x2A19)
CCCD = uuid16(0x2902)
POLAR_COMPANY_ID = 0x006B

CONNECT_LATENCY_S = 0.05  # link setup plus service discovery, much faster than a real strap
CONNECT_TIMEOUT_S = 20.0  # BlueZ gives up on an LE connection to a silent device after a while


@dataclass(frozen=True, slots=True)
class SentFrame:
    t_s: float  # time.monotonic() when the strap sent it
    frame: Frame
    delivered: bool  # a connected client had notifications on


@dataclass(slots=True)
class _Gatt:
    """Paths of the characteristics a test cares about."""

    hr_measurement: str = ""
    objects: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class StrapProfile:
    """What kind of strap it is: what it advertises and which services it offers."""

    advertised_uuids: tuple[str, ...] = (HEART_RATE_SERVICE,)
    heart_rate: bool = True  # offers the Heart Rate service (a thermometer would not)
    battery_pct: int | None = 87  # None: no Battery service
    body_location: int | None = 1  # chest; None: no Body Sensor Location characteristic
    rssi_dbm: int = -60


class FakeStrap:
    """One peripheral. Public methods are safe to call from the test's thread or loop."""

    def __init__(
        self,
        tree: ObjectTree,
        loop: asyncio.AbstractEventLoop,
        adapter_path: str,
        address: str,
        name: str,
        *,
        profile: StrapProfile,
    ) -> None:
        self.tree = tree
        self.loop = loop
        self.address = address
        self.name = name
        self.adapter_path = adapter_path
        self.path = f"{adapter_path}/dev_{address.replace(':', '_')}"
        self.profile = profile
        self.advertising = True
        self.connected = False
        self.notifying = False
        self.stalled = False
        self.hr_reads = 0
        self.connects = 0
        # (time.monotonic() s, what) for latency figures; the strap starts out advertising.
        self.timeline: list[tuple[float, str]] = [(time.monotonic(), "advertising")]
        self._sent: list[SentFrame] = []
        self._gatt = _Gatt()
        self._adv_event = asyncio.Event()
        self._adv_event.set()
        self._pending_connects: list[asyncio.Task[None]] = []
        self._player: asyncio.Task[None] | None = None
        self._rng = random.Random(address)

    # --- what the test does ----------------------------------------------------------------

    @in_loop
    def play(self, frames: Iterable[Frame], period_s: float) -> None:
        """Send frames every `period_s`, whether or not anyone listens: a heart beats on."""
        self._player = self.loop.create_task(self._play(list(frames), period_s))

    @in_loop
    def stop_playing(self) -> None:
        if self._player is not None:
            self._player.cancel()

    @property
    def playing(self) -> bool:
        return self._player is not None and not self._player.done()

    @in_loop
    def notify(self, frame: Frame) -> bool:
        """Send one frame now; return whether it was delivered."""
        return self._send(frame)

    @in_loop
    def sent(self) -> list[SentFrame]:
        return list(self._sent)

    @in_loop
    def link_lost(self, *, readvertise_after_s: float | None = 0.0) -> None:
        """The radio link drops (out of range, no skin contact); advertise again later, or never."""
        self._teardown("link lost")
        if readvertise_after_s is None:
            self._stop_advertising()
        elif readvertise_after_s <= 0:
            self._start_advertising()
        else:
            self._stop_advertising()
            self.loop.call_later(readvertise_after_s, self._start_advertising)

    @in_loop
    def stall(self) -> None:
        """Stop delivering notifications while BlueZ still says connected (bluetoothd hung)."""
        self.stalled = True
        self.timeline.append((time.monotonic(), "stalled"))

    @in_loop
    def forget(self) -> None:
        """BlueZ drops the device object, as after a while out of range."""
        self._teardown("forgotten")
        self._stop_advertising()
        self.tree.remove(self.path)

    @in_loop
    def reappear(self) -> None:
        self._start_advertising()

    @in_loop
    def set_battery(self, pct: int) -> None:
        """The battery drains: what the next read of 0x2A19 returns."""
        self.profile = dataclasses.replace(self.profile, battery_pct=pct)
        if self.connected:
            path = f"{self.path}/service0020/char0021"
            self.tree.set(path, CHARACTERISTIC, {"Value": Variant("ay", bytes([pct]))})

    @in_loop
    def hold_connection(self) -> None:
        """Connected at OS level with nobody listening: a crashed recorder, or another app."""
        if not self.connected:
            self._establish()

    def reconnect_latencies_s(self) -> list[float]:
        """Seconds from advertising again after each drop until notifications ran again."""
        latencies = []
        since: float | None = None
        for t_s, what in list(self.timeline):
            if what == "advertising" and since is None:
                since = t_s
            elif what == "notifying" and since is not None:
                latencies.append(t_s - since)
                since = None
            elif what in ("link lost", "forgotten"):
                since = None
        return latencies[1:]  # the first one is the initial connection, not a reconnection

    # --- BlueZ side: advertising -----------------------------------------------------------

    def advertise(self, scan_uuids: frozenset[str] | None) -> None:
        """One advertisement, if someone scans with a filter that lets it through."""
        if not self.advertising or self.connected or scan_uuids is None:
            return
        if scan_uuids and not scan_uuids & set(self.profile.advertised_uuids):
            return  # BlueZ applies SetDiscoveryFilter's UUIDs before telling clients
        rssi = Variant("n", self.profile.rssi_dbm + self._rng.randint(-3, 3))
        if not self.tree.exists(self.path):
            self._export_device(rssi)
        else:
            self.tree.set(self.path, DEVICE, {"RSSI": rssi})

    def _start_advertising(self) -> None:
        if not self.advertising:
            self.timeline.append((time.monotonic(), "advertising"))
        self.advertising = True
        self._adv_event.set()

    def _stop_advertising(self) -> None:
        self.advertising = False
        self._adv_event.clear()

    def _export_device(self, rssi: Variant) -> None:
        props = {
            "Address": Variant("s", self.address),
            "AddressType": Variant("s", "public"),
            "Name": Variant("s", self.name),
            "Alias": Variant("s", self.name),
            "Adapter": Variant("o", self.adapter_path),
            "Paired": Variant("b", False),
            "Bonded": Variant("b", False),
            "Trusted": Variant("b", False),
            "Blocked": Variant("b", False),
            "LegacyPairing": Variant("b", False),
            "Connected": Variant("b", self.connected),
            "ServicesResolved": Variant("b", False),
            "RSSI": rssi,
            "UUIDs": Variant("as", list(self.profile.advertised_uuids)),
            "ManufacturerData": Variant("a{qv}", {POLAR_COMPANY_ID: Variant("ay", b"\x3f\x00")}),
            "ServiceData": Variant("a{sv}", {}),
        }
        self.tree.add(self.path, {DEVICE: props})
        self.tree.on(self.path, DEVICE, "Connect", self._on_connect)
        self.tree.on(self.path, DEVICE, "Disconnect", self._on_disconnect)

    # --- BlueZ side: connection ------------------------------------------------------------

    def _on_connect(self, msg: Message) -> Message | bool:
        if self.connected:
            return Message.new_method_return(msg)
        task = self.loop.create_task(self._connect_when_advertising(msg))
        self._pending_connects.append(task)
        task.add_done_callback(self._pending_connects.remove)
        return True  # answered when the strap is seen, like a real LE connection request

    async def _connect_when_advertising(self, msg: Message) -> None:
        try:
            async with asyncio.timeout(CONNECT_TIMEOUT_S):
                await self._adv_event.wait()
            await asyncio.sleep(CONNECT_LATENCY_S)
        except TimeoutError:
            self._reply_error(msg, "org.bluez.Error.Failed", "Software caused connection abort")
            return
        except asyncio.CancelledError:
            self._reply_error(msg, "org.bluez.Error.Failed", "Operation was cancelled")
            raise
        if not self.connected:
            self._establish()
        self.tree.bus.send(Message.new_method_return(msg))

    def _establish(self) -> None:
        if not self.tree.exists(self.path):
            self._export_device(Variant("n", self.profile.rssi_dbm))
        self.connected = True
        self.stalled = False
        self.connects += 1
        self._stop_advertising()  # most straps stop advertising while connected
        self.timeline.append((time.monotonic(), "connected"))
        self.tree.set(self.path, DEVICE, {"Connected": Variant("b", True)})
        self._export_gatt()
        self.tree.set(self.path, DEVICE, {"ServicesResolved": Variant("b", True)})

    def _on_disconnect(self, msg: Message) -> Message:
        for task in list(self._pending_connects):
            task.cancel()
        if self.connected:
            self._teardown("disconnected by host")
            self._start_advertising()
        return Message.new_method_return(msg)

    def _teardown(self, why: str) -> None:
        if not self.connected:
            return
        self.connected = False
        self.notifying = False
        self.timeline.append((time.monotonic(), why))
        # Order as BlueZ: services unresolved, disconnected, then the GATT objects go away.
        self.tree.set(self.path, DEVICE, {"ServicesResolved": Variant("b", False)})
        self.tree.set(self.path, DEVICE, {"Connected": Variant("b", False)})
        for path in reversed(self._gatt.objects):
            self.tree.remove(path)
        self._gatt = _Gatt()

    def _reply_error(self, msg: Message, name: str, text: str) -> None:
        self.tree.bus.send(Message.new_error(msg, name, text))

    # --- BlueZ side: GATT ------------------------------------------------------------------

    def _export_gatt(self) -> None:
        if self.profile.heart_rate:
            service = self._add_service(0x0010, HEART_RATE_SERVICE)
            self._gatt.hr_measurement = self._add_char(
                service, 0x0011, HEART_RATE_MEASUREMENT, ["notify"], b"", cccd=True
            )
            if self.profile.body_location is not None:
                self._add_char(
                    service,
                    0x0014,
                    BODY_SENSOR_LOCATION,
                    ["read"],
                    bytes([self.profile.body_location]),
                )
        if self.profile.battery_pct is not None:
            service = self._add_service(0x0020, BATTERY_SERVICE)
            self._add_char(
                service,
                0x0021,
                BATTERY_LEVEL,
                ["read", "notify"],
                bytes([self.profile.battery_pct]),
                cccd=True,
            )

    def _add_service(self, handle: int, uuid: str) -> str:
        # bleak slices paths and parses handles from them: exactly 4 hex digits per level.
        path = f"{self.path}/service{handle:04x}"
        self.tree.add(
            path,
            {
                SERVICE: {
                    "UUID": Variant("s", uuid),
                    "Device": Variant("o", self.path),
                    "Primary": Variant("b", True),
                    "Includes": Variant("ao", []),
                }
            },
        )
        self._gatt.objects.append(path)
        return path

    def _add_char(
        self,
        service: str,
        handle: int,
        uuid: str,
        flags: list[str],
        value: bytes,
        *,
        cccd: bool = False,
    ) -> str:
        path = f"{service}/char{handle:04x}"
        self.tree.add(
            path,
            {
                CHARACTERISTIC: {
                    "UUID": Variant("s", uuid),
                    "Service": Variant("o", service),
                    "Value": Variant("ay", value),
                    "Notifying": Variant("b", False),
                    "Flags": Variant("as", flags),
                    "MTU": Variant("q", 23),
                }
            },
        )
        self._gatt.objects.append(path)
        self.tree.on(path, CHARACTERISTIC, "ReadValue", lambda msg: self._on_read(msg, path))
        self.tree.on(
            path, CHARACTERISTIC, "StartNotify", lambda msg: self._on_notify(msg, path, True)
        )
        self.tree.on(
            path, CHARACTERISTIC, "StopNotify", lambda msg: self._on_notify(msg, path, False)
        )
        if cccd:
            desc = f"{path}/desc{handle + 2:04x}"
            self.tree.add(
                desc,
                {
                    DESCRIPTOR: {
                        "UUID": Variant("s", CCCD),
                        "Characteristic": Variant("o", path),
                        "Value": Variant("ay", b"\x00\x00"),
                        "Flags": Variant("as", ["read", "write"]),
                    }
                },
            )
            self._gatt.objects.append(desc)
        return path

    def _on_read(self, msg: Message, path: str) -> Message:
        if path == self._gatt.hr_measurement:
            # 0x2A37 is notify-only; reading a subscribed characteristic through BlueZ would also
            # deliver the value as a notification (duplicates). Count it so tests can forbid it.
            self.hr_reads += 1
            raise DBusError("org.bluez.Error.NotPermitted", "Read not permitted")
        value = self.tree.get(path, CHARACTERISTIC, "Value")
        return Message.new_method_return(msg, "ay", [value])

    def _on_notify(self, msg: Message, path: str, on: bool) -> Message:
        self.tree.set(path, CHARACTERISTIC, {"Notifying": Variant("b", on)})
        if path == self._gatt.hr_measurement:
            self.notifying = on
            if on:
                self.timeline.append((time.monotonic(), "notifying"))
        return Message.new_method_return(msg)

    # --- the heart ----------------------------------------------------------------------------

    async def _play(self, frames: list[Frame], period_s: float) -> None:
        start = self.loop.time()
        for i, frame in enumerate(frames):
            # Absolute schedule: no drift, however long a send takes.
            await asyncio.sleep(max(0.0, start + i * period_s - self.loop.time()))
            self._send(frame)

    def _send(self, frame: Frame) -> bool:
        delivered = self.connected and self.notifying and not self.stalled
        if delivered:
            self.tree.set(
                self._gatt.hr_measurement, CHARACTERISTIC, {"Value": Variant("ay", frame.data)}
            )
        self._sent.append(SentFrame(time.monotonic(), frame, delivered))
        return delivered
