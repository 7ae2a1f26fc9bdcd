package io.vitgen.emit;

import java.util.List;
import java.util.Locale;

/** Resource totals of the FPGA parts whose share the report can state (from the vendors' tables). */
record Device(String name, long luts, long flipFlops, long dsps, long bram36) {

    private static final List<Device> KNOWN = List.of(
            new Device("xczu9eg (ZCU102)", 274_080, 548_160, 2_520, 912),
            new Device("xczu7ev (ZCU104/ZCU106)", 230_400, 460_800, 1_728, 312),
            new Device("xczu3eg (Ultra96)", 70_560, 141_120, 360, 216));

    /** The device a part number names, or null when the report has no totals for it. */
    static Device of(String part) {
        String p = part.toLowerCase(Locale.ROOT);
        for (Device d : KNOWN) {
            if (p.startsWith(d.name().substring(0, d.name().indexOf(' ')))) {
                return d;
            }
        }
        return null;
    }
}
