"""What a run leaves behind: its per-iteration `History` and the `OptimizeResult`."""
from dataclasses import dataclass, field

import numpy as _np

COLUMNS = ("f", "grad_norm", "dist", "n_fev", "n_gev", "time")


class History:
    """Per-iteration records of a run, one row per iterate x_0, x_1, ..., x_K.

    Columns (NumPy arrays once the run ends): `f` = f(x_k); `grad_norm` = norm of the
    gradient (or estimate) the method used at iteration k; `dist` = distance to x* (NaN
    when unknown); `n_fev` and `n_gev` = cumulative evaluations of f and of the gradient
    spent to reach and evaluate x_k; `time` = cumulative seconds of the method's own work
    (recording is not timed). `x` holds the iterates when they were kept.

    >>> h = History(keep_iterates=False)
    >>> h.append(x=None, f=1.0, grad_norm=2.0, dist=None, n_fev=1, n_gev=1, time=0.0)
    >>> h.finish()["f"], len(h)
    (array([1.]), 1)
    """

    def __init__(self, keep_iterates=False):
        self._rows = {c: [] for c in COLUMNS}
        self.x = [] if keep_iterates else None
        self._done = False

    def append(self, x, f, grad_norm, dist, n_fev, n_gev, time):
        """Record iterate x_k's row (dist None: unknown, stored as NaN); see the class's example."""
        rows = self._rows
        rows["f"].append(f)
        rows["grad_norm"].append(grad_norm)
        rows["dist"].append(_np.nan if dist is None else dist)
        rows["n_fev"].append(n_fev)
        rows["n_gev"].append(n_gev)
        rows["time"].append(time)
        if self.x is not None:
            self.x.append(_np.array(x, copy=True))

    def finish(self):
        """Turn the columns into arrays (done once, when the run ends); returns self. See the
        class's example."""
        if not self._done:
            for c in COLUMNS:
                dtype = int if c in ("n_fev", "n_gev") else float
                self._rows[c] = _np.asarray(self._rows[c], dtype=dtype)
            if self.x is not None:
                self.x = _np.asarray(self.x)
            self._done = True
        return self

    def __getitem__(self, column):
        if column == "x":
            return self.x
        if column not in self._rows:
            raise KeyError(f"no column {column!r}; the history has {', '.join(COLUMNS)}"
                           f"{' and x' if self.x is not None else ''}.")
        return self._rows[column]

    def __len__(self):
        return len(self._rows["f"])

    def as_dict(self):
        """Plain lists (JSON-ready), NaN distances as None.

        >>> h = History()
        >>> h.append(x=None, f=1.0, grad_norm=2.0, dist=None, n_fev=1, n_gev=1, time=0.0)
        >>> h.finish().as_dict()["dist"]
        [None]
        """
        out = {c: [None if isinstance(v, float) and v != v else v for v in _np.asarray(self[c]).tolist()]
               for c in COLUMNS}
        if self.x is not None:
            out["x"] = _np.asarray(self.x).tolist()
        return out


@dataclass
class OptimizeResult:
    """The outcome of `minimize`: the last iterate `x` and its value `fun`, `grad_norm` (of
    the last gradient used), counts `n_iter`, `n_fev`, `n_gev`, wall `time` in seconds,
    `success` (a tolerance was met), `message` (which stopping rule fired), `method` and
    `gradient` (the source: "ad", "exact", "fd", "zo" or "callable"), and `history` (a
    `History`, one row per iterate).

    >>> import numpy, gradkit.numpy as np
    >>> from gradkit.optim import minimize
    >>> r = minimize(lambda x: np.sum(x ** 2), numpy.ones(2), step=0.5)
    >>> r.x, r.n_iter, r.success, r.message
    (array([0., 0.]), 1, True, 'gradient norm <= tol')
    >>> r.history["n_fev"]
    array([1, 2])
    """
    x: _np.ndarray
    fun: float
    grad_norm: float
    n_iter: int
    n_fev: int
    n_gev: int
    time: float
    success: bool
    message: str
    method: str
    gradient: str
    history: History = field(repr=False)

    def __repr__(self):
        return (f"OptimizeResult({self.method}, gradient={self.gradient!r}: {self.message}; fun={self.fun:.6g}, "
                f"grad_norm={self.grad_norm:.3g}, n_iter={self.n_iter}, n_fev={self.n_fev}, "
                f"n_gev={self.n_gev}, time={self.time:.3g}s)")
