"""gradkit: derivatives of NumPy programs, three ways: automatic differentiation in reverse
and forward mode to any order (`gradkit.grad`, `jvp`, `hessian`, ...), finite differences
and zero-order estimators (`gradkit.numeric`), and the optimisers and lab that compare them
(`gradkit.optim`, `gradkit lab`).

>>> import gradkit as gk
>>> import gradkit.numpy as np
>>> gk.grad(lambda x: np.sum(np.tanh(x) ** 2))(np.ones(3))    # 2 tanh(x) (1 - tanh(x)^2)
array([0.63970001, 0.63970001, 0.63970001])
"""
from .core import (ConcretizationError, EscapedTracerError, GradkitError, MissingRuleError, NonDifferentiableError,
                   Primitive, ShapeError, UnsupportedFunctionError, primal, tree_flatten, tree_map, tree_unflatten)
from .transforms import (DifferentiationTypeError, checkpoint, custom_jvp, custom_vjp, defgrad, defjvp, defvjp,
                         elementwise_grad, grad, hessian, hessian_tensor_product, hessian_vector_product,
                         holomorphic_grad, hvp, jacfwd, jacobian, jacrev, jvp, linearize, make_jvp, make_vjp,
                         primitive, register_pytree_node, stop_gradient, value_and_grad, vjp, vmap, jit,
                         deriv, grad_and_aux, grad_named, make_ggnvp, make_hvp, multigrad_dict,
                         tensor_jacobian_product, vector_jacobian_product)
from .builtins import dict, isinstance, list, tuple, type  # noqa: A004  (autograd's names, for its programs)
from . import numpy  # noqa: F401  (attaches array behaviour to traced values)

__version__ = "0.1.0"


_LAZY_SUBMODULES = ("memory", "graph", "lab", "numeric", "optim", "problems", "scipy")  # imported on first use


def __getattr__(name):
    if name in _LAZY_SUBMODULES:
        import importlib
        return importlib.import_module(f"{__name__}.{name}")
    if name == "check_grads":
        from .numeric.check import check_grads
        return check_grads
    raise AttributeError(f"module 'gradkit' has no attribute '{name}'")
