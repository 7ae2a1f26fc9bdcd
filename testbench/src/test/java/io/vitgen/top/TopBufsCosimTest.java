package io.vitgen.top;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;

import io.vitgen.emit.Emitter;
import io.vitgen.golden.Seeds;
import io.vitgen.hw.top.TopBuffers;
import io.vitgen.sim.Beat;
import io.vitgen.sim.Lint;
import io.vitgen.sim.SimOptions;
import io.vitgen.sim.Simulation;
import io.vitgen.sim.StreamSink;
import io.vitgen.sim.StreamSource;
import io.vitgen.sim.VerilatedModel;

/**
 * The buffers and their crossbar ({@code vitgen_top_bufs}) alone in the stream harness, against a
 * Java model of the seven spaces: 3 read and 3 write channels at once, random descriptors (odd
 * addresses, row lengths, strides below and above the row length, several spaces, many on the same
 * space so the round robin is busy), random stalls on every stream, region errors; every read byte
 * (data, tkeep, tlast), every status beat and, at the end, every byte of every space compared.
 */
class TopBufsCosimTest {

    static final int NR = 3;
    static final int NW = 3;
    /** Space sizes (bytes, multiples of 32; RES, ATT and HID not powers of two). */
    static final List<Long> SIZES = List.of(1024L, 1056L, 2048L, 512L, 480L, 768L, 256L);

    /** A channel descriptor. */
    record Desc(int space, long addr, int rows, int rb, int stride) {
        BigInteger tdata() {
            return BigInteger.valueOf(space).or(BigInteger.valueOf(addr).shiftLeft(4))
                    .or(BigInteger.valueOf(rows).shiftLeft(36)).or(BigInteger.valueOf(rb).shiftLeft(52))
                    .or(BigInteger.valueOf(stride).shiftLeft(76));
        }

        boolean empty() {
            return rows == 0 || rb == 0;
        }

        boolean bad() {
            return empty() || space < 1 || space > 7
                    || addr + (long) (rows - 1) * stride + rb > SIZES.get(space - 1);
        }

        @Override
        public String toString() {
            return "{space " + space + ", addr " + addr + ", rows " + rows + ", row bytes " + rb + ", stride " + stride
                    + "}";
        }
    }

    static List<Path> emit(int bb) {
        return Emitter.writeModules(List.of(TopBuffers.spec(bb, SIZES, NR, NW)),
                Path.of("target", "cosim-rtl", "vitgen_top_bufs-" + bb));
    }

    @Test
    void lintsCleanAt64And128And256Bits() throws Exception {
        for (int bb : new int[] {8, 16, 32}) {
            List<Path> rtl = emit(bb);
            assertEquals("", Lint.run(rtl, "vitgen_top_bufs", Map.of()), "verilator -Wall, BB = " + bb);
            assertEquals("", StructChainCosimTest.icarus(rtl, "vitgen_top_bufs"), "iverilog -Wall, BB = " + bb);
        }
    }

    @Test
    void everyByteMatchesTheModelAt16BytesPerWord() {
        new Run(16, Seeds.of("TopBufsCosimTest16", 0xB0F5_0016L)).all();
    }

    @Test
    void everyByteMatchesTheModelAt8BytesPerWord() {
        new Run(8, Seeds.of("TopBufsCosimTest8", 0xB0F5_0008L)).all();
    }

    /** One simulation: its model, its drivers and the expected beats. */
    static final class Run {
        final int bb;
        final long seed;
        final Random rnd;
        final byte[][] mem = new byte[8][];
        final Simulation sim;
        final StreamSource[] rdesc = new StreamSource[NR];
        final StreamSink[] rdata = new StreamSink[NR];
        final StreamSource[] wdesc = new StreamSource[NW];
        final StreamSource[] wdata = new StreamSource[NW];
        final StreamSink[] wsts = new StreamSink[NW];
        /** Expected read beats per channel, with a description for messages. */
        final List<List<Beat>> rexp = new ArrayList<>();
        final List<List<String>> rwhat = new ArrayList<>();
        final List<List<Long>> sexp = new ArrayList<>();
        final int[] rgot = new int[NR];
        final int[] sgot = new int[NW];

        Run(int bb, long seed) {
            this.bb = bb;
            this.seed = seed;
            this.rnd = new Random(seed);
            for (int s = 1; s <= 7; s++) {
                mem[s] = new byte[(int) (long) SIZES.get(s - 1)];
            }
            VerilatedModel m = VerilatedModel.build(emit(bb), "vitgen_top_bufs", Map.of());
            sim = m.open(seed, SimOptions.randomInitialState());
            for (int i = 0; i < NR; i++) {
                rdesc[i] = sim.source("r" + i + "_rd_desc");
                rdata[i] = sim.sink("r" + i + "_rd");
                rexp.add(new ArrayList<>());
                rwhat.add(new ArrayList<>());
            }
            for (int i = 0; i < NW; i++) {
                wdesc[i] = sim.source("w" + i + "_wr_desc");
                wdata[i] = sim.source("w" + i + "_wr");
                wsts[i] = sim.sink("w" + i + "_wr_sts");
                sexp.add(new ArrayList<>());
            }
            sim.reset(3);
        }

        void all() {
            try {
                stalls(true);
                // phase 1: every write channel covers its slice of every space (all on the same space
                // at about the same time), then random descriptors inside the slice
                for (int s = 1; s <= 7; s++) {
                    int size = mem[s].length;
                    for (int k = 0; k < NW; k++) {
                        int lo = size * k / NW;
                        int hi = size * (k + 1) / NW;
                        write(k, new Desc(s, lo, 1, hi - lo, 0), false);
                    }
                }
                for (int n = 0; n < 25; n++) {
                    for (int k = 0; k < NW; k++) {
                        int s = rnd.nextInt(3) == 0 ? 1 + rnd.nextInt(7) : 2;
                        int size = mem[s].length;
                        write(k, random(s, size * k / NW, size * (k + 1) / NW), false);
                    }
                }
                drain();
                // phase 2: random reads of the lower three quarters (bad regions among them) while the
                // write channels write their slices of the upper quarter
                for (int n = 0; n < 30; n++) {
                    for (int k = 0; k < NR; k++) {
                        int s = rnd.nextInt(2) == 0 ? 2 : 1 + rnd.nextInt(7);
                        int size = mem[s].length;
                        read(k, rnd.nextInt(12) == 0 ? badDesc(s) : random(s, 0, size * 3 / 4));
                    }
                    for (int k = 0; k < NW; k++) {
                        int s = rnd.nextInt(2) == 0 ? 2 : 1 + rnd.nextInt(7);
                        int size = mem[s].length;
                        int q = size * 3 / 4;
                        Desc d = rnd.nextInt(12) == 0 ? badDesc(s)
                                : random(s, q + (size - q) * k / NW, q + (size - q) * (k + 1) / NW);
                        write(k, d, false);
                    }
                }
                drain();
                // error pulses, cycle by cycle: a bad read, a bad write, a write whose tlast is wrong
                stalls(false);
                read(1, new Desc(9, 0, 1, 5, 0));
                write(1, new Desc(3, SIZES.get(2) - 4, 1, 5, 0), false);
                write(2, new Desc(4, 7, 1, 3, 0), true);
                String[] ports = {"rerr", "werr", "wlerr"};
                int[] cycles = new int[3];
                long[] seen = new long[3];
                for (int c = 0; c < 40; c++) {
                    sim.run(1);
                    for (int i = 0; i < 3; i++) {
                        long v = sim.peekLong(ports[i]);
                        if (v != 0) {
                            cycles[i]++;
                            seen[i] |= v;
                        }
                    }
                }
                assertEquals(1, cycles[0], "one rerr pulse (seed " + seed + ")");
                assertEquals(2, seen[0], "rerr on read channel 1");
                assertEquals(1, cycles[1], "one werr pulse");
                assertEquals(2, seen[1], "werr on write channel 1");
                assertEquals(1, cycles[2], "one wlerr pulse");
                assertEquals(4, seen[2], "wlerr on write channel 2");
                drain();
                // full rate: one channel alone moves a beat a cycle; two on one space share it
                fullRate();
                // phase 3: every byte of every space
                stalls(true);
                for (int s = 1; s <= 7; s++) {
                    read(s % NR, new Desc(s, 0, 1, mem[s].length, 0));
                }
                drain();
            } finally {
                sim.close();
            }
        }

        void stalls(boolean on) {
            for (int i = 0; i < NR; i++) {
                rdesc[i].setValidPermille(on ? 200 + rnd.nextInt(801) : 1000);
                rdata[i].setReadyPermille(on ? 200 + rnd.nextInt(801) : 1000);
            }
            for (int i = 0; i < NW; i++) {
                wdesc[i].setValidPermille(on ? 200 + rnd.nextInt(801) : 1000);
                wdata[i].setValidPermille(on ? 200 + rnd.nextInt(801) : 1000);
                wsts[i].setReadyPermille(on ? 200 + rnd.nextInt(801) : 1000);
            }
        }

        /** A random descriptor whose region lies in [lo, hi) of space s. */
        Desc random(int s, int lo, int hi) {
            int span = hi - lo;
            int rb = 1 + rnd.nextInt(Math.min(span, 3 * bb + 7));
            int rows = 1 + rnd.nextInt(5);
            int stride = switch (rnd.nextInt(4)) {
                case 0 -> rb;
                case 1 -> rnd.nextInt(rb + 1);               // rows overlap (later rows win)
                default -> rb + rnd.nextInt(40);
            };
            while (rows > 1 && (long) (rows - 1) * stride + rb > span) {
                rows--;
            }
            int extent = (rows - 1) * stride + rb;
            return new Desc(s, lo + rnd.nextInt(span - extent + 1), rows, rb, stride);
        }

        Desc badDesc(int s) {
            int size = mem[s].length;
            return switch (rnd.nextInt(5)) {
                case 0 -> new Desc(0, 16, 2, 9, 20);
                case 1 -> new Desc(8 + rnd.nextInt(8), 0, 1, 3, 0);
                case 2 -> new Desc(s, size - 3, 1, 4, 0);
                case 3 -> new Desc(s, 0, 3, 7, size / 2);
                default -> new Desc(s, 5, rnd.nextInt(2) == 0 ? 0 : 2, rnd.nextInt(2) == 0 ? 0 : 3, 0);
            };
        }

        void read(int ch, Desc d) {
            rdesc[ch].push(Beat.of(d.tdata(), false));
            if (d.empty()) {
                rexp.get(ch).add(Beat.ofLanes(new long[bb], 8, true, 0));
                rwhat.get(ch).add("read " + d + " (empty: one zero beat)");
                return;
            }
            int per = (d.rb() + bb - 1) / bb;
            boolean bad = d.bad();
            for (int r = 0; r < d.rows(); r++) {
                for (int j = 0; j < per; j++) {
                    long[] lanes = new long[bb];
                    long keep = 0;
                    for (int i = 0; i < bb; i++) {
                        int b = j * bb + i;
                        if (b < d.rb()) {
                            keep |= 1L << i;
                            lanes[i] = bad ? 0 : mem[d.space()][(int) (d.addr() + (long) r * d.stride() + b)] & 0xFF;
                        }
                    }
                    rexp.get(ch).add(Beat.ofLanes(lanes, 8, r == d.rows() - 1 && j == per - 1, keep));
                    rwhat.get(ch).add("read " + d + " row " + r + " beat " + j);
                }
            }
        }

        void write(int ch, Desc d, boolean wrongLast) {
            wdesc[ch].push(Beat.of(d.tdata(), false));
            sexp.get(ch).add(d.bad() ? 1L : 0L);
            if (d.empty()) {
                return;
            }
            int per = (d.rb() + bb - 1) / bb;
            boolean bad = d.bad();
            for (int r = 0; r < d.rows(); r++) {
                for (int j = 0; j < per; j++) {
                    long[] lanes = new long[bb];
                    for (int i = 0; i < bb; i++) {
                        lanes[i] = rnd.nextInt(256);          // lanes past the row are junk the buffers ignore
                        int b = j * bb + i;
                        if (b < d.rb() && !bad) {
                            mem[d.space()][(int) (d.addr() + (long) r * d.stride() + b)] = (byte) lanes[i];
                        }
                    }
                    boolean last = r == d.rows() - 1 && j == per - 1;
                    wdata[ch].push(Beat.ofLanes(lanes, 8, last != wrongLast, 0));
                }
            }
        }

        /** Runs until every expected read beat and status beat is in, checking each. */
        void drain() {
            long t0 = sim.cycle();
            while (true) {
                boolean done = true;
                for (int k = 0; k < NR; k++) {
                    for (Beat b : rdata[k].take()) {
                        int n = rgot[k]++;
                        assertTrue(n < rexp.get(k).size(), "read channel " + k + ": more beats than expected");
                        Beat e = rexp.get(k).get(n);
                        String where = "read channel " + k + " " + rwhat.get(k).get(n) + " (seed " + seed + ")";
                        assertEquals(e.keep(), b.keep(), where + ": tkeep");
                        assertEquals(e.last(), b.last(), where + ": tlast");
                        for (int i = 0; i < bb; i++) {
                            assertEquals(e.lane(i, 8), b.lane(i, 8), where + ": lane " + i);
                        }
                    }
                    done &= rgot[k] == rexp.get(k).size();
                }
                for (int k = 0; k < NW; k++) {
                    for (Beat b : wsts[k].take()) {
                        int n = sgot[k]++;
                        assertTrue(n < sexp.get(k).size(), "write channel " + k + ": more status beats than descriptors");
                        assertEquals(sexp.get(k).get(n), b.dataLong(), "write channel " + k + " status of descriptor "
                                + n + " (seed " + seed + ")");
                    }
                    done &= sgot[k] == sexp.get(k).size();
                }
                if (done) {
                    return;
                }
                assertTrue(sim.cycle() - t0 < 200_000, "the buffers stopped answering (seed " + seed + ")");
                sim.run(256);
            }
        }

        void fullRate() {
            int n = 512 / bb;
            // one channel alone on QKV
            read(0, new Desc(3, 3, 1, n * bb, 0));
            List<Beat> got = collect(0, n);
            assertEquals(n - 1, got.get(n - 1).cycle() - got.get(0).cycle(), "one channel: a beat a cycle");
            // two channels on two spaces (QKV, ACT): both at full rate
            read(0, new Desc(3, 5, 1, n * bb, 0));
            read(1, new Desc(1, 0, 1, n * bb, 0));
            List<Beat> a = collect(0, n);
            List<Beat> b = collect(1, n);
            assertEquals(n - 1, a.get(n - 1).cycle() - a.get(0).cycle(), "two spaces: channel 0 at full rate");
            assertEquals(n - 1, b.get(n - 1).cycle() - b.get(0).cycle(), "two spaces: channel 1 at full rate");
            // two channels on one space share its read port: 2n beats in 2n cycles
            read(0, new Desc(3, 1, 1, n * bb, 0));
            read(1, new Desc(3, 700, 1, n * bb, 0));
            a = collect(0, n);
            b = collect(1, n);
            long span = Math.max(a.get(n - 1).cycle(), b.get(n - 1).cycle()) - Math.min(a.get(0).cycle(), b.get(0).cycle());
            assertTrue(span >= 2 * n - 1 && span <= 2 * n + 2, "one space, two channels: " + 2 * n + " beats took "
                    + (span + 1) + " cycles");
            System.out.printf("bufs BB=%d: one channel %d beats in %d cycles; two on one space %d beats in %d cycles%n",
                    bb, n, got.get(n - 1).cycle() - got.get(0).cycle() + 1, 2 * n, span + 1);
        }

        /** Runs until channel ch has its next n expected beats, checks and returns them. */
        List<Beat> collect(int ch, int n) {
            List<Beat> out = new ArrayList<>();
            long t0 = sim.cycle();
            while (out.size() < n) {
                for (Beat b : rdata[ch].take()) {
                    int k = rgot[ch]++;
                    Beat e = rexp.get(ch).get(k);
                    assertEquals(e.data(), b.data(), "read channel " + ch + " " + rwhat.get(ch).get(k));
                    out.add(b);
                }
                assertTrue(sim.cycle() - t0 < 10_000, "full-rate read stalled");
                if (out.size() < n) {
                    sim.run(8);
                }
            }
            return out;
        }
    }
}
