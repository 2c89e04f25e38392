"""The lecture's L1-L3, Rosenbrock and a logistic loss with their closed-form gradients, in
plain NumPy, batched and complex-capable: the functions on which gradkit.numeric's accuracy
is accepted (tests/test_numeric.py) and compared with SciPy and numdifftools
(bench/numeric_compare.py)."""
import numpy as np


def sigmoid(t):
    return 1 / (1 + np.exp(-t))


def data(d, seed=0):
    """A symmetric positive definite A, vectors b, a, a constant c, a small classification set
    (Z, y) and a point x of root-mean-square 1 (the length scale the default steps assume;
    L2 = ln<x,Ax> varies on the scale of ||x||)."""
    rng = np.random.default_rng(seed)
    M = rng.standard_normal((d, d))
    x = rng.standard_normal(d)
    return dict(A=M @ M.T / d + np.eye(d), b=rng.standard_normal(d), c=0.5, a=rng.standard_normal(d) / np.sqrt(d),
                Z=rng.standard_normal((20, d)) / np.sqrt(d), y=rng.choice([-1.0, 1.0], 20),
                x=x / np.sqrt(np.mean(x ** 2)))


def problems(d, seed=0):
    """name -> (f, exact gradient, x) for the lecture's L1-L3, Rosenbrock and a logistic loss.
    f takes a point or a stack of points (leading axis), real or complex (for the complex
    step <x, Ax> is x^T A x, unconjugated)."""
    A, b, c, a, Z, y, x = data(d, seed).values()

    def xAx(x):
        return np.sum((x @ A) * x, axis=-1)

    def rosenbrock(x):
        return np.sum(100 * (x[..., 1:] - x[..., :-1] ** 2) ** 2 + (1 - x[..., :-1]) ** 2, axis=-1)

    def rosenbrock_grad(x):
        g = np.zeros_like(x)
        g[:-1] = -400 * x[:-1] * (x[1:] - x[:-1] ** 2) - 2 * (1 - x[:-1])
        g[1:] += 200 * (x[1:] - x[:-1] ** 2)
        return g

    return {
        "L1": (lambda x: xAx(x) - x @ b + c, lambda x: 2 * A @ x - b, x),            # (A + A^T) x - b
        "L2": (lambda x: np.log(xAx(x)), lambda x: 2 * A @ x / xAx(x), x),
        "L3": (lambda x: np.log(1 + np.exp(x @ a)), lambda x: sigmoid(a @ x) * a, x),
        "rosenbrock": (rosenbrock, rosenbrock_grad, x),
        "logistic": (lambda x: np.mean(np.log(1 + np.exp(-y * (x @ Z.T))), axis=-1),
                     lambda x: -Z.T @ (y * sigmoid(-y * (Z @ x))) / len(y), x),
    }
