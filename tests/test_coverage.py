"""Coverage: nothing in gradkit.numpy escapes the spec table, and no primitive lacks a rule.

- every public callable of gradkit.numpy has a spec (tests/specs.py), or is listed as
  non-differentiable or as a constructor; the non-differentiable ones really return
  plain NumPy values on traced input;
- every gradkit primitive has, for each argument it differentiates, a JVP and a VJP
  rule, given or derivable from the other, and the two rule lists agree on which
  arguments are differentiable;
- every differentiable primitive is reached by some spec (its forward, JVP and VJP
  rules run in tests/test_rules.py);
- everything issue 2 lists, and everything autograd.numpy differentiates, is covered.
"""
import functools
import sys
import types

import numpy as onp
import pytest

import gradkit as gk
import gradkit.numpy as gnp
from gradkit.core import Primitive, Tape, Tracer, tree_flatten

from specs import CONSTRUCTORS, NONDIFF, SPEC_NAMES, SPECS, seed_of

# submodules whose primitives the spec table need not reach (their owners test them): only
# linalg.norm is spec'd here
OWNED_ELSEWHERE = ("linalg", "fft")


def public_callables():
    out = []
    for name in dir(gnp):
        value = getattr(gnp, name)
        if name.startswith("_") or isinstance(value, (types.ModuleType, type)) or not callable(value):
            continue
        out.append(name)
    return out


def all_primitives():
    """Every Primitive defined at module level in gradkit.numpy (private ones included)."""
    found = {}
    for name in [m for m in list(sys.modules) if m.startswith("gradkit.numpy.")]:
        for value in vars(sys.modules[name]).values():
            if isinstance(value, Primitive):
                found[id(value)] = value
    return list(found.values())


def test_every_public_callable_is_classified():
    classified = set(SPEC_NAMES) | set(NONDIFF) | set(CONSTRUCTORS)
    missing = [n for n in public_callables() if n not in classified]
    assert not missing, (f"gradkit.numpy functions without a spec in tests/specs.py: {missing}. Add a Spec "
                         f"entry (or list the name in NONDIFF / CONSTRUCTORS if it has no derivative).")


def test_every_spec_names_an_existing_function():
    missing = sorted({s.name for s in SPECS if s.missing})
    assert not missing, f"tests/specs.py has entries for functions gradkit.numpy lacks: {missing}"


def test_classification_is_consistent():
    public = set(public_callables())
    for group in (NONDIFF, CONSTRUCTORS):
        stale = [n for n in group if n not in public]
        assert not stale, f"listed but not exported by gradkit.numpy: {stale}"
    twice = (set(NONDIFF) & set(CONSTRUCTORS)) | (set(SPEC_NAMES) & (set(NONDIFF) | set(CONSTRUCTORS)))
    assert not twice, f"classified twice: {sorted(twice)}"


# one call per non-differentiable function, on a traced float array x of shape (3,)
NONDIFF_CALLS = {
    "isclose": lambda f, x: f(x, x), "allclose": lambda f, x: f(x, x), "array_equal": lambda f, x: f(x, x),
    "floor_divide": lambda f, x: f(x, 0.7), "searchsorted": lambda f, x: f(onp.arange(3.0), x),
    "histogram": lambda f, x: f(x, bins=2),
    "digitize": lambda f, x: f(x, onp.array([-1.0, 0.0, 1.0])), "result_type": lambda f, x: f(x, 1.0),
    "can_cast": lambda f, x: f(x, onp.float32), "promote_types": lambda f, x: f(onp.float32, onp.float64),
    "broadcast_shapes": lambda f, x: f((3,), (2, 1)), "issubdtype": lambda f, x: f(x.dtype, onp.floating),
    "ravel_multi_index": lambda f, x: f(onp.array([[0, 1], [1, 0]]), (2, 2)),
    "unravel_index": lambda f, x: f(onp.array([0, 3]), (2, 2)), "argpartition": lambda f, x: f(x, 1),
    **{n: (lambda f, x: f(x, x > 0)) for n in ("equal", "not_equal", "greater", "greater_equal", "less",
                                               "less_equal", "logical_and", "logical_or", "logical_xor")},
}


@pytest.mark.parametrize("name", NONDIFF)
def test_nondiff_functions_return_plain_numpy_on_traced_values(name):
    f = getattr(gnp, name)
    call = NONDIFF_CALLS.get(name, lambda f, x: f(x))
    x = onp.array([0.3, -1.2, 2.5])
    expected = call(getattr(onp, name), x)
    for trace in ("rev", "fwd"):
        seen = []

        def probe(t):
            seen.append(call(f, t))
            return gnp.sum(t)
        if trace == "rev":
            gk.grad(probe)(x)
        else:
            gk.jvp(probe, (x,), (onp.ones(3),))
        leaves = tree_flatten(seen[0])[0]
        assert not any(type(v) is Tracer for v in leaves), f"{name} returned a traced value"
        for a, b in zip(leaves, tree_flatten(expected)[0]):
            if isinstance(b, onp.ndarray) or onp.isscalar(b):
                onp.testing.assert_array_equal(a, b)


def _declares(rules, argnum):
    return argnum < len(rules) and rules[argnum] is not None


def _declared_none(rules, argnum):
    return argnum < len(rules) and rules[argnum] is None


@pytest.mark.parametrize("prim", [pytest.param(p, id=p.name) for p in all_primitives() if p.differentiable])
def test_every_primitive_has_jvp_and_vjp(prim):
    arity = max(len(prim.vjps), len(prim.jvps))
    has_vjp = prim.vjp_joint is not None or any(_declares(prim.vjps, i) for i in range(arity))
    has_jvp = prim.jvp_joint is not None or any(_declares(prim.jvps, i) for i in range(arity))
    assert has_vjp or has_jvp, f"primitive {prim.name} has no derivative rule at all"
    if prim.vjp_joint is None and prim.jvp_joint is None:
        for i in range(arity):
            # an argument is differentiable in both modes or in neither; a missing rule is derived
            assert _declared_none(prim.vjps, i) == _declared_none(prim.jvps, i) or not (
                _declares(prim.vjps, i) or _declares(prim.jvps, i)), \
                f"primitive {prim.name}: argument {i} is declared differentiable in one mode only"


def _primitives_reached(spec, shapes, kw):
    """The primitives that spec's function, its VJP and its JVP record on an outer tape."""
    args = spec.inputs(shapes, seed_of(spec.name))
    tape = Tape()
    tracers = [tape.new_input(a) for a in args]
    f = functools.partial(spec.fn, **kw)
    out, back = gk.vjp(f, *tracers)
    back(gk.tree_map(lambda o: tape.new_input(onp.ones(onp.shape(gk.primal(o)))), out))  # traced seeds:
    gk.jvp(f, tuple(tracers), tuple(tape.new_input(onp.ones_like(a)) for a in args))  # rules get recorded
    return {id(rec[0]) for rec in tape.records if rec is not None}


def test_every_differentiable_primitive_is_reached_by_a_spec():
    reached = set()
    for spec in SPECS:
        for _, shapes, kw in spec.cases():
            reached |= _primitives_reached(spec, shapes, kw)
    mine = [p for p in all_primitives() if p.differentiable and not any(_in_module(p, m) for m in OWNED_ELSEWHERE)]
    unreached = sorted(p.name for p in mine if id(p) not in reached)
    assert not unreached, f"primitives no spec exercises: {unreached}; add a Spec that calls them"


def _in_module(prim, mod):
    module = sys.modules.get(f"gradkit.numpy.{mod}")
    return module is not None and any(v is prim for v in vars(module).values())


# issue 2, item 2: what gradkit.numpy must differentiate
ISSUE_LIST = """
    add subtract multiply divide true_divide power float_power negative reciprocal square sqrt cbrt exp exp2
    expm1 log log2 log10 log1p logaddexp logaddexp2 sin cos tan arcsin arccos arctan arctan2 hypot sinh cosh
    tanh arcsinh arccosh arctanh sinc abs absolute fabs maximum minimum fmax fmin clip where deg2rad rad2deg
    real imag conj angle
    sum mean prod max amax min amin var std cumsum cumprod linalg.norm
    reshape ravel transpose moveaxis swapaxes expand_dims squeeze broadcast_to concatenate stack hstack vstack
    dstack split array_split tile repeat flip fliplr flipud roll rot90 pad diag diagonal trace triu tril
    atleast_1d atleast_2d atleast_3d
    dot matmul inner outer vdot tensordot einsum kron cross array
""".split()
ISSUE_NONDIFF = "sign argmax argsort floor ceil round isnan equal less greater shape".split()


def test_everything_issue_2_lists_has_a_spec():
    assert not [n for n in ISSUE_LIST if n not in SPEC_NAMES]
    assert not [n for n in ISSUE_NONDIFF if n not in NONDIFF]


def test_everything_autograd_numpy_differentiates_is_covered():
    pytest.importorskip("autograd")
    import autograd.numpy  # noqa: F401  (registers its rules)
    from autograd.core import primitive_vjps
    names = {getattr(f, "__name__", "") for f in primitive_vjps}
    # autograd's own helpers, and families that other modules own (linalg, fft, scipy)
    numpy_names = {n for n in names if callable(getattr(onp, n, None)) and not isinstance(getattr(onp, n), type)}
    missing = sorted(n for n in numpy_names if not hasattr(gnp, n))
    assert not missing, f"autograd.numpy differentiates these, gradkit.numpy lacks them: {missing}"


def test_numpy_functions_dispatch_to_gradkit():
    table = sys.modules["gradkit.numpy.array"].NUMPY_EQUIVALENTS
    for name in SPEC_NAMES + NONDIFF:
        theirs = getattr(onp, name, None) if "." not in name else None
        if callable(theirs) and getattr(gnp, name) is not theirs:  # NumPy's own object needs no dispatch
            assert table.get(theirs) is getattr(gnp, name), f"numpy.{name} does not dispatch to gradkit.numpy.{name}"
    assert table[onp.linalg.norm] is gnp.linalg.norm
