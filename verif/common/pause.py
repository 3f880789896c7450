"""Idle-insertion and backpressure generators (verilog-axis / cocotbext-axi style).

A pause generator yields one value per clock cycle: truthy means "pause this cycle"
(a source inserts an idle cycle, a sink deasserts ready).  The three stress modes:

* ``none``   - never pause: full throughput.
* ``cycle``  - ``itertools.cycle([1, 1, 1, 0])``: the classic verilog-axis pattern.
* ``random`` - pause with a probability drawn once per generator from the seeded RNG,
  in bursts, so long stalls and long streaks of traffic both occur.
"""
from __future__ import annotations

import itertools
import random
from typing import Iterator

from verif.common.knobs import STRESS_MODES


def _random_pauses(rng: random.Random) -> Iterator[int]:
    while True:
        p = rng.choice((0.1, 0.3, 0.5, 0.8))
        for _ in range(rng.randint(8, 64)):
            yield 1 if rng.random() < p else 0


def pause_generator(mode: str, rng: random.Random | None = None) -> Iterator[int]:
    if mode not in STRESS_MODES:
        raise ValueError(f"pause mode must be one of {STRESS_MODES}, got {mode!r}")
    if mode == "none":
        return itertools.repeat(0)
    if mode == "cycle":
        return itertools.cycle([1, 1, 1, 0])
    return _random_pauses(rng or random.Random(0))
