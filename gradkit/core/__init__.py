"""The engine: traced values, primitives, trace levels, forward and reverse sweeps, pytrees.

It knows nothing of NumPy's function list; gradkit.numpy declares the primitives.
"""
from .errors import (ConcretizationError, EscapedTracerError, GradkitError, MissingRuleError, NonDifferentiableError,
                     ShapeError, UnsupportedFunctionError)
from .batching import BatchTrace
from .forward import JVPTrace
from .primitive import Primitive
from .reverse import Tape
from .trace import Tracer, close, concrete, is_traced, new_level, primal, value_at
from .tree import TreeDef, tree_flatten, tree_leaves_like, tree_map, tree_unflatten
