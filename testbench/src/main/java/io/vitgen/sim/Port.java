package io.vitgen.sim;

import java.util.Objects;

/**
 * A top-level port of a verilated model, as Verilator resolved it (parameters applied).
 *
 * @param name      port name in the RTL
 * @param direction input, output or inout
 * @param width     width in bits after parameter resolution
 * @param index     position in the harness's port table (used on the wire)
 */
public record Port(String name, Direction direction, int width, int index) {

    /** Port direction seen from the DUT. */
    public enum Direction { IN, OUT, INOUT }

    public Port {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(direction, "direction");
        if (width < 1) {
            throw new IllegalArgumentException("port " + name + ": width must be >= 1, got " + width);
        }
    }

    /** Number of 32-bit words the harness uses for this port's value. */
    public int words32() {
        return (width + 31) / 32;
    }

    public boolean isInput() {
        return direction != Direction.OUT;
    }
}
