"""gradkit.problems: closed-form derivatives against gradkit's automatic ones, the known
answers (x*, f*, L, mu) against the functions, and MDS (lecture L5)."""
import numpy as onp
import pytest
from scipy.linalg import orthogonal_procrustes

import gradkit as gk
from gradkit import problems as P


def _random_nonsymmetric(n, shift, seed):
    return onp.random.default_rng(seed).standard_normal((n, n)) + shift * onp.eye(n)


CASES = {
    "quadratic": lambda: P.quadratic(12, L=5.0, mu=0.1, kind="geometric"),
    "quadratic_diag": lambda: P.quadratic(6, L=2.0, mu=1.0, rotate=False),
    "quadratic_convex": lambda: P.quadratic(8, L=1.0, mu=0.0),
    "L1": lambda: P.quadratic_form(_random_nonsymmetric(7, 4.0, 1), onp.arange(7.0), c=3.0),
    "L1_indefinite": lambda: P.quadratic_form(_random_nonsymmetric(5, 0.0, 2), onp.ones(5)),
    "L2": lambda: P.log_quadratic(0.3 * _random_nonsymmetric(6, 0.0, 3) + 3 * onp.eye(6)),
    "L3": lambda: P.log_exp(onp.linspace(-2.0, 3.0, 8)),
    "least_squares": lambda: P.least_squares(40, 8),
    "logistic": lambda: P.logistic_regression(60, 7),
    "logistic_l2": lambda: P.logistic_regression(60, 7, l2=0.05),
    "rosenbrock": lambda: P.rosenbrock(7),
    "rosenbrock_2d_a": lambda: P.rosenbrock(2, a=2.0),
    "robust_regression": lambda: P.robust_regression(40, 6),
}


def _points(p, seed=0, k=3):
    """A few points around x0 and x* (where known) at which to compare derivatives."""
    rng = onp.random.default_rng(seed)
    centres = [p.x0] + ([p.x_star] if p.x_star is not None else [])
    return [c + s * rng.standard_normal(p.shape) for c in centres for s in (0.0, 0.5)][:k + 1]


@pytest.mark.parametrize("name", sorted(CASES))
def test_closed_form_derivatives_equal_automatic_ones(name):
    p = CASES[name]()
    for x in _points(p):
        g_ad, H_ad = gk.grad(p.f)(x), gk.hessian(p.f)(x)
        scale = 1 + onp.abs(H_ad).max()
        onp.testing.assert_allclose(p.grad(x), g_ad, rtol=1e-12, atol=1e-12 * scale)
        onp.testing.assert_allclose(p.hess(x), H_ad, rtol=1e-11, atol=1e-12 * scale)


@pytest.mark.parametrize("name", sorted(CASES))
def test_known_answers_are_right(name):
    p = CASES[name]()
    assert p.dim == onp.prod(p.shape) and p.x0.shape == p.shape
    if p.x_star is not None:
        assert onp.linalg.norm(p.grad(p.x_star)) <= 1e-9 * (1 + onp.linalg.norm(p.grad(p.x0)))
        assert p.distance(p.x_star) == 0.0
    if p.f_star is not None and p.x_star is not None:
        assert abs(p.f(p.x_star) - p.f_star) <= 1e-12 * (1 + abs(p.f_star))
    # L bounds the Hessian's spectrum everywhere we look; mu is attained (it is the infimum)
    eigs = [onp.linalg.eigvalsh(p.hess(x)) for x in _points(p, seed=1)]
    if p.L is not None:
        assert max(abs(e).max() for e in eigs) <= p.L * (1 + 1e-10)
    if p.mu is not None:
        assert min(e.min() for e in eigs) >= p.mu * (1 - 1e-10) - 1e-12 * p.L


def test_quadratic_has_the_requested_spectrum_and_minimiser():
    for kind in ("linear", "geometric", "extremes"):
        p = P.quadratic(9, L=4.0, mu=0.25, kind=kind, seed=3)
        lam = onp.linalg.eigvalsh(p.data["A"])
        onp.testing.assert_allclose(lam, onp.sort(P.spectrum(9, 4.0, 0.25, kind)), rtol=1e-12)
        assert (p.L, p.mu, p.kappa) == (4.0, 0.25, 16.0)
        onp.testing.assert_allclose(p.data["A"] @ p.x_star, p.data["b"], rtol=1e-12, atol=1e-12)
    p = P.quadratic(3, eigenvalues=[1.0, 2.0, 7.0])
    assert (p.L, p.mu) == (7.0, 1.0)
    # f* is the minimum: moving away from x* in any direction increases f
    rng = onp.random.default_rng(0)
    assert all(p.f(p.x_star + 1e-3 * rng.standard_normal(3)) > p.f_star for _ in range(20))


def test_convex_quadratic_with_a_null_space():
    p = P.quadratic(10, L=1.0, mu=0.0, seed=2)
    lam, V = onp.linalg.eigh(p.data["A"])
    assert abs(lam[0]) < 1e-12 and p.mu == 0.0 and p.kappa is None
    null = V[:, 0]
    assert abs(null @ p.data["b"]) < 1e-12 and abs(null @ p.x_star) < 1e-12  # bounded below; least norm
    assert p.f(p.x_star + 3.0 * null) == pytest.approx(p.f_star, abs=1e-12)   # a line of minimisers
    with pytest.raises(ValueError, match="0 < mu"):
        P.quadratic(4, mu=0.0, kind="geometric")


def test_bad_problem_parameters_are_refused_with_the_fix():
    with pytest.raises(ValueError, match="mu <= L"):
        P.quadratic(3, L=1.0, mu=2.0)
    with pytest.raises(ValueError, match="eigenvalues must be 3 non-negative"):
        P.quadratic(3, eigenvalues=[1.0, -1.0, 2.0])
    with pytest.raises(ValueError, match="unknown spectrum"):
        P.spectrum(3, kind="cubic")
    with pytest.raises(ValueError, match="positive definite"):
        P.log_quadratic(-onp.eye(2))
    with pytest.raises(ValueError, match="n >= 2"):
        P.rosenbrock(1)
    with pytest.raises(ValueError, match="dim=2"):
        P.mds(D=onp.zeros((3, 3)))
    with pytest.raises(ValueError, match="square"):
        P.mds(D=onp.zeros((3, 4)), dim=2)


def test_lecture_l1_to_l3_closed_forms_as_stated():
    rng = onp.random.default_rng(5)
    A, b, a, x = rng.standard_normal((4, 4)), rng.standard_normal(4), rng.standard_normal(4), rng.standard_normal(4)
    p1 = P.quadratic_form(A, b, c=2.0)
    assert onp.isclose(p1.f(x), x @ A @ x - b @ x + 2.0)
    onp.testing.assert_allclose(p1.grad(x), (A + A.T) @ x - b)
    p2 = P.log_quadratic(A @ A.T + onp.eye(4))
    q = x @ p2.data["A"] @ x
    assert onp.isclose(p2.f(x), onp.log(q))
    p3 = P.log_exp(a)
    s = 1 / (1 + onp.exp(-a @ x))
    onp.testing.assert_allclose(p3.hess(x), s * (1 - s) * onp.outer(a, a))
    assert onp.isfinite(p3.f(1e4 * a))  # ln(1 + e^t) without overflow


def test_robust_regression_is_non_convex_but_L_smooth():
    p = P.robust_regression(60, 5)
    assert onp.linalg.eigvalsh(p.hess(p.x0)).min() < 0  # concave directions far from x*
    assert onp.linalg.eigvalsh(p.hess(p.x_star)).min() > 0


def test_logistic_regression_without_l2_has_no_known_minimiser():
    p = P.logistic_regression(50, 4)
    assert p.x_star is None and p.mu is None
    assert set(onp.unique(p.data["y"])) == {-1.0, 1.0}


# -- MDS (L5) ------------------------------------------------------------------------------
def _naive_mds_loss(W, D):
    return sum((onp.sum((W[i] - W[j]) ** 2) - D[i, j]) ** 2 for i in range(len(W)) for j in range(len(W)))


def test_mds_loss_matches_its_definition_and_vanishes_at_the_points():
    p = P.mds(n_points=25, dim=3, seed=2)
    W = p.x0
    assert onp.isclose(p.f(W), _naive_mds_loss(W, p.data["D"]), rtol=1e-12)
    assert p.f(p.data["points"]) < 1e-20 and p.f_star == 0.0
    # the loss is blind to rotation, reflection and shift
    Q = P.random_rotation(3, seed=1) @ onp.diag([1.0, 1.0, -1.0])
    assert onp.isclose(p.f(W @ Q + 5.0), p.f(W), rtol=1e-10)


def test_mds_gradient_closed_form_equals_ad():
    p = P.mds(n_points=40, dim=2, seed=1)
    for W in (p.x0, p.data["points"] + 0.1 * p.x0):
        g = gk.grad(p.f)(W)
        onp.testing.assert_allclose(p.grad(W), g, rtol=1e-10, atol=1e-10 * onp.abs(g).max())


def test_mds_at_2000_points_runs_on_matrices():
    # the lecture-scale instance: one N x N matrix product, no Python loop over pairs
    p = P.mds(n_points=2000, dim=2, seed=0)
    assert p.shape == (2000, 2)
    f, g = p.f(p.x0), p.grad(p.x0)
    assert onp.isfinite(f) and g.shape == (2000, 2)
    assert p.recovery_error(p.classical()) < 1e-10


@pytest.mark.parametrize("dim", [2, 3])
def test_classical_mds_recovers_points_exactly(dim):
    pts = onp.random.default_rng(dim).standard_normal((200, dim)) * [3.0, 1.0, 0.5][:dim] + 7.0
    D = P.squared_distances(pts)
    W = P.classical_mds(D, dim)
    assert P.procrustes_error(W, pts) < 1e-12
    # centred, on the principal axes (the PCA connection): W^T W is diagonal, variances descending
    C = W.T @ W
    assert onp.allclose(W.mean(axis=0), 0, atol=1e-10)
    assert onp.allclose(C - onp.diag(onp.diag(C)), 0, atol=1e-8 * C.max())
    pc_var = onp.linalg.eigvalsh(onp.cov((pts - pts.mean(0)).T, bias=True))[::-1] * len(pts)
    onp.testing.assert_allclose(onp.diag(C), pc_var, rtol=1e-10)


def test_mds_from_a_distance_matrix_alone():
    pts = onp.random.default_rng(4).standard_normal((30, 2))
    dist = onp.sqrt(onp.maximum(P.squared_distances(pts), 0))
    p = P.mds(D=dist, dim=2, squared=False)
    assert p.data["points"] is None and p.distance(p.x0) is None
    W = p.classical()
    assert p.f(W) < 1e-18 and P.procrustes_error(W, pts) < 1e-10


def test_procrustes_measures_error_up_to_rotation_reflection_and_shift():
    rng = onp.random.default_rng(0)
    Y = rng.standard_normal((50, 2))
    Q = P.random_rotation(2, seed=3) @ onp.diag([1.0, -1.0])
    assert P.procrustes_error(Y @ Q - 4.0, Y) < 1e-14
    onp.testing.assert_allclose(P.procrustes_align(Y @ Q - 4.0, Y), Y, atol=1e-12)
    assert abs(P.procrustes_error(1.1 * Y, Y) - 0.1) < 1e-12     # scaling is not forgiven
    noisy = Y + 1e-3 * rng.standard_normal(Y.shape)
    R, _ = orthogonal_procrustes(noisy - noisy.mean(0), Y - Y.mean(0))
    direct = onp.linalg.norm((noisy - noisy.mean(0)) @ R - (Y - Y.mean(0))) / onp.linalg.norm(Y - Y.mean(0))
    assert onp.isclose(P.procrustes_error(noisy, Y), direct)
    with pytest.raises(ValueError, match="shapes"):
        P.procrustes_align(Y, Y[:10])


@pytest.mark.parametrize("make, match", [
    (lambda: P.mds(dim=0), "dim >= 1"),                     # silently 2-d before
    (lambda: P.mds(dim=-2), "dim >= 1"),
    (lambda: P.mds(dim=1.5), "whole number dim"),
    (lambda: P.mds(n_points=1), "n_points >= 2"),
    (lambda: P.mds(n_points=0), "n_points >= 2"),
    (lambda: P.mds(onp.ones((1, 2))), "N >= 2"),
    (lambda: P.mds(D=onp.zeros((1, 1)), dim=1), "at least 2 points"),
    (lambda: P.logistic_regression(0, 3), "m >= 1"),        # divided by zero before
    (lambda: P.logistic_regression(10, 0), "n >= 1"),
    (lambda: P.logistic_regression(-5, 3), "m >= 1"),
    (lambda: P.logistic_regression(10, 3, l2=-1.0), "l2"),
    (lambda: P.logistic_regression(10, 3, noise=float("nan")), "noise"),
    (lambda: P.least_squares(0, 3), "m >= 1"),
    (lambda: P.least_squares(5, -2), "n >= 1"),
    (lambda: P.quadratic(0), "n >= 1"),
    (lambda: P.quadratic(True), "whole number n"),
    (lambda: P.quadratic(3, L=float("nan")), "L must be a finite number"),
    (lambda: P.spectrum(0), "n >= 1"),
    (lambda: P.rosenbrock(1), "n >= 2"),
    (lambda: P.rosenbrock(2.5), "whole number n"),
    (lambda: P.rosenbrock(2, b=0.0), "b must be"),
    (lambda: P.robust_regression(0, 2), "m >= 1"),
    (lambda: P.robust_regression(5, 0), "n >= 1"),
])
def test_impossible_sizes_name_the_parameter_and_the_range(make, match):
    with pytest.raises(ValueError, match=match) as info:
        make()
    assert info.value.args[0].split(":")[0] in ("mds", "logistic_regression", "least_squares", "quadratic",
                                                 "spectrum", "rosenbrock", "robust_regression") \
        or "mds needs" in info.value.args[0] or "points must" in info.value.args[0]


def test_sizes_given_as_whole_floats_still_work():
    assert P.quadratic(3.0).dim == 3 and P.logistic_regression(20.0, 2).dim == 2
