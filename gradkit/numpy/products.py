"""Products: matmul and dot with dedicated rules (the BLAS-bound hot path), and the rest
(einsum, tensordot, inner, outer, vdot, kron, cross) through one generic einsum rule."""
import string

import numpy as _np

from ..core import Primitive
from .declare import align_batch, shape_of, unbroadcast
from .elementwise import multiply
from .shape import moveaxis, reshape, swapaxes

__all__ = ["matmul", "dot", "einsum", "tensordot", "inner", "outer", "vdot", "kron", "cross"]


def _ndim(x):
    return len(shape_of(x))


# -- matmul: batched, with NumPy's promotion of 1-D operands --------------------------
# For matrices C = A B: dA = G B^T and dB = A^T G. The common ranks get direct formulas
# (the hot path of every network); the rest promote 1-D operands to matrices.
def _matmul_vjp(argnum, g, ans, a, b):
    na, nb = _ndim(a), _ndim(b)
    if na == 2 and nb == 2:
        return matmul(g, b.T) if argnum == 0 else matmul(a.T, g)
    if na == 2 and nb == 1:
        return g[:, None] * b if argnum == 0 else matmul(g, a)
    if na == 1 and nb == 2:
        return matmul(b, g) if argnum == 0 else a[:, None] * g
    if na == 1 and nb == 1:
        return g * (b if argnum == 0 else a)
    A = a[None, :] if na == 1 else a
    B = b[:, None] if nb == 1 else b
    G = g[..., None, :] if na == 1 else g
    G = G[..., None] if nb == 1 else G
    if argnum == 0:
        ga = matmul(G, swapaxes(B, -1, -2))
        return unbroadcast(ga[..., 0, :] if na == 1 else ga, a)
    gb = matmul(swapaxes(A, -1, -2), G)
    return unbroadcast(gb[..., 0] if nb == 1 else gb, b)


matmul = Primitive("matmul", _np.matmul)
matmul.defvjp_argnum(_matmul_vjp, reads=((1,), (0,)))
matmul.defjvp(lambda t, ans, a, b: matmul(t, b), lambda t, ans, a, b: matmul(a, t))
matmul.__doc__ = """Differentiable ``numpy.matmul`` (the ``@`` operator): matrix products, stacked and broadcast.

Differentiable in both factors in both modes, to any order (bilinear): for C = A B,
dL/dA = dL/dC B^T and dL/dB = A^T dL/dC. Lecture L13: the Jacobian of x -> A x is A, one
forward sweep per column of x or one reverse sweep per row of A x. Returns the product,
traced when a factor is.

>>> import gradkit as gk, gradkit.numpy as np
>>> B = np.array([[1.0, 2.0], [3.0, 4.0]])
>>> gk.grad(lambda a: np.trace(np.matmul(a, B)))(np.zeros((2, 2)))   # B^T
array([[1., 3.],
       [2., 4.]])
>>> gk.jacfwd(lambda x: B @ x)(np.zeros(2))
array([[1., 2.],
       [3., 4.]])
"""


def _matmul_batch(batched, a, b):
    nd_a, nd_b = _ndim(a) - batched[0], _ndim(b) - batched[1]
    # one side batched against a plain matrix: fold the batch into one matrix product
    if batched[1] and not batched[0] and nd_a == 2 and nd_b <= 2:
        if nd_b == 1:  # A x_k for every k: the rows x_k times A^T
            return matmul(b, a.T)
        size, k, n = shape_of(b)
        cols = reshape(moveaxis(b, 0, 1), (k, size * n))
        return moveaxis(reshape(matmul(a, cols), (shape_of(a)[0], size, n)), 1, 0)
    if batched[0] and not batched[1] and nd_b == 2 and nd_a <= 2:
        rows = reshape(a, (-1, shape_of(a)[-1]))
        return reshape(matmul(rows, b), shape_of(a)[:-1] + shape_of(b)[-1:])
    # otherwise: make 1-D operands matrices, line up the stack axes after the batch axis,
    # multiply, and drop the unit axes the 1-D operands got
    if nd_a == 1:
        a = a[..., None, :]
    if nd_b == 1:
        b = b[..., None]
    a, b = align_batch(batched, (a, b))
    out = matmul(a, b)
    if nd_a == 1:
        out = out[..., 0, :]
    return out[..., 0] if nd_b == 1 else out


matmul.defbatch(_matmul_batch)


# -- dot: NumPy's dot contracts the last axis of a with the second-to-last of b ---------
def _dot_axes(a, b):
    return ([_ndim(a) - 1], [max(_ndim(b) - 2, 0)])


def _dot_vjp(argnum, g, ans, a, b):
    if _ndim(a) == 0 or _ndim(b) == 0:
        return unbroadcast(g * (b if argnum == 0 else a), (a, b)[argnum])
    if _ndim(a) <= 2 and _ndim(b) <= 2:  # the common case, as plain matrix products
        return _matmul_vjp(argnum, g, ans, a, b)
    return _tensordot_vjp(argnum, g, ans, a, b, _dot_axes(a, b))


dot = Primitive("dot", _np.dot)
dot.defvjp_argnum(_dot_vjp, reads=((1,), (0,)))
dot.defjvp(lambda t, ans, a, b: dot(t, b), lambda t, ans, a, b: dot(a, t))
dot.__doc__ = """Differentiable ``numpy.dot``: the sum of products over the last axis of ``a`` and the
second-to-last of ``b`` (a product for scalars).

Differentiable in ``a`` and ``b`` in both modes, to any order (bilinear: each cotangent is
a contraction of the cotangent with the other factor). Returns the product, traced when
``a`` or ``b`` is.

>>> import gradkit as gk, gradkit.numpy as np
>>> gk.grad(lambda v: np.dot(np.array([1.0, 2.0]), v))(np.zeros(2))
array([1., 2.])
"""


def _dot_batch(batched, a, b):
    nd_a, nd_b = _ndim(a) - batched[0], _ndim(b) - batched[1]
    if nd_a == 0 or nd_b == 0:
        return multiply(*align_batch(batched, (a, b)))
    if nd_a <= 2 and nd_b <= 2:  # the same as matmul there
        return _matmul_batch(batched, a, b)
    return einsum(_batched_subscripts(_tensordot_subscripts_nd(nd_a, nd_b, _dot_axes_nd(nd_a, nd_b)), batched),
                  a, b)


dot.defbatch(_dot_batch)


# -- einsum: one generic rule -----------------------------------------------------------
def _letters(subscripts, shapes):
    """Explicit subscripts: each '...' replaced by letters, the output spelled out."""
    lhs, arrow, rhs = subscripts.replace(" ", "").partition("->")
    ins = lhs.split(",")
    spare = [c for c in string.ascii_letters if c not in subscripts]
    covered = [len(sh) - (len(s) - 3) for s, sh in zip(ins, shapes) if "..." in s]
    ell = "".join(spare[:max(covered, default=0)])
    ins = [s.replace("...", ell[len(ell) - (len(sh) - (len(s) - 3)):]) if "..." in s else s
           for s, sh in zip(ins, shapes)]
    if arrow:
        return ins, rhs.replace("...", ell)
    joined = "".join(ins)
    return ins, ell + "".join(sorted(c for c in set(joined) if joined.count(c) == 1 and c not in ell))


def _einsum(subscripts, *operands):
    return _np.einsum(subscripts, *operands, optimize=len(operands) > 2)


def _einsum_vjp(argnum, g, ans, subscripts, *operands):
    ins, out = _letters(subscripts, [shape_of(x) for x in operands])
    target = ins[argnum]
    spare = [c for c in string.ascii_letters if c not in "".join(ins) + out]
    subs, args = [out], [g]
    subs += [s for k, s in enumerate(ins) if k != argnum]
    args += [x for k, x in enumerate(operands) if k != argnum]
    shape = shape_of(operands[argnum])
    wanted, seen = "", set()
    for pos, c in enumerate(target):
        if c in seen:  # a repeated label is a diagonal: put the result on it with an identity
            fresh = spare.pop()
            subs.append(c + fresh)
            args.append(_np.eye(shape[pos]))
            c = fresh
        elif c not in "".join(subs):  # a label summed away in this operand only
            subs.append(c)
            args.append(_np.ones(shape[pos]))
        seen.add(c)
        wanted += c
    return einsum(",".join(subs) + "->" + wanted, *args)


_einsum_p = Primitive("einsum", _einsum)
_einsum_p.defvjp_argnum(lambda argnum, g, ans, subscripts, *ops: _einsum_vjp(argnum - 1, g, ans, subscripts, *ops),
                        reads=lambda i, n: [k for k in range(1, n) if k != i])  # the other operands
_einsum_p.defjvp_joint(lambda ts, ans, subscripts, *ops: _sum_terms(
    _einsum_p(subscripts, *ops[:k], t, *ops[k + 1:]) for k, t in enumerate(ts[1:]) if t is not None))


def _batched_subscripts(subscripts, batched):
    """Einsum subscripts for operands of which some carry a leading batch axis."""
    ins, out = subscripts.split("->")
    b = next(c for c in string.ascii_letters if c not in subscripts)
    ins = [b + s if flag else s for s, flag in zip(ins.split(","), batched)]
    return ",".join(ins) + "->" + b + out


def _einsum_batch(batched, subscripts, *ops):
    ins, out = _letters(subscripts, [shape_of(x)[1:] if flag else shape_of(x) for x, flag in zip(ops, batched[1:])])
    return _einsum_p(_batched_subscripts(",".join(ins) + "->" + out, batched[1:]), *ops)


_einsum_p.defbatch(_einsum_batch)


def _sum_terms(terms):
    total = None
    for t in terms:
        total = t if total is None else total + t
    return total


def einsum(subscripts, *operands, optimize=None):
    """np.einsum with explicit subscripts (the interleaved operand form is not supported).

    Differentiable in every operand in both modes, to any order: each operand's cotangent is
    another einsum of the cotangent with the other operands. Returns the contraction, traced
    when an operand is. (gradkit.numpy.einsum also takes NumPy's interleaved form.)

    >>> import gradkit as gk, gradkit.numpy as np
    >>> from gradkit.numpy import products
    >>> A = np.array([[1.0, 2.0], [3.0, 4.0]])
    >>> gk.grad(lambda x: products.einsum("i,ij,j->", x, A, x))(np.array([1.0, 0.0]))  # (A + A^T) x
    array([2., 5.])
    """
    if not isinstance(subscripts, str):
        raise TypeError("gradkit.numpy.einsum needs the subscripts string as its first argument")
    return _einsum_p(subscripts, *operands)


def _tensordot_axes(a, b, axes):
    return _tensordot_axes_nd(_ndim(a), _ndim(b), axes)


def _tensordot_axes_nd(nd_a, nd_b, axes):
    if _np.ndim(axes) == 0:
        return list(range(nd_a - axes, nd_a)), list(range(axes))
    ax_a, ax_b = axes
    ax_a = [ax_a] if _np.ndim(ax_a) == 0 else list(ax_a)
    ax_b = [ax_b] if _np.ndim(ax_b) == 0 else list(ax_b)
    return [k % nd_a for k in ax_a], [k % nd_b for k in ax_b]


def _tensordot_subscripts(a, b, axes):
    return _tensordot_subscripts_nd(_ndim(a), _ndim(b), _tensordot_axes(a, b, axes))


def _dot_axes_nd(nd_a, nd_b):
    return [nd_a - 1], [max(nd_b - 2, 0)]


def _tensordot_subscripts_nd(nd_a, nd_b, axes):
    ax_a, ax_b = axes
    la = string.ascii_letters[:nd_a]
    lb = list(string.ascii_letters[nd_a:nd_a + nd_b])
    for i, j in zip(ax_a, ax_b):
        lb[j] = la[i]
    lb = "".join(lb)
    out = "".join(c for k, c in enumerate(la) if k not in ax_a) + "".join(c for k, c in enumerate(lb) if k not in ax_b)
    return f"{la},{lb}->{out}"


def _tensordot_vjp(argnum, g, ans, a, b, axes):
    return _einsum_vjp(argnum, g, ans, _tensordot_subscripts(a, b, axes), a, b)


tensordot_p = Primitive("tensordot", lambda a, b, axes=2: _np.tensordot(a, b, axes))
tensordot_p.defvjp_argnum(lambda argnum, g, ans, a, b, axes=2: _tensordot_vjp(argnum, g, ans, a, b, axes),
                          reads=((1,), (0,)))
tensordot_p.defbatch(lambda batched, a, b, axes=2: einsum(_batched_subscripts(_tensordot_subscripts_nd(
    _ndim(a) - batched[0], _ndim(b) - batched[1], _tensordot_axes_nd(_ndim(a) - batched[0], _ndim(b) - batched[1], axes)),
    batched), a, b))
tensordot_p.defjvp(lambda t, ans, a, b, axes=2: tensordot_p(t, b, axes=axes),
                   lambda t, ans, a, b, axes=2: tensordot_p(a, t, axes=axes))


def tensordot(a, b, axes=2):
    """Differentiable ``numpy.tensordot``: the sum of products over ``axes`` (an int: the last
    ``axes`` of ``a`` with the first of ``b``; or two lists of axes).

    Differentiable in ``a`` and ``b`` in both modes, to any order (bilinear: each cotangent is
    a contraction with the other factor). Returns the contraction, traced when ``a`` or ``b``
    is.

    >>> import gradkit as gk, gradkit.numpy as np
    >>> A = np.array([[1.0, 2.0], [3.0, 4.0]])
    >>> gk.grad(lambda B: np.tensordot(A, B))(np.zeros((2, 2)))   # d sum(A * B) / dB = A
    array([[1., 2.],
           [3., 4.]])
    """
    if _np.ndim(axes) != 0:
        axes = tuple(tuple(x) if _np.ndim(x) else x for x in axes)
    return tensordot_p(a, b, axes=axes)


def inner(a, b):
    """Differentiable ``numpy.inner``: the sum of products over the last axes of ``a`` and ``b``
    (a product when either is a scalar).

    Differentiable in ``a`` and ``b`` in both modes, to any order. Returns the contraction,
    traced when ``a`` or ``b`` is.

    >>> import gradkit as gk, gradkit.numpy as np
    >>> gk.grad(lambda a: np.inner(a, a))(np.array([1.0, 2.0]))   # 2a
    array([2., 4.])
    """
    if _ndim(a) == 0 or _ndim(b) == 0:
        return a * b
    return tensordot(a, b, axes=([-1], [-1]))


def outer(a, b):
    """Differentiable ``numpy.outer``: ``a[i] * b[j]`` for ``a`` and ``b`` flattened.

    Differentiable in ``a`` and ``b`` in both modes, to any order. Returns the matrix, traced
    when ``a`` or ``b`` is.

    >>> import gradkit as gk, gradkit.numpy as np
    >>> gk.grad(lambda a: np.sum(np.outer(a, np.array([1.0, 2.0, 3.0]))))(np.zeros(2))
    array([6., 6.])
    """
    from .shape import ravel
    return einsum("i,j->ij", ravel(a), ravel(b))


def vdot(a, b):
    """Differentiable ``numpy.vdot``: sum(conj(a) * b) over ``a`` and ``b`` flattened.

    Differentiable in ``a`` and ``b`` in both modes, to any order. Returns a scalar, traced
    when ``a`` or ``b`` is.

    >>> import gradkit as gk, gradkit.numpy as np
    >>> gk.grad(lambda a, b: np.vdot(a, b), argnums=(0, 1))(np.array([1.0, 2.0]), np.array([3.0, 4.0]))
    (array([3., 4.]), array([1., 2.]))
    """
    from .elementwise import conj
    from .shape import ravel
    return dot(ravel(conj(a)), ravel(b))


def kron(a, b):
    """Differentiable ``numpy.kron``: the Kronecker product (blocks a[i] * b).

    Differentiable in ``a`` and ``b`` in both modes, to any order (an einsum and a reshape).
    Returns the product, traced when ``a`` or ``b`` is.

    >>> import gradkit as gk, gradkit.numpy as np
    >>> np.kron(np.array([1.0, 2.0]), np.array([1.0, 10.0]))
    array([ 1., 10.,  2., 20.])
    >>> gk.grad(lambda a: np.sum(np.kron(a, np.array([1.0, 10.0]))))(np.zeros(2))
    array([11., 11.])
    """
    nd = max(_ndim(a), _ndim(b))
    a = reshape(a, (1,) * (nd - _ndim(a)) + shape_of(a))
    b = reshape(b, (1,) * (nd - _ndim(b)) + shape_of(b))
    la, lb = string.ascii_lowercase[:nd], string.ascii_uppercase[:nd]
    prod = einsum(f"{la},{lb}->" + "".join(x + y for x, y in zip(la, lb)), a, b)
    return reshape(prod, tuple(p * q for p, q in zip(shape_of(a), shape_of(b))))


def cross(a, b, axisa=-1, axisb=-1, axisc=-1, axis=None):
    """np.cross for 3-vectors, as an einsum with the Levi-Civita tensor.

    Differentiable in ``a`` and ``b`` in both modes, to any order. Returns the cross products,
    traced when ``a`` or ``b`` is.

    >>> import gradkit as gk, gradkit.numpy as np
    >>> e1, e2 = np.array([1.0, 0.0, 0.0]), np.array([0.0, 1.0, 0.0])
    >>> np.cross(e1, e2)
    array([0., 0., 1.])
    >>> gk.grad(lambda b: np.cross(e1, b)[2])(e2)   # (a x b)_z = a_x b_y - a_y b_x
    array([0., 1., 0.])
    """
    from .shape import moveaxis
    if axis is not None:
        axisa = axisb = axisc = axis
    a, b = moveaxis(a, axisa, -1), moveaxis(b, axisb, -1)
    if shape_of(a)[-1] != 3 or shape_of(b)[-1] != 3:
        raise ValueError("gradkit.numpy.cross supports 3-vectors only")
    return moveaxis(einsum("ijk,...j,...k->...i", _LEVI_CIVITA, a, b), -1, axisc)


_LEVI_CIVITA = _np.zeros((3, 3, 3))
for _i, _j, _k in ((0, 1, 2), (1, 2, 0), (2, 0, 1)):
    _LEVI_CIVITA[_i, _j, _k], _LEVI_CIVITA[_i, _k, _j] = 1.0, -1.0
