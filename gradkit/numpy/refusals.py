"""NumPy functions that cannot carry a derivative (files, text, memory layout, np.matrix):
NumPy's own on plain values, a clear error on traced ones."""
import functools

from ..core import UnsupportedFunctionError
from .declare import holds_tracer


def refusing(func, reason, name=None):
    """func, refusing traced arguments with an error that names it and says why.

    >>> import gradkit as gk, gradkit.numpy as np
    >>> try:
    ...     gk.grad(lambda x: np.savetxt("never-written.txt", x))(np.ones(2))
    ... except gk.UnsupportedFunctionError as error:
    ...     print(str(error).split(";")[0])
    numpy.savetxt was called on a traced value
    """
    name = name or func.__name__

    @functools.wraps(func)
    def call(*args, **kwargs):
        if holds_tracer(args) or holds_tracer(kwargs):
            raise UnsupportedFunctionError(
                f"numpy.{name} was called on a traced value; it cannot carry a derivative ({reason}). "
                f"Call it on gradkit.primal(x) (or gradkit.stop_gradient(x)) outside the differentiated "
                f"computation.")
        return func(*args, **kwargs)
    return call
