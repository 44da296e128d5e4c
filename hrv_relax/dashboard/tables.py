"""Pure: store records -> tables for display."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from hrv_relax.store import SessionRecord

STATUS_LABELS = {
    "recording": "● recording",
    "complete": "complete",
    "interrupted": "interrupted (recorder stopped unexpectedly)",
}


def sessions_table(rows: Sequence[SessionRecord]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "Session": [r.id for r in rows],
            "Client": [r.client_name for r in rows],
            "Start (UTC)": [r.started_at.strftime("%Y-%m-%d %H:%M") for r in rows],
            "Minutes": [
                None if r.duration_s is None else round(r.duration_s / 60, 1) for r in rows
            ],
            "Status": [STATUS_LABELS.get(r.status, r.status) for r in rows],
            "Beats": [r.n_beats for r in rows],
            "Source": [r.source for r in rows],
        }
    )
