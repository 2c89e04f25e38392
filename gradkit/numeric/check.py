"""check_grads: automatic derivatives against central differences, in random directions.

Forward mode is checked as J v against the finite difference of f along v; reverse mode
by the dot-product test <u, J v> = <J^T u, v>; both recursively to `order`, by applying
the same checks to the derivative maps themselves (autograd's and JAX's recipe).
"""
import functools

import numpy as _np

from ..core import tree_flatten, tree_unflatten
from .finite_diff import directional_derivative

__all__ = ["check_grads", "check_vjp_jvp_adjoint"]


def _random_like(x, rng):
    x = _np.asarray(x)
    v = rng.standard_normal(x.shape)
    if _np.iscomplexobj(x):
        v = v + 1j * rng.standard_normal(x.shape)
    return v


def _vdot(a, b):
    # Re sum(a b), unconjugated: under autograd's complex convention a VJP is the transpose
    # g f'(z), not the adjoint, and the pairing a transpose satisfies has no conjugate
    return _np.real(_np.sum(_np.asarray(a).ravel() * _np.asarray(b).ravel()))


def check_grads(f, argnum=None, modes=("fwd", "rev"), order=2, eps=1e-6, rtol=1e-5, atol=1e-6, seed=0):
    """Return a checker: check_grads(f, ...)(*args) raises AssertionError, naming the
    mode and order, if a derivative of f disagrees with finite differences.

    f takes and returns arrays (or pytrees of arrays) of floats. argnum: the position(s)
    of the arguments to check, as autograd's check_grads takes it (default: all of them);
    modes: "fwd" and/or "rev"; order: how many times to differentiate (2 checks the
    derivatives of the derivative maps too); eps: the central-difference step; rtol, atol:
    the tolerance; seed: of the random directions. The checker returns None when every
    check passes.

    >>> import gradkit.numpy as np
    >>> check_grads(np.sin, order=2)(np.array([0.1, 0.7]))
    >>> check_grads(lambda x, n: x ** n, argnum=0)(np.array([0.1, 0.7]), 3)  # n stays fixed
    """
    rng = _np.random.default_rng(seed)
    nums = None if argnum is None else (argnum,) if isinstance(argnum, (int, _np.integer)) else tuple(argnum)

    def checker(*args, **kwargs):  # keywords go to f unchecked, as autograd's checker passes them
        from ..transforms import _with_args
        bound = functools.partial(f, **kwargs) if kwargs else f
        _check(*_with_args(bound, args, tuple(range(len(args))) if nums is None else nums),
               modes, order, eps, rtol, atol, rng)
    return checker


def _flat_function(f, args):
    """f as a function of one flat vector x of all the argument leaves, returning a flat vector."""
    leaves, treedef = tree_flatten(args)
    shapes = [_np.shape(x) for x in leaves]
    sizes = [int(_np.prod(s)) for s in shapes]
    real = [not _np.iscomplexobj(x) for x in leaves]
    complex_in = not all(real)
    x0 = _np.concatenate([_np.ravel(x) for x in leaves]).astype(complex if complex_in else float)

    def flat(x):
        from .. import numpy as gnp
        parts, k = [], 0
        for s, n, r in zip(shapes, sizes, real):
            part = x[k:k + n]
            parts.append(gnp.reshape(gnp.real(part) if r and complex_in else part, s))  # real leaves stay real
            k += n
        out_leaves, _ = tree_flatten(f(*tree_unflatten(treedef, parts)))
        return gnp.concatenate([gnp.ravel(gnp.asarray(o) if not hasattr(o, "shape") else o) for o in out_leaves])
    return flat, x0


def _check(f, args, modes, order, eps, rtol, atol, rng):
    from ..transforms import jvp, vjp
    flat, x0 = _flat_function(f, args)
    v = _random_like(x0, rng)
    y0 = _np.asarray(flat(x0))
    u = _random_like(y0, rng)
    numeric = directional_derivative(flat, x0, v, step=eps)
    if "fwd" in modes:
        _, analytic = jvp(flat, (x0,), (v,))
        _assert_close(analytic, numeric, rtol, atol, f"forward mode (JVP), order {_depth(f)}")
    if "rev" in modes:
        _, back = vjp(flat, x0)
        (ct,) = back(u)
        _assert_close(_vdot(ct, v), _vdot(u, numeric), rtol, atol,
                      f"reverse mode (VJP, dot-product test), order {_depth(f)}")
    if order > 1:
        if "fwd" in modes:
            tangent_map = _labelled(lambda x, t: jvp(flat, (x,), (t,))[1], f)
            _check(tangent_map, (x0, v), modes, order - 1, eps, rtol, atol, rng)
        if "rev" in modes:
            cotangent_map = _labelled(lambda x, c: vjp(flat, x)[1](c)[0], f)
            _check(cotangent_map, (x0, u), modes, order - 1, eps, rtol, atol, rng)


def _labelled(g, f):
    g.check_depth = _depth(f) + 1
    return g


def _depth(f):
    return getattr(f, "check_depth", 1)


def _assert_close(a, b, rtol, atol, what):
    a, b = _np.asarray(a), _np.asarray(b)
    scale = max(1.0, float(_np.max(_np.abs(b), initial=0.0)))
    if not _np.allclose(a, b, rtol=rtol, atol=atol * scale):
        err = _np.max(_np.abs(a - b))
        raise AssertionError(f"{what}: automatic derivative differs from central differences by {err:.3g} "
                             f"(automatic {a.ravel()[:4]}..., numeric {b.ravel()[:4]}...)")


def check_vjp_jvp_adjoint(f, *args, seed=0, rtol=1e-10):
    """The exact dot-product test <u, J v> == <J^T u, v>, AD against AD (no step size).

    f is called as f(*args) (arrays or pytrees of arrays); u and v are random (seeded by
    `seed`). Returns None; raises AssertionError with both sides when forward and reverse
    mode disagree beyond `rtol`, which, unlike `check_grads`, is at rounding level.

    >>> import gradkit.numpy as np
    >>> check_vjp_jvp_adjoint(lambda x: np.sin(x) * x, np.array([0.1, 0.2]))
    """
    from ..transforms import jvp, vjp
    rng = _np.random.default_rng(seed)
    flat, x0 = _flat_function(f, args)
    v = _random_like(x0, rng)
    y, jv = jvp(flat, (x0,), (v,))
    u = _random_like(y, rng)
    (jtu,) = vjp(flat, x0)[1](u)
    lhs, rhs = _vdot(u, jv), _vdot(jtu, v)
    if not _np.isclose(lhs, rhs, rtol=rtol, atol=rtol * max(1.0, abs(lhs))):
        raise AssertionError(f"forward and reverse mode disagree: <u, Jv> = {lhs!r}, <J^T u, v> = {rhs!r}")
