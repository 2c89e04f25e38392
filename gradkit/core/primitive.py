"""Primitives: named operations with their derivative rules side by side.

Rule signatures (params are the primitive's keyword arguments):
    vjp rule for argument i:  (g, ans, *args, **params) -> cotangent of args[i]
    joint vjp (optional):     (argnums, g, ans, *args, **params) -> cotangents of those args,
                              for ops whose cotangents share work (or n-ary ops)
    jvp rule for argument i:  (t, ans, *args, **params) -> tangent of the output
    joint jvp (optional):     (tangents, ans, *args, **params), None for zero tangents
    batch rule (optional):    (batched, *args, **params) -> result with the batch axis first,
                              where batched[i] says whether args[i] carries that axis
A rule given as None declares the argument not differentiable (zero derivative).

`reads` (optional, beside the VJP rules) says, per argument, what that argument's VJP rule
reads by value: argument positions and "ans". Everything else it may use only for shape
and dtype, so the tape need not keep it alive (add reads nothing, multiply the other
factor, tanh its result). Declared as one entry per argument, or, for primitives of any
number of arguments, as a function (argnum, nargs) -> entry. Undeclared: the rules may
read everything.
Rules are written with gradkit's own differentiable operations, so they can be
differentiated again: higher orders come from nesting.

A primitive declared with only one kind of rule still works in both modes: a missing
VJP is the reverse-mode derivative of the (linear) JVP map, and a missing JVP the
reverse-mode derivative of the (linear) VJP map. These are slow paths; declared rules
are the fast ones. A missing batch rule falls back to a loop over the batch.
"""
from .errors import MissingRuleError
from .trace import Tracer

_UNDECLARED = object()


def _add_tangents(a, b, multiple):
    if not multiple:
        return a + b
    return tuple(y if x is None else x if y is None else x + y for x, y in zip(a, b))


class Primitive:
    __slots__ = ("name", "impl", "vjps", "vjp_joint", "jvps", "jvp_joint", "batch", "reads",
                 "multiple_results", "differentiable", "inline", "__doc__", "__wrapped__")

    def __init__(self, name, impl, multiple_results=False, differentiable=True, inline=False):
        self.name = name
        self.impl = impl
        self.vjps = ()
        self.vjp_joint = None
        self.jvps = ()
        self.jvp_joint = None
        self.batch = None
        self.reads = None
        self.multiple_results = multiple_results
        self.differentiable = differentiable  # False: derivative zero, results never traced
        self.inline = inline  # True: impl is gradkit code that jit should record through
        self.__doc__ = getattr(impl, "__doc__", None)
        self.__wrapped__ = impl

    def __call__(self, *args, **params):
        top = None
        level = 0
        for a in args:
            if type(a) is Tracer and a._trace.level > level:
                top = a._trace
                level = top.level
        if top is None:
            return self.impl(*args, **params)
        return top.process(self, args, params)

    def __repr__(self):
        return f"<gradkit primitive {self.name}>"

    # -- declaring rules -------------------------------------------------------------
    def defvjp(self, *rules, reads=None):
        """One VJP rule per positional argument (None: not differentiable)."""
        self.vjps = rules
        return self._declare_reads(reads)

    def defvjp_joint(self, rule, reads=None):
        """One VJP rule giving the cotangents of all the differentiated arguments at once."""
        self.vjp_joint = rule
        return self._declare_reads(reads)

    def defvjp_argnum(self, rule, reads=None):
        """One VJP rule for any argument, told which one: rule(argnum, g, ans, *args)."""
        return self.defvjp_joint(
            lambda argnums, g, ans, *args, **params: tuple(rule(i, g, ans, *args, **params) for i in argnums),
            reads)

    def _declare_reads(self, reads):
        # kept as one form, a function (argnum, nargs) -> frozenset, whichever was declared
        if reads is None or callable(reads):
            self.reads = reads if reads is None else lambda i, n: frozenset(reads(i, n))
        else:
            entries = tuple(frozenset(r) for r in reads)
            self.reads = lambda i, n: entries[i]
        return self

    def defjvp(self, *rules):
        """One JVP rule per positional argument (None: not differentiable)."""
        self.jvps = rules
        return self

    def defjvp_joint(self, rule):
        """A JVP rule taking all tangents at once (for n-ary linear or multi-output ops)."""
        self.jvp_joint = rule
        return self

    def defbatch(self, rule):
        """The batching rule used by vmap (and so by jacfwd, jacrev and hessian)."""
        self.batch = rule
        return self

    # -- applying rules (called by the traces) ---------------------------------------
    def vjp(self, argnum, g, ans, vals, params):
        if self.vjp_joint is not None:
            return self.vjp_joint((argnum,), g, ans, *vals, **params)[0]
        rule = self.vjps[argnum] if argnum < len(self.vjps) else _UNDECLARED
        if rule is None:
            return None
        if rule is not _UNDECLARED:
            return rule(g, ans, *vals, **params)
        if self.jvp_joint is not None or argnum < len(self.jvps) and self.jvps[argnum] is not None:
            return self._vjp_from_jvp(argnum, g, ans, vals, params)
        raise self._missing("reverse", argnum, "defvjp")

    def jvp(self, tangents, ans, vals, params):
        if self.jvp_joint is not None:
            return self.jvp_joint(tangents, ans, *vals, **params)
        out = None
        jvps = self.jvps
        for i, t in enumerate(tangents):
            if t is None:
                continue
            rule = jvps[i] if i < len(jvps) else _UNDECLARED
            if rule is None:
                continue
            d = rule(t, ans, *vals, **params) if rule is not _UNDECLARED else self._jvp_from_vjp(i, t, ans, vals, params)
            out = d if out is None else _add_tangents(out, d, self.multiple_results)
        return out

    def _vjp_from_jvp(self, argnum, g, ans, vals, params):
        # the JVP map t -> J t is linear; its reverse-mode derivative is g -> J^T g.
        from ..transforms import vjp, zeros_like_value

        def tangent_map(t):
            ts = [None] * len(vals)
            ts[argnum] = t
            return self.jvp(ts, ans, vals, params)

        if self.multiple_results:  # the tangent map returns every output: zero-fill the cotangent
            g = tuple(zeros_like_value(o) if c is None else c for c, o in zip(g, ans))
        return vjp(tangent_map, zeros_like_value(vals[argnum]))[1](g)[0]

    def _jvp_from_vjp(self, argnum, t, ans, vals, params):
        # the VJP map g -> J^T g is linear; its reverse-mode derivative is t -> J t.
        from ..transforms import vjp, zeros_like_value

        if self.vjp_joint is None and (argnum >= len(self.vjps) or self.vjps[argnum] is None):
            raise self._missing("forward", argnum, "defjvp")
        return vjp(lambda g: self.vjp(argnum, g, ans, vals, params), zeros_like_value(ans))[1](t)[0]

    def _missing(self, mode, argnum, how):
        return MissingRuleError(
            f"gradkit primitive '{self.name}' has no {mode}-mode rule for argument {argnum}. "
            f"Declare one with {self.name}.{how}(...) or gradkit.{how}({self.name}, ...), "
            f"or stop differentiating with respect to that argument.")
