"""Declarators that turn a NumPy function into a gradkit primitive with its rules.

    elementwise(np.sin, lambda ans, x: cos(x))   # one pointwise derivative per argument
    linear(np.reshape, transpose=...)             # JVP: the op on the tangent; VJP: given
    nondiff(np.argmax)                            # works on traced values, returns plain NumPy

Broadcasting is undone here once, in `unbroadcast`, so that rules never deal with it.
"""
import functools

import numpy as _np

from ..core import Primitive, Tracer, primal

__all__ = ["elementwise", "linear", "nondiff", "unbroadcast", "shape_of", "is_complex", "broadcast_to", "sum_to"]


def shape_of(x):
    while type(x) is Tracer:
        x = x.value
    if type(x) is float:
        return ()
    shape = getattr(x, "shape", None)  # arrays and NumPy scalars; Python numbers have none
    return shape if shape is not None else _np.shape(x)


def is_complex(x):
    while type(x) is Tracer:
        x = x.value
    dtype = getattr(x, "dtype", None)
    return dtype.kind == "c" if dtype is not None else isinstance(x, complex) or _np.iscomplexobj(x)


def _sum_to_impl(g, shape):
    gshape = _np.shape(g)
    if gshape == shape:
        return g
    lead = len(gshape) - len(shape)
    axes = tuple(range(lead)) + tuple(lead + i for i, n in enumerate(shape) if n == 1 and gshape[lead + i] != 1)
    return _np.sum(g, axis=axes).reshape(shape)


sum_to = Primitive("sum_to", _sum_to_impl)  # the transpose of broadcasting
broadcast_to = Primitive("broadcast_to", lambda x, shape: _np.broadcast_to(x, shape))
sum_to.defvjp(lambda g, ans, x, shape: broadcast_to(g, shape_of(x)))
sum_to.defjvp(lambda t, ans, x, shape: sum_to(t, shape))
broadcast_to.defvjp(lambda g, ans, x, shape: sum_to(g, shape_of(x)))
broadcast_to.defjvp(lambda t, ans, x, shape: broadcast_to(t, shape))


def unbroadcast(g, x):
    """The cotangent `g` of a broadcast result, summed back to the shape (and, for a real
    `x`, the real part) of the argument `x`."""
    shape = shape_of(x)
    if shape_of(g) != shape:
        g = sum_to(g, shape)
    if is_complex(g) and not is_complex(x):
        g = g.real
    return g


def _fit_tangent(d, ans):
    """A tangent computed from one argument, broadcast to the shape of the result."""
    shape = shape_of(ans)
    return d if shape_of(d) == shape else broadcast_to(d, shape)


def elementwise(impl, *derivs, name=None):
    """A broadcasting primitive from its pointwise partial derivatives.

    derivs[i](ans, *args) is d impl / d args[i], evaluated pointwise (None: not
    differentiable in that argument). Under autograd's complex convention the VJP is
    g * d and the JVP t * d (transposes, not adjoints).
    """
    prim = Primitive(name or impl.__name__, impl)
    prim.defvjp(*[None if d is None else _elementwise_vjp(i, d) for i, d in enumerate(derivs)])
    prim.defjvp(*[None if d is None else _elementwise_jvp(d) for d in derivs])
    return prim


def _elementwise_vjp(i, deriv):
    def rule(g, ans, *args, **params):
        return unbroadcast(g * deriv(ans, *args, **params), args[i])
    return rule


def _elementwise_jvp(deriv):
    def rule(t, ans, *args, **params):
        return _fit_tangent(t * deriv(ans, *args, **params), ans)
    return rule


def linear(impl, transpose, name=None):
    """A primitive linear in its first argument: its JVP is itself applied to the tangent,
    and `transpose(g, ans, x, *rest, **params)` is its VJP."""
    prim = Primitive(name or impl.__name__, impl)
    prim.defvjp(transpose)
    prim.defjvp(lambda t, ans, x, *rest, **params: prim(t, *rest, **params))
    return prim


def nondiff(impl, name=None):
    """A function with no derivative: it works on traced values and returns plain NumPy."""
    @functools.wraps(impl)
    def wrapper(*args, **kwargs):
        return impl(*[_plain(a) for a in args], **{k: _plain(v) for k, v in kwargs.items()})
    wrapper.nondiff = True
    if name:
        wrapper.__name__ = name
    return wrapper


def _plain(x):
    if type(x) is Tracer:
        return primal(x)
    if type(x) in (list, tuple):
        return type(x)(_plain(v) for v in x)
    return x
