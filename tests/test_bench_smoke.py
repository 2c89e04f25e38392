"""The benchmarks run end to end (tiny sizes, gradkit and the NumPy floor) and print their
tables, and the hand-written NumPy derivatives of the workloads agree with gradkit's.
Nothing here is timed: bench/ is the measure, this only keeps it runnable and right."""
import functools
import json
import subprocess
import time
import sys
from pathlib import Path

import numpy as np
import pytest

import gradkit
import gradkit.numpy as gnp

BENCH = Path(__file__).resolve().parents[1] / "bench"
sys.path.insert(0, str(BENCH))
from workloads import workloads  # noqa: E402


@pytest.mark.parametrize("script, libs, header", [
    ("run.py", "gradkit,numpy", "| workload"),
    ("overhead.py", "numpy,gradkit", "| op"),
])
def test_bench_runs_and_prints_its_table(tmp_path, script, libs, header):
    out_json = tmp_path / "results.json"
    proc = subprocess.run([sys.executable, str(BENCH / script), "--smoke", "--libs", libs, "--json", str(out_json)],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert header in proc.stdout and "machine:" in proc.stdout
    cells = json.loads(out_json.read_text())["cells"]
    gradkit = [c for c in cells if c["library"] == "gradkit"]
    assert gradkit and not [c for c in gradkit if "error" in c], proc.stdout
    if script == "run.py":  # every workload and task got a gradkit timing
        assert all(c["median_s"] > 0 for c in gradkit)
        assert {c["task"] for c in gradkit} >= {"f", "vg", "hessian", "hvp", "jacfwd", "jacrev", "fd"}
        by_hand = [c for c in cells if c["library"] == "numpy"]  # checked against gradkit's results
        assert by_hand and not [c for c in by_hand if "error" in c or "mismatch" in c], proc.stdout
        assert {c["task"] for c in by_hand} >= {"vg", "hessian", "hvp", "jacfwd", "jacrev"}
        assert "gk/numpy" in proc.stdout


BY_HAND = [(w, task) for w in workloads(smoke=True) for task in w.by_hand]


@pytest.mark.parametrize("wl, task", BY_HAND, ids=[f"{w.name}-{task}" for w, task in BY_HAND])
def test_by_hand_derivative_equals_gradkits(wl, task):
    f = functools.partial(wl.fn, gnp)
    args = wl.params + wl.data
    got = wl.by_hand[task](*([wl.direction] if task == "hvp" else []), *args)
    if task == "vg":
        want = gradkit.value_and_grad(f, argnums=tuple(range(len(wl.params))))(*args)
        pairs = [(got[0], want[0])] + list(zip(got[1], want[1], strict=True))
    elif task == "hvp":
        pairs = [(got, gradkit.hvp(lambda x: f(x, *wl.data), wl.params[0], wl.direction))]
    else:
        pairs = [(got, getattr(gradkit, task)(f)(*args))]
    for g, w in pairs:
        assert np.shape(g) == np.shape(w)
        np.testing.assert_allclose(g, w, rtol=1e-10, atol=1e-12)


def test_interleaved_medians_times_thunks_in_matched_rounds():
    import harness

    calls = []

    def sleeper(seconds):  # wall-clock cost, no CPU: robust to the other engineer's load
        return lambda: (calls.append(seconds), time.sleep(seconds))

    def broken():
        raise ValueError("boom")

    fast, slow, once, error = harness.interleaved_medians(
        [sleeper(0.001), sleeper(0.002), sleeper(0.03), broken], budget=0.05, repeats=5, clock="wall")
    # a loaded machine oversleeps, and the budget may then cut the rounds short (to 2 at least)
    assert 2 <= fast.rounds == slow.rounds == len(fast.samples) == len(slow.samples) <= 5
    assert fast.number > slow.number > 1  # each calibrated to its own cost
    switches = sum(a != b for a, b in zip(calls, calls[1:]) if {a, b} == {0.001, 0.002})
    # round-robin: at least one turn per round after calibration's (one after the other: 2 in all)
    assert switches >= 1 + fast.rounds
    assert 1.2 < slow.median_s / fast.median_s < 3.0
    assert 1.2 < harness.paired_ratio(slow.samples, fast.samples) < 3.0
    assert once.rounds == once.number == 1 and once.median_s >= 0.03  # over half the budget: timed once
    assert isinstance(error, ValueError)
    assert harness.paired_ratio(once.samples, fast.samples) is None  # not timed in the same rounds
