"""L19: gradient checkpointing on a deep network: peak memory (tracemalloc) and time with
and without gradkit.checkpoint, over the length of the checkpointed segments."""
import math
import tracemalloc

import numpy as _np

from ... import checkpoint, grad
from ... import numpy as gnp
from ..core import Check, Table, check_below, register, timeit
from ..report import new_figure


def _network(depth):
    evals = [0]  # layer evaluations, to count the recomputation

    def layers(x, *Ws):
        for W in Ws:
            evals[0] += 1
            x = gnp.tanh(gnp.dot(x, W))
        return x

    def plain(Ws, x):
        return gnp.sum(layers(x, *Ws) ** 2)

    def checkpointed(seg):
        block = checkpoint(layers)

        def loss(Ws, x):
            for s in range(0, depth, seg):
                x = block(x, *Ws[s:s + seg])
            return gnp.sum(x ** 2)
        return loss
    return evals, plain, checkpointed


def _peak_bytes(fn):
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def measure(ctx):
    depth, width, batch = ctx.pick((32, 64, 256), (64, 64, 512))
    rng = ctx.rng(19)
    Ws = list(rng.standard_normal((depth, width, width)) / _np.sqrt(width))
    x = rng.standard_normal((batch, width))
    evals, plain, checkpointed = _network(depth)
    ref = grad(plain)(Ws, x)
    configs = [("no checkpoint", None, plain)]
    configs += [(f"segments of {s}", s, checkpointed(s)) for s in (1, 2, 4, 8, 16, 32) if s <= depth // 2]
    rows = []
    for name, seg, f in configs:
        ctx.progress(name)
        g = grad(f)
        evals[0] = 0
        out = g(Ws, x)
        n_evals = evals[0]
        err = max(float(_np.max(_np.abs(a - b))) for a, b in zip(out, ref))
        rows.append({"config": name, "segment": seg, "peak_bytes": _peak_bytes(lambda: g(Ws, x)),
                     "seconds": timeit(lambda: g(Ws, x), min_time=ctx.pick(0.02, 0.1), repeat=ctx.pick(2, 3)),
                     "layer_evals": n_evals, "max_grad_diff": err})
    activation = batch * width * 8
    return {"depth": depth, "width": width, "batch": batch, "activation_bytes": activation,
            "sqrt_segment": 2 ** round(math.log2(math.sqrt(depth))), "rows": rows}


def judge(data):
    rows = data["rows"]
    base = rows[0]
    ck = [r for r in rows if r["segment"] is not None]
    best = min(ck, key=lambda r: r["peak_bytes"])
    sq = next(r for r in ck if r["segment"] == data["sqrt_segment"])
    d = data["depth"]
    return [
        check_below("same gradient", max(r["max_grad_diff"] for r in rows), 1e-12, "largest difference "),
        Check("checkpointing saves memory", best["peak_bytes"] <= 0.5 * base["peak_bytes"],
              f"peak {base['peak_bytes'] / 2**20:.1f} MiB without, {best['peak_bytes'] / 2**20:.1f} MiB with "
              f"{best['config']} (need at most half)"),
        Check("... and costs time", sq["seconds"] > base["seconds"],
              f"segments of {sq['segment']} (~sqrt(depth)): {sq['seconds'] / base['seconds']:.2f}x the time"),
        Check("the recomputation is one extra forward pass", sq["layer_evals"] <= 2 * d,
              f"{sq['layer_evals']} layer evaluations for a depth-{d} network with segments of {sq['segment']} "
              f"(forward + one recomputation = {2 * d}; without checkpointing {base['layer_evals']})"),
    ]


def present(data):
    rows = data["rows"]
    base, ck = rows[0], [r for r in rows if r["segment"] is not None]
    segs = [r["segment"] for r in ck]
    fig, (a1, a2, a3) = new_figure(3, 1, width=4.3, height=3.6)
    a1.semilogx(segs, [r["peak_bytes"] / 2**20 for r in ck], "o-", base=2, label="checkpointed segments")
    a1.axhline(base["peak_bytes"] / 2**20, color="C3", ls="--", label="no checkpoint")
    a1.set_ylim(bottom=0)
    a1.set_xlabel("layers per checkpointed segment")
    a1.set_ylabel("peak memory of grad [MiB]")
    a1.set_title(f"L19: depth {data['depth']}, width {data['width']}, batch {data['batch']}", fontsize=10)
    a1.legend(fontsize=8)
    a2.semilogx(segs, [r["seconds"] * 1e3 for r in ck], "o-", base=2)
    a2.axhline(base["seconds"] * 1e3, color="C3", ls="--")
    a2.set_ylim(bottom=0)
    a2.set_xlabel("layers per checkpointed segment")
    a2.set_ylabel("time of grad [ms]")
    a2.set_title("the price: recomputation", fontsize=10)
    a3.semilogx(segs, [r["layer_evals"] / data["depth"] for r in ck], "o-", base=2)
    a3.axhline(1, color="C3", ls="--")
    a3.axhline(2, color="0.5", ls=":")
    a3.set_xlabel("layers per checkpointed segment")
    a3.set_ylabel("layer evaluations / depth")
    a3.set_title("forward passes per gradient (ideal 2)", fontsize=10)
    for a in (a1, a2, a3):
        a.grid(True, alpha=0.3)
    t = Table("Checkpointing: peak memory (tracemalloc), time, recomputation",
              ["configuration", "peak memory", "time [ms]", "time / plain", "layer evaluations", "grad diff"],
              [[r["config"], f"{r['peak_bytes'] / 2**20:.1f} MiB", f"{r['seconds'] * 1e3:.1f}",
                f"{r['seconds'] / base['seconds']:.2f}", r["layer_evals"], f"{r['max_grad_diff']:.0e}"] for r in rows])
    best = min(ck, key=lambda r: r["peak_bytes"])
    sq = next(r for r in ck if r["segment"] == data["sqrt_segment"])
    return ({"memory_time": fig}, [t],
            f"peak memory {base['peak_bytes'] / 2**20:.1f} -> {best['peak_bytes'] / 2**20:.1f} MiB "
            f"({best['config']}); time x{sq['seconds'] / base['seconds']:.2f} at segments of {sq['segment']}")


register("L19", "Gradient checkpointing",
         "Storing only some intermediates and recomputing the rest during the backward pass trades time for "
         "memory.", measure, judge, present)
