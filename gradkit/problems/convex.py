"""Convex test problems: quadratics with a chosen spectrum, the lecture's L1-L3, least
squares and logistic regression. Each `f` is written with gradkit.numpy; the closed-form
gradients and Hessians are plain NumPy, so that tests can hold AD against them."""
import numpy as _np
from scipy.special import expit as _sigmoid

from .. import numpy as gnp
from .base import Problem, _check_number, _check_size

__all__ = ["quadratic", "spectrum", "quadratic_form", "log_quadratic", "log_exp", "least_squares",
           "logistic_regression", "random_rotation"]


def _rng(seed):
    return seed if isinstance(seed, _np.random.Generator) else _np.random.default_rng(seed)


def random_rotation(n, seed=0):
    """A random orthogonal n x n matrix (Haar distributed: QR of a Gaussian, signs fixed);
    `seed` is a seed or a numpy Generator. `quadratic` rotates its eigenbasis with it.

    >>> import numpy
    >>> Q = random_rotation(3, seed=1)
    >>> bool(numpy.allclose(Q.T @ Q, numpy.eye(3)))
    True
    """
    q, r = _np.linalg.qr(_rng(seed).standard_normal((n, n)))
    return q * _np.sign(_np.diag(r))


def spectrum(n, L=1.0, mu=0.01, kind="linear"):
    """n eigenvalues from mu to L, both ends included.

    kind: "linear" (evenly spaced), "geometric" (evenly spaced logarithms), or "extremes"
    (half at mu, half at L). mu = 0 (convex, not strongly) is allowed except for "geometric".

    >>> spectrum(3, L=4.0, mu=1.0, kind="geometric")
    array([1., 2., 4.])
    """
    n = _check_size("n", n, 1, "spectrum")
    L, mu = _check_number("L", L, 0, "spectrum", strict=True), _check_number("mu", mu, 0, "spectrum")
    if not 0 <= mu <= L or L <= 0 or (mu == 0 and kind == "geometric"):
        raise ValueError(f"need 0 < mu <= L (0 <= mu for a linear or extremes spectrum), got mu={mu}, L={L}.")
    if n == 1:
        return _np.array([L])
    if kind == "linear":
        return _np.linspace(mu, L, n)
    if kind == "geometric":
        return _np.geomspace(mu, L, n)
    if kind == "extremes":
        return _np.where(_np.arange(n) < n // 2, mu, L).astype(float)
    raise ValueError(f"unknown spectrum kind {kind!r}; use 'linear', 'geometric', 'extremes' "
                     f"or pass the eigenvalues as an array.")


def quadratic(n=10, L=1.0, mu=0.01, kind="linear", eigenvalues=None, rotate=True, seed=0):
    """f(x) = 1/2 x^T A x - b^T x with A = Q diag(eigenvalues) Q^T symmetric positive semidefinite.

    The eigenvalues run from mu to L, spread as `kind` says (see `spectrum`), or are given;
    `seed` (a seed or a Generator) draws Q and b. Q is a random rotation
    (the identity with rotate=False); b is standard normal. Then x* = A^{-1} b,
    f* = -1/2 b^T x*, and GD with step 1/L contracts ||x - x*|| by (1 - mu/L) per step.
    With a zero eigenvalue (mu = 0: smooth convex, not strongly convex) b = A w for a
    standard normal w, so that f is bounded below, and x* = A^+ b, the minimiser of least
    norm (w projected on the range of A): the one GD reaches from x0 = 0, whose iterates stay
    in the range of A. Then ||x0 - x*|| and (f(x0) - f*) / ||x0 - x*||^2 do not grow with n.
    Returns a `Problem` (x0 = 0); the strongly convex and convex rows of lecture L8's table
    are measured on it (`gradkit.optim.iterations_to_tolerance`).

    >>> p = quadratic(5, L=10.0, mu=1.0)
    >>> p.L, p.mu, p.kappa
    (10.0, 1.0, 10.0)
    >>> bool(abs(p(p.x_star) - p.f_star) < 1e-12)
    True
    """
    n = _check_size("n", n, 1, "quadratic")
    rng = _rng(seed)
    lam = spectrum(n, L, mu, kind) if eigenvalues is None else _np.asarray(eigenvalues, float)
    if lam.shape != (n,) or _np.any(lam < 0) or not _np.any(lam > 0):
        raise ValueError(f"eigenvalues must be {n} non-negative numbers, not all zero; got shape {lam.shape}, "
                         f"min {lam.min() if lam.size else None}.")
    Q = random_rotation(n, rng) if rotate else _np.eye(n)
    A = (Q * lam) @ Q.T
    A = (A + A.T) / 2  # exactly symmetric, so that closed forms and AD agree to rounding
    b = rng.standard_normal(n)
    pos = lam > 0
    if not pos.all():
        b = A @ b  # in the range of A, so f is bounded below
    x_star = Q @ _np.where(pos, (Q.T @ b) / _np.where(pos, lam, 1.0), 0.0)

    def f(x):
        return 0.5 * gnp.dot(x, gnp.dot(A, x)) - gnp.dot(b, x)

    kappa = lam.max() / lam.min() if lam.min() > 0 else _np.inf
    return Problem(f"quadratic(n={n}, kappa={kappa:.3g}, {kind})", f, n,
                   grad=lambda x: A @ x - b, hess=lambda x: A, x_star=x_star,
                   f_star=float(-0.5 * b @ x_star), L=float(lam.max()), mu=float(lam.min()),
                   data={"A": A, "b": b, "eigenvalues": lam, "Q": Q})


def _extreme_eigs(S):
    lam = _np.linalg.eigvalsh(S)
    return float(lam[-1]), float(lam[0])


def quadratic_form(A, b, c=0.0):
    """Lecture L1: f(x) = <x, Ax> - b^T x + c, grad = (A + A^T) x - b, Hessian = A + A^T.

    A need not be symmetric. When A + A^T is positive definite, x* solves (A + A^T) x = b.

    >>> import numpy
    >>> p = quadratic_form(numpy.array([[2.0, 1.0], [0.0, 1.0]]), numpy.ones(2))
    >>> p.grad(numpy.zeros(2)), p.hess(None)
    (array([-1., -1.]), array([[4., 1.],
           [1., 2.]]))
    """
    A, b = _np.asarray(A, float), _np.asarray(b, float)
    S = A + A.T
    L, mu = _extreme_eigs(S)
    convex = mu > 0
    x_star = _np.linalg.solve(S, b) if convex else None

    def f(x):
        return gnp.dot(x, gnp.dot(A, x)) - gnp.dot(b, x) + c

    return Problem("L1: <x,Ax> - b^T x + c", f, b.size, grad=lambda x: S @ x - b, hess=lambda x: S,
                   x_star=x_star, f_star=None if x_star is None else float(-0.5 * b @ x_star + c),
                   L=max(abs(L), abs(mu)), mu=mu if convex else None, x0=_np.zeros(b.size),
                   data={"A": A, "b": b, "c": c})


def log_quadratic(A):
    """Lecture L2: f(x) = ln <x, Ax> for A with A + A^T positive definite (x != 0).

    grad = (A + A^T) x / <x,Ax>, Hessian = (A + A^T)/<x,Ax> - (A + A^T) x x^T (A + A^T)/<x,Ax>^2.
    f is unbounded below (f(t x) -> -inf as t -> 0): no minimiser.

    >>> import numpy
    >>> p = log_quadratic(numpy.eye(2))
    >>> p.grad(numpy.array([1.0, 0.0]))
    array([2., 0.])
    """
    A = _np.asarray(A, float)
    S = A + A.T
    if _extreme_eigs(S)[1] <= 0:
        raise ValueError("log_quadratic needs A + A^T positive definite, so that <x, Ax> > 0 for x != 0.")

    def f(x):
        return gnp.log(gnp.dot(x, gnp.dot(A, x)))

    def grad(x):
        return S @ x / (x @ A @ x)

    def hess(x):
        q, Sx = x @ A @ x, S @ x
        return S / q - _np.outer(Sx, Sx) / q ** 2

    n = A.shape[0]
    return Problem("L2: ln <x,Ax>", f, n, grad=grad, hess=hess, x0=_np.ones(n), data={"A": A})


def log_exp(a):
    """Lecture L3: f(x) = ln(1 + exp <a, x>), grad = sigma(<a,x>) a, Hessian = sigma (1 - sigma) a a^T.

    Convex with L = ||a||^2 / 4; its infimum 0 is not attained (no minimiser).

    >>> import numpy
    >>> log_exp(numpy.array([1.0, 2.0])).grad(numpy.zeros(2))
    array([0.5, 1. ])
    """
    a = _np.asarray(a, float)

    def f(x):
        return gnp.logaddexp(0.0, gnp.dot(a, x))  # ln(1 + e^t) without overflow

    def grad(x):
        return _sigmoid(a @ x) * a

    def hess(x):
        s = _sigmoid(a @ x)
        return s * (1 - s) * _np.outer(a, a)

    return Problem("L3: ln(1 + exp <a,x>)", f, a.size, grad=grad, hess=hess, f_star=0.0,
                   L=float(a @ a) / 4, data={"a": a})


def least_squares(m=100, n=20, noise=0.1, seed=0):
    """f(x) = 1/2 ||A x - b||^2 with A an m x n Gaussian matrix and b = A x_true + noise.

    L and mu are the extreme eigenvalues of A^T A; x* is the least-squares solution.
    `seed`: a seed or a Generator for A, x_true and the noise.

    >>> import numpy
    >>> p = least_squares(50, 5)
    >>> bool(numpy.linalg.norm(p.grad(p.x_star)) < 1e-10)
    True
    """
    m, n = _check_size("m", m, 1, "least_squares"), _check_size("n", n, 1, "least_squares")
    noise = _check_number("noise", noise, 0, "least_squares")
    rng = _rng(seed)
    A = rng.standard_normal((m, n))
    x_true = rng.standard_normal(n)
    b = A @ x_true + noise * rng.standard_normal(m)
    AtA, Atb = A.T @ A, A.T @ b
    x_star = _np.linalg.lstsq(A, b, rcond=None)[0]
    L, mu = _extreme_eigs(AtA)
    r = A @ x_star - b

    def f(x):
        res = gnp.dot(A, x) - b
        return 0.5 * gnp.dot(res, res)

    return Problem(f"least_squares(m={m}, n={n})", f, n, grad=lambda x: AtA @ x - Atb, hess=lambda x: AtA,
                   x_star=x_star, f_star=float(0.5 * r @ r), L=L, mu=mu if mu > 1e-12 * L else None,
                   data={"A": A, "b": b, "x_true": x_true})


def logistic_regression(m=200, n=10, l2=0.0, noise=0.5, seed=0):
    """f(w) = 1/m sum_i ln(1 + exp(-y_i <x_i, w>)) + l2/2 ||w||^2 on synthetic data.

    Rows x_i are standard normal; labels y_i = sign(<x_i, w_true> + noise * N(0,1)) in {-1, 1}
    (the noise keeps the classes overlapping). L = lambda_max(X^T X)/(4m) + l2; with l2 > 0 the
    problem is l2-strongly convex (mu = l2) and x* is computed by Newton's method. m rows of
    n features; `seed`: a seed or a Generator for the data.

    >>> import numpy
    >>> p = logistic_regression(100, 5, l2=0.1)
    >>> p.mu, bool(numpy.linalg.norm(p.grad(p.x_star)) < 1e-12)
    (0.1, True)
    """
    m, n = _check_size("m", m, 1, "logistic_regression"), _check_size("n", n, 1, "logistic_regression")
    l2, noise = _check_number("l2", l2, 0, "logistic_regression"), _check_number("noise", noise, 0, "logistic_regression")
    rng = _rng(seed)
    X = rng.standard_normal((m, n))
    w_true = rng.standard_normal(n)
    y = _np.where(X @ w_true + noise * rng.standard_normal(m) >= 0, 1.0, -1.0)
    Xy = X * y[:, None]  # the margins are Xy @ w

    def f(w):
        return gnp.mean(gnp.logaddexp(0.0, -gnp.dot(Xy, w))) + 0.5 * l2 * gnp.dot(w, w)

    def grad(w):
        return -Xy.T @ _sigmoid(-Xy @ w) / m + l2 * w

    def hess(w):
        s = _sigmoid(Xy @ w)
        return (X.T * (s * (1 - s))) @ X / m + l2 * _np.eye(n)

    x_star = f_star = None
    if l2 > 0:
        x_star = _newton(grad, hess, _np.zeros(n))
        f_star = float(f(x_star))
    L = _extreme_eigs(X.T @ X)[0] / (4 * m) + l2
    return Problem(f"logistic_regression(m={m}, n={n}, l2={l2:g})", f, n, grad=grad, hess=hess,
                   x_star=x_star, f_star=f_star, L=L, mu=l2 if l2 > 0 else None,
                   data={"X": X, "y": y, "w_true": w_true, "l2": l2})


def _newton(grad, hess, x, max_iter=50):
    """Newton's method for a smooth strongly convex function (used to find x*): it stops
    once a step no longer changes x beyond rounding."""
    for _ in range(max_iter):
        step = _np.linalg.solve(hess(x), grad(x))
        x = x - step
        if _np.linalg.norm(step) <= 1e-15 * (1 + _np.linalg.norm(x)):
            break
    return x
