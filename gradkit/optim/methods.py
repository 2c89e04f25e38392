"""First-order methods and the common front `minimize`.

Every method is one update rule inside one loop; the loop owns the bookkeeping (history,
stopping rules, callbacks, progress), the `Oracle` owns the gradient and its cost, the
step rule owns alpha. So GD with automatic, finite-difference or zero-order gradients
(lecture L6-L8) differs in one argument.
"""
import math
import time

import numpy as _np

from ..core import backend as _backend
from ..problems.base import Problem
from .oracles import Oracle, _exact_gradient
from .result import History, OptimizeResult
from .steps import Armijo, as_step

__all__ = ["minimize", "gd", "heavy_ball", "nesterov", "zo_gd", "METHODS"]

METHODS = ("gd", "heavy_ball", "nesterov")


def minimize(f, x0=None, method="gd", gradient="ad", step=None, momentum=None, *,
             L=None, mu=None, x_star=None, f_star=None,
             tol=1e-6, f_tol=None, dist_tol=None, max_iter=1000, max_evals=None, max_time=None,
             callback=None, keep_iterates=False, exact_grad_norm=False, progress=False,
             **gradient_options):
    """Minimise f from x0 with a first-order method. GD with exact, finite-difference and
    zero-order gradients (lecture L6-L8) differs in the one argument `gradient`.

    Args:
        f: a function written with gradkit.numpy (needed for gradient="ad"), or a `Problem`
            (then x0, L, mu, x_star, f_star and the distance to x* come from it).
        x0: the starting point, an array of numbers.
        method: "gd"; "heavy_ball" (x+ = x - alpha g + beta (x - x_prev)); "nesterov"
            (g taken at y = x + beta (x - x_prev)).
        gradient: "ad", "exact" (the problem's closed form), "fd", "zo", or a function
            x -> g; see `Oracle`.
        step: a number, "1/L", "armijo", "diminishing" or a rule from gradkit.optim.steps.
            None: "1/L" when L is known (divided by the estimator's second moment, so 1/(nL)
            for the spherical zero-order estimator), else Armijo backtracking. For heavy-ball
            with L and mu known, None means Polyak's tuned alpha = 4/(sqrt L + sqrt mu)^2, and
            its Armijo search does not grow the step between iterations.
        momentum: beta (a number or a function k -> beta). None: for heavy-ball Polyak's
            ((sqrt L - sqrt mu)/(sqrt L + sqrt mu))^2 when L, mu are known, else 0.9; for
            Nesterov (sqrt kappa - 1)/(sqrt kappa + 1) when mu > 0 is known, else k/(k + 3).
        L: the smoothness constant (the default step and momentum use it).
        mu: the strong convexity constant (the default momentum uses it).
        x_star: the minimiser, for the recorded distance `dist` to it.
        f_star: the minimum, for `f_tol`.
        tol: success once grad_norm <= tol.
        f_tol: success once f - f_star <= f_tol.
        dist_tol: success once dist <= dist_tol.
        max_iter: stop after this many iterations.
        max_evals: stop after this many evaluations of f (checked after each iteration, so a
            run may overshoot by one iteration's cost).
        max_time: stop after this many seconds of the method's own work.
        callback: called as callback(info) at each iterate; True stops the run. `info` has
            k, x, f, grad_norm, dist, n_fev, n_gev, time.
        keep_iterates: keep every x_k too (history["x"]).
        exact_grad_norm: record ||grad f(x_k)|| (closed form or AD, outside the accounting)
            instead of the norm of the gradient the method used (an estimate for "fd"/"zo",
            taken at y_k for Nesterov).
        progress: show a rich progress bar (off by default).
        **gradient_options: the gradient source's options: for "fd" scheme, step,
            vectorized; for "zo" estimator, n_dirs, eps, scheme, seed, vectorized.

    Returns:
        an `OptimizeResult` whose `history` has one row per iterate (f, grad_norm, dist, n_fev,
        n_gev, time). f(x_k) is always recorded, evaluated outside the accounting and the clock
        when the method did not compute it. A run whose f is not finite stops ("diverged");
        an exception raised during a run carries the run so far as its `.result`.

    >>> import numpy, gradkit.numpy as np
    >>> r = minimize(lambda x: np.sum((x - 1.0) ** 2), numpy.zeros(3), step=0.25, tol=1e-10)
    >>> r.x.round(6), r.message, r.history["f"][:3]
    (array([1., 1., 1.]), 'gradient norm <= tol', array([3.    , 0.75  , 0.1875]))
    """
    problem = f if isinstance(f, Problem) else None
    given_x_star = x_star
    if problem is not None:
        f = problem.f
        x0 = problem.x0 if x0 is None else x0
        L = problem.L if L is None else L
        mu = problem.mu if mu is None else mu
        x_star = problem.x_star if x_star is None else x_star
        f_star = problem.f_star if f_star is None else f_star
    if x0 is None:
        raise ValueError("minimize needs a starting point x0 (or a Problem, which has one).")
    if method not in METHODS:
        raise ValueError(f"unknown method {method!r}; use one of {', '.join(METHODS)} "
                         f"(zero-order GD is method='gd' with gradient='zo').")
    _backend.require_numpy(x0, "minimize (its iterates are NumPy arrays)")
    try:
        x = _np.array(x0, dtype=float)
    except (TypeError, ValueError):
        raise TypeError(f"x0 must be an array of numbers, got {type(x0).__name__}.") from None
    if not _np.all(_np.isfinite(x)):
        raise ValueError("x0 has non-finite entries; start from a finite point.")
    if isinstance(max_iter, bool) or not isinstance(max_iter, (int, _np.integer)) or max_iter < 0:
        raise ValueError(f"max_iter must be a whole number >= 0, got {max_iter!r}.")
    for name, value in (("tol", tol), ("f_tol", f_tol), ("dist_tol", dist_tol), ("max_evals", max_evals),
                        ("max_time", max_time)):
        if value is not None and not (isinstance(value, (int, float, _np.number)) and value >= 0):
            raise ValueError(f"{name} must be a number >= 0 or None, got {value!r}.")
    if problem is not None and given_x_star is None:
        distance = problem.distance  # e.g. Procrustes-aligned for MDS
    elif x_star is not None:
        x_star = _np.asarray(x_star, float)
        distance = lambda z: float(_np.linalg.norm(_np.ravel(z - x_star)))  # noqa: E731
    else:
        distance = lambda z: None  # noqa: E731
    oracle = Oracle(f, gradient, shape=x.shape, problem=problem, **gradient_options)
    rule, beta = _defaults(method, step, momentum, L, mu, oracle.second_moment)
    if hasattr(rule, "reset"):
        rule.reset(oracle.second_moment)
    rule_needs_value = getattr(rule, "needs_value", False)
    true_grad = _exact_gradient(f, problem) if exact_grad_norm else None

    history = History(keep_iterates)
    clock = 0.0  # seconds of the method's own work, recording excluded
    bar = _Bar(progress, max_iter, method, oracle.kind)
    x_prev, fx, k, message, success = x, None, 0, None, False
    try:
        while True:
            t0 = time.perf_counter()
            y = x if method != "nesterov" else x + beta(k) * (x - x_prev)
            g, fy = oracle.grad(y)
            if fy is None and y is x:
                fy = fx  # a line search may already have paid for f(x)
            if fy is None and rule_needs_value:
                fy = oracle.value(y)
            clock += time.perf_counter() - t0

            # record x_k (outside the clock)
            f_known = fy if y is x else fx
            fx_rec = float(f_known) if f_known is not None else float(f(x))
            gn = float(_np.linalg.norm(_np.ravel(true_grad(x)))) if true_grad else float(_np.linalg.norm(_np.ravel(g)))
            dist = distance(x)
            history.append(x, fx_rec, gn, dist, oracle.n_fev, oracle.n_gev, clock)
            bar.update(k, fx_rec)
            message, success = _stop(k, fx_rec, gn, dist, oracle, clock, tol, f_tol, f_star, dist_tol,
                                     max_iter, max_evals, max_time)
            if message is None and callback is not None and callback(
                    _Info(k, x, fx_rec, gn, dist, oracle.n_fev, oracle.n_gev, clock)):
                message = "stopped by callback"
            if message is not None:
                break

            t0 = time.perf_counter()
            alpha, f_new = rule(k, y, fy, g, oracle.value)
            x_new = y - alpha * g
            if method == "heavy_ball":
                x_new = x_new + beta(k) * (x - x_prev)
                f_new = None
            x_prev, x, fx = x, x_new, f_new
            k += 1
            clock += time.perf_counter() - t0
    except Exception as error:   # keep the run so far on the exception: nothing measured is lost
        history.finish()
        error.result = OptimizeResult(
            x=x, fun=history["f"][-1] if len(history) else float("nan"),
            grad_norm=history["grad_norm"][-1] if len(history) else float("nan"), n_iter=k, n_fev=oracle.n_fev,
            n_gev=oracle.n_gev, time=clock, success=False, message=f"failed: {error}", method=method,
            gradient=oracle.kind, history=history)
        error.add_note(f"minimize: the run up to iteration {k} ({len(history)} recorded iterates) is on this "
                       "exception's .result (an OptimizeResult with its history).")
        raise
    finally:
        bar.close()
    history.finish()
    return OptimizeResult(x=x, fun=history["f"][-1], grad_norm=history["grad_norm"][-1], n_iter=k,
                          n_fev=oracle.n_fev, n_gev=oracle.n_gev, time=clock, success=success, message=message,
                          method=method, gradient=oracle.kind, history=history)


def _defaults(method, step, momentum, L, mu, scale):
    """The step rule and the momentum schedule k -> beta."""
    beta = None
    if callable(momentum):
        beta = momentum
    elif momentum is not None:
        beta = lambda k, b=float(momentum): b  # noqa: E731
    strongly = L is not None and mu is not None and mu > 0
    if method == "heavy_ball":
        if step is None and strongly:  # Polyak's tuning, optimal on quadratics
            sL, smu = math.sqrt(L), math.sqrt(mu)
            step = 4 / (scale * (sL + smu) ** 2)
            if beta is None:
                b = ((sL - smu) / (sL + smu)) ** 2
                beta = lambda k: b  # noqa: E731
        if beta is None:
            beta = lambda k: 0.9  # noqa: E731
        if step is None and L is None or step == "armijo":
            step = Armijo(grow=1.0)  # with momentum, growing trial steps make it oscillate (measured)
    elif method == "nesterov" and beta is None:
        if strongly:
            q = math.sqrt(L / mu)
            b = (q - 1) / (q + 1)
            beta = lambda k: b  # noqa: E731
        else:
            beta = lambda k: k / (k + 3)  # noqa: E731
    return as_step(step, L, scale), beta


def _stop(k, fx, gn, dist, oracle, clock, tol, f_tol, f_star, dist_tol, max_iter, max_evals, max_time):
    """(message, success) of the first stopping rule that holds, or (None, False)."""
    if not math.isfinite(fx):
        return "diverged: f is not finite", False
    if tol is not None and gn <= tol:
        return "gradient norm <= tol", True
    if f_tol is not None and f_star is not None and fx - f_star <= f_tol:
        return "f - f_star <= f_tol", True
    if dist_tol is not None and dist is not None and dist <= dist_tol:
        return "distance to x* <= dist_tol", True
    if k >= max_iter:
        return "max_iter reached", False
    if max_evals is not None and oracle.n_fev >= max_evals:
        return "max_evals reached", False
    if max_time is not None and clock >= max_time:
        return "max_time reached", False
    return None, False


class _Info:
    """What a callback sees at iterate k."""
    __slots__ = ("k", "x", "f", "grad_norm", "dist", "n_fev", "n_gev", "time")

    def __init__(self, k, x, f, grad_norm, dist, n_fev, n_gev, time):
        self.k, self.x, self.f, self.grad_norm, self.dist = k, x, f, grad_norm, dist
        self.n_fev, self.n_gev, self.time = n_fev, n_gev, time


class _Bar:
    """A rich progress bar, or nothing (the default)."""

    def __init__(self, on, total, method, kind):
        self.progress = None
        if on:
            from rich.progress import Progress
            self.progress = Progress(transient=True)
            self.task = self.progress.add_task(f"{method} ({kind})", total=total)
            self.progress.start()

    def update(self, k, fx):
        if self.progress is not None:
            self.progress.update(self.task, completed=k, description=f"f = {fx:.6g}")

    def close(self):
        if self.progress is not None:
            self.progress.stop()


def gd(f, x0=None, step=None, gradient="ad", **kwargs):
    """Gradient descent x+ = x - alpha g: `minimize(f, x0, method="gd", ...)`, with the same
    options (step rule, gradient source, stopping rules) and the same `OptimizeResult`.
    Lecture L8's GD row.

    >>> from gradkit import problems
    >>> r = gd(problems.quadratic(5, L=1.0, mu=0.5), tol=1e-8)     # step 1/L from the problem
    >>> r.success, r.n_iter
    (True, 26)
    """
    return minimize(f, x0, method="gd", gradient=gradient, step=step, **kwargs)


def heavy_ball(f, x0=None, step=None, momentum=None, gradient="ad", **kwargs):
    """Polyak's heavy-ball method x+ = x - alpha g + beta (x - x_prev): `minimize` with
    method="heavy_ball"; with L and mu known, alpha and beta default to Polyak's tuning.
    f, x0, step, momentum, gradient and the other options are `minimize`'s.

    >>> from gradkit import problems
    >>> heavy_ball(problems.quadratic(5, L=1.0, mu=0.5), tol=1e-8).n_iter   # GD needs 26
    12
    """
    return minimize(f, x0, method="heavy_ball", gradient=gradient, step=step, momentum=momentum, **kwargs)


def nesterov(f, x0=None, step=None, momentum=None, gradient="ad", **kwargs):
    """Nesterov's accelerated gradient: y = x + beta (x - x_prev), x+ = y - alpha grad f(y);
    `minimize` with method="nesterov" (beta = (sqrt kappa - 1)/(sqrt kappa + 1) when L and
    mu > 0 are known, else k/(k + 3)); x0, step, momentum and the other options are `minimize`'s.

    >>> from gradkit import problems
    >>> nesterov(problems.quadratic(5, L=1.0, mu=0.5), tol=1e-8).n_iter
    17
    """
    return minimize(f, x0, method="nesterov", gradient=gradient, step=step, momentum=momentum, **kwargs)


def zo_gd(f, x0=None, step=None, estimator="sphere", n_dirs=None, eps=None, seed=0, **kwargs):
    """Zero-order GD (lecture L6): x+ = x - alpha G with G a gradkit.numeric estimate from
    values of f alone. The default step 1/(c L) (c = n for one spherical direction in R^n)
    gives E||x - x*||^2 <= (1 - mu/(nL))^k ||x0 - x*||^2 on strongly convex quadratics (L8).
    estimator, n_dirs, eps: as for `gradkit.numeric.zo_gradient`; seed: of its directions;
    the other options and the `OptimizeResult` are `minimize`'s (n_fev counts the 2 n_dirs
    evaluations of f per iteration).

    >>> from gradkit import problems
    >>> r = zo_gd(problems.quadratic(5, L=1.0, mu=0.5), dist_tol=1e-4, max_iter=10_000)
    >>> r.message, r.n_iter, r.n_fev
    ('distance to x* <= dist_tol', 91, 184)
    """
    return minimize(f, x0, method="gd", gradient="zo", step=step, estimator=estimator, n_dirs=n_dirs,
                    eps=eps, seed=seed, **kwargs)
