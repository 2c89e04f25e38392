"""fixed_point(f, a, x0, distance, tol): iterate x <- f(a)(x) from x0 until
distance(x, x_previous) <= tol, differentiable in `a` (any pytree of arrays) by the
implicit function theorem, in both modes and to any order (autograd.misc.fixed_points'
interface).

At the fixed point x* = f(a)(x*), so dx* = (I - d_x f)^-1 d_a f da. Neither mode forms
that inverse: the VJP's adjoint w = g + w (d_x f) and the JVP's tangent u = (d_x f) u +
(d_a f) da are fixed points themselves, found by the same solver, so their derivatives
are implicit too. This needs the iteration to contract (as the forward solve does).
The starting point x0 carries no derivative.
"""
import numpy as _np

from ..core import Primitive, tree_flatten, tree_unflatten

__all__ = ["fixed_point"]


def fixed_point(f, a, x0, distance, tol):
    """The fixed point x* = f(a)(x*), iterating x <- f(a)(x) from x0 until
    distance(x, x_previous) <= tol; differentiable in `a` by the implicit function theorem
    (see the module's docstring), in both modes and to any order.

    Args:
        f: a -> step, where step(x) is one iteration (written with gradkit.numpy).
        a: the parameters, any pytree of arrays; derivatives flow to them.
        x0: the starting point (carries no derivative).
        distance: (x, x_previous) -> a number, the stopping test's measure.
        tol: stop once distance <= tol.

    Returns:
        x*, shaped like x0.

    Newton's iteration for sqrt(a), and d sqrt(a)/da = 1/(2 sqrt(a)) without differentiating
    through the iterations:

    >>> import gradkit, gradkit.numpy as np
    >>> newton = lambda a: (lambda x: 0.5 * (x + a / x))
    >>> root = lambda a: fixed_point(newton, a, 1.0, lambda x, y: np.abs(x - y), 1e-12)
    >>> float(root(2.0)), float(gradkit.grad(root)(2.0))
    (1.414213562373095, 0.35355339059327373)
    """
    leaves, treedef = tree_flatten(a)
    return _fixed_point(*leaves, f=f, treedef=treedef, x0=x0, distance=distance, tol=tol)


def _solve(*leaves, f, treedef, x0, distance, tol):
    step = f(tree_unflatten(treedef, leaves))
    x, previous = step(x0), x0
    while distance(x, previous) > tol:
        x, previous = step(x), x
    return x


_fixed_point = Primitive("fixed_point", _solve)


def _zeros(x):
    return _np.zeros(_np.shape(x), _np.result_type(x))


def _vjp(argnums, g, ans, *leaves, f, treedef, x0, distance, tol):
    from ..transforms import vjp

    def adjoint_step(params):
        *ls, x_star, g_ = params
        back = vjp(lambda x: f(tree_unflatten(treedef, ls))(x), x_star)[1]
        return lambda w: back(w)[0] + g_
    w = fixed_point(adjoint_step, (*leaves, ans, g), _zeros(ans), distance, tol)
    back_a = vjp(lambda *ls: f(tree_unflatten(treedef, ls))(ans), *leaves)[1]
    cts = back_a(w)
    return tuple(cts[k] for k in argnums)


def _jvp(tangents, ans, *leaves, f, treedef, x0, distance, tol):
    from ..transforms import jvp
    used = [k for k, t in enumerate(tangents) if t is not None]
    plain = list(leaves)

    def pushed(*ts):  # (d_a f) da at x*, for the arguments with a tangent
        def of(*chosen):
            ls = list(plain)
            for k, c in zip(used, chosen):
                ls[k] = c
            return f(tree_unflatten(treedef, ls))(ans)
        return jvp(of, tuple(plain[k] for k in used), ts)[1]
    c = pushed(*[tangents[k] for k in used])

    def tangent_step(params):
        *ls, x_star, c_ = params
        step = f(tree_unflatten(treedef, ls))
        return lambda u: jvp(step, (x_star,), (u,))[1] + c_
    return fixed_point(tangent_step, (*leaves, ans, c), _zeros(ans), distance, tol)


_fixed_point.defvjp_joint(_vjp)
_fixed_point.defjvp_joint(_jvp)
