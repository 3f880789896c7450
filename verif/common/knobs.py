"""Test knobs: how a simulation learns its parameter set, seed, stress mode and corpus.

The pytest side (``verif.common.runner``) passes knobs as environment variables;
FuseSoC targets may pass plusargs instead.  Inside the simulation, :func:`load`
reads them once and :func:`publish` puts them in pyuvm's ConfigDB so every
component reads the same values (``ConfigDB().get(self, "", "knobs")``).

========================  =====================================  ==================
env var / plusarg         meaning                                default
========================  =====================================  ==================
RADACS_PARAMS             JSON dict of the IP parameters         from plusargs
+NAME=VALUE               one IP parameter (when no JSON)        IP defaults
RADACS_SEED               master seed of every random choice     time-based, printed
RADACS_STRESS             none | cycle | random (idle/backpr.)   random
RADACS_ITEMS              number of sequence items per test      test's default
RADACS_INJECT_BUG         1: the scoreboard's model is wrong     0
RADACS_CORPUS             JSON file with a Hypothesis corpus     none
RADACS_COVERAGE_DIR       where coverage subscribers write JSON  none
========================  =====================================  ==================
"""
from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass, field
from typing import Any

STRESS_MODES = ("none", "cycle", "random")


@dataclass
class Knobs:
    params: dict = field(default_factory=dict)
    seed: int = 0
    stress: str = "random"
    items: int | None = None
    inject_bug: bool = False
    corpus: list | None = None
    coverage_dir: str | None = None

    def reproduce_hint(self) -> str:
        return (f"RADACS_SEED={self.seed} RADACS_STRESS={self.stress}"
                + (f" RADACS_ITEMS={self.items}" if self.items else ""))


def _plusargs() -> dict:
    try:
        import cocotb

        return dict(cocotb.plusargs or {})
    except Exception:  # pragma: no cover - outside a simulation
        return {}


def _get(name: str, plus: dict) -> Any:
    if name in os.environ and os.environ[name] != "":
        return os.environ[name]
    return plus.get(name)


def load(param_names=()) -> Knobs:
    """Read the knobs of this simulation (env first, then plusargs)."""
    plus = _plusargs()
    raw = _get("RADACS_PARAMS", plus)
    if raw:
        params = json.loads(raw)
    else:
        params = {n: plus[n] for n in param_names if n in plus}
    seed_raw = _get("RADACS_SEED", plus)
    seed = int(seed_raw, 0) if seed_raw not in (None, "") else int(time.time() * 1000) % (2**31)
    stress = (_get("RADACS_STRESS", plus) or "random").lower()
    if stress not in STRESS_MODES:
        raise ValueError(f"RADACS_STRESS must be one of {STRESS_MODES}, got {stress!r}")
    items_raw = _get("RADACS_ITEMS", plus)
    inject = str(_get("RADACS_INJECT_BUG", plus) or "0").lower() in ("1", "true", "yes")
    corpus = None
    corpus_file = _get("RADACS_CORPUS", plus)
    if corpus_file:
        with open(corpus_file) as fh:
            corpus = json.load(fh)
    return Knobs(params=params, seed=seed, stress=stress,
                 items=int(items_raw) if items_raw else None, inject_bug=inject,
                 corpus=corpus, coverage_dir=_get("RADACS_COVERAGE_DIR", plus))


def publish(knobs: Knobs) -> None:
    """Make ``knobs`` visible to every pyuvm component through the ConfigDB."""
    from pyuvm import ConfigDB

    ConfigDB().set(None, "*", "knobs", knobs)
