"""L5: multidimensional scaling by GD with AD gradients, by finite-difference GD and by
zero-order GD at equal budgets of function evaluations, and by classical MDS (the PCA
connection); loss against evaluations and time, recovered configurations drawn."""
import time

import numpy as _np

from ... import grad, hessian
from ... import problems
from ..core import Check, Table, register, timeit
from ..report import new_figure
from .. import uses


def measure(ctx):
    N = ctx.pick(16, 30)
    p = problems.mds(n_points=N, dim=2, seed=ctx.seed)
    shape, d = p.shape, p.dim
    f = lambda w: p.f(w.reshape(shape))  # noqa: E731  the methods see a vector of d = 2N variables
    g = grad(f)
    w0 = p.x0.ravel()
    # AD's gradient charged at its measured cost in evaluations of f (L10: a small constant)
    rho = timeit(lambda: g(w0), min_time=0.02) / timeit(lambda: f(w0), min_time=0.02)
    charge = int(_np.ceil(rho))
    H = hessian(f)(w0)
    step = 0.5 / float(_np.max(_np.abs(_np.linalg.eigvalsh(H))))
    budget = ctx.pick(20_000, 100_000)
    rng = ctx.rng(5)
    methods = {
        "GD with AD gradient": (lambda w: (g(w), charge), step),
        "GD with central differences": (lambda w: uses.fd_gradient(f, w, method="central"), step),
        "zero-order GD (two-point)": (lambda w: uses.zo_gradient(f, w, 1e-6, rng), step / d),
    }
    runs = {}
    for name, (direction, alpha) in methods.items():
        ctx.progress(name)
        w, hist = uses.descend(f, w0, direction, alpha, max_iter=10 ** 7, max_evals=budget)
        runs[name] = {"loss": _thin(hist["f"]), "evals": _thin(hist["evals"]), "seconds": _thin(hist["seconds"]),
                      "iterations": len(hist["f"]) - 1, "final_loss": hist["f"][-1],
                      "recovery_error": p.recovery_error(w.reshape(shape)), "W": w.reshape(shape).tolist()}
    t0 = time.perf_counter()
    Wc = p.classical()
    t_classical = time.perf_counter() - t0
    runs["classical MDS"] = {"final_loss": float(p.f(Wc)), "seconds_total": t_classical,
                             "recovery_error": p.recovery_error(Wc), "W": Wc.tolist()}
    return {"N": N, "d": d, "budget": budget, "grad_cost_in_evals": rho, "charge": charge, "step": step,
            "f0": float(f(w0)), "points": p.data["points"].tolist(), "runs": runs}


def _thin(xs, n=400):
    idx = _np.unique(_np.linspace(0, len(xs) - 1, min(n, len(xs))).astype(int))
    return [float(xs[i]) for i in idx]


def judge(data):
    r = data["runs"]
    ad, fd, zo, cl = (r["GD with AD gradient"], r["GD with central differences"], r["zero-order GD (two-point)"],
                      r["classical MDS"])
    f0 = data["f0"]
    return [
        Check("gradient method beats zero-order at equal budget", ad["final_loss"] < 1e-3 * zo["final_loss"],
              f"after {data['budget']:,} evaluations: loss {ad['final_loss'] / f0:.1e} (AD-GD) vs "
              f"{zo['final_loss'] / f0:.1e} (zero-order GD), relative to the start (need 1000x lower)"),
        Check("... and finite-difference GD", ad["final_loss"] < 1e-3 * fd["final_loss"],
              f"loss {fd['final_loss'] / f0:.1e} (central-difference GD, {fd['iterations']} iterations of "
              f"{2 * data['d']} evaluations) vs {ad['final_loss'] / f0:.1e}"),
        Check("GD with AD recovers the configuration", ad["recovery_error"] < 1e-3,
              f"Procrustes-aligned relative error {ad['recovery_error']:.1e}"),
        Check("classical MDS recovers it exactly (up to rotation, reflection, shift)", cl["recovery_error"] < 1e-8,
              f"Procrustes-aligned relative error {cl['recovery_error']:.1e} in {cl['seconds_total'] * 1e3:.2f} ms"),
    ]


def present(data):
    runs, f0 = data["runs"], data["f0"]
    fig, (a1, a2, a3) = new_figure(3, 1, width=4.6, height=4.0)
    for (name, r), c in zip(((k, v) for k, v in runs.items() if "loss" in v), ("C0", "C1", "C2")):
        loss = _np.maximum(_np.array(r["loss"]) / f0, 1e-30)
        a1.semilogy(_np.array(r["evals"]) / 1000, loss, color=c, label=name)
        a2.semilogy(_np.array(r["seconds"]) * 1e3, loss, color=c, label=name)
    cl = runs["classical MDS"]
    a2.plot([cl["seconds_total"] * 1e3], [max(cl["final_loss"] / f0, 1e-30)], "k*", ms=12, label="classical MDS")
    a1.set_xlabel(f"evaluations of L, thousands (an AD gradient counts {data['charge']})")
    a1.set_ylabel("L(W) / L(W0)")
    a1.set_title(f"L5: MDS, N = {data['N']} points, d = {data['d']} variables", fontsize=10)
    a1.legend(fontsize=7)
    a2.set_xlabel("time [ms]")
    a2.set_title("loss against time", fontsize=10)
    a2.legend(fontsize=7)
    for a in (a1, a2):
        a.grid(True, alpha=0.3)
    P = _np.array(data["points"])
    a3.plot(P[:, 0], P[:, 1], "o", ms=11, mfc="none", mec="k", label="true points")
    for (name, mk, c) in (("GD with AD gradient", "x", "C0"), ("zero-order GD (two-point)", "+", "C2"),
                          ("classical MDS", ".", "C3")):
        W = problems.procrustes_align(_np.array(runs[name]["W"]), P)
        a3.plot(W[:, 0], W[:, 1], mk, color=c, ms=8, label=f"{name} (aligned)")
    a3.set_aspect("equal")
    a3.set_title("recovered 2-D configurations", fontsize=10)
    a3.legend(fontsize=7, loc="best")
    rows = [[name, r.get("iterations", "-"), f"{r['final_loss'] / f0:.2e}", f"{r['recovery_error']:.2e}",
             f"{(r['seconds'][-1] if 'seconds' in r else r['seconds_total']) * 1e3:.1f}"] for name, r in runs.items()]
    t = Table(f"MDS at a budget of {data['budget']:,} evaluations of L (gradient by AD = {data['grad_cost_in_evals']:.1f} "
              "evaluations, measured)", ["method", "iterations", "final L / L0", "recovery error", "time [ms]"], rows)
    ad, zo = runs["GD with AD gradient"], runs["zero-order GD (two-point)"]
    return ({"mds": fig}, [t], f"at {data['budget']:,} evaluations: L/L0 = {ad['final_loss'] / f0:.0e} (AD-GD), "
            f"{runs['GD with central differences']['final_loss'] / f0:.0e} (FD-GD), {zo['final_loss'] / f0:.0e} (ZO-GD); "
            f"classical MDS error {runs['classical MDS']['recovery_error']:.0e}")


register("L5", "Multidimensional scaling: why gradients",
         "Minimising L(W) = sum_{i,j} (||W_i - W_j||^2 - D_ij)^2, gradient methods are much faster than "
         "gradient-free ones; classical MDS (double centring + top eigenvectors: PCA) recovers the points up to "
         "rotation, reflection and shift.", measure, judge, present)
