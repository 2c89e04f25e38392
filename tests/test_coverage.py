"""Coverage: NumPy's whole namespace is classified, nothing escapes the spec table, and no
primitive lacks a rule.

- every public callable of numpy, numpy.linalg and numpy.fft is classified by
  gradkit/numpy/namespace_table.py (differentiable, nondiff, refused, numpy's own), and
  docs/coverage.md is that table, current;
- every differentiable one has a spec (tests/specs.py); the non-differentiable ones really
  return plain NumPy values on traced input (and under vmap); the refused ones raise an
  error naming them on traced input, from gradkit.numpy and from numpy itself;
- every gradkit primitive has, for each argument it differentiates, a JVP and a VJP
  rule, given or derivable from the other, and the two rule lists agree on which
  arguments are differentiable;
- every differentiable primitive is reached by some spec (its forward, JVP and VJP
  rules run in tests/test_rules.py);
- everything issue 2 lists, and everything autograd.numpy differentiates, is covered.
"""
import functools
import pathlib
import sys
import types

import numpy as onp
import pytest

import gradkit as gk
import gradkit.numpy as gnp
from gradkit.core import Primitive, Tape, Tracer, UnsupportedFunctionError, tree_flatten
from gradkit.numpy import namespace_table as table

from specs import SPEC_NAMES, SPECS, resolve, seed_of

# submodules whose primitives the spec table need not reach (their owners test them): only
# linalg.norm is spec'd here
OWNED_ELSEWHERE = ("linalg", "fft")
# gradkit.numpy's own additions to NumPy's names (functional updates; autograd's make_diagonal)
GRADKIT_EXTRAS = ["index_update", "index_add", "index_multiply", "make_diagonal"]
NUMPY_NAMES = table.numpy_public_callables()


def public_callables():
    out = []
    for name in dir(gnp):
        value = getattr(gnp, name)
        if name.startswith("_") or isinstance(value, types.ModuleType) or not callable(value):
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


def test_every_numpy_callable_is_classified():
    missing = [n for n in NUMPY_NAMES if n not in table.TABLE]
    assert not missing, (f"NumPy {onp.__version__} has public callables gradkit/numpy/namespace_table.py does not "
                         f"classify: {missing}. Add each to GROUPS there (differentiable with a spec, nondiff, "
                         f"refused with a reason, or numpy's own), then regenerate docs/coverage.md.")


def test_table_names_are_numpys():
    stale = [n for n in table.TABLE if n not in NUMPY_NAMES]
    assert not stale, f"namespace_table.py classifies names NumPy {onp.__version__} lacks: {stale}"


def test_every_gradkit_public_callable_is_classified():
    missing = [n for n in public_callables() if n not in table.TABLE and n not in GRADKIT_EXTRAS]
    assert not missing, f"gradkit.numpy exports callables the table does not classify: {missing}"


def test_classified_names_exist_in_gradkit():
    absent = []
    for name in NUMPY_NAMES:
        kind = table.TABLE[name][0]
        if kind == table.NUMPY and "." in name:
            continue
        try:
            resolve(gnp, name)
        except AttributeError:
            absent.append(name)
    assert not absent, f"classified but missing from gradkit.numpy: {absent}"


def test_every_differentiable_function_has_a_spec():
    mine = [n for n in table.names(table.DIFF) if n.split(".")[0] not in OWNED_ELSEWHERE or n == "linalg.norm"]
    missing = [n for n in mine + GRADKIT_EXTRAS if n not in SPEC_NAMES]
    assert not missing, f"differentiable functions without a spec in tests/specs.py: {missing}"


def test_coverage_doc_is_current():
    doc = pathlib.Path(__file__).resolve().parent.parent / "docs" / "coverage.md"
    assert doc.read_text() == table.markdown(), (
        "docs/coverage.md is stale: run `python -m gradkit.numpy.namespace_table > docs/coverage.md`")


def test_readme_states_the_counts():
    readme = (pathlib.Path(__file__).resolve().parent.parent / "README.md").read_text()
    present = set(NUMPY_NAMES)
    counts = {k: len([n for n in table.names(k) if n in present]) for k in table.KINDS}
    sentence = (f"{counts[table.DIFF]} differentiable, {counts[table.NONDIFF]} without a derivative "
                f"(plain results), {counts[table.REFUSED]} refused on traced values")
    assert sentence in readme, f"README.md should state the coverage as: '{sentence}'"


# one call per non-differentiable function, on a traced float array x of shape (3,)
NONDIFF_CALLS = {
    "isclose": lambda f, x: f(x, x), "allclose": lambda f, x: f(x, x), "array_equal": lambda f, x: f(x, x),
    "array_equiv": lambda f, x: f(x, x), "floor_divide": lambda f, x: f(x, 0.7),
    "searchsorted": lambda f, x: f(onp.arange(3.0), x),
    "digitize": lambda f, x: f(x, onp.array([-1.0, 0.0, 1.0])), "result_type": lambda f, x: f(x, 1.0),
    "can_cast": lambda f, x: f(x, onp.float32), "promote_types": lambda f, x: f(onp.float32, onp.float64),
    "broadcast_shapes": lambda f, x: f((3,), (2, 1)), "issubdtype": lambda f, x: f(x.dtype, onp.floating),
    "ravel_multi_index": lambda f, x: f(onp.array([[0, 1], [1, 0]]), (2, 2)),
    "unravel_index": lambda f, x: f(onp.array([0, 3]), (2, 2)), "argpartition": lambda f, x: f(x, 1),
    "isin": lambda f, x: f(x, x[:1]), "intersect1d": lambda f, x: f(x, x[1:]), "lexsort": lambda f, x: f((x, -x)),
    "einsum_path": lambda f, x: f("i,i->", x, x), "isnat": lambda f, x: f(onp.array(["2020-01-01"], "M8[D]")),
    **{n: (lambda f, x: f(x[:, None] * x)) for n in ("diag_indices_from", "tril_indices_from", "triu_indices_from",
                                                    "linalg.matrix_rank")},
    **{n: (lambda f, x: f(x, x > 0)) for n in ("equal", "not_equal", "greater", "greater_equal", "less",
                                               "less_equal", "logical_and", "logical_or", "logical_xor")},
}
# the bitwise and integer functions: traced integers only come from vmap, so they are checked there
INTEGER_CALLS = {
    **{n: (lambda f, i: f(i, i + 1)) for n in ("bitwise_and", "bitwise_or", "bitwise_xor", "gcd", "lcm")},
    **{n: (lambda f, i: f(i, 2)) for n in ("bitwise_left_shift", "bitwise_right_shift", "left_shift", "right_shift")},
    "packbits": lambda f, i: f(i > 3), "unpackbits": lambda f, i: f(i.astype(onp.uint8)),
}
INTEGER_FUNCTIONS = [n for n in table.names(table.NONDIFF) if table.TABLE[n][1] == "bitwise and integer"]


@pytest.mark.parametrize("name", [n for n in table.names(table.NONDIFF) if n not in INTEGER_FUNCTIONS])
def test_nondiff_functions_return_plain_numpy_on_traced_values(name):
    f = resolve(gnp, name)
    call = NONDIFF_CALLS.get(name, lambda f, x: f(x))
    x = onp.array([0.3, -1.2, 2.5])
    expected = call(resolve(onp, name), x)
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


@pytest.mark.parametrize("name", INTEGER_FUNCTIONS)
def test_integer_functions_batch_under_vmap(name):
    call = INTEGER_CALLS.get(name, lambda f, i: f(i))
    batch = onp.array([[1, 5, 6], [7, 2, 12]])
    out = gk.vmap(lambda i: call(getattr(gnp, name), i))(batch)
    expected = onp.stack([call(getattr(onp, name), i) for i in batch])
    onp.testing.assert_array_equal(out, expected)


# a traced argument in each refused function's usual place
REFUSED_CALLS = {
    "save": lambda f, x: f("/tmp/gradkit-refused.npy", x), "savetxt": lambda f, x: f("/tmp/gradkit-refused.txt", x),
    "savez": lambda f, x: f("/tmp/gradkit-refused.npz", x), "savez_compressed": lambda f, x: f("/tmp/gk.npz", x),
    "may_share_memory": lambda f, x: f(x, x), "shares_memory": lambda f, x: f(x, x),
    "histogram2d": lambda f, x: f(x, x), "nested_iters": lambda f, x: f([x], [[0], []]),
    "busday_offset": lambda f, x: f("2020-01-01", x), "busday_count": lambda f, x: f("2020-01-01", x), "bmat": lambda f, x: f([[x[:, None] * x]]),
    "asmatrix": lambda f, x: f(x[:, None] * x),
}


@pytest.mark.parametrize("name", table.names(table.REFUSED))
def test_refused_functions_name_themselves_on_traced_values(name):
    call = REFUSED_CALLS.get(name, lambda f, x: f(x))
    x = onp.array([0.3, -1.2, 2.5])
    written = pathlib.Path("/tmp/gradkit-refused.npy")
    written.unlink(missing_ok=True)
    for lib in (gnp, onp):  # numpy's own dispatches to gradkit's, where NumPy dispatches at all
        if lib is onp and not hasattr(getattr(onp, name), "_implementation"):
            continue  # NumPy does not dispatch this one (__array_function__)

        def probe(t, lib=lib):
            call(getattr(lib, name), t)
            return gnp.sum(t)
        with pytest.raises(UnsupportedFunctionError, match=f"numpy.{name} was called on a traced value"):
            gk.grad(probe)(x)
    assert not written.exists(), "a refused call wrote its file anyway"


def test_refused_functions_are_numpys_on_plain_values(tmp_path):
    gnp.save(tmp_path / "a.npy", onp.arange(3.0))
    assert onp.load(tmp_path / "a.npy").tolist() == [0.0, 1.0, 2.0]
    assert gnp.array_str(onp.arange(2)) == onp.array_str(onp.arange(2))


def test_numpy_kind_is_numpys_own():
    for name in table.names(table.NUMPY):
        if "." in name or name not in NUMPY_NAMES:
            continue
        ours = getattr(gnp, name)
        assert ours is getattr(onp, name) or name in ("zeros_like", "ones_like", "empty_like"), name


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


def test_every_spec_has_cases():
    """A spec whose every case NumPy or SciPy rejects would check nothing, silently."""
    empty = sorted({spec.name + spec.label for spec in SPECS if not spec.missing and not spec.cases()})
    assert not empty, f"specs with no valid case (their reference rejects every input): {empty}"


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
    assert not [n for n in ISSUE_NONDIFF if n not in table.names(table.NONDIFF)]


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
    equivalents = sys.modules["gradkit.numpy.array"].NUMPY_EQUIVALENTS
    for name in SPEC_NAMES + table.names(table.NONDIFF):
        theirs = getattr(onp, name, None) if "." not in name else None
        # NumPy's own object needs no dispatch; a class (np.vectorize) cannot dispatch
        if callable(theirs) and getattr(gnp, name) is not theirs and not isinstance(theirs, type):
            assert equivalents.get(theirs) is getattr(gnp, name), \
                f"numpy.{name} does not dispatch to gradkit.numpy.{name}"
    assert equivalents[onp.linalg.norm] is gnp.linalg.norm
