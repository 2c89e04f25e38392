"""gradkit.scipy: differentiable counterparts of scipy.special, scipy.linalg, scipy.stats
and scipy.signal, declared like gradkit.numpy (each rule beside its function)."""
from . import linalg, signal, special, stats  # noqa: F401
