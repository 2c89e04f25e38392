"""The libraries under comparison, behind one small interface.

Every library offers the same transformations of a function `f(*args)` whose first
`n` arguments are differentiated and whose other arguments are data:

    lib.np                  a NumPy-like namespace the workloads are written against
    lib.asarray(tree)       NumPy data (arrays in tuples/lists) -> the library's arrays
    lib.to_numpy(tree)      the library's results -> NumPy, for cross-checking
    lib.sync(out)           wait for the result (JAX dispatches asynchronously)
    lib.function(f)         f itself (jax.jit: compiled)
    lib.value_and_grad(f, n)   (*args) -> (f(*args), gradients of the first n args)
    lib.hessian(f), lib.jacfwd(f), lib.jacrev(f)   (*args) -> w.r.t. args[0]
    lib.hvp(f)              (v, *args) -> Hessian of f w.r.t. args[0], times v
    lib.forward(f, n)       (*args) -> (f(*args), what holds its reverse-mode record of the
                            first n args): the forward pass of a gradient, no backward
    lib.checkpoint          the library's rematerialisation wrapper, or None
    lib.by_hand             True for "numpy": no transformations; its derivatives are the
                            workloads' own, written by hand (workloads.py), where they have one

`load(names)` returns the libraries asked for; one that cannot be imported comes back with
`available = False` and the reason, so its columns read "n/a".

    >>> gk = load(["gradkit"])[0]
    >>> gk.value_and_grad(lambda x, a: gk.np.sum(a * x * x), 1)(np.ones(2), np.ones(2))[1][0]
    array([2., 2.])
"""
import functools
import importlib.metadata

import numpy as np

LIBRARIES = ("gradkit", "gradkit.jit", "autograd", "jax", "jax.jit", "torch", "numpy")


def _tree_map(fn, tree):
    if isinstance(tree, (tuple, list)):
        return type(tree)(_tree_map(fn, t) for t in tree)
    return fn(tree)


class Library:
    """Defaults shared by the NumPy-backed libraries (gradkit and autograd)."""
    name = "?"
    package = None
    available = True
    reason = ""
    memory_visible = True  # tracemalloc sees NumPy's allocations, not JAX's or PyTorch's
    compiled = False       # gradkit.jit, jax.jit: left out of the memory comparison
    checkpoint = None
    by_hand = False

    @property
    def version(self):
        return importlib.metadata.version(self.package) if self.package else None

    def asarray(self, tree):
        return tree

    def to_numpy(self, tree):
        return _tree_map(np.asarray, tree)

    def sync(self, out):
        return out

    def function(self, f):
        return f


class NumPy(Library):
    """Plain NumPy: the function alone and, in bench/run.py, the workloads' derivatives
    written by hand: the floor every library's overhead is measured from."""
    name = package = "numpy"
    by_hand = True

    def __init__(self):
        self.np = np

    def _none(self, *args):
        raise NotImplementedError("plain NumPy has no derivatives")

    value_and_grad = hessian = hvp = jacfwd = jacrev = forward = _none


class Gradkit(Library):
    """gradkit, eager or, with jit=True, every transformation under gradkit.jit (recorded
    once per signature, then replayed)."""

    def __init__(self, jit=False):
        import gradkit
        import gradkit.numpy
        self.gk, self.np = gradkit, gradkit.numpy
        self.name = "gradkit.jit" if jit else "gradkit"
        self.compiled = jit
        self._wrap = gradkit.jit if jit else (lambda f: f)
        self.checkpoint = gradkit.checkpoint

    @property
    def version(self):
        return self.gk.__version__

    def function(self, f):
        return self._wrap(f)

    def value_and_grad(self, f, n):
        return self._wrap(self.gk.value_and_grad(f, argnums=tuple(range(n))))

    def hessian(self, f):
        return self._wrap(self.gk.hessian(f))

    def hvp(self, f):
        return self._wrap(lambda v, x, *data: self.gk.hvp(lambda y: f(y, *data), x, v))

    def jacfwd(self, f):
        return self._wrap(self.gk.jacfwd(f))

    def jacrev(self, f):
        return self._wrap(self.gk.jacrev(f))

    def forward(self, f, n):
        return lambda *args: self.gk.vjp(lambda *p: f(*p, *args[n:]), *args[:n])


class Autograd(Library):
    name = package = "autograd"

    def __init__(self):
        import autograd
        import autograd.numpy
        self.ag, self.np = autograd, autograd.numpy
        self.checkpoint = autograd.checkpoint

    def value_and_grad(self, f, n):
        return self.ag.value_and_grad(f, argnum=tuple(range(n)))

    def hessian(self, f):
        return self.ag.hessian(f)

    def hvp(self, f):
        product = self.ag.hessian_tensor_product(f)
        return lambda v, *args: product(*args, v)

    def jacfwd(self, f):
        # autograd has no batched forward Jacobian: one forward sweep per input direction
        def jac(x, *data):
            push = self.ag.make_jvp(f)(x, *data)
            cols = [push(e.reshape(np.shape(x)))[1] for e in np.eye(np.size(x))]
            return np.stack(cols, axis=-1).reshape(np.shape(cols[0]) + np.shape(x))
        return jac

    def jacrev(self, f):
        return self.ag.jacobian(f)

    def forward(self, f, n):
        make = self.ag.make_vjp(f, argnum=tuple(range(n)) if n > 1 else 0)
        return lambda *args: make(*args)[::-1]


class Jax(Library):
    """JAX eager (op by op) or, with jit=True, every transformation under jax.jit."""
    package = "jax"
    memory_visible = False

    def __init__(self, jit=False):
        import jax
        jax.config.update("jax_enable_x64", True)
        import jax.numpy
        self.jax, self.np = jax, jax.numpy
        self.name = "jax.jit" if jit else "jax"
        self.compiled = jit
        self._wrap = jax.jit if jit else (lambda f: f)
        self.checkpoint = jax.checkpoint

    def asarray(self, tree):
        return _tree_map(self.np.asarray, tree)

    def sync(self, out):
        return self.jax.block_until_ready(out)

    def function(self, f):
        return self._wrap(f)

    def value_and_grad(self, f, n):
        return self._wrap(self.jax.value_and_grad(f, argnums=tuple(range(n))))

    def hessian(self, f):
        return self._wrap(self.jax.hessian(f))

    def hvp(self, f):
        jax = self.jax
        return self._wrap(lambda v, x, *data: jax.jvp(lambda y: jax.grad(f)(y, *data), (x,), (v,))[1])

    def jacfwd(self, f):
        return self._wrap(self.jax.jacfwd(f))

    def jacrev(self, f):
        return self._wrap(self.jax.jacrev(f))

    def forward(self, f, n):
        return lambda *args: self.jax.vjp(lambda *p: f(*p, *args[n:]), *args[:n])


class _TorchNumpy:
    """The few NumPy names the workloads use, mapped onto torch (axis -> dim)."""

    def __init__(self, torch):
        self.torch = torch
        for name in ("log", "exp", "sqrt", "tanh", "sin", "cos"):
            setattr(self, name, getattr(torch, name))

    def _reduce(self, fn, x, axis, keepdims):
        return fn(x) if axis is None else fn(x, dim=axis, keepdim=keepdims)

    def sum(self, x, axis=None, keepdims=False):
        return self._reduce(self.torch.sum, x, axis, keepdims)

    def mean(self, x, axis=None, keepdims=False):
        return self._reduce(self.torch.mean, x, axis, keepdims)

    def max(self, x, axis=None, keepdims=False):
        return self._reduce(self.torch.amax, x, axis, keepdims)


class Torch(Library):
    """PyTorch eager on the CPU: gradients from its tape, Hessians and Jacobians from torch.func."""
    name = package = "torch"
    memory_visible = False

    def __init__(self):
        import torch
        torch.set_num_threads(1)
        try:
            torch.set_num_interop_threads(1)
        except RuntimeError:  # allowed once per process, before any parallel work
            pass
        torch.set_default_dtype(torch.float64)
        self.torch, self.np = torch, _TorchNumpy(torch)

    def asarray(self, tree):
        return _tree_map(lambda a: self.torch.from_numpy(np.asarray(a)), tree)

    def to_numpy(self, tree):
        return _tree_map(lambda t: t.detach().numpy() if hasattr(t, "detach") else np.asarray(t), tree)

    def value_and_grad(self, f, n):
        def vg(*args):
            params = [a.detach().requires_grad_() for a in args[:n]]
            out = f(*params, *args[n:])
            return out.detach(), self.torch.autograd.grad(out, params)
        return vg

    def hessian(self, f):
        return self.torch.func.hessian(f)

    def hvp(self, f):
        func = self.torch.func
        return lambda v, x, *data: func.jvp(lambda y: func.grad(f)(y, *data), (x,), (v,))[1]

    def jacfwd(self, f):
        return self.torch.func.jacfwd(f)

    def jacrev(self, f):
        return self.torch.func.jacrev(f)

    def forward(self, f, n):
        def taped(*args):
            out = f(*[a.detach().requires_grad_() for a in args[:n]], *args[n:])
            return out, out.grad_fn
        return taped


class Missing(Library):
    available = False

    def __init__(self, name, reason):
        self.name, self.reason = name, reason

    @property
    def version(self):
        return None


_MAKERS = {"numpy": NumPy, "gradkit": Gradkit, "gradkit.jit": functools.partial(Gradkit, jit=True), "autograd": Autograd, "jax": Jax,
           "jax.jit": functools.partial(Jax, jit=True), "torch": Torch}


def load(names=LIBRARIES):
    libs = []
    for name in names:
        if name not in _MAKERS:
            raise SystemExit(f"unknown library {name!r}; choose from {', '.join(_MAKERS)}")
        try:
            libs.append(_MAKERS[name]())
        except ImportError as e:
            libs.append(Missing(name, f"not installed ({e}); pip install -r requirements-bench.txt"))
    return libs
