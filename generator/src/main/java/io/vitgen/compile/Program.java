package io.vitgen.compile;

import java.util.List;

/**
 * What the compiler produces: the command stream (with a label per command for messages), the
 * memory image that holds the stream, the weights, constants and input and receives the output,
 * the buffer plan it was compiled for, and the probes - the buffer regions that hold each named
 * intermediate tensor after a given command, which the interpreter reads to name the first
 * differing tensor. A batch ({@code compile.batch}) has one input and one output region per image
 * ({@link #inputs}, {@link #outputs}); {@link #input} and {@link #output} are image 0's.
 */
public record Program(List<Command> commands, List<String> labels, MemoryImage image, BufferPlan plan,
        List<Probe> probes, MemoryImage.Region input, MemoryImage.Region output, MemoryImage.Region stream,
        int layers, List<MemoryImage.Region> inputs, List<MemoryImage.Region> outputs) {

    /** A program of one image. */
    public Program(List<Command> commands, List<String> labels, MemoryImage image, BufferPlan plan, List<Probe> probes,
            MemoryImage.Region input, MemoryImage.Region output, MemoryImage.Region stream, int layers) {
        this(commands, labels, image, plan, probes, input, output, stream, layers, List.of(input), List.of(output));
    }

    /** Images the program runs (compile.batch). */
    public int batch() {
        return inputs.size();
    }

    /** The prefix of image {@code b}'s probed tensor names: none for image 0, {@code image<b>.} for the others. */
    public static String imagePrefix(int b) {
        return b == 0 ? "" : "image" + b + ".";
    }

    /** How the elements of a probed region are stored. */
    public enum ElemType {
        I8(1), I16(2), I32(4),
        /** A log2 softmax byte: bits 3:0 the code, bit 4 the zero flag; read as the code, or -1 when zero. */
        CODE(1);

        private final int bytes;

        ElemType(int bytes) {
            this.bytes = bytes;
        }

        public int bytes() {
            return bytes;
        }
    }

    /**
     * After command {@code after} completes, the buffer region at {@code src} ({@code rows} x
     * {@code cols} elements) holds the rows starting at {@code rowOffset} and the columns starting
     * at {@code colOffset} of tensor {@code tensor} (named as in {@code EncoderLayer.trace},
     * prefixed with the layer: {@code L0.qkv}).
     */
    public record Probe(int after, String tensor, int rowOffset, int colOffset, Operand src, int rows, int cols,
            ElemType type) {
    }

    /** The stream as words. */
    public long[] words() {
        return CommandCodec.encode(commands);
    }

    /** The stream as the checker sees it. */
    public StreamChecker.Result check(int queueDepth) {
        return StreamChecker.check(commands, labels, queueDepth);
    }

    /** A listing: one line per command with its label and tokens. */
    public String listing() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < commands.size(); i++) {
            Command c = commands.get(i);
            sb.append(String.format("%4d %-9s %-28s %s%n", i, c.getClass().getSimpleName().toUpperCase(java.util.Locale.ROOT),
                    labels.get(i), c.deps()));
        }
        return sb.toString();
    }

    /**
     * The probed tensors as a program of {@link LayerCompiler#compileStoringProbes} left them in
     * memory {@code dram} (regions {@code probe.<k>}), assembled by name as the interpreter does;
     * empty for a program without probe stores.
     */
    public java.util.Map<String, long[][]> storedTensors(byte[] dram) {
        java.util.Map<String, long[][]> tensors = new java.util.LinkedHashMap<>();
        for (int k = 0; k < probes.size(); k++) {
            if (!image.regions().containsKey("probe." + k)) {
                continue;
            }
            place(tensors, probes.get(k), MemoryImage.read(dram, image.region("probe." + k)));
        }
        return tensors;
    }

    /** Puts one probed block (codes decoded) at its place in the tensor of its name, growing it. */
    static void place(java.util.Map<String, long[][]> tensors, Probe pr, long[][] block) {
        if (pr.type() == ElemType.CODE) {
            for (long[] row : block) {
                for (int j = 0; j < row.length; j++) {
                    long b = row[j] & 0xFF;
                    row[j] = (b & 0x10) != 0 ? -1 : b & 0xF;
                }
            }
        }
        long[][] t = tensors.get(pr.tensor());
        int needRows = pr.rowOffset() + pr.rows();
        int needCols = pr.colOffset() + pr.cols();
        if (t == null || t.length < needRows || t[0].length < needCols) {
            long[][] grown = new long[Math.max(needRows, t == null ? 0 : t.length)][Math.max(needCols,
                    t == null ? 0 : t[0].length)];
            if (t != null) {
                for (int i = 0; i < t.length; i++) {
                    System.arraycopy(t[i], 0, grown[i], 0, t[i].length);
                }
            }
            t = grown;
            tensors.put(pr.tensor(), t);
        }
        for (int i = 0; i < pr.rows(); i++) {
            System.arraycopy(block[i], 0, t[pr.rowOffset() + i], pr.colOffset(), pr.cols());
        }
    }
}
