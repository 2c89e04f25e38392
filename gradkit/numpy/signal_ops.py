"""Convolution: one bilinear primitive, the full N-d convolution, from which numpy.convolve
(1-d, modes full/same/valid) and gradkit.scipy.signal.convolve/correlate are slices.

The transpose of convolving with b is correlating with b: the cotangent of a is the full
convolution of g with b flipped, cut back to a's extent (no conjugation, autograd's convention).
"""
import numpy as _np

from ..core import Primitive
from .declare import shape_of
from .shape import flip

__all__ = ["convolve"]


def _convolve_full_impl(a, b):
    if _np.ndim(a) == 1:
        return _np.convolve(a, b, mode="full")
    from scipy.signal import convolve as _scipy_convolve  # imported on first use (slow to import)
    return _scipy_convolve(a, b, mode="full")


def _window(x, starts, sizes):
    """x[starts[k] : starts[k] + sizes[k]] along every axis k."""
    return x[tuple(slice(s, s + n) for s, n in zip(starts, sizes))]


def _convolve_transpose(g, other, own_shape):
    """The cotangent of one factor of a full convolution: g correlated with the other factor."""
    full = convolve_full(g, flip(other))
    return _window(full, [n - 1 for n in shape_of(other)], own_shape)


convolve_full = Primitive("convolve_full", _convolve_full_impl)
convolve_full.defvjp(lambda g, ans, a, b: _convolve_transpose(g, b, shape_of(a)),
                     lambda g, ans, a, b: _convolve_transpose(g, a, shape_of(b)), reads=((1,), (0,)))
convolve_full.defjvp(lambda t, ans, a, b: convolve_full(t, b),
                     lambda t, ans, a, b: convolve_full(a, t))


def convolve_mode(a, b, mode, same_as):
    """The full convolution of a and b cut to `mode`: "full"; "same" (centred, the shape of
    `same_as`); "valid" (where one array covers the other completely)."""
    full = convolve_full(a, b)
    sa, sb = shape_of(a), shape_of(b)
    if mode == "full":
        return full
    if mode == "same":
        fs = shape_of(full)
        return _window(full, [(f - n) // 2 for f, n in zip(fs, same_as)], same_as)
    if mode == "valid":
        sizes = [abs(m - n) + 1 for m, n in zip(sa, sb)]
        return _window(full, [min(m, n) - 1 for m, n in zip(sa, sb)], sizes)
    raise ValueError(f"convolve: mode must be 'full', 'same' or 'valid', not {mode!r}")


def convolve(a, v, mode="full"):
    """np.convolve of two 1-d arrays, differentiable in both.

    >>> import gradkit, gradkit.numpy as np
    >>> gradkit.grad(lambda v: np.convolve(np.array([1.0, 2.0]), v, "valid").sum())(np.array([1.0, 1.0, 1.0]))
    array([2., 3., 1.])
    """
    if len(shape_of(a)) != 1 or len(shape_of(v)) != 1:
        raise ValueError("numpy.convolve takes two 1-d arrays")
    if not shape_of(a)[0] or not shape_of(v)[0]:
        raise ValueError("numpy.convolve: an input is empty")
    longer = shape_of(a) if shape_of(a)[0] >= shape_of(v)[0] else shape_of(v)
    return convolve_mode(a, v, mode, longer)
