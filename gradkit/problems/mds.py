"""Multidimensional scaling (lecture L5): recover points W_i in R^d from their pairwise
squared distances D_ij by minimising

    L(W) = sum_{i,j} (||W_i - W_j||^2 - D_ij)^2,

with classical MDS (the PCA connection) and Procrustes alignment to measure recovery up
to rotation, reflection and shift. Everything is matrix operations: N = 2000 is cheap.
"""
import numpy as _np
from scipy.linalg import eigh as _eigh, orthogonal_procrustes as _orthogonal_procrustes
from scipy.sparse.linalg import eigsh as _eigsh

from .. import numpy as gnp
from ..scipy.spatial import pdist
from .base import Problem, _check_size
from .convex import _rng

__all__ = ["mds", "MDSProblem", "squared_distances", "classical_mds", "procrustes_align", "procrustes_error"]


def squared_distances(W):
    """The N x N matrix of ||W_i - W_j||^2 for the rows of W, by ||a||^2 + ||b||^2 - 2<a,b>
    (one matrix product; works on traced W too).

    >>> import numpy
    >>> squared_distances(numpy.array([[0.0, 0.0], [3.0, 4.0]]))
    array([[ 0., 25.],
           [25.,  0.]])
    """
    s = gnp.sum(W * W, axis=1)
    return gnp.reshape(s, (-1, 1)) + gnp.reshape(s, (1, -1)) - 2 * gnp.dot(W, gnp.transpose(W))


def classical_mds(D, dim):
    """Classical MDS (Torgerson): points in R^dim whose squared distances best match D.

    Double centring turns squared distances into the Gram matrix of the centred points,
    B = -1/2 J D J with J = I - 11^T/N; its top eigenvectors scaled by the square roots of
    their eigenvalues are the points. This is PCA seen from the distances: for D computed
    from points X, B = Xc Xc^T (Xc the centred X), and the result is Xc projected on its
    principal axes, so it recovers X exactly up to rotation, reflection and shift (the
    answer to lecture L5's question). D: N x N squared distances; returns N x dim points.

    >>> import numpy
    >>> X = numpy.random.default_rng(0).standard_normal((20, 2))
    >>> bool(procrustes_error(classical_mds(squared_distances(X), 2), X) < 1e-12)
    True
    """
    D = _np.asarray(D, float)
    N = D.shape[0]
    if D.shape != (N, N):
        raise ValueError(f"D must be a square matrix of squared distances, got shape {D.shape}.")
    if not 1 <= dim <= N:
        raise ValueError(f"dim must be between 1 and N={N}, got {dim}.")
    # J D J without forming J: subtract row means, column means, add back the grand mean
    row = D.mean(axis=1)
    B = -0.5 * (D - row[:, None] - D.mean(axis=0)[None, :] + row.mean())
    B = (B + B.T) / 2
    if N <= 300:
        lam, V = _eigh(B, subset_by_index=[N - dim, N - 1])
    else:  # Lanczos needs only products with B: O(N^2) per step instead of a dense O(N^3) solve
        lam, V = _eigsh(B, k=dim, which="LA", v0=_np.ones(N))
    order = _np.argsort(lam)[::-1]  # largest first
    lam, V = lam[order], V[:, order]
    return V * _np.sqrt(_np.maximum(lam, 0.0))


def procrustes_align(X, Y):
    """X shifted and rotated/reflected (an orthogonal map) to best match Y in the least-squares sense.

    >>> import numpy
    >>> Y = numpy.array([[0.0, 0.0], [1.0, 0.0], [0.0, 2.0]])
    >>> X = Y @ numpy.array([[0.0, 1.0], [-1.0, 0.0]]) + 5.0   # rotated by 90 degrees and shifted
    >>> bool(numpy.allclose(procrustes_align(X, Y), Y))
    True
    """
    X, Y = _np.asarray(X, float), _np.asarray(Y, float)
    if X.shape != Y.shape:
        raise ValueError(f"cannot align configurations of shapes {X.shape} and {Y.shape}.")
    x_mean, y_mean = X.mean(axis=0), Y.mean(axis=0)
    R, _ = _orthogonal_procrustes(X - x_mean, Y - y_mean)
    return (X - x_mean) @ R + y_mean


def procrustes_error(X, Y):
    """Relative recovery error ||align(X, Y) - Y||_F / ||Y - mean(Y)||_F, blind to rotation,
    reflection and shift (0 when X is an exact copy of Y up to those).

    >>> import numpy
    >>> Y = numpy.array([[0.0, 0.0], [1.0, 0.0], [0.0, 2.0]])
    >>> bool(procrustes_error(-Y + 3.0, Y) < 1e-15)
    True
    """
    Y = _np.asarray(Y, float)
    return float(_np.linalg.norm(procrustes_align(X, Y) - Y) / _np.linalg.norm(Y - Y.mean(axis=0)))


class MDSProblem(Problem):
    """An MDS problem (made by `mds`): the variable is an (N, d) array of points.

    `points` are the true points when known (then `distance` and `recovery_error` are
    Procrustes-aligned), `D` the squared distances; `classical()` is classical MDS on D.

    >>> p = mds(n_points=10, dim=2)
    >>> type(p).__name__, p.shape, p.distance(p.data["points"]) < 1e-12
    ('MDSProblem', (10, 2), True)
    >>> p.recovery_error(p.classical()) < 1e-12, p.recovery_error(p.x0) > 0.5    # x0: a random start
    (True, True)
    """

    def distance(self, W):
        """Procrustes-aligned Frobenius distance to the true points (None if unknown); see the class's example."""
        P = self.data.get("points")
        return None if P is None else float(_np.linalg.norm(procrustes_align(W, P) - P))

    def recovery_error(self, W):
        """Procrustes-aligned relative error of W against the true points (`procrustes_error`); see the
        class's example."""
        return procrustes_error(W, self.data["points"])

    def classical(self):
        """Classical MDS on this problem's D: (N, d) points (`classical_mds`); see the class's example."""
        return classical_mds(self.data["D"], self.shape[1])


def mds(points=None, *, D=None, dim=None, n_points=200, squared=True, seed=0):
    """The MDS problem L(W) = sum_{i,j} (||W_i - W_j||^2 - D_ij)^2 (lecture L5).

    Give the true `points` (N x d; D is computed from them), or a distance matrix `D` and
    the target dimension `dim` (D holds squared distances unless squared=False), or neither:
    then `n_points` standard normal points in `dim` (default 2) dimensions are drawn
    (`seed`, a seed or a Generator, draws them and x0).

    The closed-form gradient is 8 (diag(R 1) W - R W) with R = squared_distances(W) - D;
    f* = 0 when D is exact. x0 is a random configuration of the data's scale.

    >>> p = mds(n_points=50, dim=2)
    >>> p.shape, float(p(p.data["points"])) < 1e-20, bool(p.recovery_error(p.classical()) < 1e-10)
    ((50, 2), True, True)
    """
    if dim is not None:
        dim = _check_size("dim", dim, 1, "mds")
    rng = _rng(seed)
    if points is None and D is None:
        points = rng.standard_normal((_check_size("n_points", n_points, 2, "mds"), dim or 2))
    if points is not None:
        points = _np.asarray(points, float)
        if points.ndim != 2 or points.shape[0] < 2 or points.shape[1] < 1:
            raise ValueError(f"points must be an N x d array with N >= 2 points and d >= 1, got shape {points.shape}.")
        dim = dim or points.shape[1]
        D = _np.maximum(squared_distances(points), 0.0)
        _np.fill_diagonal(D, 0.0)
    else:
        D = _np.asarray(D, float)
        if dim is None:
            raise ValueError("mds(D=...) needs the target dimension: pass dim=2 (for example).")
        if D.ndim != 2 or D.shape[0] != D.shape[1]:
            raise ValueError(f"D must be a square N x N matrix, got shape {D.shape}.")
        if not squared:
            D = D ** 2
    N = D.shape[0]
    if N < 2 or not _np.all(_np.isfinite(D)):
        raise ValueError(f"mds needs at least 2 points and finite distances, got {N} point(s).")

    i, j = _np.triu_indices(N, 1)
    D_pairs, diagonal = D[i, j] + D[j, i], float(_np.sum(_np.diagonal(D) ** 2))
    symmetric = _np.array_equal(D, D.T)

    def f(W):
        # sum_ij (d_ij - D_ij)^2 over the pairs i < j (pdist, a primitive: one pass, no N x N x d
        # broadcast), each pair standing for (i, j) and (j, i): 2 (d - D_ij)^2 when D is symmetric
        d = pdist(W, "sqeuclidean")
        if symmetric:
            R = d - 0.5 * D_pairs
            return 2.0 * gnp.sum(R * R) + diagonal
        R = squared_distances(W) - D
        return gnp.sum(R * R)

    def grad(W):
        R = squared_distances(W) - D
        return 8 * (R.sum(axis=1)[:, None] * W - R @ W)

    scale = _np.sqrt(D.mean() / (2 * dim))  # E||W_i - W_j||^2 = 2 d scale^2 for Gaussian W
    x0 = scale * rng.standard_normal((N, dim))
    return MDSProblem(f"mds(N={N}, d={dim})", f, N * dim, grad=grad, f_star=0.0 if points is not None else None,
                      x0=x0, shape=(N, dim), data={"D": D, "points": points})
