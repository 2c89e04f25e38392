"""gradkit.scipy.stats: log-densities of common distributions, differentiable in the data
and in the parameters (scipy.stats' names and signatures, as plain functions on classes
used as namespaces).

    import gradkit.scipy.stats as stats
    stats.norm.logpdf(x, loc, scale)

Each is a short formula over gradkit.numpy and gradkit.scipy.special, so all derivatives
come from those. Outside a distribution's support the log-density is -inf (derivative 0),
as in SciPy.
"""
import numpy as _np

from .. import numpy as np
from ..numpy import linalg as _linalg
from . import special as _sp

__all__ = ["norm", "multivariate_normal", "t", "poisson", "beta", "gamma", "dirichlet"]

_LOG_2PI = _np.log(2 * _np.pi)


def _inside(condition, value):
    """value where condition holds, -inf elsewhere (the log-density outside the support)."""
    return np.where(condition, value, -_np.inf)


class norm:
    """The normal distribution N(loc, scale^2)."""

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


class multivariate_normal:
    """The multivariate normal N(mean, cov), through the Cholesky factor of cov."""

    @staticmethod
    def logpdf(x, mean=None, cov=1, allow_singular=False):
        """log N(x; mean, cov) for x of shape (..., d); returns shape (...), squeezed as SciPy does.
        cov may be a (d, d) matrix, a vector (its diagonal) or a scalar (times the identity)."""
        if allow_singular:
            raise NotImplementedError("gradkit's multivariate_normal.logpdf needs a positive definite cov "
                                      "(allow_singular=True is not supported)")
        d = _dimension(mean, cov, x)
        mean = np.zeros(d) if mean is None else np.reshape(mean, (d,))
        cov = _as_matrix(cov, d)
        x = np.reshape(x, np.shape(x) + (1,)) if d == 1 and np.shape(x)[-1:] != (1,) else x
        batch = np.shape(x)[:-1]
        dev = np.reshape(x - mean, (-1, d))
        chol = _linalg.cholesky(cov)
        z = _linalg.solve_triangular(chol, dev.T, lower=True)              # L^{-1} (x - mean)
        maha = np.sum(z * z, axis=0)
        log_det = 2.0 * np.sum(np.log(np.diagonal(chol)))
        out = np.reshape(-0.5 * (maha + log_det + d * _LOG_2PI), batch)
        return np.squeeze(out) if np.ndim(out) else out

    @staticmethod
    def pdf(x, mean=None, cov=1, allow_singular=False):
        return np.exp(multivariate_normal.logpdf(x, mean, cov, allow_singular))


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


class t:
    """Student's t distribution with df degrees of freedom."""

    @staticmethod
    def logpdf(x, df, loc=0.0, scale=1.0):
        z = (x - loc) / scale
        return (_sp.gammaln(0.5 * (df + 1.0)) - _sp.gammaln(0.5 * df) - 0.5 * np.log(df * _np.pi)
                - np.log(scale) - 0.5 * (df + 1.0) * np.log1p(z * z / df))

    @staticmethod
    def pdf(x, df, loc=0.0, scale=1.0):
        return np.exp(t.logpdf(x, df, loc, scale))


class poisson:
    """The Poisson distribution with mean mu (differentiable in mu; k is data)."""

    @staticmethod
    def logpmf(k, mu, loc=0):
        k = k - loc
        valid = np.logical_and(k >= 0, np.equal(np.floor(k), k))
        kk = np.where(valid, k, 0.0)
        return _inside(valid, _sp.xlogy(kk, mu) - mu - _sp.gammaln(kk + 1.0))

    @staticmethod
    def pmf(k, mu, loc=0):
        return np.exp(poisson.logpmf(k, mu, loc))


class beta:
    """The beta distribution on (loc, loc + scale) with shapes a, b."""

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


class gamma:
    """The gamma distribution with shape a (and scale `scale`)."""

    @staticmethod
    def logpdf(x, a, loc=0.0, scale=1.0):
        z = (x - loc) / scale
        inside = z >= 0
        zz = np.where(inside, z, 1.0)
        return _inside(inside, _sp.xlogy(a - 1.0, zz) - zz - _sp.gammaln(a) - np.log(scale))

    @staticmethod
    def pdf(x, a, loc=0.0, scale=1.0):
        return np.exp(gamma.logpdf(x, a, loc, scale))


class dirichlet:
    """The Dirichlet distribution with concentrations alpha (K,). As in SciPy, x has the
    components on its first axis, shape (K,) or (K, N), or K-1 of them (the last is
    1 - their sum)."""

    @staticmethod
    def logpdf(x, alpha):
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
        return np.exp(dirichlet.logpdf(x, alpha))
