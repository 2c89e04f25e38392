"""L6-L8: the curse of dimensionality. Gradient descent with exact (AD) gradients against
zero-order GD with the two-point estimator (L6), in the smooth non-convex, smooth convex
and smooth strongly convex settings, for several n: the iterations zero-order GD needs grow
like n, those of GD do not."""
import numpy as _np

from ... import grad
from ... import problems
from ..core import Check, Table, check_range, loglog_slope, register
from ..report import new_figure
from .. import uses

SETTINGS = {
    "smooth": ("min ||grad f(x_i)||^2", "O(1/k)", "O(n/k)"),
    "smooth convex": ("f(x_k) - f*", "O(1/k)", "O(n/k)"),
    "strongly convex": ("||x_k - x*||^2", "O((1 - mu/L)^k)", "O((1 - mu/(n L))^k)"),
}
TOL = {"smooth": 1e-3, "smooth convex": 1e-3, "strongly convex": 1e-6}


def _problem(setting, n, seed):
    if setting == "smooth":
        return problems.robust_regression(m=2 * n, n=n, seed=seed)
    if setting == "smooth convex":
        return problems.least_squares(m=max(n // 2, 1), n=n, noise=0.0, seed=seed)  # mu = 0: not strongly
    return problems.quadratic(n, L=1.0, mu=0.1, seed=seed)


def _error_fn(setting, p):
    g = p.grad or grad(p.f)  # the closed form where there is one: measuring must stay cheap
    if setting == "smooth":
        return lambda x: float(_np.sum(g(x) ** 2))
    if setting == "smooth convex":
        return lambda x: float(p.f(x) - p.f_star)
    return lambda x: float(_np.sum((x - p.x_star) ** 2))


def _start(setting, p):
    # the robust regression's standard start is far out, where the Cauchy loss is flat; a
    # start ten times closer keeps the runs short and still begins in the non-convex region
    return p.x_star + (p.x0 - p.x_star) / 10 if setting == "smooth" else p.x0


def _bound(setting, p, k):
    """The GD theorem's bound (step 1/L) on the relative error after k steps."""
    x0 = _start(setting, p)
    if setting == "smooth":  # min_i ||grad f(x_i)||^2 <= 2 L (f(x0) - f*) / (k + 1)
        g0 = p.grad(x0)
        return 2 * p.L * (float(p.f(x0)) - p.f_star) / (k + 1) / float(g0 @ g0)
    if setting == "smooth convex":  # f(x_k) - f* <= L ||x0 - x*||^2 / (2k)
        return p.L * float(_np.sum((x0 - p.x_star) ** 2)) / (2 * _np.maximum(k, 1)) / (float(p.f(x0)) - p.f_star)
    return (1 - p.mu / p.L) ** k  # ||x_k - x*||^2 <= (1 - mu/L)^k ||x0 - x*||^2


def _run(setting, p, method, rng, max_iter):
    err = _error_fn(setting, p)
    x0 = _start(setting, p)
    e0 = err(x0)
    target = TOL[setting] * e0
    best = [e0]

    def stop(hist):
        best[0] = min(best[0], hist["error"][-1])  # "smooth": min over the iterates so far
        return (best[0] if setting == "smooth" else hist["error"][-1]) <= target

    if method == "GD":
        g = grad(p.f)
        direction, step = (lambda x: (g(x), 0)), 1.0 / p.L
    else:  # L6: zero-order GD, step 1/(n L) for the estimator's n-fold second moment
        direction = lambda x: uses.zo_gradient(p.f, x, 1e-7, rng)  # noqa: E731
        step = 1.0 / (p.dim * p.L)
    _, hist = uses.descend(p.f, x0, direction, step, max_iter, record={"error": err}, stop=stop)
    e = _np.minimum.accumulate(hist["error"]) if setting == "smooth" else _np.array(hist["error"])
    return {"iterations": len(e) - 1, "reached": bool(e[-1] <= target), "error": (e / e0).tolist()}


def measure(ctx):
    ns = ctx.pick([8, 16, 32, 64], [8, 16, 32, 64, 128, 256])
    reps = ctx.pick(2, 4)
    rows = []
    for setting in SETTINGS:
        for n in ns:
            ctx.progress(f"{setting}, n = {n}")
            p = _problem(setting, n, seed=ctx.seed)
            cap = 400 * n * int(_np.ceil(p.L / (p.mu or p.L / 100)))
            gd = _run(setting, p, "GD", None, cap)
            zo = [_run(setting, p, "ZO", ctx.rng(1000 * n + r), cap) for r in range(reps)]
            row = {"setting": setting, "n": n, "L": p.L, "mu": p.mu, "gd_iterations": gd["iterations"],
                   "gd_reached": gd["reached"], "zo_iterations": float(_np.mean([z["iterations"] for z in zo])),
                   "zo_reached": all(z["reached"] for z in zo), "gd_curve": _thin(gd["error"]),
                   "zo_curve": _thin(zo[0]["error"])}
            if setting == "strongly convex":  # fitted contraction per iteration vs the theory
                row["gd_rate"] = _rate(gd["error"])
                row["zo_rate"] = float(_np.mean([_rate(z["error"]) for z in zo]))
                row["gd_rate_theory"] = 1 - p.mu / p.L
                row["zo_rate_theory"] = 1 - p.mu / (n * p.L)
            k = _np.arange(len(gd["error"]))
            row["gd_bound_ratio"] = float(_np.max(_np.asarray(gd["error"])[1:] / _bound(setting, p, k[1:])))
            rows.append(row)
    return {"ns": ns, "reps": reps, "tol": TOL, "rows": rows}


def _rate(err):
    e = _np.asarray(err)
    k = _np.arange(len(e))
    keep = e > 0
    return float(_np.exp(_np.polyfit(k[keep], _np.log(e[keep]), 1)[0]))


def _thin(curve, n=300):
    idx = _np.unique(_np.geomspace(1, len(curve), n).astype(int) - 1)
    return [[int(i), float(curve[i])] for i in idx]


def judge(data):
    checks = []
    for setting in SETTINGS:
        rows = [r for r in data["rows"] if r["setting"] == setting]
        ns = [r["n"] for r in rows]
        reached = all(r["gd_reached"] and r["zo_reached"] for r in rows)
        s_zo = loglog_slope(ns, [r["zo_iterations"] for r in rows])
        s_ratio = loglog_slope(ns, [r["zo_iterations"] / max(r["gd_iterations"], 1) for r in rows])
        checks.append(Check(f"{setting}: both reach the tolerance", reached,
                            f"relative tolerance {data['tol'][setting]:g} within the iteration cap at every n"))
        checks.append(check_range(f"{setting}: zero-order iterations ~ n", s_ratio, 0.7, 1.3,
                                  f"ZO-GD iterations {rows[0]['zo_iterations']:.0f} (n={ns[0]}) to "
                                  f"{rows[-1]['zo_iterations']:.0f} (n={ns[-1]}), slope {s_zo:.2f}; "
                                  "fitted slope of ZO/GD iterations vs n: ", fmt=".2f"))
        worst = max(r["gd_bound_ratio"] for r in rows)
        checks.append(Check(f"{setting}: GD within its {SETTINGS[setting][1]} bound", worst <= 1 + 1e-9,
                            f"largest measured / bound over all k and n: {worst:.3f} (must be <= 1)"))
        if setting == "strongly convex":
            worst = max(_np.log(r["zo_rate"]) / _np.log(r["zo_rate_theory"]) for r in rows)
            best = min(_np.log(r["zo_rate"]) / _np.log(r["zo_rate_theory"]) for r in rows)
            checks.append(Check("strongly convex: ZO-GD rate ~ (1 - mu/(nL))^k", 0.5 <= best and worst <= 4.0,
                                f"log(measured rate)/log(theory) between {best:.2f} and {worst:.2f} over n "
                                "(expected within [0.5, 4])"))
    return checks


def present(data):
    fig, axes = new_figure(3, 1, width=4.5, height=3.8)
    colours = dict(zip(data["ns"], ["C0", "C1", "C2", "C3", "C4", "C5"]))
    for ax, setting in zip(axes, SETTINGS):
        what, _, _ = SETTINGS[setting]
        for r in (r for r in data["rows"] if r["setting"] == setting):
            for key, style in (("gd_curve", "-"), ("zo_curve", ":")):
                k, e = zip(*r[key])
                ax.loglog(_np.array(k) + 1, e, style, color=colours[r["n"]],
                          label=f"n={r['n']}" if key == "gd_curve" else None)
        ax.set_xlabel("iteration k + 1  (solid: GD, dotted: zero-order GD)")
        ax.set_ylabel(f"{what}, relative")
        ax.set_title(f"L8 {setting}", fontsize=10)
        ax.legend(fontsize=7)
        ax.grid(True, which="major", alpha=0.3)
        ax.set_ylim(bottom=data["tol"][setting] / 10)
    rows = []
    for setting, (what, t_gd, t_zo) in SETTINGS.items():
        rs = [r for r in data["rows"] if r["setting"] == setting]
        ns = [r["n"] for r in rs]
        s_gd = loglog_slope(ns, [r["gd_iterations"] for r in rs])
        s_zo = loglog_slope(ns, [r["zo_iterations"] for r in rs])
        if setting == "strongly convex":
            m_gd = f"rate {_np.mean([r['gd_rate'] for r in rs]):.3f} (theory {rs[0]['gd_rate_theory']:.3f})"
            m_zo = "rate " + ", ".join(f"{r['zo_rate']:.4f}/{r['zo_rate_theory']:.4f}" for r in rs) + " (measured/theory)"
        else:
            m_gd = f"at most {max(r['gd_bound_ratio'] for r in rs):.2f} x the bound"
            m_zo = "k to tolerance ~ n^" + f"{s_zo:.2f}"
        rows.append([setting, what, f"{t_gd}; measured {m_gd}; k_tol ~ n^{s_gd:.2f}",
                     f"{t_zo}; measured {m_zo}; k_tol ~ n^{s_zo:.2f}"])
    table = Table("The curse of dimensionality, measured (k_tol: iterations to the tolerance)",
                  ["setting", "measured quantity", "GD: theory; measured", "zero-order GD: theory; measured"], rows)
    detail = Table("Iterations to the tolerance", ["setting", "n", "GD", "zero-order GD (mean)", "ratio"],
                   [[r["setting"], r["n"], r["gd_iterations"], f"{r['zo_iterations']:.0f}",
                     f"{r['zo_iterations'] / max(r['gd_iterations'], 1):.1f}"] for r in data["rows"]])
    slopes = []
    for setting in SETTINGS:
        rs = [r for r in data["rows"] if r["setting"] == setting]
        slopes.append(loglog_slope([r["n"] for r in rs], [r["zo_iterations"] / max(r["gd_iterations"], 1) for r in rs]))
    return ({"rates": fig}, [table, detail],
            "ZO/GD iterations to tolerance ~ n^" + ", n^".join(f"{s:.2f}" for s in slopes)
            + " (smooth, convex, strongly convex)")


register("L6-L8", "Zero-order methods and the curse of dimensionality",
         "Zero-order GD with the two-point estimator G = d (L(w + eps v) - L(w - eps v)) / (2 eps) v needs n times "
         "more iterations than GD: O(n/k) against O(1/k) in the smooth and smooth convex settings, "
         "(1 - mu/(nL))^k against (1 - mu/L)^k in the strongly convex one.", measure, judge, present)
