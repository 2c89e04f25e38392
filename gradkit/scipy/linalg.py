"""gradkit.scipy.linalg: differentiable counterparts of scipy.linalg.

Triangular solves, the Cholesky and LU factorisations with their solves, the matrix
exponential, square root and logarithm, the Sylvester equation and block_diag. The
functions shared with numpy.linalg keep SciPy's signatures (cholesky returns the upper
factor by default; qr's modes are "full", "economic" and "r") over gradkit.numpy.linalg's
rules: see that module for the conventions at degenerate points. Stacked matrices
(..., M, N) work as in SciPy. Arguments that tune SciPy's memory use (overwrite_a,
check_finite...) are accepted and ignored.
"""
import numpy as _np
import scipy.linalg as _sl

from ..core import Primitive
from ..numpy import linalg as _nl
from ..numpy.declare import broadcast_to, is_complex, nondiff, shape_of
from ..numpy.elementwise import imag, real
from ..numpy.linalg import _T, _mv, _natively_batched, _tri_solve_p, solve_triangular as _solve_triangular
from ..numpy.products import matmul
from ..numpy.shape import atleast_2d, concatenate, tril, triu

__all__ = ["solve_triangular", "solve", "inv", "det", "cholesky", "cho_factor", "cho_solve", "lu_factor",
           "lu_solve", "lu", "expm", "expm_frechet", "sqrtm", "logm", "solve_sylvester", "block_diag", "eigh",
           "eigvalsh", "svd", "svdvals", "qr", "norm"]


def solve_triangular(a, b, trans=0, lower=False, unit_diagonal=False, overwrite_b=False, check_finite=True):
    """x with op(T) x = b, T the triangle of a the solve reads (op: 0/'N' none, 1/'T' transpose).

    >>> import gradkit, gradkit.numpy as np, gradkit.scipy.linalg as sl
    >>> L = np.array([[2.0, 0.0], [1.0, 1.0]])
    >>> gradkit.grad(lambda b: sl.solve_triangular(L, b, lower=True).sum())(np.array([1.0, 1.0]))
    array([0., 1.])
    """
    return _solve_triangular(a, b, trans=trans, lower=lower, unit_diagonal=unit_diagonal)


def solve(a, b, lower=False, overwrite_a=False, overwrite_b=False, check_finite=True, assume_a=None,
          transposed=False):
    """scipy.linalg.solve. assume_a="pos" solves through the Cholesky factor, "sym" through the
    symmetric matrix built from the `lower` (or upper) triangle, the triangular kinds by a
    triangular solve; anything else by LU (numpy.linalg.solve's rules).

    Differentiable in ``a`` and ``b`` in both modes, to any order (lecture L15): with
    x = A^{-1} b, dL/db = A^{-T} dL/dx and dL/dA = -A^{-T} (dL/dx) x^T, one more solve.
    Returns x, of ``b``'s shape, traced when ``a`` or ``b`` is.

    >>> import gradkit as gk, gradkit.numpy as np, gradkit.scipy.linalg as sl
    >>> A, b = np.array([[2.0, 0.0], [0.0, 4.0]]), np.array([1.0, 1.0])
    >>> gk.grad(lambda a, b: np.sum(sl.solve(a, b)), argnums=(0, 1))(A, b)
    (array([[-0.25  , -0.125 ],
           [-0.125 , -0.0625]]), array([0.5 , 0.25]))
    """
    if transposed:
        a = _T(a)
    kind = {"positive definite": "pos", "symmetric": "sym", "her": "sym", "hermitian": "sym"}.get(assume_a, assume_a)
    if kind == "pos":
        return cho_solve(cho_factor(a, lower=lower), b)
    if kind == "sym":
        a = tril(a) + _T(tril(a, -1)) if lower else triu(a) + _T(triu(a, 1))
    if kind in ("lower triangular", "upper triangular"):
        return _solve_triangular(a, b, lower=kind.startswith("lower"))
    return _nl.solve(a, b)


def inv(a, overwrite_a=False, check_finite=True):
    """Differentiable ``scipy.linalg.inv`` (numpy.linalg's rules): d inv(A) = -inv(A) dA inv(A).

    Differentiable in ``a`` in both modes, to any order (a singular matrix raises LinAlgError,
    as SciPy). Returns the inverse, traced when ``a`` is.

    >>> import gradkit as gk, gradkit.numpy as np, gradkit.scipy.linalg as sl
    >>> gk.grad(lambda a: np.trace(sl.inv(a)))(np.array([[2.0, 0.0], [0.0, 4.0]]))
    array([[-0.25  , -0.    ],
           [-0.    , -0.0625]])
    """
    return _nl.inv(a)


def det(a, overwrite_a=False, check_finite=True):
    """Differentiable ``scipy.linalg.det`` (numpy.linalg's rules): d det(A) / dA = det(A) A^{-T}.

    Differentiable in ``a`` in both modes, to any order. Returns the determinant, traced
    when ``a`` is.

    >>> import gradkit as gk, gradkit.numpy as np, gradkit.scipy.linalg as sl
    >>> gk.grad(sl.det)(np.array([[2.0, 0.0], [0.0, 4.0]]))
    array([[4., 0.],
           [0., 2.]])
    """
    return _nl.det(a)


def norm(a, ord=None, axis=None, keepdims=False, check_finite=True):
    """Differentiable ``scipy.linalg.norm`` (numpy.linalg.norm's rules; ``check_finite`` ignored).

    Differentiable in ``a`` in both modes, to any order, away from a zero vector (where the
    derivative is taken as 0). Returns the norm, traced when ``a`` is.

    >>> import gradkit as gk, gradkit.numpy as np, gradkit.scipy.linalg as sl
    >>> gk.grad(sl.norm)(np.array([[3.0, 4.0]]))
    array([[0.6, 0.8]])
    """
    return _nl.norm(a, ord, axis, keepdims)


# -- Cholesky ----------------------------------------------------------------------------------
def cholesky(a, lower=False, overwrite_a=False, check_finite=True):
    """scipy.linalg.cholesky: the upper factor U (A = U^T U) by default, L with lower=True.

    Differentiable in ``a`` in both modes, to any order; it reads, and differentiates, one
    triangle of ``a`` (the upper one by default). Returns the factor, traced when ``a`` is.

    >>> import gradkit as gk, gradkit.numpy as np, gradkit.scipy.linalg as sl
    >>> gk.grad(lambda a: np.trace(sl.cholesky(a)))(np.array([[4.0, 0.0], [0.0, 9.0]]))
    array([[0.25      , 0.        ],
           [0.        , 0.16666667]])
    """
    return _nl.cholesky(a, upper=not lower)


def cho_factor(a, lower=False, overwrite_a=False, check_finite=True):
    """(c, lower): the factor in one triangle of c, a's own entries in the other (as SciPy).

    Differentiable in ``a`` in both modes, to any order (through cholesky). Returns (c, lower).

    >>> import gradkit as gk, gradkit.numpy as np, gradkit.scipy.linalg as sl
    >>> c, lower = sl.cho_factor(np.array([[4.0, 2.0], [2.0, 5.0]]))
    >>> c
    array([[2., 1.],
           [2., 2.]])
    """
    factor = _nl.cholesky(a, upper=not lower)
    return (factor + triu(a, 1) if lower else factor + tril(a, -1)), lower


def cho_solve(c_and_lower, b, overwrite_b=False, check_finite=True):
    """x with A x = b from cho_factor's (c, lower): two triangular solves.

    Differentiable in the factor and in ``b`` in both modes, to any order. Returns x, of
    ``b``'s shape.

    >>> import gradkit as gk, gradkit.numpy as np, gradkit.scipy.linalg as sl
    >>> A = np.array([[4.0, 2.0], [2.0, 3.0]])
    >>> gk.grad(lambda b: np.sum(sl.cho_solve(sl.cho_factor(A), b)))(np.array([0.0, 0.0]))
    array([0.125, 0.25 ])
    """
    c, lower = c_and_lower
    if lower:  # A = L L^T
        return _solve_triangular(c, _solve_triangular(c, b, lower=True), trans=1, lower=True)
    return _solve_triangular(c, _solve_triangular(c, b, trans=1, lower=False), lower=False)  # A = U^T U


# -- LU: A = P L U ---------------------------------------------------------------------------
def _permutation_impl(piv):
    """The permutation matrix P of A = P L U from LAPACK's pivots (row i swapped with piv[i])."""
    piv = _np.asarray(piv)
    n = piv.shape[-1]
    flat = piv.reshape(-1, n)
    out = _np.empty((flat.shape[0], n, n))
    for k, swaps in enumerate(flat):
        order = _np.arange(n)
        for i, j in enumerate(swaps):
            order[i], order[j] = order[j], order[i]
        out[k] = _np.eye(n)[order].T
    return out.reshape(piv.shape[:-1] + (n, n))


_permutation = nondiff(_permutation_impl, name="lu_permutation")


def _unit_lower(lu):
    return tril(lu, -1) + _np.eye(shape_of(lu)[-1])


def _lu_factor_jvp(ts, ans, a):
    # A = P L U: with F = L^{-1} P^T dA U^{-1}, dL = L tril(F, -1) and dU = triu(F) U; the
    # packed factor moves by their sum
    lu, piv = ans
    z = _tri_solve_p(lu, matmul(_T(_permutation(piv)), ts[0]), trans=0, lower=True, unit_diagonal=True, vec=False)
    f = _T(_tri_solve_p(lu, _T(z), trans=1, lower=False, unit_diagonal=False, vec=False))
    return matmul(_unit_lower(lu), tril(f, -1)) + matmul(triu(f), triu(lu)), None


def _lu_factor_vjp(argnum, g, ans, a):
    lu, piv = ans
    g = g[0]
    if g is None:
        return None
    m = tril(matmul(_T(_unit_lower(lu)), tril(g, -1)), -1) + triu(matmul(triu(g), _T(triu(lu))))
    x = _tri_solve_p(lu, m, trans=1, lower=True, unit_diagonal=True, vec=False)            # L^{-T} M
    y = _T(_tri_solve_p(lu, _T(x), trans=0, lower=False, unit_diagonal=False, vec=False))  # ... U^{-T}
    return matmul(_permutation(piv), y)


_lu_factor_p = _natively_batched(Primitive(
    "lu_factor", lambda a: tuple(_sl.lu_factor(a, check_finite=False)), multiple_results=True))
_lu_factor_p.defjvp_joint(_lu_factor_jvp)
_lu_factor_p.defvjp_argnum(_lu_factor_vjp, reads=(("ans",),))


def _square(a, name):
    m, n = shape_of(a)[-2:]
    if m != n:
        raise ValueError(f"gradkit.scipy.linalg.{name} differentiates square matrices only; got {m} x {n}.")


def lu_factor(a, overwrite_a=False, check_finite=True):
    """(lu, piv) as SciPy: L (unit diagonal) and U packed in lu, row swaps in piv; lu is
    differentiable (square, non-singular a), piv is not.

    >>> import gradkit as gk, gradkit.numpy as np, gradkit.scipy.linalg as sl
    >>> A = np.array([[1.0, 2.0], [3.0, 4.0]])
    >>> sl.lu_factor(A)[1]
    array([1, 1], dtype=int32)
    >>> gk.grad(lambda a: np.sum(np.log(np.abs(np.diagonal(sl.lu_factor(a)[0])))))(A)  # log|det A|: A^{-T}
    array([[-2. ,  1.5],
           [ 1. , -0.5]])
    """
    _square(a, "lu_factor")
    return _lu_factor_p(a)


def lu_solve(lu_and_piv, b, trans=0, overwrite_b=False, check_finite=True):
    """x with A x = b (trans=0) or A^T x = b (trans=1) from lu_factor's (lu, piv).

    Differentiable in ``lu`` and ``b`` in both modes, to any order. Returns x, of ``b``'s shape.

    >>> import gradkit as gk, gradkit.numpy as np, gradkit.scipy.linalg as sl
    >>> A = np.array([[1.0, 2.0], [3.0, 4.0]])
    >>> gk.grad(lambda b: np.sum(sl.lu_solve(sl.lu_factor(A), b)))(np.zeros(2))  # A^{-T} (1, 1)
    array([-0.5,  0.5])
    """
    lu, piv = lu_and_piv
    p = _permutation(piv)
    vec = len(shape_of(b)) == 1
    if trans in (0, "N"):
        y = _solve_triangular(lu, _mv(_T(p), b, vec), lower=True, unit_diagonal=True)
        return _solve_triangular(lu, y, lower=False)
    y = _solve_triangular(lu, b, trans=1, lower=False)
    return _mv(p, _solve_triangular(lu, y, trans=1, lower=True, unit_diagonal=True), vec)


def lu(a, permute_l=False, overwrite_a=False, check_finite=True, p_indices=False):
    """(P, L, U) with A = P L U (or (P L, U) with permute_l), from lu_factor.

    L and U are differentiable in ``a`` (square, non-singular), in both modes, to any order;
    P is a plain permutation matrix.

    >>> import gradkit as gk, gradkit.numpy as np, gradkit.scipy.linalg as sl
    >>> A = np.array([[1.0, 2.0], [3.0, 4.0]])
    >>> p, l, u = sl.lu(A)
    >>> p @ l @ u
    array([[1., 2.],
           [3., 4.]])
    >>> gk.grad(lambda a: np.prod(np.diagonal(sl.lu(a)[2])))(A)  # det(P) det(A) = -det(A)
    array([[-4.,  3.],
           [ 2., -1.]])
    """
    packed, piv = lu_factor(a)
    p = _permutation(piv)
    low, up = _unit_lower(packed), triu(packed)
    if permute_l:
        return matmul(p, low), up
    if p_indices:
        p = _np.argmax(p, axis=-2)
    return p, low, up


# -- matrix functions: derivatives by the block-triangular identity ---------------------------
def _matrix_function(name, fn, doc):
    """A primary matrix function f as a primitive. Its Frechet derivative L_f(A, E) is the
    upper-right block of f([[A, E], [0, A]]) (Higham, Functions of Matrices, 3.2), and
    L_f(A, .)'s transpose is L_f(A^T, .), so both rules are f of a matrix twice the size,
    written with f itself: every order follows."""
    prim = _natively_batched(Primitive(name, fn))
    prim.defjvp(lambda t, ans, a: _frechet(prim, a, t))
    prim.defvjp(lambda g, ans, a: _frechet(prim, _T(a), g), reads=((0,),))
    prim.__doc__ = doc
    return prim


def _frechet(f, a, e):
    """L_f(A, E): the upper-right block of f([[A, E], [0, A]]). L_f is complex-linear in E,
    so a complex E at a real A is split into its real and imaginary parts: the block stays
    real, and its eigenvalues (A's, each twice) stay on the real axis. A complex block would
    put them a rounding error off it, on either side of the branch cut of sqrtm and logm."""
    if is_complex(e) and not is_complex(a):
        return _frechet(f, a, real(e)) + 1j * _frechet(f, a, imag(e))
    n = shape_of(a)[-1]
    zero = _np.zeros(shape_of(a))
    block = concatenate([concatenate([a, e], axis=-1), concatenate([zero, a], axis=-1)], axis=-2)
    return f(block)[..., :n, n:]


expm = _matrix_function("expm", lambda a: _sl.expm(a), """scipy.linalg.expm, the matrix exponential.

    >>> import gradkit, gradkit.numpy as np, gradkit.scipy.linalg as sl
    >>> gradkit.grad(lambda a: np.trace(sl.expm(a)))(np.zeros((2, 2)))
    array([[1., 0.],
           [0., 1.]])
    """)
# sqrtm: X = sqrtm(A) moves by the L with X L + L X = dA (a Sylvester equation in X alone);
# the transpose solves X^T Z + Z X^T = G. Both rules read only X and solve with gradkit's
# differentiable solve_sylvester, so every order is exact, also where A has negative
# eigenvalues (a complex X) and the block identity's blocks of repeated eigenvalues would
# be split by rounding across the branch cut.
sqrtm = _natively_batched(Primitive("sqrtm", lambda a: _sl.sqrtm(a)))
sqrtm.defjvp(lambda t, ans, a: _sylvester(ans, ans, t))
sqrtm.defvjp(lambda g, ans, a: _sylvester(_T(ans), _T(ans), g), reads=(("ans",),))
sqrtm.__doc__ = """scipy.linalg.sqrtm, the principal square root X (X X = A).

Differentiable in ``a`` in both modes, to any order, where A has no eigenvalue 0 and no two
eigenvalues whose roots sum to 0: dX solves the Sylvester equation X dX + dX X = dA.
Returns X (complex where A has negative eigenvalues), traced when ``a`` is.

>>> import gradkit as gk, gradkit.numpy as np, gradkit.scipy.linalg as sl
>>> gk.grad(lambda a: np.trace(sl.sqrtm(a)))(np.array([[4.0, 0.0], [0.0, 9.0]]))  # A^{-1/2} / 2
array([[0.25      , 0.        ],
       [0.        , 0.16666667]])
"""
logm = _matrix_function("logm", lambda a: _sl.logm(a), """scipy.linalg.logm, the principal logarithm.

    Differentiable in ``a`` in both modes, to any order, where A has no eigenvalue on the
    closed negative real axis (the Frechet derivative by the block identity above).
    Returns log(A), traced when ``a`` is.

    >>> import gradkit as gk, gradkit.numpy as np, gradkit.scipy.linalg as sl
    >>> gk.grad(lambda a: np.trace(sl.logm(a)))(np.array([[2.0, 0.0], [0.0, 4.0]]))  # A^{-T}
    array([[0.5 , 0.  ],
           [0.  , 0.25]])
    """)


def expm_frechet(A, E, method=None, compute_expm=True, check_finite=True):
    """(expm(A), L) with L the Frechet derivative of expm at A in the direction E (or L alone).

    Differentiable in ``A`` and ``E`` in both modes, to any order (L is the upper-right block
    of expm([[A, E], [0, A]])). ``method`` is ignored.

    >>> import gradkit as gk, gradkit.numpy as np, gradkit.scipy.linalg as sl
    >>> expA, L = sl.expm_frechet(np.diag(np.array([0.0, 1.0])), np.eye(2))
    >>> L
    array([[1.        , 0.        ],
           [0.        , 2.71828183]])
    >>> gk.grad(lambda t: np.trace(sl.expm_frechet(t * np.eye(2), np.eye(2), compute_expm=False)))(0.0)
    np.float64(2.0)
    """
    frechet = _frechet(expm, A, E)
    return (expm(A), frechet) if compute_expm else frechet


# -- the Sylvester equation A X + X B = Q ---------------------------------------------------
solve_sylvester = Primitive("solve_sylvester", lambda a, b, q: _sl.solve_sylvester(a, b, q))
solve_sylvester.__doc__ = """Differentiable ``scipy.linalg.solve_sylvester``: X with A X + X B = Q.

Differentiable in ``a``, ``b`` and ``q`` in both modes, to any order: dX solves
A dX + dX B = dQ - dA X - X dB, and the backward pass solves A^T Z + Z B^T = G.
Returns X, traced when any input is.

>>> import gradkit as gk, gradkit.numpy as np, gradkit.scipy.linalg as sl
>>> f = lambda a, q: np.sum(sl.solve_sylvester(a, np.eye(2), q))
>>> gk.grad(f, argnums=(0, 1))(np.eye(2), np.eye(2))
(array([[-0.25, -0.25],
       [-0.25, -0.25]]), array([[0.5, 0.5],
       [0.5, 0.5]]))
"""
# dX solves A dX + dX B = dQ - dA X - X dB; the transpose solves A^T Z + Z B^T = G
solve_sylvester.defjvp(lambda t, ans, a, b, q: solve_sylvester(a, b, -matmul(t, ans)),
                       lambda t, ans, a, b, q: solve_sylvester(a, b, -matmul(ans, t)),
                       lambda t, ans, a, b, q: solve_sylvester(a, b, t))
solve_sylvester.defvjp(lambda g, ans, a, b, q: -matmul(solve_sylvester(_T(a), _T(b), g), _T(ans)),
                       lambda g, ans, a, b, q: -matmul(_T(ans), solve_sylvester(_T(a), _T(b), g)),
                       lambda g, ans, a, b, q: solve_sylvester(_T(a), _T(b), g),
                       reads=((0, 1, "ans"), (0, 1, "ans"), (0, 1)))


def _sylvester(a, b, q):
    """solve_sylvester over stacks of matrices (..., n, n), one system at a time."""
    if len(shape_of(a)) == 2 and len(shape_of(q)) == 2:
        return solve_sylvester(a, b, q)
    from ..numpy.shape import reshape, stack
    shape = _np.broadcast_shapes(shape_of(a), shape_of(b), shape_of(q))
    a, b, q = (reshape(broadcast_to(x, shape), (-1,) + shape[-2:]) for x in (a, b, q))
    return reshape(stack([solve_sylvester(a[i], b[i], q[i]) for i in range(shape_of(a)[0])]), shape)


# -- block_diag ---------------------------------------------------------------------------
def block_diag(*arrs):
    """scipy.linalg.block_diag: the arrays (0-d and 1-d ones as rows) on the diagonal.

    Differentiable in every array in both modes, to any order. Returns the block-diagonal
    matrix, traced when any input is.

    >>> import gradkit as gk, gradkit.numpy as np, gradkit.scipy.linalg as sl
    >>> sl.block_diag(np.array([[1.0]]), np.array([[2.0, 3.0]]))
    array([[1., 0., 0.],
           [0., 2., 3.]])
    >>> gk.grad(lambda x, y: np.trace(sl.block_diag(x, y)), argnums=(0, 1))(np.ones((1, 1)), np.ones((2, 2)))
    (array([[1.]]), array([[1., 0.],
           [0., 1.]]))
    """
    if not arrs:
        return _np.empty((1, 0))
    mats = [atleast_2d(a) for a in arrs]
    widths = [shape_of(m)[1] for m in mats]
    total = sum(widths)
    rows, before = [], 0
    for m, w in zip(mats, widths):
        r = shape_of(m)[0]
        rows.append(concatenate([_np.zeros((r, before)), m, _np.zeros((r, total - before - w))], axis=1))
        before += w
    return concatenate(rows, axis=0)


# -- the decompositions, with SciPy's signatures -----------------------------------------------
def eigh(a, b=None, *, lower=True, eigvals_only=False, overwrite_a=False, overwrite_b=False, type=1,
         check_finite=True, subset_by_index=None, subset_by_value=None, driver=None):
    """scipy.linalg.eigh for the standard problem (b=None) over all eigenvalues.

    Differentiable in ``a`` in both modes, to any order, for distinct eigenvalues; it reads
    one triangle of ``a`` (``lower``), and so does its derivative: dw_i = v_i^T dA v_i.
    Returns (w, v), or w with ``eigvals_only``.

    >>> import gradkit as gk, gradkit.numpy as np, gradkit.scipy.linalg as sl
    >>> gk.grad(lambda a: sl.eigh(a)[0][-1])(np.array([[2.0, 0.0], [0.0, 1.0]]))
    array([[1., 0.],
           [0., 0.]])
    """
    if b is not None or subset_by_index is not None or subset_by_value is not None:
        raise NotImplementedError("gradkit.scipy.linalg.eigh supports the standard eigenproblem over all "
                                  "eigenvalues (b=None, no subsets); solve the generalised one as "
                                  "eigh(L^{-1} A L^{-T}) with L = cholesky(B, lower=True).")
    uplo = "L" if lower else "U"
    return _nl.eigvalsh(a, uplo) if eigvals_only else tuple(_nl.eigh(a, uplo))


def eigvalsh(a, b=None, *, lower=True, overwrite_a=False, overwrite_b=False, type=1, check_finite=True,
             subset_by_index=None, subset_by_value=None, driver=None):
    """Differentiable ``scipy.linalg.eigvalsh``: the eigenvalues, ascending, of the symmetric
    matrix read from one triangle of ``a`` (``lower``); standard problem only (as ``eigh``).

    Differentiable in ``a`` in both modes, to any order, for distinct eigenvalues:
    dw_i = v_i^T dA v_i. Returns w, traced when ``a`` is.

    >>> import gradkit as gk, gradkit.numpy as np, gradkit.scipy.linalg as sl
    >>> gk.grad(lambda a: sl.eigvalsh(a)[0])(np.array([[2.0, 0.0], [0.0, 1.0]]))
    array([[0., 0.],
           [0., 1.]])
    """
    return eigh(a, b, lower=lower, eigvals_only=True, subset_by_index=subset_by_index,
                subset_by_value=subset_by_value)


def svd(a, full_matrices=True, compute_uv=True, overwrite_a=False, check_finite=True, lapack_driver="gesdd"):
    """Differentiable ``scipy.linalg.svd`` (numpy.linalg's rules; ``lapack_driver`` ignored).

    Differentiable in ``a`` in both modes, to any order, for distinct nonzero singular values
    (lecture L16: for a loss of the singular values, dL/dW = U diag(dL/dS) V^T). Returns
    (U, s, Vh), or s with ``compute_uv=False``.

    >>> import gradkit as gk, gradkit.numpy as np, gradkit.scipy.linalg as sl
    >>> gk.grad(lambda w: np.sum(sl.svd(w, compute_uv=False)))(np.array([[3.0, 0.0], [0.0, -2.0]]))
    array([[ 1.,  0.],
           [ 0., -1.]])
    """
    return _nl.svd(a, full_matrices=full_matrices, compute_uv=compute_uv)


def svdvals(a, overwrite_a=False, check_finite=True):
    """Differentiable ``scipy.linalg.svdvals``: the singular values, descending.

    Differentiable in ``a`` in both modes, to any order, for distinct nonzero singular values
    (lecture L16): ds_i = u_i^T dA v_i. Returns s, traced when ``a`` is.

    >>> import gradkit as gk, gradkit.numpy as np, gradkit.scipy.linalg as sl
    >>> gk.grad(lambda w: sl.svdvals(w)[0])(np.array([[3.0, 0.0], [0.0, 1.0]]))
    array([[1., 0.],
           [0., 0.]])
    """
    return _nl.svdvals(a)


def qr(a, overwrite_a=False, lwork=None, mode="full", pivoting=False, check_finite=True):
    """scipy.linalg.qr without pivoting: mode "full" (Q m x m), "economic" (Q m x k) or
    "r" (the tuple (R,), R m x n).

    Differentiable in ``a`` (full rank) in both modes, to any order; ``pivoting=True`` raises
    NotImplementedError. Returns (Q, R), or (R,) for mode "r".

    >>> import gradkit as gk, gradkit.numpy as np, gradkit.scipy.linalg as sl
    >>> A = np.array([[1.0, 2.0], [3.0, 4.0]])
    >>> gk.grad(lambda a: np.sum(np.log(np.abs(np.diagonal(sl.qr(a)[1])))))(A)  # log|det A|: A^{-T}
    array([[-2. ,  1.5],
           [ 1. , -0.5]])
    """
    if pivoting:
        raise NotImplementedError("gradkit.scipy.linalg.qr: pivoting=True has no derivative rule (the "
                                  "pivot order is discrete); call it without pivoting.")
    if mode == "r":
        return (_nl.qr(a, mode="complete")[1],)
    if mode not in ("full", "economic"):
        raise ValueError(f"gradkit.scipy.linalg.qr supports modes 'full', 'economic' and 'r', not {mode!r}.")
    return tuple(_nl.qr(a, mode="complete" if mode == "full" else "reduced"))


# == appended by H5: banded solves, polar, pinvh, lstsq, schur ==================================
__all__ += ["solve_banded", "polar", "pinvh", "lstsq", "schur"]


def _shift(x, s):
    """x moved s places along its first axis (to higher indices for s > 0), zero filled."""
    n = shape_of(x)[0]
    if abs(s) >= n:
        return _np.zeros(shape_of(x))
    if s == 0:
        return x
    pad = _np.zeros((abs(s),) + tuple(shape_of(x)[1:]))
    return concatenate([pad, x[:n - s]]) if s > 0 else concatenate([x[-s:], pad])


def _band_matvec(ab, x, lower, upper):
    """A x for the matrix A stored as SciPy's band ab: A[i, j] = ab[upper + i - j, j]."""
    rows = [ab[k] if len(shape_of(x)) == 1 else ab[k][:, None] for k in range(lower + upper + 1)]
    return sum(_shift(r * x, k - upper) for k, r in enumerate(rows))


def _band_transpose(ab, lower, upper):
    """The band of A^T (lower and upper swapped): ab_T[k, j] = ab[upper + lower - k, j + k - lower]."""
    return concatenate([_shift(ab[upper + lower - k], lower - k)[None] for k in range(lower + upper + 1)])


def _solve_banded_vjp_ab(g, ans, ab, b, lower, upper):
    gb = _solve_banded_p(_band_transpose(ab, lower, upper), g, lower=upper, upper=lower)
    x = ans if len(shape_of(ans)) == 2 else ans[:, None]
    gb = gb if len(shape_of(gb)) == 2 else gb[:, None]
    # dA = -gb x^T on the band: entry (k, j) pairs gb[j + k - upper] with x[j]; padding gets 0
    return -concatenate([_sum_rows(_shift(gb, upper - k) * x)[None] for k in range(lower + upper + 1)])


def _sum_rows(x):
    from ..numpy.reductions import sum as _sum
    return _sum(x, axis=-1)


_solve_banded_p = Primitive("solve_banded", lambda ab, b, lower, upper: _sl.solve_banded((lower, upper), ab, b))
_solve_banded_p.defvjp(_solve_banded_vjp_ab,
                       lambda g, ans, ab, b, lower, upper: _solve_banded_p(_band_transpose(ab, lower, upper), g,
                                                                           lower=upper, upper=lower),
                       reads=((0, "ans"), (0,)))
# dx solves A dx = db - dA x
_solve_banded_p.defjvp(lambda t, ans, ab, b, lower, upper: _solve_banded_p(ab, -_band_matvec(t, ans, lower, upper),
                                                                           lower=lower, upper=upper),
                       lambda t, ans, ab, b, lower, upper: _solve_banded_p(ab, t, lower=lower, upper=upper))


def solve_banded(l_and_u, ab, b, overwrite_ab=False, overwrite_b=False, check_finite=True):
    """scipy.linalg.solve_banded: x with A x = b, A stored as a band, ab[u + i - j, j] = A[i, j]
    (b of shape (n,) or (n, k)). Differentiable in ab (its padding entries, which the solve
    never reads, get derivative 0) and in b; the rules are banded solves and products.

    >>> import gradkit, gradkit.numpy as np, gradkit.scipy.linalg as sl
    >>> ab = np.array([[0.0, 1.0], [2.0, 2.0]])   # [[2, 1], [0, 2]], one superdiagonal
    >>> gradkit.grad(lambda b: sl.solve_banded((0, 1), ab, b).sum())(np.array([1.0, 1.0]))
    array([0.5 , 0.25])
    """
    lower, upper = (int(v) for v in l_and_u)
    if shape_of(ab)[0] != lower + upper + 1:
        raise ValueError(f"solve_banded: ab has {shape_of(ab)[0]} rows; (l, u) = ({lower}, {upper}) needs "
                         f"l + u + 1 = {lower + upper + 1}.")
    return _solve_banded_p(ab, b, lower=lower, upper=upper)


def polar(a, side="right"):
    """scipy.linalg.polar: (u, p) with a = u p (side="right") or p u ("left"), u with orthonormal
    columns (rows for a wide a) and p positive semi-definite; from the thin SVD, so
    differentiable where the singular values are distinct and nonzero.

    >>> import gradkit as gk, gradkit.numpy as np, gradkit.scipy.linalg as sl
    >>> u, p = sl.polar(np.array([[2.0, 0.0], [0.0, -3.0]]))
    >>> u
    array([[ 1.,  0.],
           [ 0., -1.]])
    >>> gk.grad(lambda a: np.trace(sl.polar(a)[1]))(np.array([[2.0, 0.0], [0.0, -3.0]]))  # sum of singular values
    array([[ 1.,  0.],
           [ 0., -1.]])
    """
    if side not in ("right", "left"):
        raise ValueError(f"polar: side must be 'right' or 'left', not {side!r}")
    w, s, vh = _nl.svd(a, full_matrices=False)
    u = matmul(w, vh)
    basis = _T(vh) if side == "right" else w
    return u, matmul(basis * s[..., None, :], _T(basis))


def _symmetric_from(a, lower):
    return tril(a) + _T(tril(a, -1)) if lower else triu(a) + _T(triu(a, 1))


def pinvh(a, atol=None, rtol=None, lower=True, return_rank=False, check_finite=True):
    """scipy.linalg.pinvh: the pseudo-inverse of the symmetric matrix read from the lower
    (or upper) triangle of a; eigenvalues with |w| <= atol + rtol max|w| count as zero
    (rtol defaults to n eps). Differentiable where the rank does not change.

    Returns the pseudo-inverse (and the rank with ``return_rank``), traced when ``a`` is.

    >>> import gradkit as gk, gradkit.numpy as np, gradkit.scipy.linalg as sl
    >>> gk.grad(lambda a: np.trace(sl.pinvh(a)))(np.array([[2.0, 0.0], [0.0, 4.0]]))
    array([[-0.25  ,  0.    ],
           [ 0.    , -0.0625]])
    """
    sym = _symmetric_from(a, lower)
    n = shape_of(a)[-1]
    w = _np.linalg.eigvalsh(_concrete(sym, "pinvh's cutoff", across_batch=True))
    top = _np.max(_np.abs(w), axis=-1)
    cut = (0.0 if atol is None else atol) + (n * _np.finfo(float).eps if rtol is None else rtol) * top
    rcond = _np.where(top > 0, cut / _np.where(top > 0, top, 1.0), 1.0)
    p = _nl.pinv(sym, rcond=rcond, hermitian=True)
    if return_rank:
        return p, _np.sum(_np.abs(w) > cut[..., None], axis=-1)
    return p


def _concrete(x, why, across_batch=False):
    from ..core.trace import concrete
    return concrete(x, why, across_batch)


def lstsq(a, b, cond=None, overwrite_a=False, overwrite_b=False, check_finite=True, lapack_driver=None):
    """scipy.linalg.lstsq: (x, residues, rank, s); singular values below cond times the largest
    count as zero (cond defaults to machine epsilon). residues is a float for a 1-d b, as in SciPy.
    x, residues and s are differentiable where the rank does not change.

    >>> import gradkit as gk, gradkit.numpy as np, gradkit.scipy.linalg as sl
    >>> a = np.array([[1.0, -1.0], [1.0, 0.0], [1.0, 1.0]])   # fit b ~ c0 + c1 t at t = -1, 0, 1
    >>> sl.lstsq(a, np.array([1.0, 2.0, 4.0]))[0]
    array([2.33333333, 1.5       ])
    >>> slope_weights = gk.grad(lambda b: sl.lstsq(a, b)[0][1])(np.array([1.0, 2.0, 4.0]))
    >>> np.round(slope_weights, 12) + 0.0   # (b[2] - b[0]) / 2, to rounding
    array([-0.5,  0. ,  0.5])
    """
    x, residues, rank, s = _nl.lstsq(a, b, rcond=_np.finfo(float).eps if cond is None else cond)
    if len(shape_of(b)) == 1 and shape_of(residues) == (1,):
        residues = residues[0]
    return x, residues, rank, s


# -- Schur: A = Z T Z^T, Z orthogonal, T upper triangular ------------------------------------------
def _schur_jvp(ts, ans, a, output):
    # with E = Z^H dA Z and Omega = Z^H dZ (skew-Hermitian), dT = E + T Omega - Omega T must be
    # upper triangular: the strictly lower part X of Omega solves tril(T X - X T, -1) = -tril(E, -1),
    # a triangular system over the strictly lower positions (distinct eigenvalues: solvable)
    from ..numpy.elementwise import conj
    from ..numpy.linalg import solve
    from ..numpy.shape import reshape
    t, z = ans
    below = _np.diagonal(_concrete(t, "schur's block structure", across_batch=True), axis1=-2, axis2=-1, offset=-1)
    if output == "real" and _np.any(_np.abs(below) > 0):
        raise NotImplementedError(
            "gradkit.scipy.linalg.schur: this matrix has complex eigenvalues, so its real Schur form has 2 x 2 "
            "blocks, which gradkit does not differentiate; call schur(a, output='complex').")
    n = shape_of(t)[-1]
    zh = conj(_T(z))
    e = matmul(zh, matmul(ts[0], z))
    rows, cols = _np.tril_indices(n, -1)
    eye = _np.eye(n)
    # vec(T X - X T) = (I kron T - T^T kron I) vec(X), vec column-major: position (i, j) -> j n + i
    kron = _kron(eye, t) - _kron(_T(t), eye)
    pos = cols * n + rows
    m = kron[pos][:, pos]
    x_low = solve(m, -e[rows, cols])
    omega_low = _scatter_lower(x_low, rows, cols, n)
    omega = omega_low - conj(_T(omega_low))
    dt = triu(e + matmul(t, omega) - matmul(omega, t))
    return dt, matmul(z, omega)


def _kron(a, b):
    from ..numpy.products import kron
    return kron(a, b)


def _scatter_lower(values, rows, cols, n):
    """The n x n matrix with `values` at (rows, cols) and zeros elsewhere (a linear map)."""
    basis = _np.zeros((len(rows), n, n))
    basis[_np.arange(len(rows)), rows, cols] = 1.0
    from ..numpy.products import tensordot
    return tensordot(values, basis, axes=1)


_schur_p = Primitive("schur", lambda a, output: tuple(_sl.schur(a, output=output)), multiple_results=True)
_schur_p.defjvp_joint(_schur_jvp)


def schur(a, output="real", lwork=None, overwrite_a=False, sort=None, check_finite=True):
    """scipy.linalg.schur: (T, Z) with a = Z T Z^H. Differentiable for distinct eigenvalues:
    output="real" for a matrix with real eigenvalues (T triangular), output="complex" for any
    (Z's column phases are LAPACK's; functions of Z that do not depend on them, such as
    Z T Z^H or |Z|, are what the derivative describes). The reverse rule is the transpose of
    the forward one.

    >>> import gradkit as gk, gradkit.numpy as np, gradkit.scipy.linalg as sl
    >>> gk.grad(lambda a: np.trace(sl.schur(a)[0] @ sl.schur(a)[0]))(np.array([[1.0, 2.0], [0.0, 3.0]]))  # tr(A^2)
    array([[2., 0.],
           [4., 6.]])
    """
    if sort is not None:
        from ..core import Tracer
        if type(a) is Tracer:
            raise NotImplementedError("gradkit.scipy.linalg.schur: sort= has no derivative rule (the order is "
                                      "discrete); differentiate without sort.")
        return _sl.schur(a, output=output, sort=sort)
    if output not in ("real", "complex", "r", "c"):
        raise ValueError(f"schur: output must be 'real' or 'complex', not {output!r}")
    _square(a, "schur")
    return tuple(_schur_p(a, output="real" if output in ("real", "r") else "complex"))
