"""Run autograd programs on gradkit without editing them: `install()` makes `import autograd`,
`autograd.numpy`, `autograd.scipy.stats`, `autograd.misc.optimizers`... import gradkit's
counterparts, and `gradkit autograd script.py` runs a script so. An opt-in for whole programs;
code you edit imports gradkit itself.

>>> import sys
>>> install()
>>> import autograd, autograd.numpy as anp
>>> autograd.grad(lambda x: anp.sum(anp.sin(x)))(anp.zeros(2))
array([1., 1.])
>>> uninstall(); sys.modules.get("autograd.numpy") is anp
False
"""
import functools
import importlib
import importlib.abc
import importlib.util
import itertools
import sys
import types


def _extend():
    """autograd.extend: declaring primitives and their rules."""
    import gradkit
    module = types.ModuleType("autograd.extend", "gradkit's primitive, defvjp and defjvp, as autograd.extend")
    module.primitive, module.defvjp, module.defjvp = gradkit.primitive, gradkit.defvjp, gradkit.defjvp
    return module


def _test_util():
    """autograd.test_util: check_grads, and combo_check over every combination of arguments."""
    import gradkit

    def combo_check(fun, *check_args, **check_kwargs):
        def check(*arg_lists, **kwarg_lists):
            for args in itertools.product(*arg_lists):
                for values in itertools.product(*kwarg_lists.values()):
                    gradkit.check_grads(functools.partial(fun, **dict(zip(kwarg_lists, values))),
                                        *check_args, **check_kwargs)(*args)
        return check
    module = types.ModuleType("autograd.test_util", "gradkit's check_grads, as autograd.test_util")
    module.check_grads, module.combo_check = gradkit.check_grads, combo_check
    return module


_MADE = {"autograd.extend": _extend, "autograd.test_util": _test_util}


class _Finder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Finds autograd.<name> as gradkit.<name>: a module, else an attribute of its parent
    (autograd.scipy.stats.norm is a module in autograd, gradkit's norm an object)."""

    def find_spec(self, fullname, path=None, target=None):
        if fullname != "autograd" and not fullname.startswith("autograd."):
            return None
        return importlib.util.spec_from_loader(fullname, self)

    def create_module(self, spec):
        name = spec.name
        if name in _MADE:
            return _MADE[name]()
        target = "gradkit" + name[len("autograd"):]
        try:
            return importlib.import_module(target)
        except ModuleNotFoundError:
            parent, _, child = target.rpartition(".")
            found = getattr(importlib.import_module(parent), child, None)
            if found is None:
                raise ModuleNotFoundError(f"gradkit has no counterpart of {name} ({target}): it is an autograd "
                                          f"internal or not covered; import gradkit directly.", name=name) from None
            return found

    def exec_module(self, module):
        pass  # the counterpart is loaded already


_FINDER = _Finder()
_SAVED = {}  # the real autograd's modules, put aside while the alias is installed


def _autograd_modules():
    return [n for n in sys.modules if n == "autograd" or n.startswith("autograd.")]


def install():
    """Make autograd's module names import gradkit's (until `uninstall`).

    >>> install()
    >>> from autograd.scipy.special import logsumexp
    >>> logsumexp.__module__
    'gradkit.scipy.special'
    >>> uninstall()
    """
    if _FINDER not in sys.meta_path:
        _SAVED.update((name, sys.modules.pop(name)) for name in _autograd_modules())
        sys.meta_path.insert(0, _FINDER)


def uninstall():
    """Undo `install`: autograd's names import autograd again (its modules as they were).

    >>> install(); uninstall()
    >>> import autograd
    >>> autograd.__name__
    'autograd'
    """
    if _FINDER in sys.meta_path:
        sys.meta_path.remove(_FINDER)
        for name in _autograd_modules():
            del sys.modules[name]
        sys.modules.update(_SAVED)
        _SAVED.clear()


def run(argv):
    """`gradkit autograd script.py [args...]`: run the script with autograd's names on gradkit;
    returns the exit status.

    >>> import pathlib, tempfile
    >>> script = pathlib.Path(tempfile.mkdtemp()) / "f.py"
    >>> _ = script.write_text("import autograd; print(autograd.__name__)")
    >>> run([str(script)]); uninstall()
    gradkit
    0
    """
    import runpy
    if not argv or argv[0] in ("-h", "--help"):
        print("usage: gradkit autograd script.py [args...]\n\nRuns an autograd program on gradkit, unedited: "
              "its imports of autograd get gradkit's modules.")
        return 0 if argv else 2
    install()
    saved, sys.argv = sys.argv, list(argv)  # the script sees its own arguments
    try:
        runpy.run_path(argv[0], run_name="__main__")
    finally:
        sys.argv = saved
    return 0
