"""The fake org.bluez service: adapter hci0, discovery with filters, and the straps in range.

It provides what bleak 3.1's BlueZ backend uses (see ../../../shared notes and
bleak/backends/bluezdbus/manager.py) and nothing more. It runs on its own loop in a thread and
connects to the private bus explicitly; it refuses to start unless DBUS_SYSTEM_BUS_ADDRESS, which
the code under test follows, is that private bus.
"""

from __future__ import annotations

import asyncio
import dataclasses
from typing import Any

from dbus_fast import Message, Variant
from dbus_fast.aio import MessageBus
from dbus_fast.errors import DBusError

from .bus import PrivateSystemBus
from .loop import LoopThread, in_loop
from .objects import ObjectTree
from .peripheral import FakeStrap, StrapProfile

ADAPTER = "org.bluez.Adapter1"
ADAPTER_PATH = "/org/bluez/hci0"
ADVERTISING_INTERVAL_S = 0.1  # real straps advertise every ~0.1-1 s


class FakeBluez:
    """A BlueZ daemon with one adapter. Use `add_strap` to put straps in range."""

    def __init__(self, bus: PrivateSystemBus) -> None:
        bus.assert_in_use()
        self._private = bus
        self._thread = LoopThread("fake-bluez")
        self.loop = self._thread.loop
        self.straps: list[FakeStrap] = []
        self.discovery_filters: list[dict[str, Any]] = []  # every SetDiscoveryFilter, for tests
        self._discovering: dict[str, frozenset[str]] = {}  # D-Bus client -> UUIDs it asked for
        self._filters: dict[str, frozenset[str]] = {}
        self._powered = True
        self._bus: MessageBus | None = None
        self._tree: ObjectTree | None = None
        self._advertiser: asyncio.Task[None] | None = None
        self._thread.run(self._start())

    @property
    def tree(self) -> ObjectTree:
        assert self._tree is not None
        return self._tree

    async def _start(self) -> None:
        self._bus = await MessageBus(bus_address=self._private.address).connect()
        self._tree = ObjectTree(self._bus)
        self._bus.add_message_handler(self._tree.handle)
        self.tree.add(ADAPTER_PATH, {ADAPTER: self._adapter_props()})
        for member, handler in (
            ("SetDiscoveryFilter", self._set_discovery_filter),
            ("StartDiscovery", self._start_discovery),
            ("StopDiscovery", self._stop_discovery),
            ("RemoveDevice", self._remove_device),
        ):
            self.tree.on(ADAPTER_PATH, ADAPTER, member, handler)
        # Own the name last: clients that see org.bluez find a complete tree.
        await self._bus.request_name("org.bluez")
        self._advertiser = asyncio.create_task(self._advertise_forever())

    def close(self) -> None:
        self._thread.run(self._stop())
        self._thread.close()

    async def _stop(self) -> None:
        if self._advertiser is not None:
            self._advertiser.cancel()
        for strap in self.straps:
            strap.stop_playing()
        if self._bus is not None:
            self._bus.disconnect()
            await self._bus.wait_for_disconnect()  # type: ignore[no-untyped-call]

    # --- what the test does ----------------------------------------------------------------

    @in_loop
    def add_strap(
        self, /, address: str, name: str, profile: StrapProfile | None = None, **changes: Any
    ) -> FakeStrap:
        """Put a strap in range: a default chest strap, or `profile` with `changes` to it."""
        profile = dataclasses.replace(profile or StrapProfile(), **changes)
        strap = FakeStrap(self.tree, self.loop, ADAPTER_PATH, address, name, profile=profile)
        self.straps.append(strap)
        return strap

    @in_loop
    def set_powered(self, powered: bool) -> None:
        """Turn the adapter off (the user's Bluetooth switch) or on."""
        self._powered = powered
        if not powered:
            for strap in self.straps:
                strap.link_lost(readvertise_after_s=0.0)
            self._discovering.clear()
        self.tree.set(
            ADAPTER_PATH,
            ADAPTER,
            {
                "Powered": Variant("b", powered),
                "PowerState": Variant("s", "on" if powered else "off"),
                "Discovering": Variant("b", bool(self._discovering)),
            },
        )

    @property
    def discovering(self) -> bool:
        return bool(self._discovering)

    # --- org.bluez.Adapter1 ----------------------------------------------------------------

    def _adapter_props(self) -> dict[str, Variant]:
        return {
            "Address": Variant("s", "00:1A:7D:DA:71:13"),
            "AddressType": Variant("s", "public"),
            "Name": Variant("s", "hrv-relax-test"),
            "Alias": Variant("s", "hrv-relax-test"),
            "Class": Variant("u", 0),
            "Powered": Variant("b", self._powered),
            "PowerState": Variant("s", "on"),
            "Discoverable": Variant("b", False),
            "Pairable": Variant("b", True),
            "Discovering": Variant("b", False),
            "UUIDs": Variant("as", []),
            "Roles": Variant("as", ["central", "peripheral"]),
        }

    def _set_discovery_filter(self, msg: Message) -> Message:
        filters = {key: value.value for key, value in msg.body[0].items()}
        self.discovery_filters.append(filters)
        self._filters[msg.sender or ""] = frozenset(u.lower() for u in filters.get("UUIDs", []))
        return Message.new_method_return(msg)

    def _start_discovery(self, msg: Message) -> Message:
        if not self._powered:
            raise DBusError("org.bluez.Error.NotReady", "Resource Not Ready")
        sender = msg.sender or ""
        was = bool(self._discovering)
        self._discovering[sender] = self._filters.get(sender, frozenset())
        if not was:
            self.tree.set(ADAPTER_PATH, ADAPTER, {"Discovering": Variant("b", True)})
        return Message.new_method_return(msg)

    def _stop_discovery(self, msg: Message) -> Message:
        if not self._powered:
            raise DBusError("org.bluez.Error.NotReady", "Resource Not Ready")
        if self._discovering.pop(msg.sender or "", None) is None:
            raise DBusError("org.bluez.Error.Failed", "No discovery started")
        self._filters.pop(msg.sender or "", None)
        if not self._discovering:
            self.tree.set(ADAPTER_PATH, ADAPTER, {"Discovering": Variant("b", False)})
        return Message.new_method_return(msg)

    def _remove_device(self, msg: Message) -> Message:
        for strap in self.straps:
            if strap.path == msg.body[0]:
                strap.forget()
                strap.reappear()
                return Message.new_method_return(msg)
        raise DBusError("org.bluez.Error.DoesNotExist", "Does Not Exist")

    def _scan_uuids(self) -> frozenset[str] | None:
        """What discovery lets through: None when nobody scans, empty for "everything"."""
        if not self._discovering:
            return None
        filters = list(self._discovering.values())
        if any(not f for f in filters):
            return frozenset()
        return frozenset().union(*filters)

    async def _advertise_forever(self) -> None:
        while True:
            scan = self._scan_uuids()
            for strap in self.straps:
                strap.advertise(scan)
            await asyncio.sleep(ADVERTISING_INTERVAL_S)
