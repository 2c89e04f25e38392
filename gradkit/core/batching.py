"""Batching: run a function on a whole batch at once (vmap). A batched value carries the
batch axis first; each primitive's batch rule maps the operation over it, so that many
tangents or cotangents go through one sweep and matrix products do the work (this is how
jacfwd, jacrev and hessian avoid a Python loop over basis vectors)."""
from .trace import Tracer, new_level, rebuild

# Set by gradkit.numpy: fallback(prim, batched, args, params) loops over the batch.
fallback = None


class BatchTrace:
    """A vmap level; a tracer's value holds the batch axis first (its node is unused).
    gradkit.vmap runs fun on a new BatchTrace of the batch's size. By hand:

    >>> import numpy
    >>> import gradkit.numpy as np
    >>> trace = BatchTrace(3)
    >>> np.sin(trace.new_input(numpy.zeros(3))).value
    array([0., 0., 0.])
    """

    __slots__ = ("level", "size")
    batch_axes = 1  # leading axes the values of this trace add (0 for the other traces)
    concrete_refusal = (
        "inside gradkit.vmap, where it holds one value per example of the batch. Fix: use "
        "gradkit.numpy.where instead of Python `if` (or an index that is the same for every "
        "example), or loop over the examples without vmap.")

    def __init__(self, size):
        self.level = new_level()
        self.size = size

    def new_input(self, value):
        """A tracer of this trace for a value that carries the batch axis first."""
        return Tracer(value, self, None)

    def process(self, prim, args, params):
        """Apply prim to the whole batch by its batch rule (else a loop over the batch)."""
        vals = list(args)
        batched = [False] * len(args)
        for i, a in enumerate(args):
            if type(a) is Tracer and a._trace is self:
                vals[i] = a.value
                batched[i] = True
        rule = prim.batch
        out = rule(batched, *vals, **params) if rule is not None else fallback(prim, batched, vals, params)
        if prim.multiple_results:
            return rebuild(out, [Tracer(o, self, None) for o in out])
        return Tracer(out, self, None)
