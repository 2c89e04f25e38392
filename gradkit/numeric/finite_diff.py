"""Finite differences: derivatives from values of f near x (lecture L9).

Every scheme is a `Stencil`: f'(x) ~ sum_k w_k f(x + o_k h) / h with truncation error
O(h^p). A smaller h cuts the truncation error but magnifies the rounding error of f,
about eps |f| sum|w_k| / h, so each scheme has its own best step; the default balances
the two for derivatives of size about one and scales with max(1, |x|). The complex step
(Im f(x + ih) / h, for f real on real x and analytic) subtracts nothing, so it has no
rounding trade-off and its step can be tiny.

Costs, in evaluations of f for x in R^d: forward and backward d + 1, central 2d,
central4 4d, central6 6d, Richardson (central at h, h/2, h/4) 6d, complex step d.
Every function returns an `Estimate` (value, n_evals, n_calls, method, step), except
`directional_derivative`, the plain-array form that `check_grads` uses.
"""
import math
from dataclasses import dataclass

import numpy as np

from .budget import Counted, Estimate

__all__ = ["Stencil", "SCHEMES", "richardson", "fd_gradient", "fd_jacobian", "fd_hessian",
           "fd_directional", "directional_derivative", "fd_error_curve"]

EPS = float(np.finfo(float).eps)


@dataclass(frozen=True)
class Stencil:
    """f'(x) ~ sum_k weights[k] f(x + offsets[k] h) / h, with truncation error O(h^order).

    `even`: the error expansion has only every second power of h (symmetric stencils), so
    Richardson extrapolation gains two orders per level instead of one. A complex offset
    is the complex step: offset i with weight -i gives Re(-i f(x + ih)) / h = Im f(x + ih) / h.

    >>> s = SCHEMES["central"]
    >>> s.offsets, s.weights, s.order
    ((-1.0, 1.0), (-0.5, 0.5), 2)
    """
    name: str
    offsets: tuple
    weights: tuple
    order: int
    even: bool = False

    @property
    def is_complex(self):
        return any(isinstance(o, complex) for o in self.offsets)

    def default_step(self):
        """The step, for |x| <= 1, that minimises truncation + rounding error when the
        derivatives of f are about 1: C h^p + eps sum|w| / h with C = |sum w o^(p+1)| / (p+1)!,
        so h = (eps sum|w| / (p C))^(1/(p+1)); e.g. (3 eps)^(1/3) for central differences."""
        if self.is_complex:
            return EPS   # no cancellation: any h << sqrt(eps) |x| leaves no truncation error
        p = self.order
        w, o = np.array(self.weights), np.array(self.offsets)
        c = abs(np.sum(w * o ** (p + 1))) / math.factorial(p + 1)
        return float((EPS * np.sum(np.abs(w)) / (p * c)) ** (1 / (p + 1)))


def richardson(stencil, levels=3, ratio=2.0):
    """Richardson extrapolation of `stencil` from the steps h, h/ratio, ..., h/ratio^(levels-1).

    Each level of Richardson's table cancels the leading error term of the one before
    (two orders at a time for symmetric stencils). The estimates are linear in the values
    of f, so the table is computed once, on the weights: the result is again a stencil.

    >>> r = richardson(SCHEMES["central"], levels=2)
    >>> r.order, r.offsets
    (4, (-1.0, -0.5, 0.5, 1.0))
    >>> [round(w * 6, 12) for w in r.weights]
    [1.0, -8.0, 8.0, -1.0]
    """
    if stencil.is_complex:
        raise ValueError("Richardson extrapolation of the complex step gains nothing: it has no rounding "
                         "error to trade against; use scheme='complex' directly.")
    gain = 2 if stencil.even else 1

    def level(i):   # the stencil at step h / ratio^i, as {offset: weight} in units of h
        s = ratio ** -i
        return {o * s: w / s for o, w in zip(stencil.offsets, stencil.weights)}

    def combine(fine, coarse, power):   # fine + (fine - coarse) / (ratio^power - 1)
        c = 1.0 / (ratio ** power - 1)
        out = {o: (1 + c) * w for o, w in fine.items()}
        for o, w in coarse.items():
            out[o] = out.get(o, 0.0) - c * w
        return out

    table = [level(i) for i in range(levels)]
    for k in range(1, levels):
        power = stencil.order + (k - 1) * gain
        table = [combine(table[i], table[i - 1], power) for i in range(1, len(table))]
    final = {o: w for o, w in sorted(table[0].items()) if abs(w) > 1e-14}
    return Stencil(f"richardson({stencil.name}, {levels})", tuple(final), tuple(final.values()),
                   stencil.order + (levels - 1) * gain, stencil.even)


def _stencil(name, offsets, weights, order):
    offsets = tuple(float(o) for o in offsets)
    even = sorted(offsets) == sorted(-o for o in offsets)
    return Stencil(name, offsets, tuple(float(w) for w in weights), order, even)


SCHEMES = {
    "forward": _stencil("forward", (0, 1), (-1, 1), 1),
    "backward": _stencil("backward", (-1, 0), (-1, 1), 1),
    "central": _stencil("central", (-1, 1), (-1 / 2, 1 / 2), 2),
    "central4": _stencil("central4", (-2, -1, 1, 2), (1 / 12, -2 / 3, 2 / 3, -1 / 12), 4),
    "central6": _stencil("central6", (-3, -2, -1, 1, 2, 3),
                         (-1 / 60, 3 / 20, -3 / 4, 3 / 4, -3 / 20, 1 / 60), 6),
    "complex": Stencil("complex", (1j,), (-1j,), 2),
}
SCHEMES["richardson"] = richardson(SCHEMES["central"], levels=3)


def _scheme(scheme):
    if isinstance(scheme, Stencil):
        return scheme
    if scheme not in SCHEMES:
        raise ValueError(f"unknown finite-difference scheme {scheme!r}; use one of {sorted(SCHEMES)} "
                         "or a Stencil (e.g. richardson(SCHEMES['forward'], levels=4)).")
    return SCHEMES[scheme]


def _as_array(x):
    x = np.asarray(x)
    return x.astype(float) if not np.issubdtype(x.dtype, np.inexact) else x


def _check_complex_step(stencil, *arrays):
    if stencil.is_complex and any(np.iscomplexobj(a) for a in arrays):
        raise ValueError("the complex step needs real x (and a real direction): it reads the derivative off "
                         "the imaginary part of f(x + ih); use scheme='central' for complex x.")


def _axis_steps(stencil, x, step):
    """One step per coordinate: the scheme's default times max(1, |x_i|), or `step` as given."""
    if step is not None:
        return np.broadcast_to(np.asarray(step, dtype=float), x.shape).ravel().copy()
    h = stencil.default_step() * np.maximum(1.0, np.abs(x)).ravel()
    if not stencil.is_complex and not np.iscomplexobj(x):
        xr = x.ravel()
        h = (xr + h) - xr   # a step the arithmetic takes exactly, so dividing by it is right
    return h


def _values(fc, point, n, vectorized):
    """f at point(0), ..., point(n-1), stacked on a leading axis: one batched call, or n calls."""
    if vectorized:
        return np.asarray(fc(np.stack([point(j) for j in range(n)])))
    return np.stack([np.asarray(fc(point(j))) for j in range(n)])


def _axis_derivatives(f, x, stencil, h, vectorized):
    """Derivatives of f at x along each coordinate axis, stacked: shape (x.size,) + f(x).shape,
    and the Counted f that measured them."""
    fc = Counted(f, batched=vectorized)
    xf, d = x.ravel(), x.size
    dtype = complex if stencil.is_complex else np.result_type(x, float)
    moved = [(o, w) for o, w in zip(stencil.offsets, stencil.weights) if o != 0]
    w0 = sum(w for o, w in zip(stencil.offsets, stencil.weights) if o == 0)
    n = len(moved) * d

    def point(j):
        if j == n:   # f(x) itself, shared by every coordinate (forward, backward)
            return x.astype(dtype)
        k, i = divmod(j, d)
        p = xf.astype(dtype)
        p[i] += moved[k][0] * h[i]
        return p.reshape(x.shape)

    F = _values(fc, point, n + (w0 != 0), vectorized)
    D = np.tensordot(np.array([w for _, w in moved]), F[:n].reshape((len(moved), d) + F.shape[1:]), axes=1)
    if w0 != 0:
        D = D + w0 * F[n]
    D = D / h.reshape((d,) + (1,) * (F.ndim - 1))
    return (D.real if stencil.is_complex else D), fc


def fd_jacobian(f, x, scheme="central", step=None, vectorized=False):
    """The Jacobian of f at x, shape f(x).shape + x.shape, by finite differences.

    scheme: "forward", "backward", "central", "central4", "central6", "richardson",
    "complex" (f must take complex input and be real for real x), or a Stencil.
    step: None for the scheme's default times max(1, |x_i|), else a step (scalar or shaped
    like x) used as given. vectorized: f takes a stack of points on a leading axis and
    returns the stack of values; all perturbed points then go in one call.

    >>> J = fd_jacobian(lambda x: np.array([x[0] * x[1], np.sin(x[0])]), np.array([1.0, 2.0]))
    >>> np.round(J.value, 8), J.n_evals
    (array([[2.        , 1.        ],
           [0.54030231, 0.        ]]), 4)
    """
    stencil, x = _scheme(scheme), _as_array(x)
    _check_complex_step(stencil, x)
    h = _axis_steps(stencil, x, step)
    D, fc = _axis_derivatives(f, x, stencil, h, vectorized)
    J = np.moveaxis(D, 0, -1).reshape(D.shape[1:] + x.shape)
    return Estimate(J, fc.n_evals, fc.n_calls, stencil.name, h.reshape(x.shape))


def fd_gradient(f, x, scheme="central", step=None, vectorized=False, method=None):
    """The gradient of a scalar f at x (shape of x) by finite differences; see `fd_jacobian`
    for the options. `method` is another name for `scheme` (the optimisers and the lab use it).

    >>> f = lambda x: np.sum(x ** 3)
    >>> g = fd_gradient(f, np.array([1.0, 2.0, 3.0]))
    >>> np.round(g.grad, 6), g.n_evals
    (array([ 3., 12., 27.]), 6)
    >>> fd_gradient(f, np.array([1.0, 2.0, 3.0]), "forward").n_evals
    4
    >>> fd_gradient(f, np.array([1.0, 2.0, 3.0]), "complex").grad
    array([ 3., 12., 27.])
    """
    if method is not None:
        scheme = method
    est = fd_jacobian(f, x, scheme, step, vectorized)
    x = np.asarray(x)
    if est.value.size != x.size:
        raise ValueError(f"fd_gradient needs a scalar f, but f returned shape {est.value.shape[:est.value.ndim - x.ndim]}; "
                         "use fd_jacobian for array-valued f.")
    return Estimate(est.value.reshape(x.shape), est.n_evals, est.n_calls, est.method, est.step)


def fd_directional(f, x, v, scheme="central", step=None, vectorized=False):
    """The derivative of f at x in direction v (v shaped like x): lim (f(x + h v) - f(x)) / h,
    shape f(x).shape. f may return arrays of any shape or complex values, and x and v may be
    complex (perturbed along v as given) for every scheme but "complex". The default step is
    the scheme's default times max(1, max|x|) / max|v|, so that h v has the usual size.

    >>> e = fd_directional(lambda x: x ** 2, np.array([1.0, 2.0]), np.array([1.0, -1.0]))
    >>> np.round(e.value, 8), e.n_evals
    (array([ 2., -4.]), 2)
    """
    stencil, x = _scheme(scheme), _as_array(x)
    v = np.broadcast_to(_as_array(v), x.shape)
    _check_complex_step(stencil, x, v)
    if step is None:
        vmax = float(np.max(np.abs(v), initial=0.0)) or 1.0
        step = stencil.default_step() * max(1.0, float(np.max(np.abs(x), initial=0.0))) / vmax
    h = float(step)
    fc = Counted(f, batched=vectorized)
    F = _values(fc, lambda k: x + stencil.offsets[k] * h * v, len(stencil.offsets), vectorized)
    D = np.tensordot(np.array(stencil.weights), F, axes=1) / h
    return Estimate(D.real if stencil.is_complex else D, fc.n_evals, fc.n_calls, stencil.name, h)


def directional_derivative(f, x, v, scheme="central", step=None):
    """The derivative of f at x in direction v, as an array of f(x)'s shape: for central
    differences (f(x + h v) - f(x - h v)) / (2h). See `fd_directional` for the details.

    >>> directional_derivative(np.sin, np.zeros(2), np.array([1.0, 2.0]), "complex")
    array([1., 2.])
    """
    return fd_directional(f, x, v, scheme, step).value


# second differences: (default step, evaluations) per scheme. Truncation O(h^2) against rounding
# O(eps / h^2) gives h ~ eps^(1/4) for central; O(h) against O(eps / h^2), h ~ eps^(1/3) forward
_HESSIAN_STEP = {"central": EPS ** 0.25, "forward": EPS ** (1 / 3)}


def fd_hessian(f, x, scheme="central", step=None, vectorized=False, grad=None):
    """The Hessian of a scalar f at x, shape x.shape + x.shape.

    Without `grad`: second differences of values of f, scheme "central" (error O(h^2),
    2d^2 + 1 evaluations) or "forward" (O(h), (d + 1)(d + 2) / 2 evaluations).
    With `grad` (a function x -> gradient, exact or automatic): the Jacobian of grad by any
    scheme of `fd_jacobian`, symmetrised; n_evals then counts evaluations of grad.

    >>> H = fd_hessian(lambda x: x[0] ** 2 * x[1], np.array([1.0, 3.0]))
    >>> np.round(H.value, 6), H.n_evals
    (array([[6., 2.],
           [2., 0.]]), 9)
    """
    x = _as_array(x)
    d = x.size
    if grad is not None:
        J = fd_jacobian(grad, x, scheme, step, vectorized)
        H = J.value.reshape(d, d)
        return Estimate(((H + H.T) / 2).reshape(x.shape + x.shape), J.n_evals, J.n_calls,
                        f"{J.method} on grad", J.step)
    if scheme not in _HESSIAN_STEP:
        raise ValueError(f"second differences of values support schemes {sorted(_HESSIAN_STEP)}; "
                         "pass grad= to difference a gradient with any scheme.")
    xr = x.ravel()
    if step is None:
        h = _HESSIAN_STEP[scheme] * np.maximum(1.0, np.abs(xr))
        h = (xr + h) - xr   # a step the arithmetic takes exactly
    else:
        h = np.broadcast_to(np.asarray(step, dtype=float), x.shape).ravel().copy()
    # each point is a list of (coordinate, signed multiple of its step)
    if scheme == "central":
        points = [[]] + [[(i, s)] for i in range(d) for s in (1, -1)]
        points += [[(i, si), (j, sj)] for i in range(d) for j in range(i + 1, d) for si in (1, -1) for sj in (1, -1)]
    else:
        points = [[]] + [[(i, 1)] for i in range(d)] + [[(i, 1), (j, 1)] for i in range(d) for j in range(i, d)]
    dtype = np.result_type(x, float)

    def point(k):
        p = x.ravel().astype(dtype)
        for i, s in points[k]:
            p[i] += s * h[i]
        return p.reshape(x.shape)

    fc = Counted(f, batched=vectorized)
    F = _values(fc, point, len(points), vectorized).reshape(len(points))
    value = dict(zip((tuple(p) for p in points), F))
    f0, H = value[()], np.empty((d, d), dtype=F.dtype)
    for i in range(d):
        for j in range(i, d):
            if scheme == "central" and i == j:
                H[i, i] = (value[((i, 1),)] - 2 * f0 + value[((i, -1),)]) / h[i] ** 2
            elif scheme == "central":
                H[i, j] = (value[((i, 1), (j, 1))] - value[((i, 1), (j, -1))]
                           - value[((i, -1), (j, 1))] + value[((i, -1), (j, -1))]) / (4 * h[i] * h[j])
            else:
                H[i, j] = (value[((i, 1), (j, 1))] - value[((i, 1),)] - value[((j, 1),)] + f0) / (h[i] * h[j])
            H[j, i] = H[i, j]
    return Estimate(H.reshape(x.shape + x.shape), fc.n_evals, fc.n_calls, f"{scheme} second differences",
                    h.reshape(x.shape))


def fd_error_curve(f, x, exact, schemes=("forward", "central", "central4", "central6", "richardson", "complex"),
                   steps=None):
    """Relative error ||g_h - g|| / ||g|| of each scheme's gradient against the exact gradient
    `exact`, over a log grid of steps (lecture L9: truncation error on the right, rounding
    error on the left, a V between). Returns (steps, {scheme: errors}), arrays.

    >>> steps, err = fd_error_curve(np.sin, np.array(1.0), np.cos(1.0), ["central"], np.array([1e-1, 1e-5]))
    >>> bool(err["central"][1] < err["central"][0] < 1e-2)
    True
    """
    steps = np.logspace(-16, 0, 65) if steps is None else np.asarray(steps, dtype=float)
    exact = np.asarray(exact)
    scale = np.linalg.norm(exact) or 1.0
    errors = {}
    for s in schemes:
        errors[s if isinstance(s, str) else s.name] = np.array(
            [np.linalg.norm(fd_gradient(f, x, s, step=h).value - exact) / scale for h in steps])
    return steps, errors
