"""pyuvm building blocks shared by every IP's environment.

* :class:`RadacsTest` - base test: knobs into the ConfigDB, clock, power-on reset,
  the seed printed with the command that reproduces the run.
* :class:`ResetAgent` - owns the :class:`~verif.common.bfm.ResetBfm`; can assert
  reset in the middle of traffic and tells subscribers (``reset_ap``) about it.
* :class:`ScoreboardBase` - expected items (predicted with ``models/``) and actual
  items arrive through analysis FIFOs; ``check_phase`` drains both and compares them
  in order per stream key.  Reset-aware: an item issued before a reset may be lost
  by that reset (the actual stream of a reset epoch must be a prefix of the
  expected one); in the last epoch every expected item must arrive.  Subclasses may
  add cycle-level checks through :meth:`error`.
* :class:`CoverageBase` - a subscriber on cocotb-coverage ``CoverPoint``s whose
  ``check_phase`` fails on every hole among its goals and writes a JSON report.

UVM classes never touch signals; BFMs (``verif.common.bfm``) own the pins.
"""
from __future__ import annotations

import collections
import json
import os
import random
import zlib

import cocotb
from cocotb.clock import Clock
from cocotb_coverage.coverage import CoverPoint, coverage_db
from pyuvm import (ConfigDB, uvm_analysis_port, uvm_component, uvm_subscriber, uvm_test,
                   uvm_tlm_analysis_fifo)

from verif.common import knobs as knobs_mod
from verif.common.bfm import ResetBfm


def test_rng(knobs, name: str) -> random.Random:
    """The RNG of one test: the master seed mixed with the test's name."""
    return random.Random((knobs.seed * 1_000_003) ^ zlib.crc32(name.encode()))


class RadacsTest(uvm_test):
    """Base of every RADACS pyuvm test.

    Subclasses set ``env_class`` and implement ``async body()``.  ``param_names``
    lists the IP parameters that may come as plusargs.
    """

    env_class = None
    ip_name = "<ip>"
    param_names: tuple = ()
    clock_ns = 10

    def build_phase(self):
        self.knobs = knobs_mod.load(self.param_names)
        self.knobs.params = self.normalise_params(self.knobs.params)
        knobs_mod.publish(self.knobs)
        self.rng = test_rng(self.knobs, type(self).__name__)
        ConfigDB().set(None, "*", "test_rng", self.rng)
        ConfigDB().set(None, "*", "test_name", type(self).__name__)
        self.dut = cocotb.top
        ConfigDB().set(None, "*", "dut", self.dut)
        self.reset_bfm = ResetBfm(self.dut.clk, self.dut.rst_n)
        ConfigDB().set(None, "*", "reset_bfm", self.reset_bfm)
        self.configure()
        self.env = self.env_class("env", self)

    def normalise_params(self, params: dict) -> dict:
        return params

    def configure(self):
        """Hook: adjust knobs / ConfigDB before the environment is built."""

    def start_of_simulation_phase(self):
        self.logger.info(
            f"{type(self).__name__}: seed={self.knobs.seed} stress={self.knobs.stress} "
            f"params={self.knobs.params} inject_bug={self.knobs.inject_bug}; "
            f"reproduce with: {self.knobs.reproduce_hint(self.ip_name, _sim_name())}")

    async def run_phase(self):
        self.raise_objection()
        cocotb.start_soon(Clock(self.dut.clk, self.clock_ns, unit="ns").start())
        await self.reset_bfm.power_on()
        await self.body()
        await self.env.drain()
        self.drop_objection()

    async def body(self):
        raise NotImplementedError


def _sim_name() -> str:
    name = (getattr(cocotb, "SIM_NAME", "") or "").lower()
    return "verilator" if "verilator" in name else "icarus" if "icarus" in name else name


class ResetAgent(uvm_component):
    """Applies resets and broadcasts them: ``reset_ap.write(count)`` on every reset."""

    def build_phase(self):
        self.bfm: ResetBfm = ConfigDB().get(self, "", "reset_bfm")
        self.reset_ap = uvm_analysis_port("reset_ap", self)

    async def reset(self, cycles: int = 2):
        task = cocotb.start_soon(self.bfm.apply(cycles))
        self.reset_ap.write(self.bfm.count + 1)
        await task


class ScoreboardBase(uvm_component):
    """In-order, per-key, reset-epoch-aware comparison of expected vs actual items.

    Items written to ``exp_export`` / ``act_export`` must have ``key`` and ``epoch``
    attributes (the reset count when they were issued / observed) and compare with
    ``==``.  ``predict(item)`` turns a stimulus item into the expected item (with
    the golden model); by default the item itself.
    """

    def build_phase(self):
        self.knobs = ConfigDB().get(self, "", "knobs")
        self.exp_fifo = uvm_tlm_analysis_fifo("exp_fifo", self)
        self.act_fifo = uvm_tlm_analysis_fifo("act_fifo", self)
        self.exp_export = self.exp_fifo.analysis_export
        self.act_export = self.act_fifo.analysis_export
        self.errors: list[str] = []
        self.matched = 0
        self.lost_to_reset = 0
        self.final_epoch = None  # set by the env: the reset count at the end of the test

    def predict(self, item):
        return item

    def error(self, msg: str) -> None:
        """Record a mismatch (logged now, failed in check_phase)."""
        if len(self.errors) < 20:
            self.logger.error(msg)
        self.errors.append(msg)

    def _drain(self, fifo) -> list:
        out = []
        while True:
            ok, item = fifo.try_get()
            if not ok:
                return out
            out.append(item)

    def compare_streams(self):
        expected = collections.defaultdict(list)
        actual = collections.defaultdict(list)
        for it in self._drain(self.exp_fifo):
            e = self.predict(it)
            expected[(e.key, e.epoch)].append(e)
        for a in self._drain(self.act_fifo):
            actual[(a.key, a.epoch)].append(a)
        last_epoch = self.final_epoch
        if last_epoch is None:
            last_epoch = max([k[1] for k in list(expected) + list(actual)], default=0)
        for k in sorted(set(expected) | set(actual), key=str):
            exp, act = expected.get(k, []), actual.get(k, [])
            for i, a in enumerate(act):
                if i >= len(exp):
                    self.error(f"stream {k}: unexpected item #{i}: {a}")
                    break
                if a != exp[i]:
                    self.error(f"stream {k}: item #{i}\n  Expected: {exp[i]}\n  Actual:   {a}")
                    break
                self.matched += 1
            if len(act) < len(exp):
                if k[1] < last_epoch:
                    self.lost_to_reset += len(exp) - len(act)
                else:
                    self.error(f"stream {k}: {len(exp) - len(act)} expected item(s) never "
                               f"arrived, first: {exp[len(act)]}")

    def check_extra(self):
        """Hook for subclasses: more checks after the stream comparison."""

    def check_phase(self):
        self.compare_streams()
        self.check_extra()
        self.logger.info(f"scoreboard: {self.matched} matched, {self.lost_to_reset} lost to "
                         f"reset, {len(self.errors)} error(s)")
        if self.errors:
            raise AssertionError(f"{type(self).__name__}: {len(self.errors)} error(s); first: "
                                 f"{self.errors[0]}")
        # Both queues drained: nothing left unchecked.
        assert self.exp_fifo.is_empty() and self.act_fifo.is_empty()


class CoverageBase(uvm_subscriber):
    """Functional coverage on cocotb-coverage; fails on holes.

    Subclasses define ``bins() -> {group: [bin label, ...]}`` and
    ``events(sample) -> iterable of hit bin labels``.  ``goals`` (set of labels,
    None = every bin) is what ``check_phase`` requires; tests narrow it with
    ``ConfigDB().set(None, "*", "coverage_goals", {...})``.
    """

    def build_phase(self):
        self.knobs = ConfigDB().get(self, "", "knobs")
        try:
            self.goals = ConfigDB().get(self, "", "coverage_goals")
        except Exception:
            self.goals = None
        test = ConfigDB().get(self, "", "test_name")
        self.prefix = f"{test}.{self.get_full_name()}"
        self.points = {}
        for group, labels in self.bins().items():
            cp = CoverPoint(f"{self.prefix}.{group}", xf=lambda hits: hits,
                            rel=lambda hits, b: b in hits, bins=list(labels), inj=False)
            self.points[group] = cp(lambda hits: None)
        self.samples = 0

    def bins(self) -> dict:
        raise NotImplementedError

    def events(self, sample):
        raise NotImplementedError

    def write(self, sample):
        hits = set(self.events(sample))
        self.samples += 1
        if hits:
            for fn in self.points.values():
                fn(hits)

    def report(self) -> dict:
        out = {}
        for group in self.points:
            cp = coverage_db[f"{self.prefix}.{group}"]
            out[group] = {str(b): int(h) for b, h in cp.detailed_coverage.items()}
        return out

    def holes(self) -> list[str]:
        return [b for g, bins in self.report().items() for b, h in bins.items()
                if h == 0 and (self.goals is None or b in self.goals)]

    def check_phase(self):
        rep = self.report()
        total = [b for bins in rep.values() for b in bins
                 if self.goals is None or b in self.goals]
        holes = self.holes()
        pct = 100.0 * (len(total) - len(holes)) / len(total) if total else 100.0
        self.logger.info(f"coverage: {len(total) - len(holes)}/{len(total)} goal bins "
                         f"({pct:.1f} %) over {self.samples} samples")
        if self.knobs.coverage_dir:
            os.makedirs(self.knobs.coverage_dir, exist_ok=True)
            test = ConfigDB().get(self, "", "test_name")
            with open(os.path.join(self.knobs.coverage_dir, f"{test}.json"), "w") as fh:
                json.dump({"test": test, "goals": sorted(self.goals) if self.goals is not None else None,
                           "bins": rep, "holes": holes, "percent": pct,
                           "samples": self.samples}, fh, indent=1)
        if holes:
            raise AssertionError(f"coverage holes: {', '.join(holes)}")
