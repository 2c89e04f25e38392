"""The lab's calls into gradkit.numeric, gradkit.optim and gradkit.problems, in one place.

Those packages are written alongside the lab; every call the lab makes into them goes
through one adapter here, so that an experiment needing a part that is not there yet is
reported as blocked (naming the part) instead of failing, and an API change is fixed here.
"""
import numpy as _np

from .core import need


def fd_gradient(f, x, method="central", step=None):
    """(gradient, evaluations) by finite differences from gradkit.numeric."""
    fd = need("gradkit.numeric", "fd_gradient")
    res = fd(f, x, method=method) if step is None else fd(f, x, method=method, step=step)
    return _np.asarray(getattr(res, "grad", res)), getattr(res, "n_evals", None)
