"""Tools beyond the engine that autograd programs import (autograd.misc): a fixed-point
solver with an implicit derivative, flatten, and the optimisers of autograd's examples."""
from .fixed_points import fixed_point
from .flatten import flatten  # the function, as autograd.misc.flatten is (flatten_func: from .flatten)

__all__ = ["fixed_point", "flatten"]
