"""Pure: text tables and history points -> DataFrames for st.dataframe."""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt
import pandas as pd

from hrv_relax.views.figure_tables import TextTable
from hrv_relax.views.history import HistoryView
from hrv_relax.views.local_time import ClinicClock


def frame(table: TextTable) -> pd.DataFrame:
    return pd.DataFrame([list(r) for r in table.rows], columns=list(table.header))


def history_frame(view: HistoryView, names: dict[int, str], clock: ClinicClock) -> pd.DataFrame:
    """Newest first, with a link to each session's review."""
    line = view.timeline
    pts = line.sessions
    newest_first = slice(None, None, -1)

    def rnd(values: npt.NDArray[np.float64], digits: int) -> list[float | None]:
        return [
            round(v, digits) if math.isfinite(v) else None for v in values[newest_first].tolist()
        ]

    therapists = pts.therapist_id[newest_first].tolist()
    return pd.DataFrame(
        {
            "Review": [f"review?session={sid}" for sid in pts.session_id[newest_first].tolist()],
            "Date": clock.stamps(pts.started_at[newest_first]),
            "Client": pts.client_name[newest_first].tolist(),
            "Therapist": [names.get(t, "") for t in therapists],
            "Minutes": rnd(pts.duration_s / 60.0, 0),
            "Baseline lnRMSSD": rnd(pts.baseline_ln_rmssd, 2),
            "Baseline vs usual": line.baseline_position[newest_first].tolist(),
            "HR change (bpm)": rnd(pts.hr_change_bpm, 1),
            "RMSSD change (%)": rnd(pts.rmssd_change_pct, 0),
            "Verdict": line.verdict[newest_first].tolist(),
            "Techniques and pressures": [", ".join(m) for m in line.markers[newest_first]],
        }
    )
