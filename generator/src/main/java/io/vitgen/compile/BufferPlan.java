package io.vitgen.compile;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.vitgen.config.Config;
import io.vitgen.golden.ModelShape;
import io.vitgen.golden.VitGeometry;

/**
 * The on-chip buffers of a top: the capacity in bytes of each space and the row block the compiler
 * cuts token rows into (docs/top.md, "Buffers"). {@link #forModel} sizes them for one model so that
 * a layer's activations stay on chip and every weight is read once per image; a top generated for
 * one model runs every model whose {@link #layout} fits, and the compiler refuses the others
 * naming the tensor and the capacity. With {@code compile.batch} above 1 the per-image spaces hold
 * that many images ({@link #batched}).
 */
public record BufferPlan(Map<Space, Long> capacity, int rowBlock, String sizedFor) {

    /** A plan of explicit capacities (sized for nothing in particular). */
    public BufferPlan(Map<Space, Long> capacity, int rowBlock) {
        this(capacity, rowBlock, "");
    }

    public BufferPlan {
        Map<Space, Long> c = new EnumMap<>(Space.class);
        c.putAll(capacity);
        for (Space s : Space.values()) {
            if (s != Space.DRAM && (!c.containsKey(s) || c.get(s) < 0)) {
                throw new IllegalArgumentException("buffer plan needs a capacity for " + s);
            }
        }
        if (rowBlock < 1 || rowBlock > Command.MAX_DIM) {
            throw new IllegalArgumentException("row block " + rowBlock + " is outside 1.." + Command.MAX_DIM);
        }
        capacity = Collections.unmodifiableMap(c);
        sizedFor = sizedFor == null ? "" : sizedFor;
    }

    /** Capacity of one space in bytes. */
    public long bytes(Space s) {
        return capacity.get(s);
    }

    /** Total on-chip bytes. */
    public long totalBytes() {
        return capacity.values().stream().mapToLong(Long::longValue).sum();
    }

    /** Block RAM estimate: each buffer rounded up to 4 KiB blocks (a BRAM36 holds 4 KiB of data). */
    public long bram36() {
        long n = 0;
        for (long b : capacity.values()) {
            n += (b + 4095) / 4096;
        }
        return n;
    }

    /** The default row block for an array of {@code macRows} rows: 4 row tiles. */
    public static int defaultRowBlock(int macRows) {
        return 4 * macRows;
    }

    /**
     * The row block a configuration compiles for: {@code compile.row.block} when set, else
     * {@link #defaultRowBlock} of its array. The top's buffers ({@link #forModel}), every program
     * the compiler emits for it and the estimate's stream all use this one value.
     */
    public static int rowBlock(io.vitgen.config.Config config) {
        int v = Integer.parseInt(config.values().getOrDefault("compile.row.block", "0"));
        return v > 0 ? v : defaultRowBlock(config.mac().rows());
    }

    /**
     * The row blocks the compiler cuts {@code n} token rows into, each {@code {first row, rows}}:
     * blocks of {@code rowBlock} rows, except that a remainder of fewer than {@code rowBlock / 4}
     * rows joins the last full block (197 tokens at 64: 64 + 64 + 69, not 64 + 64 + 64 + 5). A
     * short last block costs a whole block's command overheads for a few rows and leaves its
     * neighbours' LayerNorm, softmax and GELU without a GEMM to hide under; joined, it adds no
     * row tile (the remainder fills the block's last partial tile or adds one).
     */
    public static List<int[]> rowBlocks(int n, int rowBlock) {
        List<int[]> b = new ArrayList<>();
        int full = n / rowBlock;
        int rest = n % rowBlock;
        if (full == 0 || rest >= (rowBlock + 3) / 4) {
            for (int r0 = 0; r0 < n; r0 += rowBlock) {
                b.add(new int[] {r0, Math.min(rowBlock, n - r0)});
            }
            return b;
        }
        for (int i = 0; i < full; i++) {
            b.add(new int[] {i * rowBlock, i == full - 1 ? rowBlock + rest : rowBlock});
        }
        return b;
    }

    /**
     * The row blocks of the attention ({@code {first row, rows}}): {@link #rowBlocks} of 4 row
     * blocks with 1-byte probabilities, 2 with 2-byte ones (Shiftmax b = 16), so the score and
     * probability slots take about the same bytes either way (a whole head of DeiT-Tiny's 197
     * tokens at b = 8). Per head and attention block the array computes q k^T and attention x V
     * while the softmax unit works on the previous block; fewer, larger blocks mean fewer of these
     * short GEMMs (K = head width, K = N), whose per-command start and drain in the GEMM unit and
     * the first block's exposed softmax otherwise cost about 1 % of a layer.
     */
    public static List<int[]> attentionBlocks(int n, int rowBlock, int probBytes) {
        return rowBlocks(n, (probBytes == 1 ? 4 : 2) * rowBlock);
    }

    /** Rows of the largest of {@link #rowBlocks}: the rows the score, probability, FC1 and GELU slots hold. */
    public static int largestRowBlock(int n, int rowBlock) {
        return rowBlocks(n, rowBlock).stream().mapToInt(r -> r[1]).max().orElse(0);
    }

    /** One tensor's place in a buffer. */
    public record Slot(String tensor, long offset, long bytes) {
        public long end() {
            return offset + bytes;
        }
    }

    /**
     * Where the compiler puts a layer's tensors, per space, for a shape, row block and
     * bytes per softmax output element (2 for Shiftmax b = 16, else 1).
     */
    public static Map<Space, List<Slot>> layout(ModelShape s, int rowBlock, int probBytes) {
        return layout(s, rowBlock, probBytes, null);
    }

    /**
     * Where the compiler puts the tensors of a whole model (docs/top.md, "Buffers"): the layers'
     * slots of {@link #layout(ModelShape, int, int)} (the weight and constant slots grown to hold
     * the patch-embedding weights and the model's own tables), followed in each space by the
     * model's overlays - tensors that reuse a layer slot's bytes at a time the layers do not use
     * them: the position embedding in res1's place (RES slot 2), two patch-row slots over the FC1 /
     * GELU slots (HID slots 4 and 5), the logits over the score slots (ATT slot 4), the embedding
     * tables in constant slot 1 and the final-norm and head tables in constant slot depth mod 2
     * (CONST slots 2 and 3). The head's weights go through the weight slots in column panels
     * ({@link #headPanels}).
     */
    public static Map<Space, List<Slot>> layout(VitGeometry g, int rowBlock, int probBytes) {
        return layout(g.layerShape(), rowBlock, probBytes, g);
    }

    /**
     * True for the spaces that hold one image's tensors (residual stream, activations, q k v, the
     * attention and MLP slots); the weight and constant slots are shared by the images of a batch.
     */
    public static boolean perImage(Space s) {
        return s != Space.WGT && s != Space.CONST && s != Space.DRAM;
    }

    /**
     * Bytes between two images' copies of a per-image space in a batched layout: the space's one-image
     * end (overlays included), aligned to 64; 0 for the shared spaces.
     */
    public static long imageSpan(Map<Space, List<Slot>> oneImage, Space s) {
        if (!perImage(s) || !oneImage.containsKey(s)) {
            return 0;
        }
        return align(oneImage.get(s).stream().mapToLong(Slot::end).max().orElse(0));
    }

    /**
     * A one-image layout for {@code batch} images (compile.batch): every per-image space holds a copy of
     * its slots per image, image b's at b x {@link #imageSpan} ("image b: ..."); the weight and
     * constant slots stay one copy, shared. The slots of image 0 come first, in their one-image order.
     */
    public static Map<Space, List<Slot>> batched(Map<Space, List<Slot>> oneImage, int batch) {
        if (batch < 1) {
            throw new IllegalArgumentException("batch " + batch + " is below 1");
        }
        Map<Space, List<Slot>> m = new EnumMap<>(Space.class);
        for (Map.Entry<Space, List<Slot>> e : oneImage.entrySet()) {
            List<Slot> l = new ArrayList<>(e.getValue());
            long span = imageSpan(oneImage, e.getKey());
            for (int b = 1; span > 0 && b < batch; b++) {
                for (Slot s : e.getValue()) {
                    l.add(new Slot("image " + b + ": " + s.tensor(), s.offset() + b * span, s.bytes()));
                }
            }
            m.put(e.getKey(), l);
        }
        return m;
    }

    private static Map<Space, List<Slot>> layout(ModelShape s, int rowBlock, int probBytes, VitGeometry g) {
        long n = s.tokens();
        long c = s.channels();
        long mlp = s.mlp();
        long rb = largestRowBlock(s.tokens(), rowBlock);
        Map<Space, List<Slot>> m = new EnumMap<>(Space.class);
        put(m, Space.RES, "x / layer output (N x C int16)", n * c * 2);
        put(m, Space.RES, "res1 (N x C int16)", n * c * 2);
        put(m, Space.ACT, "LayerNorm output (N x C int8)", n * c);
        put(m, Space.ACT, "attention context (N x C int8)", n * c);
        put(m, Space.QKV, "q, k, v (N x 3C int8)", n * 3 * c);
        long w = Math.max(c * 3 * c, c * mlp);
        if (g == null) {
            put(m, Space.WGT, "weight slot 0 (qkv, fc1)", w);
            put(m, Space.WGT, "weight slot 1 (proj, fc2)", w);
        } else {
            w = Math.max(w, (long) g.patchK() * c);
            put(m, Space.WGT, "weight slot 0 (qkv, fc1, head panels 0, 2, ..)", w);
            put(m, Space.WGT, "weight slot 1 (patch embedding, proj, fc2, head panels 1, 3, ..)", w);
        }
        long ab = attentionBlocks(s.tokens(), rowBlock, probBytes).stream().mapToInt(r -> r[1]).max().orElse(0);
        for (int slot = 0; slot < 2; slot++) {
            put(m, Space.ATT, "scores slot " + slot + " (largest attention block x N int8)", ab * n);
            put(m, Space.ATT, "probabilities slot " + slot + " (largest attention block x N)", ab * n * probBytes);
        }
        for (int slot = 0; slot < 2; slot++) {
            put(m, Space.HID, "FC1 output slot " + slot + " (largest row block x MLP int8)", rb * mlp);
            put(m, Space.HID, "GELU output slot " + slot + " (largest row block x MLP int8)", rb * mlp);
        }
        long k = LayerCompiler.constBytes(s);
        if (g != null) {
            k = Math.max(k, Math.max(embedConstBytes(g), headConstBytes(g)));
        }
        put(m, Space.CONST, "constants slot 0", k);
        put(m, Space.CONST, "constants slot 1", k);
        if (g != null) {
            List<Slot> res = m.get(Space.RES);
            overlay(m, Space.RES, "position embedding (N x C int16, in res1's place until layer 0's projection)",
                    res.get(1).offset(), n * c * 2);
            long patchRows = rowBlocks(s.tokens(), rowBlock).stream()
                    .mapToLong(r -> r[0] == 0 ? r[1] - 1 : r[1]).max().orElse(0);
            overlay(m, Space.HID, "patch rows slot 0 (row block x 3P^2 int8, over the FC1/GELU slots)", 0,
                    patchRows * g.patchK());
            overlay(m, Space.HID, "patch rows slot 1 (row block x 3P^2 int8)", align(patchRows * g.patchK()),
                    patchRows * g.patchK());
            overlay(m, Space.ATT, "logits (classes int32, over the score slots)", 0, 4L * g.classes());
            List<Slot> cs = m.get(Space.CONST);
            overlay(m, Space.CONST, "patch-embedding tables (in constants slot 1 until layer 1)", cs.get(1).offset(),
                    embedConstBytes(g));
            overlay(m, Space.CONST, "final-norm and head tables (in constants slot " + (g.depth() % 2)
                    + ", after layer " + (g.depth() - 2) + ")", cs.get(g.depth() % 2).offset(), headConstBytes(g));
        }
        return m;
    }

    /** Bytes of the patch embedding's tables: bias and scale, C entries each. */
    public static long embedConstBytes(VitGeometry g) {
        return 8L * 2 * g.channels();
    }

    /** Bytes of the final norm's and the head's tables: norm bias and scale (C each), head bias (classes). */
    public static long headConstBytes(VitGeometry g) {
        return 8L * (2L * g.channels() + g.classes());
    }

    /**
     * Column panels of the head (C x classes int8) that fit a weight slot of {@code slotBytes}:
     * as few as possible, of equal width but the last, none wider than a command's N field
     * ({@link Command#MAX_DIM}). Empty when not even one column fits.
     */
    public static int[] headPanels(VitGeometry g, long slotBytes) {
        long most = Math.min(slotBytes / g.channels(), Command.MAX_DIM);
        if (most < 1) {
            return new int[0];
        }
        int classes = g.classes();
        int panels = (int) ((classes + most - 1) / most);
        int width = (classes + panels - 1) / panels;
        List<Integer> w = new ArrayList<>();
        for (int j0 = 0; j0 < classes; j0 += width) {
            w.add(Math.min(width, classes - j0));
        }
        return w.stream().mapToInt(Integer::intValue).toArray();
    }

    private static void overlay(Map<Space, List<Slot>> m, Space s, String tensor, long offset, long bytes) {
        m.get(s).add(new Slot(tensor, offset, bytes));
    }

    private static void put(Map<Space, List<Slot>> m, Space s, String tensor, long bytes) {
        List<Slot> l = m.computeIfAbsent(s, x -> new ArrayList<>());
        long off = l.isEmpty() ? 0 : align(l.get(l.size() - 1).end());
        l.add(new Slot(tensor, off, bytes));
    }

    static long align(long v) {
        return (v + 63) / 64 * 64;
    }

    /** Buffers sized exactly for a shape (the layout's end in every space). */
    public static BufferPlan forShape(ModelShape s, int rowBlock, int probBytes) {
        return forShape(s, rowBlock, probBytes, 1);
    }

    /** Buffers sized exactly for a shape and {@code batch} images at a time ({@link #batched}). */
    public static BufferPlan forShape(ModelShape s, int rowBlock, int probBytes, int batch) {
        Map<Space, List<Slot>> l = batched(layout(s, rowBlock, probBytes), batch);
        return new BufferPlan(capacities(l), rowBlock,
                "encoder layers of " + s.tokens() + " tokens, C " + s.channels() + ", " + s.heads() + " heads, MLP "
                        + s.mlp() + " (no patch embedding or head)" + images(batch) + contents(l));
    }

    /** Buffers sized exactly for a whole model (the layers, the patch embedding, the final norm and the head). */
    public static BufferPlan forVit(VitGeometry g, int rowBlock, int probBytes) {
        return forVit(g, rowBlock, probBytes, 1);
    }

    /** Buffers sized exactly for a whole model and {@code batch} images at a time ({@link #batched}). */
    public static BufferPlan forVit(VitGeometry g, int rowBlock, int probBytes, int batch) {
        Map<Space, List<Slot>> one = layout(g, rowBlock, probBytes);
        Map<Space, List<Slot>> l = batched(one, batch);
        int[] panels = headPanels(g, one.get(Space.WGT).get(0).bytes());
        return new BufferPlan(capacities(l), rowBlock, "the whole model (" + g + "): patch embedding, "
                + g.depth() + " layers, final norm, head in " + panels.length + " column panel"
                + (panels.length == 1 ? "" : "s") + " of " + panels[0] + " classes" + images(batch) + contents(l));
    }

    private static String images(int batch) {
        return batch == 1 ? "" : ", " + batch + " images at a time (compile.batch)";
    }

    /** One line per space: its slots and overlays with their byte ranges. */
    private static String contents(Map<Space, List<Slot>> layout) {
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<Space, List<Slot>> e : layout.entrySet()) {
            sb.append(System.lineSeparator()).append(String.format("  %-6s", e.getKey()));
            String sep = "";
            for (Slot s : e.getValue()) {
                sb.append(sep).append(s.tensor()).append(" [").append(s.offset()).append(", ").append(s.end()).append(')');
                sep = "; ";
            }
        }
        return sb.toString();
    }

    private static Map<Space, Long> capacities(Map<Space, List<Slot>> layout) {
        Map<Space, Long> cap = new LinkedHashMap<>();
        for (Map.Entry<Space, List<Slot>> e : layout.entrySet()) {
            cap.put(e.getKey(), e.getValue().stream().mapToLong(Slot::end).max().orElse(0));
        }
        return cap;
    }

    /**
     * Buffers for the configuration's model, its softmax output bits and its array's row block: for
     * a DeiT preset the whole model ({@link #forVit}; 224 px, patch 16, 1000 classes), for a custom
     * shape its encoder layers (the configuration has no image, patch or class count).
     */
    public static BufferPlan forModel(Config config) {
        io.vitgen.config.ModelShape m = config.model();
        int probBytes = !config.softmax().log2() && config.softmax().outBits() == 16 ? 2 : 1;
        int rb = rowBlock(config);
        int batch = batch(config);
        VitGeometry g = VitGeometry.preset(m.name());
        if (g != null) {
            return forVit(g, rb, probBytes, batch);
        }
        return forShape(new ModelShape(m.tokens(), m.channels(), m.heads(), m.mlp()), rb, probBytes, batch);
    }

    /**
     * Images a configuration compiles together ({@code compile.batch}, 1 when absent): the top's
     * per-image buffers hold that many, and the programs vitgen emits for it run that many images.
     */
    public static int batch(Config config) {
        return Integer.parseInt(config.values().getOrDefault("compile.batch", "1"));
    }

    /** One line per space: capacity and BRAM36 blocks. */
    public String describe() {
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<Space, Long> e : capacity.entrySet()) {
            sb.append(String.format("%-6s %,10d bytes %5d BRAM36%n", e.getKey(), e.getValue(), (e.getValue() + 4095) / 4096));
        }
        sb.append(String.format("total  %,10d bytes %5d BRAM36, row block %d%n", totalBytes(), bram36(), rowBlock));
        if (!sizedFor.isEmpty()) {
            sb.append("sized for ").append(sizedFor).append(System.lineSeparator());
        }
        return sb.toString();
    }
}
