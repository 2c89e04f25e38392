"""gradkit.scipy.signal: N-d convolution and correlation, differentiable in both inputs
(slices of one full-convolution primitive, gradkit.numpy.signal_ops.convolve_full).

Both also take autograd's generalised form, how a convolutional network is written for
autograd: `axes=(axes of in1, axes of in2)` are convolved pairwise, `dot_axes=(..., ...)`
are summed over pairwise (a tensor dot, e.g. over input channels), and every other axis is
an outer product. The result has in1's other axes, then in2's, then the convolved ones:

    convolve(images, filters, axes=([2, 3], [2, 3]), dot_axes=([1], [1]), mode="valid")
    # images (N, C, H, W), filters (K, C, h, w) -> (N, K, H - h + 1, W - w + 1)

It is one full convolution of the two arrays laid out so that the outer axes meet a unit
axis (a product) and the dot axes meet their reversal (its middle entry is the sum).
"""
from ..numpy.declare import shape_of
from ..numpy.elementwise import conj
from ..numpy.shape import flip, reshape, transpose
from ..numpy.signal_ops import _window, convolve_full, convolve_mode

__all__ = ["convolve", "correlate"]


def _check(in1, in2, mode, name):
    s1, s2 = shape_of(in1), shape_of(in2)
    if len(s1) != len(s2):
        raise ValueError(f"{name}: in1 and in2 should have the same dimensionality")
    _check_valid([(m, n) for m, n in zip(s1, s2)], mode, name)


def _check_valid(pairs, mode, name):
    if mode == "valid" and not (all(m >= n for m, n in pairs) or all(n >= m for m, n in pairs)):
        raise ValueError(f"{name}: for 'valid' mode, one must be at least as large as the other in every "
                         f"dimension")


def _generalised(in1, in2, axes, dot_axes, mode, name):
    s1, s2 = shape_of(in1), shape_of(in2)
    if axes is None:
        if len(s1) != len(s2):
            raise ValueError(f"{name}: without axes=, in1 and in2 need the same number of dimensions")
        axes = (range(len(s1)), range(len(s2)))
    conv1, conv2 = ([a % len(s) for a in ax] for ax, s in zip(axes, (s1, s2)))
    dot1, dot2 = ([a % len(s) for a in ax] for ax, s in zip(dot_axes, (s1, s2)))
    if len(conv1) != len(conv2) or len(dot1) != len(dot2):
        raise ValueError(f"{name}: axes and dot_axes pair axes of in1 with axes of in2; got {axes}, {dot_axes}")
    if [s1[a] for a in dot1] != [s2[b] for b in dot2]:
        raise ValueError(f"{name}: the dot_axes of in1 and in2 differ in size: "
                         f"{[s1[a] for a in dot1]} vs {[s2[b] for b in dot2]}")
    if len(set(conv1 + dot1)) < len(conv1 + dot1) or len(set(conv2 + dot2)) < len(conv2 + dot2):
        raise ValueError(f"{name}: an axis is named twice in axes / dot_axes")
    if mode not in ("full", "same", "valid"):
        raise ValueError(f"{name}: mode must be 'full', 'same' or 'valid', not {mode!r}")
    _check_valid([(s1[a], s2[b]) for a, b in zip(conv1, conv2)], mode, name)
    other1 = [a for a in range(len(s1)) if a not in conv1 + dot1]
    other2 = [b for b in range(len(s2)) if b not in conv2 + dot2]
    n1, n2, nd = len(other1), len(other2), len(dot1)
    # in1 as (other1, 1 for other2, dot, conv); in2 as (1 for other1, other2, reversed dot, conv)
    a = transpose(in1, other1 + dot1 + conv1)
    a = reshape(a, shape_of(a)[:n1] + (1,) * n2 + shape_of(a)[n1:])
    b = transpose(in2, other2 + dot2 + conv2)
    if nd:
        b = flip(b, axis=tuple(range(n2, n2 + nd)))
    b = reshape(b, (1,) * n1 + shape_of(b))
    full = convolve_full(a, b)
    keep = [slice(None)] * (n1 + n2) + [d - 1 for d in shape_of(a)[n1 + n2:n1 + n2 + nd]]
    full = full[tuple(keep)]
    c1, c2 = [s1[i] for i in conv1], [s2[i] for i in conv2]
    lead = [0] * (n1 + n2)
    outer = list(shape_of(full)[:n1 + n2])
    if mode == "full":
        return full
    if mode == "same":
        return _window(full, lead + [(m + n - 1 - m) // 2 for m, n in zip(c1, c2)], outer + c1)
    return _window(full, lead + [min(m, n) - 1 for m, n in zip(c1, c2)],
                   outer + [abs(m - n) + 1 for m, n in zip(c1, c2)])


def _forms(mode, method, axes, dot_axes):
    # autograd's order is convolve(A, B, axes, dot_axes, mode): a non-string third or fourth
    # positional argument is axes / dot_axes
    if not isinstance(mode, str):
        mode, axes = "full", mode
    if method is not None and not isinstance(method, str):
        method, dot_axes = "auto", method
    return mode, axes, dot_axes


def convolve(in1, in2, mode="full", method="auto", axes=None, dot_axes=((), ())):
    """scipy.signal.convolve (modes full, same, valid; the method only affects rounding), and
    autograd's generalised form with axes= and dot_axes= (see the module docstring).

    >>> import gradkit, gradkit.numpy as np, gradkit.scipy.signal as signal
    >>> gradkit.grad(lambda x: signal.convolve(x, np.array([1.0, -1.0]), "valid").sum())(np.array([1.0, 4.0, 9.0]))
    array([-1.,  0.,  1.])
    """
    mode, axes, dot_axes = _forms(mode, method, axes, dot_axes)
    if axes is None and not any(dot_axes):
        _check(in1, in2, mode, "convolve")
        return convolve_mode(in1, in2, mode, shape_of(in1))
    return _generalised(in1, in2, axes, dot_axes, mode, "convolve")


def correlate(in1, in2, mode="full", method="auto", axes=None, dot_axes=((), ())):
    """scipy.signal.correlate: the convolution of in1 with in2 flipped (along the convolved
    axes) and conjugated; axes= and dot_axes= as in convolve.

    Differentiable in ``in1`` and ``in2`` in both modes, to any order (a convolution).
    Returns the correlation, traced when ``in1`` or ``in2`` is.

    >>> import gradkit as gk, gradkit.numpy as np, gradkit.scipy.signal as signal
    >>> signal.correlate(np.array([1.0, 2.0, 3.0]), np.array([0.0, 1.0]))
    array([1., 2., 3., 0.])
    >>> gk.grad(lambda v: signal.correlate(np.array([1.0, 2.0, 3.0]), v)[0])(np.zeros(2))   # c[0] = a0 v1
    array([0., 1.])
    """
    mode, axes, dot_axes = _forms(mode, method, axes, dot_axes)
    if axes is None and not any(dot_axes):
        _check(in1, in2, mode, "correlate")
        return convolve_mode(in1, conj(flip(in2)), mode, shape_of(in1))
    conv2 = range(len(shape_of(in2))) if axes is None else axes[1]
    return _generalised(in1, conj(flip(in2, axis=tuple(conv2))), axes, dot_axes, mode, "correlate")
