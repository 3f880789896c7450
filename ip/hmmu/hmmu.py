"""RADACS HMMU top: the core, its AXI4 master, its registers.

::

    s_axil_* --> axil_regs (MMU register map) --> command check --> hmmu_core
                                                                     |  rd cmd/stream   wr cmd/stream
    m_axi_* (one AXI4 port) <== AR/R: axi_rd <-------------------------+               |
                            <== AW/W/B: axi_wr <-----------------------------------------+

One AXI4 master (the HMMU has one memory controller): the read channels come from the
read master, the write channels from the write master, so loads and stores of one
stage overlap on the port's independent read and write channels.

Command check, on ``CTRL.start`` (nothing reaches the core or the bus when it fails;
``STATUS.done`` and the error code are set):

* start while busy -> ``ERR_START_BUSY`` (the running command goes on);
* ``M``, ``K``, ``N`` or ``TILE_M`` zero -> ``ERR_ZERO_DIM``;
* ``K`` larger than an X buffer half, ``TILE_M`` not a multiple of ``ROWS`` or larger
  than an output buffer half, or a block of ``TILE_M`` rows of ``ceil(K/B)`` words not
  fitting the W banks -> ``ERR_CAPACITY``;
* any address or stride in use not a multiple of ``B`` -> ``ERR_MISALIGNED``.

An accepted start clears the error code and the performance counters.
"""
from __future__ import annotations

from myhdl import ResetSignal, Signal, always_comb, always_seq, block, instances, intbv, modbv

from ip.axi.axi import axi_rd, axi_wr
from ip.axi.axil_regs import AxilSignals, regmap_signals, axil_regs
from ip.common.params import Param, check_params
from ip.hmmu.hmmu_core import ADDR_W, DIM_W, hmmu_core
from ip.mmu import regmap as rm

IP = "hmmu"
AXIL_ADDR_W = 8
ROWS_CHOICES = (2, 4, 8, 16, 32)
COLS_CHOICES = (4, 8, 16)

PARAMS = (
    Param("ROWS", "int", 8, "PE array rows (output rows per pass): 2, 4, 8, 16 or 32",
          lo=2, hi=32),
    Param("COLS", "int", 8, "PE array columns = AXI data bytes B (data width 8*COLS): "
          "4, 8 or 16", lo=4, hi=16),
    Param("WBUF_BYTES", "int", 131072, "weight buffer: ROWS banks of B-byte words; "
          "ROWS*COLS times a power of two >= 2 (a block of TILE_M rows x ceil(K/B) words "
          "must fit)", lo=16, hi=1 << 24),
    Param("XBUF_BYTES", "int", 32768, "X buffer: two halves of K words of B bytes; "
          "2*COLS times a power of two >= 2 (K <= XBUF_BYTES / (2*COLS))",
          lo=16, hi=1 << 24),
    Param("OBUF_BYTES", "int", 16384, "output buffer: two halves of TILE_M rows of COLS "
          "int32; 8*COLS times a power of two >= max(4, ROWS) (TILE_M <= OBUF_BYTES / (8*COLS))",
          lo=64, hi=1 << 24),
    Param("MAX_BURST", "int", 16, "longest AXI burst in beats, 1..256", lo=1, hi=256),
    Param("OUTSTANDING", "int", 8, "AXI read bursts in flight at most, 1..16", lo=1, hi=16),
)


def _pow2(n: int) -> bool:
    return n >= 1 and n & (n - 1) == 0


def check(params: dict) -> dict:
    """Typed, validated parameters; raises ``ValueError`` naming the bad parameter."""
    p = check_params(IP, PARAMS, params)
    R, C = p["ROWS"], p["COLS"]
    if R not in ROWS_CHOICES:
        raise ValueError(f"{IP}: ROWS must be a power of two in 2..32, got {R}")
    if C not in COLS_CHOICES:
        raise ValueError(f"{IP}: COLS must be 4, 8 or 16 (the AXI data width is 8*COLS), "
                         f"got {C}")
    for name, unit, lo, what in (("WBUF_BYTES", R * C, 2, "ROWS*COLS"),
                                 ("XBUF_BYTES", 2 * C, 2, "2*COLS"),
                                 # >= 4 rows: the output-half address
                                 # slices need two bits (2 rows fail to convert)
                                 ("OBUF_BYTES", 8 * C, max(4, R), "8*COLS")):
        v = p[name]
        if v % unit or not _pow2(v // unit) or v // unit < lo:
            raise ValueError(f"{IP}: {name} must be {what} = {unit} times a power of two "
                             f">= {lo}, got {v}")
    return p


def _size(n: int) -> str:
    return f"{n // 1024}k" if n % 1024 == 0 else str(n)


def module_name(params: dict) -> str:
    """``radacs_hmmu_r<ROWS>_c<COLS>_wb<W>_xb<X>_ob<O>_mb<MAX_BURST>_o<OUTSTANDING>``
    (buffer sizes in bytes, ``k`` = KiB)."""
    p = check(params)
    return (f"radacs_hmmu_r{p['ROWS']}_c{p['COLS']}_wb{_size(p['WBUF_BYTES'])}"
            f"_xb{_size(p['XBUF_BYTES'])}_ob{_size(p['OBUF_BYTES'])}"
            f"_mb{p['MAX_BURST']}_o{p['OUTSTANDING']}")


def build(params: dict):
    """The elaborated top block and its port signals for ``params``."""
    p = check(params)
    sigs = ports(p)
    return hmmu(**sigs, **p), sigs


@block
def hmmu(clk, rst_n,
         s_axil_awaddr, s_axil_awvalid, s_axil_awready, s_axil_wdata, s_axil_wstrb,
         s_axil_wvalid, s_axil_wready, s_axil_bresp, s_axil_bvalid, s_axil_bready,
         s_axil_araddr, s_axil_arvalid, s_axil_arready, s_axil_rdata, s_axil_rresp,
         s_axil_rvalid, s_axil_rready,
         m_axi_arid, m_axi_araddr, m_axi_arlen, m_axi_arsize, m_axi_arburst, m_axi_arvalid,
         m_axi_arready, m_axi_rid, m_axi_rdata, m_axi_rresp, m_axi_rlast, m_axi_rvalid,
         m_axi_rready,
         m_axi_awid, m_axi_awaddr, m_axi_awlen, m_axi_awsize, m_axi_awburst, m_axi_awvalid,
         m_axi_awready, m_axi_wdata, m_axi_wstrb, m_axi_wlast, m_axi_wvalid, m_axi_wready,
         m_axi_bid, m_axi_bresp, m_axi_bvalid, m_axi_bready,
         irq,
         *, ROWS, COLS, WBUF_BYTES, XBUF_BYTES, OBUF_BYTES, MAX_BURST=16, OUTSTANDING=8):
    R, C = ROWS, COLS
    B = C
    LGB = (B - 1).bit_length()
    WD = WBUF_BYTES // (R * B)
    XD = XBUF_BYTES // (2 * B)
    OD = OBUF_BYTES // (2 * 4 * C)

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
    KIND, VERSION = rm.KIND_HMMU, rm.REGMAP_VERSION

    # CTRL.soft_reset is an abort, not a reset: the AXI slave still owes the R beats
    # and B responses of the transfers in flight (and a started write burst owes the
    # slave its W beats), so the masters must finish them.  The core stops launching
    # transfers and ends the command when its activities are idle (ERR_ABORTED).
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
    kw = Signal(intbv(0)[DIM_W:])

    LGR = (R - 1).bit_length()
    BM1, RM1 = B - 1, R - 1   # literals, not (B - 1) expressions, in the Verilog

    @always_comb
    def check():
        zero.next = r_m == 0 or r_k == 0 or r_n == 0 or r_tile_m == 0
        t = intbv(0)[DIM_W:]
        t[:] = r_k + BM1
        kw.next = t >> LGB
        if ((r_w_addr | r_w_stride | r_x_addr | r_x_stride | r_y_addr | r_y_stride)
                & BM1) != 0:
            mis.next = 1
        elif (r_cfg_bias_en or r_cfg_requant_en) and (r_p_addr & BM1) != 0:
            mis.next = 1
        else:
            mis.next = 0

    @always_comb
    def capacity():
        tiles = intbv(0)[DIM_W:]
        tiles[:] = r_tile_m >> LGR
        words = intbv(0)[2 * DIM_W:]
        words[:] = tiles * kw
        cap.next = r_k > XD or (r_tile_m & RM1) != 0 or r_tile_m > OD or words > WD

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

    # ------------------------------------------------------------ performance counters
    rd_cmd_valid, rd_cmd_ready, wr_cmd_valid, wr_cmd_ready = (Signal(bool(0)) for _ in range(4))
    rd_tvalid, rd_tready, rd_tlast, wr_tvalid, wr_tready = (Signal(bool(0)) for _ in range(5))
    rd_done, wr_done = Signal(bool(0)), Signal(bool(0))
    rd_status, wr_status = Signal(intbv(0)[2:]), Signal(intbv(0)[2:])
    rd_cmd_addr, rd_cmd_stride, wr_cmd_addr, wr_cmd_stride = (Signal(intbv(0)[ADDR_W:])
                                                              for _ in range(4))
    rd_cmd_row_bytes, rd_cmd_rows, wr_cmd_row_bytes, wr_cmd_rows = (Signal(intbv(0)[DIM_W:])
                                                                    for _ in range(4))
    rd_tdata, wr_tdata = Signal(intbv(0)[8 * B:]), Signal(intbv(0)[8 * B:])
    cyc_q, act_q, smem_q, sout_q, rdb_q, wrb_q = (Signal(modbv(0)[32:]) for _ in range(6))

    @always_seq(clk.posedge, reset=rst_n)
    def counters():
        if core_start:
            cyc_q.next = 0
            act_q.next = 0
            smem_q.next = 0
            sout_q.next = 0
            rdb_q.next = 0
            wrb_q.next = 0
        else:
            if core_busy:
                cyc_q.next = cyc_q + 1
            if core_active:
                act_q.next = act_q + 1
            if core_stall_mem:
                smem_q.next = smem_q + 1
            if core_stall_out:
                sout_q.next = sout_q + 1
            if m_axi_rvalid and m_axi_rready:
                rdb_q.next = rdb_q + B
            if m_axi_wvalid and m_axi_wready:
                wrb_q.next = wrb_q + B

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
        r_rd_bytes0.next = rdb_q
        r_rd_bytes1.next = 0
        r_wr_bytes0.next = wrb_q
        r_wr_bytes1.next = 0
        irq.next = r_ctrl_irq_en and r_status_done

    core = hmmu_core(clk, rst_n, core_start, soft_q, r_m, r_k, r_n, r_tile_m,
                     r_w_addr, r_w_stride, r_x_addr, r_x_stride, r_y_addr,
                     r_y_stride, r_p_addr, r_cfg_bias_en, r_cfg_requant_en,
                     core_busy, core_done, core_err, core_active,
                     core_stall_mem, core_stall_out,
                     rd_cmd_valid, rd_cmd_ready, rd_cmd_addr, rd_cmd_row_bytes, rd_cmd_rows,
                     rd_cmd_stride, rd_tdata, rd_tvalid, rd_tready, rd_done, rd_status,
                     wr_cmd_valid, wr_cmd_ready, wr_cmd_addr, wr_cmd_row_bytes, wr_cmd_rows,
                     wr_cmd_stride, wr_tdata, wr_tvalid, wr_tready, wr_done, wr_status,
                     ROWS=R, COLS=C, WBUF_BYTES=WBUF_BYTES, XBUF_BYTES=XBUF_BYTES,
                     OBUF_BYTES=OBUF_BYTES)
    rd = axi_rd(clk, rst_n, rd_cmd_valid, rd_cmd_ready, rd_cmd_addr, rd_cmd_row_bytes,
                rd_cmd_rows, rd_cmd_stride, rd_done, rd_status,
                m_axi_arid, m_axi_araddr, m_axi_arlen, m_axi_arsize, m_axi_arburst,
                m_axi_arvalid, m_axi_arready, m_axi_rid, m_axi_rdata, m_axi_rresp,
                m_axi_rlast, m_axi_rvalid, m_axi_rready,
                rd_tdata, rd_tvalid, rd_tready, rd_tlast,
                DATA_BYTES=B, MAX_BURST=MAX_BURST, OUTSTANDING=OUTSTANDING)
    wr = axi_wr(clk, rst_n, wr_cmd_valid, wr_cmd_ready, wr_cmd_addr, wr_cmd_row_bytes,
                wr_cmd_rows, wr_cmd_stride, wr_done, wr_status,
                m_axi_awid, m_axi_awaddr, m_axi_awlen, m_axi_awsize, m_axi_awburst,
                m_axi_awvalid, m_axi_awready, m_axi_wdata, m_axi_wstrb, m_axi_wlast,
                m_axi_wvalid, m_axi_wready, m_axi_bid, m_axi_bresp, m_axi_bvalid,
                m_axi_bready, wr_tdata, wr_tvalid, wr_tready,
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
    for d in ("ar", "aw"):
        s[f"m_axi_{d}id"] = v(1)
        s[f"m_axi_{d}addr"] = v(ADDR_W)
        s[f"m_axi_{d}len"] = v(8)
        s[f"m_axi_{d}size"] = v(3)
        s[f"m_axi_{d}burst"] = v(2)
        s[f"m_axi_{d}valid"] = bit()
        s[f"m_axi_{d}ready"] = bit()
    s.update(m_axi_rid=v(1), m_axi_rdata=v(8 * B), m_axi_rresp=v(2), m_axi_rlast=bit(),
             m_axi_rvalid=bit(), m_axi_rready=bit(),
             m_axi_wdata=v(8 * B), m_axi_wstrb=v(B), m_axi_wlast=bit(), m_axi_wvalid=bit(),
             m_axi_wready=bit(), m_axi_bid=v(1), m_axi_bresp=v(2), m_axi_bvalid=bit(),
             m_axi_bready=bit(), irq=bit())
    return s
