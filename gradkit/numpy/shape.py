"""Shape functions. Most are linear maps expressed with a few primitives (reshape,
transpose, concatenate, getitem), so their derivatives come from those."""
import builtins

import numpy as _np

from ..core import Primitive
from ..core import is_traced
from .aliasing import read_only, shares_memory, viewing
from .declare import arraylike, batch_size, broadcast_to, linear, shape_of
from .elementwise import positive, where

__all__ = ["reshape", "ravel", "transpose", "moveaxis", "swapaxes", "expand_dims", "squeeze",
           "broadcast_to", "concatenate", "stack", "hstack", "vstack", "dstack", "column_stack",
           "split", "array_split", "hsplit", "vsplit", "tile", "repeat", "flip", "fliplr",
           "flipud", "roll", "rot90", "pad", "diag", "diagonal", "trace", "triu", "tril",
           "atleast_1d", "atleast_2d", "atleast_3d", "broadcast_arrays", "copy", "rollaxis", "dsplit",
           "append"]


def _reshape(x, shape, order="C"):
    return _np.reshape(x, shape) if order == "C" else _np.reshape(x, shape, order=order)  # dask has no order=


reshape = linear(_reshape, lambda g, ans, x, shape, order="C": reshape(g, shape_of(x), order=order), name="reshape")
reshape.__doc__ = """Differentiable ``numpy.reshape`` (``order`` "C" or "F"): a linear map.

Differentiable in ``a`` in both modes, to any order; ``shape`` and ``order`` are static.
The backward pass reshapes the cotangent back to ``a``'s shape.

Returns ``a`` with the new shape, traced when ``a`` is.

>>> import gradkit as gk, gradkit.numpy as np
>>> gk.grad(lambda x: np.sum(np.reshape(x, (2, 2)) * np.array([[1.0, 2.0], [3.0, 4.0]])))(np.zeros(4))
array([1., 2., 3., 4.])
"""
viewing(reshape, lambda x, new, shape, order="C": reshape(new, shape_of(x), order), shares_memory)
reshape.defbatch(lambda batched, x, shape, order="C":
                 reshape(x, shape_of(x)[:1] + ((shape,) if _np.ndim(shape) == 0 else tuple(shape)), order))


def ravel(a, order="C"):
    """Differentiable ``numpy.ravel``: ``a`` flattened to one axis (a reshape).

    Differentiable in ``a`` in both modes, to any order; the backward pass reshapes the
    cotangent back to ``a``'s shape. Returns a 1-D array, traced when ``a`` is.

    >>> import gradkit as gk, gradkit.numpy as np
    >>> gk.grad(lambda x: np.sum(np.ravel(x) * np.arange(4.0)))(np.ones((2, 2)))
    array([[0., 1.],
           [2., 3.]])
    """
    return reshape(a, (-1,), order)


def _transpose(x, axes=None):
    return _np.transpose(x, axes)


transpose = linear(
    _transpose,
    lambda g, ans, x, axes=None: transpose(g, None if axes is None else tuple(_np.argsort(axes))),
    name="transpose")
transpose.__doc__ = """Differentiable ``numpy.transpose``: the axes permuted (reversed when ``axes`` is None).

Differentiable in ``a`` in both modes, to any order; ``axes`` is static. The backward
pass applies the inverse permutation to the cotangent.

Returns the permuted array, traced when ``a`` is.

>>> import gradkit as gk, gradkit.numpy as np
>>> gk.grad(lambda x: np.sum(np.transpose(x) * np.array([[1.0, 2.0], [3.0, 4.0]])))(np.zeros((2, 2)))
array([[1., 3.],
       [2., 4.]])
"""
viewing(transpose, lambda x, new, axes=None: transpose(new, None if axes is None else tuple(_np.argsort(axes))))
transpose.defbatch(lambda batched, x, axes=None: transpose(
    x, (0,) + tuple(range(len(shape_of(x)) - 1, 0, -1) if axes is None else (a % (len(shape_of(x)) - 1) + 1 for a in axes))))


def _axis_list(axes, ndim):
    return [axes % ndim] if isinstance(axes, (int, _np.integer)) else [a % ndim for a in axes]


def moveaxis(a, source, destination):
    """Differentiable ``numpy.moveaxis``: the axes ``source`` moved to ``destination`` (a transpose).

    Differentiable in ``a`` in both modes, to any order; the axes are static. Returns the
    permuted array, traced when ``a`` is.

    >>> import gradkit as gk, gradkit.numpy as np
    >>> np.moveaxis(np.zeros((2, 3, 4)), 0, -1).shape
    (3, 4, 2)
    >>> gk.grad(lambda x: np.moveaxis(x, 0, 1)[0, 1])(np.zeros((2, 2)))
    array([[0., 0.],
           [1., 0.]])
    """
    ndim = len(shape_of(a))
    src, dst = _axis_list(source, ndim), _axis_list(destination, ndim)
    order = [n for n in range(ndim) if n not in src]
    for d, s in sorted(zip(dst, src)):
        order.insert(d, s)
    return transpose(a, tuple(order))


def rollaxis(a, axis, start=0):
    """Differentiable ``numpy.rollaxis`` (prefer ``moveaxis``): ``axis`` moves to sit before the
    axis now at ``start``.

    Differentiable in ``a`` in both modes, to any order (a transpose); the axes are static.
    Returns the permuted array, traced when ``a`` is.

    >>> import gradkit as gk, gradkit.numpy as np
    >>> np.rollaxis(np.zeros((2, 3, 4)), 2).shape
    (4, 2, 3)
    >>> gk.grad(lambda x: np.rollaxis(x, 1)[0, 1])(np.zeros((2, 2)))
    array([[0., 0.],
           [1., 0.]])
    """
    ndim = len(shape_of(a))
    axis %= ndim
    start = start + ndim if start < 0 else start
    if axis < start:
        start -= 1
    return a if axis == start else moveaxis(a, axis, start)


def swapaxes(a, axis1, axis2):
    """Differentiable ``numpy.swapaxes``: ``axis1`` and ``axis2`` exchanged (a transpose).

    Differentiable in ``a`` in both modes, to any order; the axes are static. Returns the
    permuted array, traced when ``a`` is.

    >>> import gradkit as gk, gradkit.numpy as np
    >>> gk.grad(lambda x: np.swapaxes(x, 0, 1)[0, 1])(np.zeros((2, 2)))
    array([[0., 0.],
           [1., 0.]])
    """
    axes = list(range(len(shape_of(a))))
    axes[axis1], axes[axis2] = axes[axis2], axes[axis1]
    return transpose(a, tuple(axes))


def expand_dims(a, axis):
    """Differentiable ``numpy.expand_dims``: a unit axis inserted at ``axis`` (a reshape).

    Differentiable in ``a`` in both modes, to any order; ``axis`` is static. Returns the
    reshaped array, traced when ``a`` is.

    >>> import gradkit as gk, gradkit.numpy as np
    >>> np.expand_dims(np.zeros(3), 0).shape
    (1, 3)
    >>> gk.grad(lambda x: np.sum(np.expand_dims(x, 1) * np.array([[1.0], [2.0]])))(np.zeros(2))
    array([1., 2.])
    """
    return reshape(a, _np.expand_dims(_np.empty(shape_of(a), bool), axis).shape)


def squeeze(a, axis=None):
    """Differentiable ``numpy.squeeze``: unit axes removed (all, or those in ``axis``; a reshape).

    Differentiable in ``a`` in both modes, to any order; ``axis`` is static. Returns the
    reshaped array, traced when ``a`` is.

    >>> import gradkit as gk, gradkit.numpy as np
    >>> gk.grad(lambda x: np.sum(np.squeeze(x) * np.array([1.0, 2.0])))(np.zeros((1, 2)))
    array([[1., 2.]])
    """
    return reshape(a, _np.squeeze(_np.empty(shape_of(a), bool), axis).shape)


def copy(a):
    """Differentiable ``numpy.copy``: a traced value passes through with derivative 1; an
    untraced one is copied by NumPy.

    Returns a copy of ``a``, traced when ``a`` is.

    >>> import gradkit as gk, gradkit.numpy as np
    >>> gk.grad(lambda x: np.copy(x) * x)(3.0)
    np.float64(6.0)
    """
    return positive(a) if is_traced(a) else _np.copy(a)


def _concatenate(*xs, axis=0):
    return _np.concatenate(xs, axis=axis)


def _concat_vjp(i, g, ans, *xs, axis=0):
    start = builtins.sum(shape_of(x)[axis] for x in xs[:i])
    return _take_axis(g, slice(start, start + shape_of(xs[i])[axis]), axis)


_concat_p = Primitive("concatenate", _concatenate)
_concat_p.defvjp_argnum(_concat_vjp, reads=lambda i, n: ())  # a piece's cotangent is a slice of g


def _concat_batch(batched, *xs, axis=0):
    size = batch_size(batched, xs)
    xs = [x if b else broadcast_to(x, (size,) + shape_of(x)) for x, b in zip(xs, batched)]
    return _concat_p(*xs, axis=axis % (len(shape_of(xs[0])) - 1) + 1)


_concat_p.defbatch(_concat_batch)
_concat_p.defjvp_joint(lambda ts, ans, *xs, axis=0: _concat_p(
    *[_np.zeros(shape_of(x)) if t is None else t for t, x in zip(ts, xs)], axis=axis))


def concatenate(arrays, axis=0):
    """Differentiable ``numpy.concatenate``: the arrays joined along ``axis`` (flattened first when
    ``axis`` is None).

    Differentiable in every array in both modes, to any order; ``axis`` is static. Each array's
    cotangent is its slice of the result's.

    Returns the joined array, traced when any input is.

    >>> import gradkit as gk, gradkit.numpy as np
    >>> f = lambda x, y: np.sum(np.concatenate([x, y]) * np.arange(1.0, 4.0))
    >>> gk.grad(f, argnums=(0, 1))(np.zeros(2), np.zeros(1))
    (array([1., 2.]), array([3.]))
    """
    arrays = [atleast_1d(a) for a in arrays] if axis is None else list(arrays)
    if axis is None:
        return _concat_p(*[ravel(a) for a in arrays], axis=0)
    return _concat_p(*arrays, axis=axis)


def stack(arrays, axis=0):
    """Differentiable ``numpy.stack``: the arrays, of one shape, joined along a new ``axis``.

    Differentiable in every array in both modes, to any order; ``axis`` is static. Returns
    the stacked array, traced when any input is.

    >>> import gradkit as gk, gradkit.numpy as np
    >>> gk.grad(lambda x: np.sum(np.stack([x, 2 * x], axis=1) ** 2))(np.array([1.0, 2.0]))
    array([10., 20.])
    """
    arrays = list(arrays)
    ndim = len(shape_of(arrays[0])) + 1
    return concatenate([expand_dims(a, axis % ndim) for a in arrays], axis=axis % ndim)


def hstack(tup):
    """Differentiable ``numpy.hstack``: the arrays joined along their second axis (the first for
    1-D ones).

    Differentiable in every array in both modes, to any order. Returns the joined array,
    traced when any input is.

    >>> import gradkit as gk, gradkit.numpy as np
    >>> gk.grad(lambda x: np.sum(np.hstack([x, x ** 2])))(np.array([1.0, 2.0]))
    array([3., 5.])
    """
    arrays = [atleast_1d(a) for a in tup]
    return concatenate(arrays, axis=0 if len(shape_of(arrays[0])) == 1 else 1)


def vstack(tup):
    """Differentiable ``numpy.vstack``: the arrays, made at least 2-D, joined along their first axis.

    Differentiable in every array in both modes, to any order. Returns the joined array,
    traced when any input is.

    >>> import gradkit as gk, gradkit.numpy as np
    >>> np.vstack([np.zeros(2), np.ones(2)]).shape
    (2, 2)
    >>> gk.grad(lambda x: np.vstack([x, 3 * x])[1, 0])(np.array([1.0, 2.0]))
    array([3., 0.])
    """
    return concatenate([atleast_2d(a) for a in tup], axis=0)


def dstack(tup):
    """Differentiable ``numpy.dstack``: the arrays, made at least 3-D, joined along their third axis.

    Differentiable in every array in both modes, to any order. Returns the joined array,
    traced when any input is.

    >>> import gradkit as gk, gradkit.numpy as np
    >>> np.dstack([np.zeros(2), np.ones(2)]).shape
    (1, 2, 2)
    >>> gk.grad(lambda x: np.sum(np.dstack([x, x]) ** 2))(np.array([1.0, 2.0]))
    array([4., 8.])
    """
    return concatenate([atleast_3d(a) for a in tup], axis=2)


def column_stack(tup):
    """Differentiable ``numpy.column_stack``: 1-D arrays as columns, joined with 2-D ones along axis 1.

    Differentiable in every array in both modes, to any order. Returns the 2-D result,
    traced when any input is.

    >>> import gradkit as gk, gradkit.numpy as np
    >>> gk.grad(lambda x: np.column_stack([x, 2 * x])[0, 1])(np.array([1.0, 2.0]))
    array([2., 0.])
    """
    return concatenate([reshape(a, (-1, 1)) if len(shape_of(a)) < 2 else a for a in tup], axis=1)


def array_split(ary, indices_or_sections, axis=0):
    """Differentiable ``numpy.array_split``: ``ary`` cut into pieces along ``axis`` (unequal
    pieces allowed).

    Differentiable in ``ary`` in both modes, to any order; each piece is a slice, so its
    cotangent lands in that slice. ``indices_or_sections`` and ``axis`` are static.

    Returns a list of arrays, traced when ``ary`` is.

    >>> import gradkit as gk, gradkit.numpy as np
    >>> [p.shape for p in np.array_split(np.zeros(5), 2)]
    [(3,), (2,)]
    >>> gk.grad(lambda x: np.sum(np.array_split(x, 2)[1]))(np.zeros(5))
    array([0., 0., 0., 1., 1.])
    """
    n = shape_of(ary)[axis]
    pieces = _np.array_split(_np.arange(n), indices_or_sections)
    idx = [slice(None)] * len(shape_of(ary))
    out = []
    for p in pieces:
        start = int(p[0]) if len(p) else n
        idx[axis] = slice(start, start + len(p))
        out.append(ary[tuple(idx)])
    return out


def split(ary, indices_or_sections, axis=0):
    """Differentiable ``numpy.split``: as ``array_split``, but the pieces must be equal when
    ``indices_or_sections`` is a number (ValueError otherwise, as NumPy).

    Differentiable in ``ary`` in both modes, to any order. Returns a list of arrays, traced
    when ``ary`` is.

    >>> import gradkit as gk, gradkit.numpy as np
    >>> gk.grad(lambda x: np.sum(np.split(x, 2)[0] * np.split(x, 2)[1]))(np.array([1.0, 2.0, 3.0, 4.0]))
    array([3., 4., 1., 2.])
    """
    if _np.ndim(indices_or_sections) == 0 and shape_of(ary)[axis] % indices_or_sections:
        raise ValueError("array split does not result in an equal division; use array_split")
    return array_split(ary, indices_or_sections, axis)


def hsplit(ary, indices_or_sections):
    """Differentiable ``numpy.hsplit``: ``split`` along axis 1 (axis 0 for 1-D arrays).

    Differentiable in ``ary`` in both modes, to any order. Returns a list of arrays, traced
    when ``ary`` is.

    >>> import gradkit as gk, gradkit.numpy as np
    >>> gk.grad(lambda x: np.sum(np.hsplit(x, 2)[1]))(np.zeros((2, 2)))
    array([[0., 1.],
           [0., 1.]])
    """
    return split(ary, indices_or_sections, axis=1 if len(shape_of(ary)) > 1 else 0)


def vsplit(ary, indices_or_sections):
    """Differentiable ``numpy.vsplit``: ``split`` along axis 0.

    Differentiable in ``ary`` in both modes, to any order. Returns a list of arrays, traced
    when ``ary`` is.

    >>> import gradkit as gk, gradkit.numpy as np
    >>> gk.grad(lambda x: np.sum(np.vsplit(x, 2)[1]))(np.zeros((2, 2)))
    array([[0., 0.],
           [1., 1.]])
    """
    return split(ary, indices_or_sections, axis=0)


def dsplit(ary, indices_or_sections):
    """Differentiable ``numpy.dsplit``: ``split`` along axis 2.

    Differentiable in ``ary`` in both modes, to any order. Returns a list of arrays, traced
    when ``ary`` is.

    >>> import gradkit as gk, gradkit.numpy as np
    >>> gk.grad(lambda x: np.sum(np.dsplit(x, 2)[0]))(np.zeros((1, 1, 2)))
    array([[[1., 0.]]])
    """
    return split(ary, indices_or_sections, axis=2)


def append(arr, values, axis=None):
    """Differentiable ``numpy.append``: ``values`` joined after ``arr`` (both flattened when
    ``axis`` is None).

    Differentiable in ``arr`` and ``values`` in both modes, to any order. Returns the joined
    array, traced when either is.

    >>> import gradkit as gk, gradkit.numpy as np
    >>> gk.grad(lambda v: np.sum(np.append(np.ones(2), v) ** 2))(np.array([3.0]))
    array([6.])
    """
    if axis is None:
        return concatenate([ravel(arr), ravel(values)], axis=0)
    return concatenate([arr, values], axis=axis)


def _take_axis(a, index, axis):
    idx = [slice(None)] * len(shape_of(a))
    idx[axis] = index
    return a[tuple(idx)]


def repeat(a, repeats, axis=None):
    """Differentiable ``numpy.repeat``: each element repeated ``repeats`` times (a gather).

    Differentiable in ``a`` in both modes, to any order; the cotangents of the copies add
    up. ``repeats`` and ``axis`` are static. Returns the repeated array, traced when ``a`` is.

    >>> import gradkit as gk, gradkit.numpy as np
    >>> gk.grad(lambda x: np.sum(np.repeat(x, [1, 3])))(np.zeros(2))
    array([1., 3.])
    """
    if axis is None:
        a, axis = ravel(a), 0
    n = shape_of(a)[axis]
    return _take_axis(a, _np.repeat(_np.arange(n), repeats), axis)


def tile(A, reps):
    """Differentiable ``numpy.tile``: ``A`` repeated ``reps`` times along each axis (a gather).

    Differentiable in ``A`` in both modes, to any order; the cotangents of the copies add up.
    Returns the tiled array, traced when ``A`` is.

    >>> import gradkit as gk, gradkit.numpy as np
    >>> gk.grad(lambda x: np.sum(np.tile(x, 3)))(np.zeros(2))
    array([3., 3.])
    """
    reps = (reps,) if _np.ndim(reps) == 0 else tuple(reps)
    ndim = builtins.max(len(reps), len(shape_of(A)))
    A = reshape(A, (1,) * (ndim - len(shape_of(A))) + shape_of(A))
    reps = (1,) * (ndim - len(reps)) + reps
    for axis, r in enumerate(reps):
        if r != 1:
            A = _take_axis(A, _np.tile(_np.arange(shape_of(A)[axis]), r), axis)
    return A


def flip(m, axis=None):
    """Differentiable ``numpy.flip``: the order of elements reversed along ``axis`` (all axes
    when None).

    Differentiable in ``m`` in both modes, to any order; the cotangent is flipped back.
    Returns the flipped array, traced when ``m`` is.

    >>> import gradkit as gk, gradkit.numpy as np
    >>> gk.grad(lambda x: np.flip(x)[0])(np.zeros(3))
    array([0., 0., 1.])
    """
    ndim = len(shape_of(m))
    axes = range(ndim) if axis is None else [a % ndim for a in _np.atleast_1d(axis)]
    idx = tuple(slice(None, None, -1) if k in axes else slice(None) for k in range(ndim))
    return m[idx]


def fliplr(m):
    """Differentiable ``numpy.fliplr``: ``flip`` along axis 1.

    Differentiable in ``m`` in both modes, to any order. Returns the flipped array, traced
    when ``m`` is.

    >>> import gradkit as gk, gradkit.numpy as np
    >>> gk.grad(lambda x: np.fliplr(x)[0, 0])(np.zeros((2, 2)))
    array([[0., 1.],
           [0., 0.]])
    """
    return flip(m, 1)


def flipud(m):
    """Differentiable ``numpy.flipud``: ``flip`` along axis 0.

    Differentiable in ``m`` in both modes, to any order. Returns the flipped array, traced
    when ``m`` is.

    >>> import gradkit as gk, gradkit.numpy as np
    >>> gk.grad(lambda x: np.flipud(x)[0, 0])(np.zeros((2, 2)))
    array([[0., 0.],
           [1., 0.]])
    """
    return flip(m, 0)


def roll(a, shift, axis=None):
    """Differentiable ``numpy.roll``: elements shifted cyclically by ``shift`` along ``axis``.

    Differentiable in ``a`` in both modes, to any order (a gather); ``shift`` and ``axis``
    are static. Returns the rolled array, traced when ``a`` is.

    >>> import gradkit as gk, gradkit.numpy as np
    >>> gk.grad(lambda x: np.roll(x, 1)[0])(np.zeros(3))
    array([0., 0., 1.])
    """
    if axis is None:
        return reshape(roll(ravel(a), shift, 0), shape_of(a))
    shifts, axes = _np.broadcast_arrays(shift, axis)
    for s, ax in zip(shifts.ravel(), axes.ravel()):
        a = _take_axis(a, _np.roll(_np.arange(shape_of(a)[ax]), s), ax)
    return a


def rot90(m, k=1, axes=(0, 1)):
    """Differentiable ``numpy.rot90``: ``m`` rotated by ``k`` quarter turns in the plane ``axes``.

    Differentiable in ``m`` in both modes, to any order (flips and a transpose). Returns the
    rotated array, traced when ``m`` is.

    >>> import gradkit as gk, gradkit.numpy as np
    >>> gk.grad(lambda x: np.rot90(x)[0, 0])(np.zeros((2, 2)))
    array([[0., 1.],
           [0., 0.]])
    """
    k %= 4
    if k == 0:
        return m
    if k == 2:
        return flip(flip(m, axes[0]), axes[1])
    perm = list(range(len(shape_of(m))))
    perm[axes[0]], perm[axes[1]] = perm[axes[1]], perm[axes[0]]
    return transpose(flip(m, axes[1]), perm) if k == 1 else flip(transpose(m, perm), axes[1])


def pad(array, pad_width, mode="constant", **kwargs):
    """np.pad for every mode: the padded array is a gather from the input (by padding
    the input's flat indices), so the derivative is the gather's.

    Differentiable in ``array`` in both modes, to any order; the padding values of "constant"
    mode (a scalar ``constant_values``) and ``pad_width`` are static. Returns the padded
    array, traced when ``array`` is.

    >>> import gradkit as gk, gradkit.numpy as np
    >>> gk.grad(lambda x: np.sum(np.pad(x, 1, mode="edge")))(np.zeros(2))
    array([2., 2.])
    """
    shape = shape_of(array)
    index = _np.arange(int(_np.prod(shape))).reshape(shape)
    if mode == "constant":
        value = kwargs.get("constant_values", 0)
        if _np.ndim(value) != 0:
            raise NotImplementedError("gradkit.numpy.pad: only a scalar constant_values is supported")
        index = _np.pad(index, pad_width, mode="constant", constant_values=-1)
        inside = index >= 0
        return where(inside, ravel(array)[_np.where(inside, index, 0)], value)
    return ravel(array)[_np.pad(index, pad_width, mode=mode, **kwargs)]


def diagonal(a, offset=0, axis1=0, axis2=1):
    """Differentiable ``numpy.diagonal``: the diagonal ``offset`` of the planes ``axis1``,
    ``axis2``, on the last axis of the result.

    Differentiable in ``a`` in both modes, to any order; the cotangent lands on that
    diagonal. Returns the diagonal, traced when ``a`` is; like NumPy's, it cannot be written into.

    >>> import gradkit as gk, gradkit.numpy as np
    >>> gk.grad(lambda x: np.sum(np.diagonal(x, 1)))(np.zeros((3, 3)))
    array([[0., 1., 0.],
           [0., 0., 1.],
           [0., 0., 0.]])
    """
    ndim = len(shape_of(a))
    a = moveaxis(a, (axis1, axis2), (ndim - 2, ndim - 1))
    n, m = shape_of(a)[-2:]
    rows = _np.arange(builtins.max(0, -offset), builtins.min(n, m - offset))
    return read_only(a[..., rows, rows + offset], "np.diagonal")  # as NumPy's, a view that cannot be written


def diag(v, k=0):
    """Differentiable ``numpy.diag``: the ``k``-th diagonal of a 2-D array, or a 2-D array with
    a 1-D ``v`` on its ``k``-th diagonal.

    Differentiable in ``v`` in both modes, to any order. Returns the diagonal or the matrix,
    traced when ``v`` is.

    >>> import gradkit as gk, gradkit.numpy as np
    >>> np.diag(np.array([1.0, 2.0]))
    array([[1., 0.],
           [0., 2.]])
    >>> gk.grad(lambda v: np.sum(np.diag(v) @ np.ones(2)))(np.zeros(2))
    array([1., 1.])
    """
    v = arraylike(v)
    if not is_traced(v):  # (a list, say: NumPy's own)
        return _np.diag(v, k)
    if len(shape_of(v)) == 2:
        return diagonal(v, k)
    n = shape_of(v)[0] + builtins.abs(k)
    idx = _np.full((n, n), -1)
    rows = _np.arange(shape_of(v)[0]) + builtins.max(0, -k)
    idx[rows, rows + k] = _np.arange(shape_of(v)[0])
    return where(idx >= 0, v[_np.maximum(idx, 0)], 0.0)


def trace(a, offset=0, axis1=0, axis2=1):
    """Differentiable ``numpy.trace``: the sum of the diagonal ``offset``.

    Differentiable in ``a`` in both modes, to any order: d trace(A) / dA = I. Returns the
    sum (an array when ``a`` has more than two axes), traced when ``a`` is.

    >>> import gradkit as gk, gradkit.numpy as np
    >>> gk.grad(np.trace)(np.zeros((2, 2)))
    array([[1., 0.],
           [0., 1.]])
    """
    from .reductions import sum
    return sum(diagonal(a, offset, axis1, axis2), axis=-1)


def _triangle(m, k, lower):
    n, c = shape_of(m)[-2:]
    mask = _np.tri(n, c, k, dtype=bool)
    return m * (mask if lower else ~_np.tri(n, c, k - 1, dtype=bool))


def triu(m, k=0):
    """Differentiable ``numpy.triu``: ``m`` with the entries below the ``k``-th diagonal zeroed.

    Differentiable in ``m`` in both modes, to any order; the cotangent is masked the same
    way. Returns the upper triangle, traced when ``m`` is.

    >>> import gradkit as gk, gradkit.numpy as np
    >>> gk.grad(lambda x: np.sum(np.triu(x)))(np.zeros((2, 2)))
    array([[1., 1.],
           [0., 1.]])
    """
    return _triangle(m, k, lower=False)


def tril(m, k=0):
    """Differentiable ``numpy.tril``: ``m`` with the entries above the ``k``-th diagonal zeroed.

    Differentiable in ``m`` in both modes, to any order; the cotangent is masked the same
    way. Returns the lower triangle, traced when ``m`` is.

    >>> import gradkit as gk, gradkit.numpy as np
    >>> gk.grad(lambda x: np.sum(np.tril(x)))(np.zeros((2, 2)))
    array([[1., 0.],
           [1., 1.]])
    """
    return _triangle(m, k, lower=True)


def _atleast(n, arys):
    out = [reshape(a, _atleast_shape(shape_of(a), n)) for a in arys]
    return out[0] if len(out) == 1 else out


def _atleast_shape(shape, n):
    if len(shape) >= n:
        return shape
    if n == 3 and shape:  # NumPy puts a 1-D array in the middle: (n,) -> (1, n, 1)
        return (1,) * (2 - len(shape)) + shape + (1,)
    return (1,) * (n - len(shape)) + shape


def atleast_1d(*arys):
    """Differentiable ``numpy.atleast_1d``: each array reshaped to at least one axis.

    Differentiable in each array in both modes, to any order. Returns one array, or a list
    for several, traced where the inputs are.

    >>> import gradkit as gk, gradkit.numpy as np
    >>> np.atleast_1d(2.0)
    array([2.])
    >>> float(gk.grad(lambda x: np.atleast_1d(x)[0] ** 2)(3.0))
    6.0
    """
    return _atleast(1, arys)


def atleast_2d(*arys):
    """Differentiable ``numpy.atleast_2d``: each array reshaped to at least two axes (leading
    unit axes added).

    Differentiable in each array in both modes, to any order. Returns one array, or a list
    for several, traced where the inputs are.

    >>> import gradkit as gk, gradkit.numpy as np
    >>> np.atleast_2d(np.zeros(3)).shape
    (1, 3)
    >>> float(gk.grad(lambda x: np.atleast_2d(x)[0, 0] ** 2)(3.0))
    6.0
    """
    return _atleast(2, arys)


def atleast_3d(*arys):
    """Differentiable ``numpy.atleast_3d``: each array reshaped to at least three axes (as
    NumPy: a 1-D array of length n becomes (1, n, 1)).

    Differentiable in each array in both modes, to any order. Returns one array, or a list
    for several, traced where the inputs are.

    >>> import gradkit as gk, gradkit.numpy as np
    >>> np.atleast_3d(np.zeros(3)).shape
    (1, 3, 1)
    >>> float(gk.grad(lambda x: np.atleast_3d(x)[0, 0, 0] ** 2)(3.0))
    6.0
    """
    return _atleast(3, arys)


def broadcast_arrays(*args):
    """Differentiable ``numpy.broadcast_arrays``: the arrays broadcast to their common shape.

    Differentiable in each array in both modes, to any order; the backward pass sums each
    cotangent over the broadcast axes. Returns a list of arrays, traced where the inputs are.

    >>> import gradkit as gk, gradkit.numpy as np
    >>> gk.grad(lambda x: np.sum(np.broadcast_arrays(x, np.zeros((3, 2)))[0]))(np.zeros(2))
    array([3., 3.])
    """
    shape = _np.broadcast_shapes(*[shape_of(a) for a in args])
    return [a if shape_of(a) == shape else broadcast_to(a, shape) for a in args]
