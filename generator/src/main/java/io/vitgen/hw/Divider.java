package io.vitgen.hw;

/**
 * The shared unsigned divider cell {@code vitgen_divider} (restoring division, pipelined or
 * iterative). Its widths and mode are Verilog parameters set per instance; the defaults printed
 * into the file are the 31-bit reciprocal divisions of INTOPS 3, 5 and 6.
 */
public final class Divider {

    /** Template variables of {@code divider.v.vm}: the parameter defaults. */
    public record Vars(int dividendW, int divisorW, int tagW, int pipelined) {
    }

    private Divider() {
    }

    public static ModuleSpec spec() {
        return ModuleSpec.builder("vitgen_divider")
                .template("divider.v.vm")
                .vars(new Vars(31, 31, 1, 1))
                .summary("Unsigned restoring divider, pipelined (1 division/cycle) or iterative")
                .fact("latency", "DIVIDEND_W + 1 cycles")
                .build();
    }

    /** Cycles from the accepting cycle to the result, in both modes. */
    public static int latency(int dividendW) {
        return dividendW + 1;
    }
}
