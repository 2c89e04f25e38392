"""Traced values and trace levels.

A `Tracer` wraps a value (an array, or a tracer of a lower level) and belongs to one
trace: a reverse-mode `Tape` or a forward-mode `JVPTrace`. Every trace has an integer
level, newer traces higher. A primitive applied to tracers is processed by the highest
trace among its arguments; tracers of lower levels are constants to it. That keeps
nested derivatives apart ("perturbation confusion" cannot happen).
"""
import itertools

import numpy as _np

from .errors import ConcretizationError, EscapedTracerError

_levels = itertools.count(1)  # global and monotonic: also correct across threads


def new_level():
    """A fresh trace level, higher than every level handed out before (each trace takes
    one when it is made, so a nested transformation's trace outranks its caller's).

    >>> new_level() < new_level()
    True
    """
    return next(_levels)


class Tracer:
    """A value under differentiation.

    `node` is the trace's datum for this value: the tape slot (reverse mode) or the
    tangent (forward mode). Array behaviour (operators, .shape, methods) is attached by
    gradkit.numpy, which is the layer that knows NumPy. Users meet tracers as the
    arguments a transformation hands their function; traces make them with `new_input`.

    >>> import gradkit as gk, gradkit.numpy as np
    >>> gk.grad(lambda x: print(x) or np.sin(x))(0.0)
    Tracer(level=..., shape=(), dtype=float64)
    np.float64(1.0)
    """

    # _view, _views and weak references: gradkit.numpy's record of NumPy views (numpy/aliasing.py)
    __slots__ = ("value", "_trace", "node", "_view", "_views", "__weakref__")

    def __init__(self, value, trace, node):
        self.value = value
        self._trace = trace
        self.node = node

    def __repr__(self):
        v = primal(self)
        shape = getattr(v, "shape", ())
        dtype = getattr(v, "dtype", type(v).__name__)
        return f"Tracer(level={self._trace.level}, shape={shape}, dtype={dtype})"


_NUMBERS = {float: _np.float64, complex: _np.complex128}


def as_traced(value):
    """An input value as traces hold it: a Python float or complex as the NumPy scalar,
    so that every traced value follows NumPy's arithmetic (1 / 0.0 is inf, not
    ZeroDivisionError) and derivative rules may use Python's operators on it.

    >>> as_traced(1.5), as_traced(2)
    (np.float64(1.5), 2)
    """
    number = _NUMBERS.get(type(value))
    return value if number is None else number(value)


def close(trace, transformation):
    """End `trace` once its function has returned: a tracer of it used afterwards (one that
    escaped the function) raises EscapedTracerError, naming `transformation`, instead of
    recording into a trace nobody will read. The trace changes class, so the operations
    of open traces pay nothing for the check.

    >>> from gradkit.core import JVPTrace
    >>> trace = JVPTrace()
    >>> x = trace.new_input(2.0, 1.0)
    >>> close(trace, "jvp")
    >>> type(trace).__name__
    'ClosedJVPTrace'
    """
    key = type(trace), transformation
    closed = _CLOSED.get(key)
    if closed is None:
        closed = _CLOSED[key] = type("Closed" + key[0].__name__, (_Closed, key[0]),
                                     {"__slots__": (), "closed_by": transformation})
    trace.__class__ = closed


class _Closed:
    __slots__ = ()

    def process(self, prim, args, params):
        raise EscapedTracerError(
            f"a traced value was used after {self.closed_by} had returned: it escaped the function "
            f"being transformed (through a global, a list, an attribute or a closure) and reached "
            f"{prim.name} here, where its derivative can no longer be taken. Fix: return it from the "
            f"function (has_aux=True for values you only want to look at), or keep gradkit.primal(x), "
            f"its plain value.")


_CLOSED = {}


def primal(x):
    """The plain value under every level of tracing (x itself if it is not traced); it
    carries no derivative.

    >>> import gradkit as gk
    >>> gk.grad(lambda x: print(repr(primal(x))) or x * x)(3.0)
    np.float64(3.0)
    np.float64(6.0)
    """
    while type(x) is Tracer:
        x = x.value
    return x


def concrete(x, why, across_batch=False):
    """The plain value of x, for a use that needs one: Python control flow, an index, the
    size of a result. This is the one door by which values leave the traces. Under
    differentiation the value is this call's own (and carries no derivative through such a
    use); a trace whose values are not (jit records once and replays, vmap holds a whole
    batch) refuses, saying what `why` needs and the fix, instead of baking in a value.
    `across_batch`: the use is one decision for the whole batch (a result type), which
    vmap allows. Raises ConcretizationError under jit and vmap.

    >>> import gradkit as gk
    >>> gk.grad(lambda x: x if concrete(x, "an `if`") > 0 else -x)(-2.0)
    np.float64(-1.0)
    """
    v = x
    while type(v) is Tracer:
        refusal = v._trace.concrete_refusal
        if refusal is not None and not (across_batch and v._trace.batch_axes):
            raise ConcretizationError(f"{why} depends on the value of a traced array {refusal}")
        v = v.value
    return v


def value_at(x, trace):
    """`x` seen from outside `trace`: its value if it is a tracer of `trace`, else itself.

    >>> from gradkit.core import JVPTrace
    >>> trace = JVPTrace()
    >>> value_at(trace.new_input(2.0, 1.0), trace), value_at(3.0, trace)
    (np.float64(2.0), 3.0)
    """
    return x.value if type(x) is Tracer and x._trace is trace else x


def is_traced(x):
    """Whether x is a traced value (a Tracer of any trace), as opposed to a plain one.

    >>> import gradkit as gk
    >>> gk.grad(lambda x: print(is_traced(x), is_traced(1.0)) or x)(2.0)
    True False
    np.float64(1.0)
    """
    return type(x) is Tracer


def rebuild(seq, items):
    """A sequence of `items` of the same kind as `seq` (tuple, list or namedtuple).

    >>> rebuild((1, 2), [3, 4]), rebuild([1], [5])
    ((3, 4), [5])
    """
    return type(seq)(*items) if hasattr(seq, "_fields") else type(seq)(items)
