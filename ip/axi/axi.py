"""RADACS AXI4 masters for 2-D strided transfers: ``axi_rd`` (read) and ``axi_wr`` (write).

Design note
-----------
The HMMU/LMMU matrix units move tiles between DRAM and their buffers as *2-D strided
commands*: ``rows`` rows of ``row_bytes`` bytes, row ``i`` at ``addr + i*stride``.
Both masters share one command interface, one burst generator and one completion
interface (``done`` + ``status``); ``KIND`` selects the data direction.

Dataflow (read)::

    cmd --> burst generator --> AR register ==> AR channel
                                                R channel ==> skid buffer --> m_axis
                                 (rready = skid buffer has room)

Dataflow (write)::

    cmd --> burst generator --> AW register ==> AW channel
                         \\--> burst FIFO (len, ends-row), OUTSTANDING deep
    s_axis --> beat counter / WSTRB (from the FIFO head) --> skid buffer ==> W channel
                                                          B channel --> status, counter

Burst generator.  A row is ``ceil(row_bytes / B)`` full-width beats (``B`` =
``DATA_BYTES``).  The generator holds the current address and the beats left in the
row and offers, every cycle, the next burst: ``len = min(MAX_BURST, beats left in the
row, beats to the next 4 KiB boundary)``.  Taking a burst advances the address, or
moves to the next row (``row address + stride``) when the burst ends the row.  The
sequence of bursts is exactly :func:`models.axi.bursts`.  For timing the min() is never
built: the burst is classified as *row end* / *page end* / *full* from a registered
"row fits in ``MAX_BURST``" flag and two short compares on the page offset, and each
kind's successor state (address, beats left, the flag) is one adder or compare on
registers; the next row's address is kept one row ahead (see :func:`burst_gen`).

Outstanding bursts.  A counter counts bursts from the cycle they are loaded into the
AR/AW register until their last R beat (read) or their B response (write); a burst
is loaded only while the counter is below ``OUTSTANDING``, so at most ``OUTSTANDING``
bursts are ever in flight on the bus.  The AR/AW register loads a new burst in the
cycle its previous one is accepted, so requests go out one per cycle.

Buffer sizing.  Each data path has a 2-entry skid buffer (output register + skid
register).  Its input ready is "the skid register is empty", a register, so no
combinational path crosses the block from ready to ready, and it still moves one beat
per cycle when the far side is ready.  The write FIFO needs ``OUTSTANDING`` entries:
an entry lives from AW load to the last W beat of its burst, a subset of the
outstanding bursts (depth rounded up to a power of two).

Errors.  Read: the first R beat with ``RRESP != OKAY`` sets the error; no new AR is
issued, every beat of the bursts already requested is accepted and dropped (the
error beat too), and ``done`` comes once they are all in; ``m_axis`` stops without
``tlast``.  Write: the first ``BRESP != OKAY`` is recorded; the command runs to its
end (every ``s_axis`` beat of the command is consumed and written) and ``done``
reports the error.

Latencies (cycle 0 = the cycle with ``cmd_valid && cmd_ready``; the cost model uses
these, see :data:`models.axi.LATENCY`):

* ``ARVALID`` / ``AWVALID`` first high in cycle 2 (cycle 1 loads the generator, cycle
  2 shows its first burst in the address register);
* an R beat accepted in cycle ``c`` is on ``m_axis`` (``tvalid``) in cycle ``c+1``;
* an ``s_axis`` beat accepted in cycle ``c`` is on W (``wvalid``) in cycle ``c+1``;
* ``done`` is high 2 cycles after the last beat accepted on ``m_axis`` (read), the
  last B response (write) or the last beat drained after an error (read); 1 cycle
  after a bad command is accepted.  ``cmd_ready`` is high again in the ``done``
  cycle, so the next command can be accepted there.

One command at a time: ``cmd_ready`` is low from an accepted command until its
``done``.  ID 0, INCR bursts, ``AxSIZE = log2(B)``, 32-bit addresses wrapping modulo
2**32.
"""
from __future__ import annotations

from myhdl import (ResetSignal, Signal, always_comb, always_seq, block, concat, instances,
                   intbv, modbv)

from ip.common.params import Param, check_params, clog2

IP = "axi"
KINDS = ("rd", "wr")
DATA_BYTES_CHOICES = (4, 8, 16, 32)
ADDR_W = 32
LEN_W = 24  # cmd_row_bytes, cmd_rows
PAGE = 4096
ST_OK, ST_BADCMD, ST_SLVERR, ST_DECERR = 0, 1, 2, 3

PARAMS = (
    Param("KIND", "str", "rd", "rd: AXI4 read master (R -> m_axis); wr: AXI4 write master "
          "(s_axis -> W)", choices=KINDS),
    Param("DATA_BYTES", "int", 8, "bytes per data beat B (4, 8, 16 or 32); AxSIZE = log2(B)",
          lo=4, hi=32),
    Param("MAX_BURST", "int", 16, "longest burst in beats (AxLEN + 1), 1..256", lo=1, hi=256),
    Param("OUTSTANDING", "int", 8, "bursts in flight on the bus at most, 1..16", lo=1, hi=16),
)


def check(params: dict) -> dict:
    """Typed, validated parameters; raises ``ValueError`` naming the bad parameter."""
    p = check_params(IP, PARAMS, params)
    if p["DATA_BYTES"] not in DATA_BYTES_CHOICES:
        raise ValueError(f"{IP}: DATA_BYTES must be a power of two in 4..32, got {p['DATA_BYTES']}")
    return p


def module_name(params: dict) -> str:
    """``radacs_axi_<kind>_b<B>_mb<MAX_BURST>_o<OUTSTANDING>``."""
    p = check(params)
    return f"radacs_axi_{p['KIND']}_b{p['DATA_BYTES']}_mb{p['MAX_BURST']}_o{p['OUTSTANDING']}"


def _log2(b: int) -> int:
    return b.bit_length() - 1


def _check_ports(kind, b, sigs):
    widths = dict(cmd_addr=ADDR_W, cmd_row_bytes=LEN_W, cmd_rows=LEN_W, cmd_stride=ADDR_W,
                  status=2, m_axi_araddr=ADDR_W, m_axi_awaddr=ADDR_W, m_axi_arlen=8,
                  m_axi_awlen=8, m_axi_rdata=8 * b, m_axi_wdata=8 * b, m_axi_wstrb=b,
                  m_axis_tdata=8 * b, s_axis_tdata=8 * b, m_axi_rresp=2, m_axi_bresp=2)
    for name, sig in sigs.items():
        if name in widths and len(sig) != widths[name]:
            raise ValueError(f"{IP}: port {name} must be {widths[name]} bits for KIND={kind} "
                             f"DATA_BYTES={b}, got {len(sig)}")


@block
def burst_gen(clk, rst_n, load, start, cmd_addr, cmd_stride, cmd_rows, cmd_row_bytes, take,
              active, b_addr, b_lm1, b_end_row, *, DATA_BYTES, MAX_BURST):
    """Offers the bursts of one command, in order.

    load        a command is accepted (the registers below load, bad or not)
    start       ... and it is good: the generator becomes active
                (addr, stride, rows >= 1, row_bytes >= 1)
    take        the offered burst is consumed this cycle
    active      a burst is offered: (b_addr, b_lm1 = length - 1 as AxLEN, b_end_row)
    b_end_row   None when the master does not need it (read)

    The burst on offer is ``len = min(MAX_BURST, left, to_page)`` (``left`` = beats
    left in the row, ``to_page`` = beats to the next 4 KiB boundary), one of three
    kinds:

    * *row end*: ``left <= MAX_BURST`` (the registered flag ``c1_q``) and ``left <=
      to_page`` (no spill: ``more_to_page = to_page - 1 = ~page offset`` is not below
      ``left - 1``, an 8-bit compare while ``c1_q``); ``len = left``;
    * *page end*: not a row end and ``to_page <= MAX_BURST``; ``len = to_page``;
    * *full*: neither; ``len = MAX_BURST``.

    The length itself is never computed with a min() or fed to an adder: each kind's
    successor state is one adder on registers (the page offset ``+ MAX_BURST`` inside
    the page, the next page base, the next row's address ``nrow_q`` kept one row
    ahead; ``left - 1 - MAX_BURST``, ``left - 1 - to_page`` as ``+ (offset - page)``),
    and ``c1_q`` of the next burst is a compare on registers per kind (``left - 1 <
    2*MAX_BURST`` after a full burst; after a page end the low bits of ``left - 1 -
    to_page``; the row's flag after a row end).
    """
    lb = _log2(DATA_BYTES)
    lpb = 12 - lb                      # page offset bits (in beats)
    page_beats = PAGE // DATA_BYTES
    mb = MAX_BURST
    mbm1 = mb - 1
    mb2m1 = 2 * mb - 1
    mtw = max(lpb, 8)                  # width of more_to_page (>= AxLEN's 8 bits)
    c2_always = mb >= page_beats       # every page end is within MAX_BURST beats
    # A full burst stays inside its page; with MAX_BURST >= beats per page there is
    # none, and the (unused) offset step is taken modulo the page.
    mb_in_page = mb % page_beats
    max_bytes = mb * DATA_BYTES        # row_bytes <= this: the row fits in one burst
    sw = 10                            # low bits of left - 1 after a page end
    whole_m = (1 << (LEN_W - lb)) - 1

    addr_q = Signal(modbv(0)[ADDR_W:])
    nrow_q = Signal(modbv(0)[ADDR_W:])     # address of the next row
    stride_q = Signal(modbv(0)[ADDR_W:])
    rows_left_q = Signal(intbv(0)[LEN_W:])
    last_row_q = Signal(bool(0))
    rbm1_q = Signal(intbv(0)[LEN_W:])      # beats per row - 1
    rb_le_mb_q = Signal(bool(0))           # a row fits in MAX_BURST beats
    left_m1_q = Signal(modbv(0)[LEN_W:])   # beats left in the row - 1
    c1_q = Signal(bool(0))                 # left_m1_q <= MAX_BURST - 1
    active_q = Signal(bool(0))

    inv_off = Signal(intbv(0)[lpb:])
    more_to_page = Signal(intbv(0)[mtw:])  # to_page - 1 (= ~page offset)
    row_end = Signal(bool(0))
    page_end = Signal(bool(0))
    off_full = Signal(modbv(0)[lpb:])      # page offset after a full burst
    a_page = Signal(modbv(0)[ADDR_W - 12:])   # next 4 KiB page
    neg_page = Signal(intbv(0)[LEN_W:])       # -to_page modulo 2**24
    low_pg = Signal(modbv(0)[sw:])            # (left_m1 - to_page) mod 2**sw
    c1_pg = Signal(bool(0))
    c1_full = Signal(bool(0))
    s_rbm1 = Signal(modbv(0)[LEN_W - lb:])    # floor((row_bytes - 1) / B)
    s_whole_m = Signal(intbv(0)[LEN_W - lb:])  # all ones when row_bytes % B == 0
    s_rb_le_mb = Signal(bool(0))

    @always_comb
    def page_room():
        inv_off.next = ~addr_q[12:lb]

    if lpb < mtw:
        @always_comb
        def page_room_w():
            more_to_page.next = concat(intbv(0)[mtw - lpb:], inv_off)
    else:
        @always_comb
        def page_room_w():
            more_to_page.next = inv_off

    if c2_always:
        # MAX_BURST >= beats per page: a page-end burst always fits in MAX_BURST.
        @always_comb
        def classify():
            # Does a row-ending burst (left beats) still fit before the 4 KiB boundary?
            # Only needed while c1_q (left <= MAX_BURST <= 256).
            n = intbv(0)[mtw:]
            n[:] = left_m1_q[mtw:]
            spill = False
            if more_to_page < n:
                spill = True
            re = c1_q and not spill
            row_end.next = re
            page_end.next = not re
    else:
        @always_comb
        def classify():
            # Does a row-ending burst (left beats) still fit before the 4 KiB boundary?
            # Only needed while c1_q (left <= MAX_BURST <= 256).
            n = intbv(0)[mtw:]
            n[:] = left_m1_q[mtw:]
            spill = False
            if more_to_page < n:
                spill = True
            re = c1_q and not spill
            row_end.next = re
            page_end.next = (not re) and more_to_page <= mbm1

    @always_comb
    def offer():
        active.next = active_q
        b_addr.next = addr_q
        if row_end:
            b_lm1.next = left_m1_q[8:]
        elif page_end:
            b_lm1.next = more_to_page[8:]
        else:
            b_lm1.next = mbm1

    if b_end_row is not None:
        @always_comb
        def end_row():
            b_end_row.next = row_end

    @always_comb
    def row_whole():
        if cmd_row_bytes[lb:0] == 0:
            s_whole_m.next = whole_m
        else:
            s_whole_m.next = 0

    @always_comb
    def next_parts():
        off_full.next = addr_q[12:lb] + mb_in_page
        a_page.next = addr_q[ADDR_W:12] + 1
        neg_page.next = concat(intbv((1 << (LEN_W - lpb)) - 1)[LEN_W - lpb:], addr_q[12:lb])
        low_pg.next = left_m1_q[sw:] + neg_page[sw:]
        c1_full.next = left_m1_q <= mb2m1
        # floor((row_bytes - 1) / B) = floor(row_bytes / B) - (row_bytes % B == 0)
        s_rbm1.next = cmd_row_bytes[LEN_W:lb] + s_whole_m
        s_rb_le_mb.next = cmd_row_bytes <= max_bytes

    @always_comb
    def next_flags():
        # After a page end: left - to_page <= MAX_BURST, where to_page <= MAX_BURST,
        # so left - 1 < 2*MAX_BURST and the low bits decide.
        c1_pg.next = c1_full and low_pg <= mbm1

    @always_seq(clk.posedge, reset=rst_n)
    def advance():
        if load:
            if start:
                active_q.next = 1
            addr_q.next = cmd_addr
            nrow_q.next = cmd_addr + cmd_stride
            stride_q.next = cmd_stride
            rows_left_q.next = cmd_rows
            last_row_q.next = cmd_rows == 1
            rbm1_q.next = concat(intbv(0)[lb:], s_rbm1)
            left_m1_q.next = concat(intbv(0)[lb:], s_rbm1)
            rb_le_mb_q.next = s_rb_le_mb
            c1_q.next = s_rb_le_mb
        elif take and active_q:
            if row_end:
                # The burst ends the row: next row, or the command is fully issued.
                if last_row_q:
                    active_q.next = 0
                rows_left_q.next = rows_left_q - 1
                last_row_q.next = rows_left_q == 2
                addr_q.next = nrow_q
                nrow_q.next = nrow_q + stride_q
                left_m1_q.next = rbm1_q
                c1_q.next = rb_le_mb_q
            elif page_end:
                addr_q.next = concat(a_page, intbv(0)[12:])
                left_m1_q.next = left_m1_q + neg_page
                c1_q.next = c1_pg
            else:
                # Inside the page: only the page offset moves.
                addr_q.next = concat(addr_q[ADDR_W:12], off_full, intbv(0)[lb:])
                left_m1_q.next = left_m1_q - mb
                c1_q.next = c1_full

    return instances()


@block
def cmd_front(clk, rst_n, cmd_valid, cmd_ready, cmd_addr, cmd_row_bytes, cmd_rows, cmd_stride,
              busy_q, accept, bad, *, DATA_BYTES):
    """Command acceptance and the bad-command check, shared by both masters."""
    lb = _log2(DATA_BYTES)

    @always_comb
    def front():
        cmd_ready.next = not busy_q
        accept.next = cmd_valid and not busy_q
        bad.next = (cmd_rows == 0 or cmd_row_bytes == 0 or cmd_addr[lb:0] != 0
                    or cmd_stride[lb:0] != 0)

    return instances()


@block
def axi_rd(clk, rst_n, cmd_valid, cmd_ready, cmd_addr, cmd_row_bytes, cmd_rows, cmd_stride,
           done, status,
           m_axi_arid, m_axi_araddr, m_axi_arlen, m_axi_arsize, m_axi_arburst, m_axi_arvalid,
           m_axi_arready,
           m_axi_rid, m_axi_rdata, m_axi_rresp, m_axi_rlast, m_axi_rvalid, m_axi_rready,
           m_axis_tdata, m_axis_tvalid, m_axis_tready, m_axis_tlast,
           *, DATA_BYTES=8, MAX_BURST=16, OUTSTANDING=4):
    """AXI4 read master.  Ports named from the master's point of view (see README)."""
    b = DATA_BYTES
    lb = _log2(b)
    dw = 8 * b
    _check_ports("rd", b, dict(cmd_addr=cmd_addr, cmd_row_bytes=cmd_row_bytes,
                               cmd_rows=cmd_rows, cmd_stride=cmd_stride, status=status,
                               m_axi_araddr=m_axi_araddr, m_axi_arlen=m_axi_arlen,
                               m_axi_rdata=m_axi_rdata, m_axi_rresp=m_axi_rresp,
                               m_axis_tdata=m_axis_tdata))
    ow = clog2(OUTSTANDING + 1)

    busy_q = Signal(bool(0))
    accept = Signal(bool(0))
    bad = Signal(bool(0))
    start = Signal(bool(0))
    take = Signal(bool(0))
    g_active = Signal(bool(0))
    g_addr = Signal(intbv(0)[ADDR_W:])
    g_lm1 = Signal(modbv(0)[8:])

    arvalid_q = Signal(bool(0))
    araddr_q = Signal(intbv(0)[ADDR_W:])
    arlen_q = Signal(intbv(0)[8:])
    outst_q = Signal(intbv(0, min=0, max=OUTSTANDING + 1))
    err_q = Signal(bool(0))
    code_q = Signal(intbv(0)[2:])
    done_q = Signal(bool(0))
    r_fire = Signal(bool(0))
    push = Signal(bool(0))
    cmd_last = Signal(bool(0))
    out_valid_q = Signal(bool(0))
    out_data_q = Signal(intbv(0)[dw:])
    out_last_q = Signal(bool(0))
    skid_valid_q = Signal(bool(0))
    skid_data_q = Signal(intbv(0)[dw:])
    skid_last_q = Signal(bool(0))

    front = cmd_front(clk, rst_n, cmd_valid, cmd_ready, cmd_addr, cmd_row_bytes, cmd_rows,
                      cmd_stride, busy_q, accept, bad, DATA_BYTES=b)
    gen = burst_gen(clk, rst_n, accept, start, cmd_addr, cmd_stride, cmd_rows, cmd_row_bytes, take,
                    g_active, g_addr, g_lm1, None, DATA_BYTES=b, MAX_BURST=MAX_BURST)

    @always_comb
    def control():
        start.next = accept and not bad
        # Load the AR register when it is empty or being emptied, while the
        # outstanding count allows and no error has been seen.
        take.next = (g_active and not err_q and outst_q < OUTSTANDING
                     and (not arvalid_q or m_axi_arready))
        r_fire.next = m_axi_rvalid and not skid_valid_q
        push.next = m_axi_rvalid and not skid_valid_q and not err_q and m_axi_rresp == 0
        # Last beat of the command: last beat of the only outstanding burst, and the
        # generator has nothing left to issue.
        cmd_last.next = m_axi_rlast and not g_active and outst_q == 1

    @always_comb
    def outputs():
        m_axi_arid.next = 0
        m_axi_arsize.next = lb
        m_axi_arburst.next = 1  # INCR
        m_axi_arvalid.next = arvalid_q
        m_axi_araddr.next = araddr_q
        m_axi_arlen.next = arlen_q
        m_axi_rready.next = not skid_valid_q
        m_axis_tvalid.next = out_valid_q
        m_axis_tdata.next = out_data_q
        m_axis_tlast.next = out_last_q
        done.next = done_q
        status.next = code_q

    @always_seq(clk.posedge, reset=rst_n)
    def ar_reg():
        if take:
            arvalid_q.next = 1
            araddr_q.next = g_addr
            arlen_q.next = g_lm1
        elif m_axi_arready:
            arvalid_q.next = 0

    @always_seq(clk.posedge, reset=rst_n)
    def counter():
        inc = take
        dec = r_fire and m_axi_rlast
        if inc and not dec:
            outst_q.next = outst_q + 1
        elif dec and not inc:
            outst_q.next = outst_q - 1

    @always_seq(clk.posedge, reset=rst_n)
    def skid():
        if not out_valid_q or m_axis_tready:
            if skid_valid_q:
                out_valid_q.next = 1
                out_data_q.next = skid_data_q
                out_last_q.next = skid_last_q
                skid_valid_q.next = 0
            elif push:
                out_valid_q.next = 1
                out_data_q.next = m_axi_rdata
                out_last_q.next = cmd_last
            else:
                out_valid_q.next = 0
        elif push:
            skid_valid_q.next = 1
            skid_data_q.next = m_axi_rdata
            skid_last_q.next = cmd_last

    @always_seq(clk.posedge, reset=rst_n)
    def fsm():
        done_q.next = 0
        if accept:
            if bad:
                done_q.next = 1
                code_q.next = ST_BADCMD
            else:
                busy_q.next = 1
                err_q.next = 0
                code_q.next = ST_OK
        elif busy_q:
            if r_fire and m_axi_rresp != 0 and not err_q:
                err_q.next = 1
                code_q.next = m_axi_rresp
            if ((not g_active or err_q) and outst_q == 0 and not out_valid_q
                    and not skid_valid_q):
                busy_q.next = 0
                done_q.next = 1

    return instances()


@block
def axi_wr(clk, rst_n, cmd_valid, cmd_ready, cmd_addr, cmd_row_bytes, cmd_rows, cmd_stride,
           done, status,
           m_axi_awid, m_axi_awaddr, m_axi_awlen, m_axi_awsize, m_axi_awburst, m_axi_awvalid,
           m_axi_awready,
           m_axi_wdata, m_axi_wstrb, m_axi_wlast, m_axi_wvalid, m_axi_wready,
           m_axi_bid, m_axi_bresp, m_axi_bvalid, m_axi_bready,
           s_axis_tdata, s_axis_tvalid, s_axis_tready,
           *, DATA_BYTES=8, MAX_BURST=16, OUTSTANDING=4):
    """AXI4 write master.  Ports named from the master's point of view (see README)."""
    b = DATA_BYTES
    lb = _log2(b)
    dw = 8 * b
    _check_ports("wr", b, dict(cmd_addr=cmd_addr, cmd_row_bytes=cmd_row_bytes,
                               cmd_rows=cmd_rows, cmd_stride=cmd_stride, status=status,
                               m_axi_awaddr=m_axi_awaddr, m_axi_awlen=m_axi_awlen,
                               m_axi_wdata=m_axi_wdata, m_axi_wstrb=m_axi_wstrb,
                               m_axi_bresp=m_axi_bresp, s_axis_tdata=s_axis_tdata))
    strb_tab = [((1 << r) - 1) if r else ((1 << b) - 1) for r in range(b)]
    sw = min(b, 16)
    strb_lo = tuple(m & 0xFFFF for m in strb_tab)
    strb_hi = tuple(m >> 16 for m in strb_tab)
    fdepth = 1 << clog2(OUTSTANDING)  # burst FIFO, power of two for pointer wrap
    fw = clog2(fdepth)

    busy_q = Signal(bool(0))
    accept = Signal(bool(0))
    bad = Signal(bool(0))
    start = Signal(bool(0))
    take = Signal(bool(0))
    g_active = Signal(bool(0))
    g_addr = Signal(intbv(0)[ADDR_W:])
    g_lm1 = Signal(modbv(0)[8:])
    g_end_row = Signal(bool(0))

    awvalid_q = Signal(bool(0))
    awaddr_q = Signal(intbv(0)[ADDR_W:])
    awlen_q = Signal(intbv(0)[8:])
    outst_q = Signal(intbv(0, min=0, max=OUTSTANDING + 1))
    err_q = Signal(bool(0))
    code_q = Signal(intbv(0)[2:])
    done_q = Signal(bool(0))
    last_strb_q = Signal(intbv(0)[b:])  # WSTRB of the last beat of every row

    f_len = [Signal(intbv(0)[8:]) for _ in range(fdepth)]
    f_end = [Signal(bool(0)) for _ in range(fdepth)]
    f_wr_q = Signal(modbv(0)[fw:])
    f_rd_q = Signal(modbv(0)[fw:])
    f_cnt_q = Signal(intbv(0, min=0, max=fdepth + 1))
    h_len = Signal(intbv(0)[8:])
    h_end = Signal(bool(0))
    beat_q = Signal(intbv(0)[8:])
    in_fire = Signal(bool(0))
    in_last = Signal(bool(0))
    in_strb = Signal(intbv(0)[b:])
    pop = Signal(bool(0))

    out_valid_q = Signal(bool(0))
    out_data_q = Signal(intbv(0)[dw:])
    out_strb_q = Signal(intbv(0)[b:])
    out_last_q = Signal(bool(0))
    skid_valid_q = Signal(bool(0))
    skid_data_q = Signal(intbv(0)[dw:])
    skid_strb_q = Signal(intbv(0)[b:])
    skid_last_q = Signal(bool(0))

    front = cmd_front(clk, rst_n, cmd_valid, cmd_ready, cmd_addr, cmd_row_bytes, cmd_rows,
                      cmd_stride, busy_q, accept, bad, DATA_BYTES=b)
    gen = burst_gen(clk, rst_n, accept, start, cmd_addr, cmd_stride, cmd_rows, cmd_row_bytes, take,
                    g_active, g_addr, g_lm1, g_end_row, DATA_BYTES=b, MAX_BURST=MAX_BURST)

    @always_comb
    def control():
        start.next = accept and not bad
        # Address requests run ahead of the data, bounded by the bursts awaiting B.
        take.next = g_active and outst_q < OUTSTANDING and (not awvalid_q or m_axi_awready)
        in_fire.next = s_axis_tvalid and f_cnt_q != 0 and not skid_valid_q

    @always_comb
    def head():
        h_len.next = f_len[f_rd_q]
        h_end.next = f_end[f_rd_q]

    @always_comb
    def beat_attrs():
        in_last.next = beat_q == h_len
        pop.next = in_fire and beat_q == h_len
        # The last beat of a row enables only the row's bytes; every other beat all.
        s = intbv(0)[b:]
        partial = beat_q == h_len and h_end
        for i in range(b):
            s[i] = not partial or last_strb_q[i]
        in_strb.next = s

    @always_comb
    def outputs():
        m_axi_awid.next = 0
        m_axi_awsize.next = lb
        m_axi_awburst.next = 1  # INCR
        m_axi_awvalid.next = awvalid_q
        m_axi_awaddr.next = awaddr_q
        m_axi_awlen.next = awlen_q
        m_axi_wvalid.next = out_valid_q
        m_axi_wdata.next = out_data_q
        m_axi_wstrb.next = out_strb_q
        m_axi_wlast.next = out_last_q
        m_axi_bready.next = 1
        s_axis_tready.next = f_cnt_q != 0 and not skid_valid_q
        done.next = done_q
        status.next = code_q

    @always_seq(clk.posedge, reset=rst_n)
    def aw_reg():
        if take:
            awvalid_q.next = 1
            awaddr_q.next = g_addr
            awlen_q.next = g_lm1
        elif m_axi_awready:
            awvalid_q.next = 0

    @always_seq(clk.posedge, reset=rst_n)
    def fifo_ptrs():
        if take:
            f_wr_q.next = f_wr_q + 1
        if pop:
            f_rd_q.next = f_rd_q + 1
        if take and not pop:
            f_cnt_q.next = f_cnt_q + 1
        elif pop and not take:
            f_cnt_q.next = f_cnt_q - 1
        if in_fire:
            if in_last:
                beat_q.next = 0
            else:
                beat_q.next = beat_q + 1

    @always_seq(clk.posedge, reset=None)
    def fifo_mem():
        # Storage only (no reset): an entry is read only after it was written.
        if take:
            f_len[f_wr_q].next = g_lm1
            f_end[f_wr_q].next = g_end_row

    @always_seq(clk.posedge, reset=rst_n)
    def counter():
        inc = take
        dec = m_axi_bvalid
        if inc and not dec:
            outst_q.next = outst_q + 1
        elif dec and not inc:
            outst_q.next = outst_q - 1

    @always_seq(clk.posedge, reset=rst_n)
    def skid():
        if not out_valid_q or m_axi_wready:
            if skid_valid_q:
                out_valid_q.next = 1
                out_data_q.next = skid_data_q
                out_strb_q.next = skid_strb_q
                out_last_q.next = skid_last_q
                skid_valid_q.next = 0
            elif in_fire:
                out_valid_q.next = 1
                out_data_q.next = s_axis_tdata
                out_strb_q.next = in_strb
                out_last_q.next = in_last
            else:
                out_valid_q.next = 0
        elif in_fire:
            skid_valid_q.next = 1
            skid_data_q.next = s_axis_tdata
            skid_strb_q.next = in_strb
            skid_last_q.next = in_last

    # WSTRB of the last beat of a row: the row's bytes, row_bytes mod B (0: all B).
    # ROMs of 16-bit chunks, because MyHDL sizes a 32-bit constant as 33 bits.
    if b > 16:
        @always_seq(clk.posedge, reset=rst_n)
        def last_strb():
            if accept:
                last_strb_q.next[sw:0] = strb_lo[int(cmd_row_bytes[lb:0])]
                last_strb_q.next[b:sw] = strb_hi[int(cmd_row_bytes[lb:0])]
    else:
        @always_seq(clk.posedge, reset=rst_n)
        def last_strb():
            if accept:
                last_strb_q.next = strb_lo[int(cmd_row_bytes[lb:0])]

    @always_seq(clk.posedge, reset=rst_n)
    def fsm():
        done_q.next = 0
        if accept:
            if bad:
                done_q.next = 1
                code_q.next = ST_BADCMD
            else:
                busy_q.next = 1
                err_q.next = 0
                code_q.next = ST_OK
        elif busy_q:
            if m_axi_bvalid and m_axi_bresp != 0 and not err_q:
                err_q.next = 1
                code_q.next = m_axi_bresp
            if not g_active and outst_q == 0:
                busy_q.next = 0
                done_q.next = 1

    return instances()


def ports(params: dict):
    """Fresh MyHDL signals for one parameter set, in port order."""
    p = check(params)
    b = p["DATA_BYTES"]
    dw = 8 * b

    def bit():
        return Signal(bool(0))

    def vec(w):
        return Signal(intbv(0)[w:])

    common = dict(clk=bit(), rst_n=ResetSignal(0, active=0, isasync=True),
                  cmd_valid=bit(), cmd_ready=bit(), cmd_addr=vec(ADDR_W),
                  cmd_row_bytes=vec(LEN_W), cmd_rows=vec(LEN_W), cmd_stride=vec(ADDR_W),
                  done=bit(), status=vec(2))
    if p["KIND"] == "rd":
        return dict(common,
                    m_axi_arid=vec(1), m_axi_araddr=vec(ADDR_W), m_axi_arlen=vec(8),
                    m_axi_arsize=vec(3), m_axi_arburst=vec(2), m_axi_arvalid=bit(),
                    m_axi_arready=bit(),
                    m_axi_rid=vec(1), m_axi_rdata=vec(dw), m_axi_rresp=vec(2),
                    m_axi_rlast=bit(), m_axi_rvalid=bit(), m_axi_rready=bit(),
                    m_axis_tdata=vec(dw), m_axis_tvalid=bit(), m_axis_tready=bit(),
                    m_axis_tlast=bit())
    return dict(common,
                m_axi_awid=vec(1), m_axi_awaddr=vec(ADDR_W), m_axi_awlen=vec(8),
                m_axi_awsize=vec(3), m_axi_awburst=vec(2), m_axi_awvalid=bit(),
                m_axi_awready=bit(),
                m_axi_wdata=vec(dw), m_axi_wstrb=vec(b), m_axi_wlast=bit(),
                m_axi_wvalid=bit(), m_axi_wready=bit(),
                m_axi_bid=vec(1), m_axi_bresp=vec(2), m_axi_bvalid=bit(), m_axi_bready=bit(),
                s_axis_tdata=vec(dw), s_axis_tvalid=bit(), s_axis_tready=bit())


def build(params: dict):
    """The elaborated top block and its port signals for ``params``."""
    p = check(params)
    sigs = ports(p)
    top = axi_rd if p["KIND"] == "rd" else axi_wr
    inst = top(**sigs, DATA_BYTES=p["DATA_BYTES"], MAX_BURST=p["MAX_BURST"],
               OUTSTANDING=p["OUTSTANDING"])
    return inst, sigs
