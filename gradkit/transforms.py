"""Transformations: functions in, functions out, with JAX's names and semantics.

Everything here is a short function over two engine calls: `vjp` (reverse mode, one
tape) and `jvp` (forward mode). Arguments and results may be pytrees: nested tuples,
lists, dicts, namedtuples, None and types made nodes with `register_pytree_node`.
Jacobians and Hessians of pytrees are pytrees: the output's structure, each leaf
replaced by the input's structure (JAX's convention).

What users hand in (argnums, in_axes, tangents, their own rules) is checked once per
transformation call, with an error that names the problem and the fix; the engine's
per-operation path checks nothing.
"""
import functools
import inspect
import math
import warnings

import numpy as _np

from .core import (BatchTrace, JVPTrace, NonDifferentiableError, Primitive, ShapeError, Tape, Tracer,
                   close, primal, tree_flatten, tree_leaves_like, tree_map, tree_unflatten, value_at)
from .core import backend
from .core.tree import broadcast_prefix, register_pytree_node, tree_paths  # noqa: F401  (re-exported)
from .numpy.declare import is_complex, shape_of

__all__ = ["vjp", "jvp", "vmap", "grad", "value_and_grad", "jacrev", "jacfwd", "hessian", "hvp", "linearize",
           "checkpoint", "custom_vjp", "custom_jvp", "stop_gradient", "elementwise_grad",
           "make_vjp", "make_jvp", "jacobian", "hessian_tensor_product", "hessian_vector_product",
           "deriv", "grad_and_aux", "grad_named", "multigrad_dict", "make_hvp", "make_ggnvp",
           "tensor_jacobian_product", "vector_jacobian_product",
           "primitive", "defvjp", "defjvp", "defgrad", "holomorphic_grad", "jit", "register_pytree_node",
           "DifferentiationTypeError"]


class DifferentiationTypeError(NonDifferentiableError, TypeError):
    """A value of a type or dtype that cannot be differentiated was handed to a
    transformation: an integer input, a string, bool, None or complex output of grad.

    >>> try:
    ...     grad(lambda x: x)(3)
    ... except DifferentiationTypeError as error:
    ...     print(error)
    input leaf 0 has dtype int, which cannot be differentiated. Pass floating-point values (for example x.astype(float) or 1.0 instead of 1), or leave this argument out of argnums.
    """


# -- helpers ---------------------------------------------------------------------------
def _dtype(x):
    """x's dtype, or None for a Python float, int or complex (weakly typed, as in JAX)."""
    x = primal(x)
    t = type(x)
    if t is float or t is int or t is complex:
        return None
    dtype = getattr(x, "dtype", None)
    return dtype if isinstance(dtype, _np.dtype) else backend.dtype_of(x) if dtype is not None else _np.asarray(x).dtype


def _kind(x):
    x = primal(x)
    t = type(x)
    if t is float:
        return "f"
    if t is int or t is bool:
        return "b" if t is bool else "i"
    if t is complex:
        return "c"
    dtype = getattr(x, "dtype", None)
    if dtype is not None and not isinstance(dtype, _np.dtype):  # an Array API array's own dtype
        dtype = backend.dtype_of(x)
    if not isinstance(dtype, _np.dtype):
        try:
            dtype = _np.asarray(x).dtype  # (result_type would read a string as a dtype's name)
        except (TypeError, ValueError):
            return "O"
    return dtype.kind


def _check_differentiable(leaves, what):
    """Refuse integer and boolean inputs (leaf k is named `what` k in the error)."""
    for k, x in enumerate(leaves):
        t = type(x)
        if t is float or t is _np.float64 or t is _np.ndarray and x.dtype.kind in "fc":
            continue
        kind = _kind(x)
        if kind not in "fc":
            dtype = _dtype(x) or type(primal(x)).__name__
            raise DifferentiationTypeError(
                f"{what} {k} has dtype {dtype}, which cannot be differentiated. Pass floating-point "
                f"values (for example x.astype(float) or 1.0 instead of 1), or leave this argument "
                f"out of argnums.")


def zeros_like_value(x):
    """Plain zeros with the shape (as the caller sees it) and dtype of x, in x's array library."""
    return backend.zeros(shape_of(x), primal(x))


def _argnums_spec(argnums):
    """argnums checked when the transformation is made: an int, or a non-empty tuple (or
    list) of distinct ints. Returns the tuple."""
    single = isinstance(argnums, (int, _np.integer)) and not isinstance(argnums, bool)
    nums = (argnums,) if single else tuple(argnums) if isinstance(argnums, (tuple, list)) else None
    if nums is None or not all(isinstance(n, (int, _np.integer)) and not isinstance(n, bool) for n in nums):
        raise TypeError(f"argnums must be an int or a tuple of ints (positions of the arguments to "
                        f"differentiate), got {argnums!r}. Write argnums=0 or argnums=(0, 2).")
    if not nums:
        raise ValueError("argnums=() differentiates with respect to nothing; name at least one argument.")
    nums = tuple(int(n) for n in nums)
    if len(set(nums)) != len(nums):
        raise ValueError(f"argnums={argnums!r} names an argument twice; each argument can be "
                         f"differentiated once. Remove the repeats.")
    return nums


def _argnums_at(nums, argnums, nargs):
    """nums for a call with nargs positional arguments: negative ones counted from the end
    (as in JAX), each in range, none twice once normalised."""
    if min(nums) >= 0 and max(nums) < nargs:
        return nums
    for n in nums:
        if not -nargs <= n < nargs:
            raise ValueError(f"argnums={argnums!r} refers to argument {n}, but the function was called "
                             f"with {nargs} positional argument{'s' if nargs != 1 else ''}. Pass keyword "
                             f"arguments positionally to differentiate them.")
    fixed = tuple(n % nargs for n in nums)
    if len(set(fixed)) != len(fixed):
        raise ValueError(f"argnums={argnums!r} names the same argument twice for a call with {nargs} "
                         f"arguments ({fixed}); remove the repeats.")
    return fixed


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


def _autograd_argnum(transform):
    """transform, also taking autograd's keyword argnum=k for argnums=k, so that autograd
    programs run unchanged."""
    @functools.wraps(transform)
    def wrapper(fun, *args, argnum=None, **kwargs):
        if argnum is not None:
            if args or "argnums" in kwargs:
                raise TypeError(f"{transform.__name__} takes argnums= or autograd's argnum=, not both.")
            kwargs["argnums"] = argnum
        return transform(fun, *args, **kwargs)
    return wrapper


def _bind(fun, kwargs):
    return functools.partial(fun, **kwargs) if kwargs else fun


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
            if backend.dtype_of(c).kind == "c" and not is_complex(o):  # its imaginary part would leak
                raise TypeError(f"a complex cotangent was given for a real output (of shape {shape_of(o)}); "
                                f"a real output moves in real directions only. Pass np.real(cotangent).")
        return rec.pull(cts)

    out = tree_unflatten(rec.out_def, [backend.release(o) for o in rec.outs])
    return (out, vjp_fn, rec.aux) if has_aux else (out, vjp_fn)


class _Recording:
    """fun(*primals) evaluated on a new tape, ready to pull cotangents back."""

    __slots__ = ("tape", "leaves", "treedef", "slots", "outs", "out_slots", "out_def", "aux")

    def __init__(self, fun, primals, has_aux):
        self.tape = tape = Tape()
        self.leaves, self.treedef = leaves, treedef = tree_flatten(primals)
        _check_differentiable(leaves, "input leaf")
        inputs = [tape.new_input(backend.adopt(x)) for x in leaves]
        self.slots = [t.node for t in inputs]  # kept apart: x[i] = v inside fun rebinds the tracer
        result = fun(*tree_unflatten(treedef, inputs))
        self.aux = None
        if has_aux:
            result, self.aux = _split_aux(result, tape)
        out_leaves, self.out_def = tree_flatten(result)
        self.outs = [value_at(o, tape) for o in out_leaves]
        self.out_slots = [o.node if type(o) is Tracer and o._trace is tape else None for o in out_leaves]
        close(tape, "reverse-mode differentiation (gradkit.grad, vjp, value_and_grad...)")

    def pull(self, cts, once=False):
        """The cotangents of the inputs (a pytree like the primals) for output cotangents
        cts; `once`: the last pull, which may free the tape as it goes."""
        seeds = [(s, backend.adopt(c)) for s, c in zip(self.out_slots, cts) if s is not None]
        got = self.tape.backward(seeds, once) if seeds else [None] * len(self.tape.records)
        grads = [backend.release(zeros_like_value(x) if got[s] is None else _cast_like(got[s], x))
                 for s, x in zip(self.slots, self.leaves)]
        return tree_unflatten(self.treedef, grads)


def _cast_like(g, x):
    """The cotangent g of input x in x's kind: real for a real x, complex for a complex one."""
    if (type(g) is _np.ndarray and g.dtype.kind == "f" or type(g) is _np.float64) and (
            type(x) is _np.ndarray and x.dtype.kind == "f" or type(x) is float or type(x) is _np.float64):
        return g
    wanted = backend.dtype_of(x).kind == "c"
    if is_complex(g) != wanted:
        from .numpy import real
        g = g * (1 + 0j) if wanted else real(g)
    return g


def _split_aux(result, trace):
    """(output, aux); aux carries no derivative at this level, so its values are returned."""
    if not (isinstance(result, (tuple, list)) and len(result) == 2):
        raise ValueError(f"with has_aux=True the function must return a pair (output, aux), but it "
                         f"returned {_describe(result)}.")
    return result[0], tree_map(lambda x: value_at(x, trace), result[1])


def _describe(value):
    """A short description of a value for messages: its type, shape and dtype."""
    if isinstance(value, (tuple, list, dict)) or value is None:
        return f"a {type(value).__name__} with structure {tree_flatten(value)[1]!r}"
    v = primal(value)
    name = type(v).__name__
    article = "an" if name[0] in "aeiou" else "a"
    if hasattr(v, "shape") and hasattr(v, "dtype"):
        return f"an array of shape {shape_of(value)} and dtype {v.dtype}"
    return f"{article} {name} ({v!r:.40})"


def jvp(fun, primals, tangents, has_aux=False):
    """Evaluate fun and its directional derivative: (fun(*primals), J tangents) (lecture L11).
    Tangents have the structure, shapes and dtypes of the primals (a Python float is fine
    for any real primal, as in JAX).

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
    for k, (x, t) in enumerate(zip(leaves, t_leaves)):
        _check_tangent(k, x, t)
        inputs.append(trace.new_input(backend.adopt(x), backend.adopt(t)))
    result = fun(*tree_unflatten(treedef, inputs))
    close(trace, "forward-mode differentiation (gradkit.jvp, jacfwd...)")
    if has_aux:
        result, aux = _split_aux(result, trace)
    out_leaves, out_def = tree_flatten(result)
    outs = [value_at(o, trace) for o in out_leaves]
    touts = [o.node if type(o) is Tracer and o._trace is trace else zeros_like_value(o) for o in out_leaves]
    pair = (tree_unflatten(out_def, [backend.release(o) for o in outs]),
            tree_unflatten(out_def, [backend.release(t) for t in touts]))
    return pair + (aux,) if has_aux else pair


def _check_tangent(k, x, t):
    """A tangent matches its primal in shape and dtype; a weakly typed side (a Python
    number) in kind only. Otherwise the tangent would be cast or dropped silently."""
    if shape_of(t) != shape_of(x):
        raise ShapeError(f"tangent {k} has shape {shape_of(t)} but its primal has shape {shape_of(x)}; "
                         f"tangents must match their primals.")
    xt, tt = _dtype(x), _dtype(t)
    if xt is not None and tt is not None:
        if xt == tt:
            return
    elif _kind(x) == _kind(t) or (xt is None and _kind(t) == "f" and _kind(x) in "if"):
        return
    want = xt or {"f": "float", "c": "complex", "i": "float"}[_kind(x)]
    got = tt or type(primal(t)).__name__
    raise TypeError(f"tangent {k} has dtype {got} but its primal has dtype {want}; tangents must have their "
                    f"primal's dtype (as in JAX: a complex tangent for a real primal, or an integer one, would "
                    f"otherwise be dropped or cast). Pass t.astype(x.dtype).")


# -- gradients -------------------------------------------------------------------------
_ONE = _np.float64(1.0)  # the usual seed: a NumPy scalar, so that rules may index it


def _pullback_of_ones(fun, argnums, has_aux, check):
    """fun -> (value, cotangents at argnums of an all-ones output cotangent[, aux]): the
    common core of value_and_grad, holomorphic_grad and elementwise_grad."""
    spec = _argnums_spec(argnums)
    single = not isinstance(argnums, (tuple, list))

    @functools.wraps(fun)
    def wrapper(*args, **kwargs):
        nums = _argnums_at(spec, argnums, len(args))
        f, dyn = _with_args(_bind(fun, kwargs), args, nums)
        rec = _Recording(f, dyn, has_aux)
        if len(rec.outs) != 1 or rec.out_def.kind != "leaf":
            _refuse_structure(rec.out_def, has_aux)
        value = rec.outs[0]
        check(value)
        seed = _ONE if type(value) is _np.float64 or type(value) is float else \
            backend.ones(shape_of(value), primal(value))
        grads = rec.pull([seed], once=True)
        g = grads[0] if single else tuple(grads)
        value = backend.release(value)
        return ((value, rec.aux), g) if has_aux else (value, g)
    return wrapper


def _refuse_structure(out_def, has_aux):
    if out_def.kind == "none":
        raise DifferentiationTypeError("grad needs a function returning a real scalar, but it returned None "
                                       "(a missing `return`?).")
    hint = "" if has_aux else (" If it returns (value, extra), pass has_aux=True; for several outputs use "
                               "jacrev, or vjp.")
    raise ShapeError(f"grad needs a function with one scalar output, got the structure {out_def!r}.{hint}")


@_autograd_argnum
def value_and_grad(fun, argnums=0, has_aux=False):
    """fun and its gradient with respect to the arguments at argnums, in one sweep.
    An output of size 1 (shape (1,) or (1, 1), a keepdims sum) counts as the scalar, as
    in autograd.

    >>> import gradkit.numpy as np
    >>> value_and_grad(lambda x: np.sum(x ** 2))(np.array([1.0, 2.0]))
    (np.float64(5.0), array([2., 4.]))
    """
    return _pullback_of_ones(fun, argnums, has_aux, _check_real_scalar)


def _check_real_scalar(value):
    if type(value) is _np.float64:
        return
    _check_scalar(value)
    if is_complex(value):
        raise DifferentiationTypeError(
            "grad needs a real scalar output, but the function returned a complex value. "
            "Differentiate its real part (np.real(f(x))), its modulus, or use holomorphic_grad.")


def _check_scalar(value):
    t = type(value)
    if t is not Tracer and t is not _np.float64 and t is not float and _kind(value) not in "fc":
        raise DifferentiationTypeError(
            f"grad needs a function returning a real floating-point scalar, but it returned "
            f"{_describe(value)}. Return a float (for a count or a test, there is no derivative to take).")
    shape = shape_of(value)
    if shape != () and math.prod(shape) != 1:
        raise ShapeError(
            f"grad needs a function with a scalar output, but it returned shape {shape}. "
            f"Use jacrev/jacobian for the full Jacobian, vjp for a vector-Jacobian product, or "
            f"elementwise_grad for the sum of the output's gradients.")


def _check_numeric(value):
    if type(value) is not Tracer and _kind(value) not in "fc":
        raise DifferentiationTypeError(f"elementwise_grad needs a function returning floating-point values, but "
                                       f"it returned {_describe(value)}.")


def _second(fun):
    return functools.wraps(fun)(lambda *args, **kwargs: fun(*args, **kwargs)[1])


@_autograd_argnum
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


@_autograd_argnum
def holomorphic_grad(fun, argnums=0):
    """The complex derivative f'(z) of a holomorphic scalar function.

    >>> import numpy
    >>> holomorphic_grad(lambda z: z ** 2)(1.0 + 2.0j)
    np.complex128(2+4j)
    """
    return _second(_pullback_of_ones(fun, argnums, False, _check_scalar))


@_autograd_argnum
def elementwise_grad(fun, argnums=0):
    """The gradient of sum(fun(x)): for an elementwise fun, its pointwise derivative.

    >>> import gradkit.numpy as np
    >>> elementwise_grad(np.sin)(np.zeros(2))
    array([1., 1.])
    """
    return _second(_pullback_of_ones(fun, argnums, False, _check_numeric))


# -- batching --------------------------------------------------------------------------
def vmap(fun, in_axes=0, out_axes=0):
    """fun mapped over an axis of its arguments, in one batched evaluation (JAX's vmap).

    in_axes: an int or None for all positional arguments, or a tuple with one entry per
    argument, each an int, None (not mapped) or a pytree prefix of that argument (a dict
    {"w": None, "x": 0} for a dict argument). Negative axes count from the end.
    out_axes: the same for the outputs: where the batch axis goes in each.

    >>> import gradkit.numpy as np
    >>> vmap(lambda x: np.dot(x, x))(np.arange(6.0).reshape(3, 2))
    array([ 1., 13., 41.])
    """
    in_axes = _axes_spec(in_axes, "in_axes")
    out_axes = _axes_spec(out_axes, "out_axes")

    @functools.wraps(fun)
    def mapped(*args, **kwargs):
        if kwargs:
            raise TypeError(
                f"a vmapped function takes positional arguments only, got keyword arguments "
                f"{sorted(kwargs)}. Pass them positionally (with an in_axes entry each, None if not "
                f"mapped), or bind unmapped ones first: vmap(functools.partial(f, {next(iter(kwargs))}=...)).")
        return tree_map(backend.release, _mapped(fun, args, in_axes, out_axes))
    return mapped


def _axes_spec(axes, what):
    """in_axes/out_axes checked when vmap is made: ints and None in a pytree (a list at
    the top counts as a tuple, as in JAX)."""
    if type(axes) is list:
        axes = tuple(axes)
    if what == "in_axes" and not (axes is None or isinstance(axes, (int, _np.integer, tuple))):
        raise TypeError(f"vmap's in_axes must be an int, None, or a tuple with one entry per positional "
                        f"argument, got {axes!r}." + (f" For a dict argument write in_axes=({axes!r},)."
                                                     if isinstance(axes, dict) else ""))
    for leaf in tree_flatten(axes)[0]:
        if not isinstance(leaf, (int, _np.integer)) or isinstance(leaf, bool):
            raise TypeError(f"vmap's {what} entries must be ints (an axis) or None (not mapped), "
                            f"got {leaf!r} in {what}={axes!r}.")
    return axes


def _mapped(fun, args, in_axes=0, out_axes=0):
    """fun(*args) mapped over in_axes: vmap's body (jacfwd and jacrev call it directly)."""
    from . import numpy as gnp
    leaves, treedef = tree_flatten(args)
    if in_axes is None or type(in_axes) is int:
        axes = [in_axes] * len(leaves)
    else:
        if len(in_axes) != len(args):
            raise ValueError(f"vmap got in_axes={in_axes!r}, {len(in_axes)} entries, for a call with {len(args)} "
                             f"positional argument{'s' if len(args) != 1 else ''}; give one entry per argument "
                             f"(a tuple (0,) for one argument) or a single int or None for all.")
        axes = broadcast_prefix(in_axes, tuple(args), "in_axes")
    size = None
    inputs = list(leaves)
    trace = None
    for k, (x, ax) in enumerate(zip(leaves, axes)):
        if ax is None:
            continue
        shape = shape_of(x)
        if not -len(shape) <= ax < len(shape):
            raise _axis_error(args, k, shape, ax)
        ax %= len(shape)
        if size is None:
            size = shape[ax]
            trace = BatchTrace(size)
        elif shape[ax] != size:
            raise _size_error(args, leaves, axes)
        x = backend.adopt(x)  # Array API arrays: seen through the engine's view
        inputs[k] = trace.new_input(x if ax == 0 else gnp.moveaxis(x, ax, 0))
    if trace is None:
        raise ValueError(f"vmap needs at least one mapped argument, but in_axes={in_axes!r} maps none of the "
                         f"{len(leaves)} array leaves; give the batched argument an axis.")
    out = fun(*tree_unflatten(treedef, inputs))
    close(trace, "gradkit.vmap")
    out_leaves, out_def = tree_flatten(out)
    oaxes = [out_axes] * len(out_leaves) if out_axes is None or type(out_axes) is int else \
        broadcast_prefix(out_axes, out, "out_axes")
    outs = []
    for k, (o, ax) in enumerate(zip(out_leaves, oaxes)):
        batched = type(o) is Tracer and o._trace is trace
        if ax is None:
            if batched:
                raise ValueError(f"vmap's out_axes is None for output {tree_paths(out, 'out')[k]}, which depends on "
                                 f"the mapped inputs (it differs across the batch); give it an axis.")
            outs.append(o)
            continue
        o = o.value if batched else gnp.broadcast_to(backend.adopt(o), (size,) + shape_of(o))  # constant over the batch
        rank = len(shape_of(o))
        if not -rank <= ax < rank:
            raise ValueError(f"vmap's out_axes asks for the batch axis at position {ax} of output "
                             f"{tree_paths(out, 'out')[k]}, but that output has shape {shape_of(o)[1:]} per "
                             f"example, so the batch axis can go at positions {-rank} to {rank - 1}: out_axes "
                             f"must be in [{-rank}, {rank}).")
        ax %= rank
        outs.append(gnp.moveaxis(o, 0, ax) if ax != 0 else o)
    return tree_unflatten(out_def, outs)


def _axis_error(args, k, shape, ax):
    where = tree_paths(tuple(args), 'args')[k]
    if not shape:
        return ValueError(f"vmap was asked to map argument {where} along axis {ax}, but it is a scalar (0-d, "
                          f"no axis to map); give it None in in_axes to pass it unmapped to every example.")
    return ValueError(f"vmap was asked to map argument {where} along axis {ax}, but it has shape {shape} "
                      f"(rank {len(shape)}); in_axes entries for it must be in [{-len(shape)}, {len(shape)}).")


def _size_error(args, leaves, axes):
    paths = tree_paths(tuple(args), 'args')
    parts = [f"argument {p} of shape {shape_of(x)} along axis {ax} (size {shape_of(x)[ax]})"
             for p, x, ax in zip(paths, leaves, axes) if ax is not None]
    return ShapeError("vmap needs one batch size along the mapped axes, but got " + "; ".join(parts) +
                      ". Give all mapped axes one length, and None in in_axes to arguments that are "
                      "not batched.")


# -- Jacobians and Hessians --------------------------------------------------------------
def _basis_dtype(x):
    dtype = backend.dtype_of(primal(x))
    return dtype if dtype.kind in "fc" else _np.dtype(_np.float64)


def _stacked_bases(leaves):
    """For leaves of sizes n_1..n_k, one block basis of R^(n_1+...+n_k): leaf i's part,
    shape (n,) + leaf i's shape, is the identity on its own block and zero elsewhere.
    Returns (parts, offsets)."""
    sizes = [math.prod(shape_of(x)) for x in leaves]
    offsets = [0]
    for s in sizes:
        offsets.append(offsets[-1] + s)
    n = offsets[-1]
    eye = backend.eye(n, _basis_dtype(leaves[0]), primal(leaves[0]))
    parts = []
    for x, lo, hi in zip(leaves, offsets, offsets[1:]):
        block = eye if len(leaves) == 1 else eye[:, lo:hi]
        dtype = _basis_dtype(x)
        parts.append(block.astype(dtype, copy=False).reshape((n,) + shape_of(x)))
    return parts, offsets


def jacrev(fun, argnums=0, has_aux=False):
    """The Jacobian by reverse mode: one forward pass, then all output directions pulled back
    in one batched backward sweep. Each output leaf's entry has shape output shape + input
    shape; for pytrees, the output's structure holding the input's (JAX's convention).
    Reverse mode costs one sweep per output, so it wins for few outputs and many inputs
    (lecture L13). argnums and has_aux are grad's; returns a function of fun's arguments.

    >>> import gradkit.numpy as np
    >>> jacrev(lambda x: x ** 2)(np.array([1.0, 2.0]))
    array([[2., 0.],
           [0., 4.]])
    """
    spec = _argnums_spec(argnums)
    single = not isinstance(argnums, (tuple, list))

    @functools.wraps(fun)
    def wrapper(*args, **kwargs):
        from . import numpy as gnp
        nums = _argnums_at(spec, argnums, len(args))
        f, dyn = _with_args(_bind(fun, kwargs), args, nums)
        rec = _Recording(f, dyn, has_aux)
        outs = rec.outs
        if not outs:
            raise ShapeError(f"jacrev of a function without array outputs (it returned {rec.out_def!r}).")
        bases, offsets = _stacked_bases(outs)
        rows = _mapped(lambda cts: rec.pull(cts, once=True), (bases,))  # a tree like dyn, leaves (m,) + shape
        row_leaves, dyn_def = tree_flatten(rows)
        in_leaves = tree_flatten(dyn)[0]
        jac = []
        for o, lo, hi in zip(outs, offsets, offsets[1:]):
            blocks = [gnp.reshape(r if len(outs) == 1 else r[lo:hi], shape_of(o) + shape_of(x))
                      for r, x in zip(row_leaves, in_leaves)]
            by_arg = tree_unflatten(dyn_def, blocks)
            jac.append(by_arg[0] if single else by_arg)
        jac = tree_map(backend.release, tree_unflatten(rec.out_def, jac))
        return (jac, rec.aux) if has_aux else jac
    return wrapper


def jacfwd(fun, argnums=0, has_aux=False):
    """The Jacobian by forward mode: all input directions pushed through one batched
    forward sweep. Each output leaf's entry has shape output shape + input shape; for
    pytrees, the output's structure holding the input's (JAX's convention). Forward mode
    costs one sweep per input, so it wins for few inputs and many outputs (lecture L13).
    argnums and has_aux are grad's; returns a function of fun's arguments.

    >>> import gradkit.numpy as np
    >>> jacfwd(lambda x: x ** 2)(np.array([1.0, 2.0]))
    array([[2., 0.],
           [0., 4.]])
    """
    spec = _argnums_spec(argnums)
    single = not isinstance(argnums, (tuple, list))

    @functools.wraps(fun)
    def wrapper(*args, **kwargs):
        from . import numpy as gnp
        nums = _argnums_at(spec, argnums, len(args))
        f, dyn = _with_args(_bind(fun, kwargs), args, nums)
        in_leaves, dyn_def = tree_flatten(dyn)
        _check_differentiable(in_leaves, "input leaf")
        if all(c.kind == "leaf" for c in dyn_def.children):
            flat = f  # the arguments are arrays already
        else:
            def flat(*xs):
                return f(*tree_unflatten(dyn_def, xs))
        bases, offsets = _stacked_bases(in_leaves)
        pushed = _mapped(lambda *ts: jvp(flat, in_leaves, ts, has_aux=has_aux)[1:], tuple(bases))
        t_out = pushed[0]
        aux = tree_map(lambda a: a[0], pushed[1]) if has_aux else None  # the same in every batch entry
        t_leaves, out_def = tree_flatten(t_out)
        jac = []
        for t in t_leaves:
            out_shape = shape_of(t)[1:]
            blocks = []
            for x, lo, hi in zip(in_leaves, offsets, offsets[1:]):
                cols = gnp.moveaxis(t if len(in_leaves) == 1 else t[lo:hi], 0, -1)
                blocks.append(gnp.reshape(cols, out_shape + shape_of(x)))
            by_arg = tree_unflatten(dyn_def, blocks)
            jac.append(by_arg[0] if single else by_arg)
        jac = tree_map(backend.release, tree_unflatten(out_def, jac))
        return (jac, aux) if has_aux else jac
    return wrapper


jacobian = _autograd_argnum(jacrev)  # autograd's name


@_autograd_argnum
def hessian(fun, argnums=0, has_aux=False):
    """The Hessian, forward-over-reverse. With argnums=(0, 1) it is the nested tuple
    ((H00, H01), (H10, H11)) of blocks (JAX's convention). argnums and has_aux are grad's;
    returns a function of fun's arguments (lecture L1-L3: the closed-form Hessians).

    >>> import gradkit.numpy as np
    >>> hessian(lambda x: np.sum(x ** 3))(np.array([1.0, 2.0]))
    array([[ 6.,  0.],
           [ 0., 12.]])
    """
    return jacfwd(jacrev(fun, argnums, has_aux), argnums, has_aux)


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
    """autograd's name: a function (x..., v) -> H v, the Hessian of fun with respect to
    argument argnum times v, computed as hvp does (lecture L17).

    >>> import gradkit.numpy as np
    >>> hessian_tensor_product(lambda x: np.sum(x ** 3))(np.array([1.0, 2.0]), np.array([1.0, 0.0]))
    array([6., 0.])
    """
    @functools.wraps(fun)
    def product(*args):
        *xs, v = args
        f, dyn = _with_args(fun, xs, _argnums_at(_argnums_spec(argnum), argnum, len(xs)))
        return hvp(f, dyn[0], v)
    return product


hessian_vector_product = hessian_tensor_product


# -- autograd's other differential operators, in its forms ---------------------------------
def _of_argnum(fun, argnum, args, kwargs):
    """(fun as a function of the argument at argnum, that argument): autograd's one-argument view."""
    f, dyn = _of_args(fun, argnum, args, kwargs)
    return f, dyn[0]


def _of_args(fun, argnum, args, kwargs):
    """(fun as a function of the arguments at argnum, those arguments), keywords bound."""
    return _with_args(_bind(fun, kwargs), args, _argnums_at(_argnums_spec(argnum), argnum, len(args)))


def deriv(fun, argnum=0):
    """autograd's deriv: the derivative of fun along all-ones in the argument at argnum, one
    forward sweep (for a scalar argument, df/dx at any output shape; lecture L11).

    >>> import gradkit.numpy as np
    >>> deriv(lambda t: np.array([np.sin(t), t ** 2]))(0.0)
    array([1., 0.])
    """
    @functools.wraps(fun)
    def derivative(*args, **kwargs):
        f, x = _of_argnum(fun, argnum, args, kwargs)
        return jvp(f, (x,), (backend.ones(shape_of(x), x),))[1]
    return derivative


def grad_and_aux(fun, argnum=0):
    """autograd's grad_and_aux: for fun returning (value, aux), the pair (gradient of value, aux).

    >>> import gradkit.numpy as np
    >>> grad_and_aux(lambda x: (x ** 2, "seen"))(3.0)
    (np.float64(6.0), 'seen')
    """
    @functools.wraps(fun)
    def gradient(*args, **kwargs):
        (_, aux), g = value_and_grad(fun, argnum, has_aux=True)(*args, **kwargs)
        return g, aux
    return gradient


def grad_named(fun, argname):
    """autograd's grad_named: the gradient with respect to the argument called argname.

    >>> grad_named(lambda x, y: x * y, "y")(2.0, 5.0)
    np.float64(2.0)
    """
    return grad(fun, list(inspect.signature(fun).parameters).index(argname))


def multigrad_dict(fun):
    """autograd's multigrad_dict: the gradients with respect to every argument, as a dict
    from argument name to gradient (defaults included, *args as a tuple, **kwargs as a dict).

    >>> multigrad_dict(lambda x, y=2.0: x * y)(3.0)
    {'x': np.float64(2.0), 'y': np.float64(3.0)}
    """
    sig = inspect.signature(fun)

    @functools.wraps(fun)
    def gradients(*args, **kwargs):
        bound = sig.bind(*args, **kwargs)
        bound.apply_defaults()

        def of_all(arguments):
            call = sig.bind_partial()
            call.arguments.update(arguments)
            return fun(*call.args, **call.kwargs)
        return dict(grad(of_all)(dict(bound.arguments)))
    return gradients


def make_hvp(fun, argnum=0):
    """autograd's make_hvp: make_hvp(fun, argnum)(*args) is (hvp_fn, gradient); hvp_fn(v) is
    the Hessian times v, the forward pass and the gradient done once for many v (lecture L17).

    >>> import gradkit.numpy as np
    >>> product, g = make_hvp(lambda x: np.sum(x ** 3))(np.array([1.0, 2.0]))
    >>> product(np.array([1.0, 0.0])), g
    (array([6., 0.]), array([ 3., 12.]))
    """
    return make_vjp(grad(fun, argnum), argnum)


def make_ggnvp(f, g=None, f_argnum=0):
    """autograd's make_ggnvp: make_ggnvp(f, g, f_argnum)(*args) is a function v -> J^T H J v,
    the generalised Gauss-Newton matrix of the loss g(f(x)) times v, with J the Jacobian of
    f and H the Hessian of g at f(x); g defaults to half the sum of squares over the last axis.

    >>> import gradkit.numpy as np
    >>> ggnvp = make_ggnvp(lambda x: np.array([x[0] * x[1], x[1]]))(np.array([1.0, 2.0]))
    >>> ggnvp(np.array([1.0, 0.0]))   # J^T J e_1 with J = [[2, 1], [0, 1]]
    array([4., 2.])
    """
    if g is None:
        from . import numpy as gnp
        g = lambda y: 0.5 * gnp.sum(y ** 2, axis=-1)  # noqa: E731

    def at(*args, **kwargs):
        fx, x = _of_argnum(f, f_argnum, args, kwargs)
        back, y = make_vjp(fx)(x)
        g_hvp = make_vjp(grad(g))(y)[0]
        return lambda v: back(g_hvp(jvp(fx, (x,), (v,))[1]))
    return at


def tensor_jacobian_product(fun, argnum=0):
    """autograd's tensor_jacobian_product (also vector_jacobian_product): a function
    (*args, tensor) -> the Jacobian of fun at argnum contracted with `tensor` over fun's
    leading output axes (tensor of fun's full output shape: the VJP).

    >>> import gradkit.numpy as np
    >>> tensor_jacobian_product(np.sin)(np.array([0.0, 1.0]), np.array([2.0, 1.0]))
    array([2.        , 0.54030231])
    """
    from . import numpy as gnp

    @functools.wraps(fun)
    def product(*args, **kwargs):
        *xs, tensor = args
        return jacobian(lambda *a: gnp.tensordot(tensor, fun(*a, **kwargs), gnp.ndim(tensor)), argnum)(*xs)
    return product


vector_jacobian_product = tensor_jacobian_product


def linearize(fun, *primals):
    """(fun(*primals), f_jvp) where f_jvp(*tangents) is the JVP at primals: one forward
    sweep per call of f_jvp (lecture L11).

    >>> import gradkit.numpy as np
    >>> out, f_jvp = linearize(np.sin, 0.0)
    >>> out, f_jvp(3.0)
    (np.float64(0.0), np.float64(3.0))
    """
    out = fun(*primals)
    return out, lambda *tangents: jvp(fun, primals, tangents)[1]


def make_vjp(fun, argnum=0):
    """autograd's make_vjp: make_vjp(fun, argnum)(*args) is (vjp_fn, value), where vjp_fn(g)
    is the cotangent of the argument at `argnum` (a tuple of them for a tuple argnum) for
    the output cotangent g (lecture L12).

    >>> import gradkit.numpy as np
    >>> back, value = make_vjp(np.sin)(0.0)
    >>> back(2.0), value
    (np.float64(2.0), np.float64(0.0))
    >>> make_vjp(lambda x, y: x * y, argnum=(0, 1))(2.0, 3.0)[0](1.0)
    (np.float64(3.0), np.float64(2.0))
    """
    _argnums_spec(argnum)  # (a bad argnum is refused here, when the function is made)
    single = not isinstance(argnum, (tuple, list))

    def at(*args, **kwargs):
        f, dyn = _of_args(fun, argnum, args, kwargs)
        out, back = vjp(f, *dyn)
        return ((lambda g: back(g)[0]) if single else back), out
    return at


def make_jvp(fun, argnum=0):
    """autograd's make_jvp: make_jvp(fun, argnum)(*args) is a function v -> (value, J v),
    the derivative along v of the argument at `argnum` (a tuple v for a tuple argnum)
    (lecture L11).

    >>> import gradkit.numpy as np
    >>> make_jvp(np.sin)(0.0)(2.0)
    (np.float64(0.0), np.float64(2.0))
    """
    _argnums_spec(argnum)  # (a bad argnum is refused here, when the function is made)
    single = not isinstance(argnum, (tuple, list))

    def at(*args, **kwargs):
        f, dyn = _of_args(fun, argnum, args, kwargs)
        return lambda v: jvp(f, dyn, (v,) if single else tuple(v))
    return at


# -- stop_gradient, checkpoint, custom rules ------------------------------------------
_stop = Primitive("stop_gradient", lambda x: x, differentiable=False)
_stop.defbatch(lambda batched, x: x)


def stop_gradient(x):
    """x with a derivative of zero: the value passes, no derivative flows back through it.

    >>> grad(lambda x: x * stop_gradient(x))(3.0)
    np.float64(3.0)
    """
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

    @property
    def _name(self):
        return getattr(self.fun, "__name__", type(self).__name__)

    def _declare(self, impl):
        self.prim = Primitive(self._name, impl, multiple_results=True, inline=True)
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


def _check_shape(rule, what, got, want_like, k):
    """A user rule's result `got` for `what` k must have the shape of `want_like`."""
    if shape_of(got) != shape_of(want_like):
        zero = " (None for a zero derivative)" if what == "cotangent" else ""
        raise ShapeError(f"{rule} returned a {what} of shape {shape_of(got)} for {k}, whose shape is "
                         f"{shape_of(want_like)}; return one of that shape{zero}.")
    return got


class checkpoint(_FunctionPrimitive):
    """fun whose intermediates are not stored: the backward pass recomputes them (lecture
    L19), trading about one more evaluation of fun for the memory of its tape. Use it as
    a decorator or call it on a function; the result is called like fun.

    >>> import gradkit.numpy as np
    >>> f = checkpoint(lambda x: np.sin(np.sin(x)))
    >>> grad(f)(0.0)
    np.float64(1.0)
    """

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

    f_bwd returns a tuple with one cotangent per positional argument of f (None: zero),
    each shaped like its argument; a ShapeError says which one is not. Forward mode
    differentiates f itself.

    >>> import gradkit.numpy as np
    >>> @custom_vjp
    ... def clip_gradient(x):
    ...     return x
    >>> _ = clip_gradient.defvjp(lambda x: (x, None), lambda res, g: (np.clip(g, -1.0, 1.0),))
    >>> grad(lambda x: 5.0 * clip_gradient(x))(2.0)
    np.float64(1.0)
    """

    def defvjp(self, fwd, bwd):
        fwd_name = f"the forward rule {getattr(fwd, '__name__', 'fwd')!r} of custom_vjp {self._name!r}"
        bwd_name = f"the backward rule {getattr(bwd, '__name__', 'bwd')!r} of custom_vjp {self._name!r}"

        def impl(*leaves, treedef, residuals):
            def keep_residuals(*args):
                pair = fwd(*args)
                if not (isinstance(pair, (tuple, list)) and len(pair) == 2):
                    raise ShapeError(f"{fwd_name} must return a pair (output, residuals), but it returned "
                                     f"{_describe(pair)}. Write `return out, (what bwd needs)`.")
                residuals[:] = [pair[1]]
                return pair[0]
            return self._run(keep_residuals, leaves, treedef)

        prim = self._declare(impl)

        @prim.defvjp_joint
        def bwd_rule(argnums, g, ans, *leaves, treedef, residuals):
            cts = bwd(residuals[0], tree_unflatten(self.out_def, _fill_zeros(g, ans)))
            args = tree_unflatten(treedef, leaves)
            ct_leaves = _checked_cotangents(bwd_name, cts, args)
            return tuple(ct_leaves[k] for k in argnums)

        @prim.defjvp_joint
        def jvp_rule(tangents, ans, *leaves, treedef, residuals):
            flat = lambda *xs: self._run(self.fun, xs, treedef)  # noqa: E731
            return jvp(flat, leaves, _fill_zeros(tangents, leaves))[1]
        return self

    def _params(self):
        return {"residuals": []}  # filled by fwd, read by bwd: one list per call


def _checked_cotangents(rule, cts, args):
    """The leaves of a custom_vjp backward rule's cotangents, checked against the
    arguments: a tuple, one entry per argument, each of its argument's structure and
    shapes (None: zeros)."""
    if not isinstance(cts, (tuple, list)):
        raise ShapeError(f"{rule} must return a tuple with one cotangent per positional argument "
                         f"({len(args)} here), but it returned {_describe(cts)}. Write `return (ct,)` "
                         f"for a function of one argument.")
    if len(cts) != len(args):
        raise ShapeError(f"{rule} returned {len(cts)} cotangents for a function of {len(args)} positional "
                         f"arguments; return one per argument (None for a zero one).")
    leaves = []
    for k, (c, a) in enumerate(zip(cts, args)):
        a_leaves, a_def = tree_flatten(a)
        if c is None:
            leaves.extend(zeros_like_value(x) for x in a_leaves)
            continue
        c_leaves = tree_leaves_like(a_def, c, f"the cotangent that {rule} returned for argument {k}")
        for p, x, ct in zip(tree_paths(a, f"argument {k}"), a_leaves, c_leaves):
            leaves.append(_check_shape(rule, "cotangent", ct, x, p))
    return leaves


class custom_jvp(_FunctionPrimitive):
    """A function with a user-given forward-mode rule (JAX's interface):

        @custom_jvp
        def f(x): ...
        @f.defjvp
        def f_jvp(primals, tangents): return f(*primals), tangent_out

    The rule returns the pair (output, output tangent), the tangent shaped like the
    output; a ShapeError says where it is not. Reverse mode differentiates the (linear)
    tangent map of the rule, so the rule serves both modes.

    >>> import gradkit.numpy as np
    >>> @custom_jvp
    ... def softplus(x):
    ...     return np.log1p(np.exp(x))
    >>> @softplus.defjvp
    ... def softplus_jvp(primals, tangents):
    ...     (x,), (t,) = primals, tangents
    ...     return softplus(x), t / (1.0 + np.exp(-x))
    >>> grad(softplus)(0.0)
    np.float64(0.5)
    """

    def defjvp(self, rule):
        prim = self._declare(lambda *leaves, treedef: self._run(self.fun, leaves, treedef))
        name = f"the JVP rule {getattr(rule, '__name__', 'rule')!r} of custom_jvp {self._name!r}"

        def jvp_rule(tangents, ans, *leaves, treedef):
            pair = rule(tree_unflatten(treedef, leaves), tree_unflatten(treedef, _fill_zeros(tangents, leaves)))
            if not (isinstance(pair, (tuple, list)) and len(pair) == 2):
                raise ShapeError(f"{name} must return a pair (output, output tangent), but it returned "
                                 f"{_describe(pair)}.")
            t_leaves = tree_leaves_like(self.out_def, pair[1], f"the tangent returned by {name}")
            out = tree_unflatten(self.out_def, ans)
            for p, t, o in zip(tree_paths(out, "the output"), t_leaves, ans):
                _check_shape(name, "tangent", t, o, p)
            return tuple(t_leaves)

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
def jit(fun, static_argnums=(), static_argnames=()):
    """fun recorded once per input signature (shapes, dtypes, static arguments) and then
    replayed as straight-line NumPy calls, which removes gradkit's per-operation overhead.
    Compose it with the other transformations: jit(grad(f)), jit(value_and_grad(f)).

    Like JAX's jit, Python control flow must not depend on array values (mark such
    arguments static); gradkit raises ConcretizationError where it would. Static
    arguments (static_argnums positions, static_argnames keywords) are part of the cache
    key, so they must be hashable: numbers, strings, tuples. Other keyword arguments are
    traced like positional ones.

    >>> import gradkit.numpy as np
    >>> f = jit(grad(lambda x: np.sum(np.sin(x) ** 2)))
    >>> f(np.zeros(2))
    array([0., 0.])
    """
    static, npos = _static_argnums(fun, static_argnums)
    names = (static_argnames,) if isinstance(static_argnames, str) else tuple(static_argnames)
    if not all(isinstance(n, str) for n in names):
        raise TypeError(f"static_argnames must be a string or a tuple of strings, got {static_argnames!r}.")
    cache = {}

    @functools.wraps(fun)
    def wrapper(*args, **kwargs):
        st = static if npos is not None or not static or min(static) >= 0 else \
            tuple(sorted({k % len(args) for k in static if -len(args) <= k < len(args)}))
        if st:
            dynamic = [a for k, a in enumerate(args) if k not in st]
            fixed = tuple((k, args[k]) for k in st if k < len(args))
        else:
            dynamic, fixed = list(args), ()
        if kwargs:
            fixed += tuple((n, kwargs[n]) for n in sorted(kwargs) if n in names)
            tree = (dynamic, {n: v for n, v in kwargs.items() if n not in names})
        else:
            tree = dynamic
        leaves, treedef = tree_flatten(tree)
        if any(type(x) is Tracer for x in leaves):  # under another transformation: no replay
            return fun(*args, **kwargs)
        if fixed:
            _check_static(fixed)
        key = (treedef, tuple(_signature(x) for x in leaves), fixed)
        try:
            entry = cache.get(key)
        except TypeError as e:  # an unhashable static argument: the key cannot be looked up
            raise _unhashable_static(fixed, e) from None
        if entry is not None:
            program, out_def = entry
            return tree_unflatten(out_def, program(*leaves))
        from .core.jit import JitTrace, compile_program  # (loaded on first recording, not at start-up)
        trace = JitTrace()
        inputs = [trace.new_input(x) for x in leaves]
        slots = [t.node for t in inputs]
        rebuilt = tree_unflatten(treedef, inputs)
        dyn_args, dyn_kwargs = rebuilt if kwargs else (rebuilt, {})
        it = iter(dyn_args)
        call_args = [a if k in st else next(it) for k, a in enumerate(args)]
        out = fun(*call_args, **dict(kwargs, **dyn_kwargs))
        close(trace, "gradkit.jit's recording")
        out_leaves, out_def = tree_flatten(out)
        cache[key] = (compile_program(trace, slots, out_leaves), out_def)
        return tree_unflatten(out_def, [value_at(o, trace) for o in out_leaves])
    wrapper.cache = cache
    return wrapper


def _static_argnums(fun, static_argnums):
    """(sorted static positions, number of positional parameters or None): checked and
    normalised against fun's signature where it has a fixed one."""
    nums = (static_argnums,) if isinstance(static_argnums, (int, _np.integer)) else static_argnums
    if not isinstance(nums, (tuple, list)) or not all(
            isinstance(n, (int, _np.integer)) and not isinstance(n, bool) for n in nums):
        raise TypeError(f"static_argnums must be an int or a tuple of ints (positions of arguments that steer "
                        f"Python control flow), got {static_argnums!r}.")
    try:
        params = inspect.signature(fun).parameters.values()
    except (TypeError, ValueError):
        params = None
    npos = None
    if params is not None and not any(p.kind is p.VAR_POSITIONAL for p in params):
        npos = sum(p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD) for p in params)
        for n in nums:
            if not -npos <= n < npos:
                raise ValueError(f"static_argnums={static_argnums!r} refers to argument {n}, but "
                                 f"{getattr(fun, '__name__', 'the function')} takes {npos} positional "
                                 f"argument{'s' if npos != 1 else ''}.")
        nums = [n % npos for n in nums]
    return tuple(sorted(set(int(n) for n in nums))), npos


def _check_static(fixed):
    for k, v in fixed:
        if any(type(x) is Tracer for x in tree_flatten(v)[0]):
            where = f"argument {k}" if isinstance(k, int) else f"keyword argument {k!r}"
            raise TypeError(f"jit got a traced value as static {where}: an enclosing transformation (grad, vmap, "
                            f"...) is differentiating or mapping over it, but static arguments are fixed Python "
                            f"values baked into the recording. Remove it from static_argnums/static_argnames.")


def _unhashable_static(fixed, error):
    for k, v in fixed:
        try:
            hash(v)
        except TypeError:
            where = f"argument {k}" if isinstance(k, int) else f"keyword argument {k!r}"
            return TypeError(
                f"jit's static {where} is {_describe(v)}, which is not hashable ({error}). Static arguments "
                f"key jit's cache of recordings (one per value), so they must be hashable values such as "
                f"numbers, strings or tuples. An array should not be static: remove it from static_argnums "
                f"so that it is traced, or pass a tuple (tuple(x.tolist())) if its values steer control flow.")
    return error


def _signature(x):
    shape = getattr(x, "shape", None)
    if shape is None:
        return type(x)
    return shape, getattr(x, "dtype", None)


# -- autograd's way of declaring primitives --------------------------------------------
class _VSpace:
    """What autograd's deprecated rules (g, ans, vs, gvs, *args) were told of a value."""

    def __init__(self, x):
        self.shape, self.dtype = shape_of(x), _np.result_type(primal(x))
        self.size, self.ndim = math.prod(self.shape), len(self.shape)

    def zeros(self):
        return _np.zeros(self.shape, self.dtype)

    def ones(self):
        return _np.ones(self.shape, self.dtype)


class _UserPrimitive(Primitive):
    """A primitive declared by the user (gradkit.primitive): each rule is wrapped once, when
    it is declared, to check the shape of what it returns (gradkit's own primitives are
    not wrapped: their rules are tested)."""

    def __init__(self, fun):
        super().__init__(getattr(fun, "__name__", "primitive"), fun)
        functools.update_wrapper(self, fun, ("__module__", "__qualname__", "__doc__"), ())  # __name__ is .name
        self.raw_vjps = ()

    def defvjp(self, *rules, reads=None, argnum=None):
        if argnum is not None:  # autograd's deprecated method: rule(g, ans, vs, gvs, *args)
            _deprecated("f.defvjp(rule, argnum=k) with rule(g, ans, vs, gvs, *args)",
                        "gradkit.defvjp(f, lambda ans, *args: lambda g: ..., argnums=(k,))")
            rule = rules[0]
            return _add_vjps(self, {argnum: lambda g, ans, *args, **kw: rule(
                g, ans, _VSpace(args[argnum]), _VSpace(g), *args, **kw)})
        self.raw_vjps = rules
        checked = tuple(None if r is None else self._checked_vjp(r, i) for i, r in enumerate(rules))
        return super().defvjp(*checked, reads=reads)

    def _checked_vjp(self, rule, i):
        what = f"the VJP rule of primitive {self.name!r}"

        def checked(g, ans, *args, **params):
            ct = rule(g, ans, *args, **params)
            return ct if ct is None else _check_shape(what, "cotangent", ct, args[i], f"argument {i}")
        return checked

    def defvjp_joint(self, rule, reads=None):
        what = f"the joint VJP rule of primitive {self.name!r}"

        def checked(argnums, g, ans, *args, **params):
            cts = rule(argnums, g, ans, *args, **params)
            if not isinstance(cts, (tuple, list)) or len(cts) != len(argnums):
                raise ShapeError(f"{what} must return a tuple of {len(argnums)} cotangents (for arguments "
                                 f"{tuple(argnums)}), but it returned {_describe(cts)}.")
            return tuple(c if c is None else _check_shape(what, "cotangent", c, args[k], f"argument {k}")
                         for k, c in zip(argnums, cts))
        return super().defvjp_joint(checked, reads)

    def defjvp(self, *rules):
        checked = tuple(None if r is None else
                        self._checked_jvp(r, f"the JVP rule of primitive {self.name!r} for argument {i}")
                        for i, r in enumerate(rules))
        return super().defjvp(*checked)

    def defjvp_joint(self, rule):
        return super().defjvp_joint(self._checked_jvp(rule, f"the joint JVP rule of primitive {self.name!r}"))

    def _checked_jvp(self, rule, what):
        def checked(t, ans, *args, **params):
            out = rule(t, ans, *args, **params)
            return out if out is None else _check_shape(what, "tangent", out, ans, "its output")
        return checked

    def defgrad(self, rule, argnum=0):
        """autograd's deprecated form: rule(ans, *args) -> (g -> cotangent of args[argnum])."""
        _deprecated("f.defgrad(rule, argnum=k)", "gradkit.defvjp(f, rule, argnums=(k,))")
        return _add_vjps(self, {argnum: _uncurry(rule)})

    def defvjp_is_zero(self, argnums=(0,)):
        """autograd's deprecated form: zero derivatives with respect to argnums."""
        _deprecated("f.defvjp_is_zero(argnums)", "gradkit.defvjp(f, None, ..., argnums=argnums)")
        return _add_vjps(self, {n: None for n in argnums})


def _deprecated(old, new):
    warnings.warn(f"autograd's {old} is deprecated; write {new}.", DeprecationWarning, stacklevel=3)


def primitive(fun):
    """Make fun a gradkit primitive (autograd's decorator); give it rules with defvjp/defjvp.
    Rules declared on it are checked: a cotangent or tangent of the wrong shape raises a
    ShapeError naming the rule, the argument and both shapes.

    >>> @primitive
    ... def cube(x):
    ...     return x ** 3
    >>> _ = defvjp(cube, lambda ans, x: lambda g: g * 3 * x ** 2)
    >>> grad(cube)(2.0)
    np.float64(12.0)
    """
    return _UserPrimitive(fun)


def defvjp(prim, *rules, argnums=None, argnum=None):
    """autograd's form: rules[i](ans, *args, **kwargs) returns a function g -> cotangent.
    (Primitive.defvjp takes the uncurried form (g, ans, *args, **kwargs) directly.)
    argnum=k (autograd's old keyword) means argnums=(k,) and keeps the other rules.
    A rule of None means a zero cotangent. Returns prim.

    >>> @primitive
    ... def mul(x, y):
    ...     return x * y
    >>> _ = defvjp(mul, lambda ans, x, y: lambda g: g * y, lambda ans, x, y: lambda g: g * x)
    >>> grad(mul, argnums=(0, 1))(2.0, 3.0)
    (np.float64(3.0), np.float64(2.0))
    """
    if argnum is not None:
        if argnums is not None:
            raise TypeError("defvjp takes argnums=(...) or the old argnum=k, not both.")
        if len(rules) != 1:
            raise ValueError("defvjp(f, rule, argnum=k) takes one rule; for several write argnums=(...).")
        return _add_vjps(prim, {argnum: None if rules[0] is None else _uncurry(rules[0])})
    argnums = tuple(range(len(rules))) if argnums is None else tuple(argnums)
    if len(argnums) != len(rules):
        raise ValueError(f"defvjp got {len(rules)} rules for argnums={argnums}; give one rule per argument.")
    table = [None] * (max(argnums, default=-1) + 1)
    for n, rule in zip(argnums, rules):
        table[n] = None if rule is None else _uncurry(rule)
    prim.defvjp(*table)
    return prim


def _add_vjps(prim, new):
    """prim's VJP rules with those in `new` (argnum -> uncurried rule) added or replaced."""
    table = list(getattr(prim, "raw_vjps", prim.vjps))
    table += [None] * (max(new) + 1 - len(table))
    for n, rule in new.items():
        table[n] = rule
    prim.defvjp(*table)
    return prim


def defgrad(prim, rule, argnum=0):
    """autograd's deprecated defgrad(f, rule, argnum): the same as defvjp(f, rule, argnums=(argnum,)),
    with a DeprecationWarning. Returns prim.

    >>> import warnings
    >>> @primitive
    ... def square(x):
    ...     return x ** 2
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore", DeprecationWarning)
    ...     _ = defgrad(square, lambda ans, x: lambda g: 2 * g * x)
    >>> grad(square)(3.0)
    np.float64(6.0)
    """
    _deprecated("defgrad(f, rule, argnum=k)", "gradkit.defvjp(f, rule, argnums=(k,))")
    return _add_vjps(prim, {argnum: _uncurry(rule)})


def _uncurry(rule):
    return lambda g, ans, *args, **kwargs: rule(ans, *args, **kwargs)(g)


def defjvp(prim, *rules, argnums=None):
    """autograd's form: rules[i](g, ans, *args, **kwargs) is the output tangent for a
    tangent g of argument i (the same signature as Primitive.defjvp). Returns prim.

    >>> @primitive
    ... def cube(x):
    ...     return x ** 3
    >>> _ = defjvp(cube, lambda g, ans, x: g * 3 * x ** 2)
    >>> jvp(cube, (2.0,), (1.0,))
    (np.float64(8.0), np.float64(12.0))
    """
    argnums = range(len(rules)) if argnums is None else argnums
    table = [None] * (max(argnums, default=-1) + 1)
    for n, rule in zip(argnums, rules):
        table[n] = rule
    prim.defjvp(*table)
    return prim
