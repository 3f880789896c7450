// RADACS IP: formal property harness for the HMMU top (ip/hmmu).
//
// Written against the *interface only*: every property is stated on the ports of the
// generated HMMU module (clk, rst_n, s_axil_*, m_axi_*, irq) and on this checker's own
// observation registers; nothing refers to the DUT's internals.  A passive checker: a
// per-set top (written by ip/common/formal.py) instantiates the generated HMMU and this
// checker side by side; every DUT input is free for the solver, constrained only by
// the assumptions below.
//
// Parameters
//   B, LB        AXI data bytes (= COLS) and log2(B)
//   MAX_BURST    longest AXI burst in beats
//   OUTSTANDING  AXI bursts in flight at most
//   NO_SOFT      1: assume CTRL.soft_reset is never written 1 (A9)
//
// The checker follows the AXI4-Lite writes it sees (AW and W captured at their
// handshakes) and applies each write to its shadow of CTRL.irq_en and M in the first
// cycle of its B response: the register block's contract (ip/axi/axil_regs.py) is that
// a write takes effect at the edge that raises BVALID, and a W1P pulse (CTRL.start) is
// high exactly in the first BVALID cycle.  WSTRB is honoured per byte lane.
//
// Environment assumptions (a legal AXI4-Lite master, a legal AXI4 slave)
//   A1  reset (rst_n low) in the first cycle; rst_n free afterwards
//   A2  AXI4-Lite master: AWVALID/WVALID/ARVALID held with a stable payload until ready
//   A3  AXI slave: RVALID held (same RLAST) until RREADY; BVALID held until BREADY
//   A4  an R beat only while a read burst is outstanding; RLAST exactly on its last beat
//       (beats counted against the ARLEN of the burst, in order)
//   A5  a B response only for a burst whose AW was accepted and whose W beats were all
//       sent (WLAST)
//   A9  (NO_SOFT) no write of 1 to CTRL.soft_reset: the soft reset resets the AXI
//       masters, which may drop a pending AWVALID/ARVALID (a bus-level reset, see notes)
//   Every other input (ready signals, RDATA, RRESP, BRESP, WDATA/WSTRB/addresses of the
//   AXI4-Lite master, BREADY/RREADY of the AXI4-Lite master) is free.
//
// Assertions
//   P1  m_axi AR and AW: valid held with a stable ADDR/LEN/SIZE/BURST until ready;
//       SIZE = LB, BURST = INCR, LEN+1 <= MAX_BURST, ADDR B-aligned, no 4 KiB crossing
//   P2  W: WVALID held with stable WDATA/WSTRB/WLAST until WREADY; the W beats of a
//       burst are LEN+1 with WLAST exactly on the last; a W beat only when its burst's
//       AW is accepted or being offered (AWVALID), at most one burst's beats ahead of AW
//   P3  read bursts in flight (AR accepted minus RLAST beats) <= OUTSTANDING, write
//       bursts in flight (AW accepted minus B) <= OUTSTANDING; BREADY high (the write
//       master never stalls B)
//   P4  AXI4-Lite slave: BVALID/RVALID held with a stable BRESP / RDATA, RRESP until
//       ready; BRESP/RRESP OKAY or SLVERR; a B only for a write (AW and W) received, an
//       R only for an accepted AR; one transaction per direction at a time
//   P5  no ARVALID/AWVALID after reset until a CTRL.start is written while M != 0
//       (in particular a start with M = 0 issues no AXI request)
//   P6  irq only while CTRL.irq_en; no irq before the first start; every read of STATUS
//       returns done == irq (as sampled at the read) while irq_en, i.e. irq == irq_en &
//       STATUS.done at every observation point
//
// Covers
//   C1  a read burst (AR) accepted
//   C2  a write burst completed (B handshake)
//   C3  irq high
//   C4  a STATUS read returning done with irq high
//   C5  a write burst of MAX_BURST beats (WLAST on beat MAX_BURST) (MAX_BURST > 1)
module radacs_hmmu_props #(
    parameter integer B = 4,
    parameter integer LB = 2,
    parameter integer MAX_BURST = 2,
    parameter integer OUTSTANDING = 1,
    parameter integer NO_SOFT = 1
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
    input wire [0:0]    m_axi_arid,
    input wire [31:0]   m_axi_araddr,
    input wire [7:0]    m_axi_arlen,
    input wire [2:0]    m_axi_arsize,
    input wire [1:0]    m_axi_arburst,
    input wire          m_axi_arvalid,
    input wire          m_axi_arready,
    input wire [0:0]    m_axi_rid,
    input wire [8*B-1:0] m_axi_rdata,
    input wire [1:0]    m_axi_rresp,
    input wire          m_axi_rlast,
    input wire          m_axi_rvalid,
    input wire          m_axi_rready,
    input wire [0:0]    m_axi_awid,
    input wire [31:0]   m_axi_awaddr,
    input wire [7:0]    m_axi_awlen,
    input wire [2:0]    m_axi_awsize,
    input wire [1:0]    m_axi_awburst,
    input wire          m_axi_awvalid,
    input wire          m_axi_awready,
    input wire [8*B-1:0] m_axi_wdata,
    input wire [B-1:0]  m_axi_wstrb,
    input wire          m_axi_wlast,
    input wire          m_axi_wvalid,
    input wire          m_axi_wready,
    input wire [0:0]    m_axi_bid,
    input wire [1:0]    m_axi_bresp,
    input wire          m_axi_bvalid,
    input wire          m_axi_bready,
    input wire          irq
);
    localparam integer CW = 5;   // counters: OUTSTANDING <= 16 < 2**CW

    // ------------------------------------------------------------ previous cycle
    reg          past_valid = 1'b0;
    reg          p_rst_n = 1'b0;
    reg          p_arvalid = 1'b0, p_arready = 1'b0, p_awvalid = 1'b0, p_awready = 1'b0;
    reg [31:0]   p_araddr = 32'd0, p_awaddr = 32'd0;
    reg [7:0]    p_arlen = 8'd0, p_awlen = 8'd0;
    reg [2:0]    p_arsize = 3'd0, p_awsize = 3'd0;
    reg [1:0]    p_arburst = 2'd0, p_awburst = 2'd0;
    reg          p_wvalid = 1'b0, p_wready = 1'b0, p_wlast = 1'b0;
    reg [8*B-1:0] p_wdata = {8*B{1'b0}};
    reg [B-1:0]  p_wstrb = {B{1'b0}};
    reg          p_rvalid = 1'b0, p_rready = 1'b0, p_rlast = 1'b0;
    reg          p_bvalid = 1'b0, p_bready = 1'b0;
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
        p_arvalid <= m_axi_arvalid;  p_arready <= m_axi_arready;
        p_awvalid <= m_axi_awvalid;  p_awready <= m_axi_awready;
        p_araddr <= m_axi_araddr;    p_awaddr <= m_axi_awaddr;
        p_arlen <= m_axi_arlen;      p_awlen <= m_axi_awlen;
        p_arsize <= m_axi_arsize;    p_awsize <= m_axi_awsize;
        p_arburst <= m_axi_arburst;  p_awburst <= m_axi_awburst;
        p_wvalid <= m_axi_wvalid;    p_wready <= m_axi_wready;  p_wlast <= m_axi_wlast;
        p_wdata <= m_axi_wdata;      p_wstrb <= m_axi_wstrb;
        p_rvalid <= m_axi_rvalid;    p_rready <= m_axi_rready;  p_rlast <= m_axi_rlast;
        p_bvalid <= m_axi_bvalid;    p_bready <= m_axi_bready;
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

    // ------------------------------------------------------------ AXI4 master side
    wire ar_fire = m_axi_arvalid && m_axi_arready;
    wire aw_fire = m_axi_awvalid && m_axi_awready;
    wire r_fire = m_axi_rvalid && m_axi_rready;
    wire r_end = r_fire && m_axi_rlast;
    wire w_fire = m_axi_wvalid && m_axi_wready;
    wire w_end = w_fire && m_axi_wlast;
    wire b_fire = m_axi_bvalid && m_axi_bready;

    // Read bursts in flight, with their lengths in order (a queue of up to 4 lengths;
    // OUTSTANDING > 4 is not supported by this harness and flagged by the P3 bound).
    reg [CW-1:0] rd_n = {CW{1'b0}};
    reg [7:0]    rq0 = 8'd0, rq1 = 8'd0, rq2 = 8'd0, rq3 = 8'd0;
    reg [7:0]    rbeat = 8'd0;       // beats of the head burst received so far
    wire [CW-1:0] rd_after_pop = rd_n - (r_end ? 1'b1 : 1'b0);
    always @(posedge clk) begin
        if (!rst_n) begin
            rd_n <= {CW{1'b0}};
            rbeat <= 8'd0;
        end else begin
            rd_n <= rd_n + (ar_fire ? 1'b1 : 1'b0) - (r_end ? 1'b1 : 1'b0);
            if (r_fire)
                rbeat <= m_axi_rlast ? 8'd0 : rbeat + 8'd1;
            // pop the head on RLAST, push at the tail on AR
            if (r_end) begin
                rq0 <= rq1; rq1 <= rq2; rq2 <= rq3;
            end
            if (ar_fire) begin
                if (rd_after_pop == 0) rq0 <= m_axi_arlen;
                else if (rd_after_pop == 1) rq1 <= m_axi_arlen;
                else if (rd_after_pop == 2) rq2 <= m_axi_arlen;
                else rq3 <= m_axi_arlen;
            end
        end
    end

    // Write bursts: AW accepted and not yet fully sent on W (queue of lengths), W beats
    // of the current burst, bursts whose W beats are all sent and whose B is pending.
    reg [CW-1:0] aw_n = {CW{1'b0}};      // AW accepted minus B
    reg [CW-1:0] wq_n = {CW{1'b0}};      // AW accepted, W not finished
    reg [7:0]    wq0 = 8'd0, wq1 = 8'd0, wq2 = 8'd0, wq3 = 8'd0;
    reg [CW-1:0] wdone_n = {CW{1'b0}};   // W finished (WLAST) minus B
    reg          w_ahead = 1'b0;         // a burst's W beats all sent before its AW
    reg [7:0]    wbeat = 8'd0;
    // the length of the burst the current W beats belong to
    wire [7:0]   w_len = (wq_n != 0) ? wq0 : m_axi_awlen;
    wire         w_has_aw = (wq_n != 0) || (m_axi_awvalid && !w_ahead);
    wire         w_pop = w_end && wq_n != 0;
    wire [CW-1:0] wq_after_pop = wq_n - (w_pop ? 1'b1 : 1'b0);
    always @(posedge clk) begin
        if (!rst_n) begin
            aw_n <= {CW{1'b0}};
            wq_n <= {CW{1'b0}};
            wdone_n <= {CW{1'b0}};
            w_ahead <= 1'b0;
            wbeat <= 8'd0;
        end else begin
            aw_n <= aw_n + (aw_fire ? 1'b1 : 1'b0) - (b_fire ? 1'b1 : 1'b0);
            wdone_n <= wdone_n + (w_end ? 1'b1 : 1'b0) - (b_fire ? 1'b1 : 1'b0);
            if (w_fire)
                wbeat <= m_axi_wlast ? 8'd0 : wbeat + 8'd1;
            if (w_pop) begin
                wq0 <= wq1; wq1 <= wq2; wq2 <= wq3;
            end
            // the W beats of the burst on AW finished before the AW handshake
            if (w_end && wq_n == 0 && !aw_fire)
                w_ahead <= 1'b1;
            else if (aw_fire && w_ahead)
                w_ahead <= 1'b0;
            // push an accepted AW unless its W beats are already all sent
            if (aw_fire && !w_ahead && !(w_end && wq_n == 0)) begin
                wq_n <= wq_after_pop + 1'b1;
                if (wq_after_pop == 0) wq0 <= m_axi_awlen;
                else if (wq_after_pop == 1) wq1 <= m_axi_awlen;
                else if (wq_after_pop == 2) wq2 <= m_axi_awlen;
                else wq3 <= m_axi_awlen;
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
    reg [23:0]   m_sh = 24'd0;
    reg          armed = 1'b0;       // a start was written while M != 0
    reg          started = 1'b0;     // a start was written
    // the read in flight: STATUS?, irq_en and irq when it was accepted
    reg          rd_status = 1'b0, rd_irq_en = 1'b0, rd_irq = 1'b0;

    wire [5:0] w_word = h_awaddr[7:2];
    wire commit = l_b_new && aw_have && w_have;
    wire commit_ctrl = commit && w_word == 6'h00 && h_wstrb[0];
    wire commit_m = commit && w_word == 6'h04;
    wire start_now = commit_ctrl && h_wdata[0];
    wire soft_now = commit_ctrl && h_wdata[1];
    wire irq_en_eff = commit_ctrl ? h_wdata[2] : irq_en_sh;
    wire [23:0] m_new = {h_wstrb[2] ? h_wdata[23:16] : m_sh[23:16],
                         h_wstrb[1] ? h_wdata[15:8] : m_sh[15:8],
                         h_wstrb[0] ? h_wdata[7:0] : m_sh[7:0]};

    always @(posedge clk) begin
        if (!rst_n) begin
            aw_have <= 1'b0;
            w_have <= 1'b0;
            ar_have <= 1'b0;
            irq_en_sh <= 1'b0;
            m_sh <= 24'd0;
            armed <= 1'b0;
            started <= 1'b0;
            rd_status <= 1'b0;
            rd_irq_en <= 1'b0;
            rd_irq <= 1'b0;
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
            if (commit_m)
                m_sh <= m_new;
            if (start_now) begin
                started <= 1'b1;
                if (m_sh != 24'd0)
                    armed <= 1'b1;
            end
            if (s_axil_rvalid && s_axil_rready)
                ar_have <= 1'b0;
            if (l_ar_fire) begin
                ar_have <= 1'b1;
                h_araddr <= s_axil_araddr;
                rd_status <= s_axil_araddr[7:2] == 6'h01;
                rd_irq_en <= irq_en_eff;
                rd_irq <= irq;
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
        if (running && p_rvalid && !p_rready)
            assume(m_axi_rvalid && m_axi_rlast == p_rlast);                      // A3
        if (running && p_bvalid && !p_bready)
            assume(m_axi_bvalid);                                                // A3
        if (rst_n && m_axi_rvalid)
            assume(rd_n != 0 && m_axi_rlast == (rbeat == rq0));                  // A4
        if (rst_n && m_axi_bvalid)
            assume(aw_n != 0 && wdone_n != 0);                                   // A5
        if (NO_SOFT && rst_n)
            assume(!soft_now);                                                   // A9
    end

`ifdef RADACS_HMMU_COVER_GUIDE
    // Cover task only (ip/common/formal.py defines the macro for `cover`): a cooperative
    // environment that shortens the search for the deep covers.  These assumptions only
    // restrict A1-A9, so every cover reached under them is reachable without them; the
    // assertions (prove task) are checked without them.
    //   G1 no reset after the first cycle; G2 AXI4-Lite: full strobes, word addresses,
    //   write data < 8, BREADY/RREADY high; G3 AXI slave: always ready, OKAY, RDATA 0,
    //   R and B as soon as A4/A5 allow.
    always @(*) begin
        if (past_valid)
            assume(rst_n);                                                       // G1
        assume(s_axil_wstrb == 4'hf && s_axil_awaddr[1:0] == 2'b00
               && s_axil_wdata < 32'd8 && s_axil_bready && s_axil_rready);       // G2
        assume(m_axi_arready && m_axi_awready && m_axi_wready
               && m_axi_rresp == 2'b00 && m_axi_bresp == 2'b00
               && m_axi_rdata == {8*B{1'b0}});                                   // G3
        if (rst_n)
            assume(m_axi_rvalid == (rd_n != 0)
                   && m_axi_bvalid == (aw_n != 0 && wdone_n != 0));              // G3
    end
`endif

    // ---------------------------------------------------------------- assertions
    always @(*) begin
        // P1: AR
        if (running && p_arvalid && !p_arready)
            assert(m_axi_arvalid && m_axi_araddr == p_araddr && m_axi_arlen == p_arlen
                   && m_axi_arsize == p_arsize && m_axi_arburst == p_arburst);   // P1
        if (rst_n && m_axi_arvalid) begin
            assert({20'd0, m_axi_araddr[11:0]} + (({24'd0, m_axi_arlen} + 32'd1) << LB)
                   <= 32'd4096);                                                 // P1
            assert({24'd0, m_axi_arlen} + 32'd1 <= MAX_BURST);                   // P1
            assert(m_axi_arsize == LB && m_axi_arburst == 2'b01
                   && (m_axi_araddr & (B - 1)) == 0);                            // P1
        end
        // P1: AW
        if (running && p_awvalid && !p_awready)
            assert(m_axi_awvalid && m_axi_awaddr == p_awaddr && m_axi_awlen == p_awlen
                   && m_axi_awsize == p_awsize && m_axi_awburst == p_awburst);   // P1
        if (rst_n && m_axi_awvalid) begin
            assert({20'd0, m_axi_awaddr[11:0]} + (({24'd0, m_axi_awlen} + 32'd1) << LB)
                   <= 32'd4096);                                                 // P1
            assert({24'd0, m_axi_awlen} + 32'd1 <= MAX_BURST);                   // P1
            assert(m_axi_awsize == LB && m_axi_awburst == 2'b01
                   && (m_axi_awaddr & (B - 1)) == 0);                            // P1
        end
        // P2: W
        if (running && p_wvalid && !p_wready)
            assert(m_axi_wvalid && m_axi_wdata == p_wdata && m_axi_wstrb == p_wstrb
                   && m_axi_wlast == p_wlast);                                   // P2
        if (rst_n && m_axi_wvalid)
            assert(w_has_aw && m_axi_wlast == (wbeat == w_len));                 // P2
        // P3
        if (rst_n)
            assert(rd_n <= OUTSTANDING && aw_n <= OUTSTANDING);                  // P3
        if (running)
            assert(m_axi_bready);                                                // P3
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
            assert(!m_axi_arvalid && !m_axi_awvalid);                            // P5
        // P6
        if (rst_n && irq)
            assert(irq_en_eff && started);                                       // P6
        if (rst_n && l_r_new && rd_status && rd_irq_en)
            assert(s_axil_rdata[1] == rd_irq);                                   // P6
    end

    // ---------------------------------------------------------------- covers
    always @(*) begin
        cover(rst_n && ar_fire);                                                 // C1
        cover(rst_n && b_fire);                                                  // C2
        cover(rst_n && irq);                                                     // C3
        cover(rst_n && l_r_new && rd_status && rd_irq && s_axil_rdata[1]);       // C4
    end

    generate
        if (MAX_BURST > 1) begin : c5
            always @(*)
                cover(rst_n && w_end && wbeat + 8'd1 == MAX_BURST);               // C5
        end
    endgenerate
endmodule
