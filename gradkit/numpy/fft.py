"""gradkit.numpy.fft: the discrete Fourier transforms, differentiable (numpy.fft's names).

Every transform is linear, so its JVP is the transform of the tangent. Its VJP is its
transpose, not its adjoint (autograd's complex convention): the DFT matrix is symmetric,
so fft's transpose is fft itself (with the same norm), undoing the zero-padding or
truncation that n/s asked for. rfft and irfft are real-linear maps between R^n and the
n//2 + 1 non-negative frequencies; their transposes are written out below. The
multi-dimensional real transforms are compositions, as NumPy computes them.
"""
import numpy as _np

from ..core import Primitive
from ..core import primal as _p
from .declare import is_complex, shape_of
from .elementwise import conj, real
from .shape import concatenate, roll

__all__ = ["fft", "ifft", "fft2", "ifft2", "fftn", "ifftn", "rfft", "irfft", "rfft2", "irfft2", "rfftn", "irfftn",
           "hfft", "ihfft", "fftshift", "ifftshift", "fftfreq", "rfftfreq"]

fftfreq, rfftfreq = _np.fft.fftfreq, _np.fft.rfftfreq  # no array input: plain NumPy


def _negative_axes(axes, ndim):
    """Axes counted from the end: they then mean the same under vmap's leading batch axis."""
    return tuple(a % ndim - ndim for a in axes)


def _along(axis, index):
    """An index applying `index` along the (negative) axis."""
    return (Ellipsis, index) + (slice(None),) * (-axis - 1)


def _fit(x, axes, sizes):
    """x truncated or zero-padded at the end to `sizes` along `axes` (negative): the
    transpose of that operation on the way in is this one on the way back."""
    for ax, n in zip(axes, sizes):
        cur = shape_of(x)[ax]
        if cur > n:
            x = x[_along(ax, slice(0, n))]
        elif cur < n:
            shape = list(shape_of(x))
            shape[ax] = n - cur
            x = concatenate([x, _np.zeros(shape, _np.result_type(_p(x)))], axis=ax)
    return x


def _natively_batched(prim):
    prim.defbatch(lambda batched, x, **params: prim(x, **params))
    return prim


# -- complex transforms: fft, ifft and their n-d forms, one primitive ----------------------
def _fftn_impl(x, s=None, axes=(-1,), norm=None, inverse=False):
    return (_np.fft.ifftn if inverse else _np.fft.fftn)(x, s=s, axes=axes, norm=norm)


def _fftn_vjp(g, ans, x, s=None, axes=(-1,), norm=None, inverse=False):
    ct = _fftn_p(g, s=None, axes=axes, norm=norm, inverse=inverse)   # the DFT matrix is symmetric
    ct = _fit(ct, axes, [shape_of(x)[a] for a in axes])
    return ct if is_complex(x) else real(ct)


_fftn_p = _natively_batched(Primitive("fftn", _fftn_impl))
_fftn_p.defvjp(_fftn_vjp, reads=((),))  # linear: the transposes read shapes and dtypes only
_fftn_p.defjvp(lambda t, ans, x, **params: _fftn_p(t, **params))


def _nd_args(x, s, axes):
    """numpy.fft's defaults: every axis (or the last len(s)) and their current lengths."""
    nd = len(shape_of(x))
    if axes is None:
        axes = tuple(range(nd)) if s is None else tuple(range(-len(s), 0))
    axes = _negative_axes(axes, nd)
    if s is not None:
        s = tuple(int(n) for n in s)
    return s, axes


def _complex_transform(x, s, axes, norm, inverse):
    s, axes = _nd_args(x, s, axes)
    return _fftn_p(x, s=s, axes=axes, norm=norm, inverse=inverse)


def fft(a, n=None, axis=-1, norm=None):
    """np.fft.fft. Its transpose is fft itself, so the VJP of an fft is an fft.

    >>> import gradkit, gradkit.numpy as np
    >>> gradkit.grad(lambda x: np.real(np.fft.fft(x))[1])(np.array([1.0, 2.0, 3.0, 4.0]))
    array([ 1.,  0., -1.,  0.])
    """
    return _complex_transform(a, None if n is None else (n,), (axis,), norm, False)


def ifft(a, n=None, axis=-1, norm=None):
    """Differentiable ``numpy.fft.ifft``: the inverse DFT along ``axis`` (length ``n``, ``norm``
    as NumPy's).

    Differentiable in ``a`` in both modes, to any order (a linear map); the VJP is its
    transpose, an ifft again, under autograd's complex convention. Returns a complex array,
    traced when ``a`` is.

    >>> import gradkit as gk, gradkit.numpy as np
    >>> gk.grad(lambda x: np.real(np.fft.ifft(x))[0])(np.ones(4))  # ifft(x)[0] is the mean
    array([0.25, 0.25, 0.25, 0.25])
    """
    return _complex_transform(a, None if n is None else (n,), (axis,), norm, True)


def fftn(a, s=None, axes=None, norm=None):
    """Differentiable ``numpy.fft.fftn``: the DFT over ``axes`` (all by default), lengths ``s``.

    Differentiable in ``a`` in both modes, to any order (a linear map whose transpose is
    itself). Returns a complex array, traced when ``a`` is.

    >>> import gradkit as gk, gradkit.numpy as np
    >>> gk.grad(lambda x: np.real(np.fft.fftn(x))[0, 0])(np.zeros((2, 2)))  # the zero frequency: the sum
    array([[1., 1.],
           [1., 1.]])
    """
    return _complex_transform(a, s, axes, norm, False)


def ifftn(a, s=None, axes=None, norm=None):
    """Differentiable ``numpy.fft.ifftn``: the inverse DFT over ``axes`` (all by default), lengths ``s``.

    Differentiable in ``a`` in both modes, to any order (a linear map). Returns a complex
    array, traced when ``a`` is.

    >>> import gradkit as gk, gradkit.numpy as np
    >>> gk.grad(lambda x: np.real(np.fft.ifftn(x))[0, 0])(np.zeros((2, 2)))  # the mean
    array([[0.25, 0.25],
           [0.25, 0.25]])
    """
    return _complex_transform(a, s, axes, norm, True)


def fft2(a, s=None, axes=(-2, -1), norm=None):
    """Differentiable ``numpy.fft.fft2``: ``fftn`` over the last two axes.

    Differentiable in ``a`` in both modes, to any order (a linear map). Returns a complex
    array, traced when ``a`` is.

    >>> import gradkit as gk, gradkit.numpy as np
    >>> gk.grad(lambda x: np.real(np.fft.fft2(x))[0, 1])(np.zeros((2, 2)))  # column 0 minus column 1
    array([[ 1., -1.],
           [ 1., -1.]])
    """
    return _complex_transform(a, s, axes, norm, False)


def ifft2(a, s=None, axes=(-2, -1), norm=None):
    """Differentiable ``numpy.fft.ifft2``: ``ifftn`` over the last two axes.

    Differentiable in ``a`` in both modes, to any order (a linear map). Returns a complex
    array, traced when ``a`` is.

    >>> import gradkit as gk, gradkit.numpy as np
    >>> gk.grad(lambda x: np.real(np.fft.ifft2(x))[0, 0])(np.zeros((2, 2)))
    array([[0.25, 0.25],
           [0.25, 0.25]])
    """
    return _complex_transform(a, s, axes, norm, True)


# -- real transforms ---------------------------------------------------------------------
def _rfft_impl(x, n=None, axis=-1, norm=None):
    if _np.iscomplexobj(x):  # extended by linearity (complex tangents of real inputs meet it)
        return _rfft_impl(x.real, n, axis, norm) + 1j * _rfft_impl(x.imag, n, axis, norm)
    return _np.fft.rfft(x, n=n, axis=axis, norm=norm)


def _rfft_vjp(g, ans, x, n=None, axis=-1, norm=None):
    # rfft = (first n//2 + 1 rows) o fft: its transpose zero-pads g to n and applies fft
    length = shape_of(x)[axis] if n is None else n
    ct = _fftn_p(_fit(g, (axis,), (length,)), s=None, axes=(axis,), norm=norm, inverse=False)
    ct = _fit(ct, (axis,), (shape_of(x)[axis],))
    return ct if is_complex(x) else real(ct)


_rfft_p = _natively_batched(Primitive("rfft", _rfft_impl))
_rfft_p.defvjp(_rfft_vjp, reads=((),))
_rfft_p.defjvp(lambda t, ans, x, **params: _rfft_p(t, **params))


def _irfft_impl(c, n=None, axis=-1, norm=None):
    return _np.fft.irfft(c, n=n, axis=axis, norm=norm)


def _irfft_vjp(g, ans, c, n=None, axis=-1, norm=None):
    # irfft(c)_t = scale * Re(sum_k w_k c_k exp(2 pi i k t / n)), w = 1, 2, ..., 2, (1 at n/2),
    # so the transpose (autograd's convention) is scale * w_k * conj(rfft(g))_k
    length = shape_of(ans)[axis]
    scale = {None: 1.0 / length, "backward": 1.0 / length, "ortho": 1.0 / _np.sqrt(length), "forward": 1.0}[norm]
    w = _np.full(length // 2 + 1, 2.0)
    w[0] = 1.0
    if length % 2 == 0:
        w[-1] = 1.0
    w = (scale * w).reshape((-1,) + (1,) * (-axis - 1))
    if is_complex(g):  # the output is real: an imaginary part of g pairs with nothing
        g = real(g)
    ct = _fit(w * conj(_rfft_p(g, n=None, axis=axis, norm="backward")), (axis,), (shape_of(c)[axis],))
    return ct if is_complex(c) else real(ct)


_irfft_p = _natively_batched(Primitive("irfft", _irfft_impl))
_irfft_p.defvjp(_irfft_vjp, reads=((),))
_irfft_p.defjvp(lambda t, ans, c, **params: _irfft_p(t, **params))


def rfft(a, n=None, axis=-1, norm=None):
    """np.fft.rfft: the non-negative frequencies of a real signal.

    Differentiable in ``a`` in both modes, to any order (a real-linear map to the n//2 + 1
    non-negative frequencies; its transpose zero-pads and applies fft). Returns a complex
    array, traced when ``a`` is.

    >>> import gradkit as gk, gradkit.numpy as np
    >>> gk.grad(lambda x: np.real(np.fft.rfft(x))[1])(np.zeros(4))  # cos(2 pi t / 4)
    array([ 1.,  0., -1.,  0.])
    """
    return _rfft_p(a, n=n, axis=_negative_axes((axis,), len(shape_of(a)))[0], norm=norm)


def irfft(a, n=None, axis=-1, norm=None):
    """np.fft.irfft: the real signal (length n, default 2 (m - 1)) with these non-negative frequencies.

    Differentiable in ``a`` in both modes, to any order (a real-linear map). Returns a real
    array, traced when ``a`` is.

    >>> import gradkit as gk, gradkit.numpy as np
    >>> gk.grad(lambda c: np.fft.irfft(c)[0])(np.zeros(3))  # (c0 + 2 c1 + c2) / 4 for n = 4
    array([0.25, 0.5 , 0.25])
    """
    return _irfft_p(a, n=n, axis=_negative_axes((axis,), len(shape_of(a)))[0], norm=norm)


def rfftn(a, s=None, axes=None, norm=None):
    """np.fft.rfftn: rfft along the last axis, then fft along the others.

    Differentiable in ``a`` in both modes, to any order. Returns a complex array, traced
    when ``a`` is.

    >>> import gradkit as gk, gradkit.numpy as np
    >>> gk.grad(lambda x: np.real(np.fft.rfftn(x))[0, 0])(np.zeros((2, 2)))  # the sum
    array([[1., 1.],
           [1., 1.]])
    """
    s, axes = _nd_args(a, s, axes)
    s = s or [None] * len(axes)
    out = rfft(a, s[-1], axes[-1], norm)
    for n, ax in zip(s[:-1], axes[:-1]):
        out = fft(out, n, ax, norm)
    return out


def irfftn(a, s=None, axes=None, norm=None):
    """np.fft.irfftn: ifft along all but the last axis, then irfft along it.

    Differentiable in ``a`` in both modes, to any order. Returns a real array, traced when
    ``a`` is.

    >>> import gradkit as gk, gradkit.numpy as np
    >>> gk.grad(lambda c: np.fft.irfftn(c)[0, 0])(np.zeros((2, 2)))  # output 2 x 2: the mean of the spectrum
    array([[0.25, 0.25],
           [0.25, 0.25]])
    """
    s, axes = _nd_args(a, s, axes)
    s = s or [None] * len(axes)
    for n, ax in zip(s[:-1], axes[:-1]):
        a = ifft(a, n, ax, norm)
    return irfft(a, s[-1], axes[-1], norm)


def rfft2(a, s=None, axes=(-2, -1), norm=None):
    """Differentiable ``numpy.fft.rfft2``: ``rfftn`` over the last two axes.

    Differentiable in ``a`` in both modes, to any order. Returns a complex array, traced
    when ``a`` is.

    >>> import gradkit as gk, gradkit.numpy as np
    >>> gk.grad(lambda x: np.real(np.fft.rfft2(x))[0, 0])(np.zeros((2, 2)))
    array([[1., 1.],
           [1., 1.]])
    """
    return rfftn(a, s, axes, norm)


def irfft2(a, s=None, axes=(-2, -1), norm=None):
    """Differentiable ``numpy.fft.irfft2``: ``irfftn`` over the last two axes.

    Differentiable in ``a`` in both modes, to any order. Returns a real array, traced when
    ``a`` is.

    >>> import gradkit as gk, gradkit.numpy as np
    >>> gk.grad(lambda c: np.fft.irfft2(c)[0, 0])(np.zeros((2, 2)))
    array([[0.25, 0.25],
           [0.25, 0.25]])
    """
    return irfftn(a, s, axes, norm)


_SWAP = {None: "forward", "backward": "forward", "ortho": "ortho", "forward": "backward"}


def hfft(a, n=None, axis=-1, norm=None):
    """np.fft.hfft: the real spectrum of a signal with Hermitian symmetry.

    Differentiable in ``a`` in both modes, to any order (irfft of conj(a), norms swapped).
    Returns a real array of length ``n`` (default 2 (m - 1)), traced when ``a`` is.

    >>> import gradkit as gk, gradkit.numpy as np
    >>> gk.grad(lambda a: np.fft.hfft(a)[0])(np.zeros(3))  # a0 + 2 a1 + a2
    array([1., 2., 1.])
    """
    return irfft(conj(a), n, axis, _SWAP[norm])


def ihfft(a, n=None, axis=-1, norm=None):
    """Differentiable ``numpy.fft.ihfft``: the inverse of ``hfft``, conj(rfft(a)) with the
    norms swapped (1/n by default).

    Differentiable in ``a`` in both modes, to any order. Returns the n//2 + 1 complex
    coefficients, traced when ``a`` is.

    >>> import gradkit as gk, gradkit.numpy as np
    >>> gk.grad(lambda a: np.real(np.fft.ihfft(a))[0])(np.zeros(4))  # the mean
    array([0.25, 0.25, 0.25, 0.25])
    """
    return conj(rfft(a, n, axis, _SWAP[norm]))


# -- shifts -------------------------------------------------------------------------------
def _shift_axes(x, axes):
    nd = len(shape_of(x))
    if axes is None:
        return tuple(range(nd))
    return (axes,) if _np.ndim(axes) == 0 else tuple(axes)


def fftshift(x, axes=None):
    """np.fft.fftshift: the zero frequency moved to the centre (a roll, so linear).

    Differentiable in ``x`` in both modes, to any order. Returns the shifted array, traced
    when ``x`` is.

    >>> import gradkit as gk, gradkit.numpy as np
    >>> np.fft.fftshift(np.array([0.0, 1.0, 2.0]))
    array([2., 0., 1.])
    >>> gk.grad(lambda x: np.fft.fftshift(x)[0])(np.zeros(3))
    array([0., 0., 1.])
    """
    axes = _shift_axes(x, axes)
    return roll(x, [shape_of(x)[a] // 2 for a in axes], axes)


def ifftshift(x, axes=None):
    """Differentiable ``numpy.fft.ifftshift``: the inverse of ``fftshift`` (a roll, so linear).

    Differentiable in ``x`` in both modes, to any order. Returns the shifted array, traced
    when ``x`` is.

    >>> import gradkit as gk, gradkit.numpy as np
    >>> np.fft.ifftshift(np.array([0.0, 1.0, 2.0]))
    array([1., 2., 0.])
    >>> gk.grad(lambda x: np.fft.ifftshift(x)[0])(np.zeros(3))
    array([0., 1., 0.])
    """
    axes = _shift_axes(x, axes)
    return roll(x, [-(shape_of(x)[a] // 2) for a in axes], axes)
