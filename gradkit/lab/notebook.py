"""`gradkit lab --notebook`: the lab as a Jupyter notebook.

One section per experiment: its claim in words, its code (the experiment's module, with
absolute imports, so that every line can be read and changed), and a cell that runs it and
shows the verdict, the checks, the figures and the tables inline. A last cell sums up.

    >>> nb = build_notebook(quick=True, only="L11")
    >>> [c.cell_type for c in nb.cells]
    ['markdown', 'code', 'markdown', 'code', 'code', 'code']
    >>> "def measure(ctx):" in nb.cells[3].source
    True
"""
import ast
import html
import importlib.util
import inspect
import sys

__all__ = ["build_notebook", "write_notebook", "experiment_source", "show", "summary"]

_SETUP = """\
# gradkit lab as a notebook: run the cells in order. Each experiment's code cell defines its
# measure, judge and present functions; change them and run the next cell again.
from gradkit.lab.core import Context, Experiment, single_threaded_blas
from gradkit.lab.notebook import show, summary
from gradkit.lab.runner import run_experiment

QUICK, SEED = {quick!r}, {seed!r}   # quick: smaller sizes; the seed of every experiment
results = []"""

_RUN = """\
experiment = Experiment({key!r}, {title!r}, {claim!r}, measure, judge, present)
with single_threaded_blas():  # CPU times of one thread, as the lab measures them
    result = run_experiment(experiment, Context(QUICK, SEED))
results.append(result)
show(result)"""


def experiment_source(exp):
    """The source of the module defining `exp`, made to run at a notebook's top level:
    relative imports become absolute, and the call adding it to the lab's list is left out
    (the notebook builds its `Experiment` itself). Returns the source as text.

    >>> from gradkit.lab.runner import select
    >>> source = experiment_source(select("L11")[0])
    >>> "def measure(ctx):" in source, "register(" in source, "from gradkit.lab.core import" in source
    (True, False, True)
    """
    module = sys.modules[exp.measure.__module__]
    source = inspect.getsource(module)
    lines = source.splitlines(keepends=True)
    edits = []  # (first line, last line, replacement), 1-based
    tree = ast.parse(source)
    for node in ast.walk(tree):  # imports inside functions too
        if isinstance(node, ast.ImportFrom) and node.level:
            name = importlib.util.resolve_name("." * node.level + (node.module or ""), module.__package__)
            text = " " * node.col_offset + ast.unparse(ast.ImportFrom(name, node.names, 0)) + "\n"
            edits.append((node.lineno, node.end_lineno, text))
    for node in tree.body:
        if (isinstance(node, ast.Expr) and isinstance(node.value, ast.Call)
                and getattr(node.value.func, "id", None) == "register"):
            edits.append((node.lineno, node.end_lineno, ""))
    for first, last, text in sorted(edits, reverse=True):
        lines[first - 1:last] = [text]
    return "".join(lines).rstrip() + "\n"


def build_notebook(quick=False, only=None, seed=0):
    """The notebook (an nbformat v4 object) reproducing the experiments `only` selects.

    Args:
        quick: the quick run's sizes.
        only: claims to include ("L9,L13" or a list), all if None.
        seed: the random seed of every experiment.

    Returns:
        nbformat.NotebookNode, not yet executed: a title, a setup cell, then per experiment
        its claim, its code and a cell running it, and a summary cell.

    >>> nb = build_notebook(quick=True, only="L11")
    >>> [c.cell_type for c in nb.cells]
    ['markdown', 'code', 'markdown', 'code', 'code', 'code']
    """
    import nbformat
    from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

    from .runner import select
    exps = select(only)
    cells = [new_markdown_cell(
                 "# gradkit lab: the lecture's claims, measured\n\n"
                 f"{'Quick' if quick else 'Full'} run, seed {seed}: "
                 + ", ".join(x.key for x in exps) + ". Every verdict is computed from the numbers "
                 "this notebook measures. The same run from a shell: `gradkit lab"
                 + (" --quick" if quick else "") + (f" --only {only}" if only else "") + f" --seed {seed}`."),
             new_code_cell(_SETUP.format(quick=bool(quick), seed=int(seed)))]
    for x in exps:
        cells += [new_markdown_cell(f"## {x.key}: {x.title}\n\n**Claim.** {x.claim}"),
                  new_code_cell(experiment_source(x)),
                  new_code_cell(_RUN.format(key=x.key, title=x.title, claim=x.claim))]
    cells.append(new_code_cell("summary(results)"))
    nb = new_notebook(cells=cells, metadata={
        "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
        "language_info": {"name": "python"}})
    nbformat.validate(nb)
    return nb


def write_notebook(path, quick=False, only=None, seed=0):
    """Write `build_notebook(quick, only, seed)` to path (folders created); returns path.

    >>> import os, tempfile
    >>> path = write_notebook(os.path.join(tempfile.mkdtemp(), "lab", "lab.ipynb"), quick=True, only="L11")
    >>> os.path.basename(path), os.path.getsize(path) > 1000
    ('lab.ipynb', True)
    """
    import os

    import nbformat
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    nbformat.write(build_notebook(quick, only, seed), path)
    return path


def _in_ipython():
    if "IPython" not in sys.modules:  # a kernel has imported it; elsewhere importing it costs about 1 s
        return False
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    return get_ipython() is not None


def show(result):
    """Show one experiment's `result`: verdict, checks, figures and tables, inline in Jupyter
    (figures as PNG images), as text elsewhere. Returns None.

    >>> from gradkit.lab.core import Check, Experiment, Result
    >>> toy = Experiment("L0", "a toy claim", "...", None, None, None)
    >>> show(Result(toy, "reproduced", "error 0e+00", [Check("exact", True, "error 0")], seconds=0.1))
    L0 a toy claim: reproduced in 0.1 s
    measured: error 0e+00
      PASS exact: error 0
    """
    from .report import _png_bytes
    e = html.escape
    x = result.experiment
    text = [f"{x.key} {x.title}: {result.status} in {result.seconds:.1f} s", f"measured: {result.measured}"]
    markup = [f"<p><b>{e(x.key)}: {e(result.status)}</b> in {result.seconds:.1f} s. "
              f"<b>Measured:</b> {e(result.measured)}</p><ul>"]
    for c in result.checks:
        text.append(f"  {'PASS' if c.passed else 'FAIL'} {c.name}: {c.detail}")
        markup.append(f"<li>{'&#10003;' if c.passed else '&#10007;'} <b>{e(c.name)}</b>: {e(c.detail)}</li>")
    markup.append("</ul>")
    if result.note:
        text.append(result.note)
        markup.append(f"<pre>{e(result.note)}</pre>")
    tables = []
    for t in result.tables:
        text.append(f"{t.title}: {len(t.rows)} rows")
        tables.append(f"<h4>{e(t.title)}</h4><table><tr>" + "".join(f"<th>{e(str(h))}</th>" for h in t.header)
                      + "</tr>" + "".join("<tr>" + "".join(f"<td>{e(str(c))}</td>" for c in row) + "</tr>"
                                          for row in t.rows) + "</table>")
    if not _in_ipython():
        print("\n".join(text))
        return
    from IPython.display import HTML, Image, display
    display(HTML("\n".join(markup)))
    for fig in result.figures.values():
        display(Image(data=_png_bytes(fig, dpi=80), format="png"))
    if tables:
        display(HTML("\n".join(tables)))


def summary(results):
    """Print one line per Result in `results` and the count reproduced; returns that count (the
    notebook's last cell).

    >>> from gradkit.lab.core import Experiment, Result
    >>> summary([Result(Experiment("L0", "toy", "...", None, None, None), "reproduced", "error 0", seconds=0.1)])
    L0       reproduced         0.1 s  error 0
    1 of 1 reproduced.
    1
    """
    lines = [f"{r.experiment.key:8s} {r.status:15s} {r.seconds:6.1f} s  {r.measured}" for r in results]
    n_ok = sum(r.ok for r in results)
    print("\n".join(lines + [f"{n_ok} of {len(results)} reproduced."]))
    return n_ok
