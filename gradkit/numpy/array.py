"""Array behaviour of traced values: operators, attributes, methods, and NumPy's own
functions called on them (dispatched to gradkit's through __array_function__ and
__array_ufunc__). Attached to the engine's Tracer class here, the layer that knows NumPy."""
import math

import numpy as _np

from ..core import NonDifferentiableError, Primitive, Tracer, UnsupportedFunctionError
from ..core import concrete
from ..core import primal as _p
from ..core import backend as _backend
from . import elementwise as ew
from . import aliasing, creation, indexing, keywords, products, reductions, shape
from .declare import shape_of

NUMPY_EQUIVALENTS = {}  # NumPy function or ufunc -> gradkit function; filled by gradkit.numpy


def _binary(f):
    return lambda self, other: f(self, other)


def _reflected(f):
    return lambda self, other: f(other, self)


def _refuse_conversion(self, *args, **kwargs):
    raise NonDifferentiableError(
        f"a traced value ({self!r}) was converted to a plain number or NumPy array, which would "
        "silently drop its derivative. This happens with float(x), np.asarray(x), x.item(), or "
        "`a[i] = x` where `a` is a plain NumPy array. Fix: keep computing with gradkit.numpy "
        "functions; to fill an array use gradkit.numpy.stack([...]) or "
        "`a = gradkit.numpy.index_update(a, i, x)`; to read a value without its derivative use "
        "gradkit.stop_gradient(x) or gradkit.primal(x).")


def _to_int(self):
    """int(x): an integer has a zero derivative, so nothing is dropped; the value leaves the
    trace through concrete (refused under jit and vmap, where it would be baked in)."""
    return int(concrete(self, "int() of a traced value"))


def _to_array(self, dtype=None, copy=None):
    """np.asarray(x, dtype=int), np.int64(x): integer and boolean arrays carry a zero derivative,
    so they are given (through concrete); any other conversion would drop the derivative."""
    if dtype is not None and _np.dtype(dtype).kind in "biu":
        return _np.asarray(concrete(self, f"conversion of a traced value to {_np.dtype(dtype)}"), dtype=dtype)
    return _refuse_conversion(self)


def _array_function(self, func, types, args, kwargs):
    ours = NUMPY_EQUIVALENTS.get(func)
    if ours is None:
        raise UnsupportedFunctionError(_unsupported(func))
    return ours(*args, **kwargs)


def _array_ufunc(self, ufunc, method, *inputs, **kwargs):
    ours = NUMPY_EQUIVALENTS.get(ufunc) if method == "__call__" else None
    if "out" in kwargs and getattr(ours, "bind_keywords", None) is None:
        raise keywords.refuse_plain_out(ufunc.__name__)
    if ours is None:
        raise UnsupportedFunctionError(_unsupported(ufunc.__name__ + ("" if method == "__call__" else "." + method)))
    return ours(*inputs, **kwargs)


def _unsupported(func):
    name = getattr(func, "__name__", str(func))
    return (f"numpy.{name} was called on a traced value, and gradkit has no derivative rule for it "
            f"yet. Use a gradkit.numpy function that does the same, apply it to "
            f"gradkit.stop_gradient(x) if no derivative is needed, or declare it with "
            f"gradkit.primitive and gradkit.defvjp.")


def _setitem(self, idx, value):
    indexing.setitem(self, idx, value)


def _inplace(f):
    """x op= y on a traced x: like NumPy, the array itself changes (other names bound to
    it see the new value); recorded as a new value that the tracer is rebound to."""
    def op(self, other):
        new = f(self, other)
        if type(new) is not Tracer:  # a result without derivative (x //= y): rebind the name only
            return new
        if shape_of(new) != shape_of(self):
            raise ValueError(f"non-broadcastable output operand with shape {shape_of(self)} doesn't match "
                             f"the broadcast shape {shape_of(new)}")
        aliasing.assign(self, new)
        return self
    return op


def _fill(self, value):
    """x.fill(v) changes x itself, as NumPy's does (the tracer is rebound; v's derivative flows)."""
    indexing.setitem(self, Ellipsis, value)  # (through views, as setitem)


def _missing_method(self, name):
    if hasattr(_np.ndarray, name):
        raise AttributeError(
            f"ndarray.{name} is not available on traced values (gradkit has no derivative for it, "
            f"or it changes an array in place where the derivative cannot follow). Fix: use the "
            f"gradkit.numpy function of that name on a new array, or apply it to "
            f"gradkit.stop_gradient(x) if no derivative is needed.")
    raise AttributeError(f"'Tracer' object has no attribute '{name}'")


def _take(self, indices, axis=None):
    return indexing.take(self, indices, axis)


def _sort(self, axis=-1, kind=None):
    """x.sort() sorts in place, as NumPy's does (the tracer is rebound)."""
    aliasing.assign(self, indexing.sort(self, axis))


def _len(self):
    shp = shape_of(self)
    if not shp:
        raise TypeError("len() of a 0-d traced array")
    return shp[0]


def _iter(self):
    return (self[i] for i in range(_len(self)))


def _reshape(self, *shp, order="C"):
    return shape.reshape(self, shp[0] if len(shp) == 1 else shp, order)


def _transpose(self, *axes):
    return shape.transpose(self, None if not axes else axes[0] if len(axes) == 1 else axes)


_METHODS = {
    "__add__": _binary(ew.add), "__radd__": _reflected(ew.add),
    "__sub__": _binary(ew.subtract), "__rsub__": _reflected(ew.subtract),
    "__mul__": _binary(ew.multiply), "__rmul__": _reflected(ew.multiply),
    "__truediv__": _binary(ew.divide), "__rtruediv__": _reflected(ew.divide),
    "__floordiv__": _binary(ew.floor_divide), "__rfloordiv__": _reflected(ew.floor_divide),
    "__mod__": _binary(ew.mod), "__rmod__": _reflected(ew.mod),
    "__pow__": lambda self, other: ew.square(self) if type(other) in (int, float) and other == 2 else ew.power(self, other),
    "__rpow__": _reflected(ew.power),
    "__matmul__": _binary(products.matmul), "__rmatmul__": _reflected(products.matmul),
    "__iadd__": _inplace(ew.add), "__isub__": _inplace(ew.subtract), "__imul__": _inplace(ew.multiply),
    "__itruediv__": _inplace(ew.divide), "__ipow__": _inplace(ew.power), "__imod__": _inplace(ew.mod),
    "__ifloordiv__": _inplace(ew.floor_divide), "__imatmul__": _inplace(products.matmul),
    "__neg__": ew.negative, "__pos__": ew.positive, "__abs__": ew.absolute,
    "__eq__": _binary(ew.equal), "__ne__": _binary(ew.not_equal),
    "__lt__": _binary(ew.less), "__le__": _binary(ew.less_equal),
    "__gt__": _binary(ew.greater), "__ge__": _binary(ew.greater_equal),
    "__hash__": object.__hash__,
    "__bool__": lambda self: bool(concrete(self, "Python control flow (bool of a traced array)")),
    "__float__": _refuse_conversion, "__int__": _to_int, "__complex__": _refuse_conversion,
    "__index__": _refuse_conversion, "__array__": _to_array,
    "item": _refuse_conversion, "tolist": _refuse_conversion,
    "__array_function__": _array_function, "__array_ufunc__": _array_ufunc, "__array_priority__": 100.0,
    "__array_namespace__": lambda self, api_version=None: _backend.traced_namespace(),  # Array API code
    "__getitem__": lambda self, idx: indexing.getitem(self, indexing._normalize(idx)),
    "__setitem__": _setitem,
    "__len__": _len, "__iter__": _iter,
    "shape": property(shape_of),
    "ndim": property(lambda self: len(shape_of(self))),
    "size": property(lambda self: math.prod(shape_of(self))),
    "dtype": property(lambda self: _np.result_type(_p(self))),
    "T": property(lambda self: shape.transpose(self)),
    "mT": property(lambda self: shape.swapaxes(self, -1, -2)),
    "real": property(ew.real), "imag": property(ew.imag),
    "at": property(indexing._At),
    "conj": ew.conj, "conjugate": ew.conj,
    "reshape": _reshape, "transpose": _transpose,
    "ravel": shape.ravel, "squeeze": shape.squeeze, "swapaxes": shape.swapaxes,
    "flatten": lambda self, order="C": shape.copy(shape.ravel(self, order)),  # a copy, never a view
    "repeat": shape.repeat, "diagonal": shape.diagonal, "trace": shape.trace, "copy": shape.copy,
    "sum": keywords.sum, "mean": keywords.mean, "prod": keywords.prod,  # NumPy's method signatures
    "max": keywords.max, "min": keywords.min, "var": keywords.var, "std": keywords.std,
    "cumsum": keywords.cumsum, "cumprod": keywords.cumprod,
    "argmax": reductions.argmax, "argmin": reductions.argmin, "argsort": reductions.argsort,
    "all": reductions.all, "any": reductions.any, "nonzero": reductions.nonzero,
    "dot": products.dot, "clip": ew.clip, "round": ew.round,
    "take": _take, "sort": _sort, "fill": _fill, "__getattr__": _missing_method, "argpartition": reductions.argpartition,
    "astype": lambda self, dtype, **kw: creation.astype(self, dtype),
}


def _as_method(attr):
    # primitives are callable objects, not functions, so they do not bind to `self`
    if isinstance(attr, Primitive):
        return lambda self, *args, **kwargs: attr(self, *args, **kwargs)
    return attr


for _name, _attr in _METHODS.items():
    setattr(Tracer, _name, _as_method(_attr))
