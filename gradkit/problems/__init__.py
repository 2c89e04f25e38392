"""The lecture's test problems, each a `Problem` with its function (written with
gradkit.numpy, so AD applies), closed-form gradient and Hessian where they exist, and what
is known: x*, f*, the smoothness constant L and the strong convexity constant mu.

    from gradkit import problems
    p = problems.quadratic(100, L=1.0, mu=0.01)      # x*, f*, L, mu known
    p.f(p.x0), p.grad(p.x0), p.distance(p.x0)

Convex: `quadratic` (chosen dimension, L, mu, spectrum), `quadratic_form` (L1),
`log_quadratic` (L2), `log_exp` (L3), `least_squares`, `logistic_regression`.
Non-convex: `rosenbrock`, `robust_regression`. MDS (L5): `mds`, `classical_mds`,
`procrustes_align`, `procrustes_error`, `squared_distances`.
"""
from .base import Problem
from .convex import (least_squares, log_exp, log_quadratic, logistic_regression, quadratic, quadratic_form,
                     random_rotation, spectrum)
from .mds import MDSProblem, classical_mds, mds, procrustes_align, procrustes_error, squared_distances
from .nonconvex import robust_regression, rosenbrock

__all__ = ["Problem", "quadratic", "spectrum", "random_rotation", "quadratic_form", "log_quadratic", "log_exp",
           "least_squares", "logistic_regression", "rosenbrock", "robust_regression", "mds", "MDSProblem",
           "classical_mds", "procrustes_align", "procrustes_error", "squared_distances"]
