"""mkdocs hooks: the guide pages are the README's sections, one page each, generated at
build time (the README stays the single source); links to repository files outside docs/
become code text; and code fragments in docstrings that look like Markdown references
(`x[0]`, `[1, 1]`) are not reported as broken cross-references (a real one still is)."""
import logging
import pathlib
import posixpath
import re

from mkdocs.structure.files import File

ROOT = pathlib.Path(__file__).resolve().parent

# page -> the README's "## " sections it holds (by the start of their titles)
GUIDE = {
    "index.md": (None, "Quick start", "Documentation site"),  # None: the introduction above the first section
    "guide/transformations.md": ("Differentiate NumPy code",),
    "guide/numeric.md": ("Finite differences",),
    "guide/optimisers.md": ("Optimisers",),
    "guide/lab.md": ("`gradkit lab`",),
    "guide/benchmarks.md": ("Benchmarks",),
    "guide/how-it-works.md": ("How it works",),
}


def readme_sections():
    """[(title or None, text)] of README.md, split at its level-2 headings."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    parts = re.split(r"(?m)^## ", text)
    return [(None, parts[0])] + [(p.split("\n", 1)[0].strip(), "## " + p) for p in parts[1:]]


def on_files(files, config):
    sections = readme_sections()
    for page, wanted in GUIDE.items():
        parts = [text for title, text in sections
                 if any(title is None if w is None else bool(title) and title.startswith(w) for w in wanted)]
        if not parts:
            raise ValueError(f"mkdocs_hooks: README.md has no section {wanted} for {page}; update GUIDE.")
        body = "\n".join(parts)
        if page != "index.md":  # a section's page: its heading becomes the page title
            body = "# " + body[len("## "):]
        files.append(File.generated(config, page, content=body))
    return files


def on_page_markdown(markdown, page, config, files):
    here = posixpath.dirname(page.file.src_uri)
    from_readme = page.file.src_uri in GUIDE

    def fix(m):
        label, target = m.group(1), m.group(2)
        path = target.split("#", 1)[0]
        if not path or re.match(r"[a-z]+:", target):
            return m.group(0)
        if from_readme:  # the README links from the repository's root
            path = posixpath.relpath(path, "docs") if path.startswith("docs/") else "../" + path
            target = posixpath.relpath(path, here or ".") + (target[len(m.group(2).split("#", 1)[0]):])
        resolved = posixpath.normpath(posixpath.join(here, target.split("#", 1)[0]))
        if files.get_file_from_path(resolved) is not None:
            return f"[{label}]({target})"
        repo_path = posixpath.normpath(posixpath.join("docs", here, m.group(2).split("#", 1)[0])) \
            if not from_readme else m.group(2).split("#", 1)[0]
        return f"{label} (`{repo_path}` in the repository)"
    return re.sub(r"(?<!!)\[([^\]]+)\]\(([^)\s]+)\)", fix, markdown)


class _CodeFragmentsAreNotReferences(logging.Filter):
    """autorefs reads `[0]` or `[1.0, -8.0]` in a docstring as a reference; only identifiers are."""

    def filter(self, record):
        m = re.search(r"Could not find cross-reference target '([^']*)'", record.getMessage())
        return m is None or re.fullmatch(r"[A-Za-z_][\w.]*", m.group(1)) is not None


def on_config(config):
    for name in ("mkdocs.plugins.mkdocs_autorefs._internal.plugin", "mkdocs.plugins.mkdocs_autorefs.plugin"):
        logging.getLogger(name).addFilter(_CodeFragmentsAreNotReferences())
    return config
