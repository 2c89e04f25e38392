"""Per-operation overhead (issue 2, item 10): microseconds per primitive, untraced, traced
forward only, and traced forward plus backward, on scalars and small arrays, for plain
NumPy, gradkit, autograd, JAX eager and PyTorch eager (those installed).

    python bench/overhead.py             # about a minute
    python bench/overhead.py --quick --libs numpy,gradkit,autograd

Each cell times a chain of the same operation applied k times, for two lengths, and
reports the slope (t(long) - t(short)) / (long - short): the cost of one more operation,
with the fixed cost of starting a trace or a backward sweep removed.
"""
import argparse
import json
import sys
import time
from pathlib import Path

import harness  # first: pins every library to one thread before NumPy loads

import numpy as np  # noqa: E402

import backends  # noqa: E402

# op name -> one step x -> x' that keeps values in a safe range whatever the chain length
OPS = {
    "add": lambda xp, x, c: x + c,
    "multiply": lambda xp, x, c: x * c,
    "sin": lambda xp, x, c: xp.sin(x),
    "tanh": lambda xp, x, c: xp.tanh(x),
    "sqrt": lambda xp, x, c: xp.sqrt(x),
    "matmul": lambda xp, x, c: c @ x,
}
SHAPES = {"scalar": (), "array(10)": (10,), "array(100)": (100,)}
MODES = ("untraced", "forward", "forward+backward")


def chain(xp, x, c, op, k):
    for _ in range(k):
        x = OPS[op](xp, x, c)
    return xp.sum(x)


def inputs(op, shape):
    rng = np.random.default_rng(0)
    x = np.full(shape, 0.5)
    if op == "matmul":  # a contraction (spectral norm 0.99), so the chain stays bounded
        q = np.linalg.qr(rng.standard_normal(shape * 2))[0]
        return x, 0.99 * q
    return x, np.full(shape, {"add": 1e-3, "multiply": 0.999}.get(op, 0.0))


def thunk(lib, op, shape, mode, k):
    f = lambda x, c: chain(lib.np, x, c, op, k)
    call = {"untraced": lib.function,
            "forward": lambda f: (lambda taped: lambda *a: taped(*a)[0])(lib.forward(f, 1)),
            "forward+backward": lambda f: lib.value_and_grad(f, 1)}[mode](f)
    x, c = lib.asarray(inputs(op, shape))
    return lambda: lib.sync(call(x, c))


def per_op(lib, op, shape, mode, opts):
    """Seconds per extra operation in the chain, or None where it does not apply."""
    times = []
    for k in opts.lengths:
        t = thunk(lib, op, shape, mode, k)
        t()  # warm-up
        times.append(harness.median_time(t, opts.budget, opts.repeats, opts.clock)[0])
    return (times[1] - times[0]) / (opts.lengths[1] - opts.lengths[0])


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--libs", default="numpy,gradkit,autograd,jax,torch")
    parser.add_argument("--quick", action="store_true", help="0.05 s per cell instead of 0.3 s")
    parser.add_argument("--smoke", action="store_true", help="two ops, tiny budget: checks that it runs")
    parser.add_argument("--budget", type=float, help="seconds of timing per chain length")
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--clock", choices=harness.CLOCKS, default="cpu",
                        help="cpu: process CPU time (default; robust on a shared machine), wall: wall clock")
    parser.add_argument("--json", default=str(Path(__file__).with_name("results-overhead.json")))
    opts = parser.parse_args(argv)
    opts.budget = opts.budget or (0.005 if opts.smoke else 0.05 if opts.quick else 0.3)
    opts.lengths = (2, 12) if opts.smoke else (10, 110)
    ops = ("add", "sin") if opts.smoke else tuple(OPS)

    libs = [lib for lib in backends.load(opts.libs.split(",")) if lib.name != "jax.jit"]
    cases = [(op, s, m) for op in ops for s in SHAPES for m in MODES if not (op == "matmul" and s == "scalar")]
    cells, start = [], time.perf_counter()
    with harness.progress(len(cases) * len(libs), enabled=sys.stderr.isatty()) as step:
        for op, shape_name, mode in cases:
            for lib in libs:
                step(f"{op} {shape_name} {mode} [{lib.name}]")
                cell = {"op": op, "input": shape_name, "mode": mode, "library": lib.name}
                if not lib.available:
                    cell["error"] = lib.reason
                else:
                    try:
                        cell["us_per_op"] = 1e6 * per_op(lib, op, SHAPES[shape_name], mode, opts)
                    except NotImplementedError:
                        pass  # plain NumPy has no traced modes
                    except Exception as e:
                        cell["error"] = f"{type(e).__name__}: {str(e).strip()[:200]}"
                cells.append(cell)

    names = [lib.name for lib in libs]
    peers = [n for n in names if n not in ("gradkit", "numpy")]
    by = {(c["op"], c["input"], c["mode"], c["library"]): c for c in cells}

    def us(case, lib):
        c = by[case + (lib,)]
        return f"{c['us_per_op']:.2f}" if "us_per_op" in c else "n/a" if "error" in c else "-"

    def ratio(case, peer):
        a, b = by[case + ("gradkit",)].get("us_per_op"), by[case + (peer,)].get("us_per_op")
        return harness.format_ratio(a / b) if a is not None and b and b > 0 else "-"

    rows = [list(case) + [us(case, n) for n in names] + ([ratio(case, p) for p in peers] if "gradkit" in names else [])
            for case in cases]
    head = ["op", "input", "mode"] + [f"{n} us" for n in names] + ([f"gk/{p}" for p in peers] if "gradkit" in names else [])
    print(f"machine: {harness.machine_line()}\nversions: {harness.versions_line(harness.versions())}\n"
          f"microseconds per operation: slope between chains of {opts.lengths[0]} and {opts.lengths[1]} "
          f"operations, medians over up to {opts.repeats} rounds, {opts.clock} clock\n")
    print(harness.table(head, rows, left=3))
    errors = sorted({f"- {c['library']}: {c['error']}" for c in cells if "error" in c})
    if errors:
        print("\nNot run:\n" + "\n".join(errors))
    Path(opts.json).write_text(json.dumps({"machine": harness.machine_line(), "versions": harness.versions(),
                                           "lengths": opts.lengths, "cells": cells}, indent=1))
    print(f"\n{len(cells)} cells in {time.perf_counter() - start:.0f} s; JSON written to {opts.json}")


if __name__ == "__main__":
    main()
