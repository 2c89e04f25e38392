"""Engine invariants: nesting, fan-out, deep chains, threads, closures, control flow, errors."""
import platform
import subprocess
import sys
import textwrap
import threading
import tracemalloc

import numpy as onp
import pytest

import gradkit as gk
import gradkit.numpy as np
from gradkit.core import Tracer


def sigmoid(t):
    return 1.0 / (1.0 + onp.exp(-t))


@pytest.fixture
def rng():
    return onp.random.default_rng(0)


# -- the lecture's closed forms (L1-L3, L11) ---------------------------------------------
def test_L1_quadratic_gradient_and_hessian(rng):
    n = 6
    A, b, c = rng.standard_normal((n, n)), rng.standard_normal(n), 0.7
    x = rng.standard_normal(n)
    f = lambda x: np.dot(x, np.dot(A, x)) - np.dot(b, x) + c
    onp.testing.assert_allclose(gk.grad(f)(x), (A + A.T) @ x - b, rtol=1e-12)
    onp.testing.assert_allclose(gk.hessian(f)(x), A + A.T, rtol=1e-12)


def test_L2_log_quadratic(rng):
    n = 5
    M = rng.standard_normal((n, n))
    A = M @ M.T + n * onp.eye(n)
    x = rng.standard_normal(n)
    f = lambda x: np.log(np.dot(x, np.dot(A, x)))
    S, q = A + A.T, x @ A @ x
    onp.testing.assert_allclose(gk.grad(f)(x), S @ x / q, rtol=1e-12)
    expected = S / q - onp.outer(S @ x, S @ x) / q ** 2
    onp.testing.assert_allclose(gk.hessian(f)(x), expected, rtol=1e-10, atol=1e-14)


def test_L3_logistic(rng):
    a, x = rng.standard_normal(4), rng.standard_normal(4)
    f = lambda x: np.log(1 + np.exp(np.dot(a, x)))
    s = sigmoid(a @ x)
    onp.testing.assert_allclose(gk.grad(f)(x), s * a, rtol=1e-12)
    onp.testing.assert_allclose(gk.hessian(f)(x), s * (1 - s) * onp.outer(a, a), rtol=1e-10)


def test_L11_forward_and_reverse_agree_with_hand_derivation():
    L = lambda w1, w2: w2 * np.log(w1) + np.sqrt(w2 * np.log(w1))
    w1, w2 = 2.0, 3.0
    v2 = w2 * onp.log(w1)
    dw1 = w2 / w1 * (1 + 0.5 / onp.sqrt(v2))
    dw2 = onp.log(w1) * (1 + 0.5 / onp.sqrt(v2))
    onp.testing.assert_allclose(gk.grad(L, argnums=(0, 1))(w1, w2), (dw1, dw2), rtol=1e-14)
    assert gk.jvp(L, (w1, w2), (1.0, 0.0))[1] == pytest.approx(dw1, rel=1e-14)
    assert gk.jvp(L, (w1, w2), (0.0, 1.0))[1] == pytest.approx(dw2, rel=1e-14)


@pytest.mark.parametrize("modes", ["rrrrr", "fffff", "rfrfr", "ffrrf"])
def test_fifth_order_nesting_any_mix(modes):
    # d^5/dx^5 of sin is cos, whatever mix of forward and reverse gives each order
    f = np.sin
    for m in modes:
        f = gk.grad(f) if m == "r" else _fwd_derivative(f)
    assert f(0.3) == pytest.approx(onp.cos(0.3), rel=1e-12)


def _fwd_derivative(f):
    return lambda x: gk.jvp(f, (x,), (1.0,))[1]


def test_fourth_derivative_of_softplus_L3():
    d4 = gk.grad(gk.grad(gk.grad(gk.grad(lambda t: np.log(1 + np.exp(t))))))
    s = sigmoid(0.4)
    # d/dt sigma = s(1-s); higher ones by the product rule
    s1 = s * (1 - s)
    s2 = s1 * (1 - 2 * s)
    s3 = s2 * (1 - 2 * s) - 2 * s1 * s1
    assert d4(0.4) == pytest.approx(s3, rel=1e-10)


# -- perturbation confusion --------------------------------------------------------------
@pytest.mark.parametrize("outer", ["rev", "fwd"])
@pytest.mark.parametrize("inner", ["rev", "fwd"])
def test_no_perturbation_confusion(outer, inner):
    # d/dx [x * d/dy (x + y)] = 1 at any x (ForwardDiff.jl#83, pytorch#32576)
    D = {"rev": gk.grad, "fwd": _fwd_derivative}
    f = lambda x: x * D[inner](lambda y: x + y)(1.0)
    for x in (0.0, 2.0, -3.5):
        assert D[outer](f)(x) == 1.0


def test_nested_closure_over_outer_variable():
    # d/dx [d/dy (x * y^2)] at y = 3 is 2y = 6
    f = lambda x: gk.grad(lambda y: x * y ** 2)(3.0)
    assert gk.grad(f)(1.7) == pytest.approx(6.0)


# -- engine properties ----------------------------------------------------------------
def test_fan_out_accumulates():
    assert gk.grad(lambda x: x * x + x + np.sin(x) * x)(2.0) == pytest.approx(
        2 * 2.0 + 1 + onp.cos(2.0) * 2.0 + onp.sin(2.0))


def test_long_chain_has_no_recursion():
    def chain(x):
        for _ in range(1_000_000):
            x = x * 1.0000001
        return x
    assert gk.grad(chain)(1.0) == pytest.approx(1.0000001 ** 1_000_000, rel=1e-9)


def test_python_control_flow():
    def f(x):
        total = 0.0
        while total < 10.0:
            total = total + x if x > 0 else total - x
        return total
    assert gk.grad(f)(3.0) == pytest.approx(4.0)  # 4 additions of x


def test_output_independent_of_input_gives_zero():
    g = gk.grad(lambda x: 3.0)(onp.ones(3))
    assert isinstance(g, onp.ndarray) and not g.any()


def test_constant_inputs_get_no_backward_work():
    data = onp.arange(4.0)
    calls = []
    orig = np.multiply.vjps

    def spy(i):
        def rule(g, ans, x, y):
            calls.append(i)
            return orig[i](g, ans, x, y)
        return rule
    reads = np.multiply.reads
    np.multiply.defvjp(spy(0), spy(1))
    try:
        gk.grad(lambda x: np.sum(x * data))(onp.ones(4))
    finally:
        np.multiply.defvjp(*orig, reads=reads)
    assert calls == [0]


def _vjp_holding(f, x):
    """(bytes the recording of f at x holds, its vjp function), as tracemalloc sees them."""
    tracemalloc.start()
    try:
        base = tracemalloc.get_traced_memory()[0]
        _, back = gk.vjp(f, x)
        return tracemalloc.get_traced_memory()[0] - base, back
    finally:
        tracemalloc.stop()


def test_tape_keeps_only_what_the_backward_pass_reads(monkeypatch):
    # 40 additions and a tanh on 1e5 elements: add's VJP reads no value and tanh's only its
    # result, so the tape holds about one array (0.8 MB), not 41
    import gradkit.core.reverse as reverse
    from gradkit.graph import record
    monkeypatch.setattr(reverse, "STANDIN_MIN_SIZE", 1 << 12)

    def f(x):
        for _ in range(40):
            x = x + 1.0
        return np.sum(np.tanh(x))

    x = onp.linspace(-1.0, 1.0, 100_000)
    held, back = _vjp_holding(f, x)
    assert held < 3 * x.nbytes
    onp.testing.assert_allclose(back(1.0)[0], 1.0 - onp.tanh(x + 40.0) ** 2, rtol=1e-12)
    graph = record(f, x)  # the graph shows values, so its tape keeps them all
    assert all(onp.all(onp.isfinite(n.value)) for n in graph.nodes)


def test_a_kept_slice_does_not_keep_its_base():
    # square reads its input, the last 3 of 1e5 cumulative sums: a view would hold all 1e5
    def f(x):
        return np.sum(np.cumsum(2.0 * x)[-3:] ** 2)

    x = onp.linspace(-1.0, 1.0, 100_000)
    held, back = _vjp_holding(f, x)
    assert held < x.nbytes / 10
    c = onp.cumsum(2.0 * x)[-3:]
    expected = onp.zeros_like(x)
    for k, ck in zip((-3, -2, -1), c):  # d/dx of cumsum[k] is 2 on x[:k+1]
        expected[:x.size + k + 1] += 2.0 * ck * 2.0
    onp.testing.assert_allclose(back(1.0)[0], expected, rtol=1e-12)


def test_results_are_plain_arrays():
    x = onp.ones((2, 3))
    for out in (gk.grad(lambda x: np.sum(x ** 2))(x), gk.jacrev(np.tanh)(x), gk.jacfwd(np.tanh)(x),
                gk.hessian(lambda x: np.sum(x ** 3))(x), gk.jvp(np.sin, (x,), (x,))[1]):
        assert type(out) is onp.ndarray


def test_threads_differentiate_independently():
    results, errors = {}, []

    def work(k):
        try:
            for _ in range(200):
                results[k] = gk.grad(lambda x: np.sum(np.sin(k * x) * x))(onp.linspace(0, 1, 5))
        except Exception as e:  # pragma: no cover - reported below
            errors.append(e)
    threads = [threading.Thread(target=work, args=(k,)) for k in (1.0, 2.0, 3.0)]
    [t.start() for t in threads]
    [t.join() for t in threads]
    assert not errors
    x = onp.linspace(0, 1, 5)
    for k in (1.0, 2.0, 3.0):
        onp.testing.assert_allclose(results[k], k * onp.cos(k * x) * x + onp.sin(k * x))


def test_tracer_repr_is_readable():
    seen = []
    gk.grad(lambda x: seen.append(repr(x)) or np.sum(x))(onp.ones(3))
    assert seen[0].startswith("Tracer(level=") and "shape=(3,)" in seen[0] and "float64" in seen[0]


MIXING = {  # primitives that take a real and a complex value together
    "concatenate": lambda r, z: np.concatenate([r, z]), "stack": lambda r, z: np.stack([r, z]),
    "array": lambda r, z: np.array([r, z]), "block": lambda r, z: np.block([r, z]),
    "choose": lambda r, z: np.choose(onp.array([0, 1, 1]), [r, z]), "dot": lambda r, z: np.dot(r, z),
    "outer": lambda r, z: np.outer(r, z), "einsum": lambda r, z: np.einsum("i,i->i", r, z),
    "kron": lambda r, z: np.kron(r, z), "matmul": lambda r, z: r[:, None] @ z[None, :],
    "convolve": lambda r, z: np.convolve(r, z), "cross": lambda r, z: np.cross(r, z),
}


@pytest.mark.parametrize("name", sorted(MIXING))
def test_a_real_value_mixed_with_complex_ones_gets_a_real_cotangent(name):
    """abs(z) is real: the imaginary part of the cotangent a mixing primitive hands it is
    no direction it can move in, and must not flow on into abs's rule (the engine keeps the
    real part). Checked against finite differences of a real loss of complex z."""
    z = onp.array([1.0 + 1.0j, 2.0 - 1.0j, -0.5 + 2.0j])
    c = onp.array([0.3 - 1.1j, 0.7 + 0.2j, -0.4 + 0.9j])

    def loss(z):
        y = MIXING[name](np.abs(z), z)
        return np.real(np.sum(np.ravel(y) * np.resize(c, np.size(y))))
    gk.check_grads(loss, modes=("rev",), order=2)(z)


# -- errors that name the problem and the fix ----------------------------------------------
def test_grad_of_non_scalar():
    with pytest.raises(gk.ShapeError, match="scalar output.*jacrev"):
        gk.grad(np.sin)(onp.ones(3))


def test_integer_input():
    with pytest.raises(gk.NonDifferentiableError, match="int64.*astype\\(float\\)"):
        gk.grad(lambda x: x * 2.0)(onp.arange(3))
    with pytest.raises(gk.NonDifferentiableError, match="1.0 instead of 1"):
        gk.grad(lambda x: x * 2.0)(1)


def test_float_of_traced_value():
    with pytest.raises(gk.NonDifferentiableError, match="float\\(x\\).*stop_gradient"):
        gk.grad(lambda x: float(x) * 2.0)(1.0)


def test_integer_conversions_have_a_zero_derivative_and_are_given():
    """int(x), np.int64(x), np.asarray(x, int): an integer carries a zero derivative, so
    nothing is dropped (autograd's test_cast_to_int builds indices this way); jit and vmap
    refuse, as for any value that steers the computation."""
    W = onp.array([[1.0, 2.0, 0.0], [3.0, 4.0, 1.0], [5.0, 6.0, 1.0]])

    def pick(W):
        rows = onp.int64(W[:, -1])
        assert rows.dtype == onp.int64 and type(rows) is onp.ndarray
        return np.sum(W[rows, :2])
    onp.testing.assert_allclose(gk.grad(pick)(W), [[1.0, 1.0, 0.0], [2.0, 2.0, 0.0], [0.0, 0.0, 0.0]])
    assert gk.grad(lambda x: x * int(x * 10))(0.35) == 3.0
    assert gk.grad(lambda x: x * onp.asarray(x, dtype=bool))(2.0) == 1.0
    with pytest.raises(gk.ConcretizationError, match=r"int\(\) of a traced value"):
        gk.jit(lambda x: x * int(x))(1.0)
    with pytest.raises(gk.ConcretizationError, match="to int64"):
        gk.vmap(lambda x: x * onp.asarray(x, dtype=int))(onp.ones(3))
    for conversion in (float, onp.float32, lambda x: onp.asarray(x, dtype=float)):
        with pytest.raises(gk.NonDifferentiableError):
            gk.grad(lambda x: conversion(x) * x)(1.0)


def test_assigning_traced_value_into_plain_array():
    def f(x):
        out = onp.zeros(2)
        out[:] = x
        return np.sum(out)
    with pytest.raises(gk.NonDifferentiableError, match="index_update"):
        gk.grad(f)(onp.ones(2))
    # NumPy checks for a sequence before anything a traced scalar can intercept, so
    # `out[0] = x` fails with NumPy's own ValueError: still an error, never a silent zero.
    with pytest.raises(ValueError):
        gk.grad(lambda x: onp.zeros(2).__setitem__(0, x))(1.0)


def test_unsupported_numpy_function_names_itself():
    with pytest.raises(gk.UnsupportedFunctionError, match="numpy.histogramdd"):
        gk.grad(lambda x: onp.sum(onp.histogramdd(x)[0]))(onp.ones((4, 2)))


def test_mismatched_cotangent():
    _, back = gk.vjp(lambda x: (x, x * 2), onp.ones(2))
    with pytest.raises(gk.ShapeError, match="structure"):
        back(onp.ones(2))
    with pytest.raises(gk.ShapeError, match="shape"):
        back((onp.ones(2), onp.ones(3)))


def test_mismatched_tangent():
    with pytest.raises(gk.ShapeError, match="tangents must match"):
        gk.jvp(np.sin, (onp.ones(2),), (onp.ones(3),))


def test_tracer_is_not_a_wrapper_leak():
    leaked = []
    gk.grad(lambda x: leaked.append(x) or x * 2.0)(1.0)
    assert isinstance(leaked[0], Tracer)


def test_multi_output_primitive_with_per_argument_rules():
    two = gk.Primitive("two", lambda x, y: (x * y, x + y), multiple_results=True)
    two.defjvp(lambda t, ans, x, y: (t * y, t), lambda t, ans, x, y: (x * t, t))
    assert gk.jvp(lambda x, y: two(x, y), (2.0, 3.0), (1.0, 1.0))[1] == (5.0, 2.0)
    # the VJP is derived from the JVP, with the unused output's cotangent zero-filled
    assert gk.grad(lambda x: two(x, 3.0)[0])(2.0) == 3.0
    assert gk.grad(lambda y: two(2.0, y)[1] * 2.0)(3.0) == 2.0


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="a setting of glibc's allocator")
def test_keep_freed_memory_stops_fresh_page_faults():
    # a tape-like pattern: 20 arrays of 320 kB kept alive together, then all freed, 10 times.
    # glibc returns the freed block to the system each time, and the next round faults its
    # ~1600 pages in afresh; with the setting the block is kept and reused
    script = textwrap.dedent("""
        import resource, sys
        import numpy as np
        import gradkit
        if sys.argv[1] == "keep":
            assert gradkit.memory.keep_freed_memory()
        def round_():
            tape = [np.ones(40_000) for _ in range(20)]
        round_()
        before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
        for _ in range(10):
            round_()
        print(resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before)
    """)
    faults = {mode: int(subprocess.run([sys.executable, "-c", script, mode], capture_output=True,
                                       text=True, check=True).stdout) for mode in ("plain", "keep")}
    assert faults["plain"] > 5_000 and faults["keep"] < 500, faults
