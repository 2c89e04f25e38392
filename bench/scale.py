"""Gradients over data larger than one process: gradkit on dask against the same gradient
written by hand in dask, on a LocalCluster of 1 and 2 worker processes (issue 14).

For each loss (logistic, least squares) and number of rows, the data are drawn lazily by
dask.array.random in the workers on every pass (never materialised in one process, nor
kept), and the value and gradient with respect to a small NumPy parameter vector are
computed in one pass. Columns:

    gradkit s    dask.compute(*gk.value_and_grad(loss)(w, X, y)), median of --repeats
    by hand s    the same value and gradient written by hand in dask (X.T @ (sigma(Xw) - y) / n),
                 timed alternately with gradkit's (so that a load on the machine hits both)
    ratio        gradkit / by hand (goal: <= 1.2)
    numpy s      gradkit on NumPy arrays in this process, data already in memory (rows up to
                 --numpy-max-rows; generation not timed), for scale
    tasks        tasks dask runs after its optimisation, gradkit / by hand (aliases not counted)
    graph kB     the pickled task graph, gradkit / by hand (grows with the chunks, not the rows)
    driver MB    peak Python allocation in this process while building and computing
                 gradkit's gradient (tracemalloc; the first, untimed pass)

    python bench/scale.py                          # about 2 minutes on 2 idle cores: 1e6 and 2e6 rows
    python bench/scale.py --rows 1e6,1e7,1e8 --numpy-max-rows 1e7   # the table of docs/scaling.md
"""
import argparse
import logging
import pickle
import statistics
import time
import tracemalloc

import numpy as onp


def losses(np):
    def logistic(w, X, y):
        z = X @ w
        return np.mean(np.logaddexp(0.0, z) - y * z)

    def least_squares(w, X, y):
        return 0.5 * np.mean((X @ w - y) ** 2)
    return {"logistic": logistic, "least squares": least_squares}


def by_hand(name, w, X, y):
    import dask.array as da
    z = X @ w
    n = X.shape[0]
    if name == "logistic":
        return da.mean(da.logaddexp(0.0, z) - y * z), X.T @ (1 / (1 + da.exp(-z)) - y) / n
    r = z - y
    return 0.5 * da.mean(r ** 2), X.T @ r / n


def data(rows, cols, chunk, seed=0):
    import dask.array as da
    X = da.random.default_rng(seed).standard_normal((rows, cols), chunks=(chunk, cols))
    noise = da.random.default_rng(seed + 1).standard_normal(rows, chunks=chunk)
    y = ((X @ onp.linspace(-1, 1, cols) + noise) > 0).astype(float)
    return X, y


def graph_kb(*arrays):
    import dask
    return len(pickle.dumps(dict(dask.base.collections_to_expr(arrays).__dask_graph__()))) / 1e3


def tasks(*arrays):
    import dask
    from dask._task_spec import Alias
    graph = dask.base.collections_to_expr(arrays).optimize().__dask_graph__()
    return sum(not isinstance(task, Alias) for task in dict(graph).values())


def timed(fn, repeats):
    fn()  # warm-up: imports, worker caches
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def timed_pair(ours, hand, repeats):
    """Medians of the two, timed alternately; the results of their last runs."""
    times = ([], [])
    for _ in range(repeats):
        for fn, ts in zip((ours, hand), times):
            t0 = time.perf_counter()
            out = fn()
            ts.append(time.perf_counter() - t0)
    return statistics.median(times[0]), statistics.median(times[1])


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--rows", default="1e6,2e6", help="comma-separated row counts (default 1e6,2e6)")
    p.add_argument("--cols", type=int, default=10)
    p.add_argument("--chunk-rows", type=float, default=5e5)
    p.add_argument("--workers", default="1,2", help="comma-separated worker counts (default 1,2)")
    p.add_argument("--memory-limit", default="1GiB", help="per worker (default 1GiB)")
    p.add_argument("--repeats", type=int, default=2)
    p.add_argument("--numpy-max-rows", type=float, default=2e6)
    args = p.parse_args(argv)

    import dask
    import distributed
    import gradkit as gk
    import gradkit.numpy as gnp

    rows_list = [int(float(r)) for r in args.rows.split(",")]
    chunk = int(args.chunk_rows)
    fns = losses(gnp)
    w = onp.linspace(-0.2, 0.2, args.cols)

    numpy_times = {}
    for rows in rows_list:
        if rows > args.numpy_max_rows:
            continue
        rng = onp.random.default_rng(0)
        Xn = rng.standard_normal((rows, args.cols))
        yn = (Xn @ onp.linspace(-1, 1, args.cols) + rng.standard_normal(rows) > 0).astype(float)
        for name, f in fns.items():
            numpy_times[name, rows] = timed(lambda: gk.value_and_grad(f)(w, Xn, yn), args.repeats)
        del Xn, yn

    lines = ["| workers | loss | rows | gradkit s | by hand s | ratio | numpy s | tasks (gradkit / by hand) "
             "| graph kB (gradkit / by hand) | driver MB |", "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for workers in [int(k) for k in args.workers.split(",")]:
        cluster = distributed.LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                           memory_limit=args.memory_limit, dashboard_address=None,
                                           silence_logs=logging.ERROR)
        with distributed.Client(cluster):
            for rows in rows_list:
                X, y = data(rows, args.cols, chunk)
                for name, f in fns.items():
                    ours = lambda: dask.compute(*gk.value_and_grad(f)(w, X, y))  # noqa: E731
                    hand = lambda: dask.compute(*by_hand(name, w, X, y))  # noqa: E731
                    tracemalloc.start()
                    v, g = ours()  # also the warm-up
                    peak = tracemalloc.get_traced_memory()[1] / 2 ** 20
                    tracemalloc.stop()
                    rv, rg = hand()
                    assert onp.allclose(v, rv, rtol=1e-10) and onp.allclose(g, rg, rtol=1e-8, atol=1e-12)
                    t_ours, t_hand = timed_pair(ours, hand, args.repeats)
                    mine, theirs = gk.value_and_grad(f)(w, X, y), by_hand(name, w, X, y)
                    npt = numpy_times.get((name, rows))
                    lines.append(f"| {workers} | {name} | {rows:.0e} | {t_ours:.2f} | {t_hand:.2f} | "
                                 f"{t_ours / t_hand:.2f} | {'-' if npt is None else f'{npt:.2f}'} | "
                                 f"{tasks(*mine)} / {tasks(*theirs)} | "
                                 f"{graph_kb(*mine):.0f} / {graph_kb(*theirs):.0f} | {peak:.1f} |")
                    print(lines[-1], flush=True)
        cluster.close()
    print()
    print(f"{args.cols} columns, chunks of {chunk} rows, data drawn in the workers on every pass; "
          f"workers of {args.memory_limit}, one thread each; medians of {args.repeats}.")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
