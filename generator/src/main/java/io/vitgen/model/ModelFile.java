package io.vitgen.model;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.vitgen.config.Config;
import io.vitgen.emit.Version;
import io.vitgen.golden.DyadicScale;
import io.vitgen.golden.EncoderLayer;
import io.vitgen.golden.IntGemm;
import io.vitgen.golden.VitGeometry;
import io.vitgen.golden.VitModel;
import io.vitgen.model.Safetensors.DType;

/**
 * vitgen's model file (docs/model.md, "The model file"): one safetensors file holding an integer
 * ViT. The header's {@code __metadata__} says what it is ({@code format = vitgen-model}, the vitgen
 * version, and under {@code vitgen.model} a JSON document with the shape, the variants, every
 * activation scale and how they were calibrated). The tensors are the model's parameters - int8
 * weights with their per-channel scales, float biases, LayerNorm parameters, class token and
 * position embedding - and every integer constant derived from them (int32 biases, dyadic m/k,
 * X, LayerNorm biases, int16 position embedding), which the accelerator uses directly.
 *
 * <p>Reading rebuilds the model from the parameters and scales and requires each stored constant
 * to equal its re-derivation, so a file cannot say one thing in its constants and another in its
 * scales. Every problem is reported at once.
 */
public final class ModelFile {
    private ModelFile() {
    }

    /** Value of {@code __metadata__.format}. */
    public static final String FORMAT = "vitgen-model";
    /** Version of the layout below. */
    public static final int LAYOUT = 1;

    private static final ObjectMapper JSON = new ObjectMapper();

    /** An integer tensor of the file. */
    record IntTensor(String name, DType dtype, long[] shape, long[] values) {
    }

    /** A model read back, with its metadata document. */
    public record Loaded(VitModel model, JsonNode metadata) {
    }

    // ---- writing ----

    /**
     * Writes the model; {@code calibration} (free-form, e.g. method and images) goes into the
     * metadata. An existing {@code target} is replaced only when it is a vitgen model file.
     */
    public static void write(VitModel m, Map<String, Object> calibration, Path target) throws ModelException {
        requireWritable(target);
        SafetensorsWriter w = new SafetensorsWriter();
        w.metadata("format", FORMAT);
        w.metadata("vitgen.version", Version.get());
        w.metadata("vitgen.model", metadata(m, calibration).toString());
        VitGeometry g = m.geometry();
        int c = g.channels();
        VitModel.Params p = m.params();
        long[] pw = new long[c * g.patchK()];
        for (int k = 0; k < g.patchK(); k++) {
            for (int j = 0; j < c; j++) {
                pw[j * g.patchK() + k] = p.embed().w()[k][j];
            }
        }
        w.integers("patch_embed.proj.weight_integer", DType.I8, new long[] {c, 3, g.patch(), g.patch()}, pw);
        w.doubles("patch_embed.proj.weight_scale", new long[] {c}, p.embed().wScale());
        w.doubles("patch_embed.proj.bias", new long[] {c}, p.embed().bias());
        w.doubles("cls_token", new long[] {1, 1, c}, p.embed().cls());
        w.doubles("pos_embed", new long[] {1, g.tokens(), c}, flat(p.embed().pos()));
        for (int i = 0; i < g.depth(); i++) {
            String b = "blocks." + i + ".";
            EncoderLayer.Params lp = p.layers().get(i);
            norm(w, b + "norm1", lp.ln1());
            linear(w, b + "attn.qkv", lp.qkv());
            linear(w, b + "attn.proj", lp.proj());
            norm(w, b + "norm2", lp.ln2());
            linear(w, b + "mlp.fc1", lp.fc1());
            linear(w, b + "mlp.fc2", lp.fc2());
        }
        norm(w, "norm", p.norm());
        w.integers("head.weight_integer", DType.I8, new long[] {g.classes(), c}, transposeFlat(p.head().w()));
        w.doubles("head.weight_scale", new long[] {1}, new double[] {p.head().wScale()});
        w.doubles("head.bias", new long[] {g.classes()}, p.head().bias());
        for (IntTensor t : derived(m)) {
            w.integers(t.name(), t.dtype(), t.shape(), t.values());
        }
        try {
            w.write(target);
        } catch (IOException e) {
            throw new ModelException(target + ": cannot write: " + e.getMessage() + " (nothing was written)");
        }
    }

    /** Refuses to replace a file that is not a vitgen model file (vitgen never replaces what it did not write). */
    public static void requireWritable(Path target) throws ModelException {
        if (Files.isDirectory(target)) {
            throw new ModelException(target + ": is a folder; give the model file's name");
        }
        if (!Files.exists(target)) {
            return;
        }
        try (Safetensors st = Safetensors.open(target)) {
            if (FORMAT.equals(st.metadata().get("format")) || st.metadata().containsKey(TimmCheckpoint.RANDOM_KEY)) {
                return;
            }
        } catch (ModelException e) {
            // not a readable safetensors file: certainly not ours
        }
        throw new ModelException(target + ": exists and is not a vitgen model file; vitgen does not replace"
                + " files it did not write (choose another name or remove it yourself)");
    }

    private static ObjectNode metadata(VitModel m, Map<String, Object> calibration) {
        ObjectNode root = JSON.createObjectNode();
        root.put("layout", LAYOUT);
        VitGeometry g = m.geometry();
        ObjectNode geo = root.putObject("geometry");
        geo.put("image", g.image());
        geo.put("patch", g.patch());
        geo.put("channels", g.channels());
        geo.put("heads", g.heads());
        geo.put("mlp", g.mlp());
        geo.put("depth", g.depth());
        geo.put("classes", g.classes());
        geo.put("tokens", g.tokens());
        ObjectNode var = root.putObject("variants");
        var.put("softmax", m.mode() == EncoderLayer.SoftmaxMode.LOG2 ? "log2" : "shiftmax");
        if (m.mode() == EncoderLayer.SoftmaxMode.SHIFTMAX) {
            var.put("softmax.out.bits", m.softmaxBits());
        }
        var.put("gelu", "shiftgelu");
        var.put("layernorm", "ilayernorm");
        var.put("act.bits", 8);
        var.put("weight.bits", 8);
        var.put("weights", "int8 symmetric, per output channel; head per tensor");
        ObjectNode sc = root.putObject("scales");
        sc.put("image", m.scales().image());
        sc.put("norm", m.scales().norm());
        ArrayNode layers = sc.putArray("layers");
        for (EncoderLayer.Scales s : m.scales().layers()) {
            ObjectNode o = layers.addObject();
            o.put("in", s.in());
            o.put("ln1", s.ln1());
            o.put("qkv", s.qkv());
            o.put("attn", s.attn());
            o.put("ctx", s.ctx());
            o.put("res1", s.res1());
            o.put("ln2", s.ln2());
            o.put("fc1", s.fc1());
            o.put("fc2in", s.fc2in());
            o.put("out", s.out());
        }
        root.set("calibration", JSON.valueToTree(calibration == null ? Map.of() : calibration));
        return root;
    }

    private static void norm(SafetensorsWriter w, String prefix, EncoderLayer.Norm n) {
        w.doubles(prefix + ".weight", new long[] {n.gamma().length}, n.gamma());
        w.doubles(prefix + ".bias", new long[] {n.beta().length}, n.beta());
    }

    private static void linear(SafetensorsWriter w, String prefix, EncoderLayer.Linear l) {
        int k = l.w().length;
        int n = l.wScale().length;
        w.integers(prefix + ".weight_integer", DType.I8, new long[] {n, k}, transposeFlat(l.w()));
        w.doubles(prefix + ".weight_scale", new long[] {n}, l.wScale());
        w.doubles(prefix + ".bias", new long[] {n}, l.bias());
    }

    /** K x N to the row-major [N, K] of PyTorch. */
    private static long[] transposeFlat(long[][] kxn) {
        int k = kxn.length;
        int n = kxn[0].length;
        long[] out = new long[k * n];
        for (int r = 0; r < k; r++) {
            for (int j = 0; j < n; j++) {
                out[j * k + r] = kxn[r][j];
            }
        }
        return out;
    }

    private static double[] flat(double[][] m) {
        int c = m[0].length;
        double[] out = new double[m.length * c];
        for (int i = 0; i < m.length; i++) {
            System.arraycopy(m[i], 0, out, i * c, c);
        }
        return out;
    }

    /** Every derived integer constant of the model, as stored in the file. */
    static List<IntTensor> derived(VitModel m) {
        List<IntTensor> out = new ArrayList<>();
        VitGeometry g = m.geometry();
        int c = g.channels();
        VitModel.Constants k = m.constants();
        out.add(vec("patch_embed.proj.bias_integer", DType.I32, k.embedBias()));
        scales(out, "patch_embed.requant", k.embedRequant());
        long[] pos = new long[g.tokens() * c];
        for (int t = 0; t < g.tokens(); t++) {
            System.arraycopy(k.pos()[t], 0, pos, t * c, c);
        }
        out.add(new IntTensor("pos_embed_integer", DType.I16, new long[] {g.tokens(), c}, pos));
        List<EncoderLayer> layers = m.layers();
        for (int i = 0; i < layers.size(); i++) {
            String b = "blocks." + i + ".";
            EncoderLayer.Constants lc = layers.get(i).constants();
            out.add(vec(b + "norm1.bias_integer", DType.I32, lc.ln1Bias()));
            scales(out, b + "norm1.requant", lc.ln1Requant());
            out.add(vec(b + "attn.qkv.bias_integer", DType.I32, lc.qkvBias()));
            scales(out, b + "attn.qkv.requant", lc.qkvRequant());
            scales(out, b + "attn.score.requant", new DyadicScale[] {lc.scoreRequant()});
            out.add(vec(b + "attn.softmax.x", DType.I32, new long[] {lc.softmaxX()}));
            scales(out, b + "attn.ctx.requant", new DyadicScale[] {lc.ctxRequant()});
            out.add(vec(b + "attn.proj.bias_integer", DType.I32, lc.projBias()));
            scales(out, b + "attn.proj.requant", lc.projToRes1());
            scales(out, b + "residual1.requant", new DyadicScale[] {lc.inToRes1()});
            out.add(vec(b + "norm2.bias_integer", DType.I32, lc.ln2Bias()));
            scales(out, b + "norm2.requant", lc.ln2Requant());
            out.add(vec(b + "mlp.fc1.bias_integer", DType.I32, lc.fc1Bias()));
            scales(out, b + "mlp.fc1.requant", lc.fc1Requant());
            out.add(vec(b + "mlp.gelu.x", DType.I32, new long[] {lc.geluX()}));
            scales(out, b + "mlp.gelu.requant", new DyadicScale[] {lc.geluRequant()});
            out.add(vec(b + "mlp.fc2.bias_integer", DType.I32, lc.fc2Bias()));
            scales(out, b + "mlp.fc2.requant", lc.fc2ToOut());
            scales(out, b + "residual2.requant", new DyadicScale[] {lc.res1ToOut()});
        }
        out.add(vec("norm.bias_integer", DType.I32, k.normBias()));
        scales(out, "norm.requant", k.normRequant());
        out.add(vec("head.bias_integer", DType.I32, k.headBias()));
        return out;
    }

    private static IntTensor vec(String name, DType dt, long[] v) {
        return new IntTensor(name, dt, new long[] {v.length}, v);
    }

    private static void scales(List<IntTensor> out, String prefix, DyadicScale[] s) {
        long[] m = new long[s.length];
        long[] k = new long[s.length];
        for (int i = 0; i < s.length; i++) {
            m[i] = s[i].m();
            k[i] = s[i].k();
        }
        out.add(vec(prefix + ".m", DType.I32, m));
        out.add(vec(prefix + ".k", DType.I8, k));
    }

    // ---- reading ----

    /** True when the file is a readable safetensors file whose metadata says vitgen-model. */
    public static boolean isModelFile(Path file) {
        try (Safetensors st = Safetensors.open(file)) {
            return FORMAT.equals(st.metadata().get("format"));
        } catch (ModelException e) {
            return false;
        }
    }

    /** Reads and checks a model file; with a configuration, also checks that the configuration can run it. */
    public static Loaded read(Path file, Config config) throws ModelException {
        try (Safetensors st = Safetensors.open(file)) {
            List<String> problems = new ArrayList<>();
            String format = st.metadata().get("format");
            if (!FORMAT.equals(format)) {
                String hint = TimmCheckpoint.isIntegerCheckpoint(st) ? " (it looks like an I-ViT integer checkpoint:"
                        + " convert it with vitgen quantize --checkpoint)" : st.has("patch_embed.proj.weight")
                        ? " (it looks like a float checkpoint: quantize it with vitgen quantize --checkpoint)" : "";
                throw new ModelException(file + ": not a vitgen model file: __metadata__.format is "
                        + (format == null ? "absent" : "'" + format + "'") + ", expected '" + FORMAT + "'" + hint);
            }
            String doc = st.metadata().get("vitgen.model");
            if (doc == null) {
                throw new ModelException(file + ": __metadata__ has no 'vitgen.model' document");
            }
            JsonNode meta;
            try {
                meta = JSON.readTree(doc);
            } catch (JsonProcessingException e) {
                throw new ModelException(file + ": __metadata__ 'vitgen.model' is not JSON: " + e.getOriginalMessage());
            }
            if (meta == null || !meta.isObject()) {
                throw new ModelException(file + ": __metadata__ 'vitgen.model' is not a JSON object");
            }
            if (meta.path("layout").asInt(-1) != LAYOUT) {
                problems.add("vitgen.model layout is " + meta.path("layout") + "; this vitgen reads layout " + LAYOUT);
            }
            VitGeometry g = geometry(meta.path("geometry"), problems);
            EncoderLayer.SoftmaxMode mode = mode(meta.path("variants"), problems);
            int bits = mode == EncoderLayer.SoftmaxMode.SHIFTMAX ? meta.path("variants").path("softmax.out.bits").asInt() : 16;
            VitModel.Scales scales = g == null ? null : scales(meta.path("scales"), g.depth(), problems);
            if (g != null && config != null) {
                problems.addAll(configProblems(g, mode, bits, config));
            }
            if (g == null || mode == null || scales == null) {
                throw new ModelException(problems);
            }
            TensorCheck tc = new TensorCheck(st);
            VitModel.Params params = params(tc, g);
            problems.addAll(tc.problems());
            if (!problems.isEmpty()) {
                throw new ModelException(problems);
            }
            VitModel model;
            try {
                model = new VitModel(g, params, scales, mode, bits);
            } catch (IllegalArgumentException | ArithmeticException e) {
                throw new ModelException("the model's parameters and scales cannot be run: " + e.getMessage());
            }
            TensorCheck dc = new TensorCheck(st);
            for (IntTensor t : derived(model)) {
                long lo = t.dtype() == DType.I8 ? -128 : t.dtype() == DType.I16 ? -32768 : Integer.MIN_VALUE;
                long hi = -lo - 1;
                long[] v = dc.integers(t.name(), t.dtype(), lo, hi, t.shape());
                if (v == null) {
                    continue;
                }
                for (int i = 0; i < v.length; i++) {
                    if (v[i] != t.values()[i]) {
                        dc.problem("tensor '" + t.name() + "' holds " + v[i] + " at index "
                                + TensorCheck.indexText(t.shape(), i) + " but the parameters and scales give "
                                + t.values()[i] + " (docs/model.md: stored constants must equal their derivation)");
                        break;
                    }
                }
            }
            java.util.Set<String> known = new java.util.HashSet<>(tc.asked());
            known.addAll(dc.asked());
            for (String name : st.tensors().keySet()) {
                if (!known.contains(name)) {
                    dc.problem("unexpected tensor '" + name + "' (not part of the model file layout " + LAYOUT
                            + ", docs/model.md)");
                }
            }
            dc.throwIfAny();
            return new Loaded(model, meta);
        }
    }

    private static VitGeometry geometry(JsonNode n, List<String> problems) {
        String[] keys = {"image", "patch", "channels", "heads", "mlp", "depth", "classes"};
        int[] v = new int[keys.length];
        boolean ok = true;
        for (int i = 0; i < keys.length; i++) {
            JsonNode x = n.get(keys[i]);
            if (x == null || !x.isInt()) {
                problems.add("vitgen.model geometry." + keys[i] + " is missing or not an integer");
                ok = false;
            } else {
                v[i] = x.asInt();
            }
        }
        if (!ok) {
            return null;
        }
        try {
            return new VitGeometry(v[0], v[1], v[2], v[3], v[4], v[5], v[6]);
        } catch (IllegalArgumentException e) {
            problems.add("vitgen.model geometry: " + e.getMessage());
            return null;
        }
    }

    private static EncoderLayer.SoftmaxMode mode(JsonNode n, List<String> problems) {
        String sm = n.path("softmax").asText("");
        List<String> before = new ArrayList<>(problems);
        if (!"shiftgelu".equals(n.path("gelu").asText(""))) {
            problems.add("vitgen.model variants.gelu is " + n.path("gelu") + "; the whole-model golden runs shiftgelu");
        }
        if (!"ilayernorm".equals(n.path("layernorm").asText(""))) {
            problems.add("vitgen.model variants.layernorm is " + n.path("layernorm") + "; expected ilayernorm");
        }
        if (n.path("act.bits").asInt(-1) != 8 || n.path("weight.bits").asInt(-1) != 8) {
            problems.add("vitgen.model variants act.bits/weight.bits must be 8/8, found " + n.path("act.bits") + "/"
                    + n.path("weight.bits"));
        }
        EncoderLayer.SoftmaxMode mode = null;
        if (sm.equals("log2")) {
            mode = EncoderLayer.SoftmaxMode.LOG2;
        } else if (sm.equals("shiftmax") && (n.path("softmax.out.bits").asInt(-1) == 16
                || n.path("softmax.out.bits").asInt(-1) == 8)) {
            mode = EncoderLayer.SoftmaxMode.SHIFTMAX;
        } else {
            problems.add("vitgen.model variants.softmax is " + n.path("softmax") + " with out.bits "
                    + n.path("softmax.out.bits") + "; expected log2, or shiftmax with 8 or 16 bits");
        }
        return problems.size() > before.size() ? null : mode;
    }

    private static final String[] LAYER_SCALES = {"in", "ln1", "qkv", "attn", "ctx", "res1", "ln2", "fc1", "fc2in", "out"};

    private static VitModel.Scales scales(JsonNode n, int depth, List<String> problems) {
        int before = problems.size();
        double image = scale(n.get("image"), "scales.image", problems);
        double norm = scale(n.get("norm"), "scales.norm", problems);
        JsonNode layers = n.get("layers");
        List<EncoderLayer.Scales> out = new ArrayList<>();
        if (layers == null || !layers.isArray() || layers.size() != depth) {
            problems.add("vitgen.model scales.layers must be an array of " + depth + " layers, found "
                    + (layers == null ? "nothing" : layers.isArray() ? layers.size() + " entries" : layers.getNodeType()));
        } else {
            for (int i = 0; i < depth; i++) {
                double[] v = new double[LAYER_SCALES.length];
                for (int j = 0; j < v.length; j++) {
                    v[j] = scale(layers.get(i).get(LAYER_SCALES[j]), "scales.layers[" + i + "]." + LAYER_SCALES[j], problems);
                }
                out.add(new EncoderLayer.Scales(v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9]));
            }
        }
        return problems.size() > before ? null : new VitModel.Scales(image, out, norm);
    }

    private static double scale(JsonNode x, String what, List<String> problems) {
        if (x == null || !x.isNumber()) {
            problems.add("vitgen.model " + what + " is missing or not a number");
            return 1;
        }
        double v = x.asDouble();
        if (!(v > 0) || !Double.isFinite(v)) {
            problems.add("vitgen.model " + what + " = " + v + "; scales must be finite and positive");
            return 1;
        }
        return v;
    }

    private static VitModel.Params params(TensorCheck tc, VitGeometry g) {
        int c = g.channels();
        int p = g.patch();
        long[] pw = tc.integers("patch_embed.proj.weight_integer", DType.I8, -128, 127, c, 3, p, p);
        double[] ps = tc.scales("patch_embed.proj.weight_scale", c);
        double[] pb = tc.doubles("patch_embed.proj.bias", c);
        double[] cls = tc.doubles("cls_token", 1, 1, c);
        double[] pos = tc.doubles("pos_embed", 1, g.tokens(), c);
        List<EncoderLayer.Params> layers = new ArrayList<>();
        for (int i = 0; i < g.depth(); i++) {
            String b = "blocks." + i + ".";
            layers.add(new EncoderLayer.Params(norm(tc, b + "norm1", c), linear(tc, b + "attn.qkv", 3 * c, c),
                    linear(tc, b + "attn.proj", c, c), norm(tc, b + "norm2", c), linear(tc, b + "mlp.fc1", g.mlp(), c),
                    linear(tc, b + "mlp.fc2", c, g.mlp())));
        }
        EncoderLayer.Norm norm = norm(tc, "norm", c);
        long[] hw = tc.integers("head.weight_integer", DType.I8, -128, 127, g.classes(), c);
        double[] hs = tc.scales("head.weight_scale", 1);
        double[] hb = tc.doubles("head.bias", g.classes());
        if (!tc.ok()) {
            return null;
        }
        double[][] posRows = new double[g.tokens()][c];
        for (int t = 0; t < g.tokens(); t++) {
            System.arraycopy(pos, t * c, posRows[t], 0, c);
        }
        return new VitModel.Params(new VitModel.Embed(TensorCheck.transposeToKxN(pw, c, g.patchK()), ps, pb, cls, posRows),
                layers, norm, new VitModel.Head(TensorCheck.transposeToKxN(hw, g.classes(), c), hs[0], hb));
    }

    private static EncoderLayer.Norm norm(TensorCheck tc, String prefix, int c) {
        double[] g = tc.doubles(prefix + ".weight", c);
        double[] b = tc.doubles(prefix + ".bias", c);
        if (g != null) {
            for (int j = 0; j < c; j++) {
                if (g[j] == 0) {
                    tc.problem("tensor '" + prefix + ".weight' is 0 at channel " + j
                            + "; I-LayerNorm needs a non-zero gamma (docs/arithmetic.md section 6)");
                    return null;
                }
            }
        }
        return g == null || b == null ? null : new EncoderLayer.Norm(g, b);
    }

    private static EncoderLayer.Linear linear(TensorCheck tc, String prefix, int out, int in) {
        long[] w = tc.integers(prefix + ".weight_integer", DType.I8, -128, 127, out, in);
        double[] s = tc.scales(prefix + ".weight_scale", out);
        double[] b = tc.doubles(prefix + ".bias", out);
        return w == null || s == null || b == null ? null
                : new EncoderLayer.Linear(TensorCheck.transposeToKxN(w, out, in), s, b);
    }

    /**
     * What stops a configuration from running this model: shape, softmax variant and bits, GELU
     * and LayerNorm variants and outputs, operand and accumulator widths. One sentence each.
     */
    public static List<String> configProblems(VitGeometry g, EncoderLayer.SoftmaxMode mode, int softmaxBits,
            Config cfg) {
        List<String> p = new ArrayList<>();
        io.vitgen.config.ModelShape s = cfg.model();
        String which = "the configuration (model.preset=" + s.name() + ")";
        if (s.tokens() != g.tokens()) {
            p.add("the model has " + g.tokens() + " tokens, " + which + " model.tokens=" + s.tokens());
        }
        if (s.channels() != g.channels()) {
            p.add("the model has " + g.channels() + " channels, " + which + " model.channels=" + s.channels());
        }
        if (s.heads() != g.heads()) {
            p.add("the model has " + g.heads() + " heads, " + which + " model.heads=" + s.heads());
        }
        if (s.mlp() != g.mlp()) {
            p.add("the model has MLP width " + g.mlp() + ", " + which + " model.mlp=" + s.mlp());
        }
        Config.Softmax sm = cfg.softmax();
        if (mode != null) {
            boolean cfgLog2 = sm.log2();
            if (cfgLog2 != (mode == EncoderLayer.SoftmaxMode.LOG2)) {
                p.add("the model was quantized for softmax " + (mode == EncoderLayer.SoftmaxMode.LOG2 ? "log2"
                        : "shiftmax (" + softmaxBits + " bits)") + ", the configuration says softmax.variant="
                        + sm.variant());
            } else if (!cfgLog2 && sm.outBits() != softmaxBits) {
                p.add("the model was quantized for Shiftmax with " + softmaxBits + " output bits, the configuration"
                        + " says softmax.out.bits=" + sm.outBits());
            }
        }
        if (!"shiftgelu".equals(cfg.gelu().variant())) {
            p.add("gelu.variant=" + cfg.gelu().variant() + ": the model uses ShiftGELU (docs/arithmetic.md section 5)");
        }
        if (!cfg.gelu().requantInt8()) {
            p.add("gelu.output=int16: the model feeds FC2 with int8 (set gelu.output=int8)");
        }
        if (!cfg.layerNorm().requantInt8()) {
            p.add("layernorm.output=raw: the model feeds its GEMMs with int8 LayerNorm outputs (set layernorm.output=int8)");
        }
        if (cfg.quant().actBits() != 8 || cfg.quant().weightBits() != 8) {
            p.add("quant.act.bits=" + cfg.quant().actBits() + ", quant.weight.bits=" + cfg.quant().weightBits()
                    + ": the model has int8 activations and weights");
        }
        int kMax = Math.max(Math.max(g.patchK(), g.channels()), Math.max(g.mlp(), g.tokens()));
        int need = IntGemm.requiredAccBits(8, 8, kMax);
        if (cfg.quant().accBits() < need) {
            p.add("quant.acc.bits=" + cfg.quant().accBits() + " is too narrow for the model's largest reduction K = "
                    + kMax + (kMax == g.patchK() ? " (patch embedding, 3 P^2)" : "") + ": needs " + need);
        }
        return p;
    }

    /** A one-line summary of a model. */
    public static String summary(VitModel m) {
        return m.geometry() + ", softmax " + (m.mode() == EncoderLayer.SoftmaxMode.LOG2 ? "log2"
                : "shiftmax b=" + m.softmaxBits());
    }
}
