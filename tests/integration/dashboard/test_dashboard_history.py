"""AppTest of the session review, client history and import pages against a real store."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from hrv_relax.dashboard.server import dashboard_app
from hrv_relax.records import SYSTEM
from hrv_relax.store import open_store
from tests.support.accounts import account, signed_in_app
from tests.support.history_practice import Practice, make_practice

APP = str(dashboard_app())
TIMEOUT_S = 60
#: The review's headline about the massage phase, in either of its two forms.
HEADLINE = r"During the massage(, compared with the rest before it,)? {whose} heart rate was "


@pytest.fixture(scope="module")
def practice(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Practice]:
    p = make_practice(tmp_path_factory.mktemp("pages") / "practice.db", n_sessions=6)
    yield p
    p.store.close()


@pytest.fixture
def app(practice: Practice, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.setenv("HRV_RELAX_DB", str(practice.db))
    return signed_in_app(practice.store, timeout_s=TIMEOUT_S)


def test_review_page_plain_words_first_then_figures_and_charts(
    app: AppTest, practice: Practice
) -> None:
    sid = practice.session_ids[2]
    app.query_params["session"] = str(sid)
    app.run()
    app.switch_page("screens/review.py").run()
    assert not app.exception and not app.error
    assert app.title[0].value == "Session review"
    assert app.selectbox(key="review_session").value == sid
    # The practice's sessions come from the simulated strap, and the page says so.
    assert any(i.value.startswith("Simulated session") for i in app.info)
    # Staff read about the client, not to her (with or without "compared with the rest
    # before it", which the sentence takes when one of the two changes is about nil).
    assert re.match(HEADLINE.format(whose=re.escape("Dana Example's")), app.subheader[0].value)
    assert " your " not in app.subheader[0].value
    phases = app.dataframe[0].value
    assert list(phases["Phase"]) == ["Baseline", "Massage", "Recovery"]
    assert all(6.0 <= float(b) <= 25.0 for b in phases["Breathing (/min)"])
    rhythm = app.dataframe[2].value
    assert list(rhythm.columns)[2:] == ["DFA α1 (4-12 beats)", "Sample entropy (m 2, r 0.2 SD)"]
    assert all(0.2 < float(a) < 1.8 for a in rhythm["DFA α1 (4-12 beats)"])
    shifts = app.dataframe[1].value
    assert any(str(s).startswith("Technique:") for s in shifts["Stretch"])
    captions = " ".join(c.value for c in app.caption)
    assert "orange dots are artefacts" in captions and "HF (0.15-0.4 Hz)" in captions
    assert len(app.get("plotly_chart")) == 6
    assert len(app.get("download_button")) == 4


def test_review_of_a_session_without_markers_says_what_it_compares(
    app: AppTest, practice: Practice, tmp_path: Path
) -> None:
    data = "".join(f"{800 + 30 * (i % 4)}\n" for i in range(600)).encode()
    from hrv_relax.capture.importing import import_recording

    result = import_recording(
        practice.store,
        SYSTEM,
        data,
        client=practice.other_client_id,
        started_at=dt.datetime(2026, 4, 1, 10, tzinfo=dt.UTC),  # a text file records no date
    )
    app.query_params["session"] = str(result.session_id)
    app.run()
    app.switch_page("screens/review.py").run()
    assert not app.exception
    assert app.subheader[0].value.startswith("After the first 3 minutes")
    assert any("No technique or pressure" in i.value for i in app.info)
    # For research: every neurokit2 index per phase, computed on request.
    assert len(app.get("download_button")) == 4
    app.button(key="compute_full_indices").click().run()
    assert not app.exception and not app.error
    assert len(app.get("download_button")) == 5
    assert all(b.key != "compute_full_indices" for b in app.button)  # the download replaces it


def test_history_page_timeline_trend_comparisons_and_filters(
    app: AppTest, practice: Practice
) -> None:
    app.run()
    app.switch_page("screens/history.py").run()
    assert not app.exception and not app.error
    assert app.selectbox(key="history_client").value == practice.client_id
    assert any("of 6 sessions" in m.value and "weeks" in m.value for m in app.markdown)
    assert len(app.get("plotly_chart")) >= 4
    table = app.dataframe[0].value
    assert len(table) == 6 and table["Review"].iloc[0].startswith("review?session=")
    app.multiselect(key=f"history_therapists_{practice.client_id}").select(
        practice.therapist_ids[0]
    ).run()
    assert not app.exception
    assert len(app.dataframe[0].value) == 3
    app.selectbox(key="history_client").select(0).run()  # the whole clinic
    assert not app.exception
    assert set(app.dataframe[0].value["Client"]) >= {"Dana Example", "Eli Example"}


TECHNICAL = ("lnRMSSD", "95 %", "ms²", "LF/HF", "PNS", "SNS")


def _client_app(practice: Practice) -> AppTest:
    account(practice.store, "dana", "client", client="Dana Example")
    return signed_in_app(practice.store, "dana", "client", timeout_s=TIMEOUT_S)


def _outside_expanders(at: AppTest) -> str:
    """The page's texts that are not inside a "details" expander."""
    inside = {id(e) for x in at.expander for e in _descendants(x)}
    texts = [*at.markdown, *at.caption, *at.subheader, *at.title, *at.info]
    return " ".join(t.value for t in texts if id(t) not in inside)


def _descendants(node: object) -> list[object]:
    children = list(getattr(node, "children", {}).values())
    return [c for child in children for c in (child, *_descendants(child))]


def test_a_client_reads_her_history_in_plain_words_without_staff_filters(
    practice: Practice, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HRV_RELAX_DB", str(practice.db))
    at = _client_app(practice)
    assert not at.exception and not at.error
    assert at.title[0].value == "Your history"
    assert not at.selectbox and not at.multiselect and not at.date_input
    assert any(m.value.startswith("You have had 6 sessions since") for m in at.markdown)
    outside = _outside_expanders(at)
    assert not [w for w in TECHNICAL if w in outside], outside
    assert [e.label for e in at.expander] == ["Details: the figures behind this page"]
    assert "lnRMSSD" in " ".join(c.value for c in at.expander[0].caption)
    sidebar = " ".join(c.value for c in at.sidebar.caption)
    assert "(client)" not in sidebar


def test_a_client_reads_her_session_addressed_to_her_with_figures_in_details(
    practice: Practice, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HRV_RELAX_DB", str(practice.db))
    at = _client_app(practice)
    at.query_params["session"] = str(practice.session_ids[2])
    at.run()
    at.switch_page("screens/review.py").run()
    assert not at.exception and not at.error
    assert re.match(HEADLINE.format(whose=re.escape("your")), at.subheader[0].value)
    outside = _outside_expanders(at)
    assert not [w for w in TECHNICAL if w in outside], outside
    details = next(e for e in at.expander if e.label.startswith("Details"))
    assert len(details.dataframe) >= 2  # the figures per phase and the changes with 95 % CIs


def test_staff_history_charts_have_readable_axes(practice: Practice) -> None:
    from hrv_relax.dashboard.charts.history import weekly_figure
    from hrv_relax.views.history import HistoryFilters, build_history
    from hrv_relax.views.summary_cache import session_summaries

    summaries = session_summaries(practice.store, SYSTEM, client_ids=(practice.client_id,))
    fig = weekly_figure(build_history(summaries, HistoryFilters()))
    layout = fig.layout
    assert "yaxis2" not in layout or layout.yaxis2.overlaying is None  # no second axis on top
    low, high = layout.yaxis.range
    assert high - low >= 0.25 * (high + low) / 2 * 2 * 0.99  # not 0.3088 / 0.3206
    assert layout.yaxis2.range[0] <= -20 and layout.yaxis2.range[1] >= 20
    assert layout.yaxis.tickformat == ".0f" and layout.yaxis2.tickformat == "+.0f"


def test_import_page_renders_its_choices(app: AppTest) -> None:
    app.run()
    app.switch_page("screens/import_recording.py").run()
    assert not app.exception
    assert app.title[0].value == "Import a recording"
    assert "fit" in app.selectbox(key="import_format").options[-1]
    assert app.button(key="import_go").disabled


def test_new_pages_on_an_empty_database(db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HRV_RELAX_DB", str(db_path))
    store = open_store(db_path)
    for page in ("screens/review.py", "screens/history.py"):
        at = signed_in_app(store, timeout_s=TIMEOUT_S)
        at.switch_page(page).run()
        assert not at.exception
        assert any("hrv-relax record --device ADDRESS --client NAME" in i.value for i in at.info)
