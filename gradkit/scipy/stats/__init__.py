"""gradkit.scipy.stats: log-densities of common distributions, differentiable in the data
and in the parameters (scipy.stats' names and signatures, as plain functions on classes
used as namespaces).

    import gradkit.scipy.stats as stats
    stats.norm.logpdf(x, loc, scale)

Each is a short formula over gradkit.numpy and gradkit.scipy.special, so all derivatives
come from those. Outside a distribution's support the log-density is -inf (derivative 0),
as in SciPy. The cdfs of gamma, chi2, beta and t differentiate in x, loc and scale; their
shape parameters (a, b, df) have no closed-form derivative there, and differentiating in
them raises MissingRuleError naming the argument (their densities and entropies
differentiate in everything).
"""
import inspect

import numpy as _np

from ... import numpy as np
from ...core.trace import concrete
from ...numpy.declare import nondiff, shape_of
from ...numpy import linalg as _linalg
from .. import special as _sp

__all__ = ["norm", "multivariate_normal", "t", "chi2", "poisson", "beta", "gamma", "dirichlet"]

_LOG_2PI = _np.log(2 * _np.pi)
_LOG_2PI_E = _LOG_2PI + 1.0


def _log(p):
    """log of a probability; log 0 is -inf without a warning, as in SciPy."""
    with _np.errstate(divide="ignore"):
        return np.log(p)


def _spread(value, loc):
    """An entropy (independent of loc) with the shape it broadcasts to with loc, as SciPy's."""
    return value + _np.zeros(shape_of(loc))


def _inside(condition, value):
    """value where condition holds, -inf elsewhere (the log-density outside the support)."""
    return np.where(condition, value, -_np.inf)


# -- the docstrings of the univariate continuous families, from one template ------------------------
# (what the method computes, how its example checks gradkit's derivative against SciPy's own functions)
_METHODS = {
    "logpdf": ("the log-density log f(x)", "x", "a central difference of SciPy's logpdf",
               "(ref.logpdf(x + 1e-6{s}) - ref.logpdf(x - 1e-6{s})) / 2e-6"),
    "pdf": ("the density f(x)", "x", "a central difference of SciPy's pdf",
            "(ref.pdf(x + 1e-6{s}) - ref.pdf(x - 1e-6{s})) / 2e-6"),
    "cdf": ("the distribution function P(X <= x)", "x", "d cdf / dx = pdf", "ref.pdf(x{s})"),
    "logcdf": ("log P(X <= x), -inf below the support", "x", "d logcdf / dx = pdf / cdf",
               "ref.pdf(x{s}) / ref.cdf(x{s})"),
    "sf": ("the survival function P(X > x) = 1 - cdf", "x", "d sf / dx = -pdf", "-ref.pdf(x{s})"),
    "logsf": ("log P(X > x)", "x", "d logsf / dx = -pdf / sf", "-ref.pdf(x{s}) / ref.sf(x{s})"),
    "ppf": ("the quantile function, the inverse of cdf", "q", "d ppf / dq = 1 / pdf(ppf(q))",
            "1 / ref.pdf(ref.ppf(q{s}){s})"),
}


def _documented(point, shapes=(), cdf_shapes_differentiable=True):
    """A class decorator: each method of a univariate continuous family gets its docstring
    from _METHODS, with an example at x = point (and the shape parameters `shapes`) that
    checks gradkit's derivative against SciPy's functions; entropy's checks d/dscale = 1/scale."""
    def decorate(cls):
        name = cls.__name__
        shape_names = [p for p in inspect.signature(cls.logpdf).parameters if p not in ("x", "loc", "scale")]
        args = "".join(f", {v!r}" for v in shapes)
        for method, (what, var, claim, reference) in _METHODS.items():
            f = cls.__dict__.get(method)
            if f is None:
                continue
            signature = f"{name}.{method}{inspect.signature(f.__func__)}"
            where = "x, loc and scale" if var == "x" else "q, loc and scale"
            if shape_names and method not in ("logpdf", "pdf") and not cdf_shapes_differentiable:
                rule = (f"Differentiable in {where} in both modes, to any order; differentiating in\n    "
                        f"{' and '.join(shape_names)} raises MissingRuleError (no closed-form derivative).")
            else:
                rule = "Differentiable in every argument in both modes, to any order."
            at = 0.3 if var == "q" else point
            f.__func__.__doc__ = f"""``scipy.stats.{signature}``: {what}.

    {rule}
    Returns what SciPy returns, traced when an argument is.

    >>> import gradkit as gk, gradkit.numpy as np, gradkit.scipy.stats as stats, scipy.stats
    >>> ref, {var} = scipy.stats.{name}, {at!r}
    >>> d = gk.grad(lambda {var}: stats.{name}.{method}({var}{args}))({var})
    >>> bool(np.isclose(d, {reference.format(s=args)}, rtol=1e-6))   # {claim}
    True
    """
        entropy = cls.__dict__["entropy"].__func__
        entropy.__doc__ = f"""``scipy.stats.{name}.entropy{inspect.signature(entropy)}``: the differential entropy.

    Differentiable in every argument in both modes, to any order (it grows by log(scale)).
    Returns what SciPy returns, traced when an argument is.

    >>> import gradkit as gk, gradkit.scipy.stats as stats, scipy.stats
    >>> float(gk.grad(lambda s: stats.{name}.entropy({args[2:] + ", " if args else ""}scale=s))(2.0))   # 1 / scale
    0.5
    >>> bool(abs(stats.{name}.entropy({args[2:]}) - scipy.stats.{name}.entropy({args[2:]})) < 1e-12)
    True
    """
        return cls
    return decorate


@_documented(point=0.5)
class norm:
    """The normal distribution N(loc, scale^2).

    >>> import gradkit as gk, gradkit.scipy.stats as stats
    >>> gk.grad(lambda m: stats.norm.logpdf(2.0, m))(0.5)   # d/dloc = (x - loc) / scale^2
    np.float64(1.5)
    """

    @staticmethod
    def logpdf(x, loc=0.0, scale=1.0):
        """>>> import gradkit, gradkit.scipy.stats as stats
        >>> float(gradkit.grad(stats.norm.logpdf)(1.0))
        -1.0
        """
        z = (x - loc) / scale
        return -0.5 * z * z - np.log(scale) - 0.5 * _LOG_2PI

    @staticmethod
    def pdf(x, loc=0.0, scale=1.0):
        return np.exp(norm.logpdf(x, loc, scale))

    @staticmethod
    def cdf(x, loc=0.0, scale=1.0):
        return _sp.ndtr((x - loc) / scale)

    @staticmethod
    def logcdf(x, loc=0.0, scale=1.0):
        return _sp.log_ndtr((x - loc) / scale)

    @staticmethod
    def sf(x, loc=0.0, scale=1.0):
        return _sp.ndtr((loc - x) / scale)

    @staticmethod
    def logsf(x, loc=0.0, scale=1.0):
        return _sp.log_ndtr((loc - x) / scale)

    @staticmethod
    def ppf(q, loc=0.0, scale=1.0):
        return loc + scale * _sp.ndtri(q)

    @staticmethod
    def entropy(loc=0.0, scale=1.0):
        return _spread(0.5 * _LOG_2PI_E + np.log(scale), loc)


class multivariate_normal:
    """The multivariate normal N(mean, cov), through the Cholesky factor of cov; with
    allow_singular=True, through its eigenvalues and pseudo-inverse (as SciPy: eigenvalues
    at most 1e6 eps times the largest count as zero, x off the support has log-density
    -inf), differentiable where the rank does not change.

    >>> import gradkit as gk, gradkit.numpy as np, gradkit.scipy.stats as stats
    >>> gk.grad(lambda x: stats.multivariate_normal.logpdf(x, np.zeros(2), 2.0 * np.eye(2)))(np.array([1.0, 2.0]))
    array([-0.5, -1. ])
    """

    @staticmethod
    def logpdf(x, mean=None, cov=1, allow_singular=False):
        """log N(x; mean, cov) for x of shape (..., d); returns shape (...), squeezed as SciPy does.
        cov may be a (d, d) matrix, a vector (its diagonal) or a scalar (times the identity).

        Differentiable in x, mean and cov in both modes, to any order: d/dx = -cov^{-1} (x - mean).

        >>> import gradkit as gk, gradkit.numpy as np, gradkit.scipy.stats as stats
        >>> gk.grad(lambda m: stats.multivariate_normal.logpdf(np.array([1.0, 2.0]), m, 2.0))(np.zeros(2))
        array([0.5, 1. ])
        """
        d = _dimension(mean, cov, x)
        mean = np.zeros(d) if mean is None else np.reshape(mean, (d,))
        cov = _as_matrix(cov, d)
        x = np.reshape(x, np.shape(x) + (1,)) if d == 1 and np.shape(x)[-1:] != (1,) else x
        batch = np.shape(x)[:-1]
        dev = np.reshape(x - mean, (-1, d))
        if allow_singular:
            log_pdet, rank, pinv = _pseudo_parts(cov)
            maha = np.sum(np.matmul(dev, pinv) * dev, axis=1)
            out = _inside(_on_support(dev, cov), -0.5 * (maha + log_pdet + rank * _LOG_2PI))
        else:
            chol = _linalg.cholesky(cov)
            z = _linalg.solve_triangular(chol, dev.T, lower=True)              # L^{-1} (x - mean)
            maha = np.sum(z * z, axis=0)
            out = -0.5 * (maha + 2.0 * np.sum(np.log(np.diagonal(chol))) + d * _LOG_2PI)
        out = np.reshape(out, batch)
        return np.squeeze(out) if np.ndim(out) else out

    @staticmethod
    def pdf(x, mean=None, cov=1, allow_singular=False):
        """N(x; mean, cov), the exponential of logpdf (same arguments and derivatives).

        >>> import gradkit as gk, gradkit.numpy as np, gradkit.scipy.stats as stats, scipy.stats
        >>> x, cov = np.array([1.0, 2.0]), 2.0 * np.eye(2)
        >>> d = gk.grad(lambda x: stats.multivariate_normal.pdf(x, np.zeros(2), cov))(x)
        >>> bool(np.allclose(d, scipy.stats.multivariate_normal.pdf(x, np.zeros(2), cov) * -x / 2.0))
        True
        """
        return np.exp(multivariate_normal.logpdf(x, mean, cov, allow_singular))

    @staticmethod
    def entropy(mean=None, cov=1, allow_singular=False):
        """0.5 (rank (1 + log 2 pi) + log pdet cov), rank d unless cov is singular.

        Differentiable in cov in both modes, to any order: d/dcov = cov^{-1} / 2.

        >>> import gradkit as gk, gradkit.numpy as np, gradkit.scipy.stats as stats
        >>> round(float(gk.grad(lambda c: stats.multivariate_normal.entropy(np.zeros(2), c))(2.0)), 12)  # d log(c^2) / 2
        0.5
        """
        d = _dimension(mean, cov, np.zeros(1))
        cov = _as_matrix(cov, d)
        if allow_singular:
            log_pdet, rank, _ = _pseudo_parts(cov)
            return 0.5 * (rank * _LOG_2PI_E + log_pdet)
        chol = _linalg.cholesky(cov)
        return 0.5 * (d * _LOG_2PI_E) + np.sum(np.log(np.diagonal(chol)))


def _singular_cutoff_impl(w):
    """SciPy's cutoff below which an eigenvalue of a covariance counts as zero."""
    cutoff = 1e6 * _np.finfo(float).eps * _np.max(_np.abs(w), axis=-1, keepdims=True)
    if _np.any(w < -cutoff):
        raise ValueError("multivariate_normal: cov must be positive semi-definite (it has a negative eigenvalue)")
    return cutoff


_singular_cutoff = nondiff(_singular_cutoff_impl, name="mvn_singular_cutoff")


def _pseudo_parts(cov):
    """(log pseudo-determinant, rank, pseudo-inverse) of a positive semi-definite cov."""
    w = _linalg.eigvalsh(cov)
    cutoff = _singular_cutoff(w)
    keep = w > cutoff
    log_pdet = np.sum(np.where(keep, np.log(np.where(keep, w, 1.0)), 0.0), axis=-1)
    return log_pdet, np.sum(keep, axis=-1), _linalg.pinv(cov, rcond=1e6 * _np.finfo(float).eps, hermitian=True)


def _on_support_impl(dev, cov):
    # x - mean must have no component along cov's null space (SciPy's test and tolerance)
    w, v = _np.linalg.eigh(cov)
    cutoff = _singular_cutoff_impl(w)
    return _np.linalg.norm(dev @ v[:, w <= cutoff], axis=-1) < cutoff


_on_support = nondiff(_on_support_impl, name="mvn_on_support")


def _dimension(mean, cov, x):
    if mean is not None and np.ndim(mean) > 0:
        return np.shape(mean)[-1]
    if np.ndim(cov) > 0:
        return np.shape(cov)[-1]
    return np.shape(x)[-1] if np.ndim(x) > 0 else 1


def _as_matrix(cov, d):
    if np.ndim(cov) == 0:
        return cov * _np.eye(d)
    if np.ndim(cov) == 1:
        return cov * _np.eye(d)  # the diagonal
    return cov


@_documented(point=0.5, shapes=(3.0,), cdf_shapes_differentiable=False)
class t:
    """Student's t distribution with df degrees of freedom.

    >>> import gradkit as gk, gradkit.scipy.stats as stats
    >>> gk.grad(lambda x: stats.t.logpdf(x, 3.0))(1.0)   # -(df + 1) x / (df + x^2)
    np.float64(-1.0)
    """

    @staticmethod
    def logpdf(x, df, loc=0.0, scale=1.0):
        z = (x - loc) / scale
        return (_sp.gammaln(0.5 * (df + 1.0)) - _sp.gammaln(0.5 * df) - 0.5 * np.log(df * _np.pi)
                - np.log(scale) - 0.5 * (df + 1.0) * np.log1p(z * z / df))

    @staticmethod
    def pdf(x, df, loc=0.0, scale=1.0):
        return np.exp(t.logpdf(x, df, loc, scale))

    @staticmethod
    def cdf(x, df, loc=0.0, scale=1.0):
        return _sp.stdtr(df, (x - loc) / scale)

    @staticmethod
    def logcdf(x, df, loc=0.0, scale=1.0):
        return _log(t.cdf(x, df, loc, scale))

    @staticmethod
    def sf(x, df, loc=0.0, scale=1.0):
        return _sp.stdtr(df, (loc - x) / scale)

    @staticmethod
    def logsf(x, df, loc=0.0, scale=1.0):
        return _log(t.sf(x, df, loc, scale))

    @staticmethod
    def entropy(df, loc=0.0, scale=1.0):
        half = 0.5 * (df + 1.0)
        return _spread(half * (_sp.digamma(half) - _sp.digamma(0.5 * df)) + 0.5 * np.log(df)
                       + _sp.betaln(0.5 * df, 0.5) + np.log(scale), loc)


class poisson:
    """The Poisson distribution with mean mu (differentiable in mu; k is data).

    >>> import gradkit as gk, gradkit.scipy.stats as stats
    >>> gk.grad(lambda mu: stats.poisson.logpmf(3, mu))(1.5)   # k / mu - 1
    np.float64(1.0)
    """

    @staticmethod
    def logpmf(k, mu, loc=0):
        """log P(K = k) = k log mu - mu - log k!, -inf off the support (k not a non-negative integer).

        Differentiable in mu in both modes, to any order: d/dmu = k / mu - 1 (k and loc are data).

        >>> import gradkit as gk, gradkit.numpy as np, gradkit.scipy.stats as stats, scipy.stats
        >>> float(stats.poisson.logpmf(2, 1.5)) == float(scipy.stats.poisson.logpmf(2, 1.5))
        True
        >>> gk.grad(lambda mu: stats.poisson.logpmf(2, mu))(1.5)   # 2 / 1.5 - 1
        np.float64(0.33333333333333326)
        """
        k = k - loc
        valid = np.logical_and(k >= 0, np.equal(np.floor(k), k))
        kk = np.where(valid, k, 0.0)
        return _inside(valid, _sp.xlogy(kk, mu) - mu - _sp.gammaln(kk + 1.0))

    @staticmethod
    def pmf(k, mu, loc=0):
        """P(K = k), the exponential of logpmf: d/dmu = pmf (k / mu - 1).

        >>> import gradkit as gk, gradkit.numpy as np, gradkit.scipy.stats as stats, scipy.stats
        >>> d = gk.grad(lambda mu: stats.poisson.pmf(2, mu))(1.5)
        >>> bool(np.isclose(d, scipy.stats.poisson.pmf(2, 1.5) * (2 / 1.5 - 1)))
        True
        """
        return np.exp(poisson.logpmf(k, mu, loc))

    @staticmethod
    def cdf(k, mu, loc=0):
        """P(K <= k) = Q(floor(k) + 1, mu), 0 below the support.

        Differentiable in mu in both modes, to any order: d/dmu = -pmf(floor(k), mu).

        >>> import gradkit as gk, gradkit.numpy as np, gradkit.scipy.stats as stats, scipy.stats
        >>> d = gk.grad(lambda mu: stats.poisson.cdf(2, mu))(1.5)
        >>> bool(np.isclose(d, -scipy.stats.poisson.pmf(2, 1.5)))
        True
        """
        k = np.floor(k - loc)
        valid = k >= 0
        return np.where(valid, _sp.gammaincc(np.where(valid, k, 0.0) + 1.0, mu), 0.0)

    @staticmethod
    def logcdf(k, mu, loc=0):
        """log P(K <= k): differentiable in mu in both modes, to any order (d/dmu = -pmf / cdf).

        >>> import gradkit as gk, gradkit.numpy as np, gradkit.scipy.stats as stats, scipy.stats
        >>> d = gk.grad(lambda mu: stats.poisson.logcdf(2, mu))(1.5)
        >>> bool(np.isclose(d, -scipy.stats.poisson.pmf(2, 1.5) / scipy.stats.poisson.cdf(2, 1.5)))
        True
        """
        return _log(poisson.cdf(k, mu, loc))

    @staticmethod
    def sf(k, mu, loc=0):
        """P(K > k) = P(floor(k) + 1, mu), 1 below the support.

        Differentiable in mu in both modes, to any order: d/dmu = pmf(floor(k), mu).

        >>> import gradkit as gk, gradkit.numpy as np, gradkit.scipy.stats as stats, scipy.stats
        >>> d = gk.grad(lambda mu: stats.poisson.sf(2, mu))(1.5)
        >>> bool(np.isclose(d, scipy.stats.poisson.pmf(2, 1.5)))
        True
        """
        k = np.floor(k - loc)
        valid = k >= 0
        return np.where(valid, _sp.gammainc(np.where(valid, k, 0.0) + 1.0, mu), 1.0)

    @staticmethod
    def logsf(k, mu, loc=0):
        """log P(K > k): differentiable in mu in both modes, to any order (d/dmu = pmf / sf).

        >>> import gradkit as gk, gradkit.numpy as np, gradkit.scipy.stats as stats, scipy.stats
        >>> d = gk.grad(lambda mu: stats.poisson.logsf(2, mu))(1.5)
        >>> bool(np.isclose(d, scipy.stats.poisson.pmf(2, 1.5) / scipy.stats.poisson.sf(2, 1.5)))
        True
        """
        return _log(poisson.sf(k, mu, loc))

    @staticmethod
    def entropy(mu, loc=0):
        """-sum_k p_k log p_k, summed to far beyond the mean (the tail left out is below 1e-40).

        Differentiable in mu in both modes, to any order (mu's value sets the number of terms).

        >>> import gradkit as gk, gradkit.numpy as np, gradkit.scipy.stats as stats, scipy.stats
        >>> d = gk.grad(stats.poisson.entropy)(1.5)
        >>> h = 1e-6
        >>> bool(np.isclose(d, (scipy.stats.poisson.entropy(1.5 + h) - scipy.stats.poisson.entropy(1.5 - h)) / (2 * h)))
        True
        """
        top = _np.max(concrete(mu, "poisson.entropy's number of terms", across_batch=True))
        ks = _np.arange(int(top + 30.0 * _np.sqrt(top) + 40.0))
        log_p = poisson.logpmf(_np.reshape(ks, (-1,) + (1,) * np.ndim(mu)), mu)
        return -np.sum(np.exp(log_p) * log_p, axis=0)


@_documented(point=0.3, shapes=(2.0, 3.0), cdf_shapes_differentiable=False)
class beta:
    """The beta distribution on (loc, loc + scale) with shapes a, b.

    >>> import gradkit as gk, gradkit.scipy.stats as stats
    >>> gk.grad(lambda x: stats.beta.logpdf(x, 2.0, 3.0))(0.5)   # (a - 1) / x - (b - 1) / (1 - x)
    np.float64(-2.0)
    """

    @staticmethod
    def logpdf(x, a, b, loc=0.0, scale=1.0):
        z = (x - loc) / scale
        inside = np.logical_and(z >= 0, z <= 1)
        zz = np.where(inside, z, 0.5)
        return _inside(inside, _sp.xlogy(a - 1.0, zz) + _sp.xlog1py(b - 1.0, -zz) - _sp.betaln(a, b)
                       - np.log(scale))

    @staticmethod
    def pdf(x, a, b, loc=0.0, scale=1.0):
        return np.exp(beta.logpdf(x, a, b, loc, scale))

    @staticmethod
    def cdf(x, a, b, loc=0.0, scale=1.0):
        z = (x - loc) / scale
        inside = np.logical_and(z > 0, z < 1)
        return np.where(inside, _sp.betainc(a, b, np.where(inside, z, 0.5)), np.where(z <= 0, 0.0, 1.0))

    @staticmethod
    def logcdf(x, a, b, loc=0.0, scale=1.0):
        return _log(beta.cdf(x, a, b, loc, scale))

    @staticmethod
    def sf(x, a, b, loc=0.0, scale=1.0):
        z = (x - loc) / scale
        inside = np.logical_and(z > 0, z < 1)
        return np.where(inside, _sp.betainc(b, a, 1.0 - np.where(inside, z, 0.5)), np.where(z <= 0, 1.0, 0.0))

    @staticmethod
    def logsf(x, a, b, loc=0.0, scale=1.0):
        return _log(beta.sf(x, a, b, loc, scale))

    @staticmethod
    def entropy(a, b, loc=0.0, scale=1.0):
        return _spread(_sp.betaln(a, b) - (a - 1.0) * _sp.digamma(a) - (b - 1.0) * _sp.digamma(b)
                       + (a + b - 2.0) * _sp.digamma(a + b) + np.log(scale), loc)


@_documented(point=1.5, shapes=(2.0,), cdf_shapes_differentiable=False)
class gamma:
    """The gamma distribution with shape a (and scale `scale`).

    >>> import gradkit as gk, gradkit.scipy.stats as stats
    >>> gk.grad(lambda x: stats.gamma.logpdf(x, 3.0))(1.0)   # (a - 1) / x - 1
    np.float64(1.0)
    """

    @staticmethod
    def logpdf(x, a, loc=0.0, scale=1.0):
        z = (x - loc) / scale
        inside = z >= 0
        zz = np.where(inside, z, 1.0)
        return _inside(inside, _sp.xlogy(a - 1.0, zz) - zz - _sp.gammaln(a) - np.log(scale))

    @staticmethod
    def pdf(x, a, loc=0.0, scale=1.0):
        return np.exp(gamma.logpdf(x, a, loc, scale))

    @staticmethod
    def cdf(x, a, loc=0.0, scale=1.0):
        z = (x - loc) / scale
        inside = z > 0
        return np.where(inside, _sp.gammainc(a, np.where(inside, z, 1.0)), 0.0)

    @staticmethod
    def logcdf(x, a, loc=0.0, scale=1.0):
        return _log(gamma.cdf(x, a, loc, scale))

    @staticmethod
    def sf(x, a, loc=0.0, scale=1.0):
        z = (x - loc) / scale
        inside = z > 0
        return np.where(inside, _sp.gammaincc(a, np.where(inside, z, 1.0)), 1.0)

    @staticmethod
    def logsf(x, a, loc=0.0, scale=1.0):
        return _log(gamma.sf(x, a, loc, scale))

    @staticmethod
    def entropy(a, loc=0.0, scale=1.0):
        return _spread(a + _sp.gammaln(a) + (1.0 - a) * _sp.digamma(a) + np.log(scale), loc)


@_documented(point=1.5, shapes=(3.0,), cdf_shapes_differentiable=False)
class chi2:
    """The chi-squared distribution with df degrees of freedom: gamma(df / 2, scale=2).

    >>> import gradkit as gk, gradkit.scipy.stats as stats
    >>> gk.grad(lambda x: stats.chi2.logpdf(x, 4.0))(1.0)   # (df / 2 - 1) / x - 1 / 2
    np.float64(0.5)
    """

    @staticmethod
    def logpdf(x, df, loc=0.0, scale=1.0):
        return gamma.logpdf(x, 0.5 * df, loc, 2.0 * scale)

    @staticmethod
    def pdf(x, df, loc=0.0, scale=1.0):
        return np.exp(chi2.logpdf(x, df, loc, scale))

    @staticmethod
    def cdf(x, df, loc=0.0, scale=1.0):
        return gamma.cdf(x, 0.5 * df, loc, 2.0 * scale)

    @staticmethod
    def logcdf(x, df, loc=0.0, scale=1.0):
        return gamma.logcdf(x, 0.5 * df, loc, 2.0 * scale)

    @staticmethod
    def sf(x, df, loc=0.0, scale=1.0):
        return gamma.sf(x, 0.5 * df, loc, 2.0 * scale)

    @staticmethod
    def logsf(x, df, loc=0.0, scale=1.0):
        return gamma.logsf(x, 0.5 * df, loc, 2.0 * scale)

    @staticmethod
    def entropy(df, loc=0.0, scale=1.0):
        return gamma.entropy(0.5 * df, loc, 2.0 * scale)


class dirichlet:
    """The Dirichlet distribution with concentrations alpha (K,). As in SciPy, x has the
    components on its first axis, shape (K,) or (K, N), or K-1 of them (the last is
    1 - their sum).

    >>> import gradkit as gk, gradkit.numpy as np, gradkit.scipy.stats as stats
    >>> gk.grad(lambda a: stats.dirichlet.logpdf(np.array([0.5, 0.5]), a))(np.array([1.0, 1.0]))   # log x_i + 1
    array([0.30685282, 0.30685282])
    """

    @staticmethod
    def logpdf(x, alpha):
        """log Dir(x; alpha) = sum (alpha_i - 1) log x_i - log B(alpha).

        Differentiable in x and alpha in both modes, to any order:
        d/dalpha_i = log x_i - digamma(alpha_i) + digamma(sum alpha).

        >>> import gradkit as gk, gradkit.numpy as np, gradkit.scipy.stats as stats, scipy.special as sp
        >>> x, alpha = np.array([0.2, 0.8]), np.array([2.0, 3.0])
        >>> d = gk.grad(lambda a: stats.dirichlet.logpdf(x, a))(alpha)
        >>> bool(np.allclose(d, np.log(x) - sp.digamma(alpha) + sp.digamma(alpha.sum())))
        True
        """
        k = np.shape(alpha)[0]
        if np.shape(x)[0] == k - 1:
            x = np.concatenate([x, 1.0 - np.sum(x, axis=0, keepdims=True)], axis=0)
        if np.shape(x)[0] != k:
            raise ValueError(f"dirichlet.logpdf: x has {np.shape(x)[0]} components on its first axis, "
                             f"alpha has {k}; pass x of shape (K,) or (K, N).")
        a = np.reshape(alpha, (k,) + (1,) * (np.ndim(x) - 1))
        log_norm = np.sum(_sp.gammaln(alpha)) - _sp.gammaln(np.sum(alpha))
        return np.sum(_sp.xlogy(a - 1.0, x), axis=0) - log_norm

    @staticmethod
    def pdf(x, alpha):
        """Dir(x; alpha), the exponential of logpdf (same arguments and derivatives).

        >>> import gradkit as gk, gradkit.numpy as np, gradkit.scipy.stats as stats
        >>> float(stats.dirichlet.pdf(np.array([0.2, 0.8]), np.array([1.0, 1.0])))   # uniform on the simplex
        1.0
        >>> gk.grad(lambda x: stats.dirichlet.pdf(x, np.array([2.0, 1.0])))(np.array([0.2, 0.8]))   # 2 x_0
        array([2., 0.])
        """
        return np.exp(dirichlet.logpdf(x, alpha))

    @staticmethod
    def rvs(alpha, size=1, random_state=None):
        """Samples, as SciPy's (no derivative: a draw is not a function of alpha here).

        >>> import gradkit.numpy as np, gradkit.scipy.stats as stats
        >>> stats.dirichlet.rvs(np.array([2.0, 3.0]), size=4, random_state=0).shape
        (4, 2)
        """
        import scipy.stats
        return scipy.stats.dirichlet.rvs(_np.asarray(concrete(alpha, "dirichlet.rvs's alpha")), size=size,
                                         random_state=random_state)

    @staticmethod
    def entropy(alpha):
        """The differential entropy of Dir(alpha): differentiable in alpha in both modes, to any order.

        >>> import gradkit as gk, gradkit.numpy as np, gradkit.scipy.stats as stats, scipy.stats
        >>> alpha, h = np.array([2.0, 3.0]), 1e-6
        >>> d = gk.grad(stats.dirichlet.entropy)(alpha)[0]
        >>> ref = scipy.stats.dirichlet.entropy
        >>> bool(np.isclose(d, (ref(alpha + [h, 0.0]) - ref(alpha - [h, 0.0])) / (2 * h)))
        True
        """
        total = np.sum(alpha)
        k = np.shape(alpha)[0]
        return (np.sum(_sp.gammaln(alpha)) - _sp.gammaln(total) + (total - k) * _sp.digamma(total)
                - np.sum((alpha - 1.0) * _sp.digamma(alpha)))
