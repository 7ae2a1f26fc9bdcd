package io.vitgen.hw.struct;

/**
 * One port of the netlist: a port of an instance, or a port of the top module itself
 * ({@code instance == null}). Seen from the netlist's wires, an instance output and a top input
 * drive a net (they are sources); an instance input and a top output are driven (sinks).
 * A port asked for under a name its module does not have is {@linkplain #known() unknown}; using it
 * is reported when the netlist is built.
 */
public final class Port {

    private final Instance instance;
    private final String name;
    private final Direction dir;
    private final int width;

    Port(Instance instance, String name, Direction dir, int width) {
        this.instance = instance;
        this.name = name;
        this.dir = dir;
        this.width = width;
    }

    static Port unknown(Instance instance, String name) {
        return new Port(instance, name, null, 0);
    }

    /** The instance, or null for a port of the top module. */
    public Instance instance() {
        return instance;
    }

    public String name() {
        return name;
    }

    /** Direction as the owning module declares it (null when unknown). */
    public Direction dir() {
        return dir;
    }

    public int width() {
        return width;
    }

    public boolean known() {
        return dir != null;
    }

    public boolean isTopPort() {
        return instance == null;
    }

    /** True when the port drives a net of the netlist (instance output or top input). */
    public boolean isSource() {
        return (instance == null) == (dir == Direction.IN);
    }

    /** {@code u_fifo.s_axis_tdata}, or {@code top port m_axis_tdata}. */
    public String path() {
        return instance == null ? "top port " + name : instance.name() + "." + name;
    }

    @Override
    public String toString() {
        return path() + (known() ? " (" + dir.verilog() + " [" + width + "])" : " (unknown)");
    }
}
