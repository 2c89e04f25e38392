"""Compiled replay (jit): record a function once per input signature, then run the
recording as generated straight-line Python that calls each primitive's implementation
directly: no dispatch, no tracers, no rule look-ups. Dead records are dropped and repeated
ones (same primitive, same inputs, same parameters) computed once.

Because jit(grad(f)) records the backward sweep too, the replay of a gradient is one
flat list of NumPy calls.
"""
import numpy as _np

from .errors import ConcretizationError  # noqa: F401  (raised for jit by trace.concrete)
from .reverse import Tape
from .trace import Tracer


class JitTrace(Tape):
    """A tape that records every primitive, non-differentiable ones included, and whose
    values must not steer Python control flow (trace.concrete raises ConcretizationError).
    gradkit.jit records fun on a JitTrace and replays it with compile_program. By hand:

    >>> import numpy
    >>> import gradkit.numpy as np
    >>> trace = JitTrace()
    >>> x = trace.new_input(numpy.ones(2))
    >>> y = np.floor(np.sin(x))  # a plain Tape would not record floor
    >>> [record[0].name for record in trace.records if record]
    ['sin', 'floor']
    """

    __slots__ = ()
    records_all = True
    concrete_refusal = (
        "inside gradkit.jit, which records the computation once and replays it for new values. "
        "Fix: mark the argument that decides it with static_argnums, use gradkit.numpy.where "
        "instead of Python `if`, or call the function without jit.")

    def __init__(self):
        super().__init__(lean=False)

    def new_input(self, value):
        """A tracer of an input; a Python number stays one, weakly typed as NumPy takes it
        (float32 data times it stays float32), so the replays compute as the function does."""
        self.records.append(None)
        return Tracer(value, self, len(self.records) - 1)

    def process(self, prim, args, params):
        """Record prim (a Tape's process), or, for gradkit code inside it, what it calls."""
        if prim.inline:  # gradkit code inside (checkpoint, custom rules): record through it
            return prim.impl(*args, **params)
        return Tape.process(self, prim, args, params)


def compile_program(trace, input_slots, outputs):
    """A Python function of the input values that replays `trace` up to `outputs` (tracers
    of `trace` or constants); `input_slots` are the inputs' slots, in the function's
    argument order. It returns a tuple, one entry per output, and keeps its source as
    `.source`.

    >>> import numpy
    >>> import gradkit.numpy as np
    >>> trace = JitTrace()
    >>> x = trace.new_input(numpy.ones(2))
    >>> program = compile_program(trace, [x.node], [np.sin(x) * 2.0])
    >>> program(numpy.zeros(2))
    (array([0., 0.]),)
    >>> print(program.source)
    def program(a0):
        v1 = sin_...(a0)
        v2 = multiply_...(v1, 2.0)
        del v1
        return (v2,)
    """
    records = trace.records
    out_slots = [o.node if type(o) is Tracer and o._trace is trace else None for o in outputs]
    owner = {}  # slot -> slot of the record that produced it (multi-output records)
    for s, rec in enumerate(records):
        if rec is not None:
            width = len(rec[3]) if rec[0].multiple_results else 1
            for k in range(width):
                owner[s + k] = s
    live = _live_records(records, owner, [s for s in out_slots if s is not None])
    env, steps, names, seen = {}, [], {s: f"a{k}" for k, s in enumerate(input_slots)}, {}
    for s in sorted(live):
        prim, vals, params, ans, parents = records[s]
        args = [_repr_const(env, v) for v in vals]
        for i, p in parents:
            args[i] = names[p]
        call = f"{_name(env, prim)}({', '.join(args)}{_kwargs(env, params)})"
        width = len(ans) if prim.multiple_results else 1
        if call in seen:  # the same computation again: reuse its result
            for k in range(width):
                names[s + k] = seen[call][k]
            continue
        targets = [f"v{s + k}" for k in range(width)]
        steps.append((targets, call, [names[p] for _, p in parents], prim.multiple_results))
        seen[call] = targets
        for k, t in enumerate(targets):
            names[s + k] = t
    results = [names[s] if s is not None else _repr_const(env, o) for s, o in zip(out_slots, outputs)]
    source = (f"def program({', '.join(names[s] for s in input_slots)}):\n" + _body(steps, results) +
              f"    return ({', '.join(results)}{',' if len(results) == 1 else ''})\n")
    exec(compile(source, "<gradkit.jit>", "exec"), env)
    program = env["program"]
    program.source = source
    return program


def _body(steps, results):
    """The program's lines, each value deleted after its last use so that NumPy can reuse
    its memory (intermediates of a long program would otherwise all stay alive)."""
    last_use = {}
    for k, (targets, _, used, _) in enumerate(steps):
        for name in targets:
            last_use[name] = k
        for name in used:
            last_use[name] = k
    keep = set(results)
    lines = []
    for k, (targets, call, used, multiple) in enumerate(steps):
        lines.append(f"    {', '.join(targets)}{',' if len(targets) == 1 and multiple else ''} = {call}\n")
        dead = sorted({n for n in targets + used if n[0] == "v" and last_use[n] == k and n not in keep})
        if dead:
            lines.append(f"    del {', '.join(dead)}\n")
    return "".join(lines)


def _live_records(records, owner, wanted):
    live, stack = set(), [owner[s] for s in wanted if s in owner]
    while stack:
        s = stack.pop()
        if s in live:
            continue
        live.add(s)
        stack.extend(owner[p] for _, p in records[s][4] if p in owner)
    return live


def _name(env, prim):
    key = "".join(c if c.isalnum() else "_" for c in prim.name) + f"_{id(prim.impl):x}"
    env[key] = prim.impl
    return key


def _repr_const(env, value):
    """A constant of the recording, captured as it was then: arrays are copied, so that
    changing a global array afterwards cannot mix its new values with the recording's
    decisions made on the old ones (retrace by calling jit again to see new values)."""
    if value is None or type(value) in (bool, int, str) or type(value) is float and value - value == 0:
        return repr(value)
    key = f"c{id(value)}"
    if key not in env:
        if type(value) is _np.ndarray and value.flags.writeable:
            value = value.copy()
        env[key] = value
    return key


def _kwargs(env, params):
    if not params:
        return ""
    return ", " + ", ".join(f"{k}={_repr_const(env, v)}" for k, v in params.items())
