package io.vitgen.hw.softmax;

import java.util.LinkedHashMap;
import java.util.Map;

import io.vitgen.config.Config;
import io.vitgen.hw.Cells;
import io.vitgen.hw.ModuleSpec;
import io.vitgen.hw.Words;

/**
 * Builder of {@code vitgen_attn_shift}: attention x V from the softmax unit's log2 codes by
 * shifts and adds (docs/arithmetic.md section 4), acc_j = sum_i (V_ij &lt;&lt; (15 - code_i)) over the keys whose zero
 * flag is clear. It consumes the softmax output stream unchanged plus a key-major V stream; see
 * docs/softmax.md for the stream format.
 */
public final class AttnShiftUnit {

    public static final String NAME = "vitgen_attn_shift";
    /** Widest V_LANES the builder picks from a configuration. */
    public static final int MAX_AUTO_V_LANES = 16;
    /** |V << 15| &lt;= 2^22: one term needs 23 signed bits. */
    public static final int TERM_BITS = 23;

    /** Template variables of {@code attn_shift.v.vm}: the parameter defaults. */
    public record Vars(int codeLanes, int vLanes, int headDim, int accW) {
    }

    /**
     * Parameters of one unit.
     *
     * @param codeLanes  codes per input beat (the softmax unit's lanes)
     * @param vLanes     V values per beat, accumulators per output beat
     * @param headDim    columns of V, a multiple of vLanes
     * @param accW       accumulator bits
     */
    public record Params(int codeLanes, int vLanes, int headDim, int accW) {
        public Params {
            Cells.checkWidth("attn x V CODE_LANES", codeLanes, 1, 64);
            Cells.checkWidth("attn x V V_LANES", vLanes, 1, 64);
            Cells.checkWidth("attn x V ACC_W", accW, TERM_BITS, 64);
            if (headDim < vLanes || headDim % vLanes != 0) {
                throw new IllegalArgumentException("attn x V HEAD_DIM = " + headDim
                        + " must be a positive multiple of V_LANES = " + vLanes);
            }
        }

        /** Output beats per row. */
        public int groups() {
            return headDim / vLanes;
        }

        public Map<String, String> verilogParameters() {
            Map<String, String> m = new LinkedHashMap<>();
            m.put("CODE_LANES", Integer.toString(codeLanes));
            m.put("V_LANES", Integer.toString(vLanes));
            m.put("HEAD_DIM", Integer.toString(headDim));
            m.put("ACC_W", Integer.toString(accW));
            return m;
        }
    }

    private AttnShiftUnit() {
    }

    /**
     * Accumulator bits that keep a row of {@code maxRow} keys exact: 23 + clog2(maxRow), at least
     * 32 so the output lanes are plain int32 for rows up to 512 keys.
     */
    public static int accBits(int maxRow) {
        int log = 32 - Integer.numberOfLeadingZeros(Math.max(1, maxRow) - 1);
        return Math.max(32, TERM_BITS + log);
    }

    /**
     * The unit of a configuration: codes as the softmax unit outputs them, the model's head
     * dimension, V_LANES the largest divisor of it up to {@value #MAX_AUTO_V_LANES}.
     */
    public static Params params(Config config) {
        int headDim = config.model().headDim();
        int vLanes = 1;
        for (int d = Math.min(MAX_AUTO_V_LANES, headDim); d >= 1; d--) {
            if (headDim % d == 0) {
                vLanes = d;
                break;
            }
        }
        return new Params(config.softmax().lanes(), vLanes, headDim, accBits(config.softmax().maxRow()));
    }

    public static ModuleSpec spec(Params p) {
        return ModuleSpec.builder(NAME)
                .template("attn_shift.v.vm")
                .vars(new Vars(p.codeLanes(), p.vLanes(), p.headDim(), p.accW()))
                .child(Cells.skidBuffer())
                .summary("Attention x V by shifts from log2 softmax codes, acc_j = sum V_ij << (15 - code_i) (docs/arithmetic.md section 4)")
                .fact("head dim", p.headDim())
                .fact("V lanes", Words.count(p.vLanes(), "shift-add") + " per cycle, " + Words.count(p.groups(), "beat") + " per key")
                .fact("accumulator", p.accW() + " bits")
                .fact("latency", "output beat g of a row leaves 2 cycles after the V beat of group g of the row's last key:"
                        + " the first output beat 2 cycles after the last key's first V beat"
                        + (p.groups() >= 3 ? " (before the row's last V beat)" : "")
                        + ", the last output beat 2 cycles after the row's last V beat")
                .fact("throughput", "1 V beat per cycle: " + (p.groups() == 1 ? "N" : "N * " + p.groups()) + " cycles per row of N keys")
                .synthesize(true)
                .build();
    }
}
