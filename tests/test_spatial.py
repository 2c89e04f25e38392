"""gradkit.scipy.spatial: cdist, pdist and squareform as primitives: values equal SciPy's,
derivatives checked against finite differences in both modes at first and second order,
against the broadcast formula, under vmap and jit, and clear errors."""
import numpy as onp
import pytest
import scipy.spatial.distance as sd

import gradkit as gk
import gradkit.numpy as np
from gradkit.scipy.spatial import cdist, distance, pdist, squareform

rng = onp.random.default_rng(0)
A, B = rng.standard_normal((5, 3)), rng.standard_normal((4, 3))
W = rng.standard_normal((6, 2))
G = rng.standard_normal((5, 4))


@pytest.mark.parametrize("metric", ["sqeuclidean", "euclidean"])
def test_values_and_derivatives(metric):
    assert onp.allclose(gk.jit(lambda a: cdist(a, B, metric))(A), sd.cdist(A, B, metric))
    assert onp.allclose(np.sum(cdist(gk.stop_gradient(A), B, metric)), sd.cdist(A, B, metric).sum())
    gk.check_grads(lambda a, b: np.sum(G * cdist(a, b, metric)), modes=("fwd", "rev"), order=2)(A, B)
    gk.check_grads(lambda a: np.sin(pdist(a, metric)), modes=("fwd", "rev"), order=2)(W)
    gk.check_grads(lambda a: np.sum(squareform(pdist(a, metric)) ** 3), modes=("fwd", "rev"), order=2)(W)


def test_rules_agree_with_the_broadcast_formula():
    """The rules against gradkit's elementwise rules on the n x n x d broadcast (another path)."""
    def stress_broadcast(w):
        d = np.sum((w[:, None, :] - w[None, :, :]) ** 2, -1)
        return np.sum((d - 1.0) ** 2)

    def stress(w):
        return 2.0 * np.sum((pdist(w, "sqeuclidean") - 1.0) ** 2) + W.shape[0]  # the diagonal's (0 - 1)^2 terms
    assert onp.allclose(stress(W), stress_broadcast(W))
    assert onp.allclose(gk.grad(stress)(W), gk.grad(stress_broadcast)(W))
    assert onp.allclose(gk.hessian(stress)(W), gk.hessian(stress_broadcast)(W))
    assert onp.allclose(gk.jacrev(lambda a: cdist(a, B))(A),
                        gk.jacrev(lambda a: np.sqrt(np.sum((a[:, None] - B[None]) ** 2, -1)))(A))


def test_batching():
    As = rng.standard_normal((3, 5, 3))
    for f, ref in [(lambda a: cdist(a, B, "sqeuclidean"), lambda a: sd.cdist(a, B, "sqeuclidean")),
                   (lambda a: cdist(B, a), lambda a: sd.cdist(B, a)),
                   (lambda a: cdist(a, a), lambda a: sd.cdist(a, a)),
                   (lambda a: pdist(a), sd.pdist),
                   (lambda a: squareform(pdist(a)), lambda a: sd.squareform(sd.pdist(a)))]:
        assert onp.allclose(gk.vmap(f)(As), onp.stack([ref(a) for a in As]))
    assert onp.allclose(gk.vmap(cdist)(As, As[::-1]), onp.stack([sd.cdist(a, b) for a, b in zip(As, As[::-1])]))
    J = gk.jacfwd(lambda a: pdist(a, "sqeuclidean"))(W)  # jacfwd batches the rules themselves
    assert onp.allclose(J, gk.jacrev(lambda a: pdist(a, "sqeuclidean"))(W))


def test_squareform_both_ways():
    v = pdist(W)
    M = sd.squareform(v)
    assert onp.array_equal(gk.jit(squareform)(v), M)
    assert onp.array_equal(gk.jit(squareform)(M), v)
    gk.check_grads(lambda m: np.sum(squareform(m, checks=False) ** 2), modes=("fwd", "rev"), order=2)(M)
    assert onp.allclose(gk.grad(lambda m: np.sum(squareform(m, checks=False)))(M), onp.triu(onp.ones_like(M), 1))


def test_plain_inputs_take_any_scipy_metric():
    assert onp.allclose(distance.cdist(A, B, "cityblock"), sd.cdist(A, B, "cityblock"))
    assert onp.allclose(distance.pdist(W, "minkowski", p=3), sd.pdist(W, "minkowski", p=3))


def test_clear_errors():
    with pytest.raises(gk.UnsupportedFunctionError, match="metric 'cityblock'.*'euclidean'"):
        gk.grad(lambda a: np.sum(cdist(a, B, "cityblock")))(A)
    with pytest.raises(ValueError, match="same number of columns"):
        gk.grad(lambda a: np.sum(cdist(a, W)))(A)
    with pytest.raises(ValueError, match="2-d array of points"):
        gk.grad(lambda a: np.sum(pdist(a)))(onp.ones(3))
    with pytest.raises(ValueError, match="n\\(n-1\\)/2"):
        gk.grad(lambda v: np.sum(squareform(v)))(onp.ones(4))
    with pytest.raises(ValueError, match="symmetric"):
        gk.grad(lambda m: np.sum(squareform(m)))(onp.arange(9.0).reshape(3, 3))
