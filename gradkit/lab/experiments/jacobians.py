"""L13: the Jacobian of f(x) = A x by forward mode (one sweep per input) and by reverse
mode (one sweep per output): forward wins when n << m, reverse when m << n.

The sweeps are timed as the lecture counts them: n calls of jvp, or one recorded forward
pass and m calls of its vjp. gradkit's jacfwd and jacrev push all basis vectors through
one batched sweep instead; they are timed too, for comparison."""
import numpy as _np

from ... import jacfwd, jacrev, jvp, vjp
from ... import numpy as gnp
from ..core import Check, Table, register, timeit
from ..report import new_figure

__all__ = ["measure", "judge", "present"]  # the protocol (gradkit.lab.core); the rest is this module's own


def measure(ctx):
    """Times of the Jacobian of A x by n forward sweeps, by m reverse sweeps and by jacfwd/jacrev, over
    a grid of m and n."""
    sizes = ctx.pick([2, 16, 128, 512], [2, 8, 32, 128, 512, 1024])
    rng = ctx.rng(13)
    cells = []
    for m in sizes:
        ctx.progress(f"m = {m}")
        for n in sizes:
            A = rng.standard_normal((m, n))
            x = rng.standard_normal(n)
            f = lambda z, A=A: gnp.dot(A, z)  # noqa: E731
            jf, jr = jacfwd(f), jacrev(f)
            sf, sr = (lambda: _forward_sweeps(f, x)), (lambda: _reverse_sweeps(f, x, m))
            err = max(_np.max(_np.abs(J - A)) for J in (jf(x), jr(x), sf(), sr()))
            t = ctx.pick(0.003, 0.02)
            cells.append({"m": m, "n": n, "t_forward": timeit(sf, min_time=t), "t_reverse": timeit(sr, min_time=t),
                          "t_jacfwd": timeit(lambda: jf(x), min_time=t), "t_jacrev": timeit(lambda: jr(x), min_time=t),
                          "max_error": float(err)})
    return {"sizes": sizes, "cells": cells}


def _forward_sweeps(f, x):
    """One forward sweep per input direction e_j gives column j."""
    eye = _np.eye(x.size)
    return _np.stack([jvp(f, (x,), (e,))[1] for e in eye], axis=1)


def _reverse_sweeps(f, x, m):
    """One recorded forward pass, then one backward sweep per output e_i gives row i."""
    _, back = vjp(f, x)
    return _np.stack([back(e)[0] for e in _np.eye(m)])


def judge(data):
    """Both modes give A; forward wins when n << m, reverse when m << n: the mode with fewer sweeps is
    cheaper."""
    cells = data["cells"]
    err = max(c["max_error"] for c in cells)
    # the lecture's prediction, on the cells where the shapes differ by 8x or more
    clear = [c for c in cells if max(c["m"], c["n"]) >= 8 * min(c["m"], c["n"])]
    right = [c for c in clear if (c["t_forward"] < c["t_reverse"]) == (c["n"] < c["m"])]
    lo, hi = min(data["sizes"]), max(data["sizes"])
    tall = next(c for c in cells if c["m"] == hi and c["n"] == lo)
    wide = next(c for c in cells if c["m"] == lo and c["n"] == hi)
    return [
        Check("both modes give A exactly", err < 1e-12, f"largest |J - A| = {err:.1e}"),
        Check("forward wins when n << m", tall["t_reverse"] > 1.5 * tall["t_forward"],
              f"m = {hi}, n = {lo}: reverse/forward time = {tall['t_reverse'] / tall['t_forward']:.1f}"),
        Check("reverse wins when m << n", wide["t_forward"] > 1.5 * wide["t_reverse"],
              f"m = {lo}, n = {hi}: forward/reverse time = {wide['t_forward'] / wide['t_reverse']:.1f}"),
        Check("the cheaper mode is the one with fewer sweeps", len(right) >= 0.8 * len(clear),
              f"{len(right)} of {len(clear)} grid cells with m/n >= 8 or n/m >= 8 (need 80%)"),
    ]


def present(data):
    """Times over m and n, and the table with each cell's winner."""
    sizes, cells = data["sizes"], data["cells"]
    cell = {(c["m"], c["n"]): c for c in cells}
    fig, axes = new_figure(3, 1, width=4.6, height=3.9)
    mid = sizes[1]
    for ax, fixed in zip(axes[:2], ("n", "m")):
        free = "m" if fixed == "n" else "n"
        xs = sizes
        pick = (lambda v: cell[(v, mid)]) if fixed == "n" else (lambda v: cell[(mid, v)])
        ax.loglog(xs, [pick(v)["t_forward"] * 1e3 for v in xs], "o-", color="C0", label="forward: n sweeps")
        ax.loglog(xs, [pick(v)["t_reverse"] * 1e3 for v in xs], "s-", color="C1", label="reverse: m sweeps")
        ax.loglog(xs, [pick(v)["t_jacfwd"] * 1e3 for v in xs], "o:", color="C0", alpha=0.6, ms=4,
                  label="jacfwd (batched sweeps)")
        ax.loglog(xs, [pick(v)["t_jacrev"] * 1e3 for v in xs], "s:", color="C1", alpha=0.6, ms=4,
                  label="jacrev (batched sweeps)")
        ax.set_xlabel(f"{free} ({fixed} = {mid})")
        ax.set_ylabel("time for the Jacobian [ms]")
        ax.set_title(f"J of A x, A is m x n: varying {free}")
        ax.legend(fontsize=8)
        ax.grid(True, which="both", alpha=0.3)
    ratio = _np.array([[_np.log2(cell[(m, n)]["t_reverse"] / cell[(m, n)]["t_forward"]) for n in sizes]
                       for m in sizes])
    lim = max(1.0, float(_np.max(_np.abs(ratio))))
    im = axes[2].imshow(ratio, origin="lower", cmap="coolwarm", vmin=-lim, vmax=lim)
    axes[2].set_xticks(range(len(sizes)), sizes)
    axes[2].set_yticks(range(len(sizes)), sizes)
    axes[2].set_xlabel("n (inputs)")
    axes[2].set_ylabel("m (outputs)")
    axes[2].set_title("log2(t_reverse / t_forward)\nred: forward wins, blue: reverse wins", fontsize=10)
    for i in range(len(sizes)):
        for j in range(len(sizes)):
            axes[2].text(j, i, f"{ratio[i, j]:+.1f}", ha="center", va="center", fontsize=7)
    fig.colorbar(im, ax=axes[2], shrink=0.8, format="%+.1f", pad=0.02)
    table = Table("Jacobian of A x: time [ms] and winner",
                  ["m", "n", "forward (n sweeps)", "reverse (m sweeps)", "faster", "jacfwd (batched)",
                   "jacrev (batched)"],
                  [[c["m"], c["n"], f"{c['t_forward'] * 1e3:.3f}", f"{c['t_reverse'] * 1e3:.3f}",
                    "forward" if c["t_forward"] < c["t_reverse"] else "reverse",
                    f"{c['t_jacfwd'] * 1e3:.3f}", f"{c['t_jacrev'] * 1e3:.3f}"] for c in cells])
    lo, hi = min(sizes), max(sizes)
    tall, wide = cell[(hi, lo)], cell[(lo, hi)]
    return ({"timing": fig}, [table],
            f"m={hi}, n={lo}: forward {tall['t_reverse'] / tall['t_forward']:.1f}x faster; "
            f"m={lo}, n={hi}: reverse {wide['t_forward'] / wide['t_reverse']:.1f}x faster")


register("L13", "Jacobians: forward vs reverse mode",
         "Reverse mode costs one sweep per output, forward mode one per input: for f(x) = A x with A m x n, "
         "forward wins when n << m and reverse when m << n.", measure, judge, present)
