"""Every entry of the spec table (tests/specs.py), through the same checks:

- values equal NumPy's, and plain inputs give plain (untraced) results;
- forward and reverse derivatives against central differences, to second order
  (gradkit.check_grads), in float64;
- the exact adjointness of the two modes, <u, J v> == <J^T u, v>, AD against AD;
- each argument differentiated alone (the others constant: their rules are skipped);
- Jacobians by forward mode and by reverse mode agree, vmap equals a loop, and the batched
  Hessian equals Hessian-vector products one direction at a time (batch rules, also of rules);
- complex inputs: derivatives to second order, and VJPs equal autograd's (its convention);
- hypothesis draws broadcast shape pairs for binary functions and shape/axis/keepdims
  combinations for reductions.
"""
import functools

import numpy as onp
import pytest
from hypothesis import assume, given, strategies as st
from hypothesis.extra import numpy as hnp

import gradkit as gk
from gradkit.core import Tracer, tree_flatten
from gradkit.numeric.check import check_vjp_jvp_adjoint

from specs import SPECS, resolve, seed_of

CASES = [pytest.param(spec, shapes, kw, id=cid) for spec in SPECS for cid, shapes, kw in spec.cases()]
COMPLEX_CASES = [pytest.param(spec, shapes, kw, id=cid) for spec in SPECS if spec.complex
                 for cid, shapes, kw in spec.cases()]


def _inputs(spec, shapes, kw, complex=False, draw=0):
    return spec.inputs(shapes, seed_of(f"{spec.name}{shapes}{kw}") + draw, complex)


def _leaves(out):
    return [onp.asarray(o) for o in tree_flatten(out)[0]]


def _assert_tree_close(actual, expected, rtol=1e-12, atol=1e-12):
    a, e = _leaves(actual), _leaves(expected)
    assert len(a) == len(e)
    for x, y in zip(a, e):
        assert x.shape == y.shape
        onp.testing.assert_allclose(x, y, rtol=rtol, atol=atol)


@pytest.mark.parametrize("spec, shapes, kw", CASES)
def test_value_matches_numpy(spec, shapes, kw):
    args = _inputs(spec, shapes, kw)
    out = spec.fn(*args, **kw)
    assert not any(type(o) is Tracer for o in tree_flatten(out)[0])
    _assert_tree_close(out, spec.ref(*args, **kw))


@pytest.mark.parametrize("spec, shapes, kw", CASES)
def test_derivatives_match_finite_differences(spec, shapes, kw):
    args = _inputs(spec, shapes, kw)
    gk.check_grads(functools.partial(spec.fn, **kw), modes=("fwd", "rev"), order=spec.order,
                   rtol=spec.rtol, atol=spec.atol)(*args)


@pytest.mark.parametrize("spec, shapes, kw", CASES)
def test_forward_and_reverse_are_adjoint(spec, shapes, kw):
    args = _inputs(spec, shapes, kw)
    check_vjp_jvp_adjoint(functools.partial(spec.fn, **kw), *args, rtol=1e-10)


@pytest.mark.parametrize("spec, shapes, kw", [c for c in CASES if c.values[0].arity > 1])
def test_each_argument_alone(spec, shapes, kw):
    args = _inputs(spec, shapes, kw)
    for k in range(len(args)):
        def f(x, k=k):
            return spec.fn(*args[:k], x, *args[k + 1:], **kw)
        gk.check_grads(f, modes=("fwd", "rev"), order=1, rtol=spec.rtol, atol=spec.atol)(args[k])


def _single_output(spec, kw):
    def f(*args):
        return gk.numpy.concatenate([gk.numpy.ravel(o) for o in tree_flatten(spec.fn(*args, **kw))[0]])
    return f


@pytest.mark.parametrize("spec, shapes, kw", CASES)
def test_jacfwd_equals_jacrev(spec, shapes, kw):
    args = _inputs(spec, shapes, kw)
    argnums = tuple(range(len(args)))
    f = _single_output(spec, kw)
    _assert_tree_close(gk.jacfwd(f, argnums)(*args), gk.jacrev(f, argnums)(*args), rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("spec, shapes, kw", [c for c in CASES if c.values[0].vmap])
def test_vmap_equals_loop(spec, shapes, kw):
    args = _inputs(spec, shapes, kw)
    batch = [onp.stack(pair) for pair in zip(args, _inputs(spec, shapes, kw, draw=1))]
    f = functools.partial(spec.fn, **kw)
    looped = [f(*[b[i] for b in batch]) for i in range(2)]
    expected = [onp.stack([_leaves(r)[j] for r in looped]) for j in range(len(_leaves(looped[0])))]
    _assert_tree_close(_leaves(gk.vmap(f)(*batch)), expected)
    # a mapped argument next to unmapped ones
    for k in range(len(args)):
        axes = tuple(0 if j == k else None for j in range(len(args)))
        mixed = [batch[j] if j == k else args[j] for j in range(len(args))]
        looped = [f(*[m[i] if j == k else m for j, m in enumerate(mixed)]) for i in range(2)]
        expected = [onp.stack([_leaves(r)[j] for r in looped]) for j in range(len(_leaves(looped[0])))]
        _assert_tree_close(_leaves(gk.vmap(f, in_axes=axes)(*mixed)), expected)


@pytest.mark.parametrize("spec, shapes, kw", COMPLEX_CASES)
def test_complex_derivatives(spec, shapes, kw):
    args = _inputs(spec, shapes, kw, complex=True)
    f = functools.partial(spec.fn, **kw)
    _assert_tree_close(f(*args), spec.ref(*args, **kw))
    gk.check_grads(f, modes=("fwd", "rev"), order=spec.order, rtol=spec.rtol, atol=spec.atol)(*args)
    check_vjp_jvp_adjoint(f, *args, rtol=1e-10)


@pytest.mark.parametrize("spec, shapes, kw", [c for c in COMPLEX_CASES if c.values[0].autograd])
def test_complex_vjp_matches_autograd(spec, shapes, kw):
    from autograd import make_vjp
    import autograd.numpy as anp
    ag_fn = None if spec.generic is not None else resolve(anp, spec.autograd)
    args = _inputs(spec, shapes, kw, complex=True)
    rng = onp.random.default_rng(1)
    out = onp.asarray(spec.ref(*args, **kw))
    g = rng.standard_normal(out.shape) + 1j * rng.standard_normal(out.shape) if onp.iscomplexobj(out) \
        else rng.standard_normal(out.shape)
    for k in range(len(args)):
        def ours(x, k=k):
            return spec.fn(*args[:k], x, *args[k + 1:], **kw)

        def theirs(x, k=k):
            return _ag_call(spec, ag_fn, anp, args[:k] + [x] + args[k + 1:], kw)
        expected = make_vjp(theirs)(args[k])[0](g)
        (actual,) = gk.vjp(ours, args[k])[1](g)
        onp.testing.assert_allclose(actual, expected, rtol=1e-10, atol=1e-12)


def _ag_call(spec, ag_fn, anp, args, kw):
    return ag_fn(*args, **kw) if spec.generic is None else spec.generic(anp, *args, **kw)


# -- hypothesis: broadcasting, axis and keepdims corners --------------------------------------
BROADCAST_SPECS = [pytest.param(s, id=s.name) for s in SPECS if s.hyp == "broadcast"]
REDUCE_SPECS = [pytest.param(s, id=s.name) for s in SPECS if s.hyp == "reduce"]


def _check_all(spec, args, kw, order=2):
    f = functools.partial(spec.fn, **kw)
    _assert_tree_close(f(*args), spec.ref(*args, **kw))
    gk.check_grads(f, modes=("fwd", "rev"), order=order, rtol=spec.rtol, atol=spec.atol)(*args)
    check_vjp_jvp_adjoint(f, *args, rtol=1e-10)


@pytest.mark.parametrize("spec", BROADCAST_SPECS)
@given(data=st.data())
def test_broadcasting(spec, data):
    shapes = data.draw(hnp.mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=3, max_side=3)).input_shapes
    seed = data.draw(st.integers(0, 2 ** 32 - 1))
    _check_all(spec, spec.inputs(shapes, seed), {})


@st.composite
def _reduction_case(draw, extra=()):
    shape = draw(hnp.array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=3))
    ndim = len(shape)
    axis = draw(st.one_of(st.none(), st.integers(-ndim, ndim - 1),
                          st.lists(st.integers(0, ndim - 1), min_size=1, max_size=ndim, unique=True).map(tuple)))
    kw = dict(axis=axis, keepdims=draw(st.booleans()))
    for name, strategy in extra:
        kw[name] = draw(strategy)
    return shape, kw, draw(st.integers(0, 2 ** 32 - 1))


@pytest.mark.parametrize("spec", REDUCE_SPECS)
@given(data=st.data())
def test_reduction_axes(spec, data):
    extra = [("ddof", st.integers(0, 1))] if spec.name in ("var", "std") else []
    shape, kw, seed = data.draw(_reduction_case(extra))
    args = spec.inputs((shape,), seed)
    if "ddof" in kw:
        axes = range(len(shape)) if kw["axis"] is None else onp.atleast_1d(kw["axis"])
        count = int(onp.prod([shape[a] for a in axes]))
        assume(count > kw["ddof"] if spec.name == "var" else count > 1)  # std is not smooth at 0
    _check_all(spec, args, kw)


@pytest.mark.parametrize("spec, shapes, kw", CASES)
def test_hessian_equals_hvp_loop(spec, shapes, kw):
    """The batched Hessian (vmap over forward-over-reverse: the batch rules of the rules)
    equals Hessian-vector products taken one basis vector at a time."""
    args = _inputs(spec, shapes, kw)

    def scalar(x):
        outs = tree_flatten(spec.fn(x, *args[1:], **kw))[0]
        return sum(gk.numpy.sum(gk.numpy.sin(gk.numpy.real(o))) for o in outs)
    x = args[0]
    basis = onp.eye(x.size).reshape((x.size,) + x.shape)
    columns = onp.stack([gk.hvp(scalar, x, e) for e in basis], axis=-1)
    onp.testing.assert_allclose(gk.hessian(scalar)(x), columns.reshape(x.shape + x.shape), rtol=1e-10, atol=1e-12)
