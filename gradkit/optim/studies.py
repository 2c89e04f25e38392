"""The lecture's measured claims about optimisers, as functions returning plain data
(dicts of lists and numbers) for the tests and for `gradkit lab`.

- `iterations_to_tolerance`: GD against zero-order GD over the dimension n, in the three
  settings of L8 (strongly convex, convex, smooth non-convex): iterations to a relative
  tolerance stay flat for GD and grow like n for zero-order GD.
- `mds_comparison`: MDS (L5) solved by GD with exact (AD) gradients, by classical MDS, and
  by zero-order and finite-difference GD with the same budget of function evaluations.
"""
import math
import time

import numpy as _np

from .. import problems as _problems
from .methods import minimize

__all__ = ["fit_slope", "iterations_to_tolerance", "mds_comparison", "contraction_rate", "SETTINGS"]


def fit_slope(x, y):
    """The least-squares slope of log y against log x (the exponent p in y ~ x^p).

    >>> fit_slope([10, 100, 1000], [3, 30, 300])
    1.0
    """
    lx, ly = _np.log(_np.asarray(x, float)), _np.log(_np.asarray(y, float))
    return round(float(_np.polyfit(lx, ly, 1)[0]), 12)


def contraction_rate(dist):
    """The per-iteration factor q with dist_k ~ C q^k, fitted to log dist over the run
    (zeros and the first iterate left out).

    >>> import numpy
    >>> contraction_rate(0.5 ** numpy.arange(10))
    0.5
    """
    d = _np.asarray(dist, float)
    k = _np.arange(d.size)
    keep = (d > 0) & _np.isfinite(d) & (k > 0)
    return round(float(_np.exp(_np.polyfit(k[keep], _np.log(d[keep]), 1)[0])), 12)


SETTINGS = ("strongly_convex", "convex", "smooth")


def _setting(setting, n, kappa, spectrum, seed):
    """(problem, stopping options for `minimize`, theory's iteration bounds {source: k}) for
    one instance of a setting of the L8 table, with tolerance factor still to apply."""
    if setting == "strongly_convex":
        return _problems.quadratic(n, L=1.0, mu=1.0 / kappa, kind=spectrum, seed=seed)
    if setting == "convex":
        return _problems.quadratic(n, L=1.0, mu=0.0, kind="linear", seed=seed)
    if setting == "smooth":
        return _problems.robust_regression(2 * n, n, seed=seed)
    raise ValueError(f"unknown setting {setting!r}; use one of {SETTINGS}.")


def _criterion(setting, p, tol, n, zero_order):
    """Stopping options reaching the tolerance, and the iteration bound theory guarantees
    (None where the lecture's rate has no constant we can state)."""
    L = p.L
    if setting == "strongly_convex":
        q = p.mu / (L * (n if zero_order else 1))
        # GD: ||x_k - x*|| <= (1 - mu/L)^k ||x_0 - x*||; zero-order GD: on E||x_k - x*||^2
        return {"dist_tol": tol * p.distance(p.x0)}, math.ceil((2 if zero_order else 1) * math.log(1 / tol)
                                                               / -math.log1p(-q))
    if setting == "convex":
        gap0 = float(p.f(p.x0)) - p.f_star
        # GD with step 1/L: f(x_k) - f* <= L ||x_0 - x*||^2 / (2k)
        bound = None if zero_order else math.ceil(L * p.distance(p.x0) ** 2 / (2 * tol * gap0))
        return {"f_tol": tol * gap0}, bound
    g0 = float(_np.linalg.norm(p.grad(p.x0)))
    # min_k ||grad f(x_k)||^2 <= 2 c L (f(x_0) - f*) / k, c = 1 for GD and n for zero-order GD
    bound = math.ceil(2 * (n if zero_order else 1) * L * (float(p.f(p.x0)) - p.f_star) / (tol * g0 ** 2))
    return {"tol": math.sqrt(tol) * g0, "exact_grad_norm": True}, bound


def iterations_to_tolerance(ns=(10, 30, 100, 300), kappa=10.0, tol=1e-3, gradients=("ad", "zo"), seeds=(0, 1, 2),
                            setting="strongly_convex", spectrum="linear", max_iter=10 ** 6, **options):
    """Iterations needed to reach a relative tolerance, over the dimension n, for each gradient
    source (default step: 1/L for exact gradients, 1/(nL) for the spherical zero-order
    estimator); the median over seeds. The three settings of the lecture's L8 table:

    - "strongly_convex": `problems.quadratic(n, L=1, mu=1/kappa, kind=spectrum)`, until
      ||x_k - x*|| <= tol ||x_0 - x*||;
    - "convex": `problems.quadratic(n, L=1, mu=0)` (eigenvalues evenly spread over [0, 1]),
      until f(x_k) - f* <= tol (f(x_0) - f*);
    - "smooth": the non-convex `problems.robust_regression(2n, n)`, until
      ||grad f(x_k)||^2 <= tol ||grad f(x_0)||^2 (the true gradient, also for zero-order GD).

    Returns {"n", "setting", "kappa", "tol", "iterations": {source: [median per n]},
    "per_seed": {source: [[per seed] per n]}, "evaluations": {source: [median n_fev per n]},
    "seconds": {source: [median per n]}, "slope": {source: fitted exponent of iterations in
    n}, "bound": {source: [median of theory's guaranteed iteration count per n, or None]}},
    and with both "ad" and "zo": "ratio_zo_to_ad" per n and its fitted exponent "ratio_slope"
    (about 1: the factor n).
    Bounds: strongly convex ln(1/tol) / -ln(1 - mu/L) for GD (on ||x_k - x*||),
    2 ln(1/tol) / -ln(1 - mu/(nL)) for zero-order GD (on E||x_k - x*||^2); convex
    L ||x_0 - x*||^2 / (2 tol gap_0) for GD; smooth 2 c L gap_0 / (tol ||g_0||^2) with c = 1
    for GD and c = n for zero-order GD (in expectation). max_iter bounds each run (a run that
    stops short of the tolerance is a RuntimeError); extra keyword options go to `minimize`.

    >>> r = iterations_to_tolerance(ns=(4, 16), kappa=4.0, tol=1e-2, seeds=(0,))
    >>> r["iterations"]["ad"], r["slope"]["zo"] > 0.5
    ([16, 14], True)
    """
    out = {"n": list(ns), "setting": setting, "kappa": kappa, "tol": tol, "spectrum": spectrum,
           "iterations": {}, "per_seed": {}, "evaluations": {}, "seconds": {}, "slope": {}, "bound": {}}
    for source in gradients:
        per_n, evals, secs, bounds = [], [], [], []
        for n in ns:
            runs = []
            for seed in seeds:
                p = _setting(setting, n, kappa, spectrum, seed)
                stop, bound = _criterion(setting, p, tol, n, source == "zo")
                stop.setdefault("tol", 0.0)
                r = minimize(p, gradient=source, max_iter=max_iter, **stop,
                             **({"seed": seed} if source == "zo" else {}), **options)
                if not r.success:
                    raise RuntimeError(f"{source} on n={n} stopped before the tolerance: {r.message}; "
                                       f"raise max_iter.")
                runs.append((r.n_iter, r.n_fev, r.time, bound))
            per_n.append([it for it, _, _, _ in runs])
            evals.append(int(_np.median([e for _, e, _, _ in runs])))
            secs.append(float(_np.median([t for _, _, t, _ in runs])))
            bounds.append(None if runs[0][3] is None else int(_np.median([b for _, _, _, b in runs])))
        out["per_seed"][source] = per_n
        out["iterations"][source] = [int(_np.median(v)) for v in per_n]
        out["evaluations"][source] = evals
        out["seconds"][source] = secs
        out["slope"][source] = fit_slope(ns, out["iterations"][source]) if len(ns) > 1 else None
        out["bound"][source] = bounds
    if "ad" in gradients and "zo" in gradients and len(ns) > 1:  # the factor n of L8, directly
        out["ratio_zo_to_ad"] = [z / a for z, a in zip(out["iterations"]["zo"], out["iterations"]["ad"])]
        out["ratio_slope"] = fit_slope(ns, out["ratio_zo_to_ad"])
    return out


def mds_comparison(n_points=200, dim=2, seed=0, gd_tol=1e-10, grad_cost=4.0, budget_factors=(1,),
                   others=("zo", "fd"), max_gd_iter=5000):
    """MDS (lecture L5) solved four ways on the same random configuration of `n_points`
    standard normal points in R^dim (drawn from `seed`):

    - "gd": GD with reverse-mode gradients and Armijo steps, until ||grad|| <= gd_tol ||grad_0||;
    - "classical": classical MDS (double centring and top eigenvectors);
    - "zo", "fd": GD with the two-point spherical estimator (Armijo steps scaled for it) and
      with central differences, each given budget_factor times GD's budget of function
      evaluations, where GD's budget counts each reverse-mode gradient as `grad_cost`
      evaluations (the cheap-gradient constant of L10) on top of its own evaluations of f.

    Returns {"n_points", "dim", "budget", "points", "runs": {name: {"recovery_error", "loss",
    "seconds", "n_fev", "n_gev", "n_iter", "budget_factor", "W", "curve": {"f", "n_fev", "time"}}}}
    ("points": the true configuration, "W": the recovered one, as lists, for drawing); the error
    is Procrustes-aligned and relative (`problems.procrustes_error`); "seconds" is the
    method's own time (recording excluded). Names of the extra runs carry their budget
    factor when it is not 1 ("zo_x10"). budget_factors: the budgets of the extra runs, in
    multiples of GD's; max_gd_iter: GD's iteration limit.

    >>> r = mds_comparison(n_points=20, others=("zo",))
    >>> r["runs"]["gd"]["recovery_error"] < 1e-6, r["runs"]["zo"]["recovery_error"] > 1e-3
    (True, True)
    """
    p = _problems.mds(n_points=n_points, dim=dim, seed=seed)
    g0 = float(_np.linalg.norm(p.grad(p.x0)))
    runs = {}

    def record(name, r, factor=None):
        h = r.history
        runs[name] = {"recovery_error": p.recovery_error(r.x), "loss": float(r.fun), "seconds": r.time,
                      "n_fev": r.n_fev, "n_gev": r.n_gev, "n_iter": r.n_iter, "budget_factor": factor,
                      "message": r.message, "W": _np.reshape(r.x, p.shape).tolist(),
                      "curve": {"f": h["f"].tolist(), "n_fev": h["n_fev"].tolist(), "time": h["time"].tolist()}}

    gd = minimize(p, gradient="ad", step="armijo", tol=gd_tol * g0, max_iter=max_gd_iter)
    record("gd", gd)
    budget = int(math.ceil(gd.n_fev + grad_cost * gd.n_gev))

    t0 = time.perf_counter()
    W = p.classical()
    runs["classical"] = {"recovery_error": p.recovery_error(W), "loss": float(p.f(W)),
                         "seconds": time.perf_counter() - t0, "n_fev": 0, "n_gev": 0, "n_iter": 0,
                         "budget_factor": None, "message": "closed form", "W": _np.asarray(W).tolist(), "curve": None}

    for source in others:
        for factor in budget_factors:
            r = minimize(p, gradient=source, step="armijo", tol=0.0, max_evals=factor * budget, max_iter=10 ** 7,
                         **({"seed": seed} if source == "zo" else {}))
            record(source if factor == 1 else f"{source}_x{factor:g}", r, factor)
    return {"n_points": n_points, "dim": dim, "budget": budget, "grad_cost": grad_cost,
            "points": _np.asarray(p.data["points"]).tolist(), "runs": runs}
