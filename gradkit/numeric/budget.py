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

    Attributes:
        value: the estimate (a gradient, Jacobian, Hessian or directional derivative).
        n_evals: evaluations of f spent, in units of T (a batch of k points counts k).
        n_calls: calls made to f (1 for a vectorised evaluation).
        method: the difference scheme or estimator that produced it.
        step: the step(s) h, or the smoothing radius eps of a zero-order estimator.
        error: an estimate of the error of `value`, where the method makes one, else None:
            for adaptive Richardson extrapolation a bound on each entry's absolute error
            where `converged`, else the spread of its estimates; for the zero-order
            estimators the standard error of each component (from the directions' spread).
        converged: for adaptive Richardson extrapolation, where (entrywise) the table showed
            the convergence its error bound rests on; None for the other methods.
        notes: what the estimator did beyond the plain scheme (a step shrunk or a one-sided
            stencil to stay within f's domain, say).

    `grad` is another name for `value`, for gradient estimates. Every estimator of
    gradkit.numeric returns one, so its cost in evaluations of f (lecture L9: about 2dT for
    central differences) is read off the result.

    >>> from gradkit.numeric import fd_gradient
    >>> est = fd_gradient(lambda x: np.sum(x ** 2), np.array([1.0, 2.0]))
    >>> est.grad.round(6), est.n_evals, est.method
    (array([2., 4.]), 4, 'central')
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
        """The estimate, `value`, under the name a gradient goes by."""
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
        F = np.asarray(_checked(fc(np.stack([point(j) for j in range(n)]))))
        if F.ndim == 0 or F.shape[0] != n:
            raise ValueError(f"vectorized=True: f was given a stack of {n} points (shape ({n}, ...)) and returned "
                             f"shape {F.shape}, not one value per point along axis 0. Either make f take a stack "
                             "(reduce over the last axes, e.g. np.sum(x**2, axis=-1)) or pass vectorized=False.")
        return F, fc
    values = [_checked(fc(point(j))) for j in range(n)]
    shapes = sorted({np.shape(v) for v in values})
    if len(shapes) > 1:
        raise ValueError(f"f returned values of different shapes at nearby points ({shapes[0]} and {shapes[1]}); "
                         "a derivative needs f to return one shape.")
    return np.asarray(np.stack(values)), fc  # lazy (dask) values: one compute


def _checked(y):
    """What f returned, unless it is not numbers: a TypeError saying what it was (lazy arrays
    are checked by their dtype, not computed)."""
    if y is None:
        raise TypeError("f returned None; it must return a number or an array of numbers (a missing `return`?).")
    dtype = getattr(y, "dtype", None)
    dtype = np.asarray(y).dtype if dtype is None else np.dtype(dtype)
    if not np.issubdtype(dtype, np.number) or np.issubdtype(dtype, np.bool_):
        hint = " (a comparison? differences of booleans are not derivatives)" if dtype == bool else ""
        raise TypeError(f"f returned {type(y).__name__} of dtype {dtype}{hint}; finite differences need numbers "
                        "(float or complex).")
    return y
