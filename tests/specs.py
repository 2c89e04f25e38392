"""THE primitive spec table: one entry per exported differentiable gradkit.numpy function.

Each `Spec` says how to call the function (`fn`, taking the differentiable arrays as
positional arguments and the rest as keyword arguments), its NumPy reference (`ref`, same
call), where its inputs may lie so that it is smooth there (`domain`, one per argument),
which shapes to try (`shapes`, including broadcast pairs), a grid of keyword arguments
(`kwargs`: axis, keepdims, ord, ddof...), the derivative order to check and the
tolerances. `tests/test_rules.py` runs the same checks over every entry; a new function
costs one entry here, and `tests/test_coverage.py` fails until it has one.

Domains keep every function smooth where it is checked: log above 0, arcsin inside
(-1, 1), no ties for max/min/maximum/sort, no zeros for cumprod or abs, mod away from its
jumps.
"""
import itertools
import zlib
from dataclasses import dataclass, field

import numpy as onp

import gradkit.numpy as np


# -- domains: rng, shape -> float64 array --------------------------------------------
def uniform(lo, hi):
    return lambda rng, shape: rng.uniform(lo, hi, shape)


def signed(lo, hi):
    """Magnitudes in [lo, hi], random signs: away from zero."""
    return lambda rng, shape: rng.uniform(lo, hi, shape) * rng.choice([-1.0, 1.0], shape)


def avoiding(lo, hi, points, gap=0.1):
    """Uniform in [lo, hi] but at least `gap` from each of `points` (kinks, jumps)."""
    def draw(rng, shape):
        x = rng.uniform(lo, hi, shape)
        bad = onp.zeros(onp.shape(x), bool)
        for p in points:
            bad |= onp.abs(x - p) < gap
        return onp.where(bad, x + 2 * gap * onp.sign(x - onp.mean(points) + 1e-3), x)
    return draw


def distinct(rng, shape):
    """Values at least 0.2 apart from each other (no ties for max, min, sort)."""
    n = int(onp.prod(shape))
    return (rng.permutation(n) * 0.25 - n * 0.125 + rng.uniform(0, 0.05, n)).reshape(shape)


def distinct_abs(rng, shape):
    """Nonzero values whose magnitudes are distinct (no ties for max |x|)."""
    n = int(onp.prod(shape))
    return ((rng.permutation(n) + 1) * 0.25 * rng.choice([-1.0, 1.0], n)).reshape(shape)


# maximum/minimum pairs: the fractional parts of LOW and HIGH never meet, so any two
# entries differ by at least 0.2 while either may be the larger one
def LOW(rng, shape):
    return rng.integers(-2, 2, shape) + rng.uniform(0.05, 0.35, shape)


def HIGH(rng, shape):
    return rng.integers(-2, 2, shape) + rng.uniform(0.55, 0.95, shape)


def with_zero(domain):
    """`domain` with its first entry set to exactly 0 (a removable singularity)."""
    def draw(rng, shape):
        x = onp.array(domain(rng, shape), dtype=float)
        x.reshape(-1)[:1] = 0.0
        return x
    return draw


REAL = uniform(-2.0, 2.0)
POS = uniform(0.5, 2.0)
UNIT = uniform(-0.9, 0.9)
ABOVE1 = uniform(1.2, 3.0)
NONZERO = signed(0.3, 2.0)
MOD_X = signed(0.1, 1.4)     # with MOD_Y, x / y stays in (-1, 1) minus 0: no jump of mod
MOD_Y = uniform(1.5, 2.0)


# -- shape sets --------------------------------------------------------------------------
UNARY = [((),), ((3,),), ((2, 3),)]
BINARY = [((), ()), ((3,), (3,)), ((2, 3), (3,)), ((2, 1), (1, 3)), ((), (2, 2)), ((2, 2), ())]
MATRIX = [((2, 3),), ((3, 2, 2),)]
REDUCE_SHAPES = [((3,),), ((2, 3),), ((2, 3, 2),)]
AXES = [None, 0, 1, -1, (0, 1), (0, 2)]


def grid(**options):
    """Every combination of the given keyword options."""
    keys = list(options)
    return [dict(zip(keys, values)) for values in itertools.product(*options.values())]


REDUCE_KW = grid(axis=AXES, keepdims=[False, True])


@dataclass
class Spec:
    name: str                       # the public name in gradkit.numpy ("linalg.norm" for submodules)
    fn: object = None               # gradkit function; default gradkit.numpy.<name>
    ref: object = None              # NumPy reference; default numpy.<name>
    domain: object = REAL           # one domain, or a tuple with one per argument
    shapes: list = field(default_factory=lambda: UNARY)
    kwargs: list = field(default_factory=lambda: [{}])
    order: int = 2
    rtol: float = 1e-5
    atol: float = 1e-6
    complex: bool = False           # also check complex inputs (autograd's convention)
    hyp: str = None                 # hypothesis family: "broadcast" (binary) or "reduce" (axis/keepdims)
    autograd: object = None         # autograd.numpy name to compare complex VJPs with (False: none)
    vmap: bool = True               # check the batch rules (vmap == loop)
    generic: object = None          # f(lib, *args, **kw) when fn and ref are f(gradkit.numpy), f(numpy)
    label: str = ""                 # told apart in test ids (einsum's subscripts)

    def __post_init__(self):
        self.missing = False
        if self.fn is None:
            try:
                self.fn = resolve(np, self.name)
            except AttributeError:  # reported by test_coverage.py; the other specs still run
                self.missing, self.fn = True, None
        if self.ref is None:
            self.ref = resolve(onp, self.name)
        if self.autograd is None and self.complex:  # False: autograd lacks it (or gets it wrong)
            self.autograd = self.name

    @property
    def arity(self):
        return len(self.shapes[0])

    def domains(self):
        return self.domain if isinstance(self.domain, tuple) else (self.domain,) * self.arity

    def inputs(self, shapes, seed, complex=False):
        rng = onp.random.default_rng(seed)
        args = []
        for dom, shape in zip(self.domains(), shapes):
            x = onp.asarray(dom(rng, shape), dtype=float)
            if complex:
                x = x + 1j * rng.uniform(-0.3, 0.3, shape)
            args.append(x)
        return args

    def cases(self):
        """(id, shapes, kwargs) for every valid combination: NumPy decides validity."""
        out = []
        if self.missing:
            return out
        for shapes, kw in itertools.product(self.shapes, self.kwargs):
            args = self.inputs(shapes, 0)
            try:
                with onp.errstate(all="ignore"):
                    self.ref(*args, **kw)
            except (ValueError, TypeError, IndexError, onp.exceptions.AxisError):
                continue
            out.append((case_id(self.name + self.label, shapes, kw), shapes, kw))
        return out


def resolve(module, dotted):
    for part in dotted.split("."):
        module = getattr(module, part)
    return module


def case_id(name, shapes, kw):
    shape_txt = ",".join("x".join(map(str, s)) or "s" for s in shapes)
    kw_txt = ",".join(f"{k}={_short(v)}" for k, v in kw.items())
    return f"{name}[{shape_txt}]" + (f"{{{kw_txt}}}" if kw_txt else "")


def _short(v):
    return "arr" if isinstance(v, onp.ndarray) else str(v).replace(" ", "")


def seed_of(case):
    return zlib.crc32(case.encode())


# -- helpers for functions with non-array arguments -------------------------------------
def _checker(*shapes):
    """A fixed boolean pattern of the broadcast shape (where's condition)."""
    shape = onp.broadcast_shapes(*shapes)
    return (onp.arange(int(onp.prod(shape))) % 3 != 1).reshape(shape)


def _pair(lib, name):
    return lambda x, y, **kw: getattr(lib, name)([x, y], **kw)


def _triple(lib, name):
    return lambda x, y, z, **kw: getattr(lib, name)((x, y, z), **kw)


def _both(f):
    """The gradkit and NumPy versions of f(lib, *args, **kw) (and f itself, for autograd)."""
    return dict(fn=lambda *a, **kw: f(np, *a, **kw), ref=lambda *a, **kw: f(onp, *a, **kw), generic=f)


# -- the table ---------------------------------------------------------------------------
SPECS = []


def add(*specs):
    SPECS.extend(specs)


# arithmetic
add(*(Spec(n, shapes=BINARY, complex=True, hyp="broadcast") for n in ("add", "subtract", "multiply")),
    *(Spec(n, domain=(REAL, NONZERO), shapes=BINARY, complex=True, hyp="broadcast", autograd="divide")
      for n in ("divide", "true_divide")),
    Spec("negative", complex=True), Spec("positive", complex=True, autograd=False),
    Spec("reciprocal", domain=NONZERO, complex=True),
    Spec("square", complex=True), Spec("sqrt", domain=POS, complex=True),
    Spec("cbrt", domain=NONZERO),
    *(Spec(n, domain=(POS, REAL), shapes=BINARY, complex=n == "power", hyp="broadcast")
      for n in ("power", "float_power")),
    *(Spec(n, domain=(MOD_X, MOD_Y), shapes=BINARY, hyp="broadcast") for n in ("mod", "remainder", "fmod")),
    # constant exponents: any sign of base for integers, 0 included where the power is smooth there
    *(Spec("power", label=f"(x,{p})", domain=dom, fn=lambda x, p=p: np.power(x, p), ref=lambda x, p=p: onp.power(x, p))
      for p, dom in [(2, with_zero(REAL)), (3, REAL), (-1, NONZERO), (0.5, POS), (0, REAL), (1, with_zero(REAL))]),
    Spec("power", label="(2,y)", fn=lambda y: np.power(2.0, y), ref=lambda y: onp.power(2.0, y)))

# exponentials and logarithms
add(Spec("exp", complex=True), Spec("exp2", complex=True), Spec("expm1", complex=True),
    *(Spec(n, domain=POS, complex=True) for n in ("log", "log2", "log10", "log1p")),
    *(Spec(n, shapes=BINARY, hyp="broadcast") for n in ("logaddexp", "logaddexp2")))

# trigonometric and hyperbolic
add(Spec("sin", complex=True), Spec("cos", complex=True), Spec("tan", domain=uniform(-1.2, 1.2), complex=True),
    Spec("arcsin", domain=UNIT, complex=True), Spec("arccos", domain=UNIT, complex=True),
    Spec("arctan", complex=True),
    Spec("arctan2", domain=(NONZERO, NONZERO), shapes=BINARY, hyp="broadcast"),
    Spec("hypot", domain=(NONZERO, NONZERO), shapes=BINARY, hyp="broadcast"),
    Spec("sinh", complex=True), Spec("cosh", complex=True), Spec("tanh", complex=True),
    Spec("arcsinh", complex=True), Spec("arccosh", domain=ABOVE1, complex=True),
    Spec("arctanh", domain=UNIT, complex=True),
    *(Spec(n) for n in ("deg2rad", "rad2deg", "radians", "degrees")),
    Spec("sinc", domain=with_zero(uniform(-1.5, 1.5)), shapes=[((3,),), ((2, 3),)], complex=True))

# piecewise: kinks and jumps kept out of the domain
add(Spec("abs", domain=NONZERO, complex=True), Spec("absolute", domain=NONZERO, complex=True, autograd="abs"),
    Spec("fabs", domain=NONZERO),
    *(Spec(n, domain=(LOW, HIGH), shapes=BINARY, hyp="broadcast") for n in ("maximum", "minimum", "fmax", "fmin")),
    Spec("maximum", label="(x,0)", domain=NONZERO, fn=lambda x: np.maximum(x, 0.0), ref=lambda x: onp.maximum(x, 0.0)),
    Spec("clip", domain=avoiding(-1.5, 1.5, (-0.5, 0.5)),
         kwargs=[dict(a_min=-0.5, a_max=0.5), dict(a_min=None, a_max=0.5), dict(a_min=-0.5, a_max=None)]),
    Spec("clip", label="(traced bounds)", domain=(avoiding(-1.5, 1.5, (-0.5, 0.5), gap=0.2), uniform(-0.6, -0.4),
                                                 uniform(0.4, 0.6)), shapes=[((3,), (), ()), ((2, 3), (3,), ())]),
    Spec("where", shapes=BINARY, **_both(lambda lib, x, y: lib.where(_checker(onp.shape(x), onp.shape(y)), x, y))),
    Spec("where", label="(scalar branch)", shapes=UNARY, **_both(lambda lib, x: lib.where(x > 0, x, 0.5))))

# complex parts (real inputs too: their derivatives must be real)
add(*(Spec(n, complex=True) for n in ("real", "imag", "conj", "conjugate")),
    Spec("angle", domain=NONZERO, complex=True), Spec("angle", domain=NONZERO, complex=True, autograd=False,
                                                      kwargs=[dict(deg=True)]))

# reductions
add(*(Spec(n, shapes=REDUCE_SHAPES, kwargs=REDUCE_KW, complex=True, hyp="reduce") for n in ("sum", "mean")),
    Spec("prod", domain=NONZERO, shapes=REDUCE_SHAPES, kwargs=REDUCE_KW, complex=True, hyp="reduce"),
    *(Spec(n, domain=distinct, shapes=REDUCE_SHAPES, kwargs=REDUCE_KW, hyp="reduce")
      for n in ("max", "min", "amax", "amin")),
    *(Spec(n, shapes=REDUCE_SHAPES, kwargs=grid(axis=AXES, keepdims=[False, True], ddof=[0, 1]),
           complex=True, hyp="reduce") for n in ("var", "std")),
    Spec("cumsum", shapes=REDUCE_SHAPES, kwargs=grid(axis=[None, 0, 1, -1]), complex=True),
    Spec("cumprod", domain=NONZERO, shapes=REDUCE_SHAPES, kwargs=grid(axis=[None, 0, 1, -1]), complex=True,
         autograd=False))

# linalg.norm: vector and matrix ords (gradkit.numpy.linalg is otherwise tested elsewhere)
add(Spec("linalg.norm", domain=distinct_abs, shapes=[((4,),), ((2, 3),)],
         kwargs=[{}] + grid(ord=[None, 1, 2, 3, onp.inf, -onp.inf, 0.5], axis=[-1], keepdims=[False, True])
         + grid(ord=[None, "fro", 1, -1, onp.inf, -onp.inf], keepdims=[False, True])
         + grid(ord=[None, 1, 2, onp.inf], axis=[0])))
add(Spec("linalg.norm", domain=distinct_abs, shapes=[((3,),), ((2, 2),)], complex=True),
    Spec("linalg.norm", domain=distinct_abs, shapes=[((3,),), ((2, 2),)], complex=True, autograd=False,
         kwargs=[dict(ord=1), dict(ord=onp.inf)]))

# shape
add(Spec("reshape", shapes=[((2, 3),)], kwargs=grid(shape=[(3, 2), (6,), (-1, 2), (1, 2, 3)]), complex=True),
    Spec("ravel", shapes=MATRIX), Spec("copy", shapes=MATRIX),
    Spec("transpose", shapes=MATRIX, kwargs=[{}, dict(axes=(1, 0)), dict(axes=(2, 0, 1))], complex=True),
    Spec("moveaxis", shapes=MATRIX, kwargs=[dict(source=0, destination=-1), dict(source=(0, 1), destination=(1, 0)),
                                            dict(source=(0, 2), destination=(2, 1))]),
    Spec("swapaxes", shapes=MATRIX, kwargs=[dict(axis1=0, axis2=1), dict(axis1=-1, axis2=0)]),
    Spec("expand_dims", shapes=MATRIX, kwargs=grid(axis=[0, -1, (0, 2)])),
    Spec("squeeze", shapes=[((1, 3, 1),)], kwargs=[{}, dict(axis=0), dict(axis=(0, 2))]),
    Spec("broadcast_to", shapes=[((3,),), ((2, 1),)], kwargs=[dict(shape=(2, 3)), dict(shape=(4, 2, 3))]),
    Spec("concatenate", shapes=[((2, 3), (1, 3)), ((2, 3), (2, 3))], kwargs=grid(axis=[0, None]),
         **_both(lambda lib, x, y, **kw: lib.concatenate([x, y], **kw))),
    Spec("concatenate", shapes=[((2, 3), (2, 1))], kwargs=grid(axis=[1, -1]),
         **_both(lambda lib, x, y, **kw: lib.concatenate([x, y], **kw))),
    Spec("stack", shapes=[((3,), (3,)), ((2, 3), (2, 3))], kwargs=grid(axis=[0, 1, -1]), **_both(
        lambda lib, x, y, **kw: lib.stack([x, y], **kw))),
    *(Spec(n, shapes=[((3,), (3,)), ((2, 3), (2, 3)), ((2, 3, 2), (2, 3, 2))],
           **_both(lambda lib, x, y, n=n: getattr(lib, n)([x, y]))) for n in ("hstack", "vstack", "dstack", "column_stack")),
    Spec("split", shapes=[((4, 2),)], kwargs=[dict(indices_or_sections=2), dict(indices_or_sections=[1, 3]),
                                               dict(indices_or_sections=2, axis=1)]),
    Spec("array_split", shapes=[((5, 2),)], kwargs=[dict(indices_or_sections=3), dict(indices_or_sections=[2]),
                                                     dict(indices_or_sections=2, axis=1)]),
    Spec("hsplit", shapes=[((2, 4),), ((4,),)], kwargs=[dict(indices_or_sections=2)]),
    Spec("vsplit", shapes=[((4, 2),)], kwargs=[dict(indices_or_sections=2)]),
    Spec("tile", shapes=[((3,),), ((2, 3),)], kwargs=grid(reps=[2, (2, 1), (1, 2, 2)])),
    Spec("repeat", shapes=[((3,),), ((2, 3),)], kwargs=[dict(repeats=2), dict(repeats=2, axis=0),
                                                         dict(repeats=[1, 0, 2], axis=-1)]),
    Spec("flip", shapes=MATRIX, kwargs=grid(axis=[None, 0, -1, (0, 1)]), complex=True, autograd=False),
    Spec("fliplr", shapes=MATRIX), Spec("flipud", shapes=MATRIX),
    Spec("roll", shapes=MATRIX, kwargs=[dict(shift=1), dict(shift=-2, axis=1), dict(shift=(1, 2), axis=(0, 1))]),
    Spec("rot90", shapes=MATRIX, kwargs=grid(k=[0, 1, 2, 3, -1]) + [dict(k=1, axes=(1, 2))]),
    Spec("pad", shapes=[((3,),), ((2, 3),)], kwargs=[
        dict(pad_width=1), dict(pad_width=((1, 0), (0, 2))), dict(pad_width=1, constant_values=2.0),
        dict(pad_width=2, mode="edge"), dict(pad_width=1, mode="reflect"), dict(pad_width=2, mode="wrap"),
        dict(pad_width=1, mode="symmetric")]),
    Spec("diag", shapes=[((3,),), ((3, 3),), ((2, 4),)], kwargs=grid(k=[0, 1, -1])),
    Spec("diagonal", shapes=[((3, 3),), ((2, 4),), ((2, 3, 3),)],
         kwargs=[{}, dict(offset=1), dict(offset=-1), dict(axis1=1, axis2=2)]),
    Spec("trace", shapes=[((3, 3),), ((2, 4),), ((2, 3, 3),)], kwargs=[{}, dict(offset=1), dict(axis1=1, axis2=2)]),
    Spec("triu", shapes=[((3, 3),), ((2, 4),), ((2, 3, 3),)], kwargs=grid(k=[0, 1, -1])),
    Spec("tril", shapes=[((3, 3),), ((2, 4),), ((2, 3, 3),)], kwargs=grid(k=[0, 1, -1])),
    *(Spec(n, shapes=[((),), ((3,),), ((2, 3),), ((2, 3, 2),)]) for n in ("atleast_1d", "atleast_2d", "atleast_3d")),
    Spec("atleast_2d", shapes=[((), (3,))], **_both(lambda lib, x, y: lib.atleast_2d(x, y))),
    Spec("broadcast_arrays", shapes=[((3,), (2, 1)), ((2, 3), ())],
         **_both(lambda lib, x, y: lib.broadcast_arrays(x, y))))

# indexing and sorting
add(Spec("take", shapes=[((5,),), ((3, 4),)], kwargs=[dict(indices=[0, 2, 2]), dict(indices=[[1, 0], [1, 1]], axis=0),
                                                       dict(indices=[3, 0, 3], axis=-1)]),
    Spec("take_along_axis", shapes=[((3, 4),)],
         kwargs=[dict(indices=onp.array([[0, 1, 1, 0]]), axis=0), dict(indices=onp.array([[3], [0], [3]]), axis=1),
                 dict(indices=onp.array([5, 0, 5]), axis=None)]),
    Spec("sort", domain=distinct, shapes=[((4,),), ((3, 4),)], kwargs=grid(axis=[-1, 0, None])),
    Spec("select", shapes=[((3,), (3,)), ((2, 3), (3,))], **_both(lambda lib, x, y: lib.select(
        [_checker(onp.shape(x)), ~_checker(onp.shape(y))], [x, y], default=0.5))),
    Spec("index_update", shapes=[((4,), ()), ((4,), (2,)), ((3, 4), (4,))], vmap=True,
         fn=lambda x, v: np.index_update(x, 1 if onp.ndim(v) == 0 else slice(1, 1 + onp.shape(v)[0]) if onp.ndim(x) == 1 else 0, v),
         ref=lambda x, v: _np_set(x, 1 if onp.ndim(v) == 0 else slice(1, 1 + onp.shape(v)[0]) if onp.ndim(x) == 1 else 0, v)),
    Spec("index_update", label="(repeated)", shapes=[((4,), (3,)), ((3, 2), (3, 2))],  # NumPy's last write wins
         fn=lambda x, v: np.index_update(x, [2, 0, 2], v), ref=lambda x, v: _np_set(x, [2, 0, 2], v)),
    Spec("index_add", shapes=[((4,), (3,)), ((3, 4), (4,))],
         fn=lambda x, v: np.index_add(x, [0, 2, 0] if onp.ndim(x) == 1 else 1, v),
         ref=lambda x, v: _np_add(x, [0, 2, 0] if onp.ndim(x) == 1 else 1, v)),
    Spec("index_multiply", domain=NONZERO, shapes=[((4,), (2,)), ((3, 4), (4,))],
         fn=lambda x, v: np.index_multiply(x, [3, 1] if onp.ndim(x) == 1 else -1, v),
         ref=lambda x, v: _np_mul(x, [3, 1] if onp.ndim(x) == 1 else -1, v)))


def _np_set(x, idx, v):
    out = onp.array(x, copy=True)
    out[idx] = v
    return out


def _np_add(x, idx, v):
    out = onp.array(x, copy=True)
    onp.add.at(out, idx, v)
    return out


def _np_mul(x, idx, v):
    out = onp.array(x, copy=True)
    out[idx] *= v
    return out


# products
add(Spec("matmul", shapes=[((2, 3), (3, 2)), ((3,), (3, 2)), ((2, 3), (3,)), ((3,), (3,)),
                           ((2, 2, 3), (3, 2)), ((3,), (2, 3, 2)), ((2, 1, 2, 3), (3, 3, 2))], complex=True),
    Spec("dot", shapes=[((2, 3), (3, 2)), ((3,), (3, 2)), ((2, 3), (3,)), ((3,), (3,)), ((), (2, 3)),
                        ((2, 3), ()), ((2, 2, 3), (3, 2)), ((2, 3), (2, 3, 2)), ((2, 3), (2, 3, 4))], complex=True),
    Spec("inner", shapes=[((3,), (3,)), ((2, 3), (3,)), ((2, 3), (4, 3)), ((), (2,))], complex=True),
    Spec("outer", shapes=[((3,), (2,))], complex=True), Spec("outer", shapes=[((2, 2), (3,))]),
    Spec("vdot", shapes=[((3,), (3,)), ((2, 3), (3, 2))], complex=True, autograd=False),
    Spec("kron", shapes=[((2,), (3,)), ((2, 2), (2, 3)), ((2,), (2, 2))], complex=True),
    Spec("cross", shapes=[((3,), (3,)), ((2, 3), (2, 3))], complex=True), Spec("cross", shapes=[((2, 3), (3,))]),
    Spec("cross", shapes=[((3, 2), (3, 2))], kwargs=[dict(axis=0), dict(axisa=0, axisb=0, axisc=0)]),
    Spec("tensordot", shapes=[((2, 3, 4), (3, 4, 2))], kwargs=[dict(axes=2), dict(axes=([1, 2], [0, 1]))], complex=True),
    Spec("tensordot", shapes=[((2, 3), (3, 2)), ((2, 3), (2, 3))], kwargs=[dict(axes=1), dict(axes=0), dict(axes=([0], [0]))]),
    *(Spec("einsum", shapes=[shapes], complex=True, label=f"({s})", autograd="ii" not in s and None, **_both(lambda lib, *ops, s=s: lib.einsum(s, *ops)))
      for s, shapes in [("ij,jk->ik", ((2, 3), (3, 2))), ("ij->ji", ((2, 3),)), ("ii->i", ((3, 3),)),
                        ("ii", ((3, 3),)), ("ij,ij->", ((2, 3), (2, 3))), ("i,j->ij", ((2,), (3,))),
                        ("...ij,...jk->...ik", ((2, 2, 3), (2, 3, 2))), ("ij,jk,kl->il", ((2, 3), (3, 2), (2, 2))),
                        ("bij,j->bi", ((2, 3, 2), (2,))), ("ij", ((2, 3),)), ("ij,j", ((2, 3), (3,))),
                        ("iij->j", ((2, 2, 3),))]))

# building arrays from traced values
add(*(Spec(n, shapes=[((), (), ()), ((2,), (2,), (2,))], complex=n == "array",
           **_both(lambda lib, x, y, z, n=n: getattr(lib, n)([[x, y], [z, x]]))) for n in
      ("array", "asarray", "asanyarray", "ascontiguousarray")))

# convolution (declared in gradkit/numpy/signal_ops.py)
add(Spec("convolve", shapes=[((4,), (3,)), ((2,), (5,)), ((1,), (3,))], kwargs=grid(mode=["full", "same", "valid"]),
         complex=True, autograd=False))  # autograd's convolve has no complex VJP

# constructors whose values come from traced inputs
SPACE_KW = [dict(num=5), dict(num=4, endpoint=False), dict(num=1), dict(num=3, axis=-1)]
add(Spec("linspace", shapes=[((), ()), ((2,), (2,)), ((), (3,))], kwargs=SPACE_KW),
    Spec("logspace", domain=uniform(-1.0, 1.0), shapes=[((), ()), ((2,), (2,))], kwargs=SPACE_KW),
    Spec("logspace", label="(base)", domain=(uniform(-1.0, 1.0), uniform(-1.0, 1.0), POS), shapes=[((), (), ())],
         fn=lambda a, b, base: np.logspace(a, b, 4, base=base), ref=lambda a, b, base: onp.logspace(a, b, 4, base=base)),
    Spec("geomspace", domain=POS, shapes=[((), ()), ((2,), (2,))], kwargs=SPACE_KW),
    Spec("geomspace", label="(negative)", domain=uniform(-2.0, -0.5), shapes=[((), ())], kwargs=[dict(num=4)]),
    Spec("full", shapes=[((),), ((3,),)], **_both(lambda lib, v: lib.full((2, 3), v))),
    Spec("full_like", shapes=[((),), ((3,),)], **_both(lambda lib, v: lib.full_like(onp.ones((2, 3)), v))),
    Spec("meshgrid", shapes=[((3,), (2,)), ((2,), (2,), (3,))],
         kwargs=[{}, dict(indexing="ij"), dict(sparse=True)]),
    Spec("unique", domain=distinct, shapes=[((4,),), ((2, 3),)], vmap=False,  # repeated values: the first copy carries them
         **_both(lambda lib, x: lib.unique(lib.concatenate([lib.ravel(x), lib.ravel(x)[:2]])))),
    Spec("unique", label="(axis)", domain=distinct, shapes=[((2, 3),)], vmap=False,
         **_both(lambda lib, x: lib.unique(lib.concatenate([x, x[:1]]), axis=0))),
    Spec("bincount", shapes=[((4,),)], kwargs=[{}, dict(minlength=8)],
         fn=lambda w, **kw: np.bincount(onp.array([0, 2, 2, 5]), weights=w, **kw),
         ref=lambda w, **kw: onp.bincount(onp.array([0, 2, 2, 5]), weights=w, **kw)))

# histogram: weights, and edges that follow the data, are differentiable
add(Spec("histogram", domain=distinct, shapes=[((5,),), ((2, 3),)], vmap=False,
         kwargs=[dict(bins=3), dict(bins=2, density=True), dict(bins="auto")]),
    Spec("histogram", label="(weights)", domain=(distinct, REAL), shapes=[((6,), (6,))], vmap=False,
         kwargs=[dict(bins=3), dict(bins=onp.array([-1.0, 0.0, 0.5, 2.0])), dict(bins=2, range=(-0.5, 0.5)),
                 dict(bins=3, density=True)],
         fn=lambda a, w, **kw: np.histogram(a, weights=w, **kw), ref=lambda a, w, **kw: onp.histogram(a, weights=w, **kw)))

# dtype conversion: floating and complex targets keep the derivative (a change of precision
# too, its cotangent cast back: long double, as float32 would be too coarse for the differences)
_astype_ref = lambda x, dtype: onp.asarray(x).astype(dtype)  # noqa: E731  (numpy.astype's dtype is positional)
add(Spec("astype", ref=_astype_ref, kwargs=[dict(dtype=float), dict(dtype=complex), dict(dtype=onp.longdouble)]),
    Spec("astype", ref=_astype_ref, complex=True, autograd=False,
         kwargs=[dict(dtype=complex), dict(dtype=onp.clongdouble)]))

# functions composed of the above (numpy names that autograd.numpy covers too)
add(Spec("diff", shapes=[((4,),), ((3, 4),)], kwargs=[{}, dict(n=2), dict(axis=0)]),
    Spec("ediff1d", shapes=[((4,),), ((2, 3),)]),
    Spec("gradient", shapes=[((5,),), ((3, 4),)], kwargs=[{}, dict(axis=0), dict(axis=-1, edge_order=2)]),
    Spec("nan_to_num", shapes=UNARY),
    Spec("real_if_close", shapes=UNARY, complex=True),
    Spec("rollaxis", shapes=[((2, 3, 4),)], kwargs=[dict(axis=2), dict(axis=2, start=1), dict(axis=0, start=3)]),
    Spec("dsplit", shapes=[((2, 2, 4),)], kwargs=[dict(indices_or_sections=2)]),
    Spec("partition", domain=distinct, shapes=[((5,),), ((3, 4),)], kwargs=[dict(kth=2), dict(kth=1, axis=0)],
         # only the kth entry has a defined place; the others are compared as sorted sets
         **_both(lambda lib, x, kth, axis=-1: lib.sort(lib.partition(x, kth, axis=axis), axis=axis))),
    Spec("append", shapes=[((3,), (2,)), ((2, 3), (1, 3))], kwargs=[{}, dict(axis=0)]),
    Spec("reductions.logsumexp", ref=lambda x, **kw: _np_logsumexp(x, **kw), shapes=REDUCE_SHAPES, kwargs=REDUCE_KW, hyp="reduce"),
    Spec("average", shapes=REDUCE_SHAPES, kwargs=grid(axis=[None, 0, -1])))


def _np_logsumexp(x, axis=None, keepdims=False):
    from scipy.special import logsumexp
    return logsumexp(x, axis=axis, keepdims=keepdims)


# == H4: NumPy breadth (issue 13 §2): the functions gradkit/numpy/namespace_table.py adds ===========
def _nan_inside(name):
    """lib.<name> of x with its second entry made NaN inside the function (finite differences
    need a finite point; the nan* reductions skip the NaN, so its derivative is zero)."""
    def f(lib, x, **kw):
        mask = (onp.arange(onp.size(x)) == 1).reshape(onp.shape(x))
        return getattr(lib, name)(lib.where(mask, onp.nan, x), **kw)
    return _both(f)


def _written(lib, name, x, v, *args, **kw):
    """x copied, then written in place by lib.<name> (gradkit records it, NumPy writes it); the
    copy is traced wherever v is (writing a traced v into a plain array is refused)."""
    x = x + 0.0 * lib.sum(v)
    getattr(lib, name)(x, *args[:1], v, *args[1:], **kw) if name != "fill_diagonal" else lib.fill_diagonal(x, v)
    return x


def _np_make_diagonal(D, offset=0, axis1=0, axis2=1):
    square = onp.diag(D, offset)
    return square if axis1 % 2 < axis2 % 2 else square.T


KNOTS = onp.array([0.0, 1.0, 2.0, 3.0])
BETWEEN_KNOTS = avoiding(-0.5, 3.5, tuple(KNOTS), gap=0.1)
Q_KW = [dict(q=0.3), dict(q=[0.1, 0.5, 0.9], axis=-1), dict(q=0.5, axis=0, keepdims=True),
        dict(q=[0.25, 0.75], method="midpoint"), dict(q=0.6, method="lower", axis=(0, 1))]
STATS_SHAPES = [((5,),), ((3, 4),)]

add(*(Spec(n, domain=UNIT) for n in ("acos", "asin", "atanh")), Spec("atan"), Spec("asinh"),
    Spec("acosh", domain=ABOVE1), Spec("atan2", domain=(NONZERO, NONZERO), shapes=BINARY[:3]),
    Spec("pow", domain=(POS, REAL), shapes=BINARY[:3]),
    Spec("concat", shapes=[((2, 3), (1, 3))], kwargs=[{}, dict(axis=0)],
         **_both(lambda lib, x, y, **kw: lib.concat([x, y], **kw))),
    Spec("permute_dims", shapes=MATRIX[1:], kwargs=[dict(axes=(2, 0, 1))]),
    Spec("matrix_transpose", shapes=MATRIX),
    Spec("vecdot", shapes=[((3,), (3,)), ((2, 3), (3,))], complex=True, autograd=False),
    Spec("matvec", shapes=[((2, 3), (3,)), ((2, 2, 3), (2, 3))]),
    Spec("vecmat", shapes=[((3,), (3, 2)), ((2, 3), (2, 3, 2))], complex=True, autograd=False),
    Spec("cumulative_sum", shapes=[((3,),), ((2, 3),)], kwargs=[dict(axis=0), dict(axis=-1, include_initial=True)]),
    Spec("cumulative_prod", domain=NONZERO, shapes=[((3,),), ((2, 3),)],
         kwargs=[dict(axis=0), dict(axis=-1, include_initial=True)]),
    Spec("unstack", shapes=[((2, 3),)], kwargs=[{}, dict(axis=1)]),
    Spec("copysign", domain=(NONZERO, NONZERO), shapes=BINARY[:3]),
    Spec("heaviside", domain=(NONZERO, REAL), shapes=[((3,), (3,)), ((2, 3), ())]),
    Spec("heaviside", label="(at 0)", shapes=[((3,),)], fn=lambda h: np.heaviside(onp.array([0.0, 1.0, -1.0]), h),
         ref=lambda h: onp.heaviside(onp.array([0.0, 1.0, -1.0]), h)),
    Spec("ldexp", fn=lambda x: np.ldexp(x, onp.array([1, -2, 3])), ref=lambda x: onp.ldexp(x, onp.array([1, -2, 3])),
         shapes=[((3,),), ((2, 3),)]),
    Spec("frexp", domain=NONZERO), Spec("modf", domain=signed(0.1, 0.9)),
    Spec("divmod", domain=(MOD_X, MOD_Y), shapes=BINARY[:3]),
    Spec("nextafter", fn=lambda x: np.nextafter(x, 10.0), ref=lambda x: onp.nextafter(x, 10.0)),
    Spec("sort_complex", domain=distinct, shapes=[((4,),), ((2, 3),)]),
    Spec("i0"), Spec("kaiser", domain=POS, shapes=[((),)], fn=lambda b: np.kaiser(5, b), ref=lambda b: onp.kaiser(5, b)))

# statistics: no ties (distinct), NaNs where the nan* forms skip them
add(Spec("ptp", domain=distinct, shapes=STATS_SHAPES, kwargs=[{}, dict(axis=0, keepdims=True)]),
    *(Spec(n, domain=distinct, shapes=STATS_SHAPES, kwargs=[{}, dict(axis=-1), dict(axis=0, keepdims=True)])
      for n in ("median", "nanmedian")),
    *(Spec(n, domain=distinct, shapes=STATS_SHAPES, kwargs=Q_KW) for n in ("quantile", "nanquantile")),
    *(Spec(n, domain=distinct, shapes=STATS_SHAPES, kwargs=[dict(q=30.0), dict(q=[10.0, 90.0], axis=-1)])
      for n in ("percentile", "nanpercentile")),
    Spec("quantile", label="(traced q)", domain=uniform(0.05, 0.95), shapes=[((),), ((2,),)],
         **_both(lambda lib, q: lib.quantile(onp.array([0.3, -1.0, 2.0, 0.7, 1.1]), q))),
    *(Spec(n, label="(nan)", domain=distinct, shapes=STATS_SHAPES, kwargs=[{}, dict(axis=-1)], **_nan_inside(n))
      for n in ("nanmedian", "nanmax", "nanmin", "nansum", "nanmean", "nanvar", "nanstd")),
    Spec("nanquantile", label="(nan)", domain=distinct, shapes=STATS_SHAPES, kwargs=Q_KW[:3], **_nan_inside("nanquantile")),
    Spec("nanpercentile", label="(nan)", domain=distinct, shapes=STATS_SHAPES, kwargs=[dict(q=40.0)],
         **_nan_inside("nanpercentile")),
    *(Spec(n, label="(nan)", domain=NONZERO, shapes=STATS_SHAPES, kwargs=[{}, dict(axis=-1)], **_nan_inside(n))
      for n in ("nanprod", "nancumsum", "nancumprod")),
    Spec("cov", shapes=[((2, 5),), ((5,),)], kwargs=[{}, dict(bias=True), dict(ddof=0), dict(rowvar=False)]),
    Spec("cov", label="(weights)", domain=(REAL, POS), shapes=[((2, 5), (5,))],
         **_both(lambda lib, x, w: lib.cov(x, aweights=w, fweights=onp.array([1, 2, 1, 3, 1])))),
    Spec("corrcoef", shapes=[((3, 5),)]), Spec("corrcoef", label="(x,y)", shapes=[((5,), (5,))]),
    Spec("histogram_bin_edges", domain=distinct, shapes=[((5,),)], kwargs=[dict(bins=3)], vmap=False))

# signal and interpolation
add(Spec("correlate", shapes=[((4,), (3,)), ((2,), (5,))], kwargs=grid(mode=["valid", "same", "full"]),
         complex=True, autograd=False),
    Spec("interp", domain=(BETWEEN_KNOTS, REAL), shapes=[((5,), (4,)), ((), (4,))],
         kwargs=[{}, dict(left=-2.0, right=3.0), dict(period=4.0)],
         fn=lambda x, fp, **kw: np.interp(x, KNOTS, fp, **kw), ref=lambda x, fp, **kw: onp.interp(x, KNOTS, fp, **kw)),
    Spec("interp", label="(traced xp)", domain=(lambda rng, s: 0.6 + rng.integers(0, 3, s) + rng.uniform(0, 0.05, s),
                                                lambda rng, s: onp.arange(s[0]) + rng.uniform(0, 0.3, s), REAL),
         shapes=[((3,), (4,), (4,))]),
    Spec("trapezoid", shapes=[((4,),), ((2, 4),)], kwargs=[{}, dict(dx=0.5), dict(axis=0)]),
    Spec("trapezoid", label="(x)", shapes=[((4,), (4,)), ((2, 4), (4,))],
         **_both(lambda lib, y, x: lib.trapezoid(y, x))),
    Spec("unwrap", domain=lambda rng, s: (onp.arange(int(onp.prod(s))).reshape(s) * 2.2 + rng.uniform(0, 0.1, s))
         % (2 * onp.pi), shapes=[((6,),), ((2, 4),)], kwargs=[{}, dict(axis=0)]))

# polynomials
add(Spec("polyval", shapes=[((3,), (4,)), ((4,), ())]),
    Spec("polyfit", domain=(distinct, REAL), vmap=False, shapes=[((5,), (5,)), ((5,), (5, 2))],
         **_both(lambda lib, x, y: lib.polyfit(x, y, 2))),
    Spec("polyder", shapes=[((4,),)], kwargs=[{}, dict(m=2)]),
    Spec("polyint", shapes=[((3,),)], kwargs=[{}, dict(m=2, k=[1.0, 2.0])]),
    *(Spec(n, shapes=[((3,), (2,)), ((2,), (2,))]) for n in ("polyadd", "polysub", "polymul")),
    Spec("polydiv", domain=(REAL, signed(0.5, 2.0)), vmap=False, shapes=[((4,), (2,)), ((3,), (3,))]),
    Spec("poly", domain=distinct, shapes=[((3,),)]),
    Spec("roots", domain=distinct, vmap=False, shapes=[((3,),)], **_both(lambda lib, r: lib.sort(lib.roots(lib.poly(r))))),
    Spec("vander", shapes=[((3,),)], kwargs=[{}, dict(N=4, increasing=True)]))

# structure
_IDX = onp.array([1, 0, 1])
add(Spec("block", shapes=[((2, 2), (2, 1))], **_both(lambda lib, x, y: lib.block([[x, y], [y.T[:, :2], x[:1, :1]]]))),
    Spec("block", label="(1-d)", shapes=[((2,), (3,))], **_both(lambda lib, x, y: lib.block([x, y]))),
    Spec("delete", shapes=[((3, 4),)], kwargs=[dict(obj=1), dict(obj=[0, 2], axis=1), dict(obj=slice(0, 2), axis=0)]),
    Spec("insert", shapes=[((3, 4), (4,)), ((4,), ())], **_both(lambda lib, a, v: lib.insert(a, 1, v, axis=0))),
    Spec("insert", label="(flat)", shapes=[((2, 3), (2,))], **_both(lambda lib, a, v: lib.insert(a, [1, 4], v))),
    Spec("choose", shapes=[((3,), (3,)), ((2, 3), (3,))], **_both(lambda lib, x, y: lib.choose(_IDX, [x, y]))),
    Spec("compress", shapes=[((3, 2),)], kwargs=[dict(condition=[True, False, True], axis=0)],
         fn=lambda x, condition, axis: np.compress(condition, x, axis),
         ref=lambda x, condition, axis: onp.compress(condition, x, axis)),
    Spec("extract", shapes=[((2, 3),)], **_both(lambda lib, x: lib.extract(_checker((2, 3)), x))),
    Spec("piecewise", domain=NONZERO, vmap=False, shapes=[((5,),)], **_both(
        lambda lib, x: lib.piecewise(x, [x < 0, x >= 0], [lambda t: t ** 2, lambda t: lib.sin(t)]))),
    Spec("apply_along_axis", shapes=[((2, 3),)], kwargs=[dict(axis=0), dict(axis=1)],
         **_both(lambda lib, x, axis: lib.apply_along_axis(lambda r: lib.outer(r, r[:2]), axis, x))),
    Spec("apply_over_axes", shapes=[((2, 3, 2),)], **_both(lambda lib, x: lib.apply_over_axes(lib.sum, x, [0, 2]))),
    Spec("vectorize", vmap=False, shapes=[((2, 3), (3,))],  # Python control flow per element: not under vmap
         **_both(lambda lib, x, y: lib.vectorize(lambda a, b: a * lib.sin(b) if a > 0 else a * b)(x, y))),
    Spec("diagflat", shapes=[((3,),), ((2, 2),)], kwargs=[{}, dict(k=1)]),
    Spec("make_diagonal", ref=_np_make_diagonal, shapes=[((3,),)],
         kwargs=[{}, dict(offset=1), dict(offset=-1, axis1=-1, axis2=-2)]),
    Spec("make_diagonal", label="(batch)", shapes=[((2, 3),)], fn=lambda D: np.make_diagonal(D, 0, -1, -2),
         ref=lambda D: onp.stack([onp.diag(d) for d in D])),
    Spec("resize", shapes=[((2, 3),)], kwargs=[dict(new_shape=(4, 2)), dict(new_shape=7)]),
    Spec("trim_zeros", domain=NONZERO, shapes=[((3,),)], vmap=False,
         **_both(lambda lib, x: lib.trim_zeros(lib.concatenate([onp.zeros(2), x, onp.zeros(1)])))),
    Spec("row_stack", shapes=[((3,), (3,))], fn=lambda x, y: np.row_stack([x, y]), ref=lambda x, y: onp.vstack([x, y])),
    Spec("asfortranarray"), Spec("require"), Spec("asarray_chkfinite", vmap=False),  # its check reads the values
    Spec("put", shapes=[((3, 2), (2,))], **_both(lambda lib, x, v: _written(lib, "put", x, v, [0, 4]))),
    Spec("place", shapes=[((3, 2), (2,))], **_both(lambda lib, x, v: _written(lib, "place", x, v, _checker((3, 2))))),
    Spec("putmask", shapes=[((3, 2), (3, 2))],
         **_both(lambda lib, x, v: _written(lib, "putmask", x, v, _checker((3, 2))))),
    Spec("copyto", shapes=[((3, 2), (2,))], **_both(lambda lib, x, v: _written(lib, "copyto", x, v,
                                                                              where=_checker((3, 2))))),
    Spec("put_along_axis", shapes=[((3, 2), (3, 1))],
         **_both(lambda lib, x, v: _written(lib, "put_along_axis", x, v, onp.array([[1], [0], [1]]), axis=1))),
    Spec("fill_diagonal", shapes=[((3, 3), ()), ((3, 3), (3,))],
         **_both(lambda lib, x, v: _written(lib, "fill_diagonal", x, v))),
    Spec("union1d", domain=distinct, shapes=[((3,), (2,))], vmap=False),
    Spec("setdiff1d", domain=distinct, shapes=[((4,),)], vmap=False, **_both(lambda lib, x: lib.setdiff1d(x, x[:1]))),
    Spec("setxor1d", domain=distinct, shapes=[((3,), (2,))], vmap=False,
         **_both(lambda lib, x, y: lib.setxor1d(lib.concatenate([x, y[:1]]), y))),
    *(Spec(n, domain=distinct, shapes=[((4,),)], vmap=False,
           **_both(lambda lib, x, n=n: getattr(lib, n)(lib.concatenate([x, x[:2]])) if n == "unique_values"
                   else getattr(lib, n)(lib.concatenate([x, x[:2]])).values))
      for n in ("unique_values", "unique_counts", "unique_inverse", "unique_all")))
# == end of H4's section ======================================================================


# the rest of the public namespace is classified by gradkit/numpy/namespace_table.py
# names of specs above, for the coverage test
SPEC_NAMES = sorted({s.name for s in SPECS})


# == gradkit.scipy (H5): special functions, distributions ===================================
# After SPEC_NAMES on purpose: these are not gradkit.numpy names (test_coverage.py counts
# those). Each fn takes the differentiable arguments positionally; the arguments with no
# derivative (a Bessel order, a cdf's shape parameter) come as keyword arguments.
import scipy.special as _sps  # noqa: E402

import gradkit.scipy.special as _gsp  # noqa: E402
import gradkit.scipy.stats as _gst  # noqa: E402


def _scipy_stats():
    import scipy.stats  # on first use: slow to import
    return scipy.stats


def _special(name, *domains, shapes, kwargs=({},), swap=None):
    """A scipy.special spec; `swap(fn)` reorders arguments so that the differentiable ones
    come first (gammainc(a, x) is called as f(x, a=...))."""
    ours, theirs = getattr(_gsp, name), getattr(_sps, name)
    fn, ref = (ours, theirs) if swap is None else (swap(ours), swap(theirs))
    return Spec(f"scipy.special.{name}", fn=fn, ref=ref, domain=domains if len(domains) > 1 else domains[0],
                shapes=shapes, kwargs=list(kwargs))


def _x_last(f):
    return lambda x, **kw: f(*kw.values(), x)


SHAPE_A = onp.array([0.7, 1.0, 3.5])
add(_special("gammainc", POS, shapes=[((),), ((2, 3),)], kwargs=[dict(a=1.5), dict(a=SHAPE_A)], swap=_x_last),
    _special("gammaincc", POS, shapes=[((3,),)], kwargs=[dict(a=1.5), dict(a=SHAPE_A)], swap=_x_last),
    _special("betainc", uniform(0.1, 0.9), shapes=[((),), ((2, 3),)],
             kwargs=[dict(a=2.5, b=0.8), dict(a=SHAPE_A, b=onp.array([[2.0], [0.6]]))], swap=_x_last),
    _special("stdtr", REAL, shapes=[((3,),)], kwargs=[dict(df=1.0), dict(df=SHAPE_A)], swap=_x_last),
    _special("yn", uniform(0.5, 3.0), shapes=[((3,),)], kwargs=[dict(n=0), dict(n=onp.array([1, 2, 3]))], swap=_x_last),
    _special("jn", REAL, shapes=[((3,),)], kwargs=[dict(n=onp.array([0, 1, 4]))], swap=_x_last),
    Spec("scipy.special.logsumexp", fn=lambda a, b, **kw: _gsp.logsumexp(a, b=b, **kw),
         ref=lambda a, b, **kw: _sps.logsumexp(a, b=b, **kw), domain=(REAL, POS),
         shapes=[((2, 3), (2, 3)), ((2, 3), (3,)), ((1, 3), (1, 1))],
         kwargs=[{}, dict(axis=1), dict(axis=0, keepdims=True), dict(axis=(0, 1), keepdims=True), dict(axis=-1, return_sign=True)]),
    Spec("scipy.special.logsumexp", label="(signed b)", fn=lambda a, b, **kw: _gsp.logsumexp(a, b=b, return_sign=True, **kw),
         ref=lambda a, b, **kw: _sps.logsumexp(a, b=b, return_sign=True, **kw), domain=(REAL, NONZERO),
         shapes=[((4,), (4,)), ((1, 1), (1, 1))], kwargs=[{}, dict(axis=0, keepdims=True)]))


def _distribution(name, method, domains, shapes, kwargs=({},), by_name=(), **options):
    """A scipy.stats spec: dist.method(*args, **kw), the differentiable arguments positional
    but for the last ones, passed as the keywords `by_name` (loc and scale, when a shape
    parameter comes in kw)."""
    def call(dist):
        def f(*args, **kw):
            cut = len(args) - len(by_name)
            return getattr(dist, method)(*args[:cut], **dict(zip(by_name, args[cut:])), **kw)
        return f
    options.setdefault("fn", call(getattr(_gst, name)))
    options.setdefault("ref", lambda *a, **kw: call(getattr(_scipy_stats(), name))(*a, **kw))
    return Spec(f"scipy.stats.{name}.{method}", domain=domains, shapes=shapes, kwargs=list(kwargs), **options)


_LOC_SCALE = [((3,), (), ()), ((2, 3), (3,), (2, 1))]           # x, loc, scale broadcast
_LOC_SCALE_NAMES = ("loc", "scale")
_WITH_SHAPE = [((3,), (), (), ()), ((2, 3), (3,), (), (2, 1))]  # x, shape parameter, loc, scale
for _m in ("logpdf", "pdf", "cdf", "logcdf", "sf", "logsf"):
    add(_distribution("norm", _m, (REAL, UNIT, POS), _LOC_SCALE),
        _distribution("t", _m, (REAL, uniform(-0.5, 0.5), POS), _LOC_SCALE, kwargs=[dict(df=2.5), dict(df=SHAPE_A)],
                      by_name=_LOC_SCALE_NAMES))
for _m in ("cdf", "logcdf", "sf", "logsf"):
    add(_distribution("gamma", _m, (POS, uniform(-0.4, 0.4), POS), _LOC_SCALE, kwargs=[dict(a=2.5), dict(a=SHAPE_A)],
                      by_name=_LOC_SCALE_NAMES),
        _distribution("chi2", _m, (POS, uniform(-0.4, 0.4), POS), _LOC_SCALE, kwargs=[dict(df=3.0), dict(df=SHAPE_A)],
                      by_name=_LOC_SCALE_NAMES),
        _distribution("beta", _m, (uniform(0.2, 0.8), uniform(-0.1, 0.1), uniform(1.3, 1.6)), _LOC_SCALE,
                      kwargs=[dict(a=2.5, b=0.8), dict(a=SHAPE_A, b=1.5)], by_name=_LOC_SCALE_NAMES),
        _distribution("poisson", _m, POS, [((),), ((2, 1),)],
                      fn=lambda mu, m=_m: getattr(_gst.poisson, m)(onp.array([0.0, 2.0, 3.5]), mu),
                      ref=lambda mu, m=_m: getattr(_scipy_stats().poisson, m)(onp.array([0.0, 2.0, 3.5]), mu)))
for _m in ("logpdf", "pdf"):
    add(_distribution("gamma", _m, (POS, POS, uniform(-0.4, 0.4), POS), _WITH_SHAPE),
        _distribution("chi2", _m, (POS, ABOVE1, uniform(-0.4, 0.4), POS), _WITH_SHAPE),
        _distribution("t", _m, (REAL, ABOVE1, UNIT, POS), _WITH_SHAPE),
        _distribution("beta", _m, (uniform(0.2, 0.8), ABOVE1, ABOVE1), [((3,), (), ()), ((2, 3), (3,), (2, 1))]))
add(_distribution("norm", "entropy", (REAL, POS), [((), ()), ((3,), (2, 1))]),
    _distribution("t", "entropy", (ABOVE1, REAL, POS), [((), (), ()), ((3,), (), (2, 1))]),
    _distribution("gamma", "entropy", (POS, REAL, POS), [((), (), ()), ((3,), (), (2, 1))]),
    _distribution("chi2", "entropy", (ABOVE1, REAL, POS), [((), (), ()), ((3,), (), (2, 1))]),
    _distribution("beta", "entropy", (POS, POS), [((), ()), ((3,), (2, 1))]),
    _distribution("dirichlet", "entropy", POS, [((3,),)]),
    _distribution("dirichlet", "logpdf", (uniform(0.2, 0.3), POS), [((3,), (3,)), ((3, 2), (3,))],
                  # x on the simplex (its columns sum to one), as scipy requires
                  fn=lambda x, alpha: _gst.dirichlet.logpdf(x / np.sum(x, axis=0), alpha),
                  ref=lambda x, alpha: _scipy_stats().dirichlet.logpdf(x / onp.sum(x, axis=0), alpha)),
    _distribution("poisson", "entropy", uniform(0.3, 5.0), [((),), ((3,),)]),
    _distribution("poisson", "logpmf", POS, [((3,),)],
                  fn=lambda mu: _gst.poisson.logpmf(onp.array([0.0, 2.0, 5.0]), mu),
                  ref=lambda mu: _scipy_stats().poisson.logpmf(onp.array([0.0, 2.0, 5.0]), mu)))


# scipy.integrate.odeint: derivatives in the initial state, the times and the arguments
def _increasing(rng, shape):
    return onp.cumsum(rng.uniform(0.2, 0.5, shape), axis=-1)


def _ode_rhs(lib):
    return lambda y, t, w, b: lib.tanh(lib.matmul(w, y) + b) - 0.3 * y * lib.cos(t)


def _odeint_spec():
    import scipy.integrate
    import gradkit.scipy.integrate as gsi
    tight = dict(rtol=1e-13, atol=1e-13)
    return Spec("scipy.integrate.odeint", domain=(REAL, _increasing, REAL, REAL), shapes=[((2,), (3,), (2, 2), (2,))],
                fn=lambda y0, t, w, b: gsi.odeint(_ode_rhs(np), y0, t, (w, b), **tight),
                ref=lambda y0, t, w, b: scipy.integrate.odeint(_ode_rhs(onp), y0, t, (w, b), **tight),
                rtol=1e-4, atol=1e-6)


add(_odeint_spec())


# gradkit.scipy.linalg: banded solves, polar, pinvh, lstsq, schur
def _banded(rng, shape):
    """A band (l = 1, u = 2) with a dominant diagonal: well conditioned."""
    ab = rng.uniform(-1.0, 1.0, shape)
    ab[2] += 4.0
    return ab


def _real_spectrum(rng, shape):
    """A matrix with distinct real eigenvalues (real Schur form triangular)."""
    n = shape[-1]
    s = rng.uniform(-1.0, 1.0, (n, n)) + 2.0 * onp.eye(n)
    return s @ onp.diag(onp.arange(n) - 0.9 + rng.uniform(0, 0.3, n)) @ onp.linalg.inv(s)


def _schur_invariants(lib, schur):
    """What the complex Schur form determines whatever LAPACK's column phases: Z diag(T) Z^H,
    the eigenvalues and |Z|."""
    def f(a):
        t, z = schur(a, output="complex")
        return lib.real(z @ lib.diag(lib.diagonal(t)) @ lib.conj(z.T)), lib.real(lib.diagonal(t)), lib.abs(z)
    return f


def _scipy_linalg_specs():
    import scipy.linalg as sl
    import gradkit.scipy.linalg as gsl
    both = [(gsl, np), (sl, onp)]
    fns = lambda make: dict(zip(("fn", "ref"), (make(*pair) for pair in both)))  # noqa: E731
    return [
        Spec("scipy.linalg.solve_banded", domain=(_banded, REAL), shapes=[((4, 5), (5,)), ((4, 5), (5, 2))],
             **fns(lambda m, lib: lambda ab, b: m.solve_banded((1, 2), ab, b))),
        Spec("scipy.linalg.polar", shapes=[((3, 3),), ((2, 3),), ((3, 2),)], kwargs=grid(side=["right", "left"]),
             **fns(lambda m, lib: m.polar)),
        Spec("scipy.linalg.pinvh", shapes=[((3, 3),)], kwargs=[{}, dict(lower=False)], **fns(lambda m, lib: m.pinvh)),
        Spec("scipy.linalg.pinvh", label="(rank 2)", shapes=[((4, 2),)],
             **fns(lambda m, lib: lambda x: m.pinvh(x @ x.T))),
        Spec("scipy.linalg.lstsq", shapes=[((5, 3), (5,)), ((5, 3), (5, 2)), ((2, 3), (2,))],
             vmap=False,  # the rank (and whether residues exist) is one Python int: vmap refuses it
             **fns(lambda m, lib: lambda a, b: (lambda x, res, rank, s: (x, res, s))(*m.lstsq(a, b)))),
        Spec("scipy.linalg.schur", domain=_real_spectrum, shapes=[((3, 3),)], **fns(lambda m, lib: m.schur)),
        Spec("scipy.linalg.schur", label="(complex)", shapes=[((3, 3),)],
             **fns(lambda m, lib: _schur_invariants(lib, m.schur))),
    ]


add(*_scipy_linalg_specs())


# gradkit.scipy.signal in autograd's generalised form (axes=, dot_axes=): values are autograd's
def _correlate_over_channels(x, k, mode):
    """scipy.signal.correlate of each channel pair, summed over channels (axis 0)."""
    import scipy.signal
    return sum(scipy.signal.correlate(x[c], k[c], mode=mode) for c in range(x.shape[0]))


def _scipy_signal_specs():
    import autograd.scipy.signal as asg
    import gradkit.scipy.signal as gss
    convnet = dict(axes=([2, 3], [2, 3]), dot_axes=([1], [1]))
    return [
        Spec("scipy.signal.convolve", label="(axes,dot_axes)", shapes=[((2, 2, 4, 3), (3, 2, 2, 2))],
             kwargs=[dict(mode="valid", **convnet), dict(mode="full", **convnet)], fn=gss.convolve, ref=asg.convolve),
        Spec("scipy.signal.convolve", label="(axes)", shapes=[((4, 2), (3, 2, 2))],
             kwargs=[dict(axes=([0], [1]), mode="full"), dict(axes=([0], [2]), dot_axes=([1], [1]), mode="valid")],
             fn=gss.convolve, ref=asg.convolve),
        Spec("scipy.signal.correlate", label="(axes,dot_axes)", shapes=[((2, 5), (2, 3))],
             kwargs=grid(mode=["full", "valid", "same"]),
             fn=lambda x, k, mode: gss.correlate(x, k, axes=([1], [1]), dot_axes=([0], [0]), mode=mode),
             ref=_correlate_over_channels),
    ]


add(*_scipy_signal_specs())


# == H2: singular points and complex linear algebra (issues 12 §4, 13 §3) =====================
def _zeros_every_other(rng, shape):
    """REAL with every other entry exactly 0 (cumprod and prod are polynomials: smooth there)."""
    x = onp.array(REAL(rng, shape), dtype=float)
    x.reshape(-1)[::2] = 0.0
    return x


add(Spec("cumprod", label="(zeros)", domain=_zeros_every_other, shapes=REDUCE_SHAPES,
         kwargs=grid(axis=[None, 0, -1])),
    Spec("prod", label="(zeros)", domain=_zeros_every_other, shapes=REDUCE_SHAPES,
         kwargs=grid(axis=[None, 0, (0, 1)])),
    Spec("linalg.norm", label="(complex nuc, 2)", domain=distinct_abs, shapes=[((3, 2),), ((2, 3),)],
         kwargs=[dict(ord="nuc"), dict(ord=2)], complex=True, autograd=False),
    Spec("linalg.svdvals", domain=distinct_abs, shapes=[((3, 2),), ((2, 2, 3),)], complex=True, autograd=False),
    Spec("linalg.eigvalsh", label="(one triangle)", shapes=[((3, 3),), ((2, 3, 3),)],
         kwargs=[dict(UPLO="L"), dict(UPLO="U")], complex=True, autograd=False))
# == end of H2's section ======================================================================
