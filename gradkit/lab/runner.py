"""Running the lab: select experiments, run each with progress, judge, report, exit code."""
import argparse
import os
import sys
import time
import traceback

from .core import EXPERIMENTS, Context, Result, single_threaded_blas


def _load_experiments():
    from . import experiments  # noqa: F401  (registers every experiment, in lecture order)
    return EXPERIMENTS


def select(only=None):
    """The experiments covering the claims in `only` ("L9,L13" or a list), all if None."""
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
    """Measure, judge and present one experiment; failures become a Result, never a crash."""
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


def run_lab(quick=False, only=None, seed=0, out="gradkit-lab", console=True, svg=True):
    """Run the selected experiments; write the report to `out` (None: write nothing);
    return the list of Results."""
    import matplotlib
    matplotlib.use("Agg")  # figures are files: never open a window
    exps = select(only)
    results = []
    t0 = time.perf_counter()
    with single_threaded_blas():  # CPU-time measurements of one thread (see lab.core.timeit)
        if console:
            from rich.console import Console
            from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
            con = Console(stderr=True)
            with Progress(TextColumn("[bold]{task.description}"), BarColumn(),
                          TextColumn("{task.completed}/{task.total}"), TimeElapsedColumn(),
                          TextColumn("{task.fields[step]}"), console=con) as bar:
                task = bar.add_task("gradkit lab", total=len(exps), step="")
                for exp in exps:
                    bar.update(task, description=f"{exp.key} {exp.title}", step="")
                    ctx = Context(quick, seed, lambda text: bar.update(task, step=text))
                    results.append(run_experiment(exp, ctx))
                    bar.advance(task)
        else:
            for exp in exps:
                results.append(run_experiment(exp, Context(quick, seed)))
    total = time.perf_counter() - t0
    if out is not None:
        from .report import run_meta, write_outputs
        os.makedirs(out, exist_ok=True)
        write_outputs(results, out, run_meta(quick, seed, only, total), svg=svg)
    import matplotlib.pyplot as plt
    plt.close("all")
    return results


def print_summary(results, out, seconds):
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
    p = argparse.ArgumentParser(prog="gradkit lab", description=(
        "Reproduce the lecture's claims on automatic differentiation (L1-L20) as measured figures. "
        "Writes report.html, figures/ and results.json into --out; exits 1 if any claim was not reproduced."))
    p.add_argument("--quick", action="store_true", help="smaller sizes: about a minute on 2 cores")
    p.add_argument("--out", default="gradkit-lab", metavar="DIR", help="output folder (default: ./gradkit-lab)")
    p.add_argument("--only", default=None, metavar="L9,L13", help="run only the experiments covering these claims")
    p.add_argument("--seed", type=int, default=0, metavar="N", help="random seed (default 0)")
    p.add_argument("--no-svg", action="store_true", help="write PNG figures only")
    p.add_argument("--list", action="store_true", help="list the experiments and exit")
    return p


def main(argv=None):
    """`gradkit lab ...`: returns the process exit status."""
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
    try:
        select(args.only)
    except ValueError as e:
        print(f"gradkit lab: {e}", file=sys.stderr)
        return 2
    t0 = time.perf_counter()
    results = run_lab(args.quick, args.only, args.seed, args.out, console=True, svg=not args.no_svg)
    print_summary(results, args.out, time.perf_counter() - t0)
    return 0 if all(r.ok for r in results) else 1
