"""np.vectorize on traced values: the Python function is called on each of the broadcast
elements, traced ones among them, as NumPy calls it (a loop, for convenience rather than
speed), so its derivative flows and its Python control flow sees each element's value.
For speed, write the function with gradkit.numpy on whole arrays, or use gradkit.vmap."""
import functools

import numpy as _np

from ..core import Tracer

__all__ = ["vectorize"]


class vectorize(_np.vectorize):
    """numpy.vectorize; on traced arguments the function is applied to each element, so
    derivatives flow. gradkit supports the elementwise form (no `signature=`, no
    `excluded=`) with traced values; NumPy's own handles plain ones.

    >>> import gradkit as gk, numpy as onp
    >>> relu = vectorize(lambda t: t if t > 0 else 0.0 * t)
    >>> gk.grad(lambda x: relu(x).sum())(onp.array([-1.0, 2.0]))
    array([0., 1.])
    """

    def __call__(self, *args, **kwargs):
        if not any(type(a) is Tracer for a in args) and not any(type(v) is Tracer for v in kwargs.values()):
            return super().__call__(*args, **kwargs)
        if self.signature is not None or self.excluded or kwargs:
            raise NotImplementedError(
                "gradkit.numpy.vectorize on traced values supports the elementwise form only (no "
                "signature=, excluded= or keyword arguments). Fix: call gradkit.vmap on the function, "
                "with in_axes for the arguments that are not mapped.")
        from .creation import asarray
        from .shape import broadcast_arrays, ravel, reshape, stack
        parts = broadcast_arrays(*[asarray(a) for a in args])
        flat = [ravel(p) for p in parts]
        out = [asarray(self.pyfunc(*[f[k] for f in flat])) for k in range(flat[0].shape[0])]
        return reshape(stack(out), parts[0].shape) if out else reshape(asarray(flat[0]) * 0.0, parts[0].shape)

    __call__.__doc__ = None
    __call__ = functools.wraps(_np.vectorize.__call__)(__call__)
