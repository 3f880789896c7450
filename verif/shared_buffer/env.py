"""pyuvm environment of the shared buffer (``ip/shared_buffer``).

Dataflow::

    SbufSequence --items--> SbufDriver --> SbufBfm (owns every pin: per-port request
        (profiles)              |            sources with idle insertion, per-port
                                |            response sinks with backpressure; samples
                                |            every cycle at the falling edge)
                                |               |
                issued reads ---+               v
                (expected)            SbufMonitor --cycle samples--> SbufScoreboard
                                          |                          (models.shared_buffer
                                          |                           every cycle + pin
                                          |                           properties)
                                          +--read responses-------> SbufScoreboard (in order,
                                          |                          per port)
                                          +--cycle samples---------> SbufCoverage

The request and response channels of the P ports are flat vectors (port p at bits
[p*W + W - 1 : p*W]), so one BFM drives all of them; per port it behaves exactly like
``ValidReadySource`` (a request is held with its fields until accepted; idle cycles
from the item's gap and from ``pause_generator(stress)``) and ``ValidReadySink``
(``m_rsp_ready`` dropped by a per-port ``pause_generator(stress)``), with the library's
timing convention (drive after the rising edge, sample at the falling edge, reset
judged on the falling-edge sample).

The scoreboard checks every cycle, from the pins: the model's ``s_req_ready``,
``m_rsp_valid`` and read data (the bytes the model knows: never-written bytes are
not predicted), at most one accepted request per bank, and that no eligible port
waits for more grants of others on its bank than ``ArbiterModel.wait_bound``.  At the
end: every issued read got exactly one response, in order, per port (except those a
reset discarded).
"""
from __future__ import annotations

import collections
from dataclasses import dataclass, field

import cocotb
from cocotb.triggers import ClockCycles, FallingEdge, RisingEdge
from pyuvm import (ConfigDB, uvm_analysis_port, uvm_component, uvm_driver, uvm_env,
                   uvm_sequence, uvm_sequence_item, uvm_sequencer, uvm_subscriber)

from ip.shared_buffer import widths
from models.shared_buffer import RSP_DEPTH, Req, Rsp, SharedBufferModel
from verif.common.pause import pause_generator
from verif.common.uvm import CoverageBase, ResetAgent, ScoreboardBase

PROFILES = ("fill", "random", "stride_1", "stride_b", "stride_odd", "conflict_free",
            "hot_bank", "raw")


# ---------------------------------------------------------------------------- items
class SbufItem(uvm_sequence_item):
    """One request of one port: a read or a write of one word, after ``gap`` idles."""

    def __init__(self, name="sbuf_item", port=0, we=False, addr=0, wdata=0, wstrb=0,
                 gap=0, profile="random"):
        super().__init__(name)
        self.port, self.we, self.addr = port, bool(we), addr
        self.wdata, self.wstrb, self.gap, self.profile = wdata, wstrb, gap, profile
        self.epoch = 0

    def randomize(self, rng, p, profile, k):
        """Item ``k`` of port ``self.port`` under ``profile`` (see SbufSequence)."""
        B, words, DW = p["B"], p["B"] * p["DEPTH"], p["DATA_W"]
        window = min(words, profile.get("window", words))
        kind = profile["kind"]
        port = self.port
        if kind == "fill":
            addr = (profile.get("base", 0) + k) % window    # k: position over all ports
        elif kind in ("stride_1", "stride_b", "stride_odd"):
            stride = {"stride_1": 1, "stride_b": B}.get(kind, profile.get("stride", 3) | 1)
            addr = (profile.get("base", 0) + port * 7 + k * stride) % window
        elif kind == "conflict_free":
            rows = max(1, window // B)
            addr = rng.randrange(rows) * B + port % B
        elif kind == "hot_bank":
            rows = max(1, window // B)
            addr = rng.randrange(rows) * B + profile.get("bank", 0) % B
        elif kind == "raw":
            addr = profile.get("base", 0) + port
        else:
            addr = rng.randrange(window)
        self.addr = addr % words
        if kind == "fill":
            self.we = True
        elif kind == "raw":
            self.we = k % 2 == 0       # write, then read the same word back
        else:
            self.we = rng.random() < profile.get("write_prob", 0.4)
        self.wdata = rng.getrandbits(DW)
        nb = DW // 8
        self.wstrb = (1 << nb) - 1 if rng.random() < 0.7 or kind in ("fill", "raw") \
            else rng.getrandbits(nb)
        g = profile.get("max_gap", 2)
        self.gap = rng.randint(0, g) if g else 0
        self.profile = kind
        return self

    @property
    def key(self):
        return self.port

    def __str__(self):
        op = f"write {self.wdata:#x}/{self.wstrb:#x}" if self.we else "read"
        return (f"req(port={self.port}, {op} @{self.addr:#x}, gap={self.gap}, "
                f"{self.profile}, epoch={self.epoch})")

    __repr__ = __str__


@dataclass
class ExpRead:
    port: int
    addr: int
    epoch: int

    @property
    def key(self):
        return self.port

    def __eq__(self, other):
        return (self.port, self.addr) == (other.port, other.addr)

    def __str__(self):
        return f"read(port={self.port} @{self.addr:#x})"


@dataclass
class ReadRsp:
    """A response popped by a port, paired (from the pins) with the read it answers."""
    port: int
    addr: int
    data: int
    epoch: int

    @property
    def key(self):
        return self.port

    def __eq__(self, other):
        return (self.port, self.addr) == (other.port, other.addr)

    def __str__(self):
        return f"response(port={self.port} @{self.addr:#x} data={self.data:#x})"


@dataclass
class SbufSample:
    cycle: int
    rst_n: int
    valid: int
    ready: int
    we: int
    addr: list
    wdata: list
    wstrb: list
    rsp_valid: int
    rsp_ready: int
    rdata: list
    xmask: list           # bits of rdata that were X/Z (Icarus: unwritten SRAM)
    epoch: int
    profiles: dict = field(default_factory=dict)   # port -> profile of its request

    def reqs(self) -> list:
        return [Req(bool(self.valid >> p & 1), bool(self.we >> p & 1), self.addr[p],
                    self.wdata[p], self.wstrb[p]) for p in range(len(self.addr))]


# ------------------------------------------------------------------------------ BFM
def _unpack(value, n, w):
    mask = (1 << w) - 1
    return [(value >> (i * w)) & mask for i in range(n)]


def _read_vec(sig):
    """(value, X/Z mask) of a vector that may hold unknown bits."""
    v = sig.value
    if v.is_resolvable:
        return int(v), 0
    s = str(v).lower()
    val = int("".join("1" if c == "1" else "0" for c in s), 2)
    xm = int("".join("1" if c not in "01" else "0" for c in s), 2)
    return val, xm


class SbufBfm:
    """Owns the request pins and m_rsp_ready of every port; samples every cycle."""

    def __init__(self, dut, params, reset_bfm, stress, rng, queue_depth=2):
        self.dut, self.p, self.reset_bfm = dut, params, reset_bfm
        self.P = params["P"]
        w = widths(params)
        self.AW, self.NB, self.DW = w["AW"], w["NB"], params["DATA_W"]
        self.queue_depth = queue_depth
        self.backlog = [collections.deque() for _ in range(self.P)]
        self.queues = [collections.deque() for _ in range(self.P)]
        self.current = [None] * self.P
        self.wait = [None] * self.P          # idle cycles left before current is offered
        self.reads = [collections.deque() for _ in range(self.P)]  # accepted, unanswered
        self.listeners = []
        self.issue_listeners = []
        self.cycle = 0
        self.pending = 0
        self.last_rst_n = 0
        self.last_sample: SbufSample | None = None
        self.set_stress(stress, rng)
        for name in ("s_req_valid", "s_req_we", "s_req_addr", "s_req_wdata", "s_req_wstrb",
                     "m_rsp_ready"):
            getattr(dut, name).value = 0

    def set_stress(self, mode, rng, rsp_mode=None):
        """Idle insertion on every request source, backpressure on every response sink."""
        self.req_pause = [pause_generator(mode, rng) for _ in range(self.P)]
        self.rsp_pause = [pause_generator(rsp_mode or mode, rng) for _ in range(self.P)]

    def enqueue(self, item):
        self.backlog[item.port].append(item)
        self.pending += 1

    def idle(self) -> bool:
        return self.pending == 0

    def all_issued(self) -> bool:
        return not any(self.backlog)

    def in_flight(self) -> int:
        return sum(len(q) for q in self.queues) + sum(c is not None for c in self.current)

    def _issue(self):
        if self.reset_bfm.in_reset or not self.last_rst_n:
            return
        for r in range(self.P):
            while self.backlog[r] and len(self.queues[r]) < self.queue_depth:
                item = self.backlog[r].popleft()
                item.epoch = self.reset_bfm.count
                self.queues[r].append(item)
                for cb in self.issue_listeners:
                    cb(item)

    def _flush(self):
        for r in range(self.P):
            self.pending -= len(self.queues[r]) + len(self.reads[r])
            self.queues[r].clear()
            self.reads[r].clear()
            if self.current[r] is not None:
                self.pending -= 1
            self.current[r] = None
            self.wait[r] = None

    async def run(self):
        dut, P = self.dut, self.P
        while True:
            await RisingEdge(dut.clk)
            self._issue()
            valid = we = addr = wdata = wstrb = 0
            rready = 0
            for r in range(P):
                if self.current[r] is None and self.queues[r]:
                    self.current[r] = self.queues[r].popleft()
                    self.wait[r] = self.current[r].gap
                it = self.current[r]
                if it is not None and self.wait[r] is not None:
                    # Idle insertion before a request is offered; once offered it is
                    # held until accepted (valid never drops early).
                    if self.wait[r] > 0:
                        self.wait[r] -= 1
                    elif not next(self.req_pause[r]):
                        self.wait[r] = None
                if it is not None and self.wait[r] is None:
                    valid |= 1 << r
                    we |= int(it.we) << r
                    addr |= it.addr << (r * self.AW)
                    wdata |= it.wdata << (r * self.DW)
                    wstrb |= it.wstrb << (r * self.NB)
                if not next(self.rsp_pause[r]):
                    rready |= 1 << r
            dut.s_req_valid.value = valid
            dut.s_req_we.value = we
            dut.s_req_addr.value = addr
            dut.s_req_wdata.value = wdata
            dut.s_req_wstrb.value = wstrb
            dut.m_rsp_ready.value = rready
            await FallingEdge(dut.clk)
            rdata, xm = _read_vec(dut.m_rsp_rdata)
            s = SbufSample(
                self.cycle, int(dut.rst_n.value), int(dut.s_req_valid.value),
                int(dut.s_req_ready.value), int(dut.s_req_we.value),
                _unpack(int(dut.s_req_addr.value), P, self.AW),
                _unpack(int(dut.s_req_wdata.value), P, self.DW),
                _unpack(int(dut.s_req_wstrb.value), P, self.NB),
                int(dut.m_rsp_valid.value), int(dut.m_rsp_ready.value),
                _unpack(rdata, P, self.DW), _unpack(xm, P, self.DW), self.reset_bfm.count,
                {r: self.current[r].profile for r in range(P)
                 if self.current[r] is not None and valid >> r & 1})
            self.cycle += 1
            self.last_rst_n = s.rst_n
            self.last_sample = s
            if not s.rst_n:
                self._flush()
            else:
                for r in range(P):
                    if s.rsp_valid >> r & 1 and s.rsp_ready >> r & 1 and self.reads[r]:
                        self.reads[r].popleft()
                        self.pending -= 1
                    if s.valid >> r & 1 and s.ready >> r & 1 and self.current[r] is not None:
                        it = self.current[r]
                        self.current[r] = None
                        if it.we:
                            self.pending -= 1
                        else:
                            self.reads[r].append(it)
            for cb in self.listeners:
                cb(s)


# ----------------------------------------------------------------------- components
class SbufSequence(uvm_sequence):
    """Requests from traffic profiles.  A profile is a dict: ``kind`` (one of
    PROFILES), ``items`` per port, ``ports`` (default all), ``write_prob``,
    ``max_gap``, ``window`` (words addressed), ``stride`` (stride_odd), ``bank``
    (hot_bank), ``base``; or ``directed``: [(port, we, addr, wdata, wstrb, gap)]."""

    def __init__(self, name="sbuf_seq", profiles=None):
        super().__init__(name)
        self.profiles = profiles or [{"kind": "random"}]

    async def body(self):
        rng = ConfigDB().get(None, "", "test_rng")
        params = ConfigDB().get(None, "", "sbuf_params")
        P = params["P"]
        for prof in self.profiles:
            for port, we, addr, wdata, wstrb, gap in prof.get("directed", ()):
                item = SbufItem(port=port, we=we, addr=addr, wdata=wdata, wstrb=wstrb,
                                gap=gap, profile=prof.get("kind", "random"))
                await self.start_item(item)
                await self.finish_item(item)
            if "directed" in prof:
                continue
            ports = prof.get("ports") or list(range(P))
            # Interleave the ports so that they all run at once.
            for k in range(prof.get("items", 20)):
                for j, port in enumerate(ports):
                    kk = k * len(ports) + j if prof["kind"] == "fill" else k
                    item = SbufItem(port=port).randomize(rng, params, prof, kk)
                    await self.start_item(item)
                    await self.finish_item(item)


class SbufDriver(uvm_driver):
    def build_phase(self):
        self.exp_ap = uvm_analysis_port("exp_ap", self)

    def connect_phase(self):
        self.bfm: SbufBfm = ConfigDB().get(self, "", "sbuf_bfm")
        self.bfm.issue_listeners.append(self.issued)

    def issued(self, item):
        if not item.we:
            self.exp_ap.write(ExpRead(item.port, item.addr, item.epoch))

    async def run_phase(self):
        while True:
            item = await self.seq_item_port.get_next_item()
            self.bfm.enqueue(item)
            self.seq_item_port.item_done()


class SbufMonitor(uvm_component):
    """Publishes every cycle sample, and every popped response paired with its read."""

    def build_phase(self):
        self.cycle_ap = uvm_analysis_port("cycle_ap", self)
        self.rsp_ap = uvm_analysis_port("rsp_ap", self)

    def connect_phase(self):
        bfm: SbufBfm = ConfigDB().get(self, "", "sbuf_bfm")
        self.P = bfm.P
        self.reads = [collections.deque() for _ in range(self.P)]
        bfm.listeners.append(self.sample)

    def sample(self, s: SbufSample):
        self.cycle_ap.write(s)
        if not s.rst_n:
            for q in self.reads:
                q.clear()
            return
        for p in range(self.P):
            if s.rsp_valid >> p & 1 and s.rsp_ready >> p & 1:
                addr = self.reads[p].popleft() if self.reads[p] else -1
                self.rsp_ap.write(ReadRsp(p, addr, s.rdata[p], s.epoch))
            if s.valid >> p & 1 and s.ready >> p & 1 and not s.we >> p & 1:
                self.reads[p].append(s.addr[p])


class _CycleImp(uvm_subscriber):
    def __init__(self, name, parent, fn):
        super().__init__(name, parent)
        self.fn = fn

    def write(self, s):
        self.fn(s)


class BuggySharedBufferModel(SharedBufferModel):
    """Deliberately wrong model for the injected-bug tests: high-order interleaving
    (bank = addr // DEPTH instead of addr % B: contention lands on the wrong banks)
    and read data with bit 0 inverted (any read of written data exposes it, also
    with one port or one bank)."""

    def bank(self, addr):
        return (addr // self.DEPTH) % self.B

    def _read(self, addr):
        r = super()._read(addr)
        return Rsp(r.data ^ 1, r.known)


class SbufScoreboard(ScoreboardBase):
    """Cycle-exact model check, pin-level properties, in-order response check."""

    def build_phase(self):
        super().build_phase()
        p = self.knobs.params
        cls = BuggySharedBufferModel if self.knobs.inject_bug else SharedBufferModel
        self.model = cls(p["P"], p["B"], p["DEPTH"], p["DATA_W"], p["ARB"], p.get("WEIGHTS"))
        self.logger.info(f"golden model: {cls.__name__}")
        self.P, self.B = p["P"], p["B"]
        self.bound = [SharedBufferModel(p["P"], p["B"], p["DEPTH"], p["DATA_W"], p["ARB"],
                                        p.get("WEIGHTS")).wait_bound(i) for i in range(self.P)]
        self.cycle_export = _CycleImp("cycle_imp", self, self.on_cycle).analysis_export
        self.outstanding = [0] * self.P     # from the pins: reads accepted - responses popped
        self.waiting = [0] * self.P         # grants of others on my bank while eligible
        self.max_wait = [0] * self.P
        self.cycles = 0
        self.accesses = 0
        self.data_checked = 0

    def predict(self, item):
        return item

    def on_cycle(self, s: SbufSample):
        self.cycles += 1
        P, B = self.P, self.B
        reqs = s.reqs()
        if not s.rst_n:
            exp = self.model.clock(reqs, s.rsp_ready, in_reset=True)
            self.outstanding = [0] * P
            self.waiting = [0] * P
            if s.ready or s.rsp_valid:
                self.error(f"cycle {s.cycle}: in reset: s_req_ready={s.ready:#x} "
                           f"m_rsp_valid={s.rsp_valid:#x} (expected 0)")
            return
        exp = self.model.clock(reqs, s.rsp_ready)
        if (s.ready, s.rsp_valid) != (exp.ready, exp.rsp_valid):
            self.error(f"cycle {s.cycle}: valid={s.valid:#x} we={s.we:#x} addr={s.addr} "
                       f"rsp_ready={s.rsp_ready:#x}\n"
                       f"  Expected: s_req_ready={exp.ready:#x} m_rsp_valid={exp.rsp_valid:#x}\n"
                       f"  Actual:   s_req_ready={s.ready:#x} m_rsp_valid={s.rsp_valid:#x}")
        for p in range(P):
            r = exp.rsp[p]
            if r is None or not s.rsp_valid >> p & 1:
                continue
            if r.known & s.xmask[p] or not r.matches(s.rdata[p]):
                self.error(f"cycle {s.cycle}: port {p} read data\n"
                           f"  Expected: {r.data:#x} (known bytes mask {r.known:#x})\n"
                           f"  Actual:   {s.rdata[p]:#x} (X mask {s.xmask[p]:#x})")
            elif r.known:
                self.data_checked += 1
        # Pin-level properties, independent of the model.
        acc = s.valid & s.ready
        banks = collections.Counter(s.addr[p] % B for p in range(P) if acc >> p & 1)
        self.accesses += sum(banks.values())
        for b, n in banks.items():
            if n > 1:
                self.error(f"cycle {s.cycle}: {n} requests accepted on bank {b}")
        for p in range(P):
            elig = s.valid >> p & 1 and (s.we >> p & 1 or self.outstanding[p] < RSP_DEPTH)
            if elig and not acc >> p & 1:
                others = sum(1 for q in range(P) if q != p and acc >> q & 1
                             and s.addr[q] % B == s.addr[p] % B)
                self.waiting[p] += others
                self.max_wait[p] = max(self.max_wait[p], self.waiting[p])
                if self.bound[p] is not None and self.waiting[p] > self.bound[p]:
                    self.error(f"cycle {s.cycle}: port {p} waited for {self.waiting[p]} "
                               f"grants of others on bank {s.addr[p] % B} (bound "
                               f"{self.bound[p]})")
            else:
                self.waiting[p] = 0
        for p in range(P):
            if s.rsp_valid >> p & 1 and s.rsp_ready >> p & 1:
                self.outstanding[p] -= 1
            if acc >> p & 1 and not s.we >> p & 1:
                self.outstanding[p] += 1
            if not 0 <= self.outstanding[p] <= RSP_DEPTH:
                self.error(f"cycle {s.cycle}: port {p} has {self.outstanding[p]} reads "
                           f"outstanding (0..{RSP_DEPTH})")

    def check_extra(self):
        self.logger.info(f"scoreboard: {self.cycles} cycles checked against the model, "
                         f"{self.accesses} accesses, {self.data_checked} response cycles with "
                         f"predicted data; max wait (grants of others) per port "
                         f"{self.max_wait}, bounds {self.bound}")


class SbufCoverage(CoverageBase):
    """Bins named after the testplan's testpoints (ip/shared_buffer/README.md)."""

    def build_phase(self):
        self.params = ConfigDB().get(self, "", "sbuf_params")
        self.P, self.B = self.params["P"], self.params["B"]
        super().build_phase()
        self.prev = None
        self.outstanding = [0] * self.P
        self.last_write = {}     # word -> (port, cycle)

    def bins(self):
        P, B = self.P, self.B
        b = {"won": [f"won_{p}" for p in range(P)],
             "profile": [f"profile_{k}" for k in PROFILES],
             "scenario": ["raw_same_word", "rsp_queue_full", "reset_mid_traffic",
                          "rsp_backpressure", "peak_rate"]}
        if P > 1:
            # fp: port 0 has the top priority on every bank and never waits.
            first = 1 if self.params["ARB"] == "fp" else 0
            b["waited"] = [f"waited_{p}" for p in range(first, P)]
            b["conflict"] = [f"conflict_bank_{k}" for k in range(B)]
        return b

    def events(self, s: SbufSample):
        P, B = self.P, self.B
        ev = []
        prev, self.prev = self.prev, s
        if not s.rst_n:
            if prev is not None and prev.rst_n and (prev.valid or prev.rsp_valid):
                ev.append("reset_mid_traffic")
            self.outstanding = [0] * P
            return ev
        acc = s.valid & s.ready
        elig = [bool(s.valid >> p & 1 and (s.we >> p & 1 or self.outstanding[p] < RSP_DEPTH))
                for p in range(P)]
        per_bank = collections.Counter(s.addr[p] % B for p in range(P) if elig[p])
        for k, n in per_bank.items():
            if n > 1:
                ev.append(f"conflict_bank_{k}")
        if bin(acc).count("1") == min(P, B):
            ev.append("peak_rate")
        for p in range(P):
            if acc >> p & 1:
                ev.append(f"won_{p}")
                if s.profiles.get(p):
                    ev.append(f"profile_{s.profiles[p]}")
                a = s.addr[p]
                if s.we >> p & 1:
                    self.last_write[a] = (p, s.cycle)
                elif self.last_write.get(a, (None, 0))[0] == p \
                        and s.cycle - self.last_write[a][1] <= 8:
                    ev.append("raw_same_word")
            elif elig[p] and P > 1:
                ev.append(f"waited_{p}")
            if s.valid >> p & 1 and not s.we >> p & 1 and self.outstanding[p] >= RSP_DEPTH:
                ev.append("rsp_queue_full")
            if s.rsp_valid >> p & 1 and not s.rsp_ready >> p & 1:
                ev.append("rsp_backpressure")
        for p in range(P):
            if s.rsp_valid >> p & 1 and s.rsp_ready >> p & 1:
                self.outstanding[p] -= 1
            if acc >> p & 1 and not s.we >> p & 1:
                self.outstanding[p] += 1
        return ev


class SbufEnv(uvm_env):
    def build_phase(self):
        self.knobs = ConfigDB().get(self, "", "knobs")
        self.dut = ConfigDB().get(self, "", "dut")
        self.params = self.knobs.params
        ConfigDB().set(None, "*", "sbuf_params", self.params)
        self.reset_bfm = ConfigDB().get(self, "", "reset_bfm")
        rng = ConfigDB().get(self, "", "test_rng")
        self.bfm = SbufBfm(self.dut, self.params, self.reset_bfm, self.knobs.stress, rng)
        ConfigDB().set(None, "*", "sbuf_bfm", self.bfm)
        self.seqr = uvm_sequencer("seqr", self)
        self.driver = SbufDriver("driver", self)
        self.monitor = SbufMonitor("monitor", self)
        self.scoreboard = SbufScoreboard("scoreboard", self)
        self.coverage = SbufCoverage("coverage", self)
        self.reset_agent = ResetAgent("reset_agent", self)

    def connect_phase(self):
        self.driver.seq_item_port.connect(self.seqr.seq_item_export)
        self.driver.exp_ap.connect(self.scoreboard.exp_export)
        self.monitor.rsp_ap.connect(self.scoreboard.act_export)
        self.monitor.cycle_ap.connect(self.scoreboard.cycle_export)
        self.monitor.cycle_ap.connect(self.coverage.analysis_export)

    def start_of_simulation_phase(self):
        cocotb.start_soon(self.bfm.run())

    def set_stress(self, mode: str | None = None, rsp_mode: str | None = None):
        """Switch idle insertion / backpressure inside a test (default: the knob)."""
        rng = ConfigDB().get(self, "", "test_rng")
        self.bfm.set_stress(mode or self.knobs.stress, rng, rsp_mode)

    async def drain(self, timeout_cycles: int = 200_000):
        """Wait until every request was accepted and every read answered (or a reset
        discarded them)."""
        for _ in range(timeout_cycles):
            if self.bfm.idle():
                break
            await RisingEdge(self.dut.clk)
        else:
            raise AssertionError(f"shared_buffer env: {self.bfm.pending} request(s) still "
                                 f"pending after {timeout_cycles} cycles (deadlock?)")
        await ClockCycles(self.dut.clk, 4)
        self.scoreboard.final_epoch = self.reset_bfm.count
