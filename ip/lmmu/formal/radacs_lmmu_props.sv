// RADACS IP: formal property harness for the LMMU top (ip/lmmu).
//
// Written against the *interface only*: every property is stated on the ports of the
// generated LMMU module (clk, rst_n, s_axil_*, m0_axi_*, m1_axi_*, irq) and on this
// checker's own observation registers; nothing refers to the DUT's internals.  A
// passive checker: a per-set top (written by ip/common/formal.py) instantiates the
// generated LMMU and this checker side by side; every DUT input is free for the
// solver, constrained only by the assumptions below.
//
// The LMMU has two AXI4 masters: port 0 (m0_axi_*) reads W and the P records and never
// writes; port 1 (m1_axi_*) reads X and writes Y.  Each port is checked on its own
// (P1-P3 per port, with its own burst bookkeeping).
//
// Parameters
//   B, LB        AXI data bytes (= COLS) and log2(B)
//   MAX_BURST    longest AXI burst in beats
//   OUTSTANDING  AXI bursts in flight per port at most
//   NO_SOFT      1: assume CTRL.soft_reset is never written 1 (A9); the LMMU's soft
//                reset is an abort that lets the transfers in flight complete, so the
//                harness of the formal set keeps it free (NO_SOFT = 0)
//
// The checker follows the AXI4-Lite writes it sees (AW and W captured at their
// handshakes) and applies each write to its shadows of CTRL.irq_en, M, K, N, TILE_M,
// TILE_N and TILE_K in the first cycle of its B response: the register block's contract
// (ip/axi/axil_regs.py) is that a write takes effect at the edge that raises BVALID,
// and a W1P pulse (CTRL.start) is high exactly in the first BVALID cycle.  WSTRB is
// honoured per byte lane.
//
// Environment assumptions (a legal AXI4-Lite master, two legal AXI4 slaves)
//   A1  reset (rst_n low) in the first cycle; rst_n free afterwards
//   A2  AXI4-Lite master: AWVALID/WVALID/ARVALID held with a stable payload until ready
//   A3  AXI slaves: RVALID held (same RLAST) until RREADY; BVALID held until BREADY
//   A4  an R beat only while a read burst is outstanding on that port; RLAST exactly on
//       its last beat (beats counted against the ARLEN of the burst, in order)
//   A5  port 1: a B response only for a burst whose AW was accepted and whose W beats
//       were all sent (WLAST); port 0: no B response (no AW is ever accepted there, P7)
//   A9  (NO_SOFT only) no write of 1 to CTRL.soft_reset
//   Every other input (ready signals, RDATA, RRESP, BRESP, the AXI4-Lite addresses,
//   data and strobes, BREADY/RREADY of the AXI4-Lite master) is free.
//
// Assertions
//   P1  AR (both ports) and AW (port 1): valid held with a stable ADDR/LEN/SIZE/BURST
//       until ready; SIZE = LB, BURST = INCR, LEN+1 <= MAX_BURST (LEN <= MAX_BURST-1),
//       ADDR B-aligned, no 4 KiB crossing
//   P2  port 1 W: WVALID held with stable WDATA/WSTRB/WLAST until WREADY; the W beats of
//       a burst are LEN+1 with WLAST exactly on the last; a W beat only when its burst's
//       AW is accepted or being offered (AWVALID), at most one burst's beats ahead of AW
//   P3  per port: read bursts in flight (AR accepted minus RLAST beats) <= OUTSTANDING;
//       port 1 write bursts in flight (AW accepted minus B) <= OUTSTANDING; BREADY high
//       on both ports
//   P4  AXI4-Lite slave: BVALID/RVALID held with a stable BRESP / RDATA, RRESP until
//       ready; BRESP/RRESP OKAY or SLVERR; a B only for a write (AW and W) received, an
//       R only for an accepted AR; one transaction per direction at a time
//   P5  no ARVALID/AWVALID on either port after reset until a CTRL.start is written
//       while M, K, N, TILE_M, TILE_N and TILE_K are all non-zero (in particular a start
//       with a zero dimension issues no AXI request, AW included, on either port)
//   P6  irq only while CTRL.irq_en; no irq before the first start; every read of STATUS
//       returns done == irq (as sampled at the read) while irq_en, i.e. irq == irq_en &
//       STATUS.done at every observation point
//   P7  port 0 never writes: AWVALID and WVALID low, BREADY high
//   P8  a bad command gives done + error: after a CTRL.start written with a zero
//       dimension while no legal start has been written since reset (the LMMU is idle),
//       a STATUS read accepted 2 or more cycles after that start, with no other
//       AXI4-Lite write committed since, returns busy 0, done 1, error 1 (ERR_ZERO_DIM)
//
// Covers
//   C1  a read burst (AR) accepted on port 0 (W / P)
//   C2  a read burst (AR) accepted on port 1 (X)
//   C3  a write burst completed on port 1 (B handshake)
//   C4  irq high
//   C5  a STATUS read returning done with irq high
//   C6  a STATUS read returning done with error 1 after a bad start (P8 not vacuous)
//   C7  a write burst of MAX_BURST beats on port 1 (WLAST on beat MAX_BURST)
//       (MAX_BURST > 1)
module radacs_lmmu_props #(
    parameter integer B = 4,
    parameter integer LB = 2,
    parameter integer MAX_BURST = 2,
    parameter integer OUTSTANDING = 1,
    parameter integer NO_SOFT = 0
) (
    input wire          clk,
    input wire          rst_n,
    input wire [7:0]    s_axil_awaddr,
    input wire          s_axil_awvalid,
    input wire          s_axil_awready,
    input wire [31:0]   s_axil_wdata,
    input wire [3:0]    s_axil_wstrb,
    input wire          s_axil_wvalid,
    input wire          s_axil_wready,
    input wire [1:0]    s_axil_bresp,
    input wire          s_axil_bvalid,
    input wire          s_axil_bready,
    input wire [7:0]    s_axil_araddr,
    input wire          s_axil_arvalid,
    input wire          s_axil_arready,
    input wire [31:0]   s_axil_rdata,
    input wire [1:0]    s_axil_rresp,
    input wire          s_axil_rvalid,
    input wire          s_axil_rready,
    input wire [0:0]    m0_axi_arid,
    input wire [31:0]   m0_axi_araddr,
    input wire [7:0]    m0_axi_arlen,
    input wire [2:0]    m0_axi_arsize,
    input wire [1:0]    m0_axi_arburst,
    input wire          m0_axi_arvalid,
    input wire          m0_axi_arready,
    input wire [0:0]    m0_axi_rid,
    input wire [8*B-1:0] m0_axi_rdata,
    input wire [1:0]    m0_axi_rresp,
    input wire          m0_axi_rlast,
    input wire          m0_axi_rvalid,
    input wire          m0_axi_rready,
    input wire [0:0]    m0_axi_awid,
    input wire [31:0]   m0_axi_awaddr,
    input wire [7:0]    m0_axi_awlen,
    input wire [2:0]    m0_axi_awsize,
    input wire [1:0]    m0_axi_awburst,
    input wire          m0_axi_awvalid,
    input wire          m0_axi_awready,
    input wire [8*B-1:0] m0_axi_wdata,
    input wire [B-1:0]  m0_axi_wstrb,
    input wire          m0_axi_wlast,
    input wire          m0_axi_wvalid,
    input wire          m0_axi_wready,
    input wire [0:0]    m0_axi_bid,
    input wire [1:0]    m0_axi_bresp,
    input wire          m0_axi_bvalid,
    input wire          m0_axi_bready,
    input wire [0:0]    m1_axi_arid,
    input wire [31:0]   m1_axi_araddr,
    input wire [7:0]    m1_axi_arlen,
    input wire [2:0]    m1_axi_arsize,
    input wire [1:0]    m1_axi_arburst,
    input wire          m1_axi_arvalid,
    input wire          m1_axi_arready,
    input wire [0:0]    m1_axi_rid,
    input wire [8*B-1:0] m1_axi_rdata,
    input wire [1:0]    m1_axi_rresp,
    input wire          m1_axi_rlast,
    input wire          m1_axi_rvalid,
    input wire          m1_axi_rready,
    input wire [0:0]    m1_axi_awid,
    input wire [31:0]   m1_axi_awaddr,
    input wire [7:0]    m1_axi_awlen,
    input wire [2:0]    m1_axi_awsize,
    input wire [1:0]    m1_axi_awburst,
    input wire          m1_axi_awvalid,
    input wire          m1_axi_awready,
    input wire [8*B-1:0] m1_axi_wdata,
    input wire [B-1:0]  m1_axi_wstrb,
    input wire          m1_axi_wlast,
    input wire          m1_axi_wvalid,
    input wire          m1_axi_wready,
    input wire [0:0]    m1_axi_bid,
    input wire [1:0]    m1_axi_bresp,
    input wire          m1_axi_bvalid,
    input wire          m1_axi_bready,
    input wire          irq
);
    localparam integer CW = 5;   // counters: OUTSTANDING <= 16 < 2**CW

    // ------------------------------------------------------------ previous cycle
    reg          past_valid = 1'b0;
    reg          p_rst_n = 1'b0;
    // port 0 (read only)
    reg          p0_arvalid = 1'b0, p0_arready = 1'b0;
    reg [31:0]   p0_araddr = 32'd0;
    reg [7:0]    p0_arlen = 8'd0;
    reg [2:0]    p0_arsize = 3'd0;
    reg [1:0]    p0_arburst = 2'd0;
    reg          p0_rvalid = 1'b0, p0_rready = 1'b0, p0_rlast = 1'b0;
    // port 1
    reg          p1_arvalid = 1'b0, p1_arready = 1'b0, p1_awvalid = 1'b0, p1_awready = 1'b0;
    reg [31:0]   p1_araddr = 32'd0, p1_awaddr = 32'd0;
    reg [7:0]    p1_arlen = 8'd0, p1_awlen = 8'd0;
    reg [2:0]    p1_arsize = 3'd0, p1_awsize = 3'd0;
    reg [1:0]    p1_arburst = 2'd0, p1_awburst = 2'd0;
    reg          p1_wvalid = 1'b0, p1_wready = 1'b0, p1_wlast = 1'b0;
    reg [8*B-1:0] p1_wdata = {8*B{1'b0}};
    reg [B-1:0]  p1_wstrb = {B{1'b0}};
    reg          p1_rvalid = 1'b0, p1_rready = 1'b0, p1_rlast = 1'b0;
    reg          p1_bvalid = 1'b0, p1_bready = 1'b0;
    // AXI4-Lite side
    reg          p_l_awvalid = 1'b0, p_l_awready = 1'b0, p_l_wvalid = 1'b0, p_l_wready = 1'b0;
    reg          p_l_arvalid = 1'b0, p_l_arready = 1'b0;
    reg [7:0]    p_l_awaddr = 8'd0, p_l_araddr = 8'd0;
    reg [31:0]   p_l_wdata = 32'd0;
    reg [3:0]    p_l_wstrb = 4'd0;
    reg          p_l_bvalid = 1'b0, p_l_bready = 1'b0, p_l_rvalid = 1'b0, p_l_rready = 1'b0;
    reg [1:0]    p_l_bresp = 2'd0, p_l_rresp = 2'd0;
    reg [31:0]   p_l_rdata = 32'd0;

    always @(posedge clk) begin
        past_valid <= 1'b1;
        p_rst_n <= rst_n;
        p0_arvalid <= m0_axi_arvalid;  p0_arready <= m0_axi_arready;
        p0_araddr <= m0_axi_araddr;    p0_arlen <= m0_axi_arlen;
        p0_arsize <= m0_axi_arsize;    p0_arburst <= m0_axi_arburst;
        p0_rvalid <= m0_axi_rvalid;    p0_rready <= m0_axi_rready;  p0_rlast <= m0_axi_rlast;
        p1_arvalid <= m1_axi_arvalid;  p1_arready <= m1_axi_arready;
        p1_awvalid <= m1_axi_awvalid;  p1_awready <= m1_axi_awready;
        p1_araddr <= m1_axi_araddr;    p1_awaddr <= m1_axi_awaddr;
        p1_arlen <= m1_axi_arlen;      p1_awlen <= m1_axi_awlen;
        p1_arsize <= m1_axi_arsize;    p1_awsize <= m1_axi_awsize;
        p1_arburst <= m1_axi_arburst;  p1_awburst <= m1_axi_awburst;
        p1_wvalid <= m1_axi_wvalid;    p1_wready <= m1_axi_wready;  p1_wlast <= m1_axi_wlast;
        p1_wdata <= m1_axi_wdata;      p1_wstrb <= m1_axi_wstrb;
        p1_rvalid <= m1_axi_rvalid;    p1_rready <= m1_axi_rready;  p1_rlast <= m1_axi_rlast;
        p1_bvalid <= m1_axi_bvalid;    p1_bready <= m1_axi_bready;
        p_l_awvalid <= s_axil_awvalid;  p_l_awready <= s_axil_awready;
        p_l_wvalid <= s_axil_wvalid;    p_l_wready <= s_axil_wready;
        p_l_arvalid <= s_axil_arvalid;  p_l_arready <= s_axil_arready;
        p_l_awaddr <= s_axil_awaddr;    p_l_araddr <= s_axil_araddr;
        p_l_wdata <= s_axil_wdata;      p_l_wstrb <= s_axil_wstrb;
        p_l_bvalid <= s_axil_bvalid;    p_l_bready <= s_axil_bready;
        p_l_rvalid <= s_axil_rvalid;    p_l_rready <= s_axil_rready;
        p_l_bresp <= s_axil_bresp;      p_l_rresp <= s_axil_rresp;
        p_l_rdata <= s_axil_rdata;
    end

    wire running = past_valid && p_rst_n && rst_n;

    // ------------------------------------------------------------ port 0: reads (W, P)
    wire ar0_fire = m0_axi_arvalid && m0_axi_arready;
    wire r0_fire = m0_axi_rvalid && m0_axi_rready;
    wire r0_end = r0_fire && m0_axi_rlast;

    // Read bursts in flight, with their lengths in order (a queue of up to 4 lengths;
    // OUTSTANDING > 4 is not supported by this harness and flagged by the P3 bound).
    reg [CW-1:0] rd0_n = {CW{1'b0}};
    reg [7:0]    r0q0 = 8'd0, r0q1 = 8'd0, r0q2 = 8'd0, r0q3 = 8'd0;
    reg [7:0]    r0beat = 8'd0;      // beats of the head burst received so far
    wire [CW-1:0] rd0_after_pop = rd0_n - (r0_end ? 1'b1 : 1'b0);
    always @(posedge clk) begin
        if (!rst_n) begin
            rd0_n <= {CW{1'b0}};
            r0beat <= 8'd0;
        end else begin
            rd0_n <= rd0_n + (ar0_fire ? 1'b1 : 1'b0) - (r0_end ? 1'b1 : 1'b0);
            if (r0_fire)
                r0beat <= m0_axi_rlast ? 8'd0 : r0beat + 8'd1;
            if (r0_end) begin
                r0q0 <= r0q1; r0q1 <= r0q2; r0q2 <= r0q3;
            end
            if (ar0_fire) begin
                if (rd0_after_pop == 0) r0q0 <= m0_axi_arlen;
                else if (rd0_after_pop == 1) r0q1 <= m0_axi_arlen;
                else if (rd0_after_pop == 2) r0q2 <= m0_axi_arlen;
                else r0q3 <= m0_axi_arlen;
            end
        end
    end

    // ------------------------------------------------------------ port 1: X reads, Y writes
    wire ar1_fire = m1_axi_arvalid && m1_axi_arready;
    wire aw1_fire = m1_axi_awvalid && m1_axi_awready;
    wire r1_fire = m1_axi_rvalid && m1_axi_rready;
    wire r1_end = r1_fire && m1_axi_rlast;
    wire w1_fire = m1_axi_wvalid && m1_axi_wready;
    wire w1_end = w1_fire && m1_axi_wlast;
    wire b1_fire = m1_axi_bvalid && m1_axi_bready;

    reg [CW-1:0] rd1_n = {CW{1'b0}};
    reg [7:0]    r1q0 = 8'd0, r1q1 = 8'd0, r1q2 = 8'd0, r1q3 = 8'd0;
    reg [7:0]    r1beat = 8'd0;
    wire [CW-1:0] rd1_after_pop = rd1_n - (r1_end ? 1'b1 : 1'b0);
    always @(posedge clk) begin
        if (!rst_n) begin
            rd1_n <= {CW{1'b0}};
            r1beat <= 8'd0;
        end else begin
            rd1_n <= rd1_n + (ar1_fire ? 1'b1 : 1'b0) - (r1_end ? 1'b1 : 1'b0);
            if (r1_fire)
                r1beat <= m1_axi_rlast ? 8'd0 : r1beat + 8'd1;
            if (r1_end) begin
                r1q0 <= r1q1; r1q1 <= r1q2; r1q2 <= r1q3;
            end
            if (ar1_fire) begin
                if (rd1_after_pop == 0) r1q0 <= m1_axi_arlen;
                else if (rd1_after_pop == 1) r1q1 <= m1_axi_arlen;
                else if (rd1_after_pop == 2) r1q2 <= m1_axi_arlen;
                else r1q3 <= m1_axi_arlen;
            end
        end
    end

    // Write bursts: AW accepted and not yet fully sent on W (queue of lengths), W beats
    // of the current burst, bursts whose W beats are all sent and whose B is pending.
    reg [CW-1:0] aw1_n = {CW{1'b0}};     // AW accepted minus B
    reg [CW-1:0] wq_n = {CW{1'b0}};      // AW accepted, W not finished
    reg [7:0]    wq0 = 8'd0, wq1 = 8'd0, wq2 = 8'd0, wq3 = 8'd0;
    reg [CW-1:0] wdone_n = {CW{1'b0}};   // W finished (WLAST) minus B
    reg          w_ahead = 1'b0;         // a burst's W beats all sent before its AW
    reg [7:0]    wbeat = 8'd0;
    // the length of the burst the current W beats belong to
    wire [7:0]   w_len = (wq_n != 0) ? wq0 : m1_axi_awlen;
    wire         w_has_aw = (wq_n != 0) || (m1_axi_awvalid && !w_ahead);
    wire         w_pop = w1_end && wq_n != 0;
    wire [CW-1:0] wq_after_pop = wq_n - (w_pop ? 1'b1 : 1'b0);
    always @(posedge clk) begin
        if (!rst_n) begin
            aw1_n <= {CW{1'b0}};
            wq_n <= {CW{1'b0}};
            wdone_n <= {CW{1'b0}};
            w_ahead <= 1'b0;
            wbeat <= 8'd0;
        end else begin
            aw1_n <= aw1_n + (aw1_fire ? 1'b1 : 1'b0) - (b1_fire ? 1'b1 : 1'b0);
            wdone_n <= wdone_n + (w1_end ? 1'b1 : 1'b0) - (b1_fire ? 1'b1 : 1'b0);
            if (w1_fire)
                wbeat <= m1_axi_wlast ? 8'd0 : wbeat + 8'd1;
            if (w_pop) begin
                wq0 <= wq1; wq1 <= wq2; wq2 <= wq3;
            end
            if (w1_end && wq_n == 0 && !aw1_fire)
                w_ahead <= 1'b1;
            else if (aw1_fire && w_ahead)
                w_ahead <= 1'b0;
            if (aw1_fire && !w_ahead && !(w1_end && wq_n == 0)) begin
                wq_n <= wq_after_pop + 1'b1;
                if (wq_after_pop == 0) wq0 <= m1_axi_awlen;
                else if (wq_after_pop == 1) wq1 <= m1_axi_awlen;
                else if (wq_after_pop == 2) wq2 <= m1_axi_awlen;
                else wq3 <= m1_axi_awlen;
            end else begin
                wq_n <= wq_after_pop;
            end
        end
    end

    // ------------------------------------------------------------ AXI4-Lite side
    wire l_aw_fire = s_axil_awvalid && s_axil_awready;
    wire l_w_fire = s_axil_wvalid && s_axil_wready;
    wire l_ar_fire = s_axil_arvalid && s_axil_arready;
    // the first cycle of a new B / R response
    wire l_b_new = s_axil_bvalid && !(running && p_l_bvalid && !p_l_bready);
    wire l_r_new = s_axil_rvalid && !(running && p_l_rvalid && !p_l_rready);

    reg          aw_have = 1'b0, w_have = 1'b0, ar_have = 1'b0;
    reg [7:0]    h_awaddr = 8'd0, h_araddr = 8'd0;
    reg [31:0]   h_wdata = 32'd0;
    reg [3:0]    h_wstrb = 4'd0;
    // register shadows (table reset values: 0)
    reg          irq_en_sh = 1'b0;
    reg [23:0]   m_sh = 24'd0, k_sh = 24'd0, n_sh = 24'd0;
    reg [23:0]   tm_sh = 24'd0, tn_sh = 24'd0, tk_sh = 24'd0;
    reg          armed = 1'b0;       // a start was written with every dimension non-zero
    reg          started = 1'b0;     // a start was written
    // P8: a start with a zero dimension while idle, and the cycles since (saturating)
    reg          bad_valid = 1'b0;
    reg [1:0]    bad_age = 2'd0;
    // the read in flight: STATUS?, irq_en and irq when it was accepted, and whether it
    // was accepted >= 2 cycles after a bad start (P8)
    reg          rd_status = 1'b0, rd_irq_en = 1'b0, rd_irq = 1'b0, rd_bad = 1'b0;

    wire [5:0] w_word = h_awaddr[7:2];
    wire commit = l_b_new && aw_have && w_have;
    wire commit_ctrl = commit && w_word == 6'h00 && h_wstrb[0];
    wire start_now = commit_ctrl && h_wdata[0];
    wire soft_now = commit_ctrl && h_wdata[1];
    wire irq_en_eff = commit_ctrl ? h_wdata[2] : irq_en_sh;

    // a 24-bit dimension register after this cycle's write (WSTRB per lane)
    function [23:0] upd24(input [23:0] old, input hit);
        upd24 = hit ? {h_wstrb[2] ? h_wdata[23:16] : old[23:16],
                       h_wstrb[1] ? h_wdata[15:8] : old[15:8],
                       h_wstrb[0] ? h_wdata[7:0] : old[7:0]} : old;
    endfunction

    // the dimensions a start committed in this cycle sees (the registers as they are:
    // one AXI4-Lite write at a time, so no dimension is written with the start)
    wire dims_ok = m_sh != 0 && k_sh != 0 && n_sh != 0 && tm_sh != 0 && tn_sh != 0
                   && tk_sh != 0;

    always @(posedge clk) begin
        if (!rst_n) begin
            aw_have <= 1'b0;
            w_have <= 1'b0;
            ar_have <= 1'b0;
            irq_en_sh <= 1'b0;
            m_sh <= 24'd0; k_sh <= 24'd0; n_sh <= 24'd0;
            tm_sh <= 24'd0; tn_sh <= 24'd0; tk_sh <= 24'd0;
            armed <= 1'b0;
            started <= 1'b0;
            bad_valid <= 1'b0;
            bad_age <= 2'd0;
            rd_status <= 1'b0;
            rd_irq_en <= 1'b0;
            rd_irq <= 1'b0;
            rd_bad <= 1'b0;
        end else begin
            if (commit) begin
                aw_have <= 1'b0;
                w_have <= 1'b0;
            end
            if (l_aw_fire) begin
                aw_have <= 1'b1;
                h_awaddr <= s_axil_awaddr;
            end
            if (l_w_fire) begin
                w_have <= 1'b1;
                h_wdata <= s_axil_wdata;
                h_wstrb <= s_axil_wstrb;
            end
            irq_en_sh <= irq_en_eff;
            m_sh <= upd24(m_sh, commit && w_word == 6'h04);      // 0x10 M
            k_sh <= upd24(k_sh, commit && w_word == 6'h05);      // 0x14 K
            n_sh <= upd24(n_sh, commit && w_word == 6'h06);      // 0x18 N
            tm_sh <= upd24(tm_sh, commit && w_word == 6'h07);    // 0x1C TILE_M
            tn_sh <= upd24(tn_sh, commit && w_word == 6'h0f);    // 0x3C TILE_N
            tk_sh <= upd24(tk_sh, commit && w_word == 6'h18);    // 0x60 TILE_K
            if (start_now) begin
                started <= 1'b1;
                if (dims_ok)
                    armed <= 1'b1;
            end
            // any committed write ends the P8 window; a bad start while idle opens one
            if (commit) begin
                bad_valid <= start_now && !soft_now && !dims_ok && !armed;
                bad_age <= 2'd0;
            end else if (bad_age != 2'd3) begin
                bad_age <= bad_age + 2'd1;
            end
            if (s_axil_rvalid && s_axil_rready)
                ar_have <= 1'b0;
            if (l_ar_fire) begin
                ar_have <= 1'b1;
                h_araddr <= s_axil_araddr;
                rd_status <= s_axil_araddr[7:2] == 6'h01;
                rd_irq_en <= irq_en_eff;
                rd_irq <= irq;
                rd_bad <= bad_valid && !commit && bad_age >= 2'd1;
            end
        end
    end

    // ---------------------------------------------------------------- assumptions
    always @(*) begin
        if (!past_valid)
            assume(!rst_n);                                                      // A1
        if (running && p_l_awvalid && !p_l_awready)
            assume(s_axil_awvalid && s_axil_awaddr == p_l_awaddr);               // A2
        if (running && p_l_wvalid && !p_l_wready)
            assume(s_axil_wvalid && s_axil_wdata == p_l_wdata
                   && s_axil_wstrb == p_l_wstrb);                                // A2
        if (running && p_l_arvalid && !p_l_arready)
            assume(s_axil_arvalid && s_axil_araddr == p_l_araddr);               // A2
        if (running && p0_rvalid && !p0_rready)
            assume(m0_axi_rvalid && m0_axi_rlast == p0_rlast);                   // A3
        if (running && p1_rvalid && !p1_rready)
            assume(m1_axi_rvalid && m1_axi_rlast == p1_rlast);                   // A3
        if (running && p1_bvalid && !p1_bready)
            assume(m1_axi_bvalid);                                               // A3
        if (rst_n && m0_axi_rvalid)
            assume(rd0_n != 0 && m0_axi_rlast == (r0beat == r0q0));              // A4
        if (rst_n && m1_axi_rvalid)
            assume(rd1_n != 0 && m1_axi_rlast == (r1beat == r1q0));              // A4
        if (rst_n && m1_axi_bvalid)
            assume(aw1_n != 0 && wdone_n != 0);                                  // A5
        assume(!m0_axi_bvalid);                                                  // A5
        if (NO_SOFT && rst_n)
            assume(!soft_now);                                                   // A9
    end

`ifdef RADACS_LMMU_COVER_GUIDE
    // Cover task only (ip/common/formal.py defines the macro for `cover`): a cooperative
    // environment that shortens the search for the deep covers.  These assumptions only
    // restrict A1-A9, so every cover reached under them is reachable without them; the
    // assertions (prove task) are checked without them.
    //   G1 no reset after the first cycle; G2 AXI4-Lite: full strobes, word addresses,
    //   write data < 8, BREADY/RREADY high; G3 AXI slaves: always ready, OKAY, RDATA 0,
    //   R and B as soon as A4/A5 allow; G4 the AXI4-Lite master runs one of two fixed
    //   programs (an `anyconst` choice): 0: CTRL = start | irq_en with every dimension
    //   0 (a bad start), then a STATUS read 3 cycles later; 1: M = 2, K = 1, N = 4,
    //   TILE_M = 2, TILE_N = 4, TILE_K = 1 (all addresses and strides 0), then CTRL =
    //   start | irq_en (one 2 x 4 output tile, int32, two 2-beat bursts per row).  With
    //   the environment deterministic, each cover step is a quick check, provided the
    //   buffer memories start at zero: the cover task maps them to flip-flops and
    //   zero-initialises them (Harness.cover_zero_init in ip/common/formal.py), as
    //   free contents make the store step's query reason about the whole datapath.
    (* anyconst *) reg g_sel;
    reg [3:0]  g_pc = 4'd0;          // the program's current operation
    reg [1:0]  g_since = 2'd0;       // cycles since it became current (saturating)
    reg        g_wr, g_rd;
    reg [7:0]  g_addr;
    reg [31:0] g_data;
    always @(posedge clk) begin
        if (!rst_n) begin
            g_pc <= 4'd0;
            g_since <= 2'd0;
        end else if (commit || (s_axil_rvalid && s_axil_rready)) begin
            g_pc <= g_pc + 4'd1;
            g_since <= 2'd0;
        end else if (g_since != 2'd3) begin
            g_since <= g_since + 2'd1;
        end
    end
    always @(*) begin
        g_wr = 1'b0; g_rd = 1'b0; g_addr = 8'h00; g_data = 32'd0;
        if (!g_sel) begin
            case (g_pc)
                4'd0: begin g_wr = 1'b1; g_addr = 8'h00; g_data = 32'd5; end   // CTRL
                4'd1: begin g_rd = 1'b1; g_addr = 8'h04; end                    // STATUS
                default: ;
            endcase
        end else begin
            case (g_pc)
                4'd0: begin g_wr = 1'b1; g_addr = 8'h10; g_data = 32'd2; end   // M
                4'd1: begin g_wr = 1'b1; g_addr = 8'h14; g_data = 32'd1; end   // K
                4'd2: begin g_wr = 1'b1; g_addr = 8'h18; g_data = 32'd4; end   // N
                4'd3: begin g_wr = 1'b1; g_addr = 8'h1c; g_data = 32'd2; end   // TILE_M
                4'd4: begin g_wr = 1'b1; g_addr = 8'h3c; g_data = 32'd4; end   // TILE_N
                4'd5: begin g_wr = 1'b1; g_addr = 8'h60; g_data = 32'd1; end   // TILE_K
                4'd6: begin g_wr = 1'b1; g_addr = 8'h00; g_data = 32'd5; end   // CTRL
                default: ;
            endcase
        end
    end
    always @(*) begin
        if (rst_n) begin
            assume(s_axil_awvalid == (g_wr && !aw_have)
                   && s_axil_wvalid == (g_wr && !w_have)
                   && s_axil_arvalid == (g_rd && !ar_have && g_since >= 2'd2));    // G4
            if (s_axil_awvalid)
                assume(s_axil_awaddr == g_addr);                                 // G4
            if (s_axil_wvalid)
                assume(s_axil_wdata == g_data);                                  // G4
            if (s_axil_arvalid)
                assume(s_axil_araddr == g_addr);                                 // G4
        end
    end

    always @(*) begin
        if (past_valid)
            assume(rst_n);                                                       // G1
        assume(s_axil_wstrb == 4'hf && s_axil_awaddr[1:0] == 2'b00
               && s_axil_wdata < 32'd8 && s_axil_bready && s_axil_rready);       // G2
        assume(m0_axi_arready && m0_axi_rresp == 2'b00
               && m0_axi_rdata == {8*B{1'b0}});                                  // G3
        assume(m1_axi_arready && m1_axi_awready && m1_axi_wready
               && m1_axi_rresp == 2'b00 && m1_axi_bresp == 2'b00
               && m1_axi_rdata == {8*B{1'b0}});                                  // G3
        if (rst_n)
            assume(m0_axi_rvalid == (rd0_n != 0) && m1_axi_rvalid == (rd1_n != 0)
                   && m1_axi_bvalid == (aw1_n != 0 && wdone_n != 0));            // G3
    end
`endif

    // ---------------------------------------------------------------- assertions
    always @(*) begin
        // P1: port 0 AR
        if (running && p0_arvalid && !p0_arready)
            assert(m0_axi_arvalid && m0_axi_araddr == p0_araddr
                   && m0_axi_arlen == p0_arlen && m0_axi_arsize == p0_arsize
                   && m0_axi_arburst == p0_arburst);                             // P1
        if (rst_n && m0_axi_arvalid) begin
            assert({20'd0, m0_axi_araddr[11:0]} + (({24'd0, m0_axi_arlen} + 32'd1) << LB)
                   <= 32'd4096);                                                 // P1
            assert({24'd0, m0_axi_arlen} + 32'd1 <= MAX_BURST);                  // P1
            assert(m0_axi_arsize == LB && m0_axi_arburst == 2'b01
                   && (m0_axi_araddr & (B - 1)) == 0);                           // P1
        end
        // P1: port 1 AR
        if (running && p1_arvalid && !p1_arready)
            assert(m1_axi_arvalid && m1_axi_araddr == p1_araddr
                   && m1_axi_arlen == p1_arlen && m1_axi_arsize == p1_arsize
                   && m1_axi_arburst == p1_arburst);                             // P1
        if (rst_n && m1_axi_arvalid) begin
            assert({20'd0, m1_axi_araddr[11:0]} + (({24'd0, m1_axi_arlen} + 32'd1) << LB)
                   <= 32'd4096);                                                 // P1
            assert({24'd0, m1_axi_arlen} + 32'd1 <= MAX_BURST);                  // P1
            assert(m1_axi_arsize == LB && m1_axi_arburst == 2'b01
                   && (m1_axi_araddr & (B - 1)) == 0);                           // P1
        end
        // P1: port 1 AW
        if (running && p1_awvalid && !p1_awready)
            assert(m1_axi_awvalid && m1_axi_awaddr == p1_awaddr
                   && m1_axi_awlen == p1_awlen && m1_axi_awsize == p1_awsize
                   && m1_axi_awburst == p1_awburst);                             // P1
        if (rst_n && m1_axi_awvalid) begin
            assert({20'd0, m1_axi_awaddr[11:0]} + (({24'd0, m1_axi_awlen} + 32'd1) << LB)
                   <= 32'd4096);                                                 // P1
            assert({24'd0, m1_axi_awlen} + 32'd1 <= MAX_BURST);                  // P1
            assert(m1_axi_awsize == LB && m1_axi_awburst == 2'b01
                   && (m1_axi_awaddr & (B - 1)) == 0);                           // P1
        end
        // P2: port 1 W
        if (running && p1_wvalid && !p1_wready)
            assert(m1_axi_wvalid && m1_axi_wdata == p1_wdata && m1_axi_wstrb == p1_wstrb
                   && m1_axi_wlast == p1_wlast);                                 // P2
        if (rst_n && m1_axi_wvalid)
            assert(w_has_aw && m1_axi_wlast == (wbeat == w_len));                // P2
        // P3
        if (rst_n)
            assert(rd0_n <= OUTSTANDING && rd1_n <= OUTSTANDING
                   && aw1_n <= OUTSTANDING);                                     // P3
        if (running)
            assert(m0_axi_bready && m1_axi_bready);                              // P3
        // P4: AXI4-Lite slave
        if (running && p_l_bvalid && !p_l_bready)
            assert(s_axil_bvalid && s_axil_bresp == p_l_bresp);                  // P4
        if (running && p_l_rvalid && !p_l_rready)
            assert(s_axil_rvalid && s_axil_rdata == p_l_rdata
                   && s_axil_rresp == p_l_rresp);                                // P4
        if (rst_n && s_axil_bvalid)
            assert(s_axil_bresp == 2'b00 || s_axil_bresp == 2'b10);             // P4
        if (rst_n && s_axil_rvalid)
            assert(s_axil_rresp == 2'b00 || s_axil_rresp == 2'b10);             // P4
        if (rst_n && l_b_new)
            assert(aw_have && w_have);                                           // P4
        if (rst_n && l_r_new)
            assert(ar_have);                                                     // P4
        if (rst_n && (l_aw_fire && aw_have || l_w_fire && w_have || l_ar_fire && ar_have))
            assert(0);                                                           // P4
        // P5
        if (rst_n && !armed)
            assert(!m0_axi_arvalid && !m1_axi_arvalid && !m0_axi_awvalid
                   && !m1_axi_awvalid);                                          // P5
        // P6
        if (rst_n && irq)
            assert(irq_en_eff && started);                                       // P6
        if (rst_n && l_r_new && rd_status && rd_irq_en)
            assert(s_axil_rdata[1] == rd_irq);                                   // P6
        // P7
        if (rst_n)
            assert(!m0_axi_awvalid && !m0_axi_wvalid);                           // P7
        if (running)
            assert(m0_axi_bready);                                               // P7
        // P8
        if (rst_n && l_r_new && rd_status && rd_bad && bad_valid)
            assert(s_axil_rdata[0] == 1'b0 && s_axil_rdata[1] == 1'b1
                   && s_axil_rdata[7:4] == 4'd1);                                // P8
    end

    // ---------------------------------------------------------------- covers
    always @(*) begin
        cover(rst_n && ar0_fire);                                                // C1
        cover(rst_n && ar1_fire);                                                // C2
        cover(rst_n && b1_fire);                                                 // C3
        cover(rst_n && irq);                                                     // C4
        cover(rst_n && l_r_new && rd_status && rd_irq && s_axil_rdata[1]);       // C5
        cover(rst_n && l_r_new && rd_status && rd_bad && bad_valid
              && s_axil_rdata[1] && s_axil_rdata[7:4] == 4'd1);                  // C6
    end

    generate
        if (MAX_BURST > 1) begin : c7
            always @(*)
                cover(rst_n && w1_end && wbeat + 8'd1 == MAX_BURST);              // C7
        end
    endgenerate
endmodule
