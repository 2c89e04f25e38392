"""autograd.builtins' names, for autograd programs: `tuple`, `list` and `dict` are Python's
own (gradkit's traces see through Python containers of traced values), and `isinstance` and
`type` see a traced value as the array it stands for.

>>> import gradkit as gk, gradkit.numpy as np
>>> gk.grad(lambda x: np.sum(x) if gk.isinstance(x, np.ndarray) else 0.0)(np.ones(2))
array([1., 1.])
"""
import builtins as _builtins

from .core import primal

tuple, list, dict = _builtins.tuple, _builtins.list, _builtins.dict

__all__ = ["isinstance", "type", "tuple", "list", "dict"]


def isinstance(obj, classinfo):
    """Python's isinstance, a traced value taken as its plain value (an ndarray, a float...).

    >>> import numpy
    >>> isinstance(numpy.ones(2), numpy.ndarray)
    True
    """
    return _builtins.isinstance(primal(obj), classinfo)


def type(obj, *rest):
    """Python's type, a traced value taken as its plain value; type(name, bases, namespace)
    makes a class, as Python's does.

    >>> type(2.0).__name__
    'float'
    """
    return _builtins.type(obj, *rest) if rest else _builtins.type(primal(obj))
