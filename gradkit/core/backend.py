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

__all__ = ["BackendError", "namespace", "backend_name", "is_numpy", "dtype_of", "zeros", "ones", "eye", "chunks_of",
           "broadcast_chunked", "materialize", "require_numpy", "scatter_add", "adopt", "release", "Adopted"]


class BackendError(GradkitError, TypeError):
    """An array library lacks an operation that gradkit was asked to run on its arrays.

    >>> import array_api_strict as xp
    >>> try:
    ...     materialize(xp.ones(2))
    ... except BackendError as error:
    ...     print(str(error).split(":")[0])
    gradkit's optimisers, which iterate on NumPy arrays, is not available for array_api_strict arrays
    """


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
    """True for NumPy arrays and scalars and Python numbers.

    >>> import numpy, dask.array as da
    >>> is_numpy(2.0), is_numpy(numpy.ones(2)), is_numpy(da.ones(2))
    (True, True, False)
    """
    return type(x) in _NUMPY_TYPES or isinstance(x, (_np.ndarray, _np.generic))


def _plain(x):
    from .trace import primal
    return primal(x)


def namespace(*xs):
    """The module whose functions compute on xs: NumPy for NumPy values and for NEP-18
    duck arrays (dask, CuPy), which dispatch through NumPy's own functions; the Array API
    namespace (via array-api-compat) for other arrays that follow the standard.

    >>> import numpy, dask.array as da, array_api_strict as xp
    >>> [namespace(x).__name__ for x in (numpy.ones(2), da.ones(2), xp.ones(2))]
    ['numpy', 'numpy', 'array_api_strict']
    """
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
    """The array library of x, in words ('numpy', 'dask', 'cupy', 'array_api_strict'), for messages.

    >>> import numpy, dask.array as da, array_api_strict as xp
    >>> [backend_name(x) for x in (numpy.ones(2), da.ones(2), xp.ones(2))]
    ['numpy', 'dask', 'array_api_strict']
    """
    x = _plain(x)
    if type(x) is Adopted:
        return x.xp.__name__
    return type(x).__module__.split(".")[0] if not is_numpy(x) else "numpy"


def dtype_of(x):
    """x's dtype as a NumPy dtype (Array API dtypes are translated by name).

    >>> import array_api_strict as xp
    >>> dtype_of(2.0), dtype_of(xp.ones(2, dtype=xp.float32))
    (dtype('float64'), dtype('float32'))
    """
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


def materialize(*xs, operation="gradkit's optimisers, which iterate on NumPy arrays,"):
    """xs with lazy (dask) values computed, all in one pass over the data (the numbers of
    an iterative method); another library's arrays (CuPy, Array API) raise BackendError
    naming `operation`, since they would have to be converted to NumPy. Returns a tuple.

    >>> import dask.array as da
    >>> materialize(da.ones(2), 3.0)
    (array([1., 1.]), 3.0)
    """
    if all(type(x) in _NUMPY_TYPES for x in xs):
        return xs
    for x in xs:
        require_numpy(x, operation)
    lazy = [k for k, x in enumerate(xs) if hasattr(x, "__dask_graph__")]
    if not lazy:
        return xs
    import dask
    done = dask.compute(*[xs[k] for k in lazy])
    out = list(xs)
    for k, v in zip(lazy, done):
        out[k] = v
    return tuple(out)


def require_numpy(x, operation):
    """x unless it is another library's array (CuPy, Array API) that `operation`, which
    works on NumPy arrays, would convert behind the user's back: then BackendError. NumPy
    values, Python numbers and lists pass, and dask values, which compute to NumPy.

    >>> require_numpy([1.0, 2.0], "numpy.linalg.solve")
    [1.0, 2.0]
    """
    if type(x) in _NUMPY_TYPES or isinstance(x, (_np.ndarray, _np.generic, list, tuple)) or \
            hasattr(x, "__dask_graph__") or not (hasattr(x, "__array_namespace__") or hasattr(x, "__array_function__")):
        return x
    raise backend_error(operation, x, "keep the parameters as NumPy arrays (the data may stay dask), or convert "
                        "the arrays yourself")


# -- arrays the engine creates, "like" a value ----------------------------------------------
def _like(numpy_fill, fill_like, shape, dtype, like):
    x = adopt(_plain(like))
    shape = tuple(shape)
    if type(x) is Adopted:
        return x.wrap(getattr(x.xp, numpy_fill.__name__)(shape, dtype=x.native_dtype(dtype)))
    if getattr(x, "shape", None) == shape:
        return fill_like(x, dtype=dtype)  # dask: the value's chunks; CuPy: its device
    if hasattr(x, "__array_function__"):
        return numpy_fill(shape, dtype, like=x)
    return numpy_fill(shape, dtype)


def zeros(shape, like, dtype=None):
    """Zeros of `shape` (and like's dtype unless given) in the library of `like`.

    >>> import numpy, dask.array as da
    >>> zeros((2,), numpy.ones(3)), type(zeros((2,), da.ones(3))).__module__
    (array([0., 0.]), 'dask.array.core')
    """
    if type(like) in _NUMPY_TYPES:
        return _np.zeros(shape, dtype if dtype is not None else _np.result_type(like))
    return _like(_np.zeros, _np.zeros_like, shape, dtype if dtype is not None else dtype_of(like), like)


def ones(shape, like, dtype=None):
    """Ones of `shape` (and like's dtype unless given) in the library of `like`: the
    engine's seed cotangents. A lazy dask value gets a lazy seed, never a NumPy one that
    would be shipped to every worker.

    >>> import dask.array as da
    >>> ones((2,), 1.0), ones((4,), da.ones(4, chunks=2)).chunks
    (array([1., 1.]), ((2, 2),))
    """
    if type(like) in _NUMPY_TYPES:
        return _np.ones(shape, dtype if dtype is not None else _np.result_type(like))
    return _like(_np.ones, _np.ones_like, shape, dtype if dtype is not None else dtype_of(like), like)


def eye(n, dtype, like):
    """The n x n identity in the library of `like` (the Jacobians' basis vectors).

    >>> import numpy
    >>> eye(2, numpy.float64, 1.0)
    array([[1., 0.],
           [0., 1.]])
    """
    x = adopt(_plain(like))
    if is_numpy(x):
        return _np.eye(n, dtype=dtype)
    if type(x) is Adopted:
        return x.wrap(x.xp.eye(n, dtype=x.native_dtype(dtype)))
    import array_api_compat
    return array_api_compat.array_namespace(x).eye(n, dtype=dtype)


def chunks_of(x, shape):
    """The chunks of a dask value of `shape` (None for every other array): what a small
    value broadcast over it should be split into, so that it meets the data chunk by chunk.
    (Under vmap the value holds batch axes first; its last len(shape) chunks are shape's.)

    >>> import numpy, dask.array as da
    >>> chunks_of(da.ones((4, 3), chunks=(2, 3)), (4, 3)), chunks_of(numpy.ones((4, 3)), (4, 3))
    (((2, 2), (3,)), None)
    """
    if type(x) is _np.ndarray:
        return None
    x = _plain(x)
    chunks = getattr(x, "chunks", None)
    if chunks is None or not hasattr(x, "__dask_graph__") or len(chunks) < len(shape):
        return None
    chunks = chunks[len(chunks) - len(shape):]
    return chunks if tuple(map(sum, chunks)) == tuple(shape) else None


def broadcast_chunked(x, shape, chunks):
    """x (small) broadcast lazily to `shape` in pieces of `chunks` (dask's), as a blockwise
    operation: dask fuses each piece into the elementwise work that reads it, so a
    reduction's spread cotangent is never a task (nor a transfer between workers) of its own.

    >>> import numpy
    >>> y = broadcast_chunked(numpy.arange(3.0), (4, 3), ((2, 2), (3,)))
    >>> y.chunks, y.compute()[3]
    (((2, 2), (3,)), array([0., 1., 2.]))
    """
    import dask.array as da
    from dask.array.utils import meta_from_array
    from dask.layers import ArrayChunkShapeDep
    shape, x = tuple(shape), da.asarray(x)
    lead = len(shape) - x.ndim
    out_ind = tuple(range(len(shape)))
    # x's axes of length 1 that spread get an index of their own (one block, passed whole)
    spread = [a for a in range(x.ndim) if x.shape[a] == 1 and shape[a + lead] != 1]
    x_ind = tuple(len(shape) + a if a in spread else a + lead for a in range(x.ndim))
    x = x.rechunk({a: chunks[a + lead] for a in range(x.ndim) if a not in spread})
    # the output's chunk shapes (the axes x lacks or spreads take theirs from here)
    return da.blockwise(_np.broadcast_to, out_ind, x, x_ind, ArrayChunkShapeDep(chunks), out_ind,
                        align_arrays=False, concatenate=True, dtype=x.dtype,
                        meta=meta_from_array(x, ndim=len(shape)))


def scatter_add(g, idx, shape, repeats):
    """zeros(shape) with g added at idx, in g's library (the transpose of indexing); a
    library without an accumulating scatter gets BackendError for indices that may repeat.

    >>> import numpy
    >>> scatter_add(numpy.ones(2), (slice(1, 3),), (4,), False)
    array([0., 1., 1., 0.])
    """
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
    `Adopted` view of an Array API array that lacks NumPy's protocols.

    >>> import numpy, array_api_strict as xp
    >>> type(adopt(xp.ones(2))).__name__, type(adopt(numpy.ones(2))).__name__
    ('Adopted', 'ndarray')
    """
    if is_numpy(x) or hasattr(x, "__array_function__") or not hasattr(x, "__array_namespace__"):
        return x
    import array_api_compat
    return Adopted(x, array_api_compat.array_namespace(x))


def release(x):
    """The user's value for an engine value: the native array of an Adopted view.

    >>> import array_api_strict as xp
    >>> release(adopt(xp.ones(2)))
    Array([1., 1.], dtype=array_api_strict.float64)
    """
    return x.array if type(x) is Adopted else x


# NumPy ufuncs -> the standard's names (where they differ); binary arithmetic goes through
# the operators, which take Python scalars in every version of the standard
_UFUNC_NAMES = {"true_divide": "divide", "power": "pow", "absolute": "abs", "arcsin": "asin", "arccos": "acos",
                "arctan": "atan", "arctan2": "atan2", "arcsinh": "asinh", "arccosh": "acosh", "arctanh": "atanh",
                "conjugate": "conj", "bitwise_not": "bitwise_invert", "invert": "bitwise_invert"}
_OPERATORS = {"add": operator.add, "subtract": operator.sub, "multiply": operator.mul, "divide": operator.truediv,
              "pow": operator.pow, "greater": operator.gt, "greater_equal": operator.ge, "less": operator.lt,
              "less_equal": operator.le, "equal": operator.eq, "not_equal": operator.ne, "matmul": operator.matmul}


def _axis(axis):
    return tuple(axis) if isinstance(axis, list) else axis


def _reshape(xp, a, newshape=None, order="C", shape=None, copy=None):
    if order != "C":
        raise backend_error(f"reshape with order={order!r}", Adopted(a, xp), "the standard reshapes in C order only")
    return xp.reshape(a, tuple(newshape if shape is None else shape) if _np.ndim(newshape if shape is None else shape)
                      else (newshape if shape is None else shape,))


def _transpose(xp, a, axes=None):
    return xp.permute_dims(a, tuple(reversed(range(a.ndim))) if axes is None else tuple(axes))


def _full(name):
    def make(xp, shape, *rest, dtype=None, fill_value=None, **kwargs):
        dtype = _native(xp, dtype if dtype is not None else (rest[0] if rest and name != "full" else None))
        shape = (shape,) if isinstance(shape, int) else tuple(shape)
        if name == "full":
            return xp.full(shape, rest[0] if rest else fill_value, dtype=dtype)
        return getattr(xp, name)(shape, dtype=dtype)
    return make


# NumPy functions -> their Array API form (xp, *args, **kwargs) -> native array
_FUNCTIONS = {
    "sum": lambda xp, a, axis=None, dtype=None, keepdims=False: xp.sum(
        xp.astype(a, xp.int64) if a.dtype == xp.bool else a, axis=_axis(axis), keepdims=keepdims),  # NumPy counts
    "mean": lambda xp, a, axis=None, dtype=None, keepdims=False: xp.mean(a, axis=_axis(axis), keepdims=keepdims),
    "prod": lambda xp, a, axis=None, dtype=None, keepdims=False: xp.prod(a, axis=_axis(axis), keepdims=keepdims),
    "max": lambda xp, a, axis=None, keepdims=False: xp.max(a, axis=_axis(axis), keepdims=keepdims),
    "min": lambda xp, a, axis=None, keepdims=False: xp.min(a, axis=_axis(axis), keepdims=keepdims),
    "amax": lambda xp, a, axis=None, keepdims=False: xp.max(a, axis=_axis(axis), keepdims=keepdims),
    "amin": lambda xp, a, axis=None, keepdims=False: xp.min(a, axis=_axis(axis), keepdims=keepdims),
    "reshape": _reshape,
    "transpose": _transpose,
    "permute_dims": _transpose,
    "moveaxis": lambda xp, a, source, destination: xp.moveaxis(a, source, destination),
    "swapaxes": lambda xp, a, i, j: xp.moveaxis(xp.moveaxis(a, i, j), j + 1 if i < j else j - 1, i)
    if abs(i - j) > 1 else xp.moveaxis(a, i, j),
    "broadcast_to": lambda xp, a, shape: xp.broadcast_to(a, tuple(shape) if _np.ndim(shape) else (shape,)),
    "where": lambda xp, c, a, b: xp.where(c, a, b),
    "concatenate": lambda xp, arrays, axis=0: xp.concat(list(arrays), axis=axis),
    "stack": lambda xp, arrays, axis=0: xp.stack(list(arrays), axis=axis),
    "squeeze": lambda xp, a, axis=None: xp.squeeze(a, axis=tuple(i for i, n in enumerate(a.shape) if n == 1)
                                                   if axis is None else axis),
    "expand_dims": lambda xp, a, axis: xp.expand_dims(a, axis=axis),
    "dot": lambda xp, a, b: a * b if a.ndim == 0 or b.ndim == 0 else xp.matmul(a, b),
    "tensordot": lambda xp, a, b, axes=2: xp.tensordot(a, b, axes=axes),
    "vecdot": lambda xp, a, b, axis=-1: xp.vecdot(a, b, axis=axis),
    "clip": lambda xp, a, a_min=None, a_max=None: xp.clip(a, a_min, a_max),
    "real": lambda xp, a: xp.real(a) if xp.isdtype(a.dtype, "complex floating") else a,
    "imag": lambda xp, a: xp.imag(a) if xp.isdtype(a.dtype, "complex floating") else xp.zeros_like(a),
    "zeros_like": lambda xp, a, dtype=None: xp.zeros_like(a, dtype=_native(xp, dtype)),
    "ones_like": lambda xp, a, dtype=None: xp.ones_like(a, dtype=_native(xp, dtype)),
    "full_like": lambda xp, a, fill_value, dtype=None: xp.full_like(a, fill_value, dtype=_native(xp, dtype)),
    "zeros": _full("zeros"), "ones": _full("ones"), "empty": _full("empty"), "full": _full("full"),
    "eye": lambda xp, n, m=None, k=0, dtype=float: xp.eye(n, m, k=k, dtype=_native(xp, dtype)),
    "copy": lambda xp, a: xp.asarray(a, copy=True),
    "cumsum": lambda xp, a, axis=None: xp.cumulative_sum(a, axis=axis),
    "cumprod": lambda xp, a, axis=None: xp.cumulative_prod(a, axis=axis),
    "flip": lambda xp, a, axis=None: xp.flip(a, axis=axis),
    "linalg.solve": lambda xp, a, b: xp.linalg.solve(a, b),
    "linalg.inv": lambda xp, a: xp.linalg.inv(a),
    "linalg.det": lambda xp, a: xp.linalg.det(a),
    "linalg.cholesky": lambda xp, a: xp.linalg.cholesky(a),
}
# answered from the shape and dtype alone
_METADATA = {
    "shape": lambda a: tuple(a.shape), "ndim": lambda a: a.ndim, "size": lambda a: a.size,
    "result_type": None, "iscomplexobj": lambda a: dtype_of(a).kind == "c",
    "isrealobj": lambda a: dtype_of(a).kind != "c",
}


def _native(xp, dtype):
    """The namespace's dtype for a NumPy dtype (None stays None)."""
    if dtype is None:
        return None
    if not isinstance(dtype, _np.dtype) and not (isinstance(dtype, type) and issubclass(dtype, (_np.generic, float,
                                                                                               int, complex))):
        return dtype  # already the namespace's
    return getattr(xp, _np.dtype(dtype).name)


def _foreign(v):
    """An argument with NumPy protocols of its own (a traced value) that Adopted leaves to them."""
    return type(v) is not Adopted and type(v) is not _np.ndarray and hasattr(v, "__array_ufunc__")


class ArrayAPINamespace:
    """What `array_namespace(x)` gives for a traced x: gradkit.numpy's functions (which
    carry the derivatives) with Array API arrays among their arguments (the data of the
    program, say) seen through Adopted, since those arrays' operators refuse traced values."""

    def __init__(self, module):
        self._module = module
        self.__name__ = module.__name__

    def __getattr__(self, name):
        target = getattr(self._module, name)
        if not callable(target) or isinstance(target, type):
            return target if not hasattr(target, "__dict__") or not hasattr(target, "__file__") \
                else ArrayAPINamespace(target)  # dtypes, constants; linalg, fft

        def call(*args, **kwargs):
            return target(*[a if type(a) in _NUMPY_TYPES else adopt_sequence(a) for a in args],
                          **{k: adopt_sequence(v) for k, v in kwargs.items()})
        call.__name__ = name
        self.__dict__[name] = call
        return call

    def __repr__(self):
        return f"<the Array API namespace of traced values: {self.__name__}>"


_TRACED_NAMESPACE = []


def traced_namespace():
    """The Array API namespace of traced values (Tracer.__array_namespace__)."""
    if not _TRACED_NAMESPACE:
        import gradkit.numpy
        _TRACED_NAMESPACE.append(ArrayAPINamespace(gradkit.numpy))
    return _TRACED_NAMESPACE[0]


def adopt_sequence(x):
    return type(x)(adopt(v) for v in x) if type(x) in (list, tuple) else adopt(x)


class Adopted:
    """A NEP-18 view of an Array API array: NumPy's functions and ufuncs called on it run
    their Array API equivalents in the array's own namespace, and the results are viewed
    the same way. This is how a primitive's implementation (written with NumPy's
    functions) falls to the value's namespace; NumPy itself never sees the data, and
    converting the view to a NumPy array raises BackendError.

    >>> import numpy, array_api_strict as xp
    >>> release(numpy.sin(adopt(xp.zeros(2))))
    Array([0., 0.], dtype=array_api_strict.float64)
    """

    __slots__ = ("array", "xp")
    __array_priority__ = 200.0

    def __init__(self, array, xp):
        self.array, self.xp = array, xp

    def wrap(self, native):
        return Adopted(native, self.xp) if hasattr(native, "__array_namespace__") else native

    def native_dtype(self, dtype):
        return _native(self.xp, dtype)

    def _in(self, v):
        """An argument as the namespace takes it: views unwrapped, NumPy constants (the
        engine's small seeds and scalars) brought into the namespace."""
        t = type(v)
        if t is Adopted:
            return v.array
        if t is float or t is int or t is bool or t is complex:
            return v
        if isinstance(v, _np.generic):
            return v.item()
        if t is _np.ndarray:
            return self.xp.asarray(v) if v.ndim else v.item()
        if t is tuple or t is list:
            return t(self._in(e) for e in v)
        return v

    # -- NumPy's protocols ----------------------------------------------------------------
    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        if any(_foreign(v) for v in inputs):  # a traced value: its own protocol goes next
            return NotImplemented
        name = _UFUNC_NAMES.get(ufunc.__name__, ufunc.__name__)
        if method != "__call__" or kwargs.get("out") is not None:
            raise backend_error(f"numpy.{ufunc.__name__}.{method}", self)
        args = [self._in(v) for v in inputs]
        if name == "divide":  # NumPy's true division of integers and booleans gives floats
            args = [self.xp.astype(a, self.xp.float64) if hasattr(a, "__array_namespace__") and
                    not self.xp.isdtype(a.dtype, ("real floating", "complex floating")) else a for a in args]
        op = _OPERATORS.get(name)
        if op is not None and any(hasattr(a, "__array_namespace__") for a in args):
            return self.wrap(op(*args))
        fn = getattr(self.xp, name, None)
        if fn is None:
            raise backend_error(f"numpy.{ufunc.__name__}", self, "the Array API standard has no such function")
        return self.wrap(fn(*args))

    def __array_function__(self, func, types, args, kwargs):
        if any(t is not Adopted and t is not _np.ndarray for t in types):
            return NotImplemented
        name = func.__name__
        module = getattr(func, "__module__", "") or ""
        if "linalg" in module:
            name = "linalg." + name
        if name in _METADATA:
            if name == "result_type":
                return _np.result_type(*[dtype_of(a) if type(a) is Adopted else a for a in args])
            return _METADATA[name](args[0])
        impl = _FUNCTIONS.get(name)
        if impl is None:
            raise backend_error(f"numpy.{name}", self, "it is outside the core subset gradkit runs on Array API "
                                "arrays (elementwise functions, reductions, matmul, reshape/transpose, indexing)")
        out = impl(self.xp, *[self._in(a) for a in args], **{k: self._in(v) for k, v in kwargs.items()})
        if type(out) in (tuple, list):
            return type(out)(self.wrap(o) for o in out)
        return self.wrap(out)

    def __array__(self, *args, **kwargs):
        raise backend_error("conversion to a NumPy array", self)

    # -- the array attributes and methods the rules use -----------------------------------
    shape = property(lambda self: tuple(self.array.shape))
    ndim = property(lambda self: self.array.ndim)
    size = property(lambda self: _np.prod(self.array.shape, dtype=int).item())
    dtype = property(lambda self: _np.dtype(_dtype_name(self.array.dtype)))
    T = property(lambda self: self.wrap(_transpose(self.xp, self.array)))
    mT = property(lambda self: self.wrap(self.xp.matrix_transpose(self.array)))
    real = property(lambda self: _np.real(self))
    imag = property(lambda self: _np.imag(self))

    def reshape(self, *shape, order="C"):
        return _np.reshape(self, shape[0] if len(shape) == 1 else shape, order=order)

    def astype(self, dtype, copy=True):
        return self.wrap(self.xp.astype(self.array, _native(self.xp, dtype), copy=copy))

    def copy(self):
        return self.wrap(self.xp.asarray(self.array, copy=True))

    def sum(self, axis=None, keepdims=False):
        return _np.sum(self, axis=axis, keepdims=keepdims)

    def transpose(self, *axes):
        return _np.transpose(self, axes[0] if len(axes) == 1 else (axes or None))

    def __getitem__(self, idx):
        return self.wrap(self.array[self._index(idx)])

    def __setitem__(self, idx, value):
        self.array[self._index(idx)] = self._in(value)

    def _index(self, idx):
        """idx as the standard takes it: NumPy's implicit trailing slices made explicit (an
        Ellipsis at the end of a tuple that indexes fewer axes than there are)."""
        idx = self._in(idx)
        parts = idx if type(idx) is tuple else (idx,)
        if hasattr(idx, "__array_namespace__") or any(p is Ellipsis for p in parts):
            return idx
        indexed = sum(p is not None for p in parts)
        return parts + (Ellipsis,) if indexed < self.array.ndim else idx

    def __len__(self):
        return self.array.shape[0]

    def __float__(self):
        return float(self.array)

    def __bool__(self):
        return bool(self.array)

    def __repr__(self):
        return f"Adopted({self.array!r})"


def _ufunc_operator(ufunc, reflected=False):
    if reflected:
        return lambda self, other: ufunc(other, self)
    return lambda self, other: ufunc(self, other)


for _name, _ufunc in (("add", _np.add), ("sub", _np.subtract), ("mul", _np.multiply), ("truediv", _np.true_divide),
                      ("pow", _np.power), ("matmul", _np.matmul)):
    setattr(Adopted, f"__{_name}__", _ufunc_operator(_ufunc))
    setattr(Adopted, f"__r{_name}__", _ufunc_operator(_ufunc, reflected=True))
for _name, _ufunc in (("lt", _np.less), ("le", _np.less_equal), ("gt", _np.greater), ("ge", _np.greater_equal),
                      ("eq", _np.equal), ("ne", _np.not_equal)):
    setattr(Adopted, f"__{_name}__", _ufunc_operator(_ufunc))
Adopted.__neg__ = lambda self: _np.negative(self)
Adopted.__pos__ = lambda self: self
Adopted.__abs__ = lambda self: _np.absolute(self)
Adopted.__hash__ = None
