"""The command line: `gradkit lab ...` (also `python -m gradkit lab ...`), `gradkit autograd
script.py`, `gradkit --version`."""
import sys

USAGE = """usage: gradkit <command> [options]
       gradkit --version

commands:
  lab       reproduce the lecture's claims as measured figures (gradkit lab --help)
  autograd  run an autograd program on gradkit, unedited (gradkit autograd script.py [args])
"""


def main(argv=None):
    """Run the command line with `argv` (default: sys.argv[1:]); returns the exit status."""
    argv = sys.argv[1:] if argv is None else list(argv)
    if not argv or argv[0] in ("-h", "--help"):
        print(USAGE)
        return 0 if argv else 2
    if argv[0] in ("-V", "--version"):
        from . import __version__
        print(f"gradkit {__version__}")
        return 0
    command, rest = argv[0], argv[1:]
    if command == "lab":
        from .lab.runner import main as lab_main
        return lab_main(rest)
    if command == "autograd":
        from .autograd_alias import run
        return run(rest)
    print(f"gradkit: unknown command {command!r}.\n{USAGE}", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
