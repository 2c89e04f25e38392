"""Differential property test: random small programs (compositions of gradkit.numpy
elementwise, reduction and matmul operations over tuple and dict inputs and outputs) run
eagerly, under jit (called twice with different inputs), under vmap and through
jacfwd/jacrev/hessian, compared with each other and with JAX in float64. The same program
is built with jax.numpy from the same operation names."""
import numpy as onp
import pytest
from hypothesis import given, settings, strategies as st

import gradkit as gk
import gradkit.numpy as gnp

jax = pytest.importorskip("jax")
jax.config.update("jax_enable_x64", True)
jnp = jax.numpy
tree_util = jax.tree_util

N = 3  # every vector has this length; reductions give scalars, which broadcast
M = onp.random.default_rng(11).standard_normal((N, N)) / N

# name -> (operation on the module m, what it takes: "any" values, "vec" vectors, "any2" two values)
OPS = {
    "sin": (lambda m, a: m.sin(a), "any"),
    "cos": (lambda m, a: m.cos(a), "any"),
    "tanh": (lambda m, a: m.tanh(a), "any"),
    "exp": (lambda m, a: m.exp(m.tanh(a)), "any"),  # bounded: programs nest
    "log1p": (lambda m, a: m.log1p(m.square(a)), "any"),
    "sqrt": (lambda m, a: m.sqrt(1.0 + m.square(a)), "any"),
    "add": (lambda m, a, b: m.add(a, b), "any2"),
    "subtract": (lambda m, a, b: m.subtract(a, b), "any2"),
    "multiply": (lambda m, a, b: m.multiply(a, b), "any2"),
    "divide": (lambda m, a, b: m.divide(a, 1.0 + m.square(b)), "any2"),
    "sum": (lambda m, a: m.sum(a), "vec"),
    "mean": (lambda m, a: m.mean(a), "vec"),
    "prod": (lambda m, a: m.prod(a), "vec"),
    "matmul": (lambda m, a: m.matmul(M, a), "vec"),
    "dot": (lambda m, a, b: m.dot(a, b), "vec2"),
}


def program(steps, outputs, in_kind, out_kind):
    """The program as a function of the module m: ("args") f(x, y) or ("dict") f(d)."""
    def make(m):
        def body(pool):
            vec = [True, True]  # which pool entries are vectors (the others are scalars)
            for name, i, j in steps:
                op, takes = OPS[name]
                if takes.startswith("vec"):  # reductions, matmul and dot take vectors
                    vecs = [k for k, v in enumerate(vec) if v]
                    i, j = vecs[i % len(vecs)], vecs[j % len(vecs)]
                else:
                    i, j = i % len(pool), j % len(pool)
                if takes.endswith("2"):
                    pool.append(op(m, pool[i], pool[j]))
                    vec.append(takes == "any2" and (vec[i] or vec[j]))
                else:
                    pool.append(op(m, pool[i]))
                    vec.append(vec[i] if takes == "any" else name == "matmul")
            picked = [pool[-1], pool[outputs % len(pool)]]
            return tuple(picked) if out_kind == "tuple" else {"first": picked[0], "second": picked[1]}
        if in_kind == "args":
            return lambda x, y: body([x, y])
        return lambda d: body([d["p"], d["q"]])
    return make(gnp), make(jnp)


def inputs(in_kind, seed, batch=False):
    """The arguments; with `batch`, 4 of each, x's batch axis first and y's last."""
    r = onp.random.default_rng(seed)
    x, y = (0.8 * r.standard_normal((4, N) if batch else (N,)) for _ in range(2))
    y = y.T if batch else y
    return (x, y) if in_kind == "args" else ({"p": x, "q": y},)


def close(ours, ref, what):
    assert tree_util.tree_structure(ours) == tree_util.tree_structure(ref), what
    for a, b in zip(tree_util.tree_leaves(ours), tree_util.tree_leaves(ref)):
        a, b = onp.asarray(a), onp.asarray(b)
        assert type(a) is onp.ndarray and a.shape == b.shape, what
        onp.testing.assert_allclose(a, b, rtol=1e-8, atol=1e-9 * max(1.0, onp.max(onp.abs(b), initial=0.0)),
                                    err_msg=what)


step = st.tuples(st.sampled_from(sorted(OPS)), st.integers(0, 50), st.integers(0, 50))


@settings(max_examples=30, deadline=None)
@given(steps=st.lists(step, min_size=1, max_size=6), outputs=st.integers(0, 50),
       in_kind=st.sampled_from(["args", "dict"]), out_kind=st.sampled_from(["tuple", "dict"]),
       out_axes=st.tuples(st.sampled_from([0, -1]), st.sampled_from([0, -1])), seed=st.integers(0, 2 ** 16))
def test_random_programs_agree_across_transformations_and_with_jax(steps, outputs, in_kind, out_kind, out_axes,
                                                                   seed):
    f, jf = program(steps, outputs, in_kind, out_kind)
    args, args2 = inputs(in_kind, seed), inputs(in_kind, seed + 1)
    argnums = (0, 1) if in_kind == "args" else 0
    eager = f(*args)
    close(eager, jf(*args), "eager")
    jitted = gk.jit(f)
    close(jitted(*args), eager, "jit, first call")
    close(jitted(*args2), f(*args2), "jit, second call with new inputs")
    batch = inputs(in_kind, seed + 2, batch=True)
    in_axes = (0, -1) if in_kind == "args" else ({"p": 0, "q": -1},)
    if out_kind == "dict":
        out_axes = dict(zip(("first", "second"), out_axes))
    close(gk.vmap(f, in_axes, out_axes)(*batch), jax.vmap(jf, in_axes, out_axes)(*batch), "vmap")
    J = jax.jacrev(jf, argnums)(*args)
    close(gk.jacfwd(f, argnums)(*args), J, "jacfwd")
    close(gk.jacrev(f, argnums)(*args), J, "jacrev")
    jac_jit = gk.jit(gk.jacrev(f, argnums))
    jac_jit(*args)
    close(jac_jit(*args2), jax.jacrev(jf, argnums)(*args2), "jit(jacrev), second call")
    close(gk.hessian(f, argnums)(*args), jax.hessian(jf, argnums)(*args), "hessian")
