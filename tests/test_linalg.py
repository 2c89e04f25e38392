"""gradkit.numpy.linalg: values equal NumPy's; derivatives in both modes to second order
(check_grads) on well-conditioned random inputs, stacked ones included; the lecture's
closed forms (L15 solve, L16 SVD); degenerate points (repeated eigenvalues, singular
matrices) give a warning or a named error, never a silent NaN; the backward pass of solve
and cholesky does no new factorisation."""
import warnings
import zlib

import numpy as onp
import pytest

import gradkit as gk
import gradkit.numpy as np
from gradkit.core import MissingRuleError
from gradkit.numpy.linalg import DegenerateWarning

LA = np.linalg


def _rng(key):
    """A generator seeded by the key (stable across runs, unlike hash() of a string)."""
    return onp.random.default_rng(zlib.crc32(repr(key).encode()))


def _spd(x):
    """A symmetric positive definite matrix from any square (stack of) x: the tested
    function symmetrises its input, so finite differences move along symmetric matrices."""
    return x @ np.swapaxes(x, -1, -2) + 3.0 * onp.eye(np.shape(x)[-1])


def _sym(x):
    return 0.5 * (x + np.swapaxes(x, -1, -2))


def _well(shape, key):
    """A well-conditioned square matrix (or stack): random plus 3 I."""
    return _rng(key).standard_normal(shape) + 3.0 * onp.eye(shape[-1])


def _normal(shape, key):
    return _rng(key).standard_normal(shape)


def _distinct_sym(shape, key):
    """Symmetric with well-separated eigenvalues 1, 2, ..., n (random eigenvectors)."""
    q, _ = onp.linalg.qr(_normal(shape, key))
    n = shape[-1]
    return (q * onp.arange(1.0, n + 1)) @ onp.swapaxes(q, -1, -2)


def _parts(z):
    """Real and imaginary parts, so that check_grads sees real outputs."""
    return np.stack([np.real(z), np.imag(z)])


# name, function, argument makers: every function of the issue through check_grads
CASES = [
    ("solve vec", LA.solve, [lambda: _well((3, 3), 1), lambda: _normal((3,), 2)]),
    ("solve mat", LA.solve, [lambda: _well((4, 4), 3), lambda: _normal((4, 2), 4)]),
    ("solve stack", LA.solve, [lambda: _well((2, 3, 3), 5), lambda: _normal((2, 3, 2), 6)]),
    ("solve stack, vec b", LA.solve, [lambda: _well((2, 3, 3), 7), lambda: _normal((3,), 8)]),
    ("solve broadcast b", LA.solve, [lambda: _well((2, 3, 3), 9), lambda: _normal((1, 3, 2), 10)]),
    ("inv", LA.inv, [lambda: _well((3, 3), 11)]),
    ("inv stack", LA.inv, [lambda: _well((2, 2, 3, 3), 12)]),
    ("pinv tall", LA.pinv, [lambda: _normal((5, 3), 13)]),
    ("pinv wide stack", LA.pinv, [lambda: _normal((2, 3, 4), 14)]),
    ("det", LA.det, [lambda: _well((3, 3), 15)]),
    ("det stack", LA.det, [lambda: _well((2, 4, 4), 16)]),
    ("slogdet", lambda a: LA.slogdet(a)[1], [lambda: _well((3, 3), 17) - 6 * onp.eye(3)]),
    ("slogdet stack", lambda a: LA.slogdet(a)[1], [lambda: _well((2, 3, 3), 18)]),
    ("cholesky", lambda a: LA.cholesky(_spd(a)), [lambda: _normal((3, 3), 19)]),
    ("cholesky upper", lambda a: LA.cholesky(_spd(a), upper=True), [lambda: _normal((3, 3), 20)]),
    ("cholesky stack", lambda a: LA.cholesky(_spd(a)), [lambda: _normal((2, 4, 4), 21)]),
    ("eigh", lambda a: LA.eigh(_sym(a)), [lambda: _distinct_sym((3, 3), 22)]),
    ("eigh upper", lambda a: LA.eigh(_sym(a), UPLO="U"), [lambda: _distinct_sym((4, 4), 23)]),
    ("eigh stack", lambda a: LA.eigh(_sym(a)), [lambda: _distinct_sym((2, 3, 3), 24)]),
    ("eigvalsh", lambda a: LA.eigvalsh(_sym(a)), [lambda: _distinct_sym((4, 4), 25)]),
    ("eigvalsh stack", lambda a: LA.eigvalsh(_sym(a)), [lambda: _distinct_sym((2, 3, 3), 26)]),
    ("eig real spectrum", LA.eig, [lambda: _distinct_sym((3, 3), 27) + 0.3 * _normal((3, 3), 28)]),
    ("eig complex pair", lambda a: [_parts(x) for x in LA.eig(a)],
     [lambda: onp.array([[0.0, -2.0, 0.3], [2.0, 0.0, 0.1], [0.2, 0.4, 1.0]]) + 0.1 * _normal((3, 3), 29)]),
    ("eig stack", lambda a: [_parts(x) for x in LA.eig(a)], [lambda: _normal((2, 3, 3), 30)]),
    ("eigvals", lambda a: _parts(LA.eigvals(a)), [lambda: _normal((3, 3), 31)]),
    ("svd square", LA.svd, [lambda: _normal((3, 3), 32)]),
    ("svd reduced tall", lambda a: LA.svd(a, full_matrices=False), [lambda: _normal((5, 3), 33)]),
    ("svd reduced wide", lambda a: LA.svd(a, full_matrices=False), [lambda: _normal((3, 5), 34)]),
    ("svd reduced stack", lambda a: LA.svd(a, full_matrices=False), [lambda: _normal((2, 4, 3), 35)]),
    # full_matrices=True of a non-square matrix: the complement enters through its span
    ("svd full tall", lambda a: _svd_full_invariants(a), [lambda: _normal((5, 3), 36)]),
    ("svd full wide", lambda a: _svd_full_invariants(a), [lambda: _normal((3, 5), 37)]),
    ("svd values", lambda a: LA.svd(a, compute_uv=False), [lambda: _normal((4, 3), 38)]),
    ("svd values stack", lambda a: LA.svd(a, compute_uv=False), [lambda: _normal((2, 3, 4), 39)]),
    ("svdvals", LA.svdvals, [lambda: _normal((3, 4), 40)]),
    ("qr tall", LA.qr, [lambda: _normal((5, 3), 41)]),
    ("qr square stack", LA.qr, [lambda: _normal((2, 3, 3), 42)]),
    ("qr wide", LA.qr, [lambda: _normal((3, 5), 43)]),
    ("qr r", lambda a: LA.qr(a, mode="r"), [lambda: _normal((4, 3), 44)]),
    ("qr complete", lambda a: _qr_complete_invariants(a), [lambda: _normal((5, 3), 45)]),
    ("lstsq tall", lambda a, b: LA.lstsq(a, b)[:2], [lambda: _normal((5, 3), 46), lambda: _normal((5,), 47)]),
    ("lstsq wide", lambda a, b: LA.lstsq(a, b)[0], [lambda: _normal((3, 5), 48), lambda: _normal((3, 2), 49)]),
    ("matrix_power 5", lambda a: LA.matrix_power(a, 5), [lambda: 0.5 * _normal((3, 3), 50)]),
    ("matrix_power -2 stack", lambda a: LA.matrix_power(a, -2), [lambda: _well((2, 3, 3), 51)]),
    ("multi_dot", lambda *xs: LA.multi_dot(xs),
     [lambda: _normal((3,), 52), lambda: _normal((3, 5), 53), lambda: _normal((5, 2), 54), lambda: _normal((2, 4), 55)]),
    ("tensorinv", lambda a: LA.tensorinv(a, ind=1), [lambda: _well((6, 6), 56).reshape(6, 2, 3)]),
    ("tensorsolve", LA.tensorsolve, [lambda: _well((6, 6), 57).reshape(6, 2, 3), lambda: _normal((6,), 58)]),
    ("tensorsolve axes", lambda a, b: LA.tensorsolve(a, b, axes=(0,)),
     [lambda: _well((6, 6), 59).reshape(6, 6), lambda: _normal((6,), 60)]),
    ("norm 2", lambda a: LA.norm(a, 2), [lambda: _normal((3, 4), 61)]),
    ("norm nuc axes", lambda a: LA.norm(a, "nuc", axis=(0, 2)), [lambda: _normal((3, 2, 4), 62)]),
    ("norm -2", lambda a: LA.norm(a, -2), [lambda: _normal((4, 3), 63)]),
    ("solve_triangular", lambda a, b: LA.solve_triangular(a, b, lower=True), [lambda: _well((3, 3), 64),
                                                                               lambda: _normal((3,), 65)]),
    ("solve_triangular T unit stack", lambda a, b: LA.solve_triangular(a, b, trans=1, unit_diagonal=True),
     [lambda: _normal((2, 3, 3), 66), lambda: _normal((2, 3, 2), 67)]),
    ("cond", LA.cond, [lambda: _normal((3, 3), 68)]),
    ("cond -2 tall stack", lambda a: LA.cond(a, -2), [lambda: _normal((2, 4, 3), 69)]),
    ("cond fro", lambda a: LA.cond(a, "fro"), [lambda: _well((3, 3), 70)]),
    ("cond 1 stack", lambda a: LA.cond(a, 1), [lambda: _well((2, 3, 3), 71)]),
    ("cross", LA.cross, [lambda: _normal((2, 3), 72), lambda: _normal((3,), 73)]),
    ("diagonal", lambda a: LA.diagonal(a, offset=1), [lambda: _normal((2, 3, 4), 74)]),
    ("matmul", LA.matmul, [lambda: _normal((2, 3, 4), 75), lambda: _normal((4, 2), 76)]),
    ("matrix_norm", lambda a: LA.matrix_norm(a, ord="nuc"), [lambda: _normal((2, 3, 4), 77)]),
    ("matrix_transpose", LA.matrix_transpose, [lambda: _normal((2, 3, 4), 78)]),
    ("tensordot", lambda a, b: LA.tensordot(a, b, axes=1), [lambda: _normal((2, 3), 79), lambda: _normal((3, 4), 80)]),
    ("trace", lambda a: LA.trace(a, offset=-1), [lambda: _normal((2, 3, 3), 81)]),
    ("vector_norm", lambda a: LA.vector_norm(a, ord=3, axis=-1), [lambda: _normal((2, 4), 82)]),
    ("vecdot", LA.vecdot, [lambda: _normal((2, 3), 83), lambda: _normal((3,), 84)]),
    ("outer", LA.outer, [lambda: _normal((3,), 85), lambda: _normal((2,), 86)]),
]


def test_every_differentiable_linalg_function_is_checked():
    """Each numpy.linalg name the namespace table calls differentiable is in CASES (cond was
    declared without a derivative, silently, while the table said otherwise)."""
    from gradkit.numpy import namespace_table as table
    checked = {getattr(fn, "__name__", "") for _, fn, _ in CASES} | {name.split()[0] for name, _, _ in CASES}
    missing = [n for n in table.names(table.DIFF) if n.startswith("linalg.") and n.split(".")[1] not in checked]
    assert not missing, f"differentiable linalg functions with no case in CASES: {missing}"

COMPLEX_CASES = [  # the holomorphic ones, under autograd's convention
    ("solve", LA.solve, [(3, 3), (3,)]),
    ("inv", LA.inv, [(3, 3)]),
    ("det", LA.det, [(2, 3, 3)]),
    ("matrix_power", lambda a: LA.matrix_power(a, 3), [(3, 3)]),
]


def _svd_full_invariants(a):
    u, s, vh = LA.svd(a, full_matrices=True)
    k = min(np.shape(a))
    u2, v2 = u[:, k:], np.swapaxes(vh, -1, -2)[:, k:]
    return [u[:, :k], s, vh[:k], u2 @ u2.T, v2 @ v2.T]


def _qr_complete_invariants(a):
    q, r = LA.qr(a, mode="complete")
    k = np.shape(a)[1]
    return [q[:, :k], r, q[:, k:] @ q[:, k:].T]


def _make(makers):
    return [m() for m in makers]


@pytest.mark.parametrize("name, fn, makers", CASES, ids=[c[0] for c in CASES])
def test_derivatives_to_second_order(name, fn, makers):
    gk.check_grads(fn, modes=("fwd", "rev"), order=2, rtol=1e-5, atol=1e-6)(*_make(makers))


@pytest.mark.parametrize("name, fn, shapes", COMPLEX_CASES, ids=[c[0] for c in COMPLEX_CASES])
def test_complex_holomorphic(name, fn, shapes):
    rng = _rng(name)
    args = [rng.standard_normal(s) + 1j * rng.standard_normal(s) + (3.0 * onp.eye(s[-1]) if len(s) > 1 else 0.0)
            for s in shapes]
    gk.check_grads(fn, modes=("fwd", "rev"), order=2)(*args)


VALUE_CASES = [
    ("solve", lambda a, b: (LA.solve(a, b), onp.linalg.solve(a, b)), [(2, 3, 3), (2, 3, 2)]),
    ("inv", lambda a: (LA.inv(a), onp.linalg.inv(a)), [(3, 3)]),
    ("pinv", lambda a: (LA.pinv(a), onp.linalg.pinv(a)), [(4, 3)]),
    ("det", lambda a: (LA.det(a), onp.linalg.det(a)), [(2, 3, 3)]),
    ("slogdet", lambda a: (LA.slogdet(a), onp.linalg.slogdet(a)), [(3, 3)]),
    ("cholesky", lambda a: (LA.cholesky(a @ a.T + onp.eye(3)), onp.linalg.cholesky(a @ a.T + onp.eye(3))), [(3, 3)]),
    ("eigh", lambda a: (LA.eigh(a + a.T), onp.linalg.eigh(a + a.T)), [(3, 3)]),
    ("eigvalsh", lambda a: (LA.eigvalsh(a + a.T), onp.linalg.eigvalsh(a + a.T)), [(3, 3)]),
    ("eig", lambda a: (LA.eig(a), onp.linalg.eig(a)), [(3, 3)]),
    ("eigvals", lambda a: (LA.eigvals(a), onp.linalg.eigvals(a)), [(3, 3)]),
    ("svd", lambda a: (LA.svd(a), onp.linalg.svd(a)), [(4, 3)]),
    ("svdvals", lambda a: (LA.svd(a, compute_uv=False), onp.linalg.svd(a, compute_uv=False)), [(2, 4, 3)]),
    ("qr", lambda a: (LA.qr(a, "complete"), onp.linalg.qr(a, "complete")), [(4, 3)]),
    ("qr r", lambda a: (LA.qr(a, "r"), onp.linalg.qr(a, "r")), [(3, 4)]),
    ("lstsq", lambda a, b: (LA.lstsq(a, b)[:3], onp.linalg.lstsq(a, b)[:3]), [(5, 3), (5, 2)]),
    ("matrix_power", lambda a: (LA.matrix_power(a, 0), onp.linalg.matrix_power(a, 0)), [(2, 3, 3)]),
    ("multi_dot", lambda a, b, c: (LA.multi_dot([a, b, c]), onp.linalg.multi_dot([a, b, c])), [(3,), (3, 4), (4,)]),
    ("tensorinv", lambda a: (LA.tensorinv(a.reshape(6, 2, 3), 1), onp.linalg.tensorinv(a.reshape(6, 2, 3), 1)),
     [(6, 6)]),
    ("tensorsolve", lambda a, b: (LA.tensorsolve(a.reshape(6, 2, 3), b), onp.linalg.tensorsolve(a.reshape(6, 2, 3), b)),
     [(6, 6), (6,)]),
]


@pytest.mark.parametrize("name, pair, shapes", VALUE_CASES, ids=[c[0] for c in VALUE_CASES])
def test_values_match_numpy(name, pair, shapes):
    rng = _rng(name)
    ours, theirs = pair(*[rng.standard_normal(s) + (2.0 * onp.eye(s[-1]) if len(s) > 1 and s[-1] == s[-2] else 0.0)
                          for s in shapes])
    for a, b in zip(gk.core.tree_flatten(ours)[0], gk.core.tree_flatten(theirs)[0]):
        onp.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-12)


# -- the lecture's closed forms ------------------------------------------------------------------
def test_L15_solve_gradient_closed_form():
    # L = <c, x> with x = A^{-1} b: dL/dA = -A^{-T} c x^T, dL/db = A^{-T} c
    A, b, c = _well((4, 4), 100), _normal((4,), 101), _normal((4,), 102)
    gA, gb = gk.grad(lambda A, b: np.dot(c, LA.solve(A, b)), argnums=(0, 1))(A, b)
    x, lam = onp.linalg.solve(A, b), onp.linalg.solve(A.T, c)
    onp.testing.assert_allclose(gA, -onp.outer(lam, x), rtol=1e-12, atol=1e-14)
    onp.testing.assert_allclose(gb, lam, rtol=1e-12, atol=1e-14)


def test_L15_forward_mode_closed_form():
    # dx = A^{-1} (db - dA x)
    A, b, dA, db = _well((3, 3), 103), _normal((3,), 104), _normal((3, 3), 105), _normal((3,), 106)
    _, dx = gk.jvp(LA.solve, (A, b), (dA, db))
    x = onp.linalg.solve(A, b)
    onp.testing.assert_allclose(dx, onp.linalg.solve(A, db - dA @ x), rtol=1e-12)


def test_L16_svd_gradient_closed_form():
    # L = sum_i w_i s_i(W): dL/dW = U diag(w) V^T, through both svd forms
    W, w = _normal((5, 3), 107), onp.array([3.0, -1.0, 0.5])
    U, _, Vh = onp.linalg.svd(W, full_matrices=False)
    expected = U @ onp.diag(w) @ Vh
    for fn in (lambda W: np.sum(w * LA.svd(W, compute_uv=False)),
               lambda W: np.sum(w * LA.svd(W, full_matrices=False)[1]),
               lambda W: np.sum(w * LA.svd(W)[1])):
        onp.testing.assert_allclose(gk.grad(fn)(W), expected, rtol=1e-12, atol=1e-14)


def test_log_det_gradient_is_inverse_transpose():
    A = _well((4, 4), 108)
    onp.testing.assert_allclose(gk.grad(lambda a: LA.slogdet(a)[1])(A), onp.linalg.inv(A).T, rtol=1e-12)
    onp.testing.assert_allclose(gk.grad(LA.det)(A), onp.linalg.det(A) * onp.linalg.inv(A).T, rtol=1e-12)


def test_hessians_by_nesting_agree_in_every_order():
    A, b = _well((3, 3), 109), _normal((3,), 110)

    def loss(a):
        x = LA.solve(a, b)
        return np.sum(x * x) + np.sum(LA.cholesky(_spd(a))) + np.sum(LA.eigvalsh(_sym(a)) ** 3)
    h1 = gk.hessian(loss)(A)
    h2 = gk.jacrev(gk.jacrev(loss))(A)
    h3 = gk.jacfwd(gk.jacfwd(loss))(A)
    onp.testing.assert_allclose(h1, h2, rtol=1e-9, atol=1e-11)
    onp.testing.assert_allclose(h1, h3, rtol=1e-9, atol=1e-11)


# -- degenerate points: a warning or a named error, never a silent NaN ----------------------------
def test_repeated_eigenvalues_warn_and_give_the_projector_derivative():
    A = onp.diag([1.0, 1.0, 3.0])
    W = onp.arange(9.0).reshape(3, 3)

    def projector_loss(a):  # uses the repeated eigenspace only through its projector
        v = LA.eigh(a)[1][:, :2]
        return np.sum((v @ v.T) * W)
    with pytest.warns(DegenerateWarning):
        g = gk.grad(projector_loss)(A)
    # the projector onto span(e1, e2) moves by -(P dA Q + Q dA P) / (3 - 1), Q = e3 e3^T
    P, Q = onp.diag([1.0, 1.0, 0.0]), onp.diag([0.0, 0.0, 1.0])
    expected = -(P @ W @ Q + Q @ W @ P + (P @ W @ Q + Q @ W @ P).T) / 4.0
    # eigh reads the lower triangle: a symmetric motion of an off-diagonal pair is one entry's
    onp.testing.assert_allclose(g, onp.tril(expected) + onp.tril(expected.T, -1), atol=1e-12)


def test_eigenvalue_derivatives_at_repeated_eigenvalues_are_finite_and_silent():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        g = gk.grad(lambda a: np.sum(LA.eigvalsh(a)))(onp.eye(3))
    onp.testing.assert_allclose(g, onp.eye(3))


@pytest.mark.parametrize("loss", [lambda a: np.sum(LA.svd(a)[0][:, 0]), lambda a: np.sum(LA.svd(a)[2][1]),
                                  lambda a: np.sum(LA.eigh(a)[1][:, 0]),
                                  lambda a: LA.eigh(a)[1][:, 1] @ onp.array([1.0, 2.0, 3.0])],
                         ids=["svd U[:, 0]", "svd Vh[1]", "eigh V[:, 0]", "eigh V[:, 1] . c"])
def test_a_loss_on_one_vector_of_repeated_values_has_no_derivative(loss):
    """At eye(3) every basis is an eigenbasis: these losses have no derivative there."""
    with pytest.raises(LA.LinAlgError, match="depends on the basis chosen"):
        gk.grad(loss)(onp.eye(3))
    g = gk.grad(loss)(onp.diag([1.0, 2.0, 4.0]))  # off the repeated values: finite, silent
    assert onp.all(onp.isfinite(g))


def test_the_polar_factor_differentiates_exactly_at_repeated_singular_values():
    """U V^T is smooth at any invertible matrix, eye(3) (all singular values equal) included."""
    from scipy.linalg import polar
    W = onp.arange(9.0).reshape(3, 3)

    def loss(a):
        u, _, vh = LA.svd(a)
        return np.sum((u @ vh) * W)
    for a in (onp.eye(3), onp.diag([2.0, 2.0, 1.0]) + 0.1 * onp.triu(onp.ones((3, 3)), 1)):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DegenerateWarning)
            g = gk.grad(loss)(a)
            jv = gk.jvp(loss, (a,), (W.T,))[1]
        fd = gk.numeric.fd_gradient(lambda m: onp.sum(polar(m)[0] * W), a).grad
        onp.testing.assert_allclose(g, fd, atol=1e-6)
        onp.testing.assert_allclose(jv, onp.sum(fd * W.T), atol=1e-5)


def test_a_matrix_function_of_the_factors_at_repeated_values_warns():
    """V f(w) V^T at repeated w: the decomposition cannot give its f'(w) terms; the warning
    says so (A @ A itself differentiates exactly)."""
    def square_by_eigh(a):
        w, v = LA.eigh(a)
        return np.sum((v * w ** 2) @ v.T)
    with pytest.warns(DegenerateWarning, match="matrix function"):
        gk.grad(square_by_eigh)(onp.eye(3))


@pytest.mark.parametrize("fn", [lambda a: LA.solve(a, onp.ones(2)).sum(), lambda a: LA.inv(a).sum(),
                                lambda a: LA.slogdet(a)[1]], ids=["solve", "inv", "slogdet"])
def test_singular_matrix_raises_a_named_error(fn):
    with pytest.raises(LA.LinAlgError, match="Singular matrix"):
        gk.grad(fn)(onp.array([[1.0, 2.0], [2.0, 4.0]]))


@pytest.mark.parametrize("a", [onp.array([[1.0, 2.0], [2.0, 4.0]]), onp.arange(1.0, 10.0).reshape(3, 3),
                               onp.outer([1.0, 2.0, 3.0], [1.0, -1.0, 0.5]),
                               onp.stack([onp.eye(3), onp.arange(1.0, 10.0).reshape(3, 3)])],
                         ids=["rank 1 of 2", "rank 2 of 3", "rank 1 of 3", "stack with a singular one"])
def test_det_differentiates_at_singular_matrices(a):
    """d det(A) is the cofactor matrix, defined at singular A too (from the SVD there)."""
    f = lambda a: np.sum(LA.det(a))  # noqa: E731
    fd = gk.numeric.fd_gradient(lambda m: onp.sum(onp.linalg.det(m)), a).grad
    onp.testing.assert_allclose(gk.grad(f)(a), fd, atol=1e-6)
    # second order where the SVD's values are distinct (rank 1 of 3 repeats the zero; eye(3) repeats 1)
    gk.check_grads(f, modes=("fwd", "rev"), order=2 if len(set(onp.linalg.svd(a)[1].ravel().round(9))) ==
                   a.size // a.shape[-1] else 1)(a)


def test_not_positive_definite_raises():
    with pytest.raises(LA.LinAlgError):
        gk.grad(lambda a: LA.cholesky(a).sum())(-onp.eye(2))


def test_complex_decompositions_refuse_with_the_reason():
    z = onp.array([[2.0, 1j], [-1j, 3.0]])
    _, back = gk.vjp(lambda a: LA.qr(a)[1], z)
    with pytest.raises(MissingRuleError, match="real matrices only"):
        back(onp.ones((2, 2)))


# -- cost: the backward pass reuses the forward factorisation (lecture L15) -------------------------
def _count_calls(monkeypatch, module, names):
    counts = dict.fromkeys(names, 0)
    for name in names:
        original = getattr(module, name)

        def counted(*args, _name=name, _original=original, **kwargs):
            counts[_name] += 1
            return _original(*args, **kwargs)
        monkeypatch.setattr(module, name, counted)
    return counts


def test_solve_backward_reuses_the_lu_factors(monkeypatch):
    import scipy.linalg
    A, b = _well((6, 6), 111), _normal((6,), 112)
    factor = _count_calls(monkeypatch, scipy.linalg, ["lu_factor"])
    dense = _count_calls(monkeypatch, onp.linalg, ["solve", "inv"])
    gk.grad(lambda A, b: np.sum(LA.solve(A, b) ** 2), argnums=(0, 1))(A, b)
    # one factorisation (forward); the backward solve with A^T uses its triangular factors
    assert factor == {"lu_factor": 1}
    assert dense == {"solve": 0, "inv": 0}


def test_cholesky_backward_factorises_nothing(monkeypatch):
    import scipy.linalg
    X = _spd(_normal((6, 6), 113))
    chol = _count_calls(monkeypatch, onp.linalg, ["cholesky", "solve", "inv"])
    lu = _count_calls(monkeypatch, scipy.linalg, ["lu_factor"])
    gk.grad(lambda a: np.sum(LA.cholesky(a) ** 2))(X)
    assert chol == {"cholesky": 1, "solve": 0, "inv": 0} and lu == {"lu_factor": 0}


# -- the engine's other paths: jit, vmap, NumPy dispatch --------------------------------------------
def test_jit_replays_solve_with_the_new_matrix():
    f = gk.jit(gk.grad(lambda a, b: np.sum(LA.solve(a, b) ** 2)))
    for key in (114, 115):
        A, b = _well((3, 3), key), _normal((3,), key + 10)
        onp.testing.assert_allclose(f(A, b), gk.grad(lambda a, b: np.sum(LA.solve(a, b) ** 2))(A, b), rtol=1e-12)


def test_vmap_equals_a_loop():
    A, B = _well((4, 4), 116), _normal((5, 4), 117)
    out = gk.vmap(lambda b: LA.solve(A, b))(B)
    onp.testing.assert_allclose(out, onp.linalg.solve(A, B.T).T, rtol=1e-12)
    stack = _well((3, 4, 4), 118)
    onp.testing.assert_allclose(gk.vmap(LA.inv)(stack), onp.linalg.inv(stack), rtol=1e-12)


def test_numpy_linalg_dispatches_to_gradkit():
    A, b = _well((3, 3), 119), _normal((3,), 120)
    g = gk.grad(lambda a: onp.linalg.slogdet(a)[1] + onp.sum(onp.linalg.solve(a, b)))(A)
    expected = gk.grad(lambda a: LA.slogdet(a)[1] + np.sum(LA.solve(a, b)))(A)
    onp.testing.assert_allclose(g, expected, rtol=1e-12)


ARRAY_API = [("vector_norm", {}), ("vector_norm", dict(axis=(0, 2), keepdims=True)), ("vector_norm", dict(ord=1, axis=1)),
             ("matrix_norm", {}), ("matrix_norm", dict(ord="nuc")), ("diagonal", dict(offset=1)), ("trace", {}),
             ("matrix_transpose", {}), ("svdvals", {})]


@pytest.mark.parametrize("name, kw", ARRAY_API, ids=[f"{n}{kw}" for n, kw in ARRAY_API])
def test_array_api_names(name, kw):
    x = _normal((2, 3, 4), name)
    onp.testing.assert_allclose(getattr(LA, name)(x, **kw), getattr(onp.linalg, name)(x, **kw), rtol=1e-12)
    gk.check_grads(lambda x: getattr(LA, name)(x, **kw), order=2)(x)


def test_vecdot():
    x, y = _normal((2, 3), "x"), _normal((2, 3), "y")
    onp.testing.assert_allclose(LA.vecdot(x, y, axis=0), onp.linalg.vecdot(x, y, axis=0), rtol=1e-12)
    gk.check_grads(lambda x, y: LA.vecdot(x, y), order=2)(x, y)


@pytest.mark.parametrize("fn", [LA.cond, lambda a: LA.cond(a, "fro"), LA.det], ids=["cond", "cond fro", "det"])
def test_cond_and_det_gradients_under_jit_and_vmap(fn):
    """jit called twice with new inputs, and vmap against a loop; det at a singular matrix too."""
    a1, a2 = _well((3, 3), 90), onp.array([[1.0, 2.0, 3.0], [2.0, 4.0, 6.0], [0.5, 1.0, 2.0]])
    g = gk.grad(fn)
    jitted = gk.jit(g)
    for a in (a1, _well((3, 3), 91)):
        onp.testing.assert_allclose(jitted(a), g(a), rtol=1e-10)
    if fn is LA.det:  # det's rule picks its formula from the recording's values: a singular
        with pytest.raises(LA.LinAlgError, match="Singular matrix"):  # replay refuses, never guesses
            jitted(a2)
        onp.testing.assert_allclose(gk.jit(g)(a2), g(a2), rtol=1e-10)  # recorded there: the SVD path
    batch = onp.stack([a1, _well((3, 3), 92)])
    onp.testing.assert_allclose(gk.vmap(g)(batch), onp.stack([g(b) for b in batch]), rtol=1e-10)
