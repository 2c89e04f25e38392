"""gradkit.scipy.special: differentiable special functions, one declaration each.

Each pointwise derivative is written with gradkit's own functions (most of them special
functions of this module), so every order follows by nesting. SciPy's ufuncs called on
traced values dispatch here too (scipy.special.erf(x) with x traced runs gradkit's erf).
Orders of Bessel functions (v in iv, ive, jv, yv, kv, n in jn, yn) and n in polygamma are
not differentiable: their derivatives have no closed form (iv, jv...) or do not exist (n).
The incomplete gamma and beta functions differentiate in x; their shape parameters (a, b)
have no closed-form derivative, and differentiating in them raises MissingRuleError
naming the argument (no silent zero).
"""
import numpy as _np
import scipy.special as _sp

from ..core import MissingRuleError
from ..numpy.array import NUMPY_EQUIVALENTS as _NUMPY_EQUIVALENTS
from ..numpy.declare import elementwise, nondiff
from ..numpy.elementwise import document as _document, absolute, exp, log, log1p, logical_and, logical_or, sign, where
from ..numpy.reductions import logsumexp as _logsumexp, sum as _sum
from ..numpy.shape import squeeze

__all__ = ["expit", "log_expit", "logit", "logsumexp", "softmax", "log_softmax", "erf", "erfc", "erfcx",
           "erfinv", "erfcinv", "gammaln", "gamma", "rgamma", "digamma", "psi", "polygamma", "multigammaln",
           "beta", "betaln", "betainc", "gammainc", "gammaincc", "gammasgn", "stdtr", "xlogy", "xlog1py", "entr",
           "rel_entr", "kl_div", "log_ndtr", "ndtr", "ndtri",
           "i0", "i0e", "i1", "i1e", "iv", "ive", "jv", "yv", "kv", "jn", "yn", "j0", "j1", "y0", "y1"]

_SQRT_PI = _np.sqrt(_np.pi)
_LOG_SQRT_2PI = 0.5 * _np.log(2 * _np.pi)

# -- logistic -----------------------------------------------------------------------------
expit = elementwise(_sp.expit, lambda ans, x: ans * (1.0 - ans), reads=(("ans",),))
log_expit = elementwise(_sp.log_expit, lambda ans, x: expit(-x), reads=((0,),))  # stable for large |x|
logit = elementwise(_sp.logit, lambda ans, x: 1.0 / (x * (1.0 - x)), reads=((0,),))

# -- error functions and the normal distribution -------------------------------------------
erf = elementwise(_sp.erf, lambda ans, x: (2.0 / _SQRT_PI) * exp(-x * x), reads=((0,),))
erfc = elementwise(_sp.erfc, lambda ans, x: (-2.0 / _SQRT_PI) * exp(-x * x), reads=((0,),))
erfcx = elementwise(_sp.erfcx, lambda ans, x: 2.0 * x * ans - 2.0 / _SQRT_PI, reads=((0, "ans"),))  # exp(x^2) erfc(x)
erfinv = elementwise(_sp.erfinv, lambda ans, x: (_SQRT_PI / 2.0) * exp(ans * ans), reads=(("ans",),))
erfcinv = elementwise(_sp.erfcinv, lambda ans, x: (-_SQRT_PI / 2.0) * exp(ans * ans), reads=(("ans",),))
ndtr = elementwise(_sp.ndtr, lambda ans, x: exp(-0.5 * x * x - _LOG_SQRT_2PI), reads=((0,),))
# d/dx log Phi(x) = phi(x) / Phi(x), formed in logs: no overflow or 0/0 far in the left tail
log_ndtr = elementwise(_sp.log_ndtr, lambda ans, x: exp(-0.5 * x * x - _LOG_SQRT_2PI - ans), reads=((0, "ans"),))
ndtri = elementwise(_sp.ndtri, lambda ans, x: exp(0.5 * ans * ans + _LOG_SQRT_2PI), reads=(("ans",),))

# -- gamma and beta functions --------------------------------------------------------------
gammaln = elementwise(_sp.gammaln, lambda ans, x: digamma(x), reads=((0,),))
gamma = elementwise(_sp.gamma, lambda ans, x: ans * digamma(x), reads=((0, "ans"),))
rgamma = elementwise(_sp.rgamma, lambda ans, x: -ans * digamma(x), reads=((0, "ans"),))
digamma = elementwise(_sp.digamma, lambda ans, x: polygamma(1, x), reads=((0,),))
psi = digamma
polygamma = elementwise(_sp.polygamma, None, lambda ans, n, x: polygamma(n + 1, x), reads=((), (0, 1)))
beta = elementwise(_sp.beta, lambda ans, a, b: ans * (digamma(a) - digamma(a + b)),
                   lambda ans, a, b: ans * (digamma(b) - digamma(a + b)), reads=((0, 1, "ans"), (0, 1, "ans")))
betaln = elementwise(_sp.betaln, lambda ans, a, b: digamma(a) - digamma(a + b),
                     lambda ans, a, b: digamma(b) - digamma(a + b), reads=((0, 1), (0, 1)))

gammasgn = nondiff(_sp.gammasgn, name="gammasgn", broadcasting=True)  # piecewise constant: derivative 0


def _no_closed_form(function, argument):
    """The 'rule' of an argument whose derivative gradkit does not have: a clear error
    (a silent zero would be a wrong value)."""
    def rule(ans, *args):
        raise MissingRuleError(
            f"gradkit.scipy.special.{function} (and the distributions built on it): no derivative with respect "
            f"to {argument} (it has no closed form; only the derivative in x is implemented). Pass {argument} "
            f"as a constant, or wrap it in gradkit.stop_gradient if its derivative is not needed.")
    return rule


# -- incomplete gamma and beta functions: d/dx is the integrand, formed in logs ------------------
def _gamma_density(a, x):
    """x^(a-1) e^-x / Gamma(a): d gammainc(a, x) / dx (1 at x = 0 for a = 1)."""
    return exp(xlogy(a - 1.0, x) - x - gammaln(a))


gammainc = elementwise(_sp.gammainc, _no_closed_form("gammainc", "a"), lambda ans, a, x: _gamma_density(a, x),
                       reads=((), (0, 1)))
gammaincc = elementwise(_sp.gammaincc, _no_closed_form("gammaincc", "a"), lambda ans, a, x: -_gamma_density(a, x),
                        reads=((), (0, 1)))
# d/dx I_x(a, b) = x^(a-1) (1-x)^(b-1) / B(a, b)
betainc = elementwise(_sp.betainc, _no_closed_form("betainc", "a"), _no_closed_form("betainc", "b"),
                      lambda ans, a, b, x: exp(xlogy(a - 1.0, x) + xlog1py(b - 1.0, -x) - betaln(a, b)),
                      reads=((), (), (0, 1, 2)))



def _t_density(df, t):
    """The density of Student's t with df degrees of freedom: d stdtr(df, t) / dt."""
    return exp(gammaln(0.5 * (df + 1.0)) - gammaln(0.5 * df) - 0.5 * log(df * _np.pi)
               - 0.5 * (df + 1.0) * log1p(t * t / df))


stdtr = elementwise(_sp.stdtr, _no_closed_form("stdtr", "df"), lambda ans, df, t: _t_density(df, t),
                    reads=((), (0, 1)))


def multigammaln(a, d):
    """log of the multivariate gamma function, sum_j gammaln(a + (1 - j)/2) + d(d-1)/4 log(pi).

    Differentiable in ``a`` in both modes, to any order (d/da = sum_j digamma(a + (1 - j)/2));
    ``d`` is a static integer. Returns log Gamma_d(a), traced when ``a`` is.

    >>> import gradkit as gk, gradkit.scipy.special as sp, scipy.special
    >>> float(gk.grad(lambda a: sp.multigammaln(a, 1))(3.0)) == float(scipy.special.digamma(3.0))   # d = 1: gammaln
    True
    """
    return sum(gammaln(a + 0.5 * (1 - j)) for j in range(1, d + 1)) + 0.25 * d * (d - 1) * _np.log(_np.pi)


# -- x log y and entropies -----------------------------------------------------------------
# xlogy(0, y) is 0 for every y, so its derivative in y is 0 there (no 0/0 at y = 0); the
# denominators are made safe before dividing so that no NaN reaches higher derivatives
xlogy = elementwise(_sp.xlogy, lambda ans, x, y: log(y), lambda ans, x, y: x / where(x == 0, 1.0, y),
                    reads=((1,), (0, 1)))
xlog1py = elementwise(_sp.xlog1py, lambda ans, x, y: log1p(y), lambda ans, x, y: x / where(x == 0, 1.0, 1.0 + y),
                      reads=((1,), (0, 1)))


def _entr_deriv(ans, x):
    # -(log x + 1) for x > 0; +inf at 0 (the one-sided limit); 0 for x < 0, where entr is -inf
    inside = x > 0
    return where(inside, -(log(where(inside, x, 1.0)) + 1.0), where(x == 0, _np.inf, 0.0))


entr = elementwise(_sp.entr, _entr_deriv, reads=((0,),))


def _entropy_parts(x, y):
    inside = logical_and(x > 0, y > 0)
    return inside, where(inside, x, 1.0), where(inside, y, 1.0)


def _rel_entr_dx(ans, x, y):
    inside, xs, ys = _entropy_parts(x, y)
    return where(inside, log(xs / ys) + 1.0, where(logical_and(x == 0, y > 0), -_np.inf, 0.0))


def _rel_entr_dy(ans, x, y):
    inside, xs, ys = _entropy_parts(x, y)
    return where(inside, -xs / ys, 0.0)


# x log(x/y) on x > 0, y > 0; 0 at x = 0; inf elsewhere (constant there: derivative 0)
rel_entr = elementwise(_sp.rel_entr, _rel_entr_dx, _rel_entr_dy, reads=((0, 1), (0, 1)))
kl_div = elementwise(_sp.kl_div, lambda ans, x, y: _rel_entr_dx(ans, x, y) - where(_entropy_parts(x, y)[0], 1.0, 0.0),
                     lambda ans, x, y: _rel_entr_dy(ans, x, y) + where(logical_or(_entropy_parts(x, y)[0], x == 0), 1.0, 0.0),
                     reads=((0, 1), (0, 1)))

# -- Bessel functions: derivatives in x by the recurrences ---------------------------------
iv = elementwise(_sp.iv, None, lambda ans, v, x: 0.5 * (iv(v - 1, x) + iv(v + 1, x)), reads=((), (0, 1)))
ive = elementwise(_sp.ive, None, lambda ans, v, x: 0.5 * (ive(v - 1, x) + ive(v + 1, x)) - sign(x) * ans,
                  reads=((), (0, 1, "ans")))
i0 = elementwise(_sp.i0, lambda ans, x: i1(x), reads=((0,),))
i1 = elementwise(_sp.i1, lambda ans, x: 0.5 * (i0(x) + iv(2, x)), reads=((0,),))
i0e = elementwise(_sp.i0e, lambda ans, x: i1e(x) - sign(x) * ans, reads=((0, "ans"),))
i1e = elementwise(_sp.i1e, lambda ans, x: 0.5 * (i0e(x) + ive(2, x)) - sign(x) * ans, reads=((0, "ans"),))
jv = elementwise(_sp.jv, None, lambda ans, v, x: 0.5 * (jv(v - 1, x) - jv(v + 1, x)), reads=((), (0, 1)))
yv = elementwise(_sp.yv, None, lambda ans, v, x: 0.5 * (yv(v - 1, x) - yv(v + 1, x)), reads=((), (0, 1)))
jn = jv  # SciPy's jn is jv
yn = elementwise(_sp.yn, None, lambda ans, n, x: 0.5 * (yn(n - 1, x) - yn(n + 1, x)), reads=((), (0, 1)))
kv = elementwise(_sp.kv, None, lambda ans, v, x: -0.5 * (kv(v - 1, x) + kv(v + 1, x)), reads=((), (0, 1)))
j0 = elementwise(_sp.j0, lambda ans, x: -j1(x), reads=((0,),))
j1 = elementwise(_sp.j1, lambda ans, x: 0.5 * (j0(x) - jv(2, x)), reads=((0,),))
y0 = elementwise(_sp.y0, lambda ans, x: -y1(x), reads=((0,),))
y1 = elementwise(_sp.y1, lambda ans, x: 0.5 * (y0(x) - yv(2, x)), reads=((0,),))


# -- log-sum-exp and softmax (stable for inputs of any size) ----------------------------------
def logsumexp(a, axis=None, b=None, keepdims=False, return_sign=False):
    """scipy.special.logsumexp: log(sum(b * exp(a), axis)), without overflow. As in SciPy, a
    negative sum gives nan unless return_sign=True, which returns (log|sum|, its sign); a
    zero sum gives -inf with sign 0.

    >>> import gradkit, gradkit.scipy.special as sp, gradkit.numpy as np
    >>> gradkit.grad(sp.logsumexp)(np.array([1000.0, 1000.0]))
    array([0.5, 0.5])
    """
    if b is None:
        out = _logsumexp(a, axis=axis, keepdims=keepdims)
        return (out, _unit_sign(out)) if return_sign else out
    # log|sum b exp(a - m)| + m; the result does not depend on the shift m, so m is a constant
    m = _shift(a, axis)
    total = _sum(b * exp(a - m), axis=axis, keepdims=True)
    with _np.errstate(divide="ignore"):  # a zero sum is -inf, as in SciPy
        out = log(absolute(total)) + m
    if not keepdims:
        out = squeeze(out, axis=axis)
        total = squeeze(total, axis=axis)
    if return_sign:
        return out, sign(total)
    return where(total < 0, _np.nan, out)


_unit_sign = nondiff(lambda out: _np.where(_np.isneginf(out), 0.0, 1.0), name="logsumexp_sign", broadcasting=True)


def _shift_impl(a, axis):
    m = _np.max(a, axis=axis, keepdims=True)
    return _np.where(_np.isfinite(m), m, 0.0)


_shift = nondiff(_shift_impl, name="logsumexp_shift")


def softmax(x, axis=None):
    """scipy.special.softmax: exp(x - logsumexp(x)), stable for large inputs.

    Differentiable in ``x`` in both modes, to any order: d s_i / dx_j = s_i (delta_ij - s_j).
    Returns the probabilities over ``axis``, traced when ``x`` is.

    >>> import gradkit as gk, gradkit.numpy as np, gradkit.scipy.special as sp
    >>> x = np.array([0.0, np.log(3.0)])
    >>> sp.softmax(x)
    array([0.25, 0.75])
    >>> gk.jacobian(sp.softmax)(x)   # diag(s) - s s^T
    array([[ 0.1875, -0.1875],
           [-0.1875,  0.1875]])
    """
    return exp(x - _logsumexp(x, axis=axis, keepdims=True))


def log_softmax(x, axis=None):
    """scipy.special.log_softmax: x - logsumexp(x), stable for large inputs.

    Differentiable in ``x`` in both modes, to any order: d/dx_j log s_i = delta_ij - s_j.
    Returns the log-probabilities over ``axis``, traced when ``x`` is.

    >>> import gradkit as gk, gradkit.numpy as np, gradkit.scipy.special as sp
    >>> gk.grad(lambda x: sp.log_softmax(x)[0])(np.array([0.0, np.log(3.0)]))   # e_0 - s
    array([ 0.75, -0.75])
    """
    return x - _logsumexp(x, axis=axis, keepdims=True)


def _register_scipy_equivalents():
    """scipy.special's ufuncs called on traced values run ours."""
    for name in __all__:
        theirs = getattr(_sp, name, None)
        if isinstance(theirs, _np.ufunc):
            _NUMPY_EQUIVALENTS[theirs] = globals()[name]


_register_scipy_equivalents()


# -- docstrings: one template (gradkit.numpy.elementwise.document); each example checks the
# derivative against its closed form or SciPy's own functions (tests/test_docstrings.py runs them)
_SETUP = "import gradkit as gk, gradkit.numpy as np, gradkit.scipy.special as sp, scipy.special"
for _name, (_derivative, _example, _result) in {
    'expit': ('in x: d/dx = expit(x) (1 - expit(x))',
        'float(gk.grad(sp.expit)(0.0))',
        '0.25'),
    'log_expit': ('in x: d/dx = expit(-x) (stable for large |x|)',
        'float(gk.grad(sp.log_expit)(0.0))',
        '0.5'),
    'logit': ('in x: d/dx = 1 / (x (1 - x))',
        'float(gk.grad(sp.logit)(0.5))',
        '4.0'),
    'erf': ('in x: d/dx = 2 / sqrt(pi) exp(-x^2)',
        'bool(np.isclose(gk.grad(sp.erf)(0.0), 2 / np.sqrt(np.pi)))',
        'True'),
    'erfc': ('in x: d/dx = -2 / sqrt(pi) exp(-x^2)',
        'bool(np.isclose(gk.grad(sp.erfc)(0.0), -2 / np.sqrt(np.pi)))',
        'True'),
    'erfcx': ('in x: d/dx = 2 x erfcx(x) - 2 / sqrt(pi)',
        'bool(np.isclose(gk.grad(sp.erfcx)(1.0), 2 * scipy.special.erfcx(1.0) - 2 / np.sqrt(np.pi)))',
        'True'),
    'erfinv': ('in x: d/dx = sqrt(pi) / 2 exp(erfinv(x)^2)',
        'bool(np.isclose(gk.grad(sp.erfinv)(0.0), np.sqrt(np.pi) / 2))',
        'True'),
    'erfcinv': ('in x: d/dx = -sqrt(pi) / 2 exp(erfcinv(x)^2)',
        'bool(np.isclose(gk.grad(sp.erfcinv)(1.0), -np.sqrt(np.pi) / 2))',
        'True'),
    'ndtr': ('in x: d/dx = exp(-x^2 / 2) / sqrt(2 pi), the normal density',
        'bool(np.isclose(gk.grad(sp.ndtr)(0.0), 1 / np.sqrt(2 * np.pi)))',
        'True'),
    'log_ndtr': ('in x: d/dx = phi(x) / Phi(x), formed in logs (no overflow far in the left tail)',
        'bool(np.isclose(gk.grad(sp.log_ndtr)(0.0), 2 / np.sqrt(2 * np.pi)))   # phi(0) / (1/2)',
        'True'),
    'ndtri': ('in x: d/dx = sqrt(2 pi) exp(ndtri(x)^2 / 2), one over the normal density at the quantile',
        'bool(np.isclose(gk.grad(sp.ndtri)(0.5), np.sqrt(2 * np.pi)))',
        'True'),
    'gammaln': ('in x: d/dx = digamma(x)',
        'bool(np.isclose(gk.grad(sp.gammaln)(1.0), -np.euler_gamma))',
        'True'),
    'gamma': ('in x: d/dx = gamma(x) digamma(x)',
        'bool(np.isclose(gk.grad(sp.gamma)(2.0), 1 - np.euler_gamma))',
        'True'),
    'rgamma': ('in x: d/dx = -rgamma(x) digamma(x)',
        'bool(np.isclose(gk.grad(sp.rgamma)(1.0), np.euler_gamma))',
        'True'),
    'digamma': ('in x: d/dx = polygamma(1, x)',
        'bool(np.isclose(gk.grad(sp.digamma)(1.0), np.pi ** 2 / 6))',
        'True'),
    'polygamma': ('in x: d/dx polygamma(n, x) = polygamma(n + 1, x); the order n has no derivative',
        'bool(np.isclose(gk.grad(lambda x: sp.polygamma(1, x))(1.0), -2 * scipy.special.zeta(3)))',
        'True'),
    'beta': ('in a and b: d/da = beta(a, b) (digamma(a) - digamma(a + b)), and the same in b',
        '[float(d) for d in gk.grad(sp.beta, argnums=(0, 1))(1.0, 1.0)]',
        '[-1.0, -1.0]'),
    'betaln': ('in a and b: d/da = digamma(a) - digamma(a + b), and the same in b',
        '[float(d) for d in gk.grad(sp.betaln, argnums=(0, 1))(1.0, 1.0)]',
        '[-1.0, -1.0]'),
    'betainc': ('in x: d/dx = x^(a-1) (1 - x)^(b-1) / B(a, b); differentiating in a or b raises MissingRuleError (no closed form)',
        'float(gk.grad(lambda x: sp.betainc(2.0, 1.0, x))(0.25))',
        '0.5'),
    'gammainc': ('in x: d/dx = x^(a-1) exp(-x) / gamma(a); differentiating in a raises MissingRuleError (no closed form)',
        'float(gk.grad(lambda x: sp.gammainc(1.0, x))(0.0))',
        '1.0'),
    'gammaincc': ('in x: d/dx = -x^(a-1) exp(-x) / gamma(a); differentiating in a raises MissingRuleError (no closed form)',
        'float(gk.grad(lambda x: sp.gammaincc(1.0, x))(0.0))',
        '-1.0'),
    'stdtr': ("in t: d/dt = the density of Student's t; differentiating in df raises MissingRuleError (no closed form)",
        'bool(np.isclose(gk.grad(lambda t: sp.stdtr(1.0, t))(0.0), 1 / np.pi))   # Cauchy',
        'True'),
    'xlogy': ('in x and y: d/dx = log(y), d/dy = x / y (0 where x = 0)',
        '[float(d) for d in gk.grad(sp.xlogy, argnums=(0, 1))(2.0, 1.0)]',
        '[0.0, 2.0]'),
    'xlog1py': ('in x and y: d/dx = log1p(y), d/dy = x / (1 + y) (0 where x = 0)',
        '[float(d) for d in gk.grad(sp.xlog1py, argnums=(0, 1))(2.0, 0.0)]',
        '[0.0, 2.0]'),
    'entr': ('in x: d/dx = -(log(x) + 1) for x > 0 (+inf at 0, 0 below)',
        'float(gk.grad(sp.entr)(1.0))',
        '-1.0'),
    'rel_entr': ('in x and y: d/dx = log(x / y) + 1, d/dy = -x / y on x, y > 0',
        '[float(d) for d in gk.grad(sp.rel_entr, argnums=(0, 1))(1.0, 1.0)]',
        '[1.0, -1.0]'),
    'kl_div': ('in x and y: d/dx = log(x / y), d/dy = 1 - x / y on x, y > 0',
        '[float(d) for d in gk.grad(sp.kl_div, argnums=(0, 1))(1.0, 2.0)]',
        '[-0.6931471805599453, 0.5]'),
    'i0': ('in x: d/dx = i1(x)',
        'bool(np.isclose(gk.grad(sp.i0)(1.0), scipy.special.i1(1.0)))',
        'True'),
    'i0e': ('in x: d/dx = i1e(x) - sign(x) i0e(x)',
        'bool(np.isclose(gk.grad(sp.i0e)(1.0), scipy.special.i1e(1.0) - scipy.special.i0e(1.0)))',
        'True'),
    'i1': ('in x: d/dx = (i0(x) + iv(2, x)) / 2',
        'bool(np.isclose(gk.grad(sp.i1)(1.0), (scipy.special.i0(1.0) + scipy.special.iv(2, 1.0)) / 2))',
        'True'),
    'i1e': ('in x: d/dx = (i0e(x) + ive(2, x)) / 2 - sign(x) i1e(x)',
        'bool(np.isclose(gk.grad(sp.i1e)(1.0), (scipy.special.i0e(1.0) + scipy.special.ive(2, 1.0)) / 2 - scipy.special.i1e(1.0)))',
        'True'),
    'iv': ('in x: d/dx iv(v, x) = (iv(v - 1, x) + iv(v + 1, x)) / 2; the order v has no derivative',
        'bool(np.isclose(gk.grad(lambda x: sp.iv(1.5, x))(2.0), (scipy.special.iv(0.5, 2.0) + scipy.special.iv(2.5, 2.0)) / 2))',
        'True'),
    'ive': ('in x: d/dx ive(v, x) = (ive(v - 1, x) + ive(v + 1, x)) / 2 - sign(x) ive(v, x); the order v has no derivative',
        'bool(np.isclose(gk.grad(lambda x: sp.ive(1.5, x))(2.0), (scipy.special.ive(0.5, 2.0) + scipy.special.ive(2.5, 2.0)) / 2 - scipy.special.ive(1.5, 2.0)))',
        'True'),
    'jv': ('in x: d/dx jv(v, x) = (jv(v - 1, x) - jv(v + 1, x)) / 2; the order v has no derivative',
        'bool(np.isclose(gk.grad(lambda x: sp.jv(1.5, x))(2.0), (scipy.special.jv(0.5, 2.0) - scipy.special.jv(2.5, 2.0)) / 2))',
        'True'),
    'yv': ('in x: d/dx yv(v, x) = (yv(v - 1, x) - yv(v + 1, x)) / 2; the order v has no derivative',
        'bool(np.isclose(gk.grad(lambda x: sp.yv(1.5, x))(2.0), (scipy.special.yv(0.5, 2.0) - scipy.special.yv(2.5, 2.0)) / 2))',
        'True'),
    'yn': ('in x: d/dx yn(n, x) = (yn(n - 1, x) - yn(n + 1, x)) / 2; the integer order n has no derivative',
        'bool(np.isclose(gk.grad(lambda x: sp.yn(2, x))(2.0), (scipy.special.yn(1, 2.0) - scipy.special.yn(3, 2.0)) / 2))',
        'True'),
    'kv': ('in x: d/dx kv(v, x) = -(kv(v - 1, x) + kv(v + 1, x)) / 2; the order v has no derivative',
        'bool(np.isclose(gk.grad(lambda x: sp.kv(1.5, x))(2.0), -(scipy.special.kv(0.5, 2.0) + scipy.special.kv(2.5, 2.0)) / 2))',
        'True'),
    'j0': ('in x: d/dx = -j1(x)',
        'bool(np.isclose(gk.grad(sp.j0)(2.0), -scipy.special.j1(2.0)))',
        'True'),
    'j1': ('in x: d/dx = (j0(x) - jv(2, x)) / 2',
        'bool(np.isclose(gk.grad(sp.j1)(2.0), (scipy.special.j0(2.0) - scipy.special.jv(2, 2.0)) / 2))',
        'True'),
    'y0': ('in x: d/dx = -y1(x)',
        'bool(np.isclose(gk.grad(sp.y0)(2.0), -scipy.special.y1(2.0)))',
        'True'),
    'y1': ('in x: d/dx = (y0(x) - yv(2, x)) / 2',
        'bool(np.isclose(gk.grad(sp.y1)(2.0), (scipy.special.y0(2.0) - scipy.special.yv(2, 2.0)) / 2))',
        'True'),
}.items():
    _document(globals()[_name], _derivative, _example, _result, library="scipy.special", setup=_SETUP)
