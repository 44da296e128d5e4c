"""Artefact detection on the held-out records: a final check, never used to choose thresholds.

The figures were measured once with the finished detector (docs/analysis.md, "Held-out
records") and are pinned just below, so a later change that does worse on unseen data shows up.
They were looked at once more, to reject a rule that helped the development records only.
Issue 4's goals are sensitivity >= 0.95 at specificity >= 0.99 and, on 5-min windows with at
most 5 % abnormal beats, RMSSD within 2 % (median) / 5 % (90th percentile) of the true NN
RMSSD; where a record misses them, the pin says by how much.
"""

import pytest

from tests.support.analysis_scoring import score_record
from tests.support.reference import load_labelled

# record: (min sensitivity, min specificity); measured 0.985/0.9999, 0.980/0.9845 (below the
# specificity goal), 0.930/0.9918, 0.772/0.9999 (15814: ventricular beats on time).
DETECTION = {
    "ltdb/14157.csv.gz": (0.98, 0.999),
    "ltdb/14172.csv.gz": (0.975, 0.984),
    "ltdb/14184.csv.gz": (0.925, 0.991),
    "ltdb/15814.csv.gz": (0.765, 0.999),
}

# record: (max median, max 90th percentile) RMSSD error in % on 5-min windows with <= 5 %
# abnormal beats; measured 0.00/11.4 (142 windows), 9.6/34.4 (99), 9.3/10.6 (6). Only the
# median of 14157 meets the goal. 14184 has no such window.
LOW_WINDOW_ERROR = {
    "ltdb/14157.csv.gz": (0.1, 12.0),
    "ltdb/14172.csv.gz": (10.0, 35.0),
    "ltdb/15814.csv.gz": (10.0, 11.0),
}


@pytest.mark.parametrize("record", sorted(DETECTION))
def test_detection_on_held_out_records(record):
    score = score_record(*load_labelled(record))
    min_sens, min_spec = DETECTION[record]
    assert score.sensitivity >= min_sens
    assert score.specificity >= min_spec
    if score.high_windows:  # 51, 179 and 1 windows > 20 % abnormal (none in 14157)
        assert score.high_unreliable_fraction == 1.0
    if record in LOW_WINDOW_ERROR:
        max_median, max_p90 = LOW_WINDOW_ERROR[record]
        assert score.low_kept_fraction >= 0.90
        assert score.low_error_median_pct <= max_median
        assert score.low_error_p90_pct <= max_p90
