package io.vitgen.emit;

import java.util.List;
import java.util.Locale;

import io.vitgen.config.Config;
import io.vitgen.config.ModelShape;
import io.vitgen.estimate.GemmCycles;
import io.vitgen.hw.MacArray;
import io.vitgen.hw.Words;
import io.vitgen.hw.gelu.ShiftGeluUnit;
import io.vitgen.hw.layernorm.LayerNormGeometry;
import io.vitgen.hw.layernorm.LayerNormUnit;
import io.vitgen.hw.softmax.AttnShiftUnit;
import io.vitgen.hw.softmax.SoftmaxUnit;

/**
 * The report's "What this configuration means": the GEMM engine's rate, what the operand widths
 * mean for every block, the cycles of the configured model's GEMMs (io.vitgen.estimate.GemmCycles)
 * and which rows of the row units reach full rate.
 */
final class Meaning {

    private Meaning() {
    }

    static String render(Config c) {
        StringBuilder sb = new StringBuilder("## What this configuration means\n\n");
        MacArray.Shape s = MacArray.shape(c);
        ModelShape model = c.model();
        int mhz = c.target().clockMhz();
        long macs = (long) s.rows() * s.cols();
        sb.append("**GEMM engine.** ").append(s.rows()).append(" x ").append(s.cols()).append(" = ")
                .append(Words.count(macs, "MAC")).append(" per cycle (")
                .append(s.packInt8x2() ? Words.count(macs / 2, "multiplier") + ", two int8 MACs per DSP48E2"
                        : Words.count(macs, "multiplier"))
                .append("), at most ").append(String.format(Locale.ROOT, "%.1f", macs * mhz / 1000.0))
                .append(" GMAC/s at ").append(mhz).append(" MHz; int").append(s.aW()).append(" x int").append(s.wW())
                .append(" products summed exactly in ").append(s.accW()).append("-bit accumulators, each output")
                .append(" channel requantized to int").append(s.outW()).append(" by ")
                .append(Words.count(s.reqLanes(), "requantizer lane")).append(".\n\n");

        sb.append("**Operand widths, block by block.**\n\n| block | input | output |\n|---|---|---|\n");
        sb.append("| GEMM `vitgen_mac_gemm` | int").append(s.aW()).append(" activations x int").append(s.wW())
                .append(" weights (quant.act.bits, quant.weight.bits) | int").append(s.outW())
                .append(" (requantized to quant.act.bits) |\n");
        String smOut = c.softmax().log2() ? "4-bit code + zero flag per element"
                : "uint" + (c.softmax().outBits() - 1) + " probabilities (b = " + c.softmax().outBits() + ")";
        sb.append("| softmax `vitgen_softmax` | int8 scores | ").append(smOut).append(" |\n");
        if (c.softmax().log2()) {
            sb.append("| attention x V `vitgen_attn_shift` | codes x int8 V | ")
                    .append(AttnShiftUnit.params(c).accW()).append("-bit sums |\n");
        }
        sb.append("| LayerNorm `vitgen_layernorm` | int16 residual | ")
                .append(c.layerNorm().requantInt8() ? "int8" : "raw 32-bit").append(" |\n");
        sb.append("| GELU `").append("igelu".equals(c.gelu().variant()) ? "vitgen_igelu" : "vitgen_shiftgelu")
                .append("` | ").append("igelu".equals(c.gelu().variant()) ? "int32 (the FC1 accumulator scale)" : "int8")
                .append(" | ").append(c.gelu().requantInt8() ? "int8" : "int16 (igelu: 36-bit)").append(" |\n\n");
        if (s.aW() == 4 || s.wW() == 4) {
            sb.append("4-bit operands apply to the GEMM only: it multiplies int").append(s.aW()).append(" by int")
                    .append(s.wW()).append(" and requantizes its outputs to int").append(s.outW())
                    .append(". LayerNorm, GELU and softmax keep their int8 (LayerNorm: int16) interfaces: an int")
                    .append(s.outW()).append(" GEMM output is a valid, sign-extended input to them, and their int8")
                    .append(" outputs must be requantized to int4 before they feed the next GEMM - no generated block")
                    .append(" does that yet.\n\n");
        } else {
            sb.append("All operands are 8-bit: the GEMM takes and gives int8, as LayerNorm, GELU and softmax do.\n\n");
        }

        boolean onArray = !c.softmax().log2();
        boolean twoPasses = onArray && c.softmax().outBits() == 16;
        boolean lean = io.vitgen.estimate.ResourceModel.lean(c);
        List<GemmCycles.Gemm> gemms = GemmCycles.layer(s, lean, model, onArray, twoPasses);
        int bound = GemmCycles.backToBack(s, lean);
        sb.append("**GEMM cycles per encoder layer of ").append(model.name()).append("** (").append(model.tokens())
                .append(model.tokens() == 1 ? " token, " : " tokens, ").append(Words.count(model.channels(), "channel")).append(", ").append(Words.count(model.heads(), "head"))
                .append(", MLP ").append(model.mlp()).append("), every stream at full rate: cycles = tiles x max(K, ")
                .append(bound).append(") + the last tile's drain (docs/estimate.md)")
                .append(lean ? "; tiles follow each other from K = " + bound : "").append(".\n\n");
        sb.append("| GEMM | M x K x N | times | cycles each | ideal each | MAC use | tiles back to back |\n")
                .append("|---|---|---:|---:|---:|---:|---|\n");
        long total = 0;
        long ideal = 0;
        for (GemmCycles.Gemm g : gemms) {
            total += g.cycles() * g.count();
            ideal += g.ideal() * g.count();
            sb.append("| ").append(g.name()).append(" | ").append(g.m()).append(" x ").append(g.k()).append(" x ")
                    .append(g.n()).append(" | ").append(g.count()).append(" | ")
                    .append(String.format(Locale.ROOT, "%,d", g.cycles())).append(" | ")
                    .append(String.format(Locale.ROOT, "%,d", g.ideal())).append(" | ")
                    .append(String.format(Locale.ROOT, "%.1f%%", 100 * g.utilisation())).append(" | ")
                    .append(g.k() >= bound ? "yes"
                            : "no: K = " + g.k() + " < " + bound + ", each tile waits "
                            + Words.count(bound - g.k(), "cycle"))
                    .append(" |\n");
        }
        sb.append(String.format(Locale.ROOT, "| layer, GEMMs only | | | %,d | %,d | %.1f%% | |%n%n", total, ideal,
                100.0 * ideal / total));
        sb.append(String.format(Locale.ROOT, "That is %.1f us per layer at %d MHz if the softmax, LayerNorm and GELU"
                + " work overlaps the GEMMs.", total / (double) mhz, mhz));
        int partial = model.tokens() % s.rows();
        sb.append(" Of the ").append(model.tokens()).append(" token rows, ");
        if (partial == 0) {
            sb.append("every row tile is full (").append(model.tokens() / s.rows()).append(" x ").append(s.rows())
                    .append(").\n\n");
        } else {
            sb.append(Words.count(model.tokens() / s.rows(), "row tile")).append(" of ").append(s.rows())
                    .append(" are full and the last holds ").append(Words.count(partial, "row")).append(" of ")
                    .append(s.rows()).append(String.format(Locale.ROOT, " (at most %.1f%% of the array's rows busy).%n%n",
                            100.0 * model.tokens() / (Math.ceil(model.tokens() / (double) s.rows()) * s.rows())));
        }

        sb.append("**Row units at full rate.**\n\n| unit | row | beats per row | full rate |\n|---|---|---:|---|\n");
        SoftmaxUnit.Params sm = SoftmaxUnit.params(c);
        int smBeats = ceilDiv(model.tokens(), sm.lanes());
        sb.append("| softmax, ").append(Words.count(sm.lanes(), "lane")).append(" | ").append(model.tokens())
                .append(model.tokens() == 1 ? " key | " : " keys | ").append(smBeats).append(" | ")
                .append(smBeats >= sm.minFullRateBeats() ? "yes" : "no: rows of at least "
                        + Words.count(sm.minFullRateBeats(), "beat") + " stream back to back")
                .append(lastBeat(model.tokens(), sm.lanes())).append(" |\n");
        LayerNormGeometry g = LayerNormUnit.geometry(c.layerNorm().lanes(), c.layerNorm().maxChannels(),
                c.layerNorm().requantInt8());
        sb.append("| LayerNorm, ").append(Words.count(c.layerNorm().lanes(), "lane")).append(" | ")
                .append(Words.count(model.channels(), "channel")).append(" | ").append(ceilDiv(model.channels(), c.layerNorm().lanes()))
                .append(" | ").append(model.channels() >= g.fullRateChannels() ? "yes"
                        : "no: back-to-back rows need C >= " + g.fullRateChannels())
                .append(lastBeat(model.channels(), c.layerNorm().lanes())).append(" |\n");
        int gl = c.gelu().lanes();
        int gBeats = ceilDiv(model.mlp(), gl);
        sb.append("| GELU, ").append(Words.count(gl, "lane")).append(" | ").append(model.mlp())
                .append(model.mlp() == 1 ? " hidden channel | " : " hidden channels | ").append(gBeats).append(" | ");
        if ("igelu".equals(c.gelu().variant())) {
            sb.append("yes (i-GELU is element-wise)");
        } else {
            int need = ShiftGeluUnit.levels(gl) + 3;
            sb.append(gBeats >= need ? "yes" : "no: back-to-back rows need more than " + Words.count(need - 1, "beat"));
        }
        sb.append(lastBeat(model.mlp(), gl)).append(" |\n\n");
        return sb.toString();
    }

    private static String lastBeat(int n, int lanes) {
        int r = n % lanes;
        return r == 0 ? "" : "; the last beat carries " + r + " of " + Words.count(lanes, "lane");
    }

    private static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }
}
