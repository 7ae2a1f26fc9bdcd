package io.vitgen.model;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.vitgen.config.ModelShape;
import io.vitgen.golden.EncoderLayer;
import io.vitgen.golden.VitGeometry;
import io.vitgen.golden.VitModel;

/**
 * An integer checkpoint in I-ViT's style (the state dict of its quantization-aware training, saved
 * as safetensors): int8 {@code weight_integer} and int32 {@code bias_integer} for every linear
 * layer and the patch embedding, float per-channel weight scales ({@code fc_scaling_factor},
 * {@code conv_scaling_factor}), float activation scales ({@code act_scaling_factor} of the QuantAct
 * modules), and the float LayerNorm parameters, class token and position embedding. The dyadic m/k,
 * X and LayerNorm biases are then derived from these float scales exactly as the golden model
 * derives them (docs/arithmetic.md section 1); the float biases handed to it are bias_integer times
 * the accumulator scale, which converts back to the same bias_integer. The activation names and
 * where each sits are listed in docs/model.md.
 */
public final class IvitCheckpoint {
    private IvitCheckpoint() {
    }

    /** The model and notes about what was adapted (the per-channel head scale). */
    public record Result(VitModel model, List<String> notes) {
    }

    private static final Pattern BLOCK = Pattern.compile("blocks\\.(\\d+)\\..+");

    public static Result read(Safetensors st, ModelShape config, EncoderLayer.SoftmaxMode mode) throws ModelException {
        return read(st, config, mode, 16);
    }

    /** The same with the Shiftmax output bits b (8 or 16; 16 for log2). */
    public static Result read(Safetensors st, ModelShape config, EncoderLayer.SoftmaxMode mode, int softmaxBits)
            throws ModelException {
        TensorCheck tc = new TensorCheck(st);
        List<String> notes = new ArrayList<>();
        Safetensors.Tensor pw = st.tensor("patch_embed.proj.weight_integer");
        Safetensors.Tensor pos = st.tensor("pos_embed");
        Safetensors.Tensor fc1 = st.tensor("blocks.0.mlp.fc1.weight_integer");
        Safetensors.Tensor head = st.tensor("head.weight_integer");
        TreeSet<Integer> ids = new TreeSet<>();
        for (String n : st.tensors().keySet()) {
            Matcher m = BLOCK.matcher(n);
            if (m.matches()) {
                try {
                    ids.add(Integer.parseInt(m.group(1)));
                } catch (NumberFormatException e) {
                    tc.problem("tensor '" + n + "' has a layer index that is not a number");
                }
            }
        }
        int depth = ids.isEmpty() ? 0 : ids.last() + 1;
        if (pw == null || pos == null || fc1 == null || head == null || depth == 0 || pw.shape().length != 4
                || pos.shape().length != 3 || fc1.shape().length != 2 || head.shape().length != 2) {
            for (String n : List.of("patch_embed.proj.weight_integer", "pos_embed", "blocks.0.mlp.fc1.weight_integer",
                    "head.weight_integer")) {
                if (!st.has(n)) {
                    tc.expect(n);
                }
            }
            tc.problem("cannot infer the model shape: expected patch_embed.proj.weight_integer [C, 3, P, P],"
                    + " pos_embed [1, tokens, C], blocks.0.mlp.fc1.weight_integer [MLP, C], head.weight_integer"
                    + " [classes, C] and blocks.0.*");
            tc.throwIfAny();
        }
        int c = (int) pw.shape()[0];
        int p = (int) pw.shape()[2];
        int tokens = (int) pos.shape()[1];
        int mlp = (int) fc1.shape()[0];
        int classes = (int) head.shape()[0];
        long grid = Math.round(Math.sqrt(tokens - 1.0));
        if (grid * grid != tokens - 1 || tokens < 2) {
            throw new ModelException("tensor 'pos_embed' has " + tokens + " tokens; a ViT with a class token has"
                    + " (image / patch)^2 + 1");
        }
        List<String> mismatch = new ArrayList<>();
        if (config.tokens() != tokens || config.channels() != c || config.mlp() != mlp || c % config.heads() != 0) {
            mismatch.add("the checkpoint has " + tokens + " tokens, " + c + " channels, MLP " + mlp
                    + "; the configuration (model.preset=" + config.name() + ") has " + config.tokens() + ", "
                    + config.channels() + ", " + config.mlp() + " with " + config.heads() + " heads");
            throw new ModelException(mismatch);
        }
        VitGeometry g;
        try {
            g = new VitGeometry((int) grid * p, p, c, config.heads(), mlp, depth, classes);
        } catch (IllegalArgumentException e) {
            throw new ModelException("the checkpoint's shape cannot be run: " + e.getMessage());
        }
        double sImg = scalar(tc, "qact_input.act_scaling_factor");
        long[] ew = ints(tc, "patch_embed.proj.weight_integer", -128, 127, c, 3, p, p);
        long[] eb = ints(tc, "patch_embed.proj.bias_integer", Integer.MIN_VALUE, Integer.MAX_VALUE, c);
        double[] es = tc.scales("patch_embed.proj.conv_scaling_factor", c);
        double[] cls = tc.doubles("cls_token", 1, 1, c);
        double[] pe = tc.doubles("pos_embed", 1, tokens, c);
        double sIn = scalar(tc, "qact1.act_scaling_factor");
        List<EncoderLayer.Params> layers = new ArrayList<>();
        List<EncoderLayer.Scales> scales = new ArrayList<>();
        double in = sIn;
        for (int i = 0; i < depth; i++) {
            String b = "blocks." + i + ".";
            double ln1 = scalar(tc, b + "qact1.act_scaling_factor");
            double qkv = scalar(tc, b + "attn.qact1.act_scaling_factor");
            double attn = scalar(tc, b + "attn.qact_attn1.act_scaling_factor");
            double ctx = scalar(tc, b + "attn.qact2.act_scaling_factor");
            double res1 = scalar(tc, b + "qact2.act_scaling_factor");
            double ln2 = scalar(tc, b + "qact3.act_scaling_factor");
            double sFc1 = scalar(tc, b + "mlp.qact_gelu.act_scaling_factor");
            double fc2in = scalar(tc, b + "mlp.qact1.act_scaling_factor");
            double out = scalar(tc, b + "qact4.act_scaling_factor");
            layers.add(new EncoderLayer.Params(norm(tc, b + "norm1", c), linear(tc, b + "attn.qkv", 3 * c, c, ln1),
                    linear(tc, b + "attn.proj", c, c, ctx), norm(tc, b + "norm2", c),
                    linear(tc, b + "mlp.fc1", mlp, c, ln2), linear(tc, b + "mlp.fc2", c, mlp, fc2in)));
            scales.add(new EncoderLayer.Scales(in, ln1, qkv, attn, ctx, res1, ln2, sFc1, fc2in, out));
            in = out;
        }
        EncoderLayer.Norm norm = norm(tc, "norm", c);
        double sNorm = scalar(tc, "qact2.act_scaling_factor");
        long[] hw = ints(tc, "head.weight_integer", -128, 127, classes, c);
        long[] hb = ints(tc, "head.bias_integer", Integer.MIN_VALUE, Integer.MAX_VALUE, classes);
        double[] hs = tc.scales("head.fc_scaling_factor", classes);
        tc.throwIfAny();
        // patch embedding: float biases from bias_integer at the accumulator scale S_img * S_w
        double[] ebias = new double[c];
        for (int j = 0; j < c; j++) {
            ebias[j] = eb[j] * (sImg * es[j]);
        }
        double[][] posRows = new double[tokens][c];
        for (int t = 0; t < tokens; t++) {
            System.arraycopy(pe, t * c, posRows[t], 0, c);
        }
        // head: one per-tensor scale (docs/arithmetic.md section 10); I-ViT's is per channel
        double hmax = 0;
        boolean same = true;
        for (int j = 0; j < classes; j++) {
            same &= hs[j] == hs[0];
        }
        long[][] hk = TensorCheck.transposeToKxN(hw, classes, c);
        double hScale = hs[0];
        if (!same) {
            for (int r = 0; r < c; r++) {
                for (int j = 0; j < classes; j++) {
                    hmax = Math.max(hmax, Math.abs(hk[r][j] * hs[j]));
                }
            }
            hScale = hmax == 0 ? 1 : hmax / 127;
            for (int r = 0; r < c; r++) {
                for (int j = 0; j < classes; j++) {
                    hk[r][j] = Math.max(-127, Math.min(127, (long) Math.rint(hk[r][j] * hs[j] / hScale)));
                }
            }
            notes.add("head.fc_scaling_factor holds per-class scales; the head was re-quantized to one per-tensor"
                    + " scale " + hScale + " (max |w| / 127) so the int32 logits rank directly (docs/model.md)");
        }
        double[] hbias = new double[classes];
        for (int j = 0; j < classes; j++) {
            hbias[j] = hb[j] * (sNorm * hs[j]);
        }
        VitModel.Params params = new VitModel.Params(new VitModel.Embed(TensorCheck.transposeToKxN(ew, c, g.patchK()),
                es, ebias, cls, posRows), layers, norm, new VitModel.Head(hk, hScale, hbias));
        try {
            return new Result(new VitModel(g, params, new VitModel.Scales(sImg, scales, sNorm), mode, softmaxBits),
                    notes);
        } catch (IllegalArgumentException | ArithmeticException e) {
            throw new ModelException("the checkpoint cannot be run by the integer model: " + e.getMessage());
        }
    }

    /** A one-element scale tensor ([1] or []), finite and positive. */
    private static double scalar(TensorCheck tc, String name) {
        Safetensors.Tensor t = tc.file().tensor(name);
        if (t == null) {
            tc.expect(name);
            return 1;
        }
        if (t.numel() != 1) {
            tc.problem("tensor '" + name + "' has shape " + t.shapeText() + ", expected one value ([1] or [])");
            return 1;
        }
        double[] v = tc.scales(name, t.shape());
        return v == null ? 1 : v[0];
    }

    /** Integers stored as any integer dtype, or as floats holding whole numbers (PyTorch buffers often are). */
    private static long[] ints(TensorCheck tc, String name, long lo, long hi, long... shape) {
        Safetensors.Tensor t = tc.expect(name, shape);
        if (t == null) {
            return null;
        }
        long[] v;
        try {
            if (t.dtype().isFloat()) {
                double[] d = tc.file().doubles(t);
                v = new long[d.length];
                for (int i = 0; i < d.length; i++) {
                    if (d[i] != Math.rint(d[i]) || !Double.isFinite(d[i])) {
                        tc.problem("tensor '" + name + "' holds " + d[i] + " at index "
                                + TensorCheck.indexText(t.shape(), i) + ", not an integer");
                        return null;
                    }
                    v[i] = (long) d[i];
                }
            } else {
                v = tc.file().integers(t);
            }
        } catch (ModelException e) {
            e.problems().forEach(tc::problem);
            return null;
        }
        for (int i = 0; i < v.length; i++) {
            if (v[i] < lo || v[i] > hi) {
                tc.problem("tensor '" + name + "' holds " + v[i] + " at index " + TensorCheck.indexText(t.shape(), i)
                        + ", outside [" + lo + ", " + hi + "]");
                return null;
            }
        }
        return v;
    }

    private static EncoderLayer.Norm norm(TensorCheck tc, String prefix, int c) {
        double[] g = tc.doubles(prefix + ".weight", c);
        double[] b = tc.doubles(prefix + ".bias", c);
        return g == null || b == null ? null : new EncoderLayer.Norm(g, b);
    }

    /** A linear layer; its float bias is bias_integer * S_in * S_w[j], so the golden model derives bias_integer back. */
    private static EncoderLayer.Linear linear(TensorCheck tc, String prefix, int out, int in, double sIn) {
        long[] w = ints(tc, prefix + ".weight_integer", -128, 127, out, in);
        long[] b = ints(tc, prefix + ".bias_integer", Integer.MIN_VALUE, Integer.MAX_VALUE, out);
        double[] s = tc.scales(prefix + ".fc_scaling_factor", out);
        if (w == null || b == null || s == null) {
            return null;
        }
        double[] bias = new double[out];
        for (int j = 0; j < out; j++) {
            bias[j] = b[j] * (sIn * s[j]);
        }
        return new EncoderLayer.Linear(TensorCheck.transposeToKxN(w, out, in), s, bias);
    }
}
