"""DRAM datapath of the feature cache (``BACKING=dram``): one AXI4 master.

Design note
-----------
In dram mode a slot's beats live in DRAM at the slot's BASE address (byte address,
``DATA_BYTES``-aligned) with a capacity CAP in beats; the slot never owns anything
outside ``[BASE, BASE + CAP*DATA_BYTES)``.  This block moves one stored feature from
``s_axis`` to DRAM and one loaded feature from DRAM to ``m_axis``; slot decoding,
VALID/FRESH/EPOCH, the CSRs and the response channels stay in
:mod:`ip.feature_cache.feature_cache` (integration: see the README section "DRAM
backing").  It reuses the library's AXI4 masters (:mod:`ip.axi.axi`): one ``axi_rd``
(AR/R) and two ``axi_wr`` in ping-pong (:func:`wr_pingpong`, AW/W/B) form one AXI4 master
port, ID 0 on every request (in-order responses).  Bursts are cut at
``MAX_BURST`` beats and at every 4 KiB boundary by the masters' burst generator.

Dataflow::

    s_axis --> beat counter (cap / drop) --> staging FIFO (STAGE beats) --> wr_pingpong
                           \\--> chunk issuer: one write command per CHUNK beats
                                (or the tail after tlast) at BASE + offset --> wr_pingpong
    wr_pingpong (2 x axi_wr) idle / err --> st_done (code, length) after the last B
    ld_cmd (BASE, LENGTH) --> axi_rd cmd (one command) --> m_axis (tlast on the last)
    axi_rd done/status --> ld_done (code); a read error pads the stream with zero
                           beats up to LENGTH so m_axis still ends with tlast

Store.  The first beat of a feature samples ``st_base``, ``st_cap`` and ``st_drop``
(``st_base``/``ld_base`` are beat addresses: BASE >> log2 DATA_BYTES; the caller's slot decode: ``st_drop`` for a bad slot).  Beat ``i`` (counting from 0)
is pushed into the staging FIFO iff ``!drop && i < cap``; beats from ``cap`` on are
accepted and discarded and make the feature OVERFLOW.  So nothing is ever written
outside the slot's region, and a dropped feature writes nothing.  The length of a
store is unknown until ``tlast``, so the chunk issuer offers a write command of
``CHUNK`` beats at ``BASE + offset*DATA_BYTES`` as soon as ``CHUNK`` uncommanded beats
are in the FIFO, and, after ``tlast``, one command for the remaining tail.
``cmd_valid`` depends only on registers (never on ``cmd_ready``).  ``axi_wr`` takes one
command at a time (its ``cmd_ready`` is low until ``done``, 2 cycles after the last B),
so with one master each chunk would cost a gap of about 6 cycles plus the B latency;
two masters take the chunks in turn (:func:`wr_pingpong`), so chunk ``k``'s B wait
overlaps chunk ``k+1``'s data and, with the staging FIFO (``STAGE >= 2*CHUNK``) covering
the command latency, the store runs at one beat per cycle with zero stall cycles (see
the figures).  ``st_done`` (a one-cycle pulse) rises when ``tlast`` has been accepted,
every pushed beat is commanded and both masters are idle, i.e. after every B response
of the feature; ``st_done_code`` = AXI_ERR (7) if any command
reported SLVERR/DECERR, else OVERFLOW (3) if a beat was beyond the capacity, else
BAD_SLOT (4) for a dropped feature, else OK; ``st_done_len`` = beats written (at most
``cap``).  ``s_axis_tready`` is low from the ``tlast`` beat through the ``st_done``
cycle (a new feature waits for the previous one's B responses, and its first beat is
never in the cycle the previous feature ends) and while the FIFO is full; it depends
only on registers.

Load.  ``ld_cmd_valid`` with ``ld_base`` and ``ld_len`` (beats, >= 1) becomes one read
command of ``ld_len*DATA_BYTES`` bytes; the beats go from ``axi_rd``'s output register
to ``m_axis`` unchanged (tlast on beat ``ld_len - 1``; ``m_axis_tvalid`` never depends
on ``m_axis_tready``).  ``ld_done`` pulses when the last beat has left (code OK), or,
after an R beat with SLVERR/DECERR (``axi_rd`` drops it and every later beat), after the
zero padding beats up to ``ld_len`` (code AXI_ERR): the consumer always gets exactly
``ld_len`` beats and one ``tlast``.  ``ld_err`` pulses when the read error is known
(the cycle the padding starts, so no later than the last beat's cycle): the feature
cache reports AXI_ERR in LAST_LOAD before the consumer has seen ``tlast``.
``ld_cmd_ready`` is high when no load is active.

Throughput.  Load: one beat per cycle once the first R beat is in (5 cycles after the
command), when the memory keeps up (``axi_rd`` keeps ``OUTSTANDING`` bursts in flight).
Store: one beat per cycle (ping-pong masters).  Measured by
:mod:`verif.feature_cache.dram_perf`.

Reset: synchronous through ``rst_n`` as the masters'; every control register to 0.
The staging RAM is not reset.
"""
from __future__ import annotations

from myhdl import Signal, always, always_comb, always_seq, block, concat, instances, intbv, modbv

from ip.axi.axi import ADDR_W, LEN_W, axi_rd, axi_wr
from ip.common.params import Param, check_params, clog2
from models import feature_cache_dram as dm

IP = "feature_cache"
DATA_BYTES_CHOICES = (4, 8, 16)

PARAMS = (
    Param("DATA_BYTES", "int", 16, "stream and AXI data width in bytes: 4, 8 or 16", lo=4, hi=16),
    Param("MAX_BURST", "int", 16, "longest AXI burst in beats (1..256)", lo=1, hi=256),
    Param("OUTSTANDING", "int", 4, "AXI bursts in flight per direction (1..16)", lo=1, hi=16),
    Param("CHUNK", "int", 64, "beats per store write command (power of two)", lo=1, hi=1 << 12),
    Param("STAGE", "int", 128, "staging FIFO depth in beats (power of two >= 2*CHUNK)",
          lo=2, hi=1 << 13),
)


def _pow2(n: int) -> bool:
    return n >= 1 and n & (n - 1) == 0


def check(params: dict) -> dict:
    """Typed, validated parameters; raises ``ValueError`` naming the bad parameter."""
    p = check_params(IP, PARAMS, params)
    if p["DATA_BYTES"] not in DATA_BYTES_CHOICES:
        raise ValueError(f"{IP}: BACKING=dram needs DATA_BYTES in 4, 8, 16 (the AXI masters' "
                         f"range), got DATA_BYTES={p['DATA_BYTES']}")
    for name in ("CHUNK", "STAGE"):
        if not _pow2(p[name]):
            raise ValueError(f"{IP}: {name} must be a power of two, got {p[name]}")
    if p["STAGE"] < 2 * p["CHUNK"]:
        raise ValueError(f"{IP}: STAGE must be >= 2*CHUNK ({2 * p['CHUNK']}), got {p['STAGE']}")
    return p


def module_name(params: dict) -> str:
    """Verilog module name of the standalone block (its formal harness converts it alone):
    ``radacs_feature_cache_dram_path_b<DATA_BYTES>_m<MAX_BURST>_o<OUTSTANDING>``
    ``_c<CHUNK>_g<STAGE>``."""
    p = check(params)
    return (f"radacs_{IP}_dram_path_b{p['DATA_BYTES']}_m{p['MAX_BURST']}_o{p['OUTSTANDING']}"
            f"_c{p['CHUNK']}_g{p['STAGE']}")


def cap_width(data_bytes: int) -> int:
    """Bits of a capacity / length in beats: one command is < 16 MiB (``LEN_W``)."""
    return LEN_W - (data_bytes.bit_length() - 1)


@block
def wr_pingpong(clk, rst_n, cmd_valid, cmd_ready, cmd_addr, cmd_bytes, cmd_nbeats, idle, err,
                m_axi_awid, m_axi_awaddr, m_axi_awlen, m_axi_awsize, m_axi_awburst,
                m_axi_awvalid, m_axi_awready,
                m_axi_wdata, m_axi_wstrb, m_axi_wlast, m_axi_wvalid, m_axi_wready,
                m_axi_bid, m_axi_bresp, m_axi_bvalid, m_axi_bready,
                s_axis_tdata, s_axis_tvalid, s_axis_tready,
                *, DATA_BYTES, MAX_BURST, OUTSTANDING, NB_W):
    """Two ``axi_wr`` masters on one AXI4 write port, taking the chunks in turn.

    ``axi_wr`` holds ``cmd_ready`` low until its last B, so one master alone idles
    between chunks; two in ping-pong overlap chunk ``k``'s B wait with chunk ``k+1``.
    Chunk ``k`` goes to master ``k mod 2``; AXI4 (one ID, no WID) needs W in AW order
    and answers B in AW order, so four owner bits walk the chunks in order, each
    toggling when its phase of the owner's chunk is complete: *feed* (the owner pulls
    the chunk's ``n`` beats from ``s_axis``), *AW* (the owner's bursts have covered
    ``n`` beats: sum of AWLEN+1), *W* (``n`` W beats) and *B* (as many B responses as
    the owner issued AWs, and its AW phase over).  A master's counters are loaded with
    its command and cannot change before its ``done``, so every phase of chunk ``k``
    ends before the same phase of chunk ``k+1`` starts: W leaves in AW order, and the
    single in-order source (the staging FIFO) feeds the masters in chunk order.
    ``idle``: both masters idle (every B of every chunk is in); ``err``: a ``done``
    with SLVERR/DECERR this cycle.
    """
    B = DATA_BYTES
    DW = 8 * B
    nxt_q = Signal(bool(0))
    f_own_q = Signal(bool(0))
    aw_own_q = Signal(bool(0))
    w_own_q = Signal(bool(0))
    b_own_q = Signal(bool(0))
    a_cv = Signal(bool(0))
    a_cr = Signal(bool(0))
    a_done = Signal(bool(0))
    a_st = Signal(intbv(0)[2:])
    a_awid = Signal(intbv(0)[1:])
    a_awaddr = Signal(intbv(0)[ADDR_W:])
    a_awlen = Signal(intbv(0)[8:])
    a_awsize = Signal(intbv(0)[3:])
    a_awburst = Signal(intbv(0)[2:])
    a_awvalid = Signal(bool(0))
    a_awready = Signal(bool(0))
    a_wdata = Signal(intbv(0)[DW:])
    a_wstrb = Signal(intbv(0)[B:])
    a_wlast = Signal(bool(0))
    a_wvalid = Signal(bool(0))
    a_wready = Signal(bool(0))
    a_bid = Signal(intbv(0)[1:])
    a_bresp = Signal(intbv(0)[2:])
    a_bvalid = Signal(bool(0))
    a_bready = Signal(bool(0))
    a_tvalid = Signal(bool(0))
    a_tready = Signal(bool(0))
    c_cv = Signal(bool(0))
    c_cr = Signal(bool(0))
    c_done = Signal(bool(0))
    c_st = Signal(intbv(0)[2:])
    c_awid = Signal(intbv(0)[1:])
    c_awaddr = Signal(intbv(0)[ADDR_W:])
    c_awlen = Signal(intbv(0)[8:])
    c_awsize = Signal(intbv(0)[3:])
    c_awburst = Signal(intbv(0)[2:])
    c_awvalid = Signal(bool(0))
    c_awready = Signal(bool(0))
    c_wdata = Signal(intbv(0)[DW:])
    c_wstrb = Signal(intbv(0)[B:])
    c_wlast = Signal(bool(0))
    c_wvalid = Signal(bool(0))
    c_wready = Signal(bool(0))
    c_bid = Signal(intbv(0)[1:])
    c_bresp = Signal(intbv(0)[2:])
    c_bvalid = Signal(bool(0))
    c_bready = Signal(bool(0))
    c_tvalid = Signal(bool(0))
    c_tready = Signal(bool(0))
    rows = Signal(intbv(1)[LEN_W:])
    stride = Signal(intbv(0)[ADDR_W:])
    insts = []
    insts.append(axi_wr(clk, rst_n, a_cv, a_cr, cmd_addr, cmd_bytes, rows, stride,
                        a_done, a_st,
                        a_awid, a_awaddr, a_awlen, a_awsize, a_awburst,
                        a_awvalid, a_awready,
                        a_wdata, a_wstrb, a_wlast, a_wvalid, a_wready,
                        a_bid, a_bresp, a_bvalid, a_bready,
                        s_axis_tdata, a_tvalid, a_tready,
                        DATA_BYTES=B, MAX_BURST=MAX_BURST, OUTSTANDING=OUTSTANDING))
    insts.append(axi_wr(clk, rst_n, c_cv, c_cr, cmd_addr, cmd_bytes, rows, stride,
                        c_done, c_st,
                        c_awid, c_awaddr, c_awlen, c_awsize, c_awburst,
                        c_awvalid, c_awready,
                        c_wdata, c_wstrb, c_wlast, c_wvalid, c_wready,
                        c_bid, c_bresp, c_bvalid, c_bready,
                        s_axis_tdata, c_tvalid, c_tready,
                        DATA_BYTES=B, MAX_BURST=MAX_BURST, OUTSTANDING=OUTSTANDING))
    # per master: beats left to pull, beats left to address, W beats left, AWs issued,
    # Bs received
    fl0, fl1, al0, al1, wl0, wl1, an0, an1, bn0, bn1 = [Signal(intbv(0)[NB_W:])
                                                        for _ in range(10)]
    fl_o = Signal(intbv(0)[NB_W:])     # the owner's counter of each phase
    al_o = Signal(intbv(0)[NB_W:])
    wl_o = Signal(intbv(0)[NB_W:])
    ab_al = Signal(intbv(0)[NB_W:])    # the B owner's al / an / bn
    ab_an = Signal(intbv(0)[NB_W:])
    ab_bn = Signal(intbv(0)[NB_W:])
    awlen_ext = Signal(intbv(0)[NB_W:])
    f_fire = Signal(bool(0))
    aw_fire = Signal(bool(0))
    w_fire = Signal(bool(0))
    b_fire = Signal(bool(0))

    @always_comb
    def mux_cmd():
        a_cv.next = cmd_valid and not nxt_q
        c_cv.next = cmd_valid and nxt_q
        if nxt_q:
            cmd_ready.next = c_cr
        else:
            cmd_ready.next = a_cr
        idle.next = a_cr and c_cr
        err.next = (a_done and a_st != 0) or (c_done and c_st != 0)
        rows.next = 1
        stride.next = 0

    @always_comb
    def mux_feed():
        a_tvalid.next = s_axis_tvalid and not f_own_q
        c_tvalid.next = s_axis_tvalid and f_own_q
        if f_own_q:
            s_axis_tready.next = c_tready
            f_fire.next = s_axis_tvalid and c_tready
        else:
            s_axis_tready.next = a_tready
            f_fire.next = s_axis_tvalid and a_tready

    @always_comb
    def mux_aw():
        a_awready.next = m_axi_awready and not aw_own_q
        c_awready.next = m_axi_awready and aw_own_q
        if aw_own_q:
            m_axi_awid.next = c_awid
            m_axi_awaddr.next = c_awaddr
            m_axi_awlen.next = c_awlen
            m_axi_awsize.next = c_awsize
            m_axi_awburst.next = c_awburst
            m_axi_awvalid.next = c_awvalid
            aw_fire.next = c_awvalid and m_axi_awready
        else:
            m_axi_awid.next = a_awid
            m_axi_awaddr.next = a_awaddr
            m_axi_awlen.next = a_awlen
            m_axi_awsize.next = a_awsize
            m_axi_awburst.next = a_awburst
            m_axi_awvalid.next = a_awvalid
            aw_fire.next = a_awvalid and m_axi_awready
        awlen_ext.next = concat(intbv(0)[NB_W - 8:], m_axi_awlen) + 1

    @always_comb
    def mux_w():
        a_wready.next = m_axi_wready and not w_own_q
        c_wready.next = m_axi_wready and w_own_q
        if w_own_q:
            m_axi_wdata.next = c_wdata
            m_axi_wstrb.next = c_wstrb
            m_axi_wlast.next = c_wlast
            m_axi_wvalid.next = c_wvalid
            w_fire.next = c_wvalid and m_axi_wready
        else:
            m_axi_wdata.next = a_wdata
            m_axi_wstrb.next = a_wstrb
            m_axi_wlast.next = a_wlast
            m_axi_wvalid.next = a_wvalid
            w_fire.next = a_wvalid and m_axi_wready

    @always_comb
    def mux_b():
        a_bvalid.next = m_axi_bvalid and not b_own_q
        c_bvalid.next = m_axi_bvalid and b_own_q
        a_bid.next = m_axi_bid
        c_bid.next = m_axi_bid
        a_bresp.next = m_axi_bresp
        c_bresp.next = m_axi_bresp
        if b_own_q:
            m_axi_bready.next = c_bready
            b_fire.next = m_axi_bvalid and c_bready
        else:
            m_axi_bready.next = a_bready
            b_fire.next = m_axi_bvalid and a_bready

    @always_comb
    def owner_view():
        fl_o.next = fl1 if f_own_q else fl0
        al_o.next = al1 if aw_own_q else al0
        wl_o.next = wl1 if w_own_q else wl0
        if b_own_q:
            ab_al.next = al1
            ab_an.next = an1
            ab_bn.next = bn1
        else:
            ab_al.next = al0
            ab_an.next = an0
            ab_bn.next = bn0

    @always_seq(clk.posedge, reset=rst_n)
    def owners():
        take = cmd_valid and cmd_ready
        if take:
            nxt_q.next = not nxt_q
        # master 0
        if take and not nxt_q:
            fl0.next = cmd_nbeats
            al0.next = cmd_nbeats
            wl0.next = cmd_nbeats
            an0.next = 0
            bn0.next = 0
        else:
            if f_fire and not f_own_q:
                fl0.next = fl0 - 1
            if aw_fire and not aw_own_q:
                al0.next = al0 - awlen_ext
                an0.next = an0 + 1
            if w_fire and not w_own_q:
                wl0.next = wl0 - 1
            if b_fire and not b_own_q:
                bn0.next = bn0 + 1
        # master 1
        if take and nxt_q:
            fl1.next = cmd_nbeats
            al1.next = cmd_nbeats
            wl1.next = cmd_nbeats
            an1.next = 0
            bn1.next = 0
        else:
            if f_fire and f_own_q:
                fl1.next = fl1 - 1
            if aw_fire and aw_own_q:
                al1.next = al1 - awlen_ext
                an1.next = an1 + 1
            if w_fire and w_own_q:
                wl1.next = wl1 - 1
            if b_fire and b_own_q:
                bn1.next = bn1 + 1
        if f_fire and fl_o == 1:
            f_own_q.next = not f_own_q
        if aw_fire and al_o == awlen_ext:
            aw_own_q.next = not aw_own_q
        if w_fire and wl_o == 1:
            w_own_q.next = not w_own_q
        # the last B of the owner's chunk: its AWs are all out and this B is the last
        if b_fire and ab_bn + 1 == ab_an and ab_al == 0:
            b_own_q.next = not b_own_q

    insts.append([mux_cmd, mux_feed, mux_aw, mux_w, mux_b, owner_view, owners])
    return insts



@block
def dram_path(clk, rst_n,
              s_axis_tdata, s_axis_tvalid, s_axis_tready, s_axis_tlast,
              st_base, st_cap, st_drop, st_done, st_done_code, st_done_len,
              ld_cmd_valid, ld_cmd_ready, ld_base, ld_len, ld_done, ld_done_code, ld_err,
              m_axis_tdata, m_axis_tvalid, m_axis_tready, m_axis_tlast,
              m_axi_awid, m_axi_awaddr, m_axi_awlen, m_axi_awsize, m_axi_awburst,
              m_axi_awvalid, m_axi_awready,
              m_axi_wdata, m_axi_wstrb, m_axi_wlast, m_axi_wvalid, m_axi_wready,
              m_axi_bid, m_axi_bresp, m_axi_bvalid, m_axi_bready,
              m_axi_arid, m_axi_araddr, m_axi_arlen, m_axi_arsize, m_axi_arburst,
              m_axi_arvalid, m_axi_arready,
              m_axi_rid, m_axi_rdata, m_axi_rresp, m_axi_rlast, m_axi_rvalid, m_axi_rready,
              *, DATA_BYTES=16, MAX_BURST=16, OUTSTANDING=4, CHUNK=64, STAGE=128):
    p = check(dict(DATA_BYTES=DATA_BYTES, MAX_BURST=MAX_BURST, OUTSTANDING=OUTSTANDING,
                   CHUNK=CHUNK, STAGE=STAGE))
    B = p["DATA_BYTES"]
    DW = 8 * B
    LB = B.bit_length() - 1
    CW = cap_width(B)
    D = p["STAGE"]
    LD = clog2(D)
    CH = p["CHUNK"]
    for sig, name, width in ((s_axis_tdata, "s_axis_tdata", DW), (m_axis_tdata, "m_axis_tdata", DW),
                             (st_cap, "st_cap", CW), (st_done_len, "st_done_len", CW),
                             (ld_len, "ld_len", CW), (st_base, "st_base", ADDR_W - LB),
                             (ld_base, "ld_base", ADDR_W - LB), (st_done_code, "st_done_code", 3),
                             (ld_done_code, "ld_done_code", 3)):
        if len(sig) != width:
            raise ValueError(f"{IP}: port {name} must be {width} bits, got {len(sig)}")

    # ---------------------------------------------------------------- store side
    st_act_q = Signal(bool(0))        # a feature has started (first beat accepted)
    tail_q = Signal(bool(0))          # its tlast beat is accepted
    base_q = Signal(intbv(0)[ADDR_W:])
    cap_q = Signal(intbv(0)[CW:])
    drop_q = Signal(bool(0))
    cnt_q = Signal(intbv(0)[CW:])     # beats pushed (<= cap)
    over_q = Signal(bool(0))
    err_q = Signal(bool(0))
    off_q = Signal(intbv(0)[CW:])     # beats commanded so far
    wp_q = Signal(modbv(0)[LD + 1:])
    cp_q = Signal(modbv(0)[LD + 1:])  # first uncommanded beat
    rp_q = Signal(modbv(0)[LD + 1:])
    pend = Signal(modbv(0)[LD + 1:])  # pushed, not yet commanded
    used = Signal(modbv(0)[LD + 1:])  # pushed, not yet taken by axi_wr
    s_fire = Signal(bool(0))
    push = Signal(bool(0))
    s_drop = Signal(bool(0))
    s_full_cap = Signal(bool(0))      # this beat is at or beyond the capacity
    fin = Signal(bool(0))
    stage = [Signal(intbv(0)[DW:]) for _ in range(D)]

    wc_valid = Signal(bool(0))
    wc_ready = Signal(bool(0))
    wc_addr = Signal(modbv(0)[ADDR_W:])
    wc_nbeats = Signal(intbv(0)[LD + 1:])
    wc_nb_ext = Signal(intbv(0)[CW:])
    NBW = max(LD + 2, 9)    # > LD + 1: the zero-extension below has at least one bit
    wc_nbw = Signal(intbv(0)[NBW:])
    wc_bytes = Signal(intbv(0)[LEN_W:])
    wc_rows = Signal(intbv(1)[LEN_W:])
    wc_stride = Signal(intbv(0)[ADDR_W:])
    ws_tdata = Signal(intbv(0)[DW:])
    ws_tvalid = Signal(bool(0))
    ws_tready = Signal(bool(0))

    w_idle = Signal(bool(0))
    w_err = Signal(bool(0))
    wr = wr_pingpong(clk, rst_n, wc_valid, wc_ready, wc_addr, wc_bytes, wc_nbw, w_idle, w_err,
                     m_axi_awid, m_axi_awaddr, m_axi_awlen, m_axi_awsize, m_axi_awburst,
                     m_axi_awvalid, m_axi_awready,
                     m_axi_wdata, m_axi_wstrb, m_axi_wlast, m_axi_wvalid, m_axi_wready,
                     m_axi_bid, m_axi_bresp, m_axi_bvalid, m_axi_bready,
                     ws_tdata, ws_tvalid, ws_tready,
                     DATA_BYTES=B, MAX_BURST=p["MAX_BURST"], OUTSTANDING=p["OUTSTANDING"],
                     NB_W=NBW)

    @always_comb
    def st_occ():
        pend.next = wp_q - cp_q
        used.next = wp_q - rp_q

    @always_comb
    def st_in():
        rdy = not tail_q and used != D
        s_axis_tready.next = rdy
        s_fire.next = s_axis_tvalid and rdy
        if st_act_q:
            s_drop.next = drop_q
            s_full_cap.next = cnt_q == cap_q
        else:
            s_drop.next = st_drop
            s_full_cap.next = st_cap == 0

    @always_comb
    def st_push():
        push.next = s_fire and not s_drop and not s_full_cap

    @always_comb
    def st_cmd():
        # valid from registers only; CHUNK beats, or the tail once tlast is in
        if pend >= CH:
            wc_valid.next = True
            wc_nbeats.next = CH
        else:
            wc_valid.next = tail_q and pend != 0
            wc_nbeats.next = pend
        wc_addr.next = base_q + concat(intbv(0)[ADDR_W - CW - LB:], off_q, intbv(0)[LB:])
        wc_rows.next = 1
        wc_stride.next = 0
        # not in the st_done cycle: tail_q (and so tready low) lasts through st_done
        fin.next = tail_q and pend == 0 and w_idle and not st_done

    @always_comb
    def st_bytes():
        wc_bytes.next = concat(intbv(0)[LEN_W - LD - 1 - LB:], wc_nbeats, intbv(0)[LB:])
        wc_nb_ext.next = concat(intbv(0)[CW - LD - 1:], wc_nbeats)
        wc_nbw.next = concat(intbv(0)[NBW - LD - 1:], wc_nbeats)

    @always_comb
    def st_wside():
        ws_tvalid.next = rp_q != wp_q
        ws_tdata.next = stage[int(rp_q[LD:])]

    @always(clk.posedge)
    def st_ram():
        if push:
            stage[int(wp_q[LD:])].next = s_axis_tdata

    @always_seq(clk.posedge, reset=rst_n)
    def st_seq():
        st_done.next = 0
        # The next feature's first beat comes after the st_done cycle, never in it: a
        # user (the feature cache) may then hold its response / slot update for one
        # feature at a time and block the next tlast on it.
        if st_done:
            tail_q.next = 0
        if s_fire:
            if not st_act_q:
                base_q.next = concat(st_base, intbv(0)[LB:])
                cap_q.next = st_cap
                drop_q.next = st_drop
                st_act_q.next = 1
            if s_axis_tlast:
                tail_q.next = 1
            if not s_drop and s_full_cap:
                over_q.next = 1
        if push:
            wp_q.next = wp_q + 1
            cnt_q.next = cnt_q + 1
        if ws_tvalid and ws_tready:
            rp_q.next = rp_q + 1
        if wc_valid and wc_ready:
            cp_q.next = cp_q + wc_nbeats
            off_q.next = off_q + wc_nb_ext
        if w_err:
            err_q.next = 1
        if fin:
            st_done.next = 1
            if err_q or w_err:
                st_done_code.next = dm.AXI_ERR
            elif over_q:
                st_done_code.next = dm.OVERFLOW
            elif drop_q:
                st_done_code.next = dm.BAD_SLOT
            else:
                st_done_code.next = dm.OK
            st_done_len.next = cnt_q
            st_act_q.next = 0
            cnt_q.next = 0
            off_q.next = 0
            over_q.next = 0
            err_q.next = 0
            drop_q.next = 0

    # ---------------------------------------------------------------- load side
    ld_act_q = Signal(bool(0))
    pad_q = Signal(bool(0))
    llen_q = Signal(intbv(0)[CW:])
    ocnt_q = Signal(intbv(0)[CW:])
    rc_valid = Signal(bool(0))
    rc_ready = Signal(bool(0))
    rc_addr = Signal(intbv(0)[ADDR_W:])
    rc_bytes = Signal(intbv(0)[LEN_W:])
    r_done = Signal(bool(0))
    r_status = Signal(intbv(0)[2:])
    rs_tdata = Signal(intbv(0)[DW:])
    rs_tvalid = Signal(bool(0))
    rs_tready = Signal(bool(0))
    rs_tlast = Signal(bool(0))
    o_fire = Signal(bool(0))
    pad_last = Signal(bool(0))

    rd = axi_rd(clk, rst_n, rc_valid, rc_ready, rc_addr, rc_bytes, wc_rows, wc_stride,
                r_done, r_status,
                m_axi_arid, m_axi_araddr, m_axi_arlen, m_axi_arsize, m_axi_arburst,
                m_axi_arvalid, m_axi_arready,
                m_axi_rid, m_axi_rdata, m_axi_rresp, m_axi_rlast, m_axi_rvalid, m_axi_rready,
                rs_tdata, rs_tvalid, rs_tready, rs_tlast,
                DATA_BYTES=B, MAX_BURST=p["MAX_BURST"], OUTSTANDING=p["OUTSTANDING"])

    @always_comb
    def ld_cmd():
        ld_cmd_ready.next = not ld_act_q
        rc_valid.next = ld_cmd_valid and not ld_act_q
        rc_addr.next = concat(ld_base, intbv(0)[LB:])
        rc_bytes.next = concat(ld_len, intbv(0)[LB:])

    @always_comb
    def ld_out():
        pad_last.next = ocnt_q + 1 == llen_q
        if pad_q:
            m_axis_tvalid.next = True
            m_axis_tdata.next = 0
            m_axis_tlast.next = ocnt_q + 1 == llen_q
            rs_tready.next = False
            o_fire.next = m_axis_tready
        else:
            m_axis_tvalid.next = rs_tvalid
            m_axis_tdata.next = rs_tdata
            m_axis_tlast.next = rs_tlast
            rs_tready.next = m_axis_tready
            o_fire.next = rs_tvalid and m_axis_tready

    @always_seq(clk.posedge, reset=rst_n)
    def ld_seq():
        ld_done.next = 0
        ld_err.next = 0
        if r_done and ld_act_q and r_status != 0:
            ld_err.next = 1
        if rc_valid and rc_ready:
            ld_act_q.next = 1
            llen_q.next = ld_len
            ocnt_q.next = 0
        if o_fire:
            ocnt_q.next = ocnt_q + 1
        if r_done and ld_act_q:
            if r_status == 0:
                ld_act_q.next = 0
                ld_done.next = 1
                ld_done_code.next = dm.OK
            elif ocnt_q == llen_q:
                ld_act_q.next = 0
                ld_done.next = 1
                ld_done_code.next = dm.AXI_ERR
            else:
                pad_q.next = 1
        if pad_q and o_fire and pad_last:
            pad_q.next = 0
            ld_act_q.next = 0
            ld_done.next = 1
            ld_done_code.next = dm.AXI_ERR

    return instances()


def ports(params: dict) -> dict:
    """Fresh signals for one parameter set, in port order."""
    from myhdl import ResetSignal
    p = check(params)
    B = p["DATA_BYTES"]
    DW, CW, LB = 8 * B, cap_width(B), B.bit_length() - 1

    def v(w):
        return Signal(intbv(0)[w:])

    def bit():
        return Signal(bool(0))

    s = dict(clk=bit(), rst_n=ResetSignal(0, active=0, isasync=False),
             s_axis_tdata=v(DW), s_axis_tvalid=bit(), s_axis_tready=bit(), s_axis_tlast=bit(),
             st_base=v(ADDR_W - LB), st_cap=v(CW), st_drop=bit(), st_done=bit(),
             st_done_code=v(3), st_done_len=v(CW),
             ld_cmd_valid=bit(), ld_cmd_ready=bit(), ld_base=v(ADDR_W - LB), ld_len=v(CW),
             ld_done=bit(), ld_done_code=v(3), ld_err=bit(),
             m_axis_tdata=v(DW), m_axis_tvalid=bit(), m_axis_tready=bit(), m_axis_tlast=bit(),
             m_axi_awid=v(1), m_axi_awaddr=v(ADDR_W), m_axi_awlen=v(8), m_axi_awsize=v(3),
             m_axi_awburst=v(2), m_axi_awvalid=bit(), m_axi_awready=bit(),
             m_axi_wdata=v(DW), m_axi_wstrb=v(B), m_axi_wlast=bit(), m_axi_wvalid=bit(),
             m_axi_wready=bit(),
             m_axi_bid=v(1), m_axi_bresp=v(2), m_axi_bvalid=bit(), m_axi_bready=bit(),
             m_axi_arid=v(1), m_axi_araddr=v(ADDR_W), m_axi_arlen=v(8), m_axi_arsize=v(3),
             m_axi_arburst=v(2), m_axi_arvalid=bit(), m_axi_arready=bit(),
             m_axi_rid=v(1), m_axi_rdata=v(DW), m_axi_rresp=v(2), m_axi_rlast=bit(),
             m_axi_rvalid=bit(), m_axi_rready=bit())
    return s


def build(params: dict):
    """The elaborated block and its port signals for ``params``."""
    p = check(params)
    sigs = ports(p)
    return dram_path(**sigs, **p), sigs
