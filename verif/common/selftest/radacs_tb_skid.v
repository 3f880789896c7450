// Test fixture for the verif/common stream BFMs (not an IP): a two-entry AXI-Stream
// skid buffer.  It registers tready, so s_axis_tready never depends on m_axis_tready
// in the same cycle, and it holds data until accepted -- the behaviours the source,
// sink and monitor BFMs must cope with.  INJECT_DROP=1 loses every 7th beat, so the
// self-test can prove that its checker fails.
`timescale 1ns/1ps
module radacs_tb_skid #(
    parameter integer W = 8,
    parameter integer INJECT_DROP = 0
) (
    input  wire         clk,
    input  wire         rst_n,
    input  wire [W-1:0] s_axis_tdata,
    input  wire         s_axis_tlast,
    input  wire         s_axis_tvalid,
    output wire         s_axis_tready,
    output wire [W-1:0] m_axis_tdata,
    output wire         m_axis_tlast,
    output wire         m_axis_tvalid,
    input  wire         m_axis_tready
);
    reg [W:0] main_q, skid_q;
    reg       main_v_q, skid_v_q;
    reg [2:0] cnt_q;
    assign s_axis_tready = !skid_v_q;
    assign m_axis_tvalid = main_v_q;
    assign m_axis_tdata  = main_q[W-1:0];
    assign m_axis_tlast  = main_q[W];
    wire in_fire  = s_axis_tvalid && s_axis_tready;
    wire out_fire = m_axis_tvalid && m_axis_tready;
    wire drop     = (INJECT_DROP != 0) && (cnt_q == 3'd6);
    always @(posedge clk or negedge rst_n) begin
        if (!rst_n) begin
            main_v_q <= 1'b0; skid_v_q <= 1'b0; cnt_q <= 3'd0;
            main_q <= {(W+1){1'b0}}; skid_q <= {(W+1){1'b0}};
        end else begin
            if (in_fire) cnt_q <= (cnt_q == 3'd6) ? 3'd0 : cnt_q + 3'd1;
            if (out_fire || !main_v_q) begin
                if (skid_v_q) begin
                    main_q <= skid_q; main_v_q <= 1'b1; skid_v_q <= 1'b0;
                end else if (in_fire && !drop) begin
                    main_q <= {s_axis_tlast, s_axis_tdata}; main_v_q <= 1'b1;
                end else begin
                    main_v_q <= 1'b0;
                end
            end else if (in_fire && !drop) begin
                skid_q <= {s_axis_tlast, s_axis_tdata}; skid_v_q <= 1'b1;
            end
        end
    end
endmodule
