package io.vitgen.gelu;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.vitgen.emit.Emitter;
import io.vitgen.hw.ModuleSpec;
import io.vitgen.hw.gelu.IGeluUnit;
import io.vitgen.hw.gelu.ShiftGeluUnit;
import io.vitgen.sim.VerilatedModel;

/**
 * Builds a GELU unit for co-simulation inside a thin test wrapper that takes the unit's run-time
 * constants from {@code s_axis_tuser}. Every beat of a row carries the row's constants in tuser,
 * so the constants change from row to row at full speed under random stalls; a test may also put
 * junk in tuser on every beat but the first, which the unit must ignore (it samples the constants
 * with the first beat of a row only).
 *
 * <p>The ShiftGELU wrapper also brings out {@code status_length_error}.
 *
 * <p>tuser layouts: ShiftGELU {@code {k[5:0], m[31:0], x[6:0]}} (int16: {@code x} only); i-GELU
 * {@code {k, m, sel[3:0]}} where {@code sel} picks one of up to 16 constant sets {b, c, one} the
 * wrapper holds in a table (the 128 bits of b, c, one, m, k do not fit a 64-bit tuser).
 */
final class GeluDut {

    private GeluDut() {
    }

    /** tuser of one ShiftGELU row. */
    static long shiftUser(long x, long m, int k, boolean int8) {
        if (!int8) {
            return x;
        }
        return ((long) k << 39) | ((m & 0xFFFF_FFFFL) << 7) | x;
    }

    /** tuser of one i-GELU row: constant set {@code sel}, requantization m/k. */
    static long polyUser(int sel, long m, int k, boolean int8) {
        if (!int8) {
            return sel;
        }
        return ((long) k << 36) | ((m & 0xFFFF_FFFFL) << 4) | sel;
    }

    static VerilatedModel shiftGelu(int lanes, int maxRow, boolean int8) {
        ModuleSpec unit = ShiftGeluUnit.spec(lanes, maxRow, int8);
        String name = "shiftgelu-l" + lanes + "-r" + maxRow + (int8 ? "-int8" : "-int16");
        int outW = ShiftGeluUnit.outputBits(int8);
        int userW = int8 ? 45 : 7;
        String cfg = int8
                ? "        .cfg_x         (s_axis_tuser[6:0]),\n"
                + "        .cfg_m         (s_axis_tuser[38:7]),\n"
                + "        .cfg_k         (s_axis_tuser[44:39]),\n"
                : "        .cfg_x         (s_axis_tuser),\n";
        String wrapper = wrapper("tdut_shiftgelu", "vitgen_shiftgelu", lanes, outW, userW,
                "        .MAX_ROW       (" + maxRow + ")", cfg, "", true);
        return build(unit, name, "tdut_shiftgelu", wrapper);
    }

    static VerilatedModel iGelu(int lanes, boolean int8, List<IGeluUnit.Cfg> table) {
        if (table.isEmpty() || table.size() > 16) {
            throw new IllegalArgumentException("1..16 constant sets, got " + table.size());
        }
        ModuleSpec unit = IGeluUnit.spec(lanes, int8);
        String name = "igelu-l" + lanes + (int8 ? "-int8" : "-raw");
        int outW = IGeluUnit.outputBits(int8);
        int userW = int8 ? 42 : 4;
        StringBuilder rom = new StringBuilder();
        rom.append("    // Constant sets, selected by tuser[3:0].\n");
        rom.append("    reg [20:0] cfg_b;\n    reg [40:0] cfg_c;\n    reg [27:0] cfg_one;\n\n");
        rom.append("    always @(*) begin\n        case (s_axis_tuser[3:0])\n");
        for (int i = 0; i < 16; i++) {
            IGeluUnit.Cfg c = table.get(Math.min(i, table.size() - 1));
            rom.append("            4'd").append(i).append(": begin cfg_b = ").append(lit(21, c.b()))
                    .append("; cfg_c = ").append(lit(41, c.c())).append("; cfg_one = ").append(lit(28, c.one()))
                    .append("; end\n");
        }
        rom.append("            default: begin cfg_b = 21'd0; cfg_c = 41'd0; cfg_one = 28'd0; end\n");
        rom.append("        endcase\n    end\n\n");
        String cfg = "        .cfg_b         (cfg_b),\n        .cfg_c         (cfg_c),\n        .cfg_one       (cfg_one),\n"
                + (int8 ? "        .cfg_m         (s_axis_tuser[35:4]),\n        .cfg_k         (s_axis_tuser[41:36]),\n" : "");
        String wrapper = wrapper("tdut_igelu", "vitgen_igelu", lanes, outW, userW, null, cfg, rom.toString(), false);
        return build(unit, name + "-t" + Integer.toHexString(table.hashCode()), "tdut_igelu", wrapper);
    }

    /** A two's complement literal of {@code bits} bits. */
    private static String lit(int bits, long value) {
        long mask = bits == 64 ? -1L : (1L << bits) - 1;
        return bits + "'h" + Long.toHexString(value & mask);
    }

    private static String wrapper(String top, String unit, int lanes, int outW, int userW, String extraParam,
                                  String cfg, String body, boolean status) {
        return "// Test wrapper: the run-time constants of " + unit + " come from s_axis_tuser.\n"
                + "`timescale 1ns / 1ps\n`default_nettype none\n\n"
                + "module " + top + " #(\n    parameter integer LANES = " + lanes + "\n) (\n"
                + "    input  wire                   aclk,\n"
                + "    input  wire                   aresetn,\n"
                + "    input  wire [LANES*8-1:0]     s_axis_tdata,\n"
                + "    input  wire [LANES-1:0]       s_axis_tkeep,\n"
                + "    input  wire [" + (userW - 1) + ":0]   s_axis_tuser,\n"
                + "    input  wire                   s_axis_tlast,\n"
                + "    input  wire                   s_axis_tvalid,\n"
                + "    output wire                   s_axis_tready,\n"
                + "    output wire [LANES*" + outW + "-1:0]    m_axis_tdata,\n"
                + "    output wire [LANES-1:0]       m_axis_tkeep,\n"
                + "    output wire                   m_axis_tlast,\n"
                + "    output wire                   m_axis_tvalid,\n"
                + "    input  wire                   m_axis_tready"
                + (status ? ",\n    output wire                   status_length_error" : "") + "\n);\n\n"
                + body
                + "    " + unit + " #(\n        .LANES         (LANES)"
                + (extraParam == null ? "" : ",\n" + extraParam) + "\n    ) u_dut (\n"
                + "        .aclk          (aclk),\n        .aresetn       (aresetn),\n"
                + cfg
                + "        .s_axis_tdata  (s_axis_tdata),\n        .s_axis_tkeep  (s_axis_tkeep),\n"
                + "        .s_axis_tlast  (s_axis_tlast),\n        .s_axis_tvalid (s_axis_tvalid),\n"
                + "        .s_axis_tready (s_axis_tready),\n        .m_axis_tdata  (m_axis_tdata),\n"
                + "        .m_axis_tkeep  (m_axis_tkeep),\n        .m_axis_tlast  (m_axis_tlast),\n"
                + "        .m_axis_tvalid (m_axis_tvalid),\n        .m_axis_tready (m_axis_tready)"
                + (status ? ",\n        .status_length_error (status_length_error)" : "") + "\n    );\n\n"
                + "endmodule\n\n`default_nettype wire\n";
    }

    private static VerilatedModel build(ModuleSpec unit, String name, String top, String wrapper) {
        Path dir = Path.of("target", "cosim-rtl", name);
        List<Path> files = new ArrayList<>(Emitter.writeModules(List.of(unit), dir));
        Path w = dir.resolve(top + ".v");
        try {
            Emitter.writeIfChanged(w, wrapper.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        files.add(w);
        return VerilatedModel.build(files, top, Map.of());
    }
}
