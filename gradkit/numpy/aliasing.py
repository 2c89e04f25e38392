"""NumPy's views, followed on traced arrays.

In NumPy `v = x[:2]`, `x.T` and (most) `x.reshape(...)` share memory with x: a write into
either changes both. Traced values are immutable; an in-place write rebinds the tracer to
a new value. So that the other arrays follow as NumPy's would (and the derivative with
them), each traced view remembers how it was made from its base: a write into a view is
written back into the base, and a write into a base recomputes its live views. The
primitives that NumPy answers with views are declared with `viewing`.
"""
import weakref

import numpy as _np

from ..core import Primitive, Tracer, primal

__all__ = ["viewing", "assign", "read_only", "view_source"]

_WRITE_BACK = {}  # view primitive -> (is_view(out, base, *rest), write_back(base, new, *rest))


class View(Primitive):
    """A primitive whose traced result is a view of its first argument (see `viewing`)."""

    __slots__ = ()

    def __call__(self, *args, **params):
        out = Primitive.__call__(self, *args, **params)
        if type(out) is Tracer and type(args[0]) is Tracer and _WRITE_BACK[self][0](out, *args, **params):
            if _WRITE_BACK[self][1] is None:
                read_only(out, self.name)
            else:
                _remember(out, self, args, params)
        return out


def viewing(prim, write_back, is_view=lambda out, *args, **params: True):
    """Declare prim's result a view of its first argument x where is_view says so (as
    NumPy's is): write_back(x, new, *rest, **params) is x with the view's elements replaced
    by `new`; write_back None: a read-only view, which refuses writes as NumPy's does.
    Returns prim. gradkit declares x[basic index], transpose, reshape, x.real/x.imag
    (views) and broadcast_to (read-only) this way; so a write into x.T reaches x:

    >>> import gradkit as gk, gradkit.numpy as np
    >>> def f(x):
    ...     y = x * 1.0
    ...     y.T[0, 1] = 3.0 * x[0, 0]    # y[1, 0] changes, as in NumPy
    ...     return np.sum(y * np.array([[1.0, 0.0], [10.0, 0.0]]))
    >>> gk.grad(f)(np.ones((2, 2)))
    array([[31.,  0.],
           [ 0.,  0.]])
    """
    prim.__class__ = View
    _WRITE_BACK[prim] = (is_view, write_back)
    return prim


def _remember(view, prim, args, params):
    view._view = (prim, args, params)
    base = args[0]
    views = getattr(base, "_views", None)
    if views is None:
        base._views = views = []
    elif len(views) >= 16 and len(views) & (len(views) - 1) == 0:  # dropped now and then, not per view
        views[:] = [r for r in views if r() is not None]
    views.append(weakref.ref(view))


def read_only(t, name):
    """Mark t, the result of NumPy's function `name`, as NumPy's read-only views are:
    writing into it raises, as in NumPy. Returns t.

    >>> import gradkit as gk, gradkit.numpy as np
    >>> def f(x):
    ...     d = np.diagonal(x)            # read_only(..., "np.diagonal")
    ...     d[0] = 1.0
    ...     return np.sum(d)
    >>> gk.grad(f)(np.ones((2, 2)))
    Traceback (most recent call last):
    ValueError: assignment destination is read-only: the result of np.diagonal is a read-only view ...
    """
    if type(t) is Tracer:
        t._view = (None, name, None)
    return t


def shares_memory(out, x, *rest, **params):
    """Whether NumPy answered with a view (reshape does where it can, else it copies):
    the is_view of reshape."""
    a, b = primal(out), primal(x)
    return type(a) is _np.ndarray and type(b) is _np.ndarray and _np.may_share_memory(a, b)


def view_source(t):
    """(primitive, args, params) that made the traced view t from its base args[0], or None
    (not a view that gradkit follows).

    >>> import gradkit as gk, gradkit.numpy as np
    >>> def f(x):
    ...     prim, args, params = view_source(x[1:])
    ...     assert prim is np.indexing.getitem and args[0] is x
    ...     return np.sum(x)
    >>> gk.grad(f)(np.ones(2))
    array([1., 1.])
    """
    return getattr(t, "_view", None)


def assign(t, new):
    """Rebind the traced array t to the value `new` (of its shape), as an in-place write in
    NumPy changes it: written back into t's base if t is a view, seen by t's own views.
    x[i] = v, x += v, x.sort() and x.fill(v) on traced arrays come here.

    >>> import gradkit as gk, gradkit.numpy as np
    >>> def f(x):
    ...     y = x * 1.0
    ...     v = y[:1]
    ...     assign(y, y * x)              # what y *= x does; the view v sees it
    ...     return np.sum(v)
    >>> gk.grad(f)(np.array([3.0, 5.0]))
    array([6., 0.])
    """
    source = getattr(t, "_view", None)
    if source is not None and source[0] is None:
        raise ValueError(f"assignment destination is read-only: the result of {source[1]} is a read-only view "
                         f"in NumPy, which refuses this write too. Fix: write into a copy (v = v.copy()).")
    if source is not None:
        prim, args, params = source
        base = args[0]
        assign(base, _WRITE_BACK[prim][1](base, new, *args[1:], **params))  # (t is refreshed as base's view)
        return
    t.value, t._trace, t.node = new.value, new._trace, new.node
    _refresh(t)


def _refresh(base):
    """Recompute the live views of base from its new value (and theirs in turn)."""
    for ref in getattr(base, "_views", ()):
        view = ref()
        if view is None:
            continue
        prim, args, params = view._view
        new = Primitive.__call__(prim, *args, **params)  # the view keeps its own record
        view.value, view._trace, view.node = new.value, new._trace, new.node
        _refresh(view)
