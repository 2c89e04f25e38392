"""Every public function and class of gradkit has a docstring with an example (issue 15 §2).

A public callable is one a module exports (its ``__all__``, else its names without a leading
underscore) and that gradkit defines (its ``__module__`` starts with "gradkit"), counted once
however many modules re-export it. Its home is its ``__module__``; an instance that has no
``__module__`` of its own (a Primitive such as ``gradkit.numpy.sin``) lives in the deepest
module that exports it.

A primitive that wraps a NumPy or SciPy function unchanged and still carries that function's
own docstring, verbatim (arguments, returns and NumPy's examples), is accepted as it is: today
the non-differentiable ones (floor, equal, argmax, isnan, ...), whose only gradkit behaviour is
to accept traced values (gradkit.numpy puts one line saying so, NONDIFF_NOTE, before NumPy's text). Their examples are NumPy's, so they are never run as gradkit's:
doctest does not collect Primitive instances, and a test here checks that stays so. Every
docstring written for gradkit must hold an example; those tests/test_docs.py cannot reach (the
docstrings of primitives, such as the elementwise template's) run here.
"""
import difflib
import doctest
import importlib
import inspect

import pytest

from gradkit.core import Primitive
from gradkit.numpy import NONDIFF_NOTE
from test_docs import _modules  # (the same walk over gradkit's modules)

# Docstrings without an example: the lab experiments' measure/judge/present, a
# protocol whose example is in gradkit.lab.core (each experiment is run by tests/test_lab.py).
DOCSTRING_ONLY = ("gradkit.lab.experiments.",)

FLAGS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE


def _public_callables():
    """{id: (home module, name, object)} for every public callable gradkit defines; the name is
    the one its home gives it, or, for one of several made by a factory (scipy.stats' methods),
    the one it has in the first module that exports it (gradkit.scipy.stats.norm.cdf)."""
    found = {}
    for module_name in _modules():
        module = importlib.import_module(module_name)
        exported = getattr(module, "__all__", None) or [n for n in vars(module) if not n.startswith("_")]
        for name in exported:
            obj = getattr(module, name, None)
            if not callable(obj) or inspect.ismodule(obj):
                continue
            defined_in = str(getattr(obj, "__module__", None) or "")
            if not defined_in.startswith("gradkit"):
                continue
            if not inspect.isclass(obj) and defined_in == type(obj).__module__:
                defined_in = module_name  # an instance: the deepest module that exports it
                known = found.get(id(obj))
                if known is not None and known[0].count(".") >= module_name.count("."):
                    continue
            elif id(obj) in found:
                continue
            elif getattr(importlib.import_module(defined_in), getattr(obj, "__name__", ""), None) is obj:
                name = obj.__name__  # its own name at home (gradkit.core.primitive.as_array is numpy's array)
            elif module_name.startswith(defined_in + "."):
                name = module_name[len(defined_in) + 1:] + "." + name
            found[id(obj)] = (defined_in, name, obj)
    return found


def _numpys_own_doc(obj):
    """True for a primitive that carries the docstring of the NumPy/SciPy function it wraps, unchanged
    (SciPy may later insert an 'Array API Standard Support' note into NumPy's: lines added, none changed)."""
    wrapped = getattr(obj, "__wrapped__", None)
    origin = str(getattr(wrapped, "__module__", None) or type(wrapped).__module__)
    if not (type(obj) is Primitive and wrapped is not None and origin.split(".")[0] in ("numpy", "scipy")
            and obj.__doc__ and wrapped.__doc__):
        return False
    doc = obj.__doc__[len(NONDIFF_NOTE):] if obj.__doc__.startswith(NONDIFF_NOTE) else obj.__doc__
    ours, theirs = (inspect.cleandoc(d).splitlines() for d in (doc, wrapped.__doc__))
    edits = difflib.SequenceMatcher(None, ours, theirs, autojunk=False).get_opcodes()
    return all(op in ("equal", "insert") for op, *_ in edits)


CALLABLES = sorted(_public_callables().values(), key=lambda e: e[:2])
IDS = [f"{home}.{name}" for home, name, _ in CALLABLES]


def test_scope_is_not_empty():
    assert len(CALLABLES) > 300, len(CALLABLES)


@pytest.mark.parametrize("home, name, obj", CALLABLES, ids=IDS)
def test_docstring_with_example(home, name, obj):
    doc = inspect.getdoc(obj) or ""
    assert doc.strip(), f"{home}.{name} has no docstring"
    if _numpys_own_doc(obj) or home.startswith(DOCSTRING_ONLY):
        return
    assert ">>>" in doc, f"{home}.{name}: its docstring has no example (a '>>>' line)"


def test_doctest_does_not_collect_numpys_examples():
    """NumPy's docstrings carried by primitives are not run as gradkit's tests (their examples
    are NumPy's, with numpy's own imports and outputs)."""
    inherited = [(home, name) for home, name, obj in CALLABLES if _numpys_own_doc(obj)]
    assert len(inherited) > 50, len(inherited)
    collected = set()
    for home in {home for home, _ in inherited}:
        collected |= {test.name for test in doctest.DocTestFinder().find(importlib.import_module(home))}
    assert not [f"{home}.{name}" for home, name in inherited if f"{home}.{name}" in collected]


HIDDEN = [(home, name, obj) for home, name, obj in CALLABLES
          if type(obj) is Primitive and obj.__doc__ and not _numpys_own_doc(obj)]


@pytest.mark.parametrize("home, name, obj", HIDDEN, ids=[f"{h}.{n}" for h, n, _ in HIDDEN])
def test_primitive_examples_run(home, name, obj):
    """doctest does not collect Primitive instances, so their own examples run here."""
    module = importlib.import_module(home)
    test = doctest.DocTestParser().get_doctest(obj.__doc__, dict(vars(module)), f"{home}.{name}", home, 0)
    runner = doctest.DocTestRunner(optionflags=FLAGS)
    runner.run(test)
    assert runner.summarize(verbose=False).failed == 0
