"""L11-L12: forward and reverse sweeps on the lecture's graph, recorded by gradkit."""
import math

import numpy as _np

from ... import numpy as gnp
from ...graph import record
from ..core import Check, Table, check_below, register
from ..report import new_figure

__all__ = ["measure", "judge", "present"]  # the protocol (gradkit.lab.core); the rest is this module's own

W1, W2 = 2.0, 3.0


def L(w1, w2):
    """The lecture's example, written as its graph: v1 = log w1, v2 = w2 v1, v3 = sqrt(v2)."""
    v1 = gnp.log(w1)
    v2 = w2 * v1
    v3 = gnp.sqrt(v2)
    return v2 + v3


def closed_form(w1, w2):
    r = math.sqrt(w2 * math.log(w1))
    k = 1.0 + 1.0 / (2.0 * r)
    return [w2 / w1 * k, math.log(w1) * k]


def measure(ctx):
    """The lecture's L(w1, w2) recorded by `gradkit.graph.record` at (2, 3): its nodes, both sweeps and
    the gradient."""
    g = record(L, W1, W2)
    fwd = [g.forward_sweep(e) for e in ([1.0, 0.0], [0.0, 1.0])]  # one sweep per input
    rev = g.reverse_sweep()                                        # one sweep for both
    nodes = [{"name": n.name, "op": n.expression, "value": float(n.value),
              "tangent_w1": float(fwd[0][n.index]), "tangent_w2": float(fwd[1][n.index]),
              "adjoint": float(rev[n.index])} for n in g.nodes]
    return {"w": [W1, W2], "nodes": nodes, "ops": [n.op for n in g.nodes if n.op is not None],
            "edges": g.edges, "forward_sweeps": 2, "reverse_sweeps": 1,
            "grad_forward": [float(fwd[0][g.output]), float(fwd[1][g.output])],
            "grad_reverse": [float(rev[i]) for i in g.inputs],
            "grad_closed_form": closed_form(W1, W2),
            "stored_values": len(g.nodes)}


LECTURE_OPS = ["log", "multiply", "sqrt", "add"]


def judge(data):
    """The recorded graph is the lecture's; both sweeps give the exact gradient, in d forward sweeps or
    one reverse sweep."""
    ref = _np.array(data["grad_closed_form"])
    err_f = float(_np.max(_np.abs(_np.array(data["grad_forward"]) - ref) / _np.abs(ref)))
    err_r = float(_np.max(_np.abs(_np.array(data["grad_reverse"]) - ref) / _np.abs(ref)))
    return [
        Check("recorded graph is the lecture's", data["ops"] == LECTURE_OPS,
              f"operations recorded: {data['ops']} (lecture: v1 = log w1, v2 = w2 v1, v3 = sqrt v2, L = v2 + v3)"),
        check_below("forward mode: exact gradient", err_f, 1e-14,
                    f"{data['forward_sweeps']} sweeps (one per input), relative error "),
        check_below("reverse mode: exact gradient", err_r, 1e-14,
                    f"{data['reverse_sweeps']} sweep for the whole gradient, relative error "),
        Check("sweep counts", data["forward_sweeps"] == len(data["w"]) and data["reverse_sweeps"] == 1,
              f"forward {data['forward_sweeps']} sweeps for d = {len(data['w'])}, reverse {data['reverse_sweeps']}"),
    ]


def _graph_figure():
    g = record(L, W1, W2)
    fig, ax = new_figure(width=9.0, height=3.6)
    g.draw(ax, values=True, adjoints=True)
    ax.set_title(f"L11-L12: graph of L(w1, w2) = w2 log w1 + sqrt(w2 log w1), recorded by gradkit at "
                 f"w1 = {W1:g}, w2 = {W2:g}", fontsize=10)
    return fig


def present(data):
    """The drawn graph, the forward and reverse sweep tables and the gradient."""
    nodes = data["nodes"]
    fwd = Table("L11 forward sweeps (tangents from the inputs to L; one sweep per input)",
                ["v_i", "operation", "value", "dv_i/dw1 (sweep 1)", "dv_i/dw2 (sweep 2)"],
                [[n["name"], n["op"], f"{n['value']:.6f}", f"{n['tangent_w1']:.6f}", f"{n['tangent_w2']:.6f}"]
                 for n in nodes])
    rev = Table("L12 reverse sweep (adjoints from L back to the inputs; one sweep)",
                ["v_i", "operation", "value (stored)", "adjoint dL/dv_i"],
                [[n["name"], n["op"], f"{n['value']:.6f}", f"{n['adjoint']:.6f}"] for n in reversed(nodes)])
    ref = Table("Gradient at (w1, w2) = (2, 3)", ["method", "dL/dw1", "dL/dw2"],
                [["forward mode (2 sweeps)"] + [f"{v:.15f}" for v in data["grad_forward"]],
                 ["reverse mode (1 sweep)"] + [f"{v:.15f}" for v in data["grad_reverse"]],
                 ["closed form"] + [f"{v:.15f}" for v in data["grad_closed_form"]]])
    g = data["grad_reverse"]
    return ({"graph": _graph_figure()}, [fwd, rev, ref],
            f"grad = ({g[0]:.6f}, {g[1]:.6f}): forward 2 sweeps, reverse 1 sweep storing "
            f"{data['stored_values']} values; both equal the closed form")


register("L11-L12", "Forward and reverse sweeps on a graph",
         "For L(w1, w2) = w2 log w1 + sqrt(w2 log w1) (v1 = log w1, v2 = w2 v1, v3 = sqrt v2, L = v2 + v3), "
         "forward mode propagates tangents from the inputs, one input direction per sweep, exactly; reverse "
         "mode stores every v_i and propagates adjoints dL/dv_i back, giving the whole gradient in one sweep.",
         measure, judge, present)
