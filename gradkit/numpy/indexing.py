"""Indexing and its transpose: x[idx], take, sort, and functional index updates
(x[idx] = v, x.at[idx].set/add/multiply(v))."""
import numpy as _np

from ..core import Primitive, Tracer, batching
from ..core import backend, concrete
from .aliasing import assign, view_source, viewing
from .declare import batch_size, broadcast_to, nondiff, shape_of, unbroadcast

__all__ = ["take", "take_along_axis", "sort", "partition", "unique", "bincount", "index_update", "index_add", "index_multiply", "select"]


def _normalize(idx):
    """An index with no tracers in it (indices carry no derivative)."""
    if type(idx) is tuple:
        return tuple(_concrete_index(i) for i in idx)
    return _concrete_index(idx)


def _concrete_index(i):
    if type(i) is not Tracer:
        return i
    return concrete(i, "an index (or boolean mask)")


def _has_repeats_risk(idx):
    """True when idx holds integer arrays, which may repeat an element."""
    parts = idx if type(idx) is tuple else (idx,)
    for i in parts:
        if isinstance(i, (list, _np.ndarray)) and _np.asarray(i).dtype != bool:
            return True
    return False


def _getitem(x, idx):
    out = x[idx]
    # a small view would keep its whole base alive wherever it is kept (on a tape, say):
    # a copy costs little and lets the base go
    if type(out) is _np.ndarray and out.base is not None and 8 * out.size < x.size and x.size >= 4096:
        out = out.copy()
    return out


def _scatter_add(g, idx, shape):
    """zeros(shape) with g added at idx: the transpose of getitem (repeats accumulate)."""
    if not backend.is_numpy(g):  # dask, CuPy, Array API: built in g's library
        return backend.scatter_add(g, idx, shape, _has_repeats_risk(idx))
    out = _np.zeros(shape, _np.result_type(g, _np.float64) if _np.isrealobj(g) else _np.result_type(g))
    if _has_repeats_risk(idx):
        _np.add.at(out, idx, g)
    else:
        out[idx] = g
    return out


getitem = Primitive("getitem", _getitem)
getitem.defvjp(lambda g, ans, x, idx: scatter_add(g, idx, shape_of(x)), reads=((1,), ()))
getitem.defjvp(lambda t, ans, x, idx: getitem(t, idx))


def _is_view_index(out, x, idx):
    """NumPy answers a basic index (ints, slices, None, ...) with a view of x, unless ints
    pick out one element."""
    parts = idx if type(idx) is tuple else (idx,)
    if not all(p is None or p is Ellipsis or type(p) is slice or
               isinstance(p, (int, _np.integer)) and not isinstance(p, (bool, _np.bool_)) for p in parts):
        return False
    return len(shape_of(out)) > 0 or any(p is None or p is Ellipsis or type(p) is slice for p in parts)


viewing(getitem, lambda x, new, idx: _update_p(x, new, idx), _is_view_index)
scatter_add = Primitive("scatter_add", _scatter_add)
scatter_add.defvjp(lambda g, ans, v, idx, shape: getitem(g, idx), reads=((1,), (), ()))
scatter_add.defjvp(lambda t, ans, v, idx, shape: scatter_add(t, idx, shape))


def _index_past_batch(idx):
    """idx applied past a leading batch axis, or None where NumPy would move the batch
    axis (advanced indices split by a slice go first in the result)."""
    parts = idx if type(idx) is tuple else (idx,)
    advanced = [k for k, i in enumerate(parts) if isinstance(i, (list, _np.ndarray))]
    if advanced:
        advanced = [k for k, i in enumerate(parts) if isinstance(i, (list, _np.ndarray, int, _np.integer))]
        if advanced[-1] - advanced[0] + 1 != len(advanced):
            return None
    return (slice(None),) + parts


def _getitem_batch(batched, x, idx):
    inner = _index_past_batch(idx)
    if inner is None:
        return batching.fallback(getitem, batched, (x, idx), {})
    return getitem(x, inner)


def _scatter_add_batch(batched, g, idx, shape):
    inner = _index_past_batch(idx)
    if inner is None:
        return batching.fallback(scatter_add, batched, (g, idx, shape), {})
    return scatter_add(g, inner, shape_of(g)[:1] + tuple(shape))


getitem.defbatch(_getitem_batch)
scatter_add.defbatch(_scatter_add_batch)


def take(a, indices, axis=None):
    # indices go through getitem, which refuses traced ones under jit rather than baking them in
    """Differentiable ``numpy.take``: the entries at ``indices`` along ``axis`` (of ``a``
    flattened when None), a gather.

    Differentiable in ``a`` in both modes, to any order: the cotangents of repeated indices
    add up. ``indices`` carry no derivative. Returns the gathered array, traced when ``a`` is.

    >>> import gradkit as gk, gradkit.numpy as np
    >>> gk.grad(lambda x: np.sum(np.take(x, [0, 2, 2])))(np.zeros(3))
    array([1., 0., 2.])
    """
    indices = _concrete_index(indices)
    if axis is None:
        from .shape import ravel
        return getitem(ravel(a), indices)
    idx = [slice(None)] * len(shape_of(a))
    idx[axis] = indices
    return getitem(a, tuple(idx))


def _along_axis_index(indices, axis, shape):
    """The advanced index that picks `indices` along `axis` of an array of `shape`, the
    other axes in order (an axis of length 1 is broadcast, so always 0)."""
    grids = _np.ogrid[tuple(slice(n) for n in indices.shape)]
    return tuple(indices if k == axis else grids[k] * (shape[k] != 1) for k in range(indices.ndim))


def _take_along_axis(arr, indices, axis):
    return _np.take_along_axis(arr, indices, axis=axis)


def _put_along_axis_add(g, indices, axis, shape):
    """zeros(shape) with g added at `indices` along `axis` (repeats accumulate)."""
    out = _np.zeros(shape, _np.result_type(g, _np.float64))
    _np.add.at(out, _along_axis_index(_np.broadcast_to(indices, _np.shape(g)), axis, shape), g)
    return out


# take_along_axis and its transpose; the indices (an array, traced only by vmap) carry no derivative
take_along_axis_p = Primitive("take_along_axis", _take_along_axis)
take_along_axis_p.defvjp(lambda g, ans, arr, indices, axis: put_along_axis_add(g, indices, axis, shape_of(arr)),
                         reads=((1,), (), ()))
take_along_axis_p.defjvp(lambda t, ans, arr, indices, axis: take_along_axis_p(t, indices, axis))
put_along_axis_add = Primitive("put_along_axis_add", _put_along_axis_add)
put_along_axis_add.defvjp(lambda g, ans, v, indices, axis, shape: take_along_axis_p(g, indices, axis),
                          reads=((1,), (), (), ()))
put_along_axis_add.defjvp(lambda t, ans, v, indices, axis, shape: put_along_axis_add(t, indices, axis, shape))


def _batch_both(batched, x, indices):
    """x and indices, both with a leading batch axis."""
    size = batch_size(batched, (x, indices))
    if not batched[0]:
        x = broadcast_to(x, (size,) + shape_of(x))
    if not batched[1]:
        indices = broadcast_to(indices, (size,) + shape_of(indices))
    return x, indices


take_along_axis_p.defbatch(lambda batched, arr, indices, axis: take_along_axis_p(
    *_batch_both(batched, arr, indices), axis + 1))
put_along_axis_add.defbatch(lambda batched, g, indices, axis, shape: put_along_axis_add(
    *_batch_both(batched, g, indices), axis + 1, (batch_size(batched, (g, indices)),) + tuple(shape)))


def take_along_axis(arr, indices, axis):
    """np.take_along_axis; differentiable in arr (indices may come from argsort of a traced value).

    Differentiable in ``arr`` in both modes, to any order; the transpose adds the cotangent
    back at the indices. Returns the gathered array, traced when ``arr`` is.

    >>> import gradkit as gk, gradkit.numpy as np
    >>> x = np.array([[3.0, 1.0], [2.0, 4.0]])
    >>> gk.grad(lambda x: np.sum(np.take_along_axis(x, np.argsort(x, axis=1)[:, :1], axis=1)))(x)  # the row minima
    array([[0., 1.],
           [1., 0.]])
    """
    from .shape import ravel
    if axis is None:
        arr, axis = ravel(arr), 0
    ndim = len(shape_of(arr))
    if len(shape_of(indices)) != ndim:
        raise ValueError("`indices` and `arr` must have the same number of dimensions")
    if type(indices) is not Tracer:
        indices = _np.asarray(indices)
    return take_along_axis_p(arr, indices, axis % ndim)


def sort(a, axis=-1, kind=None):
    """np.sort; the derivative follows the permutation (ties keep NumPy's stable order).

    >>> import gradkit as gk, numpy as np
    >>> gk.grad(lambda x: sort(x)[0])(np.array([3.0, 1.0, 2.0]))
    array([0., 1., 0.])
    """
    from .reductions import argsort
    if axis is None:
        from .shape import ravel
        a, axis = ravel(a), -1
    return take_along_axis(a, argsort(a, axis=axis, kind="stable"), axis)


def partition(a, kth, axis=-1):
    """np.partition; the derivative follows the permutation NumPy chose.

    Differentiable in ``a`` in both modes, to any order. Returns the partitioned array, traced
    when ``a`` is.

    >>> import gradkit as gk, gradkit.numpy as np
    >>> gk.grad(lambda x: np.partition(x, 1)[1])(np.array([3.0, 1.0, 2.0]))  # the second smallest
    array([0., 0., 1.])
    """
    from .reductions import argpartition
    if axis is None:
        from .shape import ravel
        a, axis = ravel(a), -1
    return take_along_axis(a, argpartition(a, kth, axis=axis), axis)


def unique(ar, return_index=False, return_inverse=False, return_counts=False, axis=None, *, equal_nan=True):
    """np.unique; the unique values are gathered from the input (at the first occurrence of
    each), so they carry its derivative; indices and counts are plain integers.

    Differentiable in ``ar`` in both modes, to any order. Returns what NumPy returns (values,
    then the index, inverse and counts asked for).

    >>> import gradkit as gk, gradkit.numpy as np
    >>> np.unique(np.array([2.0, 1.0, 2.0]))
    array([1., 2.])
    >>> gk.grad(lambda x: np.sum(np.unique(x) * np.array([1.0, 10.0])))(np.array([2.0, 1.0, 2.0]))
    array([10.,  1.,  0.])
    """
    if type(ar) is not Tracer:
        return _np.unique(ar, return_index, return_inverse, return_counts, axis, equal_nan=equal_nan)
    found = _np.unique(concrete(ar, "the size of np.unique's result"), True, return_inverse, return_counts, axis, equal_nan=equal_nan)
    if axis is None:
        from .shape import ravel
        values = ravel(ar)[found[1]]
    else:
        values = take(ar, found[1], axis)
    rest = [found[1]] if return_index else []
    return (values, *rest, *found[2:]) if len(found) > 2 or return_index else values


def bincount(x, weights=None, minlength=0):
    """np.bincount; differentiable in the weights (their sums per bin).

    >>> import gradkit as gk, numpy as np
    >>> gk.grad(lambda w: bincount(np.array([0, 2, 2]), w)[2])(np.ones(3))
    array([0., 1., 1.])
    """
    if weights is None:
        return _count_bins(x, minlength=minlength)
    return _bincount_p(x, weights, minlength=minlength)


_count_bins = nondiff(_np.bincount, name="bincount")
_bincount_p = Primitive("bincount", lambda x, weights, minlength=0: _np.bincount(x, weights, minlength))
_bincount_p.defvjp(None, lambda g, ans, x, weights, minlength=0: take_along_axis_p(g, x, 0), reads=((), (0,)))
_bincount_p.defjvp(None, lambda t, ans, x, weights, minlength=0: _bincount_p(x, t, minlength=minlength))


def select(condlist, choicelist, default=0):
    """Differentiable ``numpy.select``: from the first condition that holds, its choice, else
    ``default`` (a chain of ``where``).

    Differentiable in the choices and ``default`` in both modes, to any order; the
    conditions are read by value. Returns the selected array, traced when a choice is.

    >>> import gradkit as gk, gradkit.numpy as np
    >>> f = lambda x: np.sum(np.select([x < 0, x < 2], [-x, x ** 2], default=10 * x))
    >>> gk.grad(f)(np.array([-1.0, 1.0, 3.0]))
    array([-1.,  2., 10.])
    """
    from .elementwise import where
    out = default
    for cond, choice in reversed(list(zip(condlist, choicelist))):
        out = where(cond, choice, out)
    return out


# -- functional updates ----------------------------------------------------------------
def _set(x, v, idx):
    out = _np.array(x, dtype=_np.result_type(x, v), copy=True)
    out[idx] = v
    return out


def _add(x, v, idx):
    out = _np.array(x, dtype=_np.result_type(x, v), copy=True)
    _np.add.at(out, idx, v)
    return out


def _mul(x, v, idx):
    counts = _np.zeros(_np.shape(x))
    _np.add.at(counts, idx, 1)
    if counts.max(initial=0) > 1:
        raise NotImplementedError("x.at[idx].multiply(v) with repeated indices is not supported; "
                                  "multiply the repeated factors together first")
    out = _np.array(x, dtype=_np.result_type(x, v), copy=True)
    out[idx] *= v
    return out


def _surviving_writes(idx, shape):
    """x[idx] = v with a repeated integer index keeps NumPy's last write: a mask over the
    indexed region, True where a write survives (None when every write does)."""
    if not _has_repeats_risk(idx):
        return None
    region = _np.empty(shape, bool)[idx].shape
    order = _np.arange(int(_np.prod(region))).reshape(region)
    last = _np.full(shape, -1)
    last[idx] = order
    survives = last[idx] == order
    return None if survives.all() else survives


def _update_vjp_v(g, ans, x, v, idx):
    gv = getitem(g, idx)
    survives = _surviving_writes(idx, shape_of(x))
    return unbroadcast(gv if survives is None else gv * survives, v)


_update_p = Primitive("index_update", _set)
_update_p.defvjp(lambda g, ans, x, v, idx: _update_p(g, 0.0, idx), _update_vjp_v, reads=((2,), (2,), ()))
_update_p.defjvp(lambda t, ans, x, v, idx: _update_p(t, 0.0, idx),
                 lambda t, ans, x, v, idx: _update_p(_np.zeros(shape_of(x)), t, idx))
_add_p = Primitive("index_add", _add)
_add_p.defvjp(lambda g, ans, x, v, idx: g,
                 lambda g, ans, x, v, idx: unbroadcast(getitem(g, idx), v), reads=((), (2,), ()))
_add_p.defjvp(lambda t, ans, x, v, idx: t,
                 lambda t, ans, x, v, idx: _add_p(_np.zeros(shape_of(x)), t, idx))
_mul_p = Primitive("index_multiply", _mul)
_mul_p.defvjp(lambda g, ans, x, v, idx: _mul_p(g, v, idx),
                      lambda g, ans, x, v, idx: unbroadcast(getitem(g, idx) * getitem(x, idx), v),
                      reads=((1, 2), (0, 2), ()))
def _update_batch(prim):
    """Batch rule of x.at[idx].<op>(v): x batched (broadcast if it was not), idx past the
    batch axis, a batched v lined up with the indexed region."""
    def rule(batched, x, v, idx):
        inner = _index_past_batch(idx)
        if inner is None:
            return batching.fallback(prim, batched, (x, v, idx), {})
        size = batch_size(batched, (x, v))
        if not batched[0]:
            x = broadcast_to(x, (size,) + shape_of(x))
        if batched[1]:
            region = _np.empty(shape_of(x)[1:], bool)[idx].ndim
            v = v[(slice(None),) + (None,) * (region + 1 - len(shape_of(v)))]
        return prim(x, v, inner)
    return prim.defbatch(rule)


for _prim in (_update_p, _add_p, _mul_p):
    _update_batch(_prim)
_mul_p.defjvp(lambda t, ans, x, v, idx: _mul_p(t, v, idx),
                      lambda t, ans, x, v, idx: _add_p(_np.zeros(shape_of(x)), t * getitem(x, idx), idx))


def index_update(x, idx, y):
    """A copy of x with x[idx] = y (JAX's old jax.ops.index_update); works on plain arrays too.

    Differentiable in ``x`` (zero at the overwritten entries) and ``y`` in both modes, to any
    order; ``idx`` is static. Returns the updated copy, traced when ``x`` or ``y`` is.

    >>> import gradkit as gk, gradkit.numpy as np
    >>> f = lambda x, y: np.sum(np.index_update(x, 1, y) * np.array([1.0, 5.0, 1.0]))
    >>> gk.grad(f, argnums=(0, 1))(np.zeros(3), 2.0)
    (array([1., 0., 1.]), np.float64(5.0))
    """
    return _update_p(x, y, _normalize(idx))


def index_add(x, idx, y):
    """A copy of x with y added at idx; repeated indices accumulate.

    Differentiable in ``x`` and ``y`` in both modes, to any order; ``idx`` is static.
    Returns the updated copy, traced when ``x`` or ``y`` is.

    >>> import gradkit as gk, gradkit.numpy as np
    >>> np.index_add(np.zeros(3), [0, 0, 2], 1.0)
    array([2., 0., 1.])
    >>> gk.grad(lambda y: np.sum(np.index_add(np.zeros(3), [0, 0, 2], y) ** 2))(1.0)  # 2^2 + 1^2 in y
    np.float64(10.0)
    """
    return _add_p(x, y, _normalize(idx))


def index_multiply(x, idx, y):
    """A copy of x with x[idx] multiplied by y.

    Differentiable in ``x`` and ``y`` in both modes, to any order; ``idx`` is static.
    Returns the updated copy, traced when ``x`` or ``y`` is.

    >>> import gradkit as gk, gradkit.numpy as np
    >>> f = lambda x, y: np.sum(np.index_multiply(x, 0, y))
    >>> gk.grad(f, argnums=(0, 1))(np.array([2.0, 3.0]), 4.0)
    (array([4., 1.]), np.float64(2.0))
    """
    return _mul_p(x, y, _normalize(idx))


class _At:
    """x.at[idx].set(v) / .add(v) / .multiply(v) / .get(): functional updates, as in JAX."""

    __slots__ = ("x",)

    def __init__(self, x):
        self.x = x

    def __getitem__(self, idx):
        return _AtIndex(self.x, _normalize(idx))


class _AtIndex:
    __slots__ = ("x", "idx")

    def __init__(self, x, idx):
        self.x, self.idx = x, idx

    def get(self):
        return getitem(self.x, self.idx)

    def set(self, v):
        return _update_p(self.x, v, self.idx)

    def add(self, v):
        return _add_p(self.x, v, self.idx)

    def multiply(self, v):
        return _mul_p(self.x, v, self.idx)


def setitem(x, idx, v):
    """x[idx] = v on a traced x: recorded as a functional update that rebinds x, and seen
    by the arrays sharing memory with x as in NumPy (aliasing.assign)."""
    idx = _normalize(idx)
    source = view_source(v)
    if source is not None and source[0] is getitem and source[1][0] is x and _same_index(source[1][1], idx):
        return  # x[i] op= y: the in-place operation has written through the view x[i] already
    assign(x, _update_p(x, v, idx))


def _same_index(a, b):
    parts_a, parts_b = (a if type(a) is tuple else (a,)), (b if type(b) is tuple else (b,))
    return len(parts_a) == len(parts_b) and all(
        p is q or type(p) is type(q) and (type(p) is slice or isinstance(p, (int, _np.integer))) and p == q
        for p, q in zip(parts_a, parts_b))


