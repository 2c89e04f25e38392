"""The cost of differentiating through linear algebra (lecture L15 and L16): for solve,
cholesky and svd at n = 500, the time of the forward pass alone against value + gradient,
single-threaded, medians of CPU time.

    python bench/linalg_cost.py            # n = 500
    python bench/linalg_cost.py --n 200 --clock wall

"backward / forward" is (value+grad - forward) / forward: the lecture's claim for solve is
that it is about 1 (one more solve). With the LU factors kept from the forward pass, the
backward solve is two triangular solves, so for one right-hand side it is far below 1.
"""
import argparse
import json

import harness  # first: pins BLAS to one thread before NumPy loads

import numpy as onp  # noqa: E402

import gradkit as gk  # noqa: E402
import gradkit.numpy as np  # noqa: E402

LA = np.linalg


def cases(n, rng):
    A = rng.standard_normal((n, n)) + n ** 0.5 * onp.eye(n)  # well conditioned
    b, c = rng.standard_normal(n), rng.standard_normal(n)
    B, C = rng.standard_normal((n, n)), rng.standard_normal((n, n))
    S = A @ A.T
    w = rng.standard_normal(n)
    W1, W2 = rng.standard_normal((n, n)), rng.standard_normal((n, n))

    def svd_all(a):
        u, s, vh = LA.svd(a, full_matrices=False)
        return np.sum(W1 * u) + np.sum(w * s) + np.sum(W2 * vh)

    return [
        # name, loss, arguments, argnums, NumPy's own forward (for reference)
        ("solve, b a vector (L15)", lambda a, b: np.dot(c, LA.solve(a, b)), (A, b), (0, 1),
         lambda: c @ onp.linalg.solve(A, b)),
        ("solve, B n x n", lambda a, b: np.sum(C * LA.solve(a, b)), (A, B), (0, 1),
         lambda: onp.sum(C * onp.linalg.solve(A, B))),
        ("cholesky", lambda s: np.sum(C * LA.cholesky(s)), (S,), (0,),
         lambda: onp.sum(C * onp.linalg.cholesky(S))),
        ("svd, singular values (L16)", lambda a: np.sum(w * LA.svd(a, compute_uv=False)), (A,), (0,),
         lambda: onp.sum(w * onp.linalg.svd(A, compute_uv=False))),
        ("svd, U, S and V", svd_all, (A,), (0,),
         lambda: onp.linalg.svd(A, full_matrices=False)),
    ]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=500)
    parser.add_argument("--budget", type=float, default=4.0, help="seconds per timing (default 4)")
    parser.add_argument("--clock", choices=("cpu", "wall"), default="cpu")
    parser.add_argument("--smoke", action="store_true", help="n = 40, tiny budget: check that it runs")
    parser.add_argument("--json", help="write the results here")
    args = parser.parse_args()
    n, budget = (40, 0.05) if args.smoke else (args.n, args.budget)
    rows, results = [], []
    all_cases = cases(n, onp.random.default_rng(0))
    with harness.progress(len(all_cases)) as step:
        for name, loss, xs, argnums, numpy_forward in all_cases:
            step(name)
            vg = gk.value_and_grad(loss, argnums=argnums)
            forward, vg_call = (lambda: loss(*xs)), (lambda: vg(*xs))
            for thunk in (forward, vg_call, numpy_forward):  # warm up
                thunk()
            t_np = harness.median_time(numpy_forward, budget, clock=args.clock)[0]
            t_f = harness.median_time(forward, budget, clock=args.clock)[0]
            t_vg = harness.median_time(vg_call, budget, clock=args.clock)[0]
            results.append(dict(case=name, n=n, numpy_forward_s=t_np, forward_s=t_f, value_and_grad_s=t_vg,
                                ratio=t_vg / t_f, backward_over_forward=(t_vg - t_f) / t_f))
            rows.append([name, harness.format_time(t_np), harness.format_time(t_f), harness.format_time(t_vg),
                         f"{t_vg / t_f:.2f}", f"{(t_vg - t_f) / t_f:.2f}"])
    print(f"machine: {harness.machine_line()}; clock: {args.clock}")
    print(f"versions: {harness.versions_line(harness.versions(('numpy', 'scipy')))}")
    print(f"n = {n}, medians of {args.clock} time\n")
    print(harness.table(["case", "NumPy forward", "gradkit forward", "value + grad", "(value+grad) / forward",
                         "backward / forward"], rows))
    if args.json:
        with open(args.json, "w") as fh:
            json.dump(dict(machine=harness.machine_line(), clock=args.clock, results=results), fh, indent=1)


if __name__ == "__main__":
    main()
