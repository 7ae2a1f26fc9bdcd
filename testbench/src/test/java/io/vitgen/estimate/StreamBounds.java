package io.vitgen.estimate;

import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;

import io.vitgen.compile.Command;
import io.vitgen.config.Config;
import io.vitgen.config.ConfigLoader;
import io.vitgen.golden.VitGeometry;

/**
 * {@code ./bench estimate-bounds [key=value...]}: how far the stream-timed estimate of a
 * configuration (default: the ZCU102 preset) could go if parts of the top cost nothing. The image
 * stream the compiler emits is timed by {@link StreamTiming} with {@link StreamCosts}, then again
 * with some commands made (nearly) free, alone and cumulatively:
 * <ul>
 * <li>{@code gemm-start}: every GEMM command costs only its tiles (K or the back-to-back bound per
 * tile): no first A tile, fill, last drain, epilogue or handshake - the most a GEMM unit that
 * overlaps consecutive commands completely could take away (the top prefetches only the next
 * command's first A tile, which the estimate already counts);</li>
 * <li>{@code load-rate}: LOAD / STORE with 64 bursts in flight (the DMA engines' maximum; the top
 * keeps 4 per 128 bits of port): one memory beat a cycle for rows of any length;</li>
 * <li>{@code softmax}: SOFTMAX and ATTNV in one cycle; {@code layernorm}, {@code gelu} likewise;</li>
 * <li>{@code fetch}: command fetches in one cycle.</li>
 * </ul>
 * These are bounds of a what-if, not estimates of an RTL: no such top exists. They say which unit
 * limits the images/s once another is fixed (docs/estimate.md, "The ZCU102 configuration").
 */
public final class StreamBounds {

    private StreamBounds() {
    }

    /** Which costs a what-if removes. */
    private record Free(String name, boolean gemmStart, boolean loadRate, boolean softmax, boolean lnorm,
                        boolean gelu, boolean fetch) {
    }

    public static void main(String[] args) throws Exception {
        ConfigLoader l = new ConfigLoader().warnings(w -> { }).set("target.board=zcu102");
        for (String a : args) {
            l.set(a);
        }
        Config c = l.load();
        StreamCosts sc = StreamCosts.of(c);
        String model = c.model().name();
        List<Command> stream = "custom".equals(model) ? StreamPrograms.layers(c, 12)
                : StreamPrograms.image(c, VitGeometry.preset(model));
        double hz = Double.parseDouble(c.values().getOrDefault("target.clock.mhz", "300")) * 1e6;
        Performance.Estimate e = Performance.of(c);
        System.out.printf(Locale.ROOT, "%s, %s at %.0f MHz, row block %d: stream-timed estimate %.1f images/s"
                        + " (%,d cycles, %d commands); array ceiling %.0f images/s%n", model, e.array(), hz / 1e6,
                StreamPrograms.rowBlock(c), e.imagesPerSecond(), e.imageCycles(), stream.size(), e.arrayCeilingImagesPerSecond());
        List<Free> cases = List.of(
                new Free("nothing free (the estimate)", false, false, false, false, false, false),
                new Free("gemm-start", true, false, false, false, false, false),
                new Free("load-rate", false, true, false, false, false, false),
                new Free("softmax", false, false, true, false, false, false),
                new Free("layernorm", false, false, false, true, false, false),
                new Free("gelu", false, false, false, false, true, false),
                new Free("fetch", false, false, false, false, false, true),
                new Free("gemm-start + load-rate", true, true, false, false, false, false),
                new Free("gemm-start + softmax", true, false, true, false, false, false),
                new Free("gemm-start + load-rate + softmax", true, true, true, false, false, false),
                new Free("gemm-start + load-rate + softmax + fetch", true, true, true, false, false, true),
                new Free("all but the GEMM tiles and the memory latency", true, true, true, true, true, true));
        System.out.printf(Locale.ROOT, "%-48s %12s %10s%n", "free", "cycles", "images/s");
        for (Free f : cases) {
            long t = StreamTiming.run(stream, costs(sc, f), Performance.QUEUE_DEPTH).total();
            System.out.printf(Locale.ROOT, "%-48s %,12d %10.1f%n", f.name(), t, hz / t);
        }
    }

    private static StreamTiming.Costs costs(StreamCosts sc, Free f) {
        Predicate<Command> one = x -> (f.softmax && (x instanceof Command.Softmax || x instanceof Command.AttnV))
                || (f.lnorm && x instanceof Command.LayerNorm) || (f.gelu && x instanceof Command.Gelu);
        StreamCosts wide = new StreamCosts(sc.shape(), sc.bb(), sc.memLatency(), 64, sc.smLanes(), sc.vLanes(),
                sc.lnLanes(), sc.ln(), sc.geluLanes(), sc.shiftGelu());
        return new StreamTiming.Costs() {
            @Override
            public long cycles(Command x) {
                if (f.gemmStart && x instanceof Command.Gemm g) {
                    return sc.gemmParts(g)[1];
                }
                if (one.test(x)) {
                    return 1;
                }
                if (f.loadRate && (x instanceof Command.Load || x instanceof Command.Store)) {
                    return wide.cycles(x);
                }
                return sc.cycles(x);
            }

            @Override
            public long fetch(Command x) {
                return f.fetch ? 1 : sc.fetch(x);
            }

            @Override
            public long endCycles() {
                return sc.endCycles();
            }

            @Override
            public long prefetch(Command prev, Command next) {
                return f.gemmStart ? 0 : sc.prefetch(prev, next);   // a free start has nothing left to prefetch
            }

            @Override
            public long prefetchWindow(Command prev) {
                return sc.prefetchWindow(prev);
            }

            @Override
            public long prefetchLatency() {
                return sc.prefetchLatency();
            }
        };
    }
}
