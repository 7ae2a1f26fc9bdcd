// ============================================================================================
// vitgen_test_copy_unit - a test-only compute unit for the accelerator top's unit contract
// (docs/top-units.md); not part of any generated design.
//
// Takes GELU-shaped commands (argument 0 the input operand, 1 the output operand, 2 [15:0] rows and
// [31:16] row bytes) and writes every input byte plus one to the output region: one read
// descriptor on channel x, one write descriptor on channel o, beats passed through. Flag bit 0
// (i-GELU) is "not generated for this variant": err bit 1 and done without moving data.
// Ports: the command port and channels x (read) and o (write) of the contract, BB bytes a beat.
// Latency: descriptors the cycle after the command, one beat a cycle, done with the status beat.
// ============================================================================================
`timescale 1ns / 1ps
`default_nettype none

module vitgen_test_copy_unit #(
    parameter integer BB = 16
) (
    input  wire            aclk,
    input  wire            aresetn,
    input  wire [551:0]    cmd_tdata,
    input  wire            cmd_tvalid,
    output wire            cmd_tready,
    output reg             done,
    output reg  [5:0]      err,
    output wire            busy,
    output wire [99:0]     x_rd_desc_tdata,
    output wire            x_rd_desc_tvalid,
    input  wire            x_rd_desc_tready,
    input  wire [BB*8-1:0] x_rd_tdata,
    input  wire [BB-1:0]   x_rd_tkeep,
    input  wire            x_rd_tlast,
    input  wire            x_rd_tvalid,
    output wire            x_rd_tready,
    output wire [99:0]     o_wr_desc_tdata,
    output wire            o_wr_desc_tvalid,
    input  wire            o_wr_desc_tready,
    output wire [BB*8-1:0] o_wr_tdata,
    output wire            o_wr_tlast,
    output wire            o_wr_tvalid,
    input  wire            o_wr_tready,
    input  wire [0:0]      o_wr_sts_tdata,
    input  wire            o_wr_sts_tvalid,
    output wire            o_wr_sts_tready
);
    localparam [1:0] S_IDLE = 2'd0, S_DESC = 2'd1, S_DATA = 2'd2, S_STS = 2'd3;
    reg [1:0]  state;
    reg [99:0] rdesc, wdesc;
    reg        rd_sent, wr_sent;

    wire [63:0] a_in  = cmd_tdata[40 +: 64];
    wire [63:0] a_out = cmd_tdata[104 +: 64];
    wire [63:0] a_dim = cmd_tdata[168 +: 64];
    wire        take  = cmd_tvalid && cmd_tready;

    assign cmd_tready = state == S_IDLE;
    assign busy = state != S_IDLE;
    assign x_rd_desc_tdata = rdesc;
    assign x_rd_desc_tvalid = state == S_DESC && !rd_sent;
    assign o_wr_desc_tdata = wdesc;
    assign o_wr_desc_tvalid = state == S_DESC && !wr_sent;
    genvar g;
    generate
        for (g = 0; g < BB; g = g + 1) begin : g_lane
            assign o_wr_tdata[g * 8 +: 8] = x_rd_tdata[g * 8 +: 8] + 8'd1;
        end
    endgenerate
    assign o_wr_tlast = x_rd_tlast;
    assign o_wr_tvalid = state == S_DATA && x_rd_tvalid;
    assign x_rd_tready = state == S_DATA && o_wr_tready;
    assign o_wr_sts_tready = state == S_STS;

    always @(posedge aclk) begin
        done <= 1'b0;
        err <= 6'd0;
        if (!aresetn) begin
            state <= S_IDLE;
            rdesc <= 100'd0;
            wdesc <= 100'd0;
            rd_sent <= 1'b0;
            wr_sent <= 1'b0;
        end else begin
            case (state)
                S_IDLE: if (take) begin
                    if (cmd_tdata[8]) begin
                        err <= 6'b000010;
                        done <= 1'b1;
                    end else begin
                        rdesc <= {a_in[63:40], 8'd0, a_dim[31:16], a_dim[15:0], a_in[39:8], a_in[3:0]};
                        wdesc <= {a_out[63:40], 8'd0, a_dim[31:16], a_dim[15:0], a_out[39:8], a_out[3:0]};
                        rd_sent <= 1'b0;
                        wr_sent <= 1'b0;
                        state <= S_DESC;
                    end
                end
                S_DESC: begin
                    if (x_rd_desc_tready) rd_sent <= 1'b1;
                    if (o_wr_desc_tready) wr_sent <= 1'b1;
                    if ((rd_sent || x_rd_desc_tready) && (wr_sent || o_wr_desc_tready)) state <= S_DATA;
                end
                S_DATA: if (x_rd_tvalid && o_wr_tready && x_rd_tlast) state <= S_STS;
                S_STS: if (o_wr_sts_tvalid) begin
                    state <= S_IDLE;
                    done <= 1'b1;
                end
                default: state <= S_IDLE;
            endcase
        end
    end

    wire unused = ^{cmd_tdata[551:232], cmd_tdata[39:9], cmd_tdata[7:0], a_in[7:4], a_out[7:4], a_dim[63:32],
                    x_rd_tkeep, o_wr_sts_tdata};
endmodule

`default_nettype wire
