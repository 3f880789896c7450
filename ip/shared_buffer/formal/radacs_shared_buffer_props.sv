// RADACS IP: formal property harness for the shared buffer (ip/shared_buffer).
//
// Written against the *interface only*: every property is stated on the ports and on
// this module's own observation registers (per-port counts of reads accepted and not
// yet answered, wait counters), never on the DUT's internals, so the same harness
// checks any implementation of the contract in models/shared_buffer.py.
//
// A per-parameter-set top (written by ip/common/formal.py into the build directory)
// instantiates the generated shared buffer and this checker side by side; clk, rst_n,
// every request field and m_rsp_ready are free inputs for the solver.
//
// Parameters
//   P, B, AW, DW, NB   ports, banks, address bits, data bits, byte lanes
//   BB                 bank bits of an address (log2 B; 0 for B = 1)
//   RSP_DEPTH          response credits per port (models.shared_buffer.RSP_DEPTH)
//   LAT                read latency (models.shared_buffer.READ_LATENCY, 2)
//   BOUNDED            1: check the wait bound BOUNDS (rr, wrr); 0: none (fp)
//   CW, BOUNDS         per port i, BOUNDS[i*CW +: CW] = ArbiterModel.wait_bound(i)
//
// Environment assumptions
//   A1  reset in the first cycle; afterwards rst_n is free (every property restarts).
//   A2  a port holds s_req_valid and its request fields stable until s_req_ready.
//   m_rsp_ready is free.
//
// Assertions ("eligible": s_req_valid[i] and (a write, or fewer than RSP_DEPTH reads
// of port i outstanding); "outstanding": reads accepted and not yet popped, counted
// from the pins)
//   P1  at most one request accepted per bank per cycle
//   P2  s_req_ready[i] only for an eligible request (so a port never has more than
//       RSP_DEPTH reads outstanding: no response is ever dropped)
//   P3  work conserving: an eligible port that is not accepted shares its bank with
//       a port that is accepted in the same cycle
//   P4  bounded wait: while port i is eligible and not accepted, the requests of
//       other ports accepted on its bank are at most BOUNDS[i]
//   P5  m_rsp_valid[i] only with a read of port i outstanding
//   P6  a response not accepted is offered again, with the same data
//   P7  latency: a read accepted with nothing outstanding is answered exactly LAT
//       cycles later (m_rsp_valid low in between, high LAT cycles after)
//   P8  in a reset cycle: s_req_ready and m_rsp_valid are low
//
// Covers (non-vacuity)
//   C1[i]  port i accepted
//   C2     two requests accepted in one cycle (B > 1 and P > 1)
//   C3[i]  port i accepted after waiting exactly BOUNDS[i] grants of others (BOUNDED)
//   C4     a response held by backpressure
//   C5     a read waiting for a credit (RSP_DEPTH reads outstanding)
//   C6     a read answered LAT cycles after its handshake
module radacs_shared_buffer_props #(
    parameter integer P = 3,
    parameter integer B = 2,
    parameter integer AW = 3,
    parameter integer BB = 1,
    parameter integer DW = 8,
    parameter integer NB = 1,
    parameter integer RSP_DEPTH = 3,
    parameter integer LAT = 2,
    parameter integer BOUNDED = 1,
    parameter integer CW = 3,
    parameter [P*CW-1:0] BOUNDS = {P*CW{1'b0}}
) (
    input wire            clk,
    input wire            rst_n,
    input wire [P-1:0]    s_req_valid,
    input wire [P-1:0]    s_req_ready,
    input wire [P-1:0]    s_req_we,
    input wire [P*AW-1:0] s_req_addr,
    input wire [P*DW-1:0] s_req_wdata,
    input wire [P*NB-1:0] s_req_wstrb,
    input wire [P-1:0]    m_rsp_valid,
    input wire [P-1:0]    m_rsp_ready,
    input wire [P*DW-1:0] m_rsp_rdata
);
    localparam integer BW = (BB > 0) ? BB : 1;

    reg            past_valid = 1'b0;
    reg            p_rst_n    = 1'b0;
    reg [P-1:0]    p_valid    = {P{1'b0}};
    reg [P-1:0]    p_ready    = {P{1'b0}};
    reg [P-1:0]    p_we       = {P{1'b0}};
    reg [P*AW-1:0] p_addr     = {P*AW{1'b0}};
    reg [P*DW-1:0] p_wdata    = {P*DW{1'b0}};
    reg [P*NB-1:0] p_wstrb    = {P*NB{1'b0}};
    reg [P-1:0]    p_rvalid   = {P{1'b0}};
    reg [P-1:0]    p_rready   = {P{1'b0}};
    reg [P*DW-1:0] p_rdata    = {P*DW{1'b0}};

    always @(posedge clk) begin
        past_valid <= 1'b1;
        p_rst_n    <= rst_n;
        p_valid    <= s_req_valid;
        p_ready    <= s_req_ready;
        p_we       <= s_req_we;
        p_addr     <= s_req_addr;
        p_wdata    <= s_req_wdata;
        p_wstrb    <= s_req_wstrb;
        p_rvalid   <= m_rsp_valid;
        p_rready   <= m_rsp_ready;
        p_rdata    <= m_rsp_rdata;
    end

    wire running = past_valid && p_rst_n && rst_n;
    wire [P-1:0] acc = s_req_valid & s_req_ready;

    always @(*) begin
        if (!past_valid)
            assume(!rst_n);                                         // A1
        if (!rst_n) begin
            assert(s_req_ready == {P{1'b0}});                       // P8
            assert(m_rsp_valid == {P{1'b0}});                       // P8
        end
    end

    // Bank of each port's current address.
    wire [BW-1:0] bank [0:P-1];
    genvar i, j;
    generate
        for (i = 0; i < P; i = i + 1) begin : bk
            if (BB > 0) begin : g
                assign bank[i] = s_req_addr[i*AW +: BW];
            end else begin : g
                assign bank[i] = 1'b0;
            end
        end
    endgenerate

    // P1: no two accepted requests on one bank.
    generate
        for (i = 0; i < P; i = i + 1) begin : p1i
            for (j = i + 1; j < P; j = j + 1) begin : p1j
                always @(*)
                    assert(!(acc[i] && acc[j] && bank[i] == bank[j]));   // P1
            end
        end
    endgenerate

    // C2: two requests accepted at once.
    integer k;
    reg [7:0] nacc;
    always @(*) begin
        nacc = 8'd0;
        for (k = 0; k < P; k = k + 1)
            nacc = nacc + acc[k];
        if (B > 1 && P > 1)
            cover(rst_n && nacc >= 2);                              // C2
    end

    generate
        for (i = 0; i < P; i = i + 1) begin : port
            // A2: request held, fields stable, until accepted.
            always @(*) begin
                if (running && p_valid[i] && !p_ready[i]) begin
                    assume(s_req_valid[i]);
                    assume(s_req_we[i] == p_we[i]);
                    assume(s_req_addr[i*AW +: AW] == p_addr[i*AW +: AW]);
                    assume(s_req_wdata[i*DW +: DW] == p_wdata[i*DW +: DW]);
                    assume(s_req_wstrb[i*NB +: NB] == p_wstrb[i*NB +: NB]);
                end
            end

            // Reads accepted and not yet popped, from the pins.
            reg [3:0] outst = 4'd0;
            wire rd_acc = acc[i] && !s_req_we[i];
            wire pop = m_rsp_valid[i] && m_rsp_ready[i];
            always @(posedge clk) begin
                if (!rst_n)
                    outst <= 4'd0;
                else
                    outst <= outst + rd_acc - pop;
            end
            wire elig = s_req_valid[i] && (s_req_we[i] || outst < RSP_DEPTH);

            // Grants of others on my bank while I am eligible and not accepted.
            reg [CW-1:0] others;
            integer q;
            always @(*) begin
                others = {CW{1'b0}};
                for (q = 0; q < P; q = q + 1)
                    if (q != i && acc[q] && bank[q] == bank[i])
                        others = others + 1'b1;
            end
            reg [CW-1:0] waited = {CW{1'b0}};
            localparam [CW-1:0] BOUND = BOUNDS[i*CW +: CW];
            wire waiting_now = rst_n && elig && !acc[i];
            always @(posedge clk) begin
                if (!waiting_now)
                    waited <= {CW{1'b0}};
                else if (waited + others < waited)
                    waited <= {CW{1'b1}};                       // saturate
                else
                    waited <= waited + others;
            end

            // Fresh read: accepted with nothing outstanding; its response time.
            reg [LAT:1] fresh = {LAT{1'b0}};
            always @(posedge clk) begin
                if (!rst_n)
                    fresh <= {LAT{1'b0}};
                else
                    fresh <= {fresh[LAT-1:1], rd_acc && outst == 4'd0};
            end

            always @(*) begin
                if (rst_n) begin
                    assert(!s_req_ready[i] || elig);                             // P2
                    assert(outst <= RSP_DEPTH);                                   // P2
                    assert(!m_rsp_valid[i] || outst != 4'd0);                     // P5
                    if (elig && !acc[i])
                        assert(others != {CW{1'b0}});                             // P3
                    if (BOUNDED && waiting_now)
                        assert(waited + others <= BOUND);                         // P4
                end
                if (running && p_rvalid[i] && !p_rready[i]) begin
                    assert(m_rsp_valid[i]);                                       // P6
                    assert(m_rsp_rdata[i*DW +: DW] == p_rdata[i*DW +: DW]);       // P6
                end
                if (running && fresh[LAT])
                    assert(m_rsp_valid[i]);                                       // P7
                if (running && fresh[LAT-1:1] != {(LAT-1){1'b0}})
                    assert(!m_rsp_valid[i]);                                      // P7
                cover(rst_n && acc[i]);                                          // C1
                if (BOUNDED)
                    cover(running && acc[i] && waited == BOUND);                 // C3
                cover(running && p_rvalid[i] && !p_rready[i] && m_rsp_valid[i]); // C4
                cover(rst_n && s_req_valid[i] && !s_req_we[i]
                      && outst == RSP_DEPTH);                                     // C5
                cover(running && fresh[LAT] && m_rsp_valid[i]);                  // C6
            end
        end
    endgenerate
endmodule
