"""gradkit.numeric against closed forms: finite differences (lecture L9), zero-order
estimators (L6, L7) and what they cost in evaluations of f."""
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
