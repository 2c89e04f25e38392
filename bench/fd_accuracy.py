"""Accuracy, cost and honesty of finite differences (issue 16): gradkit's schemes against
scipy.differentiate and numdifftools on derivatives known in closed form.

    python bench/fd_accuracy.py            # the summary table
    python bench/fd_accuracy.py --full     # and one row per (case, method)

The cases: scalar and vector functions at scales from 1e-6 to 1e6, oscillating, steep and
near-singular. Every method gets the same f, wrapped to count the points at which it is
evaluated (a batch of k points counts k), with its defaults; gradkit's fixed schemes with
their default steps, "richardson" (adaptive, with an error estimate). Per method: median
and worst relative error ||g - g*|| / ||g*|| over the cases, evaluations, how often the
method said it did not converge, and how often it was *confidently wrong*: it claimed
convergence and its true error exceeds 10 times the error it reported (for methods that
report one). numdifftools is a benchmark-only dependency (requirements-bench.txt).
Rows also go to bench/results-fd-accuracy.json (git-ignored).
"""
import argparse
import json
import warnings
from pathlib import Path

import numpy as np
import scipy
from scipy import special

from gradkit.numeric import FiniteDifferenceWarning, fd_gradient

try:
    import scipy.differentiate as sdiff
except ImportError:   # SciPy < 1.15
    sdiff = None
try:
    import numdifftools as nd
except ImportError:
    nd = None


def scalar(name, f, df, x):
    return dict(name=name, kind="scalar", f=f, df=df, x=float(x))


def vector(name, f, grad, x):
    """f reduces over the last axis, so that it takes one point or a batch of them."""
    return dict(name=name, kind="vector", f=f, df=grad, x=np.asarray(x, float))


RNG = np.random.default_rng(16)
X5 = RNG.uniform(-1, 1, 5)
SCALES = np.logspace(-3, 3, 6)
A = RNG.standard_normal((4, 4))
A = A @ A.T + 4 * np.eye(4)


def rosen(x):
    return np.sum(100 * (x[..., 1:] - x[..., :-1] ** 2) ** 2 + (1 - x[..., :-1]) ** 2, axis=-1)


def rosen_grad(x):
    g = np.zeros_like(x)
    g[:-1] = -400 * x[:-1] * (x[1:] - x[:-1] ** 2) - 2 * (1 - x[:-1])
    g[1:] += 200 * (x[1:] - x[:-1] ** 2)
    return g


CASES = [
    scalar("sin(x), x=0.3", np.sin, np.cos, 0.3),
    scalar("sin(x), x=1000 (issue 16)", np.sin, np.cos, 1000.0),
    scalar("sin(x), x=1e6", np.sin, np.cos, 1e6),
    scalar("sin(1e6 x), x=1e-6", lambda x: np.sin(1e6 * x), lambda x: 1e6 * np.cos(1e6 * x), 1e-6),
    scalar("cos(3x), x=2500.7", lambda x: np.cos(3 * x), lambda x: -3 * np.sin(3 * x), 2500.7),
    scalar("x sin(x), x=100", lambda x: x * np.sin(x), lambda x: np.sin(x) + x * np.cos(x), 100.0),
    scalar("sin(1/x), x=0.05", lambda x: np.sin(1 / x), lambda x: -np.cos(1 / x) / x ** 2, 0.05),
    scalar("exp(x), x=1", np.exp, np.exp, 1.0),
    scalar("exp(x/1e6), x=1e6", lambda x: np.exp(x / 1e6), lambda x: np.exp(x / 1e6) / 1e6, 1e6),
    scalar("exp(1e6 x), x=-1e-6", lambda x: np.exp(1e6 * x), lambda x: 1e6 * np.exp(1e6 * x), -1e-6),
    scalar("exp(-x^2), x=2", lambda x: np.exp(-x * x), lambda x: -2 * x * np.exp(-x * x), 2.0),
    scalar("exp(sin x), x=2", lambda x: np.exp(np.sin(x)), lambda x: np.cos(x) * np.exp(np.sin(x)), 2.0),
    scalar("sinh(x), x=10", np.sinh, np.cosh, 10.0),
    scalar("tanh(x), x=3", np.tanh, lambda x: 1 / np.cosh(x) ** 2, 3.0),
    scalar("atan(1e3 x), x=1e-3", lambda x: np.arctan(1e3 * x), lambda x: 1e3 / (1 + 1e6 * x * x), 1e-3),
    scalar("1/(1+25x^2), x=0.2", lambda x: 1 / (1 + 25 * x * x), lambda x: -50 * x / (1 + 25 * x * x) ** 2, 0.2),
    scalar("log(x), x=1e-3", np.log, lambda x: 1 / x, 1e-3),
    scalar("log(x), x=1e-6", np.log, lambda x: 1 / x, 1e-6),
    scalar("log(x), x=1e6", np.log, lambda x: 1 / x, 1e6),
    scalar("sqrt(x), x=1e-4", np.sqrt, lambda x: 0.5 / np.sqrt(x), 1e-4),
    scalar("x^1.5, x=1e-6", lambda x: x ** 1.5, lambda x: 1.5 * np.sqrt(x), 1e-6),
    scalar("1/x, x=1e-3", lambda x: 1 / x, lambda x: -1 / x ** 2, 1e-3),
    scalar("tan(x), x=1.5", np.tan, lambda x: 1 / np.cos(x) ** 2, 1.5),
    scalar("log1p(x), x=1e-8", np.log1p, lambda x: 1 / (1 + x), 1e-8),
    scalar("x^3, x=1e6", lambda x: x ** 3, lambda x: 3 * x ** 2, 1e6),
    scalar("x^2, x=1e-6", lambda x: x * x, lambda x: 2 * x, 1e-6),
    scalar("erf(x), x=0.5", special.erf, lambda x: 2 / np.sqrt(np.pi) * np.exp(-x * x), 0.5),
    scalar("arcsin(x), x=0.999", np.arcsin, lambda x: 1 / np.sqrt(1 - x * x), 0.999),
    vector("rosenbrock, n=5", rosen, rosen_grad, X5),
    vector("sum sin(s x), s=1e-3..1e3", lambda x: np.sum(np.sin(SCALES * x), axis=-1),
           lambda x: SCALES * np.cos(SCALES * x), 0.7 / SCALES),
    vector("logsumexp, x~10", lambda x: np.log(np.sum(np.exp(x), axis=-1)),
           lambda x: np.exp(x) / np.sum(np.exp(x)), 10 * RNG.standard_normal(5)),
    vector("quadratic x'Ax/2, x~1e6", lambda x: 0.5 * np.sum(x @ A * x, axis=-1), lambda x: A @ x,
           1e6 * RNG.standard_normal(4)),
    vector("sum log(x), x=1e-4..1e4", lambda x: np.sum(np.log(x), axis=-1), lambda x: 1 / x, np.logspace(-4, 4, 5)),
    vector("sqrt(sum x^2), x~1", lambda x: np.sqrt(np.sum(x * x, axis=-1)), lambda x: x / np.sqrt(np.sum(x * x)),
           np.array([0.3, -1.2, 2.0])),
    vector("sum exp(x)/(1+x^2)", lambda x: np.sum(np.exp(x) / (1 + x * x), axis=-1),
           lambda x: np.exp(x) * (1 - x) ** 2 / (1 + x * x) ** 2, np.array([-2.0, 0.5, 1.0, 3.0])),
]


class Points:
    """f counting the points it is evaluated at (a batch of k points counts k)."""

    def __init__(self, f, per_call=lambda x: 1):
        self.f, self.per_call, self.n = f, per_call, 0

    def __call__(self, x, *args):
        self.n += self.per_call(np.asarray(x))
        return self.f(x)


def gradkit_scheme(scheme):
    def run(case):
        x = np.atleast_1d(case["x"])
        f = (lambda v: case["f"](v[0])) if case["kind"] == "scalar" else case["f"]
        g = Points(f)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", FiniteDifferenceWarning)
            with np.errstate(all="ignore"):
                est = fd_gradient(g, x.astype(float), scheme)
        converged = True if est.converged is None else bool(np.all(est.converged))
        return est.grad, est.error, converged, g.n
    return run


def scipy_differentiate(case):
    x = case["x"]
    with np.errstate(all="ignore"):
        if case["kind"] == "scalar":
            g = Points(case["f"], lambda xi: xi.size)
            res = sdiff.derivative(g, x)
        else:   # f sees the variables on the first axis and batches after it
            g = Points(lambda xi: case["f"](np.moveaxis(xi, 0, -1)), lambda xi: xi.size // xi.shape[0])
            res = sdiff.jacobian(g, x)
    return res.df, res.error, bool(np.all(res.success)), g.n


def numdifftools_derivative(case):
    g = Points(case["f"])
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        cls = nd.Derivative if case["kind"] == "scalar" else nd.Gradient
        res = cls(g, full_output=True)(case["x"])
    err = np.ravel(res.error_estimate)
    return res.estimate, err, bool(np.all(np.isfinite(err))), g.n   # a NaN error estimate: no claim


METHODS = {f"gradkit {s}": gradkit_scheme(s)
           for s in ("forward", "backward", "central", "central4", "central6", "complex", "richardson")}
if sdiff is not None:
    METHODS["scipy.differentiate"] = scipy_differentiate
if nd is not None:
    METHODS["numdifftools"] = numdifftools_derivative


def measure():
    rows = []
    for case in CASES:
        exact = np.atleast_1d(np.asarray(case["df"](case["x"]), float))
        dim = exact.size
        for method, run in METHODS.items():
            try:
                g, err, converged, n = run(case)
                g = np.atleast_1d(np.asarray(g)).reshape(exact.shape)
                true = float(np.linalg.norm(g - exact))
            except Exception as e:   # a method that cannot run a case (the complex step on a non-analytic f)
                rows.append(dict(case=case["name"], dim=dim, method=method, error=float("inf"), evals=0, converged=False,
                                 reported=None, confidently_wrong=False, failed=f"{type(e).__name__}: {e}"))
                continue
            rel = true / float(np.linalg.norm(exact))
            rel = rel if np.isfinite(rel) else float("inf")
            reported = None if err is None else float(np.linalg.norm(np.atleast_1d(err)))
            converged = bool(converged and (reported is None or np.isfinite(reported)))
            wrong = bool(reported is not None and converged and not true <= 10 * reported)
            rows.append(dict(case=case["name"], dim=dim, method=method, error=rel, evals=int(n), converged=converged,
                             reported=None if reported is None else reported / float(np.linalg.norm(exact)),
                             confidently_wrong=wrong))
    return rows


def table(header, lines):
    out = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    return "\n".join(out + ["| " + " | ".join(map(str, line)) + " |" for line in lines])


def summary(rows):
    lines = []
    for method in METHODS:
        sel = [r for r in rows if r["method"] == method]
        errs = np.array([r["error"] for r in sel])
        evals = np.array([r["evals"] for r in sel])
        dims = np.array([r["dim"] for r in sel])
        reports = any(r["reported"] is not None for r in sel)
        claimed = [r["error"] for r in sel if r["converged"]]
        lines.append([method, f"{np.median(errs):.1e}", f"{np.max(errs):.1e}",
                      f"{max(claimed):.1e} ({len(claimed)})" if reports and claimed else "-",
                      f"{np.median(evals / dims):.0f}",
                      int(np.sum(evals)), sum(not r["converged"] for r in sel) if reports else "-",
                      sum(r["confidently_wrong"] for r in sel) if reports else "(no error reported)"])
    return table(["method", "median rel. error", "worst rel. error", "worst where it claimed convergence (cases)",
                  "median evals per coordinate", "total evals",
                  "said not converged", "confidently wrong"], lines)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--full", action="store_true", help="print every (case, method) row")
    ap.add_argument("--json", default=str(Path(__file__).with_name("results-fd-accuracy.json")))
    args = ap.parse_args()
    print(f"numpy {np.__version__}, scipy {scipy.__version__}, numdifftools "
          f"{nd.__version__ if nd is not None else 'absent (skipped)'}; {len(CASES)} cases "
          f"({sum(c['kind'] == 'scalar' for c in CASES)} scalar, {sum(c['kind'] == 'vector' for c in CASES)} vector)\n")
    rows = measure()
    print(summary(rows))
    if args.full:
        print()
        print(table(["case", "method", "rel. error", "reported", "evals", "converged", "confidently wrong"],
                    [[r["case"], r["method"], f"{r['error']:.1e}",
                      "-" if r["reported"] is None else f"{r['reported']:.1e}", r["evals"], r["converged"],
                      r["confidently_wrong"]] for r in rows]))
    Path(args.json).write_text(json.dumps(rows, indent=1))


if __name__ == "__main__":
    main()
