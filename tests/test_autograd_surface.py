"""autograd's surface beyond the spec table (issue 13 §2-§3): NumPy's keyword arguments,
einsum's interleaved form, numpy_version, make_diagonal, diagonal, dtypes that must be
kept, rfftn with odd last axes, where's result dtype, names and docstrings of wrapped
functions, r_/c_ and the in-place writers on traced values, xarray, NumPy's own
functions dispatching to the new ones, and gradkit.misc.fixed_point against autograd."""
import numpy as onp
import pytest
from hypothesis import given, settings, strategies as st

import gradkit as gk
import gradkit.numpy as np
from gradkit.core import UnsupportedFunctionError

RNG = onp.random.default_rng(0)
X = RNG.standard_normal((3, 4))


# -- keyword arguments NumPy has ------------------------------------------------------------
@pytest.mark.parametrize("name", ["sum", "mean", "prod", "cumsum", "cumprod", "var", "std", "nansum", "nanmean"])
def test_dtype_keyword(name):
    f = getattr(np, name)
    for dtype in (onp.float64,) if name in ("var", "std") else (onp.float64, onp.complex128):
        out = f(X, axis=0, dtype=dtype)
        expected = getattr(onp, name)(X, axis=0, dtype=dtype)
        assert out.dtype == expected.dtype
        onp.testing.assert_allclose(out, expected, rtol=1e-12)
    gk.check_grads(lambda x: onp.real(f(x, axis=0, dtype=onp.float64)), modes=("fwd", "rev"), order=2)(X + 2.0)


def test_numpy_positional_order_and_initial():
    onp.testing.assert_allclose(np.sum(X, 0, None, None, True), onp.sum(X, 0, None, None, True))
    onp.testing.assert_allclose(np.sum(X, initial=2.0), onp.sum(X, initial=2.0))
    onp.testing.assert_allclose(np.max(X, axis=1, initial=0.5), onp.max(X, axis=1, initial=0.5))
    onp.testing.assert_allclose(np.var(X, correction=1), onp.var(X, correction=1))
    assert gk.grad(lambda x: np.prod(x, initial=3.0))(onp.array([2.0, 5.0])).tolist() == [15.0, 6.0]


@pytest.mark.parametrize("call", [lambda x: np.sum(x, out=onp.zeros(())), lambda x: np.mean(x, where=x > 0),
                                  lambda x: onp.sum(x, where=onp.ones(4, bool)), lambda x: np.cumsum(x, out=onp.zeros(4)),
                                  lambda x: np.median(x, out=onp.zeros(()))])
def test_out_and_where_are_refused_clearly(call):
    with pytest.raises(TypeError, match="(out=|where=)"):
        gk.grad(lambda x: call(x) * 1.0)(onp.arange(4.0))


# -- the ufuncs' keywords: out=, where=, dtype= --------------------------------------------------------
UFUNCS = {"add": 2, "multiply": 2, "divide": 2, "power": 2, "arctan2": 2, "hypot": 2, "exp": 1, "sin": 1,
          "log": 1, "tanh": 1, "sqrt": 1}


@settings(max_examples=40, deadline=None)
@given(name=st.sampled_from(sorted(UFUNCS)), shapes=st.sampled_from([((3,), (3,)), ((2, 3), (3,)), ((2, 3), ()),
                                                                    ((2, 1), (1, 3))]),
       masked=st.booleans(), numpy_entry=st.booleans(), seed=st.integers(0, 2 ** 16))
def test_ufunc_out_and_where_match_numpy_and_differentiate(name, shapes, masked, numpy_entry, seed):
    r = onp.random.default_rng(seed)
    full = onp.broadcast_shapes(*shapes)
    args = [r.uniform(0.5, 2.0, s) for s in shapes[:UFUNCS[name]]]
    out0 = r.uniform(0.5, 2.0, full)
    mask = r.random(full) < 0.5 if masked else True
    expected = out0.copy()
    getattr(onp, name)(*args, out=expected, where=mask)
    ufunc = getattr(onp if numpy_entry else np, name)  # NumPy's own ufunc dispatches to ours

    def f(out, *xs):
        y = out * 1.0   # a traced target
        view = y[..., :1]
        ret = ufunc(*xs, out=y, where=mask)
        assert ret is y
        return np.sum(y * y) + np.sum(view)  # the view sees the write, as in NumPy

    def by_hand(out, *xs):
        y = np.where(mask, getattr(np, name)(*xs), out)
        return np.sum(y * y) + np.sum(y[..., :1])

    onp.testing.assert_allclose(f(out0, *args), by_hand(out0, *args), rtol=1e-12)
    onp.testing.assert_allclose(f(out0, *args), onp.sum(expected ** 2) + onp.sum(expected[..., :1]), rtol=1e-12)
    grads = gk.grad(f, tuple(range(len(args) + 1)))(out0, *args)
    for g, h in zip(grads, gk.grad(by_hand, tuple(range(len(args) + 1)))(out0, *args)):
        onp.testing.assert_allclose(g, h, rtol=1e-10, atol=1e-12)
    gk.check_grads(f, modes=("fwd", "rev"), order=2)(out0, *args)


def test_where_computes_only_the_selected_entries():
    """a / b with where=b != 0: no 0 * inf in the derivative (np.where(b != 0, a / b, 0) would give nan)."""
    a, b = onp.array([1.0, 2.0, 3.0]), onp.array([2.0, 0.0, 4.0])

    def f(a, b):
        y = a * 0.0
        np.divide(a, b, out=y, where=b != 0)
        return np.sum(y)
    with onp.errstate(divide="raise", invalid="raise"):  # nothing is computed at b = 0
        ga, gb = gk.grad(f, (0, 1))(a, b)
    onp.testing.assert_allclose(ga, [0.5, 0.0, 0.25])
    onp.testing.assert_allclose(gb, [-0.25, 0.0, -3 / 16])


def test_ufunc_keywords_under_jit_and_vmap():
    mask = onp.array([True, False, True])

    def f(x):
        y = x * 0.0 + 1.0
        np.exp(x, out=y, where=mask)
        return np.sum(y)
    x1, x2 = onp.array([0.1, 0.2, 0.3]), onp.array([1.0, 2.0, 3.0])
    jitted = gk.jit(gk.grad(f))
    for x in (x1, x2):
        onp.testing.assert_allclose(jitted(x), onp.exp(x) * mask)
    onp.testing.assert_allclose(gk.vmap(gk.grad(f))(onp.stack([x1, x2])), onp.exp([x1, x2]) * mask)
    with pytest.raises(gk.ConcretizationError, match="where= mask"):  # a traced mask: shape of the work varies
        gk.jit(lambda x: np.sum(np.exp(x, out=x * 1.0, where=x > 0.15)))(x1)


def test_ufunc_dtype_keyword_casts_the_inputs_first():
    x = onp.array([1.0, 2.0])
    out = gk.jvp(lambda x: np.sin(x, dtype=onp.float32), (x,), (onp.ones(2),))
    assert out[0].dtype == onp.sin(x, dtype=onp.float32).dtype == onp.float32
    onp.testing.assert_allclose(out[1], onp.cos(x), rtol=1e-6)
    onp.testing.assert_allclose(gk.grad(lambda x: np.sum(np.multiply(x, x, dtype=onp.float64, order="K")))(x), 2 * x)


@pytest.mark.parametrize("call, error, match", [
    (lambda x: np.add(x, 1.0, out=onp.zeros(3)), gk.NonDifferentiableError, "plain NumPy array"),
    (lambda x: onp.exp(x, out=onp.zeros(3)), gk.NonDifferentiableError, "plain NumPy array"),
    (lambda x: np.exp(x, where=x > 1), TypeError, "uninitialised"),
    (lambda x: np.add(x, onp.ones((2, 3)), out=x * 1.0), ValueError, "non-broadcastable output"),
    (lambda x: np.add(x, 1.0, dtype=int), TypeError, "cannot cast the input from float64 to int64"),
    (lambda x: np.add(x, 1.0, signature="dd->d"), TypeError, "signature= is not supported"),
])
def test_ufunc_keywords_misuse_is_refused_clearly(call, error, match):
    with pytest.raises(error, match=match):
        gk.grad(lambda x: np.sum(call(x)))(onp.arange(3.0))


# -- einsum, numpy_version, make_diagonal, diagonal -----------------------------------------------
def test_einsum_interleaved_form():
    a, b = RNG.standard_normal((2, 3)), RNG.standard_normal((3, 4))
    onp.testing.assert_allclose(np.einsum(a, [0, 1], b, [1, 2], [0, 2]), a @ b)
    onp.testing.assert_allclose(np.einsum(a, [0, 1], b, [1, 2]), onp.einsum(a, [0, 1], b, [1, 2]))
    onp.testing.assert_allclose(np.einsum(a, [Ellipsis, 1], [1, Ellipsis]), a.T)
    gk.check_grads(lambda a, b: np.einsum(a, [0, 1], b, [1, 2], [0, 2]), modes=("fwd", "rev"), order=2)(a, b)
    # numpy.einsum on traced values runs it too
    g = gk.grad(lambda a: onp.einsum(a, [0, 1], b, [1, 2], [0, 2]).sum())(a)
    onp.testing.assert_allclose(g, onp.ones((2, 4)) @ b.T)
    with pytest.raises(ValueError, match="labels"):
        np.einsum(a, [0, "i"])


def test_numpy_version():
    assert np.numpy_version == onp.__version__


def test_make_diagonal_is_the_transpose_of_diagonal():
    D = RNG.standard_normal((2, 3))
    onp.testing.assert_allclose(np.make_diagonal(D, 0, -1, -2), onp.stack([onp.diag(d) for d in D]))
    for offset in (0, 1, -2):
        for axes in ((0, 1), (1, 0), (-1, -2), (2, 0)):
            onp.testing.assert_allclose(onp.diagonal(np.make_diagonal(D, offset, *axes), offset, *axes), D)
    # <diagonal(A), D> = <A, make_diagonal(D)>: the VJP of diagonal is make_diagonal
    A = RNG.standard_normal((2, 4, 4))
    _, back = gk.vjp(lambda a: np.diagonal(a, 1, 1, 2), A)
    Dk = RNG.standard_normal((2, 3))
    onp.testing.assert_allclose(back(Dk)[0], np.make_diagonal(Dk, 1, 1, 2))


@pytest.mark.parametrize("offset, axis1, axis2", [(0, 0, 1), (1, 0, 1), (-1, 1, 0), (2, -1, -3), (0, 2, 0), (5, 0, 1)])
def test_diagonal_as_a_function(offset, axis1, axis2):
    A = RNG.standard_normal((3, 4, 5))
    onp.testing.assert_allclose(np.diagonal(A, offset, axis1, axis2), onp.diagonal(A, offset, axis1, axis2))
    if onp.diagonal(A, offset, axis1, axis2).size:
        gk.check_grads(lambda a: np.diagonal(a, offset, axis1, axis2), modes=("fwd", "rev"), order=2)(A)


# -- dtypes ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("dtype", [onp.float32, onp.float64, onp.complex64, onp.complex128])
def test_real_and_real_if_close_keep_dtypes(dtype):
    x = onp.ones(3, dtype)
    assert np.real(x).dtype == onp.real(x).dtype
    assert np.real_if_close(x).dtype == onp.real_if_close(x).dtype
    seen = []
    gk.grad(lambda t: (seen.append(np.real(t * 1.0)), np.sum(np.real(t)))[1])(onp.ones(3))
    assert gk.primal(seen[0]).dtype == onp.float64


@pytest.mark.parametrize("shape", [(3, 5), (4, 7), (2, 3, 5)])
def test_rfftn_with_odd_last_axes_matches_numpy(shape):
    x = RNG.standard_normal(shape)
    onp.testing.assert_allclose(np.fft.rfftn(x), onp.fft.rfftn(x))
    onp.testing.assert_allclose(np.fft.irfftn(onp.fft.rfftn(x), shape), x)
    gk.check_grads(lambda x: np.fft.irfftn(np.fft.rfftn(x) * 2.0, shape), modes=("fwd", "rev"), order=2)(x)


@pytest.mark.parametrize("x, y", [(1, 2), (1.0, 2), ([1, 2], [3, 4]), ([1.5, 2], 0), (onp.float32(1), 2.0),
                                  (onp.ones(2, onp.float32), 0.0), (onp.ones(2, onp.int32), 1)])
def test_where_keeps_numpys_result_dtype(x, y):
    cond = onp.array([True, False])
    assert np.where(cond, x, y).dtype == onp.where(cond, x, y).dtype
    onp.testing.assert_array_equal(np.where(cond, x, y), onp.where(cond, x, y))


def test_where_with_a_traced_branch_keeps_float32():
    seen = []

    def f(t):
        out = np.where(onp.array([True, False]), t, 0.0)
        seen.append(out.dtype)
        return np.sum(out)
    gk.grad(f)(onp.ones(2, onp.float32))
    assert seen[0] == onp.float32


@pytest.mark.parametrize("name", ["sin", "sum", "median", "interp", "floor", "save", "polyval", "einsum", "cov"])
def test_wrapped_functions_keep_name_and_doc(name):
    f = getattr(np, name)
    assert f.__name__ == name
    assert f.__doc__


@pytest.mark.parametrize("target", [onp.float32, onp.complex64, onp.float16])
def test_astype_changes_precision_under_differentiation_too(target):
    """value_and_grad's value is f's own (computed in float32), the gradient comes in x's dtype."""
    x = onp.array([0.3, 1.7, 2.9])
    f = lambda x: np.sum(np.abs(np.sin(x.astype(target))) ** 2)  # noqa: E731
    value, grad = gk.value_and_grad(f)(x)
    assert value.dtype == f(x).dtype and value == f(x)
    assert grad.dtype == onp.float64
    tangent = gk.jvp(lambda x: np.sin(x.astype(target)), (x,), (onp.ones(3),))[1]
    assert tangent.dtype == onp.dtype(target)
    exact = 2 * onp.sin(x) * onp.cos(x)
    onp.testing.assert_allclose(grad, exact, rtol=10 * onp.finfo(target).eps)
    onp.testing.assert_allclose(gk.jit(gk.grad(f))(x), grad)
    onp.testing.assert_allclose(gk.vmap(gk.grad(f))(onp.stack([x, x]))[1], grad)


# -- r_, c_ and the in-place writers ------------------------------------------------------------------
@pytest.mark.parametrize("key", [lambda v: (v, v), lambda v: (v, 0.5, v), lambda v: (slice(0, 3), v),
                                 lambda v: ("0,2", v, v), lambda v: ("1,2,0", v, v), lambda v: (v[None], v[None])])
def test_r_with_traced_values(key):
    v = onp.array([1.0, -2.0, 0.5])
    seen = []
    gk.grad(lambda t: (seen.append(gk.primal(np.r_[key(t)])), np.sum(np.r_[key(t)]))[1])(v)
    onp.testing.assert_array_equal(seen[0], onp.r_[key(v)])
    gk.check_grads(lambda t: np.r_[key(t)], modes=("fwd", "rev"), order=2)(v)


def test_c_with_traced_values():
    v = onp.array([1.0, 2.0])
    seen = []
    gk.grad(lambda t: (seen.append(gk.primal(np.c_[t, 2 * t])), np.sum(np.c_[t, 2 * t]))[1])(v)
    onp.testing.assert_array_equal(seen[0], onp.c_[v, 2 * v])
    assert gk.grad(lambda t: np.sum(np.c_[t, 2 * t] ** 2))(v).tolist() == [10.0, 20.0]


def test_writers_on_traced_arrays_rebind_like_assignment():
    def f(x, lib):
        x = x * 1.0
        alias = x
        lib.fill_diagonal(x, 7.0)
        lib.put(x, [1], x[2, 3] * 3.0)
        lib.put_along_axis(x, onp.array([[0], [1], [2]]), x[:, 3:] ** 2, axis=1)
        assert alias is x
        return x
    onp.testing.assert_allclose(f(X, np), f(X, onp))
    J = gk.jacfwd(lambda x: f(x, np))(X)
    onp.testing.assert_allclose(J, gk.jacrev(lambda x: f(x, np))(X))
    gk.check_grads(lambda x: f(x, np), modes=("fwd", "rev"), order=2)(X)


def test_writing_a_traced_value_into_a_plain_array_is_refused():
    with pytest.raises(TypeError, match="plain NumPy array"):
        gk.grad(lambda t: (onp.put(onp.zeros(3), [0], t), t)[1])(1.0)


# -- NumPy's own functions on traced values ------------------------------------------------------------
@pytest.mark.parametrize("call", [lambda x: onp.median(x), lambda x: onp.nanmean(x), lambda x: onp.ptp(x),
                                  lambda x: onp.trapezoid(x), lambda x: onp.polyval(x, 2.0),
                                  lambda x: onp.interp(0.5, onp.arange(4.0), x),
                                  lambda x: onp.quantile(x, 0.3), lambda x: onp.cov(x, x[::-1])[0, 1],
                                  lambda x: onp.cumulative_sum(x)[-1], lambda x: onp.vecdot(x, x)])
def test_numpy_dispatches_to_the_new_functions(call):
    x = onp.array([0.3, 1.7, -0.4, 2.2])
    gk.check_grads(call, modes=("fwd", "rev"), order=2)(x)


def test_refused_function_names_itself():
    with pytest.raises(UnsupportedFunctionError, match="numpy.array2string.*makes text"):
        gk.grad(lambda x: (onp.array2string(x), np.sum(x))[1])(onp.ones(2))


def test_nondiff_set_functions_under_grad():
    seen = []
    gk.grad(lambda x: (seen.append(np.isin(x, [1.0])), np.sum(x))[1])(onp.array([1.0, 2.0]))
    assert seen[0].tolist() == [True, False]


# -- xarray ---------------------------------------------------------------------------------------
def test_xarray_dataarray_holding_a_traced_value():
    xr = pytest.importorskip("xarray")
    w = xr.DataArray(onp.array([1.0, 2.0, 3.0]), dims="x")
    x0 = onp.array([0.5, 1.0, 2.0])

    def f(x):
        d = xr.DataArray(x, dims="x")
        return np.sum((d * w).data) + np.sum(onp.sin(d).data)
    onp.testing.assert_allclose(gk.grad(f)(x0), w.values + onp.cos(x0))


# -- gradkit.misc.fixed_point -------------------------------------------------------------------------
def _sqrt_iteration(a):
    return lambda x: x - 0.05 * (x ** 2 - a)


def _distance(x, y):
    return np.abs(x - y)


def test_fixed_point_matches_autograd():
    from gradkit.misc import fixed_point
    pytest.importorskip("autograd")
    import autograd
    import autograd.numpy as anp
    from autograd.misc.fixed_points import fixed_point as ag_fixed_point

    def ours(a):
        return fixed_point(_sqrt_iteration, a, 10.0, _distance, 1e-10)

    def theirs(a):
        return ag_fixed_point(_sqrt_iteration, a, 10.0, lambda x, y: anp.abs(x - y), 1e-10)
    assert abs(ours(2.0) - theirs(2.0)) < 1e-12
    assert abs(gk.grad(ours)(2.0) - autograd.grad(theirs)(2.0)) < 1e-10
    assert abs(gk.grad(gk.grad(ours))(2.0) - autograd.grad(autograd.grad(theirs))(2.0)) < 1e-9
    # the implicit derivative is the exact one, 1 / (2 sqrt a), in both modes
    assert abs(gk.grad(ours)(2.0) - 0.5 / onp.sqrt(2.0)) < 1e-8
    assert abs(gk.jvp(ours, (2.0,), (1.0,))[1] - 0.5 / onp.sqrt(2.0)) < 1e-8
    assert abs(gk.jacfwd(gk.grad(ours))(2.0) + 0.25 * 2.0 ** -1.5) < 1e-8


def test_fixed_point_of_a_pytree_parameter_and_a_vector():
    from gradkit.misc import fixed_point
    A = onp.array([[0.3, 0.1], [-0.2, 0.4]])

    def solve(params):  # x = A x tanh(s) + b: a contraction
        def step(p):
            return lambda x: np.tanh(p["s"]) * (A @ x) + p["b"]
        return fixed_point(step, params, onp.zeros(2), lambda u, v: np.max(np.abs(u - v)), 1e-13)
    params = {"s": 0.7, "b": onp.array([1.0, -0.5])}
    direct = onp.linalg.solve(onp.eye(2) - onp.tanh(0.7) * A, params["b"])
    onp.testing.assert_allclose(solve(params), direct, rtol=1e-11)
    g = gk.grad(lambda p: np.sum(solve(p) ** 2))(params)
    exact = gk.grad(lambda p: np.sum(np.linalg.solve(onp.eye(2) - np.tanh(p["s"]) * A, p["b"]) ** 2))(params)
    onp.testing.assert_allclose(g["b"], exact["b"], rtol=1e-9)
    onp.testing.assert_allclose(g["s"], exact["s"], rtol=1e-9)
    gk.check_grads(lambda b: solve({"s": 0.7, "b": b}), modes=("fwd", "rev"), order=2, rtol=1e-5)(params["b"])


# -- gradkit.misc.optimizers and flatten (autograd.misc's interface) ------------------------------
@pytest.mark.parametrize("name, kw", [("adam", dict(step_size=0.1)), ("sgd", dict(step_size=0.1)),
                                      ("rmsprop", dict(step_size=0.05))])
def test_optimizers_match_autograd(name, kw):
    pytest.importorskip("autograd")
    import autograd
    import autograd.numpy as anp
    import autograd.misc.optimizers as ag_opt
    from gradkit.misc import optimizers

    def loss(lib):
        return lambda p, i: lib.sum((p["w"] - 2.0) ** 2) + lib.sum(lib.sin(p["b"]) ** 2) * (1 + 0.1 * i)
    start = {"w": onp.array([0.5, -1.0]), "b": onp.array([[0.3, 1.0]])}
    seen = []
    ours = getattr(optimizers, name)(gk.grad(loss(np)), start, lambda x, i, g: seen.append(i), num_iters=30, **kw)
    theirs = getattr(ag_opt, name)(autograd.grad(loss(anp)), start, num_iters=30, **kw)
    for k in start:
        onp.testing.assert_allclose(ours[k], theirs[k], rtol=1e-12)
    assert seen == list(range(30))


def test_flatten_round_trip_and_gradient():
    from gradkit.misc.flatten import flatten, flatten_func
    value = {"a": onp.arange(3.0), "b": (onp.ones((2, 2)), 4.0)}
    v, unflatten = flatten(value)
    assert v.shape == (8,)
    back = unflatten(v)
    onp.testing.assert_array_equal(back["b"][0], onp.ones((2, 2)))
    f, unflat, x0 = flatten_func(lambda p: {"s": np.sum(p["a"] ** 2) * p["b"][1]}, value)
    onp.testing.assert_allclose(gk.grad(lambda x: f(x)[0])(x0)[:3], 2 * 4.0 * onp.arange(3.0))



@pytest.mark.parametrize("name", ["grad", "value_and_grad", "elementwise_grad", "jacobian", "hessian"])
def test_autograds_argnum_keyword(name):
    """autograd writes grad(f, argnum=1) (its negative_binomial_maxlike example does): the
    same derivative as argnums=1 and as autograd's own."""
    autograd = pytest.importorskip("autograd")
    import autograd.numpy as anp

    def f(xp, a, b):
        return xp.sum(xp.sin(a) * b ** 3)
    a, b = onp.array([0.3, -1.2]), onp.array([0.7, 2.0])
    ours = getattr(gk, name)(lambda a, b: f(np, a, b), argnum=1)(a, b)
    by_argnums = getattr(gk, name)(lambda a, b: f(np, a, b), argnums=1)(a, b)
    theirs = getattr(autograd, name)(lambda a, b: f(anp, a, b), argnum=1)(a, b)
    for got, want, same in zip(*[x if name == "value_and_grad" else (x,) for x in (ours, theirs, by_argnums)]):
        onp.testing.assert_allclose(got, want, rtol=1e-12)
        onp.testing.assert_array_equal(got, same)
    with pytest.raises(TypeError, match="not both"):
        getattr(gk, name)(lambda a, b: f(np, a, b), 0, argnum=1)


@pytest.mark.parametrize("argnum", [0, 1, (0, 1), (1, 0)])
def test_make_vjp_and_make_jvp_take_autograds_form(argnum):
    """make_vjp(f, argnum)(*args) and make_jvp(f, argnum)(*args)(v), as autograd's."""
    import autograd
    import autograd.numpy as anp
    x, y = onp.array([0.3, -1.2]), onp.array([2.0, 0.5])
    ours = lambda x, y, scale=1.0: scale * np.sin(x) * y ** 2  # noqa: E731
    theirs = lambda x, y, scale=1.0: scale * anp.sin(x) * y ** 2  # noqa: E731
    g = onp.array([1.0, -2.0])
    back, value = gk.make_vjp(ours, argnum)(x, y, scale=3.0)
    ref_back, ref_value = autograd.make_vjp(theirs, argnum)(x, y, scale=3.0)
    onp.testing.assert_allclose(value, ref_value)
    for a, b in zip(onp.atleast_1d(back(g)) if isinstance(argnum, int) else back(g),
                    onp.atleast_1d(ref_back(g)) if isinstance(argnum, int) else ref_back(g)):
        onp.testing.assert_allclose(a, b)
    v = g if isinstance(argnum, int) else (g, -g)
    out, tangent = gk.make_jvp(ours, argnum)(x, y, scale=3.0)(v)
    ref_out, ref_tangent = autograd.make_jvp(theirs, argnum)(x, y, scale=3.0)(v)
    onp.testing.assert_allclose(out, ref_out)
    onp.testing.assert_allclose(tangent, ref_tangent)


# -- autograd's other differential operators, against autograd ------------------------------------
def _autograd():
    import autograd
    import autograd.numpy as anp
    return autograd, anp


def _programs(lib):
    return {
        "f": lambda x, y=1.5: lib.sum(lib.sin(x) * y ** 2) + lib.sum(x ** 3) * y,
        "vector": lambda x, y=1.5: lib.tanh(x) * y + x ** 2,
        "pair": lambda x, y=1.5: (lib.sum(lib.exp(x) * y), x * 2.0),
    }


XV = onp.array([0.3, -0.8, 1.1])


@pytest.mark.parametrize("operator, program, call", [
    ("deriv", "vector", lambda op, f: op(lambda t: f(t * XV))(0.7)),
    ("deriv", "vector", lambda op, f: op(f, 1)(XV, 2.0)),
    ("grad_and_aux", "pair", lambda op, f: op(f)(XV)),
    ("grad_named", "f", lambda op, f: op(f, "y")(XV, 2.0)),
    ("make_hvp", "f", lambda op, f: (lambda p, g: (p(XV[::-1]), g))(*op(f)(XV, 2.0))),
    ("make_hvp", "f", lambda op, f: op(f, 1)(XV, 2.0)[0](1.0)),
    ("make_ggnvp", "vector", lambda op, f: op(f)(XV)(XV[::-1])),
    ("make_ggnvp", "vector", lambda op, f: op(f, lambda y: (y ** 4).sum())(XV)(XV)),
    ("tensor_jacobian_product", "vector", lambda op, f: op(f)(XV, XV[::-1])),
    ("vector_jacobian_product", "vector", lambda op, f: op(f, 1)(XV, 2.0, XV[::-1])),
])
def test_autograds_differential_operators_match_autograd(operator, program, call):
    autograd, anp = _autograd()
    ours = call(getattr(gk, operator), _programs(np)[program])
    theirs = call(getattr(autograd, operator), _programs(anp)[program])
    assert type(ours) is type(theirs) or isinstance(ours, dict)
    for a, b in zip(gk.tree_flatten(dict(ours) if isinstance(ours, dict) else ours)[0],
                    gk.tree_flatten(dict(theirs) if isinstance(theirs, dict) else theirs)[0]):
        onp.testing.assert_allclose(a, b, rtol=1e-12)


def test_multigrad_dict_names_every_argument():
    """(autograd's needs the funcsigs package, so it is checked against grad here)"""
    f = _programs(np)["f"]
    got = gk.multigrad_dict(f)(XV)
    assert list(got) == ["x", "y"]
    onp.testing.assert_allclose(got["x"], gk.grad(f)(XV, 1.5))
    onp.testing.assert_allclose(got["y"], gk.grad(f, 1)(XV, 1.5))


def test_const_graph_records_once_and_replays():
    from gradkit.misc import const_graph
    calls = []

    def f(scale, x):
        calls.append(1)
        return scale * np.sum(np.sin(x))
    fast = const_graph(f, 3.0)
    for x in (XV, 2 * XV, -XV):
        onp.testing.assert_allclose(fast(x), 3.0 * onp.sum(onp.sin(x)))
    assert len(calls) == 1
    onp.testing.assert_allclose(gk.grad(fast)(XV), 3.0 * onp.cos(XV))


def test_autograds_builtins_see_through_traced_values():
    seen = []

    def f(x, pair):
        seen.append((gk.isinstance(x, onp.ndarray), gk.type(x) is onp.ndarray, gk.isinstance(pair, gk.tuple)))
        return np.sum(x * pair[0]) + gk.list(pair)[1]
    onp.testing.assert_allclose(gk.grad(f)(XV, (2.0, 1.0)), 2.0 * onp.ones(3))
    assert seen == [(True, True, True)]
    assert gk.type("C", (), {}).__name__ == "C"  # the three-argument form makes a class


def test_check_grads_takes_autograds_argnum_and_keywords():
    f = lambda x, n, axis=0: np.sum(np.sum(x, axis=axis) ** n)  # noqa: E731
    gk.check_grads(f, 0, modes=["rev"])(onp.ones((2, 3)), 3, axis=1)  # n an int: only argnum 0 is checked
    with pytest.raises(AssertionError, match="reverse mode"):
        wrong = gk.custom_vjp(lambda x: np.sum(x ** 2))
        wrong.defvjp(lambda x: (np.sum(x ** 2), x), lambda x, g: (g * x,))  # should be 2 g x
        gk.check_grads(lambda x, c: wrong(x) * c, argnum=(0,), modes=["rev"], order=1)(XV, 1.0)


def test_the_gradient_of_a_complex_input_is_complex():
    """as autograd's: a complex input's gradient has a complex dtype, even where it is real-valued."""
    g = gk.grad(lambda z: np.sum(np.real(z)))(onp.array([1j, 2.0 + 0j]))
    assert g.dtype == onp.complex128
    onp.testing.assert_allclose(g, [1.0, 1.0])
