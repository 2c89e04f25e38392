"""Sampled signals: correlate, interp, trapezoid, unwrap, i0 and the Kaiser window
(the other windows, hanning, hamming, bartlett and blackman, depend on an integer length
only and are NumPy's own).

All are compositions: correlate is a convolution with the flipped conjugate, interp a
gather and a linear blend, trapezoid a sum of differences, unwrap the input plus a
piecewise-constant correction (slope 1 wherever it is continuous).
"""
import numpy as _np

from .declare import nondiff, shape_of
from .elementwise import conj, sqrt, where
from .indexing import take_along_axis
from .keywords import sum
from .reductions import diff
from .shape import concatenate, flip, ravel, reshape
from .signal_ops import convolve

__all__ = ["correlate", "interp", "trapezoid", "unwrap", "i0", "kaiser"]


def correlate(a, v, mode="valid"):
    """np.correlate: c[k] = sum_n a[n + k] conj(v[n]), a convolution of a with conj(v) flipped.

    Differentiable in ``a`` and ``v`` in both modes, to any order (a convolution). Returns the
    correlation, traced when ``a`` or ``v`` is.

    >>> import gradkit as gk, gradkit.numpy as np
    >>> np.correlate(np.array([1.0, 2.0, 3.0]), np.array([0.0, 1.0]))
    array([2., 3.])
    >>> gk.grad(lambda v: np.correlate(np.array([1.0, 2.0, 3.0]), v)[0])(np.zeros(2))   # c[0] = a0 v0 + a1 v1
    array([1., 2.])
    """
    if mode != "same":
        return convolve(a, conj(flip(v)), mode)
    n, m = shape_of(a)[0], shape_of(v)[0]
    start = (m - 1) // 2 if n >= m else n // 2  # where NumPy centres its window
    return convolve(a, conj(flip(v)), "full")[start:start + max(n, m)]


# the interval of xp holding each x (as np.interp picks it), clipped to the inner ones
_interval = nondiff(lambda xp, x: _np.clip(_np.searchsorted(xp, x, "right") - 1, 0, max(len(xp) - 2, 0)),
                    name="interp_interval")


def interp(x, xp, fp, left=None, right=None, period=None):
    """np.interp, differentiable in x (the slope of the segment), fp (the blend weights) and
    xp (the segment ends).

    >>> import gradkit as gk, numpy as onp
    >>> float(gk.grad(lambda x: interp(x, onp.array([0.0, 1.0, 3.0]), onp.array([0.0, 2.0, 3.0])))(2.0))
    0.5
    """
    if len(shape_of(xp)) != 1 or shape_of(xp) != shape_of(fp):
        raise ValueError("fp and xp are not of the same length.")
    if shape_of(xp)[0] == 0:
        raise ValueError("array of sample points is empty")
    if period is not None:
        if period == 0:
            raise ValueError("period must be a non-zero value")
        period = abs(period)
        left = right = None
        x = x % period
        xp = xp % period
        from .reductions import argsort
        order = argsort(xp)
        xp, fp = take_along_axis(xp, order, 0), take_along_axis(fp, order, 0)
        xp = concatenate([xp[-1:] - period, xp, xp[0:1] + period])
        fp = concatenate([fp[-1:], fp, fp[0:1]])
    if shape_of(xp)[0] == 1:
        inside = fp[0] + 0.0 * x
    else:
        k = _interval(xp, ravel(x))
        x0, x1 = take_along_axis(xp, k, 0), take_along_axis(xp, k + 1, 0)
        f0, f1 = take_along_axis(fp, k, 0), take_along_axis(fp, k + 1, 0)
        t = (ravel(x) - x0) / (x1 - x0)
        inside = reshape(f0 + t * (f1 - f0), shape_of(x))
    out = where(x > xp[-1], fp[-1] if right is None else right, inside)
    out = where(x == xp[-1], fp[-1], out)
    return where(x < xp[0], fp[0] if left is None else left, out)


def trapezoid(y, x=None, dx=1.0, axis=-1):
    """np.trapezoid: the trapezoidal rule, differentiable in y and in the sample points x.

    Returns the integral over ``axis``, traced when ``y`` or ``x`` is.

    >>> import gradkit as gk, gradkit.numpy as np
    >>> gk.grad(np.trapezoid)(np.zeros(4))   # the weights 1/2, 1, 1, 1/2
    array([0.5, 1. , 1. , 0.5])
    >>> gk.grad(lambda x: np.trapezoid(np.array([1.0, 1.0]), x))(np.array([0.0, 2.0]))   # d(x1 - x0)
    array([-1.,  1.])
    """
    ndim = len(shape_of(y))
    axis %= ndim
    if x is None:
        d = dx
    else:
        d = diff(x, axis=-1 if len(shape_of(x)) == 1 else axis)
        if len(shape_of(x)) == 1:
            d = reshape(d, tuple(-1 if k == axis else 1 for k in range(ndim)))
    n = shape_of(y)[axis]
    head = tuple(slice(1, None) if k == axis else slice(None) for k in range(ndim))
    tail = tuple(slice(None, n - 1) if k == axis else slice(None) for k in range(ndim))
    return sum(d * (y[head] + y[tail]) / 2.0, axis=axis)


def _unwrap_correction(p, discont, axis, period):
    return _np.unwrap(p, discont, axis, period=period) - p


# the correction is a multiple of the period, constant between the jumps: no derivative
_correction = nondiff(_unwrap_correction, name="unwrap_correction")
_correction.defbatch(lambda batched, p, discont, axis, period: _correction(p, discont, axis, period))


def unwrap(p, discont=None, axis=-1, *, period=2 * _np.pi):
    """np.unwrap: p plus multiples of the period that remove its jumps (slope 1).

    Differentiable in ``p`` in both modes, to any order (slope 1; the correction is piecewise
    constant). Returns the unwrapped phases, traced when ``p`` is.

    >>> import gradkit as gk, gradkit.numpy as np
    >>> np.unwrap(np.array([0.0, 3.0, -3.0]))
    array([0.        , 3.        , 3.28318531])
    >>> gk.grad(lambda p: np.sum(np.unwrap(p)))(np.array([0.0, 3.0, -3.0]))
    array([1., 1., 1.])
    """
    return p + _correction(p, discont, axis % len(shape_of(p)) - len(shape_of(p)), period)


def i0(x):
    """np.i0, the modified Bessel function of order 0 (its derivative is I1).

    Differentiable in ``x`` in both modes, to any order. Returns I0(x), traced when ``x`` is.

    >>> import gradkit as gk, gradkit.numpy as np, scipy.special
    >>> float(gk.grad(np.i0)(1.0)), float(scipy.special.i1(1.0))
    (0.5651591039924851, 0.5651591039924851)
    """
    from ..scipy.special import i0 as _i0
    return _i0(x)


def kaiser(M, beta):
    """np.kaiser, differentiable in beta.

    Returns the window of length ``M``, traced when ``beta`` is (``M`` is a plain integer).

    >>> import gradkit as gk, gradkit.numpy as np, scipy.special as sp
    >>> np.kaiser(3, 0.0)                        # beta = 0: a flat window
    array([1., 1., 1.])
    >>> float(gk.grad(lambda b: np.kaiser(3, b)[0])(1.0))   # the ends are 1 / I0(beta)
    -0.352580362318...
    >>> float(-sp.i1(1.0) / sp.i0(1.0) ** 2)
    -0.352580362318...
    """
    if M == 1:
        return _np.ones(1)
    if M < 1:
        return _np.array([])
    n = _np.arange(0, M)
    alpha = (M - 1) / 2.0
    return i0(beta * sqrt(1 - ((n - alpha) / alpha) ** 2.0)) / i0(beta)

