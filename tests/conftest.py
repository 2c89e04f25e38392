"""Shared test settings: float64 data, fixed seeds, hypothesis profiles.

Profiles: "dev" (the default: few examples, derandomized, so a run is fast and repeatable)
and "ci" (many examples, random): HYPOTHESIS_PROFILE=ci python -m pytest -n 2
"""
import os

import numpy as onp
import pytest
from hypothesis import HealthCheck, settings

import gradkit.core.reverse

# Every value a VJP rule declares it does not read is replaced on the tape, however small,
# by a NaN stand-in: a wrong `reads` declaration then fails the gradient checks.
gradkit.core.reverse.STANDIN_MIN_SIZE = 0

settings.register_profile("dev", max_examples=10, deadline=None, derandomize=True,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("ci", max_examples=60, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))


@pytest.fixture(autouse=True)
def _fixed_seed():
    # for code that draws from NumPy's global generator; tests use their own seeded ones
    onp.random.seed(0)


@pytest.fixture
def rng():
    """A fresh float64-producing generator with a fixed seed, per test."""
    return onp.random.default_rng(0)
