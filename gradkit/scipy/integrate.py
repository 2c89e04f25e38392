"""gradkit.scipy.integrate: odeint, differentiable in the initial state, the times and the
extra arguments, in both modes and to any order.

The reverse rule is the adjoint method (Pontryagin; Chen et al., "Neural ordinary
differential equations", 2018): from the last time back to the first, one ODE carries the
state y backwards with its adjoint a (da/ds = -a df/dy) and the accumulated cotangent of
the arguments (d/ds = -a df/dargs), the cotangent of each output being added to a at its
time. The forward rule integrates the sensitivity equation ds/dt = df/dy s + df/dargs dargs
beside y. Both solve their ODE with odeint itself, so they are differentiable again.

func(y, t, *args) must be written with gradkit.numpy, and everything it differentiates
must come through `args`, which may nest lists and tuples of arrays (a traced value func
closes over is refused: its derivative would be lost).
"""
import numpy as _np
import scipy.integrate as _si

from .. import numpy as np
from ..core import NonDifferentiableError, Primitive, Tracer, tree_flatten, tree_unflatten
from ..numpy.declare import shape_of

__all__ = ["odeint"]


def odeint(func, y0, t, args=(), Dfun=None, col_deriv=0, full_output=0, ml=None, mu=None, rtol=None,
           atol=None, tcrit=None, h0=0.0, hmax=0.0, hmin=0.0, ixpr=0, mxstep=0, mxhnil=0, mxordn=12,
           mxords=5, printmessg=0, tfirst=False):
    """scipy.integrate.odeint: y at the times t (shape (len(t),) + y0's shape) of
    dy/dt = func(y, t, *args), y(t[0]) = y0. y0 may have any shape.

    >>> import gradkit, gradkit.numpy as np
    >>> from gradkit.scipy.integrate import odeint
    >>> decay = lambda y, t, k: -k * y
    >>> round(float(gradkit.grad(lambda k: odeint(decay, 1.0, np.array([0.0, 1.0]), (k,), rtol=1e-10)[1])(0.5)), 6)
    -0.606531
    """
    if full_output:
        raise NotImplementedError("gradkit.scipy.integrate.odeint: full_output=True is not supported; call "
                                  "scipy.integrate.odeint on plain values for the solver's diagnostics.")
    if not isinstance(args, tuple):
        args = (args,)
    # args may hold nested lists and tuples of arrays (a network's layers): the primitive
    # sees their leaves, func the structure
    leaves, structure = tree_flatten(args)

    def f(y, s, *leaves):
        rebuilt = tree_unflatten(structure, list(leaves))
        return func(s, y, *rebuilt) if tfirst else func(y, s, *rebuilt)
    options = dict(rtol=rtol, atol=atol, mxstep=mxstep, hmax=hmax)  # Dfun & co only tune the solver
    return _odeint_p(y0, t, *leaves, func=f, options=tuple(sorted(options.items())))


def _plain_rhs(func, shape, args):
    def rhs(y, s):
        dy = func(y.reshape(shape), s, *args)
        if type(dy) is Tracer:
            raise NonDifferentiableError(
                "gradkit.scipy.integrate.odeint: func returned a traced value from plain inputs: it closes over "
                "a value being differentiated. Pass that value through args=(...) instead.")
        return _np.ravel(_np.asarray(dy, dtype=float))
    return rhs


def _odeint_impl(y0, t, *args, func, options):
    y0 = _np.asarray(y0, dtype=float)
    t = _np.asarray(t, dtype=float)
    ys = _si.odeint(_plain_rhs(func, y0.shape, args), y0.ravel(), t, **dict(options))
    return ys.reshape(t.shape + y0.shape)


_odeint_p = Primitive("odeint", _odeint_impl)


def _flat(*xs):
    return np.concatenate([np.ravel(x) for x in xs])


def _split(z, shapes):
    """The arrays of the given shapes packed in the vector z (the inverse of _flat)."""
    out, start = [], 0
    for s in shapes:
        n = int(_np.prod(s))
        out.append(np.reshape(z[start:start + n], s))
        start += n
    return out


def _zeros_for_none(xs, like):
    return [np.zeros_like(l) if x is None else x for x, l in zip(xs, like)]


# -- forward: the sensitivity equation ----------------------------------------------------------
def _odeint_jvp(tangents, ans, y0, t, *args, func, options):
    dy0, dt, dargs = tangents[0], tangents[1], tangents[2:]
    shape = shape_of(y0)
    n_args = len(args)
    dy0 = np.zeros(shape) if dy0 is None else dy0
    dargs = _zeros_for_none(dargs, args)

    def sensitivity(z, s, *params):
        y, dy = z[0], z[1]
        fy, dfy = _jvp_f(func, y, s, params[:n_args], dy, params[n_args:])
        return np.stack([fy, dfy])

    if dt is not None:  # moving t[0] moves the start: y(t0 + e) = y0 means dy(t0) = -f(y0, t0) dt0
        dy0 = dy0 - func(y0, t[0], *args) * dt[0]
    s0 = _odeint_p(np.stack([y0, dy0]), t, *args, *dargs, func=sensitivity, options=options)[:, 1]
    if dt is not None:  # an output time moved: y(t_i) moves along f
        along = np.stack([func(ans[i], t[i], *args) for i in range(shape_of(t)[0])]) * \
            np.reshape(dt, shape_of(t) + (1,) * len(shape))
        s0 = s0 + along
    return s0


def _jvp_f(func, y, s, args, dy, dargs):
    from ..transforms import jvp
    return jvp(lambda y, *a: func(y, s, *a), (y, *args), (dy, *dargs))


# -- reverse: the adjoint method ------------------------------------------------------------------
def _odeint_vjp(argnums, g, ans, y0, t, *args, func, options):
    from ..transforms import vjp
    shape = shape_of(y0)
    shapes = [shape, shape] + [shape_of(a) for a in args]
    n = shape_of(t)[0]

    def backwards(z, s, *params):
        y, adj = _split(z, shapes[:2])
        fy, back = vjp(lambda y, *a: func(y, s, *a), y, *params)
        cots = _zeros_for_none(back(adj), (y,) + params)
        return _flat(fy, *[-c for c in cots])

    adj = g[n - 1]
    args_bar = [np.zeros(shape_of(a)) for a in args]
    t_bar = [None] * n
    for i in range(n - 1, 0, -1):
        t_bar[i] = np.sum(func(ans[i], t[i], *args) * g[i])
        z = _odeint_p(_flat(ans[i], adj, *args_bar), np.stack([t[i], t[i - 1]]), *args,
                      func=backwards, options=options)[1]
        _, adj, *args_bar = _split(z, shapes)
        if i > 1:
            adj = adj + g[i - 1]
    # y(t_j) for j >= 1 depends on t[0] as -dy(t_j)/dy0 f(y0, t0); the output y(t_0) is y0 itself
    t_bar[0] = -np.sum(func(y0, t[0], *args) * adj) if n > 1 else np.zeros(())
    y0_bar = adj + g[0] if n > 1 else g[0]
    out = {0: y0_bar, 1: np.stack(t_bar)}
    return tuple(out[k] if k < 2 else args_bar[k - 2] for k in argnums)


_odeint_p.defjvp_joint(_odeint_jvp)
_odeint_p.defvjp_joint(_odeint_vjp)
