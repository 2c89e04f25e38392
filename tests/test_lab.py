"""gradkit lab: the quick lab writes a report with every section, figure and verdict; each
experiment's verdict fails on data that contradicts its claim; the command line."""
import copy
import json
import os
import subprocess
import sys

import numpy as np
import pytest

pytest.importorskip("matplotlib")
pytest.importorskip("rich")

from gradkit.lab import EXPERIMENTS, run_lab, select  # noqa: E402
from gradkit.lab.core import Check, loglog_slope  # noqa: E402
from gradkit.lab.runner import main  # noqa: E402
import gradkit.lab.experiments  # noqa: E402,F401  (registers the experiments)

STATUSES = {"reproduced", "not reproduced", "error"}


@pytest.fixture(scope="module")
def quick(tmp_path_factory):
    out = tmp_path_factory.mktemp("lab")
    results = run_lab(quick=True, out=str(out), console=False, svg=False)
    return out, {r.experiment.key: r for r in results}


def test_every_section_has_its_figure_and_verdict(quick):
    out, results = quick
    html = (out / "report.html").read_text()
    raw = json.loads((out / "results.json").read_text())
    assert [e["key"] for e in raw["experiments"]] == [x.key for x in EXPERIMENTS]
    for x in EXPERIMENTS:
        r = results[x.key]
        assert r.status in STATUSES
        assert f'<section id="{x.key}">' in html
        assert r.status != "error", f"{x.key} raised:\n{r.note}"
        assert "fallback" not in r.note.lower()
        assert r.checks and r.figures and r.measured
        for name in r.figures:
            png = out / "figures" / f"{x.key}_{name}.png"
            assert png.read_bytes()[:4] == b"\x89PNG"
        section = html.split(f'<section id="{x.key}">')[1].split("</section>")[0]
        assert "data:image/png;base64," in section and r.status in section


def test_report_is_self_contained(quick):
    out, _ = quick
    html = (out / "report.html").read_text()
    assert "<script" not in html and 'src="http' not in html and "<link" not in html


# -- each verdict fails on data that contradicts its claim ---------------------------------
def _judge(key, data):
    exp = next(x for x in EXPERIMENTS if x.key == key)
    checks = exp.judge(data)
    assert checks and all(isinstance(c, Check) for c in checks)
    return {c.name: c.passed for c in checks}


def _data(quick, key):
    return copy.deepcopy(quick[1][key].data)


def test_l1_l3_fails_on_a_wrong_hessian(quick):
    d = _data(quick, "L1-L3")
    d["rows"][-1]["hessian_rel_error"] = 1e-4
    assert not all(_judge("L1-L3", d).values())


def test_l4_fails_when_the_hessian_grows_like_the_gradient(quick):
    d = _data(quick, "L4")
    for r in d["hessian"]:  # a "Hessian" as cheap as a few gradients
        r["bytes"] = 5 * next(g["bytes"] for g in d["gradient"] if g["d"] == r["d"])
    v = _judge("L4", d)
    assert v["the gradient's memory grows like d"]
    assert not v["the Hessian's memory grows like d^2"]
    assert not v["... while the gradient still fits"]
    big = _data(quick, "L4") | {"machine_bytes": 1e30}  # a machine that holds any Hessian below d = 1e10
    assert not _judge("L4", big)["the Hessian outgrows this machine below d = 1e10"]


def test_l5_fails_when_gradient_free_keeps_up(quick):
    d = _data(quick, "L5")
    runs = d["runs"]
    runs["zo"]["loss"], runs["zo"]["recovery_error"] = runs["gd"]["loss"], runs["gd"]["recovery_error"]
    runs["classical"]["recovery_error"] = 0.3
    v = _judge("L5", d)
    assert not v["zero-order GD at the same budget is far behind"]
    assert v["central-difference GD at the same budget is far behind"]
    assert not v["classical MDS recovers it exactly (up to rotation, reflection, shift)"]


def test_l6_l8_fails_without_the_factor_n(quick):
    d = _data(quick, "L6-L8")
    for s in d["settings"].values():
        s["ratio_slope"] = 0.1  # zero-order GD a constant factor behind, not n
    conv = d["settings"]["convex"]
    conv["iterations"]["ad"] = [2 * b for b in conv["bound"]["ad"]]
    v = _judge("L6-L8", d)
    assert not v["smooth: zero-order GD needs ~n times GD's iterations"]
    assert not v["strongly_convex: zero-order GD needs ~n times GD's iterations"]
    assert not v["convex: GD within its O(1/k) bound"] and v["smooth: GD within its O(1/k) bound"]


def test_l9_l10_fails_without_a_v_or_a_cheap_gradient(quick):
    d = _data(quick, "L9-L10")
    d["errors"]["central"] = list(np.array(d["steps"]) ** 2)  # truncation only: no rounding branch
    for c in d["cost"]:
        c["t_reverse"] = c["t_central"]
    v = _judge("L9-L10", d)
    assert not v["central: V-shaped error"]
    assert not v["reverse mode: cost(grad)/cost(f) bounded"]


def test_l11_l12_fails_on_a_wrong_adjoint_or_graph(quick):
    d = _data(quick, "L11-L12")
    d["grad_reverse"][0] *= 1 + 1e-9
    d["ops"] = ["log", "multiply", "log", "multiply", "sqrt", "add"]  # the formula, not the program
    v = _judge("L11-L12", d)
    assert not v["reverse mode: exact gradient"] and not v["recorded graph is the lecture's"]


def test_l13_fails_when_the_modes_swap(quick):
    d = _data(quick, "L13")
    for c in d["cells"]:
        c["t_forward"], c["t_reverse"] = c["t_reverse"], c["t_forward"]
    v = _judge("L13", d)
    assert not v["forward wins when n << m"] and not v["reverse wins when m << n"]


def test_l14_fails_when_training_stalls(quick):
    d = _data(quick, "L14")
    d["curve"] = [1.0] * len(d["curve"])
    d["grad_rel_error_vs_fd"] = 1e-3
    assert not any(_judge("L14", d).values())


def test_l15_l16_fails_on_wrong_rules(quick):
    d = _data(quick, "L15-L16")
    for r in d["rows"]:
        r["solve_b_error"], r["svd_error"] = 1e-3, 0.1
        r["t_backward_matrix"] = 8 * r["t_forward_matrix"]  # e.g. a refactorisation per input
    v = _judge("L15-L16", d)
    assert v["solve: dL/dA = -A^{-T} (dL/dx) x^T"]
    assert not v["solve: dL/db = A^{-T} dL/dx"] and not v["SVD: dL/dW = U diag(dL/ds) V^T"]
    assert not v["backward pass costs about a forward one (B n x n)"]


def test_l17_l18_fails_when_the_error_does_not_shrink(quick):
    d = _data(quick, "L17-L18")
    d["hutchinson"]["rmse"] = [1.0] * len(d["hutchinson"]["rmse"])
    for c in d["cost"]:
        c["t_hessian"] = c["t_hvp"]
    v = _judge("L17-L18", d)
    assert not v["Hutchinson error ~ 1/sqrt(m)"] and not v["the full Hessian's cost grows ~n times faster"]


def test_l19_fails_without_memory_savings(quick):
    d = _data(quick, "L19")
    base = d["rows"][0]
    for r in d["rows"][1:]:
        r["peak_bytes"], r["tape_bytes"] = base["peak_bytes"], base["tape_bytes"]
        r["layer_evals"] = 10 * d["depth"]  # a recomputation per input, say
        r["user"] = 5 * base["user"]
    v = _judge("L19", d)
    assert not v["the tape stores only some intermediates"]
    assert not v["checkpointing lowers the peak memory of the gradient"]
    assert not v["... and costs computing time: about one more forward pass"]
    assert not v["the recomputation is one extra forward pass"]


def test_l20_fails_when_ad_is_no_better(quick):
    d = _data(quick, "L20")
    for m in d["accuracy"]:
        d["accuracy"][m] = 1e-5
    for m in d["memory"]:  # a reverse mode that stored nothing
        m["reverse-mode AD"] = m["finite differences (central)"]
    v = _judge("L20", d)
    assert not v["AD is not finite differences: exact to rounding"]
    assert not v["... but memory-hungry: it stores every intermediate"]


def test_every_experiment_has_a_failing_data_test():
    names = {n for n in globals() if n.startswith("test_l")}
    for x in EXPERIMENTS:
        stem = "test_" + x.key.lower().replace("-", "_") + "_fails"
        assert any(n.startswith(stem) for n in names), f"no verdict test for {x.key}"


# -- the frame ---------------------------------------------------------------------------
def test_loglog_slope():
    x = np.array([1.0, 10.0, 100.0])
    assert loglog_slope(x, 3 * x ** 2) == pytest.approx(2.0)
    assert np.isnan(loglog_slope([1.0], [1.0]))


def test_select():
    assert [x.key for x in select("L9,l13")] == ["L9-L10", "L13"]
    assert [x.key for x in select("L7")] == ["L6-L8"]
    assert [x.key for x in select("L4")] == ["L4"]
    with pytest.raises(ValueError, match="unknown claims L99"):
        select("L99")


def test_an_experiment_that_raises_is_reported_not_fatal(monkeypatch, tmp_path):
    exp = next(x for x in EXPERIMENTS if x.key == "L11-L12")

    def boom(ctx):
        raise RuntimeError("kaboom")
    monkeypatch.setattr(exp, "measure", boom)
    (r,) = run_lab(quick=True, only="L11", out=str(tmp_path), console=False, svg=False)
    assert r.status == "error" and "kaboom" in r.note
    assert "kaboom" in (tmp_path / "report.html").read_text()


def test_cli_exit_status(monkeypatch, tmp_path, capsys):
    assert main(["--only", "L11", "--out", str(tmp_path / "a")]) == 0
    assert os.path.exists(tmp_path / "a" / "figures" / "L11-L12_graph.svg")
    assert "reproduced" in capsys.readouterr().out
    exp = next(x for x in EXPERIMENTS if x.key == "L11-L12")
    monkeypatch.setattr(exp, "judge", lambda data: [Check("forced", False, "a claim that fails")])
    assert main(["--only", "L11", "--out", str(tmp_path / "b")]) == 1
    assert main(["--only", "L99"]) == 2
    assert main(["--list"]) == 0


def test_python_dash_m(tmp_path):
    out = subprocess.run([sys.executable, "-m", "gradkit", "lab", "--only", "L11", "--out", str(tmp_path), "--no-svg"],
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert (tmp_path / "report.html").exists() and (tmp_path / "results.json").exists()
    bad = subprocess.run([sys.executable, "-m", "gradkit", "nonsense"], capture_output=True, text=True, timeout=60)
    assert bad.returncode == 2 and "unknown command" in bad.stderr


# -- output and progress -----------------------------------------------------------------
@pytest.mark.parametrize("where", ["file", "inside_file", "unwritable"])
def test_a_bad_out_fails_before_any_experiment(monkeypatch, tmp_path, capsys, where):
    blocker = tmp_path / "results.txt"
    blocker.write_text("not a folder")
    out = {"file": blocker, "inside_file": blocker / "lab", "unwritable": tmp_path / "ro" / "lab"}[where]
    if where == "unwritable":
        (tmp_path / "ro").mkdir(mode=0o500)
        if os.access(tmp_path / "ro", os.W_OK):  # root ignores permissions
            (tmp_path / "ro").rmdir()
            (tmp_path / "ro").write_text("")  # a file: no folder can be made under it either
    ran = []
    for x in EXPERIMENTS:
        monkeypatch.setattr(x, "measure", lambda ctx, key=x.key: ran.append(key) or {})
    assert main(["--quick", "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert str(out) in err and "--out" in err and "folder" in err and "Traceback" not in err
    assert ran == []
    with pytest.raises(ValueError, match="--out"):
        run_lab(quick=True, only="L11", out=str(out), console=False)
    assert ran == []


def test_a_late_failure_keeps_what_was_measured(monkeypatch, tmp_path):
    late = next(x for x in EXPERIMENTS if x.key == "L13")

    def interrupted(ctx):
        raise KeyboardInterrupt  # not an experiment's error: it stops the whole run
    monkeypatch.setattr(late, "measure", interrupted)
    with pytest.raises(KeyboardInterrupt):
        run_lab(quick=True, only="L11,L13", out=str(tmp_path), console=False, svg=False)
    raw = json.loads((tmp_path / "results.json").read_text())
    assert [e["key"] for e in raw["experiments"]] == ["L11-L12"]
    assert raw["experiments"][0]["status"] == "reproduced" and raw["experiments"][0]["data"]
    assert raw["meta"]["complete"] is False and raw["meta"]["missing"] == ["L13"]
    html = (tmp_path / "report.html").read_text()
    assert '<section id="L11-L12">' in html and "still to run L13" in html
    assert list((tmp_path / "figures").glob("L11-L12_*.png"))
    run_lab(quick=True, only="L11", out=str(tmp_path), console=False, svg=False)  # a complete run says so
    assert json.loads((tmp_path / "results.json").read_text())["meta"]["complete"] is True


def test_a_pipe_gets_one_line_per_experiment_as_it_finishes(tmp_path):
    out = subprocess.run([sys.executable, "-m", "gradkit", "lab", "--quick", "--only", "L11,L1", "--out",
                          str(tmp_path), "--no-svg"], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    lines = [ln for ln in out.stdout.splitlines() if ln.startswith("[")]
    assert len(lines) == 2
    assert lines[0].startswith("[1/2] L1-L3 Matrix calculus warm-up: reproduced in ")
    assert lines[1].startswith("[2/2] L11-L12 ") and " s - " in lines[1]
    assert "\x1b[" not in out.stderr  # no progress bar's escape codes in a log


def test_version():
    import gradkit
    out = subprocess.run([sys.executable, "-m", "gradkit", "--version"], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0 and out.stdout.strip() == f"gradkit {gradkit.__version__}"
