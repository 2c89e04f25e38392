"""Writing the lab's results: figures (PNG and SVG), raw numbers (JSON) and one
self-contained HTML report whose figures are embedded, so it reads offline."""
import base64
import datetime
import html
import io
import json
import os
import platform
import tempfile

import numpy as _np

STATUS_COLOURS = {"reproduced": "#1a7f37", "not reproduced": "#cf222e", "error": "#cf222e"}


def new_figure(ncols=1, nrows=1, width=5.2, height=3.8):
    """A matplotlib Figure made without pyplot (no global state, no GUI backend), with
    nrows x ncols axes of width x height inches each; returns (figure, axes), the axes one
    Axes or a flat array of them. Experiments draw their figures with it.

    >>> fig, (left, right) = new_figure(ncols=2)
    >>> [round(float(s), 1) for s in fig.get_size_inches()]
    [10.4, 3.8]
    """
    from matplotlib.figure import Figure
    fig = Figure(figsize=(width * ncols, height * nrows), layout="constrained")
    axes = fig.subplots(nrows, ncols, squeeze=False)
    return fig, (axes[0, 0] if ncols * nrows == 1 else axes.ravel())


def to_jsonable(x):
    """Arrays and NumPy scalars as lists and floats; non-finite floats as strings; complex
    numbers as [real, imag]; dict keys as strings (what results.json holds).

    >>> import numpy
    >>> to_jsonable({"x": numpy.array([1.0, numpy.inf]), 2: numpy.float64(0.5), "z": 1j})
    {'x': [1.0, 'inf'], '2': 0.5, 'z': [0.0, 1.0]}
    """
    if isinstance(x, dict):
        return {str(k): to_jsonable(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [to_jsonable(v) for v in x]
    if isinstance(x, _np.ndarray):
        return to_jsonable(x.tolist())
    if isinstance(x, _np.generic):
        return to_jsonable(x.item())
    if isinstance(x, float) and not _np.isfinite(x):
        return str(x)
    if isinstance(x, complex):
        return [x.real, x.imag]
    return x


def _png_bytes(fig, dpi=110):
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi)
    return buf.getvalue()


class OutputError(ValueError):
    """The output folder cannot be written: raised before any experiment runs (a ValueError,
    so that `gradkit lab` reports it as a bad argument).

    >>> try:
    ...     check_output_dir(__file__)            # a file, not a folder
    ... except ValueError as error:
    ...     type(error).__name__
    'OutputError'
    """


def check_output_dir(out_dir):
    """Create out_dir (and its figures/ folder) if missing and check that files can be written
    there; raise OutputError naming the problem otherwise. Called before the first experiment,
    so that a bad --out costs nothing.

    >>> check_output_dir(__file__)
    Traceback (most recent call last):
    ...
    gradkit.lab.report.OutputError: --out ... is a file, not a folder: ...
    """
    out_dir = os.path.abspath(out_dir)
    fix = "pass --out a folder that can be created and written (it is created if missing)"
    if os.path.exists(out_dir) and not os.path.isdir(out_dir):
        raise OutputError(f"--out {out_dir} is a file, not a folder: {fix}.")
    parent = os.path.dirname(out_dir)
    while parent and not os.path.exists(parent):
        parent = os.path.dirname(parent)
    if parent and not os.path.isdir(parent):
        raise OutputError(f"--out {out_dir} lies inside {parent}, which is a file: {fix}.")
    figures = os.path.join(out_dir, "figures")
    try:
        os.makedirs(figures, exist_ok=True)
        with tempfile.TemporaryFile(dir=figures):
            pass
    except FileExistsError:
        raise OutputError(f"--out {out_dir} holds a file named 'figures' where the lab writes its figures "
                          f"folder: remove it or {fix}.") from None
    except OSError as e:
        raise OutputError(f"--out {out_dir} cannot be written ({e.strerror or e}): {fix}.") from None
    return out_dir


def _write_atomic(path, text):
    """Replace path's content in one step: a run stopped while writing leaves the previous file."""
    tmp = f"{path}.tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(tmp, path)


class ReportWriter:
    """Writes the lab's outputs into out_dir as the run goes: each experiment's figures when it
    finishes, and results.json and report.html rewritten after each experiment, so that a run
    that stops late (an interrupt, a crash) keeps everything measured until then. `planned` are
    the keys of the experiments to run; the report says which are still missing. `meta`: the
    run's description (`run_meta`); `svg`: write SVG figures beside the PNGs.

    >>> import os, tempfile
    >>> from gradkit.lab.core import Experiment, Result
    >>> out = tempfile.mkdtemp()
    >>> writer = ReportWriter(out, run_meta(True, 0, "L0"), planned=["L0"])
    >>> writer.add(Result(Experiment("L0", "toy", "...", None, None, None), "reproduced", "error 0"))
    >>> os.path.basename(writer.finish(seconds=1.0)), sorted(os.listdir(out))
    ('report.html', ['figures', 'report.html', 'results.json'])
    """

    def __init__(self, out_dir, meta, svg=True, planned=()):
        self.out_dir = check_output_dir(out_dir)
        self.fig_dir = os.path.join(self.out_dir, "figures")
        self.meta, self.svg, self.planned = dict(meta), svg, list(planned)
        self.results, self.embedded = [], {}
        self._write_summary(complete=False)

    def add(self, result):
        """Write one finished experiment's figures, then the summary files; see the class's example."""
        key = result.experiment.key
        for old in os.listdir(self.fig_dir):  # an earlier run's figures of this experiment may have other names
            if old.startswith(f"{key}_"):
                os.remove(os.path.join(self.fig_dir, old))
        for name, fig in result.figures.items():
            stem = os.path.join(self.fig_dir, f"{key}_{name}")
            png = _png_bytes(fig)
            with open(stem + ".png", "wb") as f:
                f.write(png)
            if self.svg:
                fig.savefig(stem + ".svg", format="svg")
            self.embedded[(key, name)] = base64.b64encode(png).decode("ascii")
        self.results.append(result)
        self._write_summary(complete=False)

    def finish(self, seconds=None):
        """Mark the run complete (its `seconds` into the meta); returns the report's path."""
        self.meta["seconds"] = seconds
        return self._write_summary(complete=True)

    def _write_summary(self, complete):
        done = {r.experiment.key for r in self.results}
        self.meta["complete"] = complete
        self.meta["missing"] = [] if complete else [k for k in self.planned if k not in done]
        _write_atomic(os.path.join(self.out_dir, "results.json"),
                      json.dumps(to_jsonable(results_json(self.results, self.meta)), indent=1))
        path = os.path.join(self.out_dir, "report.html")
        _write_atomic(path, render_html(self.results, self.meta, self.embedded))
        return path


def results_json(results, meta):
    """The raw numbers of a run, as written to results.json: {"meta", "experiments": [one
    dict per Result: key, title, claim, status, measured, checks, tables, figures, data...]}.

    >>> from gradkit.lab.core import Experiment, Result
    >>> doc = results_json([Result(Experiment("L0", "toy", "...", None, None, None), "reproduced")], {})
    >>> doc["experiments"][0]["key"], doc["experiments"][0]["status"]
    ('L0', 'reproduced')
    """
    return {"meta": meta, "experiments": [{
        "key": r.experiment.key, "title": r.experiment.title, "claim": r.experiment.claim,
        "status": r.status, "measured": r.measured, "seconds": r.seconds, "note": r.note,
        "checks": [{"name": c.name, "passed": c.passed, "detail": c.detail} for c in r.checks],
        "tables": [{"title": t.title, "header": t.header, "rows": t.rows} for t in r.tables],
        "figures": [f"figures/{r.experiment.key}_{n}.png" for n in r.figures],
        "data": r.data} for r in results]}


def write_outputs(results, out_dir, meta, svg=True):
    """Write figures/, results.json and report.html into out_dir at once; return the report's
    path. For Results made without one (`run_lab(..., out=None)`), afterwards. meta: the
    run's description (`run_meta`); svg: SVG figures too.

    >>> import os, tempfile
    >>> from gradkit.lab.core import Experiment, Result
    >>> results = [Result(Experiment("L0", "toy", "...", None, None, None), "reproduced")]
    >>> path = write_outputs(results, tempfile.mkdtemp(), run_meta(True, 0, None))
    >>> "1 of 1 reproduced" in open(path).read()
    True
    """
    writer = ReportWriter(out_dir, meta, svg, [r.experiment.key for r in results])
    for r in results:
        writer.add(r)
    return writer.finish(meta.get("seconds"))


def run_meta(quick, seed, only, seconds=None):
    """What a report says about its run: options, date, versions and the machine (a dict).

    >>> sorted(run_meta(quick=True, seed=0, only=None))
    ['date', 'gradkit', 'machine', 'numpy', 'only', 'python', 'quick', 'scipy', 'seconds', 'seed']
    """
    import numpy
    import scipy
    from .. import __version__
    return {"date": datetime.datetime.now().isoformat(timespec="seconds"), "quick": quick, "seed": seed,
            "only": only, "seconds": seconds, "gradkit": __version__, "numpy": numpy.__version__,
            "scipy": scipy.__version__, "python": platform.python_version(),
            "machine": f"{platform.system()} {platform.machine()}, {os.cpu_count()} cores"}


_CSS = """
body { font-family: -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; max-width: 1100px;
       margin: 2em auto; padding: 0 1em; color: #1f2328; line-height: 1.45; }
h1 { margin-bottom: 0.1em; } .meta { color: #59636e; font-size: 0.9em; }
table { border-collapse: collapse; margin: 0.6em 0 1.2em; font-size: 0.9em; }
th, td { border: 1px solid #d1d9e0; padding: 4px 8px; text-align: left; vertical-align: top; }
th { background: #f6f8fa; } td.num { font-family: ui-monospace, Menlo, monospace; }
.status { font-weight: 600; white-space: nowrap; }
section { border-top: 2px solid #d1d9e0; margin-top: 2em; padding-top: 0.5em; }
.claim { background: #f6f8fa; border-left: 4px solid #8c959f; padding: 0.4em 0.8em; }
img { max-width: 100%; border: 1px solid #eee; margin: 0.4em 0; }
ul.checks { list-style: none; padding-left: 0; } ul.checks li { margin: 0.2em 0; }
.pass { color: #1a7f37; } .fail { color: #cf222e; } .note { color: #59636e; }
"""


def _status(status):
    colour = STATUS_COLOURS.get(status, "#59636e")
    return f'<span class="status" style="color:{colour}">{html.escape(status)}</span>'


def render_html(results, meta, embedded):
    """The self-contained report.html of `results`: a summary table, then one section per
    experiment with its claim, verdict, checks, figures (`embedded`: (key, name) -> base64
    PNG) and tables. `meta`: the run's description (`run_meta`). Returns the HTML as text.

    >>> html_text = render_html([], run_meta(True, 0, None), {})
    >>> html_text.startswith("<!DOCTYPE html>"), "0 of 0 reproduced" in html_text
    (True, True)
    """
    e = html.escape
    n_ok = sum(r.ok for r in results)
    out = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
           "<title>gradkit lab report</title>", f"<style>{_CSS}</style></head><body>",
           "<h1>gradkit lab</h1>",
           "<p>Every claim of the lecture on automatic differentiation, measured on this machine. "
           "Each verdict is computed from this run's numbers.</p>",
           f'<p class="meta">{e(meta["date"])} &middot; {"quick" if meta["quick"] else "full"} run &middot; '
           f'seed {meta["seed"]} &middot; gradkit {e(str(meta["gradkit"]))}, NumPy {e(meta["numpy"])}, '
           f'SciPy {e(meta["scipy"])}, Python {e(meta["python"])} &middot; {e(meta["machine"])}'
           + (f' &middot; {meta["seconds"]:.1f} s' if meta.get("seconds") else "") + "</p>",
           f"<h2>Summary: {n_ok} of {len(results)} reproduced</h2>",
           *([f'<p class="note">Run in progress or stopped early: still to run {e(", ".join(meta["missing"]))}.</p>']
             if meta.get("missing") else []),
           "<table><tr><th>claim</th><th>measured</th><th>verdict</th></tr>"]
    for r in results:
        out.append(f'<tr><td><a href="#{r.experiment.key}">{e(r.experiment.key)}</a> '
                   f"{e(r.experiment.title)}</td><td>{e(r.measured)}</td><td>{_status(r.status)}</td></tr>")
    out.append("</table>")
    for r in results:
        x = r.experiment
        out += [f'<section id="{x.key}">', f"<h2>{e(x.key)}: {e(x.title)}</h2>",
                f'<p class="claim"><b>Claim.</b> {e(x.claim)}</p>',
                f"<p><b>Verdict:</b> {_status(r.status)} &middot; <b>measured:</b> {e(r.measured)} "
                f'<span class="note">({r.seconds:.1f} s)</span></p>']
        if r.note:
            out.append(f'<p class="note">{e(r.note)}</p>')
        if r.checks:
            out.append('<ul class="checks">')
            for c in r.checks:
                mark = '<span class="pass">&#10003;</span>' if c.passed else '<span class="fail">&#10007;</span>'
                out.append(f"<li>{mark} <b>{e(c.name)}</b>: {e(c.detail)}</li>")
            out.append("</ul>")
        for name in r.figures:
            b64 = embedded.get((x.key, name))
            if b64:
                out.append(f'<figure><img alt="{e(x.key)} {e(name)}" src="data:image/png;base64,{b64}">'
                           f"<figcaption class=\"note\">figures/{e(x.key)}_{e(name)}.png</figcaption></figure>")
        for t in r.tables:
            out.append(f"<h3>{e(t.title)}</h3><table><tr>" + "".join(f"<th>{e(str(h))}</th>" for h in t.header)
                       + "</tr>")
            for row in t.rows:
                out.append("<tr>" + "".join(f'<td class="num">{e(str(c))}</td>' for c in row) + "</tr>")
            out.append("</table>")
        out.append("</section>")
    out.append("</body></html>")
    return "\n".join(out)
