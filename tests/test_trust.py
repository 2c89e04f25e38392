"""No value leaves a trace through a side door: every use of a traced value as a plain one
goes through core.trace.concrete, which jit and vmap refuse, and tracers hidden in lists,
tuples and keyword arguments are seen by the traces. Each case runs eagerly, under jit
called twice with different inputs, and under vmap against a loop over the examples."""
import numpy as onp
import pytest

import gradkit as gk
import gradkit.numpy as np
from gradkit.core.errors import ConcretizationError, NonDifferentiableError

X1, X2 = onp.array([1.0, -1.0, 2.0]), onp.array([-3.0, 1.0, 1.0])
I1, I2 = onp.array([0, 1, 1]), onp.array([2, 2, 0])


def _branch(x):
    return np.sum(x) if np.all([x.sum() > 0]) else -np.sum(x)


# programs whose Python control flow or result size depends on a traced value: refused by jit
REFUSED_BY_JIT = {
    "if over a list": _branch,
    "index from where(cond)": lambda x: np.sum(x[np.where(x > 0)]),
    "index from argmax(a=x)": lambda x: x[np.argmax(a=x)],
    "index from a keyword argsort": lambda x: x[np.argsort(a=x)][0],
    "unique's size": lambda x: np.sum(np.unique(x)),
    "histogram's bins": lambda x: np.sum(np.histogram(x, bins=2)[0]),
}


@pytest.mark.parametrize("name", REFUSED_BY_JIT)
def test_jit_refuses_values_that_would_be_baked_in(name):
    f = REFUSED_BY_JIT[name]
    f(X1)  # fine eagerly
    with pytest.raises(ConcretizationError, match="jit.*static_argnums"):
        gk.jit(f)(X1)


# programs that are part of the recording: the second call must see its own inputs
RECORDED = {
    "bincount with traced indices": lambda w, i: np.bincount(i, w, minlength=3),
    "bincount with a keyword weight": lambda w, i: np.bincount(i, weights=w, minlength=3),
    "searchsorted with a keyword v": lambda w, i: np.searchsorted(onp.array([-2.0, 0.0, 1.5]), v=w),
    "all over a list": lambda w, i: np.where(np.all([w > -2.0, w < 1.5]), w, 0.0),
    "count_nonzero over a tuple": lambda w, i: np.count_nonzero((w > 0, w < 2)) * w,
    "digitize with keywords": lambda w, i: np.digitize(w, bins=onp.array([0.0, 1.0])) * 1.0,
}


@pytest.mark.parametrize("name", RECORDED)
def test_jit_replays_side_computations_for_new_inputs(name):
    f = RECORDED[name]
    jitted = gk.jit(f)
    for w, i in ((X1, I1), (X2, I2), (X1, I2)):
        onp.testing.assert_allclose(jitted(w, i), f(w, i), rtol=1e-14)


@pytest.mark.parametrize("name", RECORDED)
def test_vmap_computes_side_computations_per_example(name):
    f = RECORDED[name]
    ws, iss = onp.stack([X1, X2]), onp.stack([I1, I2])
    loop = onp.stack([f(w, i) for w, i in zip(ws, iss)])
    onp.testing.assert_allclose(gk.vmap(f)(ws, iss), loop, rtol=1e-14)


def test_vmap_refuses_python_control_flow_on_a_batch():
    with pytest.raises(ConcretizationError, match="vmap.*np.where|vmap.*where"):
        gk.vmap(lambda x: x if x.sum() > 0 else -x)(onp.stack([X1, X2]))
    with pytest.raises(ConcretizationError, match="vmap"):
        gk.vmap(lambda x: x[np.argmax(x)])(onp.stack([X1, X2]))


def test_bincount_is_differentiable_in_its_weights_under_every_transformation():
    f = lambda w: np.sum(np.bincount(I1, w, minlength=4) ** 2)  # noqa: E731
    expected = 2 * onp.bincount(I1, X1, minlength=4)[I1]
    onp.testing.assert_allclose(gk.grad(f)(X1), expected)
    onp.testing.assert_allclose(gk.jit(gk.grad(f))(X2), 2 * onp.bincount(I1, X2, minlength=4)[I1])
    gk.check_grads(f, modes=("fwd", "rev"), order=2)(X1)


def test_a_traced_keyword_of_a_differentiable_primitive_keeps_its_derivative():
    onp.testing.assert_allclose(gk.grad(lambda x: np.dot(a=x, b=x))(X1), 2 * X1)
    onp.testing.assert_allclose(gk.grad(lambda x: np.sum(a=x * x))(X1), 2 * X1)


LISTS = {  # lists of traced values wherever NumPy reads an array-like
    "mean": (lambda x: np.mean([x, 2 * x]), 1.5),
    "var": (lambda x: np.var([x, 3 * x]), 2.0),
    "sum": (lambda x: np.sum([x, x * x]), 3.0),
    "norm": (lambda x: np.linalg.norm([x, 2 * x]), onp.sqrt(5.0)),
    "array": (lambda x: np.sum(np.array([[x, 1.0], [2.0, x]])), 2.0),
    "append": (lambda x: np.sum(np.append([1.0, 2.0], x)), 1.0),
    "dot": (lambda x: np.dot([x, 1.0], [x, 2.0]), 2.0),
    "maximum": (lambda x: np.sum(np.maximum([x, -x], 0.0)), 1.0),
}


@pytest.mark.parametrize("name", LISTS)
def test_lists_of_traced_values_are_array_likes(name):
    f, slope_at_1 = LISTS[name]
    onp.testing.assert_allclose(gk.grad(f)(1.0), slope_at_1, rtol=1e-12)
    gk.check_grads(f, modes=("fwd", "rev"), order=2)(1.3)


# Programs that write through NumPy views: each must give NumPy's value, and the gradient
# of that value (checked against finite differences of the NumPy program itself).
def _outer(xp, x):
    return xp.outer(x, x)


W = onp.arange(9.0).reshape(3, 3) + 1


def _v_write_base(xp, x):
    y = x * 1.0; v = y[:2]; y[0] = 5.0 * x[2]; return xp.sum(v * v) + xp.sum(y)


def _v_iadd(xp, x):
    y = x * 1.0; v = y[:2]; v += y[2]; return xp.sum(y * y)


def _v_setitem(xp, x):
    y = x * 1.0; v = y[1:]; v[0] = y[0] ** 2; return xp.sum(y * xp.arange(3.0))


def _row_imul(xp, x):
    X = _outer(xp, x); r = X[0]; r *= 2.0; return xp.sum(X ** 2)


def _transpose_sees_write(xp, x):
    X = _outer(xp, x); t = X.T; X[0, 1] = x[2] ** 3; return xp.sum(t * W)


def _write_into_transpose(xp, x):
    X = _outer(xp, x); t = X.T; t[0, 1] = x[2] ** 3; return xp.sum(X * W)


def _index_iadd_loop(xp, x):
    y = x * 1.0
    for i in range(3):
        y[i] += y[i - 1] * 2
    return xp.sum(y ** 2)


def _reshape_view(xp, x):
    X = _outer(xp, x); f = X.reshape(-1); f[4] = 7.0 * x[0]; return xp.sum(X * W)


def _reshape_copy(xp, x):
    X = _outer(xp, x); f = X.T.reshape(-1); f[4] = 7.0 * x[0]; return xp.sum(X * W) + xp.sum(f)


def _flatten_copies(xp, x):
    X = _outer(xp, x); f = X.flatten(); f[4] = 7.0; return xp.sum(X * W) + xp.sum(f)


def _array_copies(xp, x):
    y = x * 1.0; c = xp.array(y); c[0] = 9.0; return xp.sum(y * c)


def _asarray_does_not(xp, x):
    y = x * 1.0; c = xp.asarray(y); c[0] = 9.0 * x[1]; return xp.sum(y * xp.arange(3.0))


def _view_of_view(xp, x):
    X = _outer(xp, x); w = X[1:, 1:][0]; w[:] = x[0] * 3; return xp.sum(X * W)


def _sort_a_view(xp, x):
    y = x * 1.0; v = y[::2]; v.sort(); return xp.sum(y * xp.arange(3.0))


def _base_iadd_then_view(xp, x):
    y = x * 1.0; v = y[:]; y += 1.0; y[1] = v[0] * 2; return xp.sum(v * y)


def _transpose_row_iadd(xp, x):
    X = _outer(xp, x); X.T[0] += x; return xp.sum(X * W)


def _real_part(xp, x):
    y = x * 1.0; y.real[1] = x[0] * 4; return xp.sum(y * y)


VIEW_PROGRAMS = [_v_write_base, _v_iadd, _v_setitem, _row_imul, _transpose_sees_write, _write_into_transpose,
                 _index_iadd_loop, _reshape_view, _reshape_copy, _flatten_copies, _array_copies, _asarray_does_not,
                 _view_of_view, _sort_a_view, _base_iadd_then_view, _transpose_row_iadd, _real_part]


@pytest.mark.parametrize("program", VIEW_PROGRAMS, ids=lambda p: p.__name__.strip("_"))
def test_writes_through_views_follow_numpy(program):
    x = onp.array([0.7, -1.3, 2.1])
    value, g = gk.value_and_grad(lambda x: program(np, x))(x)
    onp.testing.assert_allclose(value, program(onp, x.copy()), rtol=1e-13)
    eps = 1e-6
    fd = [(program(onp, x + eps * e) - program(onp, x - eps * e)) / (2 * eps) for e in onp.eye(3)]
    onp.testing.assert_allclose(g, fd, rtol=1e-6, atol=1e-8)
    gk.check_grads(lambda x: program(np, x), modes=("fwd", "rev"), order=2)(x)
    x2 = onp.array([-0.4, 0.9, 1.6])  # jit replays the recording (views included) on new inputs; vmap batches it
    fast = gk.jit(gk.value_and_grad(lambda x: program(np, x)))
    fast(x)
    onp.testing.assert_allclose(fast(x2)[0], program(onp, x2.copy()), rtol=1e-13)
    onp.testing.assert_allclose(gk.vmap(gk.grad(lambda x: program(np, x)))(onp.stack([x, x2]))[1],
                                gk.grad(lambda x: program(np, x))(x2), rtol=1e-13)


@pytest.mark.parametrize("view", [lambda x: np.diagonal(x), lambda x: np.broadcast_to(x, (2, 2, 2))],
                         ids=["diagonal", "broadcast_to"])
def test_read_only_views_refuse_writes_as_numpy_does(view):
    def write(x):
        v = view(x * 1.0)
        v[(0,) * v.ndim] = 1.0
        return np.sum(v)

    with pytest.raises(ValueError, match="read-only.*copy"):
        gk.grad(write)(onp.ones((2, 2)))


def test_fill_changes_the_array_and_ndarray_methods_name_themselves():
    def filled(x):
        y = x * 1.0
        y.fill(x[0])
        return np.sum(y * x)

    x = onp.array([1.0, 2.0, 3.0])
    onp.testing.assert_allclose(filled(x), 6.0)
    onp.testing.assert_allclose(gk.grad(filled)(x), [1.0 + 6.0, 1.0, 1.0])
    with pytest.raises(AttributeError, match="ndarray.resize"):
        gk.grad(lambda x: x.resize(4))(x)


def test_jit_captures_globals_as_they_were_when_it_recorded():
    c = onp.array([1.0, 2.0])
    f = gk.jit(lambda x: np.sum(x * c) + np.sum(x[np.arange(2)] * c))
    assert f(onp.ones(2)) == 6.0
    c[0] = 100.0  # a later change is not mixed into the recording
    assert f(onp.ones(2)) == 6.0
    assert gk.jit(lambda x: np.sum(x * c))(onp.ones(2)) == 102.0  # a new recording sees it


def test_vectorize_differentiates_each_element_with_its_own_control_flow():
    relu = np.vectorize(lambda t: t if t > 0 else 0.0 * t)
    x = onp.array([[-1.0, 2.0], [3.0, -0.5]])
    onp.testing.assert_allclose(relu(x), onp.maximum(x, 0.0))
    onp.testing.assert_allclose(gk.grad(lambda x: np.sum(relu(x) ** 2))(x), 2 * onp.maximum(x, 0.0))
    gk.check_grads(lambda x: np.sum(np.vectorize(lambda a, b: a * np.sin(b))(x, 2.0)), order=2)(x)
    with pytest.raises(ConcretizationError, match="jit"):
        gk.jit(lambda x: np.sum(relu(x)))(x)


def test_vmap_of_a_result_whose_size_varies_per_example_says_so():
    with pytest.raises(ValueError, match="vmap of numpy.flatnonzero.*different shape"):
        gk.vmap(lambda x: np.flatnonzero(x > 0))(onp.array([[1.0, -1.0], [1.0, 1.0]]))


# -- tracers that escape their function -------------------------------------------------------
ESCAPES = {  # transformation -> (call, how the error names it)
    "grad": (lambda f: gk.grad(f)(X1), "reverse-mode"),
    "vjp": (lambda f: gk.vjp(f, X1), "reverse-mode"),
    "jvp": (lambda f: gk.jvp(f, (X1,), (X2,)), "forward-mode"),
    "hessian": (lambda f: gk.hessian(f)(X1), "reverse-mode|forward-mode|vmap"),
    "vmap": (lambda f: gk.vmap(f)(onp.stack([X1, X2])), "gradkit.vmap"),
    "jit": (lambda f: gk.jit(f)(X1), "gradkit.jit"),
}


@pytest.mark.parametrize("name", sorted(ESCAPES))
def test_a_tracer_used_after_its_transformation_returned_is_refused(name):
    kept = []

    def f(x):
        kept.append(x)
        return np.sum(x * x)
    call, named = ESCAPES[name]
    call(f)
    for late_use in (lambda t: t * 2.0, lambda t: np.sin(t), lambda t: t > 0,
                     lambda t: gk.grad(lambda z: np.sum(z * t))(X2)):  # not a silent Tracer as the gradient
        with pytest.raises(gk.EscapedTracerError, match=f"after ({named})"):
            late_use(kept[0])


def test_a_pullback_runs_after_its_function_returned():
    """Closing a trace ends recording into it, not its backward sweep."""
    out, back = gk.vjp(lambda x: np.sin(x) * x, X1)
    for g in (onp.ones(3), X2):
        onp.testing.assert_allclose(back(g)[0], g * (onp.cos(X1) * X1 + onp.sin(X1)))
    onp.testing.assert_allclose(gk.jacfwd(lambda g: back(g)[0])(X2), onp.diag(onp.cos(X1) * X1 + onp.sin(X1)))
