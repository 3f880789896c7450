"""Test knobs: how a simulation learns its parameter set, seed, stress mode and corpus.

The pytest side (``verif.common.runner``) passes knobs as environment variables;
FuseSoC targets may pass plusargs instead.  Inside the simulation, :func:`load`
reads them once and :func:`publish` puts them in pyuvm's ConfigDB so every
component reads the same values (``ConfigDB().get(self, "", "knobs")``).

========================  =====================================  ==================
env var / plusarg         meaning                                default
========================  =====================================  ==================
RADACS_KNOBS              JSON of all knobs below, set by the    -
                          runner; when present it is used alone
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

    def reproduce_hint(self, ip_name: str = "<ip>", sim: str = "<sim>") -> str:
        return reproduce_command(ip_name, self.params, sim, self.seed, self.stress,
                                 items=self.items)


def reproduce_command(ip_name: str, params: dict, simulator: str, seed: int, stress: str,
                      testcase=None, items=None) -> str:
    """The ``radacs regress`` command that re-runs one simulation (the corpus is drawn
    from the seed, so the seed alone brings it back)."""
    ps = " ".join(f"-p {k}={','.join(map(str, v)) if isinstance(v, (list, tuple)) else v}"
                  for k, v in params.items() if v is not None)
    return (f"radacs regress {ip_name} {ps} --sim {simulator} --seed {seed} --stress {stress}"
            + (f" --test {testcase}" if testcase else "") + (f" --items {items}" if items else ""))


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
    """Read the knobs of this simulation.

    ``RADACS_KNOBS`` (written by :mod:`verif.common.runner`) wins outright: cocotb's
    runner merges the caller's environment over the variables it is given, so a
    ``RADACS_SEED`` exported in a shell must not override the seed the runner chose.
    Without it (FuseSoC, hand-run simulations): environment first, then plusargs.
    """
    raw_all = os.environ.get("RADACS_KNOBS")
    if raw_all:
        k = json.loads(raw_all)
        corpus = None
        if k.get("corpus_file"):
            with open(k["corpus_file"]) as fh:
                corpus = json.load(fh)
        return Knobs(params=k.get("params", {}), seed=int(k["seed"]),
                     stress=k.get("stress", "random"), items=k.get("items"),
                     inject_bug=bool(k.get("inject_bug")), corpus=corpus,
                     coverage_dir=k.get("coverage_dir"))
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
