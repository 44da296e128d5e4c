"""Times as the clinic reads them: in its time zone, with the date unless it is today.

The store keeps every time in UTC. Everything a person reads (pages, the report, the audit log,
the `sessions` listing) goes through `ClinicClock`; exports carry ISO 8601 with the offset.
The zone is `HRV_RELAX_TIMEZONE`, else the practice setting, else the server's own zone.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
import pandas as pd

from hrv_relax.config import ENV_TIMEZONE, parse_zone, server_zone
from hrv_relax.errors import InvalidInputError
from hrv_relax.store.engine import Store
from hrv_relax.store.settings import TIME_ZONE, get_setting

#: How a table writes a time: "2026-11-30 14:05" (a fixed width sorts and reads well).
STAMP = "%Y-%m-%d %H:%M"


def clinic_zone(store: Store | None = None) -> dt.tzinfo:
    """`HRV_RELAX_TIMEZONE`, else the practice's time-zone setting, else the server's zone."""
    raw = os.environ.get(ENV_TIMEZONE, "").strip()
    if raw:
        return parse_zone(raw)
    if store is not None:
        stored = get_setting(store, TIME_ZONE).strip()
        if stored:
            return parse_zone(stored)
    return server_zone()


def zone_name(zone: dt.tzinfo) -> str:
    """A zone's IANA key where it has one ("Europe/Berlin"), else its abbreviation now."""
    key = getattr(zone, "key", None)
    return str(key) if key else dt.datetime.now(zone).strftime("%Z") or "local time"


@dataclass(frozen=True, slots=True)
class ClinicClock:
    """Formats stored (UTC) times for people in `zone`; `today` is the zone's date now."""

    zone: dt.tzinfo
    now: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.UTC))

    @classmethod
    def for_store(cls, store: Store | None) -> ClinicClock:
        return cls(clinic_zone(store))

    @property
    def today(self) -> dt.date:
        return self.now.astimezone(self.zone).date()

    @property
    def name(self) -> str:
        return zone_name(self.zone)

    def local(self, at: dt.datetime) -> dt.datetime:
        return _aware(at).astimezone(self.zone)

    def when(self, at: dt.datetime) -> str:
        """ "14:05" today, "30 Nov 14:05" this year, "30 Nov 2025 14:05" before."""
        t = self.local(at)
        if t.date() == self.today:
            return f"{t:%H:%M}"
        if t.year == self.today.year:
            return f"{t.day} {t:%b %H:%M}"
        return f"{t.day} {t:%b %Y %H:%M}"

    def when_seconds(self, at: dt.datetime) -> str:
        """Like `when`, to the second (the audit log)."""
        t = self.local(at)
        return f"{self.when(at)}:{t:%S}"

    def stamp(self, at: dt.datetime) -> str:
        """ "2026-11-30 14:05": for tables, where a fixed width sorts and reads well."""
        return self.local(at).strftime(STAMP)

    def stamps(self, at: npt.NDArray[np.datetime64]) -> list[str]:
        """`stamp` of many UTC times at once (numpy datetimes without a zone), by pandas."""
        utc = pd.DatetimeIndex(at.astype("datetime64[us]")).tz_localize("UTC")
        return list(utc.tz_convert(self.zone).strftime(STAMP))

    def day(self, at: dt.datetime) -> str:
        """ "30 November 2026"."""
        t = self.local(at)
        return f"{t.day} {t:%B %Y}"

    def clock(self, at: dt.datetime) -> str:
        """ "14:05" with the zone's abbreviation, e.g. "14:05 CET"."""
        t = self.local(at)
        return f"{t:%H:%M %Z}".strip()

    def parse(self, text: str) -> dt.datetime:
        """ISO 8601 typed by a person ("2026-11-30T14:05", with or without an offset) -> UTC.

        Without an offset the time is the clinic's.
        """
        try:
            at = dt.datetime.fromisoformat(text.strip())
        except ValueError:
            raise InvalidInputError(
                f"{text!r} is not a date and time: use ISO 8601 such as 2026-11-30T14:05 "
                "(clinic time) or 2026-11-30T14:05+01:00"
            ) from None
        return self.combine(at) if at.tzinfo is None else at.astimezone(dt.UTC)

    def combine(self, local: dt.datetime) -> dt.datetime:
        """A clinic wall-clock time (naive) -> UTC."""
        return local.replace(tzinfo=self.zone).astimezone(dt.UTC)

    def iso(self, at: dt.datetime) -> str:
        """ISO 8601 to the second with the offset: "2026-11-30T14:05:00+01:00"."""
        return self.local(at).isoformat(timespec="seconds")


def _aware(at: dt.datetime) -> dt.datetime:
    return at if at.tzinfo is not None else at.replace(tzinfo=dt.UTC)
