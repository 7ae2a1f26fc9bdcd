`timescale 1ns/1ps
`default_nettype none
// Test DUT for the co-simulation harness: two input streams joined, two output streams forked.
// A pair (a, b) is taken when both inputs are valid and both output registers can load;
// m_axis_sum carries a + b (W+1 bits), m_axis_diff a - b (W+1 bits, two's complement), each
// with tlast = s_axis_a_tlast, each drained independently.
module tdut_join_fork #(
    parameter integer W = 16
) (
    input  wire         aclk,
    input  wire         aresetn,
    input  wire [W-1:0] s_axis_a_tdata,
    input  wire         s_axis_a_tlast,
    input  wire         s_axis_a_tvalid,
    output wire         s_axis_a_tready,
    input  wire [W-1:0] s_axis_b_tdata,
    input  wire         s_axis_b_tvalid,
    output wire         s_axis_b_tready,
    output reg  [W:0]   m_axis_sum_tdata,
    output reg          m_axis_sum_tlast,
    output reg          m_axis_sum_tvalid,
    input  wire         m_axis_sum_tready,
    output reg  [W:0]   m_axis_diff_tdata,
    output reg          m_axis_diff_tlast,
    output reg          m_axis_diff_tvalid,
    input  wire         m_axis_diff_tready
);
    wire outs_free = (!m_axis_sum_tvalid || m_axis_sum_tready) && (!m_axis_diff_tvalid || m_axis_diff_tready);
    wire take      = s_axis_a_tvalid && s_axis_b_tvalid && outs_free;

    assign s_axis_a_tready = s_axis_b_tvalid && outs_free;
    assign s_axis_b_tready = s_axis_a_tvalid && outs_free;

    always @(posedge aclk) begin
        if (!aresetn) begin
            m_axis_sum_tvalid  <= 1'b0;
            m_axis_diff_tvalid <= 1'b0;
        end else begin
            if (take) m_axis_sum_tvalid <= 1'b1;
            else if (m_axis_sum_tready) m_axis_sum_tvalid <= 1'b0;
            if (take) m_axis_diff_tvalid <= 1'b1;
            else if (m_axis_diff_tready) m_axis_diff_tvalid <= 1'b0;
        end
    end

    always @(posedge aclk) begin
        if (take) begin
            m_axis_sum_tdata  <= {1'b0, s_axis_a_tdata} + {1'b0, s_axis_b_tdata};
            m_axis_diff_tdata <= {1'b0, s_axis_a_tdata} - {1'b0, s_axis_b_tdata};
            m_axis_sum_tlast  <= s_axis_a_tlast;
            m_axis_diff_tlast <= s_axis_a_tlast;
        end
    end
endmodule
`default_nettype wire
