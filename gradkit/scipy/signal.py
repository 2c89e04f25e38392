"""gradkit.scipy.signal: N-d convolution and correlation, differentiable in both inputs
(slices of one full-convolution primitive, gradkit.numpy.signal_ops.convolve_full)."""
from ..numpy.declare import shape_of
from ..numpy.elementwise import conj
from ..numpy.shape import flip
from ..numpy.signal_ops import convolve_mode

__all__ = ["convolve", "correlate"]


def _check(in1, in2, mode, name):
    s1, s2 = shape_of(in1), shape_of(in2)
    if len(s1) != len(s2):
        raise ValueError(f"{name}: in1 and in2 should have the same dimensionality")
    if mode == "valid" and not (all(m >= n for m, n in zip(s1, s2)) or all(n >= m for m, n in zip(s1, s2))):
        raise ValueError(f"{name}: for 'valid' mode, one must be at least as large as the other in every "
                         f"dimension")


def convolve(in1, in2, mode="full", method="auto"):
    """scipy.signal.convolve (modes full, same, valid; the method only affects rounding).

    >>> import gradkit, gradkit.numpy as np, gradkit.scipy.signal as signal
    >>> gradkit.grad(lambda x: signal.convolve(x, np.array([1.0, -1.0]), "valid").sum())(np.array([1.0, 4.0, 9.0]))
    array([-1.,  0.,  1.])
    """
    _check(in1, in2, mode, "convolve")
    return convolve_mode(in1, in2, mode, shape_of(in1))


def correlate(in1, in2, mode="full", method="auto"):
    """scipy.signal.correlate: the convolution of in1 with in2 flipped and conjugated."""
    _check(in1, in2, mode, "correlate")
    return convolve_mode(in1, conj(flip(in2)), mode, shape_of(in1))
