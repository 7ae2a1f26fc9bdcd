package io.vitgen.hw.axi;

import io.vitgen.config.Config;
import io.vitgen.hw.ModuleSpec;

/**
 * The accelerator's control register map ({@code s_axi_control}), defined once: the generated
 * register file ({@code vitgen_control}), the C header {@code sw/<design>_regs.h} and the register
 * table of report.md all come from {@link #map(Config)}. The names follow the plan of docs/top.md
 * (start, command address, status, error, counters, interrupt); the controller that drives them
 * is issue 13's top, so today the block stands alone with its hardware ports open.
 *
 * <p>Interrupt sources: bit 0 {@code DONE} (the command stream reached END), bit 1 {@code ERROR}
 * (a sticky error was latched). Counters are 32 bits and wrap.
 */
public final class ControlRegisters {

    /** Module name of the register file; the C macros start with {@code VITGEN_CONTROL_}. */
    public static final String MODULE = "vitgen_control";

    /** The design's DMA: port, data width, ID width and bursts in flight (fixed; address width per part). */
    public static final String DMA_PORT = "mem";
    public static final int DMA_DATA_BITS = 128;
    public static final int DMA_ID_BITS = 1;
    public static final int DMA_OUTSTANDING = 4;

    public static final int IRQ_DONE_BIT = 0;
    public static final int IRQ_ERROR_BIT = 1;

    private ControlRegisters() {
    }

    /** The CONFIG constant: mac.rows [7:0], mac.cols [15:8], activation bits [23:16], weight bits [31:24]. */
    public static long configWord(Config c) {
        return (c.mac().rows() & 0xFFL) | (c.mac().cols() & 0xFFL) << 8 | (c.quant().actBits() & 0xFFL) << 16
                | (c.quant().weightBits() & 0xFFL) << 24;
    }

    /** The control register map of configuration {@code c}. */
    public static RegisterMap map(Config c) {
        return RegisterMap.builder(MODULE)
                .interruptSources(2)
                .constant("CONFIG", 0x0C, 32, configWord(c),
                        "configuration ID: mac.rows [7:0], mac.cols [15:8], activation bits [23:16], weight bits [31:24]")
                .w1s("CONTROL", 0x10, 2, 0,
                        "bit 0 START: write 1 to run the command stream at CMD_ADDR; bit 1 CLEAR_ERROR; the hardware clears each bit when it acts on it")
                .ro("STATUS", 0x14, 3, "bit 0 BUSY, bit 1 DONE (the stream reached END), bit 2 ERROR (sticky, see ERROR_CODE)")
                .rw("CMD_ADDR_LO", 0x18, 32, 0, "byte address of the command stream, bits [31:0]")
                .rw("CMD_ADDR_HI", 0x1C, 32, 0, "byte address of the command stream, bits [63:32]")
                .ro("ERROR_CODE", 0x20, 8, "first error: 0 none, 1 SLVERR, 2 DECERR, 3 descriptor cannot run, 4 unknown opcode, 5 address outside the image")
                .ro("ERROR_ADDR_LO", 0x24, 32, "address of the first error, bits [31:0]")
                .ro("ERROR_ADDR_HI", 0x28, 32, "address of the first error, bits [63:32]")
                .ro("CYCLES_TOTAL", 0x30, 32, "cycles from START to DONE or ERROR (wraps)")
                .ro("CYCLES_ARRAY_BUSY", 0x34, 32, "cycles the GEMM array computed (wraps)")
                .ro("CYCLES_SOFTMAX_BUSY", 0x38, 32, "cycles the softmax unit was busy (wraps)")
                .ro("CYCLES_LAYERNORM_BUSY", 0x3C, 32, "cycles the LayerNorm unit was busy (wraps)")
                .ro("CYCLES_GELU_BUSY", 0x40, 32, "cycles the GELU unit was busy (wraps)")
                .ro("CYCLES_MEM_STALL", 0x44, 32, "cycles a unit waited for the DMA (wraps)")
                .build();
    }

    /** The register file block of configuration {@code c}. */
    public static ModuleSpec spec(Config c) {
        return map(c).spec();
    }

    /**
     * The DMA of the design on {@code m_axi_mem}: fixed defaults, 128-bit data, 4 bursts in flight (docs/axi.md: >= 98% of the width at 200
     * cycles of latency)
     * per direction, ID width 1, 64-bit addresses on Zynq UltraScale+ parts (xczu*, xck*) and 32
     * bits elsewhere. docs/axi.md and report.md list them.
     */
    public static ModuleSpec dma(Config c) {
        return AxiDma.builder().port(DMA_PORT).dataWidth(DMA_DATA_BITS).addrWidth(dmaAddrWidth(c)).idWidth(DMA_ID_BITS).maxOutstanding(DMA_OUTSTANDING)
                .build();
    }

    /** 64 for Zynq UltraScale+ parts (their PS AXI ports carry 49-bit addresses), 32 otherwise. */
    public static int dmaAddrWidth(Config c) {
        String p = c.target().part().toLowerCase(java.util.Locale.ROOT);
        return p.startsWith("xczu") || p.startsWith("xck") ? 64 : 32;
    }
}
