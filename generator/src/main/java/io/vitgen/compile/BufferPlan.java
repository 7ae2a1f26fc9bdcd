package io.vitgen.compile;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.vitgen.config.Config;
import io.vitgen.golden.ModelShape;

/**
 * The on-chip buffers of a top: the capacity in bytes of each space and the row block the compiler
 * cuts token rows into (docs/top.md, "Buffers"). {@link #forModel} sizes them for one model so that
 * a layer's activations stay on chip and every weight is read once per image; a top generated for
 * one model runs every model whose {@link #layout} fits, and the compiler refuses the others
 * naming the tensor and the capacity.
 */
public record BufferPlan(Map<Space, Long> capacity, int rowBlock) {

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
        long n = s.tokens();
        long c = s.channels();
        long mlp = s.mlp();
        long rb = Math.min(rowBlock, s.tokens());
        Map<Space, List<Slot>> m = new EnumMap<>(Space.class);
        put(m, Space.RES, "x / layer output (N x C int16)", n * c * 2);
        put(m, Space.RES, "res1 (N x C int16)", n * c * 2);
        put(m, Space.ACT, "LayerNorm output (N x C int8)", n * c);
        put(m, Space.ACT, "attention context (N x C int8)", n * c);
        put(m, Space.QKV, "q, k, v (N x 3C int8)", n * 3 * c);
        long w = Math.max(c * 3 * c, c * mlp);
        put(m, Space.WGT, "weight slot 0 (qkv, fc1)", w);
        put(m, Space.WGT, "weight slot 1 (proj, fc2)", w);
        for (int slot = 0; slot < 2; slot++) {
            put(m, Space.ATT, "scores slot " + slot + " (row block x N int8)", rb * n);
            put(m, Space.ATT, "probabilities slot " + slot + " (row block x N)", rb * n * probBytes);
        }
        for (int slot = 0; slot < 2; slot++) {
            put(m, Space.HID, "FC1 output slot " + slot + " (row block x MLP int8)", rb * mlp);
            put(m, Space.HID, "GELU output slot " + slot + " (row block x MLP int8)", rb * mlp);
        }
        long k = LayerCompiler.constBytes(s);
        put(m, Space.CONST, "constants slot 0", k);
        put(m, Space.CONST, "constants slot 1", k);
        return m;
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
        Map<Space, Long> cap = new LinkedHashMap<>();
        for (Map.Entry<Space, List<Slot>> e : layout(s, rowBlock, probBytes).entrySet()) {
            List<Slot> l = e.getValue();
            cap.put(e.getKey(), l.get(l.size() - 1).end());
        }
        return new BufferPlan(cap, rowBlock);
    }

    /** Buffers for the configuration's model, its softmax output bits and its array's row block. */
    public static BufferPlan forModel(Config config) {
        io.vitgen.config.ModelShape m = config.model();
        ModelShape s = new ModelShape(m.tokens(), m.channels(), m.heads(), m.mlp());
        int probBytes = !config.softmax().log2() && config.softmax().outBits() == 16 ? 2 : 1;
        return forShape(s, defaultRowBlock(config.mac().rows()), probBytes);
    }

    /** One line per space: capacity and BRAM36 blocks. */
    public String describe() {
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<Space, Long> e : capacity.entrySet()) {
            sb.append(String.format("%-6s %,10d bytes %5d BRAM36%n", e.getKey(), e.getValue(), (e.getValue() + 4095) / 4096));
        }
        sb.append(String.format("total  %,10d bytes %5d BRAM36, row block %d%n", totalBytes(), bram36(), rowBlock));
        return sb.toString();
    }
}
