"""RADACS LMMU top: the core, its three AXI stream masters, its registers.

::

    s_axil_* --> axil_regs (MMU register map) --> command check --> lmmu_core
                                                      rd0 (W, P)   rd1 (X)   wr1 (Y)
    m0_axi_* (AXI4 port 0) <== AR/R: axi_rd <----------+             |         |
                               AW/W/B: tied off (idle)               |         |
    m1_axi_* (AXI4 port 1) <== AR/R: axi_rd <------------------------+         |
                           <== AW/W/B: axi_wr <--------------------------------+

Two AXI4 masters (the LMMU streams W and the per-channel records P on port 0, X and Y
on port 1, so the W/P and X streams of a chunk load in parallel).  Port 0 never writes:
its AW/W/B outputs are constant (``*valid`` 0, ``bready`` 1) and its write-response
inputs are unused.

Command check, on ``CTRL.start`` (nothing reaches the core or the bus when it fails;
``STATUS.done`` and the error code are set):

* start while busy -> ``ERR_START_BUSY`` (the running command goes on);
* ``M``, ``K``, ``N``, ``TILE_M``, ``TILE_N`` or ``TILE_K`` zero -> ``ERR_ZERO_DIM``;
* the core's sizing rule (:func:`ip.lmmu.lmmu_core.capacity_ok`) failing ->
  ``ERR_CAPACITY``: ``TILE_M`` not a multiple of ``ROWS``, ``TILE_N`` not a multiple of
  ``COLS``, ``TILE_K`` not a multiple of ``B`` while ``TILE_K < K``, ``TILE_M*TILE_N*4 >
  OBUF_BYTES``, ``TILE_M*ceil(TILE_K/B) > WBUF_BYTES/(2B)``, ``TILE_K*TILE_N >
  XBUF_BYTES/2`` (products against constants; ``TILE_M mod ROWS`` by a mask, or by a
  reciprocal multiply when ``ROWS`` is not a power of two: no divider);
* any address or stride in use not a multiple of ``B`` (``P_ADDR`` when bias or
  requant is on) -> ``ERR_MISALIGNED``.

An accepted start clears the error code and the performance counters.
``CTRL.soft_reset`` is an *abort* pulse to the core, not a reset (see the comment at
``soft_q``): the command ends with error 7 once the transfers in flight are complete.
"""
from __future__ import annotations

from myhdl import ResetSignal, Signal, always_comb, always_seq, block, instances, intbv, modbv

from ip.axi.axi import axi_rd, axi_wr
from ip.axi.axil_regs import AxilSignals, regmap_signals, axil_regs
from ip.common.params import Param, check_params
from ip.lmmu import lmmu_core as core_mod
from ip.lmmu.lmmu_core import ADDR_W, DIM_W, lmmu_core
from ip.mmu import regmap as rm

IP = "lmmu"
AXIL_ADDR_W = 8

PARAMS = (
    Param("ROWS", "int", 8, "PE array rows (output rows per pass), 2..32", lo=2, hi=32),
    Param("COLS", "int", 8, "PE array columns = AXI data bytes B (data width 8*COLS): "
          "4, 8, 16 or 32", lo=4, hi=32),
    Param("WBUF_BYTES", "int", 8192, "weight buffer: ROWS banks of two power-of-two halves "
          "of B-byte words; 2*ROWS*COLS times a power of two >= 2 (TILE_M*ceil(TILE_K/B) "
          "<= WBUF_BYTES/(2*COLS))", lo=16, hi=1 << 24),
    Param("XBUF_BYTES", "int", 8192, "X buffer: two halves; 2*COLS times a power of two "
          ">= 2 (TILE_K*TILE_N <= XBUF_BYTES/2)", lo=16, hi=1 << 24),
    Param("OBUF_BYTES", "int", 65536, "output buffer of int32 partial sums; 4*COLS times a "
          "power of two >= ROWS (TILE_M*TILE_N*4 <= OBUF_BYTES)", lo=16, hi=1 << 26),
    Param("MAX_BURST", "int", 16, "longest AXI burst in beats, 1..256", lo=1, hi=256),
    Param("OUTSTANDING", "int", 8, "AXI read bursts in flight per port at most, 1..16",
          lo=1, hi=16),
)


def check(params: dict) -> dict:
    """Typed, validated parameters; raises ``ValueError("lmmu: <NAME> must be ...")``."""
    p = check_params(IP, PARAMS, params)
    core_mod.check_params(p["ROWS"], p["COLS"], p["WBUF_BYTES"], p["XBUF_BYTES"],
                          p["OBUF_BYTES"])
    return p


def _size(n: int) -> str:
    return f"{n // 1024}k" if n % 1024 == 0 else str(n)


def module_name(params: dict) -> str:
    """``radacs_lmmu_r<ROWS>_c<COLS>_wb<W>_xb<X>_ob<O>_mb<MAX_BURST>_o<OUTSTANDING>``
    (buffer sizes in bytes, ``k`` = KiB)."""
    p = check(params)
    return (f"radacs_lmmu_r{p['ROWS']}_c{p['COLS']}_wb{_size(p['WBUF_BYTES'])}"
            f"_xb{_size(p['XBUF_BYTES'])}_ob{_size(p['OBUF_BYTES'])}"
            f"_mb{p['MAX_BURST']}_o{p['OUTSTANDING']}")


def build(params: dict):
    """The elaborated top block and its port signals for ``params``."""
    p = check(params)
    sigs = ports(p)
    return lmmu(**sigs, **p), sigs


@block
def lmmu(clk, rst_n,
         s_axil_awaddr, s_axil_awvalid, s_axil_awready, s_axil_wdata, s_axil_wstrb,
         s_axil_wvalid, s_axil_wready, s_axil_bresp, s_axil_bvalid, s_axil_bready,
         s_axil_araddr, s_axil_arvalid, s_axil_arready, s_axil_rdata, s_axil_rresp,
         s_axil_rvalid, s_axil_rready,
         m0_axi_arid, m0_axi_araddr, m0_axi_arlen, m0_axi_arsize, m0_axi_arburst,
         m0_axi_arvalid, m0_axi_arready, m0_axi_rid, m0_axi_rdata, m0_axi_rresp,
         m0_axi_rlast, m0_axi_rvalid, m0_axi_rready,
         m0_axi_awid, m0_axi_awaddr, m0_axi_awlen, m0_axi_awsize, m0_axi_awburst,
         m0_axi_awvalid, m0_axi_awready, m0_axi_wdata, m0_axi_wstrb, m0_axi_wlast,
         m0_axi_wvalid, m0_axi_wready, m0_axi_bid, m0_axi_bresp, m0_axi_bvalid,
         m0_axi_bready,
         m1_axi_arid, m1_axi_araddr, m1_axi_arlen, m1_axi_arsize, m1_axi_arburst,
         m1_axi_arvalid, m1_axi_arready, m1_axi_rid, m1_axi_rdata, m1_axi_rresp,
         m1_axi_rlast, m1_axi_rvalid, m1_axi_rready,
         m1_axi_awid, m1_axi_awaddr, m1_axi_awlen, m1_axi_awsize, m1_axi_awburst,
         m1_axi_awvalid, m1_axi_awready, m1_axi_wdata, m1_axi_wstrb, m1_axi_wlast,
         m1_axi_wvalid, m1_axi_wready, m1_axi_bid, m1_axi_bresp, m1_axi_bvalid,
         m1_axi_bready,
         irq,
         *, ROWS, COLS, WBUF_BYTES, XBUF_BYTES, OBUF_BYTES, MAX_BURST=16, OUTSTANDING=8):
    cp = core_mod.check_params(ROWS, COLS, WBUF_BYTES, XBUF_BYTES, OBUF_BYTES)
    R, C, B = cp["R"], cp["C"], cp["B"]
    LGB = (B - 1).bit_length()
    # Capacity limits as constants (the core's capacity_ok, divided through).
    OB_LIM = OBUF_BYTES // 4            # TILE_M * TILE_N
    WB_LIM = WBUF_BYTES // (2 * B)      # TILE_M * ceil(TILE_K / B)
    XB_LIM = XBUF_BYTES // 2            # TILE_K * TILE_N
    R_POW2 = R & (R - 1) == 0
    # TILE_M mod ROWS for a ROWS that is not a power of two: q = (TILE_M * RECIP) >> RS
    # equals TILE_M // ROWS for every TILE_M < 2^DIM_W (the error x*e/(R*2^RS) < 2^-6 <
    # 1/ROWS for ROWS <= 32), then TILE_M is a multiple iff q * ROWS == TILE_M.
    RS = DIM_W + 6
    RECIP = -(-(1 << RS) // R)

    axil = AxilSignals(AXIL_ADDR_W, awaddr=s_axil_awaddr, awvalid=s_axil_awvalid,
                       awready=s_axil_awready, wdata=s_axil_wdata, wstrb=s_axil_wstrb,
                       wvalid=s_axil_wvalid, wready=s_axil_wready, bresp=s_axil_bresp,
                       bvalid=s_axil_bvalid, bready=s_axil_bready, araddr=s_axil_araddr,
                       arvalid=s_axil_arvalid, arready=s_axil_arready, rdata=s_axil_rdata,
                       rresp=s_axil_rresp, rvalid=s_axil_rvalid, rready=s_axil_rready)
    hw = regmap_signals(rm.MMU_REGMAP)
    regs = axil_regs(clk, rst_n, axil, hw, rm.MMU_REGMAP)
    # MyHDL resolves plain names in generators: one local per register port.
    r_ctrl_start = hw["ctrl_start"]
    r_ctrl_soft_reset = hw["ctrl_soft_reset"]
    r_ctrl_irq_en = hw["ctrl_irq_en"]
    r_status_busy = hw["status_busy"]
    r_status_done = hw["status_done"]
    r_status_done_set = hw["status_done_set"]
    r_status_error = hw["status_error"]
    r_cfg_bias_en = hw["cfg_bias_en"]
    r_cfg_requant_en = hw["cfg_requant_en"]
    r_hwcfg_kind = hw["hwcfg_kind"]
    r_hwcfg_rows = hw["hwcfg_rows"]
    r_hwcfg_cols = hw["hwcfg_cols"]
    r_hwcfg_data_bytes_log2 = hw["hwcfg_data_bytes_log2"]
    r_hwcfg_version = hw["hwcfg_version"]
    r_m = hw["m"]
    r_k = hw["k"]
    r_n = hw["n"]
    r_tile_m = hw["tile_m"]
    r_tile_n = hw["tile_n"]
    r_tile_k = hw["tile_k"]
    r_w_addr = hw["w_addr"]
    r_w_stride = hw["w_stride"]
    r_x_addr = hw["x_addr"]
    r_x_stride = hw["x_stride"]
    r_y_addr = hw["y_addr"]
    r_y_stride = hw["y_stride"]
    r_p_addr = hw["p_addr"]
    r_cycles = hw["cycles"]
    r_active = hw["active"]
    r_stall_mem = hw["stall_mem"]
    r_stall_out = hw["stall_out"]
    r_rd_bytes0 = hw["rd_bytes0"]
    r_rd_bytes1 = hw["rd_bytes1"]
    r_wr_bytes0 = hw["wr_bytes0"]
    r_wr_bytes1 = hw["wr_bytes1"]
    ERR_NONE, ERR_START_BUSY, ERR_ZERO_DIM = rm.ERR_NONE, rm.ERR_START_BUSY, rm.ERR_ZERO_DIM
    ERR_CAPACITY, ERR_MISALIGNED = rm.ERR_CAPACITY, rm.ERR_MISALIGNED
    KIND, VERSION = rm.KIND_LMMU, rm.REGMAP_VERSION

    # CTRL.soft_reset is an abort, not a reset: the AXI slaves still owe the R beats and
    # B responses of the transfers in flight (and a started write burst owes the slave
    # its W beats), so the masters must finish them; resetting them would leave the
    # slave's responses to arrive at the next command.  The core stops launching
    # transfers and ends the command when its activities are idle (error 7).
    soft_q = Signal(bool(0))

    @always_seq(clk.posedge, reset=rst_n)
    def soft_reset_reg():
        soft_q.next = r_ctrl_soft_reset

    # ------------------------------------------------------------------ command check
    core_start = Signal(bool(0))
    core_busy = Signal(bool(0))
    core_done = Signal(bool(0))
    core_err = Signal(intbv(0)[4:])
    core_active = Signal(bool(0))
    core_stall_mem = Signal(bool(0))
    core_stall_out = Signal(bool(0))
    err_q = Signal(intbv(0)[4:])
    done_set = Signal(bool(0))
    mis = Signal(bool(0))
    cap = Signal(bool(0))
    zero = Signal(bool(0))
    tm_bad = Signal(bool(0))            # TILE_M not a multiple of ROWS
    BM1, CM1, RM1 = B - 1, C - 1, R - 1   # literals, not (B - 1) expressions, in the Verilog

    @always_comb
    def check():
        zero.next = (r_m == 0 or r_k == 0 or r_n == 0 or r_tile_m == 0 or r_tile_n == 0
                     or r_tile_k == 0)
        if ((r_w_addr | r_w_stride | r_x_addr | r_x_stride | r_y_addr | r_y_stride)
                & BM1) != 0:
            mis.next = 1
        elif (r_cfg_bias_en or r_cfg_requant_en) and (r_p_addr & BM1) != 0:
            mis.next = 1
        else:
            mis.next = 0

    if R_POW2:
        @always_comb
        def tile_m_mod():
            tm_bad.next = (r_tile_m & RM1) != 0
    else:
        tm_q = Signal(intbv(0)[DIM_W:])     # TILE_M // ROWS

        @always_comb
        def tile_m_div():
            t = intbv(0)[DIM_W + RS:]
            t[:] = r_tile_m * RECIP
            tm_q.next = t[DIM_W + RS:RS]

        @always_comb
        def tile_m_mod():
            # q * ROWS <= TILE_M < 2^DIM_W: the upper bits of t are zero.
            t = intbv(0)[DIM_W + 6:]
            t[:] = tm_q * R
            tm_bad.next = t[DIM_W:] != r_tile_m

    @always_comb
    def capacity():
        kp = intbv(0)[DIM_W + 1:]
        kp[:] = r_tile_k + BM1
        kw = intbv(0)[DIM_W + 1:]
        kw[:] = kp >> LGB
        ob = intbv(0)[2 * DIM_W:]
        ob[:] = r_tile_m * r_tile_n
        wb = intbv(0)[2 * DIM_W + 1:]
        wb[:] = r_tile_m * kw
        xb = intbv(0)[2 * DIM_W:]
        xb[:] = r_tile_k * r_tile_n
        cap.next = (tm_bad or (r_tile_n & CM1) != 0
                    or ((r_tile_k & BM1) != 0 and r_tile_k < r_k)
                    or ob > OB_LIM or wb > WB_LIM or xb > XB_LIM)

    @always_seq(clk.posedge, reset=rst_n)
    def command():
        core_start.next = 0
        done_set.next = 0
        if r_ctrl_start:
            if core_busy or core_start:
                if err_q == ERR_NONE:
                    err_q.next = ERR_START_BUSY
            elif zero:
                err_q.next = ERR_ZERO_DIM
                done_set.next = 1
            elif cap:
                err_q.next = ERR_CAPACITY
                done_set.next = 1
            elif mis:
                err_q.next = ERR_MISALIGNED
                done_set.next = 1
            else:
                err_q.next = ERR_NONE
                core_start.next = 1
        if core_done:
            done_set.next = 1
            if core_err != ERR_NONE and err_q == ERR_NONE:
                err_q.next = core_err

    # ------------------------------------------------------------ master interfaces
    def bit():
        return Signal(bool(0))

    rd0_cmd_valid, rd0_cmd_ready, rd0_tvalid, rd0_tready, rd0_tlast, rd0_done = (
        bit() for _ in range(6))
    rd1_cmd_valid, rd1_cmd_ready, rd1_tvalid, rd1_tready, rd1_tlast, rd1_done = (
        bit() for _ in range(6))
    wr1_cmd_valid, wr1_cmd_ready, wr1_tvalid, wr1_tready, wr1_done = (
        bit() for _ in range(5))
    rd0_status, rd1_status, wr1_status = (Signal(intbv(0)[2:]) for _ in range(3))
    rd0_cmd_addr, rd0_cmd_stride, rd1_cmd_addr, rd1_cmd_stride, wr1_cmd_addr, \
        wr1_cmd_stride = (Signal(intbv(0)[ADDR_W:]) for _ in range(6))
    rd0_cmd_row_bytes, rd0_cmd_rows, rd1_cmd_row_bytes, rd1_cmd_rows, wr1_cmd_row_bytes, \
        wr1_cmd_rows = (Signal(intbv(0)[DIM_W:]) for _ in range(6))
    rd0_tdata, rd1_tdata, wr1_tdata = (Signal(intbv(0)[8 * B:]) for _ in range(3))

    # ------------------------------------------------------------ performance counters
    cyc_q, act_q, smem_q, sout_q, rdb0_q, rdb1_q, wrb1_q = (Signal(modbv(0)[32:])
                                                            for _ in range(7))

    @always_seq(clk.posedge, reset=rst_n)
    def counters():
        if core_start:
            cyc_q.next = 0
            act_q.next = 0
            smem_q.next = 0
            sout_q.next = 0
            rdb0_q.next = 0
            rdb1_q.next = 0
            wrb1_q.next = 0
        else:
            if core_busy:
                cyc_q.next = cyc_q + 1
            if core_active:
                act_q.next = act_q + 1
            if core_stall_mem:
                smem_q.next = smem_q + 1
            if core_stall_out:
                sout_q.next = sout_q + 1
            if m0_axi_rvalid and m0_axi_rready:
                rdb0_q.next = rdb0_q + B
            if m1_axi_rvalid and m1_axi_rready:
                rdb1_q.next = rdb1_q + B
            if m1_axi_wvalid and m1_axi_wready:
                wrb1_q.next = wrb1_q + B

    @always_comb
    def reg_inputs():
        # busy covers the command until STATUS.done is visible: the core's busy falls
        # with its done pulse, and done reaches STATUS through done_set and the
        # register block (two more cycles), so STATUS never reads busy 0 / done 0
        # between an accepted start and its done.
        r_status_busy.next = core_busy or core_done or done_set
        r_status_error.next = err_q
        r_status_done_set.next = done_set
        r_hwcfg_kind.next = KIND
        r_hwcfg_rows.next = R
        r_hwcfg_cols.next = C
        r_hwcfg_data_bytes_log2.next = LGB
        r_hwcfg_version.next = VERSION
        r_cycles.next = cyc_q
        r_active.next = act_q
        r_stall_mem.next = smem_q
        r_stall_out.next = sout_q
        r_rd_bytes0.next = rdb0_q
        r_rd_bytes1.next = rdb1_q
        r_wr_bytes0.next = 0
        r_wr_bytes1.next = wrb1_q
        irq.next = r_ctrl_irq_en and r_status_done
        # Port 0 never writes: its write channels are idle (bready high, so a stray
        # response could never block the interconnect).
        m0_axi_awid.next = 0
        m0_axi_awaddr.next = 0
        m0_axi_awlen.next = 0
        m0_axi_awsize.next = 0
        m0_axi_awburst.next = 0
        m0_axi_awvalid.next = 0
        m0_axi_wdata.next = 0
        m0_axi_wstrb.next = 0
        m0_axi_wlast.next = 0
        m0_axi_wvalid.next = 0
        m0_axi_bready.next = 1

    core = lmmu_core(clk, rst_n, core_start, soft_q, r_m, r_k, r_n, r_tile_m, r_tile_n,
                     r_tile_k, r_w_addr, r_w_stride, r_x_addr, r_x_stride, r_y_addr,
                     r_y_stride, r_p_addr, r_cfg_bias_en, r_cfg_requant_en,
                     core_busy, core_done, core_err, core_active,
                     core_stall_mem, core_stall_out,
                     rd0_cmd_valid, rd0_cmd_ready, rd0_cmd_addr, rd0_cmd_row_bytes,
                     rd0_cmd_rows, rd0_cmd_stride, rd0_tdata, rd0_tvalid, rd0_tready,
                     rd0_done, rd0_status,
                     rd1_cmd_valid, rd1_cmd_ready, rd1_cmd_addr, rd1_cmd_row_bytes,
                     rd1_cmd_rows, rd1_cmd_stride, rd1_tdata, rd1_tvalid, rd1_tready,
                     rd1_done, rd1_status,
                     wr1_cmd_valid, wr1_cmd_ready, wr1_cmd_addr, wr1_cmd_row_bytes,
                     wr1_cmd_rows, wr1_cmd_stride, wr1_tdata, wr1_tvalid, wr1_tready,
                     wr1_done, wr1_status,
                     ROWS=R, COLS=C, WBUF_BYTES=WBUF_BYTES, XBUF_BYTES=XBUF_BYTES,
                     OBUF_BYTES=OBUF_BYTES)
    rd0 = axi_rd(clk, rst_n, rd0_cmd_valid, rd0_cmd_ready, rd0_cmd_addr, rd0_cmd_row_bytes,
                 rd0_cmd_rows, rd0_cmd_stride, rd0_done, rd0_status,
                 m0_axi_arid, m0_axi_araddr, m0_axi_arlen, m0_axi_arsize, m0_axi_arburst,
                 m0_axi_arvalid, m0_axi_arready, m0_axi_rid, m0_axi_rdata, m0_axi_rresp,
                 m0_axi_rlast, m0_axi_rvalid, m0_axi_rready,
                 rd0_tdata, rd0_tvalid, rd0_tready, rd0_tlast,
                 DATA_BYTES=B, MAX_BURST=MAX_BURST, OUTSTANDING=OUTSTANDING)
    rd1 = axi_rd(clk, rst_n, rd1_cmd_valid, rd1_cmd_ready, rd1_cmd_addr, rd1_cmd_row_bytes,
                 rd1_cmd_rows, rd1_cmd_stride, rd1_done, rd1_status,
                 m1_axi_arid, m1_axi_araddr, m1_axi_arlen, m1_axi_arsize, m1_axi_arburst,
                 m1_axi_arvalid, m1_axi_arready, m1_axi_rid, m1_axi_rdata, m1_axi_rresp,
                 m1_axi_rlast, m1_axi_rvalid, m1_axi_rready,
                 rd1_tdata, rd1_tvalid, rd1_tready, rd1_tlast,
                 DATA_BYTES=B, MAX_BURST=MAX_BURST, OUTSTANDING=OUTSTANDING)
    wr1 = axi_wr(clk, rst_n, wr1_cmd_valid, wr1_cmd_ready, wr1_cmd_addr, wr1_cmd_row_bytes,
                 wr1_cmd_rows, wr1_cmd_stride, wr1_done, wr1_status,
                 m1_axi_awid, m1_axi_awaddr, m1_axi_awlen, m1_axi_awsize, m1_axi_awburst,
                 m1_axi_awvalid, m1_axi_awready, m1_axi_wdata, m1_axi_wstrb, m1_axi_wlast,
                 m1_axi_wvalid, m1_axi_wready, m1_axi_bid, m1_axi_bresp, m1_axi_bvalid,
                 m1_axi_bready, wr1_tdata, wr1_tvalid, wr1_tready,
                 DATA_BYTES=B, MAX_BURST=MAX_BURST, OUTSTANDING=OUTSTANDING)

    return instances()


def ports(cfg: dict) -> dict:
    """Fresh top-level signals for one parameter set."""
    B = cfg["COLS"]

    def v(w):
        return Signal(intbv(0)[w:])

    def bit():
        return Signal(bool(0))

    s = dict(clk=bit(), rst_n=ResetSignal(0, active=0, isasync=False))
    for n in ("awaddr", "araddr"):
        s[f"s_axil_{n}"] = v(AXIL_ADDR_W)
    for n in ("wdata", "rdata"):
        s[f"s_axil_{n}"] = v(32)
    s["s_axil_wstrb"] = v(4)
    for n in ("bresp", "rresp"):
        s[f"s_axil_{n}"] = v(2)
    for n in ("awvalid", "awready", "wvalid", "wready", "bvalid", "bready", "arvalid",
              "arready", "rvalid", "rready"):
        s[f"s_axil_{n}"] = bit()
    for m in ("m0_axi", "m1_axi"):
        for d in ("ar", "aw"):
            s[f"{m}_{d}id"] = v(1)
            s[f"{m}_{d}addr"] = v(ADDR_W)
            s[f"{m}_{d}len"] = v(8)
            s[f"{m}_{d}size"] = v(3)
            s[f"{m}_{d}burst"] = v(2)
            s[f"{m}_{d}valid"] = bit()
            s[f"{m}_{d}ready"] = bit()
        s.update({f"{m}_rid": v(1), f"{m}_rdata": v(8 * B), f"{m}_rresp": v(2),
                  f"{m}_rlast": bit(), f"{m}_rvalid": bit(), f"{m}_rready": bit(),
                  f"{m}_wdata": v(8 * B), f"{m}_wstrb": v(B), f"{m}_wlast": bit(),
                  f"{m}_wvalid": bit(), f"{m}_wready": bit(), f"{m}_bid": v(1),
                  f"{m}_bresp": v(2), f"{m}_bvalid": bit(), f"{m}_bready": bit()})
    s["irq"] = bit()
    return s
