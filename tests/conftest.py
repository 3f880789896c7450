"""Shared pytest set-up.

* The master seed of random tests is ``RADACS_SEED`` when set, else drawn once per
  session; it is printed in the header and in every failure message, and
  ``make test RADACS_SEED=<seed> PYTEST_ARGS='-k <test>'`` reproduces the run: the
  simulations' seeds and corpora derive from it, and the Hypothesis property tests
  are seeded with it too (unless ``--hypothesis-seed`` is given).
* ``RADACS_SIMS`` (default ``icarus,verilator``) selects the simulators.
* cocotb test modules live in ``verif/`` and are named ``*_tests.py`` so pytest never
  imports them outside a simulator.
"""
from __future__ import annotations

import os

import pytest

from verif.common.corpus import session_seed
from verif.common.runner import selected_sims

_SEED = session_seed()
os.environ.setdefault("RADACS_SEED", str(_SEED))


def pytest_configure(config):
    # Property tests (@given) follow the same master seed unless --hypothesis-seed is
    # given, so RADACS_SEED=<seed> reproduces them too.
    if getattr(config.option, "hypothesis_seed", None) is None:
        import hypothesis.core

        hypothesis.core.global_force_seed = int(os.environ["RADACS_SEED"], 0)


def pytest_report_header(config):
    return [f"radacs: master seed RADACS_SEED={os.environ['RADACS_SEED']} "
            f"(set it to reproduce); simulators {','.join(selected_sims())}"]




@pytest.fixture(scope="session")
def radacs_seed() -> int:
    return int(os.environ["RADACS_SEED"], 0)
