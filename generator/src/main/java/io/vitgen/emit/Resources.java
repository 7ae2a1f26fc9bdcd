package io.vitgen.emit;

/** Cells of an FPGA mapping as Yosys' synth_xilinx reports them (family xcup, UltraScale+). */
public record Resources(String module, long luts, long flipFlops, long dsps, long bram36, long bram18,
                        long carry8) {

    @Override
    public String toString() {
        return module + ": " + luts + " LUT, " + flipFlops + " FF, " + dsps + " DSP48E2, "
                + bram36 + " RAMB36, " + bram18 + " RAMB18, " + carry8 + " CARRY8";
    }
}
