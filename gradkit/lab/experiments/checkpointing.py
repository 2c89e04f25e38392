"""L19: gradient checkpointing on a deep network. For segments of s layers wrapped in
gradkit.checkpoint, against no checkpointing: the memory the tape holds after the forward
pass, the peak memory of the whole gradient (tracemalloc), the time, and how many layers
were evaluated (the recomputation).

The CPU time is split into user time (the computation, where the recomputed forward pass
shows) and system time (mostly the kernel handing out and zeroing fresh memory pages for
the tape's arrays), because here the second can cancel the first: a large tape costs time
as well as bytes."""
import math

try:
    import resource  # user and system CPU time (Unix)
except ImportError:  # pragma: no cover  (Windows: the total CPU time counts as user time)
    resource = None

import numpy as _np

from ... import checkpoint, grad, vjp
from ... import numpy as gnp
from ..core import Check, Table, check_below, peak_bytes, register, timeit
from ..report import new_figure

__all__ = ["measure", "judge", "present"]  # the protocol (gradkit.lab.core); the rest is this module's own

MiB = 2.0 ** 20


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


def user_sys_seconds(fn, min_time):
    """(user, system) CPU seconds per call of fn(), over as many calls as fill min_time."""
    t = timeit(fn, min_time=min_time / 4, repeat=1)
    loops = max(3, int(min_time / max(t, 1e-9)))
    if resource is None:
        return timeit(fn, min_time=min_time), 0.0
    r0 = resource.getrusage(resource.RUSAGE_SELF)
    for _ in range(loops):
        fn()
    r1 = resource.getrusage(resource.RUSAGE_SELF)
    return (r1.ru_utime - r0.ru_utime) / loops, (r1.ru_stime - r0.ru_stime) / loops


def measure(ctx):
    # activations (batch x width) much larger than the weights (width x width): they are what the
    # tape holds, while the weights' gradient (the result itself) is a floor no checkpoint lowers
    """Without checkpointing and for each segment length: the tape's bytes after the forward pass, the
    peak bytes and CPU time (user, system) of the gradient, and the layers evaluated."""
    depth, width, batch = ctx.pick((32, 64, 1024), (64, 64, 2048))
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
        _, tape_bytes, _ = peak_bytes(lambda: vjp(f, Ws, x))  # what the recording holds for the backward pass
        user, system = user_sys_seconds(lambda: g(Ws, x), ctx.pick(0.3, 1.0))
        rows.append({"config": name, "segment": seg, "tape_bytes": tape_bytes,
                     "peak_bytes": peak_bytes(lambda: g(Ws, x))[0], "seconds": user + system, "user": user,
                     "system": system, "layer_evals": n_evals, "max_grad_diff": err})
    t_forward = user_sys_seconds(lambda: plain(Ws, x), ctx.pick(0.3, 1.0))[0]
    return {"depth": depth, "width": width, "batch": batch, "activation_bytes": batch * width * 8,
            "user_forward": t_forward,
            "sqrt_segment": 2 ** round(math.log2(math.sqrt(depth))), "rows": rows}


def judge(data):
    """Same gradient; the tape holds fewer intermediates and the peak memory drops; the price is about
    one extra forward pass."""
    rows, d = data["rows"], data["depth"]
    base = rows[0]
    ck = [r for r in rows if r["segment"] is not None]
    sq = next(r for r in ck if r["segment"] == data["sqrt_segment"])
    best = min(ck, key=lambda r: r["peak_bytes"])
    t = sq["seconds"] / base["seconds"]
    u = sq["user"] / base["user"]
    u_pred = (base["user"] + data["user_forward"]) / base["user"]  # one more forward pass of computation
    return [
        check_below("same gradient", max(r["max_grad_diff"] for r in rows), 1e-12, "largest difference "),
        # the plain tape holds one activation per layer, the checkpointed one per segment: 1/s of it
        Check("the tape stores only some intermediates",
              sq["tape_bytes"] <= 1.25 * base["tape_bytes"] / sq["segment"],
              f"memory held after the forward pass: {base['tape_bytes'] / MiB:.2f} MiB without, "
              f"{sq['tape_bytes'] / MiB:.2f} MiB with segments of s = {sq['segment']} (~sqrt(depth)); "
              f"one activation per segment instead of one per layer: need at most 1.25/s of it"),
        Check("checkpointing lowers the peak memory of the gradient", best["peak_bytes"] <= 0.5 * base["peak_bytes"],
              f"peak {base['peak_bytes'] / MiB:.1f} MiB without, {best['peak_bytes'] / MiB:.1f} MiB with "
              f"{best['config']} (need at most half)"),
        Check("... and costs computing time: about one more forward pass", 1.0 < u <= 2 * u_pred - 1,
              f"segments of {sq['segment']}: user CPU time x{u:.2f} (one more forward pass predicts x{u_pred:.2f}; "
              f"need more than 1, at most two forward passes: {2 * u_pred - 1:.2f}); total CPU time x{t:.2f}, "
              "system time "
              f"{base['system'] * 1e3:.1f} -> {sq['system'] * 1e3:.1f} ms (fresh memory pages for the tape)"),
        Check("the recomputation is one extra forward pass", all(r["layer_evals"] == 2 * d for r in ck),
              f"layer evaluations per gradient: {sorted({r['layer_evals'] for r in ck})} with checkpointing, "
              f"{base['layer_evals']} without, for a depth-{d} network (forward + one recomputation = {2 * d})"),
    ]


def present(data):
    """Memory and time against the segment length, and the table of every configuration."""
    rows, d = data["rows"], data["depth"]
    base, ck = rows[0], [r for r in rows if r["segment"] is not None]
    segs = _np.array([r["segment"] for r in ck])
    act = data["activation_bytes"] / MiB
    fig, (a1, a2, a3) = new_figure(3, 1, width=4.3, height=3.8)
    a1.semilogx(segs, [r["tape_bytes"] / MiB for r in ck], "o-", base=2, label="tape after forward (checkpointed)")
    a1.semilogx(segs, [r["peak_bytes"] / MiB for r in ck], "s-", base=2, label="peak during grad (checkpointed)")
    a1.axhline(base["tape_bytes"] / MiB, color="C0", ls="--", lw=1, label="tape, no checkpoint")
    a1.axhline(base["peak_bytes"] / MiB, color="C1", ls="--", lw=1, label="peak, no checkpoint")
    a1.semilogx(segs, d / segs * act, "k:", base=2, label="depth/s activations (the segments' inputs)")
    a1.set_ylim(0, 1.9 * base["peak_bytes"] / MiB)
    a1.set_xlabel("layers per checkpointed segment s")
    a1.set_ylabel("memory [MiB]")
    a1.set_title(f"L19: depth {d}, width {data['width']}, batch {data['batch']}", fontsize=10)
    a1.legend(fontsize=7, loc="upper right")
    # CPU time as stacked bars: computation (user) and the kernel's fresh pages (system)
    labels = ["none"] + [str(s) for s in segs]
    xs = _np.arange(len(rows))
    user = _np.array([r["user"] for r in rows]) * 1e3
    system = _np.array([r["system"] for r in rows]) * 1e3
    a2.bar(xs, user, 0.6, color="C0", label="user: computation")
    a2.bar(xs, system, 0.6, bottom=user, color="C1", label="system: fresh memory pages")
    a2.axhline((base["user"] + data["user_forward"]) * 1e3, color="k", ls=":", lw=1.2,
               label="computation without + one forward pass")
    a2.set_xticks(xs, labels)
    a2.set_ylim(0, 1.4 * max(user + system))
    a2.set_xlabel("layers per checkpointed segment s (none: no checkpoint)")
    a2.set_ylabel("CPU time of one gradient [ms]")
    a2.set_title("the price: recomputation", fontsize=10)
    a2.legend(fontsize=7, loc="upper center")
    a3.semilogx(segs, [r["layer_evals"] / d for r in ck], "o-", base=2, label="checkpointed")
    a3.axhline(base["layer_evals"] / d, color="C3", ls="--", label="no checkpoint")
    a3.set_ylim(0, 3)
    a3.set_xlabel("layers per checkpointed segment s")
    a3.set_ylabel("layer evaluations / depth")
    a3.set_title("forward passes per gradient", fontsize=10)
    a3.legend(fontsize=8)
    for a in (a1, a2, a3):
        a.grid(True, alpha=0.3, axis="y" if a is a2 else "both")
    t = Table(f"Checkpointing (one activation = {act:.2f} MiB)",
              ["configuration", "tape after forward", "peak during grad", "user [ms]", "system [ms]",
               "user / plain", "total / plain", "layer evaluations", "grad diff"],
              [[r["config"], f"{r['tape_bytes'] / MiB:.2f} MiB", f"{r['peak_bytes'] / MiB:.2f} MiB",
                f"{r['user'] * 1e3:.1f}", f"{r['system'] * 1e3:.1f}", f"{r['user'] / base['user']:.2f}",
                f"{r['seconds'] / base['seconds']:.2f}", r["layer_evals"], f"{r['max_grad_diff']:.0e}"] for r in rows])
    sq = next(r for r in ck if r["segment"] == data["sqrt_segment"])
    return ({"memory_time": fig}, [t],
            f"segments of {sq['segment']}: tape {base['tape_bytes'] / MiB:.1f} -> {sq['tape_bytes'] / MiB:.1f} MiB, "
            f"peak {base['peak_bytes'] / MiB:.1f} -> {sq['peak_bytes'] / MiB:.1f} MiB, computing time x"
            f"{sq['user'] / base['user']:.2f} (total x{sq['seconds'] / base['seconds']:.2f}), {sq['layer_evals']} "
            f"layer evaluations for depth {d}")


register("L19", "Gradient checkpointing",
         "Storing only some intermediates and recomputing the rest during the backward pass trades time for "
         "memory.", measure, judge, present)
