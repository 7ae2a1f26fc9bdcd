package io.vitgen.hw.struct;

/** Direction of a module port, seen from inside the module. */
public enum Direction {
    IN("input"), OUT("output");

    private final String verilog;

    Direction(String verilog) {
        this.verilog = verilog;
    }

    /** The Verilog keyword. */
    public String verilog() {
        return verilog;
    }
}
