"""L1-L3: automatic gradients and Hessians against the lecture's closed forms."""
import numpy as _np

from ... import grad, hessian
from ... import numpy as gnp
from ..core import Table, check_below, register
from ..report import new_figure

__all__ = ["measure", "judge", "present"]  # the protocol (gradkit.lab.core); the rest is this module's own

TOL = 1e-10  # relative error allowed: a few float64 roundings, far below any FD error


def _sigma(t):
    return 1.0 / (1.0 + _np.exp(-t))


def _problems(rng, n):
    A = rng.standard_normal((n, n))
    b, a = rng.standard_normal(n), rng.standard_normal(n)
    c = 0.7
    x = rng.standard_normal(n)
    if x @ A @ x <= 0:  # L2 needs <x, Ax> > 0, which a shift of A guarantees
        A = A + (abs(x @ A @ x) / (x @ x) + 1.0) * _np.eye(n)
    x2 = x
    S = A + A.T
    q = x2 @ A @ x2
    s = _sigma(a @ x)
    return [
        ("L1", "<x,Ax> - b^T x + c", lambda z: gnp.dot(z, gnp.dot(A, z)) - gnp.dot(b, z) + c, x,
         S @ x - b, S),
        ("L2", "ln <x,Ax>", lambda z: gnp.log(gnp.dot(z, gnp.dot(A, z))), x2,
         S @ x2 / q, S / q - _np.outer(S @ x2, S @ x2) / q ** 2),
        ("L3", "ln(1 + exp <a,x>)", lambda z: gnp.log(1.0 + gnp.exp(gnp.dot(a, z))), x,
         s * a, s * (1 - s) * _np.outer(a, a)),
    ]


def _rel(err_of, ref):
    return float(_np.max(_np.abs(err_of - ref)) / max(_np.max(_np.abs(ref)), 1e-300))


def measure(ctx):
    """AD's gradient and Hessian of L1-L3's three functions at random points, n = 3 to 100: relative
    errors against the closed forms."""
    sizes = ctx.pick([3, 10, 30], [3, 10, 30, 100])
    rows = []
    for n in sizes:
        ctx.progress(f"n = {n}")
        for label, text, f, x, g_ref, h_ref in _problems(ctx.rng(n), n):
            rows.append({"claim": label, "f": text, "n": n,
                         "grad_rel_error": _rel(grad(f)(x), g_ref),
                         "hessian_rel_error": _rel(hessian(f)(x), h_ref)})
    return {"rows": rows, "tol": TOL}


def judge(data):
    """Per claim: the largest gradient and Hessian errors stay below TOL (a few roundings)."""
    checks = []
    for label in ("L1", "L2", "L3"):
        rows = [r for r in data["rows"] if r["claim"] == label]
        worst_g = max(r["grad_rel_error"] for r in rows)
        worst_h = max(r["hessian_rel_error"] for r in rows)
        checks.append(check_below(f"{label} gradient = closed form", worst_g, data["tol"],
                                  f"largest relative error over n = {[r['n'] for r in rows]}: "))
        checks.append(check_below(f"{label} Hessian = closed form", worst_h, data["tol"],
                                  "largest relative error: "))
    return checks


def present(data):
    """The errors as bars (log scale) against the tolerance, and their table."""
    rows = data["rows"]
    fig, ax = new_figure(width=7.5)
    labels = sorted({(r["claim"], r["n"]) for r in rows})
    xs = _np.arange(len(labels))
    for k, (key, colour) in enumerate([("grad_rel_error", "#1f77b4"), ("hessian_rel_error", "#ff7f0e")]):
        vals = [next(r[key] for r in rows if (r["claim"], r["n"]) == lab) for lab in labels]
        ax.bar(xs + (k - 0.5) * 0.38, _np.maximum(vals, 1e-18), 0.38, color=colour,
               label="gradient" if k == 0 else "Hessian")
    ax.axhline(data["tol"], color="k", ls="--", lw=1, label=f"tolerance {data['tol']:.0e}")
    ax.axhline(_np.finfo(float).eps, color="0.5", ls=":", lw=1, label="machine epsilon")
    ax.set_yscale("log")
    ax.set_xticks(xs, [f"{c}\nn={n}" for c, n in labels], fontsize=8)
    ax.set_ylabel("relative error, AD vs closed form\n(exact zeros drawn at 1e-18)")
    ax.set_title("L1-L3: automatic derivatives vs the lecture's formulas")
    ax.legend(fontsize=8, loc="upper left")
    table = Table("AD against closed forms (max relative error)", ["claim", "f(x)", "n", "gradient", "Hessian"],
                  [[r["claim"], r["f"], r["n"], f"{r['grad_rel_error']:.1e}", f"{r['hessian_rel_error']:.1e}"]
                   for r in rows])
    worst = max(max(r["grad_rel_error"], r["hessian_rel_error"]) for r in rows)
    return {"errors": fig}, [table], f"largest relative error of AD gradient/Hessian vs closed form: {worst:.1e}"


register("L1-L3", "Matrix calculus warm-up", "The library's automatic gradients and Hessians of "
         "<x,Ax> - b^T x + c, ln <x,Ax> and ln(1 + exp <a,x>) equal the closed forms "
         "(A + A^T) x - b, (A + A^T) x / <x,Ax>, sigma(<a,x>) a and their Hessians.",
         measure, judge, present)
