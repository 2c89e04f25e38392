"""gradkit lab: the lecture's claims (L1-L20) as experiments measured on this machine.

    gradkit lab --quick                # about a minute; report in ./gradkit-lab
    gradkit lab --only L9,L13 --seed 1

From Python:

    >>> from gradkit.lab import run_lab
    >>> results = run_lab(quick=True, only="L11", out=None, console=False)
    >>> results[0].status
    'reproduced'
"""
from .core import EXPERIMENTS, Check, Context, Experiment, Result, Table  # noqa: F401
from .runner import main, run_lab, select  # noqa: F401
