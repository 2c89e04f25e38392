"""gradkit.graph: the recorded graph of the lecture's L(w1, w2), its sweeps and pictures."""
import math

import numpy as np
import pytest

import gradkit
import gradkit.numpy as gnp
from gradkit.graph import record


def L(w1, w2):
    v1 = gnp.log(w1)
    v2 = w2 * v1
    return v2 + gnp.sqrt(v2)


def closed_form(w1, w2):
    k = 1 + 1 / (2 * math.sqrt(w2 * math.log(w1)))
    return [w2 / w1 * k, math.log(w1) * k]


def test_records_the_lecture_graph():
    g = record(L, 2.0, 3.0)
    assert [n.name for n in g.nodes] == ["w1", "w2", "v1", "v2", "v3", "L"]
    assert [n.expression for n in g.nodes[2:]] == ["log(w1)", "w2 * v1", "sqrt(v2)", "v2 + v3"]
    assert sorted(g.edges) == [(0, 2), (1, 3), (2, 3), (3, 4), (3, 5), (4, 5)]
    assert g.layers() == [0, 0, 1, 2, 3, 4]


def test_only_what_the_output_depends_on_is_kept():
    def f(x, y):
        gnp.exp(y)  # dead code: recorded on the tape, not part of the graph
        return gnp.sin(x) * 2.0
    g = record(f, 0.5, 1.0)
    assert [n.op for n in g.nodes] == [None, None, "sin", "multiply"]
    assert g.nodes[-1].expression == "v1 * 2"


@pytest.mark.parametrize("w", [(2.0, 3.0), (5.0, 0.5)])
def test_sweeps_give_the_exact_gradient(w):
    g = record(L, *w)
    fwd = [g.forward_sweep(e)[g.output] for e in ([1.0, 0.0], [0.0, 1.0])]
    np.testing.assert_allclose(fwd, closed_form(*w), rtol=1e-14)
    np.testing.assert_allclose(g.gradient(), closed_form(*w), rtol=1e-14)
    np.testing.assert_allclose(g.gradient(), gradkit.grad(L, argnums=(0, 1))(*w), rtol=1e-15)


def test_reverse_adjoints_are_the_lectures():
    g = record(L, 2.0, 3.0)
    adj = dict(zip((n.name for n in g.nodes), g.reverse_sweep()))
    v2 = 3.0 * math.log(2.0)
    assert adj["L"] == 1.0 and adj["v3"] == 1.0
    assert adj["v2"] == pytest.approx(1 + 0.5 / math.sqrt(v2), rel=1e-15)     # dL/dv2 = 1 + dv3/dv2
    assert adj["v1"] == pytest.approx(3.0 * adj["v2"], rel=1e-15)            # times w2


def test_tables():
    g = record(L, 2.0, 3.0)
    fwd = g.table("forward", direction=(0.0, 1.0))
    assert "tangent" in fwd and "0.693147" in fwd
    rev = g.table("reverse").splitlines()
    assert rev[2].split()[0] == "L" and rev[-1].split()[0] == "w1"
    with pytest.raises(ValueError, match="forward' or 'reverse"):
        g.table("sideways")
    with pytest.raises(ValueError, match="one tangent per input"):
        g.forward_sweep([1.0])


def test_arrays_and_multi_output_primitives():
    A = np.arange(6.0).reshape(3, 2)

    def f(x):
        return gnp.sum(gnp.tanh(gnp.dot(x, A)) ** 2)
    x = np.array([0.1, -0.2, 0.3])
    g = record(f, x)
    np.testing.assert_allclose(g.gradient()[0], gradkit.grad(f)(x), rtol=1e-14)
    t = g.forward_sweep([np.array([1.0, 0.0, 0.0])])[g.output]
    assert t == pytest.approx(gradkit.grad(f)(x)[0], rel=1e-14)
    assert "array(3,)" in g.table("reverse")


def test_rejects_outputs_that_do_not_depend_on_inputs():
    with pytest.raises(ValueError, match="depends on its inputs"):
        record(lambda x: 3.0, 1.0)


def test_pictures(tmp_path):
    pytest.importorskip("matplotlib")
    import matplotlib
    matplotlib.use("Agg")
    g = record(L, 2.0, 3.0)
    assert "n3 -> n4" in g.to_dot() and g.to_dot().startswith("digraph")
    path = g.render(tmp_path / "g.png", engine="matplotlib")
    assert path.read_bytes()[:4] == b"\x89PNG"
    svg = g.render(tmp_path / "g.svg", engine="matplotlib")
    assert b"<svg" in svg.read_bytes()[:400]
