"""Finite differences: derivatives from values of f near x (lecture L9).

A difference scheme is a `Stencil`: f'(x) ~ sum_k w_k f(x + o_k h) / h with truncation
error O(h^p). A smaller h cuts the truncation error but magnifies the error in the
computed values of f, about F_NOISE |f| sum|w_k| / h, so each scheme has its own best
step; the default balances the two and scales with max(1, |x_i|). The complex step
(Im f(x + ih) / h, for f real on real x and analytic) subtracts nothing, so it has no
such trade-off and its step can be tiny. Richardson extrapolation ("richardson") starts
from a large step and halves it, cancelling truncation error level by level; its own
error estimates pick the result, so it needs no finely tuned step.

Costs in evaluations of f, x in R^d: forward and backward d + 1, central 2d, central4 4d,
central6 6d, complex step d, Richardson 2 per axis and level (levels chosen adaptively,
usually 6-9).
Every estimator returns an `Estimate` (value, n_evals, n_calls, method, step, error),
except `directional_derivative`, the plain-array form that `check_grads` uses.
"""
import math
from dataclasses import dataclass

import numpy as np

from .budget import Estimate, evaluate

__all__ = ["Stencil", "SCHEMES", "F_NOISE", "richardson_stencil", "fd_gradient", "fd_jacobian", "fd_hessian",
           "fd_directional", "directional_derivative", "fd_error_curve"]

EPS = float(np.finfo(float).eps)
# Relative error assumed in computed values of f when choosing default steps: tens of
# roundings, as in a sum over many terms. Functions computed more cleanly are better served
# by a smaller step, noisier ones by a larger; pass step= then.
F_NOISE = 30 * EPS

# adaptive Richardson extrapolation: first step (times max(1, |x_i|)), most levels, step ratio
RICHARDSON_FIRST_STEP, RICHARDSON_MAX_LEVELS, RICHARDSON_RATIO = 0.5, 12, 2.0


@dataclass(frozen=True)
class Stencil:
    """f'(x) ~ sum_k weights[k] f(x + offsets[k] h) / h, with truncation error O(h^order).

    `even`: the error expansion has only every second power of h (symmetric stencils), so
    extrapolation gains two orders per level instead of one. A complex offset is the complex
    step: offset i with weight -i gives Re(-i f(x + ih)) / h = Im f(x + ih) / h.

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
        """The step for |x| <= 1 minimising truncation + noise error when f and its derivatives
        are about 1: C h^p + F_NOISE sum|w| / h with C = |sum w o^(p+1)| / (p+1)!, so
        h = (F_NOISE sum|w| / (p C))^(1/(p+1)); e.g. (3 F_NOISE)^(1/3) for central differences."""
        if self.is_complex:
            return EPS   # no cancellation: any h << sqrt(eps) |x| leaves no truncation error
        p = self.order
        w, o = np.array(self.weights), np.array(self.offsets)
        c = abs(np.sum(w * o ** (p + 1))) / math.factorial(p + 1)
        return float((F_NOISE * np.sum(np.abs(w)) / (p * c)) ** (1 / (p + 1)))


def _gain(stencil):
    return 2 if stencil.even else 1


def richardson_stencil(stencil, levels=3, ratio=2.0):
    """The fixed stencil that Richardson extrapolation of `stencil` from the steps
    h, h/ratio, ..., h/ratio^(levels-1) amounts to (the estimates are linear in the values of
    f, so Richardson's table can be run once, on the weights). Order p + (levels-1) * gain.

    >>> r = richardson_stencil(SCHEMES["central"], levels=2)
    >>> r.order, r.offsets
    (4, (-1.0, -0.5, 0.5, 1.0))
    >>> [round(w * 6, 12) for w in r.weights]
    [1.0, -8.0, 8.0, -1.0]
    """
    if stencil.is_complex:
        raise ValueError("Richardson extrapolation of the complex step gains nothing: it has no rounding "
                         "error to trade against; use scheme='complex' directly.")

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
        power = stencil.order + (k - 1) * _gain(stencil)
        table = [combine(table[i], table[i - 1], power) for i in range(1, len(table))]
    final = {o: w for o, w in sorted(table[0].items()) if abs(w) > 1e-14}
    return Stencil(f"richardson({stencil.name}, {levels})", tuple(final), tuple(final.values()),
                   stencil.order + (levels - 1) * _gain(stencil), stencil.even)


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


def _scheme(scheme):
    if isinstance(scheme, Stencil) or scheme == "richardson":
        return scheme
    if scheme not in SCHEMES:
        raise ValueError(f"unknown finite-difference scheme {scheme!r}; use one of "
                         f"{sorted(SCHEMES) + ['richardson']} or a Stencil.")
    return SCHEMES[scheme]


def _as_array(x):
    x = np.asarray(x)
    return x.astype(float) if not np.issubdtype(x.dtype, np.inexact) else x


def _check_complex_step(stencil, *arrays):
    if stencil != "richardson" and stencil.is_complex and any(np.iscomplexobj(a) for a in arrays):
        raise ValueError("the complex step needs real x (and a real direction): it reads the derivative off "
                         "the imaginary part of f(x + ih); use scheme='central' for complex x.")


def _exactly(x, h):
    """The step the arithmetic actually takes from x, (x + h) - x, so that dividing by it is right."""
    return h if np.iscomplexobj(x) else (x + h) - x


def _axis_derivatives(f, x, stencil, h, vectorized, axes=None):
    """Derivatives of f at x along the coordinate axes `axes` (flat indices, default all) with
    steps h (one per axis), stacked: shape (len(axes),) + f(x).shape; and the Counted f."""
    xf = x.ravel()
    axes = np.arange(x.size) if axes is None else axes
    d = len(axes)
    dtype = complex if stencil.is_complex else np.result_type(x, float)
    moved = [(o, w) for o, w in zip(stencil.offsets, stencil.weights) if o != 0]
    w0 = sum(w for o, w in zip(stencil.offsets, stencil.weights) if o == 0)
    n = len(moved) * d

    def point(j):
        if j == n:   # f(x) itself, shared by every axis (forward, backward)
            return x.astype(dtype)
        k, t = divmod(j, d)
        p = xf.astype(dtype)
        p[axes[t]] += moved[k][0] * h[t]
        return p.reshape(x.shape)

    F, fc = evaluate(f, point, n + (w0 != 0), vectorized)
    D = np.tensordot(np.array([w for _, w in moved]), F[:n].reshape((len(moved), d) + F.shape[1:]), axes=1)
    if w0 != 0:
        D = D + w0 * F[n]
    D = D / h.reshape((d,) + (1,) * (F.ndim - 1))
    return (D.real if stencil.is_complex else D), fc


def _line_derivative(f, x, v, stencil, h, vectorized):
    """The derivative of f at x along v with step h, and the Counted f that measured it."""
    F, fc = evaluate(f, lambda k: x + stencil.offsets[k] * h * v, len(stencil.offsets), vectorized)
    D = np.tensordot(np.array(stencil.weights), F, axes=1) / h
    return (D.real if stencil.is_complex else D), fc


def _richardson(derivative, h0, exact):
    """Adaptive Richardson extrapolation of central differences (Ridders' method), elementwise.

    derivative(h, groups) -> (estimates for those groups, Counted f), with steps h per group
    (a group is a coordinate axis of x, or the one direction of a directional derivative);
    h0: first step per group; exact(h): the steps actually taken. Level l uses h0 / ratio^l
    and extends Richardson's table by one row; each element keeps the entry whose error
    estimate (its distance to the two entries it came from) is smallest, and stops when a new
    level does worse than the best so far (rounding error has taken over) or the error
    estimate reaches machine precision; only groups with an element still running are
    evaluated at the next level.
    Returns (best, error estimate, n_evals, n_calls)."""
    n = len(h0)
    groups = np.arange(n)
    n_evals = n_calls = 0
    with np.errstate(all="ignore"):   # the first, large steps may leave f's domain; NaNs are never chosen
        for level in range(RICHARDSON_MAX_LEVELS):
            D_live, fc = derivative(exact(h0 / RICHARDSON_RATIO ** level)[groups], groups)
            n_evals, n_calls = n_evals + fc.n_evals, n_calls + fc.n_calls
            if level == 0:
                best = np.full(D_live.shape, np.nan, dtype=D_live.dtype)
                err, live, prev = np.full(D_live.shape, np.inf), np.ones(D_live.shape, dtype=bool), [D_live]
                continue
            row = [np.full(best.shape, np.nan, dtype=best.dtype)]
            row[0][groups] = D_live
            candidates = [(row[0], np.abs(row[0] - prev[0]))]
            for j in range(1, level + 1):
                c = 1.0 / (RICHARDSON_RATIO ** (2 * j) - 1)   # central: errors in h^2, h^4, ...
                row.append(row[j - 1] + (row[j - 1] - prev[j - 1]) * c)
                candidates.append((row[j], np.maximum(np.abs(row[j] - row[j - 1]), np.abs(row[j] - prev[j - 1]))))
            before = err.copy()
            for value, error in candidates:
                better = live & (error < err)   # NaN is never better
                best[better], err[better] = value[better], error[better]
            # stop where the new row is worse than the best so far by a factor 2 (rounding
            # error has taken over) once the table has settled (at large steps it may wander
            # without meaning anything), or where the error is down to machine precision
            row_err = np.min([e for _, e in candidates], axis=0)
            settled = err <= 1e-6 * np.abs(best)
            live &= ~(settled & (row_err >= 2 * before)) & ~(err <= 4 * EPS * np.abs(best))
            prev = row
            groups = np.flatnonzero(live.reshape(n, -1).any(axis=1))
            if groups.size == 0:
                break
    return best, err, n_evals, n_calls


def fd_jacobian(f, x, scheme="central", step=None, vectorized=False):
    """The Jacobian of f at x, shape f(x).shape + x.shape, by finite differences.

    scheme: "forward", "backward", "central", "central4", "central6", "complex" (f must take
    complex input and be real for real x), "richardson" (adaptive extrapolation of central
    differences; `.error` estimates its error), or a Stencil.
    step: None for the scheme's default times max(1, |x_i|) (for "richardson", the first of
    its steps), else a step (scalar or shaped like x) used as given.
    vectorized: f takes a stack of points on a leading axis and returns the stack of values;
    all perturbed points then go in one call (one per level for "richardson").

    >>> J = fd_jacobian(lambda x: np.array([x[0] * x[1], np.sin(x[0])]), np.array([1.0, 2.0]))
    >>> np.round(J.value, 8), J.n_evals
    (array([[2.        , 1.        ],
           [0.54030231, 0.        ]]), 4)
    """
    stencil, x = _scheme(scheme), _as_array(x)
    _check_complex_step(stencil, x)
    if step is not None:
        h = np.broadcast_to(np.asarray(step, dtype=float), x.shape).ravel().copy()
    else:
        first = RICHARDSON_FIRST_STEP if stencil == "richardson" else stencil.default_step()
        h = first * np.maximum(1.0, np.abs(x)).ravel()
    exact_steps = step is None and (stencil == "richardson" or not stencil.is_complex)
    if stencil == "richardson":
        def derivative(hs, axes):
            return _axis_derivatives(f, x, SCHEMES["central"], hs, vectorized, axes)
        exact = (lambda hs: _exactly(x.ravel(), hs)) if exact_steps else (lambda hs: hs)
        D, err, n_evals, n_calls = _richardson(derivative, h, exact)
        method = "richardson"
    else:
        h = _exactly(x.ravel(), h) if exact_steps else h
        D, fc = _axis_derivatives(f, x, stencil, h, vectorized)
        err, n_evals, n_calls, method = None, fc.n_evals, fc.n_calls, stencil.name

    def shaped(a):   # (d,) + out  ->  out + x.shape
        return np.moveaxis(a, 0, -1).reshape(a.shape[1:] + x.shape)
    return Estimate(shaped(D), n_evals, n_calls, method, h.reshape(x.shape),
                    None if err is None else shaped(err))


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
    shape = np.shape(x)
    if est.value.size != np.size(x):
        raise ValueError(f"fd_gradient needs a scalar f, but f returned shape {est.value.shape[:-len(shape) or None]}"
                         "; use fd_jacobian for array-valued f.")
    reshape = (lambda a: None if a is None else a.reshape(shape))
    return Estimate(reshape(est.value), est.n_evals, est.n_calls, est.method, est.step, reshape(est.error))


def fd_directional(f, x, v, scheme="central", step=None, vectorized=False):
    """The derivative of f at x in direction v (v shaped like x), lim (f(x + h v) - f(x)) / h,
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
        first = RICHARDSON_FIRST_STEP if stencil == "richardson" else stencil.default_step()
        vmax = float(np.max(np.abs(v), initial=0.0)) or 1.0
        step = first * max(1.0, float(np.max(np.abs(x), initial=0.0))) / vmax
    h = float(step)
    if stencil == "richardson":
        def derivative(hs, _):
            D, fc = _line_derivative(f, x, v, SCHEMES["central"], float(hs[0]), vectorized)
            return D[None], fc
        D, err, n_evals, n_calls = _richardson(derivative, np.array([h]), lambda hs: hs)
        return Estimate(D[0], n_evals, n_calls, "richardson", h, err[0])
    D, fc = _line_derivative(f, x, v, stencil, h, vectorized)
    return Estimate(D, fc.n_evals, fc.n_calls, stencil.name, h)


def directional_derivative(f, x, v, scheme="central", step=None):
    """The derivative of f at x in direction v, as an array of f(x)'s shape: for central
    differences (f(x + h v) - f(x - h v)) / (2h). See `fd_directional` for the details.

    >>> directional_derivative(np.sin, np.zeros(2), np.array([1.0, 2.0]), "complex")
    array([1., 2.])
    """
    return fd_directional(f, x, v, scheme, step).value


# second differences: truncation O(h^2) against noise O(F_NOISE / h^2) gives h ~ F_NOISE^(1/4)
# (central); O(h) against O(F_NOISE / h^2) gives h ~ F_NOISE^(1/3) (forward)
_HESSIAN_STEP = {"central": F_NOISE ** 0.25, "forward": F_NOISE ** (1 / 3)}


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
                        f"{J.method} on grad", J.step, J.error)
    if scheme not in _HESSIAN_STEP:
        raise ValueError(f"second differences of values support schemes {sorted(_HESSIAN_STEP)}; "
                         "pass grad= to difference a gradient with any scheme.")
    xr = x.ravel()
    if step is None:
        h = _exactly(xr, _HESSIAN_STEP[scheme] * np.maximum(1.0, np.abs(xr)))
    else:
        h = np.broadcast_to(np.asarray(step, dtype=float), x.shape).ravel().copy()
    # each point is a tuple of (axis, signed multiple of its step)
    if scheme == "central":
        points = [()] + [((i, s),) for i in range(d) for s in (1, -1)]
        points += [((i, si), (j, sj)) for i in range(d) for j in range(i + 1, d) for si in (1, -1) for sj in (1, -1)]
    else:
        points = [()] + [((i, 1),) for i in range(d)] + [((i, 1), (j, 1)) for i in range(d) for j in range(i, d)]

    def point(k):
        p = xr.astype(np.result_type(x, float))
        for i, s in points[k]:
            p[i] += s * h[i]
        return p.reshape(x.shape)

    F, fc = evaluate(f, point, len(points), vectorized)
    fv = dict(zip(points, F.reshape(len(points))))
    H = np.empty((d, d), dtype=F.dtype)
    for i in range(d):
        for j in range(i, d):
            if scheme == "central" and i == j:
                H[i, i] = (fv[((i, 1),)] - 2 * fv[()] + fv[((i, -1),)]) / h[i] ** 2
            elif scheme == "central":
                H[i, j] = (fv[((i, 1), (j, 1))] - fv[((i, 1), (j, -1))]
                           - fv[((i, -1), (j, 1))] + fv[((i, -1), (j, -1))]) / (4 * h[i] * h[j])
            else:
                H[i, j] = (fv[((i, 1), (j, 1))] - fv[((i, 1),)] - fv[((j, 1),)] + fv[()]) / (h[i] * h[j])
            H[j, i] = H[i, j]
    return Estimate(H.reshape(x.shape + x.shape), fc.n_evals, fc.n_calls, f"{scheme} second differences",
                    h.reshape(x.shape))


def fd_error_curve(f, x, exact, schemes=("forward", "central", "central4", "central6", "complex"), steps=None):
    """Relative error ||g_h - g|| / ||g|| of each scheme's gradient against the exact gradient
    `exact`, over a log grid of steps (lecture L9: truncation error on the right, rounding
    error on the left, a V between). Returns (steps, {scheme: errors}), arrays.

    >>> steps, err = fd_error_curve(np.sin, np.array(1.0), np.cos(1.0), ["central"], [1e-1, 1e-5])
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
