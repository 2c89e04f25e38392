"""gradkit on dask arrays: derivatives with respect to small NumPy parameters of losses over
dask data, computed on a real dask.distributed cluster (two worker processes, each with
less memory than the data), lazy in and lazy out, with graphs that do not grow with the
number of rows."""
import logging
import pickle

import numpy as onp
import pytest

da = pytest.importorskip("dask.array")
dask = pytest.importorskip("dask")
distributed = pytest.importorskip("distributed")

import gradkit as gk  # noqa: E402
import gradkit.numpy as np  # noqa: E402
from gradkit import optim  # noqa: E402

# dask computes behind the caller's back when a NumPy function has no dask version (and
# warns): here that is an error, so every test also proves that nothing was computed eagerly
pytestmark = pytest.mark.filterwarnings("error:The `numpy:FutureWarning")

WORKER_MEMORY = 200 * 2 ** 20
ROWS, COLS, CHUNK = 3_000_000, 10, 250_000  # 240 MB of data: more than a worker may hold


@pytest.fixture(scope="module")
def client():
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                       memory_limit=WORKER_MEMORY, dashboard_address=None,
                                       silence_logs=logging.ERROR)
    with distributed.Client(cluster) as c:
        yield c
    cluster.close()


def logistic(w, X, y):
    z = X @ w
    return np.mean(np.logaddexp(0.0, z) - y * z)


def least_squares(w, X, y):
    return 0.5 * np.mean((X @ w - y) ** 2)


def data(rows, cols=5, chunk=None, seed=0):
    """Features and 0/1 labels drawn lazily by dask (nothing is materialised here)."""
    chunk = chunk or max(rows // 4, 1)
    X = da.random.default_rng(seed).standard_normal((rows, cols), chunks=(chunk, cols))
    y = (X @ onp.linspace(-1, 1, cols) + da.random.default_rng(seed + 1).standard_normal(rows, chunks=chunk) > 0)
    return X, y.astype(float)


def hand_written_gradient(w, X, y):
    """The logistic loss and its gradient written by hand in dask (the reference)."""
    z = X @ w
    value = da.mean(da.logaddexp(0.0, z) - y * z)
    return value, X.T @ (1 / (1 + da.exp(-z)) - y) / X.shape[0]


# -- every transformation, against NumPy on data that fits --------------------------------
W = onp.linspace(-0.3, 0.4, 5)
V = onp.linspace(1.0, -0.5, 5)

TRANSFORMS = {
    "grad": lambda X, y: gk.grad(logistic)(W, X, y),
    "value_and_grad": lambda X, y: gk.value_and_grad(least_squares)(W, X, y),
    "vjp": lambda X, y: gk.vjp(lambda w: np.tanh(X @ w), W)[1](np.ones_like(y)),
    "jvp": lambda X, y: gk.jvp(lambda w: logistic(w, X, y), (W,), (V,)),
    "hvp": lambda X, y: gk.hvp(lambda w: logistic(w, X, y), W, V),
    "hessian": lambda X, y: gk.hessian(logistic)(W, X, y),
    "jacfwd": lambda X, y: gk.jacfwd(lambda w: np.sum(np.tanh(X @ w)[:, None] * X, axis=0))(W),
    "jacrev": lambda X, y: gk.jacrev(lambda w: np.sum(np.tanh(X @ w)[:, None] * X, axis=0))(W),
    "vmap of grad": lambda X, y: gk.vmap(gk.grad(logistic), (0, None, None))(onp.stack([W, V]), X, y),
    "grad of both": lambda X, y: gk.grad(least_squares, argnums=(0, 2))(W, X, y)[0],
}


@pytest.mark.parametrize("name", TRANSFORMS)
def test_transformations_on_the_cluster_match_numpy(client, name):
    X, y = data(20_000, chunk=5_000)
    Xn, yn = dask.compute(X, y)
    out = TRANSFORMS[name](X, y)
    parts = out if isinstance(out, tuple) else (out,)
    assert all(isinstance(p, da.Array) for p in parts), [type(p) for p in parts]  # lazy out
    got = dask.compute(*parts)
    ref = TRANSFORMS[name](Xn, yn)
    for g, r in zip(got, ref if isinstance(ref, tuple) else (ref,)):
        assert isinstance(g, (onp.ndarray, onp.float64)) and onp.shape(g) == onp.shape(r)
        onp.testing.assert_allclose(g, r, rtol=1e-10, atol=1e-12)


def test_gradient_of_data_larger_than_a_worker(client):
    X, y = data(ROWS, COLS, CHUNK)
    assert X.nbytes > WORKER_MEMORY
    w = onp.linspace(-0.2, 0.2, COLS)
    value, g = gk.value_and_grad(logistic)(w, X, y)
    ref_value, ref_g = hand_written_gradient(w, X, y)
    value, g, ref_value, ref_g = dask.compute(value, g, ref_value, ref_g)  # one pass for all four
    onp.testing.assert_allclose(value, ref_value, rtol=1e-12)
    onp.testing.assert_allclose(g, ref_g, rtol=1e-10, atol=1e-14)
    # the Hessian-vector product too (forward over the data's chunks, then back); a pass of
    # its own, since one worker may not hold the chunks that six results would share
    hv = dask.compute(gk.hvp(lambda w: least_squares(w, X, y), w, onp.ones(COLS)))[0]
    ref = dask.compute(X.T @ (X @ onp.ones(COLS)) / ROWS)[0]
    onp.testing.assert_allclose(hv, ref, rtol=1e-10)


# -- the graph is O(parameters + chunks), never O(data) -----------------------------------
def graph_bytes(*arrays):
    return len(pickle.dumps(dict(dask.base.collections_to_expr(arrays).__dask_graph__())))


@pytest.mark.parametrize("transform", ["grad", "hessian", "hvp", "jvp"])
def test_graph_does_not_grow_with_rows(transform):
    sizes = []
    for rows in (10_000, 10_000_000):  # never computed
        X, y = data(rows)
        f = lambda w: logistic(w, X, y)  # noqa: E731
        out = {"grad": lambda: gk.value_and_grad(f)(W),
               "hessian": lambda: (gk.hessian(f)(W),),
               "hvp": lambda: (gk.hvp(f, W, V),),
               "jvp": lambda: gk.jvp(f, (W,), (V,))}[transform]()
        sizes.append(graph_bytes(*out))
    assert sizes[1] < 1.02 * sizes[0] + 200, sizes
    assert sizes[0] < 200_000, sizes  # a few hundred tasks: tens of kB, not megabytes


def test_graph_as_small_as_the_hand_written_one():
    X, y = data(1_000_000, chunk=250_000)
    ours = graph_bytes(*gk.value_and_grad(logistic)(W, X, y))
    by_hand = graph_bytes(*hand_written_gradient(W, X, y))
    assert ours < 3 * by_hand, (ours, by_hand)


def computing_tasks(*arrays):
    """The tasks dask runs for arrays after its optimisation (fusion), aliases not counted."""
    from dask._task_spec import Alias
    graph = dask.base.collections_to_expr(arrays).optimize().__dask_graph__()
    return sum(not isinstance(task, Alias) for task in dict(graph).values())


def hand_written_least_squares(w, X, y):
    r = X @ w - y
    return 0.5 * da.mean(r ** 2), X.T @ r / X.shape[0]


@pytest.mark.parametrize("loss,hand,shared", [(least_squares, hand_written_least_squares, 0),
                                              (logistic, hand_written_gradient, 2)])
def test_each_chunk_costs_the_tasks_of_the_hand_written_gradient(loss, hand, shared):
    """The reduction's cotangent, spread over the data, fuses into the elementwise work
    that reads it (a broadcast of its own cost a task per chunk, and transfers between
    workers); what remains per chunk is what the hand-written gradient runs, plus, for the
    logistic loss, logaddexp's value shared with its derivative (and z, read three times)."""
    per_chunk = []
    for fn in (lambda X, y: gk.value_and_grad(loss)(W, X, y), lambda X, y: hand(W, X, y)):
        few, many = (computing_tasks(*fn(*data(8000, chunk=8000 // n))) for n in (4, 8))
        per_chunk.append((many - few) / 4)
    assert per_chunk[0] <= per_chunk[1] + shared, per_chunk


def test_value_and_gradient_compute_in_one_pass():
    calls = []

    def chunk(block_id=None):
        calls.append(block_id)  # (k, 0) for chunk k
        return onp.random.default_rng(block_id[0]).standard_normal((1000, 5))

    X = da.map_blocks(chunk, chunks=((1000,) * 4, (5,)), dtype=float, meta=onp.empty((0, 0)))
    y = da.ones(4000, chunks=1000)
    value, g = gk.value_and_grad(logistic)(W, X, y)
    assert calls == []  # lazy: nothing ran yet
    value, g = dask.compute(value, g, scheduler="sync")
    assert len(calls) == 4  # each chunk of the data made once, for the value and the gradient
    Xn = onp.concatenate([chunk((k, 0)) for k in range(4)])
    onp.testing.assert_allclose(g, gk.grad(logistic)(W, Xn, onp.ones(4000)), rtol=1e-12)


def test_gradient_with_respect_to_dask_data_is_dask():
    X, y = data(400, chunk=100)
    gX = gk.grad(least_squares, argnums=1)(W, X, y)
    assert isinstance(gX, da.Array) and gX.chunks == X.chunks
    Xn, yn = dask.compute(X, y)
    onp.testing.assert_allclose(gX.compute(), gk.grad(least_squares, argnums=1)(W, Xn, yn), rtol=1e-12)


def test_reductions_along_axes_of_data_chunked_both_ways():
    """Cotangents spread along rows and along columns of data chunked in both axes (the
    blockwise spread meets each chunk), for the parameters, the data, and the Hessian."""
    X = da.random.default_rng(5).standard_normal((1000, 6), chunks=(250, 3))
    Xn = X.compute()
    w = onp.linspace(-1, 1, 6)

    def f(w, X):
        M = X * w
        return np.sum(np.tanh(np.sum(M, axis=1)) ** 2) + np.sum(np.mean(M, axis=0) ** 2) + np.sum(np.max(M, axis=1))
    gX = gk.grad(f, argnums=1)(w, X)
    assert gX.chunks == X.chunks
    onp.testing.assert_allclose(gX.compute(), gk.grad(f, argnums=1)(w, Xn), rtol=1e-12)
    g, H = dask.compute(gk.grad(f)(w, X), gk.hessian(f)(w, X))
    onp.testing.assert_allclose(g, gk.grad(f)(w, Xn), rtol=1e-12)
    onp.testing.assert_allclose(H, gk.hessian(f)(w, Xn), rtol=1e-10)


def test_indexing_with_integer_arrays_names_the_backend():
    X, y = data(400, chunk=100)
    with pytest.raises(gk.core.backend.BackendError, match="dask"):
        gk.grad(lambda w: np.sum((X @ w)[onp.array([0, 0, 3])]))(W)


# -- optimisers: data persisted once, one pass per iteration -------------------------------
@pytest.fixture
def passes(client, monkeypatch):
    """Counts the graphs the driver sends to the cluster."""
    count = [0]
    get = distributed.Client.get

    def counted(self, *args, **kwargs):
        count[0] += 1
        return get(self, *args, **kwargs)
    monkeypatch.setattr(distributed.Client, "get", counted)
    return count


@pytest.fixture(scope="module")
def persisted(client):
    X, y = data(200_000, COLS, 50_000, seed=3)
    return client.persist(X), client.persist(y)


@pytest.mark.parametrize("method,gradient", [("gd", "ad"), ("nesterov", "ad"), ("heavy_ball", "ad"), ("gd", "zo")])
def test_optimisers_make_one_pass_per_iteration(persisted, passes, method, gradient):
    X, y = persisted
    f = lambda w: least_squares(w, X, y)  # noqa: E731
    options = {"n_dirs": 2, "seed": 0} if gradient == "zo" else {}
    r = optim.minimize(f, onp.zeros(COLS), method=method, gradient=gradient, step=0.5 if gradient == "ad" else 0.05,
                       max_iter=4, **options)
    # one graph per gradient (or estimate); the history's f(x_k), where the method did not
    # compute it (Nesterov steps from y_k, a zero-order estimate gives no f(x)), one more
    recorded = 0 if method != "nesterov" and gradient == "ad" else r.n_gev
    assert passes[0] == r.n_gev + recorded
    assert isinstance(r.x, onp.ndarray)
    Xn, yn = dask.compute(X, y)
    ref = optim.minimize(lambda w: least_squares(w, Xn, yn), onp.zeros(COLS), method=method, gradient=gradient,
                         step=0.5 if gradient == "ad" else 0.05, max_iter=4, **options)
    onp.testing.assert_allclose(r.x, ref.x, rtol=1e-9, atol=1e-12)


def test_scipy_interop_one_pass_per_evaluation(persisted, passes):
    import scipy.optimize
    X, y = persisted
    f = lambda w: least_squares(w, X, y)  # noqa: E731
    r = scipy.optimize.minimize(optim.scipy_value_and_jac(f), onp.zeros(COLS), jac=True, method="L-BFGS-B")
    assert passes[0] == r.nfev
    Xn, yn = dask.compute(X, y)
    ref = onp.linalg.lstsq(Xn, yn, rcond=None)[0]
    onp.testing.assert_allclose(r.x, ref, atol=1e-5)
    hessp = optim.scipy_hessp(f)(onp.zeros(COLS), onp.ones(COLS))
    onp.testing.assert_allclose(hessp, Xn.T @ (Xn @ onp.ones(COLS)) / len(yn), rtol=1e-10)
