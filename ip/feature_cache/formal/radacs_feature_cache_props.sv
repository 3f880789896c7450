// RADACS IP: formal property harness for the feature cache (ip/feature_cache).
//
// Written against the *interface only*: every property is stated on the ports of
// radacs_feature_cache_s<SLOTS>_b<B>_w<W>_t<STEPS> and on this module's own
// observation registers; nothing refers to the DUT's internals.  A passive checker: a
// per-set top (written by ip/common/formal.py) instantiates the generated cache and
// this checker side by side; every DUT input is free for the solver (AXI4-Lite
// included: any CSR write, any time).
//
// Data integrity is checked on one symbolic slot S and one symbolic beat index K
// ($anyconst): the harness records beat K of every store to S and, when the store's
// response says OK, that beat and the store's length; every loaded feature of S must
// then deliver the recorded length and, at index K, the recorded beat.  Loaded
// features of S are matched in order with the HIT responses of S; each HIT response
// snapshots the record (a queue: up to 4 HITs can be answered before their data
// leaves, with 1-beat features: 2 in the output FIFO, 1 read in flight, 1 issuing).
//
// Environment assumptions
//   A1  reset (rst_n low) in the first cycle; rst_n free afterwards
//   A2  prove task: no AXI4-Lite traffic (the proof is about the streams; invalidation
//       and full steps only turn HITs into STALE/MISS answers and are simulated);
//       cover task (FC_COVER): writes to CTRL or STEP only, no reads, data free
//
// Assertions
//   P1  m_axis: a beat offered and not taken is offered again, unchanged
//   P2  st_resp and ld_resp: the same for the response channels
//   P3  no m_axis beat without a HIT response that has not been served yet (a load
//       answered with an error delivers no data)
//   P4  tdest is a slot id (< SLOTS) and constant within a feature
//   P5  every response answers the request: a load response carries the slot of the
//       last accepted request; codes are legal (load: 0,1,2,4; store: 0,3,4)
//   P6  loads return what was stored: the length and beat K of slot S
//   P7  the cycle after a reset: no valid on m_axis, st_resp, ld_resp
//
// Covers
//   C1  a HIT feature of 2+ beats delivered        C4  an OVERFLOW store response
//   C2  a MISS load response                       C5  a store beat and a load beat at once
//   C3  a STALE load response                      C6  an m_axis beat held by backpressure
module radacs_feature_cache_props #(
    parameter integer SLOTS = 2,
    parameter integer DW = 8,
    parameter integer SW = 4
) (
    input wire          clk,
    input wire          rst_n,
    input wire [8:0]    s_axil_awaddr,
    input wire          s_axil_awvalid,
    input wire          s_axil_wvalid,
    input wire          s_axil_arvalid,
    input wire [DW-1:0] s_axis_tdata,
    input wire          s_axis_tvalid,
    input wire          s_axis_tready,
    input wire          s_axis_tlast,
    input wire [3:0]    s_axis_tid,
    input wire          st_resp_valid,
    input wire          st_resp_ready,
    input wire [2:0]    st_resp_code,
    input wire [3:0]    st_resp_slot,
    input wire          s_ld_valid,
    input wire          s_ld_ready,
    input wire [3:0]    s_ld_slot,
    input wire          ld_resp_valid,
    input wire          ld_resp_ready,
    input wire [2:0]    ld_resp_code,
    input wire [3:0]    ld_resp_slot,
    input wire [DW-1:0] m_axis_tdata,
    input wire          m_axis_tvalid,
    input wire          m_axis_tready,
    input wire          m_axis_tlast,
    input wire [3:0]    m_axis_tdest
);
    localparam integer CW = 16;

    (* anyconst *) reg [3:0]  S;
    (* anyconst *) reg [CW-1:0] K;

    reg past_valid = 1'b0;
    reg p_rst_n = 1'b0;
    reg p_mv = 1'b0, p_mr = 1'b0, p_ml = 1'b0;
    reg [DW-1:0] p_md = 0;
    reg [3:0] p_mdest = 0;
    reg p_sv = 1'b0, p_sr = 1'b0;
    reg [2:0] p_sc = 0;
    reg [3:0] p_ss = 0;
    reg p_lv = 1'b0, p_lr = 1'b0;
    reg [2:0] p_lc = 0;
    reg [3:0] p_ls = 0;

    wire st_fire = s_axis_tvalid && s_axis_tready;
    wire ld_req = s_ld_valid && s_ld_ready;
    wire m_fire = m_axis_tvalid && m_axis_tready;
    // A response is *new* in its first cycle of valid (not a held one).
    wire st_new = st_resp_valid && !(p_sv && !p_sr);
    wire ld_new = ld_resp_valid && !(p_lv && !p_lr);

    // ---- observation state -----------------------------------------------------------
    reg [2:0]    credits = 0;       // HIT responses not yet served by a whole feature
    reg          in_feat = 1'b0;    // m_axis inside a feature
    reg [3:0]    feat_dest = 0;
    reg [CW-1:0] m_idx = 0;         // beat index on m_axis
    reg [3:0]    last_req = 0;      // slot of the last accepted load request
    reg          st_in = 1'b0;      // s_axis inside a feature
    reg [3:0]    st_slot = 0;
    reg [CW-1:0] st_idx = 0;
    reg [DW-1:0] pend_d = 0;        // beat K of the store in progress to S
    reg [CW-1:0] pend_len = 0;
    reg          rec_have = 1'b0;   // a complete OK store of S is recorded
    reg [DW-1:0] rec_d = 0;
    reg [CW-1:0] rec_len = 0;
    // Snapshots of the HIT responses of S not yet served, in order.  At most 4 HITs
    // can be ahead of their data: 2 features in the output FIFO, 1 read in flight and
    // the load issuing (1-beat features).
    reg [2:0]    q_n = 0;
    reg [DW-1:0] q_d [0:4];
    reg [CW-1:0] q_l [0:4];
    wire [DW-1:0] q_d0 = q_d[0];
    wire [CW-1:0] q_l0 = q_l[0];
    integer qi;
    initial for (qi = 0; qi < 5; qi = qi + 1) begin q_d[qi] = 0; q_l[qi] = 0; end

    wire st_first = !st_in;
    wire [3:0] st_cur = st_first ? s_axis_tid : st_slot;
    wire [CW-1:0] st_cur_idx = st_first ? 0 : st_idx;
    wire [3:0] m_dest_cur = in_feat ? feat_dest : m_axis_tdest;
    wire [CW-1:0] m_cur_idx = in_feat ? m_idx : 0;
    wire hit_s = ld_new && ld_resp_code == 3'd0 && ld_resp_slot == S;
    wire s_feat_end = m_fire && m_axis_tlast && m_dest_cur == S;

    always @(posedge clk) begin
        past_valid <= 1'b1;
        p_rst_n <= rst_n;
        p_mv <= m_axis_tvalid; p_mr <= m_axis_tready; p_ml <= m_axis_tlast;
        p_md <= m_axis_tdata; p_mdest <= m_axis_tdest;
        p_sv <= st_resp_valid; p_sr <= st_resp_ready; p_sc <= st_resp_code; p_ss <= st_resp_slot;
        p_lv <= ld_resp_valid; p_lr <= ld_resp_ready; p_lc <= ld_resp_code; p_ls <= ld_resp_slot;
        if (!rst_n) begin
            credits <= 0; in_feat <= 1'b0; m_idx <= 0; st_in <= 1'b0; st_idx <= 0;
            rec_have <= 1'b0; q_n <= 0;
        end else begin
            // credits: +1 per new HIT response, -1 per completed feature
            credits <= credits + ((ld_new && ld_resp_code == 3'd0) ? 3'd1 : 3'd0)
                               - ((m_fire && m_axis_tlast) ? 3'd1 : 3'd0);
            if (m_fire) begin
                in_feat <= !m_axis_tlast;
                feat_dest <= m_dest_cur;
                m_idx <= m_axis_tlast ? 0 : m_cur_idx + 1;
            end
            if (ld_req)
                last_req <= s_ld_slot;
            // stores
            if (st_fire) begin
                st_in <= !s_axis_tlast;
                st_slot <= st_cur;
                st_idx <= st_cur_idx + 1;
                if (st_cur == S && st_cur_idx == K)
                    pend_d <= s_axis_tdata;
                if (s_axis_tlast)
                    pend_len <= st_cur_idx + 1;
            end
            if (st_new && st_resp_slot == S && st_resp_code == 3'd0) begin
                rec_have <= 1'b1;
                rec_d <= pend_d;
                rec_len <= pend_len;
            end
            // snapshot queue: push on a HIT of S, pop at the end of a feature of S
            q_n <= q_n + (hit_s ? 3'd1 : 3'd0) - (s_feat_end ? 3'd1 : 3'd0);
            for (qi = 0; qi < 4; qi = qi + 1) begin
                if (s_feat_end) begin
                    q_d[qi] <= q_d[qi + 1];
                    q_l[qi] <= q_l[qi + 1];
                end
            end
            if (hit_s) begin
                q_d[q_n - (s_feat_end ? 3'd1 : 3'd0)] <= rec_d;
                q_l[q_n - (s_feat_end ? 3'd1 : 3'd0)] <= rec_len;
            end
        end
    end

    // ---- assumptions -------------------------------------------------------------------
    always @(*) begin
        if (!past_valid)
            assume (!rst_n);
        assume (S < SLOTS);
        assume (K < SW);
`ifdef FC_COVER
        // A2 (cover task): CSR writes only to CTRL and STEP (enough for invalidate-all
        // and for entering full steps: POLICY keeps its reset value, interval 0, so every
        // step is full); no CSR reads.
        assume (s_axil_awaddr == 9'h000 || s_axil_awaddr == 9'h00C);
        assume (!s_axil_arvalid);
`else
        // A2 (prove task): no CSR traffic at all.  The proof is about the two streams
        // (integrity, no data for an error answer, handshakes, reset); invalidation and
        // full steps, which only turn HITs into STALE/MISS answers, are checked by the
        // simulations and reached by the covers.
        assume (!s_axil_awvalid && !s_axil_wvalid && !s_axil_arvalid);
`endif
    end

    // ---- assertions --------------------------------------------------------------------
    always @(posedge clk) begin
        if (past_valid && p_rst_n && rst_n) begin
            if (p_mv && !p_mr)
                assert (m_axis_tvalid && m_axis_tdata == p_md && m_axis_tlast == p_ml && m_axis_tdest == p_mdest); // P1
            if (p_sv && !p_sr)
                assert (st_resp_valid && st_resp_code == p_sc && st_resp_slot == p_ss); // P2
            if (p_lv && !p_lr)
                assert (ld_resp_valid && ld_resp_code == p_lc && ld_resp_slot == p_ls); // P2
        end
        if (past_valid && !p_rst_n && rst_n)
            assert (!m_axis_tvalid && !st_resp_valid && !ld_resp_valid); // P7
    end

    always @(*) begin
        if (past_valid && rst_n) begin
            if (m_axis_tvalid)
                assert (credits != 0); // P3
            if (m_axis_tvalid) begin
                assert (m_axis_tdest < SLOTS); // P4
                if (in_feat)
                    assert (m_axis_tdest == feat_dest); // P4
            end
            if (ld_new)
                assert (ld_resp_slot == last_req); // P5
            if (ld_resp_valid)
                assert (ld_resp_code == 3'd0 || ld_resp_code == 3'd1 || ld_resp_code == 3'd2 || ld_resp_code == 3'd4); // P5
            if (st_resp_valid)
                assert (st_resp_code == 3'd0 || st_resp_code == 3'd3 || st_resp_code == 3'd4); // P5
            // P6: a feature of S matches the snapshot at the head of the queue
            assert (q_n <= 4); // P6
            if (m_axis_tvalid && m_dest_cur == S) begin
                assert (q_n != 0); // P6
                if (m_cur_idx == K)
                    assert (m_axis_tdata == q_d0); // P6
                assert (m_cur_idx < q_l0); // P6
                if (m_axis_tlast)
                    assert (m_cur_idx + 1 == q_l0); // P6
            end
        end
    end

    // ---- covers ------------------------------------------------------------------------
    always @(posedge clk) begin
        if (past_valid && rst_n) begin
            cover (m_fire && m_axis_tlast && in_feat);                    // C1
            cover (ld_new && ld_resp_code == 3'd1);                       // C2
            cover (ld_new && ld_resp_code == 3'd2);                       // C3
            cover (st_new && st_resp_code == 3'd3);                       // C4
            cover (st_fire && m_fire);                                    // C5
            cover (p_rst_n && p_mv && !p_mr && m_axis_tvalid);            // C6
        end
    end
endmodule
