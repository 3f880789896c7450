"""pyuvm environment of the feature cache (``ip/feature_cache``).

Dataflow::

    FcSequence --FcOp (program op, verif.feature_cache.program)--> FcDriver
        CSR ops  --> AxiLiteMaster (cocotbext-axi, stress pauses on its 5 channels)
        phase    --> ValidReadySource s_axis (tid, tdata, tlast; idle insertion)
                 --> ValidReadySource s_ld (slot; idle insertion)
        every op, when issued (reset epoch stamped) --> FcScoreboard.op_export
        CSR read data -------------------------------> FcScoreboard.act_export
    DUT st_resp / ld_resp / m_axis --> ValidReadySinks (backpressure) --> FcMonitor:
        StResp, LdResp, Feature (beats to tlast) --> FcScoreboard.act_export
    PinSampler (s_axis / m_axis / s_ld handshakes, rst_n, every cycle) --> FcCoverage

The scoreboard applies every op to :class:`models.feature_cache.FeatureCacheModel` in
issue order when it is issued (resetting the model at a new reset epoch) and expects
its store responses, load responses, loaded features and CSR read values, in order per
stream; a reset may cut the stream of its epoch short (prefix rule of
``ScoreboardBase``), in the last epoch everything must arrive.  Every m_axis beat is
also checked for a constant ``tdest`` within a feature.  Coverage bins are the
testpoints of ip/feature_cache/README.md.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import cocotb
from cocotb.triggers import ClockCycles, RisingEdge
from pyuvm import (ConfigDB, uvm_analysis_port, uvm_component, uvm_driver, uvm_env,
                   uvm_sequence, uvm_sequence_item, uvm_sequencer, uvm_subscriber)

from ip.feature_cache import regmap
from models import feature_cache as fcm
from models.feature_cache import FeatureCacheModel
from verif.common import mmu_env as me
from verif.common.bfm import ValidReadySink, ValidReadySource
from verif.common.pause import pause_generator
from verif.common.uvm import CoverageBase, ResetAgent, ScoreboardBase
from verif.feature_cache.program import ERR_SIZE, err_base, model_for, op_str

PHASE_TIMEOUT = 100_000   # cycles a phase may take before the driver calls it a deadlock


# ---------------------------------------------------------------------------- items
class FcOp(uvm_sequence_item):
    """One program operation (see verif.feature_cache.program)."""

    def __init__(self, name="fc_op", op=None):
        super().__init__(name)
        self.op = op
        self.epoch = 0

    def __str__(self):
        return f"{op_str(self.op)}@epoch{self.epoch}"

    __repr__ = __str__


@dataclass
class Obs:
    """An expected or observed transaction on one stream (``key``)."""
    key: str                 # "st" | "ld" | "feat" | "csr"
    value: tuple
    epoch: int = 0
    note: str = field(default="", compare=False)

    def __eq__(self, other):
        return (self.key, self.value) == (other.key, other.value)

    def __str__(self):
        if self.key == "feat":
            dest, beats = self.value
            return f"feature(tdest={dest}, {len(beats)} beats: {[hex(b) for b in beats[:6]]}...)"
        if self.key == "csr":
            return f"{self.value[0]}={self.value[1]:#x}"
        return f"{self.key}:{fcm.Response(*self.value)} {self.note}"

    __repr__ = __str__


# ------------------------------------------------------------------------------ BFMs
class PinSampler:
    """Samples the stream handshakes every cycle at the falling edge (the BFM timing
    convention) for coverage."""

    PINS = ("s_axis_tvalid", "s_axis_tready", "s_axis_tlast", "m_axis_tvalid",
            "m_axis_tready", "m_axis_tlast", "s_ld_valid", "s_ld_ready")

    def __init__(self, dut, callback):
        self.bfm = me.PinBfm(dut, self.PINS, callback)

    def start(self):
        cocotb.start_soon(self.bfm.run())


# ----------------------------------------------------------------------- components
class FcSequence(uvm_sequence):
    def __init__(self, name="fc_seq", program=None):
        super().__init__(name)
        self.program = program or []

    async def body(self):
        for op in self.program:
            item = FcOp(op=op)
            await self.start_item(item)
            await self.finish_item(item)


class FcDriver(uvm_driver):
    """Executes program ops on the CSR master and the two stream sources."""

    def build_phase(self):
        self.op_ap = uvm_analysis_port("op_ap", self)
        self.csr_ap = uvm_analysis_port("csr_ap", self)
        self.knobs = ConfigDB().get(self, "", "knobs")
        self.reset_bfm = ConfigDB().get(self, "", "reset_bfm")
        p = self.knobs.params
        self.off = {r.name: r.offset for r in regmap(p["SLOTS"], p["SLOT_WORDS"],
                                                     p.get("BACKING", "onchip"),
                                                     p["DATA_BYTES"])}
        # The true model, to know how many features a phase delivers (the scoreboard
        # checks with its own, possibly deliberately wrong, model).
        self.shadow = model_for(p)
        self.shadow_epoch = 0
        self.busy = False
        self.env = None

    def _sync_shadow(self):
        if self.reset_bfm.count != self.shadow_epoch:
            self.shadow.reset()
            self.shadow_epoch = self.reset_bfm.count

    async def run_phase(self):
        while True:
            item = await self.seq_item_port.get_next_item()
            self.busy = True
            await self.execute(item)
            self.busy = False
            self.seq_item_port.item_done()

    async def execute(self, item: FcOp):
        env, op = self.env, item.op
        # Never issue while the reset is asserted: the op would be stamped with the new
        # epoch and then lost in the reset.
        while self.reset_bfm.in_reset:
            await RisingEdge(env.dut.clk)
        self._sync_shadow()
        item.epoch = self.reset_bfm.count
        self.op_ap.write(item)
        epoch = item.epoch
        if op[0] == "w":
            self.shadow.write(op[1], op[2])
            await env.csr.write_dword(self.off[op[1]], op[2] & 0xFFFFFFFF)
        elif op[0] == "r":
            v = await env.csr.read_dword(self.off[op[1]])
            if self.reset_bfm.count == epoch:
                self.csr_ap.write(Obs("csr", (op[1], v), epoch))
        elif op[0] == "step":
            self.shadow.write_step(op[1])
            await env.csr.write_dword(self.off["STEP"], (1 << 31) | (op[1] & 0xFFFF))
            for _ in range(100):
                if self.reset_bfm.count != epoch:
                    break
                if not (await env.csr.read_dword(self.off["STATUS"])) & 1:
                    break
            else:
                raise AssertionError(f"STATUS.busy still set 100 reads after STEP={op[1]}")
        elif op[0] == "phase":
            await self.phase(op[1], op[2], epoch)
        else:
            raise ValueError(f"unknown op {op!r}")

    async def phase(self, stores, loads, epoch):
        env, mon = self.env, self.env.monitor
        want = {k: mon.count[k] for k in ("st", "ld", "feat")}
        for slot, bs in stores:
            self.shadow.store(slot, bs)
            for i, b in enumerate(bs):
                env.st_src.send({"tid": slot, "tdata": b, "tlast": int(i == len(bs) - 1)})
        for slot in loads:
            _, data = self.shadow.load(slot)
            env.ld_src.send({"tid": slot})
            want["feat"] += bool(data)
        want["st"] += len(stores)
        want["ld"] += len(loads)
        for _ in range(PHASE_TIMEOUT):
            await RisingEdge(env.dut.clk)
            if self.reset_bfm.count != epoch:
                # A reset cut the phase: the sources discarded what was queued.
                self._sync_shadow()
                await ClockCycles(env.dut.clk, 2)
                return
            if all(mon.count[k] >= want[k] for k in want) and env.st_src.idle() \
                    and env.ld_src.idle():
                return
        raise AssertionError(f"phase did not complete in {PHASE_TIMEOUT} cycles: "
                             f"expected {want}, observed {dict(mon.count)} (deadlock?)")


class FcMonitor(uvm_component):
    """Turns sink beats into responses and whole features."""

    def build_phase(self):
        self.ap = uvm_analysis_port("ap", self)
        self.reset_bfm = ConfigDB().get(self, "", "reset_bfm")
        self.count = {"st": 0, "ld": 0, "feat": 0}
        self.partial = []
        self.partial_epoch = 0
        self.errors = []

    def st_resp(self, beat):
        self.count["st"] += 1
        self.ap.write(Obs("st", (beat["tdata"], beat["tid"]), self.reset_bfm.count))

    def ld_resp(self, beat):
        self.count["ld"] += 1
        self.ap.write(Obs("ld", (beat["tdata"], beat["tid"]), self.reset_bfm.count))

    def data(self, beat):
        if self.partial and self.partial_epoch != self.reset_bfm.count:
            self.partial = []           # cut by a reset
        self.partial_epoch = self.reset_bfm.count
        self.partial.append(beat)
        if beat["tlast"]:
            dests = {b["tdest"] for b in self.partial}
            if len(dests) != 1:
                self.errors.append(f"tdest changed inside a feature: {sorted(dests)}")
            self.count["feat"] += 1
            self.ap.write(Obs("feat", (beat["tdest"], [b["tdata"] for b in self.partial]),
                              self.reset_bfm.count))
            self.partial = []


class BuggyFeatureCacheModel(FeatureCacheModel):
    """Deliberately wrong model for the injected-bug tests: a retrieve step's load of a
    fresh slot is predicted STALE when the slot was stored more than one step ago
    (as if FRESH were cleared at every step, a plausible misreading of DeepCache),
    and the last beat of a stored feature is flipped in bit 0."""

    def store(self, slot, beats):
        if len(beats) > 1:
            beats = beats[:-1] + [beats[-1] ^ 1]
        return super().store(slot, beats)

    def classify(self, slot):
        code = super().classify(slot)
        if code == fcm.OK and self.slots[slot].step + 1 < self.step:
            return fcm.STALE
        return code


class _Imp(uvm_subscriber):
    def __init__(self, name, parent, fn):
        super().__init__(name, parent)
        self.fn = fn

    def write(self, x):
        self.fn(x)


class FcScoreboard(ScoreboardBase):
    """Applies each issued op to the model; expects its responses, features and reads."""

    def build_phase(self):
        super().build_phase()
        p = self.knobs.params
        cls = BuggyFeatureCacheModel if self.knobs.inject_bug else FeatureCacheModel
        self.model = model_for(p, cls)
        self.logger.info(f"golden model: {cls.__name__}")
        self.model_epoch = 0
        self.op_export = _Imp("op_imp", self, self.on_op).analysis_export
        self.listeners = []      # coverage: callables(set of labels)
        self.ops = 0
        self.monitor = None

    def expect(self, key, value, epoch, note=""):
        self.exp_export.write(Obs(key, value, epoch, note))

    def on_op(self, item: FcOp):
        m, op, e = self.model, item.op, item.epoch
        if e != self.model_epoch:
            m.reset()
            self.model_epoch = e
        self.ops += 1
        ev = set()
        if op[0] == "w":
            if op[1] == "CTRL" and op[2] & 1:
                ev.add("invalidate")
            if op[1] == "POLICY":
                ev.add("bitmap" if op[2] & 1 else "uniform")
            m.write(op[1], op[2])
        elif op[0] == "step":
            m.write_step(op[1])
        elif op[0] == "r":
            self.expect("csr", (op[1], m.read(op[1])), e)
        elif op[0] == "phase":
            for slot, bs in op[1]:
                if slot < m.n and m.slots[slot].valid and len(bs) <= m.cap:
                    ev.add("refresh")
                n = len(bs)
                ev |= {f"len_{k}" for k, v in (("cap_minus1", m.cap - 1), ("cap", m.cap),
                                                ("cap_plus1", m.cap + 1)) if n == v}
                if m.dram and slot < m.n and m.caps[slot] < m.cap:
                    if n == m.caps[slot]:
                        ev.add("dram_cap_csr")
                    elif n > m.caps[slot]:
                        ev.add("dram_cap_csr_overflow")
                r = m.store(slot, bs)
                self.expect("st", (r.code, r.slot), e, f"({n} beats)")
            for slot in op[2]:
                if not any(s.valid for s in m.slots):
                    ev.add("empty")
                r, data = m.load(slot)
                self.expect("ld", (r.code, r.slot), e)
                if data:
                    self.expect("feat", (slot, data), e)
        for cb in self.listeners:
            cb(ev)

    def check_extra(self):
        if self.monitor is not None:
            for msg in self.monitor.errors:
                self.error(msg)
        self.logger.info(f"scoreboard: {self.ops} ops applied to the model")


class FcCoverage(CoverageBase):
    """Bins named after the testplan's testpoints (ip/feature_cache/README.md)."""

    def build_phase(self):
        p = ConfigDB().get(self, "", "knobs").params
        self.nslots = p["SLOTS"]
        self.dram = p.get("BACKING", "onchip") == "dram"
        super().build_phase()
        self.in_store = False
        self.in_load = False
        self.prev_rst = 1

    def bins(self):
        errs = ["err_miss", "err_stale", "err_overflow", "err_bad_step", "err_bad_policy"]
        if self.nslots < 16:
            errs.append("err_bad_slot")
        return {
            "load": ["hit", "miss", "stale", "empty"],
            "store": ["refresh", "full", "len_cap_minus1", "len_cap", "len_cap_plus1"],
            "control": ["invalidate", "uniform", "bitmap", "decision_full",
                        "decision_retrieve"],
            "errors": errs,
            "streams": ["concurrent", "load_backpressure", "store_idle", "reset_mid_store",
                        "reset_mid_load"],
            **({"dram": ["dram_cap_csr", "dram_cap_csr_overflow", "err_axi_store",
                         "err_axi_load"]} if self.dram else {}),
        }

    def events(self, ev):
        return ev

    # --- sources of events --------------------------------------------------------
    def on_obs(self, o: Obs):
        ev = set()
        if o.key == "ld":
            ev.add({fcm.OK: "hit", fcm.MISS: "miss", fcm.STALE: "stale",
                    fcm.BAD_SLOT: "err_bad_slot"}[o.value[0]])
            if o.value[0] in (fcm.MISS, fcm.STALE):
                ev.add("err_" + fcm.CODES[o.value[0]].lower())
        elif o.key == "st":
            if o.value[0] == fcm.OVERFLOW:
                ev.add("err_overflow")
            elif o.value[0] == fcm.BAD_SLOT:
                ev.add("err_bad_slot")
            elif o.value[0] == fcm.AXI_ERR:
                ev.add("err_axi_store")
        elif o.key == "csr":
            name, v = o.value
            if name == "STATUS":
                ev.add("decision_full" if v & 2 else "decision_retrieve")
            if name == "LAST_LOAD" and v & 7 == fcm.AXI_ERR:
                ev.add("err_axi_load")
            if name == "ERR_FLAGS":
                if v >> fcm.BAD_STEP & 1:
                    ev.add("err_bad_step")
                if v >> fcm.BAD_POLICY & 1:
                    ev.add("err_bad_policy")
        if ev:
            self.write(ev)

    def on_labels(self, ev):
        ev = set(ev)
        if "len_cap" in ev:
            ev.add("full")
        if ev:
            self.write(ev)

    def on_cycle(self, s):
        ev = set()
        if not s["rst_n"]:
            if self.prev_rst:
                if self.in_store:
                    ev.add("reset_mid_store")
                if self.in_load:
                    ev.add("reset_mid_load")
            self.in_store = self.in_load = False
            self.prev_rst = 0
            if ev:
                self.write(ev)
            return
        self.prev_rst = 1
        st = s["s_axis_tvalid"] and s["s_axis_tready"]
        ld = s["m_axis_tvalid"] and s["m_axis_tready"]
        if st and ld:
            ev.add("concurrent")
        if s["m_axis_tvalid"] and not s["m_axis_tready"]:
            ev.add("load_backpressure")
        if self.in_store and not s["s_axis_tvalid"]:
            ev.add("store_idle")
        if st:
            self.in_store = not s["s_axis_tlast"]
        if s["m_axis_tvalid"]:
            self.in_load = not (ld and s["m_axis_tlast"])
        if ev:
            self.write(ev)


class FcEnv(uvm_env):
    def build_phase(self):
        self.knobs = ConfigDB().get(self, "", "knobs")
        self.dut = ConfigDB().get(self, "", "dut")
        self.reset_bfm = ConfigDB().get(self, "", "reset_bfm")
        self.seqr = uvm_sequencer("seqr", self)
        self.driver = FcDriver("driver", self)
        self.monitor = FcMonitor("monitor", self)
        self.scoreboard = FcScoreboard("scoreboard", self)
        self.coverage = FcCoverage("coverage", self)
        self.reset_agent = ResetAgent("reset_agent", self)

    def connect_phase(self):
        self.driver.env = self
        self.scoreboard.monitor = self.monitor
        self.driver.seq_item_port.connect(self.seqr.seq_item_export)
        self.driver.op_ap.connect(self.scoreboard.op_export)
        self.driver.csr_ap.connect(self.scoreboard.act_export)
        self.monitor.ap.connect(self.scoreboard.act_export)
        self.driver.csr_ap.connect(_Imp("cov_csr", self, self.coverage.on_obs).analysis_export)
        self.monitor.ap.connect(_Imp("cov_mon", self, self.coverage.on_obs).analysis_export)
        self.scoreboard.listeners.append(self.coverage.on_labels)

    def start_of_simulation_phase(self):
        rng = ConfigDB().get(self, "", "test_rng")
        d, stress = self.dut, self.knobs.stress
        self.csr = me.make_csr(d, rng, stress)
        p = self.knobs.params
        self.ram = None
        if p.get("BACKING", "onchip") == "dram":
            # cocotbext-axi AxiRam on m_axi (random pauses on AW, W, B, AR, R with the
            # stress knob), one SLVERR block at err_base (the programs' AXI_ERR tests)
            eb = err_base(p)
            self.ram = me.Dram(d, rng, stress, eb + 4096)
            self.ram.add_region(eb, ERR_SIZE, 2)
        self.st_src = ValidReadySource(d, d.clk, d.rst_n, prefix="s_axis",
                                       pause=pause_generator(stress, rng)).start()
        self.ld_src = ValidReadySource(d, d.clk, d.rst_n,
                                       signals={"tvalid": "s_ld_valid", "tready": "s_ld_ready",
                                                "tid": "s_ld_slot"},
                                       pause=pause_generator(stress, rng)).start()
        self.sinks = [
            ValidReadySink(d, d.clk, d.rst_n, signals={"tvalid": "st_resp_valid",
                                                       "tready": "st_resp_ready",
                                                       "tdata": "st_resp_code",
                                                       "tid": "st_resp_slot"},
                           pause=pause_generator(stress, rng), callback=self.monitor.st_resp),
            ValidReadySink(d, d.clk, d.rst_n, signals={"tvalid": "ld_resp_valid",
                                                       "tready": "ld_resp_ready",
                                                       "tdata": "ld_resp_code",
                                                       "tid": "ld_resp_slot"},
                           pause=pause_generator(stress, rng), callback=self.monitor.ld_resp),
            ValidReadySink(d, d.clk, d.rst_n, prefix="m_axis",
                           pause=pause_generator(stress, rng), callback=self.monitor.data),
        ]
        for s in self.sinks:
            s.start()
        self.sampler = PinSampler(d, self.coverage.on_cycle)
        self.sampler.start()

    def set_stress(self, mode: str | None = None):
        """Switch idle insertion / backpressure of every stream (default: the knob)."""
        rng = ConfigDB().get(self, "", "test_rng")
        mode = mode or self.knobs.stress
        self.st_src.pause = pause_generator(mode, rng)
        self.ld_src.pause = pause_generator(mode, rng)
        for s in self.sinks:
            s.pause = pause_generator(mode, rng)
        if self.ram is not None:
            self.ram.set_stress(mode, rng)

    async def drain(self, timeout_cycles: int = 200_000):
        for _ in range(timeout_cycles):
            if not self.driver.busy:
                break
            await RisingEdge(self.dut.clk)
        else:
            raise AssertionError("feature_cache env: an op is still running")
        await ClockCycles(self.dut.clk, 8)
        self.scoreboard.final_epoch = self.reset_bfm.count
