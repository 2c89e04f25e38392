"""Where gradients come from, and what they cost.

An `Oracle` pairs f with a gradient source and keeps the bill: `n_fev` evaluations of f
(including the ones spent inside finite differences and zero-order estimators, and the
forward pass of reverse mode) and `n_gev` gradients (or gradient estimates). Optimisers
only ever ask an oracle, so GD with automatic, finite-difference or zero-order gradients
is the same code (lecture L6-L9).
"""
import numpy as _np

from .. import numeric as _numeric
from ..core import backend as _backend
from ..transforms import grad as _grad, value_and_grad as _value_and_grad

__all__ = ["Oracle", "GRADIENTS"]

GRADIENTS = ("ad", "exact", "fd", "zo")


class Oracle:
    """f and its gradient from one source, counted: `n_fev` evaluations of f and `n_gev`
    gradients so far.

    Args:
        f: the function to minimise.
        gradient: "ad" (reverse mode: f comes with the gradient, one f evaluation + one
            gradient), "exact" (the problem's closed form `grad`), "fd"
            (`gradkit.numeric.fd_gradient`), "zo" (`gradkit.numeric.zo_gradient`), or a
            callable x -> gradient.
        shape: the shape of x (sets `second_moment` for "zo").
        problem: the `Problem` whose closed form "exact" uses.
        **options: for "fd" `scheme` (default "central": 2n evaluations), `step`,
            `vectorized`; for "zo" `estimator` ("sphere", "gaussian", "coordinate"), `n_dirs`
            directions averaged, `eps`, `scheme`, `seed` (or a Generator), `vectorized`.

    `second_moment` is c with E||G||^2 = c ||grad f||^2 for exact differences (1 for exact
    gradients, (n + m - 1)/m for the spherical two-point estimator with m directions in R^n):
    a constant step must shrink by c (lecture L8: 1/(nL) for zero-order GD).

    >>> import numpy, gradkit.numpy as np
    >>> o = Oracle(lambda x: np.sum(x ** 2), "ad")
    >>> o.grad(numpy.array([1.0, 2.0])), o.n_fev, o.n_gev
    ((array([2., 4.]), np.float64(5.0)), 1, 1)
    """

    def __init__(self, f, gradient="ad", shape=None, problem=None, **options):
        self.f, self.shape, self.n_fev, self.n_gev = f, shape, 0, 0
        self.kind = gradient if isinstance(gradient, str) else "callable"
        self.second_moment = 1.0
        allowed = {"ad": (), "exact": (), "callable": (), "fd": ("scheme", "step", "vectorized"),
                   "zo": ("estimator", "n_dirs", "eps", "scheme", "seed", "vectorized")}
        if self.kind not in allowed:
            raise ValueError(f"unknown gradient source {gradient!r}; use one of {', '.join(GRADIENTS)} "
                             f"or a function x -> gradient.")
        unknown = set(options) - set(allowed[self.kind])
        if unknown:
            raise TypeError(f"gradient={self.kind!r} takes no option(s) {sorted(unknown)}; "
                            f"it takes {list(allowed[self.kind]) or 'none'}.")
        if self.kind == "ad":
            self._vg = _value_and_grad(f)
        elif self.kind == "exact":
            if problem is None or problem.grad is None:
                raise ValueError("gradient='exact' needs a problem with a closed-form grad; use gradient='ad'.")
            self._g = problem.grad
        elif self.kind == "callable":
            self._g = gradient
        elif self.kind == "fd":
            self.options = options
        else:
            self._setup_zo(**options)

    def _setup_zo(self, estimator="sphere", n_dirs=None, eps=None, scheme="central", seed=0, vectorized=False):
        if estimator not in _numeric.zero_order.METHODS:
            raise ValueError(f"unknown zero-order estimator {estimator!r}; use one of {_numeric.zero_order.METHODS}.")
        self.rng = seed if isinstance(seed, _np.random.Generator) else _np.random.default_rng(seed)
        self.options = {"method": estimator, "n_dirs": n_dirs, "eps": eps, "scheme": scheme,
                        "vectorized": vectorized}
        if self.shape is not None:  # E||G||^2 = (1 + variance factor) ||g||^2 for exact differences
            n = int(_np.prod(self.shape))
            self.second_moment = 1.0 + _numeric.variance_factor(estimator, n, n_dirs)

    # -- the calls optimisers make ----------------------------------------------------------
    def value(self, x):
        """f(x), counted in `n_fev`.

        >>> import numpy, gradkit.numpy as np
        >>> o = Oracle(lambda x: np.sum(x ** 2))
        >>> o.value(numpy.ones(2)), o.n_fev
        (np.float64(2.0), 1)
        """
        self.n_fev += 1
        return self.f(x)

    def grad(self, x):
        """(gradient or estimate at x, f(x) if it came for free else None), counted: one in
        `n_gev`, and in `n_fev` the evaluations of f it spent (1 for "ad", 2n for central
        differences, none for "exact"). See the class's example."""
        self.n_gev += 1
        if self.kind == "ad":
            self.n_fev += 1
            fx, g = _backend.materialize(*self._vg(x))  # lazy (dask) data: value and gradient in one pass
            return g, fx
        if self.kind in ("exact", "callable"):
            return self._checked(self._g(x), x), None
        if self.kind == "fd":
            est = _numeric.fd_gradient(self.f, x, **self.options)
        else:
            est = _numeric.zo_gradient(self.f, x, rng=self.rng, **self.options)
        self.n_fev += est.n_evals
        return est.grad, None

    def _checked(self, g, x):
        """A gradient returned by the user's function, refused unless it is numbers shaped like x."""
        who = "the gradient function" if self.kind == "callable" else "the problem's grad"
        if g is None:
            raise TypeError(f"{who} returned None at iteration {self.n_gev - 1}; it must return the gradient, an "
                            f"array shaped like x {_np.shape(x)} (a missing `return`?).")
        g = _np.asarray(g)
        if not _np.issubdtype(g.dtype, _np.number) or _np.issubdtype(g.dtype, _np.bool_):
            raise TypeError(f"{who} returned {g.dtype} values; it must return numbers shaped like x {_np.shape(x)}.")
        if g.shape != _np.shape(x):
            raise ValueError(f"{who} returned shape {g.shape} but x has shape {_np.shape(x)}; return one partial "
                             "derivative per entry of x (a gradient, not a Jacobian or a sum).")
        return g


def _exact_gradient(f, problem=None):
    """The exact gradient function used for monitoring: the closed form if there is one, else AD.

    >>> import numpy, gradkit.numpy as np
    >>> _exact_gradient(lambda x: np.sum(x ** 2))(numpy.array([1.0, 2.0]))
    array([2., 4.])
    """
    if problem is not None and problem.grad is not None:
        return problem.grad
    return _grad(f)
