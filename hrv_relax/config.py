"""Configuration in one place: `HRV_RELAX_*` environment variables, then command-line flags."""

from __future__ import annotations

import datetime as dt
import math
import os
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from platformdirs import user_data_path

from hrv_relax.errors import ConfigurationError

APP_NAME = "hrv-relax"
ENV_DB = "HRV_RELAX_DB"
#: The clinic's IANA time zone for every time shown (else the practice setting, else the server's).
ENV_TIMEZONE = "HRV_RELAX_TIMEZONE"
ENV_DEMO = "HRV_RELAX_DEMO"  # set by `hrv-relax demo` for the dashboard it serves
# A file where the dashboard notes the sessions its pages start, so the `hrv-relax demo` that
# serves it stops only its own recordings on Ctrl-C (hrv_relax.capture.processes).
ENV_STARTED_LIST = "HRV_RELAX_STARTED_LIST"
# Where a recorder keeps beats the database has not confirmed yet (hrv_relax.capture.journal).
ENV_BUFFER_DIR = "HRV_RELAX_BUFFER_DIR"
# Minutes without a click after which a dashboard sign-in ends (OWASP: 15-30 for health data).
ENV_IDLE_MINUTES = "HRV_RELAX_IDLE_MINUTES"
DEFAULT_IDLE_MINUTES = 30.0
# Host names the dashboard answers to besides 127.0.0.1, localhost and --host: the public name
# a TLS reverse proxy passes on (comma-separated). Any other Host header is refused.
ENV_ALLOWED_HOSTS = "HRV_RELAX_ALLOWED_HOSTS"
# Reverse proxies (addresses or networks, comma-separated) whose X-Forwarded-For is believed:
# the sign-in limit per address then counts each browser, not the proxy.
ENV_TRUSTED_PROXIES = "HRV_RELAX_TRUSTED_PROXIES"
DEFAULT_DB_FILENAME = "hrv-relax.db"
DEMO_DB_FILENAME = "hrv-relax-demo.db"
_ZONEINFO_MARK = "zoneinfo/"
DEFAULT_DASHBOARD_PORT = 8501
# The dashboard serves health data: localhost only unless the operator says otherwise.
DEFAULT_DASHBOARD_ADDRESS = "127.0.0.1"


def data_dir() -> Path:
    """The user's data folder for hrv-relax (created on demand)."""
    return user_data_path(APP_NAME, appauthor=False)


def buffer_dir() -> Path:
    """The recorders' local journals: `HRV_RELAX_BUFFER_DIR`, else beside the user's data."""
    raw = os.environ.get(ENV_BUFFER_DIR, "").strip()
    return Path(raw).expanduser() if raw else data_dir() / "buffer"


def idle_limit_s() -> float:
    """`HRV_RELAX_IDLE_MINUTES` (default 30) in seconds; a clear error if it is not a number."""
    raw = os.environ.get(ENV_IDLE_MINUTES, "").strip()
    try:
        minutes = float(raw) if raw else DEFAULT_IDLE_MINUTES
    except ValueError:
        minutes = math.nan
    if not 0 < minutes <= 24 * 60:
        raise ConfigurationError(
            f"{ENV_IDLE_MINUTES} must be a number of minutes from 0 to 1440, not {raw!r}"
        )
    return minutes * 60.0


def default_db_path() -> Path:
    return data_dir() / DEFAULT_DB_FILENAME


def demo_db_path() -> Path:
    return data_dir() / DEMO_DB_FILENAME


def resolve_db_url(value: str | os.PathLike[str] | None = None) -> str:
    """Turn `--db`, else `HRV_RELAX_DB`, else the default file, into an SQLAlchemy URL.

    A value containing "://" is taken as an SQLAlchemy URL (e.g. postgresql+psycopg://...);
    anything else is a path to an SQLite file.
    """
    raw = os.fspath(value) if value is not None else os.environ.get(ENV_DB, "")
    raw = raw.strip()
    if not raw:
        return sqlite_url(default_db_path())
    if "://" in raw:
        return raw
    return sqlite_url(Path(raw).expanduser())


def shown_db_url(url: str) -> str:
    """A database URL fit to print or log: any password in it reads `***`."""
    from sqlalchemy import make_url  # noqa: PLC0415 - config stays light for every process
    from sqlalchemy.exc import ArgumentError  # noqa: PLC0415

    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "(an unreadable database URL)"


def sqlite_url(path: Path) -> str:
    if path.exists() and path.is_dir():
        raise ConfigurationError(f"database path {path} is a folder, expected a file")
    return f"sqlite:///{path.resolve()}"


def parse_zone(name: str) -> ZoneInfo:
    """The IANA zone named `name` (e.g. "Europe/Berlin"), or a one-line error saying so."""
    text = name.strip()
    try:
        if not text or text.startswith(("/", ".")) or ".." in text:
            raise ValueError(text)
        return ZoneInfo(text)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise ConfigurationError(
            f"unknown time zone {name!r}: use an IANA name such as Europe/Berlin, "
            "America/New_York or UTC"
        ) from None


def server_zone() -> dt.tzinfo:
    """This computer's zone: $TZ, else /etc/localtime's zone name, else its current offset."""
    for candidate in (os.environ.get("TZ", "").lstrip(":"), _localtime_name()):
        if candidate:
            try:
                return parse_zone(candidate)
            except ConfigurationError:
                continue
    return dt.datetime.now().astimezone().tzinfo or dt.UTC


def _localtime_name() -> str:
    try:
        target = str(Path("/etc/localtime").resolve())
    except OSError:
        return ""
    _, mark, name = target.partition(_ZONEINFO_MARK)
    return name if mark else ""
