"""The one place that knows which array library a value belongs to.

NumPy is the default and the fast path: every helper checks for a NumPy array or scalar
first and answers at once. Other libraries come in two kinds:

- NumPy-like ("duck") arrays such as dask and CuPy implement NumPy's API themselves
  (NEP 18: `numpy.sin(x)` runs dask's or CuPy's sin), so primitives need nothing from
  here; only the arrays the engine creates (seeds, zeros, basis vectors) are made here, in
  the value's library, with its chunks (dask) or on its device (CuPy).
- Array API arrays without NumPy's protocols (array_api_strict, ...) are seen by the
  engine through `Adopted`, a thin NEP-18 view that runs each NumPy function as its
  Array API equivalent in the array's own namespace (found by array-api-compat). Nothing
  is converted to NumPy: a NumPy function that the standard lacks raises BackendError.

Rules and the engine never test an array's type themselves; they call these helpers.
"""
import operator

import numpy as _np

from .errors import GradkitError

__all__ = ["BackendError", "namespace", "backend_name", "is_numpy", "dtype_of", "zeros", "ones",
           "eye", "broadcast_like", "materialize", "scatter_add", "adopt", "release", "Adopted"]


class BackendError(GradkitError, TypeError):
    """An array library lacks an operation that gradkit was asked to run on its arrays."""


def backend_error(operation, x, hint=""):
    return BackendError(
        f"{operation} is not available for {backend_name(x)} arrays"
        f"{': ' + hint if hint else ''}. gradkit never converts them to NumPy behind your back; "
        f"write the computation with operations that {backend_name(x)} has (see docs/scaling.md "
        f"for what each backend supports), or convert the data yourself.")


# NumPy's own types: the fast path of every helper
_NUMPY_TYPES = frozenset((_np.ndarray, float, int, bool, complex, _np.float64, _np.float32, _np.complex128,
                          _np.complex64, _np.int64, _np.int32, _np.bool_))


def is_numpy(x):
    """True for NumPy arrays and scalars and Python numbers."""
    return type(x) in _NUMPY_TYPES or isinstance(x, (_np.ndarray, _np.generic))


def _plain(x):
    from .trace import primal
    return primal(x)


def namespace(*xs):
    """The module whose functions compute on xs: NumPy for NumPy values and for NEP-18
    duck arrays (dask, CuPy), which dispatch through NumPy's own functions; the Array API
    namespace (via array-api-compat) for other arrays that follow the standard."""
    for x in xs:
        if type(x) in _NUMPY_TYPES:
            continue
        x = _plain(x)
        if type(x) is Adopted:
            return x.xp
        if is_numpy(x) or hasattr(x, "__array_function__") or not hasattr(x, "__array_namespace__"):
            continue
        import array_api_compat
        return array_api_compat.array_namespace(x)
    return _np


def backend_name(x):
    """The array library of x, in words ('numpy', 'dask.array', 'cupy', 'array_api_strict')."""
    x = _plain(x)
    if type(x) is Adopted:
        return x.xp.__name__
    return type(x).__module__.split(".")[0] if not is_numpy(x) else "numpy"


def dtype_of(x):
    """x's dtype as a NumPy dtype (Array API dtypes are translated by name)."""
    if type(x) is _np.ndarray:
        return x.dtype
    x = _plain(x)
    dtype = getattr(x, "dtype", None)
    if dtype is None:
        return _np.result_type(x)
    if isinstance(dtype, _np.dtype):
        return dtype
    if type(x) is Adopted:
        return x.dtype
    return _np.dtype(_dtype_name(dtype))


def _dtype_name(dtype):
    return str(dtype).rsplit(".", 1)[-1].replace("'>", "").replace("<class '", "")


def materialize(*xs):
    """xs with lazy (dask) values computed, all in one pass over the data; other values as
    they are (CuPy arrays stay on their device). For iterative methods, which need numbers."""
    if all(type(x) in _NUMPY_TYPES for x in xs):
        return xs
    lazy = [k for k, x in enumerate(xs) if hasattr(x, "__dask_graph__")]
    if not lazy:
        return xs
    import dask
    done = dask.compute(*[xs[k] for k in lazy])
    out = list(xs)
    for k, v in zip(lazy, done):
        out[k] = v
    return tuple(out)


# -- arrays the engine creates, "like" a value ----------------------------------------------
def _like(numpy_fill, fill_like, shape, dtype, like):
    x = _plain(like)
    shape = tuple(shape)
    if type(x) is Adopted:
        return x.wrap(getattr(x.xp, numpy_fill.__name__)(shape, dtype=x.native_dtype(dtype)))
    if getattr(x, "shape", None) == shape:
        return fill_like(x, dtype=dtype)  # dask: the value's chunks; CuPy: its device
    if hasattr(x, "__array_function__"):
        return numpy_fill(shape, dtype, like=x)
    return numpy_fill(shape, dtype)


def zeros(shape, like, dtype=None):
    """Zeros of `shape` (and like's dtype unless given) in the library of `like`."""
    if type(like) in _NUMPY_TYPES:
        return _np.zeros(shape, dtype if dtype is not None else _np.result_type(like))
    return _like(_np.zeros, _np.zeros_like, shape, dtype if dtype is not None else dtype_of(like), like)


def ones(shape, like, dtype=None):
    """Ones of `shape` (and like's dtype unless given) in the library of `like`: the
    engine's seed cotangents. A lazy dask value gets a lazy seed, never a NumPy one that
    would be shipped to every worker."""
    if type(like) in _NUMPY_TYPES:
        return _np.ones(shape, dtype if dtype is not None else _np.result_type(like))
    return _like(_np.ones, _np.ones_like, shape, dtype if dtype is not None else dtype_of(like), like)


def eye(n, dtype, like):
    """The n x n identity in the library of `like` (the Jacobians' basis vectors)."""
    x = _plain(like)
    if is_numpy(x):
        return _np.eye(n, dtype=dtype)
    if type(x) is Adopted:
        return x.wrap(x.xp.eye(n, dtype=x.native_dtype(dtype)))
    import array_api_compat
    return array_api_compat.array_namespace(x).eye(n, dtype=dtype)


def broadcast_like(x, shape, like):
    """x (small) broadcast to `shape` in the library of `like`, with like's chunks on dask:
    a reduction's cotangent spread back over the data."""
    if type(x) is _np.ndarray and type(like) is _np.ndarray:
        return _np.broadcast_to(x, shape)
    big = _plain(like)
    chunks = getattr(big, "chunks", None)
    if chunks is not None and getattr(big, "shape", None) == tuple(shape) and hasattr(big, "rechunk"):
        small = x if not is_numpy(x) else _np.zeros((), dtype_of(x), like=big) + x  # into dask, O(1)
        return _np.broadcast_to(small, shape).rechunk(chunks)
    return _np.broadcast_to(x, shape)


def scatter_add(g, idx, shape, repeats):
    """zeros(shape) with g added at idx, in g's library (the transpose of indexing); a
    library without an accumulating scatter gets BackendError for indices that may repeat."""
    out = zeros(shape, g, _np.result_type(dtype_of(g), _np.float64))
    if not repeats:
        idx, g = _without_new_axes(idx, g, len(shape))
        out[idx] = g
        return out
    x = _plain(g)
    add_at = getattr(_np.add, "at") if hasattr(x, "__array_function__") and type(x).__module__.startswith("cupy") \
        else None
    if add_at is None:
        raise backend_error("the derivative of indexing with integer arrays (a scatter-add)", g,
                            "index with slices or boolean masks, or take the values with a matrix product")
    add_at(out, idx, g)
    return out


def _without_new_axes(idx, g, ndim):
    """A basic index without None (which dask's and the standard's assignment refuse),
    g's unit axes that None made squeezed away."""
    parts = idx if type(idx) is tuple else (idx,)
    if not any(p is None for p in parts) or any(not isinstance(p, (int, slice, type(None), type(Ellipsis)))
                                              for p in parts):
        return idx, g
    if Ellipsis in parts:
        k = parts.index(Ellipsis)
        rest = ndim - sum(1 for p in parts if p is not None and p is not Ellipsis)
        parts = parts[:k] + (slice(None),) * rest + parts[k + 1:]
    drop, axis = [], 0
    for p in parts:
        if p is None:
            drop.append(axis)
        if not isinstance(p, int):
            axis += 1
    return tuple(p for p in parts if p is not None), _np.squeeze(g, axis=tuple(drop))


# -- Array API arrays: a NEP-18 view ------------------------------------------------------
def adopt(x):
    """The engine's view of an input value: x itself for NumPy and NEP-18 arrays, an
    `Adopted` view of an Array API array that lacks NumPy's protocols."""
    if type(x) in _NUMPY_TYPES or hasattr(x, "__array_function__") or not hasattr(x, "__array_namespace__"):
        return x
    import array_api_compat
    return Adopted(x, array_api_compat.array_namespace(x))


def release(x):
    """The user's value for an engine value: the native array of an Adopted view."""
    return x.array if type(x) is Adopted else x


class Adopted:
    """A NEP-18 view of an Array API array (filled in below)."""
    __slots__ = ("array", "xp")
