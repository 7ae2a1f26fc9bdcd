package io.vitgen.model;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.vitgen.model.Safetensors.DType;

/**
 * Writes a safetensors file: tensors in the order added, the JSON header padded with spaces to a
 * multiple of 8 bytes (as the reference implementation does), data streamed in order. The file is
 * written beside the target under a temporary name and renamed over it in one step, so a failed
 * write leaves nothing half-written.
 */
public final class SafetensorsWriter {

    /** Produces a tensor's little-endian bytes into a stream. */
    @FunctionalInterface
    public interface Payload {
        void write(OutputStream out) throws IOException;
    }

    private record Entry(String name, DType dtype, long[] shape, long bytes, Payload payload) {
    }

    private final Map<String, String> metadata = new LinkedHashMap<>();
    private final List<Entry> entries = new ArrayList<>();
    private final Set<String> names = new LinkedHashSet<>();

    public SafetensorsWriter metadata(String key, String value) {
        metadata.put(key, value);
        return this;
    }

    /** Adds a tensor whose bytes are produced when the file is written. */
    public SafetensorsWriter add(String name, DType dtype, long[] shape, Payload payload) {
        if (!names.add(name)) {
            throw new IllegalArgumentException("tensor '" + name + "' added twice");
        }
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        entries.add(new Entry(name, dtype, shape.clone(), n * dtype.size, payload));
        return this;
    }

    /** Adds a tensor from raw little-endian bytes. */
    public SafetensorsWriter add(String name, DType dtype, long[] shape, byte[] data) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        if (n * dtype.size != data.length) {
            throw new IllegalArgumentException("tensor '" + name + "': " + data.length + " bytes for shape "
                    + Safetensors.Tensor.shapeText(shape) + " of " + dtype);
        }
        return add(name, dtype, shape, out -> out.write(data));
    }

    /** Adds float values as F32, F16, BF16 or F64. */
    public SafetensorsWriter floats(String name, DType dtype, long[] shape, float[] v) {
        return add(name, dtype, shape, encodeFloats(dtype, v));
    }

    /** Adds double values as F64. */
    public SafetensorsWriter doubles(String name, long[] shape, double[] v) {
        ByteBuffer b = ByteBuffer.allocate(8 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        b.asDoubleBuffer().put(v);
        return add(name, DType.F64, shape, b.array());
    }

    /** Adds integer values as I8, I16, I32 or I64 (each value must fit; checked). */
    public SafetensorsWriter integers(String name, DType dtype, long[] shape, long[] v) {
        ByteBuffer b = ByteBuffer.allocate(dtype.size * v.length).order(ByteOrder.LITTLE_ENDIAN);
        int bits = 8 * dtype.size;
        for (long x : v) {
            if (bits < 64 && (x < -(1L << (bits - 1)) || x > (1L << (bits - 1)) - 1)) {
                throw new IllegalArgumentException("tensor '" + name + "': value " + x + " does not fit " + dtype);
            }
            switch (dtype) {
                case I8 -> b.put((byte) x);
                case I16 -> b.putShort((short) x);
                case I32 -> b.putInt((int) x);
                case I64 -> b.putLong(x);
                default -> throw new IllegalArgumentException("integers() writes I8, I16, I32 or I64, not " + dtype);
            }
        }
        return add(name, dtype, shape, b.array());
    }

    static byte[] encodeFloats(DType dtype, float[] v) {
        ByteBuffer b = ByteBuffer.allocate(dtype.size * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : v) {
            switch (dtype) {
                case F32 -> b.putFloat(f);
                case F64 -> b.putDouble(f);
                case F16 -> b.putShort(Safetensors.floatToHalf(f));
                case BF16 -> b.putShort(Safetensors.floatToBf16(f));
                default -> throw new IllegalArgumentException("floats() writes F16, BF16, F32 or F64, not " + dtype);
            }
        }
        return b.array();
    }

    /** The JSON header, padded to a multiple of 8 bytes. */
    byte[] header() {
        ObjectMapper json = new ObjectMapper();
        ObjectNode root = json.createObjectNode();
        if (!metadata.isEmpty()) {
            ObjectNode m = root.putObject("__metadata__");
            metadata.forEach(m::put);
        }
        long offset = 0;
        for (Entry e : entries) {
            ObjectNode t = root.putObject(e.name());
            t.put("dtype", e.dtype().name());
            ArrayNode s = t.putArray("shape");
            for (long d : e.shape()) {
                s.add(d);
            }
            ArrayNode o = t.putArray("data_offsets");
            o.add(offset);
            o.add(offset + e.bytes());
            offset += e.bytes();
        }
        byte[] raw = root.toString().getBytes(StandardCharsets.UTF_8);
        int padded = (raw.length + 7) / 8 * 8;
        byte[] out = new byte[padded];
        System.arraycopy(raw, 0, out, 0, raw.length);
        for (int i = raw.length; i < padded; i++) {
            out[i] = ' ';
        }
        return out;
    }

    /**
     * Writes the file: into a temporary file beside {@code target}, then renamed over it. Whether
     * {@code target} may be replaced is the caller's decision.
     */
    public void write(Path target) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        if (dir != null) {
            Files.createDirectories(dir);
        }
        // a fresh name beside the target, created with the default permissions (umask), not 0600
        Path tmp = dir.resolve("." + target.getFileName() + "." + ProcessHandle.current().pid() + "."
                + Long.toHexString(System.nanoTime()) + ".part");
        boolean done = false;
        try {
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(tmp,
                    java.nio.file.StandardOpenOption.CREATE_NEW, java.nio.file.StandardOpenOption.WRITE), 1 << 20)) {
                byte[] h = header();
                ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(h.length);
                out.write(len.array());
                out.write(h);
                for (Entry e : entries) {
                    CountingStream c = new CountingStream(out);
                    e.payload().write(c);
                    if (c.count != e.bytes()) {
                        throw new IOException("tensor '" + e.name() + "' wrote " + c.count + " bytes, expected " + e.bytes());
                    }
                }
            }
            try {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
            done = true;
        } finally {
            if (!done) {
                Files.deleteIfExists(tmp);
            }
        }
    }

    private static final class CountingStream extends OutputStream {
        private final OutputStream out;
        long count;

        CountingStream(OutputStream out) {
            this.out = out;
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            count += len;
        }
    }
}
