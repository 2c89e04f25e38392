"""Tools beyond the engine that autograd programs import (autograd.misc): a fixed-point
solver with an implicit derivative."""
from .fixed_points import fixed_point

__all__ = ["fixed_point"]
