"""pyuvm environment of the LMMU top (``ip/lmmu``).

Dataflow::

    LmmuSequence --LmmuItem--> LmmuDriver: places W/X/P in DRAM (backdoor), programs the
        registers and starts through the CSR master (cocotbext-axi AxiLiteMaster, pauses
        on its five channels), polls STATUS until done; resets / soft-resets
        mid-command, second start while busy, as the item asks
        +--item (at start, with the memory image)--> LmmuScoreboard.exp_export
    DUT m0_axi_* (W, P reads) ==> AxiRamRead  \\  one memory (verif.common.mmu_env.Dram):
    DUT m1_axi_* (X reads, Y writes) ==> AxiRam /  random pauses on every channel (the
                                                   stress knob), SLVERR / DECERR regions
    PinBfm (samples both ports' handshakes, port 0's write outputs and irq at the
        falling edge) --> LmmuMonitor: AR/R/AW/W/B beats per port per command, irq
        edges, port 0 write-channel violations; with the driver's STATUS and counter
        reads one LmmuResult per command
        --> LmmuScoreboard.act_export
        --> LmmuCoverage (one sample per command: the labels it hit)

The scoreboard predicts every command in check_phase with :mod:`models.gemm` and
:mod:`models.quant`: the whole memory image after the command (the Y region bit-exact,
every other byte unchanged; nothing written at all for a rejected command), the error
code, RD_BYTES0 / RD_BYTES1 / WR_BYTES1 = the beats the monitor counted on each port x
B, WR_BYTES0 = 0, WR_BYTES1 = M * ceil(N*OB/B) * B, ACTIVE = K * sum_mt ceil(rows/R) *
sum_nt ceil(cols/C) (timing-independent: always); port 0 never raises AWVALID/WVALID
and holds BREADY high; irq = irq_en & done.  When ``models.lmmu_rtl`` is importable,
ACTIVE and the byte counters also equal its ``counters``, and with no pauses anywhere
(``stress == "none"``) and ``cycle_exact(MAX_BURST, OUTSTANDING)`` CYCLES /
STALL_MEM / STALL_OUT equal it exactly; when it is absent the log says the cycle check
is skipped.  A command aborted by a reset or a soft reset may only have written inside
its Y region; the next command must run correctly.
"""
from __future__ import annotations

import importlib
import importlib.util
import itertools
import random
from dataclasses import dataclass, field

import cocotb
import numpy as np
from cocotb.triggers import ClockCycles, RisingEdge
from pyuvm import (ConfigDB, uvm_analysis_port, uvm_component, uvm_driver, uvm_env,
                   uvm_sequence, uvm_sequence_item, uvm_sequencer)

from ip.mmu import regmap as rm
from models.gemm import gemm
from models.quant import requantize
from verif.common import mmu_env as me
from verif.common.mmu_env import cdiv
from verif.common.uvm import CoverageBase, ResetAgent, ScoreboardBase
from verif.lmmu import at_capacity

MEM_SIZE = 1 << 18             # 256 KiB of DRAM
PLAIN_LIMIT = 0x37000          # commands stay below the error regions
ERR_GRAN = me.ERR_GRAN
STALL_CYCLES = 3000            # busy with no AXI handshake for this long: deadlock
SLVERR_BASE, DECERR_BASE, ERR_SIZE = 0x38000, 0x3C000, 0x2000
LAYOUT_REGS = ("W_ADDR", "W_STRIDE", "X_ADDR", "X_STRIDE", "Y_ADDR", "Y_STRIDE", "P_ADDR")
OFF = {r.name: r.offset for r in rm.MMU_REGMAP}
COUNTERS = ("CYCLES", "ACTIVE", "STALL_MEM", "STALL_OUT", "RD_BYTES0", "WR_BYTES0",
            "RD_BYTES1", "WR_BYTES1")
PORTS = ("m0_axi", "m1_axi")
P0_WRITE_PINS = ("m0_axi_awvalid", "m0_axi_wvalid", "m0_axi_bready")


def cycle_model():
    """``models.lmmu_rtl`` when it exists, else None."""
    if importlib.util.find_spec("models.lmmu_rtl") is None:
        return None
    return importlib.import_module("models.lmmu_rtl")


def active_cycles(M, K, N, tm, tn, R, C):
    """Pass cycles with data: every chunk of every tile issues ceil(rows/R)*ceil(cols/C)
    passes of k data cycles, so K * sum_mt ceil(rows/R) * sum_nt ceil(cols/C)."""
    pm = sum(cdiv(min(tm, M - m0), R) for m0 in range(0, M, tm))
    pn = sum(cdiv(min(tn, N - n0), C) for n0 in range(0, N, tn))
    return K * pm * pn


# ---------------------------------------------------------------------------- items
class LmmuItem(uvm_sequence_item):
    """One LMMU command: shape, tiles, options, data recipe and scenario.

    ``bad``: (register, value, expected code) overriding one register, or
    ((register, ...), (value, ...), code) for several (codes 1..3); ``axi_err``: (buffer
    "W"/"X"/"P"/"Y", response 2 SLVERR / 3 DECERR): that buffer is placed in an error
    region (codes 5 / 6); ``busy_start``: a second start while the command runs (code
    4); ``abort``: ("reset" | "soft" | "soft_rd" | "soft_wr", cycles after the start).
    """

    key = "cmd"

    def __init__(self, name="gemm", **kw):
        super().__init__(name)
        self.M = kw.get("M", 1)
        self.K = kw.get("K", 1)
        self.N = kw.get("N", 1)
        self.TILE_M = kw.get("TILE_M", 4)
        self.TILE_N = kw.get("TILE_N", 4)
        self.TILE_K = kw.get("TILE_K", 4)
        self.bias = bool(kw.get("bias", False))
        self.requant = bool(kw.get("requant", False))
        self.sat = bool(kw.get("sat", False))
        self.data = kw.get("data", "random")
        self.irq_en = bool(kw.get("irq_en", False))
        self.gap = int(kw.get("gap", 0))
        self.seed = int(kw.get("seed", 0))
        self.bad = tuple(kw["bad"]) if kw.get("bad") else None
        self.axi_err = tuple(kw["axi_err"]) if kw.get("axi_err") else None
        self.busy_start = bool(kw.get("busy_start", False))
        self.abort = tuple(kw["abort"]) if kw.get("abort") else None
        self.epoch = 0
        # filled by the driver when the command is issued
        self.regs: dict = {}
        self.baseline: bytes | None = None
        self.W = self.X = self.bias_v = self.mult = self.shift = None
        self.labels: set = set()
        self.stress = "random"
        self.inflight: dict = {}
        self.abort_err = None
        self.outstanding_at_done: dict = {}

    @property
    def out_bytes(self):
        return 1 if self.requant else 4

    @property
    def tiles(self):
        return self.TILE_M, self.TILE_N, self.TILE_K

    def fields(self):
        return (self.M, self.K, self.N, self.tiles, self.bias, self.requant, self.sat,
                self.data, self.seed, self.bad, self.axi_err, self.busy_start, self.abort)

    def __eq__(self, other):
        return isinstance(other, LmmuItem) and self.fields() == other.fields()

    def __str__(self):
        s = (f"gemm(M={self.M}, K={self.K}, N={self.N}, TILE_M={self.TILE_M}, "
             f"TILE_N={self.TILE_N}, TILE_K={self.TILE_K}, bias={int(self.bias)}, "
             f"requant={int(self.requant)}, sat={int(self.sat)}, data={self.data}, "
             f"irq_en={int(self.irq_en)}, seed={self.seed}")
        for n in ("bad", "axi_err", "abort"):
            if getattr(self, n):
                s += f", {n}={getattr(self, n)}"
        if self.busy_start:
            s += ", busy_start"
        return s + ")"

    __repr__ = __str__


@dataclass
class LmmuResult:
    """What one command did, as observed on the pins and through the registers."""
    item: LmmuItem
    err: int | None                 # STATUS.error at done (None: no done / hard reset)
    mem: bytes = b""                # the whole memory image after the command
    counters: dict = field(default_factory=dict)
    bus: dict = field(default_factory=dict)     # {port: beats counted by the monitor}
    irq_rises: int = 0
    irq_checks: list = field(default_factory=list)  # (what, irq seen, irq expected)
    aborted: str | None = None
    busy_at_abort: bool = False
    inflight: dict = field(default_factory=dict)
    p0_write: int = 0               # samples with port 0 AW/W valid or bready low
    epoch: int = 0

    key = "cmd"

    def __str__(self):
        return (f"{self.item}: err={self.err} aborted={self.aborted} bus={self.bus} "
                f"counters={self.counters}")


# ---------------------------------------------------------------------------- monitor
class LmmuMonitor(uvm_component):
    """Counts the AXI handshakes of each command on both ports, irq's rising edges and
    port 0 write-channel activity; turns the driver's observations at the end of a
    command into an LmmuResult."""

    PINS = me.axi_pins("m0_axi") + me.axi_pins("m1_axi") + ("irq",)

    def build_phase(self):
        self.result_ap = uvm_analysis_port("result_ap", self)
        self.env = None
        self.begin()
        self.last_progress = 0
        self._irq = 0
        self.p0_write_total = 0
        self.first_p0_write = None

    def begin(self):
        self.bus = {p: me.new_beats() for p in PORTS}
        self.irq_rises = 0
        self.p0_write = 0

    def sample(self, s):
        if not s["rst_n"]:
            self._irq = 0
            return
        for p in PORTS:
            if me.count_beats(self.bus[p], s, p):
                self.last_progress = s["cycle"]
        if s["m0_axi_awvalid"] or s["m0_axi_wvalid"] or not s["m0_axi_bready"]:
            self.p0_write += 1
            self.p0_write_total += 1
            if self.first_p0_write is None:
                self.first_p0_write = dict(s)
        if s["irq"] and not self._irq:
            self.irq_rises += 1
        self._irq = s["irq"]

    def end(self, item, err, mem, counters, irq_checks, aborted=None, busy_at_abort=False,
            inflight=None):
        res = LmmuResult(item, err, mem, dict(counters),
                         {p: dict(b) for p, b in self.bus.items()}, self.irq_rises,
                         list(irq_checks), aborted, busy_at_abort, dict(inflight or {}),
                         self.p0_write)
        self.result_ap.write(res)
        return res


# ---------------------------------------------------------------------------- sequence
class LmmuSequence(uvm_sequence):
    def __init__(self, name, commands):
        super().__init__(name)
        self.commands = commands

    async def body(self):
        for c in self.commands:
            item = c if isinstance(c, LmmuItem) else LmmuItem("gemm", **c)
            await self.start_item(item)
            await self.finish_item(item)


# ---------------------------------------------------------------------------- data
def prepare(item: LmmuItem, params: dict, rng: random.Random):
    """Operands and the register values of ``item`` (addresses, strides, P records)."""
    B = params["COLS"]
    M, K, N = item.M, item.K, item.N
    (item.W, item.X, item.bias_v, item.mult,
     item.shift) = me.operands(M, K, N, item.seed, item.data, item.sat, item.bias)
    pad = lambda b: cdiv(b, B) * B  # noqa: E731
    ob = item.out_bytes
    # Random gaps between rows and between the buffers, tight when they would not fit.
    for tight in (False, True):
        lay = {"W_STRIDE": pad(K) + B * (0 if tight else rng.choice([0, 0, 1, 3])),
               "X_STRIDE": pad(N) + B * (0 if tight else rng.choice([0, 0, 1, 5])),
               "Y_STRIDE": pad(N * ob) + B * (0 if tight else rng.choice([0, 1, 2]))}
        gap = (lambda: 0) if tight else (lambda: rng.randrange(0, 512))  # noqa: E731
        lay["W_ADDR"] = pad(0x100 if tight else rng.randrange(0x100, 0x4000))
        lay["X_ADDR"] = pad(lay["W_ADDR"] + M * lay["W_STRIDE"] + gap())
        lay["P_ADDR"] = pad(lay["X_ADDR"] + K * lay["X_STRIDE"] + gap())
        lay["Y_ADDR"] = pad(lay["P_ADDR"] + 16 * M + gap())
        if lay["Y_ADDR"] + M * lay["Y_STRIDE"] < PLAIN_LIMIT:
            break
    if item.axi_err:
        buf, code = item.axi_err
        lay[f"{buf}_ADDR"] = (SLVERR_BASE if code == 2 else DECERR_BASE) + 2 * ERR_GRAN
    assert max(lay[f"{b}_ADDR"] for b in "WXPY") + M * lay["Y_STRIDE"] < MEM_SIZE, \
        f"{item} does not fit in {MEM_SIZE:#x} bytes"
    regs = dict(lay, M=M, K=K, N=N, TILE_M=item.TILE_M, TILE_N=item.TILE_N,
                TILE_K=item.TILE_K, CFG=int(item.bias) | int(item.requant) << 1)
    if item.bad:
        names, values, _ = item.bad
        if isinstance(names, str):
            names, values = (names,), (values,)
        regs.update(zip(names, values))
    item.regs = regs
    return regs


def y_rows(item: LmmuItem):
    """(address, length) of each Y row of ``item``."""
    r = item.regs
    return [(r["Y_ADDR"] + m * r["Y_STRIDE"], item.N * item.out_bytes) for m in range(item.M)]


# ---------------------------------------------------------------------------- driver
class LmmuDriver(uvm_driver):
    """Runs one command per item: data into DRAM, registers, start, wait for done."""

    def build_phase(self):
        self.exp_ap = uvm_analysis_port("exp_ap", self)
        self.knobs = ConfigDB().get(self, "", "knobs")
        self.rng = ConfigDB().get(self, "", "test_rng")
        self.env = None
        self.busy = False
        self.prev_done = False
        self.deadlocked = False

    async def wreg(self, name, value):
        await self.env.csr.write_dword(OFF[name], value & 0xFFFFFFFF)

    async def rreg(self, name):
        return await self.env.csr.read_dword(OFF[name])

    def shape_labels(self, item: LmmuItem):
        p = self.knobs.params
        R, C, B = p["ROWS"], p["COLS"], p["COLS"]
        M, K, N = item.M, item.K, item.N
        tm, tn, tk = item.tiles
        ev = {"bias_on" if item.bias else "bias_off",
              "requant_on" if item.requant else "requant_off"}
        if M > tm and M % tm:
            ev.add("edge_tile_m")
        if N > tn and N % tn:
            ev.add("edge_tile_n")
        if K > tk and K % tk:
            ev.add("edge_chunk_k")
        if M % R:
            ev.add("partial_pass_m")
        if N % C:
            ev.add("partial_pass_n")
        if K % B:
            ev.add("unaligned_k")
        if M <= tm and N <= tn and K <= tk:
            ev.add("single_tile")
        if M > tm:
            ev.add("multi_tile_m")
        if N > tn:
            ev.add("multi_tile_n")
        if K > tk:
            ev.add("multi_chunk_k")
        # At capacity: the tile fills the buffer exactly and the command uses a whole
        # tile of that buffer (W: TILE_M rows x TILE_K; X: TILE_K x TILE_N; O: TILE_M x
        # TILE_N).
        caps = at_capacity(p, tm, tn, tk)
        if "W" in caps and M >= tm and K >= tk:
            ev.add("w_at_capacity")
        if "X" in caps and K >= tk and N >= tn:
            ev.add("x_at_capacity")
        if "O" in caps and M >= tm and N >= tn:
            ev.add("o_at_capacity")
        if item.requant and me.saturates(item.W, item.X, item.bias_v if item.bias else None,
                                         item.mult, item.shift):
            ev.add("requant_saturated")
        return ev

    def limit_cycles(self, item: LmmuItem) -> int:
        p = self.knobs.params
        R, C, B = p["ROWS"], p["COLS"], p["COLS"]
        act = active_cycles(item.M, item.K, item.N, item.TILE_M, item.TILE_N, R, C)
        beats = (cdiv(item.N, item.TILE_N) * item.M * cdiv(item.K, B) * 2
                 + cdiv(item.M, item.TILE_M) * item.K * cdiv(item.N, B) * 2
                 + item.M * cdiv(item.N * 4, B) + item.M * 4)
        return 20 * (act + beats) + 20000

    async def wait_done(self, item, limit):
        clk = self.env.dut.clk
        start = self.env.bfm.cycle
        mon = self.env.monitor
        mon.last_progress = start
        while self.env.bfm.cycle - start < limit:
            st = await self.rreg("STATUS")
            if st & 2:
                return st
            await ClockCycles(clk, 16)
            if self.env.bfm.cycle - mon.last_progress > STALL_CYCLES:
                break
        self.env.scoreboard.error(f"no STATUS.done after {self.env.bfm.cycle - start} cycles "
                                  f"(the last {self.env.bfm.cycle - mon.last_progress} without "
                                  f"any AXI handshake): deadlock on {item}; AXI handshakes of "
                                  f"the command: {mon.bus}")
        self.deadlocked = True
        return None

    async def irq_check(self, what, expected, checks):
        await ClockCycles(self.env.dut.clk, 3)
        checks.append((what, self.env.bfm.last_sample.get("irq", 0), int(expected)))

    async def check_hwcfg(self):
        """HWCFG (read-only build constants) names the unit and its array: kind,
        ROWS and COLS of the parameter set."""
        hw = await self.rreg("HWCFG")
        p = self.knobs.params
        want = (rm.KIND_LMMU, p["ROWS"], p["COLS"])
        got = (hw & 0xF, (hw >> 4) & 0xFF, (hw >> 12) & 0xFF)
        if got != want:
            self.env.scoreboard.error(f"HWCFG {hw:#x}: (kind, rows, cols) {got}, "
                                      f"expected {want}")

    async def run_phase(self):
        env = self.env
        clk = env.dut.clk
        p = self.knobs.params
        hwcfg_checked = False
        while True:
            item = await self.seq_item_port.get_next_item()
            if self.deadlocked:
                self.seq_item_port.item_done()
                continue
            if not hwcfg_checked:           # after the power-on reset: the first item
                await self.check_hwcfg()
                hwcfg_checked = True
            self.busy = True
            item.stress = self.knobs.stress
            regs = prepare(item, p, self.rng)
            me.write_operands(env.dram, regs, item.W, item.X, item.bias_v, item.mult,
                              item.shift)
            item.labels = self.shape_labels(item)
            if item.gap == 0 and self.prev_done:
                item.labels.add("back_to_back")
            for _ in range(item.gap):
                await RisingEdge(clk)
            for name, v in regs.items():
                await self.wreg(name, v)
            item.baseline = env.dram.snapshot()
            item.epoch = env.reset_bfm.count
            checks = []
            await self.irq_check("idle before start", 0, checks)
            env.monitor.begin()
            self.exp_ap.write(item)
            ctrl = int(item.irq_en) << 2
            await self.wreg("CTRL", ctrl | 1)
            if item.busy_start:
                await self.wreg("CTRL", ctrl | 1)
            if item.abort:
                await self.run_abort(item, ctrl, checks)
                self.seq_item_port.item_done()
                self.busy = False
                continue
            st = await self.wait_done(item, self.limit_cycles(item))
            if st is not None:
                b = env.monitor.bus
                item.outstanding_at_done = {
                    p: {"read bursts": b[p]["ar"] - b[p]["rl"],
                        "write bursts without B": b[p]["aw"] - b[p]["b"]}
                    for p in PORTS if b[p]["ar"] - b[p]["rl"] or b[p]["aw"] - b[p]["b"]}
            if st is None:
                env.monitor.end(item, None, env.dram.snapshot(), {}, checks)
                # Recover with a port reset so the rest of the test still runs.
                await env.reset_agent.reset(3)
                await ClockCycles(clk, 5)
                self.deadlocked = False
            else:
                await self.irq_check("done set", item.irq_en, checks)
                counters = {n: await self.rreg(n) for n in COUNTERS}
                counters["busy"] = st & 1
                await self.wreg("STATUS", 2)        # W1C done
                await self.irq_check("done cleared", 0, checks)
                env.monitor.end(item, (st >> 4) & 0xF, env.dram.snapshot(), counters, checks)
            self.prev_done = st is not None
            self.busy = False
            self.seq_item_port.item_done()

    async def run_abort(self, item, ctrl, checks):
        """Reset (port or CTRL.soft_reset) ``item.abort[1]`` cycles after the start."""
        env = self.env
        clk = env.dut.clk
        kind, after = item.abort
        await ClockCycles(clk, after)
        busy = bool(await self.rreg("STATUS") & 1)
        held = []
        if kind in ("soft_rd", "soft_wr"):
            # Soft reset while a read (a write) burst is outstanding on the bus.
            b = env.monitor.bus
            for _ in range(20000):
                if kind == "soft_rd":
                    if any(b[p]["ar"] > b[p]["rl"] for p in PORTS):
                        break
                elif b["m1_axi"]["aw"] > b["m1_axi"]["b"]:
                    break
                await RisingEdge(clk)
            # Hold the slaves' R (B) channels so the burst is still outstanding when the
            # soft reset lands; the stress pauses come back afterwards.
            if kind == "soft_rd":
                held = [env.dram.read_port(p).r_channel for p in PORTS]
            else:
                held = [env.dram.ram.write_if.b_channel]
            for ch in held:
                ch.set_pause_generator(itertools.repeat(1))
        if kind == "reset":
            await env.reset_agent.reset(self.rng.randint(1, 4))
            await ClockCycles(clk, 3)
            st = await self.rreg("STATUS")
            if st != 0:
                env.scoreboard.error(f"STATUS = {st:#x} after a reset, expected 0: {item}")
        else:
            await self.wreg("CTRL", ctrl | 2)
            b = env.monitor.bus
            item.inflight = {
                "read bursts": sum(b[p]["ar"] - b[p]["rl"] for p in PORTS),
                "write bursts without all W": b["m1_axi"]["aw"] - b["m1_axi"]["wl"],
                "write bursts without B": b["m1_axi"]["aw"] - b["m1_axi"]["b"]}
            self.logger.info(f"soft reset of {item} after {after} cycles or more, AXI in "
                             f"flight: {item.inflight}")
            if held:
                await ClockCycles(clk, 20)
                for ch in held:
                    me.release(ch, self.knobs.stress, self.rng)
            # A soft reset is an abort: the transfers in flight complete, then done with
            # ERR_ABORTED, unless the command had ended.
            # Poll until STATUS.done (STATUS.busy stays 1 until done is visible, which
            # tests/test_lmmu_sim.py::test_status_busy_done_gap checks every cycle).
            st = await self.rreg("STATUS")
            for _ in range(2000):
                if st & 2 or not (st & 1 or busy):
                    break
                await ClockCycles(clk, 50)
                st = await self.rreg("STATUS")
            if st & 1:
                env.scoreboard.error(f"STATUS = {st:#x}: still busy 100000 cycles after a "
                                     f"soft reset: {item}")
            elif not st & 2:
                env.scoreboard.error(f"STATUS = {st:#x} after a soft reset: done not set: {item}")
            else:
                item.abort_err = (st >> 4) & 0xF
                want = (rm.ERR_ABORTED,) if busy else (rm.ERR_ABORTED, rm.ERR_NONE)
                if item.abort_err not in want:
                    env.scoreboard.error(f"STATUS = {st:#x} after a soft reset: error "
                                         f"{item.abort_err}, expected {want}: {item}")
            await self.wreg("STATUS", 2)
        # Let anything in flight drain before the next command looks at memory.
        await ClockCycles(clk, 200)
        env.monitor.end(item, item.abort_err, env.dram.snapshot(), {}, checks, aborted=kind,
                        busy_at_abort=busy, inflight=item.inflight)
        self.prev_done = False


# ---------------------------------------------------------------------------- scoreboard
class LmmuScoreboard(ScoreboardBase):
    """Predicts each command in check_phase and compares it with the monitor's result
    (one result per command, in order)."""

    def build_phase(self):
        super().build_phase()
        self.params = self.knobs.params
        self.bug = self.knobs.inject_bug
        self.model = cycle_model()
        self.cycle_checked = 0
        self.cycle_skipped = 0

    def predict_y(self, item: LmmuItem) -> np.ndarray:
        W, X = item.W, item.X
        if self.bug and item.K > 1:
            # Injected bug: the model drops the last term of every dot product.
            W, X = W[:, :-1], X[:-1, :]
        acc = gemm(W, X, item.bias_v if item.bias else None)
        if item.requant:
            return requantize(acc, item.mult, item.shift)
        return acc

    def expected_err(self, item: LmmuItem) -> int:
        if item.bad:
            return item.bad[2]
        if item.axi_err:
            return rm.ERR_AXI_WRITE if item.axi_err[0] == "Y" else rm.ERR_AXI_READ
        if item.busy_start:
            return rm.ERR_START_BUSY
        return rm.ERR_NONE

    def compare_streams(self):
        exp = self._drain(self.exp_fifo)
        act = self._drain(self.act_fifo)
        if len(exp) != len(act):
            self.error(f"{len(exp)} command(s) issued, {len(act)} result(s)")
        for i, (item, res) in enumerate(zip(exp, act)):
            if res.item is not item:
                self.error(f"command #{i}: result of {res.item} for {item}")
                continue
            before = len(self.errors)
            self.check_one(i, item, res)
            if len(self.errors) == before:
                self.matched += 1

    def check_extra(self):
        mon = self.env_monitor
        if mon is not None and mon.p0_write_total:
            self.error(f"port 0 wrote: {mon.p0_write_total} sample(s) with m0_axi_awvalid "
                       f"or m0_axi_wvalid high or m0_axi_bready low, first "
                       f"{mon.first_p0_write}")
        try:
            required = ConfigDB().get(self, "", "require_cycle_check")
        except Exception:
            required = False
        p = self.params
        if (required and self.model is not None and not self.cycle_checked
                and self.model.cycle_exact(p["MAX_BURST"], p["OUTSTANDING"])):
            self.error("pause-free test, models.lmmu_rtl present and cycle-exact for this "
                       "set, but no command was checked against it")
        if self.model is None:
            self.logger.warning("models.lmmu_rtl is absent: CYCLES / STALL_MEM / STALL_OUT "
                                "not checked against the cycle model (and the byte counters "
                                "only against the bus monitors)")
        else:
            self.logger.info(f"models.lmmu_rtl: cycle-exact check on {self.cycle_checked} "
                             f"command(s), {self.cycle_skipped} with pauses or not "
                             f"cycle-exact")

    env_monitor = None

    def check_one(self, i, item: LmmuItem, res: LmmuResult):
        p = self.params
        R, C, B = p["ROWS"], p["COLS"], p["COLS"]
        tag = f"command #{i} {item}"
        base = np.frombuffer(item.baseline, dtype=np.uint8)
        got = np.frombuffer(res.mem, dtype=np.uint8)
        rows = y_rows(item)
        for what, seen, want in res.irq_checks:
            if seen != want:
                self.error(f"{tag}: irq = {seen} {what}, expected irq_en & done = {want}")
        if res.aborted:
            stray = me.stray_writes(item.baseline, res.mem, rows)
            if len(stray):
                self.error(f"{tag}: aborted by {res.aborted}, but {len(stray)} byte(s) "
                           f"outside Y changed, first {int(stray[0]):#x}")
            return
        want_err = self.expected_err(item)
        if res.err != want_err:
            self.error(f"{tag}: STATUS.error = {res.err}, expected {want_err}")
            return
        bus0, bus1 = res.bus["m0_axi"], res.bus["m1_axi"]
        if item.outstanding_at_done:
            self.error(f"{tag}: STATUS.done read while AXI bursts were still outstanding "
                       f"(the transfers in flight must complete before done): "
                       f"{item.outstanding_at_done}")
        if item.irq_en and res.irq_rises != 1 or not item.irq_en and res.irq_rises:
            self.error(f"{tag}: irq rose {res.irq_rises} time(s), irq_en={int(item.irq_en)}")
        if want_err in (rm.ERR_ZERO_DIM, rm.ERR_CAPACITY, rm.ERR_MISALIGNED):
            if any(b["ar"] or b["aw"] or b["w"] for b in (bus0, bus1)):
                self.error(f"{tag}: rejected command made AXI traffic {res.bus}")
            if not np.array_equal(base, got):
                self.error(f"{tag}: rejected command changed memory at "
                           f"{int(np.nonzero(base != got)[0][0]):#x}")
            return
        cnt = res.counters
        bus_bytes = {"RD_BYTES0": bus0["r"] * B, "RD_BYTES1": bus1["r"] * B,
                     "WR_BYTES0": 0, "WR_BYTES1": bus1["w"] * B}
        bad = {n: (cnt.get(n), v) for n, v in bus_bytes.items() if cnt.get(n) != v}
        if bad:
            self.error(f"{tag}: byte counters (register, bus monitor) differ: {bad}")
        if cnt.get("busy"):
            self.error(f"{tag}: STATUS.busy still 1 with done")
        if (cnt.get("ACTIVE", 0) + cnt.get("STALL_MEM", 0) + cnt.get("STALL_OUT", 0)
                > cnt.get("CYCLES", 0)):
            self.error(f"{tag}: ACTIVE + STALL_MEM + STALL_OUT > CYCLES: {cnt}")
        if want_err in (rm.ERR_AXI_READ, rm.ERR_AXI_WRITE):
            stray = me.stray_writes(item.baseline, res.mem, rows)
            if len(stray):
                self.error(f"{tag}: AXI error command changed {len(stray)} byte(s) outside "
                           f"Y, first {int(stray[0]):#x}")
            return
        # A clean command (or the running one of a start while busy): the whole image.
        msg = me.image_errors(item.baseline, res.mem, rows, self.predict_y(item),
                              item.out_bytes)
        if msg:
            self.error(f"{tag}: {msg}")
        exact = {"ACTIVE": active_cycles(item.M, item.K, item.N, item.TILE_M, item.TILE_N,
                                         R, C),
                 "WR_BYTES1": item.M * cdiv(item.N * item.out_bytes, B) * B}
        bad = {n: (cnt.get(n), v) for n, v in exact.items() if cnt.get(n) != v}
        if bad:
            self.error(f"{tag}: counters (register, exact formula) differ: {bad}")
        if self.model is None:
            return
        model = self.model.counters(item.M, item.K, item.N, item.TILE_M, item.TILE_N,
                                    item.TILE_K, R, C, item.out_bytes,
                                    item.bias or item.requant,
                                    max_burst=p["MAX_BURST"], outstanding=p["OUTSTANDING"],
                                    layout={n: item.regs[n] for n in LAYOUT_REGS})
        names = ["ACTIVE", "RD_BYTES0", "RD_BYTES1", "WR_BYTES1"]
        if item.stress == "none" and self.model.cycle_exact(p["MAX_BURST"], p["OUTSTANDING"]):
            names += ["CYCLES", "STALL_MEM", "STALL_OUT"]
            self.cycle_checked += 1
        else:
            self.cycle_skipped += 1
        bad = {n: (cnt.get(n), model[n]) for n in names if n in model and cnt.get(n) != model[n]}
        if bad:
            self.error(f"{tag}: counters (RTL, models.lmmu_rtl) differ: {bad}")


# ---------------------------------------------------------------------------- coverage
class LmmuCoverage(CoverageBase):
    """One sample per command: the labels it hit."""

    SHAPE = ["edge_tile_m", "edge_tile_n", "edge_chunk_k", "partial_pass_m", "partial_pass_n",
             "unaligned_k", "single_tile", "multi_tile_m", "multi_tile_n", "multi_chunk_k",
             "w_at_capacity", "x_at_capacity", "o_at_capacity"]

    def bins(self):
        return {
            "shape": list(self.SHAPE),
            "mode": ["bias_on", "bias_off", "requant_on", "requant_off", "requant_saturated"],
            "status": ["ok"] + [f"err_{c}" for c in range(1, 8)],
            "scenario": ["reset_mid_cmd", "soft_reset_mid_cmd", "back_to_back",
                         "soft_reset_rd_inflight", "soft_reset_wr_inflight"],
        }

    def extract_phase(self):
        # Write the report before check_phase: a failing scoreboard (checked first)
        # would otherwise stop the phase before any coverage is recorded.  The holes
        # still fail the test in check_phase.
        try:
            super().check_phase()
        except AssertionError:
            pass

    def events(self, res: LmmuResult):
        ev = set()
        item = res.item
        if res.aborted:
            if res.busy_at_abort:
                ev.add("reset_mid_cmd" if res.aborted == "reset" else "soft_reset_mid_cmd")
            if res.err == rm.ERR_ABORTED:
                ev.add(f"err_{rm.ERR_ABORTED}")
            if res.inflight.get("read bursts"):
                ev.add("soft_reset_rd_inflight")
            if res.inflight.get("write bursts without B"):
                ev.add("soft_reset_wr_inflight")
            return ev
        if res.err is None:
            return ev
        ev.add("ok" if res.err == 0 else f"err_{res.err}")
        if res.err in (0, rm.ERR_START_BUSY):
            ev |= item.labels
        elif "back_to_back" in item.labels:
            ev.add("back_to_back")
        return ev


# ---------------------------------------------------------------------------- env
class LmmuEnv(uvm_env):
    def build_phase(self):
        self.knobs = ConfigDB().get(self, "", "knobs")
        self.dut = ConfigDB().get(self, "", "dut")
        self.reset_bfm = ConfigDB().get(self, "", "reset_bfm")
        self.seqr = uvm_sequencer("seqr", self)
        self.driver = LmmuDriver("driver", self)
        self.monitor = LmmuMonitor("monitor", self)
        self.scoreboard = LmmuScoreboard("scoreboard", self)
        self.coverage = LmmuCoverage("coverage", self)
        self.reset_agent = ResetAgent("reset_agent", self)

    def connect_phase(self):
        self.driver.seq_item_port.connect(self.seqr.seq_item_export)
        self.driver.exp_ap.connect(self.scoreboard.exp_export)
        self.monitor.result_ap.connect(self.scoreboard.act_export)
        self.monitor.result_ap.connect(self.coverage.analysis_export)
        self.monitor.env = self.driver.env = self
        self.scoreboard.env_monitor = self.monitor

    def start_of_simulation_phase(self):
        rng = ConfigDB().get(self, "", "test_rng")
        d, stress = self.dut, self.knobs.stress
        self.dram = me.Dram(d, rng, stress, MEM_SIZE, prefix="m1_axi",
                            read_prefixes=("m0_axi",))
        self.dram.add_region(SLVERR_BASE, ERR_SIZE, 2)
        self.dram.add_region(DECERR_BASE, ERR_SIZE, 3)
        self.csr = me.make_csr(d, rng, stress)
        self.bfm = me.PinBfm(d, LmmuMonitor.PINS, self.monitor.sample)
        cocotb.start_soon(self.bfm.run())
        if self.scoreboard.model is None:
            self.logger.warning("models.lmmu_rtl not importable: the cycle-exact counter "
                                "check (CYCLES, STALL_MEM, STALL_OUT) is SKIPPED")

    def set_csr_stress(self, mode, rng):
        me.set_csr_stress(self.csr, mode, rng)

    async def drain(self, timeout_cycles: int = 400_000):
        for _ in range(timeout_cycles):
            if not self.driver.busy:
                break
            await RisingEdge(self.dut.clk)
        else:
            raise AssertionError(f"lmmu env: command still running after {timeout_cycles} "
                                 "cycles (deadlock?)")
        await ClockCycles(self.dut.clk, 4)
        self.scoreboard.final_epoch = self.reset_bfm.count
