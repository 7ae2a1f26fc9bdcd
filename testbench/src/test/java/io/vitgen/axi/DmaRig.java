package io.vitgen.axi;

import java.math.BigInteger;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import io.vitgen.emit.Emitter;
import io.vitgen.hw.axi.AxiDma;
import io.vitgen.sim.AxiMemory;
import io.vitgen.sim.Beat;
import io.vitgen.sim.SimOptions;
import io.vitgen.sim.Simulation;
import io.vitgen.sim.StreamSink;
import io.vitgen.sim.StreamSource;
import io.vitgen.sim.VerilatedModel;

/**
 * The DMA wrapper (both engines on m_axi_mem) in a harness with an AXI memory model, plus the
 * golden model of what it must do: the bytes of each row in order for reads, the memory image
 * after writes, the burst split (INCR, <= 256 beats, never across 4 KB) and the status codes.
 */
final class DmaRig implements AutoCloseable {

    static final int LEN_W = 17;
    static final int ROWS_W = 16;
    private static final Map<String, VerilatedModel> MODELS = new HashMap<>();

    /** One 2-D descriptor. */
    record Desc(long base, int len, int rows, long stride) {
        long total() {
            return (long) len * rows;
        }
    }

    final int dataW;
    final int addrW;
    final int bytes;
    final Simulation sim;
    final AxiMemory mem;
    final StreamSource rdDesc;
    final StreamSource wrDesc;
    final StreamSource wrData;
    final StreamSink rdData;
    final StreamSink rdStatus;
    final StreamSink wrStatus;

    static synchronized VerilatedModel model(int dataW, int addrW, int idW, int maxOut) {
        String key = dataW + "-" + addrW + "-" + idW + "-" + maxOut;
        return MODELS.computeIfAbsent(key, k -> {
            List<Path> rtl = Emitter.writeModules(List.of(AxiDma.builder().build()), Path.of("target", "cosim-rtl",
                    "axi-dma"));
            return VerilatedModel.build(rtl, "vitgen_axi_dma", Map.of("DATA_W", "" + dataW, "ADDR_W", "" + addrW,
                    "ID_W", "" + idW, "MAX_OUT", "" + maxOut, "RD_ID", "" + ((1 << idW) - 1), "LEN_W", "" + LEN_W,
                    "ROWS_W", "" + ROWS_W));
        });
    }

    DmaRig(int dataW, int addrW, int idW, int maxOut, long seed, SimOptions opts, AxiMemory.Config cfg) {
        this.dataW = dataW;
        this.addrW = addrW;
        this.bytes = dataW / 8;
        this.sim = model(dataW, addrW, idW, maxOut).open(seed, opts);
        this.mem = sim.axiMemory("m_axi_mem", cfg);
        this.rdDesc = sim.source("s_rd_desc");
        this.wrDesc = sim.source("s_wr_desc");
        this.wrData = sim.source("s_axis_wr");
        this.rdData = sim.sink("m_axis_rd");
        this.rdStatus = sim.sink("m_rd_status");
        this.wrStatus = sim.sink("m_wr_status");
        sim.poke("err_clear", 0);
        sim.reset(4);
    }

    @Override
    public void close() {
        sim.close();
    }

    BigInteger descBits(Desc d) {
        BigInteger v = BigInteger.valueOf(d.stride());
        v = v.shiftLeft(ROWS_W).or(BigInteger.valueOf(d.rows()));
        v = v.shiftLeft(LEN_W).or(BigInteger.valueOf(d.len()));
        return v.shiftLeft(addrW).or(new BigInteger(Long.toUnsignedString(d.base())));
    }

    static BigInteger le(byte[] b, int off, int n) {
        byte[] be = new byte[n + 1];
        for (int i = 0; i < n; i++) {
            be[n - i] = b[off + i];
        }
        return new BigInteger(be);
    }

    static byte[] toBytes(BigInteger v, int n) {
        byte[] out = new byte[n];
        for (int i = 0; i < n; i++) {
            out[i] = v.shiftRight(8 * i).byteValue();
        }
        return out;
    }

    /** Stream beats of the rows' bytes, packed from lane 0; pad lanes filled from rnd. */
    List<Beat> rowBeats(byte[] row, Random rnd, boolean withKeep) {
        List<Beat> out = new ArrayList<>();
        for (int at = 0; at < row.length; at += bytes) {
            int n = Math.min(bytes, row.length - at);
            byte[] beat = new byte[bytes];
            rnd.nextBytes(beat);
            System.arraycopy(row, at, beat, 0, n);
            boolean last = at + bytes >= row.length;
            Beat b = Beat.of(le(beat, 0, bytes), withKeep && last);
            if (withKeep) {
                b = b.withKeep(n == 64 ? -1L : (1L << n) - 1);
            }
            out.add(b);
        }
        return out;
    }

    /** Rows of a read descriptor, from a memory image starting at imageBase. */
    static List<byte[]> rows(Desc d, byte[] image, long imageBase) {
        List<byte[]> out = new ArrayList<>();
        for (int r = 0; r < d.rows(); r++) {
            int at = (int) (d.base() + r * d.stride() - imageBase);
            byte[] row = new byte[d.len()];
            System.arraycopy(image, at, row, 0, d.len());
            out.add(row);
        }
        return out;
    }

    /** Bursts (aligned start address, beats) of one row: the golden split. */
    List<long[]> bursts(long addr, long len) {
        List<long[]> out = new ArrayList<>();
        long cur = addr;
        long rem = len;
        while (rem > 0) {
            long off = cur % bytes;
            long lim = Math.min(4096 - (cur & 4095), 256L * bytes - off);
            long n = Math.min(rem, lim);
            out.add(new long[] {cur - off, (off + n + bytes - 1) / bytes});
            cur += n;
            rem -= n;
        }
        return out;
    }

    long burstCount(Desc d) {
        long n = 0;
        for (int r = 0; r < d.rows(); r++) {
            n += bursts(d.base() + r * d.stride(), d.len()).size();
        }
        return n;
    }

    /** A random descriptor inside [lo, lo + size): sizes 1 B .. 64 KiB, any alignment, 4 KB crossings. */
    static Desc randomDesc(Random rnd, long lo, long size, boolean allowOverlap) {
        int len;
        int k = rnd.nextInt(100);
        if (k < 55) {
            len = 1 + rnd.nextInt(64);
        } else if (k < 82) {
            len = 65 + rnd.nextInt(960);
        } else if (k < 97) {
            len = 1025 + rnd.nextInt(7168);
        } else {
            len = 8193 + rnd.nextInt(65536 - 8192);
        }
        int maxRows = (int) Math.max(1, Math.min(12, 65536 / len));
        int rows = 1 + rnd.nextInt(maxRows);
        long stride;
        int s = rnd.nextInt(10);
        if (s < 5) {
            stride = len + rnd.nextInt(300);
        } else if (s < 7) {
            stride = len;
        } else if (s < 8 && allowOverlap) {
            stride = rnd.nextInt(len + 1);   // overlapping rows (0 = the same row again)
        } else {
            stride = len + 4096L * (1 + rnd.nextInt(3)) + rnd.nextInt(64);
        }
        long span = (rows - 1) * stride + len;
        while (span > size && rows > 1) {
            rows = (rows + 1) / 2;
            span = (rows - 1) * stride + len;
        }
        long base;
        if (rnd.nextInt(4) == 0) {
            // start just below a 4 KB boundary
            long page = (lo + 4096 + rnd.nextInt((int) Math.max(1, (size - span - 8192) / 4096)) * 4096L) & ~4095L;
            base = page - 1 - rnd.nextInt(64);
        } else {
            base = lo + (long) (rnd.nextDouble() * (size - span));
        }
        base = Math.max(lo, Math.min(base, lo + size - span));
        return new Desc(base, len, rows, stride);
    }

    /** Status beat tdata = {addr, code}. */
    int code(Beat b) {
        return b.data().intValue() & 3;
    }

    long statusAddr(Beat b) {
        return b.data().shiftRight(2).longValue();
    }

    /** Runs until the sinks hold the counts given (or fails after maxCycles). */
    void runUntil(int rdBeats, int rdStat, int wrStat, long maxCycles) {
        long start = sim.cycle();
        while (rdData.available() < rdBeats || rdStatus.available() < rdStat || wrStatus.available() < wrStat) {
            if (sim.cycle() - start > maxCycles) {
                throw new AssertionError("DMA did not finish in " + maxCycles + " cycles: read beats "
                        + rdData.available() + "/" + rdBeats + ", read status " + rdStatus.available() + "/" + rdStat
                        + ", write status " + wrStatus.available() + "/" + wrStat + " (seed " + sim.seed() + ")\n"
                        + sim.failureArtifacts());
            }
            sim.run(5000);
        }
    }

    /** Compares the read stream with the rows, byte for byte where tkeep is set, tkeep and tlast. */
    void checkReadBeats(List<Desc> descs, List<byte[]> allRows, List<Beat> got) {
        int i = 0;
        int rowIdx = 0;
        for (int d = 0; d < descs.size(); d++) {
            for (int r = 0; r < descs.get(d).rows(); r++) {
                byte[] row = allRows.get(rowIdx++);
                for (int at = 0; at < row.length; at += bytes) {
                    int n = Math.min(bytes, row.length - at);
                    Beat b = got.get(i);
                    long keep = n == 64 ? -1L : (1L << n) - 1;
                    boolean last = at + bytes >= row.length;
                    String where = "descriptor " + d + " " + descs.get(d) + " row " + r + " byte " + at + " (beat " + i
                            + ", cycle " + b.cycle() + ", seed " + sim.seed() + ")";
                    same(keep, b.keep(), "tkeep of " + where);
                    same(last, b.last(), "tlast of " + where);
                    byte[] data = toBytes(b.data(), bytes);
                    for (int j = 0; j < n; j++) {
                        if (data[j] != row[at + j]) {
                            throw new AssertionError("read data of " + where + " lane " + j + ": expected 0x"
                                    + Integer.toHexString(row[at + j] & 0xFF) + ", got 0x"
                                    + Integer.toHexString(data[j] & 0xFF) + "\n" + sim.failureArtifacts());
                        }
                    }
                    i++;
                }
            }
        }
        same(i, got.size(), "read beats");
    }

    /** Totals of batches run. */
    long readBursts;
    long writeBursts;
    long readBytes;
    long writeBytes;
    int descriptors;
    /** Coverage: row start offsets and row end offsets (mod BYTES) seen, per direction; rows crossing 4 KB. */
    final java.util.BitSet rdStarts = new java.util.BitSet();
    final java.util.BitSet rdEnds = new java.util.BitSet();
    final java.util.BitSet wrStarts = new java.util.BitSet();
    final java.util.BitSet wrEnds = new java.util.BitSet();
    long rowsCrossing4k;

    private void cover(Desc d, java.util.BitSet starts, java.util.BitSet ends) {
        for (int r = 0; r < d.rows(); r++) {
            long a = d.base() + r * d.stride();
            starts.set((int) Math.floorMod(a, (long) bytes));
            ends.set((int) Math.floorMod(a + d.len(), (long) bytes));
            if ((a >>> 12) != ((a + d.len() - 1) >>> 12)) {
                rowsCrossing4k++;
            }
        }
    }

    /**
     * n random read and n random write descriptors inside the regions (the write mirror is
     * updated), run to completion and checked: read beats, status beats, the stream taken whole.
     */
    void batch(Random rnd, int n, long rdBase, byte[] rdImage, long wrBase, byte[] wrMirror, List<Desc> extraRd,
            List<Desc> extraWr) {
        List<Desc> rds = new ArrayList<>();
        List<Desc> wrs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            rds.add(randomDesc(rnd, rdBase, rdImage.length, true));
            wrs.add(randomDesc(rnd, wrBase, wrMirror.length, true));
        }
        rds.addAll(extraRd);
        wrs.addAll(extraWr);
        List<byte[]> rows = new ArrayList<>();
        int rdBeats = 0;
        for (Desc d : rds) {
            rdDesc.push(descBits(d), false);
            for (byte[] row : rows(d, rdImage, rdBase)) {
                rows.add(row);
                rdBeats += beatsOf(row.length, bytes);
            }
            readBursts += burstCount(d);
            readBytes += d.total();
            cover(d, rdStarts, rdEnds);
        }
        long wrBeats = 0;
        for (Desc d : wrs) {
            wrDesc.push(descBits(d), false);
            for (int r = 0; r < d.rows(); r++) {
                byte[] row = new byte[d.len()];
                rnd.nextBytes(row);
                wrData.pushAll(rowBeats(row, rnd, false));
                wrBeats += beatsOf(row.length, bytes);
                System.arraycopy(row, 0, wrMirror, (int) (d.base() + r * d.stride() - wrBase), row.length);
            }
            writeBursts += burstCount(d);
            writeBytes += d.total();
            cover(d, wrStarts, wrEnds);
        }
        runUntil(rdBeats, rds.size(), wrs.size(), 60L * (rdBeats + wrBeats) + 2_000_000L);
        checkReadBeats(rds, rows, rdData.take());
        checkStatus(rdStatus.take(), rds.size(), "read");
        checkStatus(wrStatus.take(), wrs.size(), "write");
        same(0, wrData.pending(), "write stream fully taken (seed " + sim.seed() + ")");
        descriptors += rds.size() + wrs.size();
    }

    void checkStatus(List<Beat> status, int n, String what) {
        same(n, status.size(), what + " status beats");
        for (int i = 0; i < n; i++) {
            same(0, code(status.get(i)), what + " status " + i + " (seed " + sim.seed() + ")");
        }
    }

    /** The written region equals the mirror, byte for byte. */
    void checkMemory(long base, byte[] mirror) {
        byte[] got = mem.dump(base, mirror.length);
        for (int i = 0; i < mirror.length; i++) {
            if (got[i] != mirror[i]) {
                throw new AssertionError(String.format("written memory differs at 0x%x: expected 0x%02x, got 0x%02x"
                        + " (seed %d)%n%s", base + i, mirror[i] & 0xFF, got[i] & 0xFF, sim.seed(),
                        sim.failureArtifacts()));
            }
        }
    }

    /** assertEquals without JUnit (the benchmark runs this class outside the test runner). */
    private static void same(Object expected, Object actual, String what) {
        if (!java.util.Objects.equals(expected, actual)) {
            throw new AssertionError(what + " ==> expected: <" + expected + "> but was: <" + actual + ">");
        }
    }

    private static void same(long expected, long actual, String what) {
        same(Long.valueOf(expected), Long.valueOf(actual), what);
    }

    static int beatsOf(int len, int bytes) {
        return (len + bytes - 1) / bytes;
    }

    static List<Integer> shuffled(int n, Random rnd) {
        List<Integer> l = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            l.add(i);
        }
        Collections.shuffle(l, rnd);
        return l;
    }
}
