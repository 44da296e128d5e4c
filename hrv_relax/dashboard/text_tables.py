"""Pure: text tables and history points -> DataFrames for st.dataframe."""

from __future__ import annotations

import math

import pandas as pd

from hrv_relax.views.figure_tables import TextTable
from hrv_relax.views.history import HistoryView
from hrv_relax.views.local_time import ClinicClock


def frame(table: TextTable) -> pd.DataFrame:
    return pd.DataFrame([list(r) for r in table.rows], columns=list(table.header))


def history_frame(view: HistoryView, names: dict[int, str], clock: ClinicClock) -> pd.DataFrame:
    """Newest first, with a link to each session's review."""
    pts = list(reversed(view.points))

    def rnd(value: float, digits: int) -> float | None:
        return round(value, digits) if math.isfinite(value) else None

    return pd.DataFrame(
        {
            "Review": [f"review?session={p.session_id}" for p in pts],
            "Date": [clock.stamp(p.started_at) for p in pts],
            "Client": [p.client_name for p in pts],
            "Therapist": [names.get(p.therapist_id or -1, "") for p in pts],
            "Minutes": [rnd(p.duration_min, 0) for p in pts],
            "Baseline lnRMSSD": [rnd(p.baseline_ln_rmssd, 2) for p in pts],
            "Baseline vs usual": [p.baseline_position for p in pts],
            "HR change (bpm)": [rnd(p.hr_change_bpm, 1) for p in pts],
            "RMSSD change (%)": [rnd(p.rmssd_pct, 0) for p in pts],
            "Verdict": [p.verdict for p in pts],
            "Techniques and pressures": [", ".join(p.markers) for p in pts],
        }
    )
