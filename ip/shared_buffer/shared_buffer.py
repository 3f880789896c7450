"""RADACS shared buffer: a banked SRAM shared by P valid/ready ports.

Design note
-----------
The buffer through which HMMU, LMMU, the feature cache and the DMA exchange data.
``B`` single-port banks of ``DEPTH`` words of ``DATA_W`` bits; word address ``a`` is in
bank ``a % B`` at row ``a // B`` (low-order interleaving, so unit-stride streams
from different ports spread over all banks).  Each bank serves at most one access per
cycle; the bank's arbiter is the library's arbiter IP (``ip.arbiter.arbiter``,
flavour ``ARB``: rr, fp or wrr with ``WEIGHTS``), instantiated once per bank with
``lock = 0`` and ``gnt_ready = 1``, so every offer is a completed grant.

Dataflow of port ``p``::

    s_req_* --(bank bits)--> eligible? --req--> bank b arbiter --gnt--> s_req_ready[p]
                                                    |
                                       winner's row/we/wdata/wstrb (AND-OR mux)
                                                    v
                          bank b: NB byte-lane SRAMs (sync read, byte write enable)
                                                    | rdata_b (registered by the SRAM)
    m_rsp_* <-- response FIFO (RSP_DEPTH) <-- mux by rd_bank_q (the bank p read)

* **Eligibility**: port p requests bank b when ``s_req_valid[p]``, its bank bits are
  b and it is a write or it holds a response credit (``cred_q < RSP_DEPTH``, reads
  accepted and not yet popped).  Writes are *posted*: no response, no credit; so a
  port whose consumer stalls can still write.
* **Ordering**: a port's requests are handled one at a time in its order, and a
  memory word is written at the end of the handshake cycle, so any read accepted
  later (by any port) returns it.  Two accesses never meet in one bank in one cycle.
* **Latency** (``READ_LATENCY = 2``): a read accepted in cycle t is sampled by the
  SRAM at the end of t, written into the port's FIFO at the end of t + 1 (through the
  B:1 bank mux), and shown on ``m_rsp_valid``/``m_rsp_rdata`` from cycle t + 2, which
  is the response cycle when the FIFO was empty.  Both response outputs come from
  registers: ``m_rsp_valid`` never depends on ``m_rsp_ready``.
* **Buffer sizing rule**: with ``m_rsp_ready`` high a read of cycle t is popped at
  the end of t + 2, so at the start of a cycle at most READ_LATENCY reads of a port
  are outstanding; ``RSP_DEPTH = READ_LATENCY + 1 = 3`` credits/FIFO entries is the
  least that lets a port issue a read every cycle.  Under backpressure the credit
  check stops granting reads before the FIFO could overflow.
* **Reset** (asynchronous, active low): arbiters, FIFOs, credits and reads in flight
  are cleared; ``s_req_ready`` is held low while ``rst_n`` is low, so nothing is
  written during reset; the SRAM contents are kept (they are not reset).

Cost: per bank one arbiter, an AND-OR mux of P x (row + DATA_W + DATA_W/8 + 1) bits
and DATA_W/8 byte-lane memories (plain ``mem[row] <= d`` / ``q <= mem[row]``
patterns, inferable as ECP5 DP16KD or LUT RAM); per port a B:1 read mux, 3 x DATA_W
FIFO flip-flops and three 2-bit counters.  All muxes are bit-level AND-OR over one-hot
selects (mask-based), no index arithmetic.

The cycle-level behaviour is specified by :mod:`models.shared_buffer`; the scoreboard
compares every cycle against it.
"""
from __future__ import annotations

from myhdl import (ConcatSignal, ResetSignal, Signal, always, always_comb, always_seq,
                   block, instances, intbv)

from ip.arbiter.arbiter import arbiter
from ip.common.params import Param, check_params, clog2

IP = "shared_buffer"
ARBS = ("rr", "fp", "wrr")
READ_LATENCY = 2
RSP_DEPTH = READ_LATENCY + 1   # 3: see the sizing rule in the design note
WEIGHT_MAX = 255

PARAMS = (
    Param("P", "int", 4, "number of ports (HMMU, LMMU, feature cache, DMA by default)",
          lo=1, hi=8),
    Param("B", "int", 4, "number of banks, a power of two", lo=1, hi=16),
    Param("DEPTH", "int", 256, "words per bank, a power of two", lo=2, hi=4096),
    Param("DATA_W", "int", 64, "bits per word, a multiple of 8", lo=8, hi=128),
    Param("ARB", "str", "rr", "per-bank arbitration: rr (round robin), fp (fixed "
          "priority, port 0 first), wrr (weighted round robin)", choices=ARBS),
    Param("WEIGHTS", "intlist", None, f"ARB=wrr only: P per-port weights in 1..{WEIGHT_MAX}",
          lo=1, hi=WEIGHT_MAX),
)


def _pow2(x: int) -> bool:
    return x >= 1 and x & (x - 1) == 0


def check(params: dict) -> dict:
    """Typed, validated parameters; raises ``ValueError`` naming the bad parameter."""
    p = check_params(IP, PARAMS, params)
    for name in ("B", "DEPTH"):
        if not _pow2(p[name]):
            raise ValueError(f"{IP}: {name} must be a power of two, got {p[name]}")
    if p["DATA_W"] % 8:
        raise ValueError(f"{IP}: DATA_W must be a multiple of 8, got {p['DATA_W']}")
    if p["ARB"] == "wrr":
        if p["WEIGHTS"] is None:
            raise ValueError(f"{IP}: WEIGHTS is required when ARB=wrr")
        if len(p["WEIGHTS"]) != p["P"]:
            raise ValueError(f"{IP}: WEIGHTS must have P={p['P']} entries, got "
                             f"{len(p['WEIGHTS'])} ({','.join(map(str, p['WEIGHTS']))})")
    elif p["WEIGHTS"] is not None:
        raise ValueError(f"{IP}: WEIGHTS is only valid with ARB=wrr, got ARB={p['ARB']}")
    return p


def module_name(params: dict) -> str:
    """``radacs_shared_buffer_p<P>_b<B>_d<DEPTH>_w<DATA_W>_<arb>[_<weights>]``."""
    p = check(params)
    name = f"radacs_shared_buffer_p{p['P']}_b{p['B']}_d{p['DEPTH']}_w{p['DATA_W']}_{p['ARB']}"
    if p["ARB"] == "wrr":
        name += "_" + "_".join(str(w) for w in p["WEIGHTS"])
    return name


def widths(p: dict) -> dict:
    """Derived widths: AW word address, BB bank bits, RB row bits, NB byte lanes."""
    bb = (p["B"] - 1).bit_length()
    rb = (p["DEPTH"] - 1).bit_length()
    return {"AW": bb + rb, "BB": bb, "RB": rb, "NB": p["DATA_W"] // 8}


def _cat(sigs):
    """Concatenation of ``sigs`` (index 0 least significant); a lone signal as is."""
    return sigs[0] if len(sigs) == 1 else ConcatSignal(*reversed(sigs))


@block
def _copy(src, dst):
    @always_comb
    def cp():
        dst.next = src
    return cp


@block
def _lane(clk, we, row, wbyte, rbyte, DEPTH):
    """One byte lane of one bank: a plain synchronous-read single-port memory."""
    mem = [Signal(intbv(0)[8:]) for _ in range(DEPTH)]

    @always(clk.posedge)
    def ram():
        if we:
            mem[row].next = wbyte
        rbyte.next = mem[row]

    return ram


@block
def _bank(clk, rst_n, req, gnt, s_req_we, s_req_addr, s_req_wdata, s_req_wstrb, rdata,
          *, P, AW, BB, RB, DATA_W, DEPTH, ARB, WEIGHTS):
    """One bank: the arbiter IP over the eligible ports, the winner's access, the SRAM."""
    NB = DATA_W // 8
    lock = Signal(intbv(0)[P:])
    gnt_ready = Signal(bool(1))
    gnt_idx = Signal(intbv(0)[max(1, clog2(P)):])
    gnt_valid = Signal(bool(0))
    arb = arbiter(clk, rst_n, req, lock, gnt, gnt_idx, gnt_valid, gnt_ready,
                  FLAVOUR=ARB, N=P, WEIGHTS=WEIGHTS)

    # lock and gnt_ready are never driven: constants (every grant is a completed
    # single-beat transfer).

    we = Signal(bool(0))
    row = Signal(intbv(0)[RB:])
    wdata = Signal(intbv(0)[DATA_W:])
    wstrb = Signal(intbv(0)[NB:])

    @always_comb
    def access_mux():
        # AND-OR mux over the one-hot grant, bit by bit (constant masks, no indexing
        # arithmetic in the synthesized logic).  No access while rst_n is low.
        r = intbv(0)[RB:]
        d = intbv(0)[DATA_W:]
        s = intbv(0)[NB:]
        w = False
        # (Every loop variable is assigned on every path: yosys would otherwise infer
        # a latch for an inner loop's index.)
        for i in range(P):
            if gnt[i] and s_req_we[i]:
                w = True
            for k in range(RB):
                if gnt[i] and s_req_addr[i * AW + BB + k]:
                    r[k] = 1
            for k in range(DATA_W):
                if gnt[i] and s_req_wdata[i * DATA_W + k]:
                    d[k] = 1
            for k in range(NB):
                if gnt[i] and s_req_wstrb[i * NB + k]:
                    s[k] = 1
        we.next = w and gnt_valid and rst_n
        row.next = r
        wdata.next = d
        wstrb.next = s

    lane_we = [Signal(bool(0)) for _ in range(NB)]
    rbytes = [Signal(intbv(0)[8:]) for _ in range(NB)]
    wstrb_bits = [wstrb(k) for k in range(NB)]
    lanes = []
    for k in range(NB):
        lanes.append(_lane_we(we, wstrb_bits[k], lane_we[k]))
        lanes.append(_lane(clk, lane_we[k], row, wdata(8 * k + 8, 8 * k), rbytes[k],
                           DEPTH=DEPTH))
    rcat = _cat(rbytes)
    out = _copy(rcat, rdata)
    return instances()


@block
def _lane_we(we, strb, lane_we):
    @always_comb
    def g():
        lane_we.next = we and strb
    return g


@block
def _port(clk, rst_n, valid, we, bank_bits, gcol, rsp_ready, rdata_all, credit, bsel, rdy,
          rsp_valid, rsp_data, *, B, DATA_W):
    """Port p: bank decode, ready, credits, the read pipeline and the response FIFO."""
    cred_q = Signal(intbv(0)[2:])     # reads accepted and not yet popped (0..RSP_DEPTH)
    cnt_q = Signal(intbv(0)[2:])      # FIFO entries (0..RSP_DEPTH)
    wp_q = Signal(intbv(0)[2:])       # FIFO write slot (0..RSP_DEPTH-1)
    rp_q = Signal(intbv(0)[2:])       # FIFO read slot
    pend_q = Signal(bool(0))          # a read was accepted last cycle
    rbank_q = Signal(intbv(0)[B:])    # ... from this bank (one-hot)
    rd_acc = Signal(bool(0))
    pop = Signal(bool(0))
    word = Signal(intbv(0)[DATA_W:])
    e0 = Signal(intbv(0)[DATA_W:])
    e1 = Signal(intbv(0)[DATA_W:])
    e2 = Signal(intbv(0)[DATA_W:])

    if B > 1:
        # (B = 1: bsel is never driven and keeps its initial value 1, a constant.)
        @always_comb
        def decode():
            v = intbv(0)[B:]
            v[bank_bits] = 1
            bsel.next = v

    @always_comb
    def control():
        r = gcol != 0 and rst_n
        rdy.next = r
        rd_acc.next = r and valid and not we
        pop.next = cnt_q != 0 and rsp_ready
        credit.next = cred_q < RSP_DEPTH
        rsp_valid.next = cnt_q != 0

    @always_comb
    def read_mux():
        # The bank this port read last cycle (one-hot rbank_q): AND-OR, bit by bit.
        d = intbv(0)[DATA_W:]
        for b in range(B):
            for k in range(DATA_W):
                if rbank_q[b] and rdata_all[b * DATA_W + k]:
                    d[k] = 1
        word.next = d

    @always_comb
    def head():
        if rp_q == 0:
            rsp_data.next = e0
        elif rp_q == 1:
            rsp_data.next = e1
        else:
            rsp_data.next = e2

    @always_seq(clk.posedge, reset=rst_n)
    def state():
        pend_q.next = rd_acc
        if rd_acc:
            rbank_q.next = bsel
        if rd_acc and not pop:
            cred_q.next = cred_q + 1
        elif pop and not rd_acc:
            cred_q.next = cred_q - 1
        if pend_q and not pop:
            cnt_q.next = cnt_q + 1
        elif pop and not pend_q:
            cnt_q.next = cnt_q - 1
        if pend_q:
            wp_q.next = 0 if wp_q == RSP_DEPTH - 1 else wp_q + 1
        if pop:
            rp_q.next = 0 if rp_q == RSP_DEPTH - 1 else rp_q + 1

    @always(clk.posedge)
    def fifo_data():
        # Data only: no reset needed (cnt_q says which entries are valid).
        if pend_q:
            if wp_q == 0:
                e0.next = word
            elif wp_q == 1:
                e1.next = word
            else:
                e2.next = word

    return instances()


@block
def shared_buffer(clk, rst_n, s_req_valid, s_req_ready, s_req_we, s_req_addr, s_req_wdata,
                  s_req_wstrb, m_rsp_valid, m_rsp_ready, m_rsp_rdata, *, P=4, B=4, DEPTH=256,
                  DATA_W=64, ARB="rr", WEIGHTS=None):
    """Shared buffer block.  Ports (named from the buffer's point of view; port p's field
    of a flat vector is bits [p*W + W - 1 : p*W]):

    clk             in   clock, rising edge
    rst_n           in   asynchronous active-low reset
    s_req_valid[P]  in   port p offers a request; held with its fields until accepted
    s_req_ready[P]  out  port p's request is accepted this cycle
    s_req_we[P]     in   1: write, 0: read
    s_req_addr      in   P x AW word address (AW = log2(B*DEPTH)); bank = addr % B
    s_req_wdata     in   P x DATA_W write data
    s_req_wstrb     in   P x DATA_W/8 byte enables of a write
    m_rsp_valid[P]  out  port p's read data is offered (registered)
    m_rsp_ready[P]  in   port p accepts its read data
    m_rsp_rdata     out  P x DATA_W read data, in the order of p's reads
    """
    p = check({"P": P, "B": B, "DEPTH": DEPTH, "DATA_W": DATA_W, "ARB": ARB,
               "WEIGHTS": WEIGHTS})
    P, B, DEPTH, DATA_W, ARB, WEIGHTS = (p["P"], p["B"], p["DEPTH"], p["DATA_W"], p["ARB"],
                                         p["WEIGHTS"])
    w = widths(p)
    AW, BB, RB, NB = w["AW"], w["BB"], w["RB"], w["NB"]
    for sig, name, width in ((s_req_valid, "s_req_valid", P), (s_req_ready, "s_req_ready", P),
                             (s_req_we, "s_req_we", P), (s_req_addr, "s_req_addr", P * AW),
                             (s_req_wdata, "s_req_wdata", P * DATA_W),
                             (s_req_wstrb, "s_req_wstrb", P * NB),
                             (m_rsp_valid, "m_rsp_valid", P), (m_rsp_ready, "m_rsp_ready", P),
                             (m_rsp_rdata, "m_rsp_rdata", P * DATA_W)):
        if len(sig) != width:
            raise ValueError(f"{IP}: port {name} must be {width} bits, got {len(sig)}")

    credit = [Signal(bool(0)) for _ in range(P)]
    bsel = [Signal(intbv(1 if B == 1 else 0)[B:]) for _ in range(P)]
    rdy = [Signal(bool(0)) for _ in range(P)]
    rsp_valid = [Signal(bool(0)) for _ in range(P)]
    rsp_data = [Signal(intbv(0)[DATA_W:]) for _ in range(P)]
    gnt = [Signal(intbv(0)[P:]) for _ in range(B)]
    req = [Signal(intbv(0)[P:]) for _ in range(B)]
    rdata = [Signal(intbv(0)[DATA_W:]) for _ in range(B)]
    elig = Signal(intbv(0)[P:])

    credit_cat = _cat(credit)

    @always_comb
    def eligible():
        elig.next = s_req_valid & (s_req_we | credit_cat)

    # Column b of the ports' bank selects, and port p's row of the banks' grants.
    bcols = [_cat([bsel[i](b) for i in range(P)]) for b in range(B)]
    gcols = [_cat([gnt[b](i) for b in range(B)]) for i in range(P)]
    rdata_all = _cat(rdata)

    banks = []
    for b in range(B):
        banks.append(_req_col(elig, bcols[b], req[b]))
        banks.append(_bank(clk, rst_n, req[b], gnt[b], s_req_we, s_req_addr, s_req_wdata,
                           s_req_wstrb, rdata[b], P=P, AW=AW, BB=BB, RB=RB, DATA_W=DATA_W,
                           DEPTH=DEPTH, ARB=ARB, WEIGHTS=WEIGHTS))
    ports = []
    for i in range(P):
        bank_bits = s_req_addr(i * AW + BB, i * AW) if B > 1 else None
        ports.append(_port(clk, rst_n, s_req_valid(i), s_req_we(i), bank_bits, gcols[i],
                           m_rsp_ready(i), rdata_all, credit[i], bsel[i], rdy[i],
                           rsp_valid[i], rsp_data[i], B=B, DATA_W=DATA_W))
    outs = [_copy(_cat(rdy), s_req_ready), _copy(_cat(rsp_valid), m_rsp_valid),
            _copy(_cat(rsp_data), m_rsp_rdata)]
    return instances()


@block
def _req_col(elig, bcol, req):
    @always_comb
    def r():
        req.next = elig & bcol
    return r


def ports(params: dict):
    """Fresh MyHDL signals for one parameter set, in port order."""
    p = check(params)
    w = widths(p)
    P, DW = p["P"], p["DATA_W"]
    return dict(
        clk=Signal(bool(0)),
        rst_n=ResetSignal(0, active=0, isasync=True),
        s_req_valid=Signal(intbv(0)[P:]),
        s_req_ready=Signal(intbv(0)[P:]),
        s_req_we=Signal(intbv(0)[P:]),
        s_req_addr=Signal(intbv(0)[P * w["AW"]:]),
        s_req_wdata=Signal(intbv(0)[P * DW:]),
        s_req_wstrb=Signal(intbv(0)[P * w["NB"]:]),
        m_rsp_valid=Signal(intbv(0)[P:]),
        m_rsp_ready=Signal(intbv(0)[P:]),
        m_rsp_rdata=Signal(intbv(0)[P * DW:]),
    )


def build(params: dict):
    """The elaborated top block and its port signals for ``params``."""
    p = check(params)
    sigs = ports(p)
    inst = shared_buffer(**sigs, P=p["P"], B=p["B"], DEPTH=p["DEPTH"], DATA_W=p["DATA_W"],
                         ARB=p["ARB"], WEIGHTS=p["WEIGHTS"])
    return inst, sigs
