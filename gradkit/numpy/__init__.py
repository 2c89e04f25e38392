"""gradkit.numpy: a differentiable stand-in for NumPy.

    import gradkit.numpy as np     # then write plain NumPy code

Functions with derivative rules are gradkit primitives (or compositions of them);
functions without a derivative (argmax, floor, comparisons, ...) accept traced values and
return plain NumPy results; constructors, dtypes and constants are NumPy's own. A NumPy
function that gradkit does not cover raises an error naming it when it meets a traced
value. NumPy's own functions called on traced values dispatch here too.
"""
import numpy as _np

from ..core import batching as _batching
from ..core import primitive as _primitive

from . import array as _array
from . import keywords as _keywords
from . import fft, linalg
from .creation import *  # noqa: F401,F403
from .creation import NUMPY_OBJECTS as _NUMPY_OBJECTS, NUMPY_READERS as _NUMPY_READERS
from .declare import broadcast_to, nondiff as _nondiff
from .elementwise import *  # noqa: F401,F403
from .indexing import *  # noqa: F401,F403
from .products import *  # noqa: F401,F403
from .reductions import *  # noqa: F401,F403
from .shape import *  # noqa: F401,F403
from .signal_ops import *  # noqa: F401,F403
from .vectorize import vectorize  # noqa: F401

from .elementwise import abs, absolute, round, around, where  # noqa: F401  (names shadowing builtins)
from .reductions import all, any  # noqa: F401
from .keywords import sum, max, min, amax, amin, prod, mean, var, std, cumsum, cumprod  # noqa: F401  (NumPy's signatures)
from .array_api import *  # noqa: F401,F403
from .array_api import pow, divmod, einsum  # noqa: F401  (einsum: both of NumPy's forms)
from .statistics import *  # noqa: F401,F403
from .signals import *  # noqa: F401,F403
from .polynomials import *  # noqa: F401,F403
from .structure import *  # noqa: F401,F403
from . import namespace_table as _table
from .refusals import refusing as _refusing

numpy_version = __version__ = _np.__version__  # autograd.numpy's names for NumPy's version


for _name in _NUMPY_OBJECTS:
    globals()[_name] = getattr(_np, _name)
for _name in _NUMPY_READERS:
    globals()[_name] = _nondiff(getattr(_np, _name))
from .structure import r_, c_  # noqa: E402  (they take traced values, NumPy's do not)


def _wire_table():
    """The rest of the namespace, as gradkit/numpy/namespace_table.py classifies it."""
    g = globals()
    made = {}  # NumPy's aliases (invert, bitwise_not) share one wrapper
    for name, (kind, group) in _table.TABLE.items():
        if "." in name or not hasattr(_np, name):
            continue
        theirs = getattr(_np, name)
        if kind == _table.NONDIFF and name not in g:
            if id(theirs) not in made:
                made[id(theirs)] = _nondiff(theirs, name=name, broadcasting=isinstance(theirs, _np.ufunc))
            g[name] = made[id(theirs)]
        elif kind == _table.REFUSED:
            g[name] = _refusing(theirs, group, name)
        elif kind == _table.NUMPY and name not in g:
            g[name] = theirs


_wire_table()


def _register_numpy_equivalents():
    """Map NumPy's functions to ours, so numpy.f(tracer) runs gradkit's f."""
    table = _array.NUMPY_EQUIVALENTS
    g = globals()
    for name, value in list(g.items()):
        if name.startswith("_") or not callable(value) or isinstance(value, type):
            continue
        theirs = getattr(_np, name, None)
        if theirs is not None and theirs is not value and callable(theirs) and not isinstance(theirs, type):
            table[theirs] = value
    for name in linalg.__all__ + ["svd"]:
        if hasattr(_np.linalg, name) and hasattr(linalg, name):
            table[getattr(_np.linalg, name)] = getattr(linalg, name)
    for name in fft.__all__:
        table[getattr(_np.fft, name)] = getattr(fft, name)


_register_numpy_equivalents()


def _bind_ufunc_keywords():
    """The differentiable ufuncs take NumPy's ufunc keywords (out=, where=, dtype=...)."""
    for name, value in list(globals().items()):
        theirs = getattr(_np, name, None)
        if (type(value) is _primitive.Primitive and value.differentiable and isinstance(theirs, _np.ufunc)
                and theirs.signature is None):
            value.bind_keywords = _keywords.ufunc_keywords


_bind_ufunc_keywords()

# the functions without a derivative keep NumPy's docstring, after one line that says so
NONDIFF_NOTE = ("Not differentiable in gradkit: it accepts traced values and returns NumPy's plain result, a "
                "constant (derivative zero); under vmap it is batched, under jit recorded. NumPy's documentation "
                "follows.\n\n")


def _note_nondiff():
    for namespace in (globals(), vars(linalg)):
        for value in list(namespace.values()):
            if (type(value) is _primitive.Primitive and not value.differentiable and value.__doc__
                    and value.__doc__ == getattr(value.__wrapped__, "__doc__", None)):
                value.__doc__ = NONDIFF_NOTE + value.__doc__


_note_nondiff()


def _loop_batch(prim, batched, args, params):
    """The batch rule of last resort: apply prim to each batch entry and stack.

    A primitive declared without a batch rule still works under vmap, one example at a time:

    >>> import gradkit as gk, gradkit.numpy as np
    >>> from gradkit.core import Primitive
    >>> twice = Primitive("twice", lambda x: 2.0 * x)     # no defbatch
    >>> gk.vmap(twice)(np.arange(3.0))
    array([0., 2., 4.])
    """
    from .declare import batch_size, shape_of
    results = [prim(*[a[k] if b else a for a, b in zip(args, batched)], **params)
               for k in range(batch_size(batched, args))]
    shapes = {tuple(shape_of(o) for o in r) if prim.multiple_results else shape_of(r) for r in results}
    if len(shapes) > 1:
        raise ValueError(
            f"vmap of numpy.{prim.name}: its result has a different shape for different examples "
            f"({' and '.join(map(str, sorted(shapes)[:2]))}), which one batched array cannot hold. "
            f"Fix: give it a fixed size (e.g. size=/minlength=, or np.where with a fill value), or "
            f"loop over the examples without vmap.")
    if prim.multiple_results:
        return tuple(stack([r[j] for r in results]) for j in range(len(results[0])))
    return stack(results)


_batching.fallback = _loop_batch
_primitive.as_array = array  # noqa: F405  (a list of traced values, where an array is expected)


_NUMPY_SUBMODULES = ("random", "testing", "lib", "emath", "polynomial", "ma")  # no derivatives; loaded on use


def __getattr__(name):
    if name in _NUMPY_SUBMODULES:
        module = globals()[name] = getattr(_np, name)
        return module
    if hasattr(_np, name):
        raise AttributeError(
            f"gradkit.numpy has no '{name}' yet: numpy.{name} has no derivative rule in gradkit. "
            f"Call numpy.{name} on gradkit.stop_gradient(x) if no derivative is needed, or declare it "
            f"with gradkit.primitive and gradkit.defvjp / gradkit.defjvp.")
    raise AttributeError(f"module 'gradkit.numpy' has no attribute '{name}'")
