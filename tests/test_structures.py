"""Structures in and out of every transformation (JAX's semantics, JAX as the reference),
and the checks of what users hand in: argnums, in_axes/out_axes, tangents, grad outputs,
user rules, jit's static arguments. Each error test asserts the message names the fix."""
import warnings
from collections import namedtuple

import numpy as onp
import pytest

import gradkit as gk
import gradkit.numpy as np

jax = pytest.importorskip("jax")
jnp = jax.numpy
jax.config.update("jax_enable_x64", True)
tree_util = jax.tree_util

rng = onp.random.default_rng(7)
X, Y = rng.standard_normal(2), rng.standard_normal(3)
Pair = namedtuple("Pair", "w b")


def assert_trees_close(ours, ref, rtol=1e-10):
    """Same structure (as JAX sees it) and the same values."""
    assert tree_util.tree_structure(ours) == tree_util.tree_structure(ref), (ours, ref)
    for a, b in zip(tree_util.tree_leaves(ours), tree_util.tree_leaves(ref)):
        assert type(a) is not gk.core.Tracer
        onp.testing.assert_allclose(onp.asarray(a), onp.asarray(b), rtol=rtol, atol=1e-12)


# -- structures out of the Jacobians -------------------------------------------------------
def both(make):
    """The same function written with gradkit.numpy and with jax.numpy."""
    return make(np), make(jnp)


TREE_FUNCTIONS = {
    "tuple out": (both(lambda m: lambda x: (2 * x, 3 * x)), (X,), 0),
    "dict in, dict out": (both(lambda m: lambda d: {"u": d["a"] * m.sum(d["b"]), "v": m.sin(d["b"])}),
                          ({"a": X, "b": Y},), 0),
    "two args, nested out": (both(lambda m: lambda x, y: [m.tanh(x), (m.sum(x) * y, m.prod(y))]),
                             (X, Y), (0, 1)),
    "namedtuple in": (both(lambda m: lambda p: m.tanh(p.w * m.sum(p.b))), (Pair(X, Y),), 0),
    "list in, scalar out": (both(lambda m: lambda xs: m.sum(xs[0]) * m.sum(m.cos(xs[1]))), ([X, Y],), 0),
    "negative argnums": (both(lambda m: lambda x, y: m.sin(x) * m.sum(y)), (X, Y), -1),
}


@pytest.mark.parametrize("name", sorted(TREE_FUNCTIONS))
@pytest.mark.parametrize("jac", ["jacfwd", "jacrev"])
def test_jacobians_of_pytrees_match_jax(name, jac):
    (f, jf), args, argnums = TREE_FUNCTIONS[name]
    assert_trees_close(getattr(gk, jac)(f, argnums)(*args), getattr(jax, jac)(jf, argnums)(*args))


def test_jacfwd_of_a_tuple_output_is_a_tuple_of_jacobians():
    J = gk.jacfwd(lambda x: (2 * x, 3 * x))(X)
    assert type(J) is tuple and len(J) == 2
    onp.testing.assert_array_equal(J[0], 2 * onp.eye(2))
    onp.testing.assert_array_equal(J[1], 3 * onp.eye(2))


def test_hessian_with_two_argnums_gives_blocks():
    f = lambda x, y: np.sum(x ** 2 * np.sum(np.sin(y))) + np.dot(x, y[:2]) ** 2
    jf = lambda x, y: jnp.sum(x ** 2 * jnp.sum(jnp.sin(y))) + jnp.dot(x, y[:2]) ** 2
    H = gk.hessian(f, argnums=(0, 1))(X, Y)
    assert [[b.shape for b in row] for row in H] == [[(2, 2), (2, 3)], [(3, 2), (3, 3)]]
    assert_trees_close(H, jax.hessian(jf, argnums=(0, 1))(X, Y))
    d = {"x": X, "y": Y}
    assert_trees_close(gk.hessian(lambda d: f(d["x"], d["y"]))(d), jax.hessian(lambda d: jf(d["x"], d["y"]))(d))


def test_dict_and_namedtuple_arguments_in_every_transformation():
    d = {"a": X, "b": Y}
    f = lambda d: np.sum(d["a"] ** 2) * np.sum(np.sin(d["b"]))
    jf = lambda d: jnp.sum(d["a"] ** 2) * jnp.sum(jnp.sin(d["b"]))
    assert_trees_close(gk.grad(f)(d), jax.grad(jf)(d))
    t = {"a": onp.ones(2), "b": onp.zeros(3)}
    assert_trees_close(gk.jvp(f, (d,), (t,)), jax.jvp(jf, (d,), (t,)))
    assert_trees_close(gk.vjp(f, d)[1](1.0), jax.vjp(jf, d)[1](1.0))
    p = Pair(w=X, b=1.5)
    g = gk.grad(lambda p: np.sum(np.tanh(p.w * p.b)))(p)
    assert isinstance(g, Pair)
    assert_trees_close(tuple(g), tuple(jax.grad(lambda p: jnp.sum(jnp.tanh(p.w * p.b)))(p)))
    batch = {"a": rng.standard_normal((4, 2)), "b": rng.standard_normal((4, 3))}
    assert_trees_close(gk.vmap(f)(batch), jax.vmap(jf)(batch))


# -- vmap's axes -------------------------------------------------------------------------
def test_vmap_axes_are_pytree_prefixes_with_negative_axes():
    xs, w = rng.standard_normal((5, 3)), rng.standard_normal(3)
    f = lambda d, s: (d["x"] * d["w"] * s, np.outer(d["x"], d["w"]))
    jf = lambda d, s: (d["x"] * d["w"] * s, jnp.outer(d["x"], d["w"]))
    cases = [(({"x": 0, "w": None}, None), (0, 1)),
             (({"x": -2, "w": None}, None), (-1, 0)),
             ([{"x": 0, "w": None}, None], -1)]  # a list at the top counts as a tuple
    for in_axes, out_axes in cases:
        ours = gk.vmap(f, in_axes, out_axes)({"x": xs, "w": w}, 2.0)
        assert_trees_close(ours, jax.vmap(jf, tuple(in_axes), out_axes)({"x": xs, "w": w}, 2.0))
    out = gk.vmap(lambda a: (a, np.outer(a, a)), out_axes=(0, 1))(xs)
    assert [o.shape for o in out] == [(5, 3), (3, 5, 3)]  # the second entry is honoured
    assert gk.vmap(lambda a: a, in_axes=-1)(xs.T).shape == (5, 3)
    # an output that does not depend on the batch may stay unmapped
    assert gk.vmap(lambda a: (a, np.ones(2)), out_axes=(0, None))(xs)[1].shape == (2,)


VMAP_MISUSES = [
    (lambda: gk.vmap(lambda a: np.outer(a, a), out_axes=3)(onp.ones((5, 3))), ValueError, r"\[-3, 3\)"),
    (lambda: gk.vmap(lambda a: a, out_axes=-3)(onp.ones((5, 3))), ValueError, r"\[-2, 2\)"),
    (lambda: gk.vmap(lambda a: a, in_axes=2)(onp.ones((5, 3))), ValueError, r"shape \(5, 3\).*\[-2, 2\)"),
    (lambda: gk.vmap(lambda a, b: a * b)(onp.ones(5), 2.0), ValueError, "scalar.*None in in_axes"),
    (lambda: gk.vmap(lambda a: a, in_axes=(0, None))(onp.ones(5)), ValueError, "2 entries.*1 positional"),
    (lambda: gk.vmap(lambda d: d["a"], in_axes=({"a": 0},))({"a": onp.ones(2), "b": onp.ones(2)}),
     ValueError, r"in_axes\[0\].*must match"),
    (lambda: gk.vmap(lambda a, b: a + b)(onp.ones(5), onp.ones(4)), gk.ShapeError,
     r"one batch size.*size 5.*size 4"),
    (lambda: gk.vmap(lambda a, b=1.0: a + b)(onp.ones(5), b=2.0), TypeError, "positional.*functools.partial"),
    (lambda: gk.vmap(lambda a: a, in_axes="a"), TypeError, "int, None, or a tuple"),
    (lambda: gk.vmap(lambda a: a, in_axes=(1.5,)), TypeError, "ints .* or None"),
    (lambda: gk.vmap(lambda a: a, in_axes={"a": 0}), TypeError, r"in_axes=\(\{'a': 0\},\)"),
    (lambda: gk.vmap(lambda a: a, in_axes=None)(onp.ones(3)), ValueError, "at least one mapped"),
    (lambda: gk.vmap(lambda a: a, out_axes=None)(onp.ones(3)), ValueError, "depends on the mapped"),
]


@pytest.mark.parametrize("k", range(len(VMAP_MISUSES)))
def test_vmap_misuse_is_a_clear_error(k):
    call, error, message = VMAP_MISUSES[k]
    with pytest.raises(error, match=message):
        call()


# -- argnums -----------------------------------------------------------------------------
def test_argnums_are_validated_and_negative_ones_normalised():
    f = lambda x, y: x * y * y
    assert gk.grad(f, argnums=-1)(1.0, 2.0) == 4.0
    assert gk.grad(f, argnums=(0, -1))(1.0, 2.0) == (4.0, 4.0)
    assert_trees_close(gk.jacrev(f, argnums=-1)(X, X), jax.jacrev(lambda x, y: x * y * y, argnums=-1)(X, X))
    for bad, error, message in [((1, 1), ValueError, "twice"), ((0, -2), ValueError, "twice"),
                                ("a", TypeError, "int or a tuple of ints"), (True, TypeError, "int or a tuple"),
                                ((), ValueError, "nothing"), (1.0, TypeError, "tuple of ints")]:
        for transform in (gk.grad, gk.jacfwd, gk.jacrev, gk.hessian):
            with pytest.raises(error, match=message):
                transform(f, argnums=bad)(1.0, 2.0)
    with pytest.raises(ValueError, match="argument 5.*2 positional"):
        gk.grad(f, argnums=5)(1.0, 2.0)


# -- what grad accepts -------------------------------------------------------------------------
@pytest.mark.parametrize("out, name", [("a", "str"), (True, "bool"), (None, "None"), (3, "int"),
                                       (onp.array(True), "bool"), (1j, "complex")])
def test_grad_of_a_non_float_output_is_a_type_error(out, name):
    with pytest.raises(TypeError, match=name):
        gk.grad(lambda x: out)(1.0)
    with pytest.raises(TypeError, match=name if name != "None" else "returned"):
        gk.value_and_grad(lambda x: out if name != "complex" else x * out)(1.0)


def test_grad_of_an_integer_input_is_a_type_error_suggesting_float():
    with pytest.raises(TypeError, match="1.0 instead of 1"):
        gk.grad(lambda x: x * 2.0)(1)
    with pytest.raises(gk.NonDifferentiableError, match="astype\\(float\\)"):
        gk.grad(lambda x: np.sum(x * 2.0))(onp.arange(3))
    assert gk.grad(lambda x, n: x * n, argnums=0)(1.0, 3) == 3.0  # an integer left out of argnums is fine


def test_size_one_outputs_count_as_scalars_as_in_autograd():
    x = onp.array([1.0, 2.0, 3.0])
    for f in (lambda x: np.sum(x ** 2, keepdims=True), lambda x: np.reshape(np.sum(x ** 2), (1, 1)),
              lambda x: np.dot(x[None, :], x[:, None])):
        onp.testing.assert_allclose(gk.grad(f)(x), 2 * x)
    value, g = gk.value_and_grad(lambda x: np.sum(x ** 2, keepdims=True))(x)
    assert onp.shape(value) == (1,) and value[0] == 14.0
    with pytest.raises(gk.ShapeError, match="jacrev"):
        gk.grad(lambda x: x ** 2)(x)
    with pytest.raises(gk.ShapeError, match="has_aux=True"):
        gk.grad(lambda x: (np.sum(x), x))(x)


# -- tangents --------------------------------------------------------------------------------
def test_tangents_must_match_their_primals():
    x = onp.array([0.5, 1.0])
    for tangent, error, message in [(onp.array([1j, 0]), TypeError, "complex.*float64"),
                                    (1j, TypeError, "complex"),
                                    (x.astype(onp.float32), TypeError, "float32.*float64"),
                                    (onp.ones(2, int), TypeError, "int64"),
                                    (onp.ones(3), gk.ShapeError, r"\(3,\).*\(2,\)")]:
        with pytest.raises(error, match=message):
            gk.jvp(np.sin, (x if onp.ndim(tangent) else 0.5,), (tangent,))
        if error is TypeError:  # JAX refuses the same tangents
            with pytest.raises(TypeError):
                jax.jvp(jnp.sin, (x if onp.ndim(tangent) else 0.5,), (tangent,))
    with pytest.raises(gk.ShapeError, match="structure"):
        gk.jvp(lambda d: d["a"], ({"a": x},), ({"b": x},))
    # weakly typed Python floats, and equal dtypes, are fine
    assert gk.jvp(np.sin, (0.0,), (2.0,))[1] == 2.0
    x32 = x.astype(onp.float32)
    assert gk.jvp(np.sin, (x32,), (onp.ones(2, onp.float32),))[1].dtype == onp.float32
    assert gk.jacfwd(np.sin)(x32).dtype == onp.float32  # its basis has the input's dtype
    z = onp.array([1 + 1j])
    onp.testing.assert_allclose(gk.jvp(np.sin, (z,), (onp.array([1j]),))[1], onp.cos(z) * 1j)


# -- user rules -------------------------------------------------------------------------------
def test_user_rules_of_the_wrong_shape_or_structure_raise_shape_errors():
    x = onp.array([1.0, 2.0])
    cube = gk.primitive(lambda x: x ** 3)
    gk.defvjp(cube, lambda ans, x: lambda g: np.sum(g * 3 * x ** 2))  # summed: shape () for (2,)
    with pytest.raises(gk.ShapeError, match=r"VJP rule of primitive '<lambda>'.*shape \(\).*argument 0.*\(2,\)"):
        gk.grad(lambda x: np.sum(cube(x)))(x)
    cube.defjvp(lambda t, ans, x: 3.0)
    with pytest.raises(gk.ShapeError, match=r"JVP rule.*shape \(\).*\(2,\)"):
        gk.jvp(cube, (x,), (x,))

    def custom(bwd, fwd=lambda x, y: (x * y, (x, y))):
        f = gk.custom_vjp(lambda x, y: x * y)
        f.defvjp(fwd, bwd)
        return lambda x: np.sum(f(x, x))
    for bwd, fwd, message in [
            (lambda r, g: g * r[1], None, "tuple with one cotangent per positional argument"),
            (lambda r, g: (g * r[1],), None, "1 cotangents for a function of 2"),
            (lambda r, g: (g * r[1], np.sum(g)), None, r"shape \(\) for argument 1, whose shape is \(2,\)"),
            (lambda r, g: (g, g), lambda x, y: x * y, "must return a pair \\(output, residuals\\)")]:
        with pytest.raises(gk.ShapeError, match=message):
            gk.grad(custom(bwd, fwd or (lambda x, y: (x * y, (x, y)))))(x)
    onp.testing.assert_allclose(gk.grad(custom(lambda r, g: (g * r[1], None)))(x), x)  # None: zero

    tree = gk.custom_vjp(lambda d: d["a"] * d["b"])
    tree.defvjp(lambda d: (d["a"] * d["b"], d), lambda d, g: ({"a": g * d["b"]},))
    with pytest.raises(gk.ShapeError, match="argument 0 has structure"):
        gk.grad(lambda x: np.sum(tree({"a": x, "b": x})))(x)

    @gk.custom_jvp
    def f(x):
        return np.sin(x)
    f.defjvp(lambda p, t: np.cos(p[0]) * t[0])
    with pytest.raises(gk.ShapeError, match="pair"):
        gk.jvp(f, (x,), (x,))


def test_autograd_deprecated_declarations_work_and_warn():
    with pytest.warns(DeprecationWarning, match="gradkit.defvjp"):
        f = gk.primitive(lambda x, y: x * y)
        f.defvjp(lambda g, ans, vs, gvs, x, y: g * y, argnum=0)
        f.defvjp(lambda g, ans, vs, gvs, x, y: g * x * vs.ones(), argnum=1)
    assert gk.grad(f, argnums=(0, 1))(2.0, 5.0) == (5.0, 2.0)
    with pytest.warns(DeprecationWarning):
        g = gk.primitive(lambda x: x ** 3)
        g.defgrad(lambda ans, x: lambda t: t * 3 * x ** 2)
    assert gk.grad(g)(2.0) == 12.0 and gk.grad(gk.grad(g))(2.0) == 12.0
    with pytest.warns(DeprecationWarning):
        gk.defgrad(f, lambda ans, x, y: lambda t: t * y * 10)
    assert gk.grad(f, argnums=(0, 1))(2.0, 5.0) == (50.0, 2.0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        h = gk.primitive(lambda x, y: x * y)
        gk.defvjp(h, lambda ans, x, y: lambda t: t * x, argnum=1)  # argnum= alone: argnums=(1,)
    assert gk.grad(h, argnums=1)(2.0, 5.0) == 2.0
    assert gk.primitive(np.sin.__wrapped__ if hasattr(np.sin, "__wrapped__") else onp.sin).__name__ == "sin"


# -- user containers ---------------------------------------------------------------------------
class Kernel:
    """An RBF kernel whose parameters are learned (a reproducing-kernel regression)."""

    def __init__(self, scale, length, name="rbf"):
        self.scale, self.length, self.name = scale, length, name

    def __call__(self, a, b):
        return self.scale * np.exp(-(a[:, None] - b[None, :]) ** 2 / self.length)


gk.register_pytree_node(Kernel, lambda k: ((k.scale, k.length), k.name), lambda name, c: Kernel(*c, name))


def test_registered_containers_flow_through_the_transformations():
    t = onp.linspace(0, 1, 5)
    y = onp.sin(3 * t)

    def loss(k):  # kernel ridge regression fit on the training points
        K = k(t, t) + 0.1 * np.eye(5)
        return np.sum((K @ np.linalg.solve(K, y) * 0 + k(t, t) @ y - y) ** 2)
    k = Kernel(1.5, 0.3)
    g = gk.grad(loss)(k)
    assert isinstance(g, Kernel) and g.name == "rbf"
    h = 1e-6
    fd_scale = (loss(Kernel(1.5 + h, 0.3)) - loss(Kernel(1.5 - h, 0.3))) / (2 * h)
    fd_length = (loss(Kernel(1.5, 0.3 + h)) - loss(Kernel(1.5, 0.3 - h))) / (2 * h)
    onp.testing.assert_allclose([g.scale, g.length], [fd_scale, fd_length], rtol=1e-6)
    assert gk.jit(loss)(k) == pytest.approx(loss(k))
    batched = gk.vmap(lambda k: np.sum(k(t, t)))(Kernel(onp.ones(3), onp.array([0.1, 0.2, 0.3])))
    assert batched.shape == (3,)
    J = gk.jacfwd(lambda k: k(t, t)[0])(k)
    assert isinstance(J, Kernel) and J.scale.shape == (5,)
    with pytest.raises(ValueError, match="already"):
        gk.register_pytree_node(dict, None, None)


# -- jit's arguments ------------------------------------------------------------------------
def test_jit_static_arguments_and_keywords():
    def f(x, n):
        return x * n if n > 2 else -x
    x = onp.array([1.0, 2.0])
    with pytest.raises(TypeError, match="static argument 1.*not hashable.*static_argnums"):
        gk.jit(f, static_argnums=1)(x, onp.array(3.0))
    with pytest.raises(TypeError, match="list.*not hashable.*tuple"):
        gk.jit(lambda x, s: x, static_argnums=1)(x, [1, 2])
    with pytest.raises(ValueError, match="argument 2.*takes 2 positional"):
        gk.jit(f, static_argnums=2)
    with pytest.raises(TypeError, match="static_argnums must be an int"):
        gk.jit(f, static_argnums="n")
    with pytest.raises(TypeError, match="traced value as static argument 1"):
        gk.grad(lambda n: np.sum(gk.jit(f, static_argnums=1)(x, n)))(3.0)
    j = gk.jit(f, static_argnums=-1)
    onp.testing.assert_array_equal(j(x, 3), 3 * x)
    onp.testing.assert_array_equal(j(x, 1), -x)
    # keyword arguments: traced like positional ones (one recording), or static by name
    k = gk.jit(lambda x, w=1.0: x * w)
    onp.testing.assert_array_equal(k(x, w=2.0), 2 * x)
    onp.testing.assert_array_equal(k(x, w=3.0), 3 * x)
    assert len(k.cache) == 1
    s = gk.jit(f, static_argnames="n")
    onp.testing.assert_array_equal(s(x, n=3), 3 * x)
    onp.testing.assert_array_equal(s(x, n=1), -x)
    assert gk.grad(lambda w: np.sum(k(x, w=w)))(2.0) == 3.0


def test_wrapped_functions_keep_their_names_and_docs():
    def loss(x):
        """The loss."""
        return np.sum(x ** 2)
    for t in (gk.grad, gk.value_and_grad, gk.jacfwd, gk.jacrev, gk.hessian, gk.vmap, gk.jit,
              gk.elementwise_grad, gk.checkpoint, gk.custom_vjp, gk.custom_jvp, gk.primitive,
              gk.hessian_tensor_product):
        wrapped = t(loss)
        assert wrapped.__name__ == "loss" and wrapped.__doc__ == "The loss.", t
