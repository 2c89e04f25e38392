"""`Problem`: a function to minimise together with everything known about it."""
from dataclasses import dataclass, field
from typing import Callable, Optional

import numpy as _np

__all__ = ["Problem"]


def _check_size(name, value, minimum=1, problem=None):
    """value as an int, or a ValueError naming the parameter, what was given and the valid range.

    >>> _check_size("n", 3)
    3
    """
    where = f"{problem}: " if problem else ""
    if isinstance(value, bool) or not isinstance(value, (int, _np.integer)):
        if isinstance(value, (float, _np.floating)) and float(value).is_integer():
            value = int(value)
        else:
            raise ValueError(f"{where}needs a whole number {name} >= {minimum}, got {name}={value!r}.")
    if value < minimum:
        raise ValueError(f"{where}needs {name} >= {minimum}, got {name}={value}.")
    return int(value)


def _check_number(name, value, minimum=None, problem=None, strict=False):
    """value as a finite float (>= or > minimum), or a ValueError naming the parameter."""
    where = f"{problem}: " if problem else ""
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{where}{name} must be a number, got {value!r}.") from None
    if not _np.isfinite(v) or (minimum is not None and (v <= minimum if strict else v < minimum)):
        bound = "" if minimum is None else f" {'>' if strict else '>='} {minimum}"
        raise ValueError(f"{where}{name} must be a finite number{bound}, got {value!r}.")
    return v


@dataclass(eq=False)
class Problem:
    """A test function and what is known about it.

    `name` labels it; `f` is written with gradkit.numpy, so automatic differentiation works on it; `grad`
    and `hess` are closed forms in plain NumPy (None where there is none). `x_star`,
    `f_star`, `L` (smoothness: ||grad f(x) - grad f(y)|| <= L ||x - y||) and `mu` (strong
    convexity) are None where unknown. `x0` is a standard starting point and `shape` the
    shape of the variable (a vector of `dim` entries unless the problem says otherwise,
    for example the (N, d) points of MDS). `data` holds the problem's arrays (A, b, ...).

    >>> import numpy
    >>> p = Problem("square", lambda x: x @ x, dim=2, grad=lambda x: 2 * x, x_star=numpy.zeros(2))
    >>> p(numpy.ones(2)), p.distance(numpy.ones(2))
    (np.float64(2.0), np.float64(1.4142135623730951))
    """
    name: str
    f: Callable
    dim: int
    grad: Optional[Callable] = None
    hess: Optional[Callable] = None
    x_star: Optional[_np.ndarray] = None
    f_star: Optional[float] = None
    L: Optional[float] = None
    mu: Optional[float] = None
    x0: Optional[_np.ndarray] = None
    shape: Optional[tuple] = None
    data: dict = field(default_factory=dict, repr=False)

    def __post_init__(self):
        if self.shape is None:
            self.shape = (self.dim,)
        if self.x0 is None:
            self.x0 = _np.zeros(self.shape)

    def __call__(self, x):
        return self.f(x)

    @property
    def kappa(self):
        """The condition number L / mu (None unless both are known).

        >>> from gradkit.problems import quadratic
        >>> quadratic(4, L=2.0, mu=0.5).kappa
        4.0
        """
        return None if self.L is None or not self.mu else self.L / self.mu

    def distance(self, x):
        """||x - x*|| (Frobenius for matrices), or None when x* is unknown. See the class's example."""
        if self.x_star is None:
            return None
        return _np.linalg.norm(_np.ravel(_np.asarray(x) - self.x_star))

    def __repr__(self):
        known = ", ".join(f"{k}={getattr(self, k):.4g}" for k in ("f_star", "L", "mu")
                          if getattr(self, k) is not None)
        return f"Problem({self.name!r}, dim={self.dim}{', ' + known if known else ''})"
