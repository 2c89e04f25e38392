"""Building and rearranging arrays: block, delete, insert, resize, choose, compress, extract,
piecewise, apply_along_axis, apply_over_axes, diagflat, make_diagonal, trim_zeros, r_/c_,
the set functions whose values are gathered from their inputs, and NumPy's in-place
writers (put, place, putmask, copyto, put_along_axis, fill_diagonal).

Most are one gather: NumPy's own function run on an array of flat positions says where each
output entry comes from, and the input is gathered there, so the derivative is the
gather's. The in-place writers act as assignment does: on a traced array they record a
functional update and rebind it (other names bound to it see the change); writing a
traced value into a plain NumPy array is refused, since that array cannot carry it.
"""
import math

import numpy as _np

from ..core import Tracer
from ..core.trace import concrete
from .creation import asarray
from .declare import broadcast_to, shape_of
from .elementwise import where
from .indexing import index_update, setitem, take, take_along_axis, unique
from .shape import (atleast_1d, concatenate, diag, expand_dims, moveaxis, ravel, reshape, stack, transpose,
                    vstack)

__all__ = ["block", "delete", "insert", "resize", "choose", "compress", "extract", "piecewise", "apply_along_axis",
           "apply_over_axes", "diagflat", "make_diagonal", "trim_zeros", "row_stack", "r_", "c_", "put",
           "place", "putmask", "copyto", "put_along_axis", "fill_diagonal", "asarray_chkfinite", "asfortranarray",
           "require", "union1d", "setdiff1d", "setxor1d", "unique_values", "unique_counts", "unique_inverse",
           "unique_all", "histogram_bin_edges"]


def _positions(a):
    """The flat position of every entry of a, in a's shape (NumPy's functions move these)."""
    return _np.arange(math.prod(shape_of(a))).reshape(shape_of(a))


def _gather(a, positions):
    return ravel(a)[positions]


def _plain(x, why):
    return concrete(x, why) if type(x) is Tracer else x


def block(arrays):
    """np.block: nested lists of arrays joined, the innermost along the last axis.

    Differentiable in every block in both modes, to any order (a concatenation). Returns the
    joined array, traced when any block is.

    >>> import gradkit as gk, gradkit.numpy as np
    >>> gk.grad(lambda x: np.sum(np.block([[x, 2 * x], [3 * x, 4 * x]])))(np.ones((1, 1)))
    array([[10.]])
    """
    def depth(x, trail):
        if type(x) is tuple:
            raise TypeError(f"arrays is a tuple. Only lists can be used to arrange blocks, and np.block does "
                            f"not allow implicit conversion from tuple to ndarray (at arrays{trail}).")
        if type(x) is not list:
            return 0, len(shape_of(x))
        if not x:
            raise ValueError(f"List at arrays{trail} cannot be empty")
        found = [depth(e, f"{trail}[{k}]") for k, e in enumerate(x)]
        if len({d for d, _ in found}) != 1:
            raise ValueError(f"List depths are mismatched at arrays{trail}")
        return found[0][0] + 1, max(n for _, n in found)
    levels, rank = depth(arrays, "")
    ndim = max(levels, rank)

    def join(x, level):
        if type(x) is not list:
            x = asarray(x)
            return reshape(x, (1,) * (ndim - len(shape_of(x))) + shape_of(x))
        return concatenate([join(e, level + 1) for e in x], axis=-(levels - level))
    return join(arrays, 0)


# -- gathers ------------------------------------------------------------------------------------
def delete(arr, obj, axis=None):
    """Differentiable ``numpy.delete``: ``arr`` without the entries ``obj`` along ``axis`` (a gather).

    Differentiable in ``arr`` in both modes, to any order; ``obj`` and ``axis`` are static
    (a traced ``obj`` is read by value). The deleted entries get zero derivative.

    Returns the remaining entries, traced when ``arr`` is.

    >>> import gradkit as gk, gradkit.numpy as np
    >>> gk.grad(lambda x: np.sum(np.delete(x, 1) ** 2))(np.array([1.0, 2.0, 3.0]))
    array([2., 0., 6.])
    """
    return _gather(arr, _np.delete(_positions(arr), _plain(obj, "np.delete's indices"), axis))


def insert(arr, obj, values, axis=None):
    """np.insert, differentiable in arr and values (placed as NumPy places them).

    ``obj`` and ``axis`` are static. Returns the array with ``values`` inserted, traced when
    ``arr`` or ``values`` is.

    >>> import gradkit as gk, gradkit.numpy as np
    >>> np.insert(np.array([1.0, 2.0]), 1, 5.0)
    array([1., 5., 2.])
    >>> float(gk.grad(lambda v: np.sum(np.insert(np.zeros(2), 1, v) * np.array([1.0, 7.0, 1.0])))(5.0))
    7.0
    """
    values = asarray(values)
    marks = -1 - _positions(values)  # negative codes: entries of values
    codes = _np.insert(_positions(arr), _plain(obj, "np.insert's indices"), marks, axis)
    if not shape_of(values):
        codes = _np.where(codes < 0, -1, codes)
    from_values = codes < 0
    picked_arr = _gather(arr, _np.where(from_values, 0, codes)) if math.prod(shape_of(arr)) else 0.0
    return where(from_values, _gather(values, _np.where(from_values, -1 - codes, 0)), picked_arr)


def resize(a, new_shape):
    """Differentiable ``numpy.resize``: ``a`` repeated cyclically (or cut) to ``new_shape``.

    Differentiable in ``a`` in both modes, to any order (a gather): the cotangents of the
    copies add up. Returns the resized array, traced when ``a`` is.

    >>> import gradkit as gk, gradkit.numpy as np
    >>> gk.grad(lambda x: np.sum(np.resize(x, 5)))(np.zeros(2))
    array([3., 2.])
    """
    new_shape = (new_shape,) if _np.ndim(new_shape) == 0 else tuple(new_shape)
    size = math.prod(shape_of(a))
    total = math.prod(new_shape)
    if size == 0 or total == 0:
        return _np.zeros(new_shape, dtype=a.dtype)
    return reshape(ravel(a)[_np.arange(total) % size], new_shape)


def diagflat(v, k=0):
    """Differentiable ``numpy.diagflat``: a 2-D array with ``v`` flattened on its ``k``-th diagonal.

    Differentiable in ``v`` in both modes, to any order. Returns the matrix, traced when
    ``v`` is.

    >>> import gradkit as gk, gradkit.numpy as np
    >>> np.diagflat(np.array([[1.0, 2.0]]), 1)
    array([[0., 1., 0.],
           [0., 0., 2.],
           [0., 0., 0.]])
    >>> gk.grad(lambda v: np.trace(np.diagflat(v)))(np.zeros((1, 2)))
    array([[1., 1.]])
    """
    return diag(ravel(v), k)


def make_diagonal(D, offset=0, axis1=0, axis2=1):
    """autograd's make_diagonal, the transpose of diagonal: an array whose diagonal(offset,
    axis1, axis2) is D (diagonals along D's last axis), zero elsewhere.

    Differentiable in ``D`` in both modes, to any order. Returns the array, traced when
    ``D`` is.

    >>> import gradkit as gk, gradkit.numpy as np
    >>> np.make_diagonal(np.array([1.0, 2.0]))
    array([[1., 0.],
           [0., 2.]])
    >>> gk.grad(lambda d: np.sum(np.make_diagonal(d) @ np.array([1.0, 10.0])))(np.zeros(2))
    array([ 1., 10.])
    """
    n = shape_of(D)[-1]
    m = n + abs(offset)
    index = _np.full((m, m), -1)
    rows = _np.arange(n) + max(0, -offset)
    index[rows, rows + offset] = _np.arange(n)
    square = where(index >= 0, D[..., _np.maximum(index, 0)], 0.0)
    ndim = len(shape_of(square))
    a1, a2 = axis1 % ndim, axis2 % ndim
    return moveaxis(square, (-2, -1), (a1, a2))


def choose(a, choices, mode="raise"):
    """np.choose, differentiable in the choices (a holds integer indices).

    Differentiable in each choice in both modes, to any order; ``a`` and ``mode`` are static
    (integer indices carry no derivative). Returns the chosen entries, traced when a choice is.

    >>> import gradkit as gk, gradkit.numpy as np
    >>> f = lambda x, y: np.sum(np.choose(np.array([0, 1, 1]), [x, y]))
    >>> gk.grad(f, argnums=(0, 1))(np.zeros(3), np.zeros(3))
    (array([1., 0., 0.]), array([0., 1., 1.]))
    """
    if mode not in ("raise", "wrap", "clip"):
        raise ValueError(f"clipmode not understood: {mode!r}")
    choices = [asarray(c) for c in choices]
    shape = _np.broadcast_shapes(shape_of(a), *[shape_of(c) for c in choices])
    n = len(choices)
    if mode == "wrap":
        a = a % n
    elif mode == "clip":
        from .elementwise import clip
        a = clip(a, 0, n - 1)
    index = broadcast_to(a, shape)[None]
    stacked = stack([broadcast_to(c, shape) for c in choices])
    return take_along_axis(stacked, index, axis=0)[0]


def compress(condition, a, axis=None):
    """Differentiable ``numpy.compress``: the slices of ``a`` along ``axis`` where ``condition``
    holds (a gather).

    Differentiable in ``a`` in both modes, to any order; ``condition`` is read by value.
    Returns the kept slices, traced when ``a`` is.

    >>> import gradkit as gk, gradkit.numpy as np
    >>> gk.grad(lambda x: np.sum(np.compress([True, False, True], x) ** 2))(np.array([1.0, 2.0, 3.0]))
    array([2., 0., 6.])
    """
    keep = _np.flatnonzero(_plain(condition, "np.compress's condition"))
    return take(a, keep, axis)


def extract(condition, arr):
    """Differentiable ``numpy.extract``: the entries of ``arr`` where ``condition`` holds, flattened.

    Differentiable in ``arr`` in both modes, to any order; ``condition`` is read by value.
    Returns a 1-D array, traced when ``arr`` is.

    >>> import gradkit as gk, gradkit.numpy as np
    >>> gk.grad(lambda x: np.sum(np.extract(x > 1.5, x) ** 2))(np.array([1.0, 2.0, 3.0]))
    array([0., 4., 6.])
    """
    return ravel(arr)[_np.flatnonzero(_plain(condition, "np.extract's condition"))]


def trim_zeros(filt, trim="fb", axis=None):
    """np.trim_zeros: a slice of filt (the zeros are found on its value).

    Differentiable in ``filt`` in both modes, to any order. Returns the trimmed slice, traced
    when ``filt`` is.

    >>> import gradkit as gk, gradkit.numpy as np
    >>> np.trim_zeros(np.array([0.0, 1.0, 2.0, 0.0]))
    array([1., 2.])
    >>> gk.grad(lambda x: np.sum(np.trim_zeros(x) ** 2))(np.array([0.0, 1.0, 2.0, 0.0]))
    array([0., 2., 4., 0.])
    """
    values = _np.asarray(_plain(filt, "np.trim_zeros's search for zeros"))
    trim = trim.lower()
    ndim = values.ndim
    axes = range(ndim) if axis is None else [a % ndim for a in _np.atleast_1d(axis)]
    box = [slice(None)] * ndim
    nonzero = _np.nonzero(values)
    for ax in axes:
        if not len(nonzero[ax]):  # all zeros: an empty slice along every trimmed axis
            box[ax] = slice(0, 0)
            continue
        start = int(nonzero[ax].min()) if "f" in trim else 0
        stop = int(nonzero[ax].max()) + 1 if "b" in trim else values.shape[ax]
        box[ax] = slice(start, stop)
    return filt[tuple(box)]


# -- functions of functions -----------------------------------------------------------------------
def piecewise(x, condlist, funclist, *args, **kw):
    """np.piecewise: each function sees only the entries its condition selects, as in NumPy.

    Differentiable in ``x`` in both modes, to any order, through the functions; the
    conditions are read by value. Returns an array of ``x``'s shape, traced when ``x`` is.

    >>> import gradkit as gk, gradkit.numpy as np
    >>> f = lambda x: np.sum(np.piecewise(x, [x < 0, x >= 0], [lambda t: -t, lambda t: t ** 2]))
    >>> gk.grad(f)(np.array([-1.0, 3.0]))
    array([-1.,  6.])
    """
    x = asarray(x)
    shape = shape_of(x)
    if _np.isscalar(condlist) or (not isinstance(condlist[0], (list, _np.ndarray, Tracer)) and len(shape) != 0):
        condlist = [condlist]
    conds = [_np.asarray(concrete(c, "np.piecewise's conditions"), bool) for c in condlist]
    if len(funclist) == len(conds) + 1:
        other = ~_np.any(conds, axis=0) if conds else _np.ones(shape, bool)
        conds.append(other)
    elif len(funclist) != len(conds):
        raise ValueError(f"with {len(conds)} condition(s), either {len(conds)} or {len(conds) + 1} functions are "
                         f"expected")
    out = _np.zeros(shape, dtype=x.dtype)
    for cond, f in zip(conds, funclist):
        cond = _np.broadcast_to(cond, shape)
        if not callable(f):
            out = where(cond, f, out)
        elif cond.any():
            vals = f(x[cond], *args, **kw) if shape else f(x, *args, **kw)
            out = index_update(out, cond, vals) if shape else where(cond, vals, out)
    return out


def apply_along_axis(func1d, axis, arr, *args, **kwargs):
    """np.apply_along_axis: func1d on every 1-d slice along axis, the results stacked where
    the axis was.

    Differentiable in ``arr`` in both modes, to any order, through ``func1d`` (which is
    called once per slice). Returns the stacked results, traced when ``arr`` is.

    >>> import gradkit as gk, gradkit.numpy as np
    >>> gk.grad(lambda x: np.sum(np.apply_along_axis(np.prod, 1, x)))(np.array([[1.0, 2.0], [3.0, 4.0]]))
    array([[2., 1.],
           [4., 3.]])
    """
    ndim = len(shape_of(arr))
    axis %= ndim
    moved = moveaxis(arr, axis, -1)
    outer = shape_of(moved)[:-1]
    results = [asarray(func1d(moved[idx], *args, **kwargs)) for idx in _np.ndindex(*outer)]
    if not results:
        raise ValueError("Cannot apply_along_axis when any iteration dimensions are 0")
    inner = shape_of(results[0])
    out = reshape(stack(results), outer + inner)
    k = len(inner)
    if k == 0:
        return out
    return moveaxis(out, tuple(range(len(outer), len(outer) + k)), tuple(range(axis, axis + k)))


def apply_over_axes(func, a, axes):
    """Differentiable ``numpy.apply_over_axes``: ``func(a, axis)`` applied for each axis in turn,
    the axes kept.

    Differentiable in ``a`` in both modes, to any order, through ``func``. Returns an array
    of ``a``'s rank, traced when ``a`` is.

    >>> import gradkit as gk, gradkit.numpy as np
    >>> np.apply_over_axes(np.sum, np.ones((2, 3)), [0, 1])
    array([[6.]])
    >>> gk.grad(lambda x: np.apply_over_axes(np.sum, x ** 2, [0, 1])[0, 0])(np.array([[1.0, 2.0]]))
    array([[2., 4.]])
    """
    val = asarray(a)
    ndim = len(shape_of(val))
    for axis in (axes,) if _np.ndim(axes) == 0 else axes:
        axis %= ndim
        res = func(val, axis)
        if len(shape_of(res)) == len(shape_of(val)):
            val = res
        else:
            res = expand_dims(res, axis)
            if len(shape_of(res)) != len(shape_of(val)):
                raise ValueError("function is not returning an array of the correct shape")
            val = res
    return val


# -- conversions that only NumPy's memory layout would change -----------------------------------------
def asarray_chkfinite(a, dtype=None, order=None):
    """Differentiable ``numpy.asarray_chkfinite``: ``asarray``, with ValueError where an entry is
    inf or NaN (the check reads the value).

    Differentiable in ``a`` in both modes, to any order (the identity). Returns the array,
    traced when ``a`` is.

    >>> import gradkit as gk, gradkit.numpy as np
    >>> gk.grad(lambda x: np.sum(np.asarray_chkfinite(x) ** 2))(np.array([1.0, 2.0]))
    array([2., 4.])
    """
    a = asarray(a, dtype)
    if not _np.isfinite(concrete(a, "np.asarray_chkfinite's check")).all():
        raise ValueError("array must not contain infs or NaNs")
    return a


def asfortranarray(a, dtype=None, *, like=None):
    """Differentiable ``numpy.asfortranarray``: the array itself, at least 1-D (memory layout
    has no meaning for a traced value).

    Differentiable in ``a`` in both modes, to any order. Returns the array, traced when ``a`` is.

    >>> import gradkit as gk, gradkit.numpy as np
    >>> gk.grad(lambda x: np.sum(np.asfortranarray(x) ** 2))(np.array([1.0, 2.0]))
    array([2., 4.])
    """
    return atleast_1d(asarray(a, dtype))


def require(a, dtype=None, requirements=None, *, like=None):
    """Differentiable ``numpy.require``: the array itself (``requirements`` on memory layout have
    no meaning for a traced value).

    Differentiable in ``a`` in both modes, to any order. Returns the array, traced when ``a`` is.

    >>> import gradkit as gk, gradkit.numpy as np
    >>> gk.grad(lambda x: np.sum(np.require(x, requirements="C") ** 2))(np.array([1.0, 2.0]))
    array([2., 4.])
    """
    return asarray(a, dtype)


def row_stack(tup, *, dtype=None, casting="same_kind"):
    """np.row_stack (deprecated in NumPy 2; vstack).

    Differentiable in every array in both modes, to any order.

    >>> import gradkit as gk, gradkit.numpy as np
    >>> gk.grad(lambda x: np.row_stack([x, x])[1, 1])(np.zeros(2))
    array([0., 1.])
    """
    return vstack(tup)


# -- r_ and c_ ------------------------------------------------------------------------------------
class _Concatenator:
    """np.r_ / np.c_ holding traced values: pieces (slices become ranges) concatenated along
    an axis, after NumPy's directive string 'axis[,ndmin[,trans1d]]'."""

    def __init__(self, axis, ndmin, trans1d, numpy_obj):
        self.axis, self.ndmin, self.trans1d, self.numpy_obj = axis, ndmin, trans1d, numpy_obj

    def __getitem__(self, key):
        key = key if isinstance(key, tuple) else (key,)
        if not any(type(k) is Tracer for k in key):
            return self.numpy_obj[key]
        axis, ndmin, trans1d = self.axis, self.ndmin, self.trans1d
        pieces = []
        for k, item in enumerate(key):
            if isinstance(item, str):
                if k != 0 or item in ("r", "c"):
                    raise NotImplementedError(f"gradkit.numpy r_/c_: the directive {item!r} is not supported "
                                              f"with traced values")
                parts = [int(p) for p in item.split(",")]
                axis, ndmin, trans1d = (parts + [ndmin, trans1d][len(parts) - 1:])[:3]
                continue
            if isinstance(item, slice):
                pieces.append(_np.r_[item])
                continue
            piece = asarray(item)
            if len(shape_of(piece)) < ndmin:
                piece = _promote(piece, ndmin, trans1d)
            pieces.append(atleast_1d(piece))
        return concatenate(pieces, axis=axis)


def _promote(piece, ndmin, trans1d):
    """NumPy's placement of a low-rank piece among ndmin axes."""
    k2 = ndmin - len(shape_of(piece))
    out = reshape(piece, (1,) * k2 + shape_of(piece))
    if trans1d == -1 or len(shape_of(piece)) == 0:
        return out
    k1 = trans1d if trans1d >= 0 else trans1d + k2 + 1
    order = list(range(ndmin))
    return transpose(out, order[:k1] + order[k2:] + order[k1:k2])


r_ = _Concatenator(0, 1, -1, _np.r_)
c_ = _Concatenator(-1, 2, 0, _np.c_)


# -- in-place writers -----------------------------------------------------------------------------
def _write(name, a, idx, v):
    """a[idx] = v as assignment does it: a traced a is rebound, a plain one written."""
    if type(a) is Tracer:
        setitem(a, idx, v)
    elif type(v) is Tracer:
        raise TypeError(f"np.{name} would store a traced value into a plain NumPy array, which cannot carry "
                        f"its derivative. Make the target traced first (a = a * 1.0 inside the function, "
                        f"or build it with gradkit.numpy.index_update(a, idx, v)).")
    else:
        a[idx] = v


def put(a, ind, v, mode="raise"):
    """Differentiable ``numpy.put``: ``a.flat[ind] = v``, in place.

    On a traced ``a`` the write is a functional update that rebinds ``a``, differentiable in
    ``a`` (zero at the overwritten entries) and ``v``, in both modes, to any order; ``ind`` is
    read by value. Writing a traced ``v`` into a plain NumPy array raises TypeError (the
    array cannot carry its derivative). Returns None, as NumPy.

    >>> import gradkit as gk, gradkit.numpy as np
    >>> def f(x):
    ...     y = x * 1.0
    ...     np.put(y, [0], x[1] ** 2)
    ...     return np.sum(y)
    >>> gk.grad(f)(np.array([1.0, 3.0, 5.0]))
    array([0., 7., 1.])
    """
    ind = _np.ravel(_plain(ind, "np.put's indices")).astype(_np.intp)
    n = math.prod(shape_of(a))
    if mode == "wrap":
        ind = ind % n
    elif mode == "clip":
        ind = _np.clip(ind, 0, n - 1)
    vals = ravel(asarray(v))[_np.arange(len(ind)) % math.prod(shape_of(v))]
    _write("put", a, _np.unravel_index(ind, shape_of(a)), vals)


def place(arr, mask, vals):
    """Differentiable ``numpy.place``: the entries of ``arr`` where ``mask`` holds set to ``vals``
    (cycled), in place.

    On a traced ``arr`` the write is a functional update that rebinds ``arr``, differentiable
    in ``arr`` and ``vals``, in both modes, to any order; ``mask`` is read by value. Writing a
    traced ``vals`` into a plain NumPy array raises TypeError. Returns None, as NumPy.

    >>> import gradkit as gk, gradkit.numpy as np
    >>> def f(v):
    ...     y = np.zeros(3) * v
    ...     np.place(y, [True, False, True], v)
    ...     return np.sum(y)
    >>> gk.grad(f)(2.0)
    np.float64(2.0)
    """
    where_ = _np.nonzero(_np.broadcast_to(_plain(mask, "np.place's mask"), shape_of(arr)))
    count = len(where_[0])
    if count:
        _write("place", arr, where_, ravel(asarray(vals))[_np.arange(count) % math.prod(shape_of(vals))])


def putmask(a, mask, values):
    """Differentiable ``numpy.putmask``: ``a[mask] = values`` (values cycled by flat position), in place.

    On a traced ``a`` the write is a functional update that rebinds ``a``, differentiable in
    ``a`` and ``values``, in both modes, to any order; ``mask`` is read by value. Writing a
    traced ``values`` into a plain NumPy array raises TypeError. Returns None, as NumPy.

    >>> import gradkit as gk, gradkit.numpy as np
    >>> def f(x):
    ...     y = x * 1.0
    ...     np.putmask(y, x > 2.0, 0.0)
    ...     return np.sum(y ** 2)
    >>> gk.grad(f)(np.array([1.0, 3.0]))
    array([2., 0.])
    """
    mask = _np.broadcast_to(_plain(mask, "np.putmask's mask"), shape_of(a))
    flat = _np.flatnonzero(mask)
    vals = ravel(asarray(values))[flat % math.prod(shape_of(values))]
    _write("putmask", a, _np.unravel_index(flat, shape_of(a)), vals)


def copyto(dst, src, casting="same_kind", where=True):
    """Differentiable ``numpy.copyto``: ``src`` (broadcast) copied into ``dst`` where ``where``
    holds, in place.

    On a traced ``dst`` the write is a functional update that rebinds ``dst``, differentiable
    in ``dst`` and ``src``, in both modes, to any order; ``where`` is read by value and
    ``casting`` is ignored. Writing a traced ``src`` into a plain NumPy array raises
    TypeError. Returns None, as NumPy.

    >>> import gradkit as gk, gradkit.numpy as np
    >>> def f(x):
    ...     y = np.zeros(2) * x[0]
    ...     np.copyto(y, x ** 2)
    ...     return np.sum(y)
    >>> gk.grad(f)(np.array([1.0, 2.0]))
    array([2., 4.])
    """
    mask = _np.broadcast_to(_plain(where, "np.copyto's where"), shape_of(dst))
    src = broadcast_to(asarray(src), shape_of(dst))
    _write("copyto", dst, mask if not mask.all() else Ellipsis, src[mask] if not mask.all() else src)


def put_along_axis(arr, indices, values, axis):
    """Differentiable ``numpy.put_along_axis``: ``values`` written at ``indices`` along ``axis``,
    in place.

    On a traced ``arr`` the write is a functional update that rebinds ``arr``, differentiable
    in ``arr`` and ``values``, in both modes, to any order; ``indices`` is read by value
    (``axis=None`` on a traced array raises NotImplementedError: flatten it first).
    Returns None, as NumPy.

    >>> import gradkit as gk, gradkit.numpy as np
    >>> def f(x):
    ...     y = x * 1.0
    ...     np.put_along_axis(y, np.array([[1], [0]]), 10 * x[:, :1], axis=1)
    ...     return np.sum(y)
    >>> gk.grad(f)(np.array([[1.0, 2.0], [3.0, 4.0]]))
    array([[11.,  0.],
           [10.,  1.]])
    """
    indices = _np.asarray(concrete(indices, "np.put_along_axis's indices"))
    if axis is None:
        if type(arr) is Tracer:
            raise NotImplementedError("np.put_along_axis with axis=None on a traced array: flatten it first")
        _np.put_along_axis(arr, indices, values, None)
        return
    ndim = len(shape_of(arr))
    axis %= ndim
    shape = _np.broadcast_shapes(indices.shape, tuple(1 if k == axis else n for k, n in enumerate(shape_of(arr))))
    indices = _np.broadcast_to(indices, shape)
    grids = _np.ogrid[tuple(slice(n) for n in shape)]
    idx = tuple(indices if k == axis else _np.broadcast_to(grids[k], shape) for k in range(ndim))
    _write("put_along_axis", arr, idx, broadcast_to(asarray(values), shape))


def fill_diagonal(a, val, wrap=False):
    """Differentiable ``numpy.fill_diagonal``: the main diagonal of ``a`` set to ``val``
    (cycled), in place.

    On a traced ``a`` the write is a functional update that rebinds ``a``, differentiable in
    ``a`` (zero on the diagonal) and ``val``, in both modes, to any order. Writing a traced
    ``val`` into a plain NumPy array raises TypeError. Returns None, as NumPy.

    >>> import gradkit as gk, gradkit.numpy as np
    >>> def f(x, v):
    ...     y = x * 1.0
    ...     np.fill_diagonal(y, v)
    ...     return np.sum(y)
    >>> dx, dv = gk.grad(f, argnums=(0, 1))(np.ones((2, 2)), 3.0)
    >>> dx, float(dv)
    (array([[0., 1.],
           [1., 0.]]), 2.0)
    """
    marks = _np.zeros(shape_of(a), bool)
    _np.fill_diagonal(marks, True, wrap)
    where_ = _np.nonzero(marks)
    count = len(where_[0])
    if count:  # NumPy walks the diagonal in flat order, cycling through val
        order = _np.argsort(_np.ravel_multi_index(where_, shape_of(a)))
        where_ = tuple(w[order] for w in where_)
        _write("fill_diagonal", a, where_, ravel(asarray(val))[_np.arange(count) % math.prod(shape_of(val))])


# -- sets whose values are gathered from the inputs --------------------------------------------------
def unique_values(x):
    """Differentiable ``numpy.unique_values``: the sorted distinct values of ``x``, gathered from it.

    Differentiable in ``x`` in both modes, to any order (as ``unique``). Returns a 1-D
    array, traced when ``x`` is.

    >>> import gradkit as gk, gradkit.numpy as np
    >>> np.unique_values(np.array([3.0, 1.0, 3.0]))
    array([1., 3.])
    >>> gk.grad(lambda x: np.sum(np.unique_values(x) * np.array([1.0, 10.0])))(np.array([3.0, 1.0, 3.0]))
    array([10.,  1.,  0.])
    """
    return unique(x)


def unique_counts(x):
    """Differentiable ``numpy.unique_counts``: the distinct values (gathered from ``x``, as
    ``unique``) and their counts (plain integers).

    Differentiable in ``x`` through ``values``, in both modes, to any order. Returns NumPy's
    named tuple (values, counts).

    >>> import gradkit as gk, gradkit.numpy as np
    >>> np.unique_counts(np.array([3.0, 1.0, 3.0])).counts
    array([1, 2])
    >>> gk.grad(lambda x: np.sum(np.unique_counts(x).values ** 2))(np.array([3.0, 1.0, 3.0]))
    array([6., 2., 0.])
    """
    values, counts = unique(x, return_counts=True)
    return _np.lib._arraysetops_impl.UniqueCountsResult(values, counts)


def unique_inverse(x):
    """Differentiable ``numpy.unique_inverse``: the distinct values (gathered from ``x``, as
    ``unique``) and, for each entry of ``x``, its position among them (plain integers).

    Differentiable in ``x`` through ``values``, in both modes, to any order. Returns NumPy's
    named tuple (values, inverse_indices).

    >>> import gradkit as gk, gradkit.numpy as np
    >>> np.unique_inverse(np.array([3.0, 1.0, 3.0])).inverse_indices
    array([1, 0, 1])
    >>> gk.grad(lambda x: np.sum(np.unique_inverse(x).values ** 2))(np.array([3.0, 1.0]))
    array([6., 2.])
    """
    values, inverse = unique(x, return_inverse=True)
    return _np.lib._arraysetops_impl.UniqueInverseResult(values, _np.reshape(inverse, shape_of(x)))


def unique_all(x):
    """Differentiable ``numpy.unique_all``: distinct values (gathered from ``x``, as ``unique``),
    first indices, inverse indices and counts (the last three plain integers).

    Differentiable in ``x`` through ``values``, in both modes, to any order. Returns NumPy's
    named tuple (values, indices, inverse_indices, counts).

    >>> import gradkit as gk, gradkit.numpy as np
    >>> np.unique_all(np.array([3.0, 1.0, 3.0])).indices
    array([1, 0])
    >>> gk.grad(lambda x: np.sum(np.unique_all(x).values ** 2))(np.array([3.0, 1.0]))
    array([6., 2.])
    """
    values, index, inverse, counts = unique(x, return_index=True, return_inverse=True, return_counts=True)
    return _np.lib._arraysetops_impl.UniqueAllResult(values, index, _np.reshape(inverse, shape_of(x)), counts)


def union1d(ar1, ar2):
    """Differentiable ``numpy.union1d``: the sorted distinct values of both arrays, gathered
    from them.

    Differentiable in ``ar1`` and ``ar2`` in both modes, to any order (as ``unique``).
    Returns a 1-D array, traced when either input is.

    >>> import gradkit as gk, gradkit.numpy as np
    >>> f = lambda a, b: np.sum(np.union1d(a, b) ** 2)
    >>> gk.grad(f, argnums=(0, 1))(np.array([1.0]), np.array([2.0]))
    (array([2.]), array([4.]))
    """
    return unique(concatenate([ravel(ar1), ravel(ar2)]))


def setdiff1d(ar1, ar2, assume_unique=False):
    """Differentiable ``numpy.setdiff1d``: the sorted distinct values of ``ar1`` not in ``ar2``,
    gathered from ``ar1``.

    Differentiable in ``ar1`` in both modes, to any order; ``ar2`` is read by value (it only
    decides membership). Returns a 1-D array, traced when ``ar1`` is.

    >>> import gradkit as gk, gradkit.numpy as np
    >>> gk.grad(lambda a: np.sum(np.setdiff1d(a, np.array([2.0])) ** 2))(np.array([1.0, 2.0, 3.0]))
    array([2., 0., 6.])
    """
    values = ravel(ar1) if assume_unique else unique(ar1)
    keep = ~_np.isin(_plain(values, "np.setdiff1d"), _plain(ar2, "np.setdiff1d"), assume_unique=assume_unique)
    return values[_np.flatnonzero(keep)]


def setxor1d(ar1, ar2, assume_unique=False):
    """Differentiable ``numpy.setxor1d``: the sorted values in exactly one of the two arrays,
    gathered from them.

    Differentiable in ``ar1`` and ``ar2`` in both modes, to any order. Returns a 1-D array,
    traced when either input is.

    >>> import gradkit as gk, gradkit.numpy as np
    >>> f = lambda a, b: np.sum(np.setxor1d(a, b) ** 2)
    >>> gk.grad(f, argnums=(0, 1))(np.array([1.0, 2.0]), np.array([2.0, 3.0]))
    (array([2., 0.]), array([0., 6.]))
    """
    a = ravel(ar1) if assume_unique else unique(ar1)
    b = ravel(ar2) if assume_unique else unique(ar2)
    both = concatenate([a, b])
    values = _np.asarray(_plain(both, "np.setxor1d"))
    order = _np.argsort(values, kind="stable")
    s = values[order]
    once = _np.concatenate(([True], s[1:] != s[:-1], [True]))
    single = once[1:] & once[:-1]
    return both[order[single]]


def histogram_bin_edges(a, bins=10, range=None, weights=None):
    """np.histogram_bin_edges; edges derived from the data follow its min and max.

    Differentiable in ``a`` in both modes, to any order, where the edges derive from the data
    (``range`` not given): the first edge follows min(a), the last max(a). ``weights`` are
    unused, as in NumPy. Returns the edges, traced when they depend on traced data.

    >>> import gradkit as gk, gradkit.numpy as np
    >>> np.histogram_bin_edges(np.array([0.0, 1.0, 4.0]), bins=2)
    array([0., 2., 4.])
    >>> gk.jacfwd(lambda a: np.histogram_bin_edges(a, bins=2))(np.array([0.0, 1.0, 4.0]))
    array([[1. , 0. , 0. ],
           [0.5, 0. , 0.5],
           [0. , 0. , 1. ]])
    """
    from .reductions import histogram
    return histogram(a, bins, range, weights=weights)[1]

