"""gradkit.numpy.linalg: differentiable counterparts of numpy.linalg."""
import numpy as _np

from ..core import primal as _p
from .declare import nondiff, shape_of
from .elementwise import absolute, conj, power, real, sqrt
from .reductions import max, min, sum
from .products import matmul

__all__ = ["norm", "matrix_rank", "cond"]

LinAlgError = _np.linalg.LinAlgError


def norm(x, ord=None, axis=None, keepdims=False):
    """np.linalg.norm for vector and matrix ords. Its derivative is undefined where the
    norm is not differentiable (at 0 for most ords; at ties for max-type ords a subgradient)."""
    ndim = len(shape_of(x))
    if axis is None and (ord is None or ndim == 1 or ndim > 2):
        if ord is not None and ndim > 2:
            raise ValueError("Improper number of dimensions to norm.")
        axis = tuple(range(ndim)) if ord is None else 0
    if _np.ndim(axis) != 0 and len(axis) == 2:
        return _matrix_norm(x, ord, tuple(a % ndim for a in axis), keepdims)
    if axis is None:
        return _matrix_norm(x, ord, (0, 1), keepdims)
    return _vector_norm(x, ord, axis, keepdims)


def _sq_abs(x):
    return real(x * conj(x)) if _np.iscomplexobj(_p(x)) else x * x


def _vector_norm(x, ord, axis, keepdims):
    if ord is None or ord == 2:
        return sqrt(sum(_sq_abs(x), axis=axis, keepdims=keepdims))
    if ord == _np.inf:
        return max(absolute(x), axis=axis, keepdims=keepdims)
    if ord == -_np.inf:
        return min(absolute(x), axis=axis, keepdims=keepdims)
    if ord == 0:
        return _np.sum(_p(x) != 0, axis=axis, keepdims=keepdims).astype(float)
    if ord == 1:
        return sum(absolute(x), axis=axis, keepdims=keepdims)
    return power(sum(power(absolute(x), ord), axis=axis, keepdims=keepdims), 1.0 / ord)


def _matrix_norm(x, ord, axes, keepdims):
    from .shape import expand_dims, moveaxis
    r, c = axes
    if ord in (None, "fro"):
        out = sqrt(sum(_sq_abs(x), axis=axes))
    elif ord in (1, -1):
        out = (max if ord == 1 else min)(sum(absolute(x), axis=r), axis=c - (c > r))
    elif ord in (_np.inf, -_np.inf):
        out = (max if ord > 0 else min)(sum(absolute(x), axis=c), axis=r - (r > c))
    elif ord in (2, -2, "nuc"):
        s = svd(moveaxis(x, (r, c), (-2, -1)), compute_uv=False)
        out = {2: max, -2: min, "nuc": sum}[ord](s, axis=-1)
    else:
        raise ValueError(f"Invalid norm order {ord!r} for matrices.")
    if keepdims:
        for a in sorted(axes):
            out = expand_dims(out, a)
    return out


matrix_rank = nondiff(_np.linalg.matrix_rank)
cond = nondiff(_np.linalg.cond)


def svd(a, full_matrices=True, compute_uv=True, hermitian=False):  # replaced by the linalg module
    raise NotImplementedError("gradkit.numpy.linalg.svd is not available yet")
