"""L20: what AD is not. A closing table of reverse- and forward-mode AD, finite
differences and symbolic differentiation, filled with this run's numbers.

Symbolic differentiation is measured with a minimal differentiator written here (SymPy is
not a dependency): expressions are trees of +, -, * and constants, differentiated by the
sum and product rules with zero/one simplification but no sharing of common
subexpressions, which is how a derivative formula is written out. On the lecture's kind of
program, an iterated map, its size swells exponentially while AD's tape grows linearly.
"""
import time
from fractions import Fraction

import numpy as _np

from ... import grad, jacfwd, jvp
from ... import numpy as gnp
from ...numeric import fd_gradient
from ..core import Check, Table, loglog_slope, peak_bytes, register, timeit
from ..report import new_figure

__all__ = ["measure", "judge", "present"]  # the protocol (gradkit.lab.core); the rest is this module's own

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


def _coupled(rng, d, depth):
    """A deep coupled function of d variables for the cost and memory columns: `depth`
    layers y <- tanh(A y) + x, whose intermediates reverse mode must store."""
    A = rng.standard_normal((d, d)) / _np.sqrt(d)

    def f(x):
        y = x
        for _ in range(depth):
            y = gnp.tanh(gnp.dot(A, y)) + x
        return gnp.sum(y * y)
    return f


def _methods(f):
    """The ways of getting the gradient of f compared in the closing table."""
    g_rev, g_fwd = grad(f), jacfwd(f)
    return {"reverse-mode AD": g_rev, "forward-mode AD": g_fwd,
            "finite differences (forward)": lambda x: fd_gradient(f, x, "forward").grad,
            "finite differences (central)": lambda x: fd_gradient(f, x, "central").grad}


def measure(ctx):
    """AD, finite differences and symbolic differentiation on iterated logistic maps: accuracy,
    expression swell, cost and extra peak memory of a gradient over the depth."""
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
    for method in ("forward", "central"):
        est[f"finite differences ({method})"] = float(fd_gradient(lambda v: f1(v[0]), _np.array([x0]), method).grad[0])
    acc = {m: abs(v - float(exact)) / abs(float(exact)) for m, v in est.items()}

    # cost at one depth; extra peak memory (beyond f's own) over the depth of the program
    d, depths, cost_depth = ctx.pick(100, 300), (4, 16, 64, 256), 16
    x = ctx.rng(21).standard_normal(d)
    memory, cost, evals = [], {}, {}
    for depth in depths:
        ctx.progress(f"cost and memory at d = {d}, depth {depth}")
        f = _coupled(ctx.rng(20), d, depth)
        base = peak_bytes(lambda: f(x))[0]
        methods = _methods(f)
        memory.append({"depth": depth, "tape_length": _tape_length(f, x),
                       **{name: max(peak_bytes(lambda: fn(x))[0] - base, 0) for name, fn in methods.items()}})
        if depth == cost_depth:
            t_f = timeit(lambda: f(x), min_time=0.02)
            cost = {name: timeit(lambda: fn(x), min_time=0.02) / t_f for name, fn in methods.items()}
            evals = {m: fd_gradient(f, x, m).n_evals for m in ("forward", "central")}
    return {"x0": x0, "k": k, "swell": swell, "accuracy": acc, "d": d, "cost_depth": cost_depth, "cost": cost,
            "fd_evals": evals, "memory": memory}


EPS = float(_np.finfo(float).eps)
REV, FWD, FDF, FDC = ("reverse-mode AD", "forward-mode AD", "finite differences (forward)",
                      "finite differences (central)")


def _memory_slopes(data):
    """Fitted exponent of each method's extra peak memory in the depth of the program."""
    depths = [m["depth"] for m in data["memory"]]
    return {name: loglog_slope(depths, [max(m[name], 1) for m in data["memory"]]) for name in (REV, FWD, FDF, FDC)}


def judge(data):
    """AD exact to rounding (unlike FD), no expression swell (unlike symbolic), reverse mode time-
    efficient, but memory-hungry."""
    acc, cost, sw, mem = data["accuracy"], data["cost"], data["swell"], data["memory"]
    fd_best = min(v for m, v in acc.items() if m.startswith("finite"))
    ad = max(acc[REV], acc[FWD])
    # rounding's share: the exact derivative formula evaluated in the same float64 arithmetic
    # (the logistic map doubles rounding errors at each step, so this grows like 2^k eps)
    rounding = max(acc["symbolic (evaluated with sharing)"], EPS)
    growth = sw[-1]["df_size"] / sw[-2]["df_size"]
    tape_growth = sw[-1]["tape_length"] - sw[-2]["tape_length"]
    slopes = _memory_slopes(data)
    deep = mem[-1]
    return [
        Check("AD is not finite differences: exact to rounding", ad <= 2 * rounding and fd_best > 100 * ad,
              f"relative error AD {ad:.1e}, the exact formula evaluated in float64 {rounding:.1e} (need at most "
              f"twice that), best finite difference {fd_best:.1e} (need 100x more)"),
        Check("AD is not symbolic differentiation: no expression swell", growth > 1.5 and tape_growth <= 4,
              f"derivative formula grows x{growth:.2f} per map step ({sw[-1]['df_size']:,} nodes at "
              f"k = {sw[-1]['k']}); AD's tape grows by {tape_growth} records per step"),
        Check("reverse mode is time-efficient", cost[REV] < cost[FDC] / 5,
              f"d = {data['d']}, depth {data['cost_depth']}: cost(grad)/cost(f) = {cost[REV]:.1f} (reverse) vs "
              f"{cost[FDC]:.0f} (central differences)"),
        Check("... but memory-hungry: it stores every intermediate",
              slopes[REV] >= 0.7 and slopes[FDC] <= 0.3 and deep[REV] > 2 * deep[FDC],
              f"extra peak memory ~ depth^{slopes[REV]:.2f} for reverse mode ({deep[REV] / 1024:.0f} KiB at depth "
              f"{deep['depth']}) vs ~ depth^{slopes[FDC]:.2f} for central differences ({deep[FDC] / 1024:.0f} KiB); "
              "need exponents >= 0.7 and <= 0.3, and twice the memory at the largest depth"),
    ]


def present(data):
    """The closing figure (swell, accuracy, memory) and tables filled with this run's numbers."""
    sw, acc, cost, mem = data["swell"], data["accuracy"], data["cost"], data["memory"]
    fig, (a1, a2, a3) = new_figure(3, 1, width=4.6, height=3.8)
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
    a2.barh(range(len(names)), [max(acc[n], 1e-17) for n in names],
            color=["C0" if "AD" in n else ("C2" if "symbolic" in n else "C1") for n in names])
    a2.set_xscale("log")
    a2.set_yticks(range(len(names)), [n.replace(" (", "\n(") for n in names], fontsize=8)
    a2.set_xlabel("relative error of d y_k / d x\n(exact: rational arithmetic)")
    a2.set_title(f"accuracy, k = {data['k']}, x = {data['x0']}", fontsize=10)
    a2.axvline(_np.finfo(float).eps, color="0.5", ls=":")
    depths = [m["depth"] for m in mem]
    slopes = _memory_slopes(data)
    for name, style in ((REV, "o-"), (FWD, "s-"), (FDC, "^-"), (FDF, "v:")):
        a3.loglog(depths, [max(m[name], 1) / 1024 for m in mem], style, label=f"{name}: ~depth^{slopes[name]:.2f}")
    a3.set_xscale("log", base=2)
    a3.set_xlabel("depth of f (layers y <- tanh(A y) + x)")
    a3.set_ylabel("extra peak memory of a gradient [KiB]")
    a3.set_title(f"memory: reverse mode stores the tape (d = {data['d']})", fontsize=10)
    a3.legend(fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.2))
    a3.grid(True, which="major", alpha=0.3)
    sym_ratio = sw[-1]["df_size"] / sw[-1]["f_size"]
    deep = mem[-1]
    rows = []
    for name in (REV, FWD, FDF, FDC):
        ev = data["fd_evals"].get(name.split("(")[-1].rstrip(")")) if name.startswith("finite") else None
        rows.append([name, f"{acc[name]:.1e}", f"{cost[name]:.1f}" + (f" ({ev} evaluations of f)" if ev else ""),
                     f"{deep[name] / 1024:.0f} KiB (~depth^{slopes[name]:.2f})"])
    rows.append(["symbolic (formula, no sharing)", f"{acc['symbolic (evaluated with sharing)']:.1e}",
                 f"formula {sym_ratio:,.0f}x the size of f's (k = {data['k']}); gradient in d = {data['d']}: "
                 "not measured", "formula of " + f"{sw[-1]['df_size']:,} nodes"])
    t = Table(f"AD vs finite differences vs symbolic: accuracy on {data['k']} logistic steps; cost of a gradient in "
              f"d = {data['d']} at depth {data['cost_depth']}; extra peak memory at depth {deep['depth']} (tape: "
              f"{deep['tape_length']} records)", ["method", "relative error", "cost(gradient) / cost(f)",
                                                  "extra peak memory"], rows)
    t2 = Table("Expression swell", ["k", "f formula size", "derivative formula size", "AD tape records"],
               [[s["k"], f"{s['f_size']:,}", f"{s['df_size']:,}", s["tape_length"]] for s in sw])
    t3 = Table(f"Extra peak memory of a gradient [KiB] over the depth (d = {data['d']}; forward mode pushes all d "
               "tangents at once, as jacfwd does)",
               ["depth", "tape records"] + [REV, FWD, FDF, FDC],
               [[m["depth"], m["tape_length"]] + [f"{m[n] / 1024:.0f}" for n in (REV, FWD, FDF, FDC)] for m in mem])
    return ({"swell_accuracy_memory": fig}, [t, t2, t3],
            f"AD error {max(acc[REV], acc[FWD]):.0e} vs FD "
            f"{min(v for m, v in acc.items() if m.startswith('finite')):.0e}"
            f"; grad cost x{cost[REV]:.1f} (AD) vs x{cost[FDC]:.0f} (FD); memory ~depth^{slopes[REV]:.2f} (AD) vs "
            f"^{slopes[FDC]:.2f} (FD); symbolic formula {sw[-1]['df_size']:,} nodes at k = {sw[-1]['k']}")


register("L20", "What AD is not: the closing table",
         "AD is not finite differences (it is exact to rounding), not symbolic differentiation (no expression "
         "swell), not only the chain rule or backpropagation. Reverse mode is time-efficient and numerically "
         "stable, but memory-hungry.", measure, judge, present)
