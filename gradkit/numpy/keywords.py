"""NumPy's full signatures for the reductions: sum, mean, prod, max, min, var, std, cumsum,
cumprod take NumPy's positional order and keywords (dtype=, initial=, correction=...).

`dtype=` casts the input first, as NumPy accumulates in that type (floating and complex
targets keep the derivative, integer ones drop it). `out=` (a write into a plain array)
and `where=` are refused with an error that says what to write instead.

The differentiable ufuncs take NumPy's ufunc keywords (`ufunc_keywords`): out= into a
traced array, where= with out=, dtype= and casting=.
"""
import numpy as _np

from ..core import NonDifferentiableError, Tracer, concrete, primal
from . import reductions as _r
from .creation import astype
from .declare import broadcast_to, holds_tracer, shape_of
from .elementwise import maximum, minimum
from .indexing import setitem

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
    """Differentiable ``numpy.sum`` (NumPy's signature: ``dtype``, ``initial``; ``out=`` and
    ``where=`` refused).

    Differentiable in ``a`` in both modes, to any order: the backward pass broadcasts the
    cotangent over the summed axes; ``axis``, ``keepdims`` and ``dtype`` are static (an integer
    ``dtype`` drops the derivative).

    Returns the sums over ``axis``, traced when ``a`` is.

    >>> import gradkit as gk, gradkit.numpy as np
    >>> gk.grad(lambda x: np.sum(x ** 2))(np.array([1.0, 2.0, 3.0]))
    array([2., 4., 6.])
    >>> gk.grad(lambda x: np.sum(x, axis=0)[1])(np.ones((2, 2)))
    array([[0., 1.],
           [0., 1.]])
    """
    if out is not None or where is not _NoValue:
        refuse_keywords("sum", out, where)
    s = _r.sum(a if dtype is None else astype(a, dtype), axis, keepdims)
    return s if initial is _NoValue else s + initial


def mean(a, axis=None, dtype=None, out=None, keepdims=False, *, where=_NoValue):
    """Differentiable ``numpy.mean`` (NumPy's signature: ``dtype``; ``out=`` and ``where=`` refused).

    Differentiable in ``a`` in both modes, to any order: d/dx_i = 1/n over the averaged axes.
    Returns the means over ``axis``, traced when ``a`` is.

    >>> import gradkit as gk, gradkit.numpy as np
    >>> gk.grad(np.mean)(np.array([1.0, 2.0, 3.0, 4.0]))
    array([0.25, 0.25, 0.25, 0.25])
    """
    if out is not None or where is not _NoValue:
        refuse_keywords("mean", out, where)
    return _r.mean(a if dtype is None else astype(a, dtype), axis, keepdims)


def prod(a, axis=None, dtype=None, out=None, keepdims=False, initial=_NoValue, where=_NoValue):
    """Differentiable ``numpy.prod`` (NumPy's signature: ``dtype``, ``initial``; ``out=`` and
    ``where=`` refused).

    Differentiable in ``a`` in both modes, to any order: d/dx_i = the product of the other
    entries, exact at zero entries too (no division by x).

    Returns the products over ``axis``, traced when ``a`` is.

    >>> import gradkit as gk, gradkit.numpy as np
    >>> gk.grad(np.prod)(np.array([2.0, 0.0, 5.0]))
    array([ 0., 10.,  0.])
    """
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
    data, grad = {"max": ("[1.0, 3.0, 3.0]", "[0. , 0.5, 0.5]"), "min": ("[1.0, 1.0, 3.0]", "[0.5, 0.5, 0. ]")}[name]
    f.__doc__ = f"""Differentiable ``numpy.{name}`` (NumPy's signature, ``initial=`` too; ``out=`` and ``where=`` refused).

    Differentiable in ``a`` in both modes, to any order: the {name}imum gets derivative 1
    and tied {name}ima share it equally (a subgradient); ``axis`` and ``keepdims`` are static.
    Returns the {name}ima over ``axis``, traced when ``a`` is.

    >>> import gradkit as gk, gradkit.numpy as np
    >>> gk.grad(np.{name})(np.array({data}))
    array({grad})
    """
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
    rule, grad = {"var": ("2 (x - mean) / (n - ddof)", "[-1.,  0.,  1.]"),
                  "std": ("(x - mean) / ((n - ddof) std), where std > 0", "[-0.5,  0. ,  0.5]")}[name]
    f.__doc__ = f"""Differentiable ``numpy.{name}`` (NumPy's signature: ``ddof`` or ``correction``, ``dtype``;
    ``out=`` and ``where=`` refused, ``mean=`` not supported).

    Differentiable in ``a`` in both modes, to any order: d/dx = {rule}.
    Returns the {name} over ``axis``, traced when ``a`` is.

    >>> import gradkit as gk, gradkit.numpy as np
    >>> gk.grad(lambda x: np.{name}(x, ddof=1))(np.array([1.0, 2.0, 3.0]))
    array({grad})
    """
    return f


var = _spread(_r.var, "var")
std = _spread(_r.std, "std")


def cumsum(a, axis=None, dtype=None, out=None):
    """Differentiable ``numpy.cumsum`` (NumPy's signature; ``out=`` is refused).

    Differentiable in ``a`` in both modes, to any order; ``axis`` and ``dtype`` are static.
    The backward pass is the reversed cumulative sum of the cotangent.

    Returns what ``numpy.cumsum`` returns, traced when ``a`` is.

    >>> import gradkit as gk, gradkit.numpy as np
    >>> gk.grad(lambda x: np.sum(np.cumsum(x)))(np.ones(3))
    array([3., 2., 1.])
    """
    if out is not None:
        refuse_keywords("cumsum", out)
    return _r.cumsum(_cast(a, dtype), axis)


def cumprod(a, axis=None, dtype=None, out=None):
    """np.cumprod; its derivatives are exact at zero entries too (no division by x).

    Differentiable in ``a`` in both modes, to any order (``out=`` refused); ``axis`` and
    ``dtype`` are static. Returns the cumulative products, traced when ``a`` is.

    >>> import gradkit as gk, gradkit.numpy as np
    >>> gk.grad(lambda x: np.cumprod(x)[-1])(np.array([2.0, 0.0, 5.0]))
    array([ 0., 10.,  0.])
    """
    if out is not None:
        refuse_keywords("cumprod", out)
    return _r.cumprod(_cast(a, dtype), axis)



# -- the ufuncs' keywords -----------------------------------------------------------------
_UFUNC_KEYWORDS = ("out", "where", "dtype", "casting", "order", "subok")


def ufunc_keywords(prim, args, params):
    """A differentiable ufunc called with NumPy's ufunc keywords (the primitive's
    bind_keywords): `dtype=` casts the inputs first, as NumPy computes in that type, under
    `casting=` (default "same_kind"); `out=` writes the result into a traced array as
    `out[...] = result` does (views of it see the write) and returns it; `where=` (with
    `out=`) computes the entries where the mask is True only and keeps out's values elsewhere
    (so a / b, where=b != 0, has no 0 * inf in its derivative); `order=` and `subok=` change
    no value.
    A plain NumPy `out` cannot hold a derivative and is refused, as is `where=` without
    `out=` (NumPy leaves those entries uninitialised).

    >>> import gradkit as gk, gradkit.numpy as np
    >>> def f(a, b):
    ...     y = a * 1.0                       # a traced array: it can hold the result
    ...     np.divide(a, b, out=y, where=b != 0)
    ...     return np.sum(y)                  # a / b where b != 0, a elsewhere
    >>> gk.grad(f)(np.array([1.0, 1.0]), np.array([2.0, 0.0]))
    array([0.5, 1. ])
    """
    if not holds_tracer(args) and not holds_tracer(params):
        return prim.impl(*args, **params)
    unknown = [k for k in params if k not in _UFUNC_KEYWORDS]
    if unknown:
        raise TypeError(f"gradkit.numpy.{prim.name}: the keyword {unknown[0]}= is not supported on traced values "
                        f"(supported: {', '.join(k + '=' for k in _UFUNC_KEYWORDS)})")
    casting = params.get("casting", "same_kind")
    dtype = params.get("dtype")
    if dtype is not None:
        for a in args:
            if hasattr(primal(a), "dtype"):  # (Python numbers are weakly typed: they take any dtype)
                _check_cast(prim.name, "input", primal(a).dtype, dtype, casting)
        args = [astype(a, dtype) for a in args]
    out, where = params.get("out"), params.get("where", True)
    if type(out) is tuple and len(out) == 1:
        out = out[0]
    if out is None:
        if where is not True:
            raise TypeError(f"gradkit.numpy.{prim.name}: where= without out= leaves the entries where the mask "
                            f"is False uninitialised. Fix: write np.where(mask, np.{prim.name}(...), fill), or "
                            f"pass a traced out= holding the values to keep there.")
        return prim(*args)
    if type(out) is not Tracer:
        raise refuse_plain_out(prim.name)
    full = shape_of(out)
    if _np.broadcast_shapes(full, *map(shape_of, args)) != full:
        raise ValueError(f"non-broadcastable output operand with shape {full} doesn't match the broadcast "
                         f"shape {_np.broadcast_shapes(*map(shape_of, args))}")
    index = Ellipsis
    if where is not True:  # computed at the selected entries only, as NumPy does (no 0 * inf elsewhere)
        index = _np.broadcast_to(concrete(where, f"{prim.name}'s where= mask (the entries computed)"), full)
        args = [broadcast_to(a, full)[index] for a in args]
    ans = prim(*args)
    _check_cast(prim.name, "output", _np.result_type(primal(ans)), primal(out).dtype, casting)
    setitem(out, index, ans)
    return out


def refuse_plain_out(name):
    """The error for a traced result written into a plain NumPy array (out=, or `a += x`)."""
    return NonDifferentiableError(
        f"numpy.{name} was asked to write a traced value into a plain NumPy array (an out= argument, or an "
        f"in-place operator such as `a += x` on a NumPy array `a`), which would drop its derivative. Fix: "
        f"use the result as a new array (`a = a + x`; out= with where=: `np.where(mask, np.{name}(...), a)`), "
        f"or write into a traced array (out=y with y traced).")


def _check_cast(name, what, source, target, casting):
    if not _np.can_cast(source, target, casting):
        raise TypeError(f"gradkit.numpy.{name}: cannot cast the {what} from {_np.dtype(source)} to "
                        f"{_np.dtype(target)} with casting rule {casting!r} (as NumPy refuses)")

