"""vmap (batch rules against a loop), batched Jacobians, and jit (replay equals eager)."""
import numpy as onp
import pytest

import gradkit as gk
import gradkit.numpy as np

rng = onp.random.default_rng(3)
A = rng.standard_normal((5, 4))
M = rng.standard_normal((4, 4))

PROGRAMS = {
    "matvec": lambda x: A @ x,
    "vecmat": lambda x: x @ M,
    "dot": lambda x: np.dot(x, x),
    "outer": lambda x: np.outer(x, x[:2]),
    "einsum": lambda x: np.einsum("ij,j->i", A, x),
    "tensordot": lambda x: np.tensordot(M, x, axes=1),
    "reductions": lambda x: np.stack([np.sum(x), np.max(x), np.prod(x), np.mean(x ** 2), np.std(x)]),
    "scans": lambda x: np.cumsum(x) * np.cumprod(x),
    "shape": lambda x: np.concatenate([np.reshape(x, (2, 2)).T.ravel(), x[::-1], np.flip(x)]),
    "index": lambda x: x[[0, 0, 2]] * x[1:3].sum() + x[..., 1],
    "update": lambda x: np.index_add(np.index_update(x, 1, x[0] * 2.0), [2, 2], 1.0),
    "piecewise": lambda x: np.where(x > 0, np.sin(x), np.maximum(x, -0.5) ** 2) + np.abs(x),
    "broadcast": lambda x: np.sum(np.reshape(x, (4, 1)) * np.ones((4, 3)) + x[:3], axis=0),
    "matrix": lambda x: np.sum(np.tanh(np.outer(x, x) @ M) @ x),
}


@pytest.mark.parametrize("name", sorted(PROGRAMS))
def test_vmap_matches_a_loop(name):
    f = PROGRAMS[name]
    X = rng.standard_normal((3, 4))
    onp.testing.assert_allclose(gk.vmap(f)(X), onp.stack([f(x) for x in X]), rtol=1e-12, atol=1e-12)
    # in_axes / out_axes
    got = gk.vmap(f, in_axes=1, out_axes=-1)(X.T)
    onp.testing.assert_allclose(onp.moveaxis(got, -1, 0), onp.stack([f(x) for x in X]), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("name", sorted(PROGRAMS))
def test_batched_jacobians_match_loops_of_sweeps(name):
    f = PROGRAMS[name]
    x = rng.standard_normal(4)
    J_fwd = onp.stack([gk.jvp(f, (x,), (e,))[1] for e in onp.eye(4)], axis=-1)
    onp.testing.assert_allclose(gk.jacfwd(f)(x), J_fwd, rtol=1e-10, atol=1e-12)
    onp.testing.assert_allclose(gk.jacrev(f)(x), J_fwd, rtol=1e-10, atol=1e-12)


def test_vmap_of_grad_gives_per_example_gradients():
    w = rng.standard_normal(4)
    X, y = rng.standard_normal((6, 4)), rng.standard_normal(6)
    loss = lambda w, x, y: (np.dot(w, x) - y) ** 2
    per_example = gk.vmap(gk.grad(loss), in_axes=(None, 0, 0))(w, X, y)
    onp.testing.assert_allclose(per_example, 2 * (X @ w - y)[:, None] * X, rtol=1e-12)


def test_grad_of_vmap_and_nested_vmap():
    X = rng.standard_normal((3, 4))
    g = gk.grad(lambda X: np.sum(gk.vmap(lambda x: np.sin(x) @ M @ x)(X)))(X)
    expected = onp.stack([gk.grad(lambda x: np.sin(x) @ M @ x)(x) for x in X])
    onp.testing.assert_allclose(g, expected, rtol=1e-12)
    T = rng.standard_normal((2, 3, 4))
    onp.testing.assert_allclose(gk.vmap(gk.vmap(lambda x: np.dot(M @ x, x)))(T),
                                onp.einsum("abi,ij,abj->ab", T, M, T), rtol=1e-12)


def test_vmap_errors():
    with pytest.raises(gk.ShapeError, match="one batch size"):
        gk.vmap(lambda x, y: x + y)(onp.ones((2, 3)), onp.ones((4, 3)))


def test_hessian_of_quadratic_is_exact():
    B = rng.standard_normal((30, 30))
    H = gk.hessian(lambda x: x @ B @ x)(rng.standard_normal(30))
    onp.testing.assert_allclose(H, B + B.T, rtol=1e-12)


@pytest.mark.parametrize("name", sorted(PROGRAMS))
def test_jit_replays_eager_results(name):
    f = PROGRAMS[name]
    loss = lambda x: np.sum(f(x) ** 2)
    fast = gk.jit(gk.value_and_grad(loss))
    for _ in range(3):  # first call records, the others replay on new values
        x = rng.standard_normal(4)
        (v1, g1), (v2, g2) = fast(x), gk.value_and_grad(loss)(x)
        onp.testing.assert_allclose(v1, v2, rtol=1e-12)
        onp.testing.assert_allclose(g1, g2, rtol=1e-12, atol=1e-14)
    assert len(fast.cache) == 1


def test_jit_retraces_for_new_shapes_and_static_arguments():
    f = gk.jit(lambda x, p: np.sum(x ** p), static_argnums=1)
    assert f(onp.ones(3) * 2, 2) == 12.0 and f(onp.ones(3) * 2, 3) == 24.0 and f(onp.ones(2) * 2, 3) == 16.0
    assert len(f.cache) == 3


def test_jit_keeps_python_numbers_weakly_typed():
    """float32 data times a Python float stays float32 under jit, as the function computes it."""
    f = lambda x, c: np.sum(x * c) / c  # noqa: E731
    x = onp.arange(1.0, 4.0, dtype=onp.float32)
    jitted = gk.jit(f)
    for c in (2.0, 3.0):
        out = jitted(x, c)
        assert out.dtype == f(x, c).dtype == onp.float32
        assert out == f(x, c)
    onp.testing.assert_allclose(gk.jit(gk.grad(lambda c: np.log(c) * c))(2.0), onp.log(2.0) + 1.0)


def test_jit_refuses_value_dependent_control_flow():
    f = gk.jit(lambda x: np.sum(x) if x[0] > 0 else -np.sum(x))
    with pytest.raises(gk.ConcretizationError, match="static_argnums"):
        f(onp.ones(3))
    g = gk.jit(lambda x: x[np.argmax(x)])
    with pytest.raises(gk.ConcretizationError, match="index"):
        g(onp.arange(3.0))


def test_jit_under_another_transformation_is_still_right():
    f = gk.jit(lambda x: np.sum(np.sin(x) * x))
    x = rng.standard_normal(3)
    onp.testing.assert_allclose(gk.grad(f)(x), onp.cos(x) * x + onp.sin(x), rtol=1e-12)


def test_jit_removes_repeated_and_dead_work():
    def f(x):
        unused = np.exp(x) * 3.0  # noqa: F841  (dead)
        return np.sin(x) + np.sin(x)
    fast = gk.jit(f)
    fast(onp.ones(2))
    source = next(iter(fast.cache.values()))[0].source
    assert source.count("sin_") == 1 and "exp_" not in source
