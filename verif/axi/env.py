"""pyuvm environment of the AXI4 masters (``ip/axi``, both kinds).

Dataflow::

    AxiSequence --AxiCmdItem--> AxiDriver --cmd_*--> ValidReadySource (idle insertion)
                                   |  \\--wr: s_axis beats--> ValidReadySource (idle)
                                   +--expected (at issue)--> AxiScoreboard.exp_export
    DUT m_axi_* <==> Dram: cocotbext-axi AxiRamRead/AxiRamWrite on a bytearray, random
                     pauses on every AXI channel, SLVERR/DECERR regions
    DUT m_axis_*  --> ValidReadySink (backpressure)                         (rd)
    AxiPinBfm (samples every pin at the falling edge) --> AxiMonitor:
        protocol checks (valid held with stable payload, bursts = models.axi.bursts,
        no 4 KiB crossing, AxSIZE/AxBURST, outstanding <= OUTSTANDING, WSTRB/WLAST),
        latency checks (AxiLatencyTest), one AxiResult per ``done``
        --> AxiScoreboard.act_export (status, read beats / written bytes)
        --> AxiCoverage (one sample per cycle: the labels hit in it)

The scoreboard predicts every command with :mod:`models.axi`: read data bit-exact
(from the memory image), and for writes the exact set of bytes that changed in the
whole memory (so every byte outside the written region is checked unchanged).  A
reset in the middle of a command loses that command's result (reset epochs); the
bytes an aborted write changed must still lie inside its region.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field

import cocotb
import numpy as np
from cocotb.triggers import ClockCycles, FallingEdge, RisingEdge
from cocotbext.axi import AxiReadBus, AxiWriteBus
from cocotbext.axi.axi_ram import AxiRamRead, AxiRamWrite
from pyuvm import (ConfigDB, uvm_analysis_port, uvm_component, uvm_driver, uvm_env,
                   uvm_sequence, uvm_sequence_item, uvm_sequencer)

from models import axi as model
from verif.common.bfm import ValidReadySink, ValidReadySource
from verif.common.pause import pause_generator
from verif.common.uvm import CoverageBase, ResetAgent, ScoreboardBase

MEM_SIZE = 1 << 18           # 256 KiB of DRAM; commands stay inside it
STALL_CYCLES = 2000         # no handshake anywhere for this long while busy: deadlock
ERR_GRAN = 256               # error regions are whole 256-byte blocks (>= any beat)
SLVERR_BASE, DECERR_BASE, ERR_SIZE = 0x38000, 0x3C000, 0x800


# ---------------------------------------------------------------------------- items
class AxiCmdItem(uvm_sequence_item):
    """One command (and, for the write master, its s_axis data)."""

    def __init__(self, name="axi_cmd", cmd: model.Command | None = None, gap=0, data=None):
        super().__init__(name)
        self.cmd = cmd
        self.gap = gap
        self.data = list(data or [])
        self.epoch = 0
        self.baseline: bytes | None = None  # memory image when issued (write master)

    key = "cmd"

    def __eq__(self, other):
        return self.cmd == other.cmd and self.data == other.data

    def __str__(self):
        c = self.cmd
        return (f"cmd(addr={c.addr:#x}, row_bytes={c.row_bytes}, rows={c.rows}, "
                f"stride={c.stride:#x}, epoch={self.epoch})")

    __repr__ = __str__


@dataclass
class AxiResult:
    """What one command did: its status, the read beats or the changed bytes."""
    status: int
    beats: list = field(default_factory=list)       # read: [(tdata, tlast)]
    changed: dict = field(default_factory=dict)     # write: {addr: byte}
    epoch: int = 0
    what: str = ""

    key = "cmd"

    def __eq__(self, other):
        return (self.status, self.beats, self.changed) == (other.status, other.beats,
                                                           other.changed)

    def __str__(self):
        s = f"{self.what} status={self.status}"
        if self.beats:
            s += f" {len(self.beats)} beat(s): " + " ".join(
                f"{d:x}{'L' if last else ''}" for d, last in self.beats[:6])
            if len(self.beats) > 6:
                s += " ..."
        if self.changed:
            ks = sorted(self.changed)
            s += f" {len(ks)} byte(s) changed in {ks[0]:#x}..{ks[-1]:#x}"
        return s


def diff_beats(exp: AxiResult, act: AxiResult) -> str:
    """First difference of two results, for the scoreboard's message."""
    if exp.status != act.status:
        return f"status {act.status}, expected {exp.status}"
    for i, (e, a) in enumerate(zip(exp.beats, act.beats)):
        if e != a:
            return f"beat #{i}: got {a[0]:#x} last={a[1]}, expected {e[0]:#x} last={e[1]}"
    if len(exp.beats) != len(act.beats):
        return f"{len(act.beats)} beats, expected {len(exp.beats)}"
    for a in sorted(set(exp.changed) | set(act.changed)):
        if exp.changed.get(a) != act.changed.get(a):
            return (f"memory[{a:#x}] = {act.changed.get(a)}, expected {exp.changed.get(a)} "
                    "(None: unchanged)")
    return "no difference"


# ---------------------------------------------------------------------------- DRAM
class Dram:
    """cocotbext-axi AXI RAM on the DUT's master port, with error regions.

    cocotbext-axi answers SLVERR when its memory access raises; a DECERR region is made
    by rewriting that response on the way out (the R beat / the B of the burst).
    """

    def __init__(self, dut, kind, rng, stress):
        self.kind = kind
        self.mem = bytearray(rng.randbytes(MEM_SIZE))
        self.regions = {}  # block base -> response code
        self._code = 0
        logging.getLogger(f"cocotb.{dut._name}.m_axi").setLevel(logging.ERROR)
        logging.getLogger(f"cocotb.{dut._name}").setLevel(logging.ERROR)
        if kind == "rd":
            self.port = AxiRamRead(AxiReadBus.from_prefix(dut, "m_axi"), dut.clk, dut.rst_n,
                                   reset_active_level=False, size=MEM_SIZE, mem=self.mem)
            self.channels = (self.port.ar_channel, self.port.r_channel)
            inner, resp_ch, field_name = self.port._read, self.port.r_channel, "rresp"

            async def access(address, length):
                self._check(address)
                return await inner(address, length)
            self.port._read = access
        else:
            self.port = AxiRamWrite(AxiWriteBus.from_prefix(dut, "m_axi"), dut.clk, dut.rst_n,
                                    reset_active_level=False, size=MEM_SIZE, mem=self.mem)
            self.channels = (self.port.aw_channel, self.port.w_channel, self.port.b_channel)
            inner, resp_ch, field_name = self.port._write, self.port.b_channel, "bresp"

            async def access(address, data):
                self._check(address)
                return await inner(address, data)
            self.port._write = access
        # cocotbext-axi queues only 2 requests; a real interconnect takes more, and
        # the OUTSTANDING limit is only exercised when the slave accepts that many.
        self.channels[0].queue_occupancy_limit = 64
        send = resp_ch.send

        async def send_with_code(obj):
            if self._code:
                setattr(obj, field_name, self._code)
                self._code = 0
            await send(obj)
        resp_ch.send = send_with_code
        self.set_stress(stress, rng)

    def _check(self, address):
        code = self.error_at(address)
        if code:
            if not self._code:
                self._code = code
            raise OSError(f"error region at {address:#x}")

    def error_at(self, address) -> int:
        return self.regions.get(address // ERR_GRAN * ERR_GRAN, 0)

    def add_region(self, base, size, code):
        for a in range(base, base + size, ERR_GRAN):
            self.regions[a] = code

    def set_stress(self, mode, rng):
        """Random latency / ready backpressure on every AXI channel."""
        for ch in self.channels:
            ch.set_pause_generator(pause_generator(mode, rng) if mode != "none" else None)

    def read(self, address, n):
        return bytes(self.mem[address % MEM_SIZE:address % MEM_SIZE + n])

    def snapshot(self) -> bytes:
        return bytes(self.mem)

    def changed_since(self, baseline: bytes) -> dict:
        a = np.frombuffer(baseline, dtype=np.uint8)
        b = np.frombuffer(bytes(self.mem), dtype=np.uint8)
        idx = np.nonzero(a != b)[0]
        return {int(i): int(b[i]) for i in idx}


# ---------------------------------------------------------------------------- pins
RD_PINS = ("cmd_valid", "cmd_ready", "done", "status", "m_axi_arvalid", "m_axi_arready",
           "m_axi_araddr", "m_axi_arlen", "m_axi_arsize", "m_axi_arburst", "m_axi_rvalid",
           "m_axi_rready", "m_axi_rlast", "m_axi_rresp", "m_axis_tvalid", "m_axis_tready",
           "m_axis_tlast")
WR_PINS = ("cmd_valid", "cmd_ready", "done", "status", "m_axi_awvalid", "m_axi_awready",
           "m_axi_awaddr", "m_axi_awlen", "m_axi_awsize", "m_axi_awburst", "m_axi_wvalid",
           "m_axi_wready", "m_axi_wlast", "m_axi_wstrb", "m_axi_bvalid", "m_axi_bready",
           "m_axi_bresp", "s_axis_tvalid", "s_axis_tready")


INPUTS = {"cmd_valid", "m_axi_arready", "m_axi_rvalid", "m_axi_rlast", "m_axi_rresp",
          "m_axis_tready", "m_axi_awready", "m_axi_wready", "m_axi_bvalid", "m_axi_bresp",
          "s_axis_tvalid"}


PROGRESS = {
    "rd": (("cmd_valid", "cmd_ready"), ("m_axi_arvalid", "m_axi_arready"),
           ("m_axi_rvalid", "m_axi_rready"), ("m_axis_tvalid", "m_axis_tready")),
    "wr": (("cmd_valid", "cmd_ready"), ("m_axi_awvalid", "m_axi_awready"),
           ("m_axi_wvalid", "m_axi_wready"), ("m_axi_bvalid", "m_axi_bready"),
           ("s_axis_tvalid", "s_axis_tready")),
}


class AxiPinBfm:
    """Samples every control pin at the falling edge (data buses only on a handshake)
    and hands a dict per cycle to ``callback``; the only reader of DUT pins."""

    def __init__(self, dut, kind, callback):
        self.dut, self.kind, self.callback = dut, kind, callback
        self.handles = {n: getattr(dut, n) for n in (RD_PINS if kind == "rd" else WR_PINS)}
        self.cycle = 0
        self.last_sample = None

    async def run(self):
        d = self.dut
        while True:
            await FallingEdge(d.clk)
            self.cycle += 1
            rst = d.rst_n.value
            s = {"cycle": self.cycle, "rst_n": int(rst) if rst.is_resolvable else 0}
            if not s["rst_n"]:
                self.last_sample = s
                self.callback(s)
                continue
            for n, h in self.handles.items():
                v = h.value
                if v.is_resolvable:
                    s[n] = int(v)
                else:
                    s[n] = 0
                    s.setdefault("unknown", []).append(n)
            if self.kind == "rd":
                if s["m_axis_tvalid"] and s["m_axis_tready"]:
                    s["m_axis_tdata"] = int(d.m_axis_tdata.value)
            self.last_sample = s
            self.callback(s)


# ---------------------------------------------------------------------------- monitor
class AxiMonitor(uvm_component):
    """Protocol and latency checks on every cycle; one AxiResult per ``done``."""

    def build_phase(self):
        self.knobs = ConfigDB().get(self, "", "knobs")
        p = self.knobs.params
        self.kind, self.B = p["KIND"], p["DATA_BYTES"]
        self.MB, self.O = p["MAX_BURST"], p["OUTSTANDING"]
        self.result_ap = uvm_analysis_port("result_ap", self)
        self.cov_ap = uvm_analysis_port("cov_ap", self)
        self.error = None      # set by the env: the scoreboard's error()
        self.env = None
        self.check_latency = False
        self.latencies: dict[str, set] = {}
        self.done_count = 0
        self.last_progress = 0
        self.labels: set = set()   # coverage labels of this cycle (one sample per cycle)
        self._clear()
        self.prev = None

    def _clear(self):
        self.item = None
        self.cmd_cycle = None
        self.first_a = None
        self.exp_bursts, self.bptr = [], 0
        self.exp_beats, self.wptr = [], 0
        self.inflight = 0
        self.beats = []
        self.r_fires, self.s_fires, self.out_fires = [], [], []
        self.last_event = None

    def begin(self, item):
        """The driver is about to issue ``item``."""
        self.item = item
        c = item.cmd
        self.exp_bursts = model.bursts(c, self.B, self.MB)
        self.exp_beats = model.beats(c, self.B, self.MB)
        self.bptr = self.wptr = 0
        self.beats, self.r_fires, self.s_fires, self.out_fires = [], [], [], []
        self.first_a, self.cmd_cycle, self.last_event = None, None, None

    def _lat(self, name, value, want):
        self.latencies.setdefault(name, set()).add(value)
        if self.check_latency and value != want:
            self.error(f"latency {name} = {value} cycles, documented {want} "
                       f"(models.axi.LATENCY)")

    def sample(self, s):
        self._sample(s)
        self.cov_ap.write(self.labels)
        self.labels = set()

    def _sample(self, s):
        prev, self.prev = self.prev, s
        if not s["rst_n"]:
            self.last_progress = s["cycle"]
            if self.item is not None and self.cmd_cycle is not None:
                self.labels.add("reset_mid_cmd")
            self._clear()
            self.prev = None
            return
        n = s["cycle"]
        if any(s[v] and s[r] for v, r in PROGRESS[self.kind]):
            self.last_progress = n
        for pin in s.get("unknown", []):
            if pin not in INPUTS:
                self.error(f"cycle {n}: output {pin} is X/Z after reset")
        a = "ar" if self.kind == "rd" else "aw"
        av, ar_ = s[f"m_axi_{a}valid"], s[f"m_axi_{a}ready"]
        # Valid held until ready, with a stable payload (AXI A3.2.1).
        if prev is not None:
            held = [(a, ("addr", "len", "size", "burst"))]
            if self.kind == "rd":
                held.append(("tx", ()))
            else:
                held.append(("w", ("last", "strb")))
            for ch, fields in held:
                if ch == "tx":
                    v, r, names = "m_axis_tvalid", "m_axis_tready", ["m_axis_tlast"]
                else:
                    v, r = f"m_axi_{ch}valid", f"m_axi_{ch}ready"
                    names = [f"m_axi_{ch}{f}" for f in fields]
                if prev[v] and not prev[r]:
                    if not s[v]:
                        self.error(f"cycle {n}: {v} dropped before {r}")
                    for f in names:
                        if s[f] != prev[f]:
                            self.error(f"cycle {n}: {f} changed while {v} waited for {r}")
        if s["cmd_valid"] and s["cmd_ready"]:
            self.cmd_cycle = n
        if av and self.first_a is None and self.cmd_cycle is not None:
            self.first_a = n
            self._lat("cmd_to_avalid", n - self.cmd_cycle, model.LATENCY["cmd_to_avalid"])
        if av and ar_:
            addr, ln = s[f"m_axi_{a}addr"], s[f"m_axi_{a}len"] + 1
            if s[f"m_axi_{a}size"] != self.B.bit_length() - 1 or s[f"m_axi_{a}burst"] != 1:
                self.error(f"cycle {n}: {a}size/{a}burst = {s[f'm_axi_{a}size']}/"
                           f"{s[f'm_axi_{a}burst']}, expected log2(B) / INCR")
            if addr % 4096 + ln * self.B > 4096:
                self.error(f"cycle {n}: burst {addr:#x}+{ln} beats crosses 4 KiB")
            if ln > self.MB:
                self.error(f"cycle {n}: burst of {ln} beats > MAX_BURST={self.MB}")
            if self.bptr >= len(self.exp_bursts):
                self.error(f"cycle {n}: unexpected burst ({addr:#x}, {ln}) after the "
                           f"{len(self.exp_bursts)} of {self.item}")
            elif (addr, ln) != self.exp_bursts[self.bptr]:
                self.error(f"cycle {n}: burst #{self.bptr} ({addr:#x}, {ln}), expected "
                           f"{tuple(self.exp_bursts[self.bptr])} for {self.item}")
            self.bptr += 1
            self.inflight += 1
            if self.inflight > self.O:
                self.error(f"cycle {n}: {self.inflight} bursts in flight > OUTSTANDING={self.O}")
            if self.inflight == self.O:
                self.labels.add("outstanding_full")
        if self.kind == "rd":
            if s["m_axi_rvalid"] and s["m_axi_rready"]:
                self.r_fires.append(n)
                if s["m_axi_rlast"]:
                    self.inflight -= 1
            if s["m_axis_tvalid"] and s["m_axis_tready"]:
                self.beats.append((s["m_axis_tdata"], bool(s["m_axis_tlast"])))
                self.out_fires.append(n)
                self.last_event = n
        else:
            if s["s_axis_tvalid"] and s["s_axis_tready"]:
                self.s_fires.append(n)
            if s["m_axi_wvalid"] and s["m_axi_wready"]:
                k = self.wptr
                self.out_fires.append(n)
                if k >= len(self.exp_beats):
                    self.error(f"cycle {n}: W beat #{k} beyond the {len(self.exp_beats)} "
                               f"of {self.item}")
                else:
                    b = self.exp_beats[k]
                    if s["m_axi_wstrb"] != b.strb() or bool(s["m_axi_wlast"]) != b.last_of_burst:
                        self.error(f"cycle {n}: W beat #{k} wstrb={s['m_axi_wstrb']:#x} "
                                   f"wlast={s['m_axi_wlast']}, expected {b.strb():#x} / "
                                   f"{int(b.last_of_burst)} for {self.item}")
                self.wptr += 1
            if s["m_axi_bvalid"] and s["m_axi_bready"]:
                self.inflight -= 1
                self.last_event = n
        if s["done"]:
            self._done(s, n)

    def _done(self, s, n):
        st = s["status"]
        self.done_count += 1
        if self.item is None:
            self.error(f"cycle {n}: done without a command")
            return
        if st == model.ST_BADCMD:
            if self.cmd_cycle is not None:
                self._lat("bad_to_done", n - self.cmd_cycle, model.LATENCY["bad_to_done"])
            if self.bptr or self.out_fires:
                self.error(f"cycle {n}: bad command made AXI or stream traffic")
        else:
            if self.last_event is not None and st == model.ST_OK:
                self._lat("last_to_done", n - self.last_event, model.LATENCY["last_to_done"])
            if st == model.ST_OK and self.bptr != len(self.exp_bursts):
                self.error(f"cycle {n}: done after {self.bptr} of {len(self.exp_bursts)} bursts")
            if self.inflight:
                self.error(f"cycle {n}: done with {self.inflight} burst(s) still in flight")
            # Beat latency through the skid buffer: R (or s_axis) handshake in cycle c,
            # beat accepted downstream in c + 1 when downstream is always ready.
            src = self.r_fires if self.kind == "rd" else self.s_fires
            name = "r_to_tvalid" if self.kind == "rd" else "s_to_wvalid"
            for c_in, c_out in zip(src, self.out_fires):
                self._lat(name, c_out - c_in, model.LATENCY[name])
        res = AxiResult(st, beats=self.beats, epoch=self.env.reset_bfm.count,
                        what=str(self.item))
        if self.kind == "wr" and self.item.baseline is not None:
            res.changed = self.env.dram.changed_since(self.item.baseline)
        self.result_ap.write(res)
        self.labels.add({0: "status_ok", 1: "bad_cmd", 2: "slverr", 3: "decerr"}[st])
        self.item = None
        self.cmd_cycle = None


# ---------------------------------------------------------------------------- driver
class AxiSequence(uvm_sequence):
    def __init__(self, name, commands, rng):
        super().__init__(name)
        self.commands, self.rng = commands, rng

    async def body(self):
        for c in self.commands:
            item = AxiCmdItem("cmd", model.Command(c["addr"], c["row_bytes"], c["rows"],
                                                   c["stride"]), gap=c.get("gap", 0))
            await self.start_item(item)
            await self.finish_item(item)


class AxiDriver(uvm_driver):
    def build_phase(self):
        self.exp_ap = uvm_analysis_port("exp_ap", self)
        self.knobs = ConfigDB().get(self, "", "knobs")
        self.rng = ConfigDB().get(self, "", "test_rng")
        self.env = None
        self.busy = False
        self.deadlocked = False

    def shape_bins(self, c: model.Command):
        p = self.knobs.params
        B, MB = p["DATA_BYTES"], p["MAX_BURST"]
        if model.command_status(c, B) != model.ST_OK:
            return set()
        rb = -(-c.row_bytes // B)
        ev = {"multi_row" if c.rows > 1 else "single_row"}
        ev.add("row_partial" if c.row_bytes % B else "row_full_beats")
        if rb == 1:
            ev.add("single_beat_row")
        if rb > MB:
            ev.add("long_row")
        if c.rows > 1 and c.stride > c.row_bytes:
            ev.add("stride_gt_row")
        if any(r % 4096 + rb * B > 4096 for r in model.row_addresses(c)):
            ev.add("cross_4k")
        return ev

    async def run_phase(self):
        env = self.env
        clk = env.dut.clk
        while True:
            item = await self.seq_item_port.get_next_item()
            if self.deadlocked:
                # The DUT hung on an earlier command (already an error): skip the rest
                # quickly instead of running into the test's timeout.
                self.seq_item_port.item_done()
                continue
            for _ in range(item.gap):
                await RisingEdge(clk)
            item.epoch = env.reset_bfm.count
            p = self.knobs.params
            if p["KIND"] == "wr":
                n = model.stream_beats(item.cmd, p["DATA_BYTES"])
                item.data = [self.rng.getrandbits(8 * p["DATA_BYTES"]) for _ in range(n)]
                item.baseline = env.dram.snapshot()
            env.monitor.begin(item)
            env.monitor.labels |= self.shape_bins(item.cmd)
            self.exp_ap.write(item)
            done0 = env.monitor.done_count
            c = item.cmd
            self.busy = True
            env.cmd_src.send({"tdata": c.addr, "tuser": c.row_bytes, "tid": c.rows,
                              "tdest": c.stride})
            for d in item.data:
                env.data_src.send({"tdata": d})
            while env.monitor.done_count == done0 and env.reset_bfm.count == item.epoch:
                await RisingEdge(clk)
                if env.bfm.cycle - env.monitor.last_progress > STALL_CYCLES:
                    env.scoreboard.error(f"no handshake on any interface for {STALL_CYCLES} "
                                         f"cycles, no done: deadlock on {item}")
                    self.deadlocked = True
                    break
            self.busy = False
            if env.reset_bfm.count != item.epoch and item.baseline is not None:
                await ClockCycles(clk, 2)
                env.scoreboard.check_aborted_write(item)
            self.seq_item_port.item_done()


# ---------------------------------------------------------------------------- scoreboard
class AxiScoreboard(ScoreboardBase):
    def build_phase(self):
        super().build_phase()
        p = self.knobs.params
        self.kind, self.B, self.MB = p["KIND"], p["DATA_BYTES"], p["MAX_BURST"]
        self.dram = None  # set by the env
        self.bug = self.knobs.inject_bug
        self.commands = 0

    def predict(self, item: AxiCmdItem) -> AxiResult:
        c, B, MB = item.cmd, self.B, self.MB
        if self.bug and c.rows > 1:
            # Injected bug: the model steps one beat too far between rows.
            c = model.Command(c.addr, c.row_bytes, c.rows, (c.stride + B) & model.ADDR_MASK)
        self.commands += 1
        if self.kind == "rd":
            st, beats = model.read_stream(c, B, MB, self.dram.read, self.dram.error_at)
            return AxiResult(st, beats=beats, epoch=item.epoch, what=str(item))
        st, mem = model.write_effect(c, B, MB, item.data,
                                     self.dram.error_at)
        base = item.baseline
        changed = {a % len(base): v for a, v in mem.items() if base[a % len(base)] != v}
        return AxiResult(st, changed=changed, epoch=item.epoch, what=str(item))

    def compare_streams(self):
        # Like ScoreboardBase's, with the first difference spelled out.
        exp = [self.predict(i) for i in self._drain(self.exp_fifo)]
        act = self._drain(self.act_fifo)
        by_epoch_e, by_epoch_a = {}, {}
        for e in exp:
            by_epoch_e.setdefault(e.epoch, []).append(e)
        for a in act:
            by_epoch_a.setdefault(a.epoch, []).append(a)
        last = self.final_epoch if self.final_epoch is not None else max(
            list(by_epoch_e) + list(by_epoch_a) + [0])
        for ep in sorted(set(by_epoch_e) | set(by_epoch_a)):
            es, as_ = by_epoch_e.get(ep, []), by_epoch_a.get(ep, [])
            for i, a in enumerate(as_):
                if i >= len(es):
                    self.error(f"epoch {ep}: unexpected result #{i}: {a}")
                    break
                if a != es[i]:
                    self.error(f"epoch {ep}: command #{i} {es[i].what}: "
                               f"{diff_beats(es[i], a)}\n  Expected: {es[i]}\n  Actual:   {a}")
                    continue
                self.matched += 1
            if len(as_) < len(es):
                if ep < last:
                    self.lost_to_reset += len(es) - len(as_)
                else:
                    self.error(f"epoch {ep}: {len(es) - len(as_)} command(s) never completed, "
                               f"first: {es[len(as_)].what}")

    def check_aborted_write(self, item: AxiCmdItem):
        """A write cut by reset may have written part of its region, nothing else."""
        _, mem = model.write_effect(item.cmd, self.B, self.MB, item.data)
        allowed = {a % len(item.baseline) for a in mem}
        stray = [a for a in self.dram.changed_since(item.baseline) if a not in allowed]
        if stray:
            self.error(f"write aborted by reset changed {len(stray)} byte(s) outside its "
                       f"region, first {stray[0]:#x}: {item}")


# ---------------------------------------------------------------------------- coverage
class AxiCoverage(CoverageBase):
    """Bins named after the testpoints of ip/axi/README.md."""

    def bins(self):
        return {
            "shape": ["single_row", "multi_row", "row_partial", "row_full_beats",
                      "single_beat_row", "long_row", "stride_gt_row", "cross_4k"],
            "status": ["status_ok", "bad_cmd", "slverr", "decerr"],
            "scenario": ["reset_mid_cmd", "outstanding_full"],
        }

    def events(self, labels):
        return labels


# ---------------------------------------------------------------------------- env
class AxiEnv(uvm_env):
    def build_phase(self):
        self.knobs = ConfigDB().get(self, "", "knobs")
        self.dut = ConfigDB().get(self, "", "dut")
        self.reset_bfm = ConfigDB().get(self, "", "reset_bfm")
        self.kind = self.knobs.params["KIND"]
        self.seqr = uvm_sequencer("seqr", self)
        self.driver = AxiDriver("driver", self)
        self.monitor = AxiMonitor("monitor", self)
        self.scoreboard = AxiScoreboard("scoreboard", self)
        self.coverage = AxiCoverage("coverage", self)
        self.reset_agent = ResetAgent("reset_agent", self)

    def connect_phase(self):
        self.driver.seq_item_port.connect(self.seqr.seq_item_export)
        self.driver.exp_ap.connect(self.scoreboard.exp_export)
        self.monitor.result_ap.connect(self.scoreboard.act_export)
        self.monitor.cov_ap.connect(self.coverage.analysis_export)
        self.monitor.error = self.scoreboard.error
        self.monitor.env = self.driver.env = self

    def start_of_simulation_phase(self):
        rng = ConfigDB().get(self, "", "test_rng")
        d, stress = self.dut, self.knobs.stress
        self.dram = Dram(d, self.kind, rng, stress)
        self.scoreboard.dram = self.dram
        self.cmd_src = ValidReadySource(
            d, d.clk, d.rst_n, signals={"tvalid": "cmd_valid", "tready": "cmd_ready",
                                        "tdata": "cmd_addr", "tuser": "cmd_row_bytes",
                                        "tid": "cmd_rows", "tdest": "cmd_stride"},
            pause=pause_generator(stress, rng)).start()
        if self.kind == "rd":
            self.data_src = None
            self.sink = ValidReadySink(d, d.clk, d.rst_n, prefix="m_axis",
                                       pause=pause_generator(stress, rng)).start()
        else:
            self.data_src = ValidReadySource(d, d.clk, d.rst_n, prefix="s_axis",
                                             pause=pause_generator(stress, rng)).start()
        self.bfm = AxiPinBfm(d, self.kind, self.monitor.sample)
        cocotb.start_soon(self.bfm.run())

    def set_stress(self, mode):
        """Switch every pause generator (stream side and AXI side) to ``mode``."""
        rng = ConfigDB().get(self, "", "test_rng")
        self.dram.set_stress(mode, rng)
        self.cmd_src.pause = pause_generator(mode, rng)
        if self.kind == "rd":
            self.sink.pause = pause_generator(mode, rng)
        else:
            self.data_src.pause = pause_generator(mode, rng)

    async def drain(self, timeout_cycles: int = 200_000):
        for _ in range(timeout_cycles):
            if not self.driver.busy and self.cmd_src.idle():
                break
            await RisingEdge(self.dut.clk)
        else:
            raise AssertionError("axi env: command still running after "
                                 f"{timeout_cycles} cycles (deadlock?)")
        await ClockCycles(self.dut.clk, 4)
        self.scoreboard.final_epoch = self.reset_bfm.count
