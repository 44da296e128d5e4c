"""The store's notion of now (one place, so tests and backdated demo data agree)."""

from __future__ import annotations

import datetime as dt


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)
