// Test wrapper: presents vitgen_divider's request and result handshakes as AXI4-Stream so the
// harness's stream drivers can feed it. tdata in = {tag, divisor, dividend}; out = {tag, remainder, quotient}.
`timescale 1ns / 1ps
`default_nettype none
module tdut_divider_axis #(
    parameter integer DIVIDEND_W = 31,
    parameter integer DIVISOR_W  = 31,
    parameter integer TAG_W      = 16,
    parameter integer PIPELINED  = 1,
    parameter integer QUOTIENT_W = DIVIDEND_W
) (
    input  wire                                  aclk,
    input  wire                                  aresetn,
    input  wire [TAG_W+DIVISOR_W+DIVIDEND_W-1:0] s_axis_tdata,
    input  wire                                  s_axis_tvalid,
    output wire                                  s_axis_tready,
    output wire [TAG_W+DIVISOR_W+DIVIDEND_W-1:0] m_axis_tdata,
    output wire                                  m_axis_tvalid,
    input  wire                                  m_axis_tready
);
    wire [DIVIDEND_W-1:0] quotient;
    wire [DIVISOR_W-1:0]  remainder;
    wire [TAG_W-1:0]      tag;

    vitgen_divider #(
        .DIVIDEND_W(DIVIDEND_W), .DIVISOR_W(DIVISOR_W), .TAG_W(TAG_W), .PIPELINED(PIPELINED),
        .QUOTIENT_W(QUOTIENT_W)
    ) u_divider (
        .aclk(aclk), .aresetn(aresetn),
        .in_valid(s_axis_tvalid), .in_ready(s_axis_tready),
        .in_dividend(s_axis_tdata[DIVIDEND_W-1:0]),
        .in_divisor(s_axis_tdata[DIVISOR_W+DIVIDEND_W-1:DIVIDEND_W]),
        .in_tag(s_axis_tdata[TAG_W+DIVISOR_W+DIVIDEND_W-1:DIVISOR_W+DIVIDEND_W]),
        .out_valid(m_axis_tvalid), .out_ready(m_axis_tready),
        .out_quotient(quotient), .out_remainder(remainder), .out_tag(tag)
    );

    assign m_axis_tdata = {tag, remainder, quotient};
endmodule
`default_nettype wire
