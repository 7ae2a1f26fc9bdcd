package io.vitgen.emit;

/** Cells of an FPGA mapping as Yosys' synth_xilinx reports them (family xcup, UltraScale+). */
public record Resources(String module, long luts, long flipFlops, long dsps, long bram36, long bram18,
                        long carry) {

    @Override
    public String toString() {
        return module + ": " + luts + " LUT, " + flipFlops + " FF, " + dsps + " DSP48E2, "
                + bram36 + " RAMB36, " + bram18 + " RAMB18, " + carry + " CARRY4/8";
    }
}
