"""gradkit derivatives for `scipy.optimize.minimize`, one line each.

    import scipy.optimize
    from gradkit.optim import scipy_derivatives
    scipy.optimize.minimize(f, x0, method="L-BFGS-B", **scipy_derivatives(f))
    scipy.optimize.minimize(f, x0, method="trust-ncg", **scipy_derivatives(f, "hessp"))
    scipy.optimize.minimize(f, x0, method="trust-exact", **scipy_derivatives(f, "hess"))

jac is reverse mode (`gradkit.grad`), hessp a Hessian-vector product that never forms the
Hessian (`gradkit.hvp`, lecture L17), hess the full Hessian (`gradkit.hessian`). Extra
arguments SciPy passes through `args=` reach f unchanged.
"""
import numpy as _np

from ..transforms import grad as _grad, hessian as _hessian, hvp as _hvp, value_and_grad as _value_and_grad

__all__ = ["scipy_jac", "scipy_value_and_jac", "scipy_hessp", "scipy_hess", "scipy_derivatives"]


def scipy_jac(f):
    """jac for scipy.optimize: x, *args -> the gradient of f (reverse mode) as a float array.

    >>> import scipy.optimize, numpy
    >>> from gradkit.problems import rosenbrock
    >>> p = rosenbrock(2)
    >>> r = scipy.optimize.minimize(p.f, p.x0, method="L-BFGS-B", jac=scipy_jac(p.f))
    >>> bool(numpy.allclose(r.x, 1.0, atol=1e-4))
    True
    """
    g = _grad(f)
    return lambda x, *args: _np.asarray(g(_np.asarray(x, float), *args), dtype=float)


def scipy_value_and_jac(f):
    """fun for scipy.optimize.minimize(..., jac=True): x, *args -> (f, gradient), both from
    one reverse sweep (and one pass over lazy dask data).

    >>> import numpy, gradkit.numpy as np
    >>> scipy_value_and_jac(lambda x: np.sum(x ** 4))(numpy.array([1.0, 2.0]))
    (array(17.), array([ 4., 32.]))
    """
    from ..core.backend import materialize
    vg = _value_and_grad(f)
    return lambda x, *args: tuple(_np.asarray(v, dtype=float)
                                  for v in materialize(*vg(_np.asarray(x, float), *args)))


def scipy_hessp(f):
    """hessp for scipy.optimize: x, p, *args -> H(x) p without forming H (gradkit.hvp,
    lecture L17), as a float array.

    >>> import numpy, gradkit.numpy as np
    >>> scipy_hessp(lambda x: np.sum(x ** 4))(numpy.array([1.0, 2.0]), numpy.array([1.0, 0.0]))
    array([12.,  0.])
    """
    return lambda x, p, *args: _np.asarray(_hvp(lambda z: f(z, *args), _np.asarray(x, float),
                                                _np.asarray(p, float)), dtype=float)


def scipy_hess(f):
    """hess for scipy.optimize: x, *args -> the Hessian of f as an n x n float array.

    >>> import numpy, gradkit.numpy as np
    >>> scipy_hess(lambda x: np.sum(x ** 4))(numpy.array([1.0, 2.0]))
    array([[12.,  0.],
           [ 0., 48.]])
    """
    h = _hessian(f)
    return lambda x, *args: _np.asarray(h(_np.asarray(x, float), *args), dtype=float)


def scipy_derivatives(f, second=None):
    """Keyword arguments for scipy.optimize.minimize: jac, plus hessp (second="hessp") or
    hess (second="hess").

    >>> import scipy.optimize
    >>> from gradkit.problems import rosenbrock
    >>> p = rosenbrock(2)
    >>> r = scipy.optimize.minimize(p.f, p.x0, method="trust-ncg", **scipy_derivatives(p.f, "hessp"))
    >>> r.success, float(abs(r.x - 1).max()) < 1e-6
    (True, True)
    """
    out = {"jac": scipy_jac(f)}
    if second == "hessp":
        out["hessp"] = scipy_hessp(f)
    elif second == "hess":
        out["hess"] = scipy_hess(f)
    elif second is not None:
        raise ValueError(f"second must be None, 'hessp' or 'hess', got {second!r}.")
    return out
