package io.vitgen.compile;

import java.util.List;

/**
 * What the compiler produces: the command stream (with a label per command for messages), the
 * memory image that holds the stream, the weights, constants and input and receives the output,
 * the buffer plan it was compiled for, and the probes - the buffer regions that hold each named
 * intermediate tensor after a given command, which the interpreter reads to name the first
 * differing tensor.
 */
public record Program(List<Command> commands, List<String> labels, MemoryImage image, BufferPlan plan,
        List<Probe> probes, MemoryImage.Region input, MemoryImage.Region output, MemoryImage.Region stream,
        int layers) {

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
}
