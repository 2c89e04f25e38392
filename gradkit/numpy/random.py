"""numpy.random's functions, so that `import gradkit.numpy.random as npr` works as
`import autograd.numpy.random` does (random draws carry no derivative)."""
import numpy.random as _random
from numpy.random import *  # noqa: F401,F403

__all__ = [n for n in dir(_random) if not n.startswith("_")]


def __getattr__(name):  # whatever else numpy.random has (its submodules, private helpers)
    return getattr(_random, name)
