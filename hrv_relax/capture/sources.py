"""What every source of beats speaks: raw 0x2A37 notifications with an arrival time.

A real strap (hrv_relax.capture.ble), the simulated strap (hrv_relax.capture.simulator) and a
replayed file all yield these events; the recorder decodes and stores them the same way.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True, slots=True)
class Notification:
    """The bytes of one Heart Rate Measurement notification and its arrival (source clock, s)."""

    t_s: float
    data: bytes


@dataclass(frozen=True, slots=True)
class LinkEvent:
    """A change in the link to the strap, or a fresh battery reading."""

    t_s: float
    link: str  # one of hrv_relax.store.live.LINK_STATES
    battery_pct: int | None = None
    detail: str = ""
    strap_name: str | None = None  # the strap's advertised name, once known
    body_location: str | None = None  # from characteristic 0x2A38, e.g. "chest"


SourceEvent = Notification | LinkEvent


class BeatSource(Protocol):
    """A strap, real or simulated."""

    @property
    def kind(self) -> str:
        """The session source it produces: "ble" or "simulated"."""
        ...

    @property
    def address(self) -> str | None:
        """The strap's address, if it has one."""
        ...

    def now(self) -> float:
        """The current time on the clock the events' `t_s` use."""
        ...

    def events(self) -> AsyncIterator[SourceEvent]:
        """Notifications and link events until the source ends or is closed."""
        ...

    async def close(self) -> None:
        """Stop producing events and release the strap."""
        ...
