"""L4: why training uses gradients. For a minibatch logistic-regression loss on R^d, the
peak memory (tracemalloc) and CPU time of one gradient and of one full Hessian over a log
grid of d, the fitted power laws, and where they lead at d = 1e6, 1e9 and 1e10 against this
machine's memory.

The gradient is cheap, so its grid goes further than the Hessian's: at small d its memory is
mostly the tape's fixed Python overhead (a few KiB), and only the larger d show the slope."""
import math
import os

import numpy as _np

from ... import grad, hessian
from ... import numpy as gnp
from ..core import Check, Table, check_range, peak_bytes, register, timeit
from ..report import new_figure

__all__ = ["measure", "judge", "present"]  # the protocol (gradkit.lab.core); the rest is this module's own

BATCH = 64            # examples in the minibatch: the loss costs O(BATCH d), its Hessian O(d^2)
TARGETS = (1e6, 1e9, 1e10)
LIMIT = 1e10          # the lecture's "tens of billions"
FIT_SPAN = 8          # fits use the points with d >= d_max / FIT_SPAN, past the fixed overheads
GRADIENT_SHARE = 0.01  # where the Hessian outgrows memory, the gradient must need less than 1% of it


def machine_bytes():
    """This machine's physical memory in bytes (MemTotal of /proc/meminfo, else sysconf)."""
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemTotal:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")


def minibatch_loss(rng, d, m=BATCH):
    """(L, w): the mean logistic loss of m labelled examples in R^d, plus a little weight decay."""
    X = rng.standard_normal((m, d))
    Xy = X * _np.where(rng.standard_normal(m) >= 0, 1.0, -1.0)[:, None]

    def loss(w):
        return gnp.mean(gnp.logaddexp(0.0, -gnp.dot(Xy, w))) + 5e-4 * gnp.dot(w, w)
    return loss, rng.standard_normal(d) / math.sqrt(d)


def _cost(fn, min_time):
    peak, _, _ = peak_bytes(fn)
    return {"bytes": int(peak), "seconds": timeit(fn, min_time=min_time, repeat=3)}


def measure(ctx):
    """Peak memory and CPU time of one gradient and of one full Hessian of a minibatch logistic loss
    over a log grid of d."""
    rng = ctx.rng(4)
    d_hessian = ctx.pick(2 ** _np.arange(4, 12), 2 ** _np.arange(4, 13)).tolist()   # up to 2048 / 4096
    d_grad = ctx.pick(2 ** _np.arange(4, 17), 2 ** _np.arange(4, 19)).tolist()      # up to 65536 / 262144
    t_min = ctx.pick(0.003, 0.02)
    rows = {"gradient": [], "hessian": []}
    for d in d_grad:
        ctx.progress(f"gradient, d = {d}")
        loss, w = minibatch_loss(rng, d)
        g = grad(loss)
        rows["gradient"].append({"d": d, **_cost(lambda: g(w), t_min)})
    for d in d_hessian:
        ctx.progress(f"Hessian, d = {d}")
        loss, w = minibatch_loss(rng, d)
        h = hessian(loss)
        H = h(w)
        rows["hessian"].append({"d": d, "nbytes": int(H.nbytes), **_cost(lambda: h(w), t_min)})
    return {**rows, "batch": BATCH, "machine_bytes": int(machine_bytes()), "fit_span": FIT_SPAN}


def power_fit(rows, key, span):
    """(p, c) of y ~ c d^p, least squares in log-log over the rows with d >= d_max / span."""
    top = max(r["d"] for r in rows) / span
    pts = [(r["d"], r[key]) for r in rows if r["d"] >= top and r[key] > 0]
    if len(pts) < 2:
        return float("nan"), float("nan")
    p, logc = _np.polyfit(_np.log([d for d, _ in pts]), _np.log([y for _, y in pts]), 1)
    return float(p), float(_np.exp(logc))


def fits(data):
    """The memory and time fits of both, and the d at which each one's memory fit reaches the
    machine's memory."""
    out = {}
    for kind in ("gradient", "hessian"):
        (p, c), (q, k) = (power_fit(data[kind], key, data["fit_span"]) for key in ("bytes", "seconds"))
        out[kind] = {"p": p, "c": c, "q": q, "k": k,
                     "d_full": (data["machine_bytes"] / c) ** (1 / p) if p > 0 else float("inf")}
    return out


def bytes_at(fit, d):
    return fit["c"] * d ** fit["p"]


def seconds_at(fit, d):
    return fit["k"] * d ** fit["q"]


def judge(data):
    """The gradient's memory grows like d, the Hessian's like d^2 and outgrows this machine below d =
    1e10 while the gradient still fits."""
    f = fits(data)
    g, h, M = f["gradient"], f["hessian"], data["machine_bytes"]
    share = bytes_at(g, h["d_full"]) / M if math.isfinite(h["d_full"]) else float("nan")
    return [
        check_range("the gradient's memory grows like d", g["p"], 0.85, 1.15,
                    f"fitted exponent of peak bytes vs d over d >= {data['gradient'][-1]['d'] // data['fit_span']}: "),
        check_range("the Hessian's memory grows like d^2", h["p"], 1.8, 2.2,
                    f"fitted exponent of peak bytes vs d over d >= {data['hessian'][-1]['d'] // data['fit_span']}: "),
        Check("the Hessian outgrows this machine below d = 1e10", h["d_full"] < LIMIT,
              f"the Hessian's fit reaches {_size(M)} (this machine's memory) at d = {h['d_full']:.2g}"),
        Check("... while the gradient still fits", share < GRADIENT_SHARE,
              f"the gradient's fit at that d: {_size(bytes_at(g, h['d_full']))}, {share:.1e} of the memory "
              f"(need < {GRADIENT_SHARE:.0%}); the gradient itself reaches it at d = {g['d_full']:.2g}"),
    ]


def _size(b):
    if not math.isfinite(b):
        return str(b)
    for unit, k in (("PiB", 2 ** 50), ("TiB", 2 ** 40), ("GiB", 2 ** 30), ("MiB", 2 ** 20), ("KiB", 2 ** 10)):
        if b >= k:
            return f"{b / k:.3g} {unit}"
    return f"{b:.0f} B"


def _duration(s):
    for unit, k in (("years", 3.156e7), ("days", 86400.0), ("h", 3600.0), ("s", 1.0), ("ms", 1e-3)):
        if s >= k:
            return f"{s / k:.3g} {unit}"
    return f"{s * 1e6:.3g} us"


def present(data):
    """Memory and time against d with the fitted power laws, and the extrapolation to 1e6, 1e9, 1e10."""
    f = fits(data)
    g, h, M = f["gradient"], f["hessian"], data["machine_bytes"]
    fig, (a1, a2) = new_figure(2, 1, width=5.0, height=4.0)
    line = _np.geomspace(10, 3e10, 60)
    for kind, fit, colour, marker in (("gradient", g, "C0", "o"), ("hessian", h, "C3", "s")):
        rows = data[kind]
        ds = [r["d"] for r in rows]
        name = "gradient" if kind == "gradient" else "full Hessian"
        a1.loglog(ds, [r["bytes"] for r in rows], marker, color=colour, ms=4, label=f"{name}, measured")
        a1.loglog(line, bytes_at(fit, line), "--", color=colour, lw=1, label=f"fit ~ d^{fit['p']:.2f}")
        a2.loglog(ds, [r["seconds"] for r in rows], marker, color=colour, ms=4, label=f"{name}, measured")
        a2.loglog(line, seconds_at(fit, line), "--", color=colour, lw=1, label=f"fit ~ d^{fit['q']:.2f}")
    a1.axhline(M, color="k", lw=1.2, label=f"this machine's memory ({_size(M)})")
    for d, colour in ((h["d_full"], "C3"), (g["d_full"], "C0")):
        if math.isfinite(d):
            a1.axvline(d, color=colour, ls=":", lw=1)
            a1.annotate(f"d = {d:.1g}", (d, M), textcoords="offset points", xytext=(3, 6), fontsize=7, color=colour)
    a2.axhline(3600, color="k", lw=1, ls="-", label="one hour")
    for ax in (a1, a2):
        for d in TARGETS:
            ax.axvline(d, color="0.7", lw=0.8)
        ax.set_xlabel("parameters d (float64)")
        ax.grid(True, which="major", alpha=0.3)
        ax.legend(fontsize=7, loc="upper left")
    a1.set_ylabel("peak memory of one call [bytes]")
    a1.set_title("L4: memory, measured and extrapolated", fontsize=10)
    a2.set_ylabel("CPU time of one call [s]")
    a2.set_title(f"L4: time (minibatch of {data['batch']} examples)", fontsize=10)
    t1 = Table("measured: one gradient vs one full Hessian (peak memory, CPU time)",
               ["d", "gradient memory", "gradient time", "Hessian memory", "Hessian time", "H itself"],
               [[r["d"], _size(r["bytes"]), _duration(r["seconds"]), "", "", ""] for r in data["gradient"]])
    for r in data["hessian"]:
        row = next(x for x in t1.rows if x[0] == r["d"])
        row[3:] = [_size(r["bytes"]), _duration(r["seconds"]), _size(r["nbytes"])]
    t2 = Table(f"extrapolated from the fits (this machine: {_size(M)})",
               ["d", "gradient memory", "Hessian memory", "Hessian fits?", "gradient time", "Hessian time"],
               [[f"{d:.0e}", _size(bytes_at(g, d)), _size(bytes_at(h, d)), "yes" if bytes_at(h, d) <= M else "no",
                 _duration(seconds_at(g, d)), _duration(seconds_at(h, d))] for d in TARGETS])
    measured = (f"peak memory ~ d^{g['p']:.2f} (gradient) and d^{h['p']:.2f} (Hessian); with {_size(M)} the Hessian "
                f"stops fitting at d = {h['d_full']:.2g}, the gradient at d = {g['d_full']:.2g}; at d = 1e10 the "
                f"fits give {_size(bytes_at(g, 1e10))} and {_size(bytes_at(h, 1e10))}")
    return {"memory_time": fig}, [t1, t2], measured


register("L4", "Why gradients: memory of the gradient vs the Hessian",
         "Training problems are L(w) -> min over w in R^d with d up to tens of billions: first-order methods "
         "need the gradient vector (memory ~ d), second-order methods need the Hessian (memory ~ d^2), which "
         "stops fitting in memory long before d reaches 1e10.", measure, judge, present)
