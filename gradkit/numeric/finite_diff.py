"""Finite differences: derivatives from values of f near x (lecture L9).

A difference scheme is a `Stencil`: f'(x) ~ sum_k w_k f(x + o_k h) / h with truncation
error O(h^p). A smaller h cuts the truncation error but magnifies the error in the
computed values of f, about F_NOISE |f| sum|w_k| / h, so each scheme has its own best
step; the default balances the two and scales with max(1, |x_i|). The complex step
(Im f(x + ih) / h, for f real on real x and analytic) subtracts nothing, so it has no
such trade-off and its step can be tiny. Richardson extrapolation ("richardson") starts
from a large step and halves it, cancelling truncation error level by level; it accepts a
result only once the table shows the convergence the step predicts, and reports an error
that bounds the true one, or says (`converged`, a FiniteDifferenceWarning) that it could not.

Domains: `bounds=(lo, hi)` keeps every point evaluated within f's domain (steps shrink to
reach at most halfway to a bound, one-sided stencils at an edge); without bounds, a value
of f that is not finite makes the estimate shrink its step or turn one-sided. `notes` on
the Estimate says what was done.

Costs in evaluations of f, x in R^d: forward and backward d + 1, central 2d, central4 4d,
central6 6d, complex step d, Richardson 2 per axis and level (levels chosen adaptively,
usually 7-10; more where f varies on a scale much smaller than max(1, |x|)).
Every estimator returns an `Estimate` (value, n_evals, n_calls, method, step, error,
converged, notes), except `directional_derivative`, the plain-array form `check_grads` uses.
"""
import math
import warnings
from dataclasses import dataclass

import numpy as np

from .budget import Estimate, evaluate

__all__ = ["Stencil", "SCHEMES", "F_NOISE", "FiniteDifferenceWarning", "richardson_stencil", "one_sided",
           "fd_gradient", "fd_jacobian", "fd_hessian", "fd_directional", "directional_derivative", "fd_error_curve"]

EPS = float(np.finfo(float).eps)
# Relative error assumed in computed values of f when choosing default steps: tens of
# roundings, as in a sum over many terms. Functions computed more cleanly are better served
# by a smaller step, noisier ones by a larger; pass step= then.
F_NOISE = 30 * EPS

# adaptive Richardson extrapolation: first step (times max(1, |x_i|)), step ratio, most
# levels (steps down to 2^-44 of the first), most extrapolation columns (order 12)
RICHARDSON_FIRST_STEP, RICHARDSON_RATIO, RICHARDSON_MAX_LEVELS, RICHARDSON_COLUMNS = 0.25, 2.0, 45, 5
# levels of halving (a factor 2^8) a side of x may stay outside f's domain before one-sided differences
RICHARDSON_SHRINK_LEVELS = 8
# relative error assumed in each value of f when bounding the rounding error of an estimate
ROUNDING = 4 * EPS
# a bound may shrink a fixed stencil's step this much before it turns one-sided instead
SHRINK_LIMIT = 8.0
# the adaptive scheme only starts smaller (its table then has fewer levels to go): far more
ADAPTIVE_SHRINK_LIMIT = 2.0 ** 20


class FiniteDifferenceWarning(RuntimeWarning):
    """A finite-difference estimate that could not be made as asked: adaptive extrapolation
    that did not converge, or f not finite near x whatever the stencil. The estimate is
    still returned; the warning says what to distrust (and `.converged`, `.notes` say where).

    >>> import warnings
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     est = fd_gradient(lambda x: np.cbrt(x[0]), np.array([0.0]), "richardson")  # no derivative at 0
    >>> caught[0].category.__name__, est.converged
    ('FiniteDifferenceWarning', array([False]))
    """


@dataclass(frozen=True)
class Stencil:
    """f'(x) ~ sum_k weights[k] f(x + offsets[k] h) / h, with truncation error O(h^order);
    `name` is the scheme's (the keys of SCHEMES).

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
        """True for a complex-step stencil (an offset is complex: f must take complex input)."""
        return any(isinstance(o, complex) for o in self.offsets)

    def default_step(self):
        """The step for |x| <= 1 minimising truncation + noise error when f and its derivatives
        are about 1: C h^p + F_NOISE sum|w| / h with C = |sum w o^(p+1)| / (p+1)!, so
        h = (F_NOISE sum|w| / (p C))^(1/(p+1)); e.g. (3 F_NOISE)^(1/3) for central differences
        (lecture L9's trade between truncation and rounding error).

        >>> round(SCHEMES["central"].default_step(), 8), SCHEMES["complex"].is_complex
        (2.714e-05, True)
        """
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
    if not isinstance(scheme, str) or scheme not in SCHEMES:
        raise ValueError(f"unknown finite-difference scheme {scheme!r}; use one of "
                         f"{sorted(SCHEMES) + ['richardson']} or a Stencil.")
    return SCHEMES[scheme]


def one_sided(stencil, side):
    """The stencil of the same order whose points lie on one side of x only: offsets
    0, side, ..., order * side (side +1 or -1), used where x sits at the edge of f's domain.

    >>> one_sided(SCHEMES["central"], +1).weights
    (-1.5, 2.0, -0.5)
    """
    p = stencil.order
    o = side * np.arange(p + 1.0)
    w = np.linalg.solve(o[None, :] ** np.arange(p + 1)[:, None], np.eye(p + 1)[1])
    return _stencil(f"{stencil.name}, one-sided {'+' if side > 0 else '-'}", o, np.round(w, 14), p)


def _reach(stencil):
    """How far the stencil reaches below and above x, in units of h."""
    o = np.real(np.array(stencil.offsets, dtype=complex))
    return max(0.0, -float(o.min())), max(0.0, float(o.max()))


# --- what users hand in ------------------------------------------------------------------------

def _as_array(x, who="x"):
    x = np.asarray(x)
    if not (np.issubdtype(x.dtype, np.number) or x.dtype == bool):
        raise TypeError(f"{who} must be an array of numbers, got dtype {x.dtype}; convert it with np.asarray(..., float).")
    x = x.astype(float) if not np.issubdtype(x.dtype, np.inexact) else x
    if not np.all(np.isfinite(x)):
        raise ValueError(f"{who} has non-finite entries ({np.ravel(x)[~np.isfinite(np.ravel(x))][:3]}); "
                         "finite differences need a finite point.")
    return x


def _steps(step, x, who="step"):
    """A user's step, scalar or one per element of x, as a flat float array; refuses what
    would give a silently wrong derivative (0, NaN, inf, negative, the wrong shape)."""
    try:
        h = np.asarray(step, dtype=float)
    except (TypeError, ValueError):
        raise TypeError(f"{who} must be a positive number or an array of them shaped like x, got {step!r}.") from None
    try:
        h = np.broadcast_to(h, x.shape)
    except ValueError:
        raise ValueError(f"{who} has shape {h.shape} but x has shape {x.shape}; pass one step, or one per "
                         "element of x.") from None
    if not np.all(np.isfinite(h) & (h > 0)):
        bad = h.ravel()[~(np.isfinite(h.ravel()) & (h.ravel() > 0))][0]
        raise ValueError(f"{who} must be positive and finite, got {bad}; a difference with step 0 or NaN has "
                         "no meaning, and the side is chosen by the scheme ('forward', 'backward'), not the sign.")
    return h.ravel().copy()


def _bounds(bounds, x):
    """(lo, hi) flat arrays the points must stay within, or None for the whole real line."""
    if bounds is None:
        return None
    try:
        lo, hi = bounds
        lo = np.broadcast_to(np.asarray(-np.inf if lo is None else lo, dtype=float), x.shape).ravel()
        hi = np.broadcast_to(np.asarray(np.inf if hi is None else hi, dtype=float), x.shape).ravel()
    except (TypeError, ValueError):
        raise ValueError(f"bounds must be a pair (lo, hi) of numbers or arrays shaped like x {x.shape} "
                         f"(None for no bound), got {bounds!r}.") from None
    if np.iscomplexobj(x):
        raise ValueError("bounds apply to real x only.")
    xr = x.ravel()
    if np.any(np.isnan(lo) | np.isnan(hi)) or np.any(lo > hi):
        raise ValueError("bounds need lo <= hi without NaN.")
    if np.any((xr < lo) | (xr > hi)):
        i = int(np.flatnonzero((xr < lo) | (xr > hi))[0])
        raise ValueError(f"x lies outside bounds: x[{i}] = {xr[i]} not in [{lo[i]}, {hi[i]}]; the derivative is "
                         "taken at a point of f's domain.")
    return lo, hi


def _check_complex_step(stencil, *arrays):
    if stencil != "richardson" and stencil.is_complex and any(np.iscomplexobj(a) for a in arrays):
        raise ValueError("the complex step needs real x (and a real direction): it reads the derivative off "
                         "the imaginary part of f(x + ih); use scheme='central' for complex x.")


def _exactly(x, h):
    """The step the arithmetic actually takes from x, (x + h) - x, so that dividing by it is right."""
    return h if np.iscomplexobj(x) else (x + h) - x


def _fit(stencil, h, down, up, limit=None):
    """(stencil, step) for one axis whose points may go `down` below x and `up` above it:
    the stencil shrunk to reach at most halfway to a bound (so open domains are safe too),
    or, if that would cut the step more than SHRINK_LIMIT-fold, its one-sided form on the
    roomier side. A complex step stays in place (its real part does not move)."""
    if stencil.is_complex:
        return stencil, h
    below, above = _reach(stencil)
    fits = min(down / (2 * below) if below else np.inf, up / (2 * above) if above else np.inf)
    if fits >= h:
        return stencil, h
    if fits >= h / (SHRINK_LIMIT if limit is None else limit):
        return stencil, fits
    side = 1 if up >= down else -1
    room = up if side > 0 else down
    if room <= 0:
        raise ValueError("bounds leave no room on either side of x for a difference; widen them.")
    return one_sided(stencil, side), min(h, room / (2 * stencil.order))


# --- evaluating stencils -----------------------------------------------------------------------

def _axis_derivatives(f, x, stencil, h, vectorized, axes=None):
    """Derivatives of f at x along the coordinate axes `axes` (flat indices, default all) with
    steps h (one per axis), stacked: shape (len(axes),) + f(x).shape. Returns (D, noise,
    finite, Counted f): noise = sum_k |w_k f(x + o_k h)| / h, what one rounding per value of
    f does to D in units of eps; finite[t]: every value of f along axis t was finite."""
    xf = x.ravel()
    axes = np.arange(x.size) if axes is None else np.asarray(axes)
    d = len(axes)
    dtype = complex if stencil.is_complex else np.result_type(x, float)
    moved = [(o, w) for o, w in zip(stencil.offsets, stencil.weights) if o != 0]
    w0 = sum(w for o, w in zip(stencil.offsets, stencil.weights) if o == 0)
    n = len(moved) * d

    def point(j):
        if j == n:   # f(x) itself, shared by every axis (forward, backward, one-sided)
            return x.astype(dtype)
        k, t = divmod(j, d)
        p = xf.astype(dtype)
        p[axes[t]] += moved[k][0] * h[t]
        return p.reshape(x.shape)

    F, fc = evaluate(f, point, n + (w0 != 0), vectorized)
    w = np.array([w for _, w in moved])
    Fm = F[:n].reshape((len(moved), d) + F.shape[1:])
    D = np.tensordot(w, Fm, axes=1)
    noise = np.tensordot(np.abs(w), np.abs(Fm), axes=1)
    finite = np.isfinite(Fm).reshape(len(moved), d, -1).all(axis=(0, 2))
    if w0 != 0:
        D = D + w0 * F[n]
        noise = noise + abs(w0) * np.abs(F[n])
        finite &= bool(np.all(np.isfinite(F[n])))
    hs = np.abs(h).reshape((d,) + (1,) * (F.ndim - 1))
    D = D / h.reshape(hs.shape)
    return (D.real if stencil.is_complex else D), noise / hs, finite, fc


def _mixed_axis_derivatives(f, x, stencils, h, vectorized, axes):
    """_axis_derivatives with a stencil per axis (axes sharing one go in one batch)."""
    axes = np.asarray(axes)
    out, n_evals, n_calls = None, 0, 0
    for s in dict.fromkeys(stencils[a] for a in axes):
        sel = np.flatnonzero([stencils[a] is s for a in axes])
        D, noise, finite, fc = _axis_derivatives(f, x, s, h[sel], vectorized, axes[sel])
        if out is None:
            out = (np.empty((len(axes),) + D.shape[1:], D.dtype), np.empty((len(axes),) + D.shape[1:]),
                   np.empty(len(axes), bool))
        out[0][sel], out[1][sel], out[2][sel] = D, noise, finite
        n_evals, n_calls = n_evals + fc.n_evals, n_calls + fc.n_calls
    return out[0], out[1], out[2], n_evals, n_calls


def _line_derivative(f, x, v, stencil, h, vectorized):
    """The derivative of f at x along v with step h: (D, noise, finite, Counted f)."""
    F, fc = evaluate(f, lambda k: x + stencil.offsets[k] * h * v, len(stencil.offsets), vectorized)
    w = np.array(stencil.weights)
    D = np.tensordot(w, F, axes=1) / h
    noise = np.tensordot(np.abs(w), np.abs(F), axes=1) / abs(h)
    return (D.real if stencil.is_complex else D), noise, bool(np.all(np.isfinite(F))), fc


# --- the adaptive scheme -------------------------------------------------------------------------

class _Table:
    """Richardson's table for every element at once, one row per level (step h0 / 2^k).
    Column j+1 removes the h^(order + j gain) term of column j (gain 2 for central
    differences, whose error has even powers only; 1 for one-sided)."""

    def __init__(self, shape):
        self.rows, self.shape = [], shape

    def add(self, D, order, gain, restart):
        """Append the level with base estimates D; rows of groups that `restart` begin afresh."""
        prev = self.rows[-1] if self.rows else []
        row = [D]
        for j in range(min(len(prev), RICHARDSON_COLUMNS)):
            below = np.where(restart[:, None], np.nan, prev[j])
            row.append(row[j] + (row[j] - below) / (RICHARDSON_RATIO ** (order + j * gain) - 1))
        self.rows.append(row)

    def correction(self, k, j):
        """T[k][j] - T[k-1][j], NaN where it does not exist."""
        if k < 1 or j >= len(self.rows[k - 1]) or j >= len(self.rows[k]):
            return np.full(self.shape, np.nan)
        return self.rows[k][j] - self.rows[k - 1][j]


def _richardson(derivative, h0, exact):
    """Adaptive Richardson extrapolation (Ridders' method with a convergence test), elementwise.

    derivative(h, groups, sides) -> (D, noise, finite, n_evals, n_calls) for those groups
    (a group is a coordinate axis of x, or the one direction of a directional derivative),
    D shaped (len(groups),) + f(x).shape, with steps h and a side per group (0: central
    differences, +1 or -1: one-sided). h0: first step per group; exact(h): the steps
    actually taken. Level k uses the step h0 / 2^k.

    An entry of the table is accepted only where the corrections that built it shrink at
    the rate the step predicts, at two levels in a row, or are down to rounding level: on a
    function that varies faster than the step (sin at large x) they do not, however close
    two entries happen to be. Among accepted entries the one with the smallest error
    estimate (Ridders': its distance to the two entries it came from, and at least the
    rounding error of the values of f it combines) is kept. An element stops when its
    estimate reaches rounding level or three levels bring no better entry. Where f is not
    finite at a level the step shrinks (that is the next level); where one side of x stays
    outside f's domain for 2^RICHARDSON_SHRINK_LEVELS-fold smaller steps, that group goes
    one-sided on the other side and starts its table again.
    Returns (best, error, converged, n_evals, n_calls, notes), the first three shaped like D."""
    n = len(h0)
    side = np.zeros(n, int)
    start = np.zeros(n, int)         # the level at which each group's table (re)starts
    bad_since = np.full(n, -1)       # first level of a run at which a group's values were not finite
    table, noises, notes = None, [], []
    n_evals = n_calls = 0
    groups = np.arange(n)
    with np.errstate(all="ignore"):
        for k in range(RICHARDSON_MAX_LEVELS):
            hk = exact(h0 / RICHARDSON_RATIO ** k)
            Dg, Ng, Fg, ne, nc = derivative(hk[groups], groups, side[groups])
            n_evals, n_calls = n_evals + ne, n_calls + nc
            if table is None:
                out_shape = Dg.shape[1:]
                elem = (n, int(np.prod(out_shape)))
                table = _Table(elem)
                best, best_any = np.full(elem, np.nan, Dg.dtype), np.full(elem, np.nan, Dg.dtype)
                err, err_any = np.full(elem, np.inf), np.full(elem, np.inf)
                best_level = np.zeros(elem, int)
                live, accepted = np.ones(elem, bool), np.zeros(elem, bool)
            D, noise = np.full(elem, np.nan, Dg.dtype), np.full(elem, np.inf)
            D[groups], noise[groups] = Dg.reshape(len(groups), -1), Ng.reshape(len(groups), -1)
            # one side of x that stays outside f's domain: one-sided differences, a fresh table
            bad = groups[~Fg]
            bad_since[bad[bad_since[bad] < 0]] = k
            bad_since[groups[Fg]] = -1
            for g in bad[(side[bad] == 0) & (k - bad_since[bad] >= RICHARDSON_SHRINK_LEVELS)]:
                side[g], ne, nc = _finite_side(derivative, hk, g)
                start[g], bad_since[g], n_evals, n_calls = k + 1, -1, n_evals + ne, n_calls + nc
                notes.append(f"f is not finite on one side of x {_where(g, n)} down to step {abs(hk[g]):.3g}: "
                             f"one-sided differences ({'+' if side[g] > 0 else '-'}) from there on")
            table.add(D, 2, np.where(side == 0, 2, 1)[:, None], start == k)
            noises.append(noise)
            floor = ROUNDING * noise
            floor1 = ROUNDING * noises[k - 1] if k >= 1 else floor
            gain = np.where(side == 0, 2, 1)[:, None]
            fresh_levels = k - start[:, None]
            for m in range(1, len(table.rows[k])):
                j = m - 1
                shrink = RICHARDSON_RATIO ** (-(2 + j * gain) / 2.0)
                c0, c1, c2 = (np.abs(table.correction(k - i, j)) for i in range(3))
                decays = (((c0 <= shrink * c1) | (c0 <= 2 * floor)) & ((c1 <= shrink * c2) | (c1 <= 2 * floor1))
                          & (fresh_levels >= m + 2))
                T = table.rows[k][m]
                e = np.maximum(np.abs(T - table.rows[k][m - 1]), np.abs(T - table.rows[k - 1][m - 1]))
                e = np.maximum(e, 2 * floor)        # never below the rounding error of the values used
                finite = np.isfinite(T) & np.isfinite(e)
                ok = live & decays & finite
                better = ok & (e < err)
                best[better], err[better], best_level[better] = T[better], e[better], k
                accepted |= ok
                anyb = live & finite & (e < err_any)
                best_any[anyb], err_any[anyb] = T[anyb], e[anyb]
            # a smaller step that moves the plain difference away from the accepted value (where
            # convergence would bring it closer) unmasks a plateau of aliased values: start over
            dev, dev1 = np.abs(D - best), np.abs(table.rows[k - 1][0] - best) if k else np.inf
            unmasked = live & accepted & (best_level < k) & (dev > 4 * dev1) & (dev > 10 * (err + 2 * floor))
            if unmasked.any():
                accepted &= ~unmasked
                err[unmasked], err_any[unmasked], best[unmasked] = np.inf, np.inf, np.nan
            # stop: at rounding level (smaller steps only add rounding error), no better accepted
            # entry for three levels, or steps so small that rounding swamps the difference and
            # its changes
            at_floor = accepted & (err <= 4 * floor + 4 * EPS * np.abs(best)) & (k > best_level)
            stale = accepted & (k - best_level >= 3)
            hopeless = (~accepted & (floor > np.abs(D)) & (np.abs(table.correction(k, 0)) > 4 * floor)
                        & (fresh_levels >= 2))
            zero_step = np.repeat(hk == 0, elem[1]).reshape(elem)
            live &= ~(at_floor | stale | hopeless | zero_step)
            groups = np.flatnonzero(live.any(axis=1))
            if groups.size == 0:
                break
        if not accepted.all():   # the best guess, with the spread of the estimates as its error
            last = table.rows[-1][0]
            guess = np.where(np.isfinite(best_any), best_any, last)
            spread = np.where(np.isfinite(err_any), np.maximum(err_any, np.abs(guess - last)), np.inf)
            spread = np.where(np.isnan(spread), np.inf, spread)
            best, err = np.where(accepted, best, guess), np.where(accepted, err, spread)
    shape = (n,) + out_shape
    return best.reshape(shape), err.reshape(shape), accepted.reshape(shape), n_evals, n_calls, notes


def _where(g, n):
    return f"along axis {g}"


def _finite_side(derivative, h, g):
    """The side (+1 or -1) on which one-sided differences of f along group g are finite,
    and the evaluations spent finding it."""
    ne = nc = 0
    for s in (1, -1):
        _, _, finite, e, c = derivative(h[[g]], np.array([g]), np.array([s]))
        ne, nc = ne + e, nc + c
        if finite.all():
            return s, ne, nc
    return 1, ne, nc


def _not_converged_warning(converged, where):
    if not np.all(converged):
        warnings.warn(f"adaptive finite differences did not converge for {int(np.size(converged) - np.sum(converged))}"
                      f" of {np.size(converged)} entries {where}: their `error` is the spread of the estimates, not "
                      "a bound (f may vary faster than any step tried, be non-smooth there or noisy); "
                      "`converged` marks them.", FiniteDifferenceWarning, stacklevel=3)


def _fixed(f, x, stencil, h, vectorized, lo_hi, exact_steps):
    """A fixed stencil per axis, fitted to the domain and retried one-sided where f is not
    finite: (D stacked per axis, n_evals, n_calls, steps, notes)."""
    d = x.size
    xr = x.ravel()
    stencils = [stencil] * d
    notes = []
    if lo_hi is not None and not stencil.is_complex:
        lo, hi = lo_hi
        for i in range(d):
            s, hi_ = _fit(stencil, h[i], xr[i] - lo[i], hi[i] - xr[i])
            if s is not stencil or hi_ != h[i]:
                notes.append(f"axis {i}: {'one-sided' if s is not stencil else 'shrunk'} step {hi_:.3g} "
                             "to stay within bounds")
            if s is not stencil and min(xr[i] - lo[i], hi[i] - xr[i]) > 0:
                warnings.warn(f"x[{i}] is within {min(xr[i] - lo[i], hi[i] - xr[i]):.3g} of a bound, much closer "
                              f"than the step {h[i]:.3g}: a one-sided fixed step there may be far off if f varies on "
                              "that scale (log, sqrt near 0); scheme='richardson' measures its error.",
                              FiniteDifferenceWarning, stacklevel=3)
            stencils[i], h[i] = s, hi_
    if exact_steps:
        h = _exactly(xr, h)
    with np.errstate(all="ignore"):
        D, _, finite, n_evals, n_calls = _mixed_axis_derivatives(f, x, stencils, h, vectorized, np.arange(d))
        if not finite.all() and not stencil.is_complex:
            for i in np.flatnonzero(~finite):   # f not finite at a point: the other side, or smaller steps
                for s, hh in [(one_sided(stencil, 1), h[i]), (one_sided(stencil, -1), h[i]),
                              (stencil, h[i] / 2 ** RICHARDSON_SHRINK_LEVELS)]:
                    hh = _exactly(xr[i:i + 1], np.array([hh]))
                    Di, _, ok, fc = _axis_derivatives(f, x, s, hh, vectorized, np.array([i]))
                    n_evals, n_calls = n_evals + fc.n_evals, n_calls + fc.n_calls
                    if ok.all():
                        D[i], h[i] = Di[0], hh[0]
                        notes.append(f"axis {i}: f was not finite at x +- h; used {s.name} with step {hh[0]:.3g}")
                        warnings.warn(f"f is not finite at x +- h along axis {i} (x near the edge of its domain?): "
                                      f"used {s.name} with step {hh[0]:.3g} instead, whose accuracy is unknown; "
                                      "pass bounds=(lo, hi), or use scheme='richardson' for an error estimate.",
                                      FiniteDifferenceWarning, stacklevel=3)
                        break
                else:
                    warnings.warn(f"f is not finite near x along axis {i} for any stencil tried; that entry is "
                                  "not finite. Pass bounds=(lo, hi) for f's domain or move x inside it.",
                                  FiniteDifferenceWarning, stacklevel=3)
    return D, n_evals, n_calls, h, notes


def fd_jacobian(f, x, scheme="central", step=None, vectorized=False, bounds=None):
    """The Jacobian of f at x, shape f(x).shape + x.shape, by finite differences, as an
    `Estimate` (`.value` the Jacobian, `.n_evals` its cost; lecture L9). Wherever f is not
    finite at a point, the estimate shrinks the step or turns one-sided; `.notes` says what
    it did.

    Args:
        f: a function of an array x, returning an array (or a number), real or complex.
        x: the point, an array.
        scheme: "forward", "backward", "central", "central4", "central6", "complex" (f must
            take complex input and be real for real x), "richardson" (adaptive extrapolation
            of central differences: `.error` bounds each entry's error, `.converged` says
            where it could not, with a FiniteDifferenceWarning), or a Stencil.
        step: None for the scheme's default times max(1, |x_i|) (for "richardson", the first
            of its steps), else a positive step (scalar or shaped like x) used as given.
        vectorized: f takes a stack of points on a leading axis and returns the stack of
            values; all perturbed points then go in one call (one per level for "richardson").
        bounds: (lo, hi), scalars or arrays shaped like x (None for no bound): f's domain;
            every point evaluated stays within it, at most halfway to a bound, one-sided at
            an edge.

    >>> J = fd_jacobian(lambda x: np.array([x[0] * x[1], np.sin(x[0])]), np.array([1.0, 2.0]))
    >>> np.round(J.value, 8), J.n_evals
    (array([[2.        , 1.        ],
           [0.54030231, 0.        ]]), 4)
    """
    stencil, x = _scheme(scheme), _as_array(x)
    _check_complex_step(stencil, x)
    lo_hi = _bounds(bounds, x)
    if step is not None:
        h = _steps(step, x)
    else:
        first = RICHARDSON_FIRST_STEP if stencil == "richardson" else stencil.default_step()
        h = first * np.maximum(1.0, np.abs(x)).ravel()
    exact_steps = step is None and (stencil == "richardson" or not stencil.is_complex)
    converged = None
    if stencil == "richardson":
        D, err, converged, n_evals, n_calls, notes = _adaptive_axes(f, x, h, vectorized, lo_hi, exact_steps)
        method = "richardson"
        _not_converged_warning(converged, "of the Jacobian")
    else:
        D, n_evals, n_calls, h, notes = _fixed(f, x, stencil, h, vectorized, lo_hi, exact_steps)
        err, method = None, stencil.name

    def shaped(a):   # (d,) + out  ->  out + x.shape
        return None if a is None else np.moveaxis(a, 0, -1).reshape(a.shape[1:] + x.shape)
    out_shape = D.shape[1:]
    if converged is not None:
        converged = shaped(converged.reshape((x.size,) + out_shape))
        err = err.reshape((x.size,) + out_shape)
    return Estimate(shaped(D.reshape((x.size,) + out_shape)), n_evals, n_calls, method, h.reshape(x.shape),
                    shaped(err), converged, tuple(notes))


def _adaptive_axes(f, x, h, vectorized, lo_hi, exact_steps):
    """Adaptive Richardson along every coordinate axis: (D, error, converged, n_evals,
    n_calls, notes), the first three shaped (d,) + f(x).shape."""
    xr = x.ravel()
    central, notes = SCHEMES["central"], []
    fixed_side = np.zeros(x.size, int)   # sides forced by the bounds
    if lo_hi is not None:
        lo, hi = lo_hi
        for i in range(x.size):
            s, h[i] = _fit(central, h[i], xr[i] - lo[i], hi[i] - xr[i], ADAPTIVE_SHRINK_LIMIT)
            if s is not central:
                fixed_side[i] = int(s.offsets[1])
                notes.append(f"axis {i}: x is at the edge of bounds; one-sided differences ({s.name})")
    stencil_of = {0: central, 1: one_sided(central, 1), -1: one_sided(central, -1)}

    def derivative(hs, axes, side):
        side = np.where(fixed_side[axes] != 0, fixed_side[axes], side)
        return _mixed_axis_derivatives(f, x, {a: stencil_of[s] for a, s in zip(axes, side)}, hs, vectorized, axes)

    exact = (lambda hs: _exactly(xr, hs)) if exact_steps else (lambda hs: hs)
    D, err, conv, ne, nc, more = _richardson(derivative, h, exact)
    return D, err, conv, ne, nc, notes + more


def fd_gradient(f, x, scheme="central", step=None, vectorized=False, method=None, bounds=None):
    """The gradient of a scalar f at x (shape of x) by finite differences, as an `Estimate`;
    see `fd_jacobian` for the options. `method` is another name for `scheme` (the optimisers
    and the lab use it). Lecture L7 (the central-difference estimator) and L9 (forward
    differences cost d + 1 evaluations of f, central ones 2d).

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
    est = fd_jacobian(f, x, scheme, step, vectorized, bounds)
    shape = np.shape(x)
    if est.value.size != np.size(x):
        raise ValueError(f"fd_gradient needs a scalar f, but f returned shape {est.value.shape[:-len(shape) or None]}"
                         "; use fd_jacobian for array-valued f.")
    reshape = (lambda a: None if a is None else a.reshape(shape))
    return Estimate(reshape(est.value), est.n_evals, est.n_calls, est.method, est.step, reshape(est.error),
                    reshape(est.converged), est.notes)


def _line_room(x, v, lo_hi):
    """How far (in multiples t of v) x + t v may go back and forth within the bounds."""
    if lo_hi is None:
        return np.inf, np.inf
    lo, hi = lo_hi
    xr, vr = x.ravel(), v.ravel().real
    with np.errstate(divide="ignore", invalid="ignore"):
        up = np.where(vr > 0, (hi - xr) / vr, np.where(vr < 0, (lo - xr) / vr, np.inf))
        down = np.where(vr > 0, (xr - lo) / vr, np.where(vr < 0, (xr - hi) / vr, np.inf))
    return float(np.min(down, initial=np.inf)), float(np.min(up, initial=np.inf))


def fd_directional(f, x, v, scheme="central", step=None, vectorized=False, bounds=None):
    """The derivative of f at x in direction v (v shaped like x), lim (f(x + h v) - f(x)) / h,
    shape f(x).shape. f may return arrays of any shape or complex values, and x and v may be
    complex (perturbed along v as given) for every scheme but "complex". The default step is
    the scheme's default times max(1, max|x|) / max|v|, so that h v has the usual size.
    vectorized and bounds: as for `fd_jacobian` (the line x + t v stays within the bounds).

    >>> e = fd_directional(lambda x: x ** 2, np.array([1.0, 2.0]), np.array([1.0, -1.0]))
    >>> np.round(e.value, 8), e.n_evals
    (array([ 2., -4.]), 2)
    """
    stencil, x = _scheme(scheme), _as_array(x)
    v = _as_array(v, "the direction v")
    if v.shape != x.shape:
        try:
            v = np.broadcast_to(v, x.shape)
        except ValueError:
            raise ValueError(f"the direction v has shape {v.shape} but x has shape {x.shape}; pass v shaped "
                             "like x.") from None
    _check_complex_step(stencil, x, v)
    lo_hi = _bounds(bounds, x)
    if step is None:
        first = RICHARDSON_FIRST_STEP if stencil == "richardson" else stencil.default_step()
        vmax = float(np.max(np.abs(v), initial=0.0)) or 1.0
        step = first * max(1.0, float(np.max(np.abs(x), initial=0.0))) / vmax
    h = float(_steps(step, np.zeros(()))[0])
    down, up = _line_room(x, v, lo_hi)
    notes = []
    if stencil == "richardson":
        central = SCHEMES["central"]
        fixed_side = 0
        if lo_hi is not None:
            s, h = _fit(central, h, down, up, ADAPTIVE_SHRINK_LIMIT)
            fixed_side = 0 if s is central else int(s.offsets[1])
        stencil_of = {0: central, 1: one_sided(central, 1), -1: one_sided(central, -1)}

        def derivative(hs, _, side):
            s = stencil_of[fixed_side or int(side[0])]
            D, noise, finite, fc = _line_derivative(f, x, v, s, float(hs[0]), vectorized)
            return D[None], noise[None], np.array([finite]), fc.n_evals, fc.n_calls
        D, err, conv, n_evals, n_calls, more = _richardson(derivative, np.array([h]), lambda hs: hs)
        _not_converged_warning(conv, "of the directional derivative")
        return Estimate(D[0], n_evals, n_calls, "richardson", h, err[0], conv[0], tuple(notes + more))
    if lo_hi is not None:
        s, h2 = _fit(stencil, h, down, up)
        if s is not stencil or h2 != h:
            notes.append(f"{'one-sided' if s is not stencil else 'shrunk'} step {h2:.3g} to stay within bounds")
        stencil, h = s, h2
    with np.errstate(all="ignore"):
        D, _, finite, fc = _line_derivative(f, x, v, stencil, h, vectorized)
    n_evals, n_calls = fc.n_evals, fc.n_calls
    if not finite and not stencil.is_complex:
        for s, hh in [(one_sided(stencil, 1), h), (one_sided(stencil, -1), h),
                      (stencil, h / 2 ** RICHARDSON_SHRINK_LEVELS)]:
            with np.errstate(all="ignore"):
                Di, _, ok, fc = _line_derivative(f, x, v, s, hh, vectorized)
            n_evals, n_calls = n_evals + fc.n_evals, n_calls + fc.n_calls
            if ok:
                D, h = Di, hh
                notes.append(f"f was not finite at x +- h v; used {s.name} with step {hh:.3g}")
                warnings.warn(f"f is not finite at x +- h v: used {s.name} with step {hh:.3g} instead, whose "
                              "accuracy is unknown; pass bounds=(lo, hi), or use scheme='richardson'.",
                              FiniteDifferenceWarning, stacklevel=2)
                break
        else:
            warnings.warn("f is not finite near x along v for any stencil tried. Pass bounds=(lo, hi) for f's "
                          "domain or move x inside it.", FiniteDifferenceWarning, stacklevel=2)
    return Estimate(D, n_evals, n_calls, stencil.name, h, None, None, tuple(notes))


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


def fd_hessian(f, x, scheme="central", step=None, vectorized=False, grad=None, bounds=None):
    """The Hessian of a scalar f at x, shape x.shape + x.shape, as an `Estimate`.

    Without `grad`: second differences of values of f, scheme "central" (error O(h^2),
    2d^2 + 1 evaluations) or "forward" (O(h), (d + 1)(d + 2) / 2 evaluations).
    With `grad` (a function x -> gradient, exact or automatic): the Jacobian of grad by any
    scheme of `fd_jacobian`, symmetrised; n_evals then counts evaluations of grad.
    step, vectorized and bounds (f's domain) are as for `fd_jacobian`. Central second differences that would leave
    it, or meet a value of f that is not finite, become one-sided ones ("forward" with
    each axis stepping towards the roomier side); `notes` says so.

    >>> H = fd_hessian(lambda x: x[0] ** 2 * x[1], np.array([1.0, 3.0]))
    >>> np.round(H.value, 6), H.n_evals
    (array([[6., 2.],
           [2., 0.]]), 9)
    """
    x = _as_array(x)
    d = x.size
    if grad is not None:
        J = fd_jacobian(grad, x, scheme, step, vectorized, bounds)
        if J.value.size != d * d:
            raise ValueError(f"grad returned shape {J.value.shape[:J.value.ndim - x.ndim]}, not x's shape "
                             f"{x.shape}; pass the gradient of the scalar f.")
        H = J.value.reshape(d, d)
        return Estimate(((H + H.T) / 2).reshape(x.shape + x.shape), J.n_evals, J.n_calls,
                        f"{J.method} on grad", J.step, None if J.error is None else J.error.reshape(x.shape + x.shape),
                        None if J.converged is None else J.converged.reshape(x.shape + x.shape), J.notes)
    if scheme not in _HESSIAN_STEP:
        raise ValueError(f"second differences of values support schemes {sorted(_HESSIAN_STEP)}; "
                         "pass grad= to difference a gradient with any scheme.")
    xr = x.ravel()
    lo_hi = _bounds(bounds, x)
    h = _HESSIAN_STEP[scheme] * np.maximum(1.0, np.abs(xr)) if step is None else _steps(step, x)
    notes = []
    sign = np.ones(d)
    if lo_hi is not None:
        lo, hi = lo_hi
        down, up = xr - lo, hi - xr
        if scheme == "central" and np.any(np.minimum(down, up) / 2 < h / SHRINK_LIMIT):
            scheme = "forward"
            notes.append("central second differences would leave bounds: one-sided (forward/backward) ones")
        if scheme == "central":
            h = np.minimum(h, np.minimum(down, up) / 2)
        else:
            sign = np.where(up >= down, 1.0, -1.0)
            h = np.minimum(h, np.maximum(up, down) / 4)   # the diagonal reaches x + 2h
    if step is None:
        h = np.abs(_exactly(xr, sign * h))
    with np.errstate(all="ignore"):
        H, fc, finite = _second_differences(f, x, scheme, h, sign, vectorized)
        n_evals, n_calls = fc.n_evals, fc.n_calls
        if not finite and scheme == "central":   # leave out the side where f is not finite
            for sign in (np.ones(d), -np.ones(d)):
                H2, fc, ok = _second_differences(f, x, "forward", h, sign, vectorized)
                n_evals, n_calls = n_evals + fc.n_evals, n_calls + fc.n_calls
                if ok:
                    H, scheme, finite = H2, "forward", True
                    notes.append("f was not finite at a point of central second differences: one-sided ones "
                                 f"({'+' if sign[0] > 0 else '-'})")
                    break
    if not finite:
        warnings.warn("f is not finite at some point of the second differences; entries of the Hessian are not "
                      "finite. Pass bounds=(lo, hi) for f's domain or a smaller step.", FiniteDifferenceWarning,
                      stacklevel=2)
    return Estimate(H.reshape(x.shape + x.shape), n_evals, n_calls, f"{scheme} second differences",
                    h.reshape(x.shape), None, None, tuple(notes))


def _second_differences(f, x, scheme, h, sign, vectorized):
    """(Hessian d x d, Counted f, all values finite) from second differences with steps h and,
    for "forward", a direction sign per axis (+1 forward, -1 backward)."""
    d = x.size
    xr = x.ravel()
    # each point is a tuple of (axis, signed multiple of its step)
    if scheme == "central":
        points = [()] + [((i, s),) for i in range(d) for s in (1, -1)]
        points += [((i, si), (j, sj)) for i in range(d) for j in range(i + 1, d) for si in (1, -1) for sj in (1, -1)]
    else:
        points = [()] + [((i, 1),) for i in range(d)] + [((i, 1), (j, 1)) for i in range(d) for j in range(i, d)]
    hs = sign * h

    def point(k):
        p = xr.astype(np.result_type(x, float))
        for i, s in points[k]:
            p[i] += s * hs[i]
        return p.reshape(x.shape)

    F, fc = evaluate(f, point, len(points), vectorized)
    if F.size != len(points):
        raise ValueError(f"fd_hessian needs a scalar f, but f returned shape {F.shape[1:]}; use fd_jacobian of "
                         "its gradient for array-valued f.")
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
                H[i, j] = (fv[((i, 1), (j, 1))] - fv[((i, 1),)] - fv[((j, 1),)] + fv[()]) / (hs[i] * hs[j])
            H[j, i] = H[i, j]
    return H, fc, bool(np.all(np.isfinite(F)))


def fd_error_curve(f, x, exact, schemes=("forward", "central", "central4", "central6", "complex"), steps=None):
    """Relative error ||g_h - g|| / ||g|| of each scheme's gradient against the exact gradient
    `exact`, over a log grid of steps (lecture L9: truncation error on the right, rounding
    error on the left, a V between). f: a scalar function of x; schemes: names of
    `fd_jacobian`'s schemes; steps: the grid (default 1e-16 to 1). Returns
    (steps, {scheme: errors}), arrays.

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
