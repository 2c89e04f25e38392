"""The command line: `gradkit lab ...` (also `python -m gradkit lab ...`)."""
import sys

USAGE = """usage: gradkit <command> [options]

commands:
  lab     reproduce the lecture's claims as measured figures (gradkit lab --help)
"""


def main(argv=None):
    argv = sys.argv[1:] if argv is None else list(argv)
    if not argv or argv[0] in ("-h", "--help"):
        print(USAGE)
        return 0 if argv else 2
    command, rest = argv[0], argv[1:]
    if command == "lab":
        from .lab.runner import main as lab_main
        return lab_main(rest)
    print(f"gradkit: unknown command {command!r}.\n{USAGE}", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
