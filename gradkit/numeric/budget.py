"""Evaluation accounting: what a numerical derivative costs, in units of T = one evaluation of f.

The lecture's cost statements (L9: central differences cost about 2dT; L10: reverse mode O(T))
are counts of evaluations of f. `Counted` keeps that count for any function, and every
estimator of gradkit.numeric returns an `Estimate` that states its own.
"""
from dataclasses import dataclass

import numpy as np

__all__ = ["Counted", "Estimate", "evaluate"]


class Counted:
    """f, counting its evaluations.

    n_evals counts points at which f was evaluated, n_calls the calls made; they differ only
    when f is `batched`, i.e. takes a stack of points on a leading axis and returns a stack of
    values (one call of a batch of k points counts k evaluations, as it costs about kT).

    >>> f = Counted(lambda x: (x ** 2).sum())
    >>> _ = f(np.ones(3)); _ = f(np.zeros(3))
    >>> f.n_evals, f.n_calls
    (2, 2)
    >>> g = Counted(lambda X: (X ** 2).sum(axis=-1), batched=True)
    >>> _ = g(np.ones((5, 3)))
    >>> g.n_evals, g.n_calls
    (5, 1)
    >>> g.reset()
    >>> g.n_evals
    0
    """

    def __init__(self, f, batched=False):
        self.f, self.batched = f, batched
        self.n_evals = self.n_calls = 0

    def __call__(self, x, *args, **kwargs):
        self.n_calls += 1
        self.n_evals += np.shape(x)[0] if self.batched else 1
        return self.f(x, *args, **kwargs)

    def reset(self):
        """Set both counts back to zero."""
        self.n_evals = self.n_calls = 0

    def __repr__(self):
        return f"Counted({getattr(self.f, '__name__', self.f)!r}, n_evals={self.n_evals}, n_calls={self.n_calls})"


@dataclass(frozen=True, eq=False)   # eq=False: arrays have no single truth value to compare by
class Estimate:
    """A numerical derivative and its price.

    value   : the estimate (a gradient, Jacobian, Hessian or directional derivative)
    n_evals : evaluations of f spent, in units of T (a batch of k points counts k)
    n_calls : calls made to f (1 for a vectorised evaluation)
    method  : the difference scheme or estimator that produced it
    step    : the step(s) h, or the smoothing radius eps of a zero-order estimator
    error   : an estimate of the error of `value`, where the method makes one, else None:
              for adaptive Richardson extrapolation a bound on each entry's absolute error
              where `converged`, else the spread of its estimates; for the zero-order
              estimators the standard error of each component (from the directions' spread)
    converged : for adaptive Richardson extrapolation, where (entrywise) the table showed
              the convergence its error bound rests on; None for the other methods
    notes   : what the estimator did beyond the plain scheme (a step shrunk or a one-sided
              stencil to stay within f's domain, say)

    `grad` is another name for `value`, for gradient estimates.
    """
    value: np.ndarray
    n_evals: int
    n_calls: int
    method: str
    step: object = None
    error: object = None
    converged: object = None
    notes: tuple = ()

    @property
    def grad(self):
        return self.value


def evaluate(f, point, n, vectorized=False):
    """f at point(0), ..., point(n-1), stacked on a leading axis, and the `Counted` f that
    made them: one batched call if `vectorized` (f takes a stack of points), else n calls.

    >>> F, fc = evaluate(np.sum, lambda j: np.full(2, j), 3)
    >>> F, fc.n_evals
    (array([0, 2, 4]), 3)
    """
    fc = Counted(f, batched=vectorized)
    if vectorized:
        return np.asarray(fc(np.stack([point(j) for j in range(n)]))), fc
    return np.asarray(np.stack([fc(point(j)) for j in range(n)])), fc  # lazy (dask) values: one compute
