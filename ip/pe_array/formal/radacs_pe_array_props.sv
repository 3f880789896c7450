// RADACS IP: formal property harness for the PE array (ip/pe_array).
//
// Written against the *interface only*: every property is stated on the ports of
// radacs_pe_array_r<ROWS>_c<COLS> and on this module's own observation registers;
// nothing refers to the DUT's internals.  A passive checker: a per-set top (written
// by ip/common/formal.py) instantiates the generated array and this checker side by
// side; every DUT input is free for the solver.
//
// Timing contract (ip/pe_array/README.md): a first (in_valid && in_first) or a flush
// (in_flush && !in_valid) driven in cycle n swaps the accumulators into the shadow
// bank at the third rising edge after it: out_swap is high, and out_row shows row 0
// of the finished tile, in cycle n + 3.  sh_en shifts the bank one row towards row 0
// at the edge that samples it (row ROWS-1 takes zeros); a swap at the same edge wins.
//
// The data is observed through zero-ness: PE (r, c) accumulates w[r] * x[c], which is
// zero whenever w[r] or x[c] is zero.  The harness follows, per PE, whether any k of
// the pass had both operands non-zero (nz), delays the operation by the same three
// stages as the contract, moves the flags into a bank of flags at each swap and
// shifts that bank with sh_en.  A PE whose flag is clear must read zero, so the
// properties cover: a flush with no prior pass (or after a flush) leaves zeros, the
// row that appears after i shifts is row i of the tile (its zero pattern), row ROWS-1
// is refilled with zeros, and the bank reads zero after a reset.
//
// Parameters
//   ROWS, COLS  the array's shape
//
// Environment assumptions
//   A1  reset (rst_n low) in the first cycle; rst_n free afterwards.  No other
//       assumption: in_first without in_valid, in_flush with in_valid and sh_en at a
//       swap edge are free too (the contract says what the array does with them).
//
// Assertions
//   P1  out_swap is high exactly 3 cycles after a first/flush (none across a reset)
//   P2  after a reset cycle: out_swap low, out_row zero
//   P3  out_row holds unless out_swap is high or sh_en was high in the previous cycle
//   P4  word c of out_row is zero when shadow PE (0, c) can only hold zero (its
//       pass had no k with both operands non-zero, it came from a flush with no
//       prior pass, it was refilled by a shift, or reset)
//   P5  after ROWS shifts with no swap the bank is empty: out_row is zero
//
// Covers (the prove is not vacuous)
//   C1  out_swap with a non-zero row 0
//   C2  a non-zero row reached by ROWS-1 shifts (ROWS > 1: the last row of a tile)
//   C3  a swap that replaces a non-zero row 0 by zeros (flush of an empty accumulator)
//   C4  swaps in two consecutive cycles
//   C5  a negative word 0 (sign extension of the products)
module radacs_pe_array_props #(
    parameter integer ROWS = 2,
    parameter integer COLS = 2
) (
    input wire                  clk,
    input wire                  rst_n,
    input wire                  in_valid,
    input wire                  in_first,
    input wire                  in_flush,
    input wire [8*ROWS-1:0]     in_w,
    input wire [8*COLS-1:0]     in_x,
    input wire                  sh_en,
    input wire [32*COLS-1:0]    out_row,
    input wire                  out_swap
);
    localparam integer CW = 6;          // shift counter: ROWS <= 32 < 2**CW
    localparam integer N = ROWS * COLS; // PE (r, c) is flag bit r*COLS + c

    reg                  past_valid = 1'b0;
    reg                  p_rst_n = 1'b0;
    reg                  p_sh_en = 1'b0;
    reg                  p_out_swap = 1'b0;
    reg [32*COLS-1:0]    p_out_row = {32*COLS{1'b0}};

    always @(posedge clk) begin
        past_valid <= 1'b1;
        p_rst_n <= rst_n;
        p_sh_en <= sh_en;
        p_out_swap <= out_swap;
        p_out_row <= out_row;
    end

    // Decoded operation of this cycle (the contract's meaning of the strobes).
    wire op_first = in_valid && in_first;
    wire op_acc = in_valid && !in_first;
    wire op_flush = in_flush && !in_valid;

    // Operand non-zero flags.
    wire [ROWS-1:0] w_nz;
    wire [COLS-1:0] x_nz;
    genvar gr, gc;
    generate
        for (gr = 0; gr < ROWS; gr = gr + 1) begin : wnz
            assign w_nz[gr] = in_w[8*gr +: 8] != 8'd0;
        end
        for (gc = 0; gc < COLS; gc = gc + 1) begin : xnz
            assign x_nz[gc] = in_x[8*gc +: 8] != 8'd0;
        end
    endgenerate

    // The operation and its operand flags, delayed to the edge that accumulates
    // (the third edge after the cycle the operation is driven in).
    reg f1 = 1'b0, a1 = 1'b0, l1 = 1'b0;
    reg f2 = 1'b0, a2 = 1'b0, l2 = 1'b0;
    reg swap3 = 1'b0;
    reg [ROWS-1:0] w_nz1 = {ROWS{1'b0}}, w_nz2 = {ROWS{1'b0}};
    reg [COLS-1:0] x_nz1 = {COLS{1'b0}}, x_nz2 = {COLS{1'b0}};
    always @(posedge clk) begin
        w_nz1 <= w_nz;  x_nz1 <= x_nz;
        w_nz2 <= w_nz1; x_nz2 <= x_nz1;
        if (!rst_n) begin
            f1 <= 1'b0; a1 <= 1'b0; l1 <= 1'b0;
            f2 <= 1'b0; a2 <= 1'b0; l2 <= 1'b0;
            swap3 <= 1'b0;
        end else begin
            f1 <= op_first; a1 <= op_acc; l1 <= op_flush;
            f2 <= f1;       a2 <= a1;     l2 <= l1;
            swap3 <= f2 || l2;
        end
    end

    // Per PE: may the product of this k be non-zero?
    wire [N-1:0] k_nz;
    generate
        for (gr = 0; gr < ROWS; gr = gr + 1) begin : kr
            for (gc = 0; gc < COLS; gc = gc + 1) begin : kc
                assign k_nz[gr*COLS + gc] = w_nz2[gr] && x_nz2[gc];
            end
        end
    endgenerate

    // acc_nz: may the accumulator be non-zero; bank_nz: may the shadow be non-zero.
    // shifts: shifts since the last swap (ROWS = the bank is empty; also after reset).
    reg [N-1:0]  acc_nz = {N{1'b0}};
    reg [N-1:0]  bank_nz = {N{1'b0}};
    reg [CW-1:0] shifts = ROWS;
    always @(posedge clk) begin
        if (!rst_n) begin
            acc_nz <= {N{1'b0}};
            bank_nz <= {N{1'b0}};
            shifts <= ROWS;
        end else begin
            if (f2)
                acc_nz <= k_nz;
            else if (l2)
                acc_nz <= {N{1'b0}};
            else if (a2)
                acc_nz <= acc_nz | k_nz;
            if (f2 || l2) begin
                bank_nz <= acc_nz;
                shifts <= {CW{1'b0}};
            end else if (sh_en) begin
                bank_nz <= bank_nz >> COLS;   // row r takes row r+1, row ROWS-1 zeros
                if (shifts != ROWS)
                    shifts <= shifts + 1'b1;
            end
        end
    end

    // ---------------------------------------------------------------- assumptions
    always @(*) begin
        if (!past_valid)
            assume(!rst_n);                                             // A1
    end

    // ---------------------------------------------------------------- assertions
    always @(*) begin
        if (past_valid)
            assert(out_swap == swap3);                                  // P1
        if (past_valid && !p_rst_n)
            assert(!out_swap && out_row == {32*COLS{1'b0}});            // P2
        if (past_valid && p_rst_n && !out_swap && !p_sh_en)
            assert(out_row == p_out_row);                               // P3
        if (past_valid && shifts == ROWS)
            assert(out_row == {32*COLS{1'b0}});                         // P5
    end

    generate
        for (gc = 0; gc < COLS; gc = gc + 1) begin : p4
            always @(*)
                if (past_valid && !bank_nz[gc])
                    assert(out_row[32*gc +: 32] == 32'd0);              // P4
        end
    endgenerate

    // ---------------------------------------------------------------- covers
    always @(*) begin
        cover(past_valid && rst_n && out_swap && out_row != {32*COLS{1'b0}});  // C1
        cover(past_valid && p_rst_n && out_swap && out_row == {32*COLS{1'b0}}
              && p_out_row != {32*COLS{1'b0}});                                 // C3
        cover(past_valid && rst_n && out_swap && p_out_swap);                   // C4
        cover(past_valid && rst_n && out_row[31]);                              // C5
    end

    generate
        if (ROWS > 1) begin : c2
            always @(*)
                cover(past_valid && p_rst_n && p_sh_en && !out_swap
                      && shifts == ROWS - 1 && out_row != {32*COLS{1'b0}});     // C2
        end
    endgenerate
endmodule
