"""gradkit.optim: the methods converge, the bookkeeping is exact, the stopping rules fire,
SciPy takes gradkit's derivatives, and the lecture's measured claims hold (L5, L8)."""
import numpy as onp
import pytest
import scipy.optimize

import gradkit.numpy as gnp
from gradkit import numeric, optim
from gradkit import problems as P
from gradkit.optim import Armijo, Constant, Diminishing, InverseL, minimize


@pytest.fixture(scope="module")
def quad():
    return P.quadratic(30, L=1.0, mu=0.05, seed=0)


# -- methods converge ----------------------------------------------------------------------
@pytest.mark.parametrize("method", ["gd", "heavy_ball", "nesterov"])
@pytest.mark.parametrize("step", [None, "armijo"])
def test_methods_reach_the_minimiser_of_a_quadratic(quad, method, step):
    r = minimize(quad, method=method, step=step, tol=1e-9, max_iter=5000)
    assert r.success, r.message
    assert r.history["dist"][-1] < 1e-7
    assert abs(r.fun - quad.f_star) < 1e-10


def test_acceleration_pays_on_an_ill_conditioned_quadratic():
    p = P.quadratic(50, L=1.0, mu=1e-3, seed=2)
    its = {m: minimize(p, method=m, tol=1e-8, max_iter=50000).n_iter for m in ("gd", "heavy_ball", "nesterov")}
    # sqrt(kappa) ~ 32 against kappa = 1000: a factor of several, conservatively 3
    assert its["nesterov"] * 3 < its["gd"] and its["heavy_ball"] * 3 < its["gd"], its


@pytest.mark.parametrize("make", [lambda: P.rosenbrock(2), lambda: P.logistic_regression(100, 5, l2=0.01),
                                  lambda: P.robust_regression(60, 5)])
def test_armijo_gd_on_non_quadratic_problems(make):
    p = make()
    r = minimize(p, step="armijo", tol=1e-6, max_iter=30000)
    assert r.success, r.message
    assert r.history["dist"][-1] < 1e-4
    # monotone descent, up to the rounding allowance of Armijo's search near x* (1e-10 |f|)
    assert onp.all(onp.diff(r.history["f"]) <= 1e-10 * abs(r.history["f"][:-1]) + 1e-300)


def test_gradient_sources_agree():
    p = P.quadratic(8, L=2.0, mu=0.5, seed=1)
    xs = {g: minimize(p, gradient=g, tol=1e-10, max_iter=500).x for g in ("ad", "exact", "fd")}
    xs["callable"] = minimize(p, gradient=p.grad, tol=1e-10, max_iter=500).x
    for x in xs.values():
        onp.testing.assert_allclose(x, p.x_star, atol=1e-8)
    z = minimize(p, gradient="zo", tol=0, dist_tol=1e-6, max_iter=100000)
    assert z.success, z.message


def test_step_rules():
    assert Constant(0.3)(5, None, None, None, None) == (0.3, None)
    assert InverseL(2.0, scale=10)(0, None, None, None, None)[0] == pytest.approx(0.05)
    assert Diminishing(1.0, power=0.5)(3, None, None, None, None)[0] == pytest.approx(0.5)
    with pytest.raises(ValueError, match="L="):
        minimize(lambda x: gnp.sum(x ** 2), onp.ones(2), step="1/L")
    with pytest.raises(ValueError, match="unknown step"):
        minimize(lambda x: gnp.sum(x ** 2), onp.ones(2), step="newton")
    r = minimize(lambda x: gnp.sum(x ** 2), onp.ones(2), step="diminishing", L=2.0, max_iter=200, tol=0)
    assert r.fun < 1e-3


def test_armijo_keeps_descending_below_the_rounding_of_f():
    # f* = -292: near x* the decrease per step is far below eps * |f|; the search must not stall
    p = P.quadratic(100, L=1.0, mu=0.01, seed=0)
    r = minimize(p, step=Armijo(), tol=1e-8, max_iter=20000)
    assert r.success, r.message


def test_zero_order_armijo_uses_the_estimators_second_moment():
    # <g, G> = ||G||^2 / n for one spherical direction: with the plain test no step would pass
    p = P.quadratic(40, L=1.0, mu=0.2, seed=3)
    r = minimize(p, gradient="zo", step="armijo", tol=0, max_iter=3000, seed=1)
    assert r.history["dist"][-1] < 1e-2 * r.history["dist"][0]


# -- bookkeeping ---------------------------------------------------------------------------
def test_history_records_every_iterate(quad):
    r = minimize(quad, tol=0, max_iter=20, keep_iterates=True)
    h = r.history
    assert len(h) == 21 and r.n_iter == 20 and h["x"].shape == (21, 30)
    onp.testing.assert_allclose(h["f"], [quad.f(x) for x in h["x"]], rtol=1e-13)
    onp.testing.assert_allclose(h["grad_norm"], [onp.linalg.norm(quad.grad(x)) for x in h["x"]], rtol=1e-10)
    onp.testing.assert_allclose(h["dist"], [quad.distance(x) for x in h["x"]], rtol=1e-13)
    assert list(h["n_gev"]) == list(range(1, 22)) and onp.all(onp.diff(h["time"]) >= 0)
    d = h.as_dict()
    assert set(d) == {"f", "grad_norm", "dist", "n_fev", "n_gev", "time", "x"} and len(d["f"]) == 21
    assert minimize(lambda x: gnp.sum(x ** 2), onp.ones(2), step=0.1, max_iter=2).history.as_dict()["dist"] == [None] * 3


@pytest.mark.parametrize("gradient, per_iter", [("ad", lambda n: 1), ("fd", lambda n: 2 * n), ("zo", lambda n: 2)])
def test_evaluation_counts_are_exact(gradient, per_iter):
    p = P.quadratic(7, L=1.0, mu=0.1)
    counted = numeric.Counted(p.f)
    r = minimize(counted, p.x0, gradient=gradient, step=0.1, tol=0, max_iter=9)
    assert r.n_gev == 10 and r.n_fev == 10 * per_iter(7)
    assert list(r.history["n_fev"]) == [k * per_iter(7) for k in range(1, 11)]
    # every call of f is either paid for or a recording of f(x_k) (which AD gives for free)
    assert counted.n_evals == r.n_fev + (0 if gradient == "ad" else 10)


def test_armijo_evaluations_are_counted():
    p = P.rosenbrock(2)
    counted = numeric.Counted(p.f)
    r = minimize(counted, p.x0, gradient=p.grad, step="armijo", tol=0, max_iter=30)
    # only the line search calls f, and the recorded f(x_k) are values it paid for
    assert r.n_fev == counted.n_evals > 30


def test_exact_grad_norm_for_zero_order_runs():
    p = P.quadratic(20, L=1.0, mu=0.1)
    r = minimize(p, gradient="zo", tol=0, max_iter=50, exact_grad_norm=True, keep_iterates=True)
    onp.testing.assert_allclose(r.history["grad_norm"], [onp.linalg.norm(p.grad(x)) for x in r.history["x"]])
    assert r.n_gev == 51 and r.n_fev == 102  # the monitoring is not charged


def test_matrix_shaped_variables():
    p = P.mds(n_points=12, dim=2, seed=1)
    for g in ("ad", "fd", "zo"):
        r = minimize(p, gradient=g, step="armijo", tol=0, max_iter=5)
        assert r.x.shape == (12, 2) and r.fun < p.f(p.x0)


# -- stopping rules ------------------------------------------------------------------------
def test_stopping_rules(quad):
    assert minimize(quad, tol=0, max_iter=7).message == "max_iter reached"
    r = minimize(quad, gradient="fd", tol=0, max_evals=200, max_iter=10 ** 6)
    assert r.message == "max_evals reached" and 200 <= r.n_fev < 200 + 60 + 1
    assert minimize(quad, tol=0, max_time=0.0, max_iter=10 ** 6).message == "max_time reached"
    r = minimize(quad, tol=0, f_tol=1e-3, max_iter=10 ** 6)
    assert r.success and r.fun - quad.f_star <= 1e-3 < r.history["f"][-2] - quad.f_star
    r = minimize(quad, tol=0, dist_tol=1e-2, max_iter=10 ** 6)
    assert r.success and r.history["dist"][-1] <= 1e-2 < r.history["dist"][-2]
    seen = []
    r = minimize(quad, tol=0, callback=lambda info: seen.append((info.k, info.n_gev)) or info.k == 4)
    assert r.message == "stopped by callback" and seen == [(k, k + 1) for k in range(5)]
    with onp.errstate(over="ignore", invalid="ignore"):
        r = minimize(quad, step=3.0, max_iter=10 ** 5)
    assert r.message.startswith("diverged") and not r.success


def test_progress_bar_runs(quad):
    r = minimize(quad, tol=0, max_iter=30, progress=True)
    assert r.n_iter == 30


def test_bad_arguments_name_the_fix(quad):
    f = lambda x: gnp.sum(x ** 2)  # noqa: E731
    with pytest.raises(ValueError, match="zero-order GD is method='gd'"):
        minimize(f, onp.ones(2), method="zo_gd")
    with pytest.raises(ValueError, match="unknown gradient source"):
        minimize(f, onp.ones(2), gradient="symbolic")
    with pytest.raises(TypeError, match="takes no option"):
        minimize(f, onp.ones(2), gradient="ad", n_dirs=3)
    with pytest.raises(ValueError, match="x0"):
        minimize(f)
    with pytest.raises(ValueError, match="closed-form"):
        minimize(f, onp.ones(2), gradient="exact")
    with pytest.raises(ValueError, match="unknown zero-order estimator"):
        minimize(quad, gradient="zo", estimator="uniform")


def test_shortcuts(quad):
    assert optim.gd(quad, tol=1e-8).success
    assert optim.heavy_ball(quad, tol=1e-8).success
    assert optim.nesterov(quad, tol=1e-8).success
    r = optim.zo_gd(quad, estimator="gaussian", n_dirs=4, tol=0, max_iter=200)
    assert r.gradient == "zo" and r.n_fev == 201 * 8


# -- SciPy ---------------------------------------------------------------------------------
@pytest.mark.parametrize("n", [2, 10])
def test_scipy_lbfgsb_and_trust_ncg_on_rosenbrock(n):
    p = P.rosenbrock(n)
    r1 = scipy.optimize.minimize(p.f, p.x0, method="L-BFGS-B", **optim.scipy_derivatives(p.f))
    r2 = scipy.optimize.minimize(p.f, p.x0, method="trust-ncg", **optim.scipy_derivatives(p.f, "hessp"))
    r3 = scipy.optimize.minimize(p.f, p.x0, method="trust-ncg", **optim.scipy_derivatives(p.f, "hess"))
    assert r1.success and onp.abs(r1.x - 1).max() < 1e-4
    assert r2.success and onp.abs(r2.x - 1).max() < 1e-5
    assert r3.success and onp.abs(r3.x - 1).max() < 1e-5


def test_scipy_adapters_are_the_exact_derivatives():
    p = P.rosenbrock(5)
    x, v = onp.linspace(-1, 1, 5), onp.arange(5.0)
    onp.testing.assert_allclose(optim.scipy_jac(p.f)(x), p.grad(x), rtol=1e-13)
    onp.testing.assert_allclose(optim.scipy_hessp(p.f)(x, v), p.hess(x) @ v, rtol=1e-13)
    onp.testing.assert_allclose(optim.scipy_hess(p.f)(x), p.hess(x), rtol=1e-13)
    # extra arguments pass through args=
    f = lambda x, a: gnp.sum((x - a) ** 2)  # noqa: E731
    r = scipy.optimize.minimize(f, onp.zeros(3), args=(2.0,), method="trust-ncg", **optim.scipy_derivatives(f, "hessp"))
    onp.testing.assert_allclose(r.x, 2.0)
    with pytest.raises(ValueError, match="hessp"):
        optim.scipy_derivatives(f, "newton")


# -- the lecture's measured claims ---------------------------------------------------------
def test_gd_distance_contracts_like_one_minus_mu_over_L():
    p = P.quadratic(50, L=1.0, mu=0.05, seed=0)
    d = minimize(p, tol=0, max_iter=300).history["dist"]
    k = onp.arange(d.size)
    assert onp.all(d <= d[0] * (1 - p.mu / p.L) ** k * (1 + 1e-9))   # the theorem, at every k
    assert optim.contraction_rate(d[100:]) == pytest.approx(1 - p.mu / p.L, abs=2e-3)  # and it is tight


def test_zero_order_gd_contracts_like_one_minus_mu_over_nL():
    kappa = 10.0
    for n in (10, 30, 100):
        logs = []
        for seed in range(4):
            p = P.quadratic(n, L=1.0, mu=1 / kappa, seed=seed)
            d = minimize(p, gradient="zo", tol=0, max_iter=20 * n, seed=seed).history["dist"]
            logs.append(onp.log(d ** 2 / d[0] ** 2))
        k = onp.arange(logs[0].size)
        # E||x_k - x*||^2 <= (1 - mu/(nL))^k ||x_0 - x*||^2, loosely (4 seeds)
        assert onp.all(onp.mean(onp.exp(logs), axis=0) <= 2 * (1 - 1 / (kappa * n)) ** k)
        # fitted per-step factor q: 1 - q is between mu/(nL) and 1/n, i.e. n (1 - q) is n-free
        q = onp.exp(onp.polyfit(k, onp.mean(logs, axis=0), 1)[0])
        assert 0.8 / kappa <= n * (1 - q) <= 1.0, (n, q)


def test_iterations_to_tolerance_flat_for_gd_linear_in_n_for_zero_order():
    r = optim.iterations_to_tolerance(ns=(10, 30, 100), kappa=10.0, tol=1e-3, seeds=(0, 1))
    gd, zo = r["iterations"]["ad"], r["iterations"]["zo"]
    assert max(gd) <= 1.5 * min(gd) and abs(r["slope"]["ad"]) < 0.15
    assert 0.8 <= r["slope"]["zo"] <= 1.2
    assert all(i <= b for i, b in zip(gd, r["bound"]["ad"]))   # GD's bound is a guarantee
    assert all(z > 5 * g for z, g in zip(zo, gd))


@pytest.mark.parametrize("setting, ns, tol", [("convex", (30, 100), 1e-3), ("smooth", (10, 30), 1e-2)])
def test_the_factor_n_in_the_convex_and_smooth_settings(setting, ns, tol):
    r = optim.iterations_to_tolerance(ns=ns, setting=setting, tol=tol, seeds=(0, 1, 2))
    assert 0.7 <= r["ratio_slope"] <= 1.3, r["ratio_zo_to_ad"]
    assert all(i <= b for i, b in zip(r["iterations"]["ad"], r["bound"]["ad"]))
    if setting == "smooth":  # the expected-value bound, loosely (medians of 3 seeds)
        assert all(i <= b for i, b in zip(r["iterations"]["zo"], r["bound"]["zo"]))


def test_mds_gd_recovers_points_classical_exact_zero_order_far_behind():
    r = optim.mds_comparison(n_points=200, dim=2, seed=0, others=("zo",))
    runs = r["runs"]
    assert runs["gd"]["recovery_error"] < 1e-6
    assert runs["classical"]["recovery_error"] < 1e-12
    assert runs["zo"]["n_fev"] >= r["budget"] and runs["zo"]["recovery_error"] > 1e-2
    assert runs["zo"]["loss"] > 1e6 * runs["gd"]["loss"]


# -- issue 12 §5: a gradient source that misbehaves ---------------------------------------------
def _sq(x):
    return gnp.sum((x - 1.0) ** 2)


@pytest.mark.parametrize("gradient, error, match, kept", [
    (lambda x: None, TypeError, "returned None at iteration 0", 0),
    (lambda x: onp.ones(4), ValueError, r"returned shape \(4,\) but x has shape \(3,\)", 0),
    (lambda x: onp.ones((3, 3)), ValueError, "not a Jacobian", 0),
    (lambda x: "down", TypeError, "numbers shaped like x", 0),
    (lambda x: 2 * (x - 1.0) if x[0] < 0.5 else None, TypeError, "returned None at iteration 4", 4),
])
def test_a_bad_gradient_callable_is_refused_and_the_run_so_far_kept(gradient, error, match, kept):
    with pytest.raises(error, match=match) as info:
        minimize(_sq, onp.zeros(3), gradient=gradient, step=0.1, max_iter=50)
    result = info.value.result
    assert not result.success and len(result.history) == result.n_iter == kept
    assert onp.allclose(result.history["f"], [3 * 0.64 ** k for k in range(kept)])   # (1 - 2 alpha)^2k per entry
    assert any(".result" in note for note in info.value.__notes__)


def test_a_problem_whose_grad_misbehaves_is_refused():
    p = P.quadratic(4, seed=1)
    p.grad = lambda x: onp.ones(5)
    with pytest.raises(ValueError, match="the problem's grad returned shape"):
        minimize(p, gradient="exact", max_iter=3)


@pytest.mark.parametrize("kwargs, match", [
    (dict(x0=onp.array([onp.nan, 1.0])), "non-finite"),
    (dict(x0=onp.ones(2), max_iter=-1), "max_iter"),
    (dict(x0=onp.ones(2), max_iter=2.5), "max_iter"),
    (dict(x0=onp.ones(2), tol=-1.0), "tol"),
    (dict(x0=onp.ones(2), max_evals="many"), "max_evals"),
    (dict(x0=onp.ones(2), step=float("nan")), "positive and finite"),
    (dict(x0=onp.ones(2), step=-0.1), "positive"),
    (dict(x0=onp.ones(2), step=float("inf")), "positive and finite"),
    (dict(x0=onp.ones(2), gradient="fd", step=0.1, scheme="richardson"), None),
])
def test_bad_run_parameters_name_the_fix(kwargs, match):
    if match is None:   # a good one, for contrast
        assert minimize(_sq, max_iter=200, **kwargs).success
        return
    with pytest.raises((ValueError, TypeError), match=match):
        minimize(_sq, **kwargs)


def test_armijo_parameters_checked():
    with pytest.raises(ValueError, match="alpha0"):
        Armijo(alpha0=0.0)
    with pytest.raises(ValueError, match="0 < c < 1"):
        Armijo(c=1.5)
