"""NumPy's polynomial functions (coefficients highest power first), as compositions:
polyval is Horner's rule, polymul a convolution, polyfit a least-squares solve, roots the
eigenvalues of the companion matrix, poly repeated convolutions.
"""
import numpy as _np

from ..core import Tracer
from ..core.trace import concrete
from .declare import shape_of
from .elementwise import conj, power
from .keywords import sum
from .shape import atleast_1d, concatenate, ravel
from .signal_ops import convolve

__all__ = ["polyval", "polyfit", "polyder", "polyint", "polyadd", "polysub", "polymul", "polydiv", "poly",
           "roots", "vander"]


def polyval(p, x):
    """np.polyval by Horner's rule, differentiable in p and x.

    Returns p[0] x^(n-1) + ... + p[n-1], traced when ``p`` or ``x`` is.

    >>> import gradkit as gk, gradkit.numpy as np
    >>> p = np.array([1.0, 0.0, -2.0])          # x^2 - 2
    >>> gk.grad(lambda x: np.polyval(p, x))(3.0)  # 2x
    np.float64(6.0)
    >>> gk.grad(lambda p: np.polyval(p, 3.0))(p)  # the powers 9, 3, 1
    array([9., 3., 1.])
    """
    y = 0.0 * x
    for k in range(shape_of(p)[0]):
        y = y * x + p[k]
    return y


def _lead(a, n):
    """a (1-D) with n - len(a) zeros in front."""
    a = atleast_1d(a)
    extra = n - shape_of(a)[0]
    return a if extra <= 0 else concatenate([_np.zeros(extra), a])


def polyadd(a1, a2):
    """Differentiable ``numpy.polyadd``: the coefficients of the sum (highest power first).

    Differentiable in ``a1`` and ``a2`` in both modes, to any order. Returns a 1-D array,
    traced when either is.

    >>> import gradkit as gk, gradkit.numpy as np
    >>> np.polyadd(np.array([1.0, 2.0]), np.array([3.0]))
    array([1., 5.])
    >>> gk.grad(lambda a: np.sum(np.polyadd(a, np.array([1.0, 0.0, 0.0]))))(np.array([1.0, 2.0]))
    array([1., 1.])
    """
    n = max(shape_of(atleast_1d(a1))[0], shape_of(atleast_1d(a2))[0])
    return _lead(a1, n) + _lead(a2, n)


def polysub(a1, a2):
    """Differentiable ``numpy.polysub``: the coefficients of a1 - a2 (highest power first).

    Differentiable in ``a1`` and ``a2`` in both modes, to any order. Returns a 1-D array,
    traced when either is.

    >>> import gradkit as gk, gradkit.numpy as np
    >>> gk.grad(lambda b: np.sum(np.polysub(np.array([1.0, 0.0, 0.0]), b)))(np.array([1.0, 2.0]))
    array([-1., -1.])
    """
    n = max(shape_of(atleast_1d(a1))[0], shape_of(atleast_1d(a2))[0])
    return _lead(a1, n) - _lead(a2, n)


def polymul(a1, a2):
    """Differentiable ``numpy.polymul``: the coefficients of the product (a convolution).

    Differentiable in ``a1`` and ``a2`` in both modes, to any order. Returns a 1-D array,
    traced when either is.

    >>> import gradkit as gk, gradkit.numpy as np
    >>> np.polymul(np.array([1.0, 1.0]), np.array([1.0, -1.0]))   # (x + 1)(x - 1)
    array([ 1.,  0., -1.])
    >>> gk.grad(lambda a: np.polymul(a, np.array([1.0, -1.0]))[1])(np.array([1.0, 1.0]))
    array([-1.,  1.])
    """
    return convolve(atleast_1d(a1), atleast_1d(a2))


def polyder(p, m=1):
    """Differentiable ``numpy.polyder``: the coefficients of the ``m``-th derivative.

    Differentiable in ``p`` in both modes, to any order (a linear map); ``m`` is static.
    Returns a 1-D array, traced when ``p`` is.

    >>> import gradkit as gk, gradkit.numpy as np
    >>> np.polyder(np.array([1.0, 1.0, 1.0]))      # x^2 + x + 1 -> 2x + 1
    array([2., 1.])
    >>> gk.grad(lambda p: np.polyder(p)[0])(np.array([1.0, 1.0, 1.0]))
    array([2., 0., 0.])
    """
    if m < 0:
        raise ValueError("Order of derivative must be positive (see polyint)")
    p = atleast_1d(p)
    for _ in range(m):
        n = shape_of(p)[0] - 1
        if n <= 0:
            return 0.0 * p[:1]
        p = p[:-1] * _np.arange(n, 0, -1)
    return p


def polyint(p, m=1, k=None):
    """Differentiable ``numpy.polyint``: the coefficients of the ``m``-th antiderivative, with
    integration constants ``k``.

    Differentiable in ``p`` and ``k`` in both modes, to any order (a linear map); ``m`` is
    static. Returns a 1-D array, traced when ``p`` or ``k`` is.

    >>> import gradkit as gk, gradkit.numpy as np
    >>> np.polyint(np.array([3.0, 2.0]))           # 3x + 2 -> 1.5 x^2 + 2x
    array([1.5, 2. , 0. ])
    >>> gk.grad(lambda p: np.polyint(p)[0])(np.array([3.0, 2.0]))
    array([0.5, 0. ])
    """
    if m < 0:
        raise ValueError("Order of integral must be positive (see polyder)")
    k = _np.zeros(m) if k is None else k
    if type(k) is not Tracer and _np.ndim(k) == 0:
        k = _np.full(m, k, dtype=float)
    k = atleast_1d(k)
    if shape_of(k)[0] == 1 and m > 1:
        k = concatenate([k] * m)
    if shape_of(k)[0] < m:
        raise ValueError("k must be a scalar or a rank-1 array of length 1 or >m.")
    p = atleast_1d(p)
    for j in range(m):
        n = shape_of(p)[0]
        p = concatenate([p / _np.arange(n, 0, -1), k[j:j + 1]])
    return p


def polydiv(u, v):
    """np.polydiv by long division: (quotient, remainder), differentiable in both. The
    remainder's leading (numerically) zero terms are dropped, as NumPy drops them.

    >>> import gradkit as gk, gradkit.numpy as np
    >>> q, r = np.polydiv(np.array([1.0, 0.0, -1.0]), np.array([1.0, 1.0]))   # (x^2 - 1) / (x + 1)
    >>> q, r
    (array([ 1., -1.]), array([0.]))
    >>> gk.grad(lambda u: np.polydiv(u, np.array([2.0, 0.0]))[0][0])(np.array([1.0, 0.0, -1.0]))
    array([0.5, 0. , 0. ])
    """
    u, v = atleast_1d(u) + 0.0, atleast_1d(v) + 0.0
    m, n = shape_of(u)[0] - 1, shape_of(v)[0] - 1
    r = [u[k] for k in range(m + 1)]
    q = []
    for k in range(max(m - n + 1, 0)):
        d = r[k] / v[0]
        q.append(d)
        for j in range(n + 1):
            r[k + j] = r[k + j] - d * v[j]
    from .shape import stack
    quotient = stack(q) if q else 0.0 * u[:1]
    remainder = stack(r)
    start = 0
    values = _np.asarray(concrete(remainder, "np.polydiv's trimming of the remainder"))
    while start < len(values) - 1 and _np.allclose(values[start], 0, rtol=1e-14):
        start += 1
    return quotient, remainder[start:]


def vander(x, N=None, increasing=False):
    """np.vander: the columns x**k (differentiable in x).

    >>> import gradkit as gk, gradkit.numpy as np
    >>> np.vander(np.array([2.0, 3.0]), 3)
    array([[4., 2., 1.],
           [9., 3., 1.]])
    >>> gk.grad(lambda x: np.sum(np.vander(x, 3)))(np.array([2.0, 3.0]))   # d(x^2 + x + 1) = 2x + 1
    array([5., 7.])
    """
    n = shape_of(x)[0] if N is None else N
    k = _np.arange(n) if increasing else _np.arange(n - 1, -1, -1)
    return power(ravel(x)[:, None], k)


def polyfit(x, y, deg, rcond=None, full=False, w=None, cov=False):
    """np.polyfit (least squares on the scaled Vandermonde matrix, as NumPy solves it),
    differentiable in x, y and w. full= and cov= are not supported.

    >>> import gradkit as gk, gradkit.numpy as np
    >>> x = np.array([-1.0, 0.0, 1.0])
    >>> np.polyfit(x, np.array([1.0, 2.0, 4.0]), 1)
    array([1.5       , 2.33333333])
    >>> slope = gk.grad(lambda y: np.polyfit(x, y, 1)[0])(np.array([1.0, 2.0, 4.0]))
    >>> np.round(slope, 12) + 0.0   # (y[2] - y[0]) / 2
    array([-0.5,  0. ,  0.5])
    """
    if full or cov:
        raise NotImplementedError("gradkit.numpy.polyfit: full= and cov= are not supported; compute residuals "
                                  "as y - polyval(p, x)")
    from .linalg import lstsq
    order = int(deg) + 1
    if deg < 0:
        raise ValueError("expected deg >= 0")
    if len(shape_of(x)) != 1 or shape_of(x)[0] == 0:
        raise TypeError("expected non-empty 1D vector for x")
    if rcond is None:
        rcond = shape_of(x)[0] * _np.finfo(float).eps
    lhs = vander(x, order)
    rhs = y
    if w is not None:
        lhs = lhs * w[:, None]
        rhs = rhs * (w if len(shape_of(y)) == 1 else w[:, None])
    scale = (sum(lhs * conj(lhs), axis=0)) ** 0.5
    c = lstsq(lhs / scale, rhs, rcond)[0]
    return (c.T / scale).T


def roots(p):
    """np.roots: the eigenvalues of the companion matrix (differentiable to first order, as
    eigvals is, for distinct roots).

    Returns the roots (complex where the companion matrix's eigenvalues are), traced when
    ``p`` is.

    >>> import gradkit as gk, gradkit.numpy as np
    >>> np.roots(np.array([1.0, -3.0, 2.0]))      # x^2 - 3x + 2 = (x - 2)(x - 1)
    array([2., 1.])
    >>> float(gk.grad(lambda c: np.real(np.roots(np.array([1.0, -3.0, c]))[0]))(2.0))  # d root / dc = -1 / p'(2)
    -1.0
    """
    from .linalg import eigvals
    p = atleast_1d(p)
    if len(shape_of(p)) != 1:
        raise ValueError("Input must be a rank-1 array.")
    values = _np.asarray(concrete(p, "np.roots's count of leading and trailing zeros"))
    nonzero = _np.flatnonzero(values)
    if len(nonzero) == 0:
        return _np.array([])
    trailing = len(values) - nonzero[-1] - 1
    p = p[int(nonzero[0]):int(nonzero[-1]) + 1]
    n = shape_of(p)[0]
    if n > 1:
        first = -p[1:] / p[0]
        companion = concatenate([first[None, :], _np.eye(n - 2, n - 1)], axis=0)
        r = eigvals(companion)
    else:
        r = _np.array([])
    if trailing:
        r = concatenate([r, _np.zeros(trailing, _np.result_type(r))])
    return r


def poly(seq_of_zeros):
    """np.poly: the coefficients of prod (x - r) (from a square matrix, of its eigenvalues);
    real when the roots come in conjugate pairs, as NumPy decides.

    Differentiable in the roots in both modes, to any order (repeated convolutions; from a
    matrix through eigvals, to first order). Returns the coefficients, traced when the input is.

    >>> import gradkit as gk, gradkit.numpy as np
    >>> np.poly(np.array([1.0, 2.0]))             # (x - 1)(x - 2)
    array([ 1., -3.,  2.])
    >>> gk.grad(lambda r: np.poly(r)[2])(np.array([1.0, 2.0]))  # d(r0 r1)
    array([2., 1.])
    """
    seq = atleast_1d(seq_of_zeros)
    shape = shape_of(seq)
    if len(shape) == 2 and shape[0] == shape[1] and shape[0] != 0:
        from .linalg import eigvals
        seq = eigvals(seq)
    elif len(shape) != 1:
        raise ValueError("input must be 1d or non-empty square 2d array.")
    if shape_of(seq)[0] == 0:
        return 1.0
    a = _np.ones(1)
    for k in range(shape_of(seq)[0]):
        a = convolve(a, concatenate([_np.ones(1), -seq[k:k + 1]]))
    if a.dtype.kind == "c":
        values = _np.asarray(concrete(seq, "np.poly's test for conjugate pairs"))
        if _np.all(_np.sort(values) == _np.sort(values.conjugate())):
            from .elementwise import real
            a = real(a)
    return a

