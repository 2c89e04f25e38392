"""The benchmarks run end to end (tiny sizes, gradkit only) and print their tables.
Nothing here is timed: bench/ is the measure, this only keeps it runnable."""
import json
import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[1] / "bench"


@pytest.mark.parametrize("script, libs, header", [
    ("run.py", "gradkit", "| workload"),
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
