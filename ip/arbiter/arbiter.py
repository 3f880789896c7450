"""RADACS buffer arbiter family: round-robin, fixed-priority and weighted round-robin.

Design note
-----------
The shared buffer of DU-NE gives each SRAM bank to one of its ports per cycle; this
block makes that choice.  Three flavours share one datapath and one handshake:

* ``fp``  - fixed priority, requester 0 highest.  Smallest, may starve.
* ``rr``  - round robin.  A thermometer ``mask_q`` marks the requesters *after* the
  last winner; the winner is the lowest set bit of ``req & mask_q`` or, when that is
  empty, of ``req``.  A requester waits for at most N-1 grants of others.
* ``wrr`` - weighted round robin with static integer ``WEIGHTS``.  Like ``rr``, but a
  winner keeps the top priority for up to ``WEIGHTS[i]`` consecutive grants while it
  keeps requesting; the pointer moves past it when the grants are used up or when
  another requester wins.  Under saturation each requester gets exactly WEIGHTS[i]
  of every sum(WEIGHTS) grants; a requester waits for at most
  sum(WEIGHTS) - WEIGHTS[i] grants of others.

Handshake (valid/ready, from the arbiter's point of view): ``gnt``/``gnt_idx``/
``gnt_valid`` is the offer, ``gnt_ready`` accepts it.  ``gnt_valid`` never depends
on ``gnt_ready``.  An offer that is not accepted is *held*: the same requester stays
granted in the next cycle as long as it keeps requesting (a requester must keep
``req`` high until accepted; if it drops it anyway the arbiter re-arbitrates rather
than granting a non-requester).  A requester that has ``lock[i]`` high when its
transfer is accepted keeps the grant for the next beat too (multi-beat burst); the
burst ends with the first accepted beat whose ``lock`` is low.  A burst counts as one
grant for fairness and weights.  ``N = 1`` is a pure combinational pass-through.

All logic is mask-based (no index arithmetic, which was measured 3-5x larger in
yosys): the mask after a winner is an exclusive prefix-OR, the index an OR of constant
masks.  The lowest set bit of a vector ("pick") has two implementations, chosen by N
at elaboration from measurements on ECP5 (yosys synth_ecp5 + nextpnr, one seed):

  N      prefix-OR loop          x & -x (carry chain, CCU2C)
  8      rr 149 LUT4 123 MHz     rr 109 LUT4 + 8 CCU2C 105 MHz
  16     rr 344 LUT4  93 MHz     rr 234 LUT4 + 16 CCU2C 87 MHz
  32     rr 632 LUT4  63 MHz     rr 416 LUT4 + 32 CCU2C 76 MHz
         fp 487 LUT4  84 MHz     fp 173 LUT4 + 16 CCU2C 97 MHz

so the carry chain is used for N > 16 (CARRY_CHAIN_MIN_N).  The grant path is
combinational from ``req``; the critical path is the pointer loop
mask_q -> pick -> end-of-grant -> mask_q enable.

The cycle-level behaviour is specified by :mod:`models.arbiter`; the scoreboard
compares every cycle against it.
"""
from __future__ import annotations

import zlib

from myhdl import Signal, always_comb, always_seq, block, instances, intbv, modbv

from ip.common.params import Param, check_params, clog2

IP = "arbiter"
FLAVOURS = ("rr", "fp", "wrr")
N_MAX = 32
WEIGHT_MAX = 255
# Above this N the pick uses x & -x (carry chain); see the design note.
CARRY_CHAIN_MIN_N = 16

PARAMS = (
    Param("FLAVOUR", "str", "rr", "arbitration policy: rr (round robin), fp (fixed priority), "
          "wrr (weighted round robin)", choices=FLAVOURS),
    Param("N", "int", 4, "number of requesters", lo=1, hi=N_MAX),
    Param("WEIGHTS", "intlist", None, "wrr only: comma-separated per-requester weights, "
          f"N entries in 1..{WEIGHT_MAX}", lo=1, hi=WEIGHT_MAX),
)


def check(params: dict) -> dict:
    """Typed, validated parameters; raises ``ValueError`` naming the bad parameter."""
    p = check_params(IP, PARAMS, params)
    if p["FLAVOUR"] == "wrr":
        if p["WEIGHTS"] is None:
            raise ValueError(f"{IP}: WEIGHTS is required when FLAVOUR=wrr")
        if len(p["WEIGHTS"]) != p["N"]:
            raise ValueError(
                f"{IP}: WEIGHTS must have N={p['N']} entries, got {len(p['WEIGHTS'])} "
                f"({','.join(map(str, p['WEIGHTS']))})")
    elif p["WEIGHTS"] is not None:
        raise ValueError(f"{IP}: WEIGHTS is only valid with FLAVOUR=wrr, got FLAVOUR={p['FLAVOUR']}")
    return p


def module_name(params: dict) -> str:
    """``radacs_arbiter_<flavour>_n<N>[_w<w0>_<w1>...]``: one module per parameter set."""
    p = check(params)
    name = f"radacs_arbiter_{p['FLAVOUR']}_n{p['N']}"
    if p["FLAVOUR"] == "wrr":
        w = p["WEIGHTS"]
        if len(w) <= 8:
            name += "_w" + "_".join(str(x) for x in w)
        else:
            # Long weight lists would give unwieldy names: a CRC of the list keeps the
            # name unique per set; the file header spells the weights out.
            name += "_wh%08x" % (zlib.crc32(",".join(map(str, w)).encode()) & 0xFFFFFFFF)
    return name


def idx_width(n: int) -> int:
    return clog2(n)


@block
def arbiter(clk, rst_n, req, lock, gnt, gnt_idx, gnt_valid, gnt_ready, *, FLAVOUR="rr", N=4,
            WEIGHTS=None):
    """Arbiter block.  Ports (all named from the arbiter's point of view):

    clk        in   clock, rising edge
    rst_n      in   asynchronous active-low reset (``ResetSignal(0, active=0, isasync=True)``)
    req[N]     in   request per requester; held until the grant is accepted
    lock[N]    in   requester i keeps the grant after an accepted beat while lock[i]
    gnt[N]     out  one-hot0 grant
    gnt_idx    out  binary index of ``gnt`` (0 when no grant), clog2(N) bits (1 bit for N=1)
    gnt_valid  out  a grant is offered (``gnt != 0``)
    gnt_ready  in   the offered transfer is accepted this cycle
    """
    p = check({"FLAVOUR": FLAVOUR, "N": N, "WEIGHTS": WEIGHTS})
    flavour, n, weights = p["FLAVOUR"], p["N"], p["WEIGHTS"]
    iw = idx_width(n)
    for sig, name, width in ((req, "req", n), (lock, "lock", n), (gnt, "gnt", n),
                             (gnt_idx, "gnt_idx", iw)):
        if len(sig) != width:
            raise ValueError(f"{IP}: port {name} must be {width} bits for N={n}, got {len(sig)}")

    if n == 1:
        # Degenerate size, handled explicitly: a wire.  clk, rst_n, lock and gnt_ready
        # are unused here (waived for *_n1 modules in ip/arbiter/lint.vlt).
        @always_comb
        def passthrough():
            gnt.next = req
            gnt_valid.next = req[0]
            gnt_idx.next = 0

        return instances()

    hold_q = Signal(bool(0))           # an offer or a burst is in progress
    hold_gnt_q = Signal(intbv(0)[n:])  # ... for this requester
    pick_s = Signal(intbv(0)[n:])      # what a fresh arbitration would grant
    gnt_s = Signal(intbv(0)[n:])
    idx_s = Signal(intbv(0)[iw:])

    @always_comb
    def hold_mux():
        # A held offer or burst wins while its requester still requests.
        if hold_q and (req & hold_gnt_q) != 0:
            gnt_s.next = hold_gnt_q
        else:
            gnt_s.next = pick_s

    if flavour == "fp":
        if n > CARRY_CHAIN_MIN_N:
            @always_comb
            def pick_fp():
                # Lowest set bit of req: x & -x, on the carry chain.
                x = modbv(0)[n:]
                x[:] = req
                pick_s.next = x & (~x + 1)
        else:
            @always_comb
            def pick_fp():
                # Lowest set bit of req; prefix-OR chain.
                g = intbv(0)[n:]
                seen = False
                for i in range(n):
                    g[i] = req[i] and not seen
                    seen = seen or req[i]
                pick_s.next = g

    else:
        mask_q = Signal(intbv(0)[n:])  # thermometer: requesters after the last winner
        fire_end = Signal(bool(0))     # a grant (single beat or whole burst) completes

        @always_comb
        def end_of_grant():
            fire_end.next = gnt_s != 0 and gnt_ready and (lock & gnt_s) == 0

        if n > CARRY_CHAIN_MIN_N:
            @always_comb
            def pick_rr():
                # Two-pass mask arbiter: lowest set bit of req & mask_q, else of req;
                # the lowest set bit is x & -x, on the carry chain.
                xm = modbv(0)[n:]
                xa = modbv(0)[n:]
                xm[:] = req & mask_q
                xa[:] = req
                if xm != 0:
                    pick_s.next = xm & (~xm + 1)
                else:
                    pick_s.next = xa & (~xa + 1)
        else:
            @always_comb
            def pick_rr():
                # Two-pass mask arbiter: lowest set bit of req & mask_q, else of req;
                # prefix-OR chains.
                gm = intbv(0)[n:]
                ga = intbv(0)[n:]
                seen_m = False
                seen_a = False
                for i in range(n):
                    gm[i] = req[i] and mask_q[i] and not seen_m
                    seen_m = seen_m or (req[i] and mask_q[i])
                    ga[i] = req[i] and not seen_a
                    seen_a = seen_a or req[i]
                if seen_m:
                    pick_s.next = gm
                else:
                    pick_s.next = ga

    @always_comb
    def outputs():
        gnt.next = gnt_s
        gnt_valid.next = gnt_s != 0
        gnt_idx.next = idx_s

    @always_comb
    def encode():
        # One-hot to binary by OR-ing constant masks: bit b of the index is set when the
        # grant lies in the set of requesters whose index has bit b set.
        v = intbv(0)[iw:]
        for b in range(iw):
            for i in range(n):
                if gnt_s[i] and ((i >> b) & 1) == 1:
                    v[b] = 1
        idx_s.next = v

    @always_seq(clk.posedge, reset=rst_n)
    def hold_reg():
        # Hold while offered-but-not-accepted, or accepted with lock (burst continues).
        if gnt_s != 0 and (not gnt_ready or (lock & gnt_s) != 0):
            hold_q.next = 1
            hold_gnt_q.next = gnt_s
        else:
            hold_q.next = 0
            hold_gnt_q.next = 0

    if flavour == "rr":
        @always_seq(clk.posedge, reset=rst_n)
        def pointer_rr():
            if fire_end:
                # mask_d[i] = some winner bit below i (exclusive prefix-OR)
                m = intbv(0)[n:]
                below = False
                for i in range(n):
                    m[i] = below
                    below = below or gnt_s[i]
                mask_q.next = m

    elif flavour == "wrr":
        wmax = max(weights)
        cw = max(1, wmax.bit_length())
        cnt_q = Signal(intbv(0)[cw:])     # grants already given to prev_q in its turn
        prev_q = Signal(intbv(0)[n:])     # the requester whose turn it is (one-hot0)
        wsel = Signal(intbv(0)[cw:])      # weight of the current winner
        wtab = tuple(int(w) for w in weights)

        @always_comb
        def weight_rom():
            wsel.next = wtab[int(idx_s)]

        @always_seq(clk.posedge, reset=rst_n)
        def pointer_wrr():
            if fire_end:
                c = intbv(0)[cw:]
                if (gnt_s & prev_q) != 0:
                    c[:] = cnt_q + 1
                else:
                    c[:] = 1
                m = intbv(0)[n:]
                below = False
                for i in range(n):
                    m[i] = below
                    below = below or gnt_s[i]
                if c >= wsel:
                    # turn used up: the pointer moves past the winner
                    mask_q.next = m
                    cnt_q.next = 0
                    prev_q.next = 0
                else:
                    # the winner keeps the top priority for its next grant
                    mask_q.next = m | gnt_s
                    cnt_q.next = c
                    prev_q.next = gnt_s

    return instances()


def ports(params: dict):
    """Fresh MyHDL signals for one parameter set, in port order."""
    from myhdl import ResetSignal

    p = check(params)
    n = p["N"]
    return dict(
        clk=Signal(bool(0)),
        rst_n=ResetSignal(0, active=0, isasync=True),
        req=Signal(intbv(0)[n:]),
        lock=Signal(intbv(0)[n:]),
        gnt=Signal(intbv(0)[n:]),
        gnt_idx=Signal(intbv(0)[idx_width(n):]),
        gnt_valid=Signal(bool(0)),
        gnt_ready=Signal(bool(0)),
    )


def build(params: dict):
    """The elaborated top block and its port signals for ``params``."""
    p = check(params)
    sigs = ports(p)
    inst = arbiter(**sigs, FLAVOUR=p["FLAVOUR"], N=p["N"], WEIGHTS=p["WEIGHTS"])
    return inst, sigs
