package io.vitgen.compile;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.vitgen.golden.EncoderLayer;
import io.vitgen.golden.IntGemm;
import io.vitgen.golden.IntLayerNorm;
import io.vitgen.golden.VitModel;

/**
 * Compares an interpreter run with the golden layers or the golden whole model: every probed
 * intermediate tensor in the order the golden model computes them, then the output in memory. The
 * first difference is named by layer, tensor, token (row) and channel (column).
 */
public final class GoldenCheck {

    private GoldenCheck() {
    }

    /** The first difference, or empty when the run equals the golden model bit for bit. */
    public static Optional<String> firstMismatch(List<EncoderLayer> golden, long[][] input, Program program,
            Interpreter.Run run) {
        return firstMismatch(golden, java.util.Collections.singletonList(input), program, run);
    }

    /**
     * {@link #firstMismatch(List, long[][], Program, Interpreter.Run)} for a batch: image b's
     * tensors (named {@code image<b>.L0.qkv}) against the golden layers on {@code inputs[b]}, then
     * its output region; a difference names the image.
     */
    public static Optional<String> firstMismatch(List<EncoderLayer> golden, List<long[][]> inputs, Program program,
            Interpreter.Run run) {
        if (inputs.size() != program.batch()) {
            return Optional.of("the program runs " + program.batch() + " images, " + inputs.size() + " inputs given");
        }
        for (int b = 0; b < inputs.size(); b++) {
            String pre = Program.imagePrefix(b);
            String who = inputs.size() == 1 ? "" : "image " + b + ": ";
            long[][] x = inputs.get(b);
            int compared = 0;
            for (int l = 0; l < golden.size(); l++) {
                Map<String, long[][]> trace = golden.get(l).trace(x);
                for (Map.Entry<String, long[][]> e : trace.entrySet()) {
                    long[][] got = run.tensors().get(pre + "L" + l + "." + e.getKey());
                    if (got == null) {
                        continue; // not materialised by the stream (ctx_acc)
                    }
                    Optional<String> d = diff(who + "layer " + l + " tensor " + e.getKey(), e.getValue(), got);
                    if (d.isPresent()) {
                        return d;
                    }
                    compared++;
                }
                x = trace.get("out");
            }
            if (compared == 0) {
                return Optional.of(who + "no tensor was compared: the program has no probes");
            }
            MemoryImage.Region r = program.outputs().get(b);
            Optional<String> d = diff(who + "output in memory (region " + r.name() + ")", x, MemoryImage.read(run.dram(), r));
            if (d.isPresent()) {
                return d;
            }
        }
        return Optional.empty();
    }

    /**
     * The golden trace of one image through a whole model with {@code layers} as its encoder layers:
     * the model's own ({@link VitModel#trace}) when {@code layers} is null or the model's, else the
     * model's embedding, the given layers (same shape and scales, e.g. {@link #layersWith} i-GELU)
     * and the model's final norm and head, each step a golden operator.
     */
    public static VitModel.Trace reference(VitModel model, List<EncoderLayer> layers, long[][][] image) {
        if (layers == null || layers.equals(model.layers())) {
            return model.trace(image, true);
        }
        VitModel.Trace base = model.trace(image, false);
        long[][] x = base.embed();
        List<long[][]> blocks = new ArrayList<>();
        List<Map<String, long[][]>> inner = new ArrayList<>();
        for (EncoderLayer l : layers) {
            Map<String, long[][]> t = l.trace(x);
            inner.add(t);
            x = t.get("out");
            blocks.add(x);
        }
        VitModel.Constants k = model.constants();
        long[] ln = IntLayerNorm.apply(x[0], k.normBias());
        long[] norm = new long[ln.length];
        for (int j = 0; j < ln.length; j++) {
            norm[j] = k.normRequant()[j].apply(ln[j], 8);
        }
        long[] logits = IntGemm.apply(new long[][] {norm}, model.params().head().w(), k.headBias())[0];
        return new VitModel.Trace(base.patches(), base.embed(), blocks, norm, logits, inner);
    }

    /**
     * The model's encoder layers rebuilt from the same parameters and scales with another GELU;
     * for i-GELU the FC1 output scale is lowered to {@link EncoderLayer#IGELU_MAX_SCALE} where
     * larger (as {@code EncoderLayer.random} does: i-GELU's constants need a fine input scale).
     */
    public static List<EncoderLayer> layersWith(VitModel model, EncoderLayer.GeluMode gelu) {
        List<EncoderLayer> out = new ArrayList<>();
        for (int i = 0; i < model.geometry().depth(); i++) {
            EncoderLayer.Scales s = model.scales().layers().get(i);
            if (gelu == EncoderLayer.GeluMode.IGELU && s.fc1() > EncoderLayer.IGELU_MAX_SCALE) {
                s = new EncoderLayer.Scales(s.in(), s.ln1(), s.qkv(), s.attn(), s.ctx(), s.res1(), s.ln2(),
                        EncoderLayer.IGELU_MAX_SCALE, s.fc2in(), s.out());
            }
            out.add(new EncoderLayer(model.geometry().layerShape(), model.params().layers().get(i), s, model.mode(),
                    model.softmaxBits(), gelu));
        }
        return out;
    }

    /**
     * Compares a whole-model run with its golden trace: the embedding (token rows), every probed
     * tensor of every layer in the order the golden layer computes them, the final norm, the
     * logits, then the logits in memory; the first difference is named by tensor, layer, token and
     * channel ("layer 3 tensor fc1 differs first at token 17, channel 5: ..."). Every element the
     * probes cover is compared; they must cover every tensor whole, except in the last layer,
     * which computes only what the class token needs: there row 0 of every tensor.
     */
    public static Optional<String> firstMismatch(VitModel.Trace golden, Program program, Interpreter.Run run) {
        return firstMismatch(List.of(golden), program, run);
    }

    /**
     * {@link #firstMismatch(VitModel.Trace, Program, Interpreter.Run)} for a batch: image b's
     * tensors (named {@code image<b>.embed}, {@code image<b>.L0.qkv}, ..) against {@code golden[b]},
     * then its logits region; a difference names the image.
     */
    public static Optional<String> firstMismatch(List<VitModel.Trace> golden, Program program, Interpreter.Run run) {
        if (golden.size() != program.batch()) {
            return Optional.of("the program runs " + program.batch() + " images, " + golden.size() + " traces given");
        }
        Map<String, List<Program.Probe>> byName = new java.util.HashMap<>();
        for (Program.Probe pr : program.probes()) {
            byName.computeIfAbsent(pr.tensor(), k -> new ArrayList<>()).add(pr);
        }
        for (int b = 0; b < golden.size(); b++) {
            VitModel.Trace t = golden.get(b);
            String pre = Program.imagePrefix(b);
            String who = golden.size() == 1 ? "" : "image " + b + ": ";
            int last = t.layers().size() - 1;
            Optional<String> d = probed(who + "tensor embed", t.embed(), run, pre + "embed", byName, false);
            for (int l = 0; l <= last && d.isEmpty(); l++) {
                for (Map.Entry<String, long[][]> e : t.layers().get(l).entrySet()) {
                    if (e.getKey().equals("ctx_acc")) {
                        continue; // not materialised by the stream
                    }
                    d = probed(who + "layer " + l + " tensor " + e.getKey(), e.getValue(), run, pre + "L" + l + "." + e.getKey(),
                            byName, l == last);
                    if (d.isPresent()) {
                        break;
                    }
                }
            }
            if (d.isEmpty()) {
                d = probed(who + "tensor norm", new long[][] {t.norm()}, run, pre + "norm", byName, false);
            }
            if (d.isEmpty()) {
                d = probed(who + "tensor logits", new long[][] {t.logits()}, run, pre + "logits", byName, false);
            }
            if (d.isEmpty()) {
                MemoryImage.Region r = program.outputs().get(b);
                d = diff(who + "logits in memory (region " + r.name() + ")", new long[][] {t.logits()},
                        MemoryImage.read(run.dram(), r));
            }
            if (d.isPresent()) {
                return d;
            }
        }
        return Optional.empty();
    }

    /**
     * Compares the elements of one tensor its probes cover; they must cover it whole, or with
     * {@code rowZero} at least its row 0.
     */
    private static Optional<String> probed(String what, long[][] want, Interpreter.Run run, String name,
            Map<String, List<Program.Probe>> byName, boolean rowZero) {
        long[][] got = run.tensors().get(name);
        List<Program.Probe> probes = byName.get(name);
        if (got == null || probes == null) {
            return Optional.of(what + " is not probed by the program");
        }
        boolean[][] mask = new boolean[want.length][want[0].length];
        for (Program.Probe pr : probes) {
            if (pr.rowOffset() + pr.rows() > want.length || pr.colOffset() + pr.cols() > want[0].length) {
                return Optional.of(what + ": a probe of rows " + pr.rowOffset() + ".." + (pr.rowOffset() + pr.rows() - 1)
                        + ", channels " + pr.colOffset() + ".." + (pr.colOffset() + pr.cols() - 1) + " lies outside its "
                        + want.length + " x " + want[0].length);
            }
            for (int i = 0; i < pr.rows(); i++) {
                java.util.Arrays.fill(mask[pr.rowOffset() + i], pr.colOffset(), pr.colOffset() + pr.cols(), true);
            }
        }
        for (int i = 0; i < want.length; i++) {
            for (int j = 0; j < want[i].length; j++) {
                if (!mask[i][j] && (!rowZero || i == 0)) {
                    return Optional.of(what + " is not computed at token " + i + ", channel " + j);
                }
                if (mask[i][j] && want[i][j] != got[i][j]) {
                    return Optional.of(what + " differs first at token " + i + ", channel " + j + ": expected "
                            + want[i][j] + ", got " + got[i][j]);
                }
            }
        }
        return Optional.empty();
    }

    /** Names of the probed tensors (for reports). */
    public static List<String> probedTensors(Interpreter.Run run) {
        return new ArrayList<>(run.tensors().keySet());
    }

    private static Optional<String> diff(String what, long[][] want, long[][] got) {
        if (got.length != want.length || got[0].length != want[0].length) {
            return Optional.of(what + ": shape " + got.length + " x " + got[0].length + ", expected " + want.length + " x "
                    + want[0].length);
        }
        for (int i = 0; i < want.length; i++) {
            for (int j = 0; j < want[i].length; j++) {
                if (want[i][j] != got[i][j]) {
                    return Optional.of(what + " differs first at token " + i + ", channel " + j + ": expected "
                            + want[i][j] + ", got " + got[i][j]);
                }
            }
        }
        return Optional.empty();
    }
}
