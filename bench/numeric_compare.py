"""Accuracy and evaluation counts of gradkit.numeric's finite differences against SciPy
(`scipy.optimize.approx_fprime`, `scipy.differentiate.jacobian`) and numdifftools, on the
lecture's L1-L3, Rosenbrock and a logistic loss, against their closed-form gradients.

    python bench/numeric_compare.py            # summary: worst error over the functions per d
    python bench/numeric_compare.py --full     # and every (function, d, method) row

Every method gets the same f, wrapped to count the points at which it is evaluated (a
batched call of k points counts k), so the counts are measured, not quoted. Each method
runs with its defaults. numdifftools is optional (pip install numdifftools==0.11.2).
Rows also go to bench/results-numeric.json (git-ignored). Not a speed benchmark: gradkit
and scipy.differentiate batch the points, the others call f once per point; the default
run takes minutes, mostly numdifftools and SciPy at d = 1000 (--dims 2 10 100 is quick).
"""
import argparse
import json
import sys
from pathlib import Path

import numpy as np
import scipy
import scipy.optimize

from gradkit.numeric import fd_gradient, zo_gradient

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from lecture_functions import problems  # noqa: E402  (the functions the acceptance tests use)

try:
    import scipy.differentiate as sdiff
except ImportError:   # SciPy < 1.15
    sdiff = None
try:
    import numdifftools as nd
except ImportError:
    nd = None


class Points:
    """f counting points: `per_call(x)` says how many points one call evaluates."""

    def __init__(self, f, per_call=lambda x: 1):
        self.f, self.per_call, self.n = f, per_call, 0

    def __call__(self, x, *args):
        self.n += self.per_call(np.asarray(x))
        return self.f(x)


def gradkit_method(scheme, vectorized=True):
    def run(f, x):
        g = Points(f, lambda X: len(X) if vectorized else 1)
        return fd_gradient(g, x, scheme, vectorized=vectorized).grad, g.n
    return run


def zero_order_sphere(f, x):   # the L6 estimator at the cost of central differences (m = d)
    g = Points(f, len)
    return zo_gradient(g, x, "sphere", n_dirs=x.size, rng=0, vectorized=True).grad, g.n


def scipy_approx_fprime(f, x):   # forward differences, absolute step sqrt(eps)
    g = Points(f)
    return scipy.optimize.approx_fprime(x, g), g.n


def scipy_differentiate(f, x):   # adaptive, order 8; f sees points on the first axis, batches after it
    g = Points(lambda xi: f(np.moveaxis(xi, 0, -1)), lambda xi: xi.size // xi.shape[0])
    return sdiff.jacobian(g, x).df, g.n


def numdifftools_method(method):
    def run(f, x):
        g = Points(f)
        return nd.Gradient(g, method=method)(x), g.n
    return run


METHODS = {
    "gradkit forward": gradkit_method("forward"),
    "gradkit central": gradkit_method("central"),
    "gradkit central4": gradkit_method("central4"),
    "gradkit central6": gradkit_method("central6"),
    "gradkit richardson": gradkit_method("richardson"),
    "gradkit complex": gradkit_method("complex"),
    "gradkit zero-order sphere, m=d": zero_order_sphere,
    "scipy.optimize.approx_fprime": scipy_approx_fprime,
}
if sdiff is not None:
    METHODS["scipy.differentiate.jacobian"] = scipy_differentiate
if nd is not None:
    METHODS["numdifftools Gradient central"] = numdifftools_method("central")
    METHODS["numdifftools Gradient complex"] = numdifftools_method("complex")


def measure(dims, max_nd_dim):
    rows = []
    for d in dims:
        for name, (f, grad, x) in problems(d).items():
            exact = grad(x)
            for method, run in METHODS.items():
                if method.startswith("numdifftools") and d > max_nd_dim:
                    continue
                g, n = run(f, x.copy())
                err = float(np.linalg.norm(np.asarray(g).reshape(exact.shape) - exact) / np.linalg.norm(exact))
                rows.append(dict(function=name, d=d, method=method, error=err, evals=n))
    return rows


def table(header, lines):
    out = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    return "\n".join(out + ["| " + " | ".join(map(str, line)) + " |" for line in lines])


def summary(rows, dims):
    """Per method and d: the worst relative error over the five functions, and the
    evaluations of f per coordinate (min-max over the functions)."""
    lines = []
    for method in METHODS:
        cells = [method]
        for d in dims:
            sel = [r for r in rows if r["method"] == method and r["d"] == d]
            if not sel:
                cells.append("-")
                continue
            per = sorted({r["evals"] / d for r in sel})
            cost = f"{per[0]:.3g}" if per[0] == per[-1] else f"{per[0]:.3g}-{per[-1]:.3g}"
            cells.append(f"{max(r['error'] for r in sel):.1e} / {cost}")
        lines.append(cells)
    return table(["method"] + [f"d={d}: worst error / evals per d" for d in dims], lines)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dims", type=int, nargs="+", default=[2, 10, 100, 1000])
    ap.add_argument("--max-numdifftools-dim", type=int, default=1000)
    ap.add_argument("--full", action="store_true", help="print every (function, d, method) row")
    ap.add_argument("--json", default=str(Path(__file__).with_name("results-numeric.json")),
                    help="where to write the rows (default bench/results-numeric.json)")
    args = ap.parse_args()
    print(f"numpy {np.__version__}, scipy {scipy.__version__}, numdifftools "
          f"{nd.__version__ if nd is not None else 'absent (skipped)'}"
          + ("" if sdiff is not None else ", scipy.differentiate absent (skipped)"))
    rows = measure(args.dims, args.max_numdifftools_dim)
    print("\nRelative error ||g - g_exact|| / ||g_exact|| (worst over L1, L2, L3, Rosenbrock, logistic) and "
          "evaluations of f per coordinate:\n")
    print(summary(rows, args.dims))
    if args.full:
        print()
        print(table(["function", "d", "method", "rel. error", "evaluations"],
                    [[r["function"], r["d"], r["method"], f"{r['error']:.1e}", r["evals"]] for r in rows]))
    Path(args.json).write_text(json.dumps(rows, indent=1))


if __name__ == "__main__":
    main()
