"""gradkit.numeric against closed forms: finite differences (lecture L9), zero-order
estimators (L6, L7) and what they cost in evaluations of f."""
import warnings

import numpy as np
import pytest
from hypothesis import given, strategies as st

from gradkit.numeric import (SCHEMES, Counted, directional_derivative, fd_directional, fd_error_curve,
                             fd_gradient, fd_hessian, fd_jacobian, richardson_stencil, variance_factor,
                             zo_bias_variance, zo_gradient)


from lecture_functions import data, problems


def rel_error(g, exact):
    return np.linalg.norm(g - exact) / np.linalg.norm(exact)


# --- acceptance: accuracy with the default step --------------------------------------------

ACCEPT = {"central": 1e-8, "central4": 1e-10, "richardson": 1e-11, "complex": 1e-14}


@pytest.mark.parametrize("d", [2, 50, 1000])
@pytest.mark.parametrize("name", ["L1", "L2", "L3", "rosenbrock", "logistic"])
@pytest.mark.parametrize("scheme", ACCEPT)
def test_default_step_reaches_accepted_accuracy(scheme, name, d):
    f, grad, x = problems(d)[name]
    est = fd_gradient(f, x, scheme, vectorized=d >= 1000)   # one batched call keeps d = 1000 fast
    assert rel_error(est.grad, grad(x)) <= ACCEPT[scheme]


def test_richardson_error_estimate_is_honest():
    """Above the rounding floor, the error estimate bounds the error (within a factor)."""
    for name, (f, grad, x) in problems(10).items():
        est = fd_gradient(f, x, "richardson")
        floor = 1e-12 * np.max(np.abs(grad(x)))
        assert np.all(np.abs(est.grad - grad(x)) <= 10 * est.error + floor), name
    sharp = fd_gradient(lambda x: np.exp(30 * x[0]), np.zeros(1), "richardson", step=2.0)
    assert abs(sharp.grad[0] - 30) <= 10 * sharp.error[0] + 1e-12 * 30


# --- order of the truncation error, by fitted slope on log-log ----------------------------

def smooth(x):
    return np.sum(np.sin(x) * np.exp(x))


def smooth_grad(x):
    return np.exp(x) * (np.sin(x) + np.cos(x))


X3 = np.array([0.3, -0.7, 1.1])


@pytest.mark.parametrize("scheme, order, lo, hi", [
    ("forward", 1, -5, -2), ("backward", 1, -5, -2), ("central", 2, -3.5, -1.5),
    ("central4", 4, -2, -0.8), ("central6", 6, -1.3, -0.5)])
def test_truncation_error_order_by_slope(scheme, order, lo, hi):
    steps = np.logspace(lo, hi, 8)   # where truncation dominates rounding
    _, errors = fd_error_curve(smooth, X3, smooth_grad(X3), [scheme], steps)
    slope = np.polyfit(np.log(steps), np.log(errors[scheme]), 1)[0]
    assert abs(slope - order) < 0.25


@pytest.mark.parametrize("base, levels, order", [("central", 2, 4), ("central", 3, 6), ("forward", 2, 2),
                                                 ("forward", 3, 3)])
def test_richardson_stencil_order(base, levels, order):
    s = richardson_stencil(SCHEMES[base], levels)
    assert s.order == order
    # exact on polynomials of degree <= order, not beyond: sum w o^k = [k == 1] for k <= order
    o, w = np.array(s.offsets), np.array(s.weights)
    moments = [np.sum(w * o ** k) for k in range(order + 2)]
    assert np.allclose(moments[:order + 1], np.eye(order + 1)[1], atol=1e-12)
    assert abs(moments[order + 1]) > 1e-6
    steps = np.logspace(-1.5, -0.5, 6)
    _, errors = fd_error_curve(smooth, X3, smooth_grad(X3), [s], steps)
    assert abs(np.polyfit(np.log(steps), np.log(errors[s.name]), 1)[0] - order) < 0.35


def test_error_curve_is_a_v_and_complex_step_has_none():
    """L9: too large a step gives truncation error, too small rounding error; the complex
    step subtracts nothing and stays at rounding level for every small step."""
    steps = np.logspace(-16, 0, 33)
    _, errors = fd_error_curve(smooth, X3, smooth_grad(X3), ["forward", "central", "complex"], steps)
    for scheme in ("forward", "central"):
        e = errors[scheme]
        i = int(np.argmin(e))
        assert 0 < i < len(steps) - 1 and e[0] > 1e3 * e[i] and e[-1] > 1e3 * e[i]
    assert np.all(errors["complex"][steps <= 1e-8] < 1e-15)   # truncation (h^2) only above


def test_complex_step_exact_at_any_tiny_step():
    f, grad, x = problems(50)["L2"]
    for h in (1e-10, 1e-20, 1e-100, 1e-300):
        assert rel_error(fd_gradient(f, x, "complex", step=h).grad, grad(x)) < 1e-14


# --- costs ----------------------------------------------------------------------------------

COSTS = {"forward": lambda d: d + 1, "backward": lambda d: d + 1, "central": lambda d: 2 * d,
         "central4": lambda d: 4 * d, "central6": lambda d: 6 * d, "complex": lambda d: d}


@pytest.mark.parametrize("d", [1, 3, 17])
@pytest.mark.parametrize("scheme", COSTS)
def test_gradient_costs_exactly(scheme, d):
    f, _, x = problems(d)["L3"]
    for vectorized in (False, True):
        counted = Counted(f, batched=vectorized)   # counted independently of the estimator
        est = fd_gradient(counted, x, scheme, vectorized=vectorized)
        assert est.n_evals == counted.n_evals == COSTS[scheme](d)
        assert est.n_calls == counted.n_calls == (1 if vectorized else COSTS[scheme](d))


def test_other_costs_exactly():
    d = 4
    f, grad, x = problems(d)["L3"]
    counted = Counted(f)
    assert fd_hessian(counted, x, "central").n_evals == counted.n_evals == 2 * d * d + 1
    counted.reset()
    assert fd_hessian(counted, x, "forward").n_evals == counted.n_evals == (d + 1) * (d + 2) // 2
    assert fd_hessian(f, x, grad=grad).n_evals == 2 * d                  # evaluations of grad
    v = np.ones(d)
    assert [fd_directional(f, x, v, s).n_evals for s in ("central", "forward", "complex", "central4")] == [2, 2, 1, 4]
    counted = Counted(f)
    est = fd_gradient(counted, x, "richardson")
    assert est.n_evals == counted.n_evals and est.n_evals % 2 == 0 and 6 * d <= est.n_evals <= 24 * d
    for method, m, scheme, cost in [("sphere", 5, "central", 10), ("gaussian", 5, "forward", 6),
                                    ("coordinate", None, "central", 2 * d), ("coordinate", 2, "forward", 3)]:
        counted = Counted(f)
        assert zo_gradient(counted, x, method, m, scheme=scheme, rng=0).n_evals == counted.n_evals == cost


def test_counted_wrapper():
    f = Counted(lambda x: x.sum())
    f(np.ones(2)), f(np.ones(2))
    assert (f.n_evals, f.n_calls) == (2, 2)
    f.reset()
    assert (f.n_evals, f.n_calls) == (0, 0)
    g = Counted(lambda X: X.sum(axis=1), batched=True)
    g(np.ones((7, 2)))
    assert (g.n_evals, g.n_calls) == (7, 1)


# --- shapes, vectorisation, directional derivatives, Hessians ---------------------------------

shapes = st.lists(st.integers(1, 3), min_size=0, max_size=2).map(tuple)


@given(x_shape=shapes, out_shape=shapes, scheme=st.sampled_from(sorted(SCHEMES) + ["richardson"]))
def test_jacobian_shapes_and_vectorised_evaluation(x_shape, out_shape, scheme):
    rng = np.random.default_rng(len(x_shape) + 10 * len(out_shape))
    M = rng.standard_normal(out_shape + x_shape)
    k = len(x_shape)
    axes = tuple(range(-k, 0))

    def f(x):   # works on one point or a stack; Jacobian  M * cos(x)
        return np.sum(M * np.sin(np.expand_dims(x, tuple(range(-k - len(out_shape), -k)))), axis=axes)

    x = rng.standard_normal(x_shape)
    J = fd_jacobian(f, x, scheme)
    assert J.value.shape == out_shape + x_shape
    assert np.allclose(J.value, M * np.cos(x), atol=1e-5)
    Jv = fd_jacobian(f, x, scheme, vectorized=True)
    assert np.allclose(Jv.value, J.value, rtol=1e-12, atol=1e-14) and Jv.n_evals == J.n_evals


@given(shape=shapes, complex_x=st.booleans(), seed=st.integers(0, 100))
def test_directional_derivative_of_a_linear_map_and_a_square(shape, complex_x, seed):
    rng = np.random.default_rng(seed)

    def draw():
        z = rng.standard_normal(shape)
        return z + 1j * rng.standard_normal(shape) if complex_x else z
    x, v = draw(), draw()
    M = rng.standard_normal((2,) + shape)
    k = len(shape)
    linear = lambda z: np.tensordot(M, z, axes=k)   # noqa: E731
    assert np.allclose(directional_derivative(linear, x, v), linear(v), rtol=1e-9, atol=1e-9)
    # f returning complex arrays, x perturbed along v as given: d(z^2)[v] = 2 z v
    assert np.allclose(directional_derivative(lambda z: z ** 2, x, v, "central4"), 2 * x * v, rtol=1e-9, atol=1e-9)


def test_directional_derivative_matches_gradient():
    f, grad, x = problems(20)["logistic"]
    v = np.random.default_rng(1).standard_normal(20)
    exact = grad(x) @ v
    for scheme, tol in [("central", 1e-8), ("central4", 1e-10), ("richardson", 1e-11), ("complex", 1e-14)]:
        assert abs(directional_derivative(f, x, v, scheme) - exact) <= tol * abs(exact)


def test_hessians_of_the_lecture_functions():
    f, grad, x = problems(5)["L2"]
    A = data(5)["A"]
    q = x @ A @ x
    H = 2 * A / q - 4 * np.outer(A @ x, A @ x) / q ** 2                    # L2's closed form
    assert rel_error(fd_hessian(f, x).value, H) < 1e-6
    assert rel_error(fd_hessian(f, x, "forward").value, H) < 1e-3
    assert rel_error(fd_hessian(f, x, grad=grad).value, H) < 1e-8
    assert rel_error(fd_hessian(f, x, "richardson", grad=grad).value, H) < 1e-11
    batched = fd_hessian(f, x, "central", vectorized=True)   # f on a stack rounds differently: not bitwise
    assert rel_error(batched.value, H) < 1e-6 and batched.n_calls == 1 and batched.n_evals == 2 * 5 * 5 + 1


def test_bad_inputs_say_what_to_do():
    with pytest.raises(ValueError, match="fd_jacobian"):
        fd_gradient(np.sin, np.ones(3))
    with pytest.raises(ValueError, match="central"):
        fd_gradient(np.sum, np.ones(2, complex), "complex")
    with pytest.raises(ValueError, match="unknown"):
        fd_gradient(np.sum, np.ones(2), "centre")
    with pytest.raises(ValueError, match="grad="):
        fd_hessian(np.sum, np.ones(2), "central4")
    with pytest.raises(ValueError, match="zero-order"):
        zo_gradient(np.sum, np.ones(2), "uniform")
    assert np.allclose(fd_gradient(np.sum, np.ones(2), method="forward").grad, 1)   # `method` = `scheme`


# --- zero-order estimators ------------------------------------------------------------------

def quadratic(d, seed=0):
    rng = np.random.default_rng(seed)
    M = rng.standard_normal((d, d))
    A, b = M @ M.T / d + np.eye(d), rng.standard_normal(d)
    return (lambda x: 0.5 * x @ A @ x - b @ x), rng.standard_normal(d), (lambda x: A @ x - b)


def max_z(samples, target):
    """Largest |mean - target| over components, in standard errors of the mean."""
    se = samples.std(axis=0, ddof=1) / np.sqrt(len(samples))
    return float(np.max(np.abs(samples.mean(axis=0) - target) / se))


@pytest.mark.parametrize("method", ["sphere", "gaussian"])
def test_two_point_estimator_is_unbiased_on_quadratics(method):
    d, n = 8, 3000
    f, x, grad = quadratic(d)
    rng = np.random.default_rng(1)
    G = np.stack([zo_gradient(f, x, method, eps=1e-3, rng=rng).grad for _ in range(n)])
    assert max_z(G, grad(x)) < 4.5
    assert max_z(0.85 * G, grad(x)) > 4.5    # the same test catches an estimator 15% too small


def test_coordinate_estimator_is_central_differences():
    """L7: the sum over all d axes is exactly central differences with step eps."""
    f, x, _ = quadratic(6)
    assert np.array_equal(zo_gradient(f, x, "coordinate", eps=1e-4).grad, fd_gradient(f, x, step=1e-4).grad)
    sampled = np.stack([zo_gradient(f, x, "coordinate", 2, eps=1e-4, rng=s).grad for s in range(2000)])
    assert max_z(sampled, fd_gradient(f, x, step=1e-4).grad) < 4.5    # a random subset, rescaled: unbiased


def test_spherical_variance_grows_linearly_in_d():
    def problem(d):
        f, x, grad = quadratic(d, seed=d)
        return f, x, grad(x)
    dims, n_dirs = [4, 8, 16, 32, 64, 96], (1, 4)
    s = zo_bias_variance(problem, dims, n_dirs, "sphere", n_samples=600, eps=1e-3, rng=0)
    assert np.all(s["bias"] < 4 * s["bias_se"])
    for b, m in enumerate(n_dirs):
        slope, intercept = np.polyfit(dims, s["variance"][:, b], 1)
        assert abs(slope * m - 1) < 0.15                   # variance ~ (d - 1) / m
        assert np.allclose(s["variance"][:, b], s["theory"][:, b], rtol=0.25)
    assert variance_factor("sphere", 100, 4) == 99 / 4 and variance_factor("gaussian", 100) == 101


def test_forward_scheme_zero_order():
    f, x, grad = quadratic(5)
    G = np.stack([zo_gradient(f, x, "sphere", 3, eps=1e-4, scheme="forward", rng=s).grad for s in range(2000)])
    assert max_z(G, grad(x)) < 4.5    # E[d v v^T A v] = 0 by symmetry: unbiased on quadratics too


def test_zero_order_reproducible_and_batched():
    f, x, _ = quadratic(5)
    a = zo_gradient(f, x, "sphere", 3, rng=42).grad
    assert np.array_equal(a, zo_gradient(f, x, "sphere", 3, rng=42).grad)
    assert np.array_equal(a, zo_gradient(f, x, "sphere", 3, rng=np.random.default_rng(42)).grad)
    assert not np.array_equal(a, zo_gradient(f, x, "sphere", 3, rng=43).grad)
    gen = np.random.default_rng(0)
    assert not np.array_equal(zo_gradient(f, x, rng=gen).grad, zo_gradient(f, x, rng=gen).grad)
    batched = lambda X: 0.5 * np.sum((X @ np.eye(5)) * X, axis=-1)   # noqa: E731
    single = lambda z: 0.5 * z @ z                                    # noqa: E731
    for scheme in ("central", "forward"):
        one = zo_gradient(batched, x, "gaussian", 7, scheme=scheme, rng=3, vectorized=True)
        many = zo_gradient(single, x, "gaussian", 7, scheme=scheme, rng=3)
        assert np.allclose(one.grad, many.grad, rtol=1e-12) and one.n_calls == 1 and one.n_evals == many.n_evals


# --- issue 16: estimates that know when they are wrong ---------------------------------------

from gradkit.numeric import FiniteDifferenceWarning, one_sided   # noqa: E402


def assert_honest(est, exact):
    """Where the adaptive estimate claims convergence, its error bounds the true error (x10 slack)."""
    exact = np.broadcast_to(exact, est.value.shape)
    claimed = np.asarray(est.converged)
    true = np.abs(est.value - exact)
    assert np.all(true[claimed] <= 10 * est.error[claimed]), (est.value, exact, est.error)


def test_richardson_regression_sin_at_1000():
    """Issue 16: the first step 500 saw an aliased plateau; -0.00299 +- 4.6e-9 was reported."""
    est = fd_gradient(lambda v: np.sin(v[0]), np.array([1000.0]), scheme="richardson")
    assert est.converged[0] and abs(est.grad[0] - np.cos(1000.0)) < 1e-12
    assert_honest(est, np.cos(1000.0))


@pytest.mark.parametrize("x", [100.0, 512.0, 1000.0, 1234.5, 4096.0, 1e4, 1e5, 1e6])
@pytest.mark.parametrize("a", [1.0, 3.0, 0.1])
def test_richardson_never_confidently_wrong_on_oscillations_at_large_x(a, x):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FiniteDifferenceWarning)
        est = fd_gradient(lambda v: np.sin(a * v[0]), np.array([x]), "richardson")
    assert_honest(est, a * np.cos(a * x))
    assert est.converged[0]   # and here it does converge, to a tight bound
    assert est.error[0] < 1e-9 * max(1.0, a * x)


@pytest.mark.parametrize("f, df, x", [
    (lambda x: np.sin(1e6 * x), lambda x: 1e6 * np.cos(1e6 * x), 1e-6),      # tiny scale
    (lambda x: np.exp(x / 1e6), lambda x: np.exp(x / 1e6) / 1e6, 1e6),        # huge scale
    (lambda x: np.sin(1 / x), lambda x: -np.cos(1 / x) / x ** 2, 0.05),       # oscillating, near-singular
    (np.tan, lambda x: 1 / np.cos(x) ** 2, 1.5),                              # near a pole
    (lambda x: np.arctan(1e3 * x), lambda x: 1e3 / (1 + 1e6 * x * x), 1e-3),  # steep
    (np.log, lambda x: 1 / x, 1e-6),                                          # domain edge, no bounds
    (np.arcsin, lambda x: 1 / np.sqrt(1 - x * x), 0.999),
])
def test_richardson_error_bounds_the_truth_on_hard_functions(f, df, x):
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore", FiniteDifferenceWarning)
        est = fd_gradient(lambda v: f(v[0]), np.array([x]), "richardson")
    assert_honest(est, df(x))
    assert est.converged[0] and abs(est.grad[0] - df(x)) <= 1e-9 * abs(df(x))


@pytest.mark.parametrize("f", [lambda v: np.cbrt(v[0]), lambda v: np.sqrt(v[0]) + v[0], lambda v: np.sign(v[0] - 1e-9)])
def test_richardson_says_when_it_cannot_converge(f):
    """Where there is no derivative (infinite slope, a singular edge, a jump): a warning and
    converged False. (A symmetric kink such as |x| at 0 gives central differences' answer,
    the symmetric derivative, as every central scheme does.)"""
    with pytest.warns(FiniteDifferenceWarning, match="did not converge"), np.errstate(all="ignore"):
        est = fd_gradient(f, np.array([0.0]), "richardson")
    assert not est.converged[0]


def test_richardson_vector_and_jacobian_honest_per_entry():
    scales = np.logspace(-3, 3, 6)
    x = 0.7 / scales
    est = fd_gradient(lambda v: np.sum(np.sin(scales * v)), x, "richardson")
    assert est.converged.all()
    assert_honest(est, scales * np.cos(scales * x))
    J = fd_jacobian(lambda v: np.array([np.sin(1e3 * v[0]), np.exp(v[1] / 1e3)]), np.array([1e-3, 2e3]),
                    "richardson")
    assert J.converged.shape == J.error.shape == (2, 2)
    assert_honest(J, np.array([[1e3 * np.cos(1.0), 0], [0, np.exp(2.0) / 1e3]]))


def test_non_finite_values_shrink_the_step_or_go_one_sided_and_say_so():
    # log just above 0: central steps of the default size leave the domain
    with pytest.warns(FiniteDifferenceWarning, match="not finite"), np.errstate(all="ignore"):
        g = fd_gradient(lambda v: np.log(v[0]), np.array([1e-6]))
    assert np.isfinite(g.grad[0]) and g.notes
    with np.errstate(all="ignore"):
        r = fd_gradient(lambda v: np.log(v[0]), np.array([1e-3]), "richardson")
    assert r.converged[0] and abs(r.grad[0] - 1e3) < 1e-9 * 1e3
    # sqrt(1 + x) + sqrt(x) - sqrt(x) ... a function undefined left of 0, smooth right of it
    f = lambda v: np.sqrt(v[0]) * 0 + np.sqrt(np.where(v[0] >= 0, 1 + v[0], np.nan))   # noqa: E731
    with np.errstate(all="ignore"):
        r = fd_gradient(f, np.array([0.0]), "richardson")
    assert r.converged[0] and abs(r.grad[0] - 0.5) < 1e-9 and any("one-sided" in n for n in r.notes)


@pytest.mark.parametrize("scheme", ["forward", "backward", "central", "central4", "central6", "richardson"])
def test_bounds_are_respected_by_every_scheme(scheme):
    lo, hi = np.array([0.0, -1.0]), np.array([1.0, 1e-9])

    def f(v):
        assert np.all(v >= lo) and np.all(v <= hi), f"left the domain: {v}"
        return np.sqrt(v[0]) + np.log1p(-v[1])
    x = np.array([1e-9, 0.0])    # next to a bound on each axis
    exact = np.array([0.5 / np.sqrt(1e-9), -1.0])
    if scheme == "richardson":
        est = fd_gradient(f, x, scheme, bounds=(lo, hi))
    else:   # x much closer to a bound than the fixed step: one-sided, with a warning that it may be off
        with pytest.warns(FiniteDifferenceWarning, match="closer than the step"):
            est = fd_gradient(f, x, scheme, bounds=(lo, hi))
    assert est.notes
    if scheme == "richardson":
        assert_honest(est, exact)
        assert est.converged.all() and np.allclose(est.grad, exact, rtol=1e-8)
    Hs = fd_hessian(f, x, bounds=(lo, hi))                 # central second differences go one-sided
    assert np.all(np.isfinite(Hs.value)) and Hs.notes
    e = fd_directional(f, x, np.array([1.0, -1.0]), scheme, bounds=(lo, hi))
    assert np.isfinite(e.value)
    zo = zo_gradient(f, np.array([0.5, 0.0]), "sphere", 3, rng=0, bounds=(lo, hi))
    assert np.all(np.isfinite(zo.grad))


def test_one_sided_stencils_have_the_order_of_their_scheme():
    for name in ("central", "central4", "forward"):
        for side in (1, -1):
            s = one_sided(SCHEMES[name], side)
            o, w = np.array(s.offsets), np.array(s.weights)
            assert np.all(side * o >= 0) and s.order == SCHEMES[name].order
            assert np.allclose([np.sum(w * o ** k) for k in range(s.order + 1)], np.eye(s.order + 1)[1], atol=1e-12)


def test_zero_order_reported_error_is_the_standard_error():
    """The reported per-component error matches the spread of independent estimates."""
    f, x, grad = quadratic(6)
    rng = np.random.default_rng(3)
    ests = [zo_gradient(f, x, "gaussian", 8, eps=1e-4, rng=rng) for _ in range(400)]
    G = np.stack([e.grad for e in ests])
    reported = np.sqrt(np.mean(np.stack([e.error for e in ests]) ** 2, axis=0))
    assert np.allclose(reported, G.std(axis=0), rtol=0.2)
    assert zo_gradient(f, x, "sphere", 1, rng=0).error is None        # one direction: nothing to measure
    assert zo_gradient(f, x, "coordinate").error is None               # all axes: central differences
    part = [zo_gradient(f, x, "coordinate", 3, eps=1e-4, rng=s) for s in range(400)]
    rms = np.sqrt(np.mean(np.sum((np.stack([p.grad for p in part]) - grad(x)) ** 2, axis=1)))
    rep = np.sqrt(np.mean([np.sum(p.error ** 2) for p in part]))
    assert abs(rep / rms - 1) < 0.2


# --- issue 12 §5: misuse gets a clear error --------------------------------------------------

SQ = lambda x: np.sum(x ** 2)   # noqa: E731
X2 = np.array([1.0, 2.0])


@pytest.mark.parametrize("call, error, match", [
    (lambda: fd_gradient(SQ, X2, step=0), ValueError, "positive and finite"),
    (lambda: fd_gradient(SQ, X2, step=np.nan), ValueError, "positive and finite"),
    (lambda: fd_gradient(SQ, X2, step=-1e-3), ValueError, "'backward'"),
    (lambda: fd_gradient(SQ, X2, "richardson", step=np.inf), ValueError, "positive and finite"),
    (lambda: fd_gradient(SQ, X2, step=[1e-3, 1e-3, 1e-3]), ValueError, r"shape \(3,\) but x has shape \(2,\)"),
    (lambda: fd_hessian(SQ, X2, step=[1e-3] * 3), ValueError, "one per element of x"),
    (lambda: fd_directional(SQ, X2, X2, step=0.0), ValueError, "positive"),
    (lambda: fd_directional(SQ, X2, np.ones(3)), ValueError, "direction v has shape"),
    (lambda: fd_directional(SQ, X2, np.array([np.nan, 1.0])), ValueError, "non-finite"),
    (lambda: fd_gradient(lambda x: None, X2), TypeError, "returned None"),
    (lambda: fd_gradient(lambda x: None, X2, "richardson"), TypeError, "returned None"),
    (lambda: zo_gradient(lambda x: None, X2), TypeError, "returned None"),
    (lambda: fd_gradient(lambda x: x[0] > 0, X2), TypeError, "comparison"),
    (lambda: fd_jacobian(lambda x: x[x > 1.0], X2), ValueError, "different shapes"),
    (lambda: fd_hessian(lambda x: x, X2), ValueError, "scalar f"),
    (lambda: fd_hessian(SQ, X2, grad=lambda x: np.ones(3)), ValueError, "grad returned shape"),
    (lambda: fd_gradient(SQ, X2, vectorized=True), ValueError, "vectorized=False"),
    (lambda: fd_gradient(lambda x: x[0] ** 2 + x[1], X2, vectorized=True), ValueError, "one value per point"),
    (lambda: zo_gradient(SQ, X2, n_dirs=3, vectorized=True), ValueError, "vectorized=False"),
    (lambda: fd_hessian(SQ, X2, vectorized=True), ValueError, "vectorized=False"),
    (lambda: fd_gradient(SQ, np.array([np.nan, 1.0])), ValueError, "non-finite"),
    (lambda: fd_gradient(SQ, np.array(["a", "b"])), TypeError, "numbers"),
    (lambda: zo_gradient(SQ, X2, n_dirs=2.5), ValueError, "whole number"),
    (lambda: zo_gradient(SQ, X2, eps=0), ValueError, "eps must be positive"),
    (lambda: fd_gradient(np.log, np.array([-1.0]), bounds=(0, None)), ValueError, "outside bounds"),
    (lambda: fd_gradient(SQ, X2, bounds=(3, 1)), ValueError, "lo <= hi"),
    (lambda: fd_gradient(SQ, X2, bounds=([0, 0, 0], None)), ValueError, "pair"),
    (lambda: fd_gradient(SQ, X2, None), ValueError, "unknown finite-difference scheme"),
])
def test_numeric_misuse_is_refused_with_the_fix(call, error, match):
    with pytest.raises(error, match=match):
        call()


@pytest.mark.parametrize("scheme", ["forward", "central", "central4", "complex", "richardson"])
def test_zero_dimensional_points(scheme):
    cube = lambda x: x ** 3   # noqa: E731
    g = fd_gradient(cube, np.array(2.0), scheme)
    assert g.grad.shape == () and abs(g.grad - 12) < 1e-5
    assert fd_gradient(cube, 2.0, scheme).grad.shape == ()
    assert abs(fd_directional(cube, np.array(2.0), np.array(1.0), scheme).value - 12) < 1e-5
    if scheme in ("forward", "central"):
        assert abs(fd_hessian(cube, np.array(2.0), scheme).value - 12) < 1e-3
    assert abs(zo_gradient(cube, np.array(2.0), "coordinate").grad - 12) < 1e-6
