package io.vitgen.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Board presets ({@code target.board}): the part, a default clock, the memory port's data width and
 * an array and lanes configuration whose estimate ({@code io.vitgen.estimate}) fits the part. A
 * preset only fills keys the user did not give: {@code --set} and the configuration file override
 * it. {@code BoardPresetTest} checks that every preset fits and that overrides win.
 *
 * @param name     the target.board value
 * @param label    the board's name and what its memory port is, for the reference
 * @param settings the keys the preset sets, in the order the reference prints them
 */
public record Board(String name, String label, Map<String, String> settings) {

    /** Every preset, in the reference's order. */
    public static final List<Board> ALL = List.of(
            // The issue-14 candidate: the most DeiT-Tiny images/s of the stream-timed estimate at batch 1
            // that fits the xczu9eg at LUT <= 80 %, DSP <= 100 %, BRAM36 <= 90 % (a vitgen sweep over
            // rows, row blocks and lanes; softmax.lanes=64 is the most the 512-bit port takes and hides the softmax;
            // gelu.lanes=32 hides the GELU (64 gives the same images/s at 8.6 % more LUT);
            // docs/estimate.md, "The ZCU102 configuration").
            board("zcu102", "AMD ZCU102 (Zynq UltraScale+ xczu9eg), the 512-bit user port of a MIG controller on the"
                    + " PL DDR4 (64 bits at 2,400 MT/s: 19.2 GB/s)",
                    "target.part", "xczu9eg-ffvb1156-2-e", "target.clock.mhz", "300", "target.mem.bits", "512",
                    "mac.rows", "50", "mac.cols", "64", "mac.dsp.packing", "int8x2", "mac.requant.lanes", "64",
                    "quant.acc.bits", "26", "softmax.out.bits", "8", "softmax.lanes", "64", "layernorm.lanes", "16",
                    "gelu.variant", "igelu", "gelu.lanes", "32", "compile.row.block", "100", "compile.batch", "2"),
            board("zcu104", "AMD ZCU104 (Zynq UltraScale+ xczu7ev), a 128-bit S_AXI_HP port of the PS DDR4",
                    "target.part", "xczu7ev-ffvc1156-2-e", "target.clock.mhz", "300", "target.mem.bits", "128",
                    "mac.rows", "24", "mac.cols", "16", "mac.dsp.packing", "int8x2", "mac.requant.lanes", "16",
                    "softmax.lanes", "8", "layernorm.lanes", "4", "gelu.lanes", "4"),
            board("ultra96v2", "Avnet Ultra96-V2 (Zynq UltraScale+ xczu3eg), a 128-bit S_AXI_HP port of the LPDDR4",
                    "target.part", "xczu3eg-sbva484-1-e", "target.clock.mhz", "250", "target.mem.bits", "128",
                    "mac.rows", "16", "mac.cols", "16", "mac.dsp.packing", "int8x2", "mac.requant.lanes", "4",
                    "softmax.lanes", "4", "layernorm.lanes", "2", "gelu.lanes", "2"),
            board("kv260", "AMD Kria KV260 (K26 SOM, xck26), a 128-bit S_AXI_HP port of the DDR4",
                    "target.part", "xck26-sfvc784-2LV-c", "target.clock.mhz", "300", "target.mem.bits", "128",
                    "mac.rows", "16", "mac.cols", "32", "mac.dsp.packing", "int8x2", "mac.requant.lanes", "8",
                    "softmax.lanes", "4", "layernorm.lanes", "4", "gelu.lanes", "4"),
            board("pynq-z2", "TUL PYNQ-Z2 (Zynq-7000 xc7z020), a 64-bit S_AXI_HP port of the DDR3",
                    "target.part", "xc7z020clg400-1", "target.clock.mhz", "125", "target.mem.bits", "64",
                    "mac.rows", "8", "mac.cols", "8", "mac.dsp.packing", "none", "mac.requant.lanes", "2",
                    "softmax.lanes", "2", "layernorm.lanes", "1", "gelu.lanes", "1"),
            board("arty-a7-100t", "Digilent Arty A7-100T (Artix-7 xc7a100t), the 128-bit user port of a MIG DDR3"
                    + " controller", "target.part", "xc7a100tcsg324-1", "target.clock.mhz", "100",
                    "target.mem.bits", "128", "mac.rows", "8", "mac.cols", "8", "mac.dsp.packing", "none",
                    "mac.requant.lanes", "2", "softmax.lanes", "2", "layernorm.lanes", "1", "gelu.lanes", "1"));

    /** The allowed target.board values: none and every preset. */
    public static final List<String> NAMES = names();

    public Board {
        settings = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(settings));
    }

    /** The preset called {@code name}, or null (none, or not a preset). */
    public static Board of(String name) {
        for (Board b : ALL) {
            if (b.name.equals(name)) {
                return b;
            }
        }
        return null;
    }

    /** "key=value, key=value" for the reference. */
    public String describe() {
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, String> e : settings.entrySet()) {
            sb.append(sb.length() == 0 ? "" : ", ").append(e.getKey()).append('=').append(e.getValue());
        }
        return sb.toString();
    }

    private static Board board(String name, String label, String... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return new Board(name, label, m);
    }

    private static List<String> names() {
        List<String> n = new ArrayList<>();
        n.add("none");
        for (Board b : ALL) {
            n.add(b.name);
        }
        return List.copyOf(n);
    }
}
