"""Golden model of the RADACS shared buffer (``ip/shared_buffer``): the specification.

A banked single-port SRAM shared by ``P`` ports.  Word ``addr`` lives in bank
``addr % B`` at row ``addr // B`` (low-order interleaving: consecutive words are in
consecutive banks).  Each bank serves at most one access per cycle; a per-bank
arbiter (:class:`models.arbiter.ArbiterModel`, flavour ``ARB``) chooses among the
ports that want it.

Cycle-level contract (one call of :meth:`SharedBufferModel.clock` per clock cycle)
----------------------------------------------------------------------------------
Inputs of a cycle: per port a request ``(valid, we, addr, wdata, wstrb)`` and the
response channel's ``rsp_ready``; whether the cycle is a reset cycle.

* **Eligibility.**  Port ``p`` requests bank ``b`` in a cycle when ``valid``, its
  address is in bank ``b``, and it is a write or it holds a response *credit*:
  ``outstanding[p] < RSP_DEPTH``, where ``outstanding[p]`` counts the reads of ``p``
  accepted before this cycle whose response has not been popped before this cycle.
  Writes need no credit: they are *posted* (no response).
* **Grant.**  Each bank's arbiter gets the mask of eligible ports and offers one
  (``ArbiterModel.offer``); the arbiter's ``ready`` is always 1 and ``lock`` always
  0, so every offer is a completed grant.  ``s_req_ready[p]`` is 1 when some bank
  offers ``p``; a request is *accepted* when ``valid`` and ``s_req_ready``.  Nothing
  is accepted in a reset cycle.
* **Memory.**  An accepted write stores the bytes whose ``wstrb`` bit is set at the
  end of the cycle.  An accepted read samples its word at the end of the cycle
  (it sees every write of earlier cycles, by any port; a write to the same bank in the
  same cycle is impossible).  The memory is not reset.  Bytes never written are
  *undefined* (``None``): the model does not predict them.
* **Responses.**  Port ``p``'s responses leave in the order of its reads through a
  queue of ``RSP_DEPTH`` entries.  A read accepted in cycle ``t`` enters the queue at
  the end of cycle ``t + 1``; ``m_rsp_valid[p]`` is high while the queue is not empty
  and shows its head; the head is popped at the end of a cycle with
  ``m_rsp_valid & m_rsp_ready``.  So a read whose port has nothing outstanding is
  answered in cycle ``t + READ_LATENCY`` (``READ_LATENCY = 2``).
* **Throughput.**  With ``m_rsp_ready`` high, a read accepted in cycle ``t`` is
  popped at the end of ``t + 2``, so at most ``READ_LATENCY`` reads of a port are
  outstanding at the start of a cycle; ``RSP_DEPTH = READ_LATENCY + 1`` credits is
  the least that never stalls a port: one access per port per cycle, and
  ``min(P, B)`` accesses per cycle for conflict-free traffic.
* **Reset** empties the queues, forgets the reads in flight, resets the arbiters;
  the memory keeps its contents.

Bounded wait (checked by the scoreboard, proved formally): while port ``i`` is
eligible for bank ``b`` and not granted, the grants of bank ``b`` to other ports are
at most ``ArbiterModel.wait_bound(i)`` (rr: ``P - 1``; wrr: ``sum(W) - W[i]``; fp:
no bound, a port may starve).

This model uses a dictionary memory, a deque per port and an explicit counter per
port, independently of the RTL's banked memories, FIFO pointers and masks.
"""
from __future__ import annotations

import collections
from dataclasses import dataclass
from typing import Sequence

from models.arbiter import ArbiterModel

READ_LATENCY = 2
RSP_DEPTH = READ_LATENCY + 1
ARBS = ("rr", "fp", "wrr")


def _pow2(x: int) -> bool:
    return isinstance(x, int) and x >= 1 and x & (x - 1) == 0


def check_config(P, B, DEPTH, DATA_W, ARB="rr", WEIGHTS=None) -> None:
    """ValueError naming the parameter when the configuration is not legal."""
    ip = "shared_buffer model"
    if not isinstance(P, int) or isinstance(P, bool) or not 1 <= P <= 8:
        raise ValueError(f"{ip}: P must be an integer in 1..8, got {P!r}")
    if not _pow2(B) or B > 16:
        raise ValueError(f"{ip}: B must be a power of two in 1..16, got {B!r}")
    if not _pow2(DEPTH) or not 2 <= DEPTH <= 4096:
        raise ValueError(f"{ip}: DEPTH must be a power of two in 2..4096, got {DEPTH!r}")
    if not isinstance(DATA_W, int) or DATA_W % 8 or not 8 <= DATA_W <= 128:
        raise ValueError(f"{ip}: DATA_W must be a multiple of 8 in 8..128, got {DATA_W!r}")
    if ARB not in ARBS:
        raise ValueError(f"{ip}: ARB must be one of {ARBS}, got {ARB!r}")
    if (ARB == "wrr") != (WEIGHTS is not None):
        raise ValueError(f"{ip}: WEIGHTS must be given exactly when ARB=wrr, got {WEIGHTS!r}")


@dataclass(frozen=True)
class Req:
    """One port's request pins in one cycle."""
    valid: bool = False
    we: bool = False
    addr: int = 0
    wdata: int = 0
    wstrb: int = 0


@dataclass(frozen=True)
class Rsp:
    """A response word: ``data`` with only the bytes in ``known`` (a bit mask)
    predicted; the others were never written."""
    data: int
    known: int

    def matches(self, value: int) -> bool:
        return (value & self.known) == (self.data & self.known)


@dataclass
class CycleOut:
    ready: int                     # s_req_ready mask
    rsp_valid: int                 # m_rsp_valid mask
    rsp: list                      # per port: Rsp shown on m_rsp_rdata (None when not valid)
    accepted: list                 # per port: the Req accepted this cycle, or None
    bank_grant: list               # per bank: port granted, or None


class SharedBufferModel:
    """Cycle-accurate reference of ``ip/shared_buffer``."""

    def __init__(self, P=4, B=4, DEPTH=256, DATA_W=64, ARB="rr", WEIGHTS=None):
        check_config(P, B, DEPTH, DATA_W, ARB, None if WEIGHTS is None else tuple(WEIGHTS))
        self.P, self.B, self.DEPTH, self.DATA_W = P, B, DEPTH, DATA_W
        self.ARB = ARB
        self.WEIGHTS = None if WEIGHTS is None else tuple(int(w) for w in WEIGHTS)
        self.nbytes = DATA_W // 8
        self.words = B * DEPTH
        self.arbs = [ArbiterModel(ARB, P, self.WEIGHTS) for _ in range(B)]
        self.mem: dict[int, list] = {}   # word address -> list of bytes (None: undefined)
        self.reset()

    # -- state ----------------------------------------------------------------------
    def reset(self) -> None:
        for a in self.arbs:
            a.reset()
        self.outstanding = [0] * self.P
        self.inflight: list = [None] * self.P    # read sampled last cycle, enters the queue
        self.queue = [collections.deque() for _ in range(self.P)]

    def bank(self, addr: int) -> int:
        return addr % self.B

    def wait_bound(self, port: int) -> int | None:
        return self.arbs[0].wait_bound(port)

    # -- combinational --------------------------------------------------------------
    def eligible(self, reqs: Sequence[Req]) -> int:
        m = 0
        for p, r in enumerate(reqs):
            if r.valid and (r.we or self.outstanding[p] < RSP_DEPTH):
                m |= 1 << p
        return m

    def outputs(self, reqs: Sequence[Req], in_reset: bool = False) -> CycleOut:
        """What the pins show in this cycle (before the clock edge)."""
        elig = self.eligible(reqs)
        ready, grants = 0, []
        for b in range(self.B):
            req_b = 0
            for p, r in enumerate(reqs):
                if elig >> p & 1 and self.bank(r.addr % self.words) == b:
                    req_b |= 1 << p
            o = self.arbs[b].offer(req_b)
            grants.append(o.idx if o.valid else None)
            if o.valid:
                ready |= o.gnt
        if in_reset:
            ready = 0
            grants = [None] * self.B
        rsp_valid, rsp = 0, []
        for p in range(self.P):
            if self.queue[p] and not in_reset:
                rsp_valid |= 1 << p
                rsp.append(self.queue[p][0])
            else:
                rsp.append(None)
        accepted = [reqs[p] if ready >> p & 1 else None for p in range(self.P)]
        return CycleOut(ready, rsp_valid, rsp, accepted, grants)

    def _read(self, addr: int) -> Rsp:
        word = self.mem.get(addr, [None] * self.nbytes)
        data = known = 0
        for k, byte in enumerate(word):
            if byte is not None:
                data |= byte << (8 * k)
                known |= 0xFF << (8 * k)
        return Rsp(data, known)

    # -- sequential -----------------------------------------------------------------
    def clock(self, reqs: Sequence[Req], rsp_ready: int, in_reset: bool = False) -> CycleOut:
        """Advance one clock cycle; returns what the pins showed in it."""
        if in_reset:
            self.reset()
            return self.outputs(reqs, True)
        out = self.outputs(reqs)
        elig = self.eligible(reqs)
        for b in range(self.B):
            req_b = 0
            for p, r in enumerate(reqs):
                if elig >> p & 1 and self.bank(r.addr % self.words) == b:
                    req_b |= 1 << p
            self.arbs[b].clock(req_b, 0, True)
        # responses popped this cycle
        for p in range(self.P):
            if out.rsp_valid >> p & 1 and rsp_ready >> p & 1:
                self.queue[p].popleft()
                self.outstanding[p] -= 1
        # last cycle's reads enter their queues
        for p in range(self.P):
            if self.inflight[p] is not None:
                self.queue[p].append(self.inflight[p])
                assert len(self.queue[p]) <= RSP_DEPTH, "response queue overflow (model)"
                self.inflight[p] = None
        # this cycle's accesses
        for p, r in enumerate(out.accepted):
            if r is None:
                continue
            a = r.addr % self.words
            if r.we:
                word = self.mem.setdefault(a, [None] * self.nbytes)
                for k in range(self.nbytes):
                    if r.wstrb >> k & 1:
                        word[k] = (r.wdata >> (8 * k)) & 0xFF
            else:
                self.inflight[p] = self._read(a)
                self.outstanding[p] += 1
        return out

    cycle = clock


def ideal_rate(P: int, B: int) -> int:
    """The most accesses a cycle can deliver: one per port, one per bank."""
    return min(P, B)


def _hex(rsp: Rsp, data_w: int) -> str:
    """Hex of a response, ``xx`` for the bytes the model does not know."""
    out = ""
    for k in reversed(range(data_w // 8)):
        out += f"{rsp.data >> (8 * k) & 0xFF:02x}" if rsp.known >> (8 * k) & 0xFF else "xx"
    return out


def waveform(params: dict, stimulus, rsp_ready) -> str:
    """ASCII waveform of the model (the README's), one column per cycle.

    ``stimulus[t][p]``: port p's request in cycle t as ``(we, addr, wdata)`` or None;
    a request is held until accepted (the next one of that port waits for it).
    ``rsp_ready[t]``: the ``m_rsp_ready`` mask of cycle t."""
    P = params["P"]
    m = SharedBufferModel(params["P"], params["B"], params["DEPTH"], params["DATA_W"],
                          params.get("ARB", "rr"), params.get("WEIGHTS"))
    pending = [collections.deque() for _ in range(P)]
    rows: dict[str, list[str]] = collections.OrderedDict()
    for p in range(P):
        for name in ("s_req_valid", "s_req_we", "s_req_addr", "s_req_ready", "m_rsp_valid",
                     "m_rsp_ready", "m_rsp_rdata"):
            rows[f"{name}[{p}]"] = []
    rows["bank grants"] = []
    for t in range(len(rsp_ready)):
        for p in range(P):
            if t < len(stimulus) and stimulus[t][p] is not None:
                pending[p].append(stimulus[t][p])
        reqs = []
        for p in range(P):
            if pending[p]:
                we, a, d = pending[p][0]
                reqs.append(Req(True, bool(we), a, d, (1 << (params["DATA_W"] // 8)) - 1))
            else:
                reqs.append(Req())
        out = m.clock(reqs, rsp_ready[t])
        for p in range(P):
            r = reqs[p]
            rows[f"s_req_valid[{p}]"].append("1" if r.valid else "0")
            rows[f"s_req_we[{p}]"].append(("1" if r.we else "0") if r.valid else "-")
            rows[f"s_req_addr[{p}]"].append(f"{r.addr}" if r.valid else "-")
            rows[f"s_req_ready[{p}]"].append(str(out.ready >> p & 1))
            rows[f"m_rsp_valid[{p}]"].append(str(out.rsp_valid >> p & 1))
            rows[f"m_rsp_ready[{p}]"].append(str(rsp_ready[t] >> p & 1))
            rsp = out.rsp[p]
            rows[f"m_rsp_rdata[{p}]"].append(_hex(rsp, params["DATA_W"]) if rsp is not None
                                             else "-")
            if out.ready >> p & 1:
                pending[p].popleft()
        rows["bank grants"].append("".join("-" if g is None else str(g)
                                           for g in out.bank_grant))
    n = len(rsp_ready)
    lines = ["cycle".ljust(16) + "".join(f"{t:<5}" for t in range(n))]
    for name, vals in rows.items():
        lines.append(name.ljust(16) + "".join(f"{v:<5}" for v in vals))
    return "\n".join(line.rstrip() for line in lines)
