"""Pure: store records -> tables for display."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from hrv_relax.dashboard.tiles import STATUS_DETAIL, STATUS_WORDS
from hrv_relax.store import SessionRecord
from hrv_relax.views.local_time import ClinicClock
from hrv_relax.vocabulary import SessionStatus


def _status(session: SessionRecord) -> str:
    """The live page's words for the session's state ("Ended early: the recorder stopped...")."""
    word = STATUS_WORDS.get(session.status, session.status)
    if session.status == SessionStatus.RECORDING:
        return f"● {word}"
    return (
        f"{word}: {STATUS_DETAIL[session.status]}"
        if session.status == SessionStatus.INTERRUPTED
        else word
    )


def sessions_table(rows: Sequence[SessionRecord], clock: ClinicClock) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "Session": [r.id for r in rows],
            "Client": [r.client_name for r in rows],
            "Start": [clock.stamp(r.started_at) for r in rows],
            "Minutes": [
                None if r.duration_s is None else round(r.duration_s / 60, 1) for r in rows
            ],
            "Status": [_status(r) for r in rows],
            "Beats": [r.n_beats for r in rows],
            "Source": [r.source for r in rows],
        }
    )
