"""flatten(value) -> (vector, unflatten): a pytree of arrays as one flat vector, for
optimisers written for vectors (autograd.misc.flatten's interface)."""
import numpy as _np

from ..core import tree_flatten, tree_unflatten

__all__ = ["flatten", "flatten_func"]


def flatten(value):
    """The leaves of `value` raveled and concatenated, and the inverse map. Traced leaves
    stay traced (the vector is built with gradkit.numpy), so flatten can be differentiated.
    Returns (vector, unflatten), where unflatten(vector) rebuilds a pytree like `value`
    (dictionaries are flattened in sorted key order).

    >>> import numpy
    >>> v, unflatten = flatten({"w": numpy.ones((2, 2)), "b": numpy.zeros(2)})
    >>> v
    array([0., 0., 1., 1., 1., 1.])
    >>> unflatten(2 * v)["w"]
    array([[2., 2.],
           [2., 2.]])
    """
    from .. import numpy as gnp
    leaves, treedef = tree_flatten(value)
    shapes = [gnp.shape(x) for x in leaves]
    sizes = [int(_np.prod(s)) for s in shapes]
    vector = gnp.concatenate([gnp.ravel(x) for x in leaves]) if leaves else _np.zeros(0)

    def unflatten(v):
        parts, start = [], 0
        for shape, size in zip(shapes, sizes):
            parts.append(gnp.reshape(v[start:start + size], shape))
            start += size
        return tree_unflatten(treedef, parts)
    return vector, unflatten


def flatten_func(func, example):
    """func of a pytree, as a function of the flat vector: (flat_func, unflatten, flat_example).

    `example` is a pytree shaped like func's argument; flat_func(v, *args) returns func's
    result flattened too.

    >>> import numpy
    >>> flat_func, unflatten, x0 = flatten_func(lambda p: {"y": 2 * p["w"]}, {"w": numpy.ones(2)})
    >>> flat_func(x0), x0
    (array([2., 2.]), array([1., 1.]))
    """
    flat_example, unflatten = flatten(example)

    def flat_func(v, *args, **kwargs):
        return flatten(func(unflatten(v), *args, **kwargs))[0]
    return flat_func, unflatten, flat_example
