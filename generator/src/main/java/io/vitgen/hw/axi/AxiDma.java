package io.vitgen.hw.axi;

import java.util.Objects;

import io.vitgen.hw.Cells;
import io.vitgen.hw.ModuleSpec;
import io.vitgen.hw.struct.ModuleDef;

/**
 * Builders of the AXI4 DMA: {@code vitgen_axi_dma_rd} (2-D strided memory region to
 * AXI4-Stream), {@code vitgen_axi_dma_wr} (AXI4-Stream to memory) and the wrapper that puts
 * one or both on one AXI4 master port {@code m_axi_<name>_*}. Descriptors come in as a small
 * stream ({@code s_rd_desc_t*} / {@code s_wr_desc_t*}: {@code {stride, rows, row bytes, base}}),
 * one status beat per descriptor goes out ({@code {address, code}}), data moves as AXI4-Stream;
 * the accelerator top instantiates the wrapper with one builder call. See docs/axi.md.
 *
 * <pre>
 * ModuleSpec dma = AxiDma.builder().port("mem").dataWidth(128).addrWidth(64).maxOutstanding(8).build();
 * </pre>
 */
public final class AxiDma {

    /** Which engines the wrapper holds. */
    public enum Direction { READ, WRITE, BOTH }

    /** Status codes of the status beats and the sticky error registers. */
    public static final int CODE_OK = 0;
    public static final int CODE_SLVERR = 1;
    public static final int CODE_DECERR = 2;
    public static final int CODE_BAD_DESCRIPTOR = 3;

    /** Most bursts outstanding per direction. */
    public static final int MAX_OUTSTANDING = 64;

    /** Template variables of {@code axi_dma_rd.v.vm} and {@code axi_dma_wr.v.vm} (the defaults). */
    public record EngineVars(int dataW, int addrW, int idW, int maxOut, int lenW, int rowsW) {
    }

    /** Template variables of {@code axi_dma.v.vm}. */
    public record WrapperVars(String moduleName, String port, boolean read, boolean write, int dataW, int addrW,
            int idW, int maxOut, int lenW, int rowsW) {
    }

    private AxiDma() {
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Bits of a descriptor beat: {stride[addrW], rows[rowsW], row bytes[lenW], base[addrW]}. */
    public static int descriptorBits(int addrW, int lenW, int rowsW) {
        return 2 * addrW + lenW + rowsW;
    }

    /** Fluent builder; every setter checks its argument. */
    public static final class Builder {
        private String port = "mem";
        private String moduleName;
        private Direction direction = Direction.BOTH;
        private int dataW = 128;
        private int addrW = 32;
        private int idW = 1;
        private int maxOut = 4;
        private int lenW = 24;
        private int rowsW = 16;

        private Builder() {
        }

        /** The port name: the AXI4 master is {@code m_axi_<port>_*}; default {@code mem}. */
        public Builder port(String name) {
            Objects.requireNonNull(name, "port");
            if (!name.matches("[a-z][a-z0-9]{0,15}")) {
                throw new IllegalArgumentException("DMA port name '" + name
                        + "' must be 1..16 lower-case letters and digits, starting with a letter");
            }
            this.port = name;
            return this;
        }

        /** The wrapper's module name; default {@code vitgen_axi_dma} for port mem, else {@code vitgen_axi_dma_<port>}. */
        public Builder moduleName(String name) {
            this.moduleName = Objects.requireNonNull(name, "moduleName");
            return this;
        }

        public Builder direction(Direction d) {
            this.direction = Objects.requireNonNull(d, "direction");
            return this;
        }

        /** AXI and stream data width: 64, 128 or 256 (32..1024, a power of two, accepted). */
        public Builder dataWidth(int bits) {
            Cells.checkWidth("DMA data width", bits, 32, 1024);
            if (Integer.bitCount(bits) != 1) {
                throw new IllegalArgumentException("DMA data width = " + bits + " must be a power of two");
            }
            this.dataW = bits;
            return this;
        }

        public Builder addrWidth(int bits) {
            this.addrW = Cells.checkWidth("DMA address width", bits, 32, 64);
            return this;
        }

        public Builder idWidth(int bits) {
            this.idW = Cells.checkWidth("DMA ID width", bits, 1, 32);
            return this;
        }

        /** Bursts in flight per direction (reads awaiting data, writes awaiting a response). */
        public Builder maxOutstanding(int n) {
            this.maxOut = Cells.checkWidth("DMA outstanding bursts", n, 1, MAX_OUTSTANDING);
            return this;
        }

        /** Bits of the row length field (rows up to 2^bits - 1 bytes). */
        public Builder lenWidth(int bits) {
            this.lenW = Cells.checkWidth("DMA row length width", bits, 8, 32);
            return this;
        }

        /** Bits of the row count field. */
        public Builder rowsWidth(int bits) {
            this.rowsW = Cells.checkWidth("DMA row count width", bits, 1, 32);
            return this;
        }

        private EngineVars engineVars() {
            return new EngineVars(dataW, addrW, idW, maxOut, lenW, rowsW);
        }

        /** The read engine alone ({@code vitgen_axi_dma_rd}). */
        public ModuleSpec reader() {
            return ModuleSpec.builder("vitgen_axi_dma_rd")
                    .template("axi_dma_rd.v.vm")
                    .vars(engineVars())
                    .child(Cells.fifo())
                    .summary("AXI4 read DMA: 2-D strided region -> AXI4-Stream, INCR bursts <= 256 beats split at 4 KB, "
                            + "any byte alignment")
                    .fact("data width", dataW + " bits")
                    .fact("outstanding reads", maxOut)
                    .fact("throughput", "1 beat per cycle once the memory delivers")
                    .build();
        }

        /** The write engine alone ({@code vitgen_axi_dma_wr}). */
        public ModuleSpec writer() {
            return ModuleSpec.builder("vitgen_axi_dma_wr")
                    .template("axi_dma_wr.v.vm")
                    .vars(engineVars())
                    .child(Cells.fifo())
                    .summary("AXI4 write DMA: AXI4-Stream -> 2-D strided region, INCR bursts <= 256 beats split at 4 KB, "
                            + "WSTRB for any byte alignment, every BRESP checked")
                    .fact("data width", dataW + " bits")
                    .fact("outstanding writes", maxOut)
                    .fact("throughput", "1 beat per cycle while the memory accepts")
                    .build();
        }

        /**
         * The wrapper as a module definition for the structural builder ({@code io.vitgen.hw.struct}):
         * one {@code TopBuilder.instance(name, def)} places it; its AXI4 port is the bundle
         * {@code m_axi_<port>}, its streams the AXI4-Stream bundles of the wrapper's port list.
         */
        public ModuleDef moduleDef() {
            boolean rd = direction != Direction.WRITE;
            boolean wr = direction != Direction.READ;
            int desc = descriptorBits(addrW, lenW, rowsW);
            String m = "m_axi_" + port + "_";
            ModuleDef.Builder d = ModuleDef.of(build())
                    .param("DATA_W", dataW).param("ADDR_W", addrW).param("ID_W", idW);
            if (rd) {
                d.param("RD_ID", 0);
            }
            if (wr) {
                d.param("WR_ID", 0);
            }
            d.param("MAX_OUT", maxOut).param("LEN_W", lenW).param("ROWS_W", rowsW)
                    .input("aclk", 1).input("aresetn", 1);
            if (rd) {
                d.input("s_rd_desc_tdata", desc).input("s_rd_desc_tvalid", 1).output("s_rd_desc_tready", 1)
                        .output("m_rd_status_tdata", addrW + 2).output("m_rd_status_tvalid", 1)
                        .input("m_rd_status_tready", 1)
                        .output("m_axis_rd_tdata", dataW).output("m_axis_rd_tkeep", dataW / 8)
                        .output("m_axis_rd_tlast", 1).output("m_axis_rd_tvalid", 1).input("m_axis_rd_tready", 1)
                        .output("rd_busy", 1).output("rd_err_flag", 1).output("rd_err_code", 2)
                        .output("rd_err_addr", addrW)
                        .output(m + "arid", idW).output(m + "araddr", addrW).output(m + "arlen", 8)
                        .output(m + "arsize", 3).output(m + "arburst", 2).output(m + "arlock", 1)
                        .output(m + "arcache", 4).output(m + "arprot", 3).output(m + "arvalid", 1)
                        .input(m + "arready", 1)
                        .input(m + "rid", idW).input(m + "rdata", dataW).input(m + "rresp", 2).input(m + "rlast", 1)
                        .input(m + "rvalid", 1).output(m + "rready", 1);
            }
            if (wr) {
                d.input("s_wr_desc_tdata", desc).input("s_wr_desc_tvalid", 1).output("s_wr_desc_tready", 1)
                        .output("m_wr_status_tdata", addrW + 2).output("m_wr_status_tvalid", 1)
                        .input("m_wr_status_tready", 1)
                        .input("s_axis_wr_tdata", dataW).input("s_axis_wr_tvalid", 1).output("s_axis_wr_tready", 1)
                        .output("wr_busy", 1).output("wr_err_flag", 1).output("wr_err_code", 2)
                        .output("wr_err_addr", addrW)
                        .output(m + "awid", idW).output(m + "awaddr", addrW).output(m + "awlen", 8)
                        .output(m + "awsize", 3).output(m + "awburst", 2).output(m + "awlock", 1)
                        .output(m + "awcache", 4).output(m + "awprot", 3).output(m + "awvalid", 1)
                        .input(m + "awready", 1)
                        .output(m + "wdata", dataW).output(m + "wstrb", dataW / 8).output(m + "wlast", 1)
                        .output(m + "wvalid", 1).input(m + "wready", 1)
                        .input(m + "bid", idW).input(m + "bresp", 2).input(m + "bvalid", 1).output(m + "bready", 1);
            }
            return d.input("err_clear", 1).build();
        }

        /** The wrapper with the chosen engines on {@code m_axi_<port>_*}. */
        public ModuleSpec build() {
            String name = moduleName != null ? moduleName : (port.equals("mem") ? "vitgen_axi_dma" : "vitgen_axi_dma_" + port);
            boolean rd = direction != Direction.WRITE;
            boolean wr = direction != Direction.READ;
            ModuleSpec.Builder b = ModuleSpec.builder(name)
                    .template("axi_dma.v.vm")
                    .vars(new WrapperVars(name, port, rd, wr, dataW, addrW, idW, maxOut, lenW, rowsW))
                    .summary("AXI4 DMA on m_axi_" + port + ": " + (rd ? "memory -> stream" : "")
                            + (rd && wr ? " and " : "") + (wr ? "stream -> memory" : "")
                            + ", 2-D strided descriptors, status per descriptor, sticky SLVERR/DECERR")
                    .fact("data width", dataW + " bits")
                    .fact("address width", addrW + " bits")
                    .fact("ID width", idW + " bits")
                    .fact("bursts outstanding per direction", maxOut)
                    .fact("descriptor", "{stride, rows (" + rowsW + " bits), row bytes (" + lenW + " bits), base}, "
                            + descriptorBits(addrW, lenW, rowsW) + " bits")
                    .fact("throughput", "1 beat per cycle per direction when the memory keeps up (docs/axi.md)")
                    .synthesize(true);
            if (rd) {
                b.child(reader());
            }
            if (wr) {
                b.child(writer());
            }
            return b.build();
        }
    }
}
