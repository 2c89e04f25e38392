"""L6-L8: the curse of dimensionality. Gradient descent with exact (AD) gradients against
zero-order GD with the two-point spherical estimator of L6, in the three settings of the
lecture's table (`gradkit.optim.iterations_to_tolerance`): the iterations GD needs to reach a
relative tolerance do not grow with n, those of zero-order GD grow like n."""
import numpy as _np

from ... import optim
from ..core import Check, Table, check_range, register
from ..report import new_figure

__all__ = ["measure", "judge", "present"]  # the protocol (gradkit.lab.core); the rest is this module's own

TOL = 1e-3
KAPPA = 10.0  # L / mu in the strongly convex setting
# setting -> (title, quantity brought below TOL times its start, GD's rate, zero-order GD's rate)
SETTINGS = {
    "smooth": ("smooth (non-convex robust regression)", "||grad f(x_k)||^2", "O(1/k)", "O(n/k)"),
    "convex": ("smooth convex (quadratic, mu = 0)", "f(x_k) - f*", "O(1/k)", "O(n/k)"),
    "strongly_convex": (f"smooth strongly convex (quadratic, L/mu = {KAPPA:g})", "||x_k - x*||",
                        "O((1 - mu/L)^k)", "O((1 - mu/(nL))^k)"),
}


def measure(ctx):
    """`gradkit.optim.iterations_to_tolerance` in L8's three settings over n: GD against zero-order GD."""
    ns = ctx.pick((8, 16, 32, 64), (8, 16, 32, 64, 128, 256))
    seeds = tuple(range(ctx.seed, ctx.seed + ctx.pick(2, 3)))
    out = {"ns": list(ns), "seeds": list(seeds), "tol": TOL, "kappa": KAPPA, "settings": {}}
    for setting in SETTINGS:
        ctx.progress(f"{setting}, n up to {ns[-1]}")
        r = optim.iterations_to_tolerance(ns=ns, kappa=KAPPA, tol=TOL, seeds=seeds, setting=setting)
        out["settings"][setting] = {k: r[k] for k in ("iterations", "per_seed", "evaluations", "seconds", "slope",
                                                      "bound", "ratio_zo_to_ad", "ratio_slope")}
    return out


def _within(measured, bounds):
    """Largest measured / bound over n, or None where theory states no constant."""
    pairs = [(m, b) for m, b in zip(measured, bounds) if b is not None]
    return max(m / b for m, b in pairs) if pairs else None


def judge(data):
    """Zero-order GD needs ~n times GD's iterations, and each method stays within its theoretical bound."""
    checks = []
    for setting, (title, _, rate_gd, rate_zo) in SETTINGS.items():
        s = data["settings"][setting]
        it = s["iterations"]
        checks.append(check_range(f"{setting}: zero-order GD needs ~n times GD's iterations", s["ratio_slope"],
                                  0.7, 1.3,
                                  f"iterations to {data['tol']:g} of the start: GD {it['ad'][0]} -> {it['ad'][-1]}, "
                                  f"zero-order GD {it['zo'][0]} -> {it['zo'][-1]} as n goes {data['ns'][0]} -> "
                                  f"{data['ns'][-1]}; fitted exponent of their ratio in n: ", fmt=".2f"))
        worst = _within(it["ad"], s["bound"]["ad"])
        checks.append(Check(f"{setting}: GD within its {rate_gd} bound", worst is not None and worst <= 1.0,
                            f"largest measured / guaranteed iterations over n: {worst:.3f} (must be <= 1)"))
        worst = _within(it["zo"], s["bound"]["zo"])
        if worst is not None:  # theory's constant for zero-order GD (in expectation; median over seeds)
            checks.append(Check(f"{setting}: zero-order GD within its {rate_zo} bound", worst <= 1.0,
                                f"largest measured (median over seeds) / guaranteed iterations over n: {worst:.3f} "
                                "(must be <= 1)"))
    return checks


def contraction(iterations, tol, squared):
    """The per-iteration contraction that reaching tol in k iterations implies: tol^(1/k) for
    ||x_k - x*||, squared when comparing with a rate on ||x_k - x*||^2."""
    return tol ** ((2 if squared else 1) / iterations)


def present(data):
    """Iterations against n per setting, and the tables with evaluations and theory's bounds."""
    from matplotlib.ticker import LogLocator, NullFormatter, ScalarFormatter
    ns = _np.array(data["ns"])
    fig, axes = new_figure(4, 1, width=3.9, height=3.9)
    for ax, (setting, (title, what, rate_gd, rate_zo)) in zip(axes, SETTINGS.items()):
        s = data["settings"][setting]
        for src, colour, label in (("ad", "C0", "GD (AD)"), ("zo", "C3", "zero-order GD")):
            for n, runs in zip(ns, s["per_seed"][src]):
                ax.plot([n] * len(runs), runs, ".", color=colour, alpha=0.4, ms=4)
            ax.loglog(ns, s["iterations"][src], "o-", color=colour,
                      label=f"{label}: ~n^{s['slope'][src]:.2f}")
            b = s["bound"][src]
            if all(v is not None for v in b):
                ax.loglog(ns, b, "--", color=colour, lw=1, alpha=0.7, label=f"{label}: bound")
        ax.set_xscale("log", base=2)
        ax.set_xlabel("dimension n (dots: single seeds)")
        ax.set_ylabel("iterations to the tolerance")
        ax.set_title(f"L8 {title}\nuntil {what} <= {data['tol']:g} x its start", fontsize=9)
        ax.legend(fontsize=7, loc="best")
        ax.grid(True, which="major", alpha=0.3)
    ax = axes[3]
    for (setting, (title, *_)), mk in zip(SETTINGS.items(), "os^"):
        s = data["settings"][setting]
        ax.loglog(ns, s["ratio_zo_to_ad"], mk + "-", label=f"{setting}: ~n^{s['ratio_slope']:.2f}")
    ax.loglog(ns, ns / ns[0] * min(data["settings"][k]["ratio_zo_to_ad"][0] for k in SETTINGS), "k:", label="~n")
    ax.set_xscale("log", base=2)
    ax.set_xlabel("dimension n")
    ax.set_ylabel("zero-order GD / GD iterations")
    ax.yaxis.set_major_locator(LogLocator(base=10, subs=(1.0, 2.0, 5.0)))
    ax.yaxis.set_major_formatter(ScalarFormatter())
    ax.yaxis.set_minor_formatter(NullFormatter())
    ax.set_title("the factor n of the curse of dimensionality", fontsize=9)
    ax.legend(fontsize=7)
    ax.grid(True, which="major", alpha=0.3)

    sc = data["settings"]["strongly_convex"]
    q_gd = [contraction(k, data["tol"], False) for k in sc["iterations"]["ad"]]
    q_zo = [contraction(k, data["tol"], True) for k in sc["iterations"]["zo"]]
    mu_L = 1 / data["kappa"]
    rows = []
    for setting, (title, what, rate_gd, rate_zo) in SETTINGS.items():
        s = data["settings"][setting]
        if setting == "strongly_convex":
            m_gd = f"contraction {min(q_gd):.3f}-{max(q_gd):.3f} per step (theory {1 - mu_L:.3f})"
            m_zo = (f"contraction of E||x_k - x*||^2 {q_zo[0]:.4f} at n = {ns[0]} (theory {1 - mu_L / ns[0]:.4f}), "
                    f"{q_zo[-1]:.5f} at n = {ns[-1]} (theory {1 - mu_L / ns[-1]:.5f})")
        else:
            m_gd, m_zo = "", ""
        rows.append([title, what, f"{rate_gd}; iterations ~ n^{s['slope']['ad']:.2f}" + (f"; {m_gd}" if m_gd else ""),
                     f"{rate_zo}; iterations ~ n^{s['slope']['zo']:.2f}" + (f"; {m_zo}" if m_zo else ""),
                     f"n^{s['ratio_slope']:.2f}"])
    table = Table(f"The curse of dimensionality, measured (iterations to {data['tol']:g} of the start, median over "
                  f"seeds {data['seeds']})", ["setting", "quantity", "GD: theory; measured",
                                              "zero-order GD: theory; measured", "zero-order / GD"], rows)
    detail = Table("Iterations (median over seeds), evaluations of f and theory's guaranteed iterations",
                   ["setting", "n", "GD", "GD bound", "zero-order GD", "zero-order bound", "ratio",
                    "zero-order evaluations"],
                   [[setting, n, s["iterations"]["ad"][i], _fmt(s["bound"]["ad"][i]), s["iterations"]["zo"][i],
                     _fmt(s["bound"]["zo"][i]), f"{s['ratio_zo_to_ad'][i]:.1f}", f"{s['evaluations']['zo'][i]:,}"]
                    for setting, s in data["settings"].items() for i, n in enumerate(data["ns"])])
    slopes = [data["settings"][k]["ratio_slope"] for k in SETTINGS]
    return ({"rates": fig}, [table, detail],
            "zero-order/GD iterations to tolerance ~ n^" + ", n^".join(f"{v:.2f}" for v in slopes)
            + " (smooth, convex, strongly convex)")


def _fmt(v):
    return "-" if v is None else f"{v:,}"


register("L6-L8", "Zero-order methods and the curse of dimensionality",
         "Zero-order GD with the two-point estimator G = d (L(w + eps v) - L(w - eps v)) / (2 eps) v needs n times "
         "more iterations than GD: O(n/k) against O(1/k) in the smooth and smooth convex settings, "
         "(1 - mu/(nL))^k against (1 - mu/L)^k in the strongly convex one.", measure, judge, present)
