"""The same programs on CuPy arrays: values and derivatives stay on the GPU (CuPy itself
refuses implicit transfers to the host: numpy.asarray of a CuPy array raises, so a
transformation that copied to NumPy would fail here) and equal NumPy's. Skipped, with the reason,
where CuPy or a GPU is absent; bench/gpu.py runs this file and a GPU benchmark in one go."""
import numpy as onp
import pytest

cp = pytest.importorskip("cupy", reason="CuPy is not installed (pip install gradkit[gpu])")
try:
    GPUS = cp.cuda.runtime.getDeviceCount()
except Exception as e:  # no driver, no device
    pytest.skip(f"CuPy finds no GPU: {e}", allow_module_level=True)
if GPUS == 0:
    pytest.skip("CuPy finds no GPU", allow_module_level=True)

import gradkit as gk  # noqa: E402
import gradkit.numpy as np  # noqa: E402


def logistic(w, X, y):
    z = X @ w
    return np.mean(np.logaddexp(0.0, z) - y * z)


def mlp(params, X, y):
    W1, b1, W2 = params
    h = np.tanh(X @ W1 + b1)
    return np.mean((h @ W2 - y) ** 2) + 1e-3 * np.sum(W1 ** 2)


rng = onp.random.default_rng(0)
X_ = rng.standard_normal((512, 8))
Y_ = (rng.random(512) > 0.5).astype(float)
W_ = rng.standard_normal(8) / 4
V_ = rng.standard_normal(8)
P_ = (rng.standard_normal((8, 16)) / 3, rng.standard_normal(16) / 10, rng.standard_normal(16) / 4)


def on_gpu(tree):
    return tuple(on_gpu(t) for t in tree) if isinstance(tree, tuple) else cp.asarray(tree)


def check(got, ref, rtol=1e-10):
    if isinstance(ref, tuple):
        for g, r in zip(got, ref):
            check(g, r, rtol)
        return
    assert isinstance(got, cp.ndarray), type(got)  # stayed on the device
    onp.testing.assert_allclose(cp.asnumpy(got), ref, rtol=rtol, atol=1e-12)


TRANSFORMS = {
    "grad": lambda X, y, w, v: gk.grad(logistic)(w, X, y),
    "value_and_grad": lambda X, y, w, v: gk.value_and_grad(logistic)(w, X, y),
    "jvp": lambda X, y, w, v: gk.jvp(lambda w: logistic(w, X, y), (w,), (v,)),
    "vjp": lambda X, y, w, v: gk.vjp(lambda w: np.tanh(X @ w), w)[1](y),
    "hvp": lambda X, y, w, v: gk.hvp(lambda w: logistic(w, X, y), w, v),
    "hessian": lambda X, y, w, v: gk.hessian(logistic)(w, X, y),
    "jacfwd": lambda X, y, w, v: gk.jacfwd(lambda w: np.tanh(X[:6] @ w))(w),
    "jacrev": lambda X, y, w, v: gk.jacrev(lambda w: np.tanh(X[:6] @ w))(w),
    "vmap": lambda X, y, w, v: gk.vmap(lambda w: logistic(w, X, y))(np.stack([w, v])),
}


@pytest.mark.parametrize("name", TRANSFORMS)
def test_transformations_stay_on_the_gpu(name):
    got = TRANSFORMS[name](*on_gpu((X_, Y_, W_, V_)))
    ref = TRANSFORMS[name](X_, Y_, W_, V_)
    check(got, ref)


def test_mlp_gradient_of_a_pytree():
    t = rng.standard_normal(512)
    check(gk.grad(mlp)(on_gpu(P_), cp.asarray(X_), cp.asarray(t)), gk.grad(mlp)(P_, X_, t))


def test_gpu_gradient_against_finite_differences():
    X, y = cp.asarray(X_), cp.asarray(Y_)
    g = cp.asnumpy(gk.grad(logistic)(cp.asarray(W_), X, y))
    eps = 1e-6
    fd = [float((logistic(cp.asarray(W_ + eps * e), X, y) - logistic(cp.asarray(W_ - eps * e), X, y)) / (2 * eps))
          for e in onp.eye(8)]
    onp.testing.assert_allclose(g, fd, rtol=1e-6)
