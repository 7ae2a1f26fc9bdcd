package io.vitgen.hw.struct;

import java.util.List;

/**
 * The interface families a {@link Bundle} can hold, each as its fields (port name after the
 * prefix) and whether the master drives the field (forward) or the slave does (backward).
 */
public enum BundleKind {
    AXI4_STREAM("AXI4-Stream", "tvalid",
            List.of("tdata", "tvalid", "tlast", "tkeep", "tstrb", "tuser", "tid", "tdest"),
            List.of("tready")),
    AXI4("AXI4", null,
            List.of("awid", "awaddr", "awlen", "awsize", "awburst", "awlock", "awcache", "awprot", "awqos",
                    "awregion", "awuser", "awvalid", "wdata", "wstrb", "wlast", "wuser", "wvalid", "bready",
                    "arid", "araddr", "arlen", "arsize", "arburst", "arlock", "arcache", "arprot", "arqos",
                    "arregion", "aruser", "arvalid", "rready"),
            List.of("awready", "wready", "bid", "bresp", "buser", "bvalid", "arready", "rid", "rdata", "rresp",
                    "rlast", "ruser", "rvalid")),
    AXI4_LITE("AXI4-Lite", null,
            List.of("awaddr", "awprot", "awvalid", "wdata", "wstrb", "wvalid", "bready", "araddr", "arprot",
                    "arvalid", "rready"),
            List.of("awready", "wready", "bresp", "bvalid", "arready", "rdata", "rresp", "rvalid"));

    private final String title;
    private final String validField;
    private final List<String> forward;
    private final List<String> backward;

    BundleKind(String title, String validField, List<String> forward, List<String> backward) {
        this.title = title;
        this.validField = validField;
        this.forward = forward;
        this.backward = backward;
    }

    /** The interface's usual name, for messages and comments. */
    public String title() {
        return title;
    }

    /** Fields the master drives. */
    public List<String> forward() {
        return forward;
    }

    /** Fields the slave drives. */
    public List<String> backward() {
        return backward;
    }

    /** Whether the master drives this field; throws for a field the kind does not have. */
    public boolean isForward(String field) {
        if (forward.contains(field)) {
            return true;
        }
        if (backward.contains(field)) {
            return false;
        }
        throw new IllegalArgumentException(title + " has no field " + field);
    }

    /** Candidate fields whose direction tells master from slave (a read-only AXI master has no aw*). */
    List<String> roleFields() {
        return validField != null ? List.of(validField) : List.of("awvalid", "arvalid");
    }
}
