// RADACS IP: formal property harness for the AXI4 masters (ip/axi).
//
// Written against the *interface only*: every property is stated on the ports of
// the read master (KIND = 0) or of the write master (KIND = 1) and on this module's
// own observation registers; nothing refers to the DUT's internals.  A passive
// checker: a per-set top (written by ip/common/formal.py) instantiates the generated
// master and this checker side by side; every DUT input is free for the solver.
//
// Parameters
//   KIND        0 read master, 1 write master
//   B, LB       bytes per beat and log2(B)
//   MAX_BURST   longest burst in beats
//   OUTSTANDING bursts in flight at most
//
// Environment assumptions (a legal AXI slave, a legal command source)
//   A1  reset (rst_n low) in the first cycle; rst_n free afterwards
//   A2  the slave holds RVALID (read) / BVALID (write) until accepted
//   A3  read: an R beat only while a burst is outstanding (requests accepted minus
//       bursts finished with RLAST > 0)
//   A4  write: a B response only for a burst whose address was accepted and whose
//       W beats (WLAST) were all sent
//
// Assertions (A = AR for the read master, AW for the write master)
//   P1  AVALID && !AREADY |=> AVALID with the same ADDR, LEN, SIZE, BURST
//   P2  every request: ADDR[11:0] + (LEN+1)*B <= 4096 (no 4 KiB crossing)
//   P3  every request: LEN + 1 <= MAX_BURST, SIZE == LB, BURST == INCR, ADDR B-aligned
//   P4  bursts in flight (requests accepted minus RLAST / B responses) <= OUTSTANDING
//   P5  read: m_axis_tvalid && !m_axis_tready |=> same beat;
//       write: WVALID && !WREADY |=> same W beat
//   P6  one command at a time: cmd_ready is low from an accepted command until its
//       done, and done comes only for an accepted command
//   P7  a bad command (zero rows/row_bytes, addr/stride not B-aligned) gives done
//       with status 1 in the next cycle and no request
//   P8  write: WSTRB is a non-empty run of low lanes (2^k - 1, k >= 1)
//
// Covers (the prove is not vacuous)
//   C1  a request of MAX_BURST beats is accepted
//   C2  a request ends exactly at a 4 KiB boundary with fewer than MAX_BURST beats
//       (MAX_BURST > 1 only)
//   C3  OUTSTANDING bursts in flight
//   C4  done with status 0;  C5  done with status 1
module radacs_axi_props #(
    parameter integer KIND = 0,
    parameter integer B = 4,
    parameter integer LB = 2,
    parameter integer MAX_BURST = 4,
    parameter integer OUTSTANDING = 2
) (
    input wire          clk,
    input wire          rst_n,
    input wire          cmd_valid,
    input wire          cmd_ready,
    input wire [31:0]   cmd_addr,
    input wire [23:0]   cmd_row_bytes,
    input wire [23:0]   cmd_rows,
    input wire [31:0]   cmd_stride,
    input wire          done,
    input wire [1:0]    status,
    // address channel (AR or AW)
    input wire [31:0]   a_addr,
    input wire [7:0]    a_len,
    input wire [2:0]    a_size,
    input wire [1:0]    a_burst,
    input wire          a_valid,
    input wire          a_ready,
    // response: read R (valid, ready, last); write B (valid, ready)
    input wire          resp_valid,
    input wire          resp_ready,
    input wire          resp_last,
    // data held until accepted: read m_axis, write W
    input wire          d_valid,
    input wire          d_ready,
    input wire          d_last,
    input wire [B-1:0]  d_strb,
    // write W handshake (WLAST) for A4; tied off for the read master
    input wire          w_fire_last
);
    localparam integer CW = 6;  // counters: OUTSTANDING <= 16 < 2**CW

    reg          past_valid = 1'b0;
    reg          p_rst_n = 1'b0;
    reg          p_a_valid = 1'b0, p_a_ready = 1'b0;
    reg [31:0]   p_a_addr = 32'd0;
    reg [7:0]    p_a_len = 8'd0;
    reg [2:0]    p_a_size = 3'd0;
    reg [1:0]    p_a_burst = 2'd0;
    reg          p_d_valid = 1'b0, p_d_ready = 1'b0, p_d_last = 1'b0;
    reg [B-1:0]  p_d_strb = {B{1'b0}};
    reg          p_resp_valid = 1'b0, p_resp_ready = 1'b0;

    always @(posedge clk) begin
        past_valid <= 1'b1;
        p_rst_n <= rst_n;
        p_a_valid <= a_valid;  p_a_ready <= a_ready;
        p_a_addr <= a_addr;    p_a_len <= a_len;
        p_a_size <= a_size;    p_a_burst <= a_burst;
        p_d_valid <= d_valid;  p_d_ready <= d_ready;
        p_d_last <= d_last;    p_d_strb <= d_strb;
        p_resp_valid <= resp_valid;  p_resp_ready <= resp_ready;
    end

    wire running = past_valid && p_rst_n && rst_n;
    wire a_fire = a_valid && a_ready;
    // A burst finishes with its last R beat (read) or its B response (write).
    wire finish = resp_valid && resp_ready && (KIND == 1 || resp_last);

    // Bursts in flight on the bus; write: bursts whose W beats are all sent.
    reg [CW-1:0] inflight = {CW{1'b0}};
    reg [CW-1:0] w_done = {CW{1'b0}};
    always @(posedge clk) begin
        if (!rst_n) begin
            inflight <= {CW{1'b0}};
            w_done <= {CW{1'b0}};
        end else begin
            inflight <= inflight + a_fire - finish;
            w_done <= w_done + w_fire_last - (KIND == 1 ? finish : 1'b0);
        end
    end

    // Command tracking: pending from handshake to done; bad commands.
    wire bad = cmd_rows == 24'd0 || cmd_row_bytes == 24'd0
               || (cmd_addr & (B - 1)) != 0 || (cmd_stride & (B - 1)) != 0;
    reg pending = 1'b0;
    reg bad_next = 1'b0;   // a bad command was accepted in the previous cycle
    always @(posedge clk) begin
        if (!rst_n) begin
            pending <= 1'b0;
            bad_next <= 1'b0;
        end else begin
            bad_next <= cmd_valid && cmd_ready && bad;
            if (cmd_valid && cmd_ready && !bad)
                pending <= 1'b1;
            else if (done)
                pending <= 1'b0;
        end
    end

    // ---------------------------------------------------------------- assumptions
    always @(*) begin
        if (!past_valid)
            assume(!rst_n);                                             // A1
        if (running && p_resp_valid && !p_resp_ready)
            assume(resp_valid);                                         // A2
        if (rst_n && KIND == 0 && resp_valid)
            assume(inflight != 0);                                      // A3
        if (rst_n && KIND == 1 && resp_valid)
            assume(inflight != 0 && w_done != 0);                       // A4
    end

    // ---------------------------------------------------------------- assertions
    always @(*) begin
        if (running && p_a_valid && !p_a_ready)
            assert(a_valid && a_addr == p_a_addr && a_len == p_a_len
                   && a_size == p_a_size && a_burst == p_a_burst);     // P1
        if (rst_n && a_valid) begin
            assert({20'd0, a_addr[11:0]} + (({24'd0, a_len} + 32'd1) << LB) <= 32'd4096);  // P2
            assert({24'd0, a_len} + 32'd1 <= MAX_BURST);                // P3
            assert(a_size == LB && a_burst == 2'b01 && (a_addr & (B - 1)) == 0);  // P3
        end
        if (rst_n)
            assert(inflight <= OUTSTANDING);                            // P4
        if (running && p_d_valid && !p_d_ready)
            assert(d_valid && d_last == p_d_last && d_strb == p_d_strb);  // P5
        if (rst_n && pending && !done)
            assert(!cmd_ready);                                         // P6
        if (rst_n && done)
            assert(pending || bad_next);                                // P6
        if (rst_n && bad_next)
            assert(done && status == 2'd1);                             // P7
        if (rst_n && !pending)
            assert(!a_valid);                                           // P7 (no request without a good command)
        if (KIND == 1 && rst_n && d_valid)
            assert(d_strb != 0 && (d_strb & (d_strb + 1'b1)) == 0);     // P8
    end

    // ---------------------------------------------------------------- covers
    always @(*) begin
        cover(rst_n && a_fire && {24'd0, a_len} + 32'd1 == MAX_BURST);          // C1
        cover(rst_n && inflight == OUTSTANDING);                                 // C3
        cover(rst_n && done && status == 2'd0);                                  // C4
        cover(rst_n && done && status == 2'd1);                                  // C5
    end

    generate
        if (MAX_BURST > 1) begin : c2
            always @(*)
                cover(rst_n && a_fire && {24'd0, a_len} + 32'd1 < MAX_BURST
                      && {20'd0, a_addr[11:0]} + (({24'd0, a_len} + 32'd1) << LB)
                         == 32'd4096);                                             // C2
        end
    endgenerate
endmodule
