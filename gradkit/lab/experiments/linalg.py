"""L15-L16: derivatives through a linear solve and through the SVD, against the closed
forms dL/dA = -A^{-T} (dL/dx) x^T, dL/db = A^{-T} dL/dx and dL/dW = U diag(dL/ds) V^T."""
import numpy as _np

from ... import grad, value_and_grad
from ... import numpy as gnp
from ..core import Table, check_below, need, register, timeit
from ..report import new_figure


def measure(ctx):
    solve = need("gradkit.numpy.linalg", "solve")
    svd = need("gradkit.numpy.linalg", "svd")
    rng = ctx.rng(15)
    sizes = ctx.pick([4, 16, 64, 128], [4, 16, 64, 256, 512])
    rows = []
    for n in sizes:
        ctx.progress(f"n = {n}")
        A = rng.standard_normal((n, n)) + n ** 0.5 * _np.eye(n)
        b, c = rng.standard_normal(n), rng.standard_normal(n)
        loss = lambda A, b: gnp.dot(c, solve(A, b))  # noqa: E731  L = <c, x>, so dL/dx = c
        gA, gb = grad(loss, argnums=(0, 1))(A, b)
        x = _np.linalg.solve(A, b)
        lam = _np.linalg.solve(A.T, c)                # A^{-T} dL/dx
        err_A = _np.max(_np.abs(gA + _np.outer(lam, x))) / _np.max(_np.abs(lam[:, None] * x))
        err_b = _np.max(_np.abs(gb - lam)) / _np.max(_np.abs(lam))
        t_fwd = timeit(lambda: loss(A, b), min_time=ctx.pick(0.005, 0.02))
        vg = value_and_grad(loss, argnums=(0, 1))
        t_both = timeit(lambda: vg(A, b), min_time=ctx.pick(0.005, 0.02))
        W = rng.standard_normal((n, n // 2 + 1))
        sv_loss = lambda W: gnp.sum(gnp.log(svd(W, compute_uv=False)))  # noqa: E731  dL/ds = 1/s
        U, s, Vt = _np.linalg.svd(W, full_matrices=False)
        ref = (U / s) @ Vt
        err_svd = _np.max(_np.abs(grad(sv_loss)(W) - ref)) / _np.max(_np.abs(ref))
        rows.append({"n": n, "solve_A_error": float(err_A), "solve_b_error": float(err_b),
                     "svd_error": float(err_svd), "t_forward": t_fwd, "t_forward_backward": t_both})
    return {"rows": rows}


def judge(data):
    rows = data["rows"]
    big = rows[-1]
    ratio = big["t_forward_backward"] / big["t_forward"] - 1
    return [
        check_below("solve: dL/dA = -A^{-T} (dL/dx) x^T", max(r["solve_A_error"] for r in rows), 1e-10,
                    "largest relative error "),
        check_below("solve: dL/db = A^{-T} dL/dx", max(r["solve_b_error"] for r in rows), 1e-10,
                    "largest relative error "),
        check_below("backward pass costs about a forward one", ratio, 4.0,
                    f"n = {big['n']}: cost(backward) / cost(forward) = ", fmt=".2f"),
        check_below("SVD: dL/dW = U diag(dL/ds) V^T", max(r["svd_error"] for r in rows), 1e-9,
                    "largest relative error "),
    ]


def present(data):
    rows = data["rows"]
    ns = [r["n"] for r in rows]
    fig, (a1, a2) = new_figure(2, 1, width=4.8, height=3.6)
    for key, label in (("solve_A_error", "solve: dL/dA"), ("solve_b_error", "solve: dL/db"), ("svd_error", "SVD: dL/dW")):
        a1.semilogy(ns, _np.maximum([r[key] for r in rows], 1e-17), "o-", label=label)
    a1.set_xscale("log")
    a1.set_xlabel("n")
    a1.set_ylabel("relative error vs closed form")
    a1.set_title("L15-L16: AD vs closed forms", fontsize=10)
    a1.legend(fontsize=8)
    a2.loglog(ns, [r["t_forward"] * 1e3 for r in rows], "o-", label="forward: x = solve(A, b)")
    a2.loglog(ns, [(r["t_forward_backward"] - r["t_forward"]) * 1e3 for r in rows], "s-", label="backward pass")
    a2.set_xlabel("n")
    a2.set_ylabel("time [ms]")
    a2.set_title("L15: backward vs forward cost", fontsize=10)
    a2.legend(fontsize=8)
    for a in (a1, a2):
        a.grid(True, which="both", alpha=0.3)
    t = Table("Linear solve and SVD rules", ["n", "dL/dA error", "dL/db error", "SVD error", "forward [ms]",
                                              "backward / forward"],
              [[r["n"], f"{r['solve_A_error']:.1e}", f"{r['solve_b_error']:.1e}", f"{r['svd_error']:.1e}",
                f"{r['t_forward'] * 1e3:.3f}", f"{r['t_forward_backward'] / r['t_forward'] - 1:.2f}"] for r in rows])
    worst = max(max(r["solve_A_error"], r["solve_b_error"], r["svd_error"]) for r in rows)
    big = rows[-1]
    return ({"rules": fig}, [t], f"largest error vs closed forms {worst:.0e}; backward/forward cost "
            f"{big['t_forward_backward'] / big['t_forward'] - 1:.2f} at n = {big['n']}")


register("L15-L16", "Derivatives through solve and SVD",
         "Through x = A^{-1} b: dL/dA = -A^{-T} (dL/dx) x^T and dL/db = A^{-T} dL/dx, the backward pass costing "
         "about as much as the forward one; through W = U S V^T: dL/dW = U (dL/dS) V^T for a loss of the singular "
         "values.", measure, judge, present)
