`timescale 1ns/1ps
`default_nettype none
// Test DUT for the co-simulation harness: ports of any width round-trip.
//   y_comb = ~a (combinational), sum_q = a + b registered, both WIDTH bits wide.
//   zero_q: a register without reset, to observe random initial state.
module tdut_wide #(
    parameter integer WIDTH = 100
) (
    input  wire             aclk,
    input  wire             aresetn,
    input  wire [WIDTH-1:0] a,
    input  wire [WIDTH-1:0] b,
    output wire [WIDTH-1:0] y_comb,
    output reg  [WIDTH-1:0] sum_q,
    output reg  [63:0]      noreset_q
);
    assign y_comb = ~a;

    always @(posedge aclk) begin
        if (!aresetn) begin
            sum_q <= {WIDTH{1'b0}};
        end else begin
            sum_q <= a + b;
        end
    end

    // Deliberately never reset: its value after construction shows the initial-state policy.
    always @(posedge aclk) begin
        noreset_q <= noreset_q;
    end
endmodule
`default_nettype wire
