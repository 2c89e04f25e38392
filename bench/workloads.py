"""The workloads of issue 7, each written once against a NumPy-like namespace `xp`.

A workload function is `fn(xp, *params, *data)`: the params are differentiated, the data
are constants, and every library runs the same function on the same (seeded) data, given
its own namespace (gradkit.numpy, autograd.numpy, jax.numpy, a torch shim).

    >>> w = {w.name: w for w in workloads(smoke=True)}["scalar"]
    >>> round(float(w.fn(np, *w.params, *w.data)), 6)
    3.521468
"""
from dataclasses import dataclass, field

import numpy as np


def _same(f):
    return f


@dataclass
class Workload:
    name: str
    fn: callable          # fn(xp, *params, *data) -> scalar (or the Jacobian workload's vector)
    params: tuple         # NumPy arrays, differentiated (the first is the "x" of hessian/hvp/jac/fd)
    data: tuple = ()      # NumPy arrays (or lists of them), constants
    tasks: tuple = ("f", "vg")
    note: str = ""
    checkpointable: bool = False  # fn takes remat=..., the library's checkpoint wrapper
    direction: np.ndarray = field(default=None, repr=False)  # v of the Hessian-vector product
    # Derivatives written by hand in plain NumPy (the "numpy" library, the floor), by task:
    # "vg": (*params, *data) -> (value, (grad of each param, ...)); "hessian", "jacfwd",
    # "jacrev": (*params, *data) -> w.r.t. params[0]; "hvp": (v, *params, *data).
    by_hand: dict = field(default_factory=dict, repr=False)


# -- the functions, once each ---------------------------------------------------------------
def lecture_scalar(xp, w1, w2):
    """L(w1, w2) = w2 log w1 + sqrt(w2 log w1) (lecture L11/L12): per-operation overhead."""
    v2 = w2 * xp.log(w1)
    return v2 + xp.sqrt(v2)


def quadratic(xp, x, A, b):
    """x^T A x - b^T x (lecture L1)."""
    return x @ (A @ x) - b @ x


def logistic(xp, x, A, y):
    """mean(log(1 + exp(-y * (A x)))), labels y in {-1, +1}."""
    return xp.mean(xp.log(1 + xp.exp(-y * (A @ x))))


def mds_stress(xp, W, D):
    """sum_ij (||W_i - W_j||^2 - D_ij)^2 (lecture L5), squared distances from the Gram matrix."""
    sq = xp.sum(W * W, axis=1)
    return xp.sum((sq[:, None] + sq[None, :] - 2 * (W @ W.T) - D) ** 2)


def pairwise_sq(xp, W):
    """||W_i - W_j||^2 over the pairs i < j, with each library's own pairwise-distance function
    where it has one (gradkit: gradkit.scipy.spatial.pdist, NumPy: scipy's, torch: torch.pdist),
    else from the Gram matrix."""
    name = getattr(xp, "__name__", "")
    if name == "gradkit.numpy":
        from gradkit.scipy.spatial import pdist
        return pdist(W, "sqeuclidean")
    if name == "numpy":
        from scipy.spatial.distance import pdist
        return pdist(W, "sqeuclidean")
    if hasattr(xp, "torch"):
        return xp.torch.pdist(W) ** 2
    sq = xp.sum(W * W, axis=1)
    i, j = np.triu_indices(W.shape[0], 1)
    return (sq[:, None] + sq[None, :] - 2 * (W @ W.T))[i, j]


def mds_stress_pairs(xp, W, D_pairs):
    """The same stress over the pairs: 2 sum_{i<j} (||W_i - W_j||^2 - D_ij)^2 (D symmetric,
    zero diagonal), the pairwise distances by the library's own function (pairwise_sq)."""
    return 2 * xp.sum((pairwise_sq(xp, W) - D_pairs) ** 2)


def mlp(xp, W1, b1, W2, b2, W3, b3, X, Y, remat=_same):
    """Softmax cross-entropy of a tanh MLP (lecture L14); remat wraps each hidden layer."""
    layer = remat(lambda h, W, b: xp.tanh(h @ W + b))
    z = layer(layer(X, W1, b1), W2, b2) @ W3 + b3
    m = xp.max(z, axis=1, keepdims=True)
    log_softmax = z - m - xp.log(xp.sum(xp.exp(z - m), axis=1, keepdims=True))
    return -xp.sum(Y * log_softmax) / X.shape[0]


def deep_chain(xp, x, Ws, remat=_same, segment=10):
    """sum(tanh(W_K ... tanh(W_1 x))): long and narrow, so per-operation overhead dominates;
    remat wraps each segment of `segment` layers (checkpointing, lecture L19)."""
    def block(x, *Wk):
        for W in Wk:
            x = xp.tanh(W @ x)
        return x
    block = remat(block)
    for s in range(0, len(Ws), segment):
        x = block(x, *Ws[s:s + segment])
    return xp.sum(x)


def linear_map(xp, x, A):
    """A x, whose Jacobian is A: forward mode wins when n << m, reverse when m << n (L13)."""
    return A @ x


def rosenbrock(xp, x):
    """The chained Rosenbrock function: O(d) per evaluation, so central differences cost
    O(d^2) while reverse mode stays O(d) (lecture L9/L10)."""
    return xp.sum(100 * (x[1:] - x[:-1] ** 2) ** 2 + (1 - x[:-1]) ** 2)


# -- the same, differentiated by hand in plain NumPy --------------------------------------------
# The floor for any library that evaluates NumPy operations one by one: each forward pass is
# the workload's own expression (same operations), kept for the backward pass, which does
# only the work the gradient needs.
def lecture_scalar_vg(w1, w2):
    log_w1 = np.log(w1)
    v2 = w2 * log_w1
    root = np.sqrt(v2)
    dv2 = 1 + 0.5 / root
    return v2 + root, (dv2 * w2 / w1, dv2 * log_w1)


def quadratic_vg(x, A, b):
    Ax = A @ x
    return x @ Ax - b @ x, (Ax + x @ A - b,)


QUADRATIC_BY_HAND = {"vg": quadratic_vg,
                     "hessian": lambda x, A, b: A + A.T,
                     "hvp": lambda v, x, A, b: A @ v + v @ A}  # (A + A^T) v without forming A + A^T


def logistic_vg(x, A, y):
    e = np.exp(-y * (A @ x))
    s = 1 + e
    return np.mean(np.log(s)), (-((y * e / s) @ A) / len(y),)


def _logistic_weights(x, A, y):
    e = np.exp(-y * (A @ x))
    return e / (1 + e) ** 2 / len(y)  # the loss's second derivative in A x, per row


LOGISTIC_BY_HAND = {"vg": logistic_vg,
                    "hessian": lambda x, A, y: (A.T * _logistic_weights(x, A, y)) @ A,
                    "hvp": lambda v, x, A, y: (_logistic_weights(x, A, y) * (A @ v)) @ A}


def mds_stress_vg(W, D):
    sq = np.sum(W * W, axis=1)
    R = sq[:, None] + sq[None, :] - 2 * (W @ W.T) - D
    # D is a distance matrix, so R is symmetric: its row and column sums are equal
    return np.sum(R ** 2), (8 * (W * np.sum(R, axis=1)[:, None] - R @ W),)


def mlp_vg(W1, b1, W2, b2, W3, b3, X, Y):
    h1 = np.tanh(X @ W1 + b1)
    h2 = np.tanh(h1 @ W2 + b2)
    z = h2 @ W3 + b3
    zm = z - np.max(z, axis=1, keepdims=True)
    e = np.exp(zm)
    s = np.sum(e, axis=1, keepdims=True)
    value = -np.sum(Y * (zm - np.log(s))) / X.shape[0]
    dz = (e / s - Y) / X.shape[0]  # softmax - labels: each row of Y (one-hot) sums to 1
    da2 = (dz @ W3.T) * (1 - h2 * h2)
    da1 = (da2 @ W2.T) * (1 - h1 * h1)
    return value, (X.T @ da1, np.sum(da1, axis=0), h1.T @ da2, np.sum(da2, axis=0),
                   h2.T @ dz, np.sum(dz, axis=0))


def deep_chain_vg(x, Ws):
    hs = []
    for W in Ws:
        x = np.tanh(W @ x)
        hs.append(x)
    g = np.ones_like(x)
    for W, h in zip(reversed(Ws), reversed(hs)):
        g = (g * (1 - h * h)) @ W
    return np.sum(x), (g,)


LINEAR_MAP_BY_HAND = {"jacfwd": lambda x, A: A.copy(), "jacrev": lambda x, A: A.copy()}


def rosenbrock_vg(x):
    a = x[:-1]
    r = x[1:] - a ** 2
    u = 1 - a
    g = np.zeros_like(x)
    g[:-1] = -400 * a * r - 2 * u
    g[1:] += 200 * r
    return np.sum(100 * r ** 2 + u ** 2), (g,)


# -- the data ----------------------------------------------------------------------------------
def workloads(smoke=False):
    """All workloads at full size (or tiny, for the smoke test), with seeded data."""
    rng = np.random.default_rng(0)
    normal = rng.standard_normal
    size = (lambda full, tiny: tiny) if smoke else (lambda full, tiny: full)
    out = [Workload("scalar", lecture_scalar, (np.float64(2.0), np.float64(3.0)),
                    note="L(w1, w2) = w2 log w1 + sqrt(w2 log w1)", by_hand={"vg": lecture_scalar_vg})]

    for n, tasks in ((size(1000, 8), ("f", "vg", "hessian", "hvp")), (size(200, 4), ("hessian", "hvp"))):
        A = normal((n, n)) / np.sqrt(n)
        out.append(Workload(f"quadratic n={n}", quadratic, (normal(n),), (A, normal(n)), tasks,
                            note="x^T A x - b^T x", direction=normal(n),
                            by_hand=QUADRATIC_BY_HAND))

    m, d = size(10000, 40), size(1000, 10)
    A = normal((m, d)) / np.sqrt(d)
    out.append(Workload(f"logistic {m}x{d}", logistic, (normal(d),),
                        (A, np.sign(normal(m))), note="mean(log(1 + exp(-y * (A x))))",
                        by_hand={"vg": logistic_vg}))

    for N, dim in ((size(500, 6), 2), (size(2000, 7), 3)):
        truth = normal((N, dim))
        D = np.sum((truth[:, None] - truth[None]) ** 2, axis=-1)
        W0 = normal((N, dim))  # one draw, as before: the later workloads' data stay the same
        out.append(Workload(f"mds N={N} d={dim}", mds_stress, (W0,), (D,),
                            note="sum_ij (||W_i - W_j||^2 - D_ij)^2", by_hand={"vg": mds_stress_vg}))
        out.append(Workload(f"mds pairs N={N} d={dim}", mds_stress_pairs, (W0,), (D[np.triu_indices(N, 1)],),
                            note="2 sum_{i<j} (pdist(W)_ij - D_ij)^2, each library's pdist"))

    sizes, batch = size((784, 256, 256, 10), (12, 5, 5, 3)), size(128, 4)
    params = []
    for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
        params += [normal((fan_in, fan_out)) / np.sqrt(fan_in), np.zeros(fan_out)]
    labels = np.eye(sizes[-1])[rng.integers(0, sizes[-1], batch)]
    out.append(Workload(f"mlp {'-'.join(map(str, sizes))} b={batch}", mlp, tuple(params),
                        (normal((batch, sizes[0])), labels), checkpointable=True,
                        note="tanh MLP, softmax cross-entropy", by_hand={"vg": mlp_vg}))

    depth, width = size(100, 20), size(64, 4)
    Ws = [normal((width, width)) / np.sqrt(width) for _ in range(depth)]
    out.append(Workload(f"chain {depth}x{width}", deep_chain, (normal(width),), (Ws,),
                        checkpointable=True, note="sum(tanh(W_K ... tanh(W_1 x)))",
                        by_hand={"vg": deep_chain_vg}))

    for m, n in ((10, 1000), (1000, 10), (300, 300)):
        m, n = size(m, max(2, m // 100)), size(n, max(2, n // 100))
        out.append(Workload(f"jacobian {m}x{n}", linear_map, (normal(n),), (normal((m, n)),),
                            ("f", "jacfwd", "jacrev"), note="A x", by_hand=LINEAR_MAP_BY_HAND))

    for d in size((10, 100, 1000, 3000), (3, 10)):
        out.append(Workload(f"fd-vs-rev d={d}", rosenbrock, (rng.uniform(-1, 1, d),),
                            tasks=("f", "vg", "fd"), note="chained Rosenbrock",
                            by_hand={"vg": rosenbrock_vg}))

    # issue 15's overhead-bound logistic loss (own generator: the data above stay as they were)
    rng = np.random.default_rng(1)
    m = d = size(200, 6)
    out.append(Workload(f"logistic {m}x{d}", logistic, (rng.standard_normal(d),),
                        (rng.standard_normal((m, d)) / np.sqrt(d), np.sign(rng.standard_normal(m))),
                        ("f", "vg", "hessian", "hvp"), note="the logistic loss at an overhead-bound size",
                        direction=rng.standard_normal(d), by_hand=LOGISTIC_BY_HAND))
    return out
