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
import inspect

from .errors import MissingRuleError
from .trace import Tracer

_UNDECLARED = object()
as_array = None  # set by gradkit.numpy: a (nested) list of traced values -> a traced array


def _holds_tracer(seq):
    for a in seq:
        t = type(a)
        if t is Tracer or (t is list or t is tuple) and _holds_tracer(a):
            return True
    return False


def _hides_tracer(args, params):
    for a in args:
        if (type(a) is list or type(a) is tuple) and _holds_tracer(a):
            return True
    return bool(params) and _holds_tracer(params.values())


class _Hole:
    """Where a tracer stood in a lifted call's arguments."""
    __slots__ = ("index",)

    def __init__(self, index):
        self.index = index


def _pull_tracers(tree):
    """(leaves, template): the tracers of a nest of lists, tuples and dicts, and the nest
    with each replaced by a _Hole."""
    leaves = []

    def pull(x):
        t = type(x)
        if t is Tracer:
            leaves.append(x)
            return _Hole(len(leaves) - 1)
        if t is list or t is tuple:
            return t(pull(v) for v in x)
        if t is dict:
            return {k: pull(v) for k, v in x.items()}
        return x
    return leaves, pull(tree)


def _fill(template, leaves):
    t = type(template)
    if t is _Hole:
        return leaves[template.index]
    if t is list or t is tuple:
        return t(_fill(v, leaves) for v in template)
    if t is dict:
        return {k: _fill(v, leaves) for k, v in template.items()}
    return template


def _lifted(prim):
    """prim taking the tracers of its arguments positionally (the rest in a template):
    then every trace sees them, jit records the call and vmap batches it (by a loop)."""
    lifted = _LIFTED.get(prim)
    if lifted is None:
        def impl(*leaves, template):
            args, params = _fill(template, leaves)
            return prim.impl(*args, **params)
        lifted = _LIFTED[prim] = Primitive(prim.name, impl, prim.multiple_results, differentiable=False)
    return lifted


_LIFTED = {}


def _as_positional(prim, args, params):
    """Keyword arguments moved to their positions in prim's signature, where they have one."""
    try:
        bound = inspect.signature(prim.impl).bind(*args, **params)
    except (TypeError, ValueError):  # no signature to read, or a call it does not fit
        bound = None
    if bound is not None:
        given, kinds = bound.arguments, inspect.Parameter
        order = list(bound.signature.parameters.values())
        last = max((i for i, p in enumerate(order) if p.name in given and p.kind in
                    (kinds.POSITIONAL_ONLY, kinds.POSITIONAL_OR_KEYWORD, kinds.VAR_POSITIONAL)), default=-1)
        filled, rest = [], {}
        for i, p in enumerate(order):
            if p.kind is kinds.VAR_POSITIONAL:
                filled.extend(given.get(p.name, ()))
            elif p.kind is kinds.VAR_KEYWORD:
                rest.update(given.get(p.name, {}))
            elif p.kind is kinds.KEYWORD_ONLY:
                if p.name in given:
                    rest[p.name] = given[p.name]
            elif i <= last:
                filled.append(given.get(p.name, p.default))
        if not _holds_tracer(rest.values()):
            return filled, rest
    names = [k for k, v in params.items() if _holds_tracer((v,))]
    raise TypeError(f"gradkit primitive '{prim.name}' got a traced value as keyword argument "
                    f"{', '.join(map(repr, names))}, where it cannot carry a derivative. "
                    f"Fix: pass it positionally.")


def _add_tangents(a, b, multiple):
    if not multiple:
        return a + b
    return tuple(y if x is None else x if y is None else x + y for x, y in zip(a, b))


class Primitive:
    """A named operation, `impl`, with its derivative rules side by side (the rule
    signatures are in this module's docstring). Called on plain values it is impl; on traced
    values, the highest trace among its arguments processes it with the rules. `name` shows in
    messages and recordings; `multiple_results`: impl returns a tuple; `differentiable=False`:
    a derivative of zero, results never traced (argmax, floor); `inline`: impl is gradkit code
    that jit records through. `bind_keywords`, if set, takes every call with keyword arguments,
    as bind_keywords(prim, args, params) (NumPy's ufunc keywords, out= and where=, which no rule
    takes). The def* methods declare rules and return the primitive. Rules are
    written with gradkit's operations, so they nest to any order (lecture L11, L12).

    >>> import gradkit as gk
    >>> cube = Primitive("cube", lambda x: x ** 3)
    >>> _ = cube.defvjp(lambda g, ans, x: g * 3 * x ** 2, reads=((0,),))
    >>> gk.grad(cube)(2.0), gk.grad(gk.grad(cube))(2.0)
    (np.float64(12.0), np.float64(12.0))
    >>> gk.jvp(cube, (2.0,), (1.0,))  # forward mode from the VJP rule (the slow path)
    (np.float64(8.0), np.float64(12.0))
    """

    # the rules' slots; each primitive's own docstring and __wrapped__ go in its __dict__
    __slots__ = ("name", "impl", "vjps", "vjp_joint", "jvps", "jvp_joint", "batch", "reads",
                 "multiple_results", "differentiable", "inline", "bind_keywords", "__dict__")

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
        # (prim, args, params) -> result: binds keywords the rules do not take (a ufunc's out=)
        self.bind_keywords = None
        self.__doc__ = getattr(impl, "__doc__", None)
        self.__wrapped__ = impl

    def __call__(self, *args, **params):
        top = None
        level = 0
        nested = False  # a list, tuple or keyword argument, which may hide a tracer
        for a in args:
            t = type(a)
            if t is Tracer:
                if a._trace.level > level:
                    top = a._trace
                    level = top.level
            elif t is list or t is tuple:
                nested = True
        if params:
            if self.bind_keywords is not None:
                return self.bind_keywords(self, args, params)
            if not nested:
                for v in params.values():
                    t = type(v)
                    if t is Tracer or t is list or t is tuple:
                        nested = True
                        break
        if nested and _hides_tracer(args, params):
            return self._bind_hidden(args, params)
        if top is None:
            return self.impl(*args, **params)
        return top.process(self, args, params)

    def _bind_hidden(self, args, params):
        """Call self with the tracers hidden in lists, tuples or keywords brought into view,
        so that the traces see them: none may reach the implementation as a plain value
        (jit would bake it in, vmap merge the batch, differentiation drop it)."""
        if not self.differentiable:  # any structure: its leaves become positional arguments
            leaves, template = _pull_tracers((args, params))
            return _lifted(self)(*leaves, template=template)
        if any(_holds_tracer((v,)) for v in params.values()):
            args, params = _as_positional(self, args, params)
        # a list or tuple of traced values is an array-like, as NumPy reads it
        args = [as_array(a) if (type(a) is list or type(a) is tuple) and _holds_tracer(a) else a
                for a in args]
        return self(*args, **params)

    def __repr__(self):
        return f"<gradkit primitive {self.name}>"

    __name__ = property(lambda self: self.name)  # as a function's (functools.wraps, autograd code read it)

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
        """The cotangent of argument `argnum` for the output cotangent g (None: zero), from
        the declared rules, else by transposing the JVP; MissingRuleError if there is none."""
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
        """The output tangent for the arguments' `tangents` (None: zero), from the declared
        rules, else by transposing the VJP; None when every tangent is zero."""
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
