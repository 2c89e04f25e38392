"""Gradient-descent loops over pytrees (autograd.misc.optimizers' interface): each takes
grad(x, i), the starting point x (any pytree of arrays), an optional callback(x, i, g)
called before each step, and returns the last x. gradkit.optim has the documented,
history-keeping optimisers; these exist so programs written for autograd run unchanged."""
import numpy as _np

from .flatten import flatten

__all__ = ["sgd", "rmsprop", "adam"]


def _on_vectors(optimize):
    def run(grad, x0, callback=None, *args, **kwargs):
        x, unflatten = flatten(x0)

        def flat_grad(v, i):
            return flatten(grad(unflatten(v), i))[0]
        flat_callback = None if callback is None else (lambda v, i, g: callback(unflatten(v), i, unflatten(g)))
        return unflatten(optimize(flat_grad, _np.asarray(x, dtype=float), flat_callback, *args, **kwargs))
    run.__name__, run.__doc__ = optimize.__name__, optimize.__doc__
    return run


@_on_vectors
def sgd(grad, x, callback=None, num_iters=200, step_size=0.1, mass=0.9):
    """Gradient descent with momentum: v <- mass v - (1 - mass) g; x <- x + step_size v.

    grad(x, i) is the gradient at x in iteration i; x the start (any pytree of arrays);
    callback(x, i, g) runs before each step. Returns the last x, shaped like the start.

    >>> import numpy, gradkit, gradkit.numpy as np
    >>> g = gradkit.grad(lambda x, i: np.sum((x["a"] - 3.0) ** 2))
    >>> sgd(g, {"a": numpy.zeros(2)}, num_iters=500)
    {'a': array([3., 3.])}
    """
    velocity = _np.zeros(len(x))
    for i in range(num_iters):
        g = grad(x, i)
        if callback:
            callback(x, i, g)
        velocity = mass * velocity - (1.0 - mass) * g
        x = x + step_size * velocity
    return x


@_on_vectors
def rmsprop(grad, x, callback=None, num_iters=100, step_size=0.1, gamma=0.9, eps=10 ** -8):
    """Steps scaled by a running root mean square of the gradient (decay `gamma`); the
    arguments and the result are `sgd`'s.

    >>> import numpy, gradkit, gradkit.numpy as np
    >>> g = gradkit.grad(lambda x, i: np.sum((x["a"] - 3.0) ** 2))
    >>> rmsprop(g, {"a": numpy.zeros(2)}, num_iters=500, step_size=0.1)
    {'a': array([3., 3.])}
    """
    avg_sq_grad = _np.ones(len(x))
    for i in range(num_iters):
        g = grad(x, i)
        if callback:
            callback(x, i, g)
        avg_sq_grad = avg_sq_grad * gamma + g ** 2 * (1 - gamma)
        x = x - step_size * g / (_np.sqrt(avg_sq_grad) + eps)
    return x


@_on_vectors
def adam(grad, x, callback=None, num_iters=100, step_size=0.001, b1=0.9, b2=0.999, eps=10 ** -8):
    """Adam (Kingma and Ba, 2015): bias-corrected running moments of g and g**2 (decays b1,
    b2); the arguments and the result are `sgd`'s.

    >>> import numpy, gradkit, gradkit.numpy as np
    >>> g = gradkit.grad(lambda x, i: np.sum((x["a"] - 3.0) ** 2))
    >>> adam(g, {"a": numpy.zeros(2)}, num_iters=500, step_size=0.1)
    {'a': array([3., 3.])}
    """
    m = _np.zeros(len(x))
    v = _np.zeros(len(x))
    for i in range(num_iters):
        g = grad(x, i)
        if callback:
            callback(x, i, g)
        m = (1 - b1) * g + b1 * m
        v = (1 - b2) * (g ** 2) + b2 * v
        mhat = m / (1 - b1 ** (i + 1))
        vhat = v / (1 - b2 ** (i + 1))
        x = x - step_size * mhat / (_np.sqrt(vhat) + eps)
    return x
