package io.vitgen.config;

import java.util.Map;
import java.util.Objects;

/**
 * The validated, immutable configuration of one accelerator. Built only by {@link ConfigLoader},
 * which checks every key, range and combination first; everything here is consistent.
 */
public record Config(
        String designName,
        Target target,
        Quant quant,
        Mac mac,
        Softmax softmax,
        LayerNorm layerNorm,
        Gelu gelu,
        ModelShape model,
        boolean synthYosys,
        Map<String, String> values) {

    /** FPGA target and clock. */
    public record Target(String vendor, String part, int clockMhz) {
        public double clockPeriodNs() {
            return 1000.0 / clockMhz;
        }
    }

    /** GEMM operand and accumulator widths. */
    public record Quant(int actBits, int weightBits, int accBits) {
    }

    /** Systolic MAC array shape and options. */
    public record Mac(int rows, int cols, String dataflow, boolean packInt8x2, int requantLanes) {

        /** Lanes of the GEMM engine's requantizer: mac.requant.lanes, at most mac.cols. */
        public int effectiveRequantLanes() {
            return Math.min(requantLanes, cols);
        }
    }

    /** Softmax unit: variant (shiftmax or log2), output bits, lanes, longest row. */
    public record Softmax(String variant, int outBits, int lanes, int maxRow) {
        public boolean log2() {
            return "log2".equals(variant);
        }
    }

    /** LayerNorm unit. */
    public record LayerNorm(String variant, int lanes, int maxChannels, boolean requantInt8) {
    }

    /** GELU unit. */
    public record Gelu(String variant, int lanes, int maxRow, boolean requantInt8) {
    }

    public Config {
        Objects.requireNonNull(designName, "designName");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(quant, "quant");
        Objects.requireNonNull(mac, "mac");
        Objects.requireNonNull(softmax, "softmax");
        Objects.requireNonNull(layerNorm, "layerNorm");
        Objects.requireNonNull(gelu, "gelu");
        Objects.requireNonNull(model, "model");
        values = Map.copyOf(values);
    }

    /** The configuration with every key resolved to its effective value (for the manifest). */
    @Override
    public Map<String, String> values() {
        return values;
    }
}
