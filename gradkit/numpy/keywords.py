"""NumPy's full signatures for the reductions: sum, mean, prod, max, min, var, std, cumsum,
cumprod take NumPy's positional order and keywords (dtype=, initial=, correction=...).

`dtype=` casts the input first, as NumPy accumulates in that type (floating and complex
targets keep the derivative, integer ones drop it). `out=` (a write into a plain array)
and `where=` are refused with an error that says what to write instead.
"""
import numpy as _np

from . import reductions as _r
from .creation import astype
from .elementwise import maximum, minimum

__all__ = ["sum", "mean", "prod", "max", "min", "amax", "amin", "var", "std", "cumsum", "cumprod"]

_NoValue = _np._NoValue


def refuse_keywords(name, out=None, where=_NoValue):
    """Refuse NumPy keyword arguments gradkit cannot honour, naming the fix."""
    if out is not None:
        raise TypeError(f"gradkit.numpy.{name}: out= writes into an existing array, which cannot carry a "
                        f"derivative; write `y = np.{name}(...)` and use the result")
    if where is not _NoValue and where is not True:
        raise TypeError(f"gradkit.numpy.{name}: where= is not supported; mask the input instead, e.g. "
                        f"np.{name}(np.where(mask, x, <neutral value>))")


def _cast(a, dtype):
    return a if dtype is None else astype(a, dtype)


def sum(a, axis=None, dtype=None, out=None, keepdims=False, initial=_NoValue, where=_NoValue):
    if out is not None or where is not _NoValue:
        refuse_keywords("sum", out, where)
    s = _r.sum(a if dtype is None else astype(a, dtype), axis, keepdims)
    return s if initial is _NoValue else s + initial


def mean(a, axis=None, dtype=None, out=None, keepdims=False, *, where=_NoValue):
    if out is not None or where is not _NoValue:
        refuse_keywords("mean", out, where)
    return _r.mean(a if dtype is None else astype(a, dtype), axis, keepdims)


def prod(a, axis=None, dtype=None, out=None, keepdims=False, initial=_NoValue, where=_NoValue):
    if out is not None or where is not _NoValue:
        refuse_keywords("prod", out, where)
    p = _r.prod(_cast(a, dtype), axis, keepdims)
    return p if initial is _NoValue else p * initial


def _extreme(reduce, combine, name):
    def f(a, axis=None, out=None, keepdims=False, initial=_NoValue, where=_NoValue):
        if out is not None or where is not _NoValue:
            refuse_keywords(name, out, where)
        m = reduce(a, axis, keepdims)
        return m if initial is _NoValue else combine(m, initial)
    f.__name__ = f.__qualname__ = name
    f.__doc__ = f"np.{name}; ties share the derivative equally (a subgradient)."
    return f


max = amax = _extreme(_r.max, maximum, "max")
min = amin = _extreme(_r.min, minimum, "min")


def _ddof(ddof, correction, name):
    if correction is _NoValue:
        return ddof
    if ddof != 0:
        raise ValueError(f"{name}: ddof and correction can't be provided simultaneously.")
    return correction


def _spread(reduce, name):
    """var or std with NumPy's keywords (one checking of them for both)."""
    def f(a, axis=None, dtype=None, out=None, ddof=0, keepdims=False, *, where=_NoValue, mean=_NoValue,
          correction=_NoValue):
        if out is not None or where is not _NoValue:
            refuse_keywords(name, out, where)
        if mean is not _NoValue:
            raise TypeError(f"gradkit.numpy.{name}: mean= is not supported (the mean is recomputed, with its "
                            f"derivative)")
        return reduce(_cast(a, dtype), axis, _ddof(ddof, correction, name), keepdims)
    f.__name__ = f.__qualname__ = name
    f.__doc__ = f"np.{name} with NumPy's signature (out= and where= refused, mean= not supported)."
    return f


var = _spread(_r.var, "var")
std = _spread(_r.std, "std")


def cumsum(a, axis=None, dtype=None, out=None):
    if out is not None:
        refuse_keywords("cumsum", out)
    return _r.cumsum(_cast(a, dtype), axis)


def cumprod(a, axis=None, dtype=None, out=None):
    """np.cumprod; its derivatives are exact at zero entries too (no division by x)."""
    if out is not None:
        refuse_keywords("cumprod", out)
    return _r.cumprod(_cast(a, dtype), axis)


for _f, _ref in ((sum, _np.sum), (mean, _np.mean), (prod, _np.prod), (var, _np.var), (std, _np.std),
                 (cumsum, _np.cumsum)):
    _f.__doc__ = _f.__doc__ or f"np.{_ref.__name__}, differentiable (NumPy's signature; out= and where= refused)."
