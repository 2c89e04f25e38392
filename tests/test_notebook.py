"""Jupyter: `gradkit lab --notebook` writes a notebook that reproduces every experiment of the
quick run with its code in editable cells (executed here with nbclient), and graph recordings
render inline."""
import time

import pytest

pytest.importorskip("matplotlib")
nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")
pytest.importorskip("ipykernel")

import gradkit.numpy as gnp  # noqa: E402
from gradkit.graph import record  # noqa: E402
from gradkit.lab import EXPERIMENTS  # noqa: E402
from gradkit.lab.notebook import build_notebook  # noqa: E402
from gradkit.lab.runner import main  # noqa: E402
import gradkit.lab.experiments  # noqa: E402,F401  (registers the experiments)


def _outputs(cell, mime):
    return [o["data"][mime] for o in cell.get("outputs", []) if mime in o.get("data", {})]


def test_the_quick_notebook_reproduces_every_experiment(tmp_path):
    assert main(["--quick", "--notebook", "--out", str(tmp_path)]) == 0
    path = tmp_path / "lab.ipynb"
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    t0 = time.perf_counter()
    nbclient.NotebookClient(nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}
                            ).execute()
    seconds = time.perf_counter() - t0
    code = [c for c in nb.cells if c.cell_type == "code"]
    errors = [o for c in code for o in c.outputs if o.output_type == "error"]
    assert not errors, "\n".join("\n".join(o.traceback) for o in errors)
    runs = [c for c in code if c.source.startswith("experiment = Experiment(")]
    assert len(runs) == len(EXPERIMENTS)
    for x, source, run in zip(EXPERIMENTS, [code[1 + 2 * k] for k in range(len(EXPERIMENTS))], runs):
        assert "def measure(ctx):" in source.source and "from gradkit" in source.source  # the code, visible
        assert "from ." not in source.source
        verdict = "".join(_outputs(run, "text/html"))
        assert f"<b>{x.key}: reproduced</b>" in verdict, verdict[:500]
        assert _outputs(run, "image/png"), f"{x.key} drew no figure"
    summary = "".join(o.get("text", "") for o in code[-1].outputs)
    assert f"{len(EXPERIMENTS)} of {len(EXPERIMENTS)} reproduced." in summary
    print(f"notebook executed in {seconds:.1f} s")


def test_edited_code_changes_the_verdict(tmp_path):
    """The cells are the code that runs: a judge edited to contradict the claim fails it."""
    nb = build_notebook(quick=True, only="L11")
    source = nb.cells[3]
    assert "def judge(data):" in source.source
    source.source += ("\n\ndef judge(data):\n    from gradkit.lab.core import Check\n"
                      "    return [Check('edited', False, 'a judge that always fails')]\n")
    nbclient.NotebookClient(nb, timeout=60, kernel_name="python3").execute()
    assert "<b>L11-L12: not reproduced</b>" in "".join(_outputs(nb.cells[4], "text/html"))


def test_a_recording_renders_inline():
    g = record(lambda w1, w2: w2 * gnp.log(w1) + gnp.sqrt(w2 * gnp.log(w1)), 2.0, 3.0)
    svg = g._repr_svg_()
    assert svg.lstrip().startswith("<?xml") and "<svg" in svg
    for label in (">w1<", ">w2<", ">log<", ">L<"):  # the nodes' labels, as text
        assert label in svg
