"""What a person typed stays text in the charts: a note holding a link is not a link.

plotly reads tags in chart text: a note "<a href='https://attacker.test'>...</a>" became a
clickable link in the client's own chart of her session.
"""

from __future__ import annotations

import datetime as dt
import json

from hrv_relax.dashboard.charts.review import hr_rmssd_figure
from hrv_relax.demo.synthetic_history import seed_sessions
from hrv_relax.records import SYSTEM
from hrv_relax.store import Store, add_client, add_marker
from hrv_relax.views.review import review_view

LINK = "<a href='https://attacker.test/login'>your results</a>"


def test_a_note_with_a_link_is_shown_as_text_in_the_session_chart(store: Store) -> None:
    client = add_client(store, "Dana")
    (session_id,) = seed_sessions(
        store, client.id, 1, first_day=dt.datetime(2026, 5, 4, 10, tzinfo=dt.UTC), seed=5
    )
    add_marker(store, session_id, "note", LINK, t_s=120.0)
    chart = json.dumps(hr_rmssd_figure(review_view(store, SYSTEM, session_id)), default=str)
    assert "<a " not in chart and "attacker.test" in chart  # there, as text
    assert "&lt;a href=" in chart
