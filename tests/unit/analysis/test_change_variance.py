"""The variance of a change between two stretches, from the variogram of their pieces."""

import numpy as np
import pytest

from hrv_relax.analysis.change_variance import (
    PieceGroup,
    Variogram,
    best_split,
    change_variance,
    fit_variogram,
    fit_with_steps,
)


def test_white_noise_gives_the_textbook_variance_of_a_difference_of_means():
    model = Variogram(nugget=4.0, slope=0.0, power=0.0, floor_slope=0.0)
    base, phase = np.arange(6), np.arange(6, 56)
    assert change_variance(base, phase, model) == pytest.approx(4.0 * (1 / 6 + 1 / 50))


def test_drift_widens_the_change_the_further_apart_the_stretches_are():
    model = Variogram(nugget=1.0, slope=0.5, power=0.0, floor_slope=0.0)
    base = np.arange(6)
    near = change_variance(base, np.arange(6, 26), model)
    far = change_variance(base, np.arange(46, 66), model)
    assert far > near > 1.0 * (1 / 6 + 1 / 20)


def test_fitted_variogram_of_independent_pieces_is_flat_at_their_variance():
    rng = np.random.default_rng(3)
    groups = [
        PieceGroup(np.arange(10), rng.normal(0, 2, 10)),
        PieceGroup(np.arange(12, 72), rng.normal(5, 2, 60)),
    ]
    model = fit_variogram(groups, floor_slope=0.0)
    # The step of 5 between the stretches is not drift: pairs never straddle two stretches.
    assert model.nugget == pytest.approx(4.0, rel=0.35)
    assert model.at(np.array([50.0]))[0] < 6.0


def test_a_step_inside_a_phase_is_cut_out_of_the_variogram():
    rng = np.random.default_rng(4)
    base = PieceGroup(np.arange(10), rng.normal(0, 2, 10))
    level = np.where(np.arange(50) < 12, 0.0, 9.0)  # +9 six minutes into the phase
    phase = PieceGroup(np.arange(10, 60), level + rng.normal(0, 2, 50))
    cut = best_split(phase)
    assert cut is not None and cut[1].position[0] == 22
    model = fit_with_steps(base, [phase], floor_slope=0.0)
    # The step is change, not wander: the variogram is that of the noise about each level.
    assert model.at(np.array([40.0]))[0] < 6.0
    assert fit_variogram([base, phase], floor_slope=0.0).at(np.array([40.0]))[0] > 20.0


def test_a_steady_phase_is_not_cut():
    rng = np.random.default_rng(5)
    base = PieceGroup(np.arange(10), rng.normal(0, 2, 10))
    phase = PieceGroup(np.arange(10, 60), rng.normal(0, 2, 50))
    assert fit_with_steps(base, [phase], 0.0) == fit_variogram([base, phase], 0.0)
    assert best_split(PieceGroup(np.arange(11), np.zeros(11))) is None  # too short to cut


def test_the_floor_holds_the_drift_allowance_up():
    groups = [PieceGroup(np.arange(10), np.zeros(10)), PieceGroup(np.arange(12, 72), np.zeros(60))]
    model = fit_variogram(groups, floor_slope=0.2)
    assert model.at(np.array([0.0, 1.0, 20.0])) == pytest.approx([0.0, 0.0, 0.2 * np.log(20)])


def test_missing_pieces_and_a_day_long_phase():
    rng = np.random.default_rng(4)
    positions = np.delete(np.arange(2900), np.arange(100, 2900, 7))
    groups = [
        PieceGroup(np.arange(10), rng.normal(size=10)),
        PieceGroup(positions, rng.normal(size=positions.size)),
    ]
    model = fit_variogram(groups, floor_slope=0.0)
    variance = change_variance(np.arange(10), positions, model)
    assert 0 < variance < 1.0
