"""gradkit lab: the lecture's claims (L1-L20) as experiments measured on this machine.

    gradkit lab --quick                # about a minute; report in ./gradkit-lab
    gradkit lab --only L9,L13 --seed 1

From Python (`run_lab`'s example runs it):

    from gradkit.lab import run_lab
    results = run_lab(quick=True, only="L11", out=None, console=False)
    results[0].status                  # 'reproduced'

Each experiment is three functions, measure, judge and present (the protocol is described
in `gradkit.lab.core`); `gradkit lab --notebook` writes them into a Jupyter notebook
(`gradkit.lab.notebook`).
"""
from .core import EXPERIMENTS, Check, Context, Experiment, Result, Table  # noqa: F401
from .runner import main, run_lab, select  # noqa: F401
