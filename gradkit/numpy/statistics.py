"""Statistics: quantiles (median, percentile, quantile and their nan* forms), ptp, cov,
corrcoef, and the nan* reductions.

A quantile is a sort followed by a gather and a linear blend of two neighbours, so its
derivative (in the data and, for the linear method, in q) comes from those operations; the
positions are computed with gradkit's own (non-differentiable) floor and casts, so they
batch under vmap. The nan* reductions replace NaNs by the neutral value of the reduction
(NaN entries get a zero derivative) and count only the others.
"""
import math

import numpy as _np

from ..core import Tracer
from .creation import astype
from .declare import broadcast_to, shape_of
from .elementwise import ceil, conj, floor, isnan, logical_not, minimum, real, round, sqrt, where
from .indexing import sort, take_along_axis
from .keywords import cumprod, cumsum, max, mean, min, prod, refuse_keywords, sum
from .linalg import diagonal
from .products import dot
from .declare import nondiff
from .reductions import any as _any, average
from .shape import atleast_2d, concatenate, moveaxis, reshape, squeeze

__all__ = ["ptp", "median", "quantile", "percentile", "nanmedian", "nanquantile", "nanpercentile", "nansum",
           "nanprod", "nanmean", "nanvar", "nanstd", "nanmax", "nanmin", "nancumsum", "nancumprod",
           "nanargmax", "nanargmin", "cov", "corrcoef"]

_NoValue = _np._NoValue


def _axes(axis, ndim):
    if axis is None:
        return tuple(range(ndim))
    axis = (axis,) if _np.ndim(axis) == 0 else tuple(axis)
    return tuple(sorted(a % ndim for a in axis))


def ptp(a, axis=None, out=None, keepdims=False):
    """np.ptp = max - min (ties in either share the derivative).

    Differentiable in ``a`` in both modes, to any order. Returns max - min over ``axis``,
    traced when ``a`` is.

    >>> import gradkit as gk, gradkit.numpy as np
    >>> gk.grad(np.ptp)(np.array([1.0, 4.0, 2.0]))
    array([-1.,  1.,  0.])
    """
    refuse_keywords("ptp", out)
    return max(a, axis=axis, keepdims=keepdims) - min(a, axis=axis, keepdims=keepdims)


# -- quantiles ----------------------------------------------------------------------------
_METHODS = ("linear", "lower", "higher", "nearest", "midpoint")


def _quantile(name, a, q, axis, method, keepdims, skip_nan):
    if method not in _METHODS:
        raise NotImplementedError(f"gradkit.numpy.{name}: method={method!r} is not supported; use one of {_METHODS}")
    if type(q) is not Tracer:
        q = _np.asarray(q, dtype=float)
        if q.size and not (q.min() >= 0 and q.max() <= 1):
            raise ValueError("Quantiles must be in the range [0, 1]")
    shape = shape_of(a)
    ndim = len(shape)
    axes = _axes(axis, ndim)
    rest = tuple(n for k, n in enumerate(shape) if k not in axes)
    n = math.prod(shape[k] for k in axes)
    if n == 0:
        raise ValueError(f"gradkit.numpy.{name} of an empty slice")
    flat = reshape(moveaxis(a, axes, tuple(range(ndim - len(axes), ndim))), rest + (n,))
    s = sort(flat, axis=-1)  # NaNs sort last
    q_shape = shape_of(q)
    qf = reshape(q, (1,) * len(rest) + (-1,))
    if skip_nan:  # each slice counts its non-NaN entries
        count = sum(astype(logical_not(isnan(flat)), float), axis=-1, keepdims=True)
    else:
        count = float(n)
    pos = qf * (count - 1.0)
    lo = floor(pos)
    if method == "nearest":
        lo = hi = round(pos)
    elif method == "lower":
        hi = lo
    elif method == "higher":
        lo = hi = ceil(pos)
    else:
        hi = ceil(pos)
    width = rest + (math.prod(q_shape),)

    def gather(index):
        index = astype(minimum(where(index < 0, 0, index), n - 1), _np.intp)
        return take_along_axis(s, broadcast_to(index, width), axis=-1)
    below = gather(lo)
    if method in ("lower", "higher", "nearest"):
        out = below
    elif method == "midpoint":
        out = 0.5 * (below + gather(hi))
    else:  # linear, blended as NumPy does (from the nearer end)
        t = pos - lo
        diff = gather(hi) - below
        out = where(t >= 0.5, gather(hi) - diff * (1.0 - t), below + diff * t)
    if not skip_nan:  # a NaN anywhere in a slice makes its quantiles NaN
        out = where(_any(isnan(flat), axis=-1, keepdims=True), _np.nan, out)
    out = moveaxis(out, -1, 0)
    kept = tuple(1 if k in axes else m for k, m in enumerate(shape)) if keepdims else rest
    return reshape(out, q_shape + kept)


def _quantile_function(name, skip_nan, scale):
    def f(a, q, axis=None, out=None, overwrite_input=False, method="linear", keepdims=False, *, weights=None,
          interpolation=None):
        refuse_keywords(name, out)
        if weights is not None or interpolation is not None:
            raise TypeError(f"gradkit.numpy.{name}: weights= and interpolation= are not supported (use method=)")
        if type(q) is not Tracer:
            q = _np.asarray(q, dtype=float)
        return _quantile(name, a, q if scale == 1 else q / scale, axis, method, keepdims, skip_nan)
    f.__name__ = f.__qualname__ = name
    f.__doc__ = _quantile_doc(name, skip_nan, scale)
    return f


def _quantile_doc(name, skip_nan, scale):
    """The docstring of quantile, percentile, nanquantile or nanpercentile, with an example
    that holds for it: the 25% point of 1, 2, 3, 4 sits 3/4 of the way from 1 to 2."""
    q, dq = ("0.25", "3.0") if scale == 1 else ("25.0", "0.03")
    data, grad = (("[4.0, np.nan, 1.0, 3.0, 2.0]", "[0.  , 0.  , 0.25, 0.  , 0.75]") if skip_nan else
                  ("[4.0, 1.0, 3.0, 2.0]", "[0.  , 0.25, 0.  , 0.75]"))
    skip = "\n    NaNs are skipped: they get derivative 0." if skip_nan else ""
    per = " (q in percent: 1/100 of quantile's derivative in q)" if scale != 1 else ""
    return f"""Differentiable ``numpy.{name}`` (methods {", ".join(_METHODS)}; ``out=`` and ``weights=`` refused).

    Differentiable in ``a`` in both modes, to any order: a gather from the sorted values, so
    the derivative goes to the one or two entries the result is blended from.{skip}
    For method="linear" it is differentiable in ``q`` too, with the slope between those two
    sorted values{per}.

    Returns the quantiles (an array of q's shape first when q is an array), traced when ``a``
    or ``q`` is.

    >>> import gradkit as gk, gradkit.numpy as np
    >>> x = np.array({data})
    >>> gk.grad(lambda x: np.{name}(x, {q}))(x)
    array({grad})
    >>> float(gk.grad(lambda q: np.{name}(x, q))({q}))
    {dq}
    """


quantile = _quantile_function("quantile", False, 1)
percentile = _quantile_function("percentile", False, 100.0)
nanquantile = _quantile_function("nanquantile", True, 1)
nanpercentile = _quantile_function("nanpercentile", True, 100.0)


def median(a, axis=None, out=None, overwrite_input=False, keepdims=False):
    """np.median: the mean of the middle one or two sorted values.

    Differentiable in ``a`` in both modes, to any order (a gather from the sorted values):
    the middle value gets derivative 1, or the middle two 1/2 each. ``out=`` is refused.
    Returns the medians over ``axis``, traced when ``a`` is.

    >>> import gradkit as gk, gradkit.numpy as np
    >>> gk.grad(np.median)(np.array([3.0, 1.0, 2.0, 4.0]))
    array([0.5, 0. , 0.5, 0. ])
    """
    refuse_keywords("median", out)
    return _quantile("median", a, 0.5, axis, "midpoint", keepdims, False)


def nanmedian(a, axis=None, out=None, overwrite_input=False, keepdims=False):
    """Differentiable ``numpy.nanmedian``: the median of the entries that are not NaN.

    Differentiable in ``a`` in both modes, to any order: the middle value (or the middle two,
    1/2 each) gets the derivative, NaNs get 0. ``out=`` is refused. Returns the medians over
    ``axis``, traced when ``a`` is.

    >>> import gradkit as gk, gradkit.numpy as np
    >>> gk.grad(np.nanmedian)(np.array([3.0, np.nan, 1.0, 2.0, 4.0]))
    array([0.5, 0. , 0. , 0.5, 0. ])
    """
    refuse_keywords("nanmedian", out)
    return _quantile("nanmedian", a, 0.5, axis, "midpoint", keepdims, True)


# -- nan* reductions ------------------------------------------------------------------------
def _filled(a, value):
    return where(isnan(a), value, a)


def _count(a, axis, keepdims):
    return sum(astype(logical_not(isnan(a)), float), axis=axis, keepdims=keepdims)


def nansum(a, axis=None, dtype=None, out=None, keepdims=False, initial=_NoValue, where=_NoValue):
    """Differentiable ``numpy.nansum``: ``sum`` with NaNs taken as 0 (NumPy's signature).

    Differentiable in ``a`` in both modes, to any order; NaN entries get derivative 0.
    Returns the sums, traced when ``a`` is.

    >>> import gradkit as gk, gradkit.numpy as np
    >>> gk.grad(np.nansum)(np.array([1.0, np.nan, 2.0]))
    array([1., 0., 1.])
    """
    return sum(_filled(a, 0.0), axis, dtype, out, keepdims, initial, where)


def nanprod(a, axis=None, dtype=None, out=None, keepdims=False, initial=_NoValue, where=_NoValue):
    """Differentiable ``numpy.nanprod``: ``prod`` with NaNs taken as 1 (NumPy's signature).

    Differentiable in ``a`` in both modes, to any order: d/dx_i = the product of the others;
    NaN entries get 0. Returns the products, traced when ``a`` is.

    >>> import gradkit as gk, gradkit.numpy as np
    >>> gk.grad(np.nanprod)(np.array([2.0, np.nan, 3.0]))
    array([3., 0., 2.])
    """
    return prod(_filled(a, 1.0), axis, dtype, out, keepdims, initial, where)


def nanmean(a, axis=None, dtype=None, out=None, keepdims=False, *, where=_NoValue):
    """Differentiable ``numpy.nanmean``: the mean of the entries that are not NaN (``out=`` and
    ``where=`` refused).

    Differentiable in ``a`` in both modes, to any order: 1/count for each counted entry, 0 for
    NaNs. Returns the means, traced when ``a`` is.

    >>> import gradkit as gk, gradkit.numpy as np
    >>> gk.grad(np.nanmean)(np.array([1.0, np.nan, 3.0]))
    array([0.5, 0. , 0.5])
    """
    refuse_keywords("nanmean", out, where)
    return nansum(a, axis, dtype, keepdims=keepdims) / _count(a, axis, keepdims)


def nanvar(a, axis=None, dtype=None, out=None, ddof=0, keepdims=False, *, where=_NoValue, mean=_NoValue,
           correction=_NoValue):
    """Differentiable ``numpy.nanvar``: the variance of the entries that are not NaN (``ddof`` or
    ``correction``; ``out=`` and ``where=`` refused).

    Differentiable in ``a`` in both modes, to any order: 2 (x_i - mean) / (count - ddof) for
    each counted entry, 0 for NaNs. Returns the variances, traced when ``a`` is.

    >>> import gradkit as gk, gradkit.numpy as np
    >>> gk.grad(np.nanvar)(np.array([1.0, np.nan, 3.0]))
    array([-1.,  0.,  1.])
    """
    refuse_keywords("nanvar", out, where)
    if correction is not _NoValue:
        ddof = correction
    centred = _filled(a - nanmean(a, axis, dtype, keepdims=True), 0.0)
    return sum(real(centred * conj(centred)), axis, keepdims=keepdims) / (_count(a, axis, keepdims) - ddof)


def nanstd(a, axis=None, dtype=None, out=None, ddof=0, keepdims=False, *, where=_NoValue, mean=_NoValue,
           correction=_NoValue):
    """Differentiable ``numpy.nanstd``: the square root of ``nanvar``.

    Differentiable in ``a`` in both modes, to any order, where the deviation is not 0:
    (x_i - mean) / ((count - ddof) std) for each counted entry, 0 for NaNs. Returns the
    standard deviations, traced when ``a`` is.

    >>> import gradkit as gk, gradkit.numpy as np
    >>> gk.grad(np.nanstd)(np.array([1.0, np.nan, 3.0]))
    array([-0.5,  0. ,  0.5])
    """
    return sqrt(nanvar(a, axis, dtype, out, ddof, keepdims, where=where, mean=mean, correction=correction))


def nanmax(a, axis=None, out=None, keepdims=False, initial=_NoValue, where=_NoValue):
    """np.nanmax (an all-NaN slice gives NaN, as NumPy's, without its warning).

    Differentiable in ``a`` in both modes, to any order: the maximum gets derivative 1 (tied
    maxima share it evenly), the rest 0. Returns the maxima, traced when ``a`` is.

    >>> import gradkit as gk, gradkit.numpy as np
    >>> gk.grad(np.nanmax)(np.array([1.0, np.nan, 3.0]))
    array([0., 0., 1.])
    """
    m = max(_filled(a, -_np.inf), axis, out, keepdims, initial, where)
    return _all_nan_to_nan(m, a, axis, keepdims)


def nanmin(a, axis=None, out=None, keepdims=False, initial=_NoValue, where=_NoValue):
    """Differentiable ``numpy.nanmin``: the minimum of the entries that are not NaN (an all-NaN
    slice gives NaN, without NumPy's warning).

    Differentiable in ``a`` in both modes, to any order: the minimum gets derivative 1 (tied
    minima share it evenly), the rest 0. Returns the minima, traced when ``a`` is.

    >>> import gradkit as gk, gradkit.numpy as np
    >>> gk.grad(np.nanmin)(np.array([1.0, np.nan, 3.0]))
    array([1., 0., 0.])
    """
    m = min(_filled(a, _np.inf), axis, out, keepdims, initial, where)
    return _all_nan_to_nan(m, a, axis, keepdims)


def _all_nan_to_nan(m, a, axis, keepdims):
    return where(_count(a, axis, keepdims) == 0, _np.nan, m)


def nancumsum(a, axis=None, dtype=None, out=None):
    """Differentiable ``numpy.nancumsum``: ``cumsum`` with NaNs taken as 0.

    Differentiable in ``a`` in both modes, to any order; NaN entries get derivative 0.
    Returns the cumulative sums, traced when ``a`` is.

    >>> import gradkit as gk, gradkit.numpy as np
    >>> gk.grad(lambda x: np.sum(np.nancumsum(x)))(np.array([1.0, np.nan, 2.0]))
    array([3., 0., 1.])
    """
    return cumsum(_filled(a, 0.0), axis, dtype, out)


def nancumprod(a, axis=None, dtype=None, out=None):
    """Differentiable ``numpy.nancumprod``: ``cumprod`` with NaNs taken as 1.

    Differentiable in ``a`` in both modes, to any order; NaN entries get derivative 0.
    Returns the cumulative products, traced when ``a`` is.

    >>> import gradkit as gk, gradkit.numpy as np
    >>> gk.grad(lambda x: np.sum(np.nancumprod(x)))(np.array([2.0, np.nan, 3.0]))
    array([5., 0., 2.])
    """
    return cumprod(_filled(a, 1.0), axis, dtype, out)


nanargmax, nanargmin = nondiff(_np.nanargmax), nondiff(_np.nanargmin)


# -- covariance and correlation ----------------------------------------------------------------
def cov(m, y=None, rowvar=True, bias=False, ddof=None, fweights=None, aweights=None, *, dtype=None):
    """np.cov, differentiable in the data and in the weights.

    Differentiable in ``m``, ``y``, ``fweights`` and ``aweights`` in both modes, to any order.
    Returns the covariance matrix (a scalar for one variable), traced when an input is.

    >>> import gradkit as gk, gradkit.numpy as np
    >>> gk.grad(np.cov)(np.array([1.0, 2.0, 3.0]))  # the variance: 2 (x - mean) / (n - 1)
    array([-1.,  0.,  1.])
    """
    if ddof is not None and ddof != int(ddof):
        raise ValueError("ddof must be integer")
    X = atleast_2d(m)
    if not rowvar and shape_of(X)[0] != 1:
        X = X.T
    if y is not None:
        Y = atleast_2d(y)
        if not rowvar and shape_of(Y)[0] != 1:
            Y = Y.T
        X = concatenate([X, Y], axis=0)
    if dtype is not None:
        X = astype(X, dtype)
    if ddof is None:
        ddof = 0 if bias else 1
    w = None
    if fweights is not None:
        w = fweights
    if aweights is not None:
        w = aweights if w is None else w * aweights
    avg, w_sum = average(X, axis=1, weights=w, returned=True)
    w_sum = w_sum[0]
    if w is None:
        fact = shape_of(X)[1] - ddof
    elif ddof == 0:
        fact = w_sum
    elif aweights is None:
        fact = w_sum - ddof
    else:
        fact = w_sum - ddof * sum(w * aweights) / w_sum
    X = X - avg[:, None]
    Xw = X if w is None else X * w
    c = dot(X, conj(Xw).T) / fact
    return squeeze(c)


def corrcoef(x, y=None, rowvar=True, bias=_NoValue, ddof=_NoValue, *, dtype=None):
    """np.corrcoef: cov scaled by the standard deviations (real parts clipped to [-1, 1]).

    Differentiable in ``x`` and ``y`` in both modes, to any order (zero where clipped, at
    exactly -1 or 1). Returns the correlation matrix, traced when an input is.

    >>> import gradkit as gk, gradkit.numpy as np
    >>> x, y = np.array([1.0, 2.0, 3.0]), np.array([1.0, 3.0, 2.0])
    >>> np.corrcoef(x, y)[0, 1]
    np.float64(0.5)
    >>> gk.grad(lambda y: np.corrcoef(x, y)[0, 1])(y)
    array([-0.25, -0.25,  0.5 ])
    """
    c = cov(x, y, rowvar, dtype=dtype)
    if len(shape_of(c)) == 0:
        return c / c
    d = real(diagonal(c))
    stddev = sqrt(d)
    c = c / stddev[:, None] / stddev[None, :]
    from .elementwise import clip, imag
    if _np.iscomplexobj(_np.empty(0, c.dtype)):
        return clip(real(c), -1, 1) + 1j * clip(imag(c), -1, 1)
    return clip(c, -1, 1)
