"""Transformations: JAX's names and semantics, autograd's aliases, pytrees."""
from collections import namedtuple

import numpy as onp
import pytest

import gradkit as gk
import gradkit.numpy as np

rng = onp.random.default_rng(1)
A = rng.standard_normal((4, 3))


def f_vec(x):  # R^3 -> R^4
    return np.tanh(np.dot(A, x)) * x[0]


def jac_fd(f, x, h=1e-6):
    cols = [(onp.asarray(f(x + h * e)) - onp.asarray(f(x - h * e))) / (2 * h) for e in onp.eye(x.size)]
    return onp.stack(cols, axis=-1)


def test_jacfwd_and_jacrev_agree_with_differences():
    x = rng.standard_normal(3)
    J = jac_fd(f_vec, x)
    onp.testing.assert_allclose(gk.jacfwd(f_vec)(x), J, rtol=1e-7, atol=1e-9)
    onp.testing.assert_allclose(gk.jacrev(f_vec)(x), J, rtol=1e-7, atol=1e-9)
    onp.testing.assert_array_equal(gk.jacobian(f_vec)(x), gk.jacrev(f_vec)(x))  # (autograd's name)


def test_jacobian_shapes_for_matrix_input():
    X = rng.standard_normal((2, 3))
    for jac in (gk.jacfwd, gk.jacrev):
        assert jac(lambda X: np.sum(X ** 2, axis=0))(X).shape == (3, 2, 3)


def test_hessian_and_hvp():
    M = rng.standard_normal((3, 3))
    f = lambda x: np.sum(np.sin(x) * np.dot(M, x))
    x, v = rng.standard_normal(3), rng.standard_normal(3)
    H = gk.hessian(f)(x)
    onp.testing.assert_allclose(H, H.T, atol=1e-12)
    onp.testing.assert_allclose(gk.hvp(f, x, v), H @ v, rtol=1e-10)
    onp.testing.assert_allclose(gk.hessian_tensor_product(f)(x, v), H @ v, rtol=1e-10)
    onp.testing.assert_allclose(H, jac_fd(gk.grad(f), x), rtol=1e-6, atol=1e-8)


def test_argnums_and_has_aux():
    f = lambda x, y, z: (np.sum(x * y) + z, {"y": y})
    x, y = onp.ones(2), onp.array([2.0, 3.0])
    (val, aux), g = gk.value_and_grad(f, argnums=(0, 2), has_aux=True)(x, y, 1.0)
    assert val == 6.0 and type(aux["y"]) is onp.ndarray
    onp.testing.assert_allclose(g[0], y)
    assert g[1] == 1.0
    g, aux = gk.grad(f, has_aux=True)(x, y, 1.0)
    onp.testing.assert_allclose(g, y)
    with pytest.raises(ValueError, match="argnums"):
        gk.grad(f, argnums=3)(x, y, 1.0)


Params = namedtuple("Params", "w b")


def test_pytrees_in_and_out():
    params = {"layer": Params(w=onp.ones((2, 2)), b=onp.zeros(2)), "scale": [2.0, None]}

    def loss(p, x):
        h = np.dot(p["layer"].w, x) + p["layer"].b
        return np.sum(h ** 2) * p["scale"][0]
    x = onp.array([1.0, -1.0])
    g = gk.grad(loss)(params, x)
    assert isinstance(g["layer"], Params) and g["scale"][1] is None
    h = params["layer"].w @ x
    onp.testing.assert_allclose(g["layer"].w, 2 * 2 * onp.outer(h, x))
    onp.testing.assert_allclose(g["layer"].b, 2 * 2 * h)
    assert g["scale"][0] == pytest.approx(onp.sum(h ** 2))


def test_vjp_and_jvp_with_pytrees():
    f = lambda d: {"sum": d["a"] + d["b"], "prod": d["a"] * d["b"]}
    primals = {"a": onp.array([1.0, 2.0]), "b": onp.array([3.0, 4.0])}
    out, back = gk.vjp(f, primals)
    (ct,) = back({"sum": onp.ones(2), "prod": onp.ones(2)})
    onp.testing.assert_allclose(ct["a"], 1 + primals["b"])
    _, t = gk.jvp(f, (primals,), ({"a": onp.ones(2), "b": onp.zeros(2)},))
    onp.testing.assert_allclose(t["prod"], primals["b"])


def test_elementwise_grad_and_make_vjp_make_jvp():
    x = onp.linspace(-1, 1, 5)
    onp.testing.assert_allclose(gk.elementwise_grad(np.tanh)(x), 1 - onp.tanh(x) ** 2)
    back, val = gk.make_vjp(np.sin)(x)
    onp.testing.assert_allclose(back(onp.ones(5)), onp.cos(x))
    val, tangent = gk.make_jvp(np.sin)(x)(onp.ones(5))
    onp.testing.assert_allclose(tangent, onp.cos(x))
    out, f_jvp = gk.linearize(np.exp, x)
    onp.testing.assert_allclose(f_jvp(onp.ones(5)), onp.exp(x))


def test_checkpoint_gives_same_derivatives_and_recomputes():
    calls = []

    def block(x, w):
        calls.append(1)
        return np.tanh(np.dot(w, x)), np.sum(x)
    w = rng.standard_normal((3, 3))
    plain = lambda x: np.sum(block(x, w)[0] ** 2) + block(x, w)[1]
    ck = gk.checkpoint(block)
    saved = lambda x: np.sum(ck(x, w)[0] ** 2) + ck(x, w)[1]
    x = rng.standard_normal(3)
    g_plain = gk.grad(plain)(x)
    calls.clear()
    g_saved = gk.grad(saved)(x)
    onp.testing.assert_allclose(g_saved, g_plain, rtol=1e-12)
    assert len(calls) > 2  # the forward calls plus recomputation in the backward pass
    onp.testing.assert_allclose(gk.hessian(saved)(x), gk.hessian(plain)(x), rtol=1e-10)
    onp.testing.assert_allclose(gk.jvp(saved, (x,), (x,))[1], gk.jvp(plain, (x,), (x,))[1])


def test_custom_vjp():
    @gk.custom_vjp
    def clipped_identity(x):
        return x

    def fwd(x):
        return x, None

    def bwd(res, g):
        return (np.clip(g, -1.0, 1.0),)
    clipped_identity.defvjp(fwd, bwd)
    g = gk.grad(lambda x: np.sum(clipped_identity(x) * 5.0))(onp.ones(3))
    onp.testing.assert_allclose(g, onp.ones(3))
    # forward mode differentiates the function itself
    assert gk.jvp(clipped_identity, (2.0,), (3.0,))[1] == 3.0


def test_custom_jvp_serves_both_modes():
    @gk.custom_jvp
    def log1pexp(x):
        return np.log(1.0 + np.exp(x))

    @log1pexp.defjvp
    def _(primals, tangents):
        (x,), (t,) = primals, tangents
        return log1pexp(x), t * (1.0 - 1.0 / (1.0 + np.exp(x)))
    # stable where the naive derivative overflows: exp(1000) is inf
    with onp.errstate(over="ignore"):  # the primal log(1 + exp(1000)) itself overflows
        assert gk.jvp(log1pexp, (1000.0,), (1.0,))[1] == 1.0
        assert gk.grad(log1pexp)(1000.0) == 1.0
    x = onp.array([0.3, -2.0])
    onp.testing.assert_allclose(gk.grad(lambda x: np.sum(log1pexp(x)))(x), 1 / (1 + onp.exp(-x)))


def test_autograd_style_primitive():
    @gk.primitive
    def cube(x):
        return x ** 3
    gk.defvjp(cube, lambda ans, x: lambda g: g * 3 * x ** 2)
    assert gk.grad(cube)(2.0) == 12.0
    assert gk.jvp(cube, (2.0,), (1.0,))[1] == 12.0  # forward mode derived from the VJP
    assert gk.grad(gk.grad(cube))(2.0) == 12.0  # and again: the rule is differentiable
    gk.defjvp(cube, lambda g, ans, x: g * 3 * x ** 2)
    assert gk.jvp(cube, (2.0,), (1.0,))[1] == 12.0


def test_primitive_without_rules_says_how_to_declare():
    bare = gk.primitive(lambda x: x * 2)
    with pytest.raises(gk.MissingRuleError, match="defvjp"):
        gk.grad(bare)(1.0)


def test_stop_gradient():
    assert gk.grad(lambda x: x * gk.stop_gradient(x))(3.0) == 3.0


def test_holomorphic_grad_follows_autograd_convention():
    z = 0.3 + 0.4j
    assert gk.holomorphic_grad(np.sin)(z) == pytest.approx(onp.cos(z))
    # real-valued function of z = x + iy: df/dx - i df/dy, so |z|^2 gives 2 conj(z)
    g = gk.grad(lambda z: np.real(z * np.conj(z)))(z)
    assert g == pytest.approx(2 * onp.conj(z))


def test_check_grads_catches_a_wrong_rule():
    wrong = gk.primitive(onp.sin)
    wrong.defvjp(lambda g, ans, x: g * np.cos(x))
    wrong.defjvp(lambda t, ans, x: t * np.cos(x) * 1.01)
    with pytest.raises(AssertionError, match="forward mode"):
        gk.check_grads(wrong, modes=("fwd",))(onp.array([0.5, 1.0]))
    gk.check_grads(wrong, modes=("rev",), order=1)(onp.array([0.5, 1.0]))
    wrong2 = gk.primitive(onp.sin)
    # raw NumPy inside a rule: right at first order, silently constant at second
    wrong2.defvjp(lambda g, ans, x: g * onp.cos(gk.primal(x)))
    wrong2.defjvp(lambda t, ans, x: t * onp.cos(gk.primal(x)))
    with pytest.raises(AssertionError, match="order 2"):  # first order right, second wrong
        gk.check_grads(wrong2, order=2)(onp.array([0.5, 1.0]))


def test_checkpoint_reruns_once_per_backward_pass_whatever_its_inputs():
    calls = []

    def block(x, w1, w2, w3):
        calls.append(1)
        return np.tanh(w3 @ np.tanh(w2 @ np.tanh(w1 @ x)))
    ws = [rng.standard_normal((3, 3)) for _ in range(3)]
    ck = gk.checkpoint(block)
    gk.grad(lambda x, *ws: np.sum(ck(x, *ws)), argnums=(0, 1, 2, 3))(rng.standard_normal(3), *ws)
    assert len(calls) == 2  # the forward pass and one recomputation
