"""gradkit.numpy.linalg: differentiable counterparts of numpy.linalg.

Each decomposition is one primitive whose rules are built from its own result (the
factors), so the backward pass never refactorises: solve keeps the LU factors of A for
the solve with A^T (lecture L15), cholesky, qr, eigh and svd differentiate through the
factors they returned (L16). Stacked matrices (..., M, N) work wherever NumPy takes them.

Where the derivative is not unique or does not exist, this is what you get:
- cholesky, eigh and eigvalsh read one triangle of A (the UPLO one, or the one `upper`
  names) and so do their derivatives: the other triangle gets a zero gradient, as finite
  differences over the full matrix say. A symmetric input built from traced values gets
  the usual symmetric gradient through its own construction.
- Repeated eigenvalues (eigh, eig) or singular values (svd): the vectors are not
  differentiable there. A loss that depends on the basis chosen among them (on one
  eigenvector, say) has no derivative: the backward pass of eigh and svd raises
  LinAlgError. Otherwise the terms coupling two (numerically) equal values are set to zero
  and a DegenerateWarning is issued: exact for losses that use the vectors only through
  the projector onto the whole repeated space (functions of the values, spectral
  projectors, svd's polar factor U V^T, which stays exact since its part of the rule has
  no 1/(s_j - s_i)), but it misses the f'(w) terms of a matrix function of the factors
  (V f(w) V^T, U f(s) V^T), which cannot be had from the decomposition there: compute such
  a function directly. A zero singular value under a non-square svd gets its 1/s taken as
  0 (the pseudo-inverse choice), with the same warning.
- svd(full_matrices=True) of a non-square matrix and qr(mode="complete") of a tall one
  return extra columns (a basis of a complement, chosen by LAPACK). Their derivative is
  taken as the smallest motion that keeps the matrix orthogonal (no rotation inside the
  complement): exact for losses that use the complement only through its span.
- Singular matrices: solve, inv, slogdet and the factorisations' rules raise
  numpy.linalg.LinAlgError saying so; det differentiates there (its cofactor matrix).
- Complex matrices (autograd's convention): solve, inv, det, matrix_power, multi_dot,
  tensorsolve, tensorinv, eig and eigvals (holomorphic); eigh and eigvalsh (Hermitian),
  svd and svdvals, and the norms built on them. The vectors of eigh and svd have a free
  phase each: their derivative keeps V^H dV's diagonal zero (for svd the phase moves onto
  U), so only phase-free functions of them (projectors, |V|, u_i v_i^H) match finite
  differences. cholesky, qr, slogdet and pinv are for real matrices and refuse complex
  ones with a MissingRuleError.

Under reverse mode, eigvalsh and svd(compute_uv=False) compute the vectors in the forward
pass (eigh, svd), since the backward pass needs them; otherwise LAPACK's cheaper
values-only routines run, and forward-mode rules get the vectors when they need them.
"""
import builtins
import warnings

import numpy as _np

from ..core import MissingRuleError, Primitive, Tape, Tracer, batching as _batching
from ..core import concrete, primal as _p
from .declare import arraylike, is_complex, nondiff, shape_of, unbroadcast
from .elementwise import absolute, conj, imag, norm_root, power, real, where
from .indexing import take_along_axis
from .products import cross, matmul, outer, tensordot
from .reductions import argmax, max, min, prod, sum
from .shape import concatenate, diagonal as _diagonal, moveaxis, reshape, swapaxes, transpose, tril, triu

__all__ = ["norm", "matrix_rank", "cond", "solve", "inv", "pinv", "det", "slogdet", "cholesky", "eigh",
           "eigvalsh", "eig", "eigvals", "svd", "svdvals", "qr", "lstsq", "matrix_power", "multi_dot",
           "tensorsolve", "tensorinv", "matmul", "tensordot", "outer", "cross", "vecdot", "diagonal",
           "trace", "matrix_transpose", "vector_norm", "matrix_norm", "LinAlgError", "DegenerateWarning"]

LinAlgError = _np.linalg.LinAlgError
_TINY = _np.finfo(float).tiny


class DegenerateWarning(RuntimeWarning):
    """A derivative was taken at repeated eigenvalues or singular values (see the module
    docstring for what is returned there).

    >>> import warnings, gradkit as gk, gradkit.numpy as np
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     _ = gk.grad(lambda a: np.linalg.eigh(a)[1][0, 0])(np.eye(2))
    >>> any(issubclass(w.category, np.linalg.DegenerateWarning) for w in caught)
    True
    """


def _sl():
    import scipy.linalg  # imported on first use: it is slow to import and only some rules need it
    return scipy.linalg


# -- small helpers on stacked matrices --------------------------------------------------
def _T(x):
    return swapaxes(x, -1, -2)


def _ndim(x):
    return len(shape_of(x))


def _diag(x):
    """The diagonals of stacked matrices, (..., n, n) -> (..., n)."""
    return _diagonal(x, 0, -2, -1)


def _diag_embed(v):
    """Diagonal matrices from stacked vectors, (..., n) -> (..., n, n)."""
    return v[..., :, None] * _np.eye(shape_of(v)[-1])


def _sym(x):
    return 0.5 * (x + _T(x))


def _H(x):
    """The conjugate transpose of stacked matrices."""
    return conj(_T(x)) if is_complex(x) else _T(x)


def _triangle(a, lower):
    """The Hermitian matrix that LAPACK sees when it reads one triangle of a (the other is
    ignored, and so is the imaginary part of the diagonal), as a differentiable function of
    all of a: the derivatives of eigh, eigvalsh and cholesky follow NumPy's semantics even
    for a matrix that is not symmetric. Applied to traced matrices only."""
    if type(a) is not Tracer:
        return a
    part = tril(a, -1) if lower else triu(a, 1)
    return part + _H(part) + _diag_embed(real(_diag(a)))


def _real_only(name, x):
    if is_complex(x):
        raise MissingRuleError(
            f"gradkit differentiates numpy.linalg.{name} for real matrices only; it got a complex one. "
            f"Split the problem into real and imaginary parts, or wrap the call in "
            f"gradkit.stop_gradient if no derivative is needed.")


def _inverse_gaps(w, what, coupling=None, scale=None, sums=False):
    """F[..., i, j] = 1 / (w_j - w_i) (1 / (w_j + w_i) with `sums`) off the diagonal, 0 on it.

    Pairs closer than rounding (a repeated value; with `sums`, two zeros) get 0 instead of
    an infinity, with a DegenerateWarning: see the module docstring. A backward pass passes
    `coupling`, what F multiplies there, with `scale`, the size of the cotangents: where a
    repeated pair couples (the loss depends on the basis chosen inside the repeated
    eigenspace), the derivative does not exist and LinAlgError says so."""
    diff = w[..., None, :] + w[..., :, None] if sums else w[..., None, :] - w[..., :, None]
    n = shape_of(w)[-1]
    tol = (10 * n * _np.finfo(float).eps) * max(absolute(w), axis=-1, keepdims=True)[..., None]
    close = absolute(diff) <= tol
    same = close | _np.eye(n, dtype=bool)
    repeated = _p(close) & ~_np.eye(n, dtype=bool)
    if _np.any(repeated):
        if coupling is not None and _np.any(_np.abs(_p(coupling))[repeated] > 1e-8 * (_p(scale) + _TINY)):
            raise LinAlgError(
                f"{what}: repeated values, and the loss depends on the basis chosen among their vectors (on "
                f"one of those vectors, say), so it has no derivative there. Fix: use those vectors only "
                f"through their projector (V_k V_k^T; for svd also U_k V_k^T), or move off the repeated values "
                f"(A + a small random perturbation).")
        warnings.warn(f"{what}: repeated values, whose vectors have no derivative; the terms coupling them are "
                      f"set to zero. This is exact for losses that use those vectors only through the projector "
                      f"onto their whole eigenspace (functions of the values, spectral projectors, the polar "
                      f"factor U V^T), but it drops the f'(w) terms of a matrix function of the factors (V f(w) V^T, "
                      f"U f(s) V^T), which the decomposition cannot give at repeated values: compute such a function "
                      f"directly (expm, sqrtm, A @ A) or move off the repeated values.", DegenerateWarning,
                      stacklevel=3)
    return where(same, 0.0, 1.0 / where(same, 1.0, diff))


def _natively_batched(prim):
    """Batch rule of a one-argument primitive that maps over leading axes already."""
    prim.defbatch(lambda batched, x, **params: prim(x, **params))
    return prim


def _complement_tangent(q1, dq1, q2):
    """The tangent of the complement columns q2 of an orthogonal [q1, q2] when q1 moves by
    dq1 and q2 does not rotate within its own span: -q1 dq1^H q2."""
    return -matmul(q1, matmul(_H(dq1), q2))


# -- solve (lecture L15): x = A^{-1} b, with A's LU factors kept for the backward solve ---
# Single matrices go to BLAS's triangular solve (trsm) directly: LAPACK's getrs/trtrs in
# OpenBLAS start threads even for tiny matrices, which costs milliseconds on a busy machine.
def _trsm(t, b, lower, trans=False, unit=False):
    """op(T)^{-1} b for the triangle of t (b a matrix), by BLAS."""
    from scipy.linalg.blas import get_blas_funcs
    trsm = get_blas_funcs("trsm", (t, b))
    return trsm(1.0, t, b, lower=int(lower), trans_a=int(trans), diag=int(unit))


def _lu_impl(a):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # scipy warns on an exactly singular matrix; we raise below
        lu, piv = _sl().lu_factor(a, check_finite=False)
    if not _np.all(_np.diagonal(lu, 0, -2, -1)):
        raise LinAlgError("Singular matrix: it has no inverse, so the linear solve and its derivative "
                          "do not exist. Regularise it (A + eps I) or use lstsq / pinv.")
    perm = _np.arange(len(piv))  # LAPACK's row swaps as one permutation: A[perm] = L U
    for i, j in enumerate(piv):
        perm[i], perm[j] = perm[j], perm[i]
    return lu, perm


_lu = Primitive("lu_factors", _lu_impl, multiple_results=True, differentiable=False)


def _solve_impl(a, b, lu, perm, trans=False, vec=False):
    if lu is not None:  # a single matrix, factorised once by the caller
        rhs = b[:, None] if vec else b
        if trans:  # A^T x = b: U^T L^T (x[perm]) = b
            y = _trsm(lu, _trsm(lu, rhs, lower=False, trans=True), lower=True, trans=True, unit=True)
            x = _np.empty_like(y)
            x[perm] = y
        else:      # L U x = b[perm]
            x = _trsm(lu, _trsm(lu, rhs[perm], lower=True, unit=True), lower=False)
        return x[:, 0] if vec else x
    if trans:
        a = _np.swapaxes(a, -1, -2)
    try:
        return _np.linalg.solve(a, b[..., None])[..., 0] if vec else _np.linalg.solve(a, b)
    except LinAlgError:
        raise LinAlgError("Singular matrix: it has no inverse, so the linear solve and its derivative do "
                          "not exist. Regularise it (A + eps I) or use lstsq / pinv.") from None


def _mv(m, x, vec):
    """m @ x, with x a stack of vectors when vec (NumPy's matmul would read it as a matrix)."""
    return matmul(m, x[..., None])[..., 0] if vec else matmul(m, x)


def _outer_last(u, v, vec):
    """u v^T for stacked vectors (vec) or u @ v^T for stacked matrices."""
    return u[..., :, None] * v[..., None, :] if vec else matmul(u, _T(v))


def _solve_vjp(argnums, g, ans, a, b, lu, perm, trans=False, vec=False):
    # L15: dL/db = A^{-T} g and dL/dA = -(A^{-T} g) x^T, one backward solve for both
    # (for op(A) = A^T, the transpose -x (A^{-1} g)^T)
    gb = _solve_p(a, g, lu, perm, trans=not trans, vec=vec)
    cotangents = {0: lambda: unbroadcast(_outer_last(ans, -gb, vec) if trans else _outer_last(-gb, ans, vec), a),
                  1: lambda: unbroadcast(gb, b)}
    return tuple(cotangents[k]() if k in cotangents else None for k in argnums)


# A is read as op(A) = A^T when trans (the backward solve of a forward one).
_solve_p = Primitive("solve", _solve_impl)
# both cotangents solve with A (or its LU factors); only A's reads x: b is never read
_solve_p.defvjp_joint(_solve_vjp, reads=((0, 2, 3, "ans"), (0, 2, 3), (), ()))
_solve_p.defjvp(
    lambda t, ans, a, b, lu, perm, trans=False, vec=False: _solve_p(
        a, -_mv(_T(t) if trans else t, ans, vec), lu, perm, trans=trans, vec=vec),
    lambda t, ans, a, b, lu, perm, trans=False, vec=False: _solve_p(a, t, lu, perm, trans=trans, vec=vec),
    None, None)


def _solve_batch(batched, a, b, lu, perm, trans=False, vec=False):
    # many right-hand sides against one matrix (jacfwd, jacrev, hessian): make them columns
    if batched[0] or batched[2] or not batched[1]:
        return _batching.fallback(_solve_p, batched, (a, b, lu, perm), dict(trans=trans, vec=vec))
    bs = shape_of(b)
    if vec and len(bs) == 2:
        return _T(_solve_p(a, _T(b), lu, perm, trans=trans, vec=False))
    if not vec and len(bs) == 3 and lu is not None:
        cols = reshape(moveaxis(b, 0, 1), (bs[1], bs[0] * bs[2]))
        out = _solve_p(a, cols, lu, perm, trans=trans, vec=False)
        return moveaxis(reshape(out, (bs[1], bs[0], bs[2])), 1, 0)
    return _batching.fallback(_solve_p, batched, (a, b, lu, perm), dict(trans=trans, vec=vec))


_solve_p.defbatch(_solve_batch)


def solve(a, b):
    """np.linalg.solve: x with a @ x = b (b a vector if 1-D, else stacked matrices).

    Lecture L15: dL/db = A^{-T} dL/dx and dL/dA = -(A^{-T} dL/dx) x^T, one more solve with
    the same LU factors, so the backward pass costs about as much as a triangular solve.

    >>> import gradkit, gradkit.numpy as np
    >>> A = np.array([[3.0, 1.0], [1.0, 2.0]])
    >>> gradkit.grad(lambda b: np.linalg.solve(A, b).sum())(np.array([1.0, 1.0]))
    array([0.2, 0.4])
    """
    vec = _ndim(b) == 1
    if _ndim(a) == 2 and _ndim(b) <= 2:
        lu, perm = _lu(a)
        return _solve_p(a, b, lu, perm, vec=vec)
    return _solve_p(a, b, None, None, vec=vec)


# -- triangular solves (the rules of cholesky and qr; scipy.linalg.solve_triangular) ----
def _tri_mask(n, lower, unit_diagonal):
    """The entries of a triangular matrix that the solve reads (the diagonal only if not unit)."""
    k = -1 if unit_diagonal else 0
    return _np.tri(n, k=k, dtype=bool) if lower else _np.tri(n, k=k, dtype=bool).T


def _tri_solve_impl(a, b, trans=0, lower=False, unit_diagonal=False, vec=False):
    if _np.ndim(a) == 2 and _np.ndim(b) <= 2:
        if not unit_diagonal and not _np.all(_np.diagonal(a)):
            raise LinAlgError("Singular matrix: the triangular matrix has a zero on its diagonal, so the "
                              "solve and its derivative do not exist.")
        x = _trsm(a, b[:, None] if vec else b, lower, trans, unit_diagonal)
        return x[:, 0] if vec else x
    # stacks: NumPy's batched solve on the triangle (no Python loop over the stack)
    n = _np.shape(a)[-1]
    t = _np.where(_tri_mask(n, lower, unit_diagonal), a, 0.0)
    if unit_diagonal:
        t = t + _np.eye(n)
    if trans:
        t = _np.swapaxes(t, -1, -2)
    return _np.linalg.solve(t, b[..., None])[..., 0] if vec else _np.linalg.solve(t, b)


def _tri_part(x, lower, unit_diagonal):
    return x * _tri_mask(shape_of(x)[-1], lower, unit_diagonal)


def _tri_vjp_a(g, ans, a, b, trans=0, lower=False, unit_diagonal=False, vec=False):
    gb = _tri_solve_p(a, g, trans=1 - trans, lower=lower, unit_diagonal=unit_diagonal, vec=vec)
    ga = _outer_last(ans, gb, vec) if trans else _outer_last(gb, ans, vec)
    return unbroadcast(-_tri_part(ga, lower, unit_diagonal), a)


def _tri_jvp_a(t, ans, a, b, trans=0, lower=False, unit_diagonal=False, vec=False):
    t = _tri_part(t, lower, unit_diagonal)
    return _tri_solve_p(a, -_mv(_T(t) if trans else t, ans, vec), trans=trans, lower=lower,
                        unit_diagonal=unit_diagonal, vec=vec)


_tri_solve_p = Primitive("solve_triangular", _tri_solve_impl)
_tri_solve_p.defvjp(
    _tri_vjp_a,
    lambda g, ans, a, b, trans=0, lower=False, unit_diagonal=False, vec=False: unbroadcast(
        _tri_solve_p(a, g, trans=1 - trans, lower=lower, unit_diagonal=unit_diagonal, vec=vec), b),
    reads=((0, "ans"), (0,)))
_tri_solve_p.defjvp(
    _tri_jvp_a,
    lambda t, ans, a, b, trans=0, lower=False, unit_diagonal=False, vec=False: _tri_solve_p(
        a, t, trans=trans, lower=lower, unit_diagonal=unit_diagonal, vec=vec))


def _tri_solve_batch(batched, a, b, **params):
    bs = shape_of(b)
    if not batched[0] and params["vec"] and len(bs) == 2:  # many vectors against one matrix
        return _T(_tri_solve_p(a, _T(b), **dict(params, vec=False)))
    if not batched[0] and not params["vec"] and len(bs) == 3:
        cols = reshape(moveaxis(b, 0, 1), (bs[1], bs[0] * bs[2]))
        out = _tri_solve_p(a, cols, **params)
        return moveaxis(reshape(out, (bs[1], bs[0], bs[2])), 1, 0)
    return _batching.fallback(_tri_solve_p, batched, (a, b), params)


_tri_solve_p.defbatch(_tri_solve_batch)


def solve_triangular(a, b, trans=0, lower=False, unit_diagonal=False):
    """x with op(T) x = b for the triangle T of a that the solve reads (scipy's
    solve_triangular; trans 0/'N': T, 1/'T': T^T). Exported by gradkit.scipy.linalg."""
    trans = {"N": 0, "T": 1, "C": 2}.get(trans, trans)
    if trans == 2:
        if is_complex(a):
            raise MissingRuleError("solve_triangular with trans='C' is differentiated for real matrices only.")
        trans = 1
    return _tri_solve_p(a, b, trans=int(trans), lower=bool(lower), unit_diagonal=bool(unit_diagonal),
                        vec=_ndim(b) == 1)


# -- inverse, determinants ---------------------------------------------------------------
def _inv_impl(a):
    try:
        return _np.linalg.inv(a)
    except LinAlgError:
        raise LinAlgError("Singular matrix: it has no inverse, so inv's and slogdet's derivatives do not "
                          "exist there. Regularise it (A + eps I) or use pinv.") from None


inv = _natively_batched(Primitive("inv", _inv_impl))
inv.defvjp(lambda g, ans, a: -matmul(_T(ans), matmul(g, _T(ans))), reads=(("ans",),))   # reuses A^{-1}, not A
inv.defjvp(lambda t, ans, a: -matmul(ans, matmul(t, ans)))
inv.__doc__ = """np.linalg.inv. d(A^{-1}) = -A^{-1} dA A^{-1}, from the inverse itself.

    >>> import gradkit, gradkit.numpy as np
    >>> gradkit.grad(lambda a: np.linalg.inv(a)[0, 0])(np.array([[2.0, 0.0], [0.0, 4.0]]))
    array([[-0.25, -0.  ],
           [-0.  , -0.  ]])
    """

# d det A = tr(cof(A)^T dA), cof(A) = det(A) A^{-T} where A is invertible (Jacobi's formula)
def _cofactor(a, det_a):
    """The cofactor matrices of stacked square a (det_a their determinants): det(A) A^{-T},
    or, where some A is numerically singular (det is differentiable there too), from the
    SVD A = U S V^T: det(U) det(V) U diag(prod_{j != i} s_j) V^T."""
    if not _np.any(_np.linalg.cond(_p(a), 1) * (shape_of(a)[-1] * _np.finfo(float).eps) >= 1):
        return det_a[..., None, None] * _T(inv(a))
    u, s, vh = svd(a)
    others = prod(where(_np.eye(shape_of(s)[-1], dtype=bool), 1.0, s[..., None, :]), axis=-1)
    sign = _np.linalg.det(_p(u)) * _np.linalg.det(_p(vh))  # +-1, locally constant
    return sign[..., None, None] * matmul(u * others[..., None, :], vh)


det = _natively_batched(Primitive("det", _np.linalg.det))
det.defvjp(lambda g, ans, a: g[..., None, None] * _cofactor(a, ans), reads=((0, "ans"),))
det.defjvp(lambda t, ans, a: sum(_cofactor(a, ans) * t, axis=(-2, -1)))
det.__doc__ = """Differentiable ``numpy.linalg.det``, for stacks of square matrices too.

Differentiable in ``a`` in both modes, to any order: d det(A) = tr(cof(A)^T dA) with the
cofactor matrix cof(A), det(A) A^{-T} for an invertible A (Jacobi's formula) and from the
SVD for a numerically singular one, where det is differentiable too (a stack holding one
takes the SVD for all: at second order, its repeated singular values warn). Returns the
determinants, traced when ``a`` is.

>>> import gradkit as gk, gradkit.numpy as np
>>> gk.grad(np.linalg.det)(np.array([[2.0, 0.0], [0.0, 4.0]]))   # det(A) A^{-T}
array([[4., 0.],
       [0., 2.]])
>>> gk.grad(np.linalg.det)(np.array([[1.0, 2.0], [2.0, 4.0]]))   # singular: the cofactors
array([[ 4., -2.],
       [-2.,  1.]])
"""


def _trace_solve(a, t):
    """tr(A^{-1} dA) for stacked matrices."""
    return sum(_diag(matmul(inv(a), t)), axis=-1)


def _slogdet_vjp(argnum, g, ans, a):
    _real_only("slogdet", a)
    return None if g[1] is None else g[1][..., None, None] * _T(inv(a))


_slogdet_p = _natively_batched(Primitive("slogdet", _np.linalg.slogdet, multiple_results=True))
_slogdet_p.defvjp_argnum(_slogdet_vjp, reads=((0,),))
_slogdet_p.defjvp_joint(lambda ts, ans, a: _real_only("slogdet", a) or (None, _trace_solve(a, ts[0])))


def slogdet(a):
    """np.linalg.slogdet: (sign, log|det A|); d log|det A| = tr(A^{-1} dA), the sign is constant.

    Differentiable in ``a`` (real) in both modes, to any order: d log|det A| / dA = A^{-T};
    a complex ``a`` raises an error naming it. Returns (sign, logabsdet), the sign plain.

    >>> import gradkit as gk, gradkit.numpy as np
    >>> gk.grad(lambda a: np.linalg.slogdet(a)[1])(np.array([[1.0, 2.0], [3.0, 4.0]]))  # A^{-T}
    array([[-2. ,  1.5],
           [ 1. , -0.5]])
    """
    return _slogdet_p(a)


def pinv(a, rcond=None, hermitian=False, **kwargs):
    """np.linalg.pinv. Differentiated where the rank is locally constant (Golub and Pereyra, 1973):
    dP = -P dA P + P P^T dA^T (I - A P) + (I - P A) dA^T P^T P.

    Differentiable in ``a`` (real) in both modes, to any order. Returns the pseudo-inverse,
    traced when ``a`` is.

    >>> import gradkit as gk, gradkit.numpy as np
    >>> gk.grad(lambda a: np.sum(np.linalg.pinv(a)))(np.array([[2.0], [0.0]]))  # (a0 + a1) / (a0^2 + a1^2)
    array([[-0.25],
           [ 0.25]])
    """
    return _pinv_p(a, rcond=rcond, hermitian=hermitian, **kwargs)


def _pinv_jvp(t, ans, a, **params):
    _real_only("pinv", a)
    p = ans
    pt = _T(p)
    return (-matmul(p, matmul(t, p)) + matmul(matmul(p, pt), matmul(_T(t), _eye_minus(a, p)))
            + matmul(_eye_minus(p, a), matmul(_T(t), matmul(pt, p))))


def _pinv_vjp(g, ans, a, **params):
    _real_only("pinv", a)
    p, gt = ans, _T(g)
    return (-matmul(_T(p), matmul(g, _T(p))) + matmul(_eye_minus(a, p), matmul(gt, matmul(p, _T(p))))
            + matmul(matmul(_T(p), p), matmul(gt, _eye_minus(p, a))))


def _eye_minus(x, y):
    """I - x @ y."""
    xy = matmul(x, y)
    return _np.eye(shape_of(xy)[-1]) - xy


_pinv_p = _natively_batched(Primitive("pinv", lambda a, **params: _np.linalg.pinv(a, **params)))
_pinv_p.defvjp(_pinv_vjp, reads=((0, "ans"),))
_pinv_p.defjvp(_pinv_jvp)


# -- cholesky: A = L L^T -------------------------------------------------------------------
def _phi(x):
    """The lower triangle with the diagonal halved (the map that dL = L Phi(L^{-1} dA L^{-T}) uses)."""
    n = shape_of(x)[-1]
    return x * (_np.tri(n) - 0.5 * _np.eye(n))


def _cholesky_jvp(t, ans, a, upper=False):
    _real_only("cholesky", a)
    low = _T(ans) if upper else ans
    y = _tri_solve_p(low, _sym(t), trans=0, lower=True, vec=False)               # L^{-1} S
    m = _tri_solve_p(low, _T(y), trans=0, lower=True, vec=False)                 # L^{-1} S L^{-T}
    dl = matmul(low, _phi(m))
    return _T(dl) if upper else dl


def _cholesky_vjp(g, ans, a, upper=False):
    # (Murray, 2016) dL/dA = sym(L^{-T} Phi(L^T G) L^{-1}), with triangular solves
    _real_only("cholesky", a)
    low, gl = (_T(ans), _T(g)) if upper else (ans, g)
    z = _phi(matmul(_T(low), gl))
    x = _tri_solve_p(low, z, trans=1, lower=True, vec=False)                     # L^{-T} Z
    w = _T(_tri_solve_p(low, _T(x), trans=1, lower=True, vec=False))             # L^{-T} Z L^{-1}
    return _sym(w)


cholesky_p = _natively_batched(Primitive("cholesky", lambda a, upper=False: _np.linalg.cholesky(a, upper=upper)))
cholesky_p.defvjp(_cholesky_vjp, reads=(("ans",),))  # the factor, not A
cholesky_p.defjvp(_cholesky_jvp)


def cholesky(a, /, *, upper=False):
    """np.linalg.cholesky (lower factor, or upper with upper=True) of a symmetric positive
    definite matrix; like NumPy it reads one triangle of A (lower, or upper with upper=True),
    and so does its derivative.

    >>> import gradkit, gradkit.numpy as np
    >>> gradkit.grad(lambda a: np.linalg.cholesky(a)[1, 1])(np.array([[4.0, 2.0], [2.0, 5.0]]))
    array([[ 0.0625,  0.    ],
           [-0.25  ,  0.25  ]])
    """
    return cholesky_p(_triangle(a, not upper), upper=upper)


# -- symmetric eigendecomposition: A = V diag(w) V^T -----------------------------------------
# The primitive gets the Hermitian matrix _triangle built, so tangents are Hermitian. For
# complex matrices V^T becomes V^H, and each eigenvector's free phase is fixed by keeping
# V^H dV's diagonal zero; the VJP is the transpose under autograd's convention,
# conj(V) M V^T (V M V^T for real V).
def _eigh_jvp(t, ans, a, UPLO="L"):
    w, v = ans
    p = matmul(_H(v), matmul(t, v))
    dw = real(_diag(p)) if is_complex(p) else _diag(p)
    return dw, matmul(v, _inverse_gaps(w, "eigh") * p)


def _eigh_vjp(argnum, g, ans, a, UPLO="L"):
    gw, gv = g
    w, v = ans
    inner = 0.0
    if gv is not None:
        m = matmul(_T(v), gv)
        coupled = None if is_complex(m) else m - _T(m)  # (complex: the phases make it subtler; warned only)
        inner = _inverse_gaps(w, "eigh", coupling=coupled, scale=max(absolute(m))) * m
    if gw is not None:
        inner = inner + _diag_embed(gw)
    return matmul(conj(v) if is_complex(v) else v, matmul(inner, _T(v)))


_eigh_p = _natively_batched(Primitive("eigh", lambda a, UPLO="L": _np.linalg.eigh(a, UPLO), multiple_results=True))
_eigh_p.defvjp_argnum(_eigh_vjp, reads=(("ans",),))
_eigh_p.defjvp_joint(lambda ts, ans, a, UPLO="L": _eigh_jvp(ts[0], ans, a, UPLO))


def eigh(a, UPLO="L"):
    """np.linalg.eigh: eigenvalues (ascending) and orthonormal eigenvectors of a symmetric
    matrix. dw = diag(V^T dA V), dV = V (F o V^T dA V) with F_ij = 1/(w_j - w_i).

    >>> import gradkit, gradkit.numpy as np
    >>> gradkit.grad(lambda a: np.linalg.eigh(a)[0][-1])(np.array([[2.0, 0.0], [0.0, 1.0]]))
    array([[1., 0.],
           [0., 0.]])
    """
    return _eigh_p(_triangle(a, UPLO.upper() == "L"), UPLO=UPLO)


# eigenvalues alone: the forward pass stays LAPACK's cheaper eigenvalue-only routine, and
# the rules get the eigenvectors from eigh (differentiable, so higher orders work)
def _eigvalsh_vectors(a, UPLO):
    return eigh(a, UPLO)[1]


_eigvalsh_p = _natively_batched(Primitive("eigvalsh", lambda a, UPLO="L": _np.linalg.eigvalsh(a, UPLO)))
_eigvalsh_p.defvjp(lambda g, ans, a, UPLO="L": _scaled_outer(_eigvalsh_vectors(a, UPLO), g), reads=((0,),))
_eigvalsh_p.defjvp(lambda t, ans, a, UPLO="L": _quadratic_diag(_eigvalsh_vectors(a, UPLO), t))


def _scaled_outer(v, g):
    """V diag(g) V^T (conj(V) diag(g) V^T for complex V: autograd's transpose)."""
    return matmul((conj(v) if is_complex(v) else v) * g[..., None, :], _T(v))


def _quadratic_diag(v, m):
    """diag(V^H M V) (real for Hermitian M) without forming the product matrix."""
    if is_complex(v) or is_complex(m):
        return real(sum(conj(v) * matmul(m, v), axis=-2))
    return sum(v * matmul(m, v), axis=-2)


def eigvalsh(a, UPLO="L"):
    """np.linalg.eigvalsh; dw = diag(V^T dA V).

    It reads one triangle of ``a`` (``UPLO``), and so does its derivative. Differentiable in
    both modes, to any order, for distinct eigenvalues. Returns w, ascending, traced when
    ``a`` is.

    >>> import gradkit as gk, gradkit.numpy as np
    >>> gk.grad(lambda a: np.linalg.eigvalsh(a)[-1])(np.array([[1.0, 0.0], [0.0, 3.0]]))
    array([[0., 0.],
           [0., 1.]])
    """
    if _recorded_for_reverse(a):
        return eigh(a, UPLO)[0]
    return _eigvalsh_p(_triangle(a, UPLO.upper() == "L"), UPLO=UPLO)


def _recorded_for_reverse(a):
    """Is a being recorded for reverse mode? Then a values-only decomposition (eigvalsh,
    svdvals) computes its vectors in the forward pass, where LAPACK gets them cheapest,
    and the backward pass only multiplies them (it would otherwise decompose again)."""
    return type(a) is Tracer and type(a._trace) is Tape


# -- general eigendecomposition (distinct eigenvalues) --------------------------------------
def _eig_jvp(ts, ans, a):
    w, v = ans
    t = ts[0]
    p = solve(v, matmul(t, v))                                    # V^{-1} dA V
    dv = matmul(v, _inverse_gaps(w, "eig") * p)
    # LAPACK's normalisation: unit columns whose largest-modulus entry is real
    dv = dv - v * real(sum(conj(v) * dv, axis=-2, keepdims=True))
    if is_complex(v):
        k = argmax(absolute(v), axis=-2)[..., None, :]
        dv = dv - 1j * v * imag(take_along_axis(dv, k, -2)) / real(take_along_axis(v, k, -2))
    return _diag(p), dv


def _transposed_jvp(jvp, g, ans, a, **params):
    """The VJP of a decomposition as the transpose of its (real-linear) tangent map, by
    reverse mode through it: autograd's complex convention holds by construction."""
    from ..transforms import vjp
    g = tuple(_np.zeros(shape_of(o), _np.result_type(_p(o))) if c is None else c for c, o in zip(g, ans))
    zero = _np.zeros(shape_of(a), _np.result_type(_p(a)))
    ct = vjp(lambda t: jvp((t,), ans, a, **params), zero)[1](g)[0]
    return real(ct) if not is_complex(a) else ct


def _eig_vjp(argnum, g, ans, a):
    return _transposed_jvp(_eig_jvp, g, ans, a)


def _eig_impl(a):
    return _np.linalg.eig(a)


_eig_p = _natively_batched(Primitive("eig", _eig_impl, multiple_results=True))
_eig_p.defvjp_argnum(_eig_vjp, reads=(("ans",),))
_eig_p.defjvp_joint(_eig_jvp)


def eig(a):
    """np.linalg.eig of a real or complex matrix with distinct eigenvalues:
    dw = diag(V^{-1} dA V), dV = V (F o V^{-1} dA V) corrected to keep LAPACK's
    normalisation of V (unit columns whose largest entry is real).

    Returns (w, v), traced when ``a`` is (complex in general).

    >>> import gradkit as gk, gradkit.numpy as np
    >>> A = np.array([[2.0, 1.0], [0.0, 1.0]])
    >>> gk.grad(lambda a: np.real(np.linalg.eig(a)[0][0]))(A)  # eigenvalue 2: u v^T / (u^T v), u, v left/right
    array([[1., 0.],
           [1., 0.]])
    """
    return _eig_p(a)


def _eigvals_vectors(a):
    return _eig_p(a)[1]


_eigvals_p = _natively_batched(Primitive("eigvals", _np.linalg.eigvals))
def _eigvals_jvp(t, ans, a):
    v = _eigvals_vectors(a)
    return _diag(solve(v, matmul(t, v)))                          # diag(V^{-1} dA V)


_eigvals_p.defjvp(_eigvals_jvp)


def _eigvals_vjp(g, ans, a):
    v = _eigvals_vectors(a)
    ga = solve(_T(v), g[..., :, None] * _T(v))                    # V^{-T} diag(g) V^T
    return ga if is_complex(a) else real(ga)


_eigvals_p.defvjp(_eigvals_vjp, reads=((0,),))


def eigvals(a):
    """np.linalg.eigvals (distinct eigenvalues): dw = diag(V^{-1} dA V).

    Differentiable in ``a`` in both modes, to any order. Returns w, traced when ``a`` is.

    >>> import gradkit as gk, gradkit.numpy as np
    >>> gk.grad(lambda a: np.sum(np.real(np.linalg.eigvals(a))))(np.array([[2.0, 1.0], [0.0, 1.0]]))  # trace: I
    array([[1., 0.],
           [0., 1.]])
    """
    return _eigvals_p(a)


# -- singular value decomposition (lecture L16) -------------------------------------------
def _svd_impl(a, full_matrices=False):
    return _np.linalg.svd(a, full_matrices=full_matrices)


def _split_full(u, vh, a):
    """The reduced factors (m x k, k x n) and the complement columns of full ones (or None)."""
    m, n = shape_of(a)[-2:]
    k = builtins.min(m, n)
    u1, u2 = (u[..., :, :k], u[..., :, k:]) if shape_of(u)[-1] > k else (u, None)
    vh1, vh2 = (vh[..., :k, :], vh[..., k:, :]) if shape_of(vh)[-2] > k else (vh, None)
    return u1, u2, _H(vh1), None if vh2 is None else _H(vh2)


def _safe_inverse(s, what):
    small = s <= _np.finfo(float).eps * builtins.max(shape_of(s)[-1], 1) * max(s, axis=-1, keepdims=True)
    if _np.any(_p(small)):
        warnings.warn(f"{what}: a zero singular value under a non-square matrix; its 1/s is taken as 0.",
                      DegenerateWarning, stacklevel=3)
    return where(small, 0.0, 1.0 / where(small, 1.0, s))


def _svd_jvp(ts, ans, a, full_matrices=False):
    # (Townsend, 2016) with dP = U^H dA V, F_ij = 1/(s_j^2 - s_i^2). For complex matrices
    # each pair (u_i, v_i) has a free common phase: it is fixed by keeping V^H dV's
    # diagonal zero, which puts i Im(dP_ii) / s_i on U^H dU's
    u, s, vh = ans
    u1, u2, v1, v2 = _split_full(u, vh, a)
    t = ts[0]
    m, n = shape_of(a)[-2:]
    cplx = is_complex(u) or is_complex(t)
    dp = matmul(_H(u1), matmul(t, v1))
    ds = real(_diag(dp)) if cplx else _diag(dp)
    # F o (dP S + S dP^H) = (F- o sym + F+ o skew) / 2 with F-, F+ = 1 / (s_j -+ s_i): the
    # second term stays finite at repeated singular values (the polar factor U V^H's part)
    minus = _inverse_gaps(s, "svd") * (dp + _H(dp))
    plus = _inverse_gaps(s, "svd", sums=True) * (dp - _H(dp))
    du = matmul(u1, 0.5 * (minus + plus))                                 # U (F o (dP S + S dP^H))
    dv = matmul(v1, 0.5 * (minus - plus))                                 # V (F o (S dP + dP^H S))
    if cplx:
        zero = s == 0
        du = du + u1 * (1j * imag(_diag(dp)) * where(zero, 0.0, 1.0 / where(zero, 1.0, s)))[..., None, :]
    if m > n:
        du = du + (matmul(t, v1) - matmul(u1, dp)) * _safe_inverse(s, "svd")[..., None, :]
    if n > m:
        dv = dv + (matmul(_H(t), u1) - matmul(v1, _H(dp))) * _safe_inverse(s, "svd")[..., None, :]
    if u2 is not None:
        du = _concat_last(du, _complement_tangent(u1, du, u2))
    if v2 is not None:
        dv = _concat_last(dv, _complement_tangent(v1, dv, v2))
    return du, ds, _H(dv)


def _concat_last(x, y):
    return concatenate([x, y], axis=-1)


def _svd_vjp(argnum, g, ans, a, full_matrices=False):
    if is_complex(a):
        return _transposed_jvp(_svd_jvp, g, ans, a, full_matrices=full_matrices)
    gu, gs, gvh = g
    u, s, vh = ans
    u1, u2, v1, v2 = _split_full(u, vh, a)
    m, n = shape_of(a)[-2:]
    k = builtins.min(m, n)
    gv = None if gvh is None else _T(gvh)
    if u2 is not None and gu is not None:  # the complement's cotangent, moved onto u1
        gu = gu[..., :, :k] - matmul(u2, matmul(_T(gu[..., :, k:]), u1))
    if v2 is not None and gv is not None:
        gv = gv[..., :, :k] - matmul(v2, matmul(_T(gv[..., :, k:]), v1))
    inner = 0.0
    if gs is not None:
        inner = _diag_embed(gs)
    ga = 0.0
    if gu is not None or gv is not None:
        # inner = F o (A S + S B) for the skew parts A, B of U^T gU, V^T gV, written as
        # (F- o (A + B) + F+ o (A - B)) / 2 as in the JVP: A + B must vanish on repeated pairs
        s_inv = _safe_inverse(s, "svd") if m != n else None
        skew_u = skew_v = 0.0
        scale = 0.0
        if gu is not None:
            mu = matmul(_T(u1), gu)
            skew_u, scale = mu - _T(mu), max(absolute(mu))
            if m > n:
                ga = ga + matmul((gu - matmul(u1, matmul(_T(u1), gu))) * s_inv[..., None, :], _T(v1))
        if gv is not None:
            mv = matmul(_T(v1), gv)
            skew_v, scale = mv - _T(mv), scale + max(absolute(mv))
            if n > m:
                ga = ga + matmul(u1 * s_inv[..., None, :], _T(gv) - matmul(matmul(_T(gv), v1), _T(v1)))
        both, apart = skew_u + skew_v, skew_u - skew_v
        inner = inner + 0.5 * (_inverse_gaps(s, "svd", coupling=both, scale=scale * max(s)) * both
                               + _inverse_gaps(s, "svd", coupling=apart, scale=scale * max(s), sums=True) * apart)
    return ga + matmul(u1, matmul(inner, _T(v1)))


_svd_p = _natively_batched(Primitive("svd", _svd_impl, multiple_results=True))
_svd_p.defvjp_argnum(_svd_vjp, reads=(("ans",),))
_svd_p.defjvp_joint(_svd_jvp)


# singular values alone: LAPACK's cheaper routine forward; the rules take U and V from svd
def _svdvals_factors(a):
    u, _, vh = _svd_p(a, full_matrices=False)
    return u, vh


def _svdvals_vjp(g, ans, a):
    u, vh = _svdvals_factors(a)
    ga = matmul(u * g[..., None, :], vh)                   # L16: dL/dW = U diag(dL/ds) V^T
    return conj(ga) if is_complex(ga) else ga              # complex: conj(U) diag(g) V^T


def _svdvals_jvp(t, ans, a):
    u, vh = _svdvals_factors(a)
    if is_complex(u) or is_complex(t):
        return real(sum(conj(u) * matmul(t, _H(vh)), axis=-2))   # Re diag(U^H dA V)
    return sum(u * matmul(t, _T(vh)), axis=-2)             # diag(U^T dA V)


_svdvals_p = _natively_batched(Primitive("svdvals", lambda a: _np.linalg.svd(a, compute_uv=False)))
_svdvals_p.defvjp(_svdvals_vjp, reads=((0,),))
_svdvals_p.defjvp(_svdvals_jvp)


def svd(a, full_matrices=True, compute_uv=True, hermitian=False):
    """np.linalg.svd: (U, S, Vh) with a = U diag(S) Vh, or S alone.

    Lecture L16: for a loss of the singular values, dL/dW = U diag(dL/dS) V^T.
    `hermitian` is accepted and ignored: the general SVD runs (same singular values).

    >>> import gradkit, gradkit.numpy as np
    >>> gradkit.grad(lambda w: np.linalg.svd(w, compute_uv=False)[0])(np.array([[3.0, 0.0], [0.0, 1.0]]))
    array([[1., 0.],
           [0., 0.]])
    """
    if not compute_uv:
        return svdvals(a)
    return _svd_p(a, full_matrices=bool(full_matrices))


def svdvals(x, /):
    """np.linalg.svdvals: the singular values, descending.

    Lecture L16: ds_i = u_i^T dA v_i. Differentiable in both modes, to any order, for distinct
    nonzero singular values. Returns s, traced when ``x`` is.

    >>> import gradkit as gk, gradkit.numpy as np
    >>> gk.grad(lambda w: np.sum(np.linalg.svdvals(w)))(np.array([[3.0, 0.0], [0.0, -2.0]]))
    array([[ 1.,  0.],
           [ 0., -1.]])
    """
    if _recorded_for_reverse(x):
        return _svd_p(x, full_matrices=False)[1]
    return _svdvals_p(x)


# -- QR: A = Q R ------------------------------------------------------------------------
def _qr_impl(a, mode="reduced"):
    return _np.linalg.qr(a, mode=mode)


def _right_solve_r(y, r):
    """y R^{-1} for upper-triangular R."""
    return _T(_tri_solve_p(r, _T(y), trans=1, lower=False, vec=False))


def _qr_square_jvp(q, r, t):
    """(dQ, dR) of A = QR for m >= n, Q m x n: X = Q^T dA R^{-1}, Omega = tril(X,-1) - its
    transpose, dR = (X - Omega) R, dQ = Q Omega + (I - Q Q^T) dA R^{-1}."""
    y = _right_solve_r(t, r)
    x = matmul(_T(q), y)
    low = tril(x, -1)
    omega = low - _T(low)
    return matmul(q, omega) + y - matmul(q, x), matmul(x - omega, r)


def _qr_parts(ans, a):
    q, r = ans
    m, n = shape_of(a)[-2:]
    k = builtins.min(m, n)
    q1, q2 = (q[..., :, :k], q[..., :, k:]) if shape_of(q)[-1] > k else (q, None)
    return q1, q2, r[..., :k, :], m, n, k


def _qr_jvp(ts, ans, a, mode="reduced"):
    _real_only("qr", a)
    q1, q2, r, m, n, k = _qr_parts(ans, a)
    t = ts[0]
    if m >= n:
        dq, dr = _qr_square_jvp(q1, r, t)
    else:  # wide: A = Q [R1 R2] with Q R1 = A1 square and R2 = Q^T A2
        dq, dr1 = _qr_square_jvp(q1, r[..., :, :m], t[..., :, :m])
        a2 = a[..., :, m:]
        dr2 = matmul(_T(dq), a2) + matmul(_T(q1), t[..., :, m:])
        dr = _concat_last(dr1, dr2)
    if q2 is not None:  # mode="complete" of a tall matrix
        dq = _concat_last(dq, _complement_tangent(q1, dq, q2))
        dr = concatenate([dr, _np.zeros(shape_of(dr)[:-2] + (m - k, n))], axis=-2)
    return dq, dr


def _qr_square_vjp(q, r, gq, gr):
    # the transpose of _qr_square_jvp: N = gR R^T - Q^T gQ, B = N - tril(N - N^T, -1),
    # dL/dA = (gQ + Q B) R^{-T}
    n_ = 0.0
    if gr is not None:
        n_ = matmul(gr, _T(r))
    if gq is not None:
        n_ = n_ - matmul(_T(q), gq)
    b = n_ - tril(n_ - _T(n_), -1)
    rhs = matmul(q, b) if gq is None else gq + matmul(q, b)
    return _T(_tri_solve_p(r, _T(rhs), trans=0, lower=False, vec=False))


def _qr_vjp(argnum, g, ans, a, mode="reduced"):
    _real_only("qr", a)
    q1, q2, r, m, n, k = _qr_parts(ans, a)
    gq, gr = g
    if gr is not None:
        gr = gr[..., :k, :]
    if q2 is not None and gq is not None:
        gq = gq[..., :, :k] - matmul(q2, matmul(_T(gq[..., :, k:]), q1))
    if m >= n:
        return _qr_square_vjp(q1, r, gq, gr)
    # wide: R2 = Q^T A2 sends gQ += A2 gR2^T and gives dL/dA2 = Q gR2
    a2 = a[..., :, m:]
    gr1 = None if gr is None else gr[..., :, :m]
    if gr is not None:
        gr2 = gr[..., :, m:]
        gq = matmul(a2, _T(gr2)) if gq is None else gq + matmul(a2, _T(gr2))
        ga2 = matmul(q1, gr2)
    else:
        ga2 = _np.zeros(shape_of(a2))
    return _concat_last(_qr_square_vjp(q1, r[..., :, :m], gq, gr1), ga2)


_qr_p = _natively_batched(Primitive("qr", _qr_impl, multiple_results=True))
_qr_p.defvjp_argnum(_qr_vjp, reads=((0, "ans"),))  # a wide A's trailing columns too
_qr_p.defjvp_joint(_qr_jvp)


def qr(a, mode="reduced"):
    """np.linalg.qr for modes "reduced", "complete" and "r" (R alone), full-rank a.

    >>> import gradkit, gradkit.numpy as np
    >>> gradkit.grad(lambda a: np.linalg.qr(a)[1][1, 1])(np.array([[1.0, 0.0], [0.0, 2.0]]))
    array([[0., 0.],
           [0., 1.]])
    """
    if mode not in ("reduced", "complete", "r"):
        raise ValueError(f"gradkit.numpy.linalg.qr supports modes 'reduced', 'complete' and 'r', not {mode!r} "
                         f"(its 'raw' Householder output has no derivative rule).")
    if mode == "r":
        return _qr_p(a, mode="reduced")[1]
    return _qr_p(a, mode=mode)


# -- least squares, powers, products ------------------------------------------------------
def lstsq(a, b, rcond=None):
    """np.linalg.lstsq: (x, residuals, rank, s), with x = pinv(a) b, differentiated where the
    rank is locally constant.

    Differentiable in ``a`` and ``b`` in both modes, to any order; ``rank`` is a plain integer.

    >>> import gradkit as gk, gradkit.numpy as np
    >>> a = np.array([[1.0, -1.0], [1.0, 0.0], [1.0, 1.0]])   # fit b ~ c0 + c1 t at t = -1, 0, 1
    >>> gk.grad(lambda b: np.linalg.lstsq(a, b)[0][0])(np.array([1.0, 2.0, 4.0]))  # the intercept: the mean
    array([0.33333333, 0.33333333, 0.33333333])
    """
    m, n = shape_of(a)[-2:]
    cut = _np.finfo(float).eps * builtins.max(m, n) if rcond is None or rcond < 0 else rcond
    x = matmul(pinv(a, rcond=cut), b)
    s = svdvals(a)
    s_value = concrete(s, "np.linalg.lstsq's rank")
    rank = int(_np.sum(s_value > cut * _np.max(s_value, initial=0.0)))
    if rank == n and m > n:
        r = b - matmul(a, x)
        res = sum(r * r, axis=0)
        residuals = res[None] if _ndim(b) == 1 else res
    else:
        residuals = _np.empty((0,))
    return x, residuals, rank, s


def matrix_power(a, n):
    """np.linalg.matrix_power by repeated squaring (inverting first for n < 0).

    Differentiable in ``a`` in both modes, to any order; ``n`` is static. Returns A^n, traced
    when ``a`` is.

    >>> import gradkit as gk, gradkit.numpy as np
    >>> gk.grad(lambda a: np.trace(np.linalg.matrix_power(a, 3)))(np.array([[1.0, 0.0], [0.0, 2.0]]))  # 3 (A^2)^T
    array([[ 3.,  0.],
           [ 0., 12.]])
    """
    if not isinstance(n, (int, _np.integer)):
        raise TypeError("matrix_power: the exponent must be an integer")
    if n == 0:
        return _np.broadcast_to(_np.eye(shape_of(a)[-1]), shape_of(a)).copy()
    if n < 0:
        a, n = inv(a), -n
    result, base = None, a
    while n:
        if n & 1:
            result = base if result is None else matmul(result, base)
        n >>= 1
        if n:
            base = matmul(base, base)
    return result


def multi_dot(arrays, *, out=None):
    """np.linalg.multi_dot: the product of a chain, multiplied in the cheapest order.

    Differentiable in every array in both modes, to any order. Returns the product, traced
    when any array is.

    >>> import gradkit as gk, gradkit.numpy as np
    >>> u, A = np.array([1.0, 2.0]), np.array([[1.0, 0.0], [0.0, 3.0]])
    >>> gk.grad(lambda v: np.linalg.multi_dot([u, A, v]))(np.zeros(2))  # A^T u
    array([1., 6.])
    """
    if out is not None:
        raise TypeError("gradkit.numpy.linalg.multi_dot does not write into out=")
    arrays = list(arrays)
    if len(arrays) < 2:
        raise ValueError("multi_dot needs at least two arrays")
    first_vec, last_vec = _ndim(arrays[0]) == 1, _ndim(arrays[-1]) == 1
    if first_vec:
        arrays[0] = arrays[0][None, :]
    if last_vec:
        arrays[-1] = arrays[-1][:, None]
    dims = [shape_of(arrays[0])[0]] + [shape_of(x)[1] for x in arrays]
    split = _chain_order(dims)

    def product(i, j):
        return arrays[i] if i == j else matmul(product(i, split[i][j]), product(split[i][j] + 1, j))

    out = product(0, len(arrays) - 1)
    if first_vec:
        out = out[0]
    if last_vec:
        out = out[..., 0]
    return out


def _chain_order(dims):
    """The matrix-chain dynamic programme: split[i][j] is where to cut the product i..j."""
    n = len(dims) - 1
    cost = [[0] * n for _ in range(n)]
    split = [[0] * n for _ in range(n)]
    for length in range(1, n):
        for i in range(n - length):
            j = i + length
            cost[i][j] = float("inf")
            for k in range(i, j):
                c = cost[i][k] + cost[k + 1][j] + dims[i] * dims[k + 1] * dims[j + 1]
                if c < cost[i][j]:
                    cost[i][j], split[i][j] = c, k
    return split


def tensorinv(a, ind=2):
    """np.linalg.tensorinv, as inv of the matricised tensor.

    Differentiable in ``a`` in both modes, to any order; ``ind`` is static.

    >>> import gradkit as gk, gradkit.numpy as np
    >>> a = 2.0 * np.eye(4).reshape(2, 2, 2, 2)          # the matrix 2 I, as a tensor
    >>> np.linalg.tensorinv(a).reshape(4, 4)
    array([[0.5, 0. , 0. , 0. ],
           [0. , 0.5, 0. , 0. ],
           [0. , 0. , 0.5, 0. ],
           [0. , 0. , 0. , 0.5]])
    >>> trace_of_inverse = lambda t: np.sum(np.linalg.tensorinv(t) * np.eye(4).reshape(2, 2, 2, 2))
    >>> gk.grad(trace_of_inverse)(a).reshape(4, 4) + 0.0   # -(M^{-2})^T = -I / 4
    array([[-0.25,  0.  ,  0.  ,  0.  ],
           [ 0.  , -0.25,  0.  ,  0.  ],
           [ 0.  ,  0.  , -0.25,  0.  ],
           [ 0.  ,  0.  ,  0.  , -0.25]])
    """
    shape = shape_of(a)
    rows = int(_np.prod(shape[:ind]))
    return reshape(inv(reshape(a, (rows, -1))), shape[ind:] + shape[:ind])


def tensorsolve(a, b, axes=None):
    """np.linalg.tensorsolve, as solve on the matricised tensor.

    Differentiable in ``a`` and ``b`` in both modes, to any order; ``axes`` is static.

    >>> import gradkit as gk, gradkit.numpy as np
    >>> a = 2.0 * np.eye(4).reshape(2, 2, 2, 2)
    >>> gk.grad(lambda b: np.sum(np.linalg.tensorsolve(a, b)))(np.zeros((2, 2)))
    array([[0.5, 0.5],
           [0.5, 0.5]])
    """
    nd = _ndim(a)
    if axes is not None:
        order = [k for k in range(nd) if k not in [x % nd for x in axes]] + [x % nd for x in axes]
        a = transpose(a, tuple(order))
    shape = shape_of(a)[-(nd - _ndim(b)):]
    size = int(_np.prod(shape))
    x = solve(reshape(a, (-1, size)), reshape(b, (-1,)))
    return reshape(x, shape)


# -- the array-API names of numpy.linalg (NumPy 2) ---------------------------------------
def vecdot(x1, x2, /, *, axis=-1):
    """Differentiable ``numpy.linalg.vecdot``: sum(conj(x1) * x2) along ``axis``.

    Differentiable in ``x1`` and ``x2`` in both modes, to any order. Returns the dot products,
    traced when either input is.

    >>> import gradkit as gk, gradkit.numpy as np
    >>> f = lambda x, y: np.linalg.vecdot(x, y)
    >>> gk.grad(f, argnums=(0, 1))(np.array([1.0, 2.0]), np.array([3.0, 4.0]))
    (array([3., 4.]), array([1., 2.]))
    """
    return sum(conj(x1) * x2, axis=axis)


def diagonal(x, /, *, offset=0):
    """Differentiable ``numpy.linalg.diagonal``: the diagonal ``offset`` of the last two axes.

    Differentiable in ``x`` in both modes, to any order. Returns the diagonals, traced when
    ``x`` is.

    >>> import gradkit as gk, gradkit.numpy as np
    >>> gk.grad(lambda x: np.sum(np.linalg.diagonal(x)))(np.zeros((2, 2)))
    array([[1., 0.],
           [0., 1.]])
    """
    return _diagonal(x, offset, -2, -1)


def trace(x, /, *, offset=0, dtype=None):
    """Differentiable ``numpy.linalg.trace``: the sum of the diagonal ``offset`` of the last two
    axes (``dtype`` ignored).

    Differentiable in ``x`` in both modes, to any order: d tr(X) / dX = I. Returns the traces,
    traced when ``x`` is.

    >>> import gradkit as gk, gradkit.numpy as np
    >>> gk.grad(np.linalg.trace)(np.zeros((2, 2)))
    array([[1., 0.],
           [0., 1.]])
    """
    return sum(_diagonal(x, offset, -2, -1), axis=-1)


def matrix_transpose(x, /):
    """Differentiable ``numpy.linalg.matrix_transpose``: the last two axes swapped.

    Differentiable in ``x`` in both modes, to any order. Returns the transpose, traced when
    ``x`` is.

    >>> import gradkit as gk, gradkit.numpy as np
    >>> gk.grad(lambda x: np.linalg.matrix_transpose(x)[0, 1])(np.zeros((2, 2)))
    array([[0., 0.],
           [1., 0.]])
    """
    return _T(x)


def vector_norm(x, /, *, axis=None, keepdims=False, ord=2):
    """Differentiable ``numpy.linalg.vector_norm``: the ``ord``-norm over ``axis`` (all axes
    when None).

    Differentiable in ``x`` in both modes, to any order; at x = 0 the derivative is taken as
    0 (a subgradient). Returns the norms, traced when ``x`` is.

    >>> import gradkit as gk, gradkit.numpy as np
    >>> gk.grad(np.linalg.vector_norm)(np.array([3.0, 4.0]))  # x / ||x||
    array([0.6, 0.8])
    """
    axis = tuple(range(_ndim(x))) if axis is None else axis if _np.ndim(axis) == 0 else tuple(axis)
    return _vector_norm(x, ord, axis, keepdims)


def matrix_norm(x, /, *, keepdims=False, ord="fro"):
    """Differentiable ``numpy.linalg.matrix_norm``: the ``ord``-norm of the last two axes
    ("fro", "nuc", 1, -1, 2, -2, inf, -inf).

    Differentiable in ``x`` in both modes, to any order, away from ties and zeros. Returns
    the norms, traced when ``x`` is.

    >>> import gradkit as gk, gradkit.numpy as np
    >>> gk.grad(lambda x: np.linalg.matrix_norm(x, ord="nuc"))(np.array([[3.0, 0.0], [0.0, -2.0]]))
    array([[ 1.,  0.],
           [ 0., -1.]])
    """
    return norm(x, ord, (-2, -1), keepdims)


# -- norm -------------------------------------------------------------------------------
def norm(x, ord=None, axis=None, keepdims=False):
    """np.linalg.norm for vector and matrix ords. Where the norm is not differentiable a
    subgradient is returned: 0 at x = 0 (all higher derivatives 0 there too), ties of
    max-type ords share the derivative evenly.

    >>> import gradkit as gk, gradkit.numpy as np
    >>> gk.grad(np.linalg.norm)(np.array([3.0, 4.0]))
    array([0.6, 0.8])
    >>> gk.grad(np.linalg.norm)(np.zeros(2))
    array([0., 0.])
    """
    x = arraylike(x)
    ndim = len(shape_of(x))
    if axis is None and (ord is None or ndim == 1 or ndim > 2):
        if ord is not None and ndim > 2:
            raise ValueError("Improper number of dimensions to norm.")
        axis = tuple(range(ndim)) if ord is None else 0
    if _np.ndim(axis) != 0 and len(axis) == 2:
        return _matrix_norm(x, ord, tuple(a % ndim for a in axis), keepdims)
    if axis is None:
        return _matrix_norm(x, ord, (0, 1), keepdims)
    return _vector_norm(x, ord, axis, keepdims)


def _sq_abs(x):
    return real(x * conj(x)) if _np.iscomplexobj(_p(x)) else x * x


def _vector_norm(x, ord, axis, keepdims):
    if ord is None or ord == 2:
        return norm_root(sum(_sq_abs(x), axis=axis, keepdims=keepdims))
    if ord == _np.inf:
        return max(absolute(x), axis=axis, keepdims=keepdims)
    if ord == -_np.inf:
        return min(absolute(x), axis=axis, keepdims=keepdims)
    if ord == 0:
        from .reductions import count_nonzero
        return count_nonzero(x, axis=axis, keepdims=keepdims) * 1.0
    if ord == 1:
        return sum(absolute(x), axis=axis, keepdims=keepdims)
    return norm_root(sum(power(absolute(x), ord), axis=axis, keepdims=keepdims), p=ord)


def _matrix_norm(x, ord, axes, keepdims):
    from .shape import expand_dims
    r, c = axes
    if ord in (None, "fro"):
        out = norm_root(sum(_sq_abs(x), axis=axes))
    elif ord in (1, -1):
        out = (max if ord == 1 else min)(sum(absolute(x), axis=r), axis=c - (c > r))
    elif ord in (_np.inf, -_np.inf):
        out = (max if ord > 0 else min)(sum(absolute(x), axis=c), axis=r - (r > c))
    elif ord in (2, -2, "nuc"):
        s = svd(moveaxis(x, (r, c), (-2, -1)), compute_uv=False)
        out = {2: max, -2: min, "nuc": sum}[ord](s, axis=-1)
    else:
        raise ValueError(f"Invalid norm order {ord!r} for matrices.")
    if keepdims:
        for a in sorted(axes):
            out = expand_dims(out, a)
    return out


matrix_rank = nondiff(_np.linalg.matrix_rank)


def cond(x, p=None):
    """np.linalg.cond: the condition number of (stacked) x in the norm `p`; None, 2 and -2
    from the singular values (any shape), the others as norm(x, p) norm(inv(x), p).

    Differentiable in ``x`` in both modes, to any order, where it is smooth (distinct
    extreme singular values; the norms' own kinks aside). Returns the condition numbers,
    traced when ``x`` is.

    >>> import gradkit as gk, gradkit.numpy as np
    >>> gk.grad(np.linalg.cond)(np.array([[2.0, 0.0], [0.0, 1.0]]))   # s_max / s_min
    array([[ 1.,  0.],
           [ 0., -2.]])
    """
    if p is None or p in (2, -2):
        s = svd(x, compute_uv=False)
        big, small = max(s, axis=-1), min(s, axis=-1)
        return small / big if p == -2 else big / small
    return norm(x, p, axis=(-2, -1)) * norm(inv(x), p, axis=(-2, -1))
