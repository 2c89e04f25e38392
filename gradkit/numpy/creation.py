"""Building arrays: np.array/asarray from nested lists that may hold traced values; the
constructors whose values can depend on traced inputs (linspace, logspace, geomspace,
full, full_like, meshgrid), differentiable; and NumPy's other constructors (zeros, ones,
eye, arange, ...), which take no traced input."""
import numpy as _np

from ..core import Tracer, primal
from .declare import broadcasting_batch, holds_tracer, is_complex, linear, nondiff, shape_of
from .elementwise import positive, power, real
from .shape import broadcast_arrays, broadcast_to, moveaxis, ravel, reshape, stack

__all__ = ["array", "asarray", "asanyarray", "ascontiguousarray", "zeros_like", "ones_like",
           "full_like", "empty_like", "shape", "ndim", "size", "iscomplexobj", "isrealobj", "isscalar",
           "result_type", "astype", "linspace", "logspace", "geomspace", "full", "meshgrid"]


def array(object, dtype=None, copy=True, ndmin=0):
    """np.array; a (nested) list holding traced values becomes a traced array.

    Differentiable in every traced value in ``object`` in both modes, to any order (they are
    stacked). Returns an array, traced when ``object`` holds a traced value.

    >>> import gradkit as gk, gradkit.numpy as np
    >>> gk.grad(lambda x: np.sum(np.array([[x, 2 * x], [3.0, x ** 2]])))(1.0)
    np.float64(5.0)
    """
    if type(object) is Tracer and copy:  # a new array, never the traced value itself
        object = positive(object)
    if holds_tracer(object):
        out = _stack_nested(object)
        if dtype is not None:
            out = out.astype(dtype)
        return out
    return _np.array(object, dtype=dtype, copy=copy, ndmin=ndmin)


def _stack_nested(obj):
    if type(obj) in (list, tuple):
        return stack([_stack_nested(o) for o in obj])
    if type(obj) is Tracer:
        return obj
    obj = _np.asarray(obj)
    return obj if obj.dtype.kind in "fc" else obj.astype(float)


def asarray(a, dtype=None):
    """Differentiable ``numpy.asarray``: ``array`` for a (nested) list holding traced values, a
    traced value itself as it is, and NumPy's asarray otherwise.

    Differentiable in the traced values in both modes, to any order. Returns an array,
    traced when ``a`` holds a traced value.

    >>> import gradkit as gk, gradkit.numpy as np
    >>> gk.grad(lambda x: np.sum(np.asarray([x, x]) ** 2))(3.0)
    np.float64(12.0)
    """
    if holds_tracer(a):
        return array(a, dtype, copy=False)  # (a traced array itself, not a copy, as NumPy's)
    return _np.asarray(a, dtype=dtype)


asanyarray = ascontiguousarray = asarray


def _like(fill):
    def make(a, dtype=None, shape=None):
        from .declare import shape_of
        from ..core import primal
        dt = dtype or _np.result_type(primal(a))
        return fill(shape_of(a) if shape is None else shape, dt)
    return make


zeros_like = _like(_np.zeros)
ones_like = _like(_np.ones)
empty_like = _like(_np.empty)


def _like_doc(name, example):
    return f"""``numpy.{name}``: a new plain array of ``a``'s shape (or ``shape``) and dtype (or ``dtype``).

    Not differentiable: it reads only ``a``'s shape and dtype (under vmap, without the batch
    axis), so a traced ``a`` gives a plain NumPy array, a constant of the computation.

    >>> import gradkit as gk, gradkit.numpy as np
    {example}
    """


zeros_like.__doc__ = _like_doc("zeros_like", """>>> gk.grad(lambda x: np.sum(x + np.zeros_like(x)))(np.array([1.0, 2.0]))
    array([1., 1.])""")
ones_like.__doc__ = _like_doc("ones_like", """>>> gk.grad(lambda x: np.sum(x * np.ones_like(x)))(np.array([1.0, 2.0]))
    array([1., 1.])""")
empty_like.__doc__ = _like_doc("empty_like", """>>> np.empty_like(np.zeros((2, 3)), dtype=np.float32).shape
    (2, 3)""")


def full(shape, fill_value, dtype=None, order="C"):
    """np.full; a traced fill_value is broadcast, so the result is differentiable in it.

    Differentiable in ``fill_value`` in both modes, to any order: each entry's cotangent adds
    up in it. Returns the array, traced when ``fill_value`` is.

    >>> import gradkit as gk, gradkit.numpy as np
    >>> gk.grad(lambda v: np.sum(np.full((2, 3), v)))(1.0)
    np.float64(6.0)
    """
    if not holds_tracer(fill_value):
        return _np.full(shape, fill_value, dtype, order)
    out = broadcast_to(asarray(fill_value), (shape,) if _np.ndim(shape) == 0 else tuple(shape))
    return out if dtype is None else astype(out, dtype)


def full_like(a, fill_value, dtype=None, shape=None):
    """Differentiable ``numpy.full_like``: ``full`` with ``a``'s shape (or ``shape``) and dtype
    (or ``dtype``).

    Differentiable in ``fill_value`` in both modes, to any order; ``a`` only gives the shape
    and dtype. Returns the array, traced when ``fill_value`` is.

    >>> import gradkit as gk, gradkit.numpy as np
    >>> gk.grad(lambda v: np.sum(np.full_like(np.zeros(4), v)))(1.0)
    np.float64(4.0)
    """
    if holds_tracer(fill_value):
        return full(shape_of(a) if shape is None else shape, fill_value, dtype)
    return _like(lambda s, d: _np.full(s, fill_value, d))(a, dtype, shape)


def linspace(start, stop, num=50, endpoint=True, retstep=False, dtype=None, axis=0):
    """np.linspace, differentiable in start and stop (an affine function of them).

    >>> import gradkit as gk
    >>> gk.grad(lambda t: linspace(0.0, t, 5).sum())(2.0)
    np.float64(2.5)
    """
    if not (holds_tracer(start) or holds_tracer(stop)):
        return _np.linspace(start, stop, num, endpoint, retstep, dtype, axis)
    start, stop = asarray(start), asarray(stop)
    rank = len(_np.broadcast_shapes(shape_of(start), shape_of(stop)))
    div = num - 1 if endpoint else num
    fraction = (_np.arange(num) / div if div > 0 else _np.zeros(num)).reshape((num,) + (1,) * rank)
    step = (stop - start) / div if div > 0 else _np.nan * (stop - start)
    out = start + (stop - start) * fraction
    if axis != 0:
        out = moveaxis(out, 0, axis)
    if dtype is not None:
        out = astype(out, dtype)
    return (out, step) if retstep else out


def logspace(start, stop, num=50, endpoint=True, base=10.0, dtype=None, axis=0):
    """Differentiable ``numpy.logspace``: base ** linspace(start, stop, num).

    Differentiable in ``start``, ``stop`` and ``base`` in both modes, to any order. Returns
    the sequence, traced when one of them is.

    >>> import gradkit as gk, gradkit.numpy as np
    >>> np.logspace(0.0, 2.0, 3)
    array([  1.,  10., 100.])
    >>> gk.grad(lambda b: np.sum(np.logspace(0.0, 2.0, 3, base=b)))(10.0)  # d(1 + b + b^2)/db
    np.float64(21.0)
    """
    if not (holds_tracer(start) or holds_tracer(stop) or holds_tracer(base)):
        return _np.logspace(start, stop, num, endpoint, base, dtype, axis)
    exponents = linspace(start, stop, num, endpoint, axis=axis)
    if _np.ndim(primal(base)) != 0:  # one base per sequence: it broadcasts like start and stop
        base = _np.expand_dims(base, axis) if type(base) is not Tracer else reshape(
            base, _np.expand_dims(_np.empty(shape_of(base)), axis).shape)
    out = power(base, exponents)
    return out if dtype is None else astype(out, dtype)


def geomspace(start, stop, num=50, endpoint=True, dtype=None, axis=0):
    """np.geomspace for endpoints of one sign, differentiable in both:
    start * (stop / start) ** t for t evenly spaced in [0, 1].

    Differentiable in ``start`` and ``stop`` in both modes, to any order. Returns the
    sequence, traced when either is.

    >>> import gradkit as gk, gradkit.numpy as np
    >>> gk.grad(lambda s: np.geomspace(1.0, s, 3)[1])(4.0)  # the middle term sqrt(s)
    np.float64(0.25)
    """
    if not (holds_tracer(start) or holds_tracer(stop)):
        return _np.geomspace(start, stop, num, endpoint, dtype, axis)
    start, stop = asarray(start), asarray(stop)
    rank = len(_np.broadcast_shapes(shape_of(start), shape_of(stop)))
    div = num - 1 if endpoint else num
    fraction = (_np.arange(num) / div if div > 0 else _np.zeros(num)).reshape((num,) + (1,) * rank)
    out = start * power(stop / start, fraction)
    if axis != 0:
        out = moveaxis(out, 0, axis)
    return out if dtype is None else astype(out, dtype)


def meshgrid(*xi, copy=True, sparse=False, indexing="xy"):
    """np.meshgrid: each output is one input reshaped and broadcast (differentiable).

    Differentiable in every input in both modes, to any order. Returns a tuple of arrays,
    traced where the inputs are.

    >>> import gradkit as gk, gradkit.numpy as np
    >>> X, Y = np.meshgrid(np.arange(3.0), np.arange(2.0))
    >>> X.shape
    (2, 3)
    >>> gk.grad(lambda x: np.sum(np.meshgrid(x, np.arange(2.0))[0]))(np.zeros(3))
    array([2., 2., 2.])
    """
    if not holds_tracer(list(xi)):
        return _np.meshgrid(*xi, copy=copy, sparse=sparse, indexing=indexing)
    if indexing not in ("xy", "ij"):
        raise ValueError("Valid values for `indexing` are 'xy' and 'ij'.")
    ndim = len(xi)
    shapes = [(1,) * k + (-1,) + (1,) * (ndim - k - 1) for k in range(ndim)]
    if indexing == "xy" and ndim > 1:  # the first two axes swap places
        shapes[0], shapes[1] = (1, -1) + shapes[0][2:], (-1, 1) + shapes[1][2:]
    out = [reshape(ravel(asarray(x)), s) for x, s in zip(xi, shapes)]
    return tuple(out if sparse else broadcast_arrays(*out))


_cast = nondiff(lambda x, dtype: _np.asarray(x).astype(dtype), name="astype", broadcasting=True)


def astype(x, dtype, copy=True):
    """x.astype(dtype): floating and complex results keep the derivative (complex to real
    keeps the real part); integers and booleans carry none.

    >>> import gradkit as gk, gradkit.numpy as np
    >>> gk.grad(lambda x: np.sum(np.astype(x, np.float32) * x))(np.array([1.0, 2.0]))
    array([2., 4.])
    >>> gk.grad(lambda x: np.sum(np.astype(x, int) * x))(np.array([1.5, 2.5]))
    array([1., 2.])
    """
    if type(x) is not Tracer:
        return _np.asarray(x).astype(dtype, copy=copy)
    dtype = _np.dtype(dtype)
    if dtype.kind == "f":
        x = real(x) if is_complex(x) else x
    elif dtype.kind == "c":
        x = x if is_complex(x) else x * (1 + 0j)
    else:
        return _cast(x, dtype=dtype)
    return x if x.dtype == dtype else _convert(x, dtype=dtype)


# a change of precision (float64 -> float32...): its cotangent comes back in the input's precision
_convert = linear(lambda x, dtype: x.astype(dtype), lambda g, ans, x, dtype: _convert(g, dtype=x.dtype),
                  name="astype")
_convert.defbatch(broadcasting_batch(_convert))


# -- queries: answered from the shape and dtype, as the code at hand sees them (under vmap,
# without the batch axis); never traced
def shape(a):
    """``numpy.shape``: the shape of ``a`` as the code at hand sees it (under vmap, without the
    batch axis).

    Not differentiable (a tuple of ints). Accepts traced values.

    >>> import gradkit as gk, gradkit.numpy as np
    >>> np.shape(np.zeros((2, 3)))
    (2, 3)
    >>> gk.vmap(lambda x: np.sum(x) * np.shape(x)[0])(np.ones((4, 3)))
    array([9., 9., 9., 9.])
    """
    return tuple(shape_of(a))


def ndim(a):
    """``numpy.ndim``: the number of axes of ``a`` as the code at hand sees it (under vmap,
    without the batch axis).

    Not differentiable (an int). Accepts traced values.

    >>> import gradkit as gk, gradkit.numpy as np
    >>> np.ndim(np.zeros((2, 3)))
    2
    >>> gk.vmap(lambda x: np.ndim(x) * 1.0)(np.ones((4, 3)))
    array([1., 1., 1., 1.])
    """
    return len(shape_of(a))


def size(a, axis=None):
    """``numpy.size``: the number of entries of ``a``, or its length along ``axis`` (under vmap,
    without the batch axis).

    Not differentiable (an int). Accepts traced values.

    >>> import gradkit as gk, gradkit.numpy as np
    >>> np.size(np.zeros((2, 3))), np.size(np.zeros((2, 3)), 1)
    (6, 3)
    >>> gk.grad(lambda x: np.sum(x) / np.size(x))(np.ones(4))
    array([0.25, 0.25, 0.25, 0.25])
    """
    s = shape_of(a)
    return int(_np.prod(s)) if axis is None else s[axis]


def iscomplexobj(x):
    """``numpy.iscomplexobj``: whether ``x`` has a complex dtype, for traced values too.

    Not differentiable (a bool).

    >>> import gradkit as gk, gradkit.numpy as np
    >>> np.iscomplexobj(np.array([1.0 + 0j])), np.iscomplexobj(2.0)
    (True, False)
    """
    return is_complex(x)


def isrealobj(x):
    """``numpy.isrealobj``: whether ``x`` does not have a complex dtype, for traced values too.

    Not differentiable (a bool).

    >>> import gradkit as gk, gradkit.numpy as np
    >>> np.isrealobj(np.array([1.0 + 0j])), np.isrealobj(2.0)
    (False, True)
    """
    return not is_complex(x)


def isscalar(element):
    """``numpy.isscalar``: whether ``element`` is a NumPy or Python scalar; a traced value is
    never one (as a 0-d array is not).

    Not differentiable (a bool).

    >>> import gradkit as gk, gradkit.numpy as np
    >>> np.isscalar(2.0), np.isscalar(np.zeros(2))
    (True, False)
    >>> gk.grad(lambda x: x * np.isscalar(x))(2.0)
    np.float64(0.0)
    """
    return False if type(element) is Tracer else _np.isscalar(element)


def result_type(*arrays_and_dtypes):
    """``numpy.result_type`` of the values' (traced or not) dtypes and of dtypes.

    Not differentiable (a dtype).

    >>> import gradkit as gk, gradkit.numpy as np
    >>> np.result_type(np.float32(1.0), np.int64)
    dtype('float64')
    """
    return _np.result_type(*[primal(a) for a in arrays_and_dtypes])


# NumPy's own objects, re-exported unchanged: constructors of plain arrays, dtypes, constants
NUMPY_OBJECTS = ("zeros", "ones", "empty", "eye", "identity", "arange", "mgrid", "ogrid", "indices", "tri",
                 "diag_indices", "triu_indices", "tril_indices", "ix_", "r_", "c_", "fromfunction",
                 "frombuffer", "loadtxt", "genfromtxt", "load", "save", "savez", "savetxt", "broadcast_shapes",
                 "promote_types", "set_printoptions", "printoptions", "errstate", "seterr", "geterr",
                 "finfo", "iinfo", "dtype", "ndarray", "generic", "number", "integer", "floating",
                 "complexfloating", "bool_", "float16", "float32", "float64", "complex64", "complex128", "int8",
                 "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64", "intp", "double", "single",
                 "longdouble", "pi", "e", "inf", "nan", "newaxis", "euler_gamma")
# NumPy functions that read arrays without a derivative: they accept traced values
NUMPY_READERS = ("unravel_index", "ravel_multi_index", "can_cast", "issubdtype", "searchsorted", "digitize")
