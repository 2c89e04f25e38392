"""Zero-order gradient estimators: a gradient from values of f alone (lecture L6, L7).

Each estimator differences f along m directions v_j and sums the slopes back along them:

    G = (c / m) sum_j D_j v_j,   D_j = (f(x + eps v_j) - f(x - eps v_j)) / (2 eps)  (central)
                                 D_j = (f(x + eps v_j) - f(x)) / eps                 (forward)

"sphere": v_j uniform on the unit sphere, c = d (L6); "gaussian": v_j ~ N(0, I), c = 1;
"coordinate": v_j distinct coordinate axes, c = d; with all d axes (the default) this is
L7's estimator, i.e. central differences. Since E[c v v^T] = I, G is unbiased for the
gradient whenever the difference D_j is exact (quadratic f, central scheme), and its
variance, ||grad f||^2 times `variance_factor`, grows linearly in d: the curse of L8.
Costs: 2m evaluations of f (central) or m + 1 (forward).
"""
import warnings

import numpy as np

from .budget import Estimate, evaluate
from .finite_diff import SCHEMES, FiniteDifferenceWarning, _as_array, _bounds, _line_room, _steps

__all__ = ["zo_gradient", "variance_factor", "zo_bias_variance", "METHODS"]

METHODS = ("sphere", "gaussian", "coordinate")


def _directions(method, d, m, rng):
    """(m x d directions, the factor c with E[c v v^T] = I)."""
    if method == "sphere":
        V = rng.standard_normal((m, d))
        return V / np.linalg.norm(V, axis=1, keepdims=True), d
    if method == "gaussian":
        return rng.standard_normal((m, d)), 1
    if method == "coordinate":
        if m > d:
            raise ValueError(f"the coordinate estimator has only d = {d} axes to use, not n_dirs = {m}.")
        axes = np.arange(d) if m == d else rng.choice(d, size=m, replace=False)
        return np.eye(d)[axes], d
    raise ValueError(f"unknown zero-order estimator {method!r}; use one of {METHODS}.")


def zo_gradient(f, x, method="sphere", n_dirs=None, eps=None, scheme="central", rng=None, vectorized=False,
                bounds=None):
    """A zero-order estimate of the gradient of a scalar f at x, from 2 n_dirs evaluations of f
    (scheme "central") or n_dirs + 1 ("forward"), as an `Estimate` (lecture L6: the two-point
    spherical estimator; L7: "coordinate" with all d axes). Its `error` is the standard
    error of each component, measured from the spread of the m directions' terms (the
    estimator's own variance, `variance_factor` in theory); None where it cannot be
    measured: one direction, or all d coordinate axes (then the estimate is central
    differences and has no sampling error).

    Args:
        f: a scalar function of a real array x.
        x: the point.
        method: "sphere", "gaussian" or "coordinate" (see the module's docstring).
        n_dirs: the number m of directions averaged; default 1, and all d axes for
            "coordinate" (L7).
        eps: the difference step, default the scheme's finite-difference step times
            max(1, max|x|).
        scheme: "central" (2m evaluations) or "forward" (m + 1).
        rng: a seed or a numpy Generator (draws are reproducible either way).
        vectorized: f takes a stack of points on a leading axis; all points then go in one call.
        bounds: (lo, hi) for f's domain, as in `fd_jacobian`: a direction's step shrinks so
            that its points reach at most halfway to a bound.

    >>> f = lambda x: 0.5 * np.sum(x ** 2)          # gradient x
    >>> x = np.array([1.0, -2.0, 3.0])
    >>> est = zo_gradient(f, x, n_dirs=4, rng=0)
    >>> est.grad.shape, est.n_evals
    ((3,), 8)
    >>> np.round(zo_gradient(f, x, "coordinate").grad, 8)
    array([ 1., -2.,  3.])
    """
    x = _as_array(x)
    if np.iscomplexobj(x):
        raise ValueError("zero-order estimators need real x; use fd_gradient for complex x.")
    d = x.size
    if n_dirs is not None and (isinstance(n_dirs, bool) or not float(n_dirs).is_integer()):
        raise ValueError(f"n_dirs must be a whole number of directions (at least 1), got {n_dirs!r}.")
    m = int(n_dirs) if n_dirs is not None else (d if method == "coordinate" else 1)
    if m < 1:
        raise ValueError(f"n_dirs must be at least 1, got {m}.")
    if scheme not in ("central", "forward"):
        raise ValueError(f"zero-order estimators difference with scheme 'central' or 'forward', not {scheme!r}.")
    stencil = SCHEMES[scheme]
    V, c = _directions(method, d, m, np.random.default_rng(rng))
    if eps is None:
        eps = stencil.default_step() * max(1.0, float(np.max(np.abs(x), initial=0.0)))
    eps = np.full(m, float(_steps(eps, np.zeros(()), "eps")[0]))
    lo_hi = _bounds(bounds, x)
    if lo_hi is not None:   # each direction's step: at most halfway to a bound, both ways for central
        for j in range(m):
            down, up = _line_room(x, V[j], lo_hi)
            room = min(down, up) if scheme == "central" else up
            if not room > 0:
                raise ValueError(f"x is on the boundary of bounds and direction {j} leaves it; zero-order "
                                 "estimates need x inside the domain (or use fd_gradient, which goes one-sided).")
            eps[j] = min(eps[j], room / 2)
    moved = [(o, w) for o, w in zip(stencil.offsets, stencil.weights) if o != 0]
    w0 = sum(w for o, w in zip(stencil.offsets, stencil.weights) if o == 0)
    n = len(moved) * m
    xf = x.ravel()

    def point(k):
        if k == n:   # f(x), shared by all directions in the forward scheme
            return x
        i, j = divmod(k, m)
        return (xf + moved[i][0] * eps[j] * V[j]).reshape(x.shape)

    with np.errstate(all="ignore"):
        F, fc = evaluate(f, point, n + (w0 != 0), vectorized)
    if F.size != n + (w0 != 0):
        raise ValueError(f"zo_gradient needs a scalar f, but f returned shape {F.shape[1:]}.")
    F = F.reshape(-1)
    if not np.all(np.isfinite(F)):
        warnings.warn("f is not finite at some points of the zero-order estimate, so neither is the estimate; "
                      "pass bounds=(lo, hi) for f's domain or a smaller eps.", FiniteDifferenceWarning, stacklevel=2)
    D = np.array([w for _, w in moved]) @ F[:n].reshape(len(moved), m)
    if w0 != 0:
        D = D + w0 * F[n]
    terms = c * (D / eps)[:, None] * V          # one unbiased estimate per direction
    G = terms.mean(axis=0)
    error = None
    if method == "coordinate" and 1 <= m < d:   # m of d axes without replacement: E|G_i - g_i|^2 = (d/m - 1) g_i^2
        error = np.full(d, np.sqrt((d / m - 1) * np.mean((D / eps) ** 2)))
    elif method != "coordinate" and m >= 2:
        error = terms.std(axis=0, ddof=1) / np.sqrt(m)
    return Estimate(G.reshape(x.shape), fc.n_evals, fc.n_calls, method, float(eps.min()) if m else None,
                    None if error is None else error.reshape(x.shape))


def variance_factor(method, d, n_dirs=None):
    """E||G - grad f||^2 / ||grad f||^2 of the estimator `method` with exact differences (quadratic f,
    central scheme), in dimension d with m = n_dirs directions:
    (d - 1)/m for "sphere", (d + 1)/m for "gaussian", d/m - 1 for "coordinate" (0 with all axes).
    Returns a float; its growth in d is lecture L8's curse of dimensionality.

    >>> variance_factor("sphere", 100), variance_factor("coordinate", 100)
    (99.0, 0.0)
    """
    m = n_dirs if n_dirs is not None else (d if method == "coordinate" else 1)
    # E[c^2 (g.v)^2 ||v||^2] per direction: d ||g||^2 (sphere), (d + 2) ||g||^2 (Gaussian);
    # sampling m of d axes without replacement: (d/m) ||g||^2; subtract ||g||^2 for the variance
    second = {"sphere": (d - 1) / m + 1, "gaussian": (d + 1) / m + 1, "coordinate": d / m}[method]
    return float(second - 1)


def zo_bias_variance(problem, dims, n_dirs=(1,), method="sphere", n_samples=500, eps=None, scheme="central",
                     rng=0):
    """The empirical bias and variance of a zero-order estimator over dimensions and numbers
    of directions, for the lab's plots (lecture L6, L8).

    problem(d) -> (f, x, exact gradient); method, eps, scheme as for `zo_gradient`; rng: a
    seed or a Generator for all the draws. For each d in dims and m in n_dirs, n_samples
    independent estimates G_1..G_N give, relative to ||g||:
      bias     = ||mean G - g|| / ||g||     (noise alone gives about bias_se)
      bias_se  = sqrt(variance / N), the size of bias expected from sampling
      variance = mean ||G - mean G||^2 / ||g||^2   (theory: `variance_factor`)
    Returns a dict of arrays shaped (len(dims), len(n_dirs)), plus "dims", "n_dirs" and
    "theory".

    >>> quad = lambda d: (lambda x: 0.5 * x @ x, np.ones(d), np.ones(d))
    >>> s = zo_bias_variance(quad, [4, 16], n_samples=200)
    >>> s["variance"].shape, np.round(s["theory"], 1).tolist()
    ((2, 1), [[3.0], [15.0]])
    """
    gen = np.random.default_rng(rng)
    shape = (len(dims), len(n_dirs))
    out = {k: np.empty(shape) for k in ("bias", "bias_se", "variance", "theory")}
    for a, d in enumerate(dims):
        f, x, g = problem(d)
        g = np.asarray(g, dtype=float)
        norm2 = float(np.sum(g ** 2))
        for b, m in enumerate(n_dirs):
            G = np.stack([zo_gradient(f, x, method, m, eps, scheme, gen).grad for _ in range(n_samples)])
            mean = G.mean(axis=0)
            var = float(np.sum((G - mean) ** 2)) / (n_samples - 1) / norm2
            out["bias"][a, b] = np.sqrt(np.sum((mean - g) ** 2) / norm2)
            out["bias_se"][a, b] = np.sqrt(var / n_samples)
            out["variance"][a, b] = var
            out["theory"][a, b] = variance_factor(method, int(np.size(x)), m)
    out["dims"], out["n_dirs"] = np.asarray(dims), np.asarray(n_dirs)
    return out
