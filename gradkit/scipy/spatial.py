"""gradkit.scipy.spatial: pairwise distances as primitives (`distance.cdist`, `distance.pdist`,
`distance.squareform`), for programs like MDS whose cost is their distance matrix.

The squared Euclidean distances are computed by SciPy in one pass (no n x m x d
broadcast, no ||a||^2 + ||b||^2 - 2<a, b> cancellation) and carry their own rules, written
with gradkit's functions so that they nest to any order:

    D_ij = ||A_i - B_j||^2,   dL/dA = 2 (diag(G 1) A - G B),   dL/dB = 2 (diag(G^T 1) B - G^T A)

for the cotangent G; the Euclidean distance is the square root of that (its derivative at
coincident points is undefined: nan, as 0/0). Other metrics work on plain arrays (SciPy's
own) and raise an error naming the metric on traced ones.

    >>> import gradkit, gradkit.numpy as np
    >>> from gradkit.scipy.spatial import distance
    >>> X = np.array([[0.0, 0.0], [3.0, 4.0]])
    >>> distance.pdist(X)
    array([5.])
    >>> gradkit.grad(lambda X: np.sum(distance.pdist(X, "sqeuclidean")))(X)
    array([[-6., -8.],
           [ 6.,  8.]])
"""
import functools
import types

import numpy as _np
import scipy.spatial.distance as _sd

from ..core import Primitive, Tracer, UnsupportedFunctionError, primal
from ..numpy.declare import shape_of
from ..numpy.elementwise import sqrt
from ..numpy.products import matmul
from ..numpy.reductions import sum as _sum
from ..numpy.shape import concatenate, swapaxes

__all__ = ["cdist", "pdist", "squareform", "distance"]

_DIFFERENTIABLE = ("sqeuclidean", "euclidean")


def _t(x):
    return swapaxes(x, -1, -2)


def _sq_cdist_impl(a, b):
    return _sd.cdist(a, b, "sqeuclidean")


def _sq_pdist_impl(x):
    return _sd.pdist(x, "sqeuclidean")


# -- squared distances between two sets: D = sum_k (A_ik - B_jk)^2 ---------------------------------
sq_cdist = Primitive("sq_cdist", _sq_cdist_impl)
sq_cdist.defvjp(lambda g, ans, a, b: 2.0 * (_sum(g, axis=-1)[..., None] * a - matmul(g, b)),
                lambda g, ans, a, b: 2.0 * (_sum(g, axis=-2)[..., None] * b - matmul(_t(g), a)),
                reads=((0, 1), (0, 1)))  # each rule reads both sets (its own for the diagonal term)
sq_cdist.defjvp(lambda t, ans, a, b: 2.0 * (_sum(a * t, axis=-1)[..., :, None] - matmul(t, _t(b))),
                lambda t, ans, a, b: 2.0 * (_sum(b * t, axis=-1)[..., None, :] - matmul(a, _t(t))))


def _sq_cdist_batch(batched, a, b):
    # the same arithmetic as SciPy's (differences squared, summed over coordinates), batch first
    if not batched[0]:
        a = a[None]
    if not batched[1]:
        b = b[None]
    d = a[..., :, None, :] - b[..., None, :, :]
    return _sum(d * d, axis=-1)


sq_cdist.defbatch(_sq_cdist_batch)


# -- the condensed form: the pairs i < j of one set, in SciPy's order -------------------------------
@functools.lru_cache(maxsize=8)
def _pairs(n):
    """The pairs i < j in SciPy's condensed order, cached per n (read-only)."""
    i, j = _np.triu_indices(n, 1)
    i.flags.writeable = j.flags.writeable = False
    return i, j


@functools.lru_cache(maxsize=8)
def _square_index(n):
    """(n, n) positions into [condensed..., 0]: entry (i, j) of the square form, cached per n."""
    m = n * (n - 1) // 2
    index = _np.full((n, n), m, dtype=_np.intp)
    i, j = _pairs(n)
    index[i, j] = index[j, i] = _np.arange(m)
    index.flags.writeable = False
    return index


def _n_of(m):
    n = int(round((1 + _np.sqrt(1 + 8 * m)) / 2))
    if n * (n - 1) // 2 != m:
        raise ValueError(f"squareform: a condensed distance vector has n(n-1)/2 entries; {m} is not of that "
                         "form (pass the output of pdist, or a square matrix).")
    return n


def _to_square(v):
    n = _n_of(shape_of(v)[-1])
    zero = v[..., :1] * 0.0
    return concatenate([v, zero], axis=-1)[..., _square_index(n)]


def _to_condensed(M):
    i, j = _pairs(shape_of(M)[-1])
    return M[..., i, j]


def _sq_pdist_vjp(g, ans, x):
    S = _to_square(g)
    return 2.0 * (_sum(S, axis=-1)[..., None] * x - matmul(S, x))


def _sq_pdist_jvp(t, ans, x):
    s = _sum(x * t, axis=-1)
    return 2.0 * _to_condensed(s[..., :, None] + s[..., None, :] - matmul(t, _t(x)) - matmul(x, _t(t)))


sq_pdist = Primitive("sq_pdist", _sq_pdist_impl)
sq_pdist.defvjp(_sq_pdist_vjp, reads=((0,),))
sq_pdist.defjvp(_sq_pdist_jvp)
sq_pdist.defbatch(lambda batched, x: _to_condensed(_sq_cdist_batch((True, True), x, x)))


# -- the functions -------------------------------------------------------------------------------
def _traced(*xs):
    return any(type(x) is Tracer for x in xs)


def _metric_of(metric, name, args):
    if metric not in _DIFFERENTIABLE:
        raise UnsupportedFunctionError(
            f"gradkit.scipy.spatial.distance.{name}: metric {metric!r} has no derivative rule in gradkit; "
            f"use one of {', '.join(map(repr, _DIFFERENTIABLE))}, or call scipy.spatial.distance.{name} on "
            "gradkit.stop_gradient(x) if no derivative is needed.")
    return metric


def _check_points(x, name, what):
    s = shape_of(x)
    if len(s) != 2:
        raise ValueError(f"{name}: {what} must be a 2-d array of points (one row each), got shape {s}.")
    return s


def cdist(XA, XB, metric="euclidean", **kwargs):
    """Distances between each row of XA (n x d) and each row of XB (m x d), as SciPy's
    `scipy.spatial.distance.cdist`: an n x m array.

    Args:
        XA: a 2-d array of points (one per row), traced or not.
        XB: a 2-d array of points with as many columns as XA.
        metric: "euclidean" or "sqeuclidean" for traced points (their derivatives are
            declared); any SciPy metric for plain ones.

    Returns:
        the n x m distances; differentiable in both sets, in both modes, to any order.

    Example (lecture L5's building block: the gradient of a stress needs no n x m x d array):

        >>> import gradkit, gradkit.numpy as np
        >>> A, B = np.array([[0.0, 0.0]]), np.array([[3.0, 4.0], [0.0, 1.0]])
        >>> cdist(A, B)
        array([[5., 1.]])
        >>> gradkit.grad(lambda A: np.sum(cdist(A, B, "sqeuclidean")))(A)
        array([[ -6., -10.]])
    """
    if not _traced(XA, XB):
        return _sd.cdist(_np.asarray(XA), _np.asarray(XB), metric, **kwargs)
    (_, da), (_, db) = _check_points(XA, "cdist", "XA"), _check_points(XB, "cdist", "XB")
    if da != db:
        raise ValueError(f"cdist: XA and XB must have the same number of columns, got {da} and {db}.")
    if kwargs:
        raise TypeError(f"cdist on traced points takes no options for metric {metric!r}, got {sorted(kwargs)}.")
    _metric_of(metric, "cdist", (XA, XB))
    D = sq_cdist(XA, XB)
    return sqrt(D) if metric == "euclidean" else D


def pdist(X, metric="euclidean", **kwargs):
    """Distances between the rows of X (n x d), pairs i < j in SciPy's order (the condensed
    form, n(n-1)/2 entries), as `scipy.spatial.distance.pdist`.

    Args:
        X: a 2-d array of points, traced or not.
        metric: "euclidean" or "sqeuclidean" for traced points; any SciPy metric for plain ones.

    Returns:
        the condensed distances; `squareform` turns them into the n x n matrix.

    Example (the MDS stress of lecture L5 over the pairs, each counted once):

        >>> import gradkit, gradkit.numpy as np
        >>> X = np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 2.0]])
        >>> pdist(X, "sqeuclidean")
        array([1., 4., 5.])
        >>> gradkit.grad(lambda X: np.sum((pdist(X, "sqeuclidean") - 1.0) ** 2))(X)
        array([[  0., -24.],
               [ 16., -32.],
               [-16.,  56.]])
    """
    if not _traced(X):
        return _sd.pdist(_np.asarray(X), metric, **kwargs)
    _check_points(X, "pdist", "X")
    if kwargs:
        raise TypeError(f"pdist on traced points takes no options for metric {metric!r}, got {sorted(kwargs)}.")
    _metric_of(metric, "pdist", (X,))
    d = sq_pdist(X)
    return sqrt(d) if metric == "euclidean" else d


def squareform(X, force="no", checks=True):
    """Condensed distances to the symmetric square matrix (zero diagonal), or a square
    symmetric matrix to its condensed form, as `scipy.spatial.distance.squareform`. Linear,
    so its derivatives are itself and its transpose (by gradkit's indexing).

    Args:
        X: a 1-d condensed vector (n(n-1)/2 entries) or an n x n matrix.
        force: "tomatrix" or "tovector" to insist on a direction, "no" to follow X's rank.
        checks: for a matrix, check that it is symmetric with a zero diagonal (its value).

    Returns:
        the other form.

    Example:

        >>> import gradkit.numpy as np
        >>> squareform(np.array([1.0, 4.0, 5.0]))
        array([[0., 1., 4.],
               [1., 0., 5.],
               [4., 5., 0.]])
    """
    if not _traced(X):
        return _sd.squareform(_np.asarray(X), force=force, checks=checks)
    s = shape_of(X)
    to_matrix = force == "tomatrix" or (force == "no" and len(s) == 1)
    if to_matrix:
        if len(s) != 1:
            raise ValueError(f"squareform(force='tomatrix') needs a condensed 1-d vector, got shape {s}.")
        return _to_square(X)
    if len(s) != 2 or s[0] != s[1]:
        raise ValueError(f"squareform needs a 1-d condensed vector or a square matrix, got shape {s}.")
    if checks:
        M = _np.asarray(primal(X))
        if not (_np.allclose(M, M.T) and not _np.any(_np.diagonal(M))):
            raise ValueError("squareform: the matrix must be symmetric with a zero diagonal (a distance "
                             "matrix); pass checks=False to take its upper triangle as it is.")
    return _to_condensed(X)


distance = types.SimpleNamespace(cdist=cdist, pdist=pdist, squareform=squareform)
distance.__doc__ = "scipy.spatial.distance's cdist, pdist and squareform, differentiable (see gradkit.scipy.spatial)."
