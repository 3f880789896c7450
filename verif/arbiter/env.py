"""pyuvm environment of the arbiter (``ip/arbiter``).

Dataflow::

    ArbSequence --items--> ArbDriver --> ArbiterBfm (pins: req, lock)      ReadySink (gnt_ready,
        |                     |             |  samples every cycle           backpressure)
        |                     +--expected-->|                                    |
        |                     transfers     v                                    |
        |                               ArbMonitor --cycle samples--> ArbScoreboard (model, every
        |                                   |                                   cycle + properties)
        |                                   +--completed transfers--> ArbScoreboard (in order)
        |                                   +--cycle samples-------> ArbCoverage

A *transfer* is what one requester wants: ``beats`` consecutive accepted beats, with
``lock`` high on all but the last (a burst).  The scoreboard checks, every cycle,
the grant against :class:`models.arbiter.ArbiterModel` and the measured properties
(one-hot0 grant, grant => request, bounded wait, weighted shares); at the end, that
every issued transfer completed, in order, per requester (except those a reset
discarded).
"""
from __future__ import annotations

import collections
from dataclasses import dataclass, field

import cocotb
from cocotb.triggers import ClockCycles, FallingEdge, ReadOnly, RisingEdge
from pyuvm import (ConfigDB, uvm_analysis_port, uvm_component, uvm_driver, uvm_env,
                   uvm_sequence, uvm_sequence_item, uvm_sequencer, uvm_subscriber)

from models.arbiter import ArbiterModel
from verif.common.bfm import ValidReadySink
from verif.common.pause import pause_generator
from verif.common.uvm import CoverageBase, ResetAgent, ScoreboardBase


# ---------------------------------------------------------------------------- items
class ArbSeqItem(uvm_sequence_item):
    """One transfer request: ``requester`` wants ``beats`` beats after ``gap`` idle cycles."""

    def __init__(self, name="arb_item", requester=0, beats=1, gap=0):
        super().__init__(name)
        self.requester, self.beats, self.gap = requester, beats, gap
        self.epoch = 0

    def randomize(self, rng, n, profile, k=0):
        pool = profile.get("requesters") or list(range(n))
        # "cyclic" cycles through the pool so every requester stays busy (saturation).
        self.requester = pool[k % len(pool)] if profile.get("cyclic") else rng.choice(pool)
        self.beats = (rng.randint(2, profile.get("max_burst", 4))
                      if rng.random() < profile.get("burst_prob", 0.2) else 1)
        g = profile.get("max_gap", 3)
        self.gap = rng.randint(0, g) if g else 0
        return self

    @property
    def key(self):
        return self.requester

    def __eq__(self, other):
        return (self.requester, self.beats) == (other.requester, other.beats)

    def __str__(self):
        return f"transfer(req={self.requester}, beats={self.beats}, gap={self.gap}, epoch={self.epoch})"

    __repr__ = __str__


@dataclass
class Transfer:
    """A completed transfer as the monitor saw it."""
    requester: int
    beats: int
    epoch: int

    @property
    def key(self):
        return self.requester

    def __eq__(self, other):
        return (self.requester, self.beats) == (other.requester, other.beats)


@dataclass
class CycleSample:
    cycle: int
    rst_n: int
    req: int
    lock: int
    ready: int
    gnt: int
    idx: int
    valid: int
    epoch: int


# ------------------------------------------------------------------------------ BFM
class ArbiterBfm:
    """Owns the requester pins (req, lock) and samples the whole interface each cycle.

    Each requester has a queue of transfers; the active one holds ``req`` until each
    beat is accepted (``gnt[i] & gnt_ready``), raising ``lock`` on all beats but the
    last.  Drives after the rising edge, samples at the falling edge (see
    verif.common.bfm).  On a reset cycle every queue is discarded.
    """

    def __init__(self, dut, n, reset_bfm, queue_depth=2):
        self.dut, self.n, self.reset_bfm = dut, n, reset_bfm
        self.queue_depth = queue_depth
        self.backlog = [collections.deque() for _ in range(n)]  # not yet issued
        self.queues = [collections.deque() for _ in range(n)]   # issued, waiting
        self.active = [None] * n   # [item, beats_left]
        self.wait = [0] * n        # idle cycles before the active item raises req
        self.listeners = []        # callables(CycleSample)
        self.issue_listeners = []  # callables(item): a transfer is issued to the DUT
        self.last_rst_n = 0
        self.last_sample: CycleSample | None = None
        self.cycle = 0
        self.pending = 0           # items enqueued and not yet completed/discarded
        self.dut.req.value = 0
        self.dut.lock.value = 0

    def enqueue(self, item):
        """Plan a transfer.  It is *issued* (stamped with the reset epoch and reported
        as expected) when its requester's queue has room, so a reset discards at most
        ``queue_depth + 1`` issued transfers per requester and the plan goes on."""
        self.backlog[item.requester].append(item)
        self.pending += 1

    def _issue(self):
        if self.reset_bfm.in_reset or not self.last_rst_n:
            return
        for r in range(self.n):
            while self.backlog[r] and len(self.queues[r]) < self.queue_depth:
                item = self.backlog[r].popleft()
                item.epoch = self.reset_bfm.count
                self.queues[r].append(item)
                for cb in self.issue_listeners:
                    cb(item)

    def idle(self) -> bool:
        return self.pending == 0

    async def until_requesting(self):
        """Return at a falling edge of a cycle in which some requester requests."""
        while True:
            await FallingEdge(self.dut.clk)
            await ReadOnly()
            s = self.last_sample
            if s is not None and s.rst_n and s.req:
                return

    def all_issued(self) -> bool:
        return not any(self.backlog)

    def beats_left(self) -> int:
        """Beats issued to the DUT and not yet accepted (active and queued transfers)."""
        return (sum(a[1] for a in self.active if a is not None)
                + sum(it.beats for q in self.queues for it in q))

    def _flush(self):
        for q in self.queues:
            self.pending -= len(q)
            q.clear()
        for i in range(self.n):
            if self.active[i] is not None:
                self.pending -= 1
            self.active[i] = None
            self.wait[i] = 0

    async def run(self):
        mask = (1 << self.n) - 1
        while True:
            await RisingEdge(self.dut.clk)
            self._issue()
            req = lock = 0
            for i in range(self.n):
                if self.active[i] is None and self.queues[i]:
                    item = self.queues[i].popleft()
                    self.active[i] = [item, item.beats]
                    self.wait[i] = item.gap
                if self.active[i] is not None:
                    if self.wait[i] > 0:
                        self.wait[i] -= 1
                    else:
                        req |= 1 << i
                        if self.active[i][1] > 1:
                            lock |= 1 << i
            self.dut.req.value = req & mask
            self.dut.lock.value = lock & mask
            await FallingEdge(self.dut.clk)
            s = CycleSample(self.cycle, int(self.dut.rst_n.value), int(self.dut.req.value),
                            int(self.dut.lock.value), int(self.dut.gnt_ready.value),
                            int(self.dut.gnt.value), int(self.dut.gnt_idx.value),
                            int(self.dut.gnt_valid.value), self.reset_bfm.count)
            self.cycle += 1
            self.last_rst_n = s.rst_n
            self.last_sample = s
            if not s.rst_n:
                self._flush()
            elif s.valid and s.ready:
                for i in range(self.n):
                    if s.gnt >> i & 1 and self.active[i] is not None and s.req >> i & 1:
                        self.active[i][1] -= 1
                        if self.active[i][1] == 0:
                            self.active[i] = None
                            self.pending -= 1
            for cb in self.listeners:
                cb(s)


# ----------------------------------------------------------------------- components
class ArbSequence(uvm_sequence):
    """Transfers from a list of traffic profiles (dicts: items, burst_prob, max_burst,
    max_gap, requesters; or "directed": [(requester, beats, gap), ...])."""

    def __init__(self, name="arb_seq", profiles=None):
        super().__init__(name)
        self.profiles = profiles or [{}]

    async def body(self):
        rng = ConfigDB().get(None, "", "test_rng")
        n = ConfigDB().get(None, "", "arb_n")
        for prof in self.profiles:
            for requester, beats, gap in prof.get("directed", ()):
                item = ArbSeqItem(requester=requester, beats=beats, gap=gap)
                await self.start_item(item)
                await self.finish_item(item)
            for k in range(prof.get("items", 50) if "directed" not in prof else 0):
                item = ArbSeqItem().randomize(rng, n, prof, k)
                await self.start_item(item)
                await self.finish_item(item)


class ArbDriver(uvm_driver):
    def build_phase(self):
        self.exp_ap = uvm_analysis_port("exp_ap", self)

    def connect_phase(self):
        self.bfm: ArbiterBfm = ConfigDB().get(self, "", "arb_bfm")
        self.bfm.issue_listeners.append(self.exp_ap.write)

    async def run_phase(self):
        while True:
            item = await self.seq_item_port.get_next_item()
            self.bfm.enqueue(item)
            self.seq_item_port.item_done()


class ArbMonitor(uvm_component):
    """Publishes every cycle sample and every completed transfer."""

    def build_phase(self):
        self.cycle_ap = uvm_analysis_port("cycle_ap", self)
        self.xfer_ap = uvm_analysis_port("xfer_ap", self)
        self.beats = {}

    def connect_phase(self):
        bfm: ArbiterBfm = ConfigDB().get(self, "", "arb_bfm")
        bfm.listeners.append(self.sample)

    def sample(self, s: CycleSample):
        self.cycle_ap.write(s)
        if not s.rst_n:
            self.beats.clear()
            return
        if s.valid and s.ready:
            w = s.idx
            self.beats[w] = self.beats.get(w, 0) + 1
            if not (s.lock >> w & 1):
                self.xfer_ap.write(Transfer(w, self.beats.pop(w), s.epoch))


class _CycleImp(uvm_subscriber):
    def __init__(self, name, parent, fn):
        super().__init__(name, parent)
        self.fn = fn

    def write(self, s):
        self.fn(s)


class BuggyArbiterModel(ArbiterModel):
    """Deliberately wrong model for the injected-bug tests.  With two or more
    requesters in a fresh arbitration it picks the *second* candidate in search order
    (any contention exposes it); for N = 1 it ignores a request that follows a
    locked cycle."""

    _lock = 0

    def choose(self, req):
        first = super().choose(req)
        if first is None or self.n == 1:
            return first
        rest = req & ~(1 << first)
        if rest == 0:
            return first
        if self.flavour == "fp":
            return next(i for i in range(self.n) if rest >> i & 1)
        for k in range(1, self.n):
            i = (first + k) % self.n
            if rest >> i & 1:
                return i
        return first

    def offer(self, req):
        if self.n == 1:
            return super().offer(req & ~(self._lock & 1))
        return super().offer(req)

    def clock(self, req, lock, ready):
        o = super().clock(req, lock, ready)
        self._lock = lock
        return o


class ArbScoreboard(ScoreboardBase):
    """Cycle-exact model check, measured properties, in-order transfer check."""

    def build_phase(self):
        super().build_phase()
        p = self.knobs.params
        cls = BuggyArbiterModel if self.knobs.inject_bug else ArbiterModel
        self.model = cls(p["FLAVOUR"], p["N"], p.get("WEIGHTS"))
        self.logger.info(f"golden model: {cls.__name__}")
        self.n = p["N"]
        self.cycle_export = _CycleImp("cycle_imp", self, self.on_cycle).analysis_export
        self.waiting = {}        # requester -> completed grants of others while waiting
        self.max_wait = [0] * self.n
        self.window: list[int] = []   # winners of completed grants under saturation
        self.saturated = False        # every cycle since the last completed grant had req == all
        self.windows_checked = 0
        self.cycles = 0
        self.share_listeners = []

    def on_cycle(self, s: CycleSample):
        self.cycles += 1
        n, full = self.n, (1 << self.n) - 1
        if not s.rst_n:
            self.model.reset()
            self.waiting.clear()
            self.window.clear()
            self.saturated = False
        exp = self.model.offer(s.req)
        got = (s.gnt, s.idx, bool(s.valid))
        if got != (exp.gnt, exp.idx, exp.valid):
            self.error(f"cycle {s.cycle}: req={s.req:#x} lock={s.lock:#x} ready={s.ready}\n"
                       f"  Expected: gnt={exp.gnt:#x} idx={exp.idx} valid={int(exp.valid)}\n"
                       f"  Actual:   gnt={s.gnt:#x} idx={s.idx} valid={s.valid}")
        # Measured properties, straight from the interface.
        if s.gnt & (s.gnt - 1):
            self.error(f"cycle {s.cycle}: grant not one-hot0: {s.gnt:#x}")
        if s.gnt & ~s.req & full:
            self.error(f"cycle {s.cycle}: grant without request: gnt={s.gnt:#x} req={s.req:#x}")
        if bool(s.valid) != (s.gnt != 0) or (s.gnt and s.gnt != 1 << s.idx):
            self.error(f"cycle {s.cycle}: gnt/idx/valid inconsistent: {got}")
        if s.rst_n:
            self._fairness(s, full)
            self.model.clock(s.req, s.lock, bool(s.ready))

    def _fairness(self, s, full):
        completed = s.valid and s.ready and not (s.lock >> s.idx & 1)
        for i in range(self.n):
            if s.req >> i & 1 and not (s.gnt >> i & 1):
                self.waiting.setdefault(i, 0)
            elif s.gnt >> i & 1:
                self.waiting.pop(i, None)
            elif not s.req >> i & 1:
                self.waiting.pop(i, None)
        if completed:
            for i in list(self.waiting):
                if i != s.idx:
                    self.waiting[i] += 1
                    self.max_wait[i] = max(self.max_wait[i], self.waiting[i])
                    bound = self.model.wait_bound(i)
                    if bound is not None and self.waiting[i] > bound:
                        self.error(f"cycle {s.cycle}: requester {i} waited for "
                                   f"{self.waiting[i]} grants of others (bound {bound})")
            # Weighted shares over windows of sum(WEIGHTS) grants during which every
            # requester requested in every cycle (the choice is made at the first
            # offer cycle, so any partial-request cycle restarts the window).
            if self.model.flavour in ("rr", "wrr") and self.n > 1:
                if s.req == full and self.saturated:
                    self.window.append(s.idx)
                    span = sum(self.model.weights)
                    if len(self.window) >= span:
                        win = self.window[-span:]
                        for i in range(self.n):
                            if abs(win.count(i) - self.model.weights[i]) > 1:
                                self.error(f"cycle {s.cycle}: requester {i} got "
                                           f"{win.count(i)} of {span} grants under "
                                           f"saturation, weight {self.model.weights[i]}")
                        self.windows_checked += 1
                        for cb in self.share_listeners:
                            cb()
                else:
                    self.window.clear()
            self.saturated = True
        if s.req != full:
            self.saturated = False
            self.window.clear()

    def check_extra(self):
        self.logger.info(f"scoreboard: {self.cycles} cycles checked against the model; max "
                         f"wait (grants of others) per requester {self.max_wait}; "
                         f"{self.windows_checked} share windows checked")


class ArbCoverage(CoverageBase):
    """Bins named after the testplan's testpoints (ip/arbiter/README.md)."""

    def build_phase(self):
        self.n = ConfigDB().get(self, "", "arb_n")
        self.flavour = ConfigDB().get(self, "", "knobs").params["FLAVOUR"]
        super().build_phase()
        self.waited = set()      # requesters that waited while another was offered
        self.prev = None
        self.burst = {}
        self.share_window = False

    def bins(self):
        n = self.n
        b = {"granted": [f"granted_{i}" for i in range(n)],
             "scenario": ["single_request", "held_offer", "lock_burst", "reset_mid_traffic"]}
        if n > 1:
            b["starved_then_served"] = [f"starved_then_served_{i}" for i in range(n)]
            b["scenario"] += ["all_request"]
            if self.flavour in ("rr", "wrr"):
                b["scenario"] += ["share_window"]
        return b

    def events(self, s: CycleSample):
        ev = []
        prev, self.prev = self.prev, s
        if not s.rst_n:
            if prev is not None and prev.rst_n and (prev.req or prev.valid):
                ev.append("reset_mid_traffic")
            self.waited.clear()
            self.burst.clear()
            return ev
        if s.req and s.req & (s.req - 1) == 0:
            ev.append("single_request")
        if self.n > 1 and s.req == (1 << self.n) - 1:
            ev.append("all_request")
        if prev is not None and prev.rst_n and prev.valid and not prev.ready and s.gnt == prev.gnt:
            ev.append("held_offer")
        if s.valid and s.ready:
            ev.append(f"granted_{s.idx}")
            if s.idx in self.waited:
                ev.append(f"starved_then_served_{s.idx}")
                self.waited.discard(s.idx)
            self.burst[s.idx] = self.burst.get(s.idx, 0) + 1
            if not (s.lock >> s.idx & 1):
                if self.burst.pop(s.idx) >= 2:
                    ev.append("lock_burst")
        for i in range(self.n):
            if s.req >> i & 1 and s.valid and s.idx != i:
                self.waited.add(i)
        if self.share_window:
            ev.append("share_window")
            self.share_window = False
        return ev

    def on_share_window(self):
        self.share_window = True


class ArbEnv(uvm_env):
    def build_phase(self):
        self.knobs = ConfigDB().get(self, "", "knobs")
        self.dut = ConfigDB().get(self, "", "dut")
        n = self.knobs.params["N"]
        ConfigDB().set(None, "*", "arb_n", n)
        self.reset_bfm = ConfigDB().get(self, "", "reset_bfm")
        # Queues deep enough for a whole weighted turn, so saturation can be sustained.
        depth = max(2, max(self.knobs.params.get("WEIGHTS") or [1]))
        self.bfm = ArbiterBfm(self.dut, n, self.reset_bfm, depth)
        ConfigDB().set(None, "*", "arb_bfm", self.bfm)
        self.seqr = uvm_sequencer("seqr", self)
        self.driver = ArbDriver("driver", self)
        self.monitor = ArbMonitor("monitor", self)
        self.scoreboard = ArbScoreboard("scoreboard", self)
        self.coverage = ArbCoverage("coverage", self)
        self.reset_agent = ResetAgent("reset_agent", self)

    def connect_phase(self):
        self.driver.seq_item_port.connect(self.seqr.seq_item_export)
        self.driver.exp_ap.connect(self.scoreboard.exp_export)
        self.monitor.xfer_ap.connect(self.scoreboard.act_export)
        self.monitor.cycle_ap.connect(self.scoreboard.cycle_export)
        self.monitor.cycle_ap.connect(self.coverage.analysis_export)
        self.scoreboard.share_listeners.append(self.coverage.on_share_window)

    def start_of_simulation_phase(self):
        rng = ConfigDB().get(self, "", "test_rng")
        self.sink = ValidReadySink(
            self.dut, self.dut.clk, self.dut.rst_n,
            signals={"tvalid": "gnt_valid", "tready": "gnt_ready", "tdata": "gnt_idx"},
            pause=pause_generator(self.knobs.stress, rng)).start()
        cocotb.start_soon(self.bfm.run())

    def set_backpressure(self, mode: str | None = None):
        """Switch the grant sink's backpressure (default: back to the knob's mode)."""
        rng = ConfigDB().get(self, "", "test_rng")
        self.sink.pause = pause_generator(mode or self.knobs.stress, rng)

    async def drain(self, timeout_cycles: int = 200_000):
        """Wait until every queued transfer completed (or was discarded by a reset)."""
        for _ in range(timeout_cycles):
            if self.bfm.idle():
                break
            await RisingEdge(self.dut.clk)
        else:
            raise AssertionError(f"arbiter env: {self.bfm.pending} transfer(s) still "
                                 f"pending after {timeout_cycles} cycles (deadlock?)")
        await ClockCycles(self.dut.clk, 4)
        self.scoreboard.final_epoch = self.reset_bfm.count
