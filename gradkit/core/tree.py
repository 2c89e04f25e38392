"""Pytrees: nested tuples, lists, dicts and namedtuples of leaves; None is an empty node.
Other container types join with register_pytree_node."""
import numpy as _np

from .errors import ShapeError
from .trace import Tracer


class TreeDef:
    """The structure of a pytree: a node kind ("leaf", "none", "tuple", "list", "dict",
    "namedtuple" or "custom"), its metadata (a dict's keys, a namedtuple's class, a custom
    node's class and aux data) and its children's TreeDefs. Made by tree_flatten; equal
    structures compare equal, and it prints with * for each leaf.

    >>> leaves, treedef = tree_flatten({"w": (1.0, 2.0), "b": 3.0})
    >>> treedef, treedef.kind
    ({'b': *, 'w': (*, *)}, 'dict')
    """

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
        if self.kind == "custom":
            return f"{self.meta[0].__name__}({inner})"
        return f"{self.meta.__name__}({inner})"


LEAF = TreeDef("leaf", None, ())
_COMMON_LEAVES = frozenset((_np.ndarray, Tracer, float, int, complex, _np.float64, _np.complex128, _np.float32))
_NODE_TYPES = {}  # type -> (flatten, unflatten), registered by users


def register_pytree_node(cls, flatten, unflatten):
    """Make instances of `cls` pytree nodes, so that transformations look inside them:
    flatten(x) -> (children, aux_data), with children a sequence of pytrees and aux_data
    hashable (what is not differentiated: names, sizes, flags); unflatten(aux_data,
    children) -> a new instance. JAX's convention (jax.tree_util.register_pytree_node).

    >>> class Kernel:
    ...     def __init__(self, scale, name): self.scale, self.name = scale, name
    >>> register_pytree_node(Kernel, lambda k: ((k.scale,), k.name), lambda name, c: Kernel(c[0], name))
    >>> tree_flatten(Kernel(2.0, "rbf"))
    ([2.0], Kernel(*))
    """
    if not isinstance(cls, type):
        raise TypeError(f"register_pytree_node needs a class, got {cls!r}.")
    if cls in _COMMON_LEAVES or cls in (tuple, list, dict, type(None)):
        raise ValueError(f"{cls.__name__} is already handled by gradkit's pytrees; it cannot be registered.")
    if not (callable(flatten) and callable(unflatten)):
        raise TypeError("register_pytree_node(cls, flatten, unflatten) needs two functions: "
                        "flatten(x) -> (children, aux_data) and unflatten(aux_data, children) -> x.")
    _NODE_TYPES[cls] = (flatten, unflatten)


_FLAT_TUPLES = {}  # n -> the TreeDef of a tuple of n leaves, the usual arguments of a transform


def tree_flatten(tree):
    """Return (leaves, treedef): the leaves of `tree` in order (a dict's by sorted key)
    and its structure, from which tree_unflatten rebuilds it. None is an empty node.

    >>> tree_flatten({"w": (1.0, 2.0), "b": None})
    ([1.0, 2.0], {'b': None, 'w': (*, *)})
    """
    if type(tree) is tuple and all(type(x) in _COMMON_LEAVES for x in tree):
        n = len(tree)
        treedef = _FLAT_TUPLES.get(n)
        if treedef is None:
            treedef = _FLAT_TUPLES[n] = TreeDef("tuple", None, (LEAF,) * n)
        return list(tree), treedef
    leaves = []
    return leaves, _flatten(tree, leaves)


def _node(x):
    """(kind, meta, children) of a container, or None for a leaf."""
    t = type(x)
    if t is tuple or t is list:
        return t.__name__, None, x
    if t is dict:
        keys = tuple(sorted(x))
        return "dict", keys, [x[k] for k in keys]
    if x is None:
        return "none", None, ()
    if isinstance(x, tuple) and hasattr(x, "_fields"):
        return "namedtuple", t, x
    custom = _NODE_TYPES.get(t)
    if custom is not None:
        children, aux = custom[0](x)
        return "custom", (t, aux), tuple(children)
    return None


def _flatten(x, leaves):
    if type(x) in _COMMON_LEAVES:  # the usual case first: gradients are taken of arrays
        leaves.append(x)
        return LEAF
    node = _node(x)
    if node is None:
        leaves.append(x)
        return LEAF
    kind, meta, children = node
    return TreeDef(kind, meta, tuple([_flatten(c, leaves) for c in children]))


def tree_unflatten(treedef, leaves):
    """The pytree of structure `treedef` (from tree_flatten) holding `leaves`, in order.

    >>> leaves, treedef = tree_flatten({"w": (1.0, 2.0), "b": 3.0})
    >>> tree_unflatten(treedef, [10.0, 20.0, 30.0])
    {'b': 10.0, 'w': (20.0, 30.0)}
    """
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
    if kind == "custom":
        cls, aux = d.meta
        return _NODE_TYPES[cls][1](aux, tuple(children))
    return d.meta(*children)


def tree_map(f, tree, *rest):
    """`tree` with each leaf x replaced by f(x, *the same leaf of each of rest), the trees
    in `rest` having tree's structure (a ShapeError says when one does not).

    >>> tree_map(lambda a: 2 * a, {"w": (1.0, 2.0)})
    {'w': (2.0, 4.0)}
    >>> tree_map(lambda a, b: a + b, (1.0, 2.0), (10.0, 20.0))
    (11.0, 22.0)
    """
    leaves, treedef = tree_flatten(tree)
    others = [tree_leaves_like(treedef, r) for r in rest]
    return tree_unflatten(treedef, [f(*xs) for xs in zip(leaves, *others)])


def tree_leaves_like(treedef, tree, what="tree"):
    """The leaves of `tree`, which must have the structure `treedef`; else a ShapeError
    naming `what` and both structures.

    >>> leaves, treedef = tree_flatten((1.0, 2.0))
    >>> tree_leaves_like(treedef, (5.0, 6.0))
    [5.0, 6.0]
    >>> try:
    ...     tree_leaves_like(treedef, [5.0], "the tangents")
    ... except ShapeError as error:
    ...     print(str(error).split(";")[0])
    the tangents has structure [*] but (*, *) was expected
    """
    leaves, other = tree_flatten(tree)
    if other != treedef:
        raise ShapeError(f"{what} has structure {other!r} but {treedef!r} was expected; "
                         f"pass a value with the same nesting of tuples, lists and dicts.")
    return leaves


def tree_paths(tree, root=""):
    """A readable path for every leaf of `tree`, in flattening order: "['w'][0]" (for messages),
    each after `root`.

    >>> tree_paths({"w": (1.0, 2.0), "b": 3.0}, "params")
    ["params['b']", "params['w'][0]", "params['w'][1]"]
    """
    paths = []

    def walk(x, path):
        node = None if type(x) in _COMMON_LEAVES else _node(x)
        if node is None:
            paths.append(path or "(the whole value)")
            return
        kind, meta, children = node
        keys = meta if kind == "dict" else range(len(children))
        for k, c in zip(keys, children):
            walk(c, f"{path}[{k!r}]")
    walk(tree, root)
    return paths


def broadcast_prefix(prefix, tree, what):
    """One entry of `prefix` per leaf of `tree`: prefix is a pytree whose leaves (None
    included) each stand for a whole subtree of `tree` (JAX's "tree prefix", as vmap's
    in_axes and out_axes are). `what` names the prefix in the error, a ValueError when the
    prefix's structure does not match the tree's.

    >>> broadcast_prefix((0, None), (1.0, {"a": 2.0, "b": 3.0}), "in_axes")
    [0, None, None]
    """
    out = []

    def walk(p, x, path):
        pnode = None if p is None or type(p) in _COMMON_LEAVES else _node(p)
        if pnode is None:  # a leaf of the prefix covers the whole subtree
            out.extend([p] * len(tree_flatten(x)[0]))
            return
        xnode = None if type(x) in _COMMON_LEAVES else _node(x)
        pkind, pmeta, pchildren = pnode
        if (xnode is None or xnode[0] != pkind or len(xnode[2]) != len(pchildren)
                or (pkind == "dict" and xnode[1] != pmeta)
                or (pkind in ("namedtuple", "custom") and xnode[1] != pmeta)):
            got = "a leaf" if xnode is None else repr(tree_flatten(x)[1])
            raise ValueError(
                f"{what}{path} is {p!r}, a container whose structure {tree_flatten(p)[1]!r} must match the "
                f"value it describes, but that value is {got}. Give one entry per element of the value, "
                f"or a single int/None for all of it.")
        keys = pmeta if pkind == "dict" else range(len(pchildren))
        for k, pc, xc in zip(keys, pchildren, xnode[2]):
            walk(pc, xc, f"{path}[{k!r}]")
    walk(prefix, tree, "")
    return out
