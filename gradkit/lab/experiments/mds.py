"""L5: multidimensional scaling solved by GD with AD gradients, by zero-order GD and by
finite-difference GD at equal budgets of function evaluations, and by classical MDS (the
PCA connection): `gradkit.optim.mds_comparison`, with an AD gradient charged at its cost
in evaluations of L measured on this machine. Loss against evaluations and time; the
recovered configurations drawn over the true one."""
import math

import numpy as _np

from ... import grad
from ... import optim, problems
from ..core import Check, Table, register, timeit
from ..report import new_figure

__all__ = ["measure", "judge", "present"]  # the protocol (gradkit.lab.core); the rest is this module's own

FLOOR = 1e-30  # smaller losses (exact zeros) are drawn here
SHOWN = 40     # points drawn in the configuration panel
NAMES = {"gd": "GD, AD gradients", "classical": "classical MDS", "zo": "zero-order GD", "fd": "central-difference GD"}


def _name(key):
    base, _, factor = key.partition("_x")
    return NAMES[base] + (f", {factor}x budget" if factor else "")


def measure(ctx):
    """`gradkit.optim.mds_comparison` on random points, with an AD gradient charged at its measured
    cost in evaluations of L."""
    n_points = ctx.pick(60, 200)
    factors = ctx.pick((1, 10), (1, 10, 100))
    # L10's cheap-gradient constant, measured here: what one AD gradient costs in evaluations of L
    p = problems.mds(n_points=n_points, dim=2, seed=ctx.seed)
    g = grad(p.f)
    t = ctx.pick(0.02, 0.05)
    grad_cost = timeit(lambda: g(p.x0), min_time=t) / timeit(lambda: p.f(p.x0), min_time=t)
    ctx.progress(f"N = {n_points}: GD, classical MDS, zero-order and FD GD at {factors}x its budget")
    r = optim.mds_comparison(n_points=n_points, dim=2, seed=ctx.seed, grad_cost=math.ceil(grad_cost),
                             budget_factors=factors)
    runs = {}
    for key, run in r["runs"].items():
        c = run.pop("curve")
        if c is not None:  # at most 400 points per curve in the report's data
            keep = _np.unique(_np.linspace(0, len(c["f"]) - 1, min(400, len(c["f"]))).astype(int))
            run["curve"] = {"k": keep.tolist(), **{k: [v[i] for i in keep] for k, v in c.items()}}
        runs[key] = run
    f0 = runs["gd"]["curve"]["f"][0]
    return {"n_points": n_points, "d": 2 * n_points, "budget": r["budget"], "grad_cost_measured": grad_cost,
            "grad_cost": math.ceil(grad_cost), "factors": list(factors), "f0": f0, "points": r["points"],
            "runs": runs}


def judge(data):
    """GD with AD gradients recovers the configuration; zero-order and FD GD at the same budget are far
    behind; classical MDS is exact."""
    r, f0 = data["runs"], data["f0"]
    gd, cl = r["gd"], r["classical"]
    checks = [Check("GD with AD gradients recovers the configuration", gd["recovery_error"] < 1e-6,
                    f"Procrustes-aligned relative error {gd['recovery_error']:.1e} after {gd['n_iter']} iterations "
                    f"({data['budget']:,} evaluations of L, a gradient counted as {data['grad_cost']})")]
    for key in ("zo", "fd"):
        other = r[key]
        checks.append(Check(f"{_name(key)} at the same budget is far behind",
                            gd["loss"] < 1e-3 * other["loss"] and other["recovery_error"] > 100 * gd["recovery_error"],
                            f"L/L0 {other['loss'] / f0:.1e} vs {gd['loss'] / f0:.1e} (GD; need 1000x lower), "
                            f"recovery error {other['recovery_error']:.2f} vs {gd['recovery_error']:.0e}"))
    checks.append(Check("classical MDS recovers it exactly (up to rotation, reflection, shift)",
                        cl["recovery_error"] < 1e-8,
                        f"Procrustes-aligned relative error {cl['recovery_error']:.1e} in "
                        f"{cl['seconds'] * 1e3:.1f} ms"))
    return checks


def present(data):
    """Loss against evaluations and time, the recovered configurations over the true one, and the table."""
    runs, f0 = data["runs"], data["f0"]
    fig, (a1, a2, a3) = new_figure(3, 1, width=4.7, height=4.2)
    colours = {"gd": "C0", "zo": "C2", "fd": "C1"}
    styles = {1: "-", 10: "--", 100: ":"}
    for key, r in runs.items():
        if r.get("curve") is None:
            continue
        c = r["curve"]
        loss = _np.maximum(_np.array(c["f"]) / f0, FLOOR)
        style = dict(color=colours[key.partition("_x")[0]], ls=styles.get(r["budget_factor"] or 1, "-"),
                     label=_name(key))
        evals = _np.array(c["n_fev"], float)
        if key == "gd":  # plus the gradients, one per iterate, each charged at its measured cost
            evals += data["grad_cost"] * (_np.array(c["k"]) + 1)
        a1.loglog(_np.maximum(evals, 1), loss, **style)
        a2.loglog(_np.maximum(_np.array(c["time"]) * 1e3, 1e-3), loss, **style)
    a1.axvline(data["budget"], color="k", lw=0.8, ls=":")
    a1.text(data["budget"], 1e-26, " GD's budget", fontsize=7, rotation=90, va="bottom")
    a1.set_xlabel(f"evaluations of L (an AD gradient counts {data['grad_cost']}, measured)")
    a1.set_ylabel("L(W) / L(W0)")
    a1.set_title(f"L5: MDS, N = {data['n_points']} points in 2-D (d = {data['d']})", fontsize=10)
    cl = runs["classical"]
    x_cl, y_cl = cl["seconds"] * 1e3, max(cl["loss"] / f0, FLOOR)
    a2.plot([x_cl], [y_cl], "k*", ms=11)
    a2.annotate(f"classical MDS\n(L/L0 = {cl['loss'] / f0:.0e})", (x_cl, y_cl), xytext=(8, 10),
                textcoords="offset points", fontsize=7)
    a2.set_xlabel("time [ms] (the method's own work)")
    a2.set_title("loss against time", fontsize=10)
    for a in (a1, a2):
        a.set_ylim(FLOOR / 10, 10)
        a.grid(True, which="major", alpha=0.3)
    a1.legend(fontsize=7, loc="lower left")
    # the aligned configurations, at most SHOWN points of them so that each stays visible
    P = _np.array(data["points"])
    shown = min(len(P), SHOWN)
    a3.plot(P[:shown, 0], P[:shown, 1], "o", ms=9, mfc="none", mec="0.3", label="true points")
    for key, mk, c, ms in (("classical", "s", "C3", 4), ("gd", "x", "C0", 6), ("zo", "+", "C2", 7),
                           ("fd", "1", "C1", 7)):
        W = problems.procrustes_align(_np.array(runs[key]["W"]), P)[:shown]
        a3.plot(W[:, 0], W[:, 1], mk, color=c, ms=ms, label=f"{_name(key)} (error {runs[key]['recovery_error']:.1e})")
    a3.set_aspect("equal")
    a3.set_title("recovered configurations, aligned (same budget)"
                 + (f"\n{shown} of the {len(P)} points shown" if shown < len(P) else ""), fontsize=10)
    a3.legend(fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.12), ncol=1)
    rows = [[_name(k), r["n_fev"] if k != "classical" else "none (one eigendecomposition)", r["n_gev"] or "-",
             r["n_iter"] or "-", f"{r['loss'] / f0:.1e}", f"{r['recovery_error']:.1e}", f"{r['seconds'] * 1e3:.1f}"]
            for k, r in runs.items()]
    t = Table(f"MDS, N = {data['n_points']}: GD's budget {data['budget']:,} evaluations of L (its own, plus each AD "
              f"gradient at {data['grad_cost_measured']:.1f} evaluations, the cost measured here, rounded up)",
              ["method", "evaluations of L", "gradients (estimates)", "iterations", "final L / L0",
               "recovery error", "time [ms]"], rows)
    gd, zo, fd = runs["gd"], runs["zo"], runs["fd"]
    return ({"mds": fig}, [t], f"at {data['budget']:,} evaluations: recovery error {gd['recovery_error']:.0e} "
            f"(AD-GD), {zo['recovery_error']:.2f} (ZO-GD), {fd['recovery_error']:.2f} (FD-GD); classical MDS "
            f"{runs['classical']['recovery_error']:.0e}")


register("L5", "Multidimensional scaling: why gradients",
         "Minimising L(W) = sum_{i,j} (||W_i - W_j||^2 - D_ij)^2, gradient methods are much faster than "
         "gradient-free ones; classical MDS (double centring + top eigenvectors: PCA) recovers the points up to "
         "rotation, reflection and shift.", measure, judge, present)
