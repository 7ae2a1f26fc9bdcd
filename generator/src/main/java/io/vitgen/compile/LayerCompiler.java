package io.vitgen.compile;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.Map;

import io.vitgen.config.Config;
import io.vitgen.golden.DyadicScale;
import io.vitgen.golden.EncoderLayer;
import io.vitgen.golden.FloatVit;
import io.vitgen.golden.ModelShape;
import io.vitgen.golden.VitGeometry;
import io.vitgen.golden.VitModel;
import io.vitgen.hw.MacArray;

/**
 * Compiles integer encoder layers and a configuration into a {@link Program}: a command stream, a
 * memory image and the probes of every intermediate tensor (docs/commands.md, "Compiler").
 *
 * <p>The schedule (docs/top.md): the residual stream and every activation of a layer stay in the
 * on-chip buffers; each weight matrix is loaded once into one of two weight slots (qkv and fc1 in
 * slot 0, proj and fc2 in slot 1) while the other slot's GEMMs run; token rows are cut into row
 * blocks so LayerNorm, softmax and GELU work on finished rows while the array computes the next
 * block; the attention runs per head and row block with two score/probability slots (q k^T of
 * block i+1 under the softmax of block i). Dependency tokens are not written by hand: each command
 * waits on the latest command of every other unit that touches bytes it touches (one of them
 * writing), through the fewest tokens; {@link StreamChecker} proves the result independently.
 *
 * <p>{@link #compileModel} compiles one image through a whole model ({@link IntVitModel}): the
 * patch-embedding GEMM per row block with the position embedding as its residual operand, the
 * class-token row loaded, the layers (the last one only for the class token), the final
 * LayerNorm of row 0 and the head in column panels, the int32 logits stored.
 */
public final class LayerCompiler {

    private LayerCompiler() {
    }

    /** Bytes of one layer's constant tables: 14 C + 2 MLP entries of 8 bytes. */
    public static long constBytes(ModelShape s) {
        return 8L * (14L * s.channels() + 2L * s.mlp());
    }

    /** Entry offsets (bytes) of the constant tables inside one layer's block. */
    record ConstTables(long ln1Bias, long ln1Scale, long qkvBias, long qkvScale, long projBias, long projScale,
            long ln2Bias, long ln2Scale, long fc1Bias, long fc1Scale, long fc2Bias, long fc2Scale) {
        static ConstTables of(ModelShape s) {
            long c = 8L * s.channels();
            long m = 8L * s.mlp();
            long at = 0;
            long ln1b = at; at += c;
            long ln1s = at; at += c;
            long qkvb = at; at += 3 * c;
            long qkvs = at; at += 3 * c;
            long projb = at; at += c;
            long projs = at; at += c;
            long ln2b = at; at += c;
            long ln2s = at; at += c;
            long fc1b = at; at += m;
            long fc1s = at; at += m;
            long fc2b = at; at += c;
            long fc2s = at;
            return new ConstTables(ln1b, ln1s, qkvb, qkvs, projb, projs, ln2b, ln2s, fc1b, fc1s, fc2b, fc2s);
        }
    }

    /** Compiles with buffers sized for the layers' own shape at the configuration's row block. */
    public static Program compile(List<IntEncoderLayer> layers, long[][] input, Config config) {
        IntEncoderLayer l0 = layers.get(0);
        int probBytes = l0.softmax() == EncoderLayer.SoftmaxMode.SHIFTMAX && l0.softmaxBits() == 16 ? 2 : 1;
        return compile(layers, input, config,
                BufferPlan.forShape(l0.shape(), BufferPlan.rowBlock(config), probBytes));
    }

    /**
     * Compiles {@code layers} (run one after the other on {@code input}, N x C int16) for a top of
     * this configuration and these buffers; throws {@link CompileException} listing every reason
     * the model cannot run.
     */
    public static Program compile(List<IntEncoderLayer> layers, long[][] input, Config config, BufferPlan plan) {
        return compile(layers, input, config, plan, false);
    }

    /**
     * {@link #compile(List, long[][], Config)} for finding a difference: every probed intermediate
     * tensor is also copied to memory by a STORE right after the command that computes it (regions
     * {@code probe.<k>}, probe k of {@link Program#probes}), so a run on the RTL can name the first
     * differing tensor, layer, token and channel ({@link Program#storedTensors}). The extra STOREs
     * get their tokens like every other command; the arithmetic is unchanged.
     */
    public static Program compileStoringProbes(List<IntEncoderLayer> layers, long[][] input, Config config) {
        IntEncoderLayer l0 = layers.get(0);
        int probBytes = l0.softmax() == EncoderLayer.SoftmaxMode.SHIFTMAX && l0.softmaxBits() == 16 ? 2 : 1;
        return compile(layers, input, config,
                BufferPlan.forShape(l0.shape(), BufferPlan.rowBlock(config), probBytes), true);
    }

    private static Program compile(List<IntEncoderLayer> layers, long[][] input, Config config, BufferPlan plan,
            boolean storeProbes) {
        return compileBatch(layers, java.util.Collections.singletonList(input), config, plan, storeProbes);
    }

    /**
     * Compiles {@code layers} for a batch of inputs ({@code compile.batch}; each N x C int16) with
     * buffers sized for that many images: the images' commands interleave GEMM by GEMM, so one
     * image's GEMMs run while the other's wait for their LayerNorm, softmax or GELU, and each layer's
     * weights and constants are loaded once for the batch (docs/commands.md, "Batches"). Image 0's
     * regions are {@code input} and {@code output}, image b's {@code input.b} and {@code output.b};
     * image b's probes are named {@code image<b>.L0.qkv}.
     */
    public static Program compileBatch(List<IntEncoderLayer> layers, List<long[][]> inputs, Config config) {
        IntEncoderLayer l0 = layers.isEmpty() ? null : layers.get(0);
        if (l0 == null) {
            throw new CompileException(List.of("no layers to compile"));
        }
        return compileBatch(layers, inputs, config, BufferPlan.forShape(l0.shape(), BufferPlan.rowBlock(config),
                probBytes(l0), Math.max(1, inputs.size())), false);
    }

    /** {@link #compileBatch(List, List, Config)} into given buffers; {@code storeProbes} as {@link #compileStoringProbes}. */
    public static Program compileBatch(List<IntEncoderLayer> layers, List<long[][]> inputs, Config config, BufferPlan plan,
            boolean storeProbes) {
        if (layers.isEmpty()) {
            throw new CompileException(List.of("no layers to compile"));
        }
        if (inputs.isEmpty()) {
            throw new CompileException(List.of("no input to compile for (a batch needs at least one image)"));
        }
        ModelShape s = layers.get(0).shape();
        List<String> problems = new ArrayList<>();
        for (int b = 0; b < inputs.size(); b++) {
            List<String> mine = new ArrayList<>();
            check(layers, inputs.get(b), config, plan, mine, null, inputs.size());
            for (String why : mine) {
                String w = inputs.size() > 1 && why.startsWith("input ") ? "input " + b + why.substring(5) : why;
                if (!problems.contains(w)) {
                    problems.add(w);
                }
            }
        }
        if (!problems.isEmpty()) {
            throw new CompileException(problems);
        }
        LayerCompiler.Build b = new LayerCompiler.Build(layers, inputs, plan, s, null, null, config.mac().rows());
        b.storeProbes = storeProbes;
        return b.run();
    }

    /** Compiles a whole golden model with buffers sized for it ({@link BufferPlan#forVit}). */
    public static Program compileModel(VitModel model, long[][][] image, Config config) {
        return compileModel(IntVitModel.of(model), image, config);
    }

    /** Compiles a whole model with buffers sized for it at the configuration's row block. */
    public static Program compileModel(IntVitModel model, long[][][] image, Config config) {
        return compileModel(model, image, config, BufferPlan.forVit(model.geometry(),
                BufferPlan.rowBlock(config), probBytes(model.layers().get(0))));
    }

    /**
     * Compiles one image through a whole model - patch embedding, class token and position
     * embedding, the encoder layers, the final LayerNorm of the class token and the head - into one
     * stream whose result is the int32 logits in the image's {@code logits} region
     * (docs/commands.md, "Compiler"). The host cuts the image into patches (im2col) and writes them
     * as the {@code input} region; {@code image} is 3 x S x S int8. Throws {@link
     * CompileException} listing every reason the model cannot run.
     */
    public static Program compileModel(IntVitModel model, long[][][] image, Config config, BufferPlan plan) {
        return compileModelBatch(model, java.util.Collections.singletonList(image), config, plan);
    }

    /**
     * Compiles a batch of images through a whole model with buffers sized for that many
     * ({@code compile.batch}; {@link #compileBatch} says how the images interleave). Image 0's
     * regions are {@code input} and {@code logits}, image b's {@code input.b} and {@code logits.b}.
     */
    public static Program compileModelBatch(IntVitModel model, List<long[][][]> images, Config config) {
        return compileModelBatch(model, images, config, BufferPlan.forVit(model.geometry(), BufferPlan.rowBlock(config),
                probBytes(model.layers().get(0)), Math.max(1, images.size())));
    }

    /** {@link #compileModelBatch(IntVitModel, List, Config)} into given buffers. */
    public static Program compileModelBatch(IntVitModel model, List<long[][][]> images, Config config, BufferPlan plan) {
        VitGeometry g = model.geometry();
        List<String> problems = new ArrayList<>();
        if (images.isEmpty()) {
            problems.add("no image to compile for (a batch needs at least one image)");
        }
        List<long[][]> patches = new ArrayList<>();
        int side = g.image();
        for (int b = 0; b < images.size(); b++) {
            long[][][] image = images.get(b);
            String name = images.size() == 1 ? "image" : "image " + b;
            if (image == null || image.length != VitGeometry.IN_CHANNELS
                    || Arrays.stream(image).anyMatch(pl -> pl.length != side || Arrays.stream(pl).anyMatch(r -> r.length != side))) {
                problems.add(name + " must be " + VitGeometry.IN_CHANNELS + " x " + side + " x " + side + " int8 pixels");
                continue;
            }
            outer:
            for (int ch = 0; ch < image.length; ch++) {
                for (int y = 0; y < side; y++) {
                    for (int x = 0; x < side; x++) {
                        long v = image[ch][y][x];
                        if (v < -128 || v > 127) {
                            problems.add(name + " pixel [" + ch + ", " + y + ", " + x + "] = " + v + " is not int8");
                            break outer;
                        }
                    }
                }
            }
            patches.add(FloatVit.patchesOf(image, g));
        }
        check(model.layers(), null, config, plan, problems, model, Math.max(1, images.size()));
        if (!problems.isEmpty()) {
            throw new CompileException(problems);
        }
        return new LayerCompiler.Build(model.layers(), null, plan, g.layerShape(), model, patches, config.mac().rows()).run();
    }

    static int probBytes(IntEncoderLayer l) {
        return l.softmax() == EncoderLayer.SoftmaxMode.SHIFTMAX && l.softmaxBits() == 16 ? 2 : 1;
    }

    private static void check(List<IntEncoderLayer> layers, long[][] input, Config config, BufferPlan plan,
            List<String> problems, IntVitModel vit, int batch) {
        ModelShape s = layers.get(0).shape();
        int n = s.tokens();
        int c = s.channels();
        int hd = s.headDim();
        Config.Quant q = config.quant();
        if (q.actBits() != 8 || q.weightBits() != 8) {
            problems.add("the compiler targets 8-bit operands; quant.act.bits = " + q.actBits() + ", quant.weight.bits = "
                    + q.weightBits());
        }
        if (!config.layerNorm().requantInt8()) {
            problems.add("layernorm.output = raw: the layer needs the int8 LayerNorm output (layernorm.output=int8)");
        }
        if (!config.gelu().requantInt8()) {
            problems.add("gelu.output = int16: the layer needs the int8 GELU output (gelu.output=int8)");
        }
        if (vit == null && (input.length != n || Arrays.stream(input).anyMatch(r -> r.length != c))) {
            problems.add("input must be " + n + " x " + c + " int16");
        }
        long kLimit;
        try {
            kLimit = new MacArray.Shape(config.mac().rows(), config.mac().cols(), q.actBits(), q.weightBits(),
                    q.accBits(), q.actBits()).kLimit();
        } catch (IllegalArgumentException e) {
            problems.add("GEMM engine: " + e.getMessage());
            kLimit = Long.MAX_VALUE;
        }
        for (int i = 0; i < layers.size(); i++) {
            IntEncoderLayer l = layers.get(i);
            String p = "L" + i;
            if (!l.shape().equals(s)) {
                problems.add(p + " has shape " + l.shape() + ", layer 0 " + s + ": one stream runs layers of one shape");
            }
            boolean log2 = l.softmax() == EncoderLayer.SoftmaxMode.LOG2;
            if (log2 != config.softmax().log2()) {
                problems.add(p + " uses the " + (log2 ? "log2" : "shiftmax") + " softmax but softmax.variant = "
                        + config.softmax().variant());
            } else if (!log2 && l.softmaxBits() != config.softmax().outBits()) {
                problems.add(p + " needs Shiftmax b = " + l.softmaxBits() + " but the unit outputs softmax.out.bits = "
                        + config.softmax().outBits());
            }
            boolean igelu = l.gelu() == EncoderLayer.GeluMode.IGELU;
            if (igelu != "igelu".equals(config.gelu().variant())) {
                problems.add(p + " uses " + (igelu ? "i-GELU" : "ShiftGELU") + " but gelu.variant = " + config.gelu().variant());
            }
            long x = l.constants().softmaxX();
            if (x < 1 || x > io.vitgen.hw.softmax.SoftmaxUnit.MAX_X) {
                problems.add(p + " softmax X = " + x + " is outside the softmax unit's cfg_x range 1.."
                        + io.vitgen.hw.softmax.SoftmaxUnit.MAX_X + " (attention score scale too small)");
            }
            for (String[] t : new String[][] {{"LayerNorm 1", "ln1"}, {"LayerNorm 2", "ln2"}}) {
                long[] bias = t[1].equals("ln1") ? l.constants().ln1Bias() : l.constants().ln2Bias();
                for (int j = 0; j < bias.length; j++) {
                    if (bias[j] < Integer.MIN_VALUE || bias[j] > Integer.MAX_VALUE) {
                        problems.add(p + " " + t[0] + " bias of channel " + j + " = " + bias[j]
                                + " does not fit the LayerNorm unit's 32-bit bias");
                        break;
                    }
                }
            }
            if (igelu && l.constants().igelu() != null) {
                try {
                    io.vitgen.hw.gelu.IGeluUnit.constants(l.constants().igelu());
                } catch (IllegalArgumentException e) {
                    problems.add(p + " i-GELU constants do not fit the GELU unit: " + e.getMessage());
                }
            }
        }
        if (n > config.softmax().maxRow()) {
            problems.add("tensor scores (each softmax row has N = " + n + " keys) exceeds softmax.max.row = "
                    + config.softmax().maxRow());
        }
        if (c > config.layerNorm().maxChannels()) {
            problems.add("tensor x / res1 (LayerNorm rows of C = " + c + " channels) exceeds layernorm.max.channels = "
                    + config.layerNorm().maxChannels());
        }
        if ("shiftgelu".equals(config.gelu().variant()) && s.mlp() > config.gelu().maxRow()) {
            problems.add("tensor fc1 (GELU rows of MLP = " + s.mlp() + " channels) exceeds gelu.max.row = "
                    + config.gelu().maxRow());
        }
        String[][] ks = {{"qkv (K = C)", "" + c}, {"scores q k^T (K = head width)", "" + hd},
            {"attention x V (K = N)", "" + n}, {"proj (K = C)", "" + c}, {"fc1 (K = C)", "" + c},
            {"fc2 (K = MLP)", "" + s.mlp()}};
        for (String[] k : ks) {
            long kv = Long.parseLong(k[1]);
            if (kv > kLimit) {
                problems.add("GEMM " + k[0] + " = " + kv + " exceeds K_MAX = " + kLimit + " of the " + q.accBits()
                        + "-bit accumulator (quant.acc.bits)");
            }
        }
        int maxDim = Math.max(Math.max(n, 3 * c), s.mlp());
        if (vit != null) {
            maxDim = Math.max(maxDim, vit.geometry().patchK());
            checkModel(vit, kLimit, q.accBits(), plan, problems);
        }
        if (maxDim > Command.MAX_DIM) {
            problems.add("a dimension of " + maxDim + " exceeds the commands' 16-bit fields (" + Command.MAX_DIM + ")");
        }
        int probBytes = probBytes(layers.get(0));
        Map<Space, List<BufferPlan.Slot>> layout = BufferPlan.batched(vit == null
                ? BufferPlan.layout(s, plan.rowBlock(), probBytes) : BufferPlan.layout(vit.geometry(), plan.rowBlock(), probBytes),
                batch);
        for (Map.Entry<Space, List<BufferPlan.Slot>> e : layout.entrySet()) {
            long cap = plan.bytes(e.getKey());
            for (BufferPlan.Slot slot : e.getValue()) {
                if (slot.end() > cap) {
                    problems.add("buffer " + e.getKey() + " holds " + cap + " bytes; " + slot.tensor() + " needs bytes ["
                            + slot.offset() + ", " + slot.end() + ")");
                    break;
                }
            }
        }
    }

    /** The parts outside the encoder layers: patch embedding, final norm, head. */
    private static void checkModel(IntVitModel vit, long kLimit, int accBits, BufferPlan plan, List<String> problems) {
        VitGeometry g = vit.geometry();
        if (g.patchK() > kLimit) {
            problems.add("GEMM patch embedding (K = 3P^2) = " + g.patchK() + " exceeds K_MAX = " + kLimit + " of the "
                    + accBits + "-bit accumulator (quant.acc.bits)");
        }
        if (g.channels() > kLimit) {
            problems.add("GEMM head (K = C) = " + g.channels() + " exceeds K_MAX = " + kLimit + " of the " + accBits
                    + "-bit accumulator (quant.acc.bits)");
        }
        long[] nb = vit.normBias();
        for (int j = 0; j < nb.length; j++) {
            if (nb[j] < Integer.MIN_VALUE || nb[j] > Integer.MAX_VALUE) {
                problems.add("final norm bias of channel " + j + " = " + nb[j]
                        + " does not fit the LayerNorm unit's 32-bit bias");
                break;
            }
        }
        for (long[] row : vit.pos()) {
            for (long v : row) {
                if (v < Short.MIN_VALUE || v > Short.MAX_VALUE) {
                    problems.add("position embedding value " + v + " does not fit int16");
                    return;
                }
            }
        }
        for (long v : vit.headBias()) {
            if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
                problems.add("head bias " + v + " does not fit int32");
                return;
            }
        }
        long slot = BufferPlan.layout(g, plan.rowBlock(), 1).get(Space.WGT).get(0).bytes();
        if (BufferPlan.headPanels(g, slot).length == 0) {
            problems.add("tensor head weights: one column (C = " + g.channels() + " int8) does not fit a weight slot of "
                    + slot + " bytes");
        }
    }

    /** One compilation. */
    private static final class Build {
        private final List<IntEncoderLayer> layers;
        /** The layer stream's inputs, one per image of the batch (null for a whole model). */
        private final List<long[][]> inputs;
        /** Images compiled together (compile.batch). */
        private final int batch;
        /** The image whose commands are being emitted or recorded. */
        private int img;
        /** Bytes between two images' copies of each per-image space. */
        private final Map<Space, Long> span = new java.util.EnumMap<>(Space.class);
        /**
         * While non-null, {@link #emit} records commands here instead of appending them to the stream
         * (one image's part of a layer, for {@link #interleave}).
         */
        private List<Pending> recording;
        private final BufferPlan plan;
        private final ModelShape s;
        private final int n;
        private final int c;
        private final int hd;
        private final int mlp;
        private final int rb;
        /** Rows of the MAC array (one row tile). */
        private final int tileRows;
        private final int probBytes;
        private final boolean log2;
        private final MemoryImage image = new MemoryImage();
        private final List<Command> cmds = new ArrayList<>();
        private final List<String> labels = new ArrayList<>();
        private final List<Program.Probe> probes = new ArrayList<>();
        private final int[] lastPairProducer;
        private final List<BitSet> before = new ArrayList<>();
        private final int[] lastOfUnit = new int[Unit.values().length];
        private int lastSync = -1;
        private final Map<Space, List<BufferPlan.Slot>> slots;
        private final IntVitModel vit;
        /** The images' patch rows, one per image of the batch (a whole model only). */
        private final List<long[][]> patches;
        /** Token rows the current layer computes past k and v: n, or 1 in a model's last layer. */
        private int live;
        /** Copy every probe to memory ({@link #compileStoringProbes}). */
        private boolean storeProbes;

        Build(List<IntEncoderLayer> layers, List<long[][]> inputs, BufferPlan plan, ModelShape s, IntVitModel vit,
                List<long[][]> patches, int tileRows) {
            this.vit = vit;
            this.patches = patches;
            this.layers = layers;
            this.inputs = inputs;
            this.batch = inputs != null ? inputs.size() : patches.size();
            this.plan = plan;
            this.s = s;
            this.n = s.tokens();
            this.c = s.channels();
            this.hd = s.headDim();
            this.mlp = s.mlp();
            this.rb = Math.min(plan.rowBlock(), n);
            this.tileRows = tileRows;
            IntEncoderLayer l0 = layers.get(0);
            this.log2 = l0.softmax() == EncoderLayer.SoftmaxMode.LOG2;
            this.probBytes = !log2 && l0.softmaxBits() == 16 ? 2 : 1;
            this.slots = vit == null ? BufferPlan.layout(s, plan.rowBlock(), probBytes)
                    : BufferPlan.layout(vit.geometry(), plan.rowBlock(), probBytes);
            for (Space sp : slots.keySet()) {
                span.put(sp, BufferPlan.imageSpan(slots, sp));
            }
            int units = Unit.values().length;
            this.lastPairProducer = new int[units * units];
            Arrays.fill(lastPairProducer, -1);
            Arrays.fill(lastOfUnit, -1);
        }

        /** A slot's offset in the current image's copy of its space. */
        private long off(Space sp, int slot) {
            return slots.get(sp).get(slot).offset() + img * span.getOrDefault(sp, 0L);
        }

        /** A region name for the current image: {@code name} for image 0, {@code name.b} for image b. */
        private String mine(String name) {
            return img == 0 ? name : name + "." + img;
        }

        /** One recorded command and what runs once it has its place in the stream (its probes). */
        private record Pending(Command cmd, String label, List<java.util.function.IntConsumer> then) {
        }

        /**
         * Runs {@code part} once per image of the batch and emits the commands interleaved: each
         * image's commands are cut after every GEMM, and the pieces go image 0, image 1, ..., then
         * image 0's next piece. Image b's k-th GEMM thus follows image 0's k-th and precedes its
         * (k+1)-th: the GEMM unit alternates between images, so a GEMM that needs the previous
         * one's output, or a LayerNorm, softmax or GELU, finds the other image's GEMM before it;
         * and a shared weight or constant slot that image 0's commands reload before its (k+1)-th
         * GEMM is read by every image's k-th GEMM first (only image 0 emits the shared loads).
         * With one image, {@code part} emits directly.
         */
        private void interleave(java.util.function.IntConsumer part) {
            if (batch == 1) {
                img = 0;
                part.accept(0);
                return;
            }
            List<List<List<Pending>>> pieces = new ArrayList<>();
            for (int b = 0; b < batch; b++) {
                img = b;
                recording = new ArrayList<>();
                part.accept(b);
                List<List<Pending>> cut = new ArrayList<>();
                List<Pending> cur = new ArrayList<>();
                for (Pending pd : recording) {
                    cur.add(pd);
                    if (pd.cmd() instanceof Command.Gemm) {
                        cut.add(cur);
                        cur = new ArrayList<>();
                    }
                }
                if (!cur.isEmpty()) {
                    cut.add(cur);
                }
                pieces.add(cut);
                recording = null;
            }
            int most = pieces.stream().mapToInt(List::size).max().orElse(0);
            for (int k = 0; k < most; k++) {
                for (int b = 0; b < batch; b++) {
                    if (k < pieces.get(b).size()) {
                        img = b;
                        for (Pending pd : pieces.get(b).get(k)) {
                            int i = emit(pd.cmd(), pd.label());
                            for (java.util.function.IntConsumer t : pd.then()) {
                                t.accept(i);
                            }
                        }
                    }
                }
            }
            img = 0;
        }

        Program run() {
            if (vit != null) {
                return runModel();
            }
            List<MemoryImage.Region> ins = new ArrayList<>();
            for (img = 0; img < batch; img++) {
                MemoryImage.Region in = image.allocate(mine("input"), n, c, 2);
                image.write(in, inputs.get(img));
                ins.add(in);
            }
            img = 0;
            List<MemoryImage.Region[]> weights = new ArrayList<>();
            List<MemoryImage.Region> consts = new ArrayList<>();
            allocateLayers(weights, consts);
            List<MemoryImage.Region> outs = new ArrayList<>();
            for (img = 0; img < batch; img++) {
                outs.add(image.allocate(mine("output"), n, c, 2));
            }
            img = 0;

            for (int l = 0; l < layers.size(); l++) {
                int li = l;
                interleave(b -> layer(li, layers.get(li), weights.get(li), consts.get(li), li == 0 ? ins.get(b) : null,
                        li == layers.size() - 1 ? outs.get(b) : null, false));
            }
            return finish(ins, outs);
        }

        private Program finish(List<MemoryImage.Region> ins, List<MemoryImage.Region> outs) {
            emit(new Command.End(Command.Deps.NONE), "end");
            long[] words = CommandCodec.encode(cmds);
            MemoryImage.Region stream = image.allocate("commands", words.length, 1, 8);
            image.writeBytes(stream, CommandCodec.toBytes(words));
            return new Program(List.copyOf(cmds), List.copyOf(labels), image, plan, List.copyOf(probes), ins.get(0),
                    outs.get(0), stream, layers.size(), List.copyOf(ins), List.copyOf(outs));
        }

        private void allocateLayers(List<MemoryImage.Region[]> weights, List<MemoryImage.Region> consts) {
            for (int l = 0; l < layers.size(); l++) {
                IntEncoderLayer L = layers.get(l);
                MemoryImage.Region[] w = {
                    image.allocate("L" + l + ".w.qkv", c, 3 * c, 1), image.allocate("L" + l + ".w.proj", c, c, 1),
                    image.allocate("L" + l + ".w.fc1", c, mlp, 1), image.allocate("L" + l + ".w.fc2", mlp, c, 1)};
                image.write(w[0], L.wQkv());
                image.write(w[1], L.wProj());
                image.write(w[2], L.wFc1());
                image.write(w[3], L.wFc2());
                weights.add(w);
                MemoryImage.Region k = image.allocate("L" + l + ".const", 1, (int) constBytes(s), 1);
                image.writeBytes(k, constBlock(L.constants()));
                consts.add(k);
            }
        }

        /**
         * The whole model: patch embedding per row block (RESIDUAL epilogue with the position
         * embedding as residual), the class-token row loaded, the layers, the final LayerNorm of
         * row 0, the head in column panels (RAW epilogue), the logits stored.
         */
        private Program runModel() {
            VitGeometry g = vit.geometry();
            int kpe = g.patchK();
            int classes = g.classes();
            List<MemoryImage.Region> ins = new ArrayList<>();
            for (img = 0; img < batch; img++) {
                MemoryImage.Region in = image.allocate(mine("input"), n - 1, kpe, 1);
                image.write(in, patches.get(img));
                ins.add(in);
            }
            img = 0;
            MemoryImage.Region ew = image.allocate("embed.w", kpe, c, 1);
            image.write(ew, vit.embedW());
            MemoryImage.Region pos = image.allocate("embed.pos", n, c, 2);
            image.write(pos, vit.pos());
            long embBytes = BufferPlan.embedConstBytes(g);
            long headBytes = BufferPlan.headConstBytes(g);
            MemoryImage.Region mc = image.allocate("model.const", 1, (int) (embBytes + headBytes), 1);
            byte[] mcb = new byte[(int) (embBytes + headBytes)];
            longs(mcb, 0, vit.embedBias());
            scales(mcb, 8L * c, vit.embedRequant());
            longs(mcb, embBytes, vit.normBias());
            scales(mcb, embBytes + 8L * c, vit.normRequant());
            longs(mcb, embBytes + 16L * c, vit.headBias());
            image.writeBytes(mc, mcb);
            List<MemoryImage.Region[]> weights = new ArrayList<>();
            List<MemoryImage.Region> consts = new ArrayList<>();
            allocateLayers(weights, consts);
            int[] panels = BufferPlan.headPanels(g, slots.get(Space.WGT).get(0).bytes());
            List<MemoryImage.Region> headW = new ArrayList<>();
            for (int i = 0, j0 = 0; i < panels.length; j0 += panels[i], i++) {
                MemoryImage.Region r = image.allocate("head.w." + i, c, panels[i], 1);
                long[][] part = new long[c][];
                for (int k = 0; k < c; k++) {
                    part[k] = Arrays.copyOfRange(vit.headW()[k], j0, j0 + panels[i]);
                }
                image.write(r, part);
                headW.add(r);
            }
            List<MemoryImage.Region> outs = new ArrayList<>();
            for (img = 0; img < batch; img++) {
                outs.add(image.allocate(mine("logits"), 1, classes, 4));
            }
            img = 0;

            interleave(b -> embedding(ins.get(b), ew, pos, mc, embBytes));
            for (int l = 0; l < layers.size(); l++) {
                int li = l;
                interleave(b -> layer(li, layers.get(li), weights.get(li), consts.get(li), null, null,
                        li == layers.size() - 1));
            }
            int last = layers.size() - 1;
            if (batch > 1) {
                classTail(last, layers.get(last), weights.get(last));
            }
            head(outs, mc, embBytes, headBytes, panels, headW);
            return finish(ins, outs);
        }

        /**
         * The current image's patch embedding per row block (RESIDUAL epilogue with the position
         * embedding as residual) and its class-token row; image 0 also loads the shared embedding
         * tables and weights.
         */
        private void embedding(MemoryImage.Region in, MemoryImage.Region ew, MemoryImage.Region pos,
                MemoryImage.Region mc, long embBytes) {
            int kpe = vit.geometry().patchK();
            long xOff = off(Space.RES, 0);
            long posOff = off(Space.RES, 2);
            Operand embC = Operand.of(Space.CONST, off(Space.CONST, 2), 0);
            if (img == 0) {
                emit(new Command.Load(Command.Deps.NONE, mc.operand(), embC, 1, embBytes), "load embedding tables");
            }
            int i = emit(new Command.Load(Command.Deps.NONE, pos.operand(), Operand.of(Space.RES, xOff, 2L * c), 1, 2L * c),
                    "load class token row");
            probe(i, "embed", 0, 0, Operand.of(Space.RES, xOff, 2L * c), 1, c, Program.ElemType.I16);
            if (img == 0) {
                emit(new Command.Load(Command.Deps.NONE, ew.operand(), Operand.of(Space.WGT, off(Space.WGT, 1), c), kpe, c),
                        "load embed.w");
            }
            // token row blocks [t0, t1) aligned with the layers' row blocks (the first one without row 0)
            List<int[]> blocks = new ArrayList<>();
            for (int[] r : BufferPlan.rowBlocks(n, rb)) {
                int t0 = Math.max(1, r[0]);
                if (t0 < r[0] + r[1]) {
                    blocks.add(new int[] {t0, r[0] + r[1]});
                }
            }
            // block b + 1's patches follow block b's GEMM in the stream: the LOAD still runs under that
            // GEMM (two patch slots), and the first GEMM is fetched once its own operands are queued (the
            // fetch shares the read engine with the LOADs, which go first)
            DyadicScale one = new DyadicScale(1, 0);
            loadPatches(in, pos, blocks, 0);
            for (int b = 0; b < blocks.size(); b++) {
                int[] bl = blocks.get(b);
                int rows = bl[1] - bl[0];
                Operand x = Operand.of(Space.RES, xOff + 2L * bl[0] * c, 2L * c);
                i = emit(new Command.Gemm(Command.Deps.NONE, Command.Epilogue.RESIDUAL, false, false,
                        Operand.of(Space.HID, off(Space.HID, 4 + b % 2), kpe),
                        Operand.of(Space.WGT, off(Space.WGT, 1), c), x, rows, kpe, c, embC, embC.plus(8L * c), null,
                        Operand.of(Space.RES, posOff + 2L * bl[0] * c, 2L * c), one),
                        "patch embedding rows " + bl[0]);
                probe(i, "embed", bl[0], 0, x, rows, c, Program.ElemType.I16);
                if (b + 1 < blocks.size()) {
                    loadPatches(in, pos, blocks, b + 1);
                }
            }
        }

        /**
         * The current image's patch rows of embedding block {@code b} into patch slot b mod 2, and the
         * block's rows of the position embedding (the GEMM's residual) into res1's place.
         */
        private void loadPatches(MemoryImage.Region in, MemoryImage.Region pos, List<int[]> blocks, int b) {
            int kpe = vit.geometry().patchK();
            int[] bl = blocks.get(b);
            long posOff = off(Space.RES, 2);
            emit(new Command.Load(Command.Deps.NONE, pos.operand().plus(2L * bl[0] * c),
                    Operand.of(Space.RES, posOff + 2L * bl[0] * c, 2L * c), bl[1] - bl[0], 2L * c),
                    "load position embedding rows " + bl[0]);
            emit(new Command.Load(Command.Deps.NONE, in.operand().plus((long) (bl[0] - 1) * kpe),
                    Operand.of(Space.HID, off(Space.HID, 4 + b % 2), kpe), bl[1] - bl[0], kpe), "load patches rows " + bl[0]);
        }

        /**
         * The final LayerNorm of every image's class token, the head in column panels (RAW epilogue)
         * and the logits stored, with the shared tables and head panels loaded once. In a batch the
         * images' class tokens go through as the rows of one command (row stride: the distance
         * between two images' copies of the space), so each head panel is read once for the batch.
         */
        private void head(List<MemoryImage.Region> logits, MemoryImage.Region mc, long embBytes, long headBytes,
                int[] panels, List<MemoryImage.Region> headW) {
            img = 0;
            int classes = vit.geometry().classes();
            Operand hc = Operand.of(Space.CONST, off(Space.CONST, 3), 0);
            emit(new Command.Load(Command.Deps.NONE, mc.operand().plus(embBytes), hc, 1, headBytes),
                    "load norm and head tables");
            Operand norm = Operand.of(Space.ACT, off(Space.ACT, 0), batch == 1 ? c : span.get(Space.ACT));
            Operand logitsBuf = Operand.of(Space.ATT, off(Space.ATT, 4), batch == 1 ? 4L * classes : span.get(Space.ATT));
            Operand x = Operand.of(Space.RES, off(Space.RES, 0), batch == 1 ? 2L * c : span.get(Space.RES));
            for (int p = 0; p < Math.min(2, panels.length); p++) {
                emit(loadWeight(headW.get(p), Operand.of(Space.WGT, off(Space.WGT, p % 2), 0)), "load head.w." + p);
            }
            String who = batch == 1 ? "row 0" : "class tokens of " + batch + " images";
            int i = emit(new Command.LayerNorm(Command.Deps.NONE, x, norm, batch, c, hc, hc.plus(8L * c)), "final norm " + who);
            probeEach(i, "norm", norm, c, Program.ElemType.I8, 0);
            for (int p = 0, j0 = 0; p < panels.length; j0 += panels[p], p++) {
                if (p >= 2) {
                    emit(loadWeight(headW.get(p), Operand.of(Space.WGT, off(Space.WGT, p % 2), 0)), "load head.w." + p);
                }
                Operand out = logitsBuf.plus(4L * j0);
                i = emit(new Command.Gemm(Command.Deps.NONE, Command.Epilogue.RAW, false, false, norm,
                        Operand.of(Space.WGT, off(Space.WGT, p % 2), panels[p]), out, batch, c, panels[p],
                        hc.plus(16L * c + 8L * j0), null, null, null, null), "head columns " + j0
                        + (batch == 1 ? "" : ", " + who));
                probeEach(i, "logits", out, panels[p], Program.ElemType.I32, j0);
            }
            for (int b = 0; b < batch; b++) {
                emit(new Command.Store(Command.Deps.NONE, Operand.of(Space.ATT, logitsBuf.addr() + b * span.get(Space.ATT),
                        4L * classes), logits.get(b).operand(), 1, 4L * classes), b == 0 ? "store logits"
                        : "store logits of image " + b);
            }
        }

        /**
         * Probes row 0 of {@code tensor} for every image of the batch: image b's row is row b of
         * {@code src} (a command over the images' class tokens).
         */
        private void probeEach(int after, String tensor, Operand src, int cols, Program.ElemType t, int c0) {
            for (int b = 0; b < batch; b++) {
                addProbe(after, Program.imagePrefix(b) + tensor, 0, c0, Operand.of(src.space(), src.addr() + b * src.stride(),
                        src.stride()), 1, cols, t);
            }
        }

        /**
         * The last layer of a batched model past attention: the projection with its residual, LN2 and
         * the MLP of every image's class token as the rows of one command each (row strides: the
         * distance between two images' copies of the space), so the projection, FC1 and FC2 weights
         * pass through the array once for the batch.
         */
        private void classTail(int l, IntEncoderLayer L, MemoryImage.Region[] w) {
            img = 0;
            String p = "L" + l + ".";
            EncoderLayer.Constants k = L.constants();
            ConstTables t = ConstTables.of(s);
            Operand cst = Operand.of(Space.CONST, off(Space.CONST, l % 2), 0);
            long sRes = span.get(Space.RES);
            long sAct = span.get(Space.ACT);
            long sHid = span.get(Space.HID);
            Operand slot0 = Operand.of(Space.WGT, off(Space.WGT, 0), 0);
            Operand slot1 = Operand.of(Space.WGT, off(Space.WGT, 1), 0);
            Operand ctx = Operand.of(Space.ACT, off(Space.ACT, 1), sAct);
            Operand x = Operand.of(Space.RES, off(Space.RES, 0), sRes);
            Operand res1 = Operand.of(Space.RES, off(Space.RES, 1), sRes);
            Operand ln = Operand.of(Space.ACT, off(Space.ACT, 0), sAct);
            String who = "class tokens of " + batch + " images";
            int i = emit(new Command.Gemm(Command.Deps.NONE, Command.Epilogue.RESIDUAL, false, false, ctx, weightOp(slot1, c),
                    res1, batch, c, c, cst.plus(t.projBias()), cst.plus(t.projScale()), null, x, k.inToRes1()),
                    p + "proj+residual " + who);
            probeEach(i, p + "res1", res1, c, Program.ElemType.I16, 0);
            i = emit(new Command.LayerNorm(Command.Deps.NONE, res1, ln, batch, c, cst.plus(t.ln2Bias()), cst.plus(t.ln2Scale())),
                    p + "ln2 " + who);
            probeEach(i, p + "ln2", ln, c, Program.ElemType.I8, 0);
            emit(loadWeight(w[3], slot1), p + "load w.fc2");
            Operand fc1 = Operand.of(Space.HID, off(Space.HID, 0), sHid);
            i = emit(gemmPerChannel(ln, weightOp(slot0, mlp), fc1, batch, c, mlp, cst.plus(t.fc1Bias()), cst.plus(t.fc1Scale())),
                    p + "fc1 " + who);
            probeEach(i, p + "fc1", fc1, mlp, Program.ElemType.I8, 0);
            Operand g = Operand.of(Space.HID, off(Space.HID, 1), sHid);
            Command.Gelu gc = L.gelu() == EncoderLayer.GeluMode.IGELU
                    ? new Command.Gelu(Command.Deps.NONE, true, fc1, g, batch, mlp, 0, k.igelu().b(), k.igelu().c(),
                            k.igelu().one(), k.geluRequant())
                    : new Command.Gelu(Command.Deps.NONE, false, fc1, g, batch, mlp, (int) k.geluX(), 0, 0, 0, k.geluRequant());
            i = emit(gc, p + "gelu " + who);
            probeEach(i, p + "gelu", g, mlp, Program.ElemType.I8, 0);
            i = emit(new Command.Gemm(Command.Deps.NONE, Command.Epilogue.RESIDUAL, false, false, g, weightOp(slot1, c), x,
                    batch, mlp, c, cst.plus(t.fc2Bias()), cst.plus(t.fc2Scale()), null, res1, k.res1ToOut()),
                    p + "fc2+residual " + who);
            probeEach(i, p + "out", x, c, Program.ElemType.I16, 0);
        }

        private byte[] constBlock(EncoderLayer.Constants k) {
            ConstTables t = ConstTables.of(s);
            byte[] b = new byte[(int) constBytes(s)];
            longs(b, t.ln1Bias(), k.ln1Bias());
            scales(b, t.ln1Scale(), k.ln1Requant());
            longs(b, t.qkvBias(), k.qkvBias());
            scales(b, t.qkvScale(), k.qkvRequant());
            longs(b, t.projBias(), k.projBias());
            scales(b, t.projScale(), k.projToRes1());
            longs(b, t.ln2Bias(), k.ln2Bias());
            scales(b, t.ln2Scale(), k.ln2Requant());
            longs(b, t.fc1Bias(), k.fc1Bias());
            scales(b, t.fc1Scale(), k.fc1Requant());
            longs(b, t.fc2Bias(), k.fc2Bias());
            scales(b, t.fc2Scale(), k.fc2ToOut());
            return b;
        }

        private static void longs(byte[] b, long at, long[] v) {
            for (int i = 0; i < v.length; i++) {
                MemoryImage.put(b, at + 8L * i, 8, v[i], "constant");
            }
        }

        private static void scales(byte[] b, long at, DyadicScale[] v) {
            for (int i = 0; i < v.length; i++) {
                MemoryImage.put(b, at + 8L * i, 4, v[i].m(), "dyadic m");
                MemoryImage.put(b, at + 8L * i + 4, 4, v[i].k(), "dyadic k");
            }
        }

        /**
         * One layer; {@code in} (the first layer of a layer stream) is the input region the layer
         * loads, or null; {@code out} (the last layer of a layer stream) receives its output rows,
         * or null. With {@code clsOnly} (the last layer of a whole model) only row 0 - the class
         * token, all the final norm reads - goes past k and v: its q, attention row, projection
         * and MLP.
         *
         * <p>The loads come in the order the first commands need them, so the array starts after a
         * fraction of the layer's bytes (docs/top.md, "Where a layer's cycles go"): LayerNorm 1's
         * tables, the first row block of the input, the QKV tables, the q columns of W_qkv (the
         * first GEMM is q of row block 0), the rest of the input, the k and v columns, the other
         * tables, W_proj.
         */
        private void layer(int l, IntEncoderLayer L, MemoryImage.Region[] w, MemoryImage.Region constRegion,
                MemoryImage.Region in, MemoryImage.Region out, boolean clsOnly) {
            live = clsOnly ? 1 : n;
            String p = "L" + l + ".";
            EncoderLayer.Constants k = L.constants();
            ConstTables t = ConstTables.of(s);
            long cBase = off(Space.CONST, l % 2);
            Operand cst = Operand.of(Space.CONST, cBase, 0);
            Operand cSrc = constRegion.operand();
            List<int[]> blocks = BufferPlan.rowBlocks(n, rb);
            List<int[]> liveBlocks = BufferPlan.rowBlocks(live, rb);
            long xOff = off(Space.RES, 0);
            long res1Off = off(Space.RES, 1);
            long lnOff = off(Space.ACT, 0);
            long ctxOff = off(Space.ACT, 1);
            Operand xAll = Operand.of(Space.RES, xOff, 2L * c);
            Operand[] slot = {Operand.of(Space.WGT, off(Space.WGT, 0), 3L * c), Operand.of(Space.WGT, off(Space.WGT, 1), 0)};
            int in0 = blocks.get(0)[1];

            boolean shared = img == 0; // image 0 loads the weights and constants every image of the batch reads
            if (shared) {
                emit(new Command.Load(Command.Deps.NONE, cSrc, cst, 1, t.qkvBias()), p + "load constants ln1");
            }
            if (in != null) {
                emit(new Command.Load(Command.Deps.NONE, in.operand(), xAll, in0, 2L * c), "load input x rows 0");
            }
            // LN1 per row block; row block 0 as q, then k and v (the q columns arrive first), the
            // others as one qkv GEMM - or, with only the class token live, q of row 0 and k, v of every row
            for (int bi = 0; bi < blocks.size(); bi++) {
                int r0 = blocks.get(bi)[0];
                int rows = blocks.get(bi)[1];
                Operand x = Operand.of(Space.RES, xOff + 2L * r0 * c, 2L * c);
                Operand ln = Operand.of(Space.ACT, lnOff + (long) r0 * c, c);
                int i = emit(new Command.LayerNorm(Command.Deps.NONE, x, ln, rows, c, cst.plus(t.ln1Bias()),
                        cst.plus(t.ln1Scale())), p + "ln1 rows " + r0);
                probe(i, p + "ln1", r0, 0, ln, rows, c, Program.ElemType.I8);
                if (bi == 0 && shared) {
                    emit(new Command.Load(Command.Deps.NONE, cSrc.plus(t.qkvBias()), cst.plus(t.qkvBias()), 1,
                            t.projBias() - t.qkvBias()), p + "load constants qkv");
                    emit(new Command.Load(Command.Deps.NONE, w[0].operand(), slot[0], c, c), p + "load w.qkv columns q");
                }
                Operand qkv = Operand.of(Space.QKV, off(Space.QKV, 0) + 3L * r0 * c, 3L * c);
                if (bi > 0 && live == n) {
                    i = emit(gemmPerChannel(ln, slot[0], qkv, rows, c, 3 * c, cst.plus(t.qkvBias()), cst.plus(t.qkvScale())),
                            p + "qkv rows " + r0);
                    probe(i, p + "qkv", r0, 0, qkv, rows, 3 * c, Program.ElemType.I8);
                    continue;
                }
                if (r0 < live) {
                    int qRows = Math.min(rows, live - r0);
                    i = emit(gemmPerChannel(ln, slot[0], qkv, qRows, c, c, cst.plus(t.qkvBias()), cst.plus(t.qkvScale())),
                            p + "q rows " + r0);
                    probe(i, p + "qkv", r0, 0, qkv, qRows, c, Program.ElemType.I8);
                }
                if (bi == 0 && shared) {
                    emit(new Command.Load(Command.Deps.NONE, w[0].operand().plus(c), slot[0].plus(c), c, 2L * c),
                            p + "load w.qkv columns k, v");
                }
                i = emit(gemmPerChannel(ln, slot[0].plus(c), qkv.plus(c), rows, c, 2 * c, cst.plus(t.qkvBias() + 8L * c),
                        cst.plus(t.qkvScale() + 8L * c)), p + "kv rows " + r0);
                probe(i, p + "qkv", r0, c, qkv.plus(c), rows, 2 * c, Program.ElemType.I8);
                if (bi == 0 && in != null && blocks.size() > 1) {
                    int r1 = blocks.get(1)[0];
                    emit(new Command.Load(Command.Deps.NONE, in.operand().plus(2L * r1 * c), xAll.plus(2L * r1 * c), n - r1,
                            2L * c), "load input x rows " + r1);
                }
            }
            if (shared) {
                emit(new Command.Load(Command.Deps.NONE, cSrc.plus(t.projBias()), cst.plus(t.projBias()), 1,
                        constBytes(s) - t.projBias()), p + "load constants proj, ln2, mlp");
                emit(loadWeight(w[1], slot[1]), p + "load w.proj");
                emit(loadWeight(w[2], slot[0]), p + "load w.fc1");
            }

            // attention: per head and row block, two slots
            List<int[]> att = new ArrayList<>();
            List<int[]> ab = BufferPlan.attentionBlocks(live, rb, probBytes);
            for (int h = 0; h < s.heads(); h++) {
                // the first head's smaller block first: its softmax then runs under the other's q k^T
                for (int j = 0; j < ab.size(); j++) {
                    int[] r = ab.get(h == 0 && ab.size() == 2 && ab.get(1)[1] < ab.get(0)[1] ? 1 - j : j);
                    att.add(new int[] {h, r[0], r[1]});
                }
            }
            for (int b = 0; b <= att.size(); b++) {
                if (b < att.size()) {
                    scoresAndSoftmax(p, k, att.get(b), b % 2);
                }
                if (b >= 1) {
                    attentionTimesV(p, k, att.get(b - 1), (b - 1) % 2, ctxOff);
                }
            }

            if (clsOnly && batch > 1) {
                return; // the class tokens of every image go on together: classTail
            }
            // projection + residual, LN2
            for (int[] r : liveBlocks) {
                int r0 = r[0];
                int rows = r[1];
                Operand ctx = Operand.of(Space.ACT, ctxOff + (long) r0 * c, c);
                Operand x = Operand.of(Space.RES, xOff + 2L * r0 * c, 2L * c);
                Operand res1 = Operand.of(Space.RES, res1Off + 2L * r0 * c, 2L * c);
                int i = emit(new Command.Gemm(Command.Deps.NONE, Command.Epilogue.RESIDUAL, false, false, ctx,
                        weightOp(slot[1], c), res1, rows, c, c, cst.plus(t.projBias()), cst.plus(t.projScale()), null, x,
                        k.inToRes1()), p + "proj+residual rows " + r0);
                probe(i, p + "res1", r0, 0, res1, rows, c, Program.ElemType.I16);
                Operand ln = Operand.of(Space.ACT, lnOff + (long) r0 * c, c);
                i = emit(new Command.LayerNorm(Command.Deps.NONE, res1, ln, rows, c, cst.plus(t.ln2Bias()),
                        cst.plus(t.ln2Scale())), p + "ln2 rows " + r0);
                probe(i, p + "ln2", r0, 0, ln, rows, c, Program.ElemType.I8);
            }
            if (shared) {
                emit(loadWeight(w[3], slot[1]), p + "load w.fc2");
            }

            // MLP: FC1 and GELU one block ahead of FC2, two HID slots by block parity
            for (int b = 0; b <= liveBlocks.size(); b++) {
                if (b < liveBlocks.size()) {
                    int r0 = liveBlocks.get(b)[0];
                    int rows = liveBlocks.get(b)[1];
                    Operand ln = Operand.of(Space.ACT, lnOff + (long) r0 * c, c);
                    Operand fc1 = Operand.of(Space.HID, off(Space.HID, 2 * (b % 2)), mlp);
                    int i = emit(gemmPerChannel(ln, weightOp(slot[0], mlp), fc1, rows, c, mlp, cst.plus(t.fc1Bias()),
                            cst.plus(t.fc1Scale())), p + "fc1 rows " + r0);
                    probe(i, p + "fc1", r0, 0, fc1, rows, mlp, Program.ElemType.I8);
                    Operand g = Operand.of(Space.HID, off(Space.HID, 2 * (b % 2) + 1), mlp);
                    boolean ig = L.gelu() == EncoderLayer.GeluMode.IGELU;
                    Command.Gelu gc = ig
                            ? new Command.Gelu(Command.Deps.NONE, true, fc1, g, rows, mlp, 0, k.igelu().b(), k.igelu().c(),
                                    k.igelu().one(), k.geluRequant())
                            : new Command.Gelu(Command.Deps.NONE, false, fc1, g, rows, mlp, (int) k.geluX(), 0, 0, 0,
                                    k.geluRequant());
                    i = emit(gc, p + "gelu rows " + r0);
                    probe(i, p + "gelu", r0, 0, g, rows, mlp, Program.ElemType.I8);
                }
                if (b >= 1) {
                    int r0 = liveBlocks.get(b - 1)[0];
                    int rows = liveBlocks.get(b - 1)[1];
                    // the stream's last block in two parts (full row tiles, then the last tile) so
                    // that storing the first part overlaps the second's GEMM
                    int tail = rows % tileRows == 0 ? tileRows : rows % tileRows;
                    int[] parts = out != null && b == liveBlocks.size() && rows > tail ? new int[] {rows - tail, tail}
                            : new int[] {rows};
                    for (int pi = 0, q0 = r0; pi < parts.length; q0 += parts[pi], pi++) {
                        int pr = parts[pi];
                        Operand g = Operand.of(Space.HID, off(Space.HID, 2 * ((b - 1) % 2) + 1) + (long) (q0 - r0) * mlp, mlp);
                        Operand res1 = Operand.of(Space.RES, res1Off + 2L * q0 * c, 2L * c);
                        Operand x = Operand.of(Space.RES, xOff + 2L * q0 * c, 2L * c);
                        int i = emit(new Command.Gemm(Command.Deps.NONE, Command.Epilogue.RESIDUAL, false, false, g,
                                weightOp(slot[1], c), x, pr, mlp, c, cst.plus(t.fc2Bias()), cst.plus(t.fc2Scale()), null,
                                res1, k.res1ToOut()), p + "fc2+residual rows " + q0);
                        probe(i, p + "out", q0, 0, x, pr, c, Program.ElemType.I16);
                        if (out != null) {
                            emit(new Command.Store(Command.Deps.NONE, x, out.operand().plus(2L * q0 * c), pr, 2L * c),
                                    "store output rows " + q0);
                        }
                    }
                }
            }
        }

        private void scoresAndSoftmax(String p, EncoderLayer.Constants k, int[] blk, int slot) {
            int h = blk[0];
            int r0 = blk[1];
            int rows = blk[2];
            long qkvOff = off(Space.QKV, 0);
            Operand q = Operand.of(Space.QKV, qkvOff + 3L * r0 * c + (long) h * hd, 3L * c);
            Operand kt = Operand.of(Space.QKV, qkvOff + c + (long) h * hd, 3L * c);
            Operand sc = Operand.of(Space.ATT, off(Space.ATT, 2 * slot), n);
            int i = emit(new Command.Gemm(Command.Deps.NONE, Command.Epilogue.REQUANT, false, true, q, kt, sc, rows, hd, n,
                    null, null, k.scoreRequant(), null, null), p + "scores h" + h + " rows " + r0);
            probe(i, p + "scores." + h, r0, 0, sc, rows, n, Program.ElemType.I8);
            Operand pr = Operand.of(Space.ATT, off(Space.ATT, 2 * slot + 1), (long) n * probBytes);
            int bits = log2 ? 16 : layers.get(0).softmaxBits();
            i = emit(new Command.Softmax(Command.Deps.NONE, log2, bits, sc, pr, rows, n, (int) k.softmaxX()),
                    p + "softmax h" + h + " rows " + r0);
            probe(i, p + (log2 ? "codes." : "probs.") + h, r0, 0, pr, rows, n,
                    log2 ? Program.ElemType.CODE : probBytes == 2 ? Program.ElemType.I16 : Program.ElemType.I8);
        }

        private void attentionTimesV(String p, EncoderLayer.Constants k, int[] blk, int slot, long ctxOff) {
            int h = blk[0];
            int r0 = blk[1];
            int rows = blk[2];
            Operand pr = Operand.of(Space.ATT, off(Space.ATT, 2 * slot + 1), (long) n * probBytes);
            Operand v = Operand.of(Space.QKV, off(Space.QKV, 0) + 2L * c + (long) h * hd, 3L * c);
            Operand ctx = Operand.of(Space.ACT, ctxOff + (long) r0 * c + (long) h * hd, c);
            int i;
            if (log2) {
                i = emit(new Command.AttnV(Command.Deps.NONE, pr, v, ctx, rows, n, hd, k.ctxRequant()),
                        p + "attn x V shifts h" + h + " rows " + r0);
            } else {
                i = emit(new Command.Gemm(Command.Deps.NONE, Command.Epilogue.REQUANT, probBytes == 2, false, pr, v, ctx,
                        rows, n, hd, null, null, k.ctxRequant(), null, null), p + "attn x V h" + h + " rows " + r0);
            }
            probe(i, p + "ctx", r0, h * hd, ctx, rows, hd, Program.ElemType.I8);
        }

        private static Command.Load loadWeight(MemoryImage.Region w, Operand slot) {
            return new Command.Load(Command.Deps.NONE, w.operand(), Operand.of(Space.WGT, slot.addr(), w.cols()), w.rows(),
                    w.cols());
        }

        private static Operand weightOp(Operand slot, int cols) {
            return Operand.of(Space.WGT, slot.addr(), cols);
        }

        private static Command.Gemm gemmPerChannel(Operand a, Operand w, Operand out, int m, int kk, int nn, Operand bias,
                Operand scales) {
            return new Command.Gemm(Command.Deps.NONE, Command.Epilogue.REQUANT, false, false, a, w, out, m, kk, nn, bias,
                    scales, null, null, null);
        }

        /**
         * Names the buffer region {@code src} as rows and columns of {@code tensor} after command
         * {@code after} (image b's tensors are named {@code image<b>.<tensor>}); a command still being
         * recorded ({@link #interleave}) gets its probe once it has its place in the stream.
         */
        private void probe(int after, String tensor, int r0, int c0, Operand src, int rows, int cols, Program.ElemType t) {
            String name = Program.imagePrefix(img) + tensor;
            if (after < 0) {
                recording.get(-after - 1).then().add(i -> addProbe(i, name, r0, c0, src, rows, cols, t));
                return;
            }
            addProbe(after, name, r0, c0, src, rows, cols, t);
        }

        private void addProbe(int after, String tensor, int r0, int c0, Operand src, int rows, int cols, Program.ElemType t) {
            probes.add(new Program.Probe(after, tensor, r0, c0, src, rows, cols, t));
            if (storeProbes) {
                MemoryImage.Region r = image.allocate("probe." + (probes.size() - 1), rows, cols, t.bytes());
                emit(new Command.Store(Command.Deps.NONE, src, r.operand(), rows, (long) cols * t.bytes()),
                        "store probe " + tensor + " rows " + r0);
            }
        }

        /**
         * Appends a command with the tokens it needs and no more: for every other unit, the latest
         * of its commands that conflicts with this one (touches a byte it touches, one of them
         * writing) must complete first; when no chain of queue order and earlier tokens already
         * guarantees that, this command waits on a new token that the other command signals.
         */
        private int emit(Command cmd, String label) {
            if (recording != null) {
                recording.add(new Pending(cmd, label, new ArrayList<>()));
                return -recording.size();
            }
            if (img != 0 && !label.startsWith("store probe ")) {
                label = "image " + img + ": " + label;
            }
            Unit u = cmd.unit();
            BitSet base = new BitSet();
            int i = cmds.size();
            if (u != null) {
                int prev = lastOfUnit[u.ordinal()];
                if (prev >= 0) {
                    base.set(prev);
                    base.or(before.get(prev));
                }
                if (lastSync >= 0) {
                    base.set(lastSync);
                    base.or(before.get(lastSync));
                }
                List<Command.Access> mine = cmd.accesses();
                List<Integer> needs = new ArrayList<>();
                for (Unit o : Unit.values()) {
                    if (o != u) {
                        int j = latestConflict(o, mine);
                        if (j >= 0) {
                            needs.add(j);
                        }
                    }
                }
                needs.sort(java.util.Comparator.reverseOrder());
                Command.Deps deps = cmd.deps();
                for (int j : needs) {
                    if (base.get(j)) {
                        continue; // already ordered through other commands
                    }
                    Unit o = cmds.get(j).unit();
                    int ch = o.ordinal() * Unit.values().length + u.ordinal();
                    if (lastPairProducer[ch] >= j) {
                        throw new IllegalStateException("token order broken on " + o + "->" + u + " at " + label);
                    }
                    lastPairProducer[ch] = j;
                    Command prod = cmds.get(j);
                    cmds.set(j, prod.withDeps(prod.deps().withSignal(u)));
                    deps = deps.withWait(o);
                    base.set(j);
                    base.or(before.get(j));
                }
                cmd = cmd.withDeps(deps);
                lastOfUnit[u.ordinal()] = i;
            } else {
                for (int j = 0; j < i; j++) {
                    base.set(j);
                }
                lastSync = i;
            }
            before.add(base);
            cmds.add(cmd);
            labels.add(label);
            return i;
        }

        private int latestConflict(Unit o, List<Command.Access> mine) {
            for (int j = cmds.size() - 1; j >= 0; j--) {
                Command other = cmds.get(j);
                if (other.unit() != o) {
                    continue;
                }
                for (Command.Access a : other.accesses()) {
                    for (Command.Access b : mine) {
                        if ((a.write() || b.write()) && a.space() == b.space() && StreamChecker.overlap(a, b)) {
                            return j;
                        }
                    }
                }
            }
            return -1;
        }
    }
}
