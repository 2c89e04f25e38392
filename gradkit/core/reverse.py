"""Reverse mode: the tape (a Wengert list) and the backward sweep (lecture L12).

The tape records primitives in execution order, which is already a topological order,
so the backward sweep is one reverse loop: no graph search and no recursion.
"""
import numpy as _np

from .trace import Tracer, as_traced, new_level, rebuild

# Values of at least this many elements that no VJP rule reads are not kept on the tape
# (smaller ones cost less to keep than to replace); the tests set it to 0.
STANDIN_MIN_SIZE = 1 << 12
_FILLS = {}  # dtype -> the one element every stand-in of that dtype points at


def _standin(x):
    """A zero-strided array of x's shape and dtype, filled with NaN where the dtype allows
    (a rule that wrongly read it would show): what a rule may ask of a value it does not read."""
    if type(x) is not _np.ndarray or x.size < STANDIN_MIN_SIZE:
        return x
    fill = _FILLS.get(x.dtype)
    if fill is None:
        fill = _FILLS[x.dtype] = _np.full(1, _np.nan if x.dtype.kind in "fc" else 0, x.dtype)
        fill.flags.writeable = False  # and so are the stand-ins
    return _np.ndarray(x.shape, x.dtype, fill, strides=(0,) * x.ndim)


def _forget_unread(reads, vals, parents, ans):
    """Replace (in vals) the traced arguments that no VJP rule of this record reads by
    stand-ins; return what the record keeps of ans."""
    needed = frozenset().union(*[reads(i, len(vals)) for i, _ in parents])
    for i, _ in parents:
        if i not in needed:
            vals[i] = _standin(vals[i])
    return ans if "ans" in needed else _standin(ans)


def _complex(x):
    """Is x complex (an array, a NumPy or Python number, a tracer of one)? None is not."""
    t = type(x)
    if t is _np.float64 or t is float:  # the common cotangents, answered first
        return False
    dtype = getattr(x, "dtype", None)
    return t is complex if dtype is None else dtype.kind == "c"


def _real_where_real(got, parents, vals):
    """The cotangents, the real part for each real argument: a complex cotangent reaches one
    where a primitive mixes it with complex values (stack([abs(z), z]), abs(z) @ w), and its
    imaginary part, a direction the real value cannot move in, would leak into the sweep."""
    return [c if c is None or not _complex(c) or _complex(vals[a]) else _np.real(c)
            for (a, _), c in zip(parents, got)]


class Tape:
    """A reverse-mode trace. Record i is (primitive, args, params, ans, parents), where
    parents lists (argument position, slot) for the arguments traced on this tape; slots
    of inputs, and of the 2nd.. outputs of a multi-output primitive, hold None.
    gradkit.vjp (and so grad) runs fun on a new Tape, then one backward sweep gives the
    whole gradient (lecture L12); `lean` keeps only what the rules read. By hand:

    >>> import gradkit.numpy as np
    >>> tape = Tape()
    >>> x = tape.new_input(2.0)
    >>> y = np.sin(x) * x
    >>> tape.backward([(y.node, 1.0)])[x.node]  # sin(2) + 2 cos(2)
    np.float64(0.0770037537313969)
    """

    __slots__ = ("level", "records", "lean")
    concrete_refusal = None  # its values are the call's own (see trace.concrete)
    batch_axes = 0
    records_all = False  # record non-differentiable primitives too (jit's tape does)

    def __init__(self, lean=True):
        self.level = new_level()
        self.records = []
        self.lean = lean  # keep only the values the backward pass reads (see Primitive.reads)

    def new_input(self, value):
        """A tracer of this tape for an input value (its slot holds None)."""
        self.records.append(None)
        return Tracer(as_traced(value), self, len(self.records) - 1)

    def process(self, prim, args, params):
        """Evaluate prim below this level and append it to the tape; return its tracer(s)."""
        if not prim.differentiable and not self.records_all:  # evaluated below, never recorded
            return prim(*[a.value if type(a) is Tracer and a._trace is self else a for a in args], **params)
        vals = list(args)
        parents = []
        nested = False  # do tracers of lower levels remain among the arguments?
        i = 0
        for a in args:
            if type(a) is Tracer:
                if a._trace is self:
                    parents.append((i, a.node))
                    vals[i] = a = a.value
                    nested = nested or type(a) is Tracer
                else:
                    nested = True
            i += 1
        ans = prim(*vals, **params) if nested else prim.impl(*vals, **params)
        kept = ans
        if prim.reads is not None and self.lean and parents:
            first = vals[parents[0][0]]  # checked inline: this runs for nearly every operation
            if (type(ans) is _np.ndarray and ans.size >= STANDIN_MIN_SIZE
                    or type(first) is _np.ndarray and first.size >= STANDIN_MIN_SIZE):
                kept = _forget_unread(prim.reads, vals, parents, ans)
        records = self.records
        slot = len(records)
        records.append((prim, vals, params, kept, parents))
        if prim.multiple_results:
            records.extend([None] * (len(ans) - 1))
            return rebuild(ans, [Tracer(a, self, slot + k) for k, a in enumerate(ans)])
        return Tracer(ans, self, slot)

    def backward(self, seeds, consume=False):
        """Sweep back from `seeds`, (slot, cotangent) pairs; return the cotangent list
        indexed by slot (None where no cotangent arrived). With `consume`, each record is
        dropped once used: a one-shot sweep then frees the tape as it goes, so the
        cotangents reuse its memory instead of adding to it."""
        records = self.records
        cts = [None] * len(records)
        start = -1
        for slot, g in seeds:
            cts[slot] = g if cts[slot] is None else cts[slot] + g
            start = slot if slot > start else start
        for i in range(start, -1, -1):
            rec = records[i]
            if rec is None:
                continue
            if consume:
                records[i] = None
            prim, vals, params, ans, parents = rec
            if prim.multiple_results:
                g = tuple(cts[i:i + len(ans)])
                if all(c is None for c in g):
                    continue
            else:
                g = cts[i]
                if g is None:
                    continue
            cts[i] = None  # the intermediate's cotangent is no longer needed
            if prim.vjp_joint is not None:
                got = prim.vjp_joint(tuple(a for a, _ in parents), g, ans, *vals, **params)
            else:
                vjps = prim.vjps  # declared rules directly; prim.vjp resolves the rest
                got = []
                for a, _ in parents:  # (a loop, not a comprehension: most records have one parent)
                    rule = vjps[a] if a < len(vjps) else None
                    got.append(rule(g, ans, *vals, **params) if rule is not None else prim.vjp(a, g, ans, vals, params))
            if _complex(g) if type(g) is not tuple else any(_complex(c) for c in g):
                got = _real_where_real(got, parents, vals)
            for (_, parent), c in zip(parents, got):
                if c is not None:
                    cts[parent] = c if cts[parent] is None else cts[parent] + c
        return cts
