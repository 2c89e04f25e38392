"""Derivatives without automatic differentiation: finite differences (lecture L9) and
zero-order estimators (L6, L7), each reporting what it cost in evaluations of f.

    import numpy as np
    from gradkit.numeric import fd_gradient, zo_gradient, Counted

    est = fd_gradient(lambda x: np.sum(x ** 2), np.ones(3))   # est.grad, est.n_evals == 6
"""
from .budget import Counted, Estimate, evaluate
from .finite_diff import (F_NOISE, SCHEMES, FiniteDifferenceWarning, Stencil, directional_derivative, fd_directional,
                          fd_error_curve, fd_gradient, fd_hessian, fd_jacobian, one_sided, richardson_stencil)
from .zero_order import METHODS, variance_factor, zo_bias_variance, zo_gradient
