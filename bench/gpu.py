"""One command for a GPU machine (issue 14): the CuPy tests, then a short benchmark of
gradkit on CuPy against gradkit on NumPy and against the same gradient written by hand in
CuPy. A few minutes in all; it prints what it ran and exits non-zero if the tests fail.

    pip install -e ".[test,gpu]" && python bench/gpu.py            # --sizes 1e5,1e6,1e7
"""
import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as onp

ROOT = Path(__file__).resolve().parent.parent


def run_tests():
    print("== tests/test_cupy.py", flush=True)
    return subprocess.call([sys.executable, "-m", "pytest", str(ROOT / "tests" / "test_cupy.py"), "-q", "-rs",
                            "-p", "no:randomly"], cwd=ROOT)


def timed(fn, sync, repeats=5):
    fn()
    sync()
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        sync()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def bench(sizes, cols):
    import cupy as cp
    import gradkit as gk
    import gradkit.numpy as np

    def logistic(w, X, y):
        z = X @ w
        return np.mean(np.logaddexp(0.0, z) - y * z)

    def by_hand(w, X, y):
        z = X @ w
        return cp.mean(cp.logaddexp(0.0, z) - y * z), X.T @ (1 / (1 + cp.exp(-z)) - y) / X.shape[0]

    sync = cp.cuda.Device().synchronize
    print(f"\n== value and gradient of the logistic loss, {cols} columns, float64 "
          f"({cp.cuda.runtime.getDeviceProperties(0)['name'].decode()})")
    print("| rows | gradkit CuPy ms | by hand CuPy ms | ratio | gradkit NumPy ms | GPU speed-up |")
    print("|---:|---:|---:|---:|---:|---:|")
    vg = gk.value_and_grad(logistic)
    for rows in sizes:
        rng = onp.random.default_rng(0)
        Xn = rng.standard_normal((rows, cols))
        yn = (rng.random(rows) > 0.5).astype(float)
        w = onp.linspace(-0.2, 0.2, cols)
        X, y, wd = cp.asarray(Xn), cp.asarray(yn), cp.asarray(w)
        v, g = vg(wd, X, y)
        rv, rg = by_hand(wd, X, y)
        assert isinstance(g, cp.ndarray) and cp.allclose(g, rg) and cp.allclose(v, rv)
        gpu = timed(lambda: vg(wd, X, y), sync)
        hand = timed(lambda: by_hand(wd, X, y), sync)
        cpu = timed(lambda: vg(w, Xn, yn), lambda: None, repeats=3)
        print(f"| {rows:.0e} | {gpu * 1e3:.2f} | {hand * 1e3:.2f} | {gpu / hand:.2f} | {cpu * 1e3:.1f} | "
              f"{cpu / gpu:.1f}x |", flush=True)
        del X, y, Xn, yn


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--sizes", default="1e5,1e6,4e6", help="rows (default 1e5,1e6,4e6)")
    p.add_argument("--cols", type=int, default=64)
    p.add_argument("--no-tests", action="store_true")
    args = p.parse_args(argv)
    failed = 0 if args.no_tests else run_tests()
    try:
        import cupy as cp
        cp.cuda.runtime.getDeviceCount()
    except Exception as e:
        print(f"\nno benchmark: CuPy or a GPU is missing ({e})")
        return 1
    bench([int(float(s)) for s in args.sizes.split(",")], args.cols)
    return failed


if __name__ == "__main__":
    sys.exit(main())
