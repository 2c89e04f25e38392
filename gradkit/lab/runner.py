"""Running the lab: select experiments, run each with progress, judge, report, exit code."""
import argparse
import contextlib
import os
import sys
import time
import traceback

from .core import EXPERIMENTS, Context, Result, single_threaded_blas


def _load_experiments():
    from . import experiments  # noqa: F401  (registers every experiment, in lecture order)
    return EXPERIMENTS


def select(only=None):
    """The experiments covering the claims in `only` ("L9,L13" or a list), all if None, as a
    list of `Experiment` in lecture order; ValueError naming an unknown claim.

    >>> [x.key for x in select("L9,L13")]
    ['L9-L10', 'L13']
    """
    exps = _load_experiments()
    if not only:
        return list(exps)
    wanted = [w.strip().upper() for w in (only.split(",") if isinstance(only, str) else only) if w.strip()]
    known = {c for x in exps for c in x.claims} | {x.key.upper() for x in exps}
    unknown = [w for w in wanted if w not in known]
    if unknown:
        raise ValueError(f"--only names unknown claims {', '.join(unknown)}; the lab covers "
                         + ", ".join(x.key for x in exps) + " (e.g. --only L9,L13).")
    return [x for x in exps if x.key.upper() in wanted or any(c in wanted for c in x.claims)]


def run_experiment(exp, ctx):
    """Measure, judge and present one experiment `exp` in the `Context` ctx; returns its
    `Result`. Failures become a Result (status "error", the traceback in `note`), never a
    crash. A working experiment is run in `gradkit.lab.core`'s example; a broken one:

    >>> from gradkit.lab.core import Experiment
    >>> broken = Experiment("L0", "toy", "...", lambda ctx: 1 / 0, None, None)
    >>> result = run_experiment(broken, Context())
    >>> result.status, "ZeroDivisionError" in result.note
    ('error', True)
    """
    t0 = time.perf_counter()
    try:
        data = exp.measure(ctx)
    except Exception:  # a bug in the experiment or in gradkit: report it, run the rest
        return Result(exp, "error", measured="the experiment raised an error",
                      note=traceback.format_exc(limit=6), seconds=time.perf_counter() - t0)
    seconds = time.perf_counter() - t0
    try:
        checks = exp.judge(data)
        figures, tables, measured = exp.present(data)
    except Exception:
        return Result(exp, "error", measured="judging or drawing raised an error", data=data,
                      note=traceback.format_exc(limit=6), seconds=seconds)
    status = "reproduced" if checks and all(c.passed for c in checks) else "not reproduced"
    note = data.get("note", "") if isinstance(data, dict) else ""
    return Result(exp, status, measured, checks, figures, tables, data, note, seconds)


class _Bar:
    """Progress on a terminal: one rich bar, the current experiment and its step."""

    def __init__(self, total):
        from rich.console import Console
        from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
        self.bar = Progress(TextColumn("[bold]{task.description}"), BarColumn(),
                            TextColumn("{task.completed}/{task.total}"), TimeElapsedColumn(),
                            TextColumn("{task.fields[step]}"), console=Console(stderr=True))
        self.task = self.bar.add_task("gradkit lab", total=total, step="")

    def __enter__(self):
        self.bar.__enter__()
        return self

    def __exit__(self, *exc):
        return self.bar.__exit__(*exc)

    def start(self, exp):
        self.bar.update(self.task, description=f"{exp.key} {exp.title}", step="")

    def step(self, text):
        self.bar.update(self.task, step=text)

    def done(self, result):
        self.bar.advance(self.task)


class _Lines(contextlib.nullcontext):
    """Progress for a log or a pipe: one line per experiment as it finishes."""

    def __init__(self, total, stream=None):
        super().__init__(self)
        self.total, self.count, self.stream = total, 0, stream

    def start(self, exp):
        pass

    def step(self, text):
        pass

    def done(self, r):
        self.count += 1
        print(f"[{self.count}/{self.total}] {r.experiment.key} {r.experiment.title}: {r.status} "
              f"in {r.seconds:.1f} s - {r.measured}", file=self.stream or sys.stdout, flush=True)


class _Silent(_Lines):
    def done(self, r):
        pass


def _progress(console, total):
    if console == "lines" or (console is True and not sys.stderr.isatty()):
        return _Lines(total)
    if console:
        return _Bar(total)
    return _Silent(total)


def run_lab(quick=False, only=None, seed=0, out="gradkit-lab", console=True, svg=True):
    """Run the selected experiments and return their Results.

    Args:
        quick: smaller sizes (about 20 s on 2 cores) instead of the full run.
        only: claims to run ("L9,L13" or a list); all if None.
        seed: random seed of every experiment.
        out: folder for report.html, results.json and figures/, checked before the first
            experiment and written after each one (None: write nothing).
        console: True shows progress (a bar on a terminal, one line per finished experiment
            otherwise), "lines" forces the lines, False is silent.
        svg: also write each figure as SVG.

    Returns:
        list of `Result`, one per experiment, in lecture order.

    Raises:
        ValueError: `only` names an unknown claim; `OutputError` (a ValueError) if `out`
            cannot be written.

    >>> results = run_lab(quick=True, only="L11", out=None, console=False)
    >>> [(r.experiment.key, r.status) for r in results]
    [('L11-L12', 'reproduced')]
    """
    exps = select(only)
    writer = None
    if out is not None:
        from .report import ReportWriter, run_meta
        writer = ReportWriter(out, run_meta(quick, seed, only), svg, [x.key for x in exps])
    import matplotlib
    matplotlib.use("Agg")  # figures are files: never open a window
    results = []
    t0 = time.perf_counter()
    with single_threaded_blas(), _progress(console, len(exps)) as show:  # one-thread CPU times (lab.core.timeit)
        for exp in exps:
            show.start(exp)
            result = run_experiment(exp, Context(quick, seed, show.step))
            results.append(result)
            if writer is not None:
                writer.add(result)
            show.done(result)
    if writer is not None:
        writer.finish(time.perf_counter() - t0)
    import matplotlib.pyplot as plt
    plt.close("all")
    return results


def print_summary(results, out, seconds):
    """Print the table of `results` (claims, what was measured, the verdicts), then the errors
    (rich's table). `out`: the report's folder, named in the last line (None: no report);
    `seconds`: the run's time.

    >>> from gradkit.lab.core import Experiment
    >>> r = Result(Experiment("L0", "a toy claim", "...", None, None, None), "reproduced", "error 0e+00")
    >>> print_summary([r], out=None, seconds=1.0)
       gradkit lab: the lecture's claims, measured
    ...L0 a toy claim...error 0e+00...reproduced...
    1 of 1 reproduced in 1 s.
    """
    from rich.console import Console
    from rich.table import Table
    con = Console()
    table = Table(title="gradkit lab: the lecture's claims, measured", show_lines=True)
    table.add_column("claim", max_width=28)
    table.add_column("measured", ratio=1)
    table.add_column("verdict", no_wrap=True, min_width=14)
    colours = {"reproduced": "green", "not reproduced": "red", "error": "red"}
    for r in results:
        table.add_row(f"{r.experiment.key} {r.experiment.title}", r.measured,
                      f"[{colours[r.status]}]{r.status}[/]")
    con.print(table)
    n_ok = sum(r.ok for r in results)
    con.print(f"{n_ok} of {len(results)} reproduced in {seconds:.0f} s."
              + (f" Report: {os.path.join(out, 'report.html')}" if out else ""))
    for r in results:
        if r.status == "error":
            con.print(f"[{colours[r.status]}]{r.experiment.key} {r.status}:[/] {r.note.strip()}", markup=True,
                      highlight=False)


def parser():
    """The argparse parser of `gradkit lab`.

    >>> args = parser().parse_args(["--quick", "--only", "L9,L13"])
    >>> args.quick, args.only, args.out
    (True, 'L9,L13', 'gradkit-lab')
    """
    p = argparse.ArgumentParser(prog="gradkit lab", description=(
        "Reproduce the lecture's claims on automatic differentiation (L1-L20) as measured figures. "
        "Writes report.html, figures/ and results.json into --out; exits 1 if any claim was not reproduced."))
    p.add_argument("--quick", action="store_true", help="smaller sizes: about 20 s on 2 cores")
    p.add_argument("--out", default="gradkit-lab", metavar="DIR", help="output folder (default: ./gradkit-lab)")
    p.add_argument("--only", default=None, metavar="L9,L13", help="run only the experiments covering these claims")
    p.add_argument("--seed", type=int, default=0, metavar="N", help="random seed (default 0)")
    p.add_argument("--no-svg", action="store_true", help="write PNG figures only")
    p.add_argument("--list", action="store_true", help="list the experiments and exit")
    p.add_argument("--notebook", action="store_true",
                   help="write DIR/lab.ipynb, a Jupyter notebook that runs each selected experiment with its "
                        "code in editable cells, instead of running them here")
    return p


def main(argv=None):
    """`gradkit lab ...` with the arguments `argv` (None: sys.argv's); returns the process
    exit status: 0 when every claim was reproduced, 1 when one was not, 2 for bad arguments
    or missing matplotlib/rich.

    >>> main(["--list"])
    L1-L3    Matrix calculus warm-up
    ...
    L20      What AD is not: the closing table
    0
    """
    args = parser().parse_args(argv)
    try:
        import matplotlib  # noqa: F401
        import rich  # noqa: F401
    except ImportError as e:
        print(f"gradkit lab needs matplotlib and rich ({e}). Install them with: pip install 'gradkit[lab]'",
              file=sys.stderr)
        return 2
    if args.list:
        for x in _load_experiments():
            print(f"{x.key:8s} {x.title}")
        return 0
    from .report import check_output_dir
    try:
        select(args.only)
        check_output_dir(args.out)  # a bad --out fails now, not after the experiments
    except ValueError as e:
        print(f"gradkit lab: {e}", file=sys.stderr)
        return 2
    if args.notebook:
        from .notebook import write_notebook
        path = write_notebook(os.path.join(args.out, "lab.ipynb"), args.quick, args.only, args.seed)
        print(f"Wrote {path}: open it in Jupyter, or run it with `jupyter nbconvert --to notebook --execute {path}`.")
        return 0
    t0 = time.perf_counter()
    results = run_lab(args.quick, args.only, args.seed, args.out, console=True, svg=not args.no_svg)
    print_summary(results, args.out, time.perf_counter() - t0)
    return 0 if all(r.ok for r in results) else 1
