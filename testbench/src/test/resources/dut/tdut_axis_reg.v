`timescale 1ns/1ps
`default_nettype none
// Test DUT for the co-simulation harness: a two-entry AXI4-Stream register slice (skid buffer)
// carrying tdata, tkeep, tuser and tlast. With BREAK_CONTRACT=1 it changes m_axis_tdata while the
// output is stalled, which the harness's stream monitor must report.
module tdut_axis_reg #(
    parameter integer DATA_W = 32,
    parameter integer KEEP_W = 4,
    parameter integer USER_W = 3,
    parameter integer BREAK_CONTRACT = 0
) (
    input  wire              aclk,
    input  wire              aresetn,
    input  wire [DATA_W-1:0] s_axis_tdata,
    input  wire [KEEP_W-1:0] s_axis_tkeep,
    input  wire [USER_W-1:0] s_axis_tuser,
    input  wire              s_axis_tlast,
    input  wire              s_axis_tvalid,
    output wire              s_axis_tready,
    output wire [DATA_W-1:0] m_axis_tdata,
    output wire [KEEP_W-1:0] m_axis_tkeep,
    output wire [USER_W-1:0] m_axis_tuser,
    output wire              m_axis_tlast,
    output wire              m_axis_tvalid,
    input  wire              m_axis_tready
);
    localparam integer BEAT_W = DATA_W + KEEP_W + USER_W + 1;

    reg [BEAT_W-1:0] out_q;
    reg [BEAT_W-1:0] skid_q;
    reg              out_valid_q;
    reg              skid_valid_q;
    reg [7:0]        stall_count_q;

    wire [BEAT_W-1:0] in_beat = {s_axis_tlast, s_axis_tuser, s_axis_tkeep, s_axis_tdata};
    wire              out_ready = m_axis_tready || !out_valid_q;

    assign s_axis_tready = !skid_valid_q;

    always @(posedge aclk) begin
        if (!aresetn) begin
            out_valid_q  <= 1'b0;
            skid_valid_q <= 1'b0;
        end else begin
            if (out_ready) begin
                out_valid_q  <= skid_valid_q || s_axis_tvalid;
                skid_valid_q <= 1'b0;
            end else if (s_axis_tvalid && s_axis_tready) begin
                skid_valid_q <= 1'b1;
            end
        end
    end

    always @(posedge aclk) begin
        if (out_ready) begin
            out_q <= skid_valid_q ? skid_q : in_beat;
        end else if (BREAK_CONTRACT != 0 && stall_count_q == 8'd3) begin
            out_q <= out_q ^ {{(BEAT_W-1){1'b0}}, 1'b1};
        end
        if (s_axis_tvalid && s_axis_tready && !out_ready) begin
            skid_q <= in_beat;
        end
        stall_count_q <= (out_valid_q && !m_axis_tready) ? stall_count_q + 8'd1 : 8'd0;
    end

    assign {m_axis_tlast, m_axis_tuser, m_axis_tkeep, m_axis_tdata} = out_q;
    assign m_axis_tvalid = out_valid_q;
endmodule
`default_nettype wire
