"""Code written against the Array API standard differentiates on array_api_strict arrays,
with no conversion to NumPy (the arrays' __array__ raises in every test here), for the
core subset: elementwise functions, reductions, matmul, reshape/transpose, indexing."""
import numpy as onp
import pytest

xs = pytest.importorskip("array_api_strict")
compat = pytest.importorskip("array_api_compat")

from array_api_strict._array_object import Array  # noqa: E402

import gradkit as gk  # noqa: E402
import gradkit.numpy as gnp  # noqa: E402
from gradkit.core.backend import BackendError  # noqa: E402


@pytest.fixture(autouse=True)
def no_conversion(monkeypatch):
    def refuse(self, *args, **kwargs):
        raise AssertionError("an array_api_strict array was converted to NumPy")
    monkeypatch.setattr(Array, "__array__", refuse)


def strict(a):
    return xs.asarray(onp.asarray(a, dtype=float).tolist(), dtype=xs.float64)


def to_numpy(a):
    """Values back for comparison, one Python float at a time (not through __array__)."""
    if not isinstance(a, Array):
        return onp.asarray(a)
    flat = xs.reshape(a, (-1,))
    return onp.array([float(flat[i]) for i in range(flat.shape[0])]).reshape(a.shape)


rng = onp.random.default_rng(0)
X_ = rng.standard_normal((6, 3))
Y_ = (rng.random(6) > 0.5).astype(float)
W_ = onp.array([0.3, -0.2, 0.5])
V_ = onp.array([1.0, 0.5, -1.0])


# Each program takes (w, X, y) and asks the namespace of w: gradkit's when w is traced
def elementwise(w, X, y):
    xp = compat.array_namespace(w)
    return xp.sum(xp.sin(w) * xp.exp(-w) + xp.tanh(w) ** 2 + xp.sqrt(1.0 + w * w) - xp.log(2.0 + xp.cos(w)))


def logistic(w, X, y):
    xp = compat.array_namespace(w)
    z = xp.matmul(X, w)
    return xp.mean(xp.log(1.0 + xp.exp(z)) - xp.multiply(y, z))


def reductions(w, X, y):
    xp = compat.array_namespace(w)
    M = xp.multiply(X, w)  # broadcast (6, 3) * (3,)
    return xp.sum(xp.max(M, axis=0)) + xp.mean(xp.sum(M, axis=1) ** 2) + xp.prod(1.0 + w / 4)


def shapes(w, X, y):
    xp = compat.array_namespace(w)
    W = xp.reshape(xp.concat([w, w * w]), (2, 3))
    G = xp.matmul(xp.permute_dims(W, (1, 0)), W)  # 3 x 3
    return xp.sum(G[0, :] * G[:, 1]) + xp.sum(xp.matrix_transpose(W)[1:, :] ** 3) + W[1, 2]


def indexing(w, X, y):
    xp = compat.array_namespace(w)
    return xp.sum(w[1:] * w[:-1]) + w[0] ** 3 + xp.sum(xp.where(w > 0, w, -2.0 * w))


PROGRAMS = [elementwise, logistic, reductions, shapes, indexing]


def reference(program, transform):
    return transform(program)(W_, X_, Y_)  # the same program on NumPy arrays


@pytest.mark.parametrize("program", PROGRAMS, ids=lambda p: p.__name__)
def test_value_and_grad_stay_strict_and_match_numpy(program):
    v, g = gk.value_and_grad(program)(strict(W_), strict(X_), strict(Y_))
    assert isinstance(v, Array) and isinstance(g, Array) and g.dtype == xs.float64
    rv, rg = gk.value_and_grad(program)(W_, X_, Y_)
    onp.testing.assert_allclose(to_numpy(v), rv, rtol=1e-12)
    onp.testing.assert_allclose(to_numpy(g), rg, rtol=1e-12)


@pytest.mark.parametrize("program", PROGRAMS, ids=lambda p: p.__name__)
def test_forward_mode_and_hvp_match_numpy(program):
    X, Y = strict(X_), strict(Y_)
    f = lambda w: program(w, X, Y)  # noqa: E731
    fn = lambda w: program(w, X_, Y_)  # noqa: E731
    out, t = gk.jvp(f, (strict(W_),), (strict(V_),))
    assert isinstance(t, Array)
    onp.testing.assert_allclose(to_numpy(t), gk.jvp(fn, (W_,), (V_,))[1], rtol=1e-12)
    hv = gk.hvp(f, strict(W_), strict(V_))
    assert isinstance(hv, Array)
    onp.testing.assert_allclose(to_numpy(hv), gk.hvp(fn, W_, V_), rtol=1e-10)


def test_vjp_of_a_vector_function():
    X = strict(X_)

    def f(w):
        xp = compat.array_namespace(w)
        return xp.tanh(xp.matmul(X, w))
    out, back = gk.vjp(f, strict(W_))
    (g,) = back(strict(onp.arange(6.0)))
    assert isinstance(out, Array) and isinstance(g, Array)
    ref = gk.vjp(lambda w: gnp.tanh(X_ @ w), W_)[1](onp.arange(6.0))[0]
    onp.testing.assert_allclose(to_numpy(g), ref, rtol=1e-12)


def test_against_finite_differences():
    X, Y = strict(X_), strict(Y_)
    g = to_numpy(gk.grad(logistic)(strict(W_), X, Y))
    eps = 1e-6
    fd = [(float(logistic(strict(W_ + eps * e), X, Y)) - float(logistic(strict(W_ - eps * e), X, Y))) / (2 * eps)
          for e in onp.eye(3)]
    onp.testing.assert_allclose(g, fd, rtol=1e-6)


def test_the_namespace_of_a_traced_value_is_gradkits():
    seen = []
    gk.grad(lambda w: (seen.append(compat.array_namespace(w)), gnp.sum(w))[1])(strict(W_))
    assert len(seen) == 1 and seen[0].sin(strict(W_)) is not None and seen[0].__name__ == "gradkit.numpy"


def test_outside_the_subset_a_clear_error_names_the_function_and_backend():
    with pytest.raises(BackendError, match=r"einsum.*array_api_strict"):
        gk.grad(lambda w: gnp.einsum("i,i->", w, w))(strict(W_))
    with pytest.raises(BackendError, match=r"order='F'.*array_api_strict"):
        gk.grad(lambda w: gnp.sum(gnp.reshape(w, (3, 1), order="F") ** 2))(strict(W_))


# -- higher order, Jacobians and vmap -------------------------------------------------------
TRANSFORMS = {
    "hessian": gk.hessian,
    "jacfwd of grad": lambda f: gk.jacfwd(gk.grad(f)),
    "jacrev of grad": lambda f: gk.jacrev(gk.grad(f)),
    "vmap of grad": lambda f: gk.vmap(gk.grad(f)),
}


@pytest.mark.parametrize("program", PROGRAMS, ids=lambda p: p.__name__)
def test_hessians_jacobians_and_vmap_stay_strict_and_match_numpy(program):
    X, Y = strict(X_), strict(Y_)
    f = lambda w: program(w, X, Y)  # noqa: E731
    fn = lambda w: program(w, X_, Y_)  # noqa: E731
    batch = onp.stack([W_, V_, -W_])
    for name, transform in TRANSFORMS.items():
        arg, ref_arg = (strict(batch), batch) if name.startswith("vmap") else (strict(W_), W_)
        out = transform(f)(arg)
        assert isinstance(out, Array) and out.dtype == xs.float64, (name, type(out))
        onp.testing.assert_allclose(to_numpy(out), transform(fn)(ref_arg), rtol=1e-10, atol=1e-14, err_msg=name)


def test_jacobian_of_a_vector_function_both_modes():
    X = strict(X_)

    def f(w):
        xp = compat.array_namespace(w)
        return xp.tanh(xp.matmul(X, w)) * w[0]
    ref = gk.jacfwd(lambda w: gnp.tanh(X_ @ w) * w[0])(W_)
    for jac in (gk.jacfwd, gk.jacrev):
        J = jac(f)(strict(W_))
        assert isinstance(J, Array) and J.shape == (6, 3)
        onp.testing.assert_allclose(to_numpy(J), ref, rtol=1e-12)


def test_gradient_descent_written_against_the_standard():
    """An optimisation loop in the standard's own terms: every iterate stays strict."""
    X, Y = strict(X_), strict(Y_)
    f = lambda w: logistic(w, X, Y)  # noqa: E731
    w, wn = strict(onp.zeros(3)), onp.zeros(3)
    for _ in range(30):
        w = w - 0.5 * gk.grad(f)(w)
        wn = wn - 0.5 * gk.grad(lambda w: logistic(w, X_, Y_))(wn)
    assert isinstance(w, Array)
    onp.testing.assert_allclose(to_numpy(w), wn, rtol=1e-12)
    assert float(f(w)) < float(f(strict(onp.zeros(3))))


def test_gradkit_optimisers_refuse_array_api_arrays_by_name():
    """gradkit.optim iterates on NumPy arrays: an Array API starting point, or Array API
    data whose gradient would come back in that library, is refused rather than converted."""
    from gradkit import optim
    X, Y = strict(X_), strict(Y_)
    with pytest.raises(BackendError, match=r"minimize.*array_api_strict"):
        optim.minimize(lambda w: logistic(w, X_, Y_), strict(W_), step=0.5, max_iter=3)
    with pytest.raises(BackendError, match=r"optimisers.*array_api_strict"):
        optim.minimize(lambda w: logistic(w, X, Y), W_, step=0.5, max_iter=3)
