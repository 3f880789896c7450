// RADACS IP: formal property harness for the feature cache's DRAM datapath
// (ip/feature_cache/dram_path.py, BACKING=dram).
//
// Written against the *ports only* of the standalone dram_path: every property is
// stated on its ports and on this module's own observation registers; nothing refers
// to the DUT's internals.  A passive checker: the per-set top (written by
// ip/common/formal.py) instantiates the generated dram_path and this checker side by
// side; every DUT input is free for the solver, constrained only by the assumptions.
//
// Parameters
//   B, LB        bytes per beat and log2(B)
//   MAX_BURST    longest AXI burst in beats
//   OUTSTANDING  bursts in flight per axi_wr / axi_rd master
//   CW           bits of st_cap, st_done_len, ld_len (cap_width(B))
//
// Environment assumptions (a legal AXI4 slave, legal commands)
//   A1  reset (rst_n low) in the first cycle; rst_n free afterwards
//   A2  B: BVALID only for a burst whose AW was accepted and whose last W (WLAST) was
//       sent (in order, one ID); BVALID held with a stable BRESP until BREADY; BID = 0;
//       BRESP not EXOKAY (no exclusive accesses are issued)
//   A3  R: RVALID only while an accepted AR burst is unfinished; RLAST exactly on its
//       beat ARLEN+1; RVALID held with stable RDATA/RRESP/RLAST until RREADY; RID = 0;
//       RRESP not EXOKAY
//   A4  a store's region {st_base, LB'0} + st_cap*B and a load's {ld_base, LB'0} +
//       ld_len*B lie inside the 32-bit address space (sampled at the first beat / at
//       the command); ld_len >= 1 (documented)
//   s_axis (valid, data, last), st_base/st_cap/st_drop, ld_cmd_valid, ld_base, ld_len
//   (besides A4), m_axis_tready, AWREADY/WREADY/ARREADY, BRESP, RDATA, RRESP are free.
//   A5  small model (solver time): st_base/ld_base beat addresses < 2^12 (regions start
//       in the first 16 KiB, so 4 KiB boundaries are reachable), st_cap/ld_len < 8
//       beats, s_axis_tdata/RDATA vary in bit 0 only (a bit-sliced datapath)
//
// Assertions (tags as in the README / RESULTS.md)
//   D1  s_axis_tready is low from the accepted tlast beat through the st_done cycle
//   D2  st_done only for a feature whose tlast was accepted and not yet answered (so at
//       most one per feature); st_done_len = accepted beats capped at the cap sampled at
//       the first beat (0 for a dropped feature); st_done_code = AXI_ERR if a B of the
//       feature had SLVERR/DECERR, else OVERFLOW if beats > cap (not dropped), else
//       BAD_SLOT if dropped, else OK
//   D3  AW, W, AR: valid held with a stable payload until ready; AW/AR: SIZE = LB,
//       INCR, LEN+1 <= MAX_BURST, B-aligned, ID 0; W: WSTRB all ones; W bursts in AW
//       order, each of AWLEN+1 beats with WLAST exactly on the last (W may lead AW, by
//       at most 2 ended bursts); write bursts in flight (AW to B) <= 2*OUTSTANDING (two
//       masters), reads (AR to RLAST) <= OUTSTANDING; BREADY high;
//       RREADY low only after a cycle where m_axis was offered and not taken
//   D4  every AW burst lies inside [base, base + cap*B) of the feature being stored
//       (base/cap/drop sampled at its first beat), no AW for a dropped feature or
//       outside a feature, and no AW/AR crosses a 4 KiB boundary
//   D5  m_axis: valid held with stable data/last until ready; beats only for an
//       accepted ld_cmd, exactly ld_len of them with tlast on beat ld_len-1 only;
//       ld_cmd_ready low from a command to its ld_done; ld_done only after the
//       ld_len-th beat has left, code AXI_ERR iff an R beat of the load had
//       SLVERR/DECERR, else OK; every AR inside [ld_base, ld_base + ld_len*B)
//
// Covers
//   C1  two features back to back (the second's first beat the cycle after the first
//       st_done), both answered: the second st_done
//   C2  a load of >= 2 beats answered OK (ld_done)
//   C3  a store answered AXI_ERR (a SLVERR B response)
//   C4  a load answered AXI_ERR (a SLVERR R beat), every beat delivered
//   C5  an m_axis beat held by backpressure
//   C6  a write burst of MAX_BURST beats accepted (MAX_BURST > 1)
module radacs_fc_dram_props #(
    parameter integer B = 4,
    parameter integer LB = 2,
    parameter integer MAX_BURST = 2,
    parameter integer OUTSTANDING = 2,
    parameter integer CW = 22
) (
    input wire              clk,
    input wire              rst_n,
    input wire [8*B-1:0]    s_axis_tdata,
    input wire              s_axis_tvalid,
    input wire              s_axis_tready,
    input wire              s_axis_tlast,
    input wire [31-LB:0]    st_base,
    input wire [CW-1:0]     st_cap,
    input wire              st_drop,
    input wire              st_done,
    input wire [2:0]        st_done_code,
    input wire [CW-1:0]     st_done_len,
    input wire              ld_cmd_valid,
    input wire              ld_cmd_ready,
    input wire [31-LB:0]    ld_base,
    input wire [CW-1:0]     ld_len,
    input wire              ld_done,
    input wire [2:0]        ld_done_code,
    input wire              ld_err,
    input wire [8*B-1:0]    m_axis_tdata,
    input wire              m_axis_tvalid,
    input wire              m_axis_tready,
    input wire              m_axis_tlast,
    input wire              m_axi_awid,
    input wire [31:0]       m_axi_awaddr,
    input wire [7:0]        m_axi_awlen,
    input wire [2:0]        m_axi_awsize,
    input wire [1:0]        m_axi_awburst,
    input wire              m_axi_awvalid,
    input wire              m_axi_awready,
    input wire [8*B-1:0]    m_axi_wdata,
    input wire [B-1:0]      m_axi_wstrb,
    input wire              m_axi_wlast,
    input wire              m_axi_wvalid,
    input wire              m_axi_wready,
    input wire              m_axi_bid,
    input wire [1:0]        m_axi_bresp,
    input wire              m_axi_bvalid,
    input wire              m_axi_bready,
    input wire              m_axi_arid,
    input wire [31:0]       m_axi_araddr,
    input wire [7:0]        m_axi_arlen,
    input wire [2:0]        m_axi_arsize,
    input wire [1:0]        m_axi_arburst,
    input wire              m_axi_arvalid,
    input wire              m_axi_arready,
    input wire              m_axi_rid,
    input wire [8*B-1:0]    m_axi_rdata,
    input wire [1:0]        m_axi_rresp,
    input wire              m_axi_rlast,
    input wire              m_axi_rvalid,
    input wire              m_axi_rready
);
    localparam [2:0] OK = 3'd0, OVERFLOW = 3'd3, BAD_SLOT = 3'd4, AXI_ERR = 3'd7;
    localparam integer QN = 8;       // AW / AR length queues (> 2*OUTSTANDING)

    // ------------------------------------------------------------ previous cycle
    reg          past_valid = 1'b0;
    reg          p_rst_n = 1'b0;
    reg          p_awvalid = 1'b0, p_awready = 1'b0, p_awid = 1'b0;
    reg [31:0]   p_awaddr = 32'd0;
    reg [7:0]    p_awlen = 8'd0;
    reg [2:0]    p_awsize = 3'd0;
    reg [1:0]    p_awburst = 2'd0;
    reg          p_wvalid = 1'b0, p_wready = 1'b0, p_wlast = 1'b0;
    reg [8*B-1:0] p_wdata = {8*B{1'b0}};
    reg [B-1:0]  p_wstrb = {B{1'b0}};
    reg          p_arvalid = 1'b0, p_arready = 1'b0, p_arid = 1'b0;
    reg [31:0]   p_araddr = 32'd0;
    reg [7:0]    p_arlen = 8'd0;
    reg [2:0]    p_arsize = 3'd0;
    reg [1:0]    p_arburst = 2'd0;
    reg          p_bvalid = 1'b0, p_bready = 1'b0;
    reg [1:0]    p_bresp = 2'd0;
    reg          p_rvalid = 1'b0, p_rready = 1'b0, p_rlast = 1'b0;
    reg [8*B-1:0] p_rdata = {8*B{1'b0}};
    reg [1:0]    p_rresp = 2'd0;
    reg          p_tvalid = 1'b0, p_tready = 1'b0, p_tlast = 1'b0;
    reg [8*B-1:0] p_tdata = {8*B{1'b0}};

    always @(posedge clk) begin
        past_valid <= 1'b1;
        p_rst_n <= rst_n;
        p_awvalid <= m_axi_awvalid;  p_awready <= m_axi_awready;  p_awid <= m_axi_awid;
        p_awaddr <= m_axi_awaddr;    p_awlen <= m_axi_awlen;
        p_awsize <= m_axi_awsize;    p_awburst <= m_axi_awburst;
        p_wvalid <= m_axi_wvalid;    p_wready <= m_axi_wready;    p_wlast <= m_axi_wlast;
        p_wdata <= m_axi_wdata;      p_wstrb <= m_axi_wstrb;
        p_arvalid <= m_axi_arvalid;  p_arready <= m_axi_arready;  p_arid <= m_axi_arid;
        p_araddr <= m_axi_araddr;    p_arlen <= m_axi_arlen;
        p_arsize <= m_axi_arsize;    p_arburst <= m_axi_arburst;
        p_bvalid <= m_axi_bvalid;    p_bready <= m_axi_bready;    p_bresp <= m_axi_bresp;
        p_rvalid <= m_axi_rvalid;    p_rready <= m_axi_rready;    p_rlast <= m_axi_rlast;
        p_rdata <= m_axi_rdata;      p_rresp <= m_axi_rresp;
        p_tvalid <= m_axis_tvalid;   p_tready <= m_axis_tready;   p_tlast <= m_axis_tlast;
        p_tdata <= m_axis_tdata;
    end

    wire running = past_valid && p_rst_n && rst_n;
    wire s_fire  = s_axis_tvalid && s_axis_tready;
    wire aw_fire = m_axi_awvalid && m_axi_awready;
    wire w_fire  = m_axi_wvalid && m_axi_wready;
    wire w_end   = w_fire && m_axi_wlast;
    wire b_fire  = m_axi_bvalid && m_axi_bready;
    wire ar_fire = m_axi_arvalid && m_axi_arready;
    wire r_fire  = m_axi_rvalid && m_axi_rready;
    wire r_end   = r_fire && m_axi_rlast;
    wire o_fire  = m_axis_tvalid && m_axis_tready;
    wire ld_fire = ld_cmd_valid && ld_cmd_ready;

    // ------------------------------------------------------------ store features
    reg           h_act = 1'b0;      // a feature's first beat accepted, until st_done
    reg           h_tail = 1'b0;     // its tlast accepted, until st_done
    reg [33:0]    h_lo = 34'd0;      // [h_lo, h_hi): the feature's region (bytes)
    reg [33:0]    h_hi = 34'd0;
    reg [CW-1:0]  h_cap = {CW{1'b0}};
    reg           h_drop = 1'b0;
    reg [CW:0]    h_cnt = {(CW+1){1'b0}};   // beats accepted (saturating)
    reg           h_err = 1'b0;      // a B of this feature with SLVERR/DECERR
    reg [1:0]     h_ndone = 2'd0;    // st_done pulses since reset (saturating)
    reg           h_b2b = 1'b0;      // this feature started the cycle after a st_done
    reg           p_st_done = 1'b0;
    wire [33:0]   st_lo = {2'b00, st_base, {LB{1'b0}}};
    wire [33:0]   st_hi = st_lo + ({{(34-CW){1'b0}}, st_cap} << LB);
    always @(posedge clk) begin
        p_st_done <= st_done;
        if (!rst_n) begin
            h_act <= 1'b0;  h_tail <= 1'b0;  h_cnt <= {(CW+1){1'b0}};  h_err <= 1'b0;
            h_ndone <= 2'd0;  h_b2b <= 1'b0;  p_st_done <= 1'b0;
        end else begin
            if (b_fire && m_axi_bresp[1])
                h_err <= 1'b1;
            if (st_done) begin
                h_act <= 1'b0;  h_tail <= 1'b0;  h_cnt <= {(CW+1){1'b0}};  h_err <= 1'b0;
                if (h_ndone != 2'd3)
                    h_ndone <= h_ndone + 2'd1;
            end
            if (s_fire) begin
                if (!h_act) begin
                    h_act <= 1'b1;
                    h_lo <= st_lo;  h_hi <= st_hi;  h_cap <= st_cap;  h_drop <= st_drop;
                    h_b2b <= p_st_done;
                    h_cnt <= {{CW{1'b0}}, 1'b1};
                end else if (h_cnt != {(CW+1){1'b1}})
                    h_cnt <= h_cnt + 1'b1;
                if (s_axis_tlast)
                    h_tail <= 1'b1;
            end
        end
    end
    wire          h_over = !h_drop && h_cnt > {1'b0, h_cap};
    wire [CW-1:0] exp_len = h_drop ? {CW{1'b0}} : (h_over ? h_cap : h_cnt[CW-1:0]);
    wire [2:0]    exp_code = h_err ? AXI_ERR : h_over ? OVERFLOW : h_drop ? BAD_SLOT : OK;

    // ------------------------------------------------------------ AW / W / B bookkeeping
    // W bursts follow AW order (one ID).  W may lead AW (legal AXI4: the other master's
    // W beats go out while the current AW waits for AWREADY): awq holds the AWLEN of
    // accepted AWs whose W burst has not ended, wq the beat count - 1 of ended W bursts
    // whose AW is not accepted yet; at most one of them is non-empty.
    reg [7:0]   awq [0:QN-1];
    reg [2:0]   awq_rd = 3'd0, awq_wr = 3'd0;
    reg [3:0]   awq_n = 4'd0;
    reg [8:0]   wq [0:QN-1];
    reg [2:0]   wq_rd = 3'd0, wq_wr = 3'd0;
    reg [3:0]   wq_n = 4'd0;
    reg [8:0]   wcnt = 9'd0;         // W beats sent of the current burst
    reg [3:0]   aw_inflight = 4'd0;  // AWs accepted minus B responses
    reg [3:0]   w_done = 4'd0;       // W bursts ended minus B responses
    wire        w_known = awq_n != 0;                 // the current W burst's AW is in
    wire [8:0]  w_len = {1'b0, awq[awq_rd]};
    // an accepted AW: matched with an ended W burst (wq), with the W burst ending in
    // this cycle, or queued for the W beats to come
    wire        aw_match_q = aw_fire && wq_n != 0;
    wire        aw_match_now = aw_fire && wq_n == 0 && awq_n == 0 && w_end;
    wire        aw_push = aw_fire && !aw_match_q && !aw_match_now;
    wire        aw_pop = w_end && w_known;
    wire        w_push = w_end && !w_known && !aw_match_now;
    integer i;
    initial for (i = 0; i < QN; i = i + 1) begin awq[i] = 8'd0; wq[i] = 9'd0; end
    always @(posedge clk) begin
        if (!rst_n) begin
            awq_rd <= 3'd0;  awq_wr <= 3'd0;  awq_n <= 4'd0;
            wq_rd <= 3'd0;  wq_wr <= 3'd0;  wq_n <= 4'd0;
            wcnt <= 9'd0;  aw_inflight <= 4'd0;  w_done <= 4'd0;
        end else begin
            if (aw_push) begin
                awq[awq_wr] <= m_axi_awlen;
                awq_wr <= awq_wr + 3'd1;
            end
            if (aw_pop)
                awq_rd <= awq_rd + 3'd1;
            awq_n <= awq_n + aw_push - aw_pop;
            if (w_push) begin
                wq[wq_wr] <= wcnt;
                wq_wr <= wq_wr + 3'd1;
            end
            if (aw_match_q)
                wq_rd <= wq_rd + 3'd1;
            wq_n <= wq_n + w_push - aw_match_q;
            if (w_end)
                wcnt <= 9'd0;
            else if (w_fire)
                wcnt <= wcnt + 9'd1;
            aw_inflight <= aw_inflight + aw_fire - b_fire;
            w_done <= w_done + w_end - b_fire;
        end
    end

    // ------------------------------------------------------------ AR / R bookkeeping
    reg [7:0]   arq [0:QN-1];
    reg [2:0]   arq_rd = 3'd0, arq_wr = 3'd0;
    reg [3:0]   arq_n = 4'd0;        // accepted ARs not finished (RLAST)
    reg [8:0]   rcnt = 9'd0;
    initial for (i = 0; i < QN; i = i + 1) arq[i] = 8'd0;
    always @(posedge clk) begin
        if (!rst_n) begin
            arq_rd <= 3'd0;  arq_wr <= 3'd0;  arq_n <= 4'd0;  rcnt <= 9'd0;
        end else begin
            if (ar_fire) begin
                arq[arq_wr] <= m_axi_arlen;
                arq_wr <= arq_wr + 3'd1;
            end
            if (r_end)
                arq_rd <= arq_rd + 3'd1;
            arq_n <= arq_n + ar_fire - r_end;
            if (r_end)
                rcnt <= 9'd0;
            else if (r_fire)
                rcnt <= rcnt + 9'd1;
        end
    end

    // ------------------------------------------------------------ loads
    reg           l_act = 1'b0;      // from an accepted ld_cmd to its ld_done
    reg [CW-1:0]  l_len = {CW{1'b0}};
    reg [CW-1:0]  l_cnt = {CW{1'b0}};     // m_axis beats delivered
    reg [33:0]    l_lo = 34'd0, l_hi = 34'd0;
    reg           l_err = 1'b0;      // an R beat of this load with SLVERR/DECERR
    wire [33:0]   ld_lo = {2'b00, ld_base, {LB{1'b0}}};
    wire [33:0]   ld_hi = ld_lo + ({{(34-CW){1'b0}}, ld_len} << LB);
    always @(posedge clk) begin
        if (!rst_n) begin
            l_act <= 1'b0;  l_cnt <= {CW{1'b0}};  l_err <= 1'b0;
        end else begin
            if (ld_done)
                l_act <= 1'b0;
            if (ld_fire) begin
                l_act <= 1'b1;  l_len <= ld_len;  l_cnt <= {CW{1'b0}};  l_err <= 1'b0;
                l_lo <= ld_lo;  l_hi <= ld_hi;
            end else begin
                if (o_fire)
                    l_cnt <= l_cnt + 1'b1;
                if (r_fire && m_axi_rresp[1])
                    l_err <= 1'b1;
            end
        end
    end

    // ------------------------------------------------------------ assumptions
    always @(*) begin
        if (!past_valid)
            assume(!rst_n);                                                     // A1
        if (rst_n && m_axi_bvalid)
            assume(aw_inflight != 0 && w_done != 0 && !m_axi_bid && m_axi_bresp != 2'b01);              // A2
        if (running && p_bvalid && !p_bready)
            assume(m_axi_bvalid && m_axi_bresp == p_bresp);                     // A2
        if (rst_n && m_axi_rvalid)
            assume(arq_n != 0 && !m_axi_rid && m_axi_rresp != 2'b01
                   && m_axi_rlast == ({1'b0, arq[arq_rd]} == rcnt));             // A3
        if (running && p_rvalid && !p_rready)
            assume(m_axi_rvalid && m_axi_rdata == p_rdata && m_axi_rresp == p_rresp
                   && m_axi_rlast == p_rlast);                                  // A3
        if (rst_n && s_fire && !h_act)
            assume(st_hi <= 34'h1_0000_0000);                                   // A4
        if (rst_n && ld_cmd_valid)
            assume(ld_len != 0 && ld_hi <= 34'h1_0000_0000);                    // A4
        // A5 small model (solver time; see the legend): store and load regions start
        // in the first 16 KiB (4 KiB boundaries reachable), st_cap and ld_len < 8
        // beats, data beats (s_axis, RDATA) vary in bit 0 only (the datapath is the
        // same per bit: FIFOs, registers and muxes only)
        assume(st_base[29:12] == 0 && st_cap[CW-1:3] == 0
               && ld_base[29:12] == 0 && ld_len[CW-1:3] == 0
               && s_axis_tdata[8*B-1:1] == 0 && m_axi_rdata[8*B-1:1] == 0);   // A5
    end

    // ------------------------------------------------------------ assertions
    wire [33:0] aw_end = {2'b00, m_axi_awaddr} + (({26'd0, m_axi_awlen} + 34'd1) << LB);
    wire [33:0] ar_end = {2'b00, m_axi_araddr} + (({26'd0, m_axi_arlen} + 34'd1) << LB);
    always @(*) begin
        // D1: no beat from the accepted tlast through the st_done cycle
        if (rst_n && h_tail)
            assert(!s_axis_tready);                                             // D1
        // D2: one st_done per feature, with its length and code
        if (rst_n && st_done)
            assert(h_tail && st_done_len == exp_len && st_done_code == exp_code);  // D2
        // D3: AW, W, AR held until ready; legal requests; W counts; ready behaviour
        if (running && p_awvalid && !p_awready)
            assert(m_axi_awvalid && m_axi_awaddr == p_awaddr && m_axi_awlen == p_awlen
                   && m_axi_awsize == p_awsize && m_axi_awburst == p_awburst
                   && m_axi_awid == p_awid);                                    // D3
        if (running && p_wvalid && !p_wready)
            assert(m_axi_wvalid && m_axi_wdata == p_wdata && m_axi_wstrb == p_wstrb
                   && m_axi_wlast == p_wlast);                                  // D3
        if (running && p_arvalid && !p_arready)
            assert(m_axi_arvalid && m_axi_araddr == p_araddr && m_axi_arlen == p_arlen
                   && m_axi_arsize == p_arsize && m_axi_arburst == p_arburst
                   && m_axi_arid == p_arid);                                    // D3
        if (rst_n && m_axi_awvalid)
            assert(m_axi_awsize == LB && m_axi_awburst == 2'b01 && !m_axi_awid
                   && {24'd0, m_axi_awlen} + 32'd1 <= MAX_BURST
                   && (m_axi_awaddr & (B - 1)) == 0);                           // D3
        if (rst_n && m_axi_arvalid)
            assert(m_axi_arsize == LB && m_axi_arburst == 2'b01 && !m_axi_arid
                   && {24'd0, m_axi_arlen} + 32'd1 <= MAX_BURST
                   && (m_axi_araddr & (B - 1)) == 0);                           // D3
        if (rst_n && m_axi_wvalid)
            assert(m_axi_wstrb == {B{1'b1}});                                   // D3
        if (rst_n && m_axi_wvalid && w_known)
            assert(wcnt <= w_len && m_axi_wlast == (wcnt == w_len));            // D3
        if (rst_n && aw_match_q)
            assert({1'b0, m_axi_awlen} == wq[wq_rd]);                           // D3
        if (rst_n && aw_match_now)
            assert({1'b0, m_axi_awlen} == wcnt);                                // D3
        if (rst_n)
            assert(aw_inflight <= 2 * OUTSTANDING && awq_n <= 2 * OUTSTANDING
                   && wq_n <= 2 && (awq_n == 0 || wq_n == 0)
                   && arq_n <= OUTSTANDING);                                    // D3
        if (rst_n)
            assert(m_axi_bready);                                               // D3
        if (running && !m_axi_rready)
            assert(p_tvalid && !p_tready);                                      // D3
        // D4: write bursts inside the feature's region, none for a dropped feature
        if (rst_n && m_axi_awvalid)
            assert(h_act && !h_drop && {2'b00, m_axi_awaddr} >= h_lo && aw_end <= h_hi
                   && {22'd0, m_axi_awaddr[11:0]} + aw_end - {2'b00, m_axi_awaddr}
                      <= 34'd4096);                                             // D4
        if (rst_n && m_axi_arvalid)
            assert({22'd0, m_axi_araddr[11:0]} + ar_end - {2'b00, m_axi_araddr}
                   <= 34'd4096);                                                // D4
        // D5: m_axis beats of a load
        if (running && p_tvalid && !p_tready)
            assert(m_axis_tvalid && m_axis_tdata == p_tdata
                   && m_axis_tlast == p_tlast);                                 // D5
        if (rst_n && m_axis_tvalid)
            assert(l_act && l_cnt < l_len
                   && m_axis_tlast == (l_cnt + 1'b1 == l_len));                 // D5
        if (rst_n && l_act && !ld_done)
            assert(!ld_cmd_ready);                                              // D5
        if (rst_n && ld_done)
            assert(l_act && l_cnt == l_len
                   && ld_done_code == (l_err ? AXI_ERR : OK));                  // D5
        if (rst_n && ld_err)
            assert(l_act && l_err);                                             // D5
        if (rst_n && m_axi_arvalid)
            assert(l_act && {2'b00, m_axi_araddr} >= l_lo && ar_end <= l_hi);   // D5
    end

    // ------------------------------------------------------------ covers
    always @(*) begin
        cover(rst_n && st_done && h_ndone == 2'd1 && h_b2b && st_done_code == OK
              && st_done_len != 0);                                             // C1
        cover(rst_n && ld_done && ld_done_code == OK && l_len >= 2);            // C2
        cover(rst_n && st_done && st_done_code == AXI_ERR);                     // C3
        cover(rst_n && ld_done && ld_done_code == AXI_ERR && l_len >= 2);       // C4
        cover(running && p_tvalid && !p_tready && m_axis_tvalid);               // C5
    end

    generate
        if (MAX_BURST > 1) begin : c6
            always @(*)
                cover(rst_n && aw_fire
                      && {24'd0, m_axi_awlen} + 32'd1 == MAX_BURST);            // C6
        end
    endgenerate
endmodule
