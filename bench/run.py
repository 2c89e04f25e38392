"""The speed and memory benchmark of issue 7: gradkit against autograd, JAX (eager and
jax.jit), PyTorch and hand-written NumPy (the floor), single-threaded, float64, same workloads and same data.

    python bench/run.py                  # everything, about 5-10 minutes
    python bench/run.py --quick          # shorter time budget per cell
    python bench/run.py --only mlp --only chain --libs gradkit,torch

Prints medians (the function alone, value and gradient, Hessians, Jacobians, finite
differences), each task's cost relative to the function, ratios gradkit/peer, and the peak
memory of the gradient with and without checkpointing; writes everything as JSON
(bench/results.json unless --json says otherwise). Peers that are not installed read "n/a".
"""
import argparse
import functools
import json
import signal
import sys
import time
import tracemalloc
from pathlib import Path

import harness  # first: pins every library to one thread before NumPy loads

import numpy as np  # noqa: E402

import backends  # noqa: E402
from gradkit.memory import keep_freed_memory  # noqa: E402
from workloads import workloads  # noqa: E402

TASK_LABELS = {"f": "function", "vg": "value+grad", "hessian": "Hessian", "hvp": "HVP",
               "jacfwd": "jacfwd", "jacrev": "jacrev", "fd": "central FD", "forward": "taped forward"}


def central_difference(call, asarray, x, data, h=1e-6):
    """The gradient by central differences (lecture L7/L9): 2d evaluations of the function."""
    g = np.empty(x.size)
    for i in range(x.size):
        up, down = x.copy(), x.copy()
        up[i] += h
        down[i] -= h
        g[i] = (float(call(asarray(up), *data)) - float(call(asarray(down), *data))) / (2 * h)
    return g


def make_thunk(lib, wl, task, remat=None):
    """A no-argument callable running `task` of workload `wl` in library `lib`, result ready."""
    f = functools.partial(wl.fn, lib.np) if remat is None else functools.partial(wl.fn, lib.np, remat=remat)
    args = lib.asarray(wl.params + wl.data)
    if lib.by_hand and task in wl.by_hand:  # the floor: derivatives written by hand
        run = functools.partial(wl.by_hand[task], *([wl.direction] if task == "hvp" else []), *args)
    elif task == "f":
        run = functools.partial(lib.function(f), *args)
    elif task == "vg":
        run = functools.partial(lib.value_and_grad(f, len(wl.params)), *args)
    elif task in ("hessian", "jacfwd", "jacrev"):
        run = functools.partial(getattr(lib, task)(f), *args)
    elif task == "hvp":
        run = functools.partial(lib.hvp(f), lib.asarray(wl.direction), *args)
    elif task == "fd":
        run = functools.partial(central_difference, lib.function(f), lib.asarray, wl.params[0], args[1:])
    elif task == "forward":  # returns (value, the record a backward pass would need)
        run = functools.partial(lib.forward(f, len(wl.params)), *args)
    else:
        raise ValueError(f"unknown task {task!r}")

    def thunk():
        out = run()
        lib.sync(out[0] if task == "forward" else out)
        return out
    return thunk


class CallTimeout(Exception):
    pass


def _alarm(signum, frame):
    raise CallTimeout


def first_call(thunk, limit):
    """Run thunk once (warm-up, and jit compilation), giving up after `limit` seconds."""
    signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, limit)
    try:
        start = time.perf_counter()
        out = thunk()
        return out, time.perf_counter() - start
    except CallTimeout:
        raise CallTimeout(f"one call took longer than {limit:g} s; not timed") from None
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)


def describe(error):
    text = str(error).strip().splitlines()
    return f"{type(error).__name__}: {text[0][:200] if text else ''}"


def _leaves(tree):
    if isinstance(tree, (tuple, list)):
        return [leaf for t in tree for leaf in _leaves(t)]
    return [np.asarray(tree, dtype=float)]


def agrees(a, b, task):
    """Do two libraries' results match? (central differences: only to their own accuracy)"""
    a, b = _leaves(a), _leaves(b)
    rtol = 1e-4 if task == "fd" else 1e-6
    return len(a) == len(b) and all(
        x.shape == y.shape and np.allclose(x, y, rtol=rtol, atol=rtol * max(1.0, np.abs(y).max(initial=0)))
        for x, y in zip(a, b))


def prepare(lib, wl, task, opts, remat=None):
    """One cell's thunk, called once (warm-up, jit compilation): (cell, thunk, result as
    NumPy), or (cell with the error that stopped it, None, None)."""
    cell = {"workload": wl.name, "task": task, "library": lib.name}
    if not lib.available:
        return dict(cell, error=lib.reason, skipped=True), None, None
    try:
        thunk = make_thunk(lib, wl, task, remat)
        out, cell["first_call_s"] = first_call(thunk, opts.call_limit)
        return cell, thunk, lib.to_numpy(out)
    except Exception as e:  # an engine's failure is a result to report, not a crash
        return dict(cell, error=describe(e)), None, None


def time_cells(cells_and_thunks, opts):
    """Time the thunks together, round-robin (harness.interleaved_medians), and write each
    cell's median, rounds, calls per round and per-round samples, or its error."""
    timings = harness.interleaved_medians([t for _, t in cells_and_thunks], opts.budget, opts.repeats, opts.clock)
    for (cell, _), timing in zip(cells_and_thunks, timings):
        if isinstance(timing, Exception):
            cell["error"] = describe(timing)
        else:
            cell["median_s"], cell["rounds"], cell["number"], cell["samples_s"] = timing


def traced_memory(thunk):
    """(bytes still held when thunk returns, its result alive; peak bytes while it ran),
    as tracemalloc sees them (NumPy reports its array buffers to it)."""
    tracemalloc.start()
    try:
        base = tracemalloc.get_traced_memory()[0]
        out = thunk()  # noqa: F841  (kept alive: what it holds is what we measure)
        held, peak = tracemalloc.get_traced_memory()
        return held - base, peak - base
    finally:
        tracemalloc.stop()


def run_speed(libs, wls, opts, step):
    """Every (workload, task) row: each library's thunk is built, called once and checked
    against the first library's result, then all are timed together, round-robin, so that
    their medians (and ratios) come from the same stretches of a machine whose speed drifts."""
    cells = []
    for wl in wls:
        for task in wl.tasks:
            reference, to_time = None, []
            for lib in libs:
                step(f"{wl.name}: {TASK_LABELS[task]} [{lib.name}]")
                if lib.by_hand and task not in ("f", "fd", *wl.by_hand):
                    continue  # no hand-written form: the cell reads n/a
                cell, thunk, out = prepare(lib, wl, task, opts)
                if out is not None:
                    if reference is None:
                        reference = (lib.name, out)
                    elif not agrees(out, reference[1], task):
                        cell["mismatch"] = f"result differs from {reference[0]}'s"
                if thunk is not None:
                    to_time.append((cell, thunk))
                cells.append(cell)
            time_cells(to_time, opts)
    return cells


def memory_libs(libs):
    """The libraries whose memory tracemalloc sees, eager, with a checkpoint wrapper."""
    return [lib for lib in libs if lib.available and lib.memory_visible and lib.checkpoint and not lib.compiled]


def run_memory(libs, wls, opts, step):
    """Tape and peak memory of the gradient without and with checkpointing; the two
    gradients are timed together (round-robin), so that their time ratio is a fair cost."""
    rows = []
    for wl in (w for w in wls if w.checkpointable):
        for lib in memory_libs(libs):
            row = {"workload": wl.name, "library": lib.name}
            to_time = []
            for key, remat in (("plain", None), ("checkpoint", lib.checkpoint)):
                step(f"{wl.name}: memory, {key} [{lib.name}]")
                cell, thunk, _ = prepare(lib, wl, "vg", opts, remat)
                if thunk is not None:
                    to_time.append((cell, thunk))
                    row[f"{key}_tape_bytes"] = traced_memory(make_thunk(lib, wl, "forward", remat))[0]
                    row[f"{key}_peak_bytes"] = traced_memory(make_thunk(lib, wl, "vg", remat))[1]
                row[key] = cell
            time_cells(to_time, opts)
            for key in ("plain", "checkpoint"):
                cell = row.pop(key)
                row[f"{key}_median_s"], row[f"{key}_error"] = cell.get("median_s"), cell.get("error")
            rows.append(row)
    return rows


# -- report ----------------------------------------------------------------------------------
def _ratio(a, b):
    return None if a is None or b is None or b == 0 else a / b


def ratio_pairs(lib_names):
    """(ours, theirs) column pairs: eager gradkit against every peer, the two recording
    compilers against each other, and gradkit.jit against the hand-written floor."""
    pairs = [("gradkit", p) for p in lib_names if p not in ("gradkit", "gradkit.jit")]
    pairs += [("gradkit.jit", p) for p in ("jax.jit", "numpy") if "gradkit.jit" in lib_names and p in lib_names]
    return [(a, b) for a, b in pairs if a in lib_names]


def speed_tables(cells, lib_names):
    by = {(c["workload"], c["task"], c["library"]): c for c in cells}
    rows_seen = list(dict.fromkeys((c["workload"], c["task"]) for c in cells))
    pairs = ratio_pairs(lib_names)
    t = lambda w, task, lib: by.get((w, task, lib), {}).get("median_s")

    def ratio(w, task, a, b):  # per-round ratio where a and b were timed in the same rounds
        paired = harness.paired_ratio(by.get((w, task, a), {}).get("samples_s"), by.get((w, task, b), {}).get("samples_s"))
        return paired if paired is not None else _ratio(t(w, task, a), t(w, task, b))

    def shown(w, task, lib):
        c = by.get((w, task, lib), {})
        if "median_s" in c:
            return harness.format_time(c["median_s"]) + (" (!)" if "mismatch" in c else "")
        return "n/a" if c.get("skipped") or not c else "ERROR"

    medians = [[w, TASK_LABELS[task]] + [shown(w, task, lib) for lib in lib_names]
               + [harness.format_ratio(ratio(w, task, a, b)) for a, b in pairs]
               for w, task in rows_seen]
    short = lambda name: name.replace("gradkit", "gk")
    head = ["workload", "task"] + lib_names + [f"{short(a)}/{b}" for a, b in pairs]
    with_f = {w for w, task in rows_seen if task == "f"}
    relative = [[w, TASK_LABELS[task]] + [harness.format_ratio(_ratio(t(w, task, lib), t(w, "f", lib)))
                                          for lib in lib_names]
                for w, task in rows_seen if task != "f" and w in with_f]
    return harness.table(head, medians, left=2), harness.table(["workload", "task"] + lib_names, relative, left=2)


def memory_table(rows):
    out = []
    for r in rows:
        row = [r["workload"], r["library"]]
        for what in ("tape", "peak"):
            plain, ckpt = r.get(f"plain_{what}_bytes"), r.get(f"checkpoint_{what}_bytes")
            row += [harness.format_bytes(plain), harness.format_bytes(ckpt), harness.format_ratio(_ratio(plain, ckpt))]
        plain, ckpt = r.get("plain_median_s"), r.get("checkpoint_median_s")
        out.append(row + [harness.format_time(plain), harness.format_time(ckpt), harness.format_ratio(_ratio(ckpt, plain))])
    return harness.table(["workload", "library", "tape", "tape, ckpt", "cut", "peak", "peak, ckpt", "cut",
                          "time", "time, ckpt", "cost"], out, left=2)


def report(result, lib_names):
    lines = [f"machine: {result['machine']}", f"versions: {harness.versions_line(result['versions'])}",
             f"timing: {result['settings']['clock']} clock, {result['settings']['budget']:g} s per cell, "
             f"median of up to {result['settings']['repeats']} rounds, "
             "a row's libraries timed round-robin (ratios: median of the per-round ratios); allocator: "
             + ("freed memory kept for reuse, for every library" if result["settings"].get("memory_kept")
                else "the system's default"), ""]
    medians, relative = speed_tables(result["cells"], lib_names)
    lines += ["Medians (gk/peer < 1: gradkit faster):", medians, "",
              "Cost relative to the function alone (task / function), per library:", relative, ""]
    if result["memory"]:
        lines += ["Memory of the gradient, without and with checkpointing (tracemalloc, so NumPy-backed "
                  "libraries only): tape = held after the forward pass for the backward one; peak = "
                  "highest during value+grad; cost = time with / without checkpoint:",
                  memory_table(result["memory"]), ""]
    problems = [f"- {c['workload']} / {TASK_LABELS[c['task']]} / {c['library']}: {c.get('error') or c['mismatch']}"
                for c in result["cells"] if ("error" in c and not c.get("skipped")) or "mismatch" in c]
    problems += [f"- {r['workload']} / memory {k} / {r['library']}: {r[k + '_error']}"
                 for r in result["memory"] for k in ("plain", "checkpoint") if r.get(k + "_error")]
    missing = sorted({f"- {c['library']}: {c['error']}" for c in result["cells"] if c.get("skipped")})
    if problems:
        lines += ["Errors and mismatches ((!) in the table: differs from the first library's result):"] + problems
    if missing:
        lines += ["Not installed:"] + missing
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", action="append", metavar="NAME",
                        help="run only workloads whose name contains NAME (repeatable)")
    parser.add_argument("--libs", default=",".join(backends.LIBRARIES),
                        help=f"comma-separated libraries (default: {','.join(backends.LIBRARIES)})")
    parser.add_argument("--quick", action="store_true", help="0.1 s per cell instead of 1 s")
    parser.add_argument("--smoke", action="store_true", help="tiny sizes and budgets: checks that it runs")
    parser.add_argument("--budget", type=float, help="seconds of timing per cell")
    parser.add_argument("--repeats", type=int, default=7, help="rounds per cell (median taken)")
    parser.add_argument("--clock", choices=harness.CLOCKS, default="cpu",
                        help="cpu: process CPU time (default; robust on a shared machine), wall: wall clock")
    parser.add_argument("--call-limit", type=float, default=120.0,
                        help="give up on a cell whose first call takes longer (seconds)")
    parser.add_argument("--no-memory", action="store_true", help="skip the peak-memory measurements")
    parser.add_argument("--allocator", choices=("keep", "system"), default="keep",
                        help="keep (default): the C allocator keeps freed memory for reuse, in the whole "
                             "process, so every library gets it (gradkit.memory.keep_freed_memory); "
                             "system: its default, which hands large freed blocks back to the system")
    parser.add_argument("--json", default=str(Path(__file__).with_name("results.json")),
                        help="where to write the results (default bench/results.json)")
    opts = parser.parse_args(argv)
    opts.budget = opts.budget or (0.01 if opts.smoke else 0.1 if opts.quick else 1.0)

    memory_kept = opts.allocator == "keep" and keep_freed_memory()
    libs = backends.load(opts.libs.split(","))
    wls = [w for w in workloads(smoke=opts.smoke)
           if not opts.only or any(n.lower() in w.name.lower() for n in opts.only)]
    if not wls:
        parser.error(f"--only {opts.only} matches no workload; names: "
                     + ", ".join(w.name for w in workloads(smoke=opts.smoke)))
    n_cells = (sum(len(w.tasks) for w in wls) * len(libs)
               + (0 if opts.no_memory else 2 * len(memory_libs(libs)) * sum(w.checkpointable for w in wls)))
    start = time.perf_counter()
    with harness.progress(n_cells, enabled=sys.stderr.isatty()) as step:
        cells = run_speed(libs, wls, opts, step)
        memory = [] if opts.no_memory else run_memory(libs, wls, opts, step)
    result = {"machine": harness.machine_line(), "versions": harness.versions(),
              "settings": {"budget": opts.budget, "repeats": opts.repeats, "clock": opts.clock, "smoke": opts.smoke,
                           "libraries": [lib.name for lib in libs], "wall_s": time.perf_counter() - start,
                           "memory_kept": memory_kept},
              "cells": cells, "memory": memory}
    print(report(result, [lib.name for lib in libs]))
    Path(opts.json).write_text(json.dumps(result, indent=1))
    print(f"\n{len(cells)} cells in {result['settings']['wall_s']:.0f} s; JSON written to {opts.json}")


if __name__ == "__main__":
    main()
