`timescale 1ns/1ps
`default_nettype none
// Test DUT for the co-simulation harness: a model that stops itself.
// Counts enabled cycles after reset; when the count reaches LIMIT it calls $fatal (mode 0) or
// $error (mode 1).
module tdut_fatal #(
    parameter integer LIMIT = 1000
) (
    input  wire        aclk,
    input  wire        aresetn,
    input  wire        en,
    input  wire        mode,
    output reg  [31:0] count_q
);
    always @(posedge aclk) begin
        if (!aresetn) begin
            count_q <= 32'd0;
        end else if (en) begin
            count_q <= count_q + 32'd1;
            if (count_q == LIMIT) begin
                if (mode) $error("tdut_fatal: error at count %0d", count_q);
                else $fatal(1, "tdut_fatal: count reached %0d", count_q);
            end
        end
    end
endmodule
`default_nettype wire
