"""The documentation runs: the code blocks of README.md and docs/*.md in order, and every
docstring example."""
import doctest
import importlib
import pathlib
import pkgutil
import re

import pytest

import gradkit

ROOT = pathlib.Path(__file__).resolve().parents[1]
GENERATED_TABLES = {"docs/coverage.md"}  # written by a program (a table of names), no examples to run


@pytest.mark.parametrize("page", ["README.md"] + sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "docs").glob("*.md")))
def test_python_blocks_run(page):
    """Each page's python blocks, in order, in one namespace."""
    text = (ROOT / page).read_text()
    blocks = re.findall(r"```python\n(.*?)```", text, flags=re.S)
    assert blocks or page in GENERATED_TABLES, f"{page} has no python examples"
    namespace = {}
    for block in blocks:
        exec(compile(block, page, "exec"), namespace)


def _modules():
    names = ["gradkit"]
    for info in pkgutil.walk_packages(gradkit.__path__, "gradkit."):
        if not info.name.endswith("__main__"):
            names.append(info.name)
    return names


@pytest.mark.parametrize("name", _modules())
def test_docstring_examples(name):
    if name.startswith("gradkit.lab"):  # the lab's examples (0.9 s in all) need its optional dependencies
        for package in ("matplotlib", "rich", "nbformat"):
            pytest.importorskip(package)
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0
