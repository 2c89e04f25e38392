"""Building arrays: np.array/asarray from nested lists that may hold traced values, and
NumPy's constructors (zeros, ones, eye, arange, linspace, ...), which take no traced input."""
import numpy as _np

from ..core import Tracer, primal
from .declare import is_complex, nondiff, shape_of
from .elementwise import real
from .shape import stack

__all__ = ["array", "asarray", "asanyarray", "ascontiguousarray", "zeros_like", "ones_like",
           "full_like", "empty_like", "shape", "ndim", "size", "iscomplexobj", "isrealobj", "isscalar",
           "result_type", "astype"]


def _holds_tracer(obj):
    if type(obj) is Tracer:
        return True
    return type(obj) in (list, tuple) and any(_holds_tracer(o) for o in obj)


def array(object, dtype=None, copy=True, ndmin=0):
    """np.array; a (nested) list holding traced values becomes a traced array."""
    if _holds_tracer(object):
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
    if _holds_tracer(a):
        return array(a, dtype)
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


def full_like(a, fill_value, dtype=None, shape=None):
    return _like(lambda s, d: _np.full(s, fill_value, d))(a, dtype, shape)


_cast = nondiff(lambda x, dtype: _np.asarray(x).astype(dtype), name="astype", broadcasting=True)


def astype(x, dtype, copy=True):
    """x.astype(dtype): floating and complex results keep the derivative (complex to real
    keeps the real part); integers and booleans carry none."""
    if type(x) is not Tracer:
        return _np.asarray(x).astype(dtype, copy=copy)
    dtype = _np.dtype(dtype)
    if dtype.kind == "f":
        return real(x) if is_complex(x) else x
    if dtype.kind == "c":
        return x if is_complex(x) else x * (1 + 0j)
    return _cast(x, dtype=dtype)


# -- queries: answered from the shape and dtype, as the code at hand sees them (under vmap,
# without the batch axis); never traced
def shape(a):
    return tuple(shape_of(a))


def ndim(a):
    return len(shape_of(a))


def size(a, axis=None):
    s = shape_of(a)
    return int(_np.prod(s)) if axis is None else s[axis]


def iscomplexobj(x):
    return is_complex(x)


def isrealobj(x):
    return not is_complex(x)


def isscalar(element):
    return False if type(element) is Tracer else _np.isscalar(element)


def result_type(*arrays_and_dtypes):
    return _np.result_type(*[primal(a) for a in arrays_and_dtypes])


CONSTRUCTORS = ("zeros", "ones", "empty", "full", "eye", "identity", "arange", "linspace", "logspace",
                "geomspace", "meshgrid", "mgrid", "ogrid", "indices", "tri", "diag_indices",
                "triu_indices", "tril_indices", "ix_", "r_", "c_", "fromfunction", "frombuffer",
                "loadtxt", "genfromtxt", "load", "save", "savez", "savetxt", "unravel_index",
                "ravel_multi_index", "broadcast_shapes", "promote_types", "can_cast",
                "finfo", "iinfo", "dtype", "issubdtype", "unique", "searchsorted", "histogram", "bincount",
                "digitize", "set_printoptions", "printoptions", "errstate", "seterr", "geterr",
                "ndarray", "generic", "number", "integer", "floating", "complexfloating", "bool_",
                "float16", "float32", "float64", "complex64", "complex128", "int8", "int16", "int32",
                "int64", "uint8", "uint16", "uint32", "uint64", "intp", "double", "single",
                "longdouble", "pi", "e", "inf", "nan", "newaxis", "euler_gamma", "random",
                "testing", "lib", "emath")
