"""Pytrees: nested tuples, lists, dicts and namedtuples of leaves; None is an empty node."""
import numpy as _np

from .errors import ShapeError
from .trace import Tracer


class TreeDef:
    """The structure of a pytree: a node kind, its metadata and its children's TreeDefs."""

    __slots__ = ("kind", "meta", "children")

    def __init__(self, kind, meta, children):
        self.kind, self.meta, self.children = kind, meta, children

    def __eq__(self, other):
        return (isinstance(other, TreeDef) and self.kind == other.kind
                and self.meta == other.meta and self.children == other.children)

    def __hash__(self):
        return hash((self.kind, self.meta, self.children))

    def __repr__(self):
        if self.kind == "leaf":
            return "*"
        if self.kind == "none":
            return "None"
        inner = ", ".join(map(repr, self.children))
        if self.kind == "dict":
            inner = ", ".join(f"{k!r}: {c!r}" for k, c in zip(self.meta, self.children))
            return "{" + inner + "}"
        if self.kind == "tuple":
            return f"({inner},)" if len(self.children) == 1 else f"({inner})"
        if self.kind == "list":
            return f"[{inner}]"
        return f"{self.meta.__name__}({inner})"


LEAF = TreeDef("leaf", None, ())
_COMMON_LEAVES = frozenset((_np.ndarray, Tracer, float, int, complex, _np.float64, _np.complex128, _np.float32))


_FLAT_TUPLES = {}  # n -> the TreeDef of a tuple of n leaves, the usual arguments of a transform


def tree_flatten(tree):
    """Return (leaves, treedef)."""
    if type(tree) is tuple and all(type(x) in _COMMON_LEAVES for x in tree):
        n = len(tree)
        treedef = _FLAT_TUPLES.get(n)
        if treedef is None:
            treedef = _FLAT_TUPLES[n] = TreeDef("tuple", None, (LEAF,) * n)
        return list(tree), treedef
    leaves = []
    return leaves, _flatten(tree, leaves)


def _flatten(x, leaves):
    t = type(x)
    if t in _COMMON_LEAVES:  # the usual case first: gradients are taken of arrays
        leaves.append(x)
        return LEAF
    if t is tuple or t is list:
        return TreeDef(t.__name__, None, tuple([_flatten(c, leaves) for c in x]))
    if t is dict:
        keys = tuple(sorted(x))
        return TreeDef("dict", keys, tuple(_flatten(x[k], leaves) for k in keys))
    if x is None:
        return TreeDef("none", None, ())
    if isinstance(x, tuple) and hasattr(x, "_fields"):
        return TreeDef("namedtuple", t, tuple(_flatten(c, leaves) for c in x))
    leaves.append(x)
    return LEAF


def tree_unflatten(treedef, leaves):
    if treedef is _FLAT_TUPLES.get(len(leaves)):
        return tuple(leaves)
    return _unflatten(treedef, iter(leaves))


def _unflatten(d, it):
    kind = d.kind
    if kind == "leaf":
        return next(it)
    if kind == "none":
        return None
    children = [_unflatten(c, it) for c in d.children]
    if kind == "tuple":
        return tuple(children)
    if kind == "list":
        return children
    if kind == "dict":
        return dict(zip(d.meta, children))
    return d.meta(*children)


def tree_map(f, tree, *rest):
    leaves, treedef = tree_flatten(tree)
    others = [tree_leaves_like(treedef, r) for r in rest]
    return tree_unflatten(treedef, [f(*xs) for xs in zip(leaves, *others)])


def tree_leaves_like(treedef, tree, what="tree"):
    """The leaves of `tree`, which must have the structure `treedef`."""
    leaves, other = tree_flatten(tree)
    if other != treedef:
        raise ShapeError(f"{what} has structure {other!r} but {treedef!r} was expected; "
                         f"pass a value with the same nesting of tuples, lists and dicts.")
    return leaves
