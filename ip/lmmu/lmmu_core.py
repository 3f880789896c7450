"""LMMU core: the output-stationary matrix unit between its three stream masters.

The controller and datapath of the LMMU without the AXI4
masters and the register block, which the LMMU top wraps around it.  It talks to two
AXI read masters and one AXI write master through their command/stream contracts
(docs/mmu-architecture.md, "ip/axi"): port 0 reads W and the per-channel records P
(``rd0_*``), port 1 reads X (``rd1_*``) and writes Y (``wr1_*``).

Design note
-----------
``B = COLS`` bytes per beat.  One command computes ``Y[M x N] = W[M x K] . X[K x N]``
in output tiles of ``tile_m x tile_n`` (host-given, ``tile_m % ROWS == 0``, ``tile_n %
COLS == 0``), each accumulated over K in chunks of ``tile_k`` (the last one shorter)::

    for m0 in 0, tile_m, ...:                      output tile (rows = min(tile_m, M-m0))
      for n0 in 0, tile_n, ...:                    (cols = min(tile_n, N-n0))
        for k0 in 0, tile_k, ...:                  chunk g (k = min(tile_k, K-k0))
          port 0: W[m0.., k0..] -> W half g%2, then (chunk 0, bias or requant on) the
                  tile's P records -> P half tile%2
          port 1: X[k0.., n0..] -> X half g%2      (double-buffered: loads of g+1 run
                                                    while g computes)
          for i in 0 .. ceil(rows/R)-1:            passes (i outer, jn inner)
            for jn in 0 .. ncg-1:                  ncg = ceil(cols/C)
              pass of max(k, R) cycles on sub-tile (i, jn); its shadow rows drain into
              the output buffer: chunk 0 writes, later chunks add (read-modify-write)
        store: output buffer -> output stage (bias, requant) -> FIFO -> write master,
               overlapped with the last chunk (row blocks as they become final) and the
               next tile's chunks (drain-ahead rule (b) below)

Three independent sequencers:

* the *loader* walks the chunks in order and loads chunk ``g`` into half ``g%2`` when
  the compute has finished chunk ``g-2``, port 0 is idle (the previous P load done)
  and, for chunk 0 with P, the store of tile ``t-2`` (P half ``t%2``) has ended; the
  chunk is *ready* when its W and X are in (the P records may still be loading); it
  writes the chunk's descriptor (geometry, flags) with the load;
* the *compute* issues passes back to back; a new pass (or chunk) starts in the cycle
  after the last issue cycle of the previous one when allowed, otherwise it waits (a
  *flush* ends the last pass if the wait is for the store or the end, so it drains);
* the *store* of a tile is launched with the first pass of its last chunk, and fetches
  output-buffer entries in address order as their row blocks become final.

Why the output stage is on the store side: the drain's read-modify-write then writes
every chunk's sums one cycle after the drain, so an entry is read again (next chunk)
at least ``ROWS >= 2`` cycles after it was written and there is no write-port conflict
between a tile's last chunk and the next tile's first one; the cost is a P buffer
half per tile (the store of tile ``t`` overlaps the loads of ``t+1``) and the FIFO.

Buffers (all simple dual-port, registered read): W: ``ROWS`` banks of ``B``-byte words,
two halves of ``WD = WBUF_BYTES / (2 ROWS B)`` words each (bank ``r`` holds the chunk
rows ``lr = r mod ROWS``, row ``lr`` at words ``(lr // ROWS) * kw ..``, ``kw =
ceil(k/B)``; PE row ``r`` of pass ``i`` reads word ``i*kw + kk // B``, byte ``kk % B``);
X: two halves of ``XH = XBUF_BYTES / (2B)`` words (word ``kk*ncg + jn`` = ``X[k0+kk,
n0+jn*C ..]``, the order the beats arrive); output: ``OD = OBUF_BYTES / (4 COLS)``
entries of ``COLS`` int32 lanes, entry ``(i*R + r)*ncg + jn`` = sub-tile row ``r`` of
pass ``(i, jn)``, i.e. output row ``m`` column group ``jn`` at ``m*ncg + jn``: the store
reads it sequentially.  P: two halves of ``OD`` records {bias, mult, shift} (two
records a word when ``B = 32``).  Store FIFO: 8 entries (distributed RAM).  Every
address is a running counter (adds of per-tile constants) sliced to its power-of-two
half; ``ROWS`` need not be a power of two.

Sizing rule (:func:`capacity_ok`, checked by the top before start): ``tile_m *
tile_n * 4 <= OBUF_BYTES``, ``2 * tile_m * ceil(tile_k/B) * B <= WBUF_BYTES``, ``2 *
tile_k * tile_n <= XBUF_BYTES``, ``tile_m % ROWS == 0``, ``tile_n % COLS == 0``, and
``tile_k % B == 0`` unless ``tile_k >= K`` (a W chunk starts at byte ``k0`` of its rows,
which the read master needs aligned).  WD, XH, OD are powers of two (mask addressing).

Schedule and stage rules (what a cycle model uses).  "In cycle c" = the value between
two rising edges; a register written in c is seen in c+1.

* command: ``start`` in cycle ``s`` -> ``busy`` from ``s+1`` (SETUP), the sequencers
  start in ``s+2``; the loader's first issue cycle is ``s+5``; after the last
  ``wr1_done`` (cycle ``d``) and with everything idle, ``done`` is high in ``d+3``
  (``busy`` low from ``d+3``).
* loads: a chunk issued by the loader in cycle ``w`` has ``rd0_cmd_valid`` and
  ``rd1_cmd_valid`` from ``w+2``.  With the later of its W ``rd0_done`` and X
  ``rd1_done`` in cycle ``d``, the chunk is ready in ``d+2`` (the compute may decide to
  start it then and issues its first ``k`` in ``d+3``); the loader's next issue cycle
  is the first ``>= d+5`` in which the half is free (the compute's last issue cycle of
  chunk ``g-2`` was before it), port 0 is idle (the P load, if any, has had its
  ``rd0_done`` at least one cycle earlier) and, for a tile's chunk 0 with P, its P half
  is free (the store of tile ``t-2`` has seen its ``wr1_done``).
* passes: a pass of chunk length ``k`` occupies ``pl = max(k, ROWS)`` issue cycles
  (``in_valid`` in the first ``k``); the buffers are read in the issue cycle, the array
  sees the operands one cycle later; ``in_first`` issued in ``i`` swaps, ``out_swap``
  in ``i+4``, the ended pass's row ``r`` leaves in ``i+4+r`` and is written to the
  output buffer in ``i+5+r``.  A decision in cycle ``t`` starts the next pass in
  ``t+1``; decisions happen in a pass's last issue cycle and in every cycle without a
  pass.  The next pass may start when (a) it is in the same chunk, or its chunk is
  ready; (b) for a pass ``(i, jn)`` of a tile's first chunk, while the store of the
  previous tile is running and has not fetched all its entries: that store has fetched
  ``(i+1)*ROWS*ncg`` entries (the pass's row block, in the new tile's geometry); (c) for
  the first pass of a tile's last chunk: no store is running; (d) at least ``ROWS``
  cycles since the last ``in_first`` or flush (only binds after a flush).  From
  ``s+3`` on, a cycle without a pass in which (a) fails for a new chunk is
  ``stall_mem``, one in which no start is decided for another reason (b, c, d, the
  error or the end, waiting for the last store) ``stall_out``; the deciding cycle and a
  pass's padding cycles (``k < ROWS``) are neither.  In a ``stall_out`` cycle with an
  undrained pass in the array a flush is issued (it swaps like ``in_first``).
* store: launched in the first issue cycle ``f`` of the tile's last chunk,
  ``wr1_cmd_valid`` from ``f+1``.  Entry ``e`` (row ``m = e // ncg``) may be fetched in
  cycle ``c`` when the last chunk's write of row ``ROWS-1`` of pass ``(i, ncg-1)`` with
  ``i = m // ROWS`` was in a cycle ``< c``, no drain row reads the output buffer in
  ``c`` (a drain row of a chunk other than the first), fewer than 8 entries are fetched
  and not yet sent, and the tile's P records are in (P ``rd0_done`` before ``c``).  One
  fetch a cycle, in address order; fetch in ``c`` -> output stage input ``c+1`` -> FIFO
  in ``c+4`` -> beats from ``c+5`` (int8: one beat an entry; int32: 4, the last column
  group of a row ``ceil(4*c_last/B)``).

Errors: a read or write master reporting an error, or ``abort`` (CTRL.soft_reset,
while a command runs), stops the loader, the compute starts no new chunk (it finishes
the current one so a running store completes) and the command ends with ``err`` = 5
(read), 6 (write) or 7 (aborted); no write command is launched after the error is
seen, and the transfers in flight complete (the AXI slaves are never left owed data).

Counters: ``active`` = a pass cycle with ``in_valid``; ``stall_mem`` = busy, no pass
issuing, the compute waits for a chunk load; ``stall_out`` = busy, no pass issuing,
waiting for the store (rules (b), (c) and the final store).
"""
from __future__ import annotations

from myhdl import (ConcatSignal, Signal, always_comb, always_seq, block, concat, instances,
                   intbv, modbv)

from ip.mmu import outstage as outstage_mod
from ip.mmu import regmap as rm
from ip.pe_array.pe_array import pe_array

ADDR_W = 32
DIM_W = 24
# The error codes of the MMU register map (STATUS.error), defined once in ip/mmu/regmap.py.
ERR_NONE, ERR_RD, ERR_WR, ERR_ABORT = (rm.ERR_NONE, rm.ERR_AXI_READ, rm.ERR_AXI_WRITE,
                                       rm.ERR_ABORTED)
P_RECORD_BYTES = 16
SWAP_LATENCY = 4    # in_first issued (buffer read) -> out_swap: 1 read + PIPE 2 + 1
FIFO_DEPTH = 8
PREC_BITS = 32 + outstage_mod.MULT_BITS + outstage_mod.SHIFT_BITS


def clog2(n: int) -> int:
    return max(1, (n - 1).bit_length())


def _pow2(n: int) -> bool:
    return n >= 1 and n & (n - 1) == 0


def check_params(ROWS, COLS, WBUF_BYTES, XBUF_BYTES, OBUF_BYTES) -> dict:
    """Validated build parameters and the derived buffer depths."""
    for name, v in (("ROWS", ROWS), ("COLS", COLS), ("WBUF_BYTES", WBUF_BYTES),
                    ("XBUF_BYTES", XBUF_BYTES), ("OBUF_BYTES", OBUF_BYTES)):
        if not isinstance(v, int) or isinstance(v, bool):
            raise ValueError(f"lmmu: {name} must be an integer, got {v!r}")
    if not 2 <= ROWS <= 32:
        raise ValueError(f"lmmu: ROWS must be in 2..32, got {ROWS}")
    if COLS not in (4, 8, 16, 32):
        raise ValueError(f"lmmu: COLS must be 4, 8, 16 or 32 (the AXI data width is "
                         f"8*COLS), got {COLS}")
    R, C = ROWS, COLS
    B = C
    WD = WBUF_BYTES // (2 * R * B)
    XH = XBUF_BYTES // (2 * B)
    OD = OBUF_BYTES // (4 * C)
    if WD < 2 or not _pow2(WD) or WD * 2 * R * B != WBUF_BYTES:
        raise ValueError(f"lmmu: WBUF_BYTES must be 2*ROWS*COLS*2^n with n >= 1 (two "
                         f"power-of-two W halves per bank), got {WBUF_BYTES}")
    if XH < 2 or not _pow2(XH) or XH * 2 * B != XBUF_BYTES:
        raise ValueError(f"lmmu: XBUF_BYTES must be 2*COLS*2^n with n >= 1, got {XBUF_BYTES}")
    if OD < max(2, R) or not _pow2(OD) or OD * 4 * C != OBUF_BYTES:
        raise ValueError(f"lmmu: OBUF_BYTES must be 4*COLS*2^n with 2^n >= ROWS (one "
                         f"int32 sub-tile), got {OBUF_BYTES}")
    return dict(R=R, C=C, B=B, WD=WD, XH=XH, OD=OD)


def capacity_ok(params: dict, M: int, K: int, N: int, tile_m: int, tile_n: int,
                tile_k: int) -> bool:
    """True if the command fits the buffers of a core built with ``params`` (ROWS, COLS,
    WBUF_BYTES, XBUF_BYTES, OBUF_BYTES): the rule the top checks before start."""
    p = check_params(params["ROWS"], params["COLS"], params["WBUF_BYTES"],
                     params["XBUF_BYTES"], params["OBUF_BYTES"])
    R, C, B = p["R"], p["C"], p["B"]
    lim = 1 << DIM_W
    for v in (M, K, N, tile_m, tile_n, tile_k):
        if not isinstance(v, int) or isinstance(v, bool) or not 1 <= v < lim:
            return False
    if tile_m % R or tile_n % C:
        return False
    if tile_k % B and tile_k < K:
        return False
    kw = -(-tile_k // B)
    return (tile_m * tile_n * 4 <= params["OBUF_BYTES"]
            and 2 * tile_m * kw * B <= params["WBUF_BYTES"]
            and 2 * tile_k * tile_n <= params["XBUF_BYTES"])


@block
def _ram(clk, we, waddr, wdata, raddr, rdata, depth):
    """Simple dual-port RAM, registered read (one cycle), no reset (block RAM)."""
    mem = [Signal(intbv(0)[len(wdata):]) for _ in range(depth)]

    @always_seq(clk.posedge, reset=None)
    def write():
        if we:
            mem[waddr].next = wdata

    @always_seq(clk.posedge, reset=None)
    def read():
        rdata.next = mem[raddr]

    return instances()


@block
def _bytesel(word, sel, byte):
    """Byte ``sel`` of ``word``: the W bank word -> PE row operand mux."""
    @always_comb
    def pick():
        t = intbv(0)[len(word):]
        t[:] = word >> (8 * sel)
        byte.next = t[8:]

    return pick


@block
def _lane_add(row, old, add, y):
    """One int32 lane of the read-modify-write: ``y = row + old`` (mod 2^32) or ``row``."""
    @always_comb
    def lane():
        t = modbv(0)[32:]
        if add:
            t[:] = row + old
        else:
            t[:] = row
        y.next = t

    return lane


@block
def lmmu_core(clk, rst_n,
              start, abort, c_m, c_k, c_n, tile_m, tile_n, tile_k,
              c_w_addr, c_w_stride, c_x_addr, c_x_stride, c_y_addr, c_y_stride, c_p_addr,
              c_bias_en, c_requant_en,
              busy, done, err, active, stall_mem, stall_out,
              rd0_cmd_valid, rd0_cmd_ready, rd0_cmd_addr, rd0_cmd_row_bytes, rd0_cmd_rows,
              rd0_cmd_stride, rd0_tdata, rd0_tvalid, rd0_tready, rd0_done, rd0_status,
              rd1_cmd_valid, rd1_cmd_ready, rd1_cmd_addr, rd1_cmd_row_bytes, rd1_cmd_rows,
              rd1_cmd_stride, rd1_tdata, rd1_tvalid, rd1_tready, rd1_done, rd1_status,
              wr1_cmd_valid, wr1_cmd_ready, wr1_cmd_addr, wr1_cmd_row_bytes, wr1_cmd_rows,
              wr1_cmd_stride, wr1_tdata, wr1_tvalid, wr1_tready, wr1_done, wr1_status,
              *, ROWS, COLS, WBUF_BYTES, XBUF_BYTES, OBUF_BYTES):
    p = check_params(ROWS, COLS, WBUF_BYTES, XBUF_BYTES, OBUF_BYTES)
    R, C, B, WD, XH, OD = p["R"], p["C"], p["B"], p["WD"], p["XH"], p["OD"]
    LGB = clog2(B)
    LGC = LGB
    RPB = max(1, B // P_RECORD_BYTES)       # P records per beat (2 when B = 32)
    BPR = max(1, P_RECORD_BYTES // B)       # beats per P record (B < 16)
    PDW = max(2, OD // RPB)                 # P words per half (tile_m <= OD)
    WAW, XAW, OAW, PAW = clog2(WD), clog2(XH), clog2(OD), clog2(PDW)
    FAW = clog2(FIFO_DEPTH)
    # Constants as plain names (MyHDL writes (B - 1) as a signed 32-bit term).
    BM1, CM1, RM1 = B - 1, C - 1, R - 1
    R2 = 2 * R
    LW = 8 * B                              # bits per beat
    EW = 32 * C                             # bits per output-buffer entry
    SB, MB_ = outstage_mod.SHIFT_BITS, outstage_mod.MULT_BITS

    # ------------------------------------------------------------------ command state
    ST_IDLE, ST_SETUP, ST_RUN, ST_DONE = range(4)
    state = Signal(intbv(ST_IDLE, min=0, max=4))
    m_q = Signal(intbv(0)[DIM_W:])
    k_q = Signal(intbv(0)[DIM_W:])
    n_q = Signal(intbv(0)[DIM_W:])
    tm_q = Signal(intbv(0)[DIM_W:])
    tn_q = Signal(intbv(0)[DIM_W:])
    tk_q = Signal(intbv(0)[DIM_W:])
    bias_en_q = Signal(bool(0))
    req_en_q = Signal(bool(0))
    p_en_q = Signal(bool(0))
    w_addr_q = Signal(modbv(0)[ADDR_W:])
    x_addr_q = Signal(modbv(0)[ADDR_W:])
    y_addr_q = Signal(modbv(0)[ADDR_W:])
    p_addr_q = Signal(modbv(0)[ADDR_W:])
    w_stride_q = Signal(modbv(0)[ADDR_W:])
    x_stride_q = Signal(modbv(0)[ADDR_W:])
    y_stride_q = Signal(modbv(0)[ADDR_W:])
    w_mstep = Signal(modbv(0)[ADDR_W:])     # tile_m * W_STRIDE
    y_mstep = Signal(modbv(0)[ADDR_W:])     # tile_m * Y_STRIDE
    p_mstep = Signal(modbv(0)[ADDR_W:])     # tile_m * 16
    y_nstep = Signal(modbv(0)[ADDR_W:])     # tile_n * OB
    x_kstep = Signal(modbv(0)[ADDR_W:])     # tile_k * X_STRIDE
    tn_a = Signal(modbv(0)[ADDR_W:])        # tile_n, tile_k as address increments
    tk_a = Signal(modbv(0)[ADDR_W:])
    err_q = Signal(intbv(0)[4:])
    err_now = Signal(bool(0))
    go = Signal(bool(0))                    # one cycle: start the sequencers

    # ------------------------------------------------------------------- chunk halves
    # h_fill[h] toggles when a load into half h completes (loader), h_cons[h] when the
    # compute has finished the chunk in half h: ready = differ, free = equal.
    h_fill = Signal(intbv(0)[2:])
    h_cons = Signal(intbv(0)[2:])
    p_set = Signal(intbv(0)[2:])            # P half in use: p_set[h] != p_clr[h]
    p_clr = Signal(intbv(0)[2:])
    p_fill = Signal(intbv(0)[2:])           # P half loaded: p_fill[h] == p_set[h]
    # Chunk descriptors, one per half (written by the loader with the load).
    d_k = [Signal(intbv(0)[DIM_W:]) for _ in range(2)]
    d_kw = [Signal(intbv(0)[DIM_W:]) for _ in range(2)]
    d_pl = [Signal(intbv(0)[DIM_W:]) for _ in range(2)]
    d_rows = [Signal(intbv(0)[DIM_W:]) for _ in range(2)]
    d_ncg = [Signal(intbv(0)[DIM_W:]) for _ in range(2)]
    d_rncg = [Signal(intbv(0)[DIM_W:]) for _ in range(2)]     # ROWS * ncg
    d_rncg2 = [Signal(intbv(0)[DIM_W:]) for _ in range(2)]    # 2 * ROWS * ncg
    d_first = [Signal(bool(0)) for _ in range(2)]
    d_last = [Signal(bool(0)) for _ in range(2)]
    d_final = [Signal(bool(0)) for _ in range(2)]
    d_yaddr = [Signal(modbv(0)[ADDR_W:]) for _ in range(2)]
    d_yrb = [Signal(intbv(0)[DIM_W:]) for _ in range(2)]
    d_nbl = [Signal(intbv(0)[2:]) for _ in range(2)]    # int32 last-group beats - 1
    d_tpar = [Signal(bool(0)) for _ in range(2)]

    # ----------------------------------------------------------------------- buffers
    wb_we = Signal(intbv(0)[R:])
    wb_waddr = Signal(intbv(0)[WAW + 1:])
    wb_wdata = Signal(intbv(0)[LW:])
    wb_raddr = Signal(intbv(0)[WAW + 1:])
    wb_rdata = [Signal(intbv(0)[LW:]) for _ in range(R)]
    wbanks = [_ram(clk, wb_we(r), wb_waddr, wb_wdata, wb_raddr, wb_rdata[r], 2 * WD)
              for r in range(R)]

    xb_we = Signal(bool(0))
    xb_waddr = Signal(intbv(0)[XAW + 1:])
    xb_wdata = Signal(intbv(0)[LW:])
    xb_raddr = Signal(intbv(0)[XAW + 1:])
    xb_rdata = Signal(intbv(0)[LW:])
    xbuf = _ram(clk, xb_we, xb_waddr, xb_wdata, xb_raddr, xb_rdata, 2 * XH)

    pb_we = Signal(bool(0))
    pb_waddr = Signal(intbv(0)[PAW + 1:])
    pb_wdata = Signal(intbv(0)[RPB * PREC_BITS:])
    pb_raddr = Signal(intbv(0)[PAW + 1:])
    pb_rdata = Signal(intbv(0)[RPB * PREC_BITS:])
    pbuf = _ram(clk, pb_we, pb_waddr, pb_wdata, pb_raddr, pb_rdata, 2 * PDW)

    ob_we = Signal(bool(0))
    ob_waddr = Signal(intbv(0)[OAW:])
    ob_wdata = Signal(intbv(0)[EW:])
    ob_raddr = Signal(intbv(0)[OAW:])
    ob_rdata = Signal(intbv(0)[EW:])
    obuf = _ram(clk, ob_we, ob_waddr, ob_wdata, ob_raddr, ob_rdata, OD)

    # ------------------------------------------------------------------- main control
    ld_end = Signal(bool(0))
    comp_quiet = Signal(bool(0))
    st_busy = Signal(bool(0))
    pipe_quiet = Signal(bool(0))
    cs_done = Signal(bool(0))               # the final chunk has been issued

    @always_comb
    def err_comb():
        err_now.next = (err_q != ERR_NONE or (rd0_done and rd0_status != 0)
                        or (rd1_done and rd1_status != 0) or (wr1_done and wr1_status != 0))

    @always_seq(clk.posedge, reset=rst_n)
    def control():
        go.next = 0
        done.next = 0
        if state == ST_IDLE:
            if start:
                m_q.next = c_m
                k_q.next = c_k
                n_q.next = c_n
                tm_q.next = tile_m
                tn_q.next = tile_n
                tk_q.next = tile_k
                bias_en_q.next = c_bias_en
                req_en_q.next = c_requant_en
                p_en_q.next = c_bias_en or c_requant_en
                w_addr_q.next = c_w_addr
                x_addr_q.next = c_x_addr
                y_addr_q.next = c_y_addr
                p_addr_q.next = c_p_addr
                w_stride_q.next = c_w_stride
                x_stride_q.next = c_x_stride
                y_stride_q.next = c_y_stride
                err_q.next = ERR_NONE
                state.next = ST_SETUP
        elif state == ST_SETUP:
            w_mstep.next = tm_q * w_stride_q
            y_mstep.next = tm_q * y_stride_q
            p_mstep.next = concat(intbv(0)[ADDR_W - DIM_W - 4:], tm_q, intbv(0)[4:])
            tn_a.next = concat(intbv(0)[ADDR_W - DIM_W:], tn_q)
            tk_a.next = concat(intbv(0)[ADDR_W - DIM_W:], tk_q)
            if req_en_q:
                y_nstep.next = concat(intbv(0)[ADDR_W - DIM_W:], tn_q)
            else:
                y_nstep.next = concat(intbv(0)[ADDR_W - DIM_W - 2:], tn_q, intbv(0)[2:])
            x_kstep.next = tk_q * x_stride_q
            go.next = 1
            state.next = ST_RUN
        elif state == ST_RUN:
            if (not go and ld_end and comp_quiet and not st_busy and pipe_quiet
                    and (cs_done or err_q != ERR_NONE)):
                state.next = ST_DONE
        elif state == ST_DONE:
            done.next = 1
            state.next = ST_IDLE
        if rd0_done and rd0_status != 0 and err_q == ERR_NONE:
            err_q.next = ERR_RD
        elif rd1_done and rd1_status != 0 and err_q == ERR_NONE:
            err_q.next = ERR_RD
        elif wr1_done and wr1_status != 0 and err_q == ERR_NONE:
            err_q.next = ERR_WR
        elif abort and (state == ST_SETUP or state == ST_RUN) and err_q == ERR_NONE:
            # An abort ends the command like a master error (nothing new launched,
            # the activities in flight finish); ignored while idle.
            err_q.next = ERR_ABORT

    @always_comb
    def status_out():
        busy.next = state != ST_IDLE
        err.next = err_q

    # ------------------------------------------------------------------------ loader
    L_IDLE, L_GEOM, L_GEOM2, L_WAIT, L_BUSY, L_NEXT, L_END = range(7)
    lstate = Signal(intbv(L_IDLE, min=0, max=7))
    l_m0 = Signal(intbv(0)[DIM_W:])
    l_n0 = Signal(intbv(0)[DIM_W:])
    l_k0 = Signal(intbv(0)[DIM_W:])
    l_rows = Signal(intbv(0)[DIM_W:])
    l_cols = Signal(intbv(0)[DIM_W:])
    l_k = Signal(intbv(0)[DIM_W:])
    l_kw = Signal(intbv(0)[DIM_W:])
    l_last = Signal(bool(0))
    l_lastm = Signal(bool(0))
    l_lastn = Signal(bool(0))
    l_half = Signal(bool(0))
    l_tpar = Signal(bool(0))
    l_w_tile = Signal(modbv(0)[ADDR_W:])    # W[m0, 0]
    l_w_chunk = Signal(modbv(0)[ADDR_W:])   # W[m0, k0]
    l_x_col = Signal(modbv(0)[ADDR_W:])     # X[0, n0]
    l_x_chunk = Signal(modbv(0)[ADDR_W:])   # X[k0, n0]
    l_y_row = Signal(modbv(0)[ADDR_W:])     # Y[m0, 0]
    l_y_tile = Signal(modbv(0)[ADDR_W:])    # Y[m0, n0]
    l_p_tile = Signal(modbv(0)[ADDR_W:])    # P[m0]
    p0_go = Signal(bool(0))
    p0_withp = Signal(bool(0))
    p1_go = Signal(bool(0))
    p0_busy = Signal(bool(0))
    p0_wbusy = Signal(bool(0))
    p1_busy = Signal(bool(0))

    @always_comb
    def ld_status():
        # Ended, and port 0 idle: after an error the loader ends without waiting for a
        # P load still in flight on port 0 (nor does the store, p_ok), so the command
        # must not be done before that read burst completes.
        ld_end.next = lstate == L_END and not p0_busy

    @always_seq(clk.posedge, reset=rst_n)
    def loader():
        p0_go.next = 0
        p1_go.next = 0
        if go:
            l_m0.next = 0
            l_n0.next = 0
            l_k0.next = 0
            l_half.next = 0
            l_tpar.next = 0
            h_fill.next = 0
            p_set.next = 0
            l_w_tile.next = w_addr_q
            l_w_chunk.next = w_addr_q
            l_x_col.next = x_addr_q
            l_x_chunk.next = x_addr_q
            l_y_row.next = y_addr_q
            l_y_tile.next = y_addr_q
            l_p_tile.next = p_addr_q
            lstate.next = L_GEOM
        elif lstate == L_GEOM:
            # rows, cols, k of the chunk: min(tile, left) with left = dim - offset.
            left = modbv(0)[DIM_W:]
            left[:] = m_q + ~l_m0 + 1
            if left <= tm_q:
                l_rows.next = left
                l_lastm.next = 1
            else:
                l_rows.next = tm_q
                l_lastm.next = 0
            left[:] = n_q + ~l_n0 + 1
            if left <= tn_q:
                l_cols.next = left
                l_lastn.next = 1
            else:
                l_cols.next = tn_q
                l_lastn.next = 0
            left[:] = k_q + ~l_k0 + 1
            if left <= tk_q:
                l_k.next = left
                l_last.next = 1
            else:
                l_k.next = tk_q
                l_last.next = 0
            lstate.next = L_GEOM2
        elif lstate == L_GEOM2:
            t = intbv(0)[DIM_W:]
            t[:] = l_k + BM1
            l_kw.next = t >> LGB
            lstate.next = L_WAIT
        elif lstate == L_WAIT:
            if err_now:
                lstate.next = L_END
            elif h_fill[l_half] == h_cons[l_half] and not p0_busy and not (
                    l_k0 == 0 and p_en_q and p_set[l_tpar] != p_clr[l_tpar]):
                # Descriptor of the chunk, then both ports.
                d_k[l_half].next = l_k
                d_kw[l_half].next = l_kw
                if l_k > R:
                    d_pl[l_half].next = l_k
                else:
                    d_pl[l_half].next = R
                d_rows[l_half].next = l_rows
                t = intbv(0)[DIM_W:]
                t[:] = l_cols + CM1
                d_ncg[l_half].next = t >> LGC
                d_rncg[l_half].next = (t >> LGC) * R
                d_rncg2[l_half].next = (t >> LGC) * R2
                d_first[l_half].next = l_k0 == 0
                d_last[l_half].next = l_last
                d_final[l_half].next = l_last and l_lastm and l_lastn
                d_yaddr[l_half].next = l_y_tile
                if req_en_q:
                    d_yrb[l_half].next = l_cols
                else:
                    d_yrb[l_half].next = concat(l_cols[DIM_W - 2:], intbv(0)[2:])
                # Beats of the last column group (c columns) of an int32 row, minus one:
                # ceil(4c / B) - 1 = (4(c-1) + 3) >> log2 C (B = C), the top two bits of
                # c - 1 = t mod C.
                d_nbl[l_half].next = t[LGC:LGC - 2]
                d_tpar[l_half].next = l_tpar
                p0_go.next = 1
                p0_withp.next = l_k0 == 0 and p_en_q
                p1_go.next = 1
                if l_k0 == 0 and p_en_q:
                    p_set.next[l_tpar] = not p_set[l_tpar]
                lstate.next = L_BUSY
        elif lstate == L_BUSY:
            if not (p0_go or p1_go or p0_wbusy or p1_busy):
                if err_now:
                    lstate.next = L_END
                else:
                    h_fill.next[l_half] = not h_fill[l_half]
                    if l_last and l_lastm and l_lastn:
                        lstate.next = L_END
                    else:
                        lstate.next = L_NEXT
        elif lstate == L_NEXT:
            l_half.next = not l_half
            if not l_last:
                l_k0.next = l_k0 + tk_q
                l_w_chunk.next = l_w_chunk + tk_a
                l_x_chunk.next = l_x_chunk + x_kstep
            else:
                l_tpar.next = not l_tpar
                l_k0.next = 0
                if not l_lastn:
                    l_n0.next = l_n0 + tn_q
                    l_w_chunk.next = l_w_tile
                    l_x_col.next = l_x_col + tn_a
                    l_x_chunk.next = l_x_col + tn_a
                    l_y_tile.next = l_y_tile + y_nstep
                else:
                    l_n0.next = 0
                    l_m0.next = l_m0 + tm_q
                    l_w_tile.next = l_w_tile + w_mstep
                    l_w_chunk.next = l_w_tile + w_mstep
                    l_x_col.next = x_addr_q
                    l_x_chunk.next = x_addr_q
                    l_y_row.next = l_y_row + y_mstep
                    l_y_tile.next = l_y_row + y_mstep
                    l_p_tile.next = l_p_tile + p_mstep
            lstate.next = L_GEOM
        elif lstate == L_END:
            if state == ST_IDLE:
                lstate.next = L_IDLE

    # ---------------------------------------------------------------- port 0: P, W
    p0_phase = Signal(intbv(0, min=0, max=3))   # 0 idle, 1 P, 2 W
    p0_pend = Signal(bool(0))
    p0_half = Signal(bool(0))
    p0_tpar = Signal(bool(0))
    p0_pq = Signal(bool(0))                 # P records follow the W chunk
    p0_paddr = Signal(modbv(0)[ADDR_W:])
    p0_prb = Signal(intbv(0)[DIM_W:])
    w_q_beat = Signal(intbv(0)[DIM_W:])     # beat within the W row
    w_bank = Signal(intbv(1)[R:])           # one-hot bank of the current W row
    w_word = Signal(intbv(0)[DIM_W:])       # word of the current row in its bank
    w_rowbase = Signal(intbv(0)[DIM_W:])    # first word of the current row block
    p_idx = Signal(intbv(0)[DIM_W:])
    p_beat = Signal(intbv(0, min=0, max=max(BPR, 2)))

    @always_comb
    def p0_comb():
        rd0_cmd_valid.next = p0_pend
        if p0_phase == 1:
            rd0_cmd_addr.next = p0_paddr
            rd0_cmd_row_bytes.next = p0_prb
            rd0_cmd_rows.next = 1
            rd0_cmd_stride.next = B
        else:
            rd0_cmd_addr.next = l_w_chunk
            rd0_cmd_row_bytes.next = l_k
            rd0_cmd_rows.next = l_rows
            rd0_cmd_stride.next = w_stride_q
        rd0_tready.next = p0_phase != 0
        p0_busy.next = p0_phase != 0
        p0_wbusy.next = p0_phase == 2

    # A P record is 16 bytes: with B < 16 its beats are shifted in from the top, so
    # after the last one the record's byte 0 is at the bottom.
    rec_in = Signal(intbv(0)[8 * max(P_RECORD_BYTES, B):])
    rec_word = Signal(intbv(0)[RPB * PREC_BITS:])
    if BPR == 1:
        @always_comb
        def rec_shift():
            rec_in.next = rd0_tdata
    else:
        rec_q = Signal(intbv(0)[8 * (P_RECORD_BYTES - B):])

        @always_comb
        def rec_shift():
            rec_in.next = concat(rd0_tdata, rec_q)

        @always_seq(clk.posedge, reset=rst_n)
        def rec_reg():
            if p0_phase == 1 and rd0_tvalid:
                rec_q.next = rec_in[8 * P_RECORD_BYTES:8 * B]

    if RPB == 1:
        @always_comb
        def rec_pack():
            rec = intbv(0)[8 * P_RECORD_BYTES:]
            rec[:] = rec_in[8 * P_RECORD_BYTES:]
            rec_word.next = concat(rec[64 + SB:64], rec[32 + MB_:32], rec[32:0])
    else:
        @always_comb
        def rec_pack():
            rec = intbv(0)[8 * B:]
            rec[:] = rec_in
            rec_word.next = concat(rec[192 + SB:192], rec[160 + MB_:160], rec[160:128],
                                   rec[64 + SB:64], rec[32 + MB_:32], rec[32:0])

    @always_seq(clk.posedge, reset=rst_n)
    def p0_seq():
        wb_we.next = 0
        pb_we.next = 0
        if go:
            p_fill.next = 0
        if p0_go:
            p0_pend.next = 1
            p0_half.next = l_half
            p0_tpar.next = l_tpar
            p0_pq.next = p0_withp
            p0_paddr.next = l_p_tile
            p0_prb.next = concat(l_rows[DIM_W - 4:], intbv(0)[4:])
            p0_phase.next = 2
            w_q_beat.next = 0
            w_bank.next = 1
            w_word.next = 0
            w_rowbase.next = 0
            p_idx.next = 0
            p_beat.next = 0
        else:
            if p0_pend and rd0_cmd_ready:
                p0_pend.next = 0
            if p0_phase != 0 and rd0_done:
                if p0_phase == 2 and rd0_status == 0 and p0_pq:
                    p0_phase.next = 1
                    p0_pend.next = 1
                else:
                    p0_phase.next = 0
                if p0_phase == 1:
                    p_fill.next[p0_tpar] = not p_fill[p0_tpar]
            elif p0_phase != 0 and rd0_tvalid:
                if p0_phase == 2:
                    wb_we.next = w_bank
                    wb_waddr.next = concat(p0_half, w_word[WAW:])
                    wb_wdata.next = rd0_tdata
                    if w_q_beat + 1 == l_kw:
                        w_q_beat.next = 0
                        if w_bank[R - 1]:
                            w_bank.next = 1
                            w_rowbase.next = w_rowbase + l_kw
                            w_word.next = w_rowbase + l_kw
                        else:
                            w_bank.next = concat(w_bank[R - 1:0], intbv(0)[1:])
                            w_word.next = w_rowbase
                    else:
                        w_q_beat.next = w_q_beat + 1
                        w_word.next = w_word + 1
                else:
                    if p_beat == BPR - 1:
                        p_beat.next = 0
                        pb_we.next = 1
                        pb_waddr.next = concat(p0_tpar, p_idx[PAW:])
                        pb_wdata.next = rec_word
                        p_idx.next = p_idx + 1
                    else:
                        p_beat.next = p_beat + 1

    # ------------------------------------------------------------------- port 1: X
    p1_pend = Signal(bool(0))
    p1_act = Signal(bool(0))
    p1_half = Signal(bool(0))
    x_idx = Signal(intbv(0)[DIM_W:])

    @always_comb
    def p1_comb():
        rd1_cmd_valid.next = p1_pend
        rd1_cmd_addr.next = l_x_chunk
        rd1_cmd_row_bytes.next = l_cols
        rd1_cmd_rows.next = l_k
        rd1_cmd_stride.next = x_stride_q
        rd1_tready.next = p1_act
        p1_busy.next = p1_act

    @always_seq(clk.posedge, reset=rst_n)
    def p1_seq():
        xb_we.next = 0
        if p1_go:
            p1_pend.next = 1
            p1_act.next = 1
            p1_half.next = l_half
            x_idx.next = 0
        else:
            if p1_pend and rd1_cmd_ready:
                p1_pend.next = 0
            if p1_act and rd1_done:
                p1_act.next = 0
            elif p1_act and rd1_tvalid:
                xb_we.next = 1
                xb_waddr.next = concat(p1_half, x_idx[XAW:])
                xb_wdata.next = rd1_tdata
                x_idx.next = x_idx + 1

    # ------------------------------------------------------------ compute sequencer
    cs_run = Signal(bool(0))
    cs_k = Signal(intbv(0)[DIM_W:])
    cs_ch = Signal(bool(0))                 # half of the current chunk
    cs_nh = Signal(bool(0))                 # half of the next chunk
    ck = Signal(intbv(0)[DIM_W:])
    ckw = Signal(intbv(0)[DIM_W:])
    cpl_m1 = Signal(intbv(0)[DIM_W:])
    cncg = Signal(intbv(0)[DIM_W:])
    crows = Signal(intbv(0)[DIM_W:])
    crncg = Signal(intbv(0)[DIM_W:])
    cfirst = Signal(bool(0))
    clast = Signal(bool(0))
    cfinal = Signal(bool(0))
    st_own = Signal(bool(0))                # the running store is the current tile's
    # The pass being issued, and the next pass of the chunk (n_valid).
    p_wbase = Signal(intbv(0)[DIM_W:])
    p_blk = Signal(intbv(0)[DIM_W:])
    p_jn = Signal(intbv(0)[DIM_W:])
    p_blkend = Signal(intbv(0)[DIM_W:])
    cxa = Signal(intbv(0)[DIM_W:])
    n_valid = Signal(bool(0))
    n_irows = Signal(intbv(0)[DIM_W:])
    n_jn = Signal(intbv(0)[DIM_W:])
    n_wbase = Signal(intbv(0)[DIM_W:])
    n_blk = Signal(intbv(0)[DIM_W:])
    n_blkend = Signal(intbv(0)[DIM_W:])
    gap = Signal(intbv(0, min=0, max=R + 1))   # cycles since the last swap (saturated)
    cur_have = Signal(bool(0))
    start_a = Signal(bool(0))
    start_b = Signal(bool(0))
    do_flush = Signal(bool(0))
    wait_mem = Signal(bool(0))
    wait_out = Signal(bool(0))
    st_go = Signal(bool(0))
    st_yaddr = Signal(modbv(0)[ADDR_W:])
    st_yrb = Signal(intbv(0)[DIM_W:])
    st_rows = Signal(intbv(0)[DIM_W:])
    st_ncg = Signal(intbv(0)[DIM_W:])
    st_nbl = Signal(intbv(0)[2:])
    st_tpar = Signal(bool(0))
    s_ptr = Signal(intbv(0)[DIM_W:])        # store: entries fetched
    s_fdone = Signal(bool(0))               # store: every entry fetched
    is_valid = Signal(bool(0))
    is_first = Signal(bool(0))
    is_flush = Signal(bool(0))
    is_byte = Signal(intbv(0, min=0, max=B))

    @always_comb
    def comp_dec():
        running = state == ST_RUN and not go
        bound = running and ((cs_run and cs_k == cpl_m1) or (not cs_run and not cs_done))
        gap_ok = gap >= RM1
        st_prev = st_busy and not s_fdone       # a previous tile's store still fetching
        a_ok = n_valid and (not cfirst or st_own or not st_prev or s_ptr >= n_blkend)
        rdy = h_fill[cs_nh] != h_cons[cs_nh]
        b_c = not d_last[cs_nh] or not st_busy
        b_b = not d_first[cs_nh] or not st_prev or s_ptr >= d_rncg[cs_nh]
        sa = bound and gap_ok and a_ok
        sb = bound and gap_ok and not n_valid and not err_now and rdy and b_c and b_b
        start_a.next = sa
        start_b.next = sb
        idle = running and not cs_run
        # Waiting for a load: a new chunk is needed, not loaded, no error, not the end.
        wm = idle and not n_valid and not cs_done and not rdy and not err_now
        wait_mem.next = wm
        wait_out.next = idle and not sa and not sb and not wm and not (
            cs_done and not st_busy)
        do_flush.next = idle and cur_have and not sa and not sb and not wm

    @always_comb
    def comp_issue():
        is_valid.next = cs_run and cs_k < ck
        is_first.next = cs_run and cs_k == 0
        is_flush.next = do_flush
        is_byte.next = cs_k[LGB:]
        t = intbv(0)[DIM_W:]
        t[:] = p_wbase + (cs_k >> LGB)
        wb_raddr.next = concat(cs_ch, t[WAW:])
        xb_raddr.next = concat(cs_ch, cxa[XAW:])

    @always_seq(clk.posedge, reset=rst_n)
    def comp_seq():
        st_go.next = 0
        if go:
            cs_run.next = 0
            cs_ch.next = 0
            cs_nh.next = 0
            cs_done.next = 0
            h_cons.next = 0
            n_valid.next = 0
            st_own.next = 0
            gap.next = R
        else:
            if is_first or is_flush:
                gap.next = 1
            elif gap != R:
                gap.next = gap + 1
            if cs_run and cs_k == cpl_m1:
                cs_run.next = 0
                if not n_valid:
                    # Chunk finished: its half is free again.
                    h_cons.next[cs_ch] = not h_cons[cs_ch]
                    if cfinal:
                        cs_done.next = 1
            elif cs_run:
                cs_k.next = cs_k + 1
                cxa.next = cxa + cncg
            if start_a:
                cs_run.next = 1
                cs_k.next = 0
                cxa.next = n_jn
                p_wbase.next = n_wbase
                p_blk.next = n_blk
                p_jn.next = n_jn
                p_blkend.next = n_blkend
                if n_jn + 1 < cncg:
                    n_jn.next = n_jn + 1
                elif n_irows + R < crows:
                    n_irows.next = n_irows + R
                    n_jn.next = 0
                    n_wbase.next = n_wbase + ckw
                    n_blk.next = n_blk + crncg
                    n_blkend.next = n_blkend + crncg
                else:
                    n_valid.next = 0
            elif start_b:
                cs_run.next = 1
                cs_k.next = 0
                cs_ch.next = cs_nh
                cs_nh.next = not cs_nh
                ck.next = d_k[cs_nh]
                ckw.next = d_kw[cs_nh]
                cpl_m1.next = d_pl[cs_nh] - 1
                cncg.next = d_ncg[cs_nh]
                crows.next = d_rows[cs_nh]
                crncg.next = d_rncg[cs_nh]
                cfirst.next = d_first[cs_nh]
                clast.next = d_last[cs_nh]
                cfinal.next = d_final[cs_nh]
                cxa.next = 0
                p_wbase.next = 0
                p_blk.next = 0
                p_jn.next = 0
                p_blkend.next = d_rncg[cs_nh]
                n_irows.next = 0
                n_jn.next = 1
                n_wbase.next = 0
                n_blk.next = 0
                n_blkend.next = d_rncg[cs_nh]
                n_valid.next = 1
                if d_ncg[cs_nh] == 1:
                    n_irows.next = R
                    n_jn.next = 0
                    n_wbase.next = d_kw[cs_nh]
                    n_blk.next = d_rncg[cs_nh]
                    n_blkend.next = d_rncg2[cs_nh]
                    n_valid.next = d_rows[cs_nh] > R
                if d_last[cs_nh]:
                    st_go.next = 1
                    st_own.next = 1
                    st_yaddr.next = d_yaddr[cs_nh]
                    st_yrb.next = d_yrb[cs_nh]
                    st_rows.next = d_rows[cs_nh]
                    st_ncg.next = d_ncg[cs_nh]
                    st_nbl.next = d_nbl[cs_nh]
                    st_tpar.next = d_tpar[cs_nh]
                elif d_first[cs_nh]:
                    st_own.next = 0

    @always_comb
    def comp_status():
        comp_quiet.next = not cs_run and not cur_have and not n_valid

    # ------------------------------------------------------------------- PE array
    a_valid = Signal(bool(0))
    a_first = Signal(bool(0))
    a_flush = Signal(bool(0))
    a_byte = Signal(intbv(0, min=0, max=B))
    pe_valid = Signal(bool(0))
    pe_first = Signal(bool(0))
    pe_flush = Signal(bool(0))
    pe_w = Signal(intbv(0)[8 * R:])
    pe_x = Signal(intbv(0)[8 * C:])
    sh_en = Signal(bool(0))
    out_row = Signal(intbv(0)[EW:])
    out_swap = Signal(bool(0))
    wbytes = [Signal(intbv(0)[8:]) for _ in range(R)]
    sels = [_bytesel(wb_rdata[r], a_byte, wbytes[r]) for r in range(R)]
    pe_w_cat = ConcatSignal(*reversed(wbytes))

    @always_seq(clk.posedge, reset=rst_n)
    def issue_reg():
        a_valid.next = is_valid
        a_first.next = is_first
        a_flush.next = is_flush
        a_byte.next = is_byte

    @always_comb
    def pe_in():
        pe_valid.next = a_valid
        pe_first.next = a_first and a_valid
        pe_flush.next = a_flush
        pe_w.next = pe_w_cat
        pe_x.next = xb_rdata

    array = pe_array(clk, rst_n, pe_valid, pe_first, pe_flush, pe_w, pe_x, sh_en, out_row,
                     out_swap, ROWS=R, COLS=C)

    # ------------------------------------------------------------------------ drain
    # Descriptor of the pass that ends at each swap, delayed to meet out_swap.
    dl_valid = [Signal(bool(0)) for _ in range(SWAP_LATENCY)]
    dl_base = [Signal(intbv(0)[DIM_W:]) for _ in range(SWAP_LATENCY)]
    dl_step = [Signal(intbv(0)[DIM_W:]) for _ in range(SWAP_LATENCY)]
    dl_first = [Signal(bool(0)) for _ in range(SWAP_LATENCY)]
    dl_fin = [Signal(bool(0)) for _ in range(SWAP_LATENCY)]
    dl_blkend = [Signal(intbv(0)[DIM_W:]) for _ in range(SWAP_LATENCY)]
    cur_base = Signal(intbv(0)[DIM_W:])
    cur_step = Signal(intbv(0)[DIM_W:])
    cur_first = Signal(bool(0))
    cur_fin = Signal(bool(0))
    cur_blkend = Signal(intbv(0)[DIM_W:])

    @always_seq(clk.posedge, reset=rst_n)
    def desc_track():
        # At the issue of a pass's first k (or of a flush) the pass that ends is the one
        # recorded in cur_*; the new pass becomes current.
        dl_valid[0].next = 0
        if go:
            cur_have.next = 0
        elif is_first:
            dl_valid[0].next = cur_have
            cur_have.next = 1
            cur_base.next = p_blk + p_jn
            cur_step.next = cncg
            cur_first.next = cfirst
            cur_fin.next = clast and p_jn + 1 == cncg
            cur_blkend.next = p_blkend
        elif is_flush:
            dl_valid[0].next = cur_have
            cur_have.next = 0
        dl_base[0].next = cur_base
        dl_step[0].next = cur_step
        dl_first[0].next = cur_first
        dl_fin[0].next = cur_fin
        dl_blkend[0].next = cur_blkend
        for i in range(1, SWAP_LATENCY):
            dl_valid[i].next = dl_valid[i - 1]
            dl_base[i].next = dl_base[i - 1]
            dl_step[i].next = dl_step[i - 1]
            dl_first[i].next = dl_first[i - 1]
            dl_fin[i].next = dl_fin[i - 1]
            dl_blkend[i].next = dl_blkend[i - 1]

    dr_run = Signal(bool(0))
    dr_r = Signal(intbv(0, min=0, max=R))
    dr_addr = Signal(intbv(0)[DIM_W:])
    dr_step = Signal(intbv(0)[DIM_W:])
    dr_first = Signal(bool(0))
    dr_fin = Signal(bool(0))
    dr_blkend = Signal(intbv(0)[DIM_W:])
    dr_start = Signal(bool(0))
    dr_act = Signal(bool(0))
    dr_cur_r = Signal(intbv(0, min=0, max=R))
    dr_cur_addr = Signal(intbv(0)[DIM_W:])
    dr_cur_first = Signal(bool(0))
    dr_cur_fin = Signal(bool(0))
    dr_cur_blkend = Signal(intbv(0)[DIM_W:])
    drain_rd = Signal(bool(0))
    q_valid = Signal(bool(0))
    q_addr = Signal(intbv(0)[OAW:])
    q_row = Signal(intbv(0)[EW:])
    q_add = Signal(bool(0))
    q_fin = Signal(bool(0))
    q_blkend = Signal(intbv(0)[DIM_W:])
    LAST = SWAP_LATENCY - 1

    # Row r of a swapped tile is taken in the r-th cycle from out_swap (row 0 in the
    # out_swap cycle itself), shifting after every row but the last.
    @always_comb
    def drain_ctl():
        s = out_swap and dl_valid[LAST]
        dr_start.next = s
        dr_act.next = s or dr_run
        if s:
            dr_cur_r.next = 0
            dr_cur_addr.next = dl_base[LAST]
            dr_cur_first.next = dl_first[LAST]
            dr_cur_fin.next = dl_fin[LAST]
            dr_cur_blkend.next = dl_blkend[LAST]
        else:
            dr_cur_r.next = dr_r
            dr_cur_addr.next = dr_addr
            dr_cur_first.next = dr_first
            dr_cur_fin.next = dr_fin
            dr_cur_blkend.next = dr_blkend

    @always_comb
    def drain_out():
        sh_en.next = dr_act and dr_cur_r != RM1
        drain_rd.next = dr_act and not dr_cur_first

    @always_seq(clk.posedge, reset=rst_n)
    def drain():
        q_valid.next = dr_act
        q_addr.next = dr_cur_addr[OAW:]
        q_row.next = out_row
        q_add.next = not dr_cur_first
        q_fin.next = dr_act and dr_cur_fin and dr_cur_r == RM1
        q_blkend.next = dr_cur_blkend
        if dr_start:
            dr_run.next = 1
            dr_r.next = 1
            dr_addr.next = dl_base[LAST] + dl_step[LAST]
            dr_step.next = dl_step[LAST]
            dr_first.next = dl_first[LAST]
            dr_fin.next = dl_fin[LAST]
            dr_blkend.next = dl_blkend[LAST]
        elif dr_run:
            if dr_r == RM1:
                dr_run.next = 0
            else:
                dr_r.next = dr_r + 1
            dr_addr.next = dr_addr + dr_step

    @always_comb
    def quiet():
        pipe_quiet.next = not (dl_valid[0] or dl_valid[1] or dl_valid[2] or dl_valid[3]
                               or dr_run or q_valid)

    # Read-modify-write: the sum of the drained row and the entry read in the drain
    # cycle (first chunk: the row alone), written one cycle after the drain.
    sums = [Signal(intbv(0)[32:]) for _ in range(C)]
    adders = [_lane_add(q_row(32 * c + 32, 32 * c), ob_rdata(32 * c + 32, 32 * c), q_add,
                        sums[c]) for c in range(C)]
    sum_cat = ConcatSignal(*reversed(sums))

    @always_comb
    def ob_write():
        ob_we.next = q_valid
        ob_waddr.next = q_addr
        ob_wdata.next = sum_cat

    # ---------------------------------------------------------------- store sequencer
    s_run = Signal(bool(0))
    wr_pend = Signal(bool(0))
    fin_lim = Signal(intbv(0)[DIM_W:])      # entries final (row blocks of the last chunk)
    s_fm = Signal(intbv(0)[DIM_W:])         # fetch: row
    s_fjn = Signal(intbv(0)[DIM_W:])        # fetch: column group
    s_fetch = Signal(bool(0))
    f1_valid = Signal(bool(0))
    f1_sub = Signal(bool(0))
    f_occ = Signal(intbv(0, min=0, max=FIFO_DEPTH + 1))   # fetched, not yet sent
    f_wp = Signal(modbv(0)[FAW:])
    f_rp = Signal(modbv(0)[FAW:])
    f_cnt = Signal(intbv(0, min=0, max=FIFO_DEPTH + 1))   # in the FIFO
    fmem = [Signal(intbv(0)[EW:]) for _ in range(FIFO_DEPTH)]
    f_head = Signal(intbv(0)[EW:])
    s_beat = Signal(intbv(0)[2:])
    s_pjn = Signal(intbv(0)[DIM_W:])        # pop: column group
    s_pop = Signal(bool(0))
    s_send = Signal(bool(0))
    o_valid = Signal(bool(0))
    o_i32 = Signal(intbv(0)[EW:])
    o_i8 = Signal(intbv(0)[8 * C:])
    os_bias = Signal(intbv(0)[32:])
    os_mult = Signal(intbv(0)[MB_:])
    os_shift = Signal(intbv(0)[SB:])

    @always_comb
    def st_comb():
        st_busy.next = s_run or st_go
        s_fdone.next = s_fm == st_rows
        wr1_cmd_valid.next = wr_pend
        wr1_cmd_addr.next = st_yaddr
        wr1_cmd_row_bytes.next = st_yrb
        wr1_cmd_rows.next = st_rows
        wr1_cmd_stride.next = y_stride_q
        # P records of the tile loaded (they follow its first W chunk on port 0; after
        # an error the store runs out on whatever is there).
        p_ok = not p_en_q or p_fill[st_tpar] == p_set[st_tpar] or err_q != ERR_NONE
        f = (s_run and s_fm != st_rows and s_ptr < fin_lim and not drain_rd
             and f_occ < FIFO_DEPTH and p_ok)
        s_fetch.next = f
        if drain_rd:
            ob_raddr.next = dr_cur_addr[OAW:]
        else:
            ob_raddr.next = s_ptr[OAW:]
        if RPB == 1:
            pb_raddr.next = concat(st_tpar, s_fm[PAW:])
        else:
            pb_raddr.next = concat(st_tpar, s_fm[PAW + 1:1])
        f_head.next = fmem[f_rp]

    @always_comb
    def st_out():
        # Beat s_beat of the entry (an int8 row is beat 0).
        if s_beat == 0:
            wr1_tdata.next = f_head[LW:0]
        elif s_beat == 1:
            wr1_tdata.next = f_head[2 * LW:LW]
        elif s_beat == 2:
            wr1_tdata.next = f_head[3 * LW:2 * LW]
        else:
            wr1_tdata.next = f_head[4 * LW:3 * LW]
        wr1_tvalid.next = f_cnt != 0
        snd = f_cnt != 0 and wr1_tready
        s_send.next = snd
        last = False
        if req_en_q:
            last = True
        elif s_pjn + 1 == st_ncg:
            last = s_beat == st_nbl
        else:
            last = s_beat == 3
        s_pop.next = snd and last

    if RPB == 1:
        @always_comb
        def params_out():
            os_bias.next = pb_rdata[32:0]
            os_mult.next = pb_rdata[32 + MB_:32]
            os_shift.next = pb_rdata[PREC_BITS:32 + MB_]
    else:
        @always_comb
        def params_out():
            if f1_sub:
                os_bias.next = pb_rdata[PREC_BITS + 32:PREC_BITS]
                os_mult.next = pb_rdata[PREC_BITS + 32 + MB_:PREC_BITS + 32]
                os_shift.next = pb_rdata[2 * PREC_BITS:PREC_BITS + 32 + MB_]
            else:
                os_bias.next = pb_rdata[32:0]
                os_mult.next = pb_rdata[32 + MB_:32]
                os_shift.next = pb_rdata[PREC_BITS:32 + MB_]

    if RPB > 1:
        @always_seq(clk.posedge, reset=rst_n)
        def sub_track():
            f1_sub.next = s_fm[0]

    ostage = outstage_mod.outstage(clk, rst_n, f1_valid, ob_rdata, os_bias, os_mult, os_shift,
                                   bias_en_q, o_valid, o_i32, o_i8, C)

    @always_seq(clk.posedge, reset=None)
    def fifo_write():
        if o_valid:
            if req_en_q:
                fmem[f_wp].next = concat(intbv(0)[EW - 8 * C:], o_i8)
            else:
                fmem[f_wp].next = o_i32

    @always_seq(clk.posedge, reset=rst_n)
    def st_seq():
        f1_valid.next = s_fetch
        if st_go:
            s_run.next = 1
            wr_pend.next = 1
            fin_lim.next = 0
            s_ptr.next = 0
            s_fm.next = 0
            s_fjn.next = 0
            s_pjn.next = 0
            s_beat.next = 0
        else:
            if q_valid and q_fin:
                fin_lim.next = q_blkend
            if wr_pend and wr1_cmd_ready:
                wr_pend.next = 0
            if s_run and wr1_done:
                s_run.next = 0
                # The tile's P half is free again.
                if p_en_q:
                    p_clr.next[st_tpar] = not p_clr[st_tpar]
            if s_fetch:
                s_ptr.next = s_ptr + 1
                if s_fjn + 1 == st_ncg:
                    s_fjn.next = 0
                    s_fm.next = s_fm + 1
                else:
                    s_fjn.next = s_fjn + 1
            if s_pop:
                s_beat.next = 0
                if s_pjn + 1 == st_ncg:
                    s_pjn.next = 0
                else:
                    s_pjn.next = s_pjn + 1
            elif s_send:
                s_beat.next = s_beat + 1
        if go:
            p_clr.next = 0
            s_run.next = 0
        # FIFO pointers and counts.
        if o_valid:
            f_wp.next = f_wp + 1
        if s_pop:
            f_rp.next = f_rp + 1
        if o_valid and not s_pop:
            f_cnt.next = f_cnt + 1
        elif s_pop and not o_valid:
            f_cnt.next = f_cnt - 1
        if s_fetch and not s_pop:
            f_occ.next = f_occ + 1
        elif s_pop and not s_fetch:
            f_occ.next = f_occ - 1

    @always_comb
    def perf():
        active.next = is_valid
        stall_mem.next = wait_mem
        stall_out.next = wait_out

    return instances()
