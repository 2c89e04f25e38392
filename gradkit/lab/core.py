"""The lab's frame: experiments, their checks and results, and the measuring helpers.

An experiment turns one group of the lecture's claims into numbers. It is four plain
functions, so that each can be tested alone:

    measure(ctx) -> data        # runs the computation; data is JSON-able (lists, floats)
    judge(data) -> [Check]      # the verdict, computed from data only
    present(data) -> figures, tables, measured
                                # matplotlib Figures, Tables, one line of what was measured

A claim is reproduced when every check passes. Nothing is decided in advance: `judge`
sees only what `measure` returned, and its tests feed it data that must fail.

`ctx` is a `Context` (quick or full sizes, the seed, progress); `data` a dict of lists and
numbers (it is written to results.json); `figures` a dict {name: matplotlib Figure} (made
with `gradkit.lab.report.new_figure`), `tables` a list of `Table`. Each module of
gradkit.lab.experiments defines these three functions for its claims and passes them to
`register`; `gradkit.lab.runner.run_experiment` runs them. A toy experiment, run as the lab
runs its own:

    >>> import numpy, gradkit, gradkit.numpy as np
    >>> def measure(ctx):
    ...     x = ctx.rng().standard_normal(ctx.pick(3, 1000))
    ...     error = numpy.max(numpy.abs(gradkit.grad(lambda z: np.sum(z ** 2))(x) - 2 * x))
    ...     return {"n": x.size, "error": float(error)}
    >>> def judge(data):
    ...     return [check_below("reverse mode: grad sum(x^2) = 2x", data["error"], 1e-15)]
    >>> def present(data):
    ...     table = Table("error", ["n", "max error"], [[data["n"], f"{data['error']:.0e}"]])
    ...     return {}, [table], f"largest error {data['error']:.0e}"
    >>> toy = Experiment("L0", "a toy claim", "The gradient of sum(x^2) is 2x.", measure, judge, present)
    >>> from gradkit.lab.runner import run_experiment
    >>> result = run_experiment(toy, Context(quick=True))
    >>> result.status, result.measured, result.checks[0].passed
    ('reproduced', 'largest error 0e+00', True)
"""
import contextlib
import ctypes
import dataclasses
import math
import time
import tracemalloc

import numpy as _np

__all__ = ["Experiment", "Check", "Table", "Result", "Context", "register", "EXPERIMENTS",
           "timeit", "single_threaded_blas", "peak_bytes", "loglog_slope", "check_range", "check_below"]

EXPERIMENTS = []  # registered in lecture order


@dataclasses.dataclass
class Check:
    """One test of a claim against the data: its `name` (what was compared), whether it
    `passed`, and the `detail` (the numbers). `check_range` and `check_below` make them.

    >>> Check("AD: exact to rounding", True, "relative error 0.0e+00").passed
    True
    """
    name: str
    passed: bool
    detail: str


@dataclasses.dataclass
class Table:
    """A table of an experiment's results: a `title`, the `header` and `rows` of strings
    (the report renders it as HTML, the notebook inline).

    >>> Table("Cost of a gradient", ["d", "ratio"], [["4", "2.1"], ["8", "2.0"]]).rows[1]
    ['8', '2.0']
    """
    title: str
    header: list
    rows: list  # lists of strings


@dataclasses.dataclass
class Experiment:
    """One group of the lecture's claims as the three functions of the protocol (see this
    module): `key` the claims it covers ("L9-L10"), `title`, `claim` in words, and
    `measure`, `judge`, `present`. `register` makes one and adds it to the lab.

    >>> exp = Experiment("L9-L10", "Finite differences", "...", None, None, None)
    >>> exp.claims
    ('L9', 'L10')
    """
    key: str            # "L9-L10"
    title: str
    claim: str          # the lecture's claim, in words
    measure: object     # ctx -> data
    judge: object       # data -> [Check]
    present: object     # data -> (figures dict, [Table], measured text)

    @property
    def claims(self):
        """The L-numbers covered: "L9-L10" -> ("L9", "L10"), "L5" -> ("L5",); see the class's example."""
        parts = [int(p.lstrip("L")) for p in self.key.split("-")]
        return tuple(f"L{k}" for k in range(parts[0], parts[-1] + 1))


@dataclasses.dataclass
class Result:
    """What running an experiment gave (`gradkit.lab.runner.run_experiment`, `run_lab`):
    the `experiment`, its `status` ("reproduced" when every check passed, "not reproduced",
    or "error" with the traceback in `note`), the `measured` line, the `checks`, `figures`,
    `tables`, the raw `data` and the `seconds` measure took. See this module's example.

    >>> Result(Experiment("L0", "toy", "...", None, None, None), "reproduced").ok
    True
    """
    experiment: Experiment
    status: str                   # reproduced | not reproduced | error
    measured: str = ""
    checks: list = dataclasses.field(default_factory=list)
    figures: dict = dataclasses.field(default_factory=dict)
    tables: list = dataclasses.field(default_factory=list)
    data: dict = dataclasses.field(default_factory=dict)
    note: str = ""
    seconds: float = 0.0

    @property
    def ok(self):
        """True when the claim was reproduced."""
        return self.status == "reproduced"


def register(key, title, claim, measure, judge, present):
    """Add an experiment to the lab, in lecture order, and return it.

    Args:
        key: the claims it covers, "L9-L10" or "L5" (what --only selects).
        title: a few words for the summary table.
        claim: the lecture's claim, in words.
        measure: ctx -> data, the computation (see this module).
        judge: data -> [Check], the verdict.
        present: data -> (figures, tables, measured text).

    Returns:
        the `Experiment`.

    A toy experiment, registered and taken out again (so that the lab does not run it):

    >>> toy = register("L0", "toy", "...", lambda ctx: {}, lambda data: [], lambda data: ({}, [], ""))
    >>> EXPERIMENTS[-1] is toy
    True
    >>> EXPERIMENTS.remove(toy)
    """
    exp = Experiment(key, title, claim, measure, judge, present)
    EXPERIMENTS.append(exp)
    return exp


class Context:
    """What an experiment is told: `quick` (smaller sizes) or the full run, the `seed`, and
    `progress`, a callback given a short text for each step (the runner shows it).

    >>> ctx = Context(quick=True, seed=1)
    >>> ctx.pick(100, 10_000), ctx.quick, ctx.seed
    (100, True, 1)
    """

    def __init__(self, quick=False, seed=0, progress=None):
        self.quick, self.seed = quick, seed
        self._progress = progress or (lambda text: None)

    def pick(self, quick, full):
        """The quick-run value or the full-run value; see the class's example."""
        return quick if self.quick else full

    def rng(self, salt=0):
        """A NumPy Generator seeded by (seed, salt): each part of an experiment draws its own
        stream, reproducible from the seed.

        >>> int(Context(seed=1).rng(3).integers(10)) == int(Context(seed=1).rng(3).integers(10))
        True
        """
        return _np.random.default_rng([self.seed, salt])

    def progress(self, text):
        """Report a step of the measurement ("n = 64"); the runner shows it beside the bar.

        >>> Context(progress=print).progress("n = 64")
        n = 64
        """
        self._progress(text)


# -- measuring helpers -------------------------------------------------------------------
# The lab times by the process's CPU time. On a machine shared with other work (a CI runner,
# a test suite running beside the lab) the wall clock also counts the time spent waiting for
# a core, which made one of two measured configurations 10x the other in a run here; CPU
# time does not. For single-threaded code on an idle machine the two agree.
CLOCK = time.process_time


def _openblas_thread_controls():
    """(get, set) of the number of threads of each OpenBLAS loaded in this process (NumPy's and
    SciPy's wheels bring one each, with prefixed names), found through /proc/self/maps; none
    where that file does not exist (not Linux) or the BLAS is another one."""
    try:
        import scipy.linalg  # noqa: F401  (loads SciPy's OpenBLAS, so that it is found too)
        with open("/proc/self/maps") as f:
            paths = {line.split()[-1] for line in f}
    except (OSError, ImportError):
        return []
    paths = [p for p in paths if "openblas" in p.rsplit("/", 1)[-1].lower() and ".so" in p]
    controls = []
    for path in sorted(paths):
        try:
            lib = ctypes.CDLL(path)
        except OSError:
            continue
        for prefix in ("openblas", "scipy_openblas"):
            for suffix in ("", "64_"):
                get = getattr(lib, f"{prefix}_get_num_threads{suffix}", None)
                put = getattr(lib, f"{prefix}_set_num_threads{suffix}", None)
                if get is not None and put is not None:
                    controls.append((get, put))
    return controls


@contextlib.contextmanager
def single_threaded_blas():
    """Run the block with OpenBLAS on one thread, as bench/ does. Timed by CPU time, a
    multi-threaded BLAS counts its threads' spinning while they wait for a busy machine (a
    128 x 128 solve measured 100 ms instead of 1 ms here), and lab's comparisons are between
    ways of computing, not between thread counts. The thread counts are restored on exit;
    without an OpenBLAS found (another BLAS, not Linux) the block runs unchanged.

    >>> import numpy
    >>> with single_threaded_blas():
    ...     numpy.ones((2, 2)) @ numpy.ones(2)
    array([2., 2.])
    """
    controls = _openblas_thread_controls()
    before = [get() for get, _ in controls]
    for _, put in controls:
        put(1)
    try:
        yield
    finally:
        for (_, put), n in zip(controls, before):
            put(n)


def timeit(fn, min_time=0.01, repeat=3, max_loops=1 << 20):
    """Best CPU time per call of fn() in seconds: loops grow until one batch lasts min_time,
    then the best of `repeat` batches (the least disturbed by the rest of the machine);
    at most max_loops calls per batch.

    >>> timeit(lambda: sum(range(100))) < 1e-3
    True
    """
    loops = 1
    while True:
        t0 = CLOCK()
        for _ in range(loops):
            fn()
        dt = CLOCK() - t0
        if dt >= min_time or loops >= max_loops:
            break
        loops = min(max_loops, loops * max(2, int(min_time / max(dt, 1e-9) * 1.2)))
    best = dt
    for _ in range(repeat - 1):
        t0 = CLOCK()
        for _ in range(loops):
            fn()
        best = min(best, CLOCK() - t0)
    return best / loops


def peak_bytes(fn):
    """(peak bytes allocated while fn() ran, the bytes still held when it returned, fn's
    result), by tracemalloc (which sees NumPy's array buffers). The result is kept alive while
    the held bytes are counted: for vjp, the recorded tape.

    >>> import numpy
    >>> peak, held, _ = peak_bytes(lambda: numpy.ones(1000))
    >>> peak >= 8000 and held >= 8000
    True
    """
    tracemalloc.start()
    try:
        out = fn()
        held, peak = tracemalloc.get_traced_memory()
        return peak, held, out
    finally:
        tracemalloc.stop()


def loglog_slope(x, y):
    """Least-squares slope of log y against log x (the exponent p in y ~ x^p), over the
    points where both are positive and finite; NaN with fewer than two such points. The
    lab's rates (L8, L9, L10, L13, L4) are such slopes.

    >>> loglog_slope([1, 10, 100], [2, 200, 20000])
    2.0
    """
    x, y = _np.asarray(x, float), _np.asarray(y, float)
    keep = (x > 0) & (y > 0) & _np.isfinite(y)
    if keep.sum() < 2:
        return float("nan")
    return float(_np.polyfit(_np.log(x[keep]), _np.log(y[keep]), 1)[0])


def check_range(name, value, lo, hi, what="", fmt=".3g"):
    """A Check that lo <= value <= hi (None or NaN fails); `what` starts the detail,
    `fmt` formats the numbers.

    >>> check_range("FD: cost ratio grows like d", 1.02, 0.8, 1.2, "fitted slope ")
    Check(name='FD: cost ratio grows like d', passed=True, detail='fitted slope 1.02 (expected in [0.8, 1.2])')
    """
    ok = value is not None and not (isinstance(value, float) and math.isnan(value)) and lo <= value <= hi
    if hi == float("inf"):
        return Check(name, bool(ok), f"{what}{_format_value(value, fmt)} (expected >= {lo:{fmt}})")
    return Check(name, bool(ok), f"{what}{_format_value(value, fmt)} (expected in [{lo:{fmt}}, {hi:{fmt}}])")


def check_below(name, value, bound, what="", fmt=".2e"):
    """A Check that value <= bound (None or NaN fails); `what` starts the detail, `fmt`
    formats the numbers.

    >>> check_below("AD: exact to rounding", 3e-17, 1e-15, "relative error ")
    Check(name='AD: exact to rounding', passed=True, detail='relative error 3.00e-17 (bound 1.00e-15)')
    """
    ok = value is not None and not (isinstance(value, float) and math.isnan(value)) and value <= bound
    return Check(name, bool(ok), f"{what}{_format_value(value, fmt)} (bound {bound:{fmt}})")


def _format_value(v, fmt):
    """format(v, fmt), or str(v) where v does not take that format (None, a string)."""
    try:
        return format(v, fmt)
    except (TypeError, ValueError):
        return str(v)
