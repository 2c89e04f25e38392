"""L14: a small feed-forward network, v_k = sigma(v_{k-1} W_k), trained by gradient
descent with backpropagation; its gradient checked against finite differences."""
import numpy as _np

from ... import value_and_grad
from ... import numpy as gnp
from ...numeric import fd_gradient
from ..core import Check, Table, check_below, register
from ..report import new_figure

__all__ = ["measure", "judge", "present"]  # the protocol (gradkit.lab.core); the rest is this module's own


def forward(Ws, X):
    """v_0 = X, v_k = tanh(v_{k-1} W_k) for the hidden layers, a linear last layer."""
    v = X
    for W in Ws[:-1]:
        v = gnp.tanh(gnp.dot(v, W))
    return gnp.dot(v, Ws[-1])


def loss(Ws, X, y):
    r = forward(Ws, X)[:, 0] - y
    return gnp.mean(r * r)


def _data(rng, n):
    X = rng.uniform(-2, 2, size=(n, 2))
    y = _np.sin(X[:, 0]) * _np.cos(X[:, 1])
    return _np.hstack([X, _np.ones((n, 1))]), y  # a constant column gives each layer a bias


def _init(rng, widths):
    return [rng.standard_normal((a, b)) / _np.sqrt(a) for a, b in zip(widths[:-1], widths[1:])]


def measure(ctx):
    """A small sigmoid network trained by GD with backprop: the loss curve, each layer's gradient norm,
    and backprop against finite differences."""
    rng = ctx.rng(14)
    X, y = _data(rng, ctx.pick(128, 256))
    widths = [3, 16, 16, 1]
    Ws = _init(rng, widths)
    vg = value_and_grad(loss)
    steps, lr = ctx.pick(600, 3000), 0.2
    curve, grad_norms = [], []
    for k in range(steps):
        f, g = vg(Ws, X, y)
        curve.append(float(f))
        if k in (0, steps - 1):
            grad_norms.append([float(_np.linalg.norm(gk)) for gk in g])
        Ws = [W - lr * gW for W, gW in zip(Ws, g)]
        if k % 200 == 0:
            ctx.progress(f"step {k}: loss {f:.3g}")
    curve.append(float(loss(Ws, X, y)))
    # backprop's gradient against central differences, at the trained weights
    flat = _np.concatenate([W.ravel() for W in Ws])
    shapes = [W.shape for W in Ws]

    def unflat(z):
        out, i = [], 0
        for s in shapes:
            out.append(z[i:i + s[0] * s[1]].reshape(s))
            i += s[0] * s[1]
        return out

    g_ad = _np.concatenate([gk.ravel() for gk in vg(Ws, X, y)[1]])
    fd = fd_gradient(lambda z: loss(unflat(z), X, y), flat, "central")
    g_fd, fd_evals = fd.grad, fd.n_evals
    rel = float(_np.linalg.norm(g_ad - g_fd) / _np.linalg.norm(g_ad))
    return {"widths": widths, "n_params": int(flat.size), "steps": steps, "lr": lr, "curve": curve,
            "grad_norms_first": grad_norms[0], "grad_norms_last": grad_norms[-1],
            "grad_rel_error_vs_fd": rel, "fd_evals": fd_evals}


def judge(data):
    """The loss falls and the backprop gradient equals finite differences."""
    c = data["curve"]
    return [
        Check("GD with backprop trains the network", c[-1] < 0.2 * c[0] and c[-1] < min(c[:10]),
              f"loss {c[0]:.3g} -> {c[-1]:.3g} in {data['steps']} steps (need a 5x decrease)"),
        check_below("backprop gradient = finite differences", data["grad_rel_error_vs_fd"], 1e-6,
                    f"{data['n_params']} weights, central differences ({data['fd_evals']} evaluations), "
                    "relative error "),
    ]


def present(data):
    """The training curve and the layer-by-layer table."""
    fig, (a1, a2) = new_figure(2, 1, width=4.8, height=3.6)
    a1.semilogy(data["curve"])
    a1.set_xlabel("GD step")
    a1.set_ylabel("mean squared error")
    a1.set_title(f"L14: network {'-'.join(map(str, data['widths']))} trained by GD + backprop", fontsize=10)
    a1.grid(True, alpha=0.3)
    layers = _np.arange(1, len(data["widths"]))
    a2.bar(layers - 0.2, data["grad_norms_first"], 0.4, label="step 0")
    a2.bar(layers + 0.2, data["grad_norms_last"], 0.4, label=f"step {data['steps'] - 1}")
    a2.set_yscale("log")
    a2.set_xticks(layers, [f"W{k}" for k in layers])
    a2.set_ylabel("||dL/dW_k||")
    a2.set_title("backward pass: gradient of each layer", fontsize=10)
    a2.legend(fontsize=8)
    t = Table("Layer by layer: ||dL/dW_k|| from one backward pass", ["layer", "shape", "step 0", "last step"],
              [[f"W{k + 1}", f"{a} x {b}", f"{g0:.3e}", f"{g1:.3e}"] for k, (a, b, g0, g1) in
               enumerate(zip(data["widths"][:-1], data["widths"][1:], data["grad_norms_first"],
                             data["grad_norms_last"]))])
    c = data["curve"]
    return ({"training": fig}, [t], f"loss {c[0]:.3g} -> {c[-1]:.3g}; backprop vs FD relative error "
            f"{data['grad_rel_error_vs_fd']:.1e}")


register("L14", "A feed-forward network trained with backprop",
         "For v_k = sigma(v_{k-1} W_k) and a loss L(v_t), the backward pass propagates dL/dv_k and gives "
         "dL/dW_k layer by layer: gradient descent with it trains the network, and the gradient agrees "
         "with finite differences.", measure, judge, present)
