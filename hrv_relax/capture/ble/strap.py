"""A real heart-rate strap over Bluetooth LE as a BeatSource: find, connect, subscribe, and keep
the link alive for a whole session.

One supervisor task owns the connection. The notification callback only timestamps the frame and
enqueues it; the recorder decodes. Link changes go into the same queue, so a "reconnecting" event
always precedes the first frame of the next connection and the recorder marks a gap there.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass

from bleak import BleakClient
from bleak.backends.characteristic import BleakGATTCharacteristic
from bleak.backends.device import BLEDevice
from bleak.exc import BleakError
from bleak_retry_connector import establish_connection

from hrv_relax.capture.ble.adapter import BluetoothUnavailable, bluetooth_errors
from hrv_relax.capture.ble.gatt import (
    BATTERY_LEVEL,
    BODY_SENSOR_LOCATION,
    HEART_RATE_MEASUREMENT,
    battery_pct,
    body_location,
)
from hrv_relax.capture.ble.scan import find_strap
from hrv_relax.capture.sources import LinkEvent, Notification, SourceEvent

log = logging.getLogger(__name__)

# What a failed attempt to find or connect may raise; anything else is a bug and surfaces.
_LINK_ERRORS = (BleakError, TimeoutError, OSError, EOFError)
NOT_FOUND_HINT = "is it worn with moistened electrodes, and not connected to a phone or watch app?"


@dataclass(frozen=True, slots=True)
class LinkTiming:
    """How patiently the collector looks for, connects to and watches a strap."""

    # One scan for the strap before saying again that it is missing. Scanning continues
    # regardless: a strap that advertises again is connected within a second or two.
    scan_round_s: float = 10.0
    # Connect plus service discovery; real straps take 1-3 s, BlueZ's own limit is ~20 s.
    connect_timeout_s: float = 20.0
    # No 0x2A37 notification for this long means the link is dead even if bleak says
    # connected (bluetoothd died, or the strap hung). Straps notify about once a second.
    watchdog_s: float = 5.0
    # Pauses after failed connection attempts; the last one repeats. Short, because a strap
    # coming back within range must be reconnected within 5 s.
    backoff_s: tuple[float, ...] = (0.5, 1.0, 2.0)
    disconnect_timeout_s: float = 5.0  # a hung bluetoothd must not hang reconnection
    battery_poll_s: float = 300.0  # battery drains slowly; polling costs a radio round trip


class BleStrap:
    """Records from the strap with this address (`hrv-relax scan` shows it)."""

    def __init__(
        self,
        address: str,
        *,
        timing: LinkTiming | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._address = address
        self._timing = timing or LinkTiming()
        self._clock = clock
        self._queue: asyncio.Queue[SourceEvent | _End] = asyncio.Queue()
        self._supervisor: asyncio.Task[None] | None = None
        self._closed = False
        self._ever_connected = False
        self._last_data_s = 0.0
        self._name: str | None = None
        self._last_problem = ""

    @property
    def kind(self) -> str:
        return "ble"

    @property
    def address(self) -> str | None:
        return self._address

    def now(self) -> float:
        return self._clock()

    async def events(self) -> AsyncIterator[SourceEvent]:
        if self._supervisor is None and not self._closed:
            self._supervisor = asyncio.create_task(self._supervise(), name=f"ble {self._address}")
            self._supervisor.add_done_callback(self._on_supervisor_done)
        while True:
            item = await self._queue.get()
            if isinstance(item, _End):
                if item.error is not None:
                    raise item.error
                return
            yield item

    async def close(self) -> None:
        self._closed = True
        if self._supervisor is not None:
            self._supervisor.cancel()
            # Its error, if it failed, already reached events() through the queue.
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._supervisor
        self._queue.put_nowait(_End())

    # --- the supervisor ----------------------------------------------------------------------

    def _on_supervisor_done(self, task: asyncio.Task[None]) -> None:
        error = None if task.cancelled() else task.exception()
        self._queue.put_nowait(_End(error))

    async def _supervise(self) -> None:
        failures = 0
        while True:
            try:
                client, lost = await self._connect()
            except BluetoothUnavailable as exc:
                if not self._ever_connected:
                    raise  # nothing recorded yet: tell the user now rather than wait silently
                self._problem(f"{exc}; will reconnect when it is back")
                failures += 1
            except _LINK_ERRORS as exc:
                self._problem(f"connection attempt failed: {_describe(exc)}")
                failures += 1
            else:
                failures = 0
                self._last_problem = ""
                try:
                    reason = await self._watch(client, lost)
                finally:
                    await self._release(client)
                self._problem(f"link lost ({reason}); reconnecting")
                continue
            await asyncio.sleep(self._backoff_s(failures))

    def _backoff_s(self, failures: int) -> float:
        steps = self._timing.backoff_s
        return steps[min(failures, len(steps)) - 1] if steps and failures else 0.0

    async def _connect(self) -> tuple[BleakClient, asyncio.Event]:
        device = await self._find()
        lost = asyncio.Event()
        with bluetooth_errors():
            async with asyncio.timeout(self._timing.connect_timeout_s):
                client = await establish_connection(
                    BleakClient,
                    device,
                    device.name or self._address,
                    disconnected_callback=lambda _client: lost.set(),
                    max_attempts=2,  # our own loop retries, re-scanning in between
                )
        try:
            battery = await self._read(client, BATTERY_LEVEL)
            location = await self._read(client, BODY_SENSOR_LOCATION)
            self._last_data_s = self.now()
            self._ever_connected = True
            self._emit(
                link="connected",
                battery_pct=None if battery is None else battery_pct(battery),
                strap_name=self._name,
                body_location=None if location is None else body_location(location),
            )
            await client.start_notify(HEART_RATE_MEASUREMENT, self._on_notification)
        except BaseException:
            await self._release(client)
            raise
        log.info("%s: connected, receiving heart rate", self._address)
        return client, lost

    async def _find(self) -> BLEDevice:
        """Scan until the strap shows up; say so each round it does not."""
        waited_s = 0.0
        while True:
            with bluetooth_errors():
                device = await find_strap(self._address, self._timing.scan_round_s)
            if device is not None:
                self._name = device.name or self._name
                return device
            waited_s += self._timing.scan_round_s
            self._problem(f"strap not seen for {waited_s:.0f} s; {NOT_FOUND_HINT}")

    async def _watch(self, client: BleakClient, lost: asyncio.Event) -> str:
        """Wait while the link is good; return why it ended."""
        timing = self._timing
        next_battery_s = self.now() + timing.battery_poll_s
        while True:
            silent_s = self.now() - self._last_data_s
            if silent_s >= timing.watchdog_s:
                # bleak does not report every loss (bluetoothd dying leaves is_connected True).
                return f"no heart-rate data for {silent_s:.1f} s"
            wake_in_s = min(timing.watchdog_s - silent_s, next_battery_s - self.now())
            try:
                async with asyncio.timeout(max(wake_in_s, 0.0)):
                    await lost.wait()
            except TimeoutError:
                pass
            else:
                return "the strap disconnected"
            if self.now() >= next_battery_s:
                next_battery_s = self.now() + timing.battery_poll_s
                value = await self._read(client, BATTERY_LEVEL)
                if value is not None:
                    self._emit(link="connected", battery_pct=battery_pct(value))

    async def _read(self, client: BleakClient, uuid: str) -> bytes | None:
        """Read an optional characteristic; a strap without it, or a failed read, gives None."""
        if client.services.get_characteristic(uuid) is None:
            return None
        try:
            return bytes(await client.read_gatt_char(uuid))
        except _LINK_ERRORS as exc:
            log.info("%s: could not read %s: %s", self._address, uuid[4:8], _describe(exc))
            return None

    async def _release(self, client: BleakClient) -> None:
        try:
            async with asyncio.timeout(self._timing.disconnect_timeout_s):
                await client.disconnect()
        except _LINK_ERRORS as exc:
            log.info("%s: disconnect did not complete: %s", self._address, _describe(exc))

    def _problem(self, detail: str) -> None:
        """Tell the recorder, and the log once: a long outage must not flood the log."""
        if detail != self._last_problem:
            log.warning("%s: %s", self._address, detail)
            self._last_problem = detail
        self._emit(detail=detail)

    # --- the callback side: timestamp and enqueue, nothing else ----------------------------------

    def _on_notification(self, _char: BleakGATTCharacteristic, data: bytearray) -> None:
        t_s = self.now()
        self._last_data_s = t_s
        self._queue.put_nowait(Notification(t_s, bytes(data)))

    def _emit(
        self,
        *,
        link: str | None = None,
        detail: str = "",
        battery_pct: int | None = None,
        strap_name: str | None = None,
        body_location: str | None = None,
    ) -> None:
        if link is None:
            link = "reconnecting" if self._ever_connected else "connecting"
        self._queue.put_nowait(
            LinkEvent(
                self.now(),
                link,
                battery_pct=battery_pct,
                detail=detail,
                strap_name=strap_name,
                body_location=body_location,
            )
        )


@dataclass(frozen=True, slots=True)
class _End:
    """The end of the event stream, with the error that ended it, if any."""

    error: BaseException | None = None


def _describe(exc: BaseException) -> str:
    return str(exc) or type(exc).__name__
