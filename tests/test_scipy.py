"""gradkit.scipy: special functions, linear algebra, distributions and convolution. Values
equal SciPy's; derivatives in both modes to second order (check_grads), stacked matrices
included; logsumexp/softmax stay exact at inputs of 1e3 and beyond."""
import zlib

import numpy as onp
import pytest
import scipy.linalg
import scipy.signal
import scipy.special
import scipy.stats

import gradkit as gk
import gradkit.numpy as np
import gradkit.scipy.linalg as gsl
import gradkit.scipy.signal as gss
import gradkit.scipy.special as gsp
import gradkit.scipy.stats as gst


def _rng(key):
    """A generator seeded by the key (stable across runs, unlike hash() of a string)."""
    return onp.random.default_rng(zlib.crc32(repr(key).encode()))


def _check(fn, *args):
    gk.check_grads(fn, modes=("fwd", "rev"), order=2)(*args)


def _assert_values(ours, theirs, rtol=1e-10, atol=1e-12):
    for a, b in zip(gk.core.tree_flatten(ours)[0], gk.core.tree_flatten(theirs)[0]):
        onp.testing.assert_allclose(a, b, rtol=rtol, atol=atol)


# -- special functions: (name, domain of each argument) ------------------------------------------
UNARY = [("expit", (-3, 3)), ("log_expit", (-3, 3)), ("logit", (0.1, 0.9)), ("erf", (-2, 2)), ("erfc", (-2, 2)),
         ("erfcx", (-1, 3)), ("erfinv", (-0.9, 0.9)), ("erfcinv", (0.1, 1.9)), ("gammaln", (0.5, 4)),
         ("gamma", (0.5, 3)), ("rgamma", (0.5, 3)), ("digamma", (0.5, 4)), ("psi", (0.5, 4)),
         ("log_ndtr", (-6, 3)), ("ndtr", (-3, 3)), ("ndtri", (0.05, 0.95)), ("entr", (0.1, 2)),
         ("i0", (-2, 2)), ("i1", (-2, 2)), ("i0e", (0.2, 2)), ("i1e", (0.2, 2)), ("j0", (0.5, 4)),
         ("j1", (0.5, 4)), ("y0", (0.5, 4)), ("y1", (0.5, 4))]
BINARY = [("beta", (0.5, 3), (0.5, 3)), ("betaln", (0.5, 3), (0.5, 3)), ("xlogy", (-2, 2), (0.2, 3)),
          ("xlog1py", (-2, 2), (-0.5, 3)), ("rel_entr", (0.1, 2), (0.1, 2)), ("kl_div", (0.1, 2), (0.1, 2))]
ORDERED = ["polygamma", "iv", "ive", "jv", "yv", "kv"]  # f(order, x): differentiable in x


@pytest.mark.parametrize("name, dom", UNARY, ids=[u[0] for u in UNARY])
def test_unary_special(name, dom):
    x = _rng(name).uniform(*dom, size=(2, 3))
    _assert_values(getattr(gsp, name)(x), getattr(scipy.special, name)(x))
    _check(getattr(gsp, name), x)


@pytest.mark.parametrize("name, dx, dy", BINARY, ids=[b[0] for b in BINARY])
def test_binary_special_broadcasting(name, dx, dy):
    rng = _rng(name)
    x, y = rng.uniform(*dx, size=(2, 3)), rng.uniform(*dy, size=(3,))
    _assert_values(getattr(gsp, name)(x, y), getattr(scipy.special, name)(x, y))
    _check(getattr(gsp, name), x, y)


@pytest.mark.parametrize("name", ORDERED)
def test_order_argument_functions(name):
    order = onp.array([0, 1, 2]) if name == "polygamma" else onp.array([0.0, 1.5, 2.0])
    x = _rng(name).uniform(0.5, 3.0, size=(2, 3))
    _assert_values(getattr(gsp, name)(order, x), getattr(scipy.special, name)(order, x))
    _check(lambda x: getattr(gsp, name)(order, x), x)


def test_multigammaln():
    a = onp.array([2.5, 3.0])
    _assert_values(gsp.multigammaln(a, 3), scipy.special.multigammaln(a, 3))
    _check(lambda a: gsp.multigammaln(a, 3), a)


@pytest.mark.filterwarnings("ignore:invalid value:RuntimeWarning")  # 0 * inf inside, masked by where
def test_xlogy_at_zero_has_no_nan():
    g = gk.grad(lambda y: np.sum(gsp.xlogy(onp.array([0.0, 2.0]), y)))(onp.array([0.0, 1.0]))
    onp.testing.assert_allclose(g, [0.0, 2.0])
    h = gk.hessian(lambda x: np.sum(gsp.entr(x)))(onp.array([0.5, 0.0, -1.0]))
    assert not onp.any(onp.isnan(h))


LSE_KW = [{}, dict(axis=0), dict(axis=1, keepdims=True), dict(axis=(0, 1)), dict(axis=-1)]


@pytest.mark.parametrize("kw", LSE_KW, ids=str)
def test_logsumexp(kw):
    rng = _rng(str(kw))
    x, b = rng.standard_normal((3, 4)), rng.uniform(0.5, 2.0, (3, 4))
    _assert_values(gsp.logsumexp(x, **kw), scipy.special.logsumexp(x, **kw))
    _assert_values(gsp.logsumexp(x, b=b, **kw), scipy.special.logsumexp(x, b=b, **kw))
    _check(lambda x: gsp.logsumexp(x, **kw), x)
    _check(lambda x, b: gsp.logsumexp(x, b=b, **kw), x, b)


def test_logsumexp_signed_weights():
    x, b = _rng("signed").standard_normal((3, 4)), onp.array([1.0, -0.5, 2.0, -0.3])
    ours, sign = gsp.logsumexp(x, axis=1, b=b, return_sign=True)
    _assert_values((ours, sign), scipy.special.logsumexp(x, axis=1, b=b, return_sign=True))
    _check(lambda x: gsp.logsumexp(x, axis=1, b=b), x)


@pytest.mark.parametrize("axis", [None, 0, 1])
def test_softmax_and_log_softmax(axis):
    x = _rng(axis).standard_normal((3, 4))
    _assert_values(gsp.softmax(x, axis), scipy.special.softmax(x, axis))
    _assert_values(gsp.log_softmax(x, axis), scipy.special.log_softmax(x, axis))
    _check(lambda x: gsp.softmax(x, axis), x)
    _check(lambda x: gsp.log_softmax(x, axis), x)


def test_stable_at_large_inputs():
    big = onp.array([1000.0, 1001.0, -1000.0, 1e4])
    assert gsp.logsumexp(big) == 1e4
    onp.testing.assert_array_equal(gk.grad(gsp.logsumexp)(big), [0.0, 0.0, 0.0, 1.0])
    x = onp.array([1000.0, 1000.0 + onp.log(3.0)])
    onp.testing.assert_allclose(gk.grad(gsp.logsumexp)(x), [0.25, 0.75], rtol=1e-12)
    onp.testing.assert_allclose(gk.hessian(gsp.logsumexp)(x), [[0.1875, -0.1875], [-0.1875, 0.1875]], rtol=1e-12)
    onp.testing.assert_allclose(gsp.softmax(x), [0.25, 0.75], rtol=1e-12)
    onp.testing.assert_allclose(gk.jacrev(gsp.log_softmax)(x), [[0.75, -0.75], [-0.25, 0.25]], rtol=1e-12)
    onp.testing.assert_allclose(gk.grad(lambda x: gsp.logsumexp(x, b=onp.array([1.0, 3.0])))(x), [0.1, 0.9],
                                rtol=1e-12)
    assert onp.isfinite(gk.grad(lambda x: gsp.log_ndtr(x))(-40.0))


def test_scipy_special_ufuncs_dispatch_to_gradkit():
    x = onp.array([0.3, -0.2])
    onp.testing.assert_allclose(gk.grad(lambda x: onp.sum(scipy.special.erf(x)))(x), 2 / onp.sqrt(onp.pi) * onp.exp(-x * x))


# -- distributions ----------------------------------------------------------------------------
def _positive(key, shape, lo=0.1, hi=3.0):
    return _rng(key).uniform(lo, hi, shape)


STATS = [
    ("norm.logpdf", gst.norm.logpdf, scipy.stats.norm.logpdf, lambda: (_rng(1).standard_normal(5), 0.3, 1.7)),
    ("norm.pdf", gst.norm.pdf, scipy.stats.norm.pdf, lambda: (_rng(2).standard_normal(5), 0.3, 1.7)),
    ("norm.cdf", gst.norm.cdf, scipy.stats.norm.cdf, lambda: (_rng(3).standard_normal(5), -0.2, 0.7)),
    ("norm.logcdf", gst.norm.logcdf, scipy.stats.norm.logcdf, lambda: (_rng(4).standard_normal(5) * 3, 0.1, 0.9)),
    ("t.logpdf", gst.t.logpdf, scipy.stats.t.logpdf, lambda: (_rng(5).standard_normal(5), 3.5, 0.2, 1.3)),
    ("poisson.logpmf", lambda mu: gst.poisson.logpmf(onp.array([0.0, 1, 3, 7]), mu),
     lambda mu: scipy.stats.poisson.logpmf(onp.array([0.0, 1, 3, 7]), mu), lambda: (_positive(6, (4,), 0.5, 4),)),
    ("beta.logpdf", gst.beta.logpdf, scipy.stats.beta.logpdf, lambda: (_positive(7, (4,), 0.1, 0.9), 2.5, 1.5)),
    ("gamma.logpdf", gst.gamma.logpdf, scipy.stats.gamma.logpdf, lambda: (_positive(8, (4,)), 2.5, 0.05, 1.5)),
    ("dirichlet.logpdf", gst.dirichlet.logpdf, scipy.stats.dirichlet.logpdf,
     lambda: (_rng(9).dirichlet([1.0, 2.0, 3.0], size=4).T, onp.array([1.5, 2.0, 3.0]))),
    ("dirichlet.logpdf one", gst.dirichlet.logpdf, scipy.stats.dirichlet.logpdf,
     lambda: (onp.array([0.2, 0.3, 0.5]), onp.array([1.5, 2.0, 3.0]))),
    ("multivariate_normal.logpdf", lambda x, m, c: gst.multivariate_normal.logpdf(x, m, 0.5 * (c + c.T)),
     scipy.stats.multivariate_normal.logpdf,
     lambda: (_rng(10).standard_normal((4, 3)), _rng(11).standard_normal(3), _spd((3, 3), 12))),
    ("multivariate_normal.logpdf one", lambda x, m, c: gst.multivariate_normal.logpdf(x, m, 0.5 * (c + c.T)),
     scipy.stats.multivariate_normal.logpdf,
     lambda: (_rng(13).standard_normal(3), _rng(14).standard_normal(3), _spd((3, 3), 15))),
    ("multivariate_normal.logpdf diag", lambda x, c: gst.multivariate_normal.logpdf(x, onp.zeros(2), c),
     lambda x, c: scipy.stats.multivariate_normal.logpdf(x, onp.zeros(2), c),
     lambda: (_rng(16).standard_normal((5, 2)), onp.array([0.5, 2.0]))),
]


def _spd(shape, key):
    x = _rng(key).standard_normal(shape)
    return x @ onp.swapaxes(x, -1, -2) + 3.0 * onp.eye(shape[-1])


@pytest.mark.parametrize("name, ours, theirs, make", STATS, ids=[s[0] for s in STATS])
def test_distributions(name, ours, theirs, make):
    args = tuple(onp.asarray(a, dtype=float) for a in make())
    _assert_values(ours(*args), theirs(*args))
    _check(ours, *args)


def test_outside_the_support_is_minus_infinity():
    _assert_values(gst.poisson.logpmf(onp.array([1.5, -1.0, 2.0]), 2.0),
                   scipy.stats.poisson.logpmf([1.5, -1.0, 2.0], 2.0))
    _assert_values(gst.beta.logpdf(onp.array([0.0, 1.0, 0.5, 2.0]), 1.0, 3.0),
                   scipy.stats.beta.logpdf([0.0, 1.0, 0.5, 2.0], 1.0, 3.0))
    _assert_values(gst.gamma.logpdf(onp.array([0.0, -1.0, 1.0]), 2.0), scipy.stats.gamma.logpdf([0.0, -1.0, 1.0], 2.0))
    assert gk.grad(lambda mu: gst.poisson.logpmf(1.5, mu))(2.0) == 0.0


# -- linear algebra ---------------------------------------------------------------------------
def _well(shape, key):
    return _rng(key).standard_normal(shape) + 3.0 * onp.eye(shape[-1])


def _sym_spd(x):
    return x @ np.swapaxes(x, -1, -2) + 3.0 * onp.eye(np.shape(x)[-1])


LINALG = [
    ("solve_triangular", lambda a, b: gsl.solve_triangular(a, b, lower=True),
     lambda a, b: scipy.linalg.solve_triangular(a, b, lower=True), [(3, 3), (3, 2)]),
    ("solve_triangular T unit", lambda a, b: gsl.solve_triangular(a, b, trans="T", unit_diagonal=True),
     lambda a, b: scipy.linalg.solve_triangular(a, b, trans="T", unit_diagonal=True), [(3, 3), (3,)]),
    ("solve_triangular stack", lambda a, b: gsl.solve_triangular(a, b, lower=True),
     lambda a, b: scipy.linalg.solve_triangular(a, b, lower=True), [(2, 3, 3), (2, 3, 2)]),
    ("cho_factor", lambda a: gsl.cho_factor(_sym_spd(a))[0],
     lambda a: scipy.linalg.cho_factor(_sym_spd(a))[0], [(3, 3)]),
    ("cho_factor lower", lambda a: gsl.cho_factor(_sym_spd(a), lower=True)[0],
     lambda a: scipy.linalg.cho_factor(_sym_spd(a), lower=True)[0], [(3, 3)]),
    ("cho_solve", lambda a, b: gsl.cho_solve(gsl.cho_factor(_sym_spd(a)), b),
     lambda a, b: scipy.linalg.cho_solve(scipy.linalg.cho_factor(_sym_spd(a)), b), [(3, 3), (3, 2)]),
    ("cho_solve lower stack", lambda a, b: gsl.cho_solve(gsl.cho_factor(_sym_spd(a), lower=True), b),
     lambda a, b: scipy.linalg.cho_solve(scipy.linalg.cho_factor(_sym_spd(a), lower=True), b), [(2, 3, 3), (2, 3, 1)]),
    ("lu_factor", lambda a: gsl.lu_factor(a)[0], lambda a: scipy.linalg.lu_factor(a)[0], [(4, 4)]),
    ("lu_factor stack", lambda a: gsl.lu_factor(a)[0], lambda a: scipy.linalg.lu_factor(a)[0], [(2, 3, 3)]),
    ("lu_solve", lambda a, b: gsl.lu_solve(gsl.lu_factor(a), b),
     lambda a, b: scipy.linalg.lu_solve(scipy.linalg.lu_factor(a), b), [(4, 4), (4,)]),
    ("lu_solve T", lambda a, b: gsl.lu_solve(gsl.lu_factor(a), b, trans=1),
     lambda a, b: scipy.linalg.lu_solve(scipy.linalg.lu_factor(a), b, trans=1), [(4, 4), (4, 2)]),
    ("lu", lambda a: gsl.lu(a), lambda a: scipy.linalg.lu(a), [(4, 4)]),
    ("expm", gsl.expm, scipy.linalg.expm, [(3, 3)]),
    ("expm stack", gsl.expm, scipy.linalg.expm, [(2, 3, 3)]),
    ("expm_frechet", gsl.expm_frechet, scipy.linalg.expm_frechet, [(3, 3), (3, 3)]),
    ("sqrtm", gsl.sqrtm, scipy.linalg.sqrtm, [(3, 3)]),
    ("sqrtm stack", gsl.sqrtm, scipy.linalg.sqrtm, [(2, 3, 3)]),
    ("logm", gsl.logm, scipy.linalg.logm, [(3, 3)]),
    ("logm stack", gsl.logm, scipy.linalg.logm, [(2, 3, 3)]),
    ("solve_sylvester", gsl.solve_sylvester, scipy.linalg.solve_sylvester, [(3, 3), (2, 2), (3, 2)]),
    ("block_diag", gsl.block_diag, scipy.linalg.block_diag, [(2, 3), (2,), ()]),
    ("solve pos", lambda a, b: gsl.solve(_sym_spd(a), b, assume_a="pos"),
     lambda a, b: scipy.linalg.solve(_sym_spd(a), b, assume_a="pos"), [(3, 3), (3, 2)]),
    ("solve sym", lambda a, b: gsl.solve(a, b, assume_a="sym"),
     lambda a, b: scipy.linalg.solve(a, b, assume_a="sym"), [(3, 3), (3,)]),
    ("solve transposed", lambda a, b: gsl.solve(a, b, transposed=True),
     lambda a, b: scipy.linalg.solve(a, b, transposed=True), [(3, 3), (3, 2)]),
    ("inv", gsl.inv, scipy.linalg.inv, [(3, 3)]),
    ("det", gsl.det, scipy.linalg.det, [(3, 3)]),
    ("cholesky", lambda a: gsl.cholesky(_sym_spd(a)), lambda a: scipy.linalg.cholesky(_sym_spd(a)), [(3, 3)]),
    ("eigh", lambda a: gsl.eigh(a + a.T, eigvals_only=True),
     lambda a: scipy.linalg.eigh(a + a.T, eigvals_only=True), [(3, 3)]),
    ("svd", lambda a: gsl.svd(a, full_matrices=False), lambda a: scipy.linalg.svd(a, full_matrices=False), [(4, 3)]),
    ("qr economic", lambda a: gsl.qr(a, mode="economic"), lambda a: scipy.linalg.qr(a, mode="economic"), [(4, 3)]),
    ("qr r", lambda a: gsl.qr(a, mode="r"), lambda a: scipy.linalg.qr(a, mode="r"), [(4, 3)]),
    ("norm", lambda a: gsl.norm(a, 2), lambda a: scipy.linalg.norm(a, 2), [(3, 4)]),
]


def _linalg_args(name, shapes):
    rng = _rng(name)
    args = []
    for s in shapes:
        x = rng.standard_normal(s)
        if len(s) >= 2 and s[-1] == s[-2]:
            x = x + 3.0 * onp.eye(s[-1])  # well conditioned, eigenvalues away from the negative axis
        args.append(x)
    return args


@pytest.mark.parametrize("name, ours, theirs, shapes", LINALG, ids=[c[0] for c in LINALG])
def test_scipy_linalg(name, ours, theirs, shapes):
    args = _linalg_args(name, shapes)
    _assert_values(ours(*args), theirs(*(onp.asarray(a) for a in args)), rtol=1e-8, atol=1e-10)
    _check(ours, *args)


def test_expm_derivative_is_the_frechet_derivative():
    A, E = _well((3, 3), 20) - 3 * onp.eye(3), _rng(21).standard_normal((3, 3))
    _, tangent = gk.jvp(gsl.expm, (A,), (E,))
    onp.testing.assert_allclose(tangent, scipy.linalg.expm_frechet(A, E, compute_expm=False), rtol=1e-10)


def test_lu_solve_of_a_singular_matrix_raises():
    with pytest.warns(scipy.linalg.LinAlgWarning):  # SciPy's own warning, as for scipy.linalg.lu_factor
        packed, piv = gsl.lu_factor(onp.array([[1.0, 2.0], [2.0, 4.0]]))
    with pytest.raises(onp.linalg.LinAlgError, match="Singular"):
        gsl.lu_solve((packed, piv), onp.ones(2))


# -- convolution ------------------------------------------------------------------------------
@pytest.mark.parametrize("mode", ["full", "same", "valid"])
@pytest.mark.parametrize("shapes", [((5,), (3,)), ((3,), (5,))], ids=["long-short", "short-long"])
def test_numpy_convolve(mode, shapes):
    rng = _rng(mode + str(shapes))
    a, v = rng.standard_normal(shapes[0]), rng.standard_normal(shapes[1])
    _assert_values(np.convolve(a, v, mode), onp.convolve(a, v, mode))
    _check(lambda a, v: np.convolve(a, v, mode), a, v)


@pytest.mark.parametrize("mode", ["full", "same", "valid"])
@pytest.mark.parametrize("fn", ["convolve", "correlate"])
def test_scipy_signal(fn, mode):
    rng = _rng(fn + mode)
    a, v = rng.standard_normal((4, 5)), rng.standard_normal((2, 3))
    _assert_values(getattr(gss, fn)(a, v, mode), getattr(scipy.signal, fn)(a, v, mode))
    _check(lambda a, v: getattr(gss, fn)(a, v, mode), a, v)


def test_complex_convolution():
    rng = _rng("complex")
    a = rng.standard_normal(4) + 1j * rng.standard_normal(4)
    v = rng.standard_normal(3) + 1j * rng.standard_normal(3)
    _check(lambda a, v: gss.correlate(a, v, "same"), a, v)
