"""A Griffe extension for the API reference: the doctest examples of a docstring (runs of
lines from a `>>>` line at the left margin to the next blank line) become `pycon` code
blocks. Without it Markdown reads `>>>` as three nested quotes and runs the lines together;
the docstrings stay plain doctest, the form tests/test_docs.py runs."""
import griffe

FENCE = "```"


def fence_doctests(text):
    """text with each doctest example wrapped in a ```pycon fence (existing fences left alone)."""
    lines, out, i, fenced = text.split("\n"), [], 0, False
    while i < len(lines):
        line = lines[i]
        if line.lstrip().startswith(FENCE):
            fenced = not fenced
        if fenced or not line.startswith(">>>"):
            out.append(line)
            i += 1
            continue
        j = i
        while j < len(lines) and lines[j].strip():
            j += 1
        if out and out[-1].strip():
            out.append("")
        out += [FENCE + "pycon", *lines[i:j], FENCE]
        i = j
    return "\n".join(out)


class DoctestBlocks(griffe.Extension):
    def on_object(self, *, obj, **kwargs):
        if obj.docstring is not None:
            obj.docstring.value = fence_doctests(obj.docstring.value)
