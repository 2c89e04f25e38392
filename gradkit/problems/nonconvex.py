"""Smooth non-convex test problems: Rosenbrock and a robust (Cauchy-loss) regression."""
import numpy as _np

from .. import numpy as gnp
from .base import Problem, _check_number, _check_size
from .convex import _extreme_eigs, _rng

__all__ = ["rosenbrock", "robust_regression"]


def rosenbrock(n=2, a=1.0, b=100.0):
    """The chained Rosenbrock function f(x) = sum_i b (x_{i+1} - x_i^2)^2 + (a - x_i)^2.

    x* = (a, a^2, a^4, ...) for a != 1 only in 2-D; for the default a = 1, x* = (1, ..., 1)
    in any dimension and f* = 0; for 4 <= n <= 7 there is also a local minimiser near
    (-1, 1, ..., 1). It is not globally L-smooth (a quartic). The start
    x0 = (-1.2, 1, -1.2, 1, ...) is the classical one.

    >>> p = rosenbrock(3)
    >>> float(p(p.x_star)), float(abs(p.grad(p.x_star)).max())
    (0.0, 0.0)
    """
    n = _check_size("n", n, 2, "rosenbrock")
    a, b = _check_number("a", a, problem="rosenbrock"), _check_number("b", b, 0, "rosenbrock", strict=True)
    if a != 1.0 and n > 2:
        raise ValueError("the minimiser of the chained Rosenbrock function is known for a = 1 "
                         "(or n = 2); pass a=1.0 or n=2.")

    def f(x):
        head, tail = x[:-1], x[1:]
        return gnp.sum(b * (tail - head * head) ** 2 + (a - head) ** 2)

    def grad(x):
        head, tail = x[:-1], x[1:]
        inner = tail - head ** 2
        g = _np.zeros_like(x, dtype=float)
        g[:-1] = -4 * b * head * inner - 2 * (a - head)
        g[1:] += 2 * b * inner
        return g

    def hess(x):
        head, tail = x[:-1], x[1:]
        H = _np.zeros((n, n))
        i = _np.arange(n - 1)
        H[i, i] = 12 * b * head ** 2 - 4 * b * tail + 2
        H[i + 1, i + 1] += 2 * b
        H[i, i + 1] = H[i + 1, i] = -4 * b * head
        return H

    x_star = _np.array([a, a * a]) if n == 2 else _np.ones(n)
    x0 = _np.where(_np.arange(n) % 2 == 0, -1.2, 1.0)
    return Problem(f"rosenbrock(n={n})", f, n, grad=grad, hess=hess, x_star=x_star, f_star=0.0, x0=x0,
                   data={"a": a, "b": b})


def robust_regression(m=100, n=10, seed=0):
    """A smooth non-convex problem: regression with the Cauchy loss,
    f(x) = 1/m sum_i ln(1 + r_i^2), r = A x - b, with b = A x_true exactly.

    ln(1 + r^2) has second derivative 2 (1 - r^2)/(1 + r^2)^2 in [-1/4, 2], so f is
    L-smooth with L = 2 lambda_max(A^T A)/m but concave along directions where residuals
    are large. f >= 0 with equality only at x_true: x* = x_true, f* = 0. The start x0 lies
    at distance about 10 from x* (residuals about 10 >> 1), in the non-convex region.
    A is m x n (n unknowns); `seed`: a seed or a Generator for A, x_true and x0.
    Returns a `Problem`; lecture L8's smooth (non-convex) row is measured on it.

    >>> p = robust_regression(30, 3)
    >>> float(p(p.x_star)), bool(p.hess(p.x0).trace() < p.hess(p.x_star).trace())
    (0.0, True)
    """
    m, n = _check_size("m", m, 1, "robust_regression"), _check_size("n", n, 1, "robust_regression")
    rng = _rng(seed)
    A = rng.standard_normal((m, n))
    x_true = rng.standard_normal(n)
    b = A @ x_true

    def f(x):
        r = gnp.dot(A, x) - b
        return gnp.mean(gnp.log1p(r * r))

    def grad(x):
        r = A @ x - b
        return A.T @ (2 * r / (1 + r * r)) / m

    def hess(x):
        r = A @ x - b
        return (A.T * (2 * (1 - r * r) / (1 + r * r) ** 2)) @ A / m

    x0 = x_true + 10 * rng.standard_normal(n) / _np.sqrt(n)  # residuals about 10 whatever n is
    return Problem(f"robust_regression(m={m}, n={n})", f, n, grad=grad, hess=hess, x_star=x_true,
                   f_star=0.0, L=2 * _extreme_eigs(A.T @ A)[0] / m, x0=x0,
                   data={"A": A, "b": b})
