"""Times in the clinic's zone: today without a date, other days with one, DST, ISO offsets."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pytest

from hrv_relax.config import parse_zone
from hrv_relax.errors import ConfigurationError
from hrv_relax.records import SYSTEM
from hrv_relax.store import open_store
from hrv_relax.store.accounts import set_time_zone
from hrv_relax.views.local_time import ClinicClock, clinic_zone

BERLIN = parse_zone("Europe/Berlin")
# Europe/Berlin leaves summer time on 2026-10-25 at 01:00 UTC (03:00 CEST -> 02:00 CET).
NOW = dt.datetime(2026, 10, 25, 12, 0, tzinfo=dt.UTC)


def clock() -> ClinicClock:
    return ClinicClock(BERLIN, now=NOW)


def test_today_shows_the_local_hour_and_other_days_the_date() -> None:
    c = clock()
    assert c.when(dt.datetime(2026, 10, 25, 9, 5, tzinfo=dt.UTC)) == "10:05"
    assert c.when(dt.datetime(2026, 10, 24, 9, 5, tzinfo=dt.UTC)) == "24 Oct 11:05"
    assert c.when(dt.datetime(2025, 3, 2, 9, 5, tzinfo=dt.UTC)) == "2 Mar 2025 10:05"
    # 23:30 UTC on the 24th is already the 25th in Berlin: today.
    assert c.when(dt.datetime(2026, 10, 24, 23, 30, tzinfo=dt.UTC)) == "01:30"
    assert c.when_seconds(dt.datetime(2026, 10, 24, 9, 5, 7, tzinfo=dt.UTC)) == "24 Oct 11:05:07"


def test_the_offset_follows_daylight_saving_time() -> None:
    c = clock()
    before = dt.datetime(2026, 10, 25, 0, 30, tzinfo=dt.UTC)
    after = dt.datetime(2026, 10, 25, 1, 30, tzinfo=dt.UTC)
    assert c.iso(before) == "2026-10-25T02:30:00+02:00"
    assert c.iso(after) == "2026-10-25T02:30:00+01:00"  # the same wall time, an hour later
    assert c.clock(before) == "02:30 CEST" and c.clock(after) == "02:30 CET"
    assert c.stamp(dt.datetime(2026, 7, 1, 22, 0, tzinfo=dt.UTC)) == "2026-07-02 00:00"
    assert c.day(dt.datetime(2026, 7, 1, 22, 0, tzinfo=dt.UTC)) == "2 July 2026"
    assert dt.datetime.fromisoformat(c.iso(after)) == after


@pytest.mark.parametrize("bad", ["Mars/Olympus", "Europe/berlin ", "../etc/passwd", "", "CEST+1"])
def test_an_unknown_zone_is_one_clear_error(bad: str) -> None:
    with pytest.raises(ConfigurationError, match=r"unknown time zone .*IANA name"):
        parse_zone(bad)


def test_the_zone_comes_from_the_environment_then_the_setting_then_the_server(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("HRV_RELAX_TIMEZONE", raising=False)
    monkeypatch.setenv("TZ", "America/New_York")
    store = open_store(tmp_path / "practice.db")
    assert ClinicClock.for_store(store).name == "America/New_York"
    set_time_zone(store, SYSTEM, " Asia/Tokyo ")
    assert ClinicClock.for_store(store).name == "Asia/Tokyo"
    with pytest.raises(ConfigurationError, match="unknown time zone 'Asia/Tokio'"):
        set_time_zone(store, SYSTEM, "Asia/Tokio")
    assert ClinicClock.for_store(store).name == "Asia/Tokyo"  # the bad name was not stored
    monkeypatch.setenv("HRV_RELAX_TIMEZONE", "Europe/Lisbon")
    assert clinic_zone(store) == parse_zone("Europe/Lisbon")
    monkeypatch.setenv("HRV_RELAX_TIMEZONE", "Lisbon")
    with pytest.raises(ConfigurationError, match="'Lisbon'"):
        clinic_zone(store)
    store.close()


@pytest.mark.parametrize(
    "zone",
    [BERLIN, parse_zone("America/New_York"), dt.timezone(dt.timedelta(hours=5, minutes=45))],
    ids=["Berlin", "New York", "+05:45"],
)
def test_many_stamps_at_once_are_each_times_stamp(zone: dt.tzinfo) -> None:
    """Across Berlin's and New York's changes of summer time, and a fixed offset."""
    start = dt.datetime(2026, 3, 7, 0, 0, 30, 999_999, tzinfo=dt.UTC)
    times = [start + dt.timedelta(minutes=97 * k) for k in range(600)]  # to mid April
    c = ClinicClock(zone, now=NOW)
    at = np.array([t.replace(tzinfo=None) for t in times], dtype="datetime64[us]")
    assert c.stamps(at) == [c.stamp(t) for t in times]
    assert c.stamps(at[:0]) == []
