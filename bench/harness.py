"""Shared benchmark plumbing: single-threaded set-up, the timing helper, the machine line
and plain-text tables. Import this module before NumPy (it pins the BLAS thread count).

    import harness                      # first: sets the thread variables
    harness.median_time(lambda: sum(range(100)), budget=0.05)
"""
import gc
import importlib.metadata
import os
import platform
import statistics
import sys
import time
from pathlib import Path

# Single-threaded and float64 for every library: set before NumPy, JAX or PyTorch load,
# because their thread pools read these once, at import.
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"
os.environ["XLA_FLAGS"] = "--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1"
os.environ.setdefault("JAX_PLATFORMS", "cpu")

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # benchmark the working tree's gradkit, installed or not

import numpy as np  # noqa: E402


# -- timing ------------------------------------------------------------------------------
# "cpu" is the process's CPU time (all its threads): on a machine shared with other work it
# is not inflated by waiting for a core, and for single-threaded code on an idle machine
# it equals the wall time. "wall" is the wall clock, the measure on a machine of one's own.
CLOCKS = {"cpu": time.process_time, "wall": time.perf_counter}


def _clock(thunk, number, clock):
    gc.disable()  # as timeit does: a collection landing in one round would skew it
    try:
        start = clock()
        for _ in range(number):
            thunk()
        return clock() - start
    finally:
        gc.enable()


def median_time(thunk, budget=1.0, repeats=7, clock="cpu"):
    """Median seconds per call of an already warmed-up `thunk`, timeit-style, by `clock`
    ("cpu" or "wall", see CLOCKS).

    Runs up to `repeats` rounds (at least 2) of `number` calls each, with `number` chosen
    so that all rounds fit in about `budget` seconds; a call longer than half the budget
    is timed once.
    Returns (median seconds per call, rounds, calls per round).

    >>> t, rounds, number = median_time(lambda: None, budget=0.01)
    >>> t < 1e-3 and rounds >= 1
    True
    """
    clock = CLOCKS[clock]
    gc.collect()
    per_call = _clock(thunk, 1, clock)
    if 2 * per_call > budget:  # too slow to repeat within the budget: this call is the measure
        return per_call, 1, 1
    # calibrate twice, so that one call slowed by a busy machine does not set `number`
    number = max(1, int(budget / repeats / max(per_call, 1e-7)))
    per_call = _clock(thunk, number, clock) / number
    number = max(1, int(budget / repeats / max(per_call, 1e-7)))
    samples = []
    start = time.perf_counter()  # the budget is wall time, so that a whole run's length is predictable
    while len(samples) < repeats and (len(samples) < 2 or time.perf_counter() - start + number * per_call <= budget):
        samples.append(_clock(thunk, number, clock) / number)
    return statistics.median(samples), len(samples), number


def format_time(seconds):
    """'12.3 us', '4.56 ms', '1.23 s'."""
    if seconds is None:
        return "n/a"
    for unit, scale in (("s", 1.0), ("ms", 1e-3), ("us", 1e-6)):
        if seconds >= scale or unit == "us":
            v = seconds / scale
            return f"{v:.3g} {unit}" if v < 100 else f"{v:.0f} {unit}"


def format_bytes(n):
    if n is None:
        return "n/a"
    for unit, scale in (("GB", 2 ** 30), ("MB", 2 ** 20), ("kB", 2 ** 10)):
        if n >= scale:
            return f"{n / scale:.3g} {unit}"
    return f"{n} B"


def format_ratio(r):
    return "n/a" if r is None else f"{r:.2f}x" if r < 10 else f"{r:.0f}x"


# -- machine and versions ----------------------------------------------------------------
def machine_line():
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    load = ", load average %.2f" % os.getloadavg()[0] if hasattr(os, "getloadavg") else ""
    return (f"{cpu}, {os.cpu_count()} logical cores{load}, {platform.system()} {platform.release()}, "
            f"Python {platform.python_version()}; 1 thread, float64")


def versions(packages=("numpy", "autograd", "jax", "jaxlib", "torch")):
    """Installed versions, None for packages that are missing; gradkit's from the tree."""
    import gradkit
    found = {"gradkit": gradkit.__version__}
    for name in packages:
        try:
            found[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            found[name] = None
    return found


def versions_line(found):
    return ", ".join(f"{k} {v or 'n/a'}" for k, v in found.items())


# -- tables --------------------------------------------------------------------------------
def table(header, rows, left=1):
    """A Markdown pipe table, columns padded; the first `left` columns left-aligned, the rest right."""
    cells = [list(map(str, header))] + [list(map(str, r)) for r in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(header))]

    def line(r):
        return "| " + " | ".join(c.ljust(w) if i < left else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths))) + " |"

    rule = "|" + "|".join(("-" * (w + 1)) + (":" if i >= left else "-") for i, w in enumerate(widths)) + "|"
    return "\n".join([line(cells[0]), rule] + [line(r) for r in cells[1:]])


def progress(total, enabled=True):
    """A rich progress bar on stderr (a no-op without rich or when disabled):
    `with progress(n) as step: step('label')` advances it once per call."""
    import contextlib

    @contextlib.contextmanager
    def bar():
        try:
            from rich.progress import Progress
        except ImportError:
            yield lambda label: None
            return
        from rich.console import Console
        with Progress(console=Console(stderr=True), transient=True) as p:
            task = p.add_task("bench", total=total)
            yield lambda label: p.update(task, advance=1, description=label)

    if not enabled:
        return contextlib.nullcontext(lambda label: None)
    return bar()
