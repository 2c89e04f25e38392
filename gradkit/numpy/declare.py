"""Declarators that turn a NumPy function into a gradkit primitive with its rules.

    elementwise(np.sin, lambda ans, x: cos(x))   # one pointwise derivative per argument
    linear(np.reshape, transpose=...)             # JVP: the op on the tangent; VJP: given
    nondiff(np.argmax)                            # works on traced values, returns plain NumPy

Broadcasting is undone here once, in `unbroadcast`, so that rules never deal with it.
Batch rules (for vmap) see batched arguments with the batch axis first; `align_batch`
gives broadcasting operations theirs.
"""
import numpy as _np

from ..core import Primitive, Tracer, backend
from ..core import primitive as _primitive
from .aliasing import viewing

__all__ = ["elementwise", "linear", "nondiff", "unbroadcast", "shape_of", "is_complex", "broadcast_to",
           "sum_to", "align_batch", "batch_size", "batched_axis", "arraylike"]


def holds_tracer(x):
    """Whether x is a traced value or a list, tuple or dict holding one, at any depth.

    >>> import gradkit as gk
    >>> gk.grad(lambda x: print(holds_tracer([1.0, (x,)]), holds_tracer([1.0])) or x)(2.0)
    True False
    np.float64(1.0)
    """
    t = type(x)
    if t is Tracer:
        return True
    if t is list or t is tuple:
        return any(holds_tracer(v) for v in x)
    return t is dict and any(holds_tracer(v) for v in x.values())


def shape_of(x):
    """The shape of x as the code at hand sees it: vmap's batch axes are not part of it.
    x may be an array, a tracer, a NumPy scalar or a Python number; returns a tuple.

    >>> import gradkit as gk, gradkit.numpy as np
    >>> from gradkit.numpy.declare import shape_of  # (also Tracer.shape)
    >>> shape_of(np.ones((3, 2))), shape_of(2.0)
    ((3, 2), ())
    >>> _ = gk.vmap(lambda x: print(shape_of(x)) or x)(np.ones((3, 2)))
    (2,)
    """
    if type(x) is _np.ndarray:
        return x.shape
    strip = 0
    while type(x) is Tracer:
        strip += x._trace.batch_axes
        x = x.value
    if type(x) is float:
        return ()
    shape = getattr(x, "shape", None)  # arrays and NumPy scalars; Python numbers have none
    if shape is None:
        shape = _np.shape(x)
    return shape[strip:] if strip else shape


def is_complex(x):
    """Whether the value under x (traced or not) has a complex type or dtype.

    >>> import gradkit.numpy as np
    >>> is_complex(1j), is_complex(np.ones(2))
    (True, False)
    """
    while type(x) is Tracer:
        x = x.value
    t = type(x)
    if t is float or t is int:
        return False
    dtype = getattr(x, "dtype", None)
    return dtype.kind == "c" if dtype is not None else t is complex or _np.iscomplexobj(x)


def _sum_to_impl(g, shape):
    """g summed over its broadcast axes to `shape`, the shape it was broadcast from: the
    transpose of broadcast_to (its VJP), and so the step that undoes broadcasting in every
    VJP rule (see unbroadcast).

    >>> import gradkit.numpy as np
    >>> from gradkit.numpy.declare import sum_to
    >>> sum_to(np.ones((2, 3)), (1, 3))
    array([[2., 2., 2.]])
    """
    gshape = _np.shape(g)
    if gshape == shape:
        return g
    lead = len(gshape) - len(shape)
    axes = tuple(range(lead)) + tuple(lead + i for i, n in enumerate(shape) if n == 1 and gshape[lead + i] != 1)
    return _np.sum(g, axis=axes).reshape(shape)


sum_to = Primitive("sum_to", _sum_to_impl)  # the transpose of broadcasting


def _broadcast_to(x, shape, chunks=None):
    """x broadcast to `shape`, as numpy.broadcast_to: a read-only view (for dask data,
    `chunks` are the chunks the result should meet). Its VJP is sum_to.

    >>> import gradkit.numpy as np
    >>> from gradkit.numpy.declare import broadcast_to
    >>> broadcast_to(np.arange(2.0), (2, 2))
    array([[0., 1.],
           [0., 1.]])
    """
    if chunks is not None:  # dask data's chunks, which the result should meet
        return backend.broadcast_chunked(x, shape, chunks)
    if type(x) is _np.float64 or type(x) is _np.ndarray and x.ndim == 0:
        # a total's cotangent: a read-only view of its one element, built directly (np.broadcast_to
        # takes twice as long, the larger part of a small reduction's backward step)
        out = _np.ndarray(shape, x.dtype, _np.asarray(x), strides=(0,) * len(shape))
        out.flags.writeable = False
        return out
    return _np.broadcast_to(x, shape)


broadcast_to = viewing(Primitive("broadcast_to", _broadcast_to), None)  # read-only, as NumPy's
sum_to.defvjp(lambda g, ans, x, shape: broadcast_to(g, shape_of(x)), reads=((),))
sum_to.defjvp(lambda t, ans, x, shape: sum_to(t, shape))
broadcast_to.defvjp(lambda g, ans, x, shape, chunks=None: sum_to(g, shape_of(x)), reads=((),))
broadcast_to.defjvp(lambda t, ans, x, shape, chunks=None: broadcast_to(t, shape, chunks=chunks))


# -- batching helpers -----------------------------------------------------------------
def batch_size(batched, args):
    """The size of the batch axis (the first) of the batched arguments of a batch rule;
    batched[i] says whether args[i] carries it.

    >>> import gradkit.numpy as np
    >>> batch_size([False, True], [1.0, np.ones((4, 3))])
    4
    """
    return next(shape_of(a)[0] for a, b in zip(args, batched) if b)


def align_batch(batched, args):
    """Arguments of a broadcasting operation with their batch axes lined up: a batched
    argument of lower rank gets unit axes after its batch axis (batched as in batch_size).

    >>> import gradkit.numpy as np
    >>> [a.shape for a in align_batch([True, True], [np.ones((4, 3)), np.ones(4)])]
    [(4, 3), (4, 1)]
    """
    rank = max(len(shape_of(a)) - b for a, b in zip(args, batched))
    return [a[(slice(None),) + (None,) * (rank + 1 - len(shape_of(a)))]
            if b and len(shape_of(a)) <= rank else a for a, b in zip(args, batched)]


def batched_axis(axis, ndim):
    """An axis argument (int, tuple or None) of an operation on rank-ndim data, moved past
    a leading batch axis; None (all axes) becomes every axis but the batch one.

    >>> batched_axis(-1, 2), batched_axis((0, 1), 2), batched_axis(None, 2)
    (2, (1, 2), (1, 2))
    """
    if axis is None:
        return tuple(range(1, ndim + 1))
    if _np.ndim(axis) == 0:
        return axis % ndim + 1 if ndim else 1
    return tuple(a % ndim + 1 for a in axis)


def broadcasting_batch(prim):
    """The batch rule of an operation that broadcasts its arguments."""
    return lambda batched, *args, **params: prim(*align_batch(batched, args), **params)


def _sum_to_batch(batched, g, shape):
    from .reductions import sum
    extra = len(shape_of(g)) - 1 - len(shape)
    if extra > 0:  # sum the broadcast leading axes, which sit after the batch axis
        g = sum(g, axis=tuple(range(1, extra + 1)))
    return sum_to(g, shape_of(g)[:1] + tuple(shape))


def _broadcast_to_batch(batched, x, shape, chunks=None):
    xs = shape_of(x)
    x = x[(slice(None),) + (None,) * (len(shape) + 1 - len(xs))]
    return broadcast_to(x, xs[:1] + tuple(shape))


sum_to.defbatch(_sum_to_batch)
broadcast_to.defbatch(_broadcast_to_batch)


def unbroadcast(g, x):
    """The cotangent `g` of a broadcast result, summed back to the shape (and, for a real
    `x`, the real part) of the argument `x`: what a VJP rule of a broadcasting operation
    returns for that argument.

    >>> import gradkit.numpy as np
    >>> unbroadcast(np.ones((2, 3)), np.ones(3))
    array([2., 2., 2.])
    """
    if type(g) is type(x) and (type(x) is _np.ndarray or type(x) is _np.float64) and \
            g.shape == x.shape and g.dtype == x.dtype:  # the usual case: nothing to undo
        return g
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


def elementwise(impl, *derivs, name=None, reads=None):
    """A broadcasting primitive from its pointwise partial derivatives.

    derivs[i](ans, *args) is d impl / d args[i], evaluated pointwise (None: not
    differentiable in that argument); `reads[i]`, what derivs[i] reads by value (see
    Primitive.reads). Under autograd's complex convention the VJP is g * d and the JVP
    t * d (transposes, not adjoints). `name` defaults to impl's. Returns the primitive,
    with VJP, JVP and batch rules; since derivs use gradkit's operations, it
    differentiates to any order.

    >>> import numpy
    >>> import gradkit as gk, gradkit.numpy as np
    >>> sin = elementwise(numpy.sin, lambda ans, x: np.cos(x))
    >>> gk.grad(sin)(0.0), gk.grad(gk.grad(sin))(0.5)
    (np.float64(1.0), np.float64(-0.479425538604203))
    """
    prim = Primitive(name or impl.__name__, impl)
    prim.defvjp(*[None if d is None else _elementwise_vjp(i, d) for i, d in enumerate(derivs)], reads=reads)
    prim.defjvp(*[None if d is None else _elementwise_jvp(d) for d in derivs])
    prim.defbatch(broadcasting_batch(prim))
    return prim


def _elementwise_vjp(i, deriv):
    def rule(g, ans, *args, **params):
        return unbroadcast(g * deriv(ans, *args, **params), args[i])
    return rule


def _elementwise_jvp(deriv):
    def rule(t, ans, *args, **params):
        d = t * deriv(ans, *args, **params)
        if is_complex(d) and not is_complex(ans):  # a real function of z (abs): Re(f_z t)
            d = d.real
        return _fit_tangent(d, ans)
    return rule


def linear(impl, transpose, name=None):
    """A primitive linear in its first argument: its JVP is itself applied to the tangent,
    and `transpose(g, ans, x, *rest, **params)` is its VJP. Returns the primitive.

    >>> import gradkit as gk, gradkit.numpy as np
    >>> double = linear(lambda x: 2.0 * x, lambda g, ans, x: 2.0 * g, name="double")
    >>> gk.grad(double)(1.0)
    np.float64(2.0)
    >>> gk.jvp(double, (np.ones(2),), (np.arange(2.0),))
    (array([2., 2.]), array([0., 2.]))
    """
    prim = Primitive(name or impl.__name__, impl)
    prim.defvjp(transpose, reads=((),))  # the transpose of a linear map never reads x
    prim.defjvp(lambda t, ans, x, *rest, **params: prim(t, *rest, **params))
    return prim


def nondiff(impl, name=None, broadcasting=False):
    """A function with no derivative (argmax, floor, comparisons...): it accepts traced
    values and returns plain NumPy results (under vmap, batched ones; under jit, recorded
    ones). Traced values inside list or keyword arguments are seen too (the engine brings
    them into view). `broadcasting` marks an elementwise function, which batches without a
    loop. Returns the primitive.

    >>> import numpy
    >>> import gradkit as gk
    >>> floor = nondiff(numpy.floor, broadcasting=True)
    >>> gk.grad(lambda x: x * floor(x))(2.5)
    np.float64(2.0)
    """
    prim = Primitive(name or getattr(impl, "__name__", "nondiff"), impl, differentiable=False)
    if broadcasting:
        prim.defbatch(broadcasting_batch(prim))
    return prim


def arraylike(a):
    """a as an array where it is a (nested) list or tuple of values, traced ones among them,
    as NumPy reads an array-like; anything else as it is.

    >>> import gradkit as gk, gradkit.numpy as np
    >>> gk.grad(lambda x: np.sum(arraylike([x, 2 * x])))(1.0)
    np.float64(3.0)
    """
    t = type(a)
    return _primitive.as_array(a) if t is list or t is tuple else a
