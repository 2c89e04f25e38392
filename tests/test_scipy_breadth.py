"""gradkit.scipy beyond the spec table (tests/specs.py, its gradkit.scipy section, runs the
generic checks): the errors for derivatives that do not exist in closed form, the edges
of supports, singular covariances, odeint's adjoint on problems with known answers, and
autograd's convnet idiom against autograd's own gradients."""
import numpy as onp
import pytest
import scipy.integrate
import scipy.special
import scipy.stats

import gradkit as gk
import gradkit.numpy as np
import gradkit.scipy.integrate as gsi
import gradkit.scipy.linalg as gsl
import gradkit.scipy.signal as gss
import gradkit.scipy.special as gsp
import gradkit.scipy.stats as gst

RNG = onp.random.default_rng(13)


# -- derivatives with no closed form: a clear error naming the argument -------------------------
@pytest.mark.parametrize("call, argument", [
    (lambda a: gsp.gammainc(a, 1.5), "with respect to a"),
    (lambda a: gsp.gammaincc(a, 1.5), "with respect to a"),
    (lambda a: gsp.betainc(a, 2.0, 0.3), "with respect to a"),
    (lambda b: gsp.betainc(2.0, b, 0.3), "with respect to b"),
    (lambda df: gst.t.cdf(0.4, df), "with respect to df"),
    (lambda a: gst.gamma.cdf(0.4, a), "with respect to a"),
    (lambda df: gst.chi2.sf(0.4, df), "with respect to a"),
])
@pytest.mark.parametrize("mode", ["rev", "fwd"])
def test_shape_parameters_of_cdfs_raise(call, argument, mode):
    with pytest.raises(gk.MissingRuleError, match=argument):
        if mode == "rev":
            gk.grad(call)(2.5)
        else:
            gk.jvp(call, (2.5,), (1.0,))


def test_cdfs_still_differentiate_in_x_next_to_a_constant_shape():
    # d/dx gammainc(a, x) at a = 1 is e^-x; d/dx stdtr(1, x) is the Cauchy density
    onp.testing.assert_allclose(gk.grad(lambda x: gsp.gammainc(1.0, x))(0.7), onp.exp(-0.7), rtol=1e-14)
    onp.testing.assert_allclose(gk.grad(lambda x: gst.t.cdf(x, 1.0))(0.5), 1 / (onp.pi * 1.25), rtol=1e-14)
    # mixed second derivative d2/dx da exists although d/da does not
    h = gk.grad(lambda a: gk.grad(lambda x: gsp.gammainc(a, x))(0.7))(1.5)
    eps = 1e-5
    fd = (scipy.stats.gamma.pdf(0.7, 1.5 + eps) - scipy.stats.gamma.pdf(0.7, 1.5 - eps)) / (2 * eps)
    onp.testing.assert_allclose(h, fd, rtol=1e-7)


def test_order_of_bessel_functions_and_gammasgn():
    x = onp.array([0.5, 1.5, 2.5])
    onp.testing.assert_allclose(gsp.yn(2, x), scipy.special.yn(2, x), rtol=1e-14)
    onp.testing.assert_allclose(gsp.jn(3, x), scipy.special.jn(3, x), rtol=1e-14)
    g = onp.array([-1.5, -0.5, 0.5, 3.0])
    onp.testing.assert_array_equal(gsp.gammasgn(g), scipy.special.gammasgn(g))
    onp.testing.assert_array_equal(gk.grad(lambda g: np.sum(gsp.gammasgn(g) * g))(g), scipy.special.gammasgn(g))


# -- logsumexp's signs, zeros and unit shapes -----------------------------------------------------
def test_logsumexp_signs_and_zero_sums():
    a, b = onp.array([1.0, 2.0]), onp.array([1.0, -3.0])
    assert onp.isnan(gsp.logsumexp(a, b=b)) and onp.isnan(scipy.special.logsumexp(a, b=b))
    onp.testing.assert_allclose(gsp.logsumexp(a, b=b, return_sign=True), scipy.special.logsumexp(a, b=b, return_sign=True))
    onp.testing.assert_array_equal(gsp.logsumexp(onp.array([1.0, 1.0]), b=onp.array([1.0, -1.0]), return_sign=True),
                                   (-onp.inf, 0.0))
    onp.testing.assert_array_equal(gsp.logsumexp(onp.full(2, -onp.inf), return_sign=True), (-onp.inf, 0.0))
    # the derivative of log|sum b e^a| with a negative sum
    f = lambda a: gsp.logsumexp(a, b=b, return_sign=True)[0]  # noqa: E731
    gk.check_grads(f, modes=("fwd", "rev"), order=2)(a)


def test_logsumexp_of_shape_1_1():
    x = RNG.standard_normal((1, 3))
    out = gsp.logsumexp(x, axis=1, keepdims=True, b=onp.array([[0.5, 1.0, 2.0]]))
    assert out.shape == (1, 1)
    onp.testing.assert_allclose(out, scipy.special.logsumexp(x, axis=1, keepdims=True, b=onp.array([[0.5, 1.0, 2.0]])))
    g = gk.grad(lambda x: gsp.logsumexp(x, axis=1, keepdims=True)[0, 0])(x)
    onp.testing.assert_allclose(g, scipy.special.softmax(x), rtol=1e-14)


# -- distributions at the edges of their supports ---------------------------------------------------
def test_cdfs_outside_the_support():
    x = onp.array([-0.5, 0.0, 1.0, 1.5])
    for ours, theirs in [(gst.gamma.cdf(x, 2.0), scipy.stats.gamma.cdf(x, 2.0)),
                         (gst.beta.cdf(x, 2.0, 3.0), scipy.stats.beta.cdf(x, 2.0, 3.0)),
                         (gst.beta.sf(x, 2.0, 3.0), scipy.stats.beta.sf(x, 2.0, 3.0)),
                         (gst.chi2.logcdf(x, 3.0), scipy.stats.chi2.logcdf(x, 3.0)),
                         (gst.poisson.cdf(x - 0.5, 1.3), scipy.stats.poisson.cdf(x - 0.5, 1.3))]:
        onp.testing.assert_allclose(ours, theirs, rtol=1e-13)
    g = gk.grad(lambda mu: np.sum(gst.poisson.logcdf(onp.array([-1.0, 0.0, 2.0]), mu)))(1.3)
    assert onp.isfinite(g)
    g = gk.grad(lambda x: np.sum(gst.beta.cdf(x, 2.0, 3.0)))(x)
    onp.testing.assert_array_equal(g[[0, 3]], 0.0)


def test_t_cdf_broadcasts_over_df():
    x, df = onp.array([-1.0, 0.3, 2.0]), onp.array([[1.0], [2.5], [30.0]])
    onp.testing.assert_allclose(gst.t.logcdf(x, df), scipy.stats.t.logcdf(x, df), rtol=1e-13)
    jac = gk.jacobian(lambda x: gst.t.cdf(x, df))(x)
    onp.testing.assert_allclose(onp.einsum("kii->ki", jac.reshape(3, 3, 3)), scipy.stats.t.pdf(x, df), rtol=1e-12)


def _singular_case(d=3, r=1):
    a = RNG.standard_normal((d, r))
    z = RNG.standard_normal((4, r))
    mean = RNG.standard_normal(d)
    return a, z, mean


def test_singular_multivariate_normal_matches_scipy():
    a, z, mean = _singular_case()
    cov = a @ a.T
    x = mean + z @ a.T
    off = x + RNG.standard_normal(x.shape)  # off the support: -inf
    for pts in (x, off):
        onp.testing.assert_allclose(gst.multivariate_normal.logpdf(pts, mean, cov, allow_singular=True),
                                    scipy.stats.multivariate_normal.logpdf(pts, mean, cov, allow_singular=True),
                                    rtol=1e-10)
    frozen = scipy.stats.multivariate_normal(mean, cov, allow_singular=True)
    onp.testing.assert_allclose(gst.multivariate_normal.entropy(mean, cov, allow_singular=True), frozen.entropy(),
                                rtol=1e-12)
    with pytest.raises(onp.linalg.LinAlgError):
        gst.multivariate_normal.logpdf(x, mean, cov)


def test_singular_multivariate_normal_derivatives():
    # cov = A A^T keeps its rank for every A, and x = mean + A z stays on the support
    a, z, mean = _singular_case(d=3, r=2)

    def logpdf(a, z, mean):
        return gst.multivariate_normal.logpdf(mean + z @ a.T, mean, a @ a.T, allow_singular=True)
    gk.check_grads(logpdf, modes=("fwd", "rev"), order=2)(a, z, mean)
    gk.check_grads(lambda a: gst.multivariate_normal.entropy(None, a @ a.T, allow_singular=True),
                   modes=("fwd", "rev"), order=2)(a)


def test_multivariate_normal_entropy():
    c = RNG.standard_normal((3, 3))
    cov = c @ c.T + onp.eye(3)
    onp.testing.assert_allclose(gst.multivariate_normal.entropy(cov=cov), scipy.stats.multivariate_normal.entropy(cov=cov))
    gk.check_grads(lambda c: gst.multivariate_normal.entropy(cov=c @ c.T + onp.eye(3)), modes=("fwd", "rev"), order=2)(c)


# -- odeint: known answers and the adjoint ------------------------------------------------------------
def test_odeint_exponential_decay_has_the_analytic_derivatives():
    t = onp.array([0.2, 0.7, 1.5])
    tight = dict(rtol=1e-12, atol=1e-12)

    def y(y0, t, k):
        return gsi.odeint(lambda y, s, k: -k * y, y0, t, (k,), **tight)
    y0, k = 2.0, 0.8
    exact = y0 * onp.exp(-k * (t - t[0]))
    onp.testing.assert_allclose(y(y0, t, k), exact, rtol=1e-10)
    jac_y0, jac_t, jac_k = gk.jacrev(y, argnums=(0, 1, 2))(y0, t, k)
    onp.testing.assert_allclose(jac_y0, exact / y0, rtol=1e-9)
    onp.testing.assert_allclose(jac_k, -(t - t[0]) * exact, rtol=1e-9, atol=1e-12)
    d_t = onp.diag(-k * exact)
    d_t[:, 0] = k * exact
    d_t[0, 0] = 0.0  # y(t0) is y0 whatever t0
    onp.testing.assert_allclose(jac_t, d_t, rtol=1e-9, atol=1e-12)
    onp.testing.assert_allclose(gk.jacfwd(y, argnums=(0, 1, 2))(y0, t, k)[1], d_t, rtol=1e-9, atol=1e-12)


def test_odeint_trains_a_neural_ode():
    """Neural-ODE style: the loss of an MLP vector field, differentiated in its weights by the
    adjoint, equals finite differences, and a few gradient steps reduce it."""
    t = onp.linspace(0.0, 1.0, 4)
    target = onp.stack([onp.cos(t), -onp.sin(t)], axis=1)

    def field(y, s, w1, w2):
        return np.matmul(w2, np.tanh(np.matmul(w1, y)))

    def loss(w1, w2):
        ys = gsi.odeint(field, onp.array([1.0, 0.0]), t, (w1, w2), rtol=1e-10, atol=1e-10)
        return np.sum((ys - target) ** 2)
    w1, w2 = 0.5 * RNG.standard_normal((4, 2)), 0.5 * RNG.standard_normal((2, 4))
    gk.check_grads(loss, modes=("rev",), order=1)(w1, w2)
    before = loss(w1, w2)
    for _ in range(5):
        g1, g2 = gk.grad(loss, argnums=(0, 1))(w1, w2)
        w1, w2 = w1 - 0.05 * g1, w2 - 0.05 * g2
    assert loss(w1, w2) < before


def test_odeint_matrix_state_and_time_dependence():
    y0 = RNG.standard_normal((2, 2))
    t = onp.array([0.0, 0.5, 0.9])
    f = lambda y, s, m: np.matmul(m, y) * np.cos(s)  # noqa: E731
    m = RNG.standard_normal((2, 2))
    ref = scipy.integrate.odeint(lambda y, s: (m @ y.reshape(2, 2) * onp.cos(s)).ravel(), y0.ravel(), t,
                                 rtol=1e-12, atol=1e-12).reshape(3, 2, 2)
    onp.testing.assert_allclose(gsi.odeint(f, y0, t, (m,), rtol=1e-12, atol=1e-12), ref, rtol=1e-9)
    gk.check_grads(lambda y0, t, m: gsi.odeint(f, y0, t, (m,), rtol=1e-12, atol=1e-12),
                   modes=("fwd", "rev"), order=2, rtol=1e-4)(y0, t, m)


def test_odeint_args_nest_like_autograds_ode_net():
    """autograd's ode_net passes args=(params,), params a list of (W, b) layers."""
    params = [(0.3 * RNG.standard_normal((2, 4)), 0.1 * RNG.standard_normal(4)),
              (0.3 * RNG.standard_normal((4, 2)), 0.1 * RNG.standard_normal(2))]

    def field(y, s, params):
        for w, b in params:
            y = np.tanh(np.dot(y, w) + b)
        return y

    def loss(params):
        ys = gsi.odeint(field, onp.array([1.0, 0.5]), onp.linspace(0.0, 1.0, 3), tuple((params,)), rtol=1e-10, atol=1e-10)
        return np.sum(ys ** 2)
    gk.check_grads(loss, modes=("fwd", "rev"), order=1)(params)


def test_odeint_refuses_a_closed_over_traced_value():
    t = onp.array([0.0, 1.0])
    with pytest.raises(gk.NonDifferentiableError, match="args="):
        gk.grad(lambda k: gsi.odeint(lambda y, s: -k * y, 1.0, t)[1])(0.5)


# -- linear algebra errors -------------------------------------------------------------------------------
def test_schur_with_complex_eigenvalues():
    a = onp.array([[0.0, 2.0, 0.1], [-2.0, 0.0, 0.3], [0.0, 0.0, 1.0]])
    t, z = gsl.schur(a)  # values: fine
    onp.testing.assert_allclose(z @ t @ z.T, a, atol=1e-12)
    with pytest.raises(NotImplementedError, match="output='complex'"):
        gk.jacobian(lambda a: gsl.schur(a)[0])(a)
    w = gk.grad(lambda a: np.sum(np.real(np.diagonal(gsl.schur(a, output="complex")[0])) ** 2))(a)
    onp.testing.assert_allclose(w, gk.grad(lambda a: np.sum(np.real(np.linalg.eigvals(a)) ** 2))(a), atol=1e-10)


def test_solve_banded_padding_has_zero_derivative():
    ab = onp.array([[9.0, 1.0, 2.0], [4.0, 4.0, 4.0], [1.0, 3.0, 9.0]])  # ab[0, 0] and ab[2, 2] are padding
    g = gk.grad(lambda ab: np.sum(gsl.solve_banded((1, 1), ab, onp.ones(3)) ** 2))(ab)
    assert g[0, 0] == 0.0 and g[2, 2] == 0.0 and onp.all(g[1] != 0.0)
    with pytest.raises(ValueError, match="l \\+ u \\+ 1"):
        gsl.solve_banded((1, 2), ab, onp.ones(3))


# -- autograd's convnet idiom ---------------------------------------------------------------------------
def test_convnet_layer_gradients_equal_autograd():
    autograd = pytest.importorskip("autograd")
    import autograd.numpy as anp
    import autograd.scipy.signal as asg
    images, filters = RNG.standard_normal((2, 3, 6, 5)), RNG.standard_normal((4, 3, 3, 2))
    kw = dict(axes=([2, 3], [2, 3]), dot_axes=([1], [1]), mode="valid")

    def loss(lib, conv):
        return lambda x, w: lib.sum(lib.tanh(conv(x, w, **kw)) ** 2)
    ours = gk.grad(loss(np, gss.convolve), argnums=(0, 1))(images, filters)
    theirs = autograd.grad(loss(anp, asg.convolve), argnum=(0, 1))(images, filters)
    for a, b in zip(ours, theirs):
        onp.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-12)
    with pytest.raises(ValueError, match="dot_axes"):
        gss.convolve(images, filters[:, :2], **kw)


def test_autograds_scipy_surface_is_covered():
    """Every public function of autograd.scipy.special and of autograd.scipy.stats' modules
    has a gradkit counterpart (autograd's own helpers aside)."""
    pytest.importorskip("autograd")
    import importlib
    import autograd.scipy.special as asp
    helpers = {"defjvp", "defvjp", "primitive", "unbroadcast_f", "repeat_to_match_shape", "psi", "digamma", "gamma",
               "beta", "solve", "covgrad", "generalized_outer_product"}

    def public(mod):
        return {n for n in dir(mod) if not n.startswith(("_", "grad_", "make_", "fwd_")) and n not in helpers
                and callable(getattr(mod, n))}
    assert not [n for n in public(asp) if not hasattr(gsp, n)]
    for name in ["norm", "t", "beta", "gamma", "chi2", "dirichlet", "poisson", "multivariate_normal"]:
        theirs = importlib.import_module(f"autograd.scipy.stats.{name}")
        assert not [n for n in public(theirs) if not hasattr(getattr(gst, name), n)], name
