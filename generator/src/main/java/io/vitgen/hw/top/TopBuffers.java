package io.vitgen.hw.top;

import java.util.ArrayList;
import java.util.List;

import io.vitgen.compile.Space;
import io.vitgen.hw.ModuleSpec;
import io.vitgen.hw.struct.ModuleDef;
import io.vitgen.hw.struct.Width;

/**
 * The on-chip buffers of the accelerator top and the crossbar of buffer channels in front of them
 * ({@code vitgen_top_bufs}, {@code rtl-templates/top_bufs.v.vm}, contract in docs/top-units.md):
 * seven spaces of {@code BB} byte-wide banks, {@code nr} read channels {@code r<i>_rd_*} and
 * {@code nw} write channels {@code w<i>_wr_*}, round-robin per space.
 */
public final class TopBuffers {

    /** Bits of a channel descriptor. */
    public static final int DESC_W = 100;

    /** One space as the template prints it. */
    public record SpaceVars(int index, String name, long bytes, long depth, int wa) {
        public int idx0() {
            return index - 1;
        }
    }

    /** Template variables of {@code top_bufs.v.vm}. */
    public record Vars(int bb, int lb, int sa, int nr, int nw, List<SpaceVars> spaces) {
        public List<Integer> rch() {
            return range(nr);
        }

        public List<Integer> wch() {
            return range(nw);
        }

        private static List<Integer> range(int n) {
            List<Integer> l = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                l.add(i);
            }
            return l;
        }
    }

    private TopBuffers() {
    }

    /** ceil(log2(x)) for x >= 1. */
    static int clog2(long x) {
        return x <= 1 ? 0 : 64 - Long.numberOfLeadingZeros(x - 1);
    }

    /** Bits of a byte address inside the largest space (at least log2(BB) + 1). */
    public static int addressBits(int bb, List<Long> spaceBytes) {
        long max = spaceBytes.stream().mapToLong(Long::longValue).max().orElse(bb);
        return Math.max(Integer.numberOfTrailingZeros(bb) + 1, clog2(max));
    }

    /** The module for word bytes {@code bb}, the seven space sizes (multiples of bb) and the channel counts. */
    public static ModuleSpec spec(int bb, List<Long> spaceBytes, int nr, int nw) {
        if (spaceBytes.size() != 7) {
            throw new IllegalArgumentException("the buffers need 7 space sizes, got " + spaceBytes.size());
        }
        if (nr < 1 || nr > 32 || nw < 1 || nw > 32) {
            throw new IllegalArgumentException("buffer channels: " + nr + " read, " + nw + " write; each must be 1..32");
        }
        int lb = Integer.numberOfTrailingZeros(bb);
        List<SpaceVars> sv = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            long bytes = spaceBytes.get(i);
            if (bytes < bb || bytes % bb != 0) {
                throw new IllegalArgumentException("buffer space " + Space.values()[i + 1] + " = " + bytes
                        + " bytes must be a positive multiple of " + bb);
            }
            long depth = bytes / bb;
            sv.add(new SpaceVars(i + 1, Space.values()[i + 1].name(), bytes, depth, Math.max(1, clog2(depth))));
        }
        int sa = addressBits(bb, spaceBytes);
        StringBuilder sizes = new StringBuilder();
        for (SpaceVars s : sv) {
            sizes.append(sizes.length() == 0 ? "" : ", ").append(s.name()).append(' ').append(s.bytes());
        }
        return ModuleSpec.builder("vitgen_top_bufs")
                .template("top_bufs.v.vm")
                .vars(new Vars(bb, lb, sa, nr, nw, sv))
                .summary("on-chip buffers (7 spaces, " + bb + " byte banks) and the crossbar of " + nr
                        + " read and " + nw + " write channels")
                .fact("space bytes", sizes.toString())
                .fact("channels", nr + " read, " + nw + " write")
                .synthesize(true)
                .build();
    }

    /** The builder's view of the module: read channels r0.., write channels w0... */
    public static ModuleDef def(ModuleSpec spec, int bb, int nr, int nw) {
        ModuleDef.Builder b = ModuleDef.of(spec).input("aclk", 1).input("aresetn", 1);
        for (int i = 0; i < nr; i++) {
            String p = "r" + i + "_rd";
            b.axisPorts(p + "_desc", true, Width.fixed(DESC_W), false)
                    .axisPorts(p, false, Width.fixed(bb * 8), true)
                    .output(p + "_tkeep", bb);
        }
        for (int i = 0; i < nw; i++) {
            String p = "w" + i + "_wr";
            b.axisPorts(p + "_desc", true, Width.fixed(DESC_W), false)
                    .axisPorts(p, true, Width.fixed(bb * 8), true)
                    .axisPorts(p + "_sts", false, Width.fixed(1), false);
        }
        b.output("rerr", nr).output("werr", nw).output("wlerr", nw);
        return b.build();
    }
}
