package io.vitgen.estimate;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An FPGA device whose capacity the fit check knows, from the vendors' product tables. Capacities
 * are in the units the estimate uses: LUT (Intel: ALM), flip-flops (Intel: ALM registers), DSP as
 * multipliers of up to 27 x 18 bits (a DSP48E2/DSP48E1 slice; an Arria 10 DSP block counts as two,
 * its two 18 x 19 multipliers), and block RAM as 36-Kbit blocks (Intel: M20K bits / 36 Kbit).
 *
 * @param prefix     lower-case part-number prefix that identifies the device
 * @param board      the boards it is known from, for messages
 * @param vendor     the target.vendor value it belongs to
 * @param family     its DSP family, for the clock check
 * @param dspFmaxMhz the fully pipelined DSP block's maximum clock by speed grade 1, 2, 3 (index 0..2)
 */
public record Part(String prefix, String board, String vendor, String family, long luts, long flipFlops, long dsps,
                   long bram36, int[] dspFmaxMhz) {

    /** The devices the fit check knows; the first one of a vendor is its default part. */
    public static final List<Part> KNOWN = List.of(
            // Zynq UltraScale+ (DS891 resources; DS925 DSP48E2 Fmax -1/-2/-3, fully pipelined)
            new Part("xczu9eg", "ZCU102", "xilinx", "Zynq UltraScale+ DSP48E2", 274_080, 548_160, 2_520, 912,
                    new int[] {645, 775, 891}),
            new Part("xczu7ev", "ZCU104/ZCU106", "xilinx", "Zynq UltraScale+ DSP48E2", 230_400, 460_800, 1_728, 312,
                    new int[] {645, 775, 891}),
            new Part("xck26", "Kria K26 SOM (KV260, KR260)", "xilinx", "Zynq UltraScale+ DSP48E2", 117_120, 234_240,
                    1_248, 144, new int[] {645, 775, 891}),
            new Part("xczu3eg", "Ultra96", "xilinx", "Zynq UltraScale+ DSP48E2", 70_560, 141_120, 360, 216,
                    new int[] {645, 775, 891}),
            // 7 series (DS190 resources; DS187/DS181 DSP48E1 Fmax -1/-2/-3)
            new Part("xc7z020", "PYNQ-Z2, ZedBoard", "xilinx", "7 series DSP48E1", 53_200, 106_400, 220, 140,
                    new int[] {464, 550, 628}),
            new Part("xc7a100t", "Arty A7-100T", "xilinx", "7 series DSP48E1", 63_400, 126_800, 240, 135,
                    new int[] {464, 550, 628}),
            // Arria 10 GX 1150 (427,200 ALM, 1,708,800 registers, 1,518 DSP blocks = 3,036 18x19
            // multipliers, 2,713 M20K = 54,260 Kbit); DSP fixed-point mode about 548 MHz in the fastest
            // grade, taken as the limit for every grade here (no finer table is kept)
            new Part("10ax115", "Arria 10 GX FPGA Development Kit", "intel", "Arria 10 variable-precision DSP",
                    427_200, 1_708_800, 3_036, 1_507, new int[] {548, 548, 548}));

    /** The known device a part number names, if any. */
    public static Optional<Part> of(String partNumber) {
        String p = partNumber.toLowerCase(Locale.ROOT);
        for (Part d : KNOWN) {
            if (p.startsWith(d.prefix())) {
                return Optional.of(d);
            }
        }
        return Optional.empty();
    }

    /** "xczu9eg (ZCU102)". */
    public String label() {
        return prefix + " (" + board + ")";
    }

    /**
     * The speed grade in a part number (1..3), or 0 when it cannot be read: Xilinx "-2" after the
     * package ("xczu9eg-ffvb1156-2-e", "xc7z020clg400-1", "xck26-sfvc784-2LV-c"), Intel the digit
     * after the temperature letter ("10AX115S2F45I1SG": grade 1).
     */
    public static int speedGrade(String partNumber) {
        Matcher x = Pattern.compile("-([123])(?:[a-zA-Z]*)(?:-[a-zA-Z]+)?$").matcher(partNumber);
        if (x.find()) {
            return Integer.parseInt(x.group(1));
        }
        Matcher i = Pattern.compile("F\\d+[CIE]([123])").matcher(partNumber.toUpperCase(Locale.ROOT));
        if (i.find()) {
            return Integer.parseInt(i.group(1));
        }
        return 0;
    }

    /** The DSP clock limit for a part number of this device (the slowest grade when unreadable). */
    public int dspFmaxMhz(String partNumber) {
        int grade = speedGrade(partNumber);
        return dspFmaxMhz[grade == 0 ? 0 : grade - 1];
    }

    /** The part family's name in target.vendor terms, for the vendor check. */
    public String vendorName() {
        return vendor.equals("xilinx") ? "Xilinx (AMD)" : "Intel";
    }
}
