"""Transformations: functions in, functions out, with JAX's names and semantics.

Everything here is a short function over two engine calls: `vjp` (reverse mode, one
tape) and `jvp` (forward mode). Arguments and results may be pytrees.
"""
import functools
import math

import numpy as _np

from .core import (BatchTrace, JVPTrace, NonDifferentiableError, Primitive, ShapeError, Tape, Tracer,
                   primal, tree_flatten, tree_leaves_like, tree_map, tree_unflatten, value_at)
from .core.jit import JitTrace, compile_program
from .numpy.declare import is_complex, shape_of

__all__ = ["vjp", "jvp", "vmap", "grad", "value_and_grad", "jacrev", "jacfwd", "hessian", "hvp", "linearize",
           "checkpoint", "custom_vjp", "custom_jvp", "stop_gradient", "elementwise_grad",
           "make_vjp", "make_jvp", "jacobian", "hessian_tensor_product", "hessian_vector_product",
           "primitive", "defvjp", "defjvp", "holomorphic_grad", "jit"]


# -- helpers ---------------------------------------------------------------------------
def _check_differentiable(leaves, what):
    """Refuse integer and boolean inputs (leaf k is named `what` k in the error)."""
    for k, x in enumerate(leaves):
        x = primal(x)
        if type(x) is float:
            continue
        dtype = getattr(x, "dtype", None) or _np.result_type(x)
        if dtype.kind not in "fc":
            raise NonDifferentiableError(
                f"{what} {k} has dtype {dtype}, which cannot be differentiated. Pass floating-point "
                f"values (for example x.astype(float) or 1.0 instead of 1), or leave this argument "
                f"out of argnums.")


def zeros_like_value(x):
    """Plain zeros with the shape (as the caller sees it) and dtype of x."""
    return _np.zeros(shape_of(x), _np.result_type(primal(x)))


def _argnums_tuple(argnums, nargs):
    nums = (argnums,) if isinstance(argnums, int) else tuple(argnums)
    for n in nums:
        if not -nargs <= n < nargs:
            raise ValueError(f"argnums={argnums} refers to argument {n}, but the function was called "
                             f"with {nargs} positional arguments.")
    return nums


def _with_args(fun, args, argnums):
    """fun as a function of the arguments at argnums only."""
    if argnums == tuple(range(len(args))):  # all of them, in order: fun itself
        return fun, tuple(args)

    def f(*dyn):
        full = list(args)
        for n, v in zip(argnums, dyn):
            full[n] = v
        return fun(*full)
    return f, tuple(args[n] for n in argnums)


# -- the two engine calls --------------------------------------------------------------
def vjp(fun, *primals, has_aux=False):
    """Evaluate fun(*primals) and return (out, vjp_fn[, aux]); vjp_fn(ct) gives one
    cotangent per primal (lecture L12: one backward sweep for the whole gradient).

    >>> import gradkit.numpy as np
    >>> out, back = vjp(np.sin, 0.0)
    >>> back(1.0)
    (np.float64(1.0),)
    """
    rec = _Recording(fun, primals, has_aux)

    def vjp_fn(cotangent):
        cts = tree_leaves_like(rec.out_def, cotangent, "the cotangent passed to the vjp function")
        for c, o in zip(cts, rec.outs):
            if shape_of(c) != shape_of(o):
                raise ShapeError(f"cotangent of shape {shape_of(c)} given for an output of "
                                 f"shape {shape_of(o)}; pass one of the output's shape.")
        return rec.pull(cts)

    out = tree_unflatten(rec.out_def, rec.outs)
    return (out, vjp_fn, rec.aux) if has_aux else (out, vjp_fn)


class _Recording:
    """fun(*primals) evaluated on a new tape, ready to pull cotangents back."""

    __slots__ = ("tape", "leaves", "treedef", "slots", "outs", "out_slots", "out_def", "aux")

    def __init__(self, fun, primals, has_aux):
        self.tape = tape = Tape()
        self.leaves, self.treedef = leaves, treedef = tree_flatten(primals)
        _check_differentiable(leaves, "input leaf")
        inputs = [tape.new_input(x) for x in leaves]
        self.slots = [t.node for t in inputs]  # kept apart: x[i] = v inside fun rebinds the tracer
        result = fun(*tree_unflatten(treedef, inputs))
        self.aux = None
        if has_aux:
            result, self.aux = _split_aux(result, tape)
        out_leaves, self.out_def = tree_flatten(result)
        self.outs = [value_at(o, tape) for o in out_leaves]
        self.out_slots = [o.node if type(o) is Tracer and o._trace is tape else None for o in out_leaves]

    def pull(self, cts, once=False):
        """The cotangents of the inputs (a pytree like the primals) for output cotangents
        cts; `once`: the last pull, which may free the tape as it goes."""
        seeds = [(s, c) for s, c in zip(self.out_slots, cts) if s is not None]
        got = self.tape.backward(seeds, once) if seeds else [None] * len(self.tape.records)
        grads = [zeros_like_value(x) if got[s] is None else _cast_like(got[s], x)
                 for s, x in zip(self.slots, self.leaves)]
        return tree_unflatten(self.treedef, grads)


def _cast_like(g, x):
    if is_complex(g) and not is_complex(x):
        from .numpy import real
        g = real(g)
    return g


def _split_aux(result, trace):
    """(output, aux); aux carries no derivative at this level, so its values are returned."""
    if not (isinstance(result, (tuple, list)) and len(result) == 2):
        raise ValueError("with has_aux=True the function must return a pair (output, aux).")
    return result[0], tree_map(lambda x: value_at(x, trace), result[1])


def jvp(fun, primals, tangents, has_aux=False):
    """Evaluate fun and its directional derivative: (fun(*primals), J tangents) (lecture L11).

    >>> import gradkit.numpy as np
    >>> jvp(np.sin, (0.0,), (2.0,))
    (np.float64(0.0), np.float64(2.0))
    """
    if not isinstance(primals, (tuple, list)) or not isinstance(tangents, (tuple, list)):
        raise TypeError("jvp takes primals and tangents as tuples: jvp(f, (x,), (v,)).")
    leaves, treedef = tree_flatten(tuple(primals))
    t_leaves = tree_leaves_like(treedef, tuple(tangents), "tangents")
    _check_differentiable(leaves, "primal leaf")
    trace = JVPTrace()
    inputs = []
    for x, t in zip(leaves, t_leaves):
        if shape_of(t) != shape_of(x):
            raise ShapeError(f"tangent of shape {shape_of(t)} given for a primal of shape "
                             f"{shape_of(x)}; tangents must match their primals.")
        inputs.append(trace.new_input(x, t))
    result = fun(*tree_unflatten(treedef, inputs))
    if has_aux:
        result, aux = _split_aux(result, trace)
    out_leaves, out_def = tree_flatten(result)
    outs = [value_at(o, trace) for o in out_leaves]
    touts = [o.node if type(o) is Tracer and o._trace is trace else zeros_like_value(o) for o in out_leaves]
    pair = (tree_unflatten(out_def, outs), tree_unflatten(out_def, touts))
    return pair + (aux,) if has_aux else pair


# -- gradients -------------------------------------------------------------------------
_ONE = _np.float64(1.0)  # the usual seed: a NumPy scalar, so that rules may index it


def _pullback_of_ones(fun, argnums, has_aux, check):
    """fun -> (value, cotangents at argnums of an all-ones output cotangent[, aux]): the
    common core of value_and_grad, holomorphic_grad and elementwise_grad."""
    @functools.wraps(fun)
    def wrapper(*args, **kwargs):
        nums = _argnums_tuple(argnums, len(args))
        f, dyn = _with_args(functools.partial(fun, **kwargs) if kwargs else fun, args, nums)
        rec = _Recording(f, dyn, has_aux)
        if len(rec.outs) != 1:
            raise ShapeError(f"grad needs a function with one array output, got the structure {rec.out_def!r}.")
        value = rec.outs[0]
        check(value)
        seed = _ONE if type(value) is _np.float64 or type(value) is float else \
            _np.ones(shape_of(value), _np.result_type(primal(value)))
        grads = rec.pull([seed], once=True)
        g = grads[0] if isinstance(argnums, int) else tuple(grads)
        return ((value, rec.aux), g) if has_aux else (value, g)
    return wrapper


def value_and_grad(fun, argnums=0, has_aux=False):
    """fun and its gradient with respect to the arguments at argnums, in one sweep.

    >>> import gradkit.numpy as np
    >>> value_and_grad(lambda x: np.sum(x ** 2))(np.array([1.0, 2.0]))
    (np.float64(5.0), array([2., 4.]))
    """
    return _pullback_of_ones(fun, argnums, has_aux, _check_real_scalar)


def _check_real_scalar(value):
    _check_scalar(value)
    if is_complex(value):
        raise NonDifferentiableError(
            "grad needs a real scalar output, but the function returned a complex value. "
            "Differentiate its real part (np.real(f(x))), its modulus, or use holomorphic_grad.")


def _check_scalar(value):
    if shape_of(value) != ():
        raise ShapeError(
            f"grad needs a function with a scalar output, but it returned shape {shape_of(value)}. "
            f"Use jacrev/jacobian for the full Jacobian, vjp for a vector-Jacobian product, or "
            f"elementwise_grad for the sum of the output's gradients.")


def _second(fun):
    return functools.wraps(fun)(lambda *args, **kwargs: fun(*args, **kwargs)[1])


def grad(fun, argnums=0, has_aux=False):
    """The gradient of a scalar function (lecture L10: about the cost of fun itself).

    >>> import gradkit.numpy as np
    >>> grad(lambda x: np.sum(np.sin(x)))(np.zeros(3))
    array([1., 1., 1.])
    """
    vg = value_and_grad(fun, argnums, has_aux)
    if not has_aux:
        return _second(vg)

    @functools.wraps(fun)
    def wrapper(*args, **kwargs):
        (_, aux), g = vg(*args, **kwargs)
        return g, aux
    return wrapper


def holomorphic_grad(fun, argnums=0):
    """The complex derivative f'(z) of a holomorphic scalar function.

    >>> import numpy
    >>> holomorphic_grad(lambda z: z ** 2)(1.0 + 2.0j)
    np.complex128(2+4j)
    """
    return _second(_pullback_of_ones(fun, argnums, False, _check_scalar))


def elementwise_grad(fun, argnums=0):
    """The gradient of sum(fun(x)): for an elementwise fun, its pointwise derivative.

    >>> import gradkit.numpy as np
    >>> elementwise_grad(np.sin)(np.zeros(2))
    array([1., 1.])
    """
    return _second(_pullback_of_ones(fun, argnums, False, lambda value: None))


# -- batching, Jacobians and Hessians ------------------------------------------------------
def vmap(fun, in_axes=0, out_axes=0):
    """fun mapped over an axis of its arguments, in one batched evaluation (JAX's vmap).

    in_axes: an int or None for all positional arguments, or a tuple of those, one per
    argument (None: not mapped). out_axes: where the batch axis goes in every output.

    >>> import gradkit.numpy as np
    >>> vmap(lambda x: np.dot(x, x))(np.arange(6.0).reshape(3, 2))
    array([ 1., 13., 41.])
    """
    return functools.wraps(fun)(lambda *args: _mapped(fun, args, in_axes, out_axes))


def _mapped(fun, args, in_axes=0, out_axes=0):
    """fun(*args) mapped over in_axes: vmap's body (jacfwd and jacrev call it directly)."""
    from . import numpy as gnp
    axes = in_axes if isinstance(in_axes, (tuple, list)) else (in_axes,) * len(args)
    if len(axes) != len(args):
        raise ValueError(f"vmap got in_axes for {len(axes)} arguments but was called with {len(args)}.")
    sizes = {shape_of(leaf)[ax] for a, ax in zip(args, axes) if ax is not None for leaf in tree_flatten(a)[0]}
    if len(sizes) != 1:
        raise ShapeError(f"vmap needs one batch size along in_axes, got sizes {sorted(sizes) or 'none'}; "
                         f"map at least one argument and give all mapped axes the same length.")
    size = sizes.pop()
    trace = BatchTrace(size)
    batched_args = [a if ax is None else tree_map(lambda x: trace.new_input(x if ax == 0 else gnp.moveaxis(x, ax, 0)), a)
                    for a, ax in zip(args, axes)]
    out_leaves, out_def = tree_flatten(fun(*batched_args))
    outs = []
    for o in out_leaves:
        if type(o) is Tracer and o._trace is trace:
            o = o.value
        else:  # did not depend on the mapped arguments
            o = gnp.broadcast_to(o, (size,) + shape_of(o))
        outs.append(gnp.moveaxis(o, 0, out_axes) if out_axes != 0 else o)
    return tree_unflatten(out_def, outs)


def _basis(x):
    """The standard basis of x's space, stacked: shape (x.size,) + x.shape."""
    shape = shape_of(x)
    n = math.prod(shape)
    return _np.eye(n, dtype=_np.result_type(primal(x), _np.float64)).reshape((n,) + shape)


def jacrev(fun, argnums=0, has_aux=False):
    """The Jacobian by reverse mode: one forward pass, then all output directions pulled back
    in one batched backward sweep. Shape: output shape + input shape."""
    @functools.wraps(fun)
    def wrapper(*args):
        from . import numpy as gnp
        nums = _argnums_tuple(argnums, len(args))
        f, dyn = _with_args(fun, args, nums)
        res = vjp(f, *dyn, has_aux=has_aux)
        out, back = res[0], res[1]
        out_leaves, out_def = tree_flatten(out)
        if len(out_leaves) != 1:
            raise NotImplementedError("jacrev of a function with several outputs: differentiate each output.")
        out_shape = shape_of(out_leaves[0])
        rows = _mapped(lambda e: back(tree_unflatten(out_def, [e])), (_basis(out_leaves[0]),))
        jac = tuple(gnp.reshape(r, out_shape + shape_of(x)) for r, x in zip(rows, dyn))
        jac = jac[0] if isinstance(argnums, int) else jac
        return (jac, res[2]) if has_aux else jac
    return wrapper


def jacfwd(fun, argnums=0, has_aux=False):
    """The Jacobian by forward mode: all input directions pushed through one batched
    forward sweep. Shape: output shape + input shape."""
    @functools.wraps(fun)
    def wrapper(*args):
        from . import numpy as gnp
        nums = _argnums_tuple(argnums, len(args))
        f, dyn = _with_args(fun, args, nums)
        jacs, aux = [], None
        for k, x in enumerate(dyn):
            def push(t, k=k):
                tangents = tuple(t if j == k else zeros_like_value(y) for j, y in enumerate(dyn))
                return jvp(f, dyn, tangents, has_aux=has_aux)[1:]
            tangent_out, *rest = _mapped(push, (_basis(x),))
            if has_aux:  # aux does not depend on the tangents: every batch entry is the same
                aux = tree_map(lambda a: a[0], rest[0])
            cols = gnp.moveaxis(tangent_out, 0, -1)
            jacs.append(gnp.reshape(cols, shape_of(cols)[:-1] + shape_of(x)))
        jac = jacs[0] if isinstance(argnums, int) else tuple(jacs)
        return (jac, aux) if has_aux else jac
    return wrapper


jacobian = jacrev


def hessian(fun, argnums=0):
    """The Hessian, forward-over-reverse."""
    return jacfwd(jacrev(fun, argnums), argnums)


def hvp(fun, x, v):
    """The Hessian-vector product H(x) v without forming H: the directional derivative of
    the gradient (lecture L17), at the cost of a few evaluations of fun.

    >>> import gradkit.numpy as np
    >>> hvp(lambda x: np.sum(x ** 3), np.array([1.0, 2.0]), np.array([1.0, 0.0]))
    array([6., 0.])
    """
    # Reverse over forward: the gradient of the directional derivative <grad f, v>. Eagerly
    # it is the cheaper order (forward over reverse also computes grad f itself, which only
    # dead-code removal could drop): 3.1-3.8x f instead of 4.2-6.8x on the BLAS-bound workloads.
    return value_and_grad(lambda y: jvp(fun, (y,), (v,))[1])(x)[1]  # (grad would wrap twice per call)


def hessian_tensor_product(fun, argnum=0):
    """autograd's name: a function (x..., v) -> H v."""
    def product(*args):
        *xs, v = args
        f, dyn = _with_args(fun, xs, (argnum,))
        return hvp(f, dyn[0], v)
    return product


hessian_vector_product = hessian_tensor_product


def linearize(fun, *primals):
    """(fun(*primals), f_jvp) where f_jvp(*tangents) is the JVP at primals."""
    out = fun(*primals)
    return out, lambda *tangents: jvp(fun, primals, tangents)[1]


def make_vjp(fun, x):
    """autograd's make_vjp: (vjp_fn, value) for a single argument."""
    out, back = vjp(fun, x)
    return (lambda g: back(g)[0]), out


def make_jvp(fun, x):
    """autograd's make_jvp: a function v -> (value, J v)."""
    return lambda v: jvp(fun, (x,), (v,))


# -- stop_gradient, checkpoint, custom rules ------------------------------------------
_stop = Primitive("stop_gradient", lambda x: x, differentiable=False)
_stop.defbatch(lambda batched, x: x)


def stop_gradient(x):
    """x with a derivative of zero: the value passes, no derivative flows back through it."""
    return tree_map(_stop, x)


class _FunctionPrimitive:
    """A Python function made one multi-output primitive over its flattened arguments, so
    that it can carry rules of its own (checkpoint, custom_vjp, custom_jvp). jit records
    through it (inline), since its implementation is gradkit code."""

    def __init__(self, fun):
        functools.update_wrapper(self, fun)
        self.fun = fun
        self.out_def = None  # the output structure, learned when the function runs
        self.prim = None

    def _declare(self, impl):
        self.prim = Primitive(getattr(self.fun, "__name__", type(self).__name__), impl,
                              multiple_results=True, inline=True)
        return self.prim

    def _run(self, fun, leaves, treedef):
        """fun on the unflattened leaves; its output flattened, the structure remembered."""
        out, self.out_def = tree_flatten(fun(*tree_unflatten(treedef, leaves)))
        return tuple(out)

    def _params(self):
        return {}

    def __call__(self, *args):
        if self.prim is None:
            return self.fun(*args)
        leaves, treedef = tree_flatten(args)
        flat = self.prim(*leaves, treedef=treedef, **self._params())
        return tree_unflatten(self.out_def, flat)


def _fill_zeros(parts, like):
    return tuple(zeros_like_value(x) if p is None else p for p, x in zip(parts, like))


def _substitute(leaves, argnums, values):
    full = list(leaves)
    for k, v in zip(argnums, values):
        full[k] = v
    return full


class checkpoint(_FunctionPrimitive):
    """fun whose intermediates are not stored: the backward pass recomputes them (lecture
    L19), trading about one more evaluation of fun for the memory of its tape."""

    def __init__(self, fun):
        super().__init__(fun)
        impl = lambda *leaves, treedef: self._run(fun, leaves, treedef)  # noqa: E731
        prim = self._declare(impl)

        @prim.defvjp_joint
        def rerun_vjp(argnums, g, ans, *leaves, treedef):
            # one re-run and one backward sweep give the cotangents of all the differentiated
            # inputs; the others (data) are constants of the re-run
            segment = lambda *dyn: impl(*_substitute(leaves, argnums, dyn), treedef=treedef)  # noqa: E731
            out, back = vjp(segment, *[leaves[k] for k in argnums])
            return back(_fill_zeros(g, out))

        @prim.defjvp_joint
        def rerun_jvp(tangents, ans, *leaves, treedef):
            return jvp(lambda *xs: impl(*xs, treedef=treedef), leaves, _fill_zeros(tangents, leaves))[1]


class custom_vjp(_FunctionPrimitive):
    """A function with a user-given reverse-mode rule (JAX's interface):

        @custom_vjp
        def f(x): ...
        f.defvjp(f_fwd, f_bwd)   # f_fwd(*args) -> (out, residuals); f_bwd(residuals, g) -> cotangents

    Forward mode differentiates f itself."""

    def defvjp(self, fwd, bwd):
        def impl(*leaves, treedef, residuals):
            def keep_residuals(*args):
                out, res = fwd(*args)
                residuals[:] = [res]
                return out
            return self._run(keep_residuals, leaves, treedef)

        prim = self._declare(impl)

        @prim.defvjp_joint
        def bwd_rule(argnums, g, ans, *leaves, treedef, residuals):
            cts = bwd(residuals[0], tree_unflatten(self.out_def, _fill_zeros(g, ans)))
            ct_leaves = tree_leaves_like(treedef, tuple(cts), "the cotangents returned by the bwd rule")
            return tuple(ct_leaves[k] for k in argnums)

        @prim.defjvp_joint
        def jvp_rule(tangents, ans, *leaves, treedef, residuals):
            flat = lambda *xs: self._run(self.fun, xs, treedef)  # noqa: E731
            return jvp(flat, leaves, _fill_zeros(tangents, leaves))[1]
        return self

    def _params(self):
        return {"residuals": []}  # filled by fwd, read by bwd: one list per call


class custom_jvp(_FunctionPrimitive):
    """A function with a user-given forward-mode rule (JAX's interface):

        @custom_jvp
        def f(x): ...
        @f.defjvp
        def f_jvp(primals, tangents): return f(*primals), tangent_out

    Reverse mode differentiates the (linear) tangent map of the rule, so the rule serves
    both modes."""

    def defjvp(self, rule):
        prim = self._declare(lambda *leaves, treedef: self._run(self.fun, leaves, treedef))

        def jvp_rule(tangents, ans, *leaves, treedef):
            _, t_out = rule(tree_unflatten(treedef, leaves), tree_unflatten(treedef, _fill_zeros(tangents, leaves)))
            return tuple(tree_leaves_like(self.out_def, t_out, "the tangent returned by the jvp rule"))

        def vjp_rule(argnums, g, ans, *leaves, treedef):
            # the tangent map of the differentiated inputs is linear: one reverse sweep
            # through it gives all their cotangents
            def tangent_map(*ts):
                return jvp_rule(_substitute([None] * len(leaves), argnums, ts), ans, *leaves, treedef=treedef)
            zeros = [zeros_like_value(leaves[k]) for k in argnums]
            return vjp(tangent_map, *zeros)[1](_fill_zeros(g, ans))

        prim.defjvp_joint(jvp_rule).defvjp_joint(vjp_rule)
        return rule


# -- compiled replay -------------------------------------------------------------------
def jit(fun, static_argnums=()):
    """fun recorded once per input signature (shapes, dtypes, static arguments) and then
    replayed as straight-line NumPy calls, which removes gradkit's per-operation overhead.
    Compose it with the other transformations: jit(grad(f)), jit(value_and_grad(f)).

    Like JAX's jit, Python control flow must not depend on array values (mark such
    arguments static); gradkit raises ConcretizationError where it would.

    >>> import gradkit.numpy as np
    >>> f = jit(grad(lambda x: np.sum(np.sin(x) ** 2)))
    >>> f(np.zeros(2))
    array([0., 0.])
    """
    static = (static_argnums,) if isinstance(static_argnums, int) else tuple(static_argnums)
    cache = {}

    @functools.wraps(fun)
    def wrapper(*args):
        dynamic = [a for k, a in enumerate(args) if k not in static]
        leaves, treedef = tree_flatten(dynamic)
        if any(type(x) is Tracer for x in leaves):  # under another transformation: no replay
            return fun(*args)
        key = (treedef, tuple(_signature(x) for x in leaves),
               tuple((k, args[k]) for k in static if k < len(args)))
        entry = cache.get(key)
        if entry is not None:
            program, out_def = entry
            return tree_unflatten(out_def, program(*leaves))
        trace = JitTrace()
        inputs = [trace.new_input(x) for x in leaves]
        slots = [t.node for t in inputs]
        it = iter(tree_unflatten(treedef, inputs))
        out = fun(*[a if k in static else next(it) for k, a in enumerate(args)])
        out_leaves, out_def = tree_flatten(out)
        cache[key] = (compile_program(trace, slots, out_leaves), out_def)
        return tree_unflatten(out_def, [value_at(o, trace) for o in out_leaves])
    wrapper.cache = cache
    return wrapper


def _signature(x):
    shape = getattr(x, "shape", None)
    if shape is None:
        return type(x)
    return shape, getattr(x, "dtype", None)


# -- autograd's way of declaring primitives --------------------------------------------
def primitive(fun):
    """Make fun a gradkit primitive (autograd's decorator); give it rules with defvjp/defjvp."""
    return Primitive(getattr(fun, "__name__", "primitive"), fun)


def defvjp(prim, *rules, argnums=None):
    """autograd's form: rules[i](ans, *args, **kwargs) returns a function g -> cotangent.
    (Primitive.defvjp takes the uncurried form (g, ans, *args, **kwargs) directly.)"""
    argnums = range(len(rules)) if argnums is None else argnums
    table = [None] * (max(argnums, default=-1) + 1)
    for n, rule in zip(argnums, rules):
        table[n] = None if rule is None else _uncurry(rule)
    prim.defvjp(*table)
    return prim


def _uncurry(rule):
    return lambda g, ans, *args, **kwargs: rule(ans, *args, **kwargs)(g)


def defjvp(prim, *rules, argnums=None):
    """autograd's form: rules[i](g, ans, *args, **kwargs) is the output tangent for a
    tangent g of argument i (the same signature as Primitive.defjvp)."""
    argnums = range(len(rules)) if argnums is None else argnums
    table = [None] * (max(argnums, default=-1) + 1)
    for n, rule in zip(argnums, rules):
        table[n] = rule
    prim.defjvp(*table)
    return prim
