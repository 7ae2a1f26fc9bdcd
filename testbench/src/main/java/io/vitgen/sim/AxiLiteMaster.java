package io.vitgen.sim;

/**
 * An AXI4-Lite master driving the DUT's slave port {@code <prefix>_*} from inside the harness:
 * each call runs the clock (with every stream driver and memory model active) until the response
 * arrives, one transaction at a time. Responses: 0 OKAY, 1 EXOKAY, 2 SLVERR, 3 DECERR.
 */
public final class AxiLiteMaster {

    static final int OP_WRITE = 40;
    static final int OP_READ = 41;
    public static final int OKAY = 0;
    public static final int SLVERR = 2;
    public static final int DECERR = 3;

    /** A read's data and response. */
    public record ReadResult(long data, int resp) {
    }

    private final Simulation sim;
    private final String prefix;
    private int maxCycles = 1000;

    AxiLiteMaster(Simulation sim, String prefix) {
        this.sim = sim;
        this.prefix = prefix;
        // Idle from the start: with a random initial state an undriven VALID could otherwise hand
        // the slave a transaction nobody sent (a WDATA beat pairing with the first real address).
        for (String p : new String[] {"_awvalid", "_wvalid", "_bready", "_arvalid", "_rready"}) {
            sim.poke(prefix + p, 0);
        }
    }

    /** Cycles a transaction may take before the run fails (default 1000). */
    public AxiLiteMaster timeout(int cycles) {
        if (cycles < 1) {
            throw new IllegalArgumentException("timeout must be >= 1 cycle, got " + cycles);
        }
        this.maxCycles = cycles;
        return this;
    }

    /** Writes {@code data} to byte address {@code addr} with all four strobes; returns BRESP. */
    public int write(long addr, long data) {
        return write(addr, data, 0xF);
    }

    /** Writes with the given WSTRB (4 bits); returns BRESP. */
    public int write(long addr, long data, int strb) {
        if ((strb & ~0xF) != 0) {
            throw new IllegalArgumentException("WSTRB has 4 bits, got 0x" + Integer.toHexString(strb));
        }
        Wire.In r = sim.axiRequest(new Wire(OP_WRITE).str(prefix).u32((int) addr).u32((int) data).u8(strb)
                .u32(maxCycles).frame(), 1);
        return r.u8();
    }

    /** Reads byte address {@code addr}: data and RRESP. */
    public ReadResult read(long addr) {
        Wire.In r = sim.axiRequest(new Wire(OP_READ).str(prefix).u32((int) addr).u32(maxCycles).frame(), 5);
        long data = r.u32() & 0xFFFF_FFFFL;
        return new ReadResult(data, r.u8());
    }

    /** Reads and requires OKAY. */
    public long readOk(long addr) {
        ReadResult r = read(addr);
        if (r.resp() != OKAY) {
            throw new AssertionError("AXI4-Lite read of 0x" + Long.toHexString(addr) + " answered " + r.resp());
        }
        return r.data();
    }
}
