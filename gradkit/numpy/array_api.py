"""NumPy 2 / Array API names (acos, concat, permute_dims, vecdot, cumulative_sum, ...) and
the elementwise functions with a derivative that the older namespace lacked (copysign,
heaviside, ldexp, frexp, modf, divmod, nextafter, sort_complex).

Most are compositions of gradkit's primitives, so they inherit their rules and batching.
"""
import numpy as _np

from .creation import astype
from .declare import elementwise, nondiff, shape_of
from .elementwise import (arccos, document, arccosh, arcsin, arcsinh, arctan, arctan2, arctanh, conj, exp2, floor_divide,
                          mod, power, signbit, trunc, where)
from .indexing import sort
from .keywords import cumprod, cumsum, refuse_keywords
from .linalg import matrix_transpose, vecdot
from .products import einsum as _einsum_subscripts, matmul
from .shape import concatenate, moveaxis, transpose

__all__ = ["acos", "asin", "atan", "atan2", "acosh", "asinh", "atanh", "pow", "concat", "permute_dims",
           "matrix_transpose", "vecdot", "matvec", "vecmat", "cumulative_sum", "cumulative_prod", "unstack",
           "einsum", "copysign", "heaviside", "ldexp", "frexp", "modf", "divmod", "nextafter", "sort_complex"]

acos, asin, atan, atan2, acosh, asinh, atanh, pow = (arccos, arcsin, arctan, arctan2, arccosh, arcsinh, arctanh,
                                                     power)


concat, permute_dims = concatenate, transpose  # NumPy's own aliases too

def matvec(x1, x2, /):
    """np.matvec: the matrix-vector product over the last axes (broadcast over the others).

    Differentiable in ``x1`` and ``x2`` in both modes, to any order. Returns the products,
    traced when either is.

    >>> import gradkit as gk, gradkit.numpy as np
    >>> A = np.array([[1.0, 2.0], [3.0, 4.0]])
    >>> gk.grad(lambda v: np.sum(np.matvec(A, v)))(np.zeros(2))   # A^T (1, 1)
    array([4., 6.])
    """
    return matmul(x1, x2[..., None])[..., 0]


def vecmat(x1, x2, /):
    """np.vecmat: the conjugated vector times the matrix, over the last axes.

    Differentiable in ``x1`` and ``x2`` in both modes, to any order. Returns the products,
    traced when either is.

    >>> import gradkit as gk, gradkit.numpy as np
    >>> A = np.array([[1.0, 2.0], [3.0, 4.0]])
    >>> gk.grad(lambda v: np.sum(np.vecmat(v, A)))(np.zeros(2))   # A (1, 1)
    array([3., 7.])
    """
    return matmul(conj(x1)[..., None, :], x2)[..., 0, :]


def _cumulative(scan, initial_value, name):
    def f(x, /, *, axis=None, dtype=None, out=None, include_initial=False):
        refuse_keywords(name, out)
        ndim = len(shape_of(x))
        if axis is None:
            if ndim > 1:
                raise ValueError("For arrays which have more than one dimension ``axis`` argument is required.")
            axis = 0
        if ndim == 0:
            raise ValueError(f"{name} requires an array of at least one dimension")
        y = scan(x, axis=axis, dtype=dtype)
        if not include_initial:
            return y
        shape = list(shape_of(y))
        shape[axis % ndim] = 1
        first = _np.full(shape, initial_value, dtype=y.dtype)
        return concatenate([first, y], axis=axis)
    f.__name__ = f.__qualname__ = name
    f.__doc__ = _cumulative_doc(name, scan.__name__, initial_value)
    return f


def _cumulative_doc(name, scan, initial_value):
    """cumulative_sum's or cumulative_prod's docstring; the example's numbers hold for it."""
    values, prefixed, loss, at, grad = {
        "cumsum": ("[2.0, 3.0]", "[0., 2., 5.]", "np.sum(np.cumulative_sum(x))", "np.ones(3)", "[3., 2., 1.]"),
        "cumprod": ("[2.0, 3.0]", "[1., 2., 6.]", "np.cumulative_prod(x)[-1]", "np.array([2.0, 0.0, 5.0])",
                    "[ 0., 10.,  0.]")}[scan]
    return f"""Differentiable ``numpy.{name}``, the Array API's form of ``{scan}`` (``out=`` refused).

    Along ``axis`` (required for more than one axis); ``include_initial`` puts the
    {initial_value} in front. Differentiable in ``x`` in both modes, to any order. Returns the
    cumulative values, traced when ``x`` is.

    >>> import gradkit as gk, gradkit.numpy as np
    >>> np.{name}(np.array({values}), include_initial=True)
    array({prefixed})
    >>> gk.grad(lambda x: {loss})({at})
    array({grad})
    """


cumulative_sum = _cumulative(cumsum, 0, "cumulative_sum")
cumulative_prod = _cumulative(cumprod, 1, "cumulative_prod")


def unstack(x, /, *, axis=0):
    """Differentiable ``numpy.unstack``: the slices of ``x`` along ``axis``, as a tuple.

    Differentiable in ``x`` in both modes, to any order (each slice is an index). Returns a
    tuple of arrays, traced when ``x`` is.

    >>> import gradkit as gk, gradkit.numpy as np
    >>> gk.grad(lambda x: np.sum(np.unstack(x, axis=1)[1]))(np.zeros((2, 2)))
    array([[0., 1.],
           [0., 1.]])
    """
    moved = moveaxis(x, axis, 0)
    return tuple(moved[k] for k in range(shape_of(moved)[0]))


def einsum(*operands, optimize=None, **kwargs):
    """np.einsum, in the subscripts form `einsum('ij,jk->ik', a, b)` or NumPy's interleaved
    form `einsum(a, [0, 1], b, [1, 2], [0, 2])` (integer labels, Ellipsis for '...').

    Differentiable in every operand in both modes, to any order. Returns the contraction,
    traced when an operand is.

    >>> import gradkit as gk, gradkit.numpy as np
    >>> A = np.array([[1.0, 2.0], [3.0, 4.0]])
    >>> gk.grad(lambda x: np.einsum("i,ij,j->", x, A, x))(np.array([1.0, 0.0]))   # (A + A^T) x
    array([2., 5.])
    >>> gk.grad(lambda x: np.einsum(x, [0], A, [0, 1], x, [1]))(np.array([1.0, 0.0]))
    array([2., 5.])
    """
    refuse_keywords("einsum", kwargs.pop("out", None))
    if kwargs:
        raise TypeError(f"gradkit.numpy.einsum: unsupported keyword arguments {sorted(kwargs)}")
    if operands and isinstance(operands[0], str):
        return _einsum_subscripts(operands[0], *operands[1:])
    arrays, labels, output = list(operands[0::2]), list(operands[1::2]), None
    if len(operands) % 2 == 1:  # a trailing output sublist
        arrays, labels, output = list(operands[0:-1:2]), list(operands[1:-1:2]), operands[-1]

    def spell(sublist):
        out = ""
        for label in sublist:
            if label is Ellipsis:
                out += "..."
            elif isinstance(label, (int, _np.integer)) and 0 <= label < 52:
                out += "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"[label]
            else:
                raise ValueError(f"einsum: subscript labels must be integers in [0, 52) or Ellipsis, not {label!r}")
        return out
    subscripts = ",".join(spell(sub) for sub in labels) + ("" if output is None else "->" + spell(output))
    return _einsum_subscripts(subscripts, *arrays)


# -- elementwise ------------------------------------------------------------------------
# copysign(x, y) = |x| sign(y): slope +-1 in x, piecewise constant in y
copysign = elementwise(_np.copysign, lambda ans, x, y: where(signbit(x) == signbit(y), 1.0, -1.0), None,
                       reads=((0, 1), ()))
# heaviside(x, h0): a step in x; equal to h0 exactly where x == 0
heaviside = elementwise(_np.heaviside, None, lambda ans, x, h0: 1.0 * (x == 0), reads=((), (0,)))
# ldexp(x, n) = x 2**n, n an integer
ldexp = elementwise(_np.ldexp, lambda ans, x, n: exp2(n), None, reads=((1,), ()))
nextafter = elementwise(_np.nextafter, lambda ans, x, y: 1.0, None, reads=((), ()))
_modf_fraction = elementwise(lambda x: _np.modf(x)[0], lambda ans, x: 1.0, name="modf", reads=((),))
document(copysign, "in x1: d/dx1 = +-1 (the sign that x2 gives |x1|); x2 only sets a sign: no derivative",
         "float(gk.grad(lambda x: np.copysign(x, -1.0))(2.0))", "-1.0")
document(heaviside, "in x2 (the value at 0): d/dx2 = 1 where x1 == 0, else 0; a step in x1: no derivative",
         "float(gk.grad(lambda h: np.heaviside(0.0, h))(0.5)), float(gk.grad(lambda h: np.heaviside(1.0, h))(0.5))",
         "(1.0, 0.0)")
document(ldexp, "in x1: d/dx1 = 2^x2; the integer exponent x2 has no derivative",
         "float(gk.grad(lambda x: np.ldexp(x, 3))(1.5))", "8.0")
document(nextafter, "in x1: slope 1 (it moves x1 by one unit in the last place); x2 only sets the direction",
         "float(gk.grad(lambda x: np.nextafter(x, 2.0))(1.0))", "1.0")


def frexp(x, /):
    """np.frexp: (mantissa, exponent), x = mantissa 2**exponent; the mantissa's derivative is
    2**-exponent (the exponent is an integer).

    >>> import gradkit as gk, gradkit.numpy as np
    >>> np.frexp(np.array([8.0]))
    (array([0.5]), array([4], dtype=int32))
    >>> gk.grad(lambda x: np.frexp(x)[0])(8.0)   # 8 = 0.5 * 2**4: slope 2**-4
    np.float64(0.0625)
    """
    exponent = _frexp_exponent(x)
    return ldexp(x, -exponent), exponent


_frexp_exponent = nondiff(lambda x: _np.frexp(x)[1], name="frexp_exponent", broadcasting=True)


def modf(x, /):
    """np.modf: (fractional part, integral part); the fraction has slope 1.

    >>> import gradkit as gk, gradkit.numpy as np
    >>> np.modf(np.array([2.5]))
    (array([0.5]), array([2.]))
    >>> gk.grad(lambda x: np.modf(x)[0] + np.modf(x)[1])(2.5)
    np.float64(1.0)
    """
    return _modf_fraction(x), trunc(x)


def divmod(x1, x2, /):
    """np.divmod: (floor_divide(x1, x2), mod(x1, x2)); only the remainder has a derivative.

    >>> import gradkit as gk, gradkit.numpy as np
    >>> np.divmod(np.array([7.0]), 2.0)
    (array([3.]), array([1.]))
    >>> gk.grad(lambda x: np.divmod(x, 2.0)[1])(7.0)
    np.float64(1.0)
    """
    return floor_divide(x1, x2), mod(x1, x2)


def sort_complex(a):
    """np.sort_complex: sorted along the last axis (real part first), as complex numbers.

    Differentiable in ``a`` in both modes, to any order (a sort). Returns a complex array.

    >>> import gradkit as gk, gradkit.numpy as np
    >>> np.sort_complex(np.array([3.0, 1.0]))
    array([1.+0.j, 3.+0.j])
    >>> gk.grad(lambda x: np.real(np.sort_complex(x))[0])(np.array([3.0, 1.0]))
    array([0., 1.])
    """
    s = sort(a, axis=-1)
    return s if s.dtype.kind == "c" else astype(s, complex)
