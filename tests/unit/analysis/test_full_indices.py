"""The researchers' export: every neurokit2 index per phase."""

import numpy as np
import pytest

from hrv_relax.analysis import PhaseMark, hrv_indices
from hrv_relax.analysis.full_indices import phase_index_set, session_index_sets
from hrv_relax.views.export import index_sets_to_csv


def test_the_kubios_recording_gives_neurokit2s_indices(kubios_rr_ms):
    t_s = np.cumsum(kubios_rr_ms) / 1000.0
    full = phase_index_set("rest", 0.0, float(t_s[-1]), kubios_rr_ms, t_s)
    values = dict(full.values)
    ours = hrv_indices(kubios_rr_ms)
    # The same clean intervals as the product's own figures (9 of 423 flagged).
    assert full.note == "" and (full.n_beats, full.n_clean) == (423, 414)
    assert values["MeanNN"] == pytest.approx(ours.mean_rr_ms, rel=1e-9)
    assert values["SampEn"] == pytest.approx(ours.sampen, rel=1e-9)
    # neurokit2's defaults, not Kubios': overlapping 4-16 beat DFA boxes.
    assert np.isfinite(values["DFA_alpha1"]) and values["DFA_alpha1"] != ours.dfa_alpha1
    assert values["HF"] > 100.0 and len(values) > 80


def test_a_phase_too_short_says_so_and_csv_keeps_its_row(kubios_rr_ms):
    t_s = np.cumsum(kubios_rr_ms) / 1000.0
    marks = [PhaseMark(0.0, "baseline"), PhaseMark(3.0, "massage")]
    sets = session_index_sets(kubios_rr_ms, marks, t_s=t_s)
    assert [s.phase for s in sets] == ["baseline", "massage"]
    assert sets[0].values == () and "too few for any index" in sets[0].note
    text = index_sets_to_csv(sets).splitlines()
    assert len(text) == 3 and text[0].startswith("phase,start_s,end_s,beats,clean_beats,note,")
    assert text[1].startswith("baseline,") and text[1].endswith(",,")
