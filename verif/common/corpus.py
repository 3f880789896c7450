"""Hypothesis in a cocotb world.

Hypothesis cannot drive an ``async`` cocotb test, so the library uses it two ways:

1. **Corpus mode** (simulations): :func:`draw` runs a strategy in the pytest process
   with a fixed seed and returns ``n`` examples.  The test prints the seed and the
   corpus, writes the corpus to JSON and hands the file to the simulation
   (``RADACS_CORPUS``).  Same seed -> same corpus -> same simulation.
2. **Property mode** (shrinking): a plain ``@given`` test drives the MyHDL design in
   MyHDL's in-process simulator (or the model alone) against the golden model, so a
   failure shrinks to a minimal stimulus.  See ``tests/test_arbiter_property.py``.
"""
from __future__ import annotations

import os

from hypothesis import HealthCheck, Phase, given, seed as hseed, settings


def session_seed() -> int:
    """The master seed: ``RADACS_SEED`` when set (to reproduce), else random."""
    raw = os.environ.get("RADACS_SEED")
    if raw:
        return int(raw, 0)
    return int.from_bytes(os.urandom(4), "little") & 0x7FFFFFFF


def draw(strategy, n: int, seed: int) -> list:
    """``n`` examples of ``strategy``, deterministic for a given ``seed``.

    Hypothesis opens every run with its simplest examples (all minimums, shortest
    lists) before it explores, so the first example is the same for every seed.  We
    let it generate ``WARMUP + n`` examples and keep the last ``n``: different seeds
    then give different corpora, and the minimal shapes are still covered because the
    warm-up examples are part of the deep sweep's many seeds anyway.
    """
    out: list = []
    total = WARMUP + n

    @settings(max_examples=total, database=None, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck), deadline=None)
    @hseed(seed)
    @given(strategy)
    def collect(x):
        out.append(x)

    collect()
    return out[-n:]


WARMUP = 8
