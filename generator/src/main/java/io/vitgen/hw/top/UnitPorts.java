package io.vitgen.hw.top;

import io.vitgen.hw.struct.ModuleDef;

/**
 * The ports of the compute-unit contract (docs/top-units.md) for the structural builder: the
 * command port and the read and write buffer channels.
 */
final class UnitPorts {

    /** Bits of cmd_tdata. */
    static final int CMD_W = 552;
    /** Bits of a read or write descriptor. */
    static final int DESC_W = 100;
    /** Bits of the err pulse. */
    static final int ERR_W = 6;

    private UnitPorts() {
    }

    static ModuleDef.Builder command(ModuleDef.Builder b) {
        return b.input("aclk", 1)
                .input("aresetn", 1)
                .input("cmd_tdata", CMD_W)
                .input("cmd_tvalid", 1)
                .output("cmd_tready", 1)
                .output("done", 1)
                .output("err", ERR_W)
                .output("busy", 1);
    }

    static ModuleDef.Builder readChannel(ModuleDef.Builder b, String c, int bb) {
        return b.output(c + "_rd_desc_tdata", DESC_W)
                .output(c + "_rd_desc_tvalid", 1)
                .input(c + "_rd_desc_tready", 1)
                .input(c + "_rd_tdata", bb * 8)
                .input(c + "_rd_tkeep", bb)
                .input(c + "_rd_tlast", 1)
                .input(c + "_rd_tvalid", 1)
                .output(c + "_rd_tready", 1);
    }

    static ModuleDef.Builder writeChannel(ModuleDef.Builder b, String c, int bb) {
        return b.output(c + "_wr_desc_tdata", DESC_W)
                .output(c + "_wr_desc_tvalid", 1)
                .input(c + "_wr_desc_tready", 1)
                .output(c + "_wr_tdata", bb * 8)
                .output(c + "_wr_tlast", 1)
                .output(c + "_wr_tvalid", 1)
                .input(c + "_wr_tready", 1)
                .input(c + "_wr_sts_tdata", 1)
                .input(c + "_wr_sts_tvalid", 1)
                .output(c + "_wr_sts_tready", 1);
    }
}
