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
from ..numpy.declare import is_complex, nondiff, shape_of
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
    triangular solve; anything else by LU (numpy.linalg.solve's rules)."""
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
    return _nl.inv(a)


def det(a, overwrite_a=False, check_finite=True):
    return _nl.det(a)


def norm(a, ord=None, axis=None, keepdims=False, check_finite=True):
    return _nl.norm(a, ord, axis, keepdims)


# -- Cholesky ----------------------------------------------------------------------------------
def cholesky(a, lower=False, overwrite_a=False, check_finite=True):
    """scipy.linalg.cholesky: the upper factor U (A = U^T U) by default, L with lower=True."""
    return _nl.cholesky(a, upper=not lower)


def cho_factor(a, lower=False, overwrite_a=False, check_finite=True):
    """(c, lower): the factor in one triangle of c, a's own entries in the other (as SciPy)."""
    factor = _nl.cholesky(a, upper=not lower)
    return (factor + triu(a, 1) if lower else factor + tril(a, -1)), lower


def cho_solve(c_and_lower, b, overwrite_b=False, check_finite=True):
    """x with A x = b from cho_factor's (c, lower): two triangular solves."""
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
    differentiable (square, non-singular a), piv is not."""
    _square(a, "lu_factor")
    return _lu_factor_p(a)


def lu_solve(lu_and_piv, b, trans=0, overwrite_b=False, check_finite=True):
    """x with A x = b (trans=0) or A^T x = b (trans=1) from lu_factor's (lu, piv)."""
    lu, piv = lu_and_piv
    p = _permutation(piv)
    vec = len(shape_of(b)) == 1
    if trans in (0, "N"):
        y = _solve_triangular(lu, _mv(_T(p), b, vec), lower=True, unit_diagonal=True)
        return _solve_triangular(lu, y, lower=False)
    y = _solve_triangular(lu, b, trans=1, lower=False)
    return _mv(p, _solve_triangular(lu, y, trans=1, lower=True, unit_diagonal=True), vec)


def lu(a, permute_l=False, overwrite_a=False, check_finite=True, p_indices=False):
    """(P, L, U) with A = P L U (or (P L, U) with permute_l), from lu_factor."""
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
sqrtm = _matrix_function("sqrtm", lambda a: _sl.sqrtm(a),
                         "scipy.linalg.sqrtm, the principal square root (where it is differentiable: "
                         "no eigenvalue on the closed negative real axis).")
logm = _matrix_function("logm", lambda a: _sl.logm(a),
                        "scipy.linalg.logm, the principal logarithm (no eigenvalue on the closed negative real axis).")


def expm_frechet(A, E, method=None, compute_expm=True, check_finite=True):
    """(expm(A), L) with L the Frechet derivative of expm at A in the direction E (or L alone)."""
    frechet = _frechet(expm, A, E)
    return (expm(A), frechet) if compute_expm else frechet


# -- the Sylvester equation A X + X B = Q ---------------------------------------------------
solve_sylvester = Primitive("solve_sylvester", lambda a, b, q: _sl.solve_sylvester(a, b, q))
# dX solves A dX + dX B = dQ - dA X - X dB; the transpose solves A^T Z + Z B^T = G
solve_sylvester.defjvp(lambda t, ans, a, b, q: solve_sylvester(a, b, -matmul(t, ans)),
                       lambda t, ans, a, b, q: solve_sylvester(a, b, -matmul(ans, t)),
                       lambda t, ans, a, b, q: solve_sylvester(a, b, t))
solve_sylvester.defvjp(lambda g, ans, a, b, q: -matmul(solve_sylvester(_T(a), _T(b), g), _T(ans)),
                       lambda g, ans, a, b, q: -matmul(_T(ans), solve_sylvester(_T(a), _T(b), g)),
                       lambda g, ans, a, b, q: solve_sylvester(_T(a), _T(b), g),
                       reads=((0, 1, "ans"), (0, 1, "ans"), (0, 1)))


# -- block_diag ---------------------------------------------------------------------------
def block_diag(*arrs):
    """scipy.linalg.block_diag: the arrays (0-d and 1-d ones as rows) on the diagonal."""
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
    """scipy.linalg.eigh for the standard problem (b=None) over all eigenvalues."""
    if b is not None or subset_by_index is not None or subset_by_value is not None:
        raise NotImplementedError("gradkit.scipy.linalg.eigh supports the standard eigenproblem over all "
                                  "eigenvalues (b=None, no subsets); solve the generalised one as "
                                  "eigh(L^{-1} A L^{-T}) with L = cholesky(B, lower=True).")
    uplo = "L" if lower else "U"
    return _nl.eigvalsh(a, uplo) if eigvals_only else tuple(_nl.eigh(a, uplo))


def eigvalsh(a, b=None, *, lower=True, overwrite_a=False, overwrite_b=False, type=1, check_finite=True,
             subset_by_index=None, subset_by_value=None, driver=None):
    return eigh(a, b, lower=lower, eigvals_only=True, subset_by_index=subset_by_index,
                subset_by_value=subset_by_value)


def svd(a, full_matrices=True, compute_uv=True, overwrite_a=False, check_finite=True, lapack_driver="gesdd"):
    return _nl.svd(a, full_matrices=full_matrices, compute_uv=compute_uv)


def svdvals(a, overwrite_a=False, check_finite=True):
    return _nl.svdvals(a)


def qr(a, overwrite_a=False, lwork=None, mode="full", pivoting=False, check_finite=True):
    """scipy.linalg.qr without pivoting: mode "full" (Q m x m), "economic" (Q m x k) or
    "r" (the tuple (R,), R m x n)."""
    if pivoting:
        raise NotImplementedError("gradkit.scipy.linalg.qr: pivoting=True has no derivative rule (the "
                                  "pivot order is discrete); call it without pivoting.")
    if mode == "r":
        return (_nl.qr(a, mode="complete")[1],)
    if mode not in ("full", "economic"):
        raise ValueError(f"gradkit.scipy.linalg.qr supports modes 'full', 'economic' and 'r', not {mode!r}.")
    return tuple(_nl.qr(a, mode="complete" if mode == "full" else "reduced"))
