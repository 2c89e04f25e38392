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
    """np.block: nested lists of arrays joined, the innermost along the last axis."""
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
    return _gather(arr, _np.delete(_positions(arr), _plain(obj, "np.delete's indices"), axis))


def insert(arr, obj, values, axis=None):
    """np.insert, differentiable in arr and values (placed as NumPy places them)."""
    values = asarray(values)
    marks = -1 - _positions(values)  # negative codes: entries of values
    codes = _np.insert(_positions(arr), _plain(obj, "np.insert's indices"), marks, axis)
    if not shape_of(values):
        codes = _np.where(codes < 0, -1, codes)
    from_values = codes < 0
    picked_arr = _gather(arr, _np.where(from_values, 0, codes)) if math.prod(shape_of(arr)) else 0.0
    return where(from_values, _gather(values, _np.where(from_values, -1 - codes, 0)), picked_arr)


def resize(a, new_shape):
    new_shape = (new_shape,) if _np.ndim(new_shape) == 0 else tuple(new_shape)
    size = math.prod(shape_of(a))
    total = math.prod(new_shape)
    if size == 0 or total == 0:
        return _np.zeros(new_shape, dtype=a.dtype)
    return reshape(ravel(a)[_np.arange(total) % size], new_shape)


def diagflat(v, k=0):
    return diag(ravel(v), k)


def make_diagonal(D, offset=0, axis1=0, axis2=1):
    """autograd's make_diagonal, the transpose of diagonal: an array whose diagonal(offset,
    axis1, axis2) is D (diagonals along D's last axis), zero elsewhere."""
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
    """np.choose, differentiable in the choices (a holds integer indices)."""
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
    keep = _np.flatnonzero(_plain(condition, "np.compress's condition"))
    return take(a, keep, axis)


def extract(condition, arr):
    return ravel(arr)[_np.flatnonzero(_plain(condition, "np.extract's condition"))]


def trim_zeros(filt, trim="fb", axis=None):
    """np.trim_zeros: a slice of filt (the zeros are found on its value)."""
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
    """np.piecewise: each function sees only the entries its condition selects, as in NumPy."""
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
    the axis was."""
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
    a = asarray(a, dtype)
    if not _np.isfinite(concrete(a, "np.asarray_chkfinite's check")).all():
        raise ValueError("array must not contain infs or NaNs")
    return a


def asfortranarray(a, dtype=None, *, like=None):
    return atleast_1d(asarray(a, dtype))


def require(a, dtype=None, requirements=None, *, like=None):
    return asarray(a, dtype)


def row_stack(tup, *, dtype=None, casting="same_kind"):
    """np.row_stack (deprecated in NumPy 2; vstack)."""
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
    ind = _np.ravel(_plain(ind, "np.put's indices")).astype(_np.intp)
    n = math.prod(shape_of(a))
    if mode == "wrap":
        ind = ind % n
    elif mode == "clip":
        ind = _np.clip(ind, 0, n - 1)
    vals = ravel(asarray(v))[_np.arange(len(ind)) % math.prod(shape_of(v))]
    _write("put", a, _np.unravel_index(ind, shape_of(a)), vals)


def place(arr, mask, vals):
    where_ = _np.nonzero(_np.broadcast_to(_plain(mask, "np.place's mask"), shape_of(arr)))
    count = len(where_[0])
    if count:
        _write("place", arr, where_, ravel(asarray(vals))[_np.arange(count) % math.prod(shape_of(vals))])


def putmask(a, mask, values):
    mask = _np.broadcast_to(_plain(mask, "np.putmask's mask"), shape_of(a))
    flat = _np.flatnonzero(mask)
    vals = ravel(asarray(values))[flat % math.prod(shape_of(values))]
    _write("putmask", a, _np.unravel_index(flat, shape_of(a)), vals)


def copyto(dst, src, casting="same_kind", where=True):
    mask = _np.broadcast_to(_plain(where, "np.copyto's where"), shape_of(dst))
    src = broadcast_to(asarray(src), shape_of(dst))
    _write("copyto", dst, mask if not mask.all() else Ellipsis, src[mask] if not mask.all() else src)


def put_along_axis(arr, indices, values, axis):
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
    return unique(x)


def unique_counts(x):
    values, counts = unique(x, return_counts=True)
    return _np.lib._arraysetops_impl.UniqueCountsResult(values, counts)


def unique_inverse(x):
    values, inverse = unique(x, return_inverse=True)
    return _np.lib._arraysetops_impl.UniqueInverseResult(values, _np.reshape(inverse, shape_of(x)))


def unique_all(x):
    values, index, inverse, counts = unique(x, return_index=True, return_inverse=True, return_counts=True)
    return _np.lib._arraysetops_impl.UniqueAllResult(values, index, _np.reshape(inverse, shape_of(x)), counts)


def union1d(ar1, ar2):
    return unique(concatenate([ravel(ar1), ravel(ar2)]))


def setdiff1d(ar1, ar2, assume_unique=False):
    values = ravel(ar1) if assume_unique else unique(ar1)
    keep = ~_np.isin(_plain(values, "np.setdiff1d"), _plain(ar2, "np.setdiff1d"), assume_unique=assume_unique)
    return values[_np.flatnonzero(keep)]


def setxor1d(ar1, ar2, assume_unique=False):
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
    """np.histogram_bin_edges; edges derived from the data follow its min and max."""
    from .reductions import histogram
    return histogram(a, bins, range, weights=weights)[1]

