package io.vitgen.estimate;

import io.vitgen.compile.Command;
import io.vitgen.compile.Operand;
import io.vitgen.config.Config;
import io.vitgen.hw.MacArray;
import io.vitgen.hw.layernorm.LayerNormGeometry;
import io.vitgen.hw.layernorm.LayerNormUnit;

/**
 * Cycles of one command of the accelerator top, from its start (the unit takes it) to its
 * completion (the tokens it signals are there), and of one command fetch. The constants are the
 * RTL's structure (docs/top.md, docs/top-units.md, docs/top-softmax.md) and were checked against the
 * units' busy counters of whole-layer co-simulations (docs/estimate.md, "The stream-timed model").
 *
 * @param bb         bytes of a buffer beat and of a memory beat (target.mem.bits / 8)
 * @param memLatency cycles from a memory read request to its first data beat (estimate.mem.latency)
 */
public record StreamCosts(MacArray.Shape shape, int bb, int memLatency, int outstanding, int smLanes, int vLanes,
                          int lnLanes, LayerNormGeometry ln, int geluLanes, boolean shiftGelu)
        implements StreamTiming.Costs {

    /** Bytes of one command fetch: the header and up to eight argument words. */
    public static final int FETCH_BYTES = 72;
    /** Controller cycles around one fetch's DMA read (descriptor, decode, queue append). */
    public static final int FETCH_OVERHEAD = 8;
    /**
     * LOAD: cycles beyond its last data beat (the LOAD unit's start and descriptors, the DMA's
     * descriptor check; after the last beat the DMA status, the buffer status and the token).
     */
    public static final int LOAD_OVERHEAD = 5;
    /** STORE: cycles beyond its last write response (start, descriptors, buffer read latency, status). */
    public static final int STORE_OVERHEAD = 4;
    /** STORE: cycles from a burst's last W beat to the response freeing its slot, beyond the memory latency. */
    public static final int STORE_RESPONSE = 3;
    /** Buffer read latency: a descriptor's first beat four cycles after its handshake (docs/top.md). */
    public static final int BUF_LATENCY = 4;
    /** The GEMM unit's epilogue behind the engine: combination register, requantizer, packer (top_gemm). */
    public static final int GEMM_EPILOGUE = 8;
    /** The GEMM unit's command handshake, descriptors, last write status and done (GemmUnitBenchmark). */
    public static final int GEMM_OVERHEAD = 5;
    /**
     * The GEMM unit's front half from taking a command to its first operand beat, beyond the
     * buffer's latency (the W descriptor, the row assembler), and from its last operand beat to
     * being free for the next command (the A skid register, the front's state).
     */
    public static final int GEMM_FRONT = 4;
    /** LAYERNORM cycles beyond the tables, the first row's beats and the row period (whole-layer traces). */
    public static final int LN_FIXED = 212;
    /** Command handshake and done around a compute unit's command. */
    public static final int UNIT_OVERHEAD = 4;

    /** The costs of a configuration's top. */
    public static StreamCosts of(Config c) {
        int memBits = Integer.parseInt(c.values().getOrDefault("target.mem.bits", "128"));
        int lat = Integer.parseInt(c.values().getOrDefault("estimate.mem.latency", "25"));
        int vLanes = c.softmax().log2() ? io.vitgen.hw.softmax.AttnShiftUnit.params(c).vLanes() : 1;
        return new StreamCosts(MacArray.shape(c), memBits / 8, lat,
                io.vitgen.hw.top.AcceleratorTop.Params.burstsInFlight(Math.max(64, memBits)), c.softmax().lanes(), vLanes,
                c.layerNorm().lanes(),
                LayerNormUnit.geometry(c.layerNorm().lanes(), c.layerNorm().maxChannels(), c.layerNorm().requantInt8()),
                c.gelu().lanes(), !c.gelu().variant().equals("igelu"));
    }

    /** Cycles of one command fetch (one DMA read of {@link #FETCH_BYTES}). */
    @Override
    public long fetch(Command c) {
        return memLatency + ceil(FETCH_BYTES, bb) + FETCH_OVERHEAD;
    }

    /** Cycles from END's dispatch to the interrupt. */
    @Override
    public long endCycles() {
        return 2;
    }

    /**
     * The GEMM unit loads the next GEMM command's first A tile while it runs the current one (its
     * reader then starts at once), unless that tile shares a byte with the current command's output
     * (rtl-templates/top_gemm, "prefetch"): the saving is the tile's beats.
     */
    @Override
    public long prefetch(Command prev, Command next) {
        if (!(prev instanceof Command.Gemm p) || !(next instanceof Command.Gemm g)) {
            return 0;
        }
        int e = g.split16() ? 2 : 1;
        int rv = Math.min(g.m(), shape.rows());
        long aLo = g.a().addr();
        long aHi = aLo + (long) (rv - 1) * g.a().stride() + (long) g.k() * e;
        long oLo = p.out().addr();
        long oHi = oLo + (long) (p.m() - 1) * p.out().stride() + (long) p.n() * p.epilogue().outBytes();
        if (g.a().space() == p.out().space() && aLo < oHi && oLo < aHi) {
            return 0;
        }
        return (long) rv * ceil((long) g.k() * e, bb);
    }

    /**
     * A GEMM's A loader is done and the free half of the tile memory is there from the start of its
     * last row tile: that row tile's tiles before its front half is done (the prefetch must end
     * before the unit takes the next command).
     */
    @Override
    public long prefetchWindow(Command prev) {
        if (!(prev instanceof Command.Gemm g)) {
            return 0;
        }
        int passes = g.split16() ? 2 : 1;
        return ceil(g.n(), shape.cols()) * passes * perTile(g);
    }

    /**
     * The GEMM unit's back half: from the last operand beat of a command (its front done) to its
     * completion - the engine's latency and the drain of the last tile's rows, the epilogue, the
     * last write status and done. The unit takes the next GEMM meanwhile when {@link #overlaps}.
     */
    @Override
    public long tail(Command c) {
        if (!(c instanceof Command.Gemm g)) {
            return 0;
        }
        return gemm(g) - gemmFront(g);
    }

    /**
     * The GEMM unit takes the next GEMM while the back half still writes the previous one's output,
     * unless the next one reads a byte of that output (A, W, the bias and scale tables or the
     * residual; rtl-templates/top_gemm, "overlap").
     */
    @Override
    public boolean overlaps(Command prev, Command next) {
        if (!(prev instanceof Command.Gemm p) || !(next instanceof Command.Gemm g)) {
            return false;
        }
        Operand o = p.out();
        long oHi = o.addr() + (long) (p.m() - 1) * o.stride() + (long) p.n() * p.epilogue().outBytes();
        int e = g.split16() ? 2 : 1;
        boolean clash = meets(g.a(), g.m(), (long) g.k() * e, o, oHi)
                || (g.wTransposed() ? meets(g.w(), g.n(), g.k(), o, oHi) : meets(g.w(), g.k(), g.n(), o, oHi))
                || (g.bias() != null && meets(g.bias(), 1, 8L * g.n(), o, oHi))
                || (g.scaleTable() != null && meets(g.scaleTable(), 1, 8L * g.n(), o, oHi))
                || (g.residual() != null && meets(g.residual(), g.m(), 2L * g.n(), o, oHi));
        return !clash;
    }

    private static boolean meets(Operand x, int rows, long rowBytes, Operand o, long oHi) {
        long lo = x.addr();
        long hi = lo + (long) (rows - 1) * x.stride() + rowBytes;
        return x.space() == o.space() && lo < oHi && o.addr() < hi;
    }

    /** The front half is free one cycle after it is done. */
    @Override
    public long overlapGap() {
        return 1;
    }

    /** The registered check and the descriptor, then the buffer's latency. */
    @Override
    public long prefetchLatency() {
        return 2 + BUF_LATENCY;
    }

    /** Cycles of one command. */
    @Override
    public long cycles(Command c) {
        if (c instanceof Command.Load l) {
            return move(true, l.rows(), l.rowBytes(), l.src().addr(), l.src().stride());
        }
        if (c instanceof Command.Store s) {
            return move(false, s.rows(), s.rowBytes(), s.dst().addr(), s.dst().stride());
        }
        if (c instanceof Command.Gemm g) {
            return gemm(g);
        }
        if (c instanceof Command.Softmax s) {
            return softmax(s.rows(), s.len(), s.log2() ? 1 : s.bits() / 8);
        }
        if (c instanceof Command.AttnV a) {
            long row = (long) a.n() * (a.hd() / vLanes);
            return UNIT_OVERHEAD + BUF_LATENCY + (long) a.rows() * row + 5 + 8;
        }
        if (c instanceof Command.LayerNorm l) {
            return layerNorm(l.rows(), l.channels());
        }
        if (c instanceof Command.Gelu g) {
            return gelu(g.rows(), g.len());
        }
        return 0;
    }

    /**
     * A LOAD (memory -> buffer) or STORE (buffer -> memory), burst by burst as the DMA engines run
     * them (rtl-templates/axi_dma_rd, axi_dma_wr; docs/estimate.md, "LOAD, STORE"). Each row is cut
     * into INCR bursts at 4 KB boundaries and at 256 beats; one burst is issued a cycle while fewer
     * than {@link #outstanding} are in flight. A read burst occupies its slot from its issue to its
     * last data beat (first beat memLatency + 1 cycles after the issue, beats one a cycle and in
     * order; an unaligned row whose last memory beat completes an output beat costs one cycle more,
     * the realigner's flush); a write burst from its issue to its response (last W beat +
     * memLatency + {@link #STORE_RESPONSE}). At one beat a cycle when the bursts in flight cover the
     * round trip; short rows on a wide port with few bursts in flight are bound by the round trip.
     */
    long move(boolean load, int rows, long rowBytes, long addr, long stride) {
        int m = Math.max(1, outstanding);
        long[] free = new long[m];     // per slot (burst k mod m): the cycle burst k may reuse it
        long issue = -1;
        long lastBeat = Long.MIN_VALUE / 4;
        long gap = 0;                  // the realigner's flush after the previous row
        long end = 0;
        long k = 0;
        for (int r = 0; r < rows; r++) {
            long row = addr + r * stride;
            long off0 = Math.floorMod(row, (long) bb);
            boolean flush = load && off0 != 0 && ceil(rowBytes + off0, bb) == ceil(rowBytes, bb);
            long cur = row;
            long rem = rowBytes;
            while (rem > 0) {
                long off = Math.floorMod(cur, (long) bb);
                long lim = Math.min(4096 - Math.floorMod(cur, 4096L), 256L * bb - off);
                long bytes = Math.min(rem, lim);
                long beats = ceil(bytes + off, bb);
                cur += bytes;
                rem -= bytes;
                int slot = (int) (k % m);
                issue = Math.max(issue + 1, k >= m ? free[slot] : 0);
                long first = load ? Math.max(issue + memLatency + 1, lastBeat + 1 + gap) : Math.max(issue, lastBeat + 1);
                lastBeat = first + beats - 1;
                gap = 0;
                if (load) {
                    free[slot] = lastBeat + 1;
                    end = lastBeat;
                } else {
                    free[slot] = lastBeat + memLatency + STORE_RESPONSE + 1;
                    end = lastBeat + memLatency + STORE_RESPONSE;
                }
                k++;
            }
            if (flush) {
                gap = 1;
                end = lastBeat + 1;
            }
        }
        return (load ? LOAD_OVERHEAD : STORE_OVERHEAD) + end;
    }

    /** The GEMM unit: first A tile, then the engine's tiles at the operand streams' rate, then the epilogue. */
    long gemm(Command.Gemm g) {
        return gemmParts(g)[2];
    }

    /** Cycles of one tile as tiles run back to back: max(K, the engine's back-to-back K, W beats). */
    long perTile(Command.Gemm g) {
        int cv = Math.min(g.n(), shape.cols());
        long wBeats = g.wTransposed() ? (long) cv * ceil(g.k(), bb) : (long) g.k() * ceil(cv, bb);
        return Math.max(Math.max(g.k(), shape.backToBackK()), wBeats);
    }

    /** The first A tile and, transposed, the first W^T tile: read before the first reduction step. */
    long firstTiles(Command.Gemm g) {
        int e = g.split16() ? 2 : 1;
        int rv = Math.min(g.m(), shape.rows());
        long firstA = (long) rv * ceil((long) g.k() * e, bb);
        if (g.wTransposed()) {
            int cv = Math.min(g.n(), shape.cols());
            firstA += (long) cv * ceil(g.k(), bb); // the first W^T tile fills its tile memory
        }
        return firstA;
    }

    /**
     * The GEMM unit's front half: from taking the command to being free for the next one (its last
     * operand beat in the engine) - the W stream's start, the first A tile (unless prefetched) and
     * the tiles back to back.
     */
    long gemmFront(Command.Gemm g) {
        int passes = g.split16() ? 2 : 1;
        long tiles = ceil(g.m(), shape.rows()) * ceil(g.n(), shape.cols()) * passes;
        return GEMM_FRONT + BUF_LATENCY + firstTiles(g) + tiles * perTile(g);
    }

    /**
     * A GEMM's cycles in three parts: {tiles x K (every reduction step, the split16 passes
     * included), tiles x max(K, B, W beats) (the tiles as they run back to back), the command's
     * cycles (fill, first A tile, last drain, epilogue, handshake included)}.
     */
    public long[] gemmParts(Command.Gemm g) {
        MacArray.Shape s = shape;
        int passes = g.split16() ? 2 : 1;
        long rowTiles = ceil(g.m(), s.rows());
        long colTiles = ceil(g.n(), s.cols());
        long perTile = perTile(g);
        long firstA = firstTiles(g);
        int lastRows = g.m() - (int) (rowTiles - 1) * s.rows();
        long tiles = rowTiles * colTiles * passes;
        long engine = tiles * perTile + s.latency() + (long) (lastRows - 1) * s.reqBeats();
        long cycles = GEMM_OVERHEAD + 7L * (s.rows() + s.cols() - 8) / 8 + BUF_LATENCY + firstA + engine + GEMM_EPILOGUE
                + (g.split16() ? 16 : 0);
        return new long[] {tiles * g.k(), tiles * perTile, cycles};
    }

    long softmax(int rows, int len, int outBytes) {
        long row = Math.max(ceil(len, smLanes), Math.max(ceil(len, bb), ceil((long) len * outBytes, bb)));
        long chunks = ceil(len, smLanes);
        long latency = 3 * chunks + 2L * clog2(smLanes) + 48 + 1 + Math.max(1, bb / outBytes / smLanes) + 1;
        return UNIT_OVERHEAD + BUF_LATENCY + (long) rows * row + latency - row + 4;
    }

    long layerNorm(int rows, int ch) {
        int lanes = Math.min(lnLanes, Math.max(1, bb / 2));
        long beats = ceil(ch, lanes);
        // bias table, then the scale table as one parameter beat per channel, then the rows; the
        // first row's beats twice (statistics, then output) and LN_FIXED cycles of the block's passes
        long table = 2 * ceil(8L * ch, bb) + ch;
        long period = Math.max(beats, LayerNormGeometry.PASSES);
        long hold = beats + ln.latency() - ln.outPipe() - 18;
        period = Math.max(period, ceil(hold, ln.slots()));
        return UNIT_OVERHEAD + table + 2 * beats + ceil(ch, Math.min(lnLanes, bb)) + LN_FIXED + (long) (rows - 1) * period;
    }

    long gelu(int rows, int len) {
        int lanes = Math.min(geluLanes, bb);
        long row = ceil(len, lanes);
        long over = shiftGelu ? row + 60 : 17;
        return UNIT_OVERHEAD + BUF_LATENCY + (long) rows * row + over;
    }

    static long ceil(long a, long b) {
        return (a + b - 1) / b;
    }

    static int clog2(int n) {
        return n <= 1 ? 0 : 32 - Integer.numberOfLeadingZeros(n - 1);
    }
}
