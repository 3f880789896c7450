// RADACS IP: formal property harness for the arbiter family (ip/arbiter).
//
// Written against the *interface only*: every property below is stated on the
// ports clk, rst_n, req, lock, gnt, gnt_idx, gnt_valid, gnt_ready and on this
// module's own observation registers; nothing refers to the DUT's internals, so
// the same harness checks any implementation of the contract in models/arbiter.py.
//
// The module is a passive checker: a per-parameter-set top (written by
// ip/common/formal.py into the build directory) instantiates the generated
// arbiter and this checker side by side and leaves clk, rst_n, req, lock and
// gnt_ready as free inputs for the solver.
//
// Read with `read_verilog -formal -sv` (immediate assert/assume/cover inside
// always blocks: the subset of the free yosys frontend).
//
// Parameters
//   N        number of requesters (>= 1)
//   IW       width of gnt_idx: clog2(N), 1 for N = 1
//   BOUNDED  1: check the fairness bound BOUNDS (rr, wrr); 0: no bound (fp)
//   CW       width of the wait counters; 2**CW - 1 must exceed every bound
//   BOUNDS   per requester i, BOUNDS[i*CW +: CW] = the most completed grants of
//            others requester i may wait for (rr: N-1; wrr: sum(W) - W[i])
//
// Environment assumptions
//   A1  reset (rst_n low) in the first cycle; afterwards rst_n is free, so reset
//       may also be re-asserted at any time (every property is gated by it).
//   A2  a requester keeps req[i] high until its grant is accepted:
//         req[i] && !(gnt[i] && gnt_ready) |=> req[i]
//       lock and gnt_ready are unconstrained.
//
// Assertions (P1-P4 hold in every cycle, reset included)
//   P1  gnt is one-hot0
//   P2  gnt => req                      (gnt & ~req) == 0
//   P3  gnt_valid == |gnt
//   P4  gnt_idx is the index of gnt, 0 when there is no grant
//   P5  hold:  an offer that is not accepted is offered again in the next cycle
//   P6  burst: a beat accepted with lock[w] high keeps the grant on w in the next
//       cycle while req[w] is high
//   P7  bounded wait: while req[i] is pending (high and not yet accepted), the
//       number of *completed* grants to others (accepted with the winner's lock
//       low: a burst counts once) is at most BOUNDS[i]
//
// Covers (the prove is not vacuous: each must be reachable)
//   C1[i] requester i is granted and accepted
//   C2[i] requester i is accepted after waiting exactly BOUNDS[i] completed
//         grants of others (the bound is tight)             -- BOUNDED only
//   C3    a locked burst of >= 2 beats on one requester
//   C4    an offer is held for >= 1 cycle
module radacs_arbiter_props #(
    parameter integer N = 4,
    parameter integer IW = 2,
    parameter integer BOUNDED = 1,
    parameter integer CW = 4,
    parameter [N*CW-1:0] BOUNDS = {N*CW{1'b0}}
) (
    input wire          clk,
    input wire          rst_n,
    input wire [N-1:0]  req,
    input wire [N-1:0]  lock,
    input wire [N-1:0]  gnt,
    input wire [IW-1:0] gnt_idx,
    input wire          gnt_valid,
    input wire          gnt_ready
);
    // ---------------------------------------------------------------- history
    // Initial values make the checker's own state defined in the first cycle; the
    // DUT's registers start arbitrary and are defined by the reset of A1.
    reg          past_valid = 1'b0;  // a previous cycle exists
    reg          p_rst_n    = 1'b0;  // rst_n of the previous cycle
    reg [N-1:0]  p_req      = {N{1'b0}};
    reg [N-1:0]  p_lock     = {N{1'b0}};
    reg [N-1:0]  p_gnt      = {N{1'b0}};
    reg          p_valid    = 1'b0;
    reg          p_ready    = 1'b0;

    always @(posedge clk) begin
        past_valid <= 1'b1;
        p_rst_n    <= rst_n;
        p_req      <= req;
        p_lock     <= lock;
        p_gnt      <= gnt;
        p_valid    <= gnt_valid;
        p_ready    <= gnt_ready;
    end

    // Out of reset in this and in the previous cycle: the previous cycle's offer
    // and handshake are meaningful for this one.
    wire running = past_valid && p_rst_n && rst_n;

    // A transfer is accepted this cycle; it completes a grant when the winner's
    // lock is low (the last, or only, beat of a burst).
    wire accept   = gnt_valid && gnt_ready;
    wire complete = accept && ((lock & gnt) == {N{1'b0}});

    // ---------------------------------------------------------------- assumptions
    // A1: reset in the first cycle.
    always @(*) begin
        if (!past_valid)
            assume(!rst_n);
    end

    // ---------------------------------------------------------------- P1-P4
    reg [IW-1:0] exp_idx;
    integer k;
    always @(*) begin
        exp_idx = {IW{1'b0}};
        for (k = 0; k < N; k = k + 1)
            if (gnt[k])
                exp_idx = exp_idx | k;
    end

    always @(*) begin
        assert((gnt & (gnt - 1'b1)) == {N{1'b0}});  // P1
        assert((gnt & ~req) == {N{1'b0}});          // P2
        assert(gnt_valid == (|gnt));                // P3
        assert(gnt_idx == exp_idx);                 // P4
    end

    // ---------------------------------------------------------------- P5, P6
    always @(*) begin
        if (running && p_valid && !p_ready)
            assert(gnt == p_gnt);                   // P5
        if (running && p_valid && p_ready && ((p_lock & p_gnt) != {N{1'b0}})
                && ((req & p_gnt) != {N{1'b0}}))
            assert(gnt == p_gnt);                   // P6
    end

    // C3: a locked burst of >= 2 beats; C4: an offer held for >= 1 cycle.
    always @(*) begin
        cover(running && p_valid && p_ready && ((p_lock & p_gnt) != {N{1'b0}})
              && gnt == p_gnt && gnt_ready);        // C3
        cover(running && p_valid && !p_ready && gnt == p_gnt);  // C4
    end

    // ---------------------------------------------------------------- per requester
    genvar i;
    generate
        for (i = 0; i < N; i = i + 1) begin : rq
            // A2: req[i] is held until the grant is accepted.
            always @(*) begin
                if (running && p_req[i] && !(p_gnt[i] && p_ready))
                    assume(req[i]);
            end

            // P7: completed grants of others while req[i] is pending.  The
            // counter saturates, so it cannot wrap back under the bound.
            localparam [CW-1:0] BOUND = BOUNDS[i*CW +: CW];
            reg [CW-1:0] waited = {CW{1'b0}};
            always @(posedge clk) begin
                if (!rst_n || !req[i] || (gnt[i] && gnt_ready))
                    waited <= {CW{1'b0}};
                else if (complete && waited != {CW{1'b1}})
                    waited <= waited + 1'b1;
            end

            always @(*) begin
                if (BOUNDED)
                    assert(waited <= BOUND);        // P7
                cover(rst_n && gnt[i] && gnt_ready);  // C1[i]
                if (BOUNDED)
                    cover(rst_n && req[i] && gnt[i] && gnt_ready && waited == BOUND);  // C2[i]
            end
        end
    endgenerate
endmodule
