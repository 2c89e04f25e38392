"""L9-L10: finite differences against reverse mode. (a) the error of each difference
scheme against the step (truncation on the right, rounding on the left: a V), with AD's
error as a line; (b) the cost of a gradient against d: about 2dT for central differences,
O(T) for reverse mode ("cheap gradient principle")."""
import warnings

import numpy as _np

from ... import grad
from ... import numpy as gnp
from ...numeric import FiniteDifferenceWarning, fd_error_curve, fd_gradient
from ..core import Check, Table, check_below, check_range, loglog_slope, register, timeit
from ..report import new_figure

__all__ = ["measure", "judge", "present"]  # the protocol (gradkit.lab.core); the rest is this module's own

X0 = 0.7
SCHEMES = {"forward": 1, "central": 2, "central4": 4}  # scheme -> order of its truncation error
EPS = float(_np.finfo(float).eps)


def f_scalar(x):
    return gnp.sin(x) * gnp.exp(x)


def df_exact(x):
    return _np.exp(x) * (_np.sin(x) + _np.cos(x))


def f_d(x):
    """A function of d variables costing T ~ d: a few elementwise operations and a sum."""
    return gnp.sum(gnp.log1p(gnp.exp(-x)) + 0.5 * x * gnp.tanh(x))


# issue 16: the adaptive scheme on derivatives known in closed form, where a fixed step fails;
# the last has no derivative (infinite slope): the scheme must say it did not converge
ADAPTIVE_CASES = [
    ("sin(x) at 1000", _np.sin, _np.cos, 1000.0),
    ("sin(1e6 x) at 1e-6", lambda x: _np.sin(1e6 * x), lambda x: 1e6 * _np.cos(1e6 * x), 1e-6),
    ("exp(x/1e6) at 1e6", lambda x: _np.exp(x / 1e6), lambda x: _np.exp(x / 1e6) / 1e6, 1e6),
    ("log(x) at 1e-6", _np.log, lambda x: 1 / x, 1e-6),
    ("tan(x) at 1.5", _np.tan, lambda x: 1 / _np.cos(x) ** 2, 1.5),
    ("cbrt(x) at 0", _np.cbrt, lambda x: _np.inf, 0.0),
]


def adaptive_rows():
    rows = []
    for name, f, df, x in ADAPTIVE_CASES:
        with warnings.catch_warnings(), _np.errstate(all="ignore"):
            warnings.simplefilter("ignore", FiniteDifferenceWarning)
            est = fd_gradient(lambda v, f=f: f(v[0]), _np.array([x]), "richardson")
            central = fd_gradient(lambda v, f=f: f(v[0]), _np.array([x]), "central").grad[0]
        exact = float(df(x))
        rows.append({"case": name, "exact": exact, "value": float(est.grad[0]), "error": float(est.error[0]),
                     "converged": bool(est.converged[0]), "n_evals": est.n_evals,
                     "true_error": float(abs(est.grad[0] - exact)) if _np.isfinite(exact) else None,
                     "central_rel_error": float(abs(central - exact) / abs(exact)) if _np.isfinite(exact) else None})
    return rows


def measure(ctx):
    """Each scheme's error against the step for sin(x) exp(x), AD's error, the cost of a gradient
    against d (FD and reverse mode), and adaptive FD on hard cases."""
    ctx.progress("error against the step")
    exact = df_exact(X0)
    steps, errors = fd_error_curve(lambda v: f_scalar(v[0]), _np.array([X0]), _np.array([exact]),
                                   list(SCHEMES) + ["complex"], _np.logspace(-16, 0, ctx.pick(33, 65)))
    errors = {k: v.tolist() for k, v in errors.items()}
    ad_error = float(abs(grad(f_scalar)(X0) - exact) / abs(exact))

    dims = [2 ** k for k in range(2, ctx.pick(12, 15))]
    rng = ctx.rng(9)
    cost = []
    g_ad = grad(f_d)
    for d in dims:
        ctx.progress(f"gradient cost, d = {d}")
        xd = rng.standard_normal(d)
        t = ctx.pick(0.005, 0.02)
        row = {"d": d, "t_f": timeit(lambda: f_d(xd), min_time=t), "t_reverse": timeit(lambda: g_ad(xd), min_time=t)}
        for scheme in ("forward", "central"):
            row[f"t_{scheme}"] = timeit(lambda: fd_gradient(f_d, xd, scheme), min_time=t, repeat=2)
            row[f"evals_{scheme}"] = fd_gradient(f_d, xd, scheme).n_evals
        g_fd, g_exact = fd_gradient(f_d, xd, "central").grad, g_ad(xd)
        row["fd_vs_ad_rel_error"] = float(_np.linalg.norm(g_fd - g_exact) / _np.linalg.norm(g_exact))
        cost.append(row)
    ctx.progress("adaptive finite differences on hard cases")
    return {"x0": X0, "steps": steps.tolist(), "errors": errors, "ad_error": ad_error, "cost": cost,
            "adaptive": adaptive_rows()}


def v_shape(steps, errs):
    """(best step, best error, slope of the truncation branch, slope of the rounding branch)."""
    steps, errs = _np.asarray(steps), _np.maximum(_np.asarray(errs), 1e-300)
    i = int(_np.argmin(errs))
    right = (steps >= 10 * steps[i]) & (steps <= 0.3) & (errs > 10 * errs[i])
    left = (steps <= steps[i] / 10) & (errs < 0.5)
    sr = loglog_slope(steps[right], errs[right]) if right.sum() >= 2 else float("nan")
    sl = loglog_slope(steps[left], errs[left]) if left.sum() >= 2 else float("nan")
    return float(steps[i]), float(errs[i]), sr, sl


def judge(data):
    """V-shaped errors with the predicted slopes, 2d evaluations for central FD, cost ratio ~d for FD
    and bounded for AD; adaptive FD never confidently wrong."""
    checks = []
    steps = data["steps"]
    for scheme, order in SCHEMES.items():
        errs = data["errors"][scheme]
        h, e, sr, sl = v_shape(steps, errs)
        v = e * 100 < errs[0] and e * 100 < errs[-1]
        checks.append(Check(f"{scheme}: V-shaped error", bool(v),
                            f"best {e:.1e} at h = {h:.0e}; {errs[0]:.0e} at h = {steps[0]:.0e} (rounding), "
                            f"{errs[-1]:.0e} at h = {steps[-1]:.0e} (truncation)"))
        checks.append(check_range(f"{scheme}: truncation error ~ h^{order}", sr, order - 0.5, order + 0.5,
                                  "fitted slope right of the best step: "))
        checks.append(check_range(f"{scheme}: rounding error ~ 1/h", sl, -1.5, -0.5, "fitted slope left of it: "))
    cs = _np.array(data["errors"]["complex"])
    small = _np.asarray(steps) <= 1e-8  # below this its O(h^2) truncation error is under rounding
    checks.append(check_below("complex step: no rounding branch", float(cs[small].max()), 1e-14,
                              "largest relative error for all h <= 1e-8: "))
    checks.append(check_below("AD: exact to rounding", data["ad_error"], 4 * EPS, "relative error "))
    cost = data["cost"]
    ds = [c["d"] for c in cost]
    r_fd = [c["t_central"] / c["t_f"] for c in cost]
    r_ad = [c["t_reverse"] / c["t_f"] for c in cost]
    checks.append(Check("central differences spend exactly 2d evaluations",
                        all(c["evals_central"] == 2 * c["d"] for c in cost),
                        f"evaluations at d = {ds[-1]}: {cost[-1]['evals_central']}"))
    checks.append(check_range("FD: cost(grad)/cost(f) grows like d", loglog_slope(ds, r_fd), 0.8, 1.2,
                              f"ratio {r_fd[0]:.0f} at d = {ds[0]} to {r_fd[-1]:.0f} at d = {ds[-1]}; fitted slope "))
    checks.append(check_range("reverse mode: cost(grad)/cost(f) bounded", loglog_slope(ds, r_ad), -0.5, 0.25,
                              f"ratio between {min(r_ad):.1f} and {max(r_ad):.1f}; fitted slope "))
    checks.append(check_below("... by a small constant", r_ad[-1], 10.0,
                              f"ratio at d = {ds[-1]} (at small d Python's per-operation overhead dominates) ",
                              fmt=".1f"))
    adaptive = data.get("adaptive", [])
    if adaptive:
        claimed = [r for r in adaptive if r["converged"]]
        wrong = [r["case"] for r in claimed if r["true_error"] is None or r["true_error"] > 10 * r["error"]]
        checks.append(Check("adaptive FD: never confidently wrong", not wrong,
                            f"{len(claimed)} of {len(adaptive)} hard cases claimed convergence, "
                            f"true error > 10x reported in {len(wrong)}{': ' + ', '.join(wrong) if wrong else ''}"))
        flagged = [r["case"] for r in adaptive if r["true_error"] is None and not r["converged"]]
        checks.append(Check("adaptive FD: says so where there is no derivative", len(flagged) == sum(
            r["true_error"] is None for r in adaptive), f"flagged: {', '.join(flagged) or 'none'}"))
    return checks


def present(data):
    """The error-against-step and cost-against-d figures and their tables."""
    steps = _np.array(data["steps"])
    fig_a, ax = new_figure(width=7.0, height=4.6)
    labels = {"forward": "forward O(h)", "central": "central O(h^2)", "central4": "4th-order central O(h^4)",
              "complex": "complex step (exact: drawn at 1e-17)"}
    for scheme in list(SCHEMES) + ["complex"]:
        ax.loglog(steps, _np.maximum(data["errors"][scheme], 1e-17), "o-", ms=3, label=labels[scheme])
    ax.axhline(max(data["ad_error"], 1e-17), color="k", lw=2, label=f"reverse-mode AD ({data['ad_error']:.0e})")
    ax.axhline(EPS, color="0.5", ls=":", lw=1, label="machine epsilon")
    ax.set_xlabel("step h")
    ax.set_ylabel("relative error of f'(x0)")
    ax.set_ylim(1e-17, 10)
    ax.set_title(f"L9: finite-difference error vs step, f = sin(x) exp(x) at x0 = {data['x0']}", fontsize=10)
    ax.legend(fontsize=8, loc="center left", bbox_to_anchor=(1.01, 0.5))
    ax.grid(True, which="major", alpha=0.3)
    cost = data["cost"]
    ds = _np.array([c["d"] for c in cost])
    fig_b, (b1, b2) = new_figure(2, 1, width=5.0, height=4.0)
    series = [("t_f", "f itself", "k--"), ("t_reverse", "reverse-mode AD", "o-"),
              ("t_forward", "forward differences (d+1 evals)", "s-"),
              ("t_central", "central differences (2d evals)", "^-")]
    for key, label, style in series:
        t = [c[key] for c in cost]
        b1.loglog(ds, _np.array(t) * 1e3, style, ms=4, label=f"{label}: slope {loglog_slope(ds, t):.2f}")
    b1.set_xlabel("d")
    b1.set_ylabel("time [ms]")
    b1.set_title("L9-L10: time of a gradient", fontsize=10)
    b1.legend(fontsize=7)
    b1.grid(True, which="major", alpha=0.3)
    for key, label, style in series[1:]:
        r = [c[key] / c["t_f"] for c in cost]
        b2.loglog(ds, r, style, ms=4, label=f"{label}: slope {loglog_slope(ds, r):.2f}")
    b2.loglog(ds, 2 * ds, "k:", label="2d")
    b2.set_xlabel("d")
    b2.set_ylabel("cost(gradient) / cost(f)")
    b2.set_title("L10: the cheap gradient principle", fontsize=10)
    b2.legend(fontsize=7)
    b2.grid(True, which="major", alpha=0.3)
    rows = []
    for scheme, order in SCHEMES.items():
        h, e, sr, sl = v_shape(steps, data["errors"][scheme])
        rows.append([scheme, order, f"{h:.0e}", f"{e:.1e}", f"{sr:.2f}", f"{sl:.2f}"])
    t1 = Table("Error vs step: best step and fitted slopes", ["scheme", "order", "best h", "best error",
                                                               "truncation slope", "rounding slope"], rows)
    t2 = Table("Cost of a gradient", ["d", "f [ms]", "reverse AD / f", "forward FD / f", "central FD / f",
                                      "FD vs AD rel. error"],
               [[c["d"], f"{c['t_f'] * 1e3:.4f}", f"{c['t_reverse'] / c['t_f']:.1f}",
                 f"{c['t_forward'] / c['t_f']:.0f}", f"{c['t_central'] / c['t_f']:.0f}",
                 f"{c['fd_vs_ad_rel_error']:.1e}"] for c in cost])
    tables = [t1, t2]
    if data.get("adaptive"):
        tables.append(Table("Adaptive (richardson) on hard cases: reported error against the true one",
                            ["case", "value", "true error", "reported error", "converged", "evaluations",
                             "central FD rel. error"],
                            [[r["case"], f"{r['value']:.10g}",
                              "-" if r["true_error"] is None else f"{r['true_error']:.1e}", f"{r['error']:.1e}",
                              r["converged"], r["n_evals"],
                              "-" if r["central_rel_error"] is None else f"{r['central_rel_error']:.1e}"]
                             for r in data["adaptive"]]))
    r_ad = [c["t_reverse"] / c["t_f"] for c in cost]
    _, ec, _, _ = v_shape(steps, data["errors"]["central"])
    return ({"error_vs_step": fig_a, "cost_vs_d": fig_b}, tables,
            f"best central FD error {ec:.0e} vs AD {data['ad_error']:.0e}; at d = {cost[-1]['d']} "
            f"grad/f = {cost[-1]['t_central'] / cost[-1]['t_f']:.0f} (central FD) vs {r_ad[-1]:.1f} (AD), AD ratio "
            f"in [{min(r_ad):.1f}, {max(r_ad):.1f}] over d")


register("L9-L10", "Finite differences vs reverse mode",
         "Finite differences trade truncation error (large step) against rounding error (small step), and a "
         "gradient costs about 2dT; reverse-mode AD gives the gradient exactly in O(T): cost(grad)/cost(f) stays "
         "bounded by a small constant whatever d is.", measure, judge, present)
