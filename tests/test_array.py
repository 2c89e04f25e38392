"""Traced values behave like NumPy arrays.

Each program below is written once, against a library argument `lib` (numpy,
gradkit.numpy or autograd.numpy), with operators, attributes, methods, indexing and
assignment as a NumPy user writes them. Run on plain arrays it gives NumPy's reference
value; run under gradkit its derivatives are checked against finite differences to second
order, and its gradient against autograd's where autograd can run the program.
"""
import numpy as onp
import pytest

import gradkit as gk
import gradkit.numpy as gnp
from gradkit.core import Tracer, tree_flatten


def _x(rng):
    return rng.uniform(0.5, 2.0, (2, 3))


def _y(rng):
    return rng.uniform(0.5, 2.0, (3,))


def _set(lib, x, idx, v):
    x = x * 1.0  # a fresh array, so that plain inputs are not changed
    x[idx] = v
    return x


def _iadd(lib, x, idx, v):
    x = x * 1.0
    x[idx] += v
    return x


def _alias(lib, x, y):
    x = x * 1.0
    z = x  # another name for the same array sees the assignment, as in NumPy
    x[0, 1] = y[2] * 3.0
    return z


def _assign_after_use(lib, x, y):
    x = x * 1.0
    before = x * 2.0
    x[:, 0] = y[:2]
    return before + x


def _inplace_ops(lib, x, y):
    x = x * 1.0
    z = x
    x += y
    x *= y
    x -= 1.0
    x /= y
    x **= 1.5
    return z


def _build(lib, x, y):
    return lib.array([[x[0, 0], 2.0 * x[1, 2]], [y[1], 3.0]])


def _loop(lib, x, y):
    total = 0.0
    for row in x:  # iteration over the first axis
        total = total + row * y
    return total * len(x)


def _comprehension(lib, x, y):
    return lib.stack([row ** k for k, row in enumerate(x)])


# name -> (program(lib, x, y), autograd can run it)
PROGRAMS = {
    # arithmetic operators, broadcasting (2, 3) with (3,), reflected forms
    "add": (lambda lib, x, y: x + y, True), "radd": (lambda lib, x, y: 2.0 + x, True),
    "sub": (lambda lib, x, y: x - y, True), "rsub": (lambda lib, x, y: 2.0 - y, True),
    "mul": (lambda lib, x, y: x * y, True), "rmul": (lambda lib, x, y: 3.0 * x, True),
    "div": (lambda lib, x, y: x / y, True), "rdiv": (lambda lib, x, y: 1.0 / x, True),
    "pow": (lambda lib, x, y: x ** y, True), "pow_const": (lambda lib, x, y: y ** 3, True),
    "rpow": (lambda lib, x, y: 2.0 ** x, True), "pow_half": (lambda lib, x, y: x ** 0.5, True),
    "mod": (lambda lib, x, y: (x * 3.0 + 0.1) % 1.7, True),
    "floordiv": (lambda lib, x, y: (x // 0.3) * x, False),
    "neg": (lambda lib, x, y: -x, True), "pos": (lambda lib, x, y: +x, False),
    "abs": (lambda lib, x, y: abs(x - 2.5), True),
    "matmul": (lambda lib, x, y: x @ y, True), "rmatmul": (lambda lib, x, y: y @ x.T, True),
    "matmul_matrix": (lambda lib, x, y: x @ x.T, True),
    # comparisons give plain masks
    "gt": (lambda lib, x, y: (x > y) * x, True), "ge": (lambda lib, x, y: (x >= 1.0) * x, True),
    "lt": (lambda lib, x, y: (x < y) * y, True), "le": (lambda lib, x, y: (x <= y) * y, True),
    "eq": (lambda lib, x, y: (x == x) * x, True), "ne": (lambda lib, x, y: (x != y) * x, True),
    # attributes
    "T": (lambda lib, x, y: x.T * 2.0, True), "mT": (lambda lib, x, y: x.mT, False),
    "real": (lambda lib, x, y: x.real, False), "imag": (lambda lib, x, y: x.imag + x, False),
    "shape_ndim_size": (lambda lib, x, y: x * x.ndim + y * x.size + onp.ones(x.shape), True),
    "len_iter": (_loop, True), "enumerate": (_comprehension, True),
    # methods
    "sum": (lambda lib, x, y: x.sum(), True), "sum_axis": (lambda lib, x, y: x.sum(axis=0), True),
    "sum_keepdims": (lambda lib, x, y: x.sum(1, keepdims=True), True),
    "mean": (lambda lib, x, y: x.mean(axis=1), True), "prod": (lambda lib, x, y: x.prod(), True),
    "max": (lambda lib, x, y: x.max(), True), "max_axis": (lambda lib, x, y: x.max(axis=0), True),
    "min": (lambda lib, x, y: x.min(1), True), "var": (lambda lib, x, y: x.var(), True),
    "std": (lambda lib, x, y: x.std(axis=0), True), "cumsum": (lambda lib, x, y: x.cumsum(axis=1), True),
    "cumprod": (lambda lib, x, y: x.cumprod(), False),
    "reshape_args": (lambda lib, x, y: x.reshape(3, 2), True),
    "reshape_tuple": (lambda lib, x, y: x.reshape((6,)), True),
    "reshape_infer": (lambda lib, x, y: x.reshape(-1, 2), True),
    "transpose": (lambda lib, x, y: x.transpose(), True),
    "transpose_args": (lambda lib, x, y: x.transpose(1, 0), False),
    "transpose_tuple": (lambda lib, x, y: x.transpose((1, 0)), True),
    "ravel": (lambda lib, x, y: x.ravel(), True), "flatten": (lambda lib, x, y: x.flatten(), True),
    "squeeze": (lambda lib, x, y: x[None].squeeze(), True),
    "swapaxes": (lambda lib, x, y: x.swapaxes(0, 1), True),
    "repeat": (lambda lib, x, y: x.repeat(2, axis=0), True),
    "diagonal": (lambda lib, x, y: x.diagonal(), False), "trace": (lambda lib, x, y: x.trace(), True),
    "copy": (lambda lib, x, y: x.copy(), False), "dot": (lambda lib, x, y: x.dot(y), False),
    "dot_matrix": (lambda lib, x, y: x.T.dot(x), False),
    "clip": (lambda lib, x, y: x.clip(0.0, 10.0) + y.clip(max=10.0), False),
    "conj": (lambda lib, x, y: x.conj(), False), "astype": (lambda lib, x, y: x.astype(float), True),
    "take": (lambda lib, x, y: x.take([0, 2, 2], axis=1), False),
    "round_argmax": (lambda lib, x, y: x.round() * x + x.argmax() * y, False),
    # indexing: basic, advanced (repeats accumulate), boolean masks
    "int": (lambda lib, x, y: x[1], True), "int_slice": (lambda lib, x, y: x[-1, 1:], True),
    "reverse": (lambda lib, x, y: x[:, ::-1], True), "newaxis": (lambda lib, x, y: x[None, :, 0], True),
    "ellipsis": (lambda lib, x, y: x[..., 1], True), "repeated_rows": (lambda lib, x, y: x[[0, 0, 1]], True),
    "pairs": (lambda lib, x, y: x[[0, 1, 1], [2, 2, 0]], True),
    "repeated_cols": (lambda lib, x, y: x[:, [2, 0, 2]], True),
    "int_and_list": (lambda lib, x, y: x[1, [0, 0, 2]], True),
    "mask_from_values": (lambda lib, x, y: x[x > 1.0], True),
    "mask_rows": (lambda lib, x, y: x[onp.array([True, False])], True),
    "mask_2d": (lambda lib, x, y: x[onp.array([[True, False, True], [False, True, True]])], True),
    "index_array_2d": (lambda lib, x, y: y[onp.array([[0, 1], [1, 1]])], True),
    "scalar_from_array": (lambda lib, x, y: x[onp.int64(1), onp.int64(2)], True),
    # building arrays from traced scalars
    "array_of_scalars": (_build, True),
    # assignment, recorded as functional updates
    "set_item": (lambda lib, x, y: _set(lib, x, (0, 1), y[0] * 2.0), False),
    "set_slice": (lambda lib, x, y: _set(lib, x, (slice(None), 1), y[:2]), False),
    "set_row_broadcast": (lambda lib, x, y: _set(lib, x, 1, y[0]), False),
    "set_mask": (lambda lib, x, y: _set(lib, x, x > 1.0, 0.0), False),
    "set_fancy": (lambda lib, x, y: _set(lib, x, ([0, 1], [2, 0]), y[:2]), False),
    "iadd_item": (lambda lib, x, y: _iadd(lib, x, 1, y), False),
    "iadd_repeated": (lambda lib, x, y: _iadd(lib, x, [0, 0], y), False),  # NumPy: no accumulation
    "alias_sees_assignment": (_alias, False), "assign_after_use": (_assign_after_use, False),
    "inplace_operators": (_inplace_ops, False),
}


@pytest.fixture
def xy(rng):
    return _x(rng), _y(rng)


def _plain(tree):
    leaves = tree_flatten(tree)[0]
    assert not any(type(v) is Tracer for v in leaves)
    return leaves


@pytest.mark.parametrize("name", PROGRAMS)
def test_program(name, xy):
    program, with_autograd = PROGRAMS[name]
    x, y = xy
    expected = program(onp, x.copy(), y.copy())
    for a, b in zip(_plain(program(gnp, x, y)), tree_flatten(expected)[0]):
        onp.testing.assert_allclose(a, b, rtol=1e-13)
    gk.check_grads(lambda x, y: program(gnp, x, y), modes=("fwd", "rev"), order=2)(x, y)
    if with_autograd:
        autograd = pytest.importorskip("autograd")
        import autograd.numpy as anp
        theirs = autograd.grad(lambda x, y: anp.sum(anp.sin(program(anp, x, y))), (0, 1))(x, y)
        ours = gk.grad(lambda x, y: gnp.sum(gnp.sin(program(gnp, x, y))), (0, 1))(x, y)
        for a, b in zip(ours, theirs):
            onp.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-14)


# -- indexing on a 3-D array, advanced indices split by a slice (NumPy moves their axis first)
@pytest.mark.parametrize("idx", [
    (slice(None), [0, 1], slice(None)), ([0, 1], slice(None), [1, 0]), (slice(1, None), [[0], [2]], 0),
    (Ellipsis, None, 1), ([0, 0, 2], [1, 1, 1]), (1, slice(None), [0, 0]),
], ids=str)
def test_indexing_3d(idx, rng):
    z = rng.standard_normal((3, 3, 2))
    onp.testing.assert_array_equal(gk.jvp(lambda z: z[idx], (z,), (z,))[0], z[idx])
    gk.check_grads(lambda z: z[idx], order=2)(z)


def test_repeated_indices_accumulate():
    x = onp.array([1.0, 2.0, 3.0])
    onp.testing.assert_array_equal(gk.grad(lambda x: gnp.sum(x[[0, 0, 2, 0]]))(x), [3.0, 0.0, 1.0])
    onp.testing.assert_array_equal(gk.grad(lambda x: gnp.sum(x[onp.array([[1, 1], [1, 2]])] ** 2))(x),
                                   [0.0, 12.0, 6.0])
    onp.testing.assert_array_equal(gk.jacrev(lambda x: x[[1, 1]])(x), [[0, 1, 0], [0, 1, 0]])


def test_boolean_mask_gradient():
    x = onp.array([-1.0, 2.0, -3.0, 4.0])
    onp.testing.assert_array_equal(gk.grad(lambda x: gnp.sum(x[x > 0] ** 2))(x), [0.0, 4.0, 0.0, 8.0])


# -- assignment ------------------------------------------------------------------------------
def test_assignment_into_the_input_itself():
    def f(x, v):
        x[1] = v * 2.0  # x is the traced input: rebound, derivatives stay right
        x[2] += v
        return gnp.sum(x * x)
    x, v = onp.array([1.0, 2.0, 3.0]), 0.5
    gx, gv = gk.grad(f, (0, 1))(x, v)
    onp.testing.assert_allclose(gx, [2.0, 0.0, 2 * 3.5])
    onp.testing.assert_allclose(gv, 2 * 1.0 * 2 + 2 * 3.5)


def test_at_updates():
    x, v = onp.array([1.0, 2.0, 3.0, 4.0]), onp.array([10.0, 20.0])
    cases = {
        "set": (lambda x, v: x.at[[1, 3]].set(v), lambda x, v: _np_update(x, [1, 3], v, "set")),
        "add": (lambda x, v: x.at[[1, 1]].add(v), lambda x, v: _np_update(x, [1, 1], v, "add")),
        "multiply": (lambda x, v: x.at[[0, 2]].multiply(v), lambda x, v: _np_update(x, [0, 2], v, "mul")),
        "get": (lambda x, v: x.at[[2, 2]].get() * v, lambda x, v: x[[2, 2]] * v),
        "index_update": (lambda x, v: gnp.index_update(x, slice(0, 2), v), lambda x, v: _np_update(x, slice(0, 2), v, "set")),
    }
    for name, (ours, ref) in cases.items():
        def traced(x, v, ours=ours, ref=ref):
            # .at exists on traced arrays only; check_grads' finite differences call the reference
            return ours(x, v) if type(x) is Tracer else ref(x, v)
        onp.testing.assert_allclose(gk.jvp(traced, (x, v), (x, v))[0], ref(x, v), err_msg=name)
        gk.check_grads(traced, order=2)(x, v)
    # .add accumulates repeated indices: both entries of v land on x[1]
    onp.testing.assert_array_equal(gk.grad(lambda v: gnp.sum(gnp.index_add(onp.zeros(4), [1, 1], v) * onp.arange(4)))(v),
                                   [1.0, 1.0])


def _np_update(x, idx, v, how):
    out = x.copy()
    if how == "set":
        out[idx] = v
    elif how == "add":
        onp.add.at(out, idx, v)
    else:
        out[idx] *= v
    return out


def test_assigning_a_traced_value_into_a_numpy_array_says_what_to_write():
    def f(x):
        a = onp.zeros(3)
        a[0] = x[0]
        return gnp.sum(a)
    # NumPy reports a 0-d traced value as "setting an array element with a sequence",
    # caused by gradkit's error, which says what to write
    with pytest.raises(ValueError) as info:
        gk.grad(f)(onp.ones(3))
    assert isinstance(info.value.__cause__, gk.NonDifferentiableError)
    assert "index_update" in str(info.value.__cause__)

    def h(x):
        a = onp.zeros((2, 3))
        a[0] = x
        return gnp.sum(a)
    with pytest.raises(gk.NonDifferentiableError, match="index_update"):
        gk.grad(h)(onp.ones(3))

    def g(x):
        a = onp.zeros(3)
        a += x
        return gnp.sum(a)
    with pytest.raises(gk.NonDifferentiableError, match="a = a \\+ x"):
        gk.grad(g)(onp.ones(3))


def test_repeated_multiply_is_refused():
    with pytest.raises(NotImplementedError, match="repeated"):
        gk.grad(lambda x: gnp.sum(x.at[[0, 0]].multiply(2.0)))(onp.ones(2))


def test_inplace_operator_shape_mismatch_is_refused():
    def f(x):
        x += onp.ones((2, 3))
        return gnp.sum(x)
    with pytest.raises(ValueError, match="non-broadcastable"):
        gk.grad(f)(onp.ones(3))


# -- non-differentiable functions return plain NumPy ---------------------------------------------
def test_nondiff_results_are_plain_numpy():
    seen = {}

    def f(x):
        seen.update(argmax=onp.argmax(x), argsort=gnp.argsort(x), floor=gnp.floor(x), ceil=onp.ceil(x),
                    round=gnp.round(x, 1), gt=x > 1.0, isnan=gnp.isnan(x), sign=gnp.sign(x),
                    shape=x.shape, np_shape=onp.shape(x), ndim=x.ndim, size=onp.size(x), dtype=x.dtype,
                    nonzero=x.nonzero(), all=(x > 0).all(), method_argmax=x.argmax(), where=gnp.where(x > 1.0),
                    int_cast=x.astype(int))
        return gnp.sum(x)
    x = onp.array([0.3, 1.7, 2.2])
    for transform in (lambda: gk.grad(f)(x), lambda: gk.jvp(f, (x,), (x,))):
        seen.clear()
        transform()
        for name, value in seen.items():
            assert not any(type(v) is Tracer for v in tree_flatten(value)[0]), name
        assert seen["shape"] == seen["np_shape"] == (3,) and seen["ndim"] == 1 and seen["size"] == 3
        assert seen["dtype"] == onp.float64
        onp.testing.assert_array_equal(seen["argsort"], [0, 1, 2])
        assert seen["argmax"] == 2 and type(seen["floor"]) is onp.ndarray


def test_traced_repr_and_errors():
    def f(x):
        assert repr(x) == "Tracer(level=%d, shape=(2,), dtype=float64)" % x._trace.level
        with pytest.raises(gk.NonDifferentiableError, match="stop_gradient"):
            float(x[0])
        with pytest.raises(TypeError, match="0-d"):
            len(x[0])
        return gnp.sum(x)
    gk.grad(f)(onp.ones(2))


# -- NumPy's own functions on traced values --------------------------------------------------------
NUMPY_CALLS = {
    "sum": lambda x, y: onp.sum(x, axis=0), "exp_ufunc": lambda x, y: onp.exp(x) * onp.sin(y),
    "dot": lambda x, y: onp.dot(x, y), "norm": lambda x, y: onp.linalg.norm(x, axis=1),
    "concatenate": lambda x, y: onp.concatenate([x.ravel(), y]), "where": lambda x, y: onp.where(x > 1.0, x, 0.0),
    "maximum": lambda x, y: onp.maximum(x, 1.01 * y), "mean": lambda x, y: onp.mean(x, axis=-1, keepdims=True),
    "stack": lambda x, y: onp.stack([y, y * 2]), "einsum": lambda x, y: onp.einsum("ij,j->i", x, y),
    "tile": lambda x, y: onp.tile(y, 2), "sort": lambda x, y: onp.sort(x, axis=0), "outer": lambda x, y: onp.outer(y, y),
    "reshape": lambda x, y: onp.reshape(x, (3, 2)), "transpose": lambda x, y: onp.transpose(x),
    "ndarray_times_tracer": lambda x, y: onp.arange(3.0) * y, "ndarray_matmul": lambda x, y: onp.ones((2, 3)) @ y,
}


@pytest.mark.parametrize("name", NUMPY_CALLS)
def test_numpy_functions_dispatch(name, xy):
    f = NUMPY_CALLS[name]
    x, y = xy
    onp.testing.assert_allclose(gk.jvp(f, (x, y), (x, y))[0], f(x, y), rtol=1e-13)
    gk.check_grads(f, order=2)(x, y)


def test_unsupported_numpy_functions_name_themselves():
    with pytest.raises(gk.UnsupportedFunctionError, match="numpy.histogramdd"):
        gk.grad(lambda x: onp.sum(onp.histogramdd(x)[0]))(onp.ones((3, 2)))
    with pytest.raises(gk.UnsupportedFunctionError, match="numpy.add.reduce"):
        gk.grad(lambda x: onp.add.reduce(x))(onp.ones(3))


# -- complex inputs: autograd's convention, checked against autograd itself ------------------------
COMPLEX_PROGRAMS = {
    "abs_squared": lambda lib, z: lib.sum(lib.abs(z) ** 2),
    "real_of_holomorphic": lambda lib, z: lib.real(lib.sum(z * lib.sin(z) * lib.exp(-z))),
    "angle": lambda lib, z: lib.sum(lib.angle(z) * lib.imag(z)),
    "abs_of_sum": lambda lib, z: lib.abs(lib.sum(lib.exp(z))),
    "conj_product": lambda lib, z: lib.real(lib.sum(lib.conj(z) * z ** 2)),
    "indexing": lambda lib, z: lib.sum(lib.abs(z[onp.array([0, 0, 2])])),
    "matmul": lambda lib, z: lib.abs(lib.dot(z, z[::-1])),
    "parts": lambda lib, z: lib.sum(lib.real(z) * lib.imag(z) + lib.real(lib.sqrt(z))),
}


@pytest.mark.parametrize("name", COMPLEX_PROGRAMS)
def test_complex_gradient_matches_autograd(name):
    autograd = pytest.importorskip("autograd")
    import autograd.numpy as anp
    program = COMPLEX_PROGRAMS[name]
    z = onp.array([0.3 + 0.4j, -0.5 + 1.0j, 1.2 - 0.7j])
    onp.testing.assert_allclose(gk.grad(lambda z: program(gnp, z))(z), autograd.grad(lambda z: program(anp, z))(z),
                                rtol=1e-12)
    gk.check_grads(lambda z: program(gnp, z), order=2)(z)


def test_holomorphic_gradient_matches_autograd():
    autograd = pytest.importorskip("autograd")
    import autograd.numpy as anp
    f = lambda lib, z: lib.sum(z ** 2 * lib.exp(z))
    z = onp.array([0.3 + 0.4j, -0.5 + 1.0j])
    with pytest.raises(gk.NonDifferentiableError, match="holomorphic_grad"):
        gk.grad(lambda z: f(gnp, z))(z)
    onp.testing.assert_allclose(gk.holomorphic_grad(lambda z: f(gnp, z))(z), autograd.holomorphic_grad(lambda z: f(anp, z))(z),
                                rtol=1e-12)


def test_complex_intermediates_of_a_real_function():
    autograd = pytest.importorskip("autograd")
    import autograd.numpy as anp
    f = lambda lib, x: lib.real(lib.sum(lib.exp(1j * x) * x)) + lib.abs(lib.sum(x * (1 + 2j)))
    x = onp.array([0.2, -1.1, 0.7])
    g = gk.grad(lambda x: f(gnp, x))(x)
    assert g.dtype == onp.float64
    onp.testing.assert_allclose(g, autograd.grad(lambda x: f(anp, x))(x), rtol=1e-12)
    onp.testing.assert_allclose(gk.hessian(lambda x: f(gnp, x))(x),
                                autograd.hessian(lambda x: f(anp, x))(x), rtol=1e-10, atol=1e-12)


# -- subgradients at kinks and ties: documented conventions -----------------------------------------
TIES = {  # ties share the derivative evenly, as autograd does; abs'(0) = 0
    "max": lambda lib, x: lib.max(x), "max_axis": lambda lib, x: lib.sum(lib.max(lib.reshape(x, (2, 2)), axis=0)),
    "maximum": lambda lib, x: lib.sum(lib.maximum(x, 1.0)), "minimum": lambda lib, x: lib.sum(lib.minimum(x, x[::-1])),
    "abs": lambda lib, x: lib.sum(lib.abs(x)), "sort": lambda lib, x: lib.sum(lib.sort(x) * lib.arange(4.0)),
}


@pytest.mark.parametrize("name", TIES)
def test_subgradients_at_ties_match_autograd(name):
    autograd = pytest.importorskip("autograd")
    import autograd.numpy as anp
    x = onp.array([1.0, 1.0, 0.0, 1.0])
    onp.testing.assert_array_equal(gk.grad(lambda x: TIES[name](gnp, x))(x), autograd.grad(lambda x: TIES[name](anp, x))(x))


def test_subgradients_of_clip_and_norm():
    x = onp.array([1.0, 1.0, 0.0, 0.5])
    # clip: 1 on the closed interval [a_min, a_max] (autograd gives 0 at the bounds)
    onp.testing.assert_array_equal(gk.grad(lambda x: gnp.sum(gnp.clip(x, 0.0, 1.0)))(x), [1, 1, 1, 1])
    # the max norm is max(abs(x)): ties share the derivative, as for max (autograd gives each 1)
    onp.testing.assert_array_equal(gk.grad(lambda x: gnp.linalg.norm(x, ord=onp.inf))(x), [0.5, 0.5, 0, 0])
