"""HMMU core: the weight-stationary matrix unit between its two stream masters.

Work in progress (issue 4): this is the controller and datapath of the HMMU without the
AXI4 masters and the register block, which the HMMU top wraps around it.  It talks to
an AXI read master and an AXI write master through their command/stream contracts
(docs/mmu-architecture.md, "ip/axi").

Design note
-----------
``B = COLS`` bytes per beat (the AXI data width is ``8*COLS``).  One command computes
``Y[M x N] = W[M x K] . X[K x N]`` in *blocks* of ``MB`` rows (a multiple of ``ROWS``,
given by the host; the capacity checks are the top's), and each block in *stages*, one
per ``COLS``-column tile of X::

    for m0 in 0, MB, 2 MB, ...:                       block (rows = min(MB, M - m0))
        read W[m0 : m0+rows, 0:K]      -> W banks     pre-load (one read command)
        read P[m0 : m0+rows] records   -> P buffer    (when bias or requant is on)
        read X[0:K, 0:C]               -> X half 0
        for j in 0 .. T-1:                            stage j, T = ceil(N / C)
            compute tile j from X half j%2            (array: ceil(rows/R) passes)
            read X tile j+1 -> X half (j+1)%2         (concurrently)
            write Y tile j-1 from O half (j-1)%2      (concurrently, rows as they drain)
        flush; write Y tile T-1                       epilogue

A stage ends when all three of its activities have.  A pass is ``max(K, ROWS)``
cycles (``k >= K`` are idle padding so the previous tile can leave the shadow bank),
passes follow each other with no bubble, and the finished tile of a pass drains while
the next pass runs: ``swap -> ROWS shadow rows -> output stage (3) -> output buffer``.
So the store of tile ``j-1`` in stage ``j`` waits only for the last pass of tile
``j-1``, which the first pass of stage ``j`` swaps out.

Buffers: ``ROWS`` W banks of ``B``-byte words (bank ``r`` holds block rows ``lr = r
(mod ROWS)``, row ``lr`` at words ``(lr // ROWS) * KW ..``, ``KW = ceil(K / B)``; PE row
``r`` reads word ``i*KW + k // B``, byte ``k % B``), X: two halves of ``XD`` words of
``B`` bytes (word ``k`` = ``X[k, n0 : n0+C]``), output: two halves of ``OD`` rows of
``COLS`` int32 lanes (int8 results in the low ``COLS`` bytes), P: ``MB`` records of
{bias, mult, shift}.

Errors: a read or write master reporting an error, or ``abort`` (CTRL.soft_reset), ends
the command at the end of the current stage or pre-load (no further transfer is
issued; those in flight complete, so the AXI slave is never left owed data) with
``err`` = 5 (read), 6 (write) or 7 (aborted).
"""
from __future__ import annotations

from myhdl import (ConcatSignal, Signal, always_comb, always_seq, block, concat, instances,
                   intbv, modbv)

from ip.mmu import outstage as outstage_mod
from ip.pe_array.pe_array import pe_array

ADDR_W = 32
DIM_W = 24
ERR_NONE, ERR_RD, ERR_WR, ERR_ABORT = 0, 5, 6, 7
P_RECORD_BYTES = 16
SWAP_LATENCY = 4    # in_first issued (buffer read) -> out_swap: 1 read + PIPE 2 + 1


def clog2(n: int) -> int:
    return max(1, (n - 1).bit_length())


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
def _ram_re(clk, we, waddr, wdata, re, raddr, rdata, depth):
    """Like :func:`_ram` with a read enable: ``rdata`` holds while ``re`` is low."""
    mem = [Signal(intbv(0)[len(wdata):]) for _ in range(depth)]

    @always_seq(clk.posedge, reset=None)
    def write():
        if we:
            mem[waddr].next = wdata

    @always_seq(clk.posedge, reset=None)
    def read():
        if re:
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
def hmmu_core(clk, rst_n,
              start, abort, c_m, c_k, c_n, c_mb, c_w_addr, c_w_stride, c_x_addr, c_x_stride,
              c_y_addr, c_y_stride, c_p_addr, c_bias_en, c_requant_en,
              busy, done, err, active, stall_mem, stall_out,
              rd_cmd_valid, rd_cmd_ready, rd_cmd_addr, rd_cmd_row_bytes, rd_cmd_rows,
              rd_cmd_stride, rd_tdata, rd_tvalid, rd_tready, rd_done, rd_status,
              wr_cmd_valid, wr_cmd_ready, wr_cmd_addr, wr_cmd_row_bytes, wr_cmd_rows,
              wr_cmd_stride, wr_tdata, wr_tvalid, wr_tready, wr_done, wr_status,
              *, ROWS, COLS, WBUF_BYTES, XBUF_BYTES, OBUF_BYTES):
    R, C = ROWS, COLS
    B = C
    LGB = clog2(B) if B > 1 else 0
    if B not in (4, 8, 16):
        raise ValueError(f"hmmu: COLS must be 4, 8 or 16 (the AXI data width is 8*COLS), got {C}")
    if R not in (2, 4, 8, 16, 32):
        raise ValueError(f"hmmu: ROWS must be a power of two in 2..32, got {R}")
    LGR = (R - 1).bit_length()
    WD = WBUF_BYTES // (R * B)          # words per W bank
    XD = XBUF_BYTES // (2 * B)          # words per X half (the largest K)
    OD = OBUF_BYTES // (2 * 4 * C)      # rows per output half (the largest MB)
    for name, depth in (("WBUF_BYTES / (ROWS*COLS)", WD), ("XBUF_BYTES / (2*COLS)", XD),
                        ("OBUF_BYTES / (8*COLS)", OD)):
        if depth < 2 or depth & (depth - 1):
            raise ValueError(f"hmmu: {name} must be a power of two >= 2, got {depth}")
    PD = max(OD, R)
    # Address widths: buffer halves are powers of two, so a half's address is the half
    # bit above the index (no adder), and every counter is sliced to its memory.
    WAW, XKW, OAW, PAW = clog2(WD), clog2(XD), clog2(OD), clog2(PD)
    # Constants as plain names: MyHDL writes an expression like (B - 1) as a signed
    # 32-bit term, a literal as a literal.
    BM1, CM1, RM1 = B - 1, C - 1, R - 1
    BEATS_PER_REC = P_RECORD_BYTES // B

    # ------------------------------------------------------------------ command state
    m_q = Signal(intbv(0)[DIM_W:])
    k_q = Signal(intbv(0)[DIM_W:])
    mb_q = Signal(intbv(0)[DIM_W:])
    kw_q = Signal(intbv(0)[DIM_W:])             # beats per W row
    pl_q = Signal(intbv(0)[DIM_W:])             # pass length max(K, R)
    bias_en_q = Signal(bool(0))
    req_en_q = Signal(bool(0))
    p_en_q = Signal(bool(0))
    w_blk_addr = Signal(modbv(0)[ADDR_W:])
    p_blk_addr = Signal(modbv(0)[ADDR_W:])
    y_blk_addr = Signal(modbv(0)[ADDR_W:])
    w_blk_step = Signal(modbv(0)[ADDR_W:])      # MB * W_STRIDE
    y_blk_step = Signal(modbv(0)[ADDR_W:])      # MB * Y_STRIDE
    p_blk_step = Signal(modbv(0)[ADDR_W:])      # MB * 16
    x_addr_q = Signal(modbv(0)[ADDR_W:])
    w_stride_q = Signal(modbv(0)[ADDR_W:])
    x_stride_q = Signal(modbv(0)[ADDR_W:])
    y_stride_q = Signal(modbv(0)[ADDR_W:])
    y_tile_addr = Signal(modbv(0)[ADDR_W:])
    y_tile_step = Signal(modbv(0)[ADDR_W:])     # C * OB bytes
    m0 = Signal(intbv(0)[DIM_W:])
    rows_q = Signal(intbv(0)[DIM_W:])           # rows of the current block
    npass_q = Signal(intbv(0)[DIM_W:])          # passes per tile = ceil(rows / R)
    ntile_q = Signal(intbv(0)[DIM_W:])          # column tiles = ceil(N / C)
    last_c_q = Signal(intbv(0)[DIM_W:])         # columns of the last tile
    j_q = Signal(intbv(0)[DIM_W:])              # stage index
    err_q = Signal(intbv(0)[4:])

    ST_IDLE, ST_SETUP, ST_PRE_W, ST_PRE_P, ST_PRE_X, ST_STAGE, ST_FLUSH, ST_EPI, ST_NEXT, \
        ST_DONE = range(10)
    state = Signal(intbv(ST_IDLE, min=0, max=10))

    # ------------------------------------------------------------- activity handshakes
    # Each activity is launched with a one-cycle *_go and reports *_busy.
    rd_go = Signal(bool(0))
    rd_kind = Signal(intbv(0)[2:])      # 0 W, 1 P, 2 X
    rd_half = Signal(bool(0))
    rd_addr_q = Signal(modbv(0)[ADDR_W:])
    rd_busy = Signal(bool(0))
    comp_go = Signal(bool(0))
    comp_half = Signal(bool(0))
    comp_busy = Signal(bool(0))
    st_go = Signal(bool(0))
    st_half = Signal(bool(0))
    st_addr_q = Signal(modbv(0)[ADDR_W:])
    st_cols_q = Signal(intbv(0)[DIM_W:])
    st_busy = Signal(bool(0))
    flush_go = Signal(bool(0))
    x_tile_addr = Signal(modbv(0)[ADDR_W:])

    # ----------------------------------------------------------------------- buffers
    wb_we = Signal(intbv(0)[R:])
    wb_waddr = Signal(intbv(0, min=0, max=max(WD, 2)))
    wb_wdata = Signal(intbv(0)[8 * B:])
    wb_raddr = Signal(intbv(0, min=0, max=max(WD, 2)))
    wb_rdata = [Signal(intbv(0)[8 * B:]) for _ in range(R)]
    wbanks = [_ram(clk, wb_we(r), wb_waddr, wb_wdata, wb_raddr, wb_rdata[r], max(WD, 2))
              for r in range(R)]

    xb_we = Signal(bool(0))
    xb_waddr = Signal(intbv(0, min=0, max=2 * XD))
    xb_wdata = Signal(intbv(0)[8 * B:])
    xb_raddr = Signal(intbv(0, min=0, max=2 * XD))
    xb_rdata = Signal(intbv(0)[8 * B:])
    xbuf = _ram(clk, xb_we, xb_waddr, xb_wdata, xb_raddr, xb_rdata, 2 * XD)

    pb_we = Signal(bool(0))
    pb_waddr = Signal(intbv(0, min=0, max=PD))
    pb_wdata = Signal(intbv(0)[32 + outstage_mod.MULT_BITS + outstage_mod.SHIFT_BITS:])
    pb_raddr = Signal(intbv(0, min=0, max=PD))
    pb_rdata = Signal(intbv(0)[len(pb_wdata):])
    pbuf = _ram(clk, pb_we, pb_waddr, pb_wdata, pb_raddr, pb_rdata, PD)

    ob_we = Signal(bool(0))
    ob_waddr = Signal(intbv(0, min=0, max=2 * OD))
    ob_wdata = Signal(intbv(0)[32 * C:])
    ob_raddr = Signal(intbv(0, min=0, max=2 * OD))
    ob_rdata = Signal(intbv(0)[32 * C:])
    ob_re = Signal(bool(0))
    obuf = _ram_re(clk, ob_we, ob_waddr, ob_wdata, ob_re, ob_raddr, ob_rdata, 2 * OD)

    # ------------------------------------------------------------------- main control
    @always_seq(clk.posedge, reset=rst_n)
    def control():
        rd_go.next = 0
        comp_go.next = 0
        st_go.next = 0
        flush_go.next = 0
        done.next = 0
        if state == ST_IDLE:
            if start:
                m_q.next = c_m
                k_q.next = c_k
                mb_q.next = c_mb
                t = intbv(0)[DIM_W:]
                t[:] = c_k + BM1
                kw_q.next = t >> LGB
                if c_k > R:
                    pl_q.next = c_k
                else:
                    pl_q.next = R
                bias_en_q.next = c_bias_en
                req_en_q.next = c_requant_en
                p_en_q.next = c_bias_en or c_requant_en
                w_blk_addr.next = c_w_addr
                p_blk_addr.next = c_p_addr
                y_blk_addr.next = c_y_addr
                w_blk_step.next = c_mb * c_w_stride
                y_blk_step.next = c_mb * c_y_stride
                p_blk_step.next = concat(intbv(0)[ADDR_W - DIM_W - 4:], c_mb, intbv(0)[4:])
                x_addr_q.next = c_x_addr
                w_stride_q.next = c_w_stride
                x_stride_q.next = c_x_stride
                y_stride_q.next = c_y_stride
                if c_requant_en:
                    y_tile_step.next = C
                else:
                    y_tile_step.next = 4 * C
                t[:] = c_n + CM1
                ntile_q.next = t >> LGB
                last_c_q.next = (t & CM1) + 1      # (N-1) mod C + 1
                m0.next = 0
                err_q.next = ERR_NONE
                state.next = ST_SETUP
        elif state == ST_SETUP:
            # Block geometry of the block at m0.
            # rows = min(MB, M - m0); the difference as a wrapping add of the complement.
            left = modbv(0)[DIM_W:]
            left[:] = m_q + ~m0 + 1
            t = intbv(0)[DIM_W:]
            if left < mb_q:
                rows_q.next = left
                t[:] = left + RM1
            else:
                rows_q.next = mb_q
                t[:] = mb_q + RM1
            npass_q.next = t >> LGR
            x_tile_addr.next = x_addr_q
            y_tile_addr.next = y_blk_addr
            j_q.next = 0
            rd_kind.next = 0
            rd_addr_q.next = w_blk_addr
            rd_go.next = 1
            state.next = ST_PRE_W
        elif state == ST_PRE_W:
            if not rd_go and not rd_busy:
                if err_q != ERR_NONE:
                    state.next = ST_DONE
                elif p_en_q:
                    rd_kind.next = 1
                    rd_addr_q.next = p_blk_addr
                    rd_go.next = 1
                    state.next = ST_PRE_P
                else:
                    rd_kind.next = 2
                    rd_half.next = 0
                    rd_addr_q.next = x_tile_addr
                    rd_go.next = 1
                    state.next = ST_PRE_X
        elif state == ST_PRE_P:
            if not rd_go and not rd_busy:
                if err_q != ERR_NONE:
                    state.next = ST_DONE
                else:
                    rd_kind.next = 2
                    rd_half.next = 0
                    rd_addr_q.next = x_tile_addr
                    rd_go.next = 1
                    state.next = ST_PRE_X
        elif state == ST_PRE_X:
            if not rd_go and not rd_busy:
                if err_q != ERR_NONE:
                    state.next = ST_DONE
                else:
                    # Launch stage 0.
                    comp_go.next = 1
                    comp_half.next = 0
                    if ntile_q > 1:
                        rd_kind.next = 2
                        rd_half.next = 1
                        rd_addr_q.next = x_tile_addr + C
                        x_tile_addr.next = x_tile_addr + C
                        rd_go.next = 1
                    state.next = ST_STAGE
        elif state == ST_STAGE:
            if not (rd_go or comp_go or st_go) and not (rd_busy or comp_busy or st_busy):
                if err_q != ERR_NONE:
                    state.next = ST_DONE
                elif j_q + 1 == ntile_q:
                    flush_go.next = 1
                    state.next = ST_FLUSH
                else:
                    # Launch stage j+1: compute j+1, load j+2, store j.
                    j_q.next = j_q + 1
                    comp_go.next = 1
                    comp_half.next = not j_q[0]
                    if j_q + 2 < ntile_q:
                        rd_kind.next = 2
                        rd_half.next = j_q[0]
                        rd_addr_q.next = x_tile_addr + C
                        x_tile_addr.next = x_tile_addr + C
                        rd_go.next = 1
                    st_go.next = 1
                    st_half.next = j_q[0]
                    st_addr_q.next = y_tile_addr
                    y_tile_addr.next = y_tile_addr + y_tile_step
                    st_cols_q.next = C
        elif state == ST_FLUSH:
            if err_q != ERR_NONE:
                state.next = ST_DONE
            else:
                st_go.next = 1
                st_half.next = j_q[0]
                st_addr_q.next = y_tile_addr
                st_cols_q.next = last_c_q
                state.next = ST_EPI
        elif state == ST_EPI:
            if not st_go and not st_busy:
                if err_q != ERR_NONE or m0 + mb_q >= m_q:
                    state.next = ST_DONE
                else:
                    state.next = ST_NEXT
        elif state == ST_NEXT:
            m0.next = m0 + mb_q
            w_blk_addr.next = w_blk_addr + w_blk_step
            p_blk_addr.next = p_blk_addr + p_blk_step
            y_blk_addr.next = y_blk_addr + y_blk_step
            state.next = ST_SETUP
        elif state == ST_DONE:
            done.next = 1
            state.next = ST_IDLE
        # Errors reported by the masters and an abort (the first one sticks): the
        # command ends when the activities in flight have (no new one is launched).
        if state != ST_IDLE and err_q == ERR_NONE:
            if rd_done and rd_status != 0:
                err_q.next = ERR_RD
            elif wr_done and wr_status != 0:
                err_q.next = ERR_WR
            elif abort:
                err_q.next = ERR_ABORT

    @always_comb
    def status_out():
        busy.next = state != ST_IDLE
        err.next = err_q

    # ---------------------------------------------------------------- read sequencer
    # Issues one read command and writes its beats into the addressed buffer.
    rd_cmd_pending = Signal(bool(0))
    rd_active = Signal(bool(0))
    w_q_beat = Signal(intbv(0)[DIM_W:])     # beat within the W row
    w_bank = Signal(modbv(1)[R:])           # one-hot bank of the current W row
    w_word = Signal(intbv(0)[DIM_W:])       # word of the current row in its bank
    w_rowbase = Signal(intbv(0)[DIM_W:])    # first word of the current row tile
    x_k = Signal(intbv(0)[DIM_W:])
    p_idx = Signal(intbv(0)[DIM_W:])
    p_beat = Signal(intbv(0, min=0, max=max(BEATS_PER_REC, 2)))

    @always_comb
    def rd_cmd_out():
        rd_cmd_valid.next = rd_cmd_pending
        rd_cmd_addr.next = rd_addr_q
        if rd_kind == 0:
            rd_cmd_row_bytes.next = k_q
            rd_cmd_rows.next = rows_q
            rd_cmd_stride.next = w_stride_q
        elif rd_kind == 1:
            rd_cmd_row_bytes.next = rows_q << 4
            rd_cmd_rows.next = 1
            rd_cmd_stride.next = B
        else:
            rd_cmd_row_bytes.next = B
            rd_cmd_rows.next = k_q
            rd_cmd_stride.next = x_stride_q
        rd_tready.next = rd_active
        rd_busy.next = rd_cmd_pending or rd_active

    # A P record is 16 bytes: with B < 16 its beats are shifted in from the top, so
    # after the last one the record's byte 0 is at the bottom (rec_q keeps the bytes
    # of the earlier beats that the next beat does not push out).
    rec_in = Signal(intbv(0)[8 * P_RECORD_BYTES:])
    if BEATS_PER_REC == 1:
        @always_comb
        def rec_shift():
            rec_in.next = rd_tdata
    else:
        rec_q = Signal(intbv(0)[8 * (P_RECORD_BYTES - B):])

        @always_comb
        def rec_shift():
            rec_in.next = concat(rd_tdata, rec_q)

        @always_seq(clk.posedge, reset=rst_n)
        def rec_reg():
            if rd_active and rd_tvalid and rd_kind == 1:
                rec_q.next = rec_in[8 * P_RECORD_BYTES:8 * B]

    @always_seq(clk.posedge, reset=rst_n)
    def rd_seq():
        wb_we.next = 0
        xb_we.next = 0
        pb_we.next = 0
        if rd_go:
            rd_cmd_pending.next = 1
            rd_active.next = 1
            w_q_beat.next = 0
            w_bank.next = 1
            w_word.next = 0
            w_rowbase.next = 0
            x_k.next = 0
            p_idx.next = 0
            p_beat.next = 0
        if rd_cmd_pending and rd_cmd_ready:
            rd_cmd_pending.next = 0
        if rd_active and rd_done:
            rd_active.next = 0
        if rd_active and rd_tvalid:
            if rd_kind == 0:
                wb_we.next = w_bank
                wb_waddr.next = w_word[WAW:]
                wb_wdata.next = rd_tdata
                if w_q_beat + 1 == kw_q:
                    w_q_beat.next = 0
                    if w_bank[R - 1]:
                        w_bank.next = 1
                        w_rowbase.next = w_rowbase + kw_q
                        w_word.next = w_rowbase + kw_q
                    else:
                        w_bank.next = w_bank << 1
                        w_word.next = w_rowbase
                else:
                    w_q_beat.next = w_q_beat + 1
                    w_word.next = w_word + 1
            elif rd_kind == 1:
                # Beats fill the record from the top: after the last one its byte 0 is
                # at the bottom.
                rec = intbv(0)[8 * P_RECORD_BYTES:]
                rec[:] = rec_in
                if p_beat == BEATS_PER_REC - 1:
                    p_beat.next = 0
                    pb_we.next = 1
                    pb_waddr.next = p_idx[PAW:]
                    pb_wdata.next = concat(rec[64 + outstage_mod.SHIFT_BITS:64],
                                           rec[32 + outstage_mod.MULT_BITS:32], rec[32:0])
                    p_idx.next = p_idx + 1
                else:
                    p_beat.next = p_beat + 1
            else:
                xb_we.next = 1
                xb_waddr.next = concat(rd_half, x_k[XKW:])
                xb_wdata.next = rd_tdata
                x_k.next = x_k + 1

    # ------------------------------------------------------------ compute sequencer
    cs_pass = Signal(intbv(0)[DIM_W:])
    cs_k = Signal(intbv(0)[DIM_W:])
    cs_wbase = Signal(intbv(0)[DIM_W:])
    cs_run = Signal(bool(0))
    cs_xhalf = Signal(bool(0))
    # Operands of the issuing cycle, one cycle later at the array with the buffer data.
    is_valid = Signal(bool(0))
    is_first = Signal(bool(0))
    is_flush = Signal(bool(0))
    is_byte = Signal(intbv(0, min=0, max=max(B, 2)))
    a_valid = Signal(bool(0))
    a_first = Signal(bool(0))
    a_flush = Signal(bool(0))
    a_byte = Signal(intbv(0, min=0, max=max(B, 2)))
    # The tile half and first row of the pass that ends at each swap, delayed like it.
    desc_half = Signal(bool(0))
    desc_row = Signal(intbv(0)[DIM_W:])
    have_desc = Signal(bool(0))

    @always_comb
    def comp_status():
        comp_busy.next = cs_run

    @always_comb
    def comp_issue():
        is_valid.next = cs_run and cs_k < k_q
        is_first.next = cs_run and cs_k == 0
        is_flush.next = flush_go
        is_byte.next = cs_k[LGB:]
        # Padding cycles (k >= K) read word 0: their operands are never used.
        t = intbv(0)[DIM_W:]
        if cs_k < k_q:
            t[:] = cs_wbase + (cs_k >> LGB)
            wb_raddr.next = t[WAW:]
            xb_raddr.next = concat(cs_xhalf, cs_k[XKW:])
        else:
            wb_raddr.next = 0
            xb_raddr.next = 0

    @always_seq(clk.posedge, reset=rst_n)
    def comp_seq():
        a_valid.next = is_valid
        a_first.next = is_first
        a_flush.next = is_flush
        a_byte.next = is_byte
        if comp_go:
            cs_run.next = 1
            cs_pass.next = 0
            cs_k.next = 0
            cs_wbase.next = 0
            cs_xhalf.next = comp_half
        elif cs_run:
            if cs_k + 1 == pl_q:
                cs_k.next = 0
                cs_wbase.next = cs_wbase + kw_q
                if cs_pass + 1 == npass_q:
                    cs_run.next = 0
                else:
                    cs_pass.next = cs_pass + 1
            else:
                cs_k.next = cs_k + 1

    # ------------------------------------------------------------------- PE array
    pe_valid = Signal(bool(0))
    pe_first = Signal(bool(0))
    pe_flush = Signal(bool(0))
    pe_w = Signal(intbv(0)[8 * R:])
    pe_x = Signal(intbv(0)[8 * C:])
    sh_en = Signal(bool(0))
    out_row = Signal(intbv(0)[32 * C:])
    out_swap = Signal(bool(0))
    wbytes = [Signal(intbv(0)[8:]) for _ in range(R)]

    sels = [_bytesel(wb_rdata[r], a_byte, wbytes[r]) for r in range(R)]
    pe_w_cat = ConcatSignal(*reversed(wbytes)) if R > 1 else wbytes[0]

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
    dl_half = [Signal(bool(0)) for _ in range(SWAP_LATENCY)]
    dl_row = [Signal(intbv(0)[DIM_W:]) for _ in range(SWAP_LATENCY)]
    cur_half = Signal(bool(0))
    cur_row = Signal(intbv(0)[DIM_W:])
    cur_have = Signal(bool(0))

    @always_seq(clk.posedge, reset=rst_n)
    def desc_track():
        # At the issue of a pass's first k (or of a flush), the pass that ends is the
        # one recorded in cur_*; the new pass becomes current.
        dl_valid[0].next = 0
        if is_first and cs_run:
            dl_valid[0].next = cur_have
            cur_have.next = 1
            cur_half.next = cs_xhalf
            cur_row.next = concat(cs_pass[DIM_W - LGR:], intbv(0)[LGR:])
        elif is_flush:
            dl_valid[0].next = cur_have
            cur_have.next = 0
        if state == ST_SETUP:
            cur_have.next = 0
        dl_half[0].next = cur_half
        dl_row[0].next = cur_row
        for i in range(1, SWAP_LATENCY):
            dl_valid[i].next = dl_valid[i - 1]
            dl_half[i].next = dl_half[i - 1]
            dl_row[i].next = dl_row[i - 1]

    dr_run = Signal(bool(0))
    dr_r = Signal(intbv(0, min=0, max=max(R, 2)))
    dr_half = Signal(bool(0))
    dr_row = Signal(intbv(0)[DIM_W:])
    os_valid = Signal(bool(0))
    os_acc = Signal(intbv(0)[32 * C:])
    os_half = Signal(bool(0))
    os_row = Signal(intbv(0)[DIM_W:])

    # Row r of a swapped tile is taken in the r-th cycle from out_swap (row 0 in the
    # out_swap cycle itself), shifting after every row but the last, so a swap may
    # follow ROWS cycles after the previous one with no shift at its edge.
    dr_start = Signal(bool(0))
    dr_act = Signal(bool(0))
    dr_cur_r = Signal(intbv(0, min=0, max=max(R, 2)))
    dr_cur_half = Signal(bool(0))
    dr_cur_row = Signal(intbv(0)[DIM_W:])

    @always_comb
    def drain_ctl():
        start_now = out_swap and dl_valid[SWAP_LATENCY - 1]
        dr_start.next = start_now
        dr_act.next = start_now or dr_run
        if start_now:
            dr_cur_r.next = 0
            dr_cur_half.next = dl_half[SWAP_LATENCY - 1]
            dr_cur_row.next = dl_row[SWAP_LATENCY - 1]
        else:
            dr_cur_r.next = dr_r
            dr_cur_half.next = dr_half
            dr_cur_row.next = dr_row

    @always_comb
    def drain_out():
        sh_en.next = dr_act and dr_cur_r != R - 1
        # Pass rows start at multiples of ROWS: row + r is a concatenation.
        pb_raddr.next = concat(dr_cur_row[PAW:LGR], dr_cur_r)

    @always_seq(clk.posedge, reset=rst_n)
    def drain():
        os_valid.next = dr_act
        if dr_start:
            dr_half.next = dr_cur_half
            dr_row.next = dr_cur_row
            if R > 1:
                dr_run.next = 1
                dr_r.next = 1
        elif dr_run:
            if dr_r == R - 1:
                dr_run.next = 0
            else:
                dr_r.next = dr_r + 1
        if dr_act:
            os_acc.next = out_row
            os_half.next = dr_cur_half
            os_row.next = concat(dr_cur_row[DIM_W:LGR], dr_cur_r)

    # Output stage: params from the P buffer (read one cycle ahead, with os_acc).
    o_valid = Signal(bool(0))
    o_i32 = Signal(intbv(0)[32 * C:])
    o_i8 = Signal(intbv(0)[8 * C:])
    os_bias = Signal(intbv(0)[32:])
    os_mult = Signal(intbv(0)[outstage_mod.MULT_BITS:])
    os_shift = Signal(intbv(0)[outstage_mod.SHIFT_BITS:])

    @always_comb
    def params_out():
        os_bias.next = pb_rdata[32:0]
        os_mult.next = pb_rdata[32 + outstage_mod.MULT_BITS:32]
        os_shift.next = pb_rdata[len(pb_rdata):32 + outstage_mod.MULT_BITS]

    ostage = outstage_mod.outstage(clk, rst_n, os_valid, os_acc, os_bias, os_mult, os_shift,
                                   bias_en_q, o_valid, o_i32, o_i8, C)
    ol_half = [Signal(bool(0)) for _ in range(outstage_mod.LATENCY)]
    ol_row = [Signal(intbv(0)[DIM_W:]) for _ in range(outstage_mod.LATENCY)]
    rows_done0 = Signal(intbv(0)[DIM_W:])   # rows written into output half 0 / 1
    rows_done1 = Signal(intbv(0)[DIM_W:])

    @always_seq(clk.posedge, reset=rst_n)
    def out_track():
        ol_half[0].next = os_half
        ol_row[0].next = os_row
        for i in range(1, outstage_mod.LATENCY):
            ol_half[i].next = ol_half[i - 1]
            ol_row[i].next = ol_row[i - 1]

    @always_comb
    def ob_write():
        ob_we.next = o_valid
        row = intbv(0)[DIM_W:]
        row[:] = ol_row[outstage_mod.LATENCY - 1]
        ob_waddr.next = concat(ol_half[outstage_mod.LATENCY - 1], row[OAW:])
        if req_en_q:
            ob_wdata.next = concat(intbv(0)[24 * C:], o_i8)
        else:
            ob_wdata.next = o_i32

    # ---------------------------------------------------------------- store sequencer
    # Rows written into each output half since its tile started (rows drain in order).
    wr_cmd_pending = Signal(bool(0))
    s_run = Signal(bool(0))
    s_row = Signal(intbv(0)[DIM_W:])       # next row to fetch
    s_have = Signal(bool(0))               # ob_rdata holds a row being sent
    s_beat = Signal(intbv(0)[4:])
    s_nbeats = Signal(intbv(0)[4:])        # beats per row
    s_fetch = Signal(bool(0))
    s_last_accept = Signal(bool(0))

    @always_comb
    def st_comb():
        wr_cmd_valid.next = wr_cmd_pending
        wr_cmd_addr.next = st_addr_q
        wr_cmd_row_bytes.next = st_cols_q if req_en_q else st_cols_q << 2
        wr_cmd_rows.next = rows_q
        wr_cmd_stride.next = y_stride_q
        st_busy.next = s_run
        wr_tvalid.next = s_have
        t = intbv(0)[32 * C:]
        t[:] = ob_rdata >> (8 * B * s_beat)
        wr_tdata.next = t[8 * B:]
        last = s_have and wr_tready and s_beat + 1 == s_nbeats
        s_last_accept.next = last
        avail = False
        if st_half:
            avail = rows_done1 > s_row
        else:
            avail = rows_done0 > s_row
        ob_raddr.next = concat(st_half, s_row[OAW:])
        fetch = s_run and s_row < rows_q and avail and (not s_have or last)
        s_fetch.next = fetch
        ob_re.next = fetch

    @always_seq(clk.posedge, reset=rst_n)
    def st_seq():
        if st_go:
            wr_cmd_pending.next = 1
            s_run.next = 1
            s_row.next = 0
            s_have.next = 0
            s_beat.next = 0
            if req_en_q:
                s_nbeats.next = 1
            else:
                t = intbv(0)[DIM_W:]
                t[:] = (st_cols_q << 2) + BM1
                t[:] = t >> LGB
                s_nbeats.next = t[4:]
        if wr_cmd_pending and wr_cmd_ready:
            wr_cmd_pending.next = 0
        if s_fetch:
            s_row.next = s_row + 1
            s_have.next = 1
            s_beat.next = 0
        elif s_last_accept:
            s_have.next = 0
        elif s_have and wr_tready:
            s_beat.next = s_beat + 1
        if s_run and wr_done:
            s_run.next = 0

    @always_seq(clk.posedge, reset=rst_n)
    def rows_count():
        o_half = ol_half[outstage_mod.LATENCY - 1]
        if comp_go and not comp_half:
            rows_done0.next = 0
        elif o_valid and not o_half:
            rows_done0.next = rows_done0 + 1
        if comp_go and comp_half:
            rows_done1.next = 0
        elif o_valid and o_half:
            rows_done1.next = rows_done1 + 1

    # Stall attribution (the STALL_MEM / STALL_OUT counters): a busy cycle without a
    # pass is charged to the read path while a pre-load runs or a stage's compute is
    # over and its load is not, else to the write path while a store holds the stage or
    # the epilogue; SETUP/NEXT/FLUSH/DONE and the padding of short passes are neither.
    # So per stage: stall_mem = max(0, load - compute), stall_out = max(0, store -
    # max(load, compute)) in the terms of models.hmmu_rtl.
    @always_comb
    def perf():
        active.next = is_valid
        comp_on = comp_go or comp_busy
        rd_on = rd_go or rd_busy
        st_on = st_go or st_busy
        if state == ST_PRE_W or state == ST_PRE_P or state == ST_PRE_X:
            stall_mem.next = 1
            stall_out.next = 0
        elif state == ST_STAGE and not comp_on:
            stall_mem.next = rd_on
            stall_out.next = st_on and not rd_on
        elif state == ST_EPI:
            stall_mem.next = 0
            stall_out.next = 1
        else:
            stall_mem.next = 0
            stall_out.next = 0

    return instances()
