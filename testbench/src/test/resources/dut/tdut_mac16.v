`timescale 1ns/1ps
`default_nettype none
// Benchmark DUT for the co-simulation harness: a 16x16 array of int8 multiply-accumulates.
//   s_axis_tdata[8*i +: 8]       = a[i] (int8), i = 0..15
//   s_axis_tdata[128 + 8*j +: 8] = b[j] (int8), j = 0..15
//   every accepted beat: acc[i][j] += a[i] * b[j] (32-bit); tlast ends a row: the 256 sums move
//   to a drain bank (acc restarts from zero) and leave one per beat on the 32-bit m_axis, index
//   i*16+j, tlast on the last. Input stalls only when a row ends before the previous drain did.
module tdut_mac16 (
    input  wire         aclk,
    input  wire         aresetn,
    input  wire [255:0] s_axis_tdata,
    input  wire         s_axis_tlast,
    input  wire         s_axis_tvalid,
    output wire         s_axis_tready,
    output wire [31:0]  m_axis_tdata,
    output wire         m_axis_tlast,
    output wire         m_axis_tvalid,
    input  wire         m_axis_tready
);
    reg  [31:0] acc_q   [0:255];
    reg  [31:0] drain_q [0:255];
    reg  [7:0]  drain_idx_q;
    reg         draining_q;

    wire take     = s_axis_tvalid && s_axis_tready;
    wire out_fire = m_axis_tvalid && m_axis_tready;
    wire drain_done = out_fire && drain_idx_q == 8'd255;

    assign s_axis_tready = !(draining_q && !drain_done) || !s_axis_tlast;

    genvar gi, gj;
    generate
        for (gi = 0; gi < 16; gi = gi + 1) begin : gen_row
            for (gj = 0; gj < 16; gj = gj + 1) begin : gen_col
                wire signed [7:0]  a_i  = s_axis_tdata[8*gi +: 8];
                wire signed [7:0]  b_j  = s_axis_tdata[128 + 8*gj +: 8];
                wire signed [15:0] prod = a_i * b_j;
                wire [31:0]        sum  = acc_q[gi*16+gj] + {{16{prod[15]}}, prod};
                always @(posedge aclk) begin
                    if (!aresetn) begin
                        acc_q[gi*16+gj] <= 32'd0;
                    end else if (take) begin
                        acc_q[gi*16+gj] <= s_axis_tlast ? 32'd0 : sum;
                        if (s_axis_tlast) drain_q[gi*16+gj] <= sum;
                    end
                end
            end
        end
    endgenerate

    always @(posedge aclk) begin
        if (!aresetn) begin
            draining_q  <= 1'b0;
            drain_idx_q <= 8'd0;
        end else begin
            if (out_fire) drain_idx_q <= drain_idx_q + 8'd1;
            if (take && s_axis_tlast) begin
                draining_q  <= 1'b1;
                drain_idx_q <= 8'd0;
            end else if (drain_done) begin
                draining_q <= 1'b0;
            end
        end
    end

    assign m_axis_tdata  = drain_q[drain_idx_q];
    assign m_axis_tvalid = draining_q;
    assign m_axis_tlast  = drain_idx_q == 8'd255;
endmodule
`default_nettype wire
