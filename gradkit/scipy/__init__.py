"""gradkit.scipy: differentiable counterparts of scipy.special, scipy.linalg, scipy.stats,
scipy.signal and scipy.integrate, declared like gradkit.numpy (each rule beside its function)."""
from . import integrate, linalg, signal, special, stats  # noqa: F401
