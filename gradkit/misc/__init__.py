"""Tools beyond the engine that autograd programs import (autograd.misc): a fixed-point
solver with an implicit derivative, flatten, const_graph, and the optimisers of autograd's
examples."""
import functools

from .fixed_points import fixed_point
from .flatten import flatten  # the function, as autograd.misc.flatten is (flatten_func: from .flatten)

__all__ = ["fixed_point", "flatten", "const_graph"]


def const_graph(fun, *args, **kwargs):
    """autograd.misc.const_graph: fun, with args and kwargs bound first, recorded once and
    replayed for new values, for functions whose computation does not depend on the
    values: gradkit.jit (which records once per input shape and dtype).

    >>> import gradkit.numpy as np
    >>> scaled_sin = const_graph(lambda s, x: s * np.sin(x), 2.0)
    >>> scaled_sin(np.array([0.0])), scaled_sin(np.array([np.pi / 2]))
    (array([0.]), array([2.]))
    """
    from ..transforms import jit
    return jit(functools.partial(fun, *args, **kwargs))
