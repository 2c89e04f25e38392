"""L20: what AD is not. A closing table of reverse- and forward-mode AD, finite
differences and symbolic differentiation, filled with this run's numbers.

Symbolic differentiation is measured with a minimal differentiator written here (SymPy is
not a dependency): expressions are trees of +, -, * and constants, differentiated by the
sum and product rules with zero/one simplification but no sharing of common
subexpressions, which is how a derivative formula is written out. On the lecture's kind of
program, an iterated map, its size swells exponentially while AD's tape grows linearly.
"""
import time
import tracemalloc
from fractions import Fraction

import numpy as _np

from ... import grad, jacfwd, jvp, vjp
from ... import numpy as gnp
from ..core import Check, Table, register, timeit
from ..report import new_figure
from .. import uses

# -- a minimal symbolic differentiator: expressions are tuples ("x",), ("c", v), (op, a, b)
X = ("x",)


def const(v):
    return ("c", v)


def add(a, b):
    if a == ("c", 0):
        return b
    if b == ("c", 0):
        return a
    return ("+", a, b)


def sub(a, b):
    return a if b == ("c", 0) else ("-", a, b)


def mul(a, b):
    if ("c", 0) in (a, b):
        return ("c", 0)
    if a == ("c", 1):
        return b
    if b == ("c", 1):
        return a
    return ("*", a, b)


def diff(e, memo=None):
    """d e / d x by the sum and product rules (memoised on identity, so that the
    differentiation itself is fast; the result's size is counted as a tree)."""
    memo = {} if memo is None else memo
    key = id(e)
    if key in memo:
        return memo[key][1]
    op = e[0]
    if op == "x":
        d = const(1)
    elif op == "c":
        d = const(0)
    elif op == "+":
        d = add(diff(e[1], memo), diff(e[2], memo))
    elif op == "-":
        d = sub(diff(e[1], memo), diff(e[2], memo))
    else:
        d = add(mul(diff(e[1], memo), e[2]), mul(e[1], diff(e[2], memo)))
    memo[key] = (e, d)
    return d


def tree_size(e, memo=None):
    """Number of nodes of e written out as a formula (shared subtrees counted every time)."""
    memo = {} if memo is None else memo
    if id(e) in memo:
        return memo[id(e)][1]
    n = 1 if e[0] in ("x", "c") else 1 + tree_size(e[1], memo) + tree_size(e[2], memo)
    memo[id(e)] = (e, n)
    return n


def evaluate(e, x, memo=None):
    memo = {} if memo is None else memo
    if id(e) in memo:
        return memo[id(e)][1]
    op = e[0]
    if op == "x":
        v = x
    elif op == "c":
        v = e[1]
    else:
        a, b = evaluate(e[1], x, memo), evaluate(e[2], x, memo)
        v = a + b if op == "+" else (a - b if op == "-" else a * b)
    memo[id(e)] = (e, v)
    return v


def logistic_chain(y, k, c=None, one=None):
    """k steps of the logistic map y <- 4 y (1 - y), for numbers, gradkit arrays or trees."""
    for _ in range(k):
        if c is None:
            y = 4.0 * y * (1.0 - y)
        else:
            y = mul(mul(c, y), sub(one, y))
    return y


def _symbolic(k):
    return logistic_chain(X, k, const(4.0), const(1.0))


def _exact_derivative(x, k):
    """The chain's derivative in exact rational arithmetic: the reference."""
    y, dy = Fraction(x), Fraction(1)
    for _ in range(k):
        y, dy = 4 * y * (1 - y), 4 * (1 - 2 * y) * dy
    return dy


def _tape_length(f, x):
    from ...core import Tape
    tape = Tape()
    f(tape.new_input(x))
    return len(tape.records) - 1


def _coupled(rng, d, depth=16):
    """A deep coupled function of d variables for the cost and memory columns: `depth`
    layers y <- tanh(A y) + x, whose intermediates reverse mode must store."""
    A = rng.standard_normal((d, d)) / _np.sqrt(d)

    def f(x):
        y = x
        for _ in range(depth):
            y = gnp.tanh(gnp.dot(A, y)) + x
        return gnp.sum(y * y)
    return f


def _peak(fn):
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def measure(ctx):
    ks = list(range(1, ctx.pick(11, 15)))
    x0 = 0.3
    swell = []
    for k in ks:
        e = _symbolic(k)
        t0 = time.perf_counter()
        de = diff(e)
        swell.append({"k": k, "f_size": tree_size(e), "df_size": tree_size(de),
                      "tape_length": _tape_length(lambda y: logistic_chain(y, k), _np.float64(x0)),
                      "diff_seconds": time.perf_counter() - t0})
    k = ks[-1]
    ctx.progress(f"accuracy on {k} logistic steps")
    exact = _exact_derivative(x0, k)
    f1 = lambda y: logistic_chain(y, k)  # noqa: E731
    de = diff(_symbolic(k))
    est = {"reverse-mode AD": float(grad(f1)(x0)),
           "forward-mode AD": float(jvp(f1, (x0,), (1.0,))[1]),
           "symbolic (evaluated with sharing)": float(evaluate(de, x0))}
    xa = _np.array([x0])
    for method in ("forward", "central"):
        g, _ = uses.fd_gradient(lambda v: logistic_chain(v[0], k), xa, method=method)
        est[f"finite differences ({method})"] = float(g[0])
    acc = {m: abs(v - float(exact)) / abs(float(exact)) for m, v in est.items()}

    d = ctx.pick(100, 300)
    ctx.progress(f"cost and memory at d = {d}")
    f = _coupled(ctx.rng(20), d)
    x = ctx.rng(21).standard_normal(d)
    t_f = timeit(lambda: f(x), min_time=0.02)
    g_rev, g_fwd = grad(f), jacfwd(f)
    fd = {m: (lambda m=m: uses.fd_gradient(f, x, method=m)) for m in ("forward", "central")}
    runs = {"reverse-mode AD": lambda: g_rev(x), "forward-mode AD": lambda: g_fwd(x)}
    runs.update({f"finite differences ({m})": fn for m, fn in fd.items()})
    base = _peak(lambda: f(x))
    cost = {}
    for name, fn in runs.items():
        cost[name] = {"ratio": timeit(fn, min_time=0.02) / t_f, "extra_bytes": max(_peak(fn) - base, 0)}
    evals = {m: uses.fd_gradient(f, x, method=m)[1] for m in ("forward", "central")}
    _, back = vjp(f, x)
    return {"x0": x0, "k": k, "swell": swell, "accuracy": acc, "d": d, "cost": cost, "fd_evals": evals,
            "tape_length_d": _tape_length(f, x)}


def judge(data):
    acc, cost, sw = data["accuracy"], data["cost"], data["swell"]
    fd_best = min(v for m, v in acc.items() if m.startswith("finite"))
    ad = max(acc["reverse-mode AD"], acc["forward-mode AD"])
    growth = sw[-1]["df_size"] / sw[-2]["df_size"]
    tape_growth = sw[-1]["tape_length"] - sw[-2]["tape_length"]
    return [
        Check("AD is not finite differences: exact to rounding", ad < 1e-12 and fd_best > 100 * ad,
              f"relative error AD {ad:.1e}, best finite difference {fd_best:.1e}"),
        Check("AD is not symbolic differentiation: no expression swell", growth > 1.5 and tape_growth <= 4,
              f"derivative formula grows x{growth:.2f} per map step ({sw[-1]['df_size']:,} nodes at "
              f"k = {sw[-1]['k']}); AD's tape grows by {tape_growth} records per step"),
        Check("reverse mode is time-efficient",
              cost["reverse-mode AD"]["ratio"] < cost["finite differences (central)"]["ratio"] / 5,
              f"d = {data['d']}: cost(grad)/cost(f) = {cost['reverse-mode AD']['ratio']:.1f} (reverse) vs "
              f"{cost['finite differences (central)']['ratio']:.0f} (central differences)"),
        Check("... but memory-hungry",
              cost["reverse-mode AD"]["extra_bytes"] > cost["finite differences (central)"]["extra_bytes"],
              f"extra peak memory {cost['reverse-mode AD']['extra_bytes'] / 1024:.0f} KiB (reverse) vs "
              f"{cost['finite differences (central)']['extra_bytes'] / 1024:.0f} KiB (central differences)"),
    ]


def present(data):
    sw, acc, cost = data["swell"], data["accuracy"], data["cost"]
    fig, (a1, a2) = new_figure(2, 1, width=4.8, height=3.6)
    ks = [s["k"] for s in sw]
    a1.semilogy(ks, [s["df_size"] for s in sw], "o-", label="symbolic derivative (formula size)")
    a1.semilogy(ks, [s["f_size"] for s in sw], "s--", label="f itself (formula size)")
    a1.semilogy(ks, [s["tape_length"] for s in sw], "^-", label="AD tape (records)")
    a1.set_xlabel("steps k of the logistic map y <- 4y(1-y)")
    a1.set_ylabel("size")
    a1.set_title("L20: expression swell vs AD's tape", fontsize=10)
    a1.legend(fontsize=8)
    a1.grid(True, alpha=0.3)
    names = list(acc)
    a2.barh(range(len(names)), [max(acc[n], 1e-17) for n in names], color=["C0", "C0", "C2", "C1", "C1"][:len(names)])
    a2.set_xscale("log")
    a2.set_yticks(range(len(names)), names, fontsize=8)
    a2.set_xlabel("relative error of d y_k / d x (exact: rational arithmetic)")
    a2.set_title(f"accuracy, k = {data['k']}, x = {data['x0']}", fontsize=10)
    a2.axvline(_np.finfo(float).eps, color="0.5", ls=":")
    sym_ratio = sw[-1]["df_size"] / sw[-1]["f_size"]
    rows = []
    for name in ("reverse-mode AD", "forward-mode AD", "finite differences (forward)",
                 "finite differences (central)"):
        c = cost[name]
        ev = data["fd_evals"].get(name.split("(")[-1].rstrip(")"), None) if name.startswith("finite") else None
        rows.append([name, f"{acc[name]:.1e}", f"{c['ratio']:.1f}" + (f" ({ev} evaluations of f)" if ev else ""),
                     f"{c['extra_bytes'] / 1024:.0f} KiB"])
    rows.append(["symbolic (formula, no sharing)", f"{acc['symbolic (evaluated with sharing)']:.1e}",
                 f"formula {sym_ratio:,.0f}x the size of f's (k = {data['k']}); gradient in d = {data['d']}: "
                 "not measured", "formula of " + f"{sw[-1]['df_size']:,} nodes"])
    t = Table(f"AD vs finite differences vs symbolic: accuracy on {data['k']} logistic steps; cost and extra "
              f"peak memory of a gradient in d = {data['d']} (tape: {data['tape_length_d']} records)",
              ["method", "relative error", "cost(gradient) / cost(f)", "extra memory"], rows)
    t2 = Table("Expression swell", ["k", "f formula size", "derivative formula size", "AD tape records"],
               [[s["k"], f"{s['f_size']:,}", f"{s['df_size']:,}", s["tape_length"]] for s in sw])
    return ({"swell_accuracy": fig}, [t, t2],
            f"AD error {max(acc['reverse-mode AD'], acc['forward-mode AD']):.0e} vs FD "
            f"{min(v for m, v in acc.items() if m.startswith('finite')):.0e}; grad cost x"
            f"{cost['reverse-mode AD']['ratio']:.1f} (AD) vs x{cost['finite differences (central)']['ratio']:.0f} "
            f"(FD) at d = {data['d']}; symbolic formula {sw[-1]['df_size']:,} nodes at k = {sw[-1]['k']}")


register("L20", "What AD is not: the closing table",
         "AD is not finite differences (it is exact to rounding), not symbolic differentiation (no expression "
         "swell), not only the chain rule or backpropagation. Reverse mode is time-efficient and numerically "
         "stable, but memory-hungry.", measure, judge, present)
