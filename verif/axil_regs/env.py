"""pyuvm environment of the AXI4-Lite register block (``radacs_axil_regs_mmu``).

::

  CsrSequence --> uvm_sequencer --> CsrDriver --> cocotbext-axi AxiLiteMaster ==> s_axil_*
                                                  (pause generators on AW, W, B, AR, R)
  HwBfm: drives the RO inputs and W1C set pulses at random, samples every pin at the
         falling edge --> CycleSample --> CsrMonitor.cycle_ap
                                             |
            +--------------------------------+
            v
  CsrScoreboard: RegModel (ip/mmu/regmap.py, the same table as the RTL) updated at
  every clock edge from the handshakes it sees; predicts every R and B response
  (ScoreboardBase streams "r", "b") and every hardware output in every cycle (RW
  values, W1C sticky bits, W1P pulses); checks that BVALID/RVALID and their payload
  are held until accepted.  Emits coverage events --> CsrCoverage (fails on holes).

The timing contract it checks is the one of ``ip/axi/axil_regs.py``: a write takes
effect at the edge that raises BVALID (W1P pulses in that first BVALID cycle); a read
captures the register at the edge that accepts AR, before a write committed at that
same edge; W1C set pulses act at the next edge and win over a clear.
"""
from __future__ import annotations

import itertools

import cocotb
from cocotb.triggers import ClockCycles, FallingEdge, ReadOnly, RisingEdge
from cocotbext.axi import AxiLiteBus, AxiLiteMaster
from pyuvm import (ConfigDB, uvm_analysis_port, uvm_component, uvm_driver, uvm_env,
                   uvm_sequence, uvm_sequence_item, uvm_sequencer, uvm_subscriber)

from ip.axi.axil_regs import AXIL_PORTS
from ip.mmu.regmap import MMU_REGMAP, RegModel
from verif.axil_regs.checker import BuggyRegModel, CycleSample, EdgeChecker
from verif.common.pause import pause_generator
from verif.common.uvm import CoverageBase, ResetAgent, ScoreboardBase

ADDR_SPACE = 256   # 8-bit s_axil_awaddr / araddr of the standalone top


# --- sequence items ---------------------------------------------------------------------

class CsrItem(uvm_sequence_item):
    """One CSR access: a read of a word, or a write of ``nbytes`` lanes from lane ``lo``
    (cocotbext-axi turns the byte range into WSTRB)."""

    def __init__(self, name="csr", kind="read", offset=0, data=0, lo=0, nbytes=4):
        super().__init__(name)
        self.kind, self.offset, self.data, self.lo, self.nbytes = kind, offset, data, lo, nbytes
        self.result = None

    @property
    def strb(self) -> int:
        return ((1 << self.nbytes) - 1) << self.lo

    def randomize(self, rng, regmap=MMU_REGMAP, unmapped_prob=0.08):
        self.kind = rng.choice(("read", "write"))
        if rng.random() < unmapped_prob:
            self.offset = rng.choice([o for o in range(0, ADDR_SPACE, 4) if regmap.at(o) is None])
        else:
            self.offset = rng.choice(regmap.registers).offset
        self.data = rng.choice((0, 0xFFFFFFFF, rng.getrandbits(32), rng.getrandbits(32)))
        if rng.random() < 0.35:
            self.lo = rng.randint(0, 3)
            self.nbytes = rng.randint(1, 4 - self.lo)
        else:
            self.lo, self.nbytes = 0, 4
        return self

    def __eq__(self, other):
        return (isinstance(other, CsrItem) and (self.kind, self.offset, self.data, self.strb)
                == (other.kind, other.offset, other.data, other.strb))

    def __str__(self):
        if self.kind == "read":
            return f"read 0x{self.offset:02x}"
        return f"write 0x{self.offset:02x} data=0x{self.data:08x} strb={self.strb:04b}"


class CsrSequence(uvm_sequence):
    """Random accesses (``count``), or the given ``items`` as they are."""

    def __init__(self, name, rng, count=0, items=None, unmapped_prob=0.08):
        super().__init__(name)
        self.rng, self.count, self.items, self.unmapped_prob = rng, count, items, unmapped_prob

    async def body(self):
        items = self.items or [CsrItem().randomize(self.rng, unmapped_prob=self.unmapped_prob)
                               for _ in range(self.count)]
        for it in items:
            await self.start_item(it)
            await self.finish_item(it)


def sweep_items(rng, regmap=MMU_REGMAP) -> list[CsrItem]:
    """Every register read, written in full, written in one byte lane that holds a
    writable field, and read back; every W1P field written 1 on its own; every unmapped
    kind of offset read and written."""
    out = []
    for r in regmap:
        out += [CsrItem(kind="read", offset=r.offset),
                CsrItem(kind="write", offset=r.offset, data=rng.getrandbits(32)),
                CsrItem(kind="read", offset=r.offset)]
        lanes = sorted({b for f in r.fields if f.access != "RO" for b in range(4)
                        if f.mask >> 8 * b & 0xFF}) or [rng.randint(0, 3)]
        out += [CsrItem(kind="write", offset=r.offset, data=rng.getrandbits(32),
                        lo=rng.choice(lanes), nbytes=1),
                CsrItem(kind="read", offset=r.offset)]
        for f in r.fields:
            if f.access == "W1P":
                out.append(CsrItem(kind="write", offset=r.offset, data=f.mask))
    # Unmapped offsets: the first hole, the first word after the map, the last word.
    mapped = {r.offset for r in regmap}
    holes = [o for o in range(0, 0x100, 4) if o not in mapped]
    after = max(mapped) + 4
    for o in sorted({holes[0], after if after < 0x100 else holes[-1], 0xFC}):
        out += [CsrItem(kind="read", offset=o), CsrItem(kind="write", offset=o, data=0xFFFFFFFF)]
    return out


# --- driver: the AXI4-Lite master ----------------------------------------------------------

class CsrDriver(uvm_driver):
    """Hands each item to cocotbext-axi's AxiLiteMaster, up to ``MAX_OUTSTANDING`` per
    direction in flight (so reads and writes overlap)."""

    MAX_OUTSTANDING = 2

    def build_phase(self):
        self.dut = ConfigDB().get(self, "", "dut")
        self.outstanding = {"read": 0, "write": 0}
        self.master: AxiLiteMaster | None = None
        self.completed = 0

    async def run_phase(self):
        while True:
            item = await self.seq_item_port.get_next_item()
            while self.outstanding[item.kind] >= self.MAX_OUTSTANDING:
                await RisingEdge(self.dut.clk)
            self.outstanding[item.kind] += 1
            cocotb.start_soon(self._execute(item))
            self.seq_item_port.item_done()

    async def _execute(self, item: CsrItem):
        try:
            if item.kind == "read":
                item.result = await self.master.read(item.offset, 4)
            else:
                data = (item.data >> 8 * item.lo) & ((1 << 8 * item.nbytes) - 1)
                item.result = await self.master.write(item.offset + item.lo,
                                                      data.to_bytes(item.nbytes, "little"))
        finally:
            self.outstanding[item.kind] -= 1
            self.completed += 1

    def idle(self) -> bool:
        return not any(self.outstanding.values()) and self.master.idle()


# --- BFM: the hardware side and the sampler ------------------------------------------------

class HwBfm:
    """Owns the hardware-side pins: RO inputs take random values (each changes with
    probability ``change_prob`` per cycle), W1C ``_set`` inputs pulse at random
    (``set_prob`` per cycle); drives after the rising edge, samples every pin of the DUT
    at the falling edge and hands the sample to ``listeners``."""

    def __init__(self, dut, regmap, rng, change_prob=0.2, set_prob=0.05):
        self.dut, self.rng = dut, rng
        self.regmap = regmap
        self.inputs = [p for p in regmap.hw_ports() if p.direction == "in"]
        self.hw = {p.name: getattr(dut, p.name) for p in regmap.hw_ports()}
        self.axi = {n: getattr(dut, f"s_axil_{n}") for n in AXIL_PORTS}
        self.change_prob, self.set_prob = change_prob, set_prob
        self.listeners = []
        self.last_sample: CycleSample | None = None

    def _random(self, width):
        return self.rng.choice((0, (1 << width) - 1, self.rng.getrandbits(width)))

    def start(self):
        for p in self.inputs:
            self.hw[p.name].value = 0
        cocotb.start_soon(self._drive())
        cocotb.start_soon(self._sample())

    async def _drive(self):
        while True:
            await RisingEdge(self.dut.clk)
            for p in self.inputs:
                if p.role == "set":
                    pulse = self.rng.random() < self.set_prob
                    self.hw[p.name].value = self.rng.getrandbits(p.width) | 1 if pulse else 0
                elif self.rng.random() < self.change_prob:
                    self.hw[p.name].value = self._random(p.width)

    @staticmethod
    def _get(sig):
        v = sig.value
        return int(v) if v.is_resolvable else None

    async def _sample(self):
        while True:
            await FallingEdge(self.dut.clk)
            await ReadOnly()
            s = CycleSample(self._get(self.dut.rst_n),
                            {n: self._get(h) for n, h in self.axi.items()},
                            {n: self._get(h) for n, h in self.hw.items()})
            self.last_sample = s
            for fn in self.listeners:
                fn(s)


class CsrMonitor(uvm_component):
    def build_phase(self):
        self.cycle_ap = uvm_analysis_port("cycle_ap", self)

    def connect_phase(self):
        ConfigDB().get(self, "", "hw_bfm").listeners.append(self.cycle_ap.write)


class _Imp(uvm_subscriber):
    def __init__(self, name, parent, fn):
        super().__init__(name, parent)
        self.fn = fn

    def write(self, s):
        self.fn(s)


# --- scoreboard --------------------------------------------------------------------------

class CsrScoreboard(ScoreboardBase):
    """Edge-by-edge register model (:class:`~verif.axil_regs.checker.EdgeChecker`):
    R/B responses go through the base class's reset-aware streams, output and
    protocol mismatches through :meth:`error`, coverage events to ``cov_ap``."""

    def build_phase(self):
        super().build_phase()
        self.regmap = ConfigDB().get(self, "", "regmap")
        cls = BuggyRegModel if self.knobs.inject_bug else RegModel
        self.logger.info(f"register model: {cls.__name__}")
        self.checker = EdgeChecker(self.regmap, cls(self.regmap),
                                   expect=self.exp_fifo.analysis_export.write,
                                   actual=self.act_fifo.analysis_export.write,
                                   error=self.error)
        self.cycle_export = _Imp("cycle_imp", self, self.on_cycle).analysis_export
        self.cov_ap = uvm_analysis_port("cov_ap", self)

    @property
    def epoch(self) -> int:
        return self.checker.epoch

    def on_cycle(self, s: CycleSample):
        hits = self.checker.on_cycle(s)
        if hits:
            self.cov_ap.write(hits)

    def check_extra(self):
        self.checker.finish()
        self.logger.info(f"scoreboard: {self.checker.cycles_checked} cycles checked")


# --- coverage ----------------------------------------------------------------------------

class CsrCoverage(CoverageBase):
    """Per register x access, per W1P/W1C field behaviour, unmapped offsets, AW/W order,
    resets in the middle of a read and of a write."""

    def bins(self):
        regmap = ConfigDB().get(self, "", "regmap")
        regs = []
        for r in regmap:
            regs += [f"{r.name}.read", f"{r.name}.write"]
            if any(f.access != "RO" for f in r.fields):
                regs.append(f"{r.name}.write_partial")
        fields = []
        for p in regmap.hw_ports():
            if p.role == "pulse":
                fields.append(f"pulse.{p.name}")
            elif p.field.access == "W1C" and p.role == "value":
                fields += [f"set.{p.name}", f"clear.{p.name}"]
        return {"register_access": regs, "field_behaviour": fields,
                "unmapped": ["unmapped.read", "unmapped.write"],
                "aw_w_order": ["order.together", "order.aw_first", "order.w_first"],
                "reset": ["reset.mid_write", "reset.mid_read"]}

    def events(self, hits):
        return hits


# --- the environment -----------------------------------------------------------------------

class CsrEnv(uvm_env):
    def build_phase(self):
        self.knobs = ConfigDB().get(self, "", "knobs")
        self.dut = ConfigDB().get(self, "", "dut")
        self.rng = ConfigDB().get(self, "", "test_rng")
        ConfigDB().set(None, "*", "regmap", MMU_REGMAP)
        self.bfm = HwBfm(self.dut, MMU_REGMAP, self.rng)
        ConfigDB().set(None, "*", "hw_bfm", self.bfm)
        self.seqr = uvm_sequencer("seqr", self)
        self.driver = CsrDriver("driver", self)
        self.monitor = CsrMonitor("monitor", self)
        self.scoreboard = CsrScoreboard("scoreboard", self)
        self.coverage = CsrCoverage("coverage", self)
        self.reset_agent = ResetAgent("reset_agent", self)

    def connect_phase(self):
        self.driver.seq_item_port.connect(self.seqr.seq_item_export)
        self.monitor.cycle_ap.connect(self.scoreboard.cycle_export)
        self.scoreboard.cov_ap.connect(self.coverage.analysis_export)

    def start_of_simulation_phase(self):
        bus = AxiLiteBus.from_prefix(self.dut, "s_axil")
        self.master = AxiLiteMaster(bus, self.dut.clk, self.dut.rst_n, reset_active_level=False)
        self.driver.master = self.master
        self.set_pauses()
        self.bfm.start()

    def channels(self):
        w, r = self.master.write_if, self.master.read_if
        return {"aw": w.aw_channel, "w": w.w_channel, "b": w.b_channel,
                "ar": r.ar_channel, "r": r.r_channel}

    def set_pauses(self, mode: str | None = None, **fixed):
        """Pause generators on all five channels: ``mode`` (default the stress knob),
        or a given iterator per channel (``aw=itertools.repeat(1)``)."""
        for name, ch in self.channels().items():
            gen = fixed.get(name) or pause_generator(mode or self.knobs.stress, self.rng)
            ch.set_pause_generator(gen)

    async def drain(self, timeout_cycles: int = 100_000):
        """Wait until every access issued has completed (or was flushed by a reset)."""
        for _ in range(timeout_cycles):
            if self.driver.idle():
                break
            await RisingEdge(self.dut.clk)
        else:
            raise AssertionError(f"axil_regs env: accesses still pending after "
                                 f"{timeout_cycles} cycles (deadlock?)")
        await ClockCycles(self.dut.clk, 4)
        self.scoreboard.final_epoch = self.scoreboard.epoch


def hold(cycles: int):
    """A pause generator: pause ``cycles`` cycles, then never again."""
    return itertools.chain(itertools.repeat(1, cycles), itertools.repeat(0))
