"""The documentation site builds with warnings as errors (a broken link or reference, a
docstring that does not parse, a page missing from the nav fails it), and holds the guide
pages and an API reference entry for every public transformation."""
import pathlib
import subprocess
import sys

import pytest

pytest.importorskip("mkdocs")
pytest.importorskip("mkdocstrings")

import gradkit  # noqa: E402
from gradkit import transforms  # noqa: E402

ROOT = pathlib.Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    out = tmp_path_factory.mktemp("site")
    run = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-f", str(ROOT / "mkdocs.yml"),
                          "-d", str(out)], capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert run.returncode == 0, run.stdout + run.stderr
    return out


def test_guide_pages_and_nav(site):
    for page in ["index.html", "guide/transformations/index.html", "guide/lab/index.html",
                 "performance/index.html", "optim/index.html"]:
        assert (site / page).exists(), page
    home = (site / "index.html").read_text()
    assert "Quick start" in home and "gradkit lab" in home
    for page in ROOT.glob("docs/*.md"):  # every page written is reachable
        assert (site / page.stem / "index.html").exists(), page.name


def test_api_reference_covers_every_transformation(site):
    html = (site / "api" / "transformations" / "index.html").read_text()
    for name in transforms.__all__:
        if callable(getattr(gradkit, name, None)) and getattr(transforms, name).__module__ == "gradkit.transforms":
            assert f'id="gradkit.transforms.{name}"' in html, name
    assert 'id="gradkit.numeric.check.check_grads"' in html
    numpy_page = (site / "api" / "numpy" / "index.html").read_text()
    assert 'id="gradkit.numpy.elementwise.sin"' in numpy_page and 'id="gradkit.numpy.linalg.solve"' in numpy_page


def test_a_broken_reference_fails_the_build(tmp_path):
    """The site's own configuration (plugins, strictness, hooks) on one page with a reference
    to a function that does not exist: the build fails and names it."""
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "index.md").write_text("# T\n\n::: gradkit.transforms.no_such_function\n")
    config = (ROOT / "mkdocs.yml").read_text().split("\nnav:")[0].replace("docs_dir: docs", f"docs_dir: {docs}")
    config = config.replace("hooks:\n  - mkdocs_hooks.py\n", "")  # the README's pages are not part of this one
    config = config.replace("mkdocs_griffe.py", str(ROOT / "mkdocs_griffe.py"))  # found from the copy's folder
    (tmp_path / "mkdocs.yml").write_text(config)
    run = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-f", str(tmp_path / "mkdocs.yml"),
                          "-d", str(tmp_path / "site")], capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert run.returncode != 0 and "no_such_function" in run.stdout + run.stderr


def test_api_reference_has_every_module(site):
    """Each module of gradkit's own API (the packages and the modules in them) has its entry in
    the API reference: a module left off the pages is a hole in it."""
    import pkgutil
    own = ("gradkit.numeric", "gradkit.optim", "gradkit.problems", "gradkit.misc", "gradkit.lab", "gradkit.graph",
           "gradkit.memory")
    modules = [info.name for info in pkgutil.walk_packages(gradkit.__path__, "gradkit.") if info.name.startswith(own)]
    html = "".join(page.read_text() for page in (site / "api").glob("*/index.html"))
    missing = [name for name in modules if f'id="{name}"' not in html]
    assert len(modules) > 30 and not missing, missing
