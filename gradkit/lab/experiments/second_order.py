"""L17-L18: Hessian-vector products without the Hessian, and Hutchinson's trace estimate
from them."""
import numpy as _np

from ... import grad, hessian, hvp
from ... import numpy as gnp
from ..core import Check, Table, check_below, check_range, loglog_slope, register, timeit
from ..report import new_figure

__all__ = ["measure", "judge", "present"]  # the protocol (gradkit.lab.core); the rest is this module's own


def make_f(rng, n):
    """A smooth coupled function with a dense Hessian: sum log(1 + exp(B x)) + |x|^2 / 2."""
    B = rng.standard_normal((n, n)) / _np.sqrt(n)

    def f(x):
        return gnp.sum(gnp.logaddexp(0.0, gnp.dot(B, x))) + 0.5 * gnp.sum(x * x)
    return f


def measure(ctx):
    """Times of a Hessian-vector product and of the full Hessian over n, and Hutchinson's trace
    estimate from m HVPs with its error over m."""
    rng = ctx.rng(17)
    sizes = ctx.pick([8, 32, 128, 512], [8, 32, 128, 512, 1024])
    cost = []
    for n in sizes:
        ctx.progress(f"HVP vs Hessian, n = {n}")
        f = make_f(rng, n)
        x, v = rng.standard_normal(n), rng.standard_normal(n)
        H = hessian(f)(x)
        err = float(_np.linalg.norm(hvp(f, x, v) - H @ v) / _np.linalg.norm(H @ v))
        t_min = ctx.pick(0.005, 0.02)
        g = grad(f)
        cost.append({"n": n, "t_grad": timeit(lambda: g(x), min_time=t_min, repeat=3),
                     "t_hvp": timeit(lambda: hvp(f, x, v), min_time=t_min, repeat=3),
                     "t_hessian": timeit(lambda: hessian(f)(x), min_time=t_min, repeat=3),
                     "hvp_rel_error": err, "hessian_bytes": int(H.nbytes)})
    # Hutchinson: Tr(H) = E[v^T H v] for Rademacher probes v (E[v v^T] = I)
    n = ctx.pick(50, 100)
    f = make_f(rng, n)
    x = rng.standard_normal(n)
    H = hessian(f)(x)
    pool = ctx.pick(512, 4096)
    ctx.progress(f"Hutchinson, {pool} probes")
    V = rng.choice([-1.0, 1.0], size=(pool, n))
    z = _np.array([v @ hvp(f, x, v) for v in V])
    trace = float(_np.trace(H))
    ms = [m for m in (1, 2, 4, 8, 16, 32, 64, 128) if pool // m >= 16]
    rmse = [float(_np.sqrt(_np.mean((z[:pool // m * m].reshape(-1, m).mean(axis=1) - trace) ** 2))) for m in ms]
    var = 2.0 * (_np.sum(H * H) - _np.sum(_np.diag(H) ** 2))  # the variance of one Rademacher probe
    return {"cost": cost, "hutchinson": {"n": n, "trace": trace, "probes": ms, "rmse": rmse, "pool": pool,
                                         "theory_rmse": [float(_np.sqrt(var / m)) for m in ms],
                                         "estimate_all": float(z.mean())}}


def judge(data):
    """HVP = H v at a few gradients' cost, the Hessian's cost growing ~n times faster; Hutchinson's
    error ~1/sqrt(m), as its variance predicts."""
    cost, hut = data["cost"], data["hutchinson"]
    ratio = [c["t_hessian"] / c["t_hvp"] for c in cost]
    big = cost[len(cost) // 2:]
    slope = loglog_slope([c["n"] for c in big], [c["t_hessian"] / c["t_hvp"] for c in big])
    s_h = loglog_slope(hut["probes"], hut["rmse"])
    worst = max(abs(r / t - 1) for r, t in zip(hut["rmse"], hut["theory_rmse"]))
    return [
        check_below("HVP = H v", max(c["hvp_rel_error"] for c in cost), 1e-10, "largest relative error "),
        check_below("HVP costs a few gradients", max(c["t_hvp"] / c["t_grad"] for c in cost), 10.0,
                    "largest cost(HVP)/cost(gradient) over n: ", fmt=".2f"),
        check_range("the full Hessian's cost grows ~n times faster", slope, 0.7, float("inf"),
                    f"cost(Hessian)/cost(HVP) from {ratio[0]:.1f} (n={cost[0]['n']}) to {ratio[-1]:.1f} "
                    f"(n={cost[-1]['n']}), fitted exponent over the larger n (at least ~1): "),
        check_range("Hutchinson error ~ 1/sqrt(m)", s_h, -0.65, -0.35, "fitted slope of RMSE vs probes m: "),
        Check("Hutchinson error matches its variance", worst < 0.5,
              f"measured RMSE within {worst:.0%} of sqrt(2(||H||_F^2 - sum H_ii^2)/m) at every m (need < 50%)"),
    ]


def present(data):
    """The HVP-cost and Hutchinson-error figure, and their tables."""
    cost, hut = data["cost"], data["hutchinson"]
    fig, (a1, a2, a3) = new_figure(3, 1, width=4.4, height=3.6)
    ns = [c["n"] for c in cost]
    a1.loglog(ns, [c["t_grad"] * 1e3 for c in cost], "^:", color="0.4", label="gradient")
    a1.loglog(ns, [c["t_hvp"] * 1e3 for c in cost], "o-", label="HVP: grad of jvp")
    a1.loglog(ns, [c["t_hessian"] * 1e3 for c in cost], "s-", label="full Hessian")
    a1.set_xlabel("n")
    a1.set_ylabel("time [ms]")
    a1.set_title("L17: H v without H", fontsize=10)
    a1.legend(fontsize=8)
    a1.grid(True, which="both", alpha=0.3)
    ratio = [c["t_hessian"] / c["t_hvp"] for c in cost]
    a2.loglog(ns, ratio, "o-", color="C2", label="measured")
    a2.loglog(ns, [ratio[-1] * k / ns[-1] for k in ns], "k:", label="slope 1 (~ n)")
    a2.set_xlabel("n")
    a2.set_ylabel("cost(Hessian) / cost(HVP)")
    a2.set_title("the Hessian costs ~n HVPs (asymptotically)", fontsize=10)
    a2.legend(fontsize=8)
    a2.grid(True, which="both", alpha=0.3)
    m = _np.array(hut["probes"])
    a3.loglog(m, hut["rmse"], "o-", label="measured RMSE")
    a3.loglog(m, hut["theory_rmse"], "k--", label="theory sqrt(Var/m)")
    a3.set_xlabel("probes m (Hessian-vector products)")
    a3.set_ylabel("|estimate - Tr H|, RMSE")
    a3.set_title(f"L18: Hutchinson trace, n = {hut['n']}", fontsize=10)
    a3.legend(fontsize=8)
    a3.grid(True, which="both", alpha=0.3)
    t1 = Table("HVP vs full Hessian", ["n", "gradient [ms]", "HVP [ms]", "Hessian [ms]", "Hessian/HVP",
                                       "Hessian memory", "HVP error"],
               [[c["n"], f"{c['t_grad'] * 1e3:.3f}", f"{c['t_hvp'] * 1e3:.3f}", f"{c['t_hessian'] * 1e3:.3f}",
                 f"{c['t_hessian'] / c['t_hvp']:.1f}", f"{c['hessian_bytes'] / 1024:.0f} KiB",
                 f"{c['hvp_rel_error']:.1e}"] for c in cost])
    t2 = Table(f"Hutchinson estimate of Tr H = {hut['trace']:.4f} ({hut['pool']} probes in groups of m)",
               ["m", "RMSE", "theory", "relative RMSE"],
               [[k, f"{r:.4f}", f"{t:.4f}", f"{r / abs(hut['trace']):.2%}"]
                for k, r, t in zip(hut["probes"], hut["rmse"], hut["theory_rmse"])])
    s = loglog_slope(hut["probes"], hut["rmse"])
    return ({"hvp_hutchinson": fig}, [t1, t2],
            f"Hessian/HVP cost {cost[0]['t_hessian'] / cost[0]['t_hvp']:.1f} -> "
            f"{cost[-1]['t_hessian'] / cost[-1]['t_hvp']:.0f} as n goes {cost[0]['n']} -> {cost[-1]['n']}; "
            f"Hutchinson RMSE ~ m^{s:.2f}")


register("L17-L18", "Hessian-vector products and Hutchinson's trace",
         "H v = grad_x <grad f(x), v> costs a few gradients, without forming the Hessian (whose cost grows "
         "with n); Tr(H) = E[v^T H v] for E[v v^T] = I, estimated from m Hessian-vector products with error "
         "shrinking like 1/sqrt(m).", measure, judge, present)
