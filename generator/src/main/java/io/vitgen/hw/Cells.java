package io.vitgen.hw;

/**
 * Builders of the small reusable stream cells that the big blocks instantiate. Cells are generic
 * Verilog modules: their widths and depths are Verilog parameters set at each instance, so one
 * file serves every user.
 */
public final class Cells {

    /** Template variables of {@code axis_skid.v.vm}: the default data width only. */
    public record SkidVars(int dataW) {
    }

    /** Template variables of {@code axis_fifo.v.vm}: default data width and depth. */
    public record FifoVars(int dataW, int depth) {
    }

    private Cells() {
    }

    /**
     * AXI4-Stream register slice with a skid register: registered {@code tready} and
     * {@code tvalid}, full throughput, one cycle latency.
     */
    public static ModuleSpec skidBuffer() {
        return ModuleSpec.builder("vitgen_axis_skid")
                .template("axis_skid.v.vm")
                .vars(new SkidVars(8))
                .summary("AXI4-Stream register slice with skid buffer (registered tready), 1 beat/cycle")
                .fact("latency", "1 cycle")
                .build();
    }

    /** Synchronous AXI4-Stream FIFO of any depth >= 1 (depth 1 is a plain register slice). */
    public static ModuleSpec fifo() {
        return ModuleSpec.builder("vitgen_axis_fifo")
                .template("axis_fifo.v.vm")
                .vars(new FifoVars(8, 16))
                .summary("Synchronous AXI4-Stream FIFO, any depth >= 1, 1 beat/cycle")
                .fact("latency", "2 cycles from input to output when empty")
                .build();
    }

    /** Checks a width parameter at generation time, with the offending value in the message. */
    public static int checkWidth(String what, int width, int min, int max) {
        if (width < min || width > max) {
            throw new IllegalArgumentException(what + " = " + width + " is out of range [" + min + ", " + max + "]");
        }
        return width;
    }
}
