"""Shape functions. Most are linear maps expressed with a few primitives (reshape,
transpose, concatenate, getitem), so their derivatives come from those."""
import builtins

import numpy as _np

from ..core import Primitive
from ..core import is_traced
from .declare import batch_size, broadcast_to, linear, shape_of
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
reshape.defbatch(lambda batched, x, shape, order="C":
                 reshape(x, shape_of(x)[:1] + ((shape,) if _np.ndim(shape) == 0 else tuple(shape)), order))


def ravel(a, order="C"):
    return reshape(a, (-1,), order)


def _transpose(x, axes=None):
    return _np.transpose(x, axes)


transpose = linear(
    _transpose,
    lambda g, ans, x, axes=None: transpose(g, None if axes is None else tuple(_np.argsort(axes))),
    name="transpose")
transpose.defbatch(lambda batched, x, axes=None: transpose(
    x, (0,) + tuple(range(len(shape_of(x)) - 1, 0, -1) if axes is None else (a % (len(shape_of(x)) - 1) + 1 for a in axes))))


def _axis_list(axes, ndim):
    return [axes % ndim] if isinstance(axes, (int, _np.integer)) else [a % ndim for a in axes]


def moveaxis(a, source, destination):
    ndim = len(shape_of(a))
    src, dst = _axis_list(source, ndim), _axis_list(destination, ndim)
    order = [n for n in range(ndim) if n not in src]
    for d, s in sorted(zip(dst, src)):
        order.insert(d, s)
    return transpose(a, tuple(order))


def rollaxis(a, axis, start=0):
    """np.rollaxis (prefer moveaxis): axis moves to sit before the axis now at `start`."""
    ndim = len(shape_of(a))
    axis %= ndim
    start = start + ndim if start < 0 else start
    if axis < start:
        start -= 1
    return a if axis == start else moveaxis(a, axis, start)


def swapaxes(a, axis1, axis2):
    axes = list(range(len(shape_of(a))))
    axes[axis1], axes[axis2] = axes[axis2], axes[axis1]
    return transpose(a, tuple(axes))


def expand_dims(a, axis):
    return reshape(a, _np.expand_dims(_np.empty(shape_of(a), bool), axis).shape)


def squeeze(a, axis=None):
    return reshape(a, _np.squeeze(_np.empty(shape_of(a), bool), axis).shape)


def copy(a):
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
    arrays = [atleast_1d(a) for a in arrays] if axis is None else list(arrays)
    if axis is None:
        return _concat_p(*[ravel(a) for a in arrays], axis=0)
    return _concat_p(*arrays, axis=axis)


def stack(arrays, axis=0):
    arrays = list(arrays)
    ndim = len(shape_of(arrays[0])) + 1
    return concatenate([expand_dims(a, axis % ndim) for a in arrays], axis=axis % ndim)


def hstack(tup):
    arrays = [atleast_1d(a) for a in tup]
    return concatenate(arrays, axis=0 if len(shape_of(arrays[0])) == 1 else 1)


def vstack(tup):
    return concatenate([atleast_2d(a) for a in tup], axis=0)


def dstack(tup):
    return concatenate([atleast_3d(a) for a in tup], axis=2)


def column_stack(tup):
    return concatenate([reshape(a, (-1, 1)) if len(shape_of(a)) < 2 else a for a in tup], axis=1)


def array_split(ary, indices_or_sections, axis=0):
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
    if _np.ndim(indices_or_sections) == 0 and shape_of(ary)[axis] % indices_or_sections:
        raise ValueError("array split does not result in an equal division; use array_split")
    return array_split(ary, indices_or_sections, axis)


def hsplit(ary, indices_or_sections):
    return split(ary, indices_or_sections, axis=1 if len(shape_of(ary)) > 1 else 0)


def vsplit(ary, indices_or_sections):
    return split(ary, indices_or_sections, axis=0)


def dsplit(ary, indices_or_sections):
    return split(ary, indices_or_sections, axis=2)


def append(arr, values, axis=None):
    if axis is None:
        return concatenate([ravel(arr), ravel(values)], axis=0)
    return concatenate([arr, values], axis=axis)


def _take_axis(a, index, axis):
    idx = [slice(None)] * len(shape_of(a))
    idx[axis] = index
    return a[tuple(idx)]


def repeat(a, repeats, axis=None):
    if axis is None:
        a, axis = ravel(a), 0
    n = shape_of(a)[axis]
    return _take_axis(a, _np.repeat(_np.arange(n), repeats), axis)


def tile(A, reps):
    reps = (reps,) if _np.ndim(reps) == 0 else tuple(reps)
    ndim = builtins.max(len(reps), len(shape_of(A)))
    A = reshape(A, (1,) * (ndim - len(shape_of(A))) + shape_of(A))
    reps = (1,) * (ndim - len(reps)) + reps
    for axis, r in enumerate(reps):
        if r != 1:
            A = _take_axis(A, _np.tile(_np.arange(shape_of(A)[axis]), r), axis)
    return A


def flip(m, axis=None):
    ndim = len(shape_of(m))
    axes = range(ndim) if axis is None else [a % ndim for a in _np.atleast_1d(axis)]
    idx = tuple(slice(None, None, -1) if k in axes else slice(None) for k in range(ndim))
    return m[idx]


def fliplr(m):
    return flip(m, 1)


def flipud(m):
    return flip(m, 0)


def roll(a, shift, axis=None):
    if axis is None:
        return reshape(roll(ravel(a), shift, 0), shape_of(a))
    shifts, axes = _np.broadcast_arrays(shift, axis)
    for s, ax in zip(shifts.ravel(), axes.ravel()):
        a = _take_axis(a, _np.roll(_np.arange(shape_of(a)[ax]), s), ax)
    return a


def rot90(m, k=1, axes=(0, 1)):
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
    the input's flat indices), so the derivative is the gather's."""
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
    ndim = len(shape_of(a))
    a = moveaxis(a, (axis1, axis2), (ndim - 2, ndim - 1))
    n, m = shape_of(a)[-2:]
    rows = _np.arange(builtins.max(0, -offset), builtins.min(n, m - offset))
    return a[..., rows, rows + offset]


def diag(v, k=0):
    if len(shape_of(v)) == 2:
        return diagonal(v, k)
    n = shape_of(v)[0] + builtins.abs(k)
    idx = _np.full((n, n), -1)
    rows = _np.arange(shape_of(v)[0]) + builtins.max(0, -k)
    idx[rows, rows + k] = _np.arange(shape_of(v)[0])
    return where(idx >= 0, v[_np.maximum(idx, 0)], 0.0)


def trace(a, offset=0, axis1=0, axis2=1):
    from .reductions import sum
    return sum(diagonal(a, offset, axis1, axis2), axis=-1)


def _triangle(m, k, lower):
    n, c = shape_of(m)[-2:]
    mask = _np.tri(n, c, k, dtype=bool)
    return m * (mask if lower else ~_np.tri(n, c, k - 1, dtype=bool))


def triu(m, k=0):
    return _triangle(m, k, lower=False)


def tril(m, k=0):
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
    return _atleast(1, arys)


def atleast_2d(*arys):
    return _atleast(2, arys)


def atleast_3d(*arys):
    return _atleast(3, arys)


def broadcast_arrays(*args):
    shape = _np.broadcast_shapes(*[shape_of(a) for a in args])
    return [a if shape_of(a) == shape else broadcast_to(a, shape) for a in args]
