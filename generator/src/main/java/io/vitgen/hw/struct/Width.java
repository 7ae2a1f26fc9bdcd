package io.vitgen.hw.struct;

import java.util.Map;

/**
 * The width of a declared port as a function of the module's parameter values (defaults merged
 * with an instance's overrides), so one {@link ModuleDef} serves every instance.
 */
@FunctionalInterface
public interface Width {

    /** The width in bits for these parameter values. */
    int of(Map<String, Long> params);

    /** A fixed width. */
    static Width fixed(int bits) {
        if (bits < 1) {
            throw new IllegalArgumentException("port width " + bits + " must be at least 1");
        }
        return p -> bits;
    }

    /** The value of one parameter (for example {@code DATA_W}). */
    static Width param(String name) {
        return p -> {
            Long v = p.get(name);
            if (v == null) {
                throw new IllegalArgumentException("width refers to unknown parameter " + name);
            }
            return Math.toIntExact(v);
        };
    }

    /** {@code factor} times a parameter (for example LANES x 8). */
    static Width times(int factor, String name) {
        Width w = param(name);
        return p -> Math.multiplyExact(factor, w.of(p));
    }
}
