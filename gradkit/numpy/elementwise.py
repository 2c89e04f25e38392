"""Elementwise functions (NumPy's ufuncs and friends), one declaration each.

Each derivative is written with gradkit's own functions, so it can be differentiated
again. Complex inputs follow autograd's convention: for holomorphic f, grad gives f'(z);
for a real-valued f of z = x + iy, grad gives df/dx - i df/dy.
"""
import numpy as _np

from ..core import Primitive, Tracer
from .aliasing import viewing
from .declare import (broadcasting_batch, elementwise, is_complex, nondiff, unbroadcast,
                      _fit_tangent)

__all__ = [
    'add', 'subtract', 'multiply', 'negative', 'positive', 'divide', 'true_divide',
    'reciprocal', 'square', 'sqrt', 'cbrt', 'power', 'float_power', 'mod', 'remainder', 'fmod',
    'exp', 'exp2', 'expm1', 'log', 'log2', 'log10', 'log1p', 'logaddexp', 'logaddexp2', 'sin',
    'cos', 'tan', 'arcsin', 'arccos', 'arctan', 'arctan2', 'hypot', 'sinh', 'cosh', 'tanh',
    'arcsinh', 'arccosh', 'arctanh', 'deg2rad', 'rad2deg', 'radians', 'degrees', 'sinc', 'sign',
    'absolute', 'abs', 'fabs', 'maximum', 'minimum', 'fmax', 'fmin', 'clip', 'where', 'real',
    'imag', 'conj', 'conjugate', 'angle', 'floor', 'ceil', 'trunc', 'rint', 'fix', 'round',
    'around', 'floor_divide', 'equal', 'not_equal', 'greater', 'greater_equal', 'less',
    'less_equal', 'logical_and', 'logical_or', 'logical_not', 'logical_xor', 'isnan', 'isinf',
    'isfinite', 'isclose', 'signbit', 'iscomplex', 'isreal', 'allclose', 'array_equal', 'nan_to_num',
    'real_if_close']

# -- arithmetic -----------------------------------------------------------------------
add = Primitive("add", _np.add)
add.defvjp(lambda g, ans, x, y: unbroadcast(g, x), lambda g, ans, x, y: unbroadcast(g, y), reads=((), ()))
add.defjvp(lambda t, ans, x, y: _fit_tangent(t, ans), lambda t, ans, x, y: _fit_tangent(t, ans))

subtract = Primitive("subtract", _np.subtract)
subtract.defvjp(lambda g, ans, x, y: unbroadcast(g, x), lambda g, ans, x, y: unbroadcast(negative(g), y),
                reads=((), ()))
subtract.defjvp(lambda t, ans, x, y: _fit_tangent(t, ans), lambda t, ans, x, y: _fit_tangent(negative(t), ans))

multiply = Primitive("multiply", _np.multiply)
multiply.defvjp(lambda g, ans, x, y: unbroadcast(g * y, x), lambda g, ans, x, y: unbroadcast(g * x, y),
                reads=((1,), (0,)))
multiply.defjvp(lambda t, ans, x, y: _fit_tangent(t * y, ans), lambda t, ans, x, y: _fit_tangent(x * t, ans))

negative = Primitive("negative", _np.negative)
negative.defvjp(lambda g, ans, x: negative(g), reads=((),))
negative.defjvp(lambda t, ans, x: negative(t))

for _prim in (add, subtract, multiply, negative):
    _prim.defbatch(broadcasting_batch(_prim))

positive = elementwise(_np.positive, lambda ans, x: 1.0, reads=((),))
# A rule may divide by its own traced argument with `/`: traced values are never Python
# numbers (trace.as_traced), so 1 / 0.0 is NumPy's inf. A divisor that may be an untraced
# Python number (x / 0.0, differentiated in x) goes through NumPy's divide (which traced
# values, dask and Array API arrays take over by their protocols).
divide = elementwise(_np.divide, lambda ans, x, y: _np.divide(1.0, y), lambda ans, x, y: -(ans / y),
                     reads=((1,), (1, "ans")))
true_divide = divide
reciprocal = elementwise(_np.reciprocal, lambda ans, x: -ans * ans, reads=(("ans",),))
square = elementwise(_np.square, lambda ans, x: 2.0 * x, reads=((0,),))
sqrt = elementwise(_np.sqrt, lambda ans, x: 0.5 / ans, reads=(("ans",),))


def _root_deriv(ans, s, p=2):
    zero = equal(s, 0)
    return where(zero, 0.0, ans / (p * where(zero, 1.0, s)))


# s ** (1/p) for s a sum of p-th powers of magnitudes (norms, standard deviations). Where
# s == 0 the norm has no derivative; its derivative (and every higher one) is taken as 0
# there, the minimum-norm subgradient, as abs does at 0, instead of inf * 0 = nan
norm_root = elementwise(lambda s, p=2: _np.power(s, 1.0 / p), _root_deriv, name="norm_root", reads=((0, "ans"),))
cbrt = elementwise(_np.cbrt, lambda ans, x: 1.0 / (3.0 * ans * ans), reads=(("ans",),))


def _power_dx(ans, x, y):
    if type(y) in (int, float):  # the common constant exponent: no masks needed
        return 0.0 if y == 0 else y * x if y == 2 else y * power(x, y - 1)
    return y * power(x, where(y == 0, 1.0, y - 1.0)) * (y != 0)


def _power_dy(ans, x, y):
    # d/dy x**y = x**y log x, taken as 0 where x == 0 (the limit for y > 0)
    return ans * log(where(x == 0, 1.0, x))


power = elementwise(_np.power, _power_dx, _power_dy, reads=((0, 1), (0, "ans")))
float_power = elementwise(_np.float_power, _power_dx, _power_dy, reads=((0, 1), (0, "ans")))
mod = elementwise(_np.mod, lambda ans, x, y: 1.0, lambda ans, x, y: -floor_divide(x, y), reads=((), (0, 1)))
remainder = mod
fmod = elementwise(_np.fmod, lambda ans, x, y: 1.0, lambda ans, x, y: -trunc(x / y), reads=((), (0, 1)))

# -- exponentials and logarithms ------------------------------------------------------
exp = elementwise(_np.exp, lambda ans, x: ans, reads=(("ans",),))
exp2 = elementwise(_np.exp2, lambda ans, x: ans * _np.log(2.0), reads=(("ans",),))
expm1 = elementwise(_np.expm1, lambda ans, x: ans + 1.0, reads=(("ans",),))
log = elementwise(_np.log, lambda ans, x: 1.0 / x, reads=((0,),))
log2 = elementwise(_np.log2, lambda ans, x: 1.0 / (x * _np.log(2.0)), reads=((0,),))
log10 = elementwise(_np.log10, lambda ans, x: 1.0 / (x * _np.log(10.0)), reads=((0,),))
log1p = elementwise(_np.log1p, lambda ans, x: 1.0 / (x + 1.0), reads=((0,),))
logaddexp = elementwise(_np.logaddexp, lambda ans, x, y: exp(x - ans), lambda ans, x, y: exp(y - ans),
                        reads=((0, "ans"), (1, "ans")))
logaddexp2 = elementwise(_np.logaddexp2, lambda ans, x, y: exp2(x - ans), lambda ans, x, y: exp2(y - ans),
                         reads=((0, "ans"), (1, "ans")))

# -- trigonometric and hyperbolic -----------------------------------------------------
sin = elementwise(_np.sin, lambda ans, x: cos(x), reads=((0,),))
cos = elementwise(_np.cos, lambda ans, x: -sin(x), reads=((0,),))
tan = elementwise(_np.tan, lambda ans, x: 1.0 + ans * ans, reads=(("ans",),))
arcsin = elementwise(_np.arcsin, lambda ans, x: 1.0 / sqrt(1.0 - x * x), reads=((0,),))
arccos = elementwise(_np.arccos, lambda ans, x: -1.0 / sqrt(1.0 - x * x), reads=((0,),))
arctan = elementwise(_np.arctan, lambda ans, x: 1.0 / (1.0 + x * x), reads=((0,),))
arctan2 = elementwise(_np.arctan2, lambda ans, x, y: y / (x * x + y * y), lambda ans, x, y: -x / (x * x + y * y),
                      reads=((0, 1), (0, 1)))
# hypot is a norm: at x = y = 0 its derivative is taken as 0, as norm_root's
hypot = elementwise(_np.hypot, lambda ans, x, y: _over_norm(x, ans), lambda ans, x, y: _over_norm(y, ans),
                    reads=((0, "ans"), (1, "ans")))


def _over_norm(x, norm):
    zero = equal(norm, 0)
    return where(zero, 0.0, x / where(zero, 1.0, norm))


sinh = elementwise(_np.sinh, lambda ans, x: cosh(x), reads=((0,),))
cosh = elementwise(_np.cosh, lambda ans, x: sinh(x), reads=((0,),))
tanh = elementwise(_np.tanh, lambda ans, x: 1.0 - ans * ans, reads=(("ans",),))
arcsinh = elementwise(_np.arcsinh, lambda ans, x: 1.0 / sqrt(x * x + 1.0), reads=((0,),))
arccosh = elementwise(_np.arccosh, lambda ans, x: 1.0 / sqrt(x * x - 1.0), reads=((0,),))
arctanh = elementwise(_np.arctanh, lambda ans, x: 1.0 / (1.0 - x * x), reads=((0,),))
deg2rad = elementwise(_np.deg2rad, lambda ans, x: _np.pi / 180.0, reads=((),))
rad2deg = elementwise(_np.rad2deg, lambda ans, x: 180.0 / _np.pi, reads=((),))
radians, degrees = deg2rad, rad2deg


def _sinc_deriv(ans, x):
    # d/dx sin(pi x)/(pi x) = (cos(pi x) - sinc(x)) / x; near 0, where that cancels, its
    # Taylor series (odd, so derivatives of every order stay right at 0)
    small = absolute(x) < 1e-2
    safe = where(small, 1.0, x)
    u = (_np.pi * x) ** 2
    series = -_np.pi ** 2 * x / 3.0 * (1.0 - u / 10.0 + u * u / 280.0 - u ** 3 / 15120.0)
    return where(small, series, (cos(_np.pi * safe) - sinc(safe)) / safe)


sinc = elementwise(_np.sinc, _sinc_deriv, reads=((0,),))

# -- piecewise ------------------------------------------------------------------------
sign = nondiff(_np.sign, broadcasting=True)


def _abs_deriv(ans, x):
    # real: sign(x); complex (real-valued output): conj(x)/|x|; 0 at 0 (a subgradient).
    # |x| is recomputed rather than read from ans, so the tape need not keep the result
    if is_complex(x):
        return conj(x) / where(x == 0, 1.0, absolute(x))
    return sign(x)


absolute = elementwise(_np.absolute, _abs_deriv, name="absolute", reads=((0,),))
abs = absolute
fabs = elementwise(_np.fabs, lambda ans, x: sign(x), reads=((0,),))
# ties split the derivative evenly, as a subgradient and as autograd does
maximum = elementwise(_np.maximum, lambda ans, x, y: _balanced(x, y), lambda ans, x, y: _balanced(y, x),
                      reads=((0, 1), (0, 1)))
minimum = elementwise(_np.minimum, lambda ans, x, y: _balanced(y, x), lambda ans, x, y: _balanced(x, y),
                      reads=((0, 1), (0, 1)))
fmax = elementwise(_np.fmax, lambda ans, x, y: _balanced(x, y), lambda ans, x, y: _balanced(y, x),
                   reads=((0, 1), (0, 1)))
fmin = elementwise(_np.fmin, lambda ans, x, y: _balanced(y, x), lambda ans, x, y: _balanced(x, y),
                   reads=((0, 1), (0, 1)))


def _balanced(x, y):
    return greater(x, y) + 0.5 * equal(x, y)


def _clip(x, a_min=None, a_max=None):
    return _np.clip(x, a_min, a_max)


def _clip_deriv(ans, x, a_min=None, a_max=None):
    inside = 1.0
    if a_min is not None:
        inside = inside * greater_equal(x, a_min)
    if a_max is not None:
        inside = inside * less_equal(x, a_max)
    return inside


_clip_prim = elementwise(_clip, _clip_deriv, name="clip", reads=((0,),))


def clip(a, a_min=None, a_max=None, *, min=None, max=None):
    """np.clip; the derivative is 1 inside [a_min, a_max] and 0 outside. Traced bounds are
    differentiated too (as maximum and minimum).

    >>> import gradkit as gk
    >>> float(gk.grad(lambda x: clip(x, 0.0, 1.0))(0.5))
    1.0
    """
    a_min = min if a_min is None else a_min
    a_max = max if a_max is None else a_max
    if type(a_min) is Tracer or type(a_max) is Tracer:
        if a_min is not None:
            a = maximum(a, a_min)
        return a if a_max is None else minimum(a, a_max)
    return _clip_prim(a, a_min=a_min, a_max=a_max)


# where(cond, x, y): cond is not differentiable
_where = Primitive("where", _np.where)
_where.defvjp(None,
              lambda g, ans, c, x, y: unbroadcast(_where(c, g, 0.0), x),
              lambda g, ans, c, x, y: unbroadcast(_where(c, 0.0, g), y),
              reads=((), (0,), (0,)))  # the branches' values are never read, only the condition
_where.defbatch(broadcasting_batch(_where))
_where.defjvp(None,
              lambda t, ans, c, x, y: _fit_tangent(_where(c, t, 0.0), ans),
              lambda t, ans, c, x, y: _fit_tangent(_where(c, 0.0, t), ans))


def where(condition, x=None, y=None):
    """np.where; with one argument it returns indices (not differentiable).

    With three arguments: differentiable in ``x`` and ``y`` in both modes, to any order, the
    cotangent going to the one the condition picked (``condition`` is read by value).
    Returns the blended array, traced when ``x`` or ``y`` is.

    >>> import gradkit as gk, gradkit.numpy as np
    >>> f = lambda x: np.sum(np.where(x > 0, x ** 2, -x))
    >>> gk.grad(f)(np.array([-1.0, 3.0]))
    array([-1.,  6.])
    >>> np.where(np.array([0.0, 2.0]) > 1)
    (array([1]),)
    """
    if x is None and y is None:
        from .reductions import nonzero
        return nonzero(condition)
    return _where(condition, x, y)


# -- complex parts --------------------------------------------------------------------
real = Primitive("real", _np.real)
real.defvjp(lambda g, ans, x: _match_complex(real(g), x), reads=((),))
real.defjvp(lambda t, ans, x: real(t))
# x.real is a view of x in NumPy: writing into it writes x's real part
viewing(real, lambda x, new: new + 1j * imag(x) if is_complex(x) else new)
imag = Primitive("imag", _np.imag)
imag.defvjp(lambda g, ans, x: _match_complex(-1j * g, x), reads=((),))
imag.defjvp(lambda t, ans, x: imag(t))
viewing(imag, lambda x, new: real(x) + 1j * new, lambda out, x: is_complex(x))  # (a real x's: a new array)
conj = Primitive("conjugate", _np.conjugate)
conj.defvjp(lambda g, ans, x: conj(g), reads=((),))
conj.defjvp(lambda t, ans, x: conj(t))
conjugate = conj
for _prim in (real, imag, conj):
    _prim.defbatch(broadcasting_batch(_prim))


def _angle(z, deg=False):
    return _np.angle(z, deg)


def _angle_vjp(g, ans, z, deg=False):
    scale = 180.0 / _np.pi if deg else 1.0
    if not is_complex(z):
        return None
    return _match_complex(g * scale * conj(z * 1j) / real(z * conj(z)), z)


angle = Primitive("angle", _angle)
angle.__doc__ = """Differentiable ``numpy.angle``: the argument of ``z`` (in degrees with ``deg=True``).

Differentiable in ``z`` in both modes, to any order: d angle = Im(conj(z) dz) / |z|^2.
Returns a real array, traced when ``z`` is.

>>> import gradkit as gk, gradkit.numpy as np
>>> float(np.angle(1j))
1.5707963267948966
>>> gk.jvp(np.angle, (1.0 + 0j,), (1j,))   # a step along i at z = 1 turns by 1 radian per unit
(np.float64(0.0), np.float64(1.0))
"""
angle.defvjp(_angle_vjp, reads=((0,),))
angle.defbatch(broadcasting_batch(angle))
angle.defjvp(lambda t, ans, z, deg=False: (180.0 / _np.pi if deg else 1.0) * imag(t * conj(z)) / real(z * conj(z)))


def _match_complex(g, x):
    return g if is_complex(x) else real(g)


def real_if_close(a, tol=100):
    """np.real_if_close: the real part when every imaginary part is within tol machine
    epsilons of zero (decided on the value, as NumPy does), else a itself.

    Differentiable in ``a`` in both modes, to any order. Returns an array, traced when ``a`` is.

    >>> import gradkit as gk, gradkit.numpy as np
    >>> np.real_if_close(np.array([2.0 + 1e-16j]))
    array([2.])
    >>> gk.grad(lambda x: np.real_if_close(x * (1 + 0j)) ** 2)(3.0)
    np.float64(6.0)
    """
    from ..core import concrete
    value = concrete(a, "np.real_if_close's choice of result type", across_batch=True)
    if is_complex(value) and _np.isrealobj(_np.real_if_close(value, tol)):
        return real(a)
    return a


def _nan_to_num(x, nan=0.0, posinf=None, neginf=None):
    return _np.nan_to_num(x, nan=nan, posinf=posinf, neginf=neginf)


# the replaced entries are constants (derivative 0); the finite ones pass through
_nan_to_num_p = elementwise(_nan_to_num, lambda ans, x, **params: isfinite(x), name="nan_to_num",
                            reads=((0,),))


def nan_to_num(x, copy=True, nan=0.0, posinf=None, neginf=None):
    """Differentiable ``numpy.nan_to_num``: NaN replaced by ``nan``, infinities by ``posinf``
    and ``neginf`` (the largest finite floats by default).

    Differentiable in ``x`` in both modes, to any order: slope 1 at finite entries, 0 at the
    replaced ones. ``copy`` is ignored (a new array is always returned). Returns the cleaned
    array, traced when ``x`` is.

    >>> import gradkit as gk, gradkit.numpy as np
    >>> gk.grad(lambda x: np.sum(np.nan_to_num(x, posinf=5.0) * 3.0))(np.array([1.0, np.nan, np.inf]))
    array([3., 0., 0.])
    """
    return _nan_to_num_p(x, nan=nan, posinf=posinf, neginf=neginf)


# -- no derivative ---------------------------------------------------------------------
floor, ceil, trunc, rint, fix = (nondiff(f, broadcasting=True) for f in (_np.floor, _np.ceil, _np.trunc, _np.rint, _np.fix))
round = nondiff(_np.round, name="round", broadcasting=True)
around = round
floor_divide = nondiff(_np.floor_divide, broadcasting=True)
(equal, not_equal, greater, greater_equal, less, less_equal, logical_and, logical_or, logical_not,
 logical_xor, isnan, isinf, isfinite, isclose, signbit, iscomplex, isreal) = (
    nondiff(f, broadcasting=True) for f in (
        _np.equal, _np.not_equal, _np.greater, _np.greater_equal, _np.less, _np.less_equal, _np.logical_and,
        _np.logical_or, _np.logical_not, _np.logical_xor, _np.isnan, _np.isinf, _np.isfinite, _np.isclose,
        _np.signbit, _np.iscomplex, _np.isreal))
allclose, array_equal = nondiff(_np.allclose), nondiff(_np.array_equal)


# -- docstrings ---------------------------------------------------------------------------
def document(prim, derivative, example, result, library="numpy", setup="import gradkit as gk, gradkit.numpy as np"):
    """Give the primitive for <library>.<name> gradkit's docstring: what it differentiates,
    the derivative, and an example (after `setup`) with its printed result. doctest does not
    collect primitives, so tests/test_docstrings.py runs these examples."""
    name = f"{library}.{prim.name}"
    prim.__doc__ = f"""Differentiable ``{name}``, elementwise with NumPy's broadcasting.

Differentiable {derivative}.
The rule is written with gradkit's own functions, so it holds in both modes and to any order.
Returns what ``{name}`` returns, traced when an argument is (the documentation of
``{name}`` describes the arguments).

>>> {setup}
>>> {example}
{result}
"""


for _name, (_derivative, _example, _result) in {
    'add': ('in x1 and x2: d/dx1 = d/dx2 = 1',
        '[float(d) for d in gk.grad(np.add, argnums=(0, 1))(2.0, 3.0)]',
        '[1.0, 1.0]'),
    'subtract': ('in x1 and x2: d/dx1 = 1, d/dx2 = -1',
        '[float(d) for d in gk.grad(np.subtract, argnums=(0, 1))(2.0, 3.0)]',
        '[1.0, -1.0]'),
    'multiply': ('in x1 and x2: d/dx1 = x2, d/dx2 = x1',
        '[float(d) for d in gk.grad(np.multiply, argnums=(0, 1))(2.0, 3.0)]',
        '[3.0, 2.0]'),
    'negative': ('in x: d/dx = -1',
        'float(gk.grad(np.negative)(2.0))',
        '-1.0'),
    'positive': ('in x: d/dx = 1',
        'float(gk.grad(np.positive)(2.0))',
        '1.0'),
    'divide': ('in x1 and x2: d/dx1 = 1 / x2, d/dx2 = -x1 / x2^2',
        '[float(d) for d in gk.grad(np.divide, argnums=(0, 1))(3.0, 2.0)]',
        '[0.5, -0.75]'),
    'reciprocal': ('in x: d/dx = -1 / x^2',
        'float(gk.grad(np.reciprocal)(2.0))',
        '-0.25'),
    'square': ('in x: d/dx = 2 x',
        'float(gk.grad(np.square)(3.0))',
        '6.0'),
    'sqrt': ('in x: d/dx = 1 / (2 sqrt(x))',
        'float(gk.grad(np.sqrt)(4.0))',
        '0.25'),
    'cbrt': ('in x: d/dx = 1 / (3 cbrt(x)^2)',
        'float(gk.grad(np.cbrt)(8.0))',
        '0.08333333333333333'),
    'power': ('in x1 and x2: d/dx1 = x2 x1^(x2 - 1), d/dx2 = x1^x2 log(x1) (0 where x1 = 0)',
        '[float(d) for d in gk.grad(np.power, argnums=(0, 1))(2.0, 3.0)]',
        '[12.0, 5.545177444479562]'),
    'float_power': ('in x1 and x2: d/dx1 = x2 x1^(x2 - 1), d/dx2 = x1^x2 log(x1) (0 where x1 = 0)',
        '[float(d) for d in gk.grad(np.float_power, argnums=(0, 1))(2.0, 3.0)]',
        '[12.0, 5.545177444479562]'),
    'mod': ('in x1 and x2: d/dx1 = 1, d/dx2 = -floor(x1 / x2) (away from the jumps)',
        '[float(d) for d in gk.grad(np.mod, argnums=(0, 1))(7.0, 2.0)]',
        '[1.0, -3.0]'),
    'fmod': ('in x1 and x2: d/dx1 = 1, d/dx2 = -trunc(x1 / x2) (away from the jumps)',
        '[float(d) for d in gk.grad(np.fmod, argnums=(0, 1))(-7.0, 2.0)]',
        '[1.0, 3.0]'),
    'exp': ('in x: d/dx = exp(x)',
        'float(gk.grad(np.exp)(0.0))',
        '1.0'),
    'exp2': ('in x: d/dx = 2^x log(2)',
        'float(gk.grad(np.exp2)(1.0)) == 2 * float(np.log(2.0))',
        'True'),
    'expm1': ('in x: d/dx = exp(x)',
        'float(gk.grad(np.expm1)(0.0))',
        '1.0'),
    'log': ('in x: d/dx = 1 / x',
        'float(gk.grad(np.log)(2.0))',
        '0.5'),
    'log2': ('in x: d/dx = 1 / (x log 2)',
        'float(gk.grad(np.log2)(1.0)) == 1 / float(np.log(2.0))',
        'True'),
    'log10': ('in x: d/dx = 1 / (x log 10)',
        'float(gk.grad(np.log10)(1.0)) == 1 / float(np.log(10.0))',
        'True'),
    'log1p': ('in x: d/dx = 1 / (1 + x)',
        'float(gk.grad(np.log1p)(1.0))',
        '0.5'),
    'logaddexp': ('in x1 and x2: d/dxi = exp(xi - logaddexp(x1, x2)), the softmax weights',
        'np.round(gk.grad(np.logaddexp, argnums=(0, 1))(0.0, float(np.log(3.0))), 12)',
        'array([0.25, 0.75])'),
    'logaddexp2': ('in x1 and x2: d/dxi = 2^(xi - logaddexp2(x1, x2))',
        'np.round(gk.grad(np.logaddexp2, argnums=(0, 1))(0.0, float(np.log2(3.0))), 12)',
        'array([0.25, 0.75])'),
    'sin': ('in x: d/dx = cos(x)',
        'float(gk.grad(np.sin)(0.0))',
        '1.0'),
    'cos': ('in x: d/dx = -sin(x)',
        'float(gk.grad(np.cos)(float(np.pi) / 2))',
        '-1.0'),
    'tan': ('in x: d/dx = 1 + tan(x)^2',
        'float(gk.grad(np.tan)(0.0))',
        '1.0'),
    'arcsin': ('in x: d/dx = 1 / sqrt(1 - x^2)',
        'float(gk.grad(np.arcsin)(0.6))',
        '1.25'),
    'arccos': ('in x: d/dx = -1 / sqrt(1 - x^2)',
        'float(gk.grad(np.arccos)(0.6))',
        '-1.25'),
    'arctan': ('in x: d/dx = 1 / (1 + x^2)',
        'float(gk.grad(np.arctan)(1.0))',
        '0.5'),
    'arctan2': ('in x1 and x2: d/dx1 = x2 / (x1^2 + x2^2), d/dx2 = -x1 / (x1^2 + x2^2)',
        '[float(d) for d in gk.grad(np.arctan2, argnums=(0, 1))(1.0, 1.0)]',
        '[0.5, -0.5]'),
    'hypot': ('in x1 and x2: d/dxi = xi / hypot(x1, x2) (0 at the origin)',
        '[float(d) for d in gk.grad(np.hypot, argnums=(0, 1))(3.0, 4.0)]',
        '[0.6, 0.8]'),
    'sinh': ('in x: d/dx = cosh(x)',
        'float(gk.grad(np.sinh)(0.0))',
        '1.0'),
    'cosh': ('in x: d/dx = sinh(x)',
        'float(gk.grad(np.cosh)(0.0))',
        '0.0'),
    'tanh': ('in x: d/dx = 1 - tanh(x)^2',
        'float(gk.grad(np.tanh)(0.0))',
        '1.0'),
    'arcsinh': ('in x: d/dx = 1 / sqrt(x^2 + 1)',
        'float(gk.grad(np.arcsinh)(0.0))',
        '1.0'),
    'arccosh': ('in x: d/dx = 1 / sqrt(x^2 - 1)',
        'float(gk.grad(np.arccosh)(2.0)) == 1 / float(np.sqrt(3.0))',
        'True'),
    'arctanh': ('in x: d/dx = 1 / (1 - x^2)',
        'float(gk.grad(np.arctanh)(0.5))',
        '1.3333333333333333'),
    'deg2rad': ('in x: d/dx = pi / 180',
        'float(gk.grad(np.deg2rad)(90.0)) == float(np.pi) / 180',
        'True'),
    'rad2deg': ('in x: d/dx = 180 / pi',
        'float(gk.grad(np.rad2deg)(1.0)) == 180 / float(np.pi)',
        'True'),
    'sinc': ('in x: d/dx = (cos(pi x) - sinc(x)) / x (its Taylor series near 0, so every order is right there)',
        'float(gk.grad(np.sinc)(0.5))   # -4 / pi',
        '-1.2732395447351625'),
    'absolute': ("in x: d/dx = sign(x), 0 at 0 (a subgradient); for complex z, conj(z) / |z|",
        'float(gk.grad(np.abs)(-2.0)), float(gk.grad(np.abs)(0.0))',
        '(-1.0, 0.0)'),
    'fabs': ('in x: d/dx = sign(x), 0 at 0',
        'float(gk.grad(np.fabs)(-2.0))',
        '-1.0'),
    'maximum': ('in x1 and x2: 1 for the larger argument, 0 for the other, 1/2 each at a tie',
        '[float(d) for d in gk.grad(np.maximum, argnums=(0, 1))(1.0, 1.0)]',
        '[0.5, 0.5]'),
    'minimum': ('in x1 and x2: 1 for the smaller argument, 0 for the other, 1/2 each at a tie',
        '[float(d) for d in gk.grad(np.minimum, argnums=(0, 1))(1.0, 2.0)]',
        '[1.0, 0.0]'),
    'fmax': ('in x1 and x2: as maximum (1 for the larger, 1/2 each at a tie)',
        '[float(d) for d in gk.grad(np.fmax, argnums=(0, 1))(3.0, 2.0)]',
        '[1.0, 0.0]'),
    'fmin': ('in x1 and x2: as minimum (1 for the smaller, 1/2 each at a tie)',
        '[float(d) for d in gk.grad(np.fmin, argnums=(0, 1))(3.0, 2.0)]',
        '[0.0, 1.0]'),
    'real': ('in x: a linear map, the real part',
        'complex(gk.grad(np.real)(1.0 + 2.0j))',
        '(1+0j)'),
    'imag': ('in x: a linear map, the imaginary part',
        'complex(gk.grad(np.imag)(1.0 + 2.0j))',
        '-1j'),
    'conj': ('in x: a linear map, the complex conjugate',
        'complex(gk.grad(lambda z: np.real(np.conj(z) * z))(1.0 + 2.0j))',
        '(2-4j)'),
}.items():
    document(globals()[_name], _derivative, _example, _result)
