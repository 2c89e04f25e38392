"""The lab's frame: experiments, their checks and results, and the measuring helpers.

An experiment turns one group of the lecture's claims into numbers. It is four plain
functions, so that each can be tested alone:

    measure(ctx) -> data        # runs the computation; data is JSON-able (lists, floats)
    judge(data) -> [Check]      # the verdict, computed from data only
    present(data) -> figures, tables, measured
                                # matplotlib Figures, Tables, one line of what was measured

A claim is reproduced when every check passes. Nothing is decided in advance: `judge`
sees only what `measure` returned, and its tests feed it data that must fail.
"""
import dataclasses
import importlib
import math
import time

import numpy as _np

__all__ = ["Experiment", "Check", "Table", "Result", "Context", "Blocked", "register", "EXPERIMENTS",
           "need", "timeit", "loglog_slope", "check_range", "check_below"]

EXPERIMENTS = []  # registered in lecture order


@dataclasses.dataclass
class Check:
    """One test of a claim against the data: what was compared, and the numbers."""
    name: str
    passed: bool
    detail: str


@dataclasses.dataclass
class Table:
    title: str
    header: list
    rows: list  # lists of strings


@dataclasses.dataclass
class Experiment:
    key: str            # "L9-L10"
    title: str
    claim: str          # the lecture's claim, in words
    measure: object     # ctx -> data
    judge: object       # data -> [Check]
    present: object     # data -> (figures dict, [Table], measured text)

    @property
    def claims(self):
        """The L-numbers covered: "L9-L10" -> ("L9", "L10"), "L5" -> ("L5",)."""
        parts = [int(p.lstrip("L")) for p in self.key.split("-")]
        return tuple(f"L{k}" for k in range(parts[0], parts[-1] + 1))


@dataclasses.dataclass
class Result:
    experiment: Experiment
    status: str                   # reproduced | not reproduced | blocked | error
    measured: str = ""
    checks: list = dataclasses.field(default_factory=list)
    figures: dict = dataclasses.field(default_factory=dict)
    tables: list = dataclasses.field(default_factory=list)
    data: dict = dataclasses.field(default_factory=dict)
    note: str = ""
    seconds: float = 0.0

    @property
    def ok(self):
        return self.status == "reproduced"


class Blocked(Exception):
    """A part of gradkit the experiment needs is not there yet."""


def register(key, title, claim, measure, judge, present):
    exp = Experiment(key, title, claim, measure, judge, present)
    EXPERIMENTS.append(exp)
    return exp


def need(module, *names):
    """Import `module` (and its attributes `names`) or raise Blocked naming what is missing."""
    try:
        mod = importlib.import_module(module)
    except ImportError as e:
        raise Blocked(f"needs {module}, which is not available ({e})") from None
    missing = [n for n in names if not hasattr(mod, n)]
    if missing:
        raise Blocked(f"needs {module}.{', '.join(missing)}, which is not available yet")
    return mod if not names else (getattr(mod, names[0]) if len(names) == 1 else
                                  tuple(getattr(mod, n) for n in names))


class Context:
    """What an experiment is told: quick or full run, the seed, and a progress callback."""

    def __init__(self, quick=False, seed=0, progress=None):
        self.quick, self.seed = quick, seed
        self._progress = progress or (lambda text: None)

    def pick(self, quick, full):
        """The quick-run value or the full-run value."""
        return quick if self.quick else full

    def rng(self, salt=0):
        return _np.random.default_rng([self.seed, salt])

    def progress(self, text):
        self._progress(text)


# -- measuring helpers -------------------------------------------------------------------
def timeit(fn, min_time=0.01, repeat=3, max_loops=1 << 20):
    """Best time per call of fn() in seconds: loops grow until one batch lasts min_time,
    then the best of `repeat` batches (the least disturbed by the rest of the machine)."""
    loops = 1
    while True:
        t0 = time.perf_counter()
        for _ in range(loops):
            fn()
        dt = time.perf_counter() - t0
        if dt >= min_time or loops >= max_loops:
            break
        loops = min(max_loops, loops * max(2, int(min_time / max(dt, 1e-9) * 1.2)))
    best = dt
    for _ in range(repeat - 1):
        t0 = time.perf_counter()
        for _ in range(loops):
            fn()
        best = min(best, time.perf_counter() - t0)
    return best / loops


def loglog_slope(x, y):
    """Least-squares slope of log y against log x (the exponent p in y ~ x^p)."""
    x, y = _np.asarray(x, float), _np.asarray(y, float)
    keep = (x > 0) & (y > 0) & _np.isfinite(y)
    if keep.sum() < 2:
        return float("nan")
    return float(_np.polyfit(_np.log(x[keep]), _np.log(y[keep]), 1)[0])


def check_range(name, value, lo, hi, what="", fmt=".3g"):
    """A Check that lo <= value <= hi."""
    ok = value is not None and not (isinstance(value, float) and math.isnan(value)) and lo <= value <= hi
    if hi == float("inf"):
        return Check(name, bool(ok), f"{what}{format_value(value, fmt)} (expected >= {lo:{fmt}})")
    return Check(name, bool(ok), f"{what}{format_value(value, fmt)} (expected in [{lo:{fmt}}, {hi:{fmt}}])")


def check_below(name, value, bound, what="", fmt=".2e"):
    """A Check that value <= bound."""
    ok = value is not None and not (isinstance(value, float) and math.isnan(value)) and value <= bound
    return Check(name, bool(ok), f"{what}{format_value(value, fmt)} (bound {bound:{fmt}})")


def format_value(v, fmt):
    try:
        return format(v, fmt)
    except (TypeError, ValueError):
        return str(v)
