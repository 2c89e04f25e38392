"""The computational graph of a function call, as gradkit's reverse mode records it.

`record(f, *args)` runs `f` once on a tape (the Wengert list of lecture L11-L12) and
returns a `Graph`: one node per input and per primitive applied, in execution order.
The graph is drawn from that recording (not by hand), and its two sweeps are evaluated
with the primitives' own derivative rules:

- `forward_sweep(direction)`: every v_i with its tangent dv_i/dw . direction (L11);
- `reverse_sweep()`: every v_i with its adjoint dL/dv_i, in one backward pass (L12).

    >>> import gradkit.numpy as np
    >>> def L(w1, w2):
    ...     v1 = np.log(w1)
    ...     v2 = w2 * v1
    ...     return v2 + np.sqrt(v2)
    >>> g = record(L, 2.0, 3.0)
    >>> [n.name for n in g.nodes]
    ['w1', 'w2', 'v1', 'v2', 'v3', 'L']
    >>> g.table("reverse").splitlines()[2].split()
    ['L', 'v2', '+', 'v3', '3.52147', '1']
    >>> [round(float(d), 6) for d in g.gradient()]
    [2.020101, 0.933485]
"""
import inspect
import shutil
import subprocess

import numpy as _np

from .core import Tape, Tracer, tree_flatten, tree_unflatten

__all__ = ["record", "Graph", "Node"]

_INFIX = {"add": "+", "subtract": "-", "multiply": "*", "divide": "/", "power": "**", "matmul": "@"}


class Node:
    """One value of the recording: an input (`op` is None) or a primitive's output.

    `index` is its position in `Graph.nodes`, `name` its label (w1, v1, ..., L), `op` the
    primitive's name, `value` the value v_i the forward pass stored (lecture L12's memory).
    `parents` maps the primitive's argument positions to parent node indices; `args`
    holds every argument (constants as values, traced ones as their node index).

    >>> import gradkit.numpy as np
    >>> node = record(lambda x, y: x * np.sin(y), 2.0, 0.5).nodes[3]
    >>> node, node.op, node.parents, round(float(node.value), 6)
    (Node(L = x * v1), 'multiply', {0: 0, 1: 2}, 0.958851)
    """

    __slots__ = ("index", "name", "op", "args", "parents", "params", "value", "prim", "out_index",
                 "first", "vals", "ans")

    def __init__(self, index, name, op, args, parents, params, value, prim=None, out_index=None,
                 vals=(), ans=None):
        self.index, self.name, self.op, self.args = index, name, op, args
        self.parents, self.params, self.value, self.prim = parents, params, value, prim
        self.out_index = out_index  # which output of a multi-output primitive, else None
        self.first = index - (out_index or 0)  # node of the primitive's first output
        self.vals, self.ans = vals, ans  # the primitive's argument values and whole result

    def __repr__(self):
        return f"Node({self.name} = {self.expression})"

    @property
    def expression(self):
        """The operation as text, e.g. 'w2 * v1' or 'log(w1)'; 'input' for an input.

        >>> import gradkit.numpy as np
        >>> [n.expression for n in record(lambda x: np.log(x) * 3.0, 2.0).nodes]
        ['input', 'log(x)', 'v1 * 3']
        """
        if self.op is None:
            return "input"
        names = [a if isinstance(a, str) else _short(a) for a in self.args]
        if self.op in _INFIX and len(names) == 2 and not any(self.params.values()):
            text = f"{names[0]} {_INFIX[self.op]} {names[1]}"
        else:
            extra = [f"{k}={v!r}" for k, v in self.params.items() if v is not None and v is not False]
            text = f"{self.op}({', '.join(names + extra)})"
        return text if self.out_index is None else f"{text}[{self.out_index}]"


class Graph:
    """A recorded call (made by `record`): `nodes` in execution order (inputs first),
    `inputs` and `output` as node indices. Only nodes the output depends on are kept.
    Its sweeps are lecture L11 (forward) and L12 (reverse), evaluated with the primitives'
    own derivative rules; in Jupyter it draws itself.

    >>> import gradkit.numpy as np
    >>> g = record(lambda x, y: x * np.sin(y), 2.0, 0.5)
    >>> g
    Graph(4 nodes: v1 = sin(y); L = x * v1)
    >>> g.inputs, g.output, g.edges
    ([0, 1], 3, [(1, 2), (0, 3), (2, 3)])
    """

    def __init__(self, nodes, inputs, output):
        self.nodes, self.inputs, self.output = nodes, inputs, output

    def __repr__(self):
        return f"Graph({len(self.nodes)} nodes: " + "; ".join(
            f"{n.name} = {n.expression}" for n in self.nodes if n.op is not None) + ")"

    @property
    def edges(self):
        """(parent, child) pairs of node indices, in the children's order; see the class's example."""
        return [(p, n.index) for n in self.nodes for p in sorted(set(n.parents.values()))]

    # -- the two sweeps ------------------------------------------------------------------
    def forward_sweep(self, direction):
        """Tangents dv_i = (dv_i/dw) . direction, inputs to output: one sweep per direction
        (L11). `direction` gives one tangent per input. Returns a list over the nodes.

        >>> import gradkit.numpy as np
        >>> g = record(lambda x, y: x * np.sin(y), 2.0, 0.5)
        >>> [round(float(t), 6) for t in g.forward_sweep((0.0, 1.0))]   # d/dy: x cos(y) at the end
        [0.0, 1.0, 0.877583, 1.755165]
        """
        direction = list(direction)
        if len(direction) != len(self.inputs):
            raise ValueError(f"forward_sweep needs one tangent per input ({len(self.inputs)}), "
                             f"got {len(direction)}; pass e.g. (1.0, 0.0) for d/dw1.")
        tangents = [None] * len(self.nodes)
        for i, t in zip(self.inputs, direction):
            tangents[i] = _np.asarray(t, dtype=float) * _np.ones_like(self.nodes[i].value, dtype=float)
        done = {}  # first node of a primitive -> its output tangent(s)
        for n in self.nodes:
            if n.op is None:
                continue
            if n.first not in done:
                ts = [None] * len(n.vals)
                for argnum, p in n.parents.items():
                    ts[argnum] = tangents[p]
                done[n.first] = n.prim.jvp(ts, n.ans, n.vals, n.params)
            out = done[n.first]
            if n.out_index is not None:
                out = None if out is None else out[n.out_index]
            tangents[n.index] = _np.zeros_like(n.value, dtype=float) if out is None else out
        return tangents

    def reverse_sweep(self, seed=1.0):
        """Adjoints dL/dv_i from the output back to the inputs, in one sweep (L12).
        Every v_i was stored by the forward pass: that is the memory reverse mode costs.
        `seed` is dL/dL (1). Returns a list over the nodes.

        >>> import gradkit.numpy as np
        >>> g = record(lambda x, y: x * np.sin(y), 2.0, 0.5)
        >>> [round(float(a), 6) for a in g.reverse_sweep()]    # x, y, v1 = sin(y), L
        [0.479426, 1.755165, 2.0, 1.0]
        """
        adj = [None] * len(self.nodes)
        adj[self.output] = _np.asarray(seed, dtype=float) * _np.ones_like(self.nodes[self.output].value,
                                                                          dtype=float)
        for n in reversed(self.nodes):
            if n.op is None or n.out_index not in (None, 0):
                continue
            if n.out_index is None:
                g = adj[n.index]
                if g is None:
                    continue
            else:  # a multi-output primitive: the cotangents of all its outputs at once
                outs = {m.out_index: m.index for m in self.nodes if m.op is not None and m.first == n.index}
                g = tuple(adj[outs[k]] if k in outs else None for k in range(len(n.ans)))
                if all(c is None for c in g):
                    continue
            for argnum, p in n.parents.items():
                c = n.prim.vjp(argnum, g, n.ans, n.vals, n.params)
                if c is not None:
                    adj[p] = c if adj[p] is None else adj[p] + c
        return [_np.zeros_like(n.value, dtype=float) if a is None else a for n, a in zip(self.nodes, adj)]

    def gradient(self):
        """The gradient with respect to every input, from one reverse sweep (a list, one
        entry per input).

        >>> import gradkit.numpy as np
        >>> [round(float(d), 6) for d in record(lambda x, y: x * np.sin(y), 2.0, 0.5).gradient()]
        [0.479426, 1.755165]
        """
        adj = self.reverse_sweep()
        return [adj[i] for i in self.inputs]

    # -- text ------------------------------------------------------------------------------
    def table(self, sweep="forward", direction=None, digits=6):
        """The sweep as a text table: 'forward' (tangents along `direction`, default the
        first input's axis) or 'reverse' (adjoints, output first); values to `digits`
        significant digits. The lab prints these for lecture L11-L12.

        >>> import gradkit.numpy as np
        >>> print(record(lambda x, y: x * np.sin(y), 2.0, 0.5).table())
        node  operation  value     tangent (direction (1, 0))
        ----  ---------  --------  --------------------------
        x     input      2         1
        y     input      0.5       0
        v1    sin(y)     0.479426  0
        L     x * v1     0.958851  0.479426
        """
        return _format_table(*self.table_rows(sweep, direction, digits))

    def table_rows(self, sweep="forward", direction=None, digits=6):
        """(header, rows) of the sweep table, rows of strings, one per node (see `table`).

        >>> import gradkit.numpy as np
        >>> header, rows = record(lambda x, y: x * np.sin(y), 2.0, 0.5).table_rows("reverse")
        >>> header[-1], rows[0]
        ('adjoint dL/dv', ['L', 'x * v1', '0.958851', '1'])
        """
        if sweep == "forward":
            if direction is None:
                direction = [1.0] + [0.0] * (len(self.inputs) - 1)
            ds = self.forward_sweep(direction)
            header = ["node", "operation", "value", f"tangent (direction {_short(list(direction), 3)})"]
        elif sweep == "reverse":
            ds = self.reverse_sweep()
            header = ["node", "operation", "value", "adjoint dL/dv"]
        else:
            raise ValueError(f"sweep must be 'forward' or 'reverse', not {sweep!r}.")
        order = self.nodes if sweep == "forward" else list(reversed(self.nodes))
        rows = [[n.name, n.expression, _short(n.value, digits), _short(ds[n.index], digits)] for n in order]
        return header, rows

    # -- pictures --------------------------------------------------------------------------
    def to_dot(self):
        """The graph in Graphviz's dot language (text).

        >>> print(record(lambda x: 2.0 * x, 1.0).to_dot())
        digraph G {
          rankdir=LR;
          node [fontname="Helvetica"];
          n0 [label="x", shape=box];
          n1 [label="L\\n*", shape=doublecircle];
          n0 -> n1;
        }
        """
        lines = ["digraph G {", "  rankdir=LR;", '  node [fontname="Helvetica"];']
        for n in self.nodes:
            shape = "box" if n.op is None else ("doublecircle" if n.index == self.output else "ellipse")
            label = n.name if n.op is None else f"{n.name}\\n{_op_label(n)}"
            lines.append(f'  n{n.index} [label="{label}", shape={shape}];')
        lines += [f"  n{a} -> n{b};" for a, b in self.edges]
        return "\n".join(lines + ["}"])

    def layers(self):
        """Depth of each node: inputs 0, others 1 + the deepest parent (a list over the nodes).

        >>> import gradkit.numpy as np
        >>> record(lambda x, y: x * np.sin(y), 2.0, 0.5).layers()
        [0, 0, 1, 2]
        """
        depth = [0] * len(self.nodes)
        for n in self.nodes:
            if n.parents:
                depth[n.index] = 1 + max(depth[p] for p in n.parents.values())
        return depth

    def draw(self, ax=None, values=True, adjoints=False):
        """Draw the graph with matplotlib (inputs left, output right); returns the axes.
        `values` writes each v_i under its node, `adjoints` each dL/dv_i. `ax`: the axes to
        draw on (None: a new pyplot figure).

        >>> from matplotlib.figure import Figure
        >>> g = record(lambda x: 2.0 * x, 1.0)
        >>> type(g.draw(ax=Figure().subplots(), adjoints=True)).__name__
        'Axes'
        """
        import matplotlib.pyplot as plt
        from matplotlib.patches import FancyBboxPatch

        if ax is None:
            _, ax = plt.subplots(figsize=(2.2 * (max(self.layers()) + 1) + 1, 3.5))
        pos = self._positions()
        adj = self.reverse_sweep() if adjoints else None
        depth = self.layers()
        for a, b in self.edges:
            (xa, ya), (xb, yb) = pos[a], pos[b]
            skip = depth[b] - depth[a] > 1  # an edge over a layer bends around the nodes between
            ax.annotate("", xy=(xb - 0.42, yb), xytext=(xa + 0.42, ya),
                        arrowprops=dict(arrowstyle="-|>", color="0.35", lw=1.3, shrinkA=0, shrinkB=0,
                                        connectionstyle=f"arc3,rad={(0.45 if ya < yb else -0.45) if skip else 0.0}"))
        for n in self.nodes:
            x, y = pos[n.index]
            face = "#dbe9f6" if n.op is None else ("#fde2c4" if n.index == self.output else "#eeeeee")
            ax.add_patch(FancyBboxPatch((x - 0.36, y - 0.2), 0.72, 0.4, boxstyle="round,pad=0.04",
                                        fc=face, ec="0.3", lw=1.2, zorder=2))
            ax.text(x, y + 0.07, n.name, ha="center", va="center", fontsize=12, weight="bold", zorder=3)
            ax.text(x, y - 0.1, "input" if n.op is None else _op_label(n), ha="center", va="center",
                    fontsize=9, color="0.25", zorder=3)
            notes = []
            if values:
                notes.append(f"= {_short(n.value, 4)}")
            if adjoints:
                notes.append(f"adj {_short(adj[n.index], 4)}")
            if notes:
                ax.text(x, y - 0.3, "\n".join(notes), ha="center", va="top", fontsize=8.5, color="#1f4e79")
        xs = [p[0] for p in pos.values()]
        ys = [p[1] for p in pos.values()]
        ax.set_xlim(min(xs) - 0.6, max(xs) + 0.6)
        ax.set_ylim(min(ys) - 1.0, max(ys) + 0.9)
        ax.set_aspect("equal")
        ax.axis("off")
        return ax

    def render(self, path, engine="auto"):
        """Write the picture to `path` (.png or .svg): with Graphviz's `dot` when it is
        installed and `engine` is 'auto' or 'graphviz', else with matplotlib. Returns path.

        >>> import os, tempfile
        >>> path = os.path.join(tempfile.mkdtemp(), "graph.svg")
        >>> record(lambda x: 2.0 * x, 1.0).render(path, engine="matplotlib") == path, os.path.exists(path)
        (True, True)
        """
        fmt = str(path).rsplit(".", 1)[-1]
        if engine in ("auto", "graphviz") and shutil.which("dot"):
            subprocess.run(["dot", f"-T{fmt}", "-o", str(path)], input=self.to_dot().encode(), check=True)
            return path
        if engine == "graphviz":
            raise RuntimeError("Graphviz's `dot` program is not installed; install graphviz or use "
                               "engine='matplotlib'.")
        import matplotlib.pyplot as plt
        ax = self.draw()
        ax.figure.savefig(path, bbox_inches="tight")
        plt.close(ax.figure)
        return path

    def to_svg(self, engine="auto"):
        """The picture as SVG text (Graphviz's `dot` when installed and `engine` allows it,
        else matplotlib), as Jupyter shows it inline.

        >>> record(lambda x: 2.0 * x, 1.0).to_svg(engine="matplotlib").lstrip().startswith("<?xml")
        True
        """
        if engine in ("auto", "graphviz") and shutil.which("dot"):
            return subprocess.run(["dot", "-Tsvg"], input=self.to_dot().encode(), check=True,
                                  capture_output=True).stdout.decode()
        if engine == "graphviz":
            raise RuntimeError("Graphviz's `dot` program is not installed; install graphviz or use "
                               "engine='matplotlib'.")
        import io

        import matplotlib
        from matplotlib.figure import Figure
        fig = Figure(figsize=(2.2 * (max(self.layers()) + 1) + 1, 3.5))
        self.draw(ax=fig.subplots())
        buf = io.StringIO()
        with matplotlib.rc_context({"svg.fonttype": "none"}):  # labels stay text: small, searchable
            fig.savefig(buf, format="svg", bbox_inches="tight")
        return buf.getvalue()

    def _repr_svg_(self):
        """Jupyter's inline picture of the graph; None (the text repr) without a drawing tool."""
        try:
            return self.to_svg()
        except ImportError:
            return None

    def _positions(self):
        depth = self.layers()
        by_layer = {}
        for n in self.nodes:
            by_layer.setdefault(depth[n.index], []).append(n.index)
        pos = {}
        for d, idx in by_layer.items():
            for k, i in enumerate(idx):
                pos[i] = (1.6 * d, (len(idx) - 1) / 2 - k)
        return pos


def record(fun, *args):
    """Run fun(*args) on a reverse-mode tape and return its computational `Graph`
    (lecture L11-L12: the Wengert list that the forward and reverse sweeps walk).

    Args:
        fun: a function of arrays (pytrees allowed) written with gradkit.numpy.
        *args: the point at which to record it.

    Returns:
        a `Graph`. Inputs are named after fun's parameters when it has one per leaf (else
        w1, w2...), intermediates v1, v2... in execution order, and the output L. In
        Jupyter the graph draws itself (`_repr_svg_`).

    Raises:
        ValueError: fun's output is not one traced array that depends on the inputs.

    Example:

        >>> import gradkit.numpy as np
        >>> g = record(lambda x, y: x * np.sin(y), 2.0, 0.5)
        >>> [n.expression for n in g.nodes[2:]]
        ['sin(y)', 'x * v1']
    """
    leaves, treedef = tree_flatten(args)
    tape = Tape(lean=False)  # the graph shows every value
    tracers = [tape.new_input(_np.asarray(x, dtype=float) if _np.ndim(x) == 0 else x) for x in leaves]
    out = fun(*tree_unflatten(treedef, tracers))
    if type(out) is not Tracer or out._trace is not tape:
        raise ValueError("record needs a function whose single output depends on its inputs; "
                         f"{getattr(fun, '__name__', 'the function')} returned {type(out).__name__}.")

    # keep only the records the output depends on
    records = tape.records
    needed = set()
    stack = [out.node]
    owner = {}  # slot of a multi-output primitive's k-th output -> (first slot, k)
    for s, rec in enumerate(records):
        if rec is not None and rec[0].multiple_results:
            for k in range(len(rec[3])):
                owner[s + k] = (s, k)
    while stack:
        s = stack.pop()
        if s in needed:
            continue
        needed.add(s)
        first = owner.get(s, (s, None))[0]
        if records[first] is not None:
            needed.add(first)
            stack.extend(p for _, p in records[first][4])

    names = _input_names(fun, len(leaves))
    nodes, slot_to_node, inputs = [], {}, []
    for s, x in enumerate(tracers):
        slot_to_node[x.node] = len(nodes)
        inputs.append(len(nodes))
        nodes.append(Node(len(nodes), names[s], None, [], {}, {}, x.value))
    count = 0
    for s in sorted(needed):
        if s in slot_to_node:
            continue
        first, k = owner.get(s, (s, None))
        prim, vals, params, ans, parents = records[first]
        pmap = {argnum: slot_to_node[p] for argnum, p in parents}
        count += 1
        shown = list(vals)  # traced arguments are replaced by their names below
        slot_to_node[s] = len(nodes)
        value = ans if k is None else ans[k]
        nodes.append(Node(len(nodes), f"v{count}", prim.name, shown, pmap, params, value, prim, k, vals, ans))
    nodes[slot_to_node[out.node]].name = "L"
    for n in nodes:
        for argnum, p in n.parents.items():
            n.args[argnum] = nodes[p].name
    return Graph(nodes, inputs, slot_to_node[out.node])


def _input_names(fun, n):
    try:
        params = [p for p in inspect.signature(fun).parameters.values()
                  if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    except (TypeError, ValueError):
        params = []
    if len(params) == n:
        return [p.name for p in params]
    return [f"w{i + 1}" for i in range(n)]


def _op_label(n):
    if n.op in _INFIX and len(n.args) == 2:
        return _INFIX[n.op]
    return n.op if n.out_index is None else f"{n.op}[{n.out_index}]"


def _short(x, digits=6):
    """A value as short text: a number, or the shape of an array."""
    if isinstance(x, (list, tuple)):
        return "(" + ", ".join(_short(v, digits) for v in x) + ")"
    a = _np.asarray(x)
    if a.size == 1:
        v = a.item()
        return f"{v:.{digits}g}" if isinstance(v, (float, int)) else str(v)
    return f"array{a.shape}"


def _format_table(header, rows):
    widths = [max(len(str(r[i])) for r in [header] + rows) for i in range(len(header))]
    line = lambda r: "  ".join(str(c).ljust(w) for c, w in zip(r, widths)).rstrip()  # noqa: E731
    return "\n".join([line(header), "  ".join("-" * w for w in widths)] + [line(r) for r in rows])
