"""Reductions: sum, mean, prod, max/min, var/std, cumulative sums and products."""
import math

import numpy as _np

from ..core import Primitive, backend
from .declare import arraylike, batched_axis, broadcast_to, nondiff, shape_of
from .elementwise import conj, equal, exp, norm_root
from .shape import reshape


__all__ = [
    'sum', 'mean', 'prod', 'max', 'min', 'amax', 'amin', 'var', 'std', 'cumsum', 'cumprod',
    'argmax', 'argmin', 'argsort', 'argpartition', 'all', 'any', 'count_nonzero', 'nonzero', 'argwhere',
    'flatnonzero', 'average', 'diff', 'ediff1d', 'gradient', 'histogram']

def _axes(axis, ndim):
    if axis is None:
        return tuple(range(ndim))
    axis = (axis,) if isinstance(axis, (int, _np.integer)) else tuple(axis)
    return tuple(sorted(a % ndim for a in axis)) if ndim else ()


def _keepdims_shape(shape, axis):
    """The shape a reduction over `axis` keeps when keepdims=True."""
    axes = _axes(axis, len(shape))
    return tuple(1 if i in axes else n for i, n in enumerate(shape))


def _expand(g, x, axis, keepdims):
    """Broadcast a reduction's cotangent `g` back to the shape of `x`."""
    shape = shape_of(x)
    if not keepdims and axis is not None:  # (a total's cotangent is a scalar: it broadcasts as it is)
        g = reshape(g, _keepdims_shape(shape, axis))
    chunks = backend.chunks_of(x, shape)  # dask data: the cotangent spread over the data's own chunks
    return broadcast_to(g, shape) if chunks is None else broadcast_to(g, shape, chunks=chunks)


def _count(x, axis):
    shape = shape_of(x)
    return math.prod(shape[a] for a in _axes(axis, len(shape)))


def _sum(x, axis=None, keepdims=False):
    if type(x) is _np.ndarray:  # what np.sum does, without its dispatch (a third of a small sum's time)
        return _np.add.reduce(x, axis=axis, keepdims=keepdims)
    return _np.sum(x, axis=axis, keepdims=keepdims)


_sum_p = Primitive("sum", _sum)
_sum_p.defvjp(lambda g, ans, x, axis=None, keepdims=False: _expand(g, x, axis, keepdims), reads=((),))
_sum_p.defjvp(lambda t, ans, x, axis=None, keepdims=False: _sum_p(t, axis=axis, keepdims=keepdims))


def _reduction_batch(prim):
    """The batch rule of a reduction over `axis`: the same reduction, past the batch axis."""
    def rule(batched, x, axis=None, **params):
        return prim(x, axis=batched_axis(axis, len(shape_of(x)) - 1), **params)
    return prim.defbatch(rule)


def _scan_batch(prim):
    """The batch rule of a scan along `axis` (None: over the flattened array)."""
    def rule(batched, x, axis=None, **params):
        if axis is None:
            return prim(reshape(x, shape_of(x)[:1] + (-1,)), axis=1, **params)
        return prim(x, axis=batched_axis(axis, len(shape_of(x)) - 1), **params)
    return prim.defbatch(rule)


_reduction_batch(_sum_p)


def sum(a, axis=None, keepdims=False, dtype=None):
    """The sum over ``axis``: the primitive behind ``gradkit.numpy.sum`` (which takes NumPy's
    full signature; here ``dtype`` is ignored, the sum runs in the input's precision).

    Differentiable in ``a`` in both modes, to any order: the backward pass broadcasts the
    cotangent over the summed axes. Returns the sums, traced when ``a`` is.

    >>> import gradkit as gk, gradkit.numpy as np
    >>> from gradkit.numpy import reductions
    >>> gk.grad(lambda x: reductions.sum(x ** 2))(np.array([1.0, 2.0]))
    array([2., 4.])
    """
    return _sum_p(a, axis=_norm_axis(axis), keepdims=keepdims)


def mean(a, axis=None, keepdims=False):
    """The mean over ``axis`` (sum / count), behind ``gradkit.numpy.mean``.

    Differentiable in ``a`` in both modes, to any order: d/dx_i = 1/n. Returns the means,
    traced when ``a`` is.

    >>> import gradkit as gk, gradkit.numpy as np
    >>> from gradkit.numpy import reductions
    >>> gk.grad(reductions.mean)(np.array([1.0, 2.0, 3.0, 4.0]))
    array([0.25, 0.25, 0.25, 0.25])
    """
    a = arraylike(a)
    return sum(a, axis, keepdims) / _count(a, axis)


def _prod(x, axis=None, keepdims=False):
    return _np.prod(x, axis=axis, keepdims=keepdims)


def _prod_vjp(g, ans, x, axis=None, keepdims=False):
    # d prod / d x_i = prod / x_i, computed without dividing so that zeros are exact
    return _expand(g, x, axis, keepdims) * _prod_others(x, axis)


def _prod_others(x, axis):
    """For each entry, the product of the other entries along `axis`: the product of
    exclusive cumulative products from the left and from the right (no division, so
    zeros are handled exactly)."""
    from .shape import concatenate, flip, moveaxis
    ndim = len(shape_of(x))
    axes = _axes(axis, ndim)
    last = tuple(range(-len(axes), 0))
    moved = moveaxis(x, axes, last)
    flat = reshape(moved, shape_of(moved)[:ndim - len(axes)] + (-1,))
    ones = _np.ones(shape_of(flat)[:-1] + (1,))
    left = concatenate([ones, cumprod(flat, axis=-1)[..., :-1]], axis=-1)
    right = flip(concatenate([ones, cumprod(flip(flat, -1), axis=-1)[..., :-1]], axis=-1), -1)
    return moveaxis(reshape(left * right, shape_of(moved)), last, axes)


_prod_p = Primitive("prod", _prod)
_prod_p.defvjp(_prod_vjp, reads=((0,),))  # the other entries' product, from x alone
_reduction_batch(_prod_p)
_prod_p.defjvp(lambda t, ans, x, axis=None, keepdims=False:
               sum(t * _prod_others(x, axis), axis=axis, keepdims=keepdims))


def prod(a, axis=None, keepdims=False):
    """The product over ``axis``: the primitive behind ``gradkit.numpy.prod``.

    Differentiable in ``a`` in both modes, to any order: d/dx_i = the product of the other
    entries, from cumulative products (no division, so exact at zeros). Returns the products,
    traced when ``a`` is.

    >>> import gradkit as gk, gradkit.numpy as np
    >>> from gradkit.numpy import reductions
    >>> gk.grad(reductions.prod)(np.array([2.0, 0.0, 5.0]))
    array([ 0., 10.,  0.])
    """
    return _prod_p(a, axis=_norm_axis(axis), keepdims=keepdims)


def _max(x, axis=None, keepdims=False):
    return _np.max(x, axis=axis, keepdims=keepdims)


def _min(x, axis=None, keepdims=False):
    return _np.min(x, axis=axis, keepdims=keepdims)


def _extreme_weights(ans, x, axis, keepdims):
    # ties share the derivative equally (a subgradient)
    hit = equal(x, _expand(ans, x, axis, keepdims))
    return hit / sum(hit, axis=axis, keepdims=True)


def _extreme(prim):
    prim.defvjp(lambda g, ans, x, axis=None, keepdims=False:
                _expand(g, x, axis, keepdims) * _extreme_weights(ans, x, axis, keepdims), reads=((0, "ans"),))
    prim.defjvp(lambda t, ans, x, axis=None, keepdims=False:
                sum(t * _extreme_weights(ans, x, axis, keepdims), axis=axis, keepdims=keepdims))
    return prim


_max_p = _reduction_batch(_extreme(Primitive("max", _max)))
_min_p = _reduction_batch(_extreme(Primitive("min", _min)))


def max(a, axis=None, keepdims=False):
    """The maximum over ``axis``: the primitive behind ``gradkit.numpy.max``.

    Differentiable in ``a`` in both modes, to any order: tied maxima share the derivative
    equally (a subgradient). Returns the maxima, traced when ``a`` is.

    >>> import gradkit as gk, gradkit.numpy as np
    >>> from gradkit.numpy import reductions
    >>> gk.grad(reductions.max)(np.array([1.0, 3.0, 3.0]))
    array([0. , 0.5, 0.5])
    """
    return _max_p(a, axis=_norm_axis(axis), keepdims=keepdims)


def min(a, axis=None, keepdims=False):
    """The minimum over ``axis``: the primitive behind ``gradkit.numpy.min``.

    Differentiable in ``a`` in both modes, to any order: tied minima share the derivative
    equally (a subgradient). Returns the minima, traced when ``a`` is.

    >>> import gradkit as gk, gradkit.numpy as np
    >>> from gradkit.numpy import reductions
    >>> gk.grad(reductions.min)(np.array([1.0, 1.0, 3.0]))
    array([0.5, 0.5, 0. ])
    """
    return _min_p(a, axis=_norm_axis(axis), keepdims=keepdims)


amax, amin = max, min


def var(a, axis=None, ddof=0, keepdims=False):
    """The variance over ``axis`` with ``ddof``, behind ``gradkit.numpy.var``; for complex ``a``,
    the mean of |a - mean|^2.

    Differentiable in ``a`` in both modes, to any order: d/dx = 2 (x - mean) / (n - ddof).
    Returns the variances, traced when ``a`` is.

    >>> import gradkit as gk, gradkit.numpy as np
    >>> from gradkit.numpy import reductions
    >>> gk.grad(lambda x: reductions.var(x, ddof=1))(np.array([1.0, 2.0, 3.0]))
    array([-1.,  0.,  1.])
    """
    a = arraylike(a)
    centred = a - mean(a, axis, keepdims=True)
    return sum(real(centred * conj(centred)), axis, keepdims) / (_count(a, axis) - ddof)


def std(a, axis=None, ddof=0, keepdims=False):
    """np.std; at a constant input (and for 0-d ones), where it has no derivative, its
    derivative is taken as 0 (see norm_root).

    Differentiable in ``a`` in both modes, to any order: d/dx = (x - mean) / ((n - ddof) std).
    Behind ``gradkit.numpy.std``. Returns the standard deviations, traced when ``a`` is.

    >>> import gradkit as gk, gradkit.numpy as np
    >>> from gradkit.numpy import reductions
    >>> gk.grad(reductions.std)(np.array([1.0, 3.0]))
    array([-0.5,  0.5])
    >>> gk.grad(reductions.std)(np.array([2.0, 2.0]))
    array([0., 0.])
    """
    return norm_root(var(a, axis, ddof, keepdims))


def _cumsum(x, axis=None):
    return _np.cumsum(x, axis=axis)


def _cumsum_vjp(g, ans, x, axis=None):
    from .shape import flip  # the transpose of a cumulative sum is a reversed one
    g, ax = _flat_if_none(g, axis)
    return reshape(flip(_cumsum_p(flip(g, ax), axis=ax), ax), shape_of(x))


_cumsum_p = Primitive("cumsum", _cumsum)
_cumsum_p.defvjp(_cumsum_vjp, reads=((),))
_cumsum_p.defjvp(lambda t, ans, x, axis=None: _cumsum_p(t, axis=axis))
_scan_batch(_cumsum_p)


def cumsum(a, axis=None):
    """The cumulative sum along ``axis`` (flattened when None): the primitive behind
    ``gradkit.numpy.cumsum``.

    Differentiable in ``a`` in both modes, to any order: the backward pass is the reversed
    cumulative sum of the cotangent. Returns the cumulative sums, traced when ``a`` is.

    >>> import gradkit as gk, gradkit.numpy as np
    >>> from gradkit.numpy import reductions
    >>> gk.grad(lambda x: reductions.sum(reductions.cumsum(x)))(np.ones(3))
    array([3., 2., 1.])
    """
    return _cumsum_p(a, axis=axis)


def _cumprod(x, axis=None):
    return _np.cumprod(x, axis=axis)


def _flat_if_none(x, axis):
    return (reshape(x, (-1,)), 0) if axis is None else (x, axis)


# d cumprod_k = sum_{i <= k} (prod_{i < j <= k} x_j) cumprod_{i-1} t_i: a linear recurrence
# dy_k = x_k dy_{k-1} + cumprod_{k-1} t_k, solved by products and sums only (no division by
# x), so zeros are exact at every order
def _shift(x, ax, fill, by=1):
    """x moved `by` places along ax, `fill` entering at the front."""
    from .shape import concatenate
    shape = shape_of(x)
    k = ax % len(shape)
    if by >= shape[k]:
        return _np.full(shape, fill)
    pad = _np.full(shape[:k] + (by,) + shape[k + 1:], fill)
    return concatenate([pad, _slice_axis(x, None, shape[k] - by, ax)], axis=ax)


def _linear_recurrence(a, b, ax):
    """h with h_k = a_k h_{k-1} + b_k along ax (h_{-1} = 0), by recursive doubling: after
    the step of stride s, b_k sums the window (k - 2s, k] and a_k is the window's product."""
    n = shape_of(b)[ax]
    stride = 1
    while stride < n:
        b = b + a * _shift(b, ax, 0.0, stride)
        if 2 * stride < n:
            a = a * _shift(a, ax, 1.0, stride)
        stride *= 2
    return b


def _cumprod_jvp(t, ans, x, axis=None):
    t, ax = _flat_if_none(t, axis)
    x, _ = _flat_if_none(x, axis)
    return _linear_recurrence(x, _shift(ans, ax, 1.0) * t, ax)


def _cumprod_vjp(g, ans, x, axis=None):
    # the transpose: gx_i = cumprod_{i-1} s_i with s_i = g_i + x_{i+1} s_{i+1}, run backwards
    from .shape import flip
    xf, ax = _flat_if_none(x, axis)
    s = flip(_linear_recurrence(_shift(flip(xf, ax), ax, 0.0), flip(g, ax), ax), ax)
    return reshape(_shift(ans, ax, 1.0) * s, shape_of(x))


_cumprod_p = Primitive("cumprod", _cumprod)
_cumprod_p.defvjp(_cumprod_vjp, reads=((0, "ans"),))
_cumprod_p.defjvp(_cumprod_jvp)
_scan_batch(_cumprod_p)


def cumprod(a, axis=None):
    """np.cumprod; its derivatives are exact at zero entries too (no division by x).

    The primitive behind ``gradkit.numpy.cumprod``: differentiable in ``a`` in both modes, to
    any order. Returns the cumulative products, traced when ``a`` is.

    >>> import gradkit as gk, gradkit.numpy as np
    >>> from gradkit.numpy import reductions
    >>> gk.grad(lambda x: reductions.cumprod(x)[-1])(np.array([2.0, 0.0, 5.0]))
    array([ 0., 10.,  0.])
    """
    return _cumprod_p(a, axis=axis)


def average(a, axis=None, weights=None, returned=False, keepdims=False):
    """np.average; differentiable in both `a` and `weights`.

    Differentiable in ``a`` and ``weights`` in both modes, to any order:
    d/da_i = w_i / sum(w), d/dw_i = (a_i - average) / sum(w). Returns the average (and the sum
    of the weights with ``returned=True``), traced when an input is.

    >>> import gradkit as gk, gradkit.numpy as np
    >>> a, w = np.array([1.0, 3.0]), np.array([1.0, 3.0])
    >>> np.average(a, weights=w)
    np.float64(2.5)
    >>> gk.grad(lambda a, w: np.average(a, weights=w), argnums=(0, 1))(a, w)
    (array([0.25, 0.75]), array([-0.375,  0.125]))
    """
    a, weights = arraylike(a), arraylike(weights)
    if weights is None:
        avg = mean(a, axis, keepdims)
        scale = _np.full(shape_of(avg), float(_count(a, axis)))
    else:
        shape = shape_of(a)
        if shape_of(weights) != shape:  # 1-D weights along a single axis, as NumPy allows
            if axis is None or _np.ndim(axis) != 0 or len(shape_of(weights)) != 1:
                raise TypeError("gradkit.numpy.average: weights of a shape other than a's must be 1-D "
                                "and come with an integer axis")
            weights = reshape(weights, tuple(-1 if k == axis % len(shape) else 1 for k in range(len(shape))))
        scale = sum(broadcast_to(weights, shape), axis, keepdims)
        avg = sum(a * weights, axis, keepdims) / scale
    return (avg, scale) if returned else avg


def _slice_axis(a, start, stop, axis):
    idx = [slice(None)] * len(shape_of(a))
    idx[axis] = slice(start, stop)
    return a[tuple(idx)]


def diff(a, n=1, axis=-1, prepend=None, append=None):
    """np.diff: n-th differences along axis (a linear map: slices and a subtraction).

    >>> import gradkit as gk, numpy as np
    >>> gk.grad(lambda x: sum(diff(x) ** 2))(np.array([0.0, 1.0, 3.0]))
    array([-2., -2.,  4.])
    """
    from .shape import concatenate
    ndim = len(shape_of(a))
    axis %= ndim
    parts = []
    for extra in (prepend, a, append):
        if extra is None:
            continue
        if extra is not a and len(shape_of(extra)) == 0:  # a scalar becomes a slab of width 1
            extra = broadcast_to(extra, tuple(1 if k == axis else m for k, m in enumerate(shape_of(a))))
        parts.append(extra)
    if len(parts) > 1:
        a = concatenate(parts, axis=axis)
    for _ in range(n):
        a = _slice_axis(a, 1, None, axis) - _slice_axis(a, None, -1, axis)
    return a


def ediff1d(ary, to_end=None, to_begin=None):
    """Differentiable ``numpy.ediff1d``: the differences of consecutive entries of ``ary``
    flattened, with ``to_begin`` and ``to_end`` put around them.

    Differentiable in ``ary``, ``to_begin`` and ``to_end`` in both modes, to any order (a
    linear map). Returns a 1-D array, traced when an input is.

    >>> import gradkit as gk, gradkit.numpy as np
    >>> gk.grad(lambda x: np.sum(np.ediff1d(x) ** 2))(np.array([0.0, 1.0, 3.0]))
    array([-2., -2.,  4.])
    """
    from .shape import concatenate, ravel
    flat = ravel(ary)
    parts = [ravel(to_begin)] if to_begin is not None else []
    parts.append(flat[1:] - flat[:-1])
    if to_end is not None:
        parts.append(ravel(to_end))
    return concatenate(parts) if len(parts) > 1 else parts[0]


def gradient(f, *varargs, axis=None, edge_order=1):
    """np.gradient with uniform (scalar) spacings: central differences inside, one-sided
    differences of order `edge_order` at the ends (a linear map of f).

    Differentiable in ``f`` in both modes, to any order; the spacings are static. Returns an
    array (a tuple of arrays for several axes), traced when ``f`` is.

    >>> import gradkit as gk, gradkit.numpy as np
    >>> np.gradient(np.array([0.0, 1.0, 4.0, 9.0]))
    array([1., 2., 4., 5.])
    >>> gk.grad(lambda f: np.gradient(f)[1])(np.zeros(4))  # (f[2] - f[0]) / 2
    array([-0.5,  0. ,  0.5,  0. ])
    """
    from .shape import concatenate
    ndim = len(shape_of(f))
    axes = tuple(range(ndim)) if axis is None else (axis,) if _np.ndim(axis) == 0 else tuple(axis)
    axes = tuple(a % ndim for a in axes)
    spacing = varargs * len(axes) if len(varargs) == 1 else varargs or (1.0,) * len(axes)
    if len(spacing) != len(axes) or _np.ndim(spacing) != 1:
        raise NotImplementedError("gradkit.numpy.gradient supports one scalar spacing per axis (or one for all); "
                                  "for coordinate arrays, difference the values with gradkit.numpy.diff")
    if edge_order not in (1, 2):
        raise ValueError("'edge_order' greater than 2 not supported")
    out = []
    for ax, h in zip(axes, spacing):
        if shape_of(f)[ax] < edge_order + 1:
            raise ValueError("Shape of array too small to calculate a numerical gradient, at least "
                             "(edge_order + 1) elements are required.")

        def part(start, stop, ax=ax):
            return _slice_axis(f, start, stop, ax)

        inside = (part(2, None) - part(None, -2)) / (2.0 * h)
        if edge_order == 1:
            first = (part(1, 2) - part(0, 1)) / h
            last = (part(-1, None) - part(-2, -1)) / h
        else:
            first = (-1.5 * part(0, 1) + 2.0 * part(1, 2) - 0.5 * part(2, 3)) / h
            last = (0.5 * part(-3, -2) - 2.0 * part(-2, -1) + 1.5 * part(-1, None)) / h
        out.append(concatenate([first, inside, last], axis=ax))
    return out[0] if len(out) == 1 else tuple(out)


def histogram(a, bins=10, range=None, density=None, weights=None):
    """np.histogram. Counts are integers; weighted sums are differentiable in the weights,
    and bin edges that come from the data (no explicit edges or range) in its min and max.

    >>> import gradkit as gk, gradkit.numpy as np
    >>> a = np.array([0.0, 1.0, 4.0])
    >>> np.histogram(a, bins=2)
    (array([2, 1]), array([0., 2., 4.]))
    >>> gk.grad(lambda w: np.histogram(a, bins=2, weights=w)[0][1])(np.ones(3))  # the weights in bin 1
    array([0., 0., 1.])
    >>> gk.grad(lambda a: np.histogram(a, bins=2)[1][1])(a)  # the middle edge: (min + max) / 2
    array([0.5, 0. , 0.5])
    """
    from ..core import Tracer, concrete
    from .creation import linspace
    from .indexing import bincount
    from .shape import ravel
    values = concrete(a, "np.histogram's bins")
    counts, edges = _np.histogram(values, bins, range, weights=concrete(weights, "np.histogram's counts"))
    if type(weights) is Tracer:  # each weight goes to its entry's bin, as NumPy assigns them
        flat = _np.ravel(values)
        inside = (flat >= edges[0]) & (flat <= edges[-1])
        index = _np.minimum(_np.searchsorted(edges, flat, "right") - 1, len(edges) - 2)
        counts = bincount(index[inside], ravel(weights)[_np.flatnonzero(inside)], minlength=len(edges) - 1)
    if type(a) is Tracer and range is None and _np.ndim(bins) == 0 and values.size:
        low, high = min(a), max(a)
        if edges[0] != values.min():  # all values equal: NumPy widens the range by 1/2 each way
            low, high = low - 0.5, high + 0.5
        edges = linspace(low, high, len(edges))
    if density:
        from .reductions import sum as total
        counts = counts / total(counts) / (edges[1:] - edges[:-1])
    return counts, edges


# logsumexp (scipy.special's, kept here as a reduction for gradkit.scipy to export):
# d/dx_i log sum exp x = exp(x_i - ans), a softmax
def _logsumexp(x, axis=None, keepdims=False):
    m = _np.max(x, axis=axis, keepdims=True)
    m = _np.where(_np.isfinite(m), m, 0.0)
    out = _np.log(_np.sum(_np.exp(x - m), axis=axis, keepdims=True)) + m
    return out if keepdims else _np.squeeze(out, axis=_axes(axis, _np.ndim(x)))


def _softmax(ans, x, axis, keepdims):
    return exp(x - _expand(ans, x, axis, keepdims))


_logsumexp_p = Primitive("logsumexp", _logsumexp)
_logsumexp_p.defvjp(lambda g, ans, x, axis=None, keepdims=False:
                    _expand(g, x, axis, keepdims) * _softmax(ans, x, axis, keepdims), reads=((0, "ans"),))
_logsumexp_p.defjvp(lambda t, ans, x, axis=None, keepdims=False:
                    sum(t * _softmax(ans, x, axis, keepdims), axis=axis, keepdims=keepdims))
_reduction_batch(_logsumexp_p)


def logsumexp(a, axis=None, keepdims=False):
    """log(sum(exp(a), axis)) without overflow (scipy.special.logsumexp's core); its
    gradient is the softmax.

    >>> import gradkit as gk, numpy as np
    >>> gk.grad(logsumexp)(np.array([0.0, np.log(3.0)]))
    array([0.25, 0.75])
    """
    return _logsumexp_p(a, axis=_norm_axis(axis), keepdims=keepdims)


def _norm_axis(axis):
    if axis is None or isinstance(axis, (int, _np.integer)):
        return axis
    return tuple(axis)


from .elementwise import real  # noqa: E402  (var needs it; kept last to avoid an import cycle)

all, any, count_nonzero = (_reduction_batch(nondiff(f)) for f in (_np.all, _np.any, _np.count_nonzero))
argmax, argmin = (_scan_batch(nondiff(f)) for f in (_np.argmax, _np.argmin))
_argsort = _scan_batch(nondiff(_np.argsort))


def argsort(a, axis=-1, kind=None):
    """``numpy.argsort``: the indices that sort ``a`` along ``axis``.

    Not differentiable (integer indices); it accepts traced values and batches under vmap.
    To differentiate through a sort, use ``sort`` or gather with ``take_along_axis``.

    >>> import gradkit as gk, gradkit.numpy as np
    >>> np.argsort(np.array([3.0, 1.0, 2.0]))
    array([1, 2, 0])
    >>> gk.grad(lambda x: x[np.argsort(x)][0] * 10.0)(np.array([3.0, 1.0, 2.0]))
    array([ 0., 10.,  0.])
    """
    return _argsort(a, axis=axis, kind=kind)


_argpartition = _scan_batch(nondiff(_np.argpartition))


def argpartition(a, kth, axis=-1):
    """``numpy.argpartition``: indices that put the ``kth`` entry in its sorted place, smaller
    ones before it and larger ones after (in any order).

    Not differentiable (integer indices); it accepts traced values and batches under vmap.

    >>> import gradkit as gk, gradkit.numpy as np
    >>> int(np.argpartition(np.array([3.0, 1.0, 2.0]), 0)[0])
    1
    >>> gk.grad(lambda x: x[np.argpartition(x, 0)[0]])(np.array([3.0, 1.0, 2.0]))
    array([0., 1., 0.])
    """
    return _argpartition(a, kth=kth, axis=axis)
nonzero, argwhere, flatnonzero = (nondiff(f) for f in (_np.nonzero, _np.argwhere, _np.flatnonzero))
