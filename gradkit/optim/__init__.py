"""Optimisers that consume exact, finite-difference or zero-order gradients alike.

    from gradkit import optim, problems
    p = problems.quadratic(100, L=1.0, mu=0.01)
    r = optim.minimize(p, method="nesterov")                 # AD gradients, step 1/L
    r = optim.minimize(p, gradient="zo", max_iter=10_000)     # zero-order GD, step 1/(nL)
    r.history["dist"], r.history["n_fev"], r.history["time"]

`minimize` is the common front (methods "gd", "heavy_ball", "nesterov"; gradients "ad",
"exact", "fd", "zo" or a function); `gd`, `heavy_ball`, `nesterov`, `zo_gd` are shortcuts.
Step rules are in `gradkit.optim.steps`; SciPy adapters in `scipy_jac`, `scipy_hessp`,
`scipy_hess`, `scipy_derivatives`; the lecture's measured claims in `iterations_to_tolerance`
and `mds_comparison`.
"""
from .methods import METHODS, gd, heavy_ball, minimize, nesterov, zo_gd
from .oracles import GRADIENTS, Oracle
from .result import History, OptimizeResult
from .steps import Armijo, Constant, Diminishing, InverseL
from .scipy_interop import scipy_derivatives, scipy_hess, scipy_hessp, scipy_jac, scipy_value_and_jac
from .studies import contraction_rate, fit_slope, iterations_to_tolerance, mds_comparison

__all__ = ["minimize", "gd", "heavy_ball", "nesterov", "zo_gd", "METHODS", "GRADIENTS", "Oracle", "History",
           "OptimizeResult", "Armijo", "Constant", "Diminishing", "InverseL", "iterations_to_tolerance",
           "mds_comparison", "fit_slope", "contraction_rate", "scipy_jac", "scipy_value_and_jac", "scipy_hessp", "scipy_hess",
           "scipy_derivatives"]
