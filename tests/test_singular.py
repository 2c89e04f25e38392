"""Derivatives at singular points, IEEE semantics inside rules, and the linear algebra that
reads one triangle or takes complex matrices.

- cumprod and prod are polynomials: at inputs with zeros their derivatives are exact (closed
  forms, finite differences, JAX) to second order in both modes and under vmap;
- norms, std and hypot, where they have no derivative (at 0), give the subgradient 0, and
  all higher derivatives 0, never nan;
- a rule dividing by a Python float 0.0 gives inf or nan as NumPy does, not ZeroDivisionError;
- eigh, eigvalsh and cholesky read only the triangle NumPy reads: finite differences over the
  full (non-symmetric) matrix agree;
- sqrtm and logm at an indefinite symmetric matrix (a complex result) to second order;
- complex svd, eigh, eig and nuclear norms in both modes to second order, and against JAX.
"""
import itertools
import warnings

import numpy as onp
import pytest

import gradkit as gk
import gradkit.numpy as np
import gradkit.scipy.linalg as gsl

LA = np.linalg


def _rng(seed):
    return onp.random.default_rng(seed)


def _check(f, *args, order=2):
    gk.check_grads(f, modes=("fwd", "rev"), order=order)(*args)


# -- cumprod and prod at zeros ------------------------------------------------------------------
def _exact_cumprod_jacobian(x):
    """d cumprod_k / d x_i = prod_{j <= k, j != i} x_j (i <= k), by brute force."""
    n = len(x)
    jac = onp.zeros((n, n))
    for k in range(n):
        for i in range(k + 1):
            jac[k, i] = onp.prod([x[j] for j in range(k + 1) if j != i])
    return jac


def _exact_cumprod_hessian(x, w):
    """Hessian of sum_k w_k cumprod_k: entry (a, b), a != b, is sum_{k >= max(a, b)} w_k
    prod_{j <= k, j not in {a, b}} x_j."""
    n = len(x)
    h = onp.zeros((n, n))
    for a, b in itertools.permutations(range(n), 2):
        h[a, b] = sum(w[k] * onp.prod([x[j] for j in range(k + 1) if j not in (a, b)])
                      for k in range(max(a, b), n))
    return h


ZERO_POINTS = [[2.0, 0.0, 3.0], [0.0, 0.0, 3.0, 2.0], [1.5, -2.0, 0.0, 4.0, 0.0, 5.0, 0.7],
               [0.0], [3.0, 0.0], [0.0, 0.0, 0.0], [1.0, 2.0, 3.0, 0.0]]


def test_issue_example_cumprod_at_a_zero():
    g = gk.grad(lambda x: np.sum(np.cumprod(x)))(onp.array([2.0, 0.0, 3.0]))
    onp.testing.assert_array_equal(g, [1.0, 8.0, 0.0])


@pytest.mark.parametrize("x", ZERO_POINTS, ids=str)
def test_cumprod_exact_at_zeros_first_and_second_order(x):
    x = onp.array(x)
    w = onp.arange(1.0, len(x) + 1)
    jac = _exact_cumprod_jacobian(x)
    onp.testing.assert_allclose(gk.jacfwd(np.cumprod)(x), jac, atol=1e-14)
    onp.testing.assert_allclose(gk.jacrev(np.cumprod)(x), jac, atol=1e-14)

    def f(x):
        return np.sum(np.cumprod(x) * w)
    hess = _exact_cumprod_hessian(x, w)
    onp.testing.assert_allclose(gk.hessian(f)(x), hess, atol=1e-13)
    onp.testing.assert_allclose(gk.jacfwd(gk.jacfwd(f))(x), hess, atol=1e-13)
    onp.testing.assert_allclose(gk.jacrev(gk.jacrev(f))(x), hess, atol=1e-13)
    _check(np.cumprod, x)


@pytest.mark.parametrize("axis", [None, 0, 1, -1])
def test_cumprod_axes_at_zeros_against_finite_differences_and_vmap(axis):
    x = onp.array([[2.0, 0.0, 3.0, 1.5], [0.0, -1.0, 0.0, 2.0], [1.0, 2.0, 3.0, 0.5]])
    f = lambda x: np.cumprod(x, axis=axis)  # noqa: E731
    _check(f, x)
    g = lambda x: np.sum(np.cumprod(x, axis=axis) ** 2)  # noqa: E731
    batch = onp.stack([x, x[::-1]])
    looped = onp.stack([gk.hessian(g)(b) for b in batch])
    onp.testing.assert_allclose(gk.vmap(gk.hessian(g))(batch), looped, atol=1e-12)
    assert onp.all(onp.isfinite(looped))


def test_cumprod_matches_jax_at_zeros():
    jax = pytest.importorskip("jax")
    jax.config.update("jax_enable_x64", True)
    import jax.numpy as jnp
    x = onp.array([1.5, -2.0, 0.0, 4.0, 0.0, 5.0, 0.7])
    ours = gk.hessian(lambda x: np.sum(np.sin(np.cumprod(x))))(x)
    theirs = jax.hessian(lambda x: jnp.sum(jnp.sin(jnp.cumprod(x))))(x)
    onp.testing.assert_allclose(ours, theirs, atol=1e-12)


@pytest.mark.parametrize("x", [[2.0, 0.0, 3.0], [2.0, 0.0, 0.0], [0.0, 0.0, 0.0, 1.0], [[0.0, 2.0], [3.0, 0.0]]],
                         ids=str)
def test_prod_second_order_at_zeros(x):
    x = onp.array(x)
    _check(np.prod, x)
    _check(lambda x: np.prod(x, axis=0), x)
    assert onp.all(onp.isfinite(gk.hessian(np.prod)(x)))


# -- norms, std, hypot at 0: the subgradient 0 ------------------------------------------------------
VECTOR_ORDS = [None, 2, 1, onp.inf, -onp.inf, 3, 1.5]
MATRIX_ORDS = [None, "fro", 1, -1, onp.inf, -onp.inf, 2, -2, "nuc"]


@pytest.mark.parametrize("ord", VECTOR_ORDS, ids=str)
def test_vector_norm_at_zero_is_the_zero_subgradient(ord):
    f = lambda x: LA.norm(x, ord)  # noqa: E731
    z = onp.zeros(3)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no inf * 0 on the way
        for grad in (gk.grad(f), gk.jacfwd(f)):
            onp.testing.assert_array_equal(grad(z), 0.0)
        if ord != 1.5:  # |x|^1.5 itself has an infinite second derivative at 0
            onp.testing.assert_array_equal(gk.hessian(f)(z), 0.0)


@pytest.mark.parametrize("ord", [None, 2, 3, 1.5], ids=str)
def test_vector_norm_with_zero_entries_against_finite_differences(ord):
    # differentiable there (the norm is not 0); twice except for ord < 2, where |x|^ord is not
    _check(lambda x: LA.norm(x, ord), onp.array([0.0, 3.0, -4.0]), order=1 if ord == 1.5 else 2)


@pytest.mark.parametrize("ord", MATRIX_ORDS, ids=str)
def test_matrix_norm_at_zero_is_finite_subgradient(ord):
    f = lambda x: LA.norm(x, ord)  # noqa: E731
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", LA.DegenerateWarning)  # repeated singular values 0
        g = gk.grad(f)(onp.zeros((2, 2)))
    assert onp.all(onp.isfinite(g))
    if ord in (None, "fro", 1, -1, onp.inf, -onp.inf):
        onp.testing.assert_array_equal(g, 0.0)
    else:  # a subgradient of a unitarily invariant norm: its dual norm is 1
        dual = {2: "nuc", -2: "nuc", "nuc": 2}[ord]
        assert onp.isclose(onp.linalg.norm(g, dual), 1.0)


def test_std_at_constant_input_and_0d():
    for fn in (np.std, lambda x: np.std(x, ddof=1), lambda x: np.std(x, axis=0)):
        onp.testing.assert_array_equal(gk.grad(lambda x: np.sum(fn(x)))(onp.ones((3, 2))), 0.0)
        onp.testing.assert_array_equal(gk.hessian(lambda x: np.sum(fn(x)))(onp.ones(3)), 0.0)
    # issue 13: the JVP of std of a 0-d input is 0 (finite differences and autograd say so)
    for fn in (np.std, np.var):
        out, tangent = gk.jvp(fn, (onp.array(2.0),), (onp.array(1.0),))
        assert tangent == 0.0
        assert gk.grad(fn)(onp.array(2.0)) == 0.0
        _check(fn, onp.array(2.0))
        onp.testing.assert_array_equal(gk.vmap(gk.grad(fn))(onp.array([1.0, 2.0])), 0.0)
    _check(np.std, onp.array([1.0, 2.0, 4.0]))


def test_hypot_at_the_origin():
    assert gk.grad(np.hypot, argnums=(0, 1))(0.0, 0.0) == (0.0, 0.0)
    _check(np.hypot, onp.array([0.0, 3.0]), onp.array([2.0, 0.0]))


# -- IEEE: Python floats inside rules ---------------------------------------------------------------
IEEE = [
    ("log at 0.0", lambda: gk.grad(np.log)(0.0), onp.inf),
    ("x / 0.0", lambda: gk.grad(lambda x: x / 0.0)(1.0), onp.inf),
    ("0.0 / y at y = 0", lambda: gk.grad(lambda y: 1.0 / y)(0.0), -onp.inf),
    ("log1p(-1.0)", lambda: gk.grad(np.log1p)(-1.0), onp.inf),
    ("arctanh(1.0)", lambda: gk.grad(np.arctanh)(1.0), onp.inf),
    ("arctanh(-1.0)", lambda: gk.grad(np.arctanh)(-1.0), onp.inf),
    ("arctan2 at the origin", lambda: gk.grad(np.arctan2)(0.0, 0.0), onp.nan),
    ("fmod by 0.0", lambda: gk.grad(np.fmod, argnums=1)(1.0, 0.0), -onp.inf),
    ("log in forward mode", lambda: gk.jvp(np.log, (0.0,), (1.0,))[1], onp.inf),
    ("mean of 1 / 0.0 in forward mode", lambda: gk.jvp(lambda x: x / 0.0, (1.0,), (1.0,))[1], onp.inf),
]


@pytest.mark.parametrize("name, call, expected", IEEE, ids=[c[0] for c in IEEE])
def test_rules_follow_ieee_not_python(name, call, expected):
    with onp.errstate(all="ignore"):
        out = call()
    onp.testing.assert_array_equal(out, expected)


def test_ieee_warnings_are_numpys():
    with pytest.warns(RuntimeWarning, match="divide by zero"):
        gk.grad(np.log)(0.0)


def test_mean_of_an_empty_array():
    with onp.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        g = gk.grad(lambda x: np.mean(x))(onp.zeros(0))
        assert g.shape == (0,)
        out, t = gk.jvp(np.mean, (onp.zeros(0),), (onp.zeros(0),))
    assert onp.isnan(out) and onp.isnan(t)


# -- the triangle NumPy reads ------------------------------------------------------------------------
def _nonsymmetric(n, seed):
    return _rng(seed).standard_normal((n, n)) + 3.0 * onp.eye(n)


@pytest.mark.parametrize("uplo", ["L", "U"])
def test_eigvalsh_and_eigh_read_one_triangle(uplo):
    a = _nonsymmetric(4, 1)
    for f in (lambda x: LA.eigvalsh(x, UPLO=uplo), lambda x: LA.eigh(x, UPLO=uplo)[0],
              lambda x: np.abs(LA.eigh(x, UPLO=uplo)[1])):
        _check(f, a)
    ignored = onp.triu(onp.ones((4, 4)), 1) if uplo == "L" else onp.tril(onp.ones((4, 4)), -1)
    g = gk.grad(lambda x: np.sum(LA.eigvalsh(x, UPLO=uplo) ** 2))(a)
    onp.testing.assert_array_equal(g * ignored, 0.0)
    batch = onp.stack([a, _nonsymmetric(4, 2)])
    f = lambda x: np.sum(LA.eigvalsh(x, UPLO=uplo) ** 3)  # noqa: E731
    onp.testing.assert_allclose(gk.vmap(gk.grad(f))(batch), onp.stack([gk.grad(f)(b) for b in batch]),
                                atol=1e-12)


@pytest.mark.parametrize("upper", [False, True])
def test_cholesky_reads_one_triangle(upper):
    a = _nonsymmetric(3, 3)
    a = a @ a.T + onp.triu(_rng(4).standard_normal((3, 3)), 1) * (1 if not upper else 0) \
        + onp.tril(_rng(4).standard_normal((3, 3)), -1) * (1 if upper else 0)
    _check(lambda x: LA.cholesky(x, upper=upper), a)
    _check(lambda x: gsl.cholesky(x, lower=not upper), a)


@pytest.mark.parametrize("lower", [True, False])
def test_scipy_eigh_reads_one_triangle(lower):
    _check(lambda x: gsl.eigh(x, lower=lower, eigvals_only=True), _nonsymmetric(3, 5))


# -- matrix functions at a real matrix with a complex result ------------------------------------------
@pytest.mark.parametrize("name", ["sqrtm", "logm"])
def test_matrix_functions_second_order_at_an_indefinite_matrix(name):
    a = _rng(0).standard_normal((3, 3))
    a = (a + a.T) / 2  # eigenvalues of both signs: the result is complex
    f = getattr(gsl, name)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # scipy's LinAlgWarning on the block matrices
        for part in (np.real, np.imag):
            _check(lambda x: part(f((x + x.T) / 2)), a)


# -- complex linear algebra ---------------------------------------------------------------------------
def _cz(shape, seed):
    rng = _rng(seed)
    return rng.standard_normal(shape) + 1j * rng.standard_normal(shape)


def _svd_invariants(full_matrices):
    """What an SVD determines: the reconstruction, the values, |U|^2, |Vh|^2 and the phase-free
    products u_i conj(v_i)."""
    def f(x):
        u, s, vh = LA.svd(x, full_matrices=full_matrices)
        k = s.shape[-1]
        u, vh = u[..., :, :k], vh[..., :k, :]
        rec = np.matmul(u * s[..., None, :], vh)
        pair = u[..., 0:1, :] * np.swapaxes(vh[..., :, 0:1], -1, -2)
        return [np.real(rec), np.imag(rec), s, np.abs(u) ** 2, np.abs(vh) ** 2, np.real(pair), np.imag(pair)]
    return f


SVD_SHAPES = [(3, 3), (4, 2), (2, 4), (2, 3, 2)]


@pytest.mark.parametrize("shape", SVD_SHAPES, ids=str)
@pytest.mark.parametrize("full_matrices", [False, True])
def test_complex_svd(shape, full_matrices):
    _check(_svd_invariants(full_matrices), _cz(shape, 10))


@pytest.mark.parametrize("shape", SVD_SHAPES, ids=str)
def test_complex_singular_values_and_norms(shape):
    z = _cz(shape, 11)
    _check(lambda x: LA.svd(x, compute_uv=False), z)
    _check(lambda x: LA.norm(x, "nuc", axis=(-2, -1)), z)
    _check(lambda x: LA.norm(x, 2, axis=(-2, -1)), z)


@pytest.mark.parametrize("shape", [(3, 3), (2, 3, 3)], ids=str)
def test_complex_eigh_and_eig(shape):
    z = _cz(shape, 12) + 3.0 * onp.eye(shape[-1])

    def eigh_invariants(x):
        w, v = LA.eigh(x)
        return [w, np.abs(v) ** 2, np.real(v[..., :, :1] * np.conj(v[..., 1:2, :1]))]

    def eig_parts(x):
        w, v = LA.eig(x)
        return [np.real(w), np.imag(w), np.real(v), np.imag(v)]
    _check(eigh_invariants, z)
    _check(LA.eigvalsh, z)
    _check(eig_parts, z)
    _check(lambda x: [np.real(LA.eigvals(x)), np.imag(LA.eigvals(x))], z)


def test_complex_rules_under_vmap():
    batch = _cz((2, 3, 3), 13)
    for f in (lambda x: LA.norm(x, "nuc"), lambda x: np.sum(LA.eigvalsh(x) ** 2),
              lambda x: np.real(np.sum(LA.eig(x)[0] ** 2))):
        onp.testing.assert_allclose(gk.vmap(gk.grad(f))(batch), onp.stack([gk.grad(f)(b) for b in batch]),
                                    atol=1e-12)


def test_complex_gradients_match_jax():
    # for a real-valued f of complex z both give df/dx - i df/dy
    jax = pytest.importorskip("jax")
    jax.config.update("jax_enable_x64", True)
    import jax.numpy as jnp
    z = _cz((3, 2), 14)
    h = _cz((3, 3), 15) + 3.0 * onp.eye(3)
    h = h + h.conj().T
    pairs = [
        (lambda x: LA.norm(x, "nuc"), lambda x: jnp.linalg.norm(x, "nuc"), z),
        (lambda x: np.sum(np.abs(LA.svd(x, full_matrices=False)[0]) ** 4),
         lambda x: jnp.sum(jnp.abs(jnp.linalg.svd(x, full_matrices=False)[0]) ** 4), z),
        # JAX's eigh reads the whole matrix (it symmetrises), gradkit one triangle, as NumPy:
        # they agree on Hermitian inputs built inside the function
        (lambda x: np.sum(LA.eigvalsh(x + np.conj(x.T)) ** 3), lambda x: jnp.sum(jnp.linalg.eigvalsh(x + x.conj().T) ** 3), h),
        (lambda x: np.sum(np.abs(LA.eigh(x + np.conj(x.T))[1][:, -1]) ** 4),
         lambda x: jnp.sum(jnp.abs(jnp.linalg.eigh(x + x.conj().T)[1][:, -1]) ** 4), h),
    ]
    for ours, theirs, x in pairs:
        onp.testing.assert_allclose(gk.grad(ours)(x), jax.grad(theirs)(x), rtol=1e-9, atol=1e-12)


def test_sqrtm_stacks_and_vmap_to_second_order():
    a = _rng(6).standard_normal((2, 3, 3))
    a = a @ onp.swapaxes(a, -1, -2) + onp.eye(3)
    _check(gsl.sqrtm, a)
    f = lambda x: np.sum(gsl.sqrtm(x) ** 2)  # noqa: E731
    onp.testing.assert_allclose(gk.vmap(gk.hessian(f))(a), onp.stack([gk.hessian(f)(b) for b in a]), atol=1e-10)
