"""L15-L16: derivatives through a linear solve and through the SVD, against the closed
forms dL/dA = -A^{-T} (dL/dx) x^T, dL/db = A^{-T} dL/dx and dL/dW = U diag(dL/ds) V^T; and
the cost of the backward pass through the solve against the forward one.

The two passes are timed apart: the forward pass is `vjp(loss, A, b)` (it records the tape
and keeps A's LU factors), the backward pass is the returned function applied to 1."""
import numpy as _np

from ... import grad, vjp
from ... import numpy as gnp
from ..core import Check, Table, check_below, register, timeit
from ..report import new_figure

__all__ = ["measure", "judge", "present"]  # the protocol (gradkit.lab.core); the rest is this module's own

TOL = 1e-10  # relative error allowed against the closed forms (well-conditioned A, float64)


def _solve_case(rng, n, k, t_min):
    """Errors and pass times for L = sum(C * solve(A, B)) with B of k columns (k = None: a
    vector b), so that dL/dx = C."""
    A = rng.standard_normal((n, n)) + n ** 0.5 * _np.eye(n)  # well conditioned
    shape = (n,) if k is None else (n, k)
    B, C = rng.standard_normal(shape), rng.standard_normal(shape)

    def loss(A, B):
        return gnp.sum(C * gnp.linalg.solve(A, B))
    gA, gB = grad(loss, argnums=(0, 1))(A, B)
    X = _np.linalg.solve(A, B)
    lam = _np.linalg.solve(A.T, C)                       # A^{-T} dL/dx
    ref_A = -(_np.outer(lam, X) if k is None else lam @ X.T)
    _, back = vjp(loss, A, B)
    return {"A_error": float(_np.max(_np.abs(gA - ref_A)) / _np.max(_np.abs(ref_A))),
            "b_error": float(_np.max(_np.abs(gB - lam)) / _np.max(_np.abs(lam))),
            "t_forward": timeit(lambda: vjp(loss, A, B), min_time=t_min),
            "t_backward": timeit(lambda: back(1.0), min_time=t_min),
            "t_numpy": timeit(lambda: _np.linalg.solve(A, B), min_time=t_min)}


def _svd_errors(rng, n):
    """dL/dW against U diag(dL/ds) V^T, for a loss of the singular values computed by
    svd(W, compute_uv=False) and by the full svd(W)."""
    W = rng.standard_normal((n, n // 2 + 1))
    w = rng.standard_normal(n // 2 + 1)
    U, s, Vt = _np.linalg.svd(W, full_matrices=False)
    out = []
    for loss, ds in ((lambda W: gnp.sum(gnp.log(gnp.linalg.svd(W, compute_uv=False))), 1 / s),
                     (lambda W: gnp.sum(w * gnp.linalg.svd(W, full_matrices=False)[1]), w)):
        ref = (U * ds) @ Vt
        out.append(float(_np.max(_np.abs(grad(loss)(W) - ref)) / _np.max(_np.abs(ref))))
    return max(out)


def measure(ctx):
    """Derivatives through solve and SVD against their closed forms, and the forward and backward
    passes of solve timed apart, over n."""
    rng = ctx.rng(15)
    sizes = ctx.pick([4, 16, 64, 256], [4, 16, 64, 256, 512, 1024])
    t_min = ctx.pick(0.01, 0.03)
    rows = []
    for n in sizes:
        ctx.progress(f"n = {n}")
        vec, mat = _solve_case(rng, n, None, t_min), _solve_case(rng, n, n, t_min)
        rows.append({"n": n, "solve_A_error": max(vec["A_error"], mat["A_error"]),
                     "solve_b_error": max(vec["b_error"], mat["b_error"]), "svd_error": _svd_errors(rng, n),
                     **{f"{key}_vector": v for key, v in vec.items() if key.startswith("t_")},
                     **{f"{key}_matrix": v for key, v in mat.items() if key.startswith("t_")}})
    return {"rows": rows, "tol": TOL}


def _ratio(r, kind):
    return r[f"t_backward_{kind}"] / r[f"t_forward_{kind}"]


def judge(data):
    """The rules equal the closed forms; the backward pass costs about a forward one."""
    rows, tol = data["rows"], data["tol"]
    big = [r for r in rows if r["n"] >= 128]  # below, Python's per-call overhead (and machine noise) weighs most
    mat = [_ratio(r, "matrix") for r in big]
    vec = [_ratio(r, "vector") for r in big]
    return [
        check_below("solve: dL/dA = -A^{-T} (dL/dx) x^T", max(r["solve_A_error"] for r in rows), tol,
                    "largest relative error (vector and matrix right-hand sides) "),
        check_below("solve: dL/db = A^{-T} dL/dx", max(r["solve_b_error"] for r in rows), tol,
                    "largest relative error "),
        Check("backward pass costs about a forward one (B n x n)", 0.4 <= min(mat) and max(mat) <= 2.5,
              f"cost(backward)/cost(forward) {min(mat):.2f}-{max(mat):.2f} for n = {big[0]['n']}-{big[-1]['n']} "
              "(one more solve with the kept LU factors, and one matrix product; need within [0.4, 2.5])"),
        Check("... and less for one right-hand side", max(vec) <= 1.0,
              f"vector b: {min(vec):.2f}-{max(vec):.2f} (two triangular solves, O(n^2), against the forward "
              "pass's O(n^3) factorisation; need <= 1)"),
        check_below("SVD: dL/dW = U diag(dL/ds) V^T", max(r["svd_error"] for r in rows), tol,
                    "largest relative error (singular values alone and from the full SVD) "),
    ]


def present(data):
    """Errors and the backward/forward cost ratio over n, and their table."""
    rows = data["rows"]
    ns = [r["n"] for r in rows]
    fig, (a1, a2, a3) = new_figure(3, 1, width=4.4, height=3.7)
    for key, label, mk in (("solve_A_error", "solve: dL/dA", "o"), ("solve_b_error", "solve: dL/db", "s"),
                           ("svd_error", "SVD: dL/dW", "^")):
        a1.loglog(ns, _np.maximum([r[key] for r in rows], 1e-17), mk + "-", label=label)
    a1.axhline(data["tol"], color="k", ls="--", lw=1, label=f"tolerance {data['tol']:.0e}")
    a1.set_xlabel("n")
    a1.set_ylabel("relative error vs closed form")
    a1.set_title("L15-L16: AD vs closed forms", fontsize=10)
    a1.legend(fontsize=8)
    for kind, c in (("matrix", "C0"), ("vector", "C1")):
        what = "B n x n" if kind == "matrix" else "b a vector"
        a2.loglog(ns, [r[f"t_forward_{kind}"] * 1e3 for r in rows], "o-", color=c, label=f"forward, {what}")
        a2.loglog(ns, [r[f"t_backward_{kind}"] * 1e3 for r in rows], "s--", color=c, label=f"backward, {what}")
        a2.loglog(ns, [r[f"t_numpy_{kind}"] * 1e3 for r in rows], ":", color=c, alpha=0.6,
                  label=f"numpy.linalg.solve, {what}")
        a3.semilogx(ns, [_ratio(r, kind) for r in rows], "o-", color=c, label=what)
    a2.set_xlabel("n")
    a2.set_ylabel("time [ms]")
    a2.set_title("L15: x = solve(A, B), the two passes", fontsize=10)
    a2.legend(fontsize=7)
    a3.axhline(1.0, color="k", lw=1, ls=":")
    a3.set_ylim(bottom=0)
    a3.set_xlabel("n")
    a3.set_ylabel("cost(backward) / cost(forward)")
    a3.set_title("L15: cost of the backward pass / the forward pass", fontsize=10)
    a3.legend(fontsize=8)
    for a in (a1, a2, a3):
        a.grid(True, which="major", alpha=0.3)
    t = Table("Linear solve and SVD rules; solve's passes timed apart (ms)",
              ["n", "dL/dA error", "dL/db error", "SVD error", "forward, B n x n", "backward, B n x n",
               "backward / forward", "forward, b vector", "backward, b vector", "backward / forward"],
              [[r["n"], f"{r['solve_A_error']:.1e}", f"{r['solve_b_error']:.1e}", f"{r['svd_error']:.1e}",
                f"{r['t_forward_matrix'] * 1e3:.3f}", f"{r['t_backward_matrix'] * 1e3:.3f}",
                f"{_ratio(r, 'matrix'):.2f}", f"{r['t_forward_vector'] * 1e3:.3f}",
                f"{r['t_backward_vector'] * 1e3:.3f}", f"{_ratio(r, 'vector'):.2f}"] for r in rows])
    worst = max(max(r["solve_A_error"], r["solve_b_error"], r["svd_error"]) for r in rows)
    big = rows[-1]
    return ({"rules_cost": fig}, [t], f"largest error vs closed forms {worst:.0e}; backward/forward cost at "
            f"n = {big['n']}: {_ratio(big, 'matrix'):.2f} (B n x n), {_ratio(big, 'vector'):.2f} (b a vector)")


register("L15-L16", "Derivatives through solve and SVD",
         "Through x = A^{-1} b: dL/dA = -A^{-T} (dL/dx) x^T and dL/db = A^{-T} dL/dx, the backward pass costing "
         "about as much as the forward one; through W = U S V^T: dL/dW = U (dL/dS) V^T for a loss of the singular "
         "values.", measure, judge, present)
