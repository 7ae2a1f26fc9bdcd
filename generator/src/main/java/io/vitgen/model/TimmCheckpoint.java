package io.vitgen.model;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.vitgen.config.ModelShape;
import io.vitgen.golden.FloatVit;
import io.vitgen.golden.VitGeometry;

/**
 * A float ViT/DeiT checkpoint under timm's tensor names (F32, F16, BF16 or F64):
 * {@code patch_embed.proj.weight [C, 3, P, P]}, {@code patch_embed.proj.bias}, {@code cls_token
 * [1, 1, C]}, {@code pos_embed [1, N, C]}, {@code blocks.i.norm1.*}, {@code blocks.i.attn.qkv.*
 * [3C, C]}, {@code blocks.i.attn.proj.*}, {@code blocks.i.norm2.*}, {@code blocks.i.mlp.fc1.* [MLP, C]},
 * {@code blocks.i.mlp.fc2.*}, {@code norm.*}, {@code head.* [classes, C]}. The shape comes from the
 * tensors (patch size, image size, width, MLP, depth, classes); the number of heads, which no
 * tensor shows, from the configuration (checked against {@code __metadata__} "num_heads" or "heads"
 * when the file has one). Everything is checked before anything is used, and every
 * problem is reported at once.
 */
public final class TimmCheckpoint {
    private TimmCheckpoint() {
    }

    /** Metadata key of float checkpoints vitgen made (vitgen model new --float). */
    public static final String RANDOM_KEY = "vitgen.random";

    private static final Pattern BLOCK = Pattern.compile("blocks\\.(\\d+)\\.(.+)");

    /** Tensor names of timm variants vitgen's model does not implement, with what they are. */
    private static final Map<String, String> UNSUPPORTED = Map.of(
            "dist_token", "the distillation token of distilled DeiT",
            "head_dist.weight", "the distillation head of distilled DeiT",
            "fc_norm.weight", "global average pooling (fc_norm) instead of the class token",
            "reg_token", "register tokens",
            "norm_pre.weight", "a pre-norm before the encoder layers");

    private static final List<String> BLOCK_SUFFIXES = List.of("norm1.weight", "norm1.bias", "attn.qkv.weight",
            "attn.qkv.bias", "attn.proj.weight", "attn.proj.bias", "norm2.weight", "norm2.bias", "mlp.fc1.weight",
            "mlp.fc1.bias", "mlp.fc2.weight", "mlp.fc2.bias");

    /** True when the file looks like an I-ViT integer checkpoint rather than a float one. */
    public static boolean isIntegerCheckpoint(Safetensors st) {
        return st.has("patch_embed.proj.weight_integer");
    }

    /**
     * Reads the float model and checks it against the configuration's model shape (tokens, channels,
     * heads, MLP width).
     */
    public static FloatVit.Weights read(Safetensors st, ModelShape config) throws ModelException {
        TensorCheck tc = new TensorCheck(st);
        VitGeometry g = infer(tc, config);
        if (g == null) {
            tc.throwIfAny();
            throw new ModelException("cannot infer the model shape from " + st.path());
        }
        int c = g.channels();
        int p = g.patch();
        int n = g.tokens();
        float[] pw = tc.floats("patch_embed.proj.weight", c, 3, p, p);
        float[] pb = tc.floats("patch_embed.proj.bias", c);
        float[] cls = tc.floats("cls_token", 1, 1, c);
        float[] pos = tc.floats("pos_embed", 1, n, c);
        List<FloatVit.Block> blocks = new ArrayList<>();
        for (int i = 0; i < g.depth(); i++) {
            String b = "blocks." + i + ".";
            FloatVit.Norm n1 = norm(tc, b + "norm1", c);
            FloatVit.Linear qkv = linear(tc, b + "attn.qkv", 3 * c, c);
            FloatVit.Linear proj = linear(tc, b + "attn.proj", c, c);
            FloatVit.Norm n2 = norm(tc, b + "norm2", c);
            FloatVit.Linear fc1 = linear(tc, b + "mlp.fc1", g.mlp(), c);
            FloatVit.Linear fc2 = linear(tc, b + "mlp.fc2", c, g.mlp());
            blocks.add(new FloatVit.Block(n1, qkv, proj, n2, fc1, fc2));
        }
        FloatVit.Norm norm = norm(tc, "norm", c);
        FloatVit.Linear head = linear(tc, "head", g.classes(), c);
        tc.throwIfAny();
        // patch weight [C, 3, P, P] is already [C, K] row-major with K in (channel, row, column) order
        FloatVit.Linear patch = new FloatVit.Linear(TensorCheck.transposeToKxN(pw, c, g.patchK()),
                TensorCheck.toDouble(pb));
        double[][] posRows = new double[n][c];
        for (int t = 0; t < n; t++) {
            for (int j = 0; j < c; j++) {
                posRows[t][j] = pos[t * c + j];
            }
        }
        return new FloatVit.Weights(g, patch, TensorCheck.toDouble(cls), posRows, blocks, norm, head);
    }

    /**
     * Checks a checkpoint without loading it: names, shapes, dtypes against the inferred shape and
     * the configuration, and every value finite - streamed through the memory-mapped tensors, so
     * the heap stays small whatever the file's size. Returns the geometry or throws with every problem.
     */
    public static VitGeometry check(Safetensors st, ModelShape config) throws ModelException {
        TensorCheck tc = new TensorCheck(st);
        VitGeometry g = infer(tc, config);
        tc.throwIfAny();
        if (g == null) {
            throw new ModelException("cannot infer the model shape from " + st.path());
        }
        int c = g.channels();
        List<Object[]> expected = new ArrayList<>();
        expected.add(new Object[] {"patch_embed.proj.weight", new long[] {c, 3, g.patch(), g.patch()}});
        expected.add(new Object[] {"patch_embed.proj.bias", new long[] {c}});
        expected.add(new Object[] {"cls_token", new long[] {1, 1, c}});
        expected.add(new Object[] {"pos_embed", new long[] {1, g.tokens(), c}});
        for (int i = 0; i < g.depth(); i++) {
            String b = "blocks." + i + ".";
            long[][] shapes = {{c}, {c}, {3L * c, c}, {3L * c}, {c, c}, {c}, {c}, {c}, {g.mlp(), c}, {g.mlp()},
                {c, g.mlp()}, {c}};
            for (int k = 0; k < BLOCK_SUFFIXES.size(); k++) {
                expected.add(new Object[] {b + BLOCK_SUFFIXES.get(k), shapes[k]});
            }
        }
        expected.add(new Object[] {"norm.weight", new long[] {c}});
        expected.add(new Object[] {"norm.bias", new long[] {c}});
        expected.add(new Object[] {"head.weight", new long[] {g.classes(), c}});
        expected.add(new Object[] {"head.bias", new long[] {g.classes()}});
        for (Object[] e : expected) {
            String name = (String) e[0];
            Safetensors.Tensor t = tc.expect(name, (long[]) e[1]);
            if (t == null) {
                continue;
            }
            if (!t.dtype().isFloat()) {
                tc.problem("tensor '" + name + "' has dtype " + t.dtype() + ", expected a float (F32, F16, BF16 or F64)");
                continue;
            }
            long bad = st.firstNonFinite(t);
            if (bad >= 0) {
                tc.problem("tensor '" + name + "' holds a NaN or infinity at index " + TensorCheck.indexText(t.shape(), bad));
            }
        }
        tc.throwIfAny();
        return g;
    }

    /** The geometry the tensors show, checked against the configuration; null with problems recorded. */
    static VitGeometry infer(TensorCheck tc, ModelShape config) {
        Safetensors st = tc.file();
        boolean timm = false;
        TreeSet<Integer> blockIds = new TreeSet<>();
        for (String name : st.tensors().keySet()) {
            Matcher m = BLOCK.matcher(name);
            if (m.matches()) {
                timm = true;
                String suffix = m.group(2);
                if (!BLOCK_SUFFIXES.contains(suffix)) {
                    tc.problem("tensor '" + name + "' is not part of timm's ViT/DeiT layer (expected blocks.i."
                            + String.join(", ", BLOCK_SUFFIXES.subList(0, 3)) + ", ...); LayerScale, qk-norm and"
                            + " other variants are not supported");
                }
                try {
                    blockIds.add(Integer.parseInt(m.group(1)));
                } catch (NumberFormatException e) {
                    tc.problem("tensor '" + name + "' has a layer index that is not a number");
                }
                continue;
            }
            if (UNSUPPORTED.containsKey(name)) {
                tc.problem("tensor '" + name + "': " + UNSUPPORTED.get(name) + " is not supported (docs/model.md)");
                continue;
            }
            if (name.startsWith("patch_embed.") || name.equals("cls_token") || name.equals("pos_embed")
                    || name.startsWith("norm.") || name.startsWith("head.")) {
                timm = true;
                if (!List.of("patch_embed.proj.weight", "patch_embed.proj.bias", "cls_token", "pos_embed", "norm.weight",
                        "norm.bias", "head.weight", "head.bias").contains(name)) {
                    tc.problem("unexpected tensor '" + name + "' (not part of timm's ViT/DeiT)");
                }
                continue;
            }
            tc.problem("unexpected tensor '" + name + "' (not part of timm's ViT/DeiT)");
        }
        if (!timm) {
            tc.problem("no timm ViT/DeiT tensor names found (such as 'patch_embed.proj.weight', 'blocks.0.attn.qkv.weight');"
                    + " vitgen reads timm's names (Hugging Face transformers names such as"
                    + " 'vit.embeddings.patch_embeddings...' are not mapped)");
            return null;
        }
        int depth = blockIds.isEmpty() ? 0 : blockIds.last() + 1;
        for (int i = 0; i < depth; i++) {
            if (!blockIds.contains(i)) {
                tc.problem("layers are not numbered 0.." + (depth - 1) + ": no tensor of blocks." + i);
            }
        }
        if (depth == 0) {
            tc.problem("no encoder layers: no tensor named blocks.0.*");
        }
        Safetensors.Tensor pw = st.tensor("patch_embed.proj.weight");
        Safetensors.Tensor pos = st.tensor("pos_embed");
        Safetensors.Tensor fc1 = st.tensor("blocks.0.mlp.fc1.weight");
        Safetensors.Tensor head = st.tensor("head.weight");
        long c = -1;
        long patch = -1;
        if (pw != null && pw.shape().length == 4 && pw.shape()[1] == 3 && pw.shape()[2] == pw.shape()[3]
                && pw.shape()[2] > 0) {
            c = pw.shape()[0];
            patch = pw.shape()[2];
        } else if (pw != null) {
            tc.problem("tensor 'patch_embed.proj.weight' has shape " + pw.shapeText()
                    + ", expected [C, 3, P, P] (an RGB patch embedding with square patches)");
        }
        long tokens = -1;
        if (pos != null && pos.shape().length == 3 && pos.shape()[0] == 1) {
            tokens = pos.shape()[1];
            if (c == -1) {
                c = pos.shape()[2];
            }
        } else if (pos != null) {
            tc.problem("tensor 'pos_embed' has shape " + pos.shapeText() + ", expected [1, tokens, C]");
        }
        long mlp = fc1 != null && fc1.shape().length == 2 ? fc1.shape()[0] : -1;
        long classes = head != null && head.shape().length == 2 ? head.shape()[0] : -1;
        List<String> req = new ArrayList<>(List.of("patch_embed.proj.weight", "patch_embed.proj.bias", "cls_token",
                "pos_embed", "norm.weight", "norm.bias", "head.weight", "head.bias"));
        for (int i = 0; i < Math.max(depth, 1); i++) {
            for (String s : BLOCK_SUFFIXES) {
                req.add("blocks." + i + "." + s);
            }
        }
        for (String r : req) {
            if (!st.has(r)) {
                tc.expect(r); // records it as missing
            }
        }
        if (c < 0 || patch < 0 || tokens < 0 || mlp < 0 || classes < 0 || depth == 0 || !tc.ok()) {
            return null;
        }
        long grid = Math.round(Math.sqrt(tokens - 1.0));
        if (tokens < 2 || grid * grid != tokens - 1) {
            tc.problem("tensor 'pos_embed' has " + tokens + " tokens; a ViT with a class token has (image / patch)^2 + 1");
            return null;
        }
        int heads = config == null ? 1 : config.heads();
        List<String> mismatch = new ArrayList<>();
        if (config != null) {
            if (config.tokens() != tokens) {
                mismatch.add("tokens: the checkpoint has " + tokens + " (pos_embed), the configuration model.tokens="
                        + config.tokens());
            }
            if (config.channels() != c) {
                mismatch.add("channels: the checkpoint has " + c + " (patch_embed.proj.weight), the configuration"
                        + " model.channels=" + config.channels());
            }
            if (config.mlp() != mlp) {
                mismatch.add("MLP width: the checkpoint has " + mlp + " (blocks.0.mlp.fc1.weight), the configuration"
                        + " model.mlp=" + config.mlp());
            }
            for (String key : List.of("num_heads", "heads")) {
                String v = st.metadata().get(key);
                if (v != null && !v.trim().equals(Integer.toString(heads))) {
                    mismatch.add("heads: the checkpoint's __metadata__ says " + key + "=" + v.trim()
                            + ", the configuration model.heads=" + heads);
                }
            }
            if (c % heads != 0) {
                mismatch.add("heads: the configuration's model.heads=" + heads + " does not divide the checkpoint's "
                        + c + " channels");
            }
        }
        if (!mismatch.isEmpty()) {
            for (String m : mismatch) {
                tc.problem("shape does not match the configuration (model.preset="
                        + config.name() + "): " + m);
            }
            tc.problem("the checkpoint is " + describe(c, tokens, mlp, depth)
                    + "; choose the matching preset (--set model.preset=...) or model.preset=custom with its sizes");
            return null;
        }
        try {
            return new VitGeometry((int) (grid * patch), (int) patch, (int) c, heads, (int) mlp, depth, (int) classes);
        } catch (IllegalArgumentException e) {
            tc.problem("the checkpoint's shape cannot be run: " + e.getMessage());
            return null;
        }
    }

    private static String describe(long c, long tokens, long mlp, int depth) {
        for (String p : List.of("deit-tiny", "deit-small", "deit-base")) {
            VitGeometry g = VitGeometry.preset(p);
            if (g.channels() == c && g.tokens() == tokens && g.mlp() == mlp) {
                return p + "-shaped (" + tokens + " tokens, " + c + " channels, MLP " + mlp + ", " + depth + " layers)";
            }
        }
        return tokens + " tokens, " + c + " channels, MLP " + mlp + ", " + depth + " layers";
    }

    private static FloatVit.Norm norm(TensorCheck tc, String prefix, int c) {
        float[] g = tc.floats(prefix + ".weight", c);
        float[] b = tc.floats(prefix + ".bias", c);
        return g == null || b == null ? null : new FloatVit.Norm(TensorCheck.toDouble(g), TensorCheck.toDouble(b));
    }

    private static FloatVit.Linear linear(TensorCheck tc, String prefix, int out, int in) {
        float[] w = tc.floats(prefix + ".weight", out, in);
        float[] b = tc.floats(prefix + ".bias", out);
        return w == null || b == null ? null
                : new FloatVit.Linear(TensorCheck.transposeToKxN(w, out, in), TensorCheck.toDouble(b));
    }

    /**
     * Writes float weights under timm's names in the given float dtype (for tests, benchmarks and
     * users who build a model in Java); an existing file is replaced.
     */
    public static void write(FloatVit.Weights w, Safetensors.DType dtype, Path target) throws java.io.IOException {
        write(w, dtype, target, null);
    }

    /**
     * The same with {@code __metadata__."vitgen.random"} saying how the weights were made (such a
     * file counts as vitgen's own: {@link ModelFile#requireWritable} lets vitgen replace it).
     */
    public static void write(FloatVit.Weights w, Safetensors.DType dtype, Path target, String origin)
            throws java.io.IOException {
        VitGeometry g = w.geometry();
        int c = g.channels();
        SafetensorsWriter out = new SafetensorsWriter();
        out.metadata("format", "pt");
        if (origin != null) {
            out.metadata(RANDOM_KEY, origin);
        }
        float[] pw = new float[c * g.patchK()];
        for (int k = 0; k < g.patchK(); k++) {
            for (int j = 0; j < c; j++) {
                pw[j * g.patchK() + k] = w.patch().w()[k][j];
            }
        }
        out.floats("patch_embed.proj.weight", dtype, new long[] {c, 3, g.patch(), g.patch()}, pw);
        out.floats("patch_embed.proj.bias", dtype, new long[] {c}, toFloat(w.patch().b()));
        out.floats("cls_token", dtype, new long[] {1, 1, c}, toFloat(w.cls()));
        float[] pos = new float[g.tokens() * c];
        for (int t = 0; t < g.tokens(); t++) {
            for (int j = 0; j < c; j++) {
                pos[t * c + j] = (float) w.pos()[t][j];
            }
        }
        out.floats("pos_embed", dtype, new long[] {1, g.tokens(), c}, pos);
        for (int i = 0; i < g.depth(); i++) {
            String b = "blocks." + i + ".";
            FloatVit.Block bl = w.blocks().get(i);
            writeNorm(out, dtype, b + "norm1", bl.norm1());
            writeLinear(out, dtype, b + "attn.qkv", bl.qkv());
            writeLinear(out, dtype, b + "attn.proj", bl.proj());
            writeNorm(out, dtype, b + "norm2", bl.norm2());
            writeLinear(out, dtype, b + "mlp.fc1", bl.fc1());
            writeLinear(out, dtype, b + "mlp.fc2", bl.fc2());
        }
        writeNorm(out, dtype, "norm", w.norm());
        writeLinear(out, dtype, "head", w.head());
        out.write(target);
    }

    private static void writeNorm(SafetensorsWriter out, Safetensors.DType dt, String prefix, FloatVit.Norm n) {
        out.floats(prefix + ".weight", dt, new long[] {n.gamma().length}, toFloat(n.gamma()));
        out.floats(prefix + ".bias", dt, new long[] {n.beta().length}, toFloat(n.beta()));
    }

    private static void writeLinear(SafetensorsWriter out, Safetensors.DType dt, String prefix, FloatVit.Linear l) {
        int k = l.in();
        int n = l.out();
        // streamed row by row of the [out, in] layout, so a large layer needs no second full copy
        out.add(prefix + ".weight", dt, new long[] {n, k}, s -> {
            float[] row = new float[k];
            for (int j = 0; j < n; j++) {
                for (int i = 0; i < k; i++) {
                    row[i] = l.w()[i][j];
                }
                s.write(SafetensorsWriter.encodeFloats(dt, row));
            }
        });
        out.floats(prefix + ".bias", dt, new long[] {n}, toFloat(l.b()));
    }

    private static float[] toFloat(double[] d) {
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) {
            f[i] = (float) d[i];
        }
        return f;
    }
}
