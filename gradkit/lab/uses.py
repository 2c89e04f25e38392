"""The lab's calls into gradkit.numeric and gradkit.optim, in one place.

Those packages are written alongside the lab. Every call the lab makes into them goes
through one adapter here. Where the package is not there yet, the adapter computes the
lecture's formula directly (L6, L7, L9 are one line each) and records that it did, so the
report says which implementation produced the numbers (`SOURCES`).
"""
import importlib
import time

import numpy as _np

SOURCES = {}  # adapter -> "gradkit.numeric.xxx" or "lab fallback (...)", filled as they run
EPS = float(_np.finfo(float).eps)


def _find(module, name):
    try:
        return getattr(importlib.import_module(module), name, None)
    except ImportError:
        return None


def fd_gradient(f, x, method="central", step=None):
    """(gradient, evaluations of f) by finite differences: method 'forward', 'central',
    'central4' (4th-order stencil) or 'complex' (complex step)."""
    fd = _find("gradkit.numeric", "fd_gradient")
    if fd is not None:
        SOURCES["finite differences"] = "gradkit.numeric.fd_gradient"
        res = fd(f, x, method=method) if step is None else fd(f, x, method=method, step=step)
        return _np.asarray(getattr(res, "grad", res)), getattr(res, "n_evals", None)
    SOURCES["finite differences"] = "lab fallback (the lecture's L9 formulas; gradkit.numeric not available)"
    return _fd_fallback(f, _np.asarray(x, float), method, step)


# default steps balance truncation h^p against rounding eps/h: h ~ eps^(1/(p+1))
_DEFAULT_STEP = {"forward": EPS ** 0.5, "central": EPS ** (1 / 3), "central4": EPS ** 0.2, "complex": 1e-20}


def _fd_fallback(f, x, method, step):
    if method not in _DEFAULT_STEP:
        raise ValueError(f"unknown finite-difference method {method!r}; use one of {sorted(_DEFAULT_STEP)}.")
    d = x.size
    g = _np.empty(d)
    evals = 0
    f0 = None
    for i in range(d):
        h = step if step is not None else _DEFAULT_STEP[method] * max(1.0, abs(x.flat[i]))
        e = _np.zeros(d)
        e[i] = h
        e = e.reshape(x.shape)
        if method == "forward":
            if f0 is None:
                f0, evals = f(x), evals + 1
            g[i], evals = (f(x + e) - f0) / h, evals + 1
        elif method == "central":
            g[i], evals = (f(x + e) - f(x - e)) / (2 * h), evals + 2
        elif method == "central4":
            g[i] = (8 * (f(x + e) - f(x - e)) - (f(x + 2 * e) - f(x - 2 * e))) / (12 * h)
            evals += 4
        else:  # complex step: no subtraction, so no cancellation
            g[i], evals = _np.imag(f(x + 1j * e)) / h, evals + 1
    return g.reshape(x.shape), evals


def zo_gradient(f, x, eps, rng):
    """(G, evaluations): the two-point estimator of L6, G = d (f(x + eps v) - f(x - eps v)) / (2 eps) v
    with v uniform on the unit sphere."""
    est = _find("gradkit.numeric", "zo_gradient")
    if est is not None:
        SOURCES["zero-order estimator"] = "gradkit.numeric.zo_gradient"
        res = est(f, x, eps=eps, rng=rng)
        return _np.asarray(getattr(res, "grad", res)), getattr(res, "n_evals", 2)
    SOURCES["zero-order estimator"] = "lab fallback (the lecture's L6 formula; gradkit.numeric not available)"
    v = rng.standard_normal(x.shape)
    v /= _np.linalg.norm(v)
    return x.size * (f(x + eps * v) - f(x - eps * v)) / (2 * eps) * v, 2


def descend(f, x0, direction, step, max_iter, max_evals=None, record=None, stop=None):
    """Gradient descent x <- x - step * G with G, evals = direction(x): the loop every
    method of L5 and L8 shares, so that they differ only in where G comes from. Records
    f (evaluated outside the budget), cumulative evaluations, wall time and each of `record`
    (name -> function of x) per iteration; stops when stop(history) is true."""
    x = _np.array(x0, float)
    hist = {"f": [float(f(x))], "evals": [0], "seconds": [0.0]}
    if record:
        hist.update({k: [float(fn(x))] for k, fn in record.items()})
    evals, spent, k = 0, 0.0, 0
    while k < max_iter and (max_evals is None or evals < max_evals):
        t0 = time.perf_counter()
        g, n = direction(x)
        x = x - step * g
        spent += time.perf_counter() - t0
        evals += n
        k += 1
        hist["f"].append(float(f(x)))
        hist["evals"].append(evals)
        hist["seconds"].append(spent)
        if record:
            for key, fn in record.items():
                hist[key].append(float(fn(x)))
        if stop is not None and stop(hist):
            break
        if not _np.isfinite(hist["f"][-1]):
            break
    SOURCES.setdefault("descent loop", "gradkit.lab.uses.descend (x <- x - step G)")
    return x, hist
