"""Shared benchmark plumbing: single-threaded set-up, the timing helper, the machine line
and plain-text tables. Import this module before NumPy (it pins the BLAS thread count).

    import harness                      # first: sets the thread variables
    harness.median_time(lambda: sum(range(100)), budget=0.05)
    harness.interleaved_medians([f, g], budget=0.05)   # f and g timed round-robin
"""
import collections
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


Timing = collections.namedtuple("Timing", "median_s rounds number samples")
Timing.__doc__ = """One thunk's timing: median seconds per call, rounds, calls per round, and
the seconds per call of each round (in round order, so that thunks timed together pair up)."""


def _calibrate(thunk, budget, repeats, clock):
    """(calls per round, seconds per call) for `thunk`; calls None when one call takes more
    than half the budget: too slow to repeat, that call is the measure."""
    per_call = _clock(thunk, 1, clock)
    if 2 * per_call > budget:
        return None, per_call
    # calibrate twice, so that one call slowed by a busy machine does not set `number`
    number = max(1, int(budget / repeats / max(per_call, 1e-7)))
    per_call = _clock(thunk, number, clock) / number
    return max(1, int(budget / repeats / max(per_call, 1e-7))), per_call


def interleaved_medians(thunks, budget=1.0, repeats=7, clock="cpu"):
    """Time already warmed-up `thunks` round-robin by `clock` ("cpu" or "wall", see CLOCKS),
    so that all of them sample the same stretches of a machine whose speed drifts.

    Each thunk gets its own `number` of calls per round, calibrated to fill budget/repeats;
    then up to `repeats` rounds (at least 2) each time every thunk once, `number` calls in a
    row, until the rounds would exceed `budget` seconds per thunk. Each round starts one
    thunk further on, so that none always runs first. A thunk whose one call takes more
    than half the budget is timed once, outside the rounds.
    Returns, per thunk, a Timing or the exception it raised (it then leaves the rounds).

    >>> fast, slow = interleaved_medians([lambda: None, lambda: sum(range(1000))], budget=0.02)
    >>> fast.median_s < slow.median_s and fast.rounds == slow.rounds == len(slow.samples)
    True
    """
    clock = CLOCKS[clock]
    gc.collect()
    results = [None] * len(thunks)
    rounds = {}  # index of a thunk timed in rounds -> (calls per round, seconds per call, samples)
    for i, thunk in enumerate(thunks):
        try:
            number, per_call = _calibrate(thunk, budget, repeats, clock)
        except Exception as e:  # noqa: BLE001  (the caller reports it beside the others' timings)
            results[i] = e
            continue
        if number is None:
            results[i] = Timing(per_call, 1, 1, [per_call])
        else:
            rounds[i] = (number, per_call, [])
    done = 0
    start = time.perf_counter()  # the budget is wall time, so that a whole run's length is predictable
    while rounds and done < repeats:
        next_round = sum(number * per_call for number, per_call, _ in rounds.values())
        if done >= 2 and time.perf_counter() - start + next_round > budget * len(rounds):
            break
        order = list(rounds)
        shift = done % len(order)
        for i in order[shift:] + order[:shift]:
            number, _, samples = rounds[i]
            try:
                samples.append(_clock(thunks[i], number, clock) / number)
            except Exception as e:  # noqa: BLE001
                results[i] = e
                del rounds[i]
        done += 1
    for i, (number, _, samples) in rounds.items():
        results[i] = Timing(statistics.median(samples), len(samples), number, samples)
    return results


def median_time(thunk, budget=1.0, repeats=7, clock="cpu"):
    """Median seconds per call of one already warmed-up `thunk`: interleaved_medians of it
    alone. Returns (median seconds per call, rounds, calls per round).

    >>> t, rounds, number = median_time(lambda: None, budget=0.01)
    >>> t < 1e-3 and rounds >= 1
    True
    """
    timing, = interleaved_medians([thunk], budget, repeats, clock)
    if isinstance(timing, Exception):
        raise timing
    return timing.median_s, timing.rounds, timing.number


def paired_ratio(samples, reference):
    """Median over rounds of samples[r] / reference[r]: the ratio of two thunks timed in the
    same rounds, each round compared with its own (so drift between rounds cancels out).
    None unless both were timed in the same two or more rounds.

    >>> paired_ratio([2.0, 4.0, 2.2], [1.0, 2.0, 1.0])
    2.0
    """
    if not samples or not reference or len(samples) != len(reference) or len(samples) < 2 or 0 in reference:
        return None
    return statistics.median(a / b for a, b in zip(samples, reference))


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
