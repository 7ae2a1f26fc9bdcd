package io.vitgen.model;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * A safetensors file opened for reading (the format timm and Hugging Face publish: an 8-byte
 * little-endian header length N, N bytes of JSON header, then the raw little-endian tensor data).
 *
 * <p>Opening reads only the header and checks all of it at once: header length against the file,
 * JSON syntax, every entry's dtype, shape and data offsets (inside the data, size equal to the
 * shape times the element size, no two tensors overlapping), metadata as string to string. Tensor
 * data is memory-mapped per tensor when asked for, so an 86 M-parameter checkpoint opens with a few
 * kilobytes of heap and each tensor is converted only when it is used.
 */
public final class Safetensors implements AutoCloseable {

    /** Largest JSON header accepted (the limit of the reference implementation). */
    public static final long MAX_HEADER_BYTES = 100_000_000L;

    /** Element types of the format; {@code size} in bytes. */
    public enum DType {
        BOOL(1), U8(1), I8(1), F8_E4M3(1), F8_E5M2(1), I16(2), U16(2), F16(2), BF16(2), I32(4), U32(4), F32(4),
        I64(8), U64(8), F64(8);

        public final int size;

        DType(int size) {
            this.size = size;
        }

        boolean isFloat() {
            return this == F16 || this == BF16 || this == F32 || this == F64;
        }

        boolean isSignedInt() {
            return this == I8 || this == I16 || this == I32 || this == I64 || this == U8;
        }

        static DType parse(String s) {
            for (DType d : values()) {
                if (d.name().equals(s)) {
                    return d;
                }
            }
            return null;
        }
    }

    /** One tensor entry of the header; offsets are relative to the start of the data. */
    public record Tensor(String name, DType dtype, long[] shape, long begin, long end) {
        public long numel() {
            long n = 1;
            for (long d : shape) {
                n *= d;
            }
            return n;
        }

        /** The shape as text, e.g. {@code [192, 3, 16, 16]}. */
        public String shapeText() {
            return shapeText(shape);
        }

        public static String shapeText(long[] shape) {
            StringBuilder sb = new StringBuilder("[");
            for (int i = 0; i < shape.length; i++) {
                sb.append(i == 0 ? "" : ", ").append(shape[i]);
            }
            return sb.append(']').toString();
        }
    }

    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    static {
        JSON.getFactory().setStreamReadConstraints(StreamReadConstraints.builder()
                .maxNestingDepth(64).maxStringLength(20_000_000).maxNumberLength(40).build());
    }

    /** Tensors up to this size are read into the heap; larger ones are memory-mapped. */
    static final long SMALL_TENSOR_BYTES = 1 << 16;

    private final Path path;
    private final FileChannel channel;
    private final long dataStart;
    private final long dataLength;
    private final Map<String, Tensor> tensors;
    private final Map<String, String> metadata;

    private Safetensors(Path path, FileChannel channel, long dataStart, long dataLength, Map<String, Tensor> tensors,
            Map<String, String> metadata) {
        this.path = path;
        this.channel = channel;
        this.dataStart = dataStart;
        this.dataLength = dataLength;
        this.tensors = tensors;
        this.metadata = metadata;
    }

    /** Opens and checks the header; throws with every problem of the header at once. */
    public static Safetensors open(Path path) throws ModelException {
        FileChannel ch;
        try {
            ch = FileChannel.open(path, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            throw new ModelException(path + ": no such file");
        } catch (IOException e) {
            throw new ModelException(path + ": cannot open: " + e.getMessage());
        }
        try {
            Safetensors s = read(path, ch);
            return s;
        } catch (ModelException | RuntimeException e) {
            closeQuietly(ch);
            throw e;
        }
    }

    private static Safetensors read(Path path, FileChannel ch) throws ModelException {
        long size;
        try {
            if (Files.isDirectory(path)) {
                throw new ModelException(path + ": is a directory, not a safetensors file");
            }
            size = ch.size();
            if (size < 8) {
                throw new ModelException(path + ": truncated: " + size
                        + " bytes, but a safetensors file starts with an 8-byte header length");
            }
            ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(ch, lenBuf, 0);
            long n = lenBuf.getLong(0);
            if (n < 0 || n > size - 8) {
                throw new ModelException(path + ": header length " + Long.toUnsignedString(n)
                        + " bytes goes beyond the end of the file (" + size + " bytes; truncated or not a safetensors file)");
            }
            if (n > MAX_HEADER_BYTES) {
                throw new ModelException(path + ": JSON header of " + n + " bytes is larger than the "
                        + MAX_HEADER_BYTES + "-byte limit");
            }
            if (n < 2) {
                throw new ModelException(path + ": JSON header of " + n + " bytes is too short to be a JSON object");
            }
            ByteBuffer hb = ByteBuffer.allocate((int) n);
            readFully(ch, hb, 8);
            long dataStart = 8 + n;
            long dataLength = size - dataStart;
            return parse(path, ch, hb.array(), dataStart, dataLength);
        } catch (IOException e) {
            throw new ModelException(path + ": cannot read: " + e.getMessage());
        }
    }

    private static Safetensors parse(Path path, FileChannel ch, byte[] header, long dataStart, long dataLength)
            throws ModelException {
        JsonNode root;
        try {
            root = JSON.readTree(header);
        } catch (JsonParseException e) {
            throw new ModelException(path + ": malformed JSON header: " + e.getOriginalMessage()
                    + " (at byte " + (8 + e.getLocation().getByteOffset()) + ")");
        } catch (JsonProcessingException e) {
            throw new ModelException(path + ": malformed JSON header: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new ModelException(path + ": malformed JSON header: " + e.getMessage());
        }
        if (root == null || !root.isObject()) {
            throw new ModelException(path + ": the JSON header is not an object");
        }
        List<String> problems = new ArrayList<>();
        Map<String, String> metadata = new LinkedHashMap<>();
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> e = it.next();
            String name = e.getKey();
            JsonNode v = e.getValue();
            if (name.equals("__metadata__")) {
                if (!v.isObject()) {
                    problems.add("__metadata__ must be an object of strings, found " + kind(v));
                    continue;
                }
                for (Iterator<Map.Entry<String, JsonNode>> m = v.fields(); m.hasNext();) {
                    Map.Entry<String, JsonNode> kv = m.next();
                    if (!kv.getValue().isTextual()) {
                        problems.add("__metadata__ key '" + kv.getKey() + "' must be a string, found " + kind(kv.getValue()));
                    } else {
                        metadata.put(kv.getKey(), kv.getValue().asText());
                    }
                }
                continue;
            }
            Tensor t = entry(name, v, dataLength, problems);
            if (t != null) {
                tensors.put(name, t);
            }
        }
        List<Tensor> byOffset = new ArrayList<>(tensors.values());
        byOffset.removeIf(t -> t.begin() == t.end());
        byOffset.sort(Comparator.comparingLong(Tensor::begin).thenComparingLong(Tensor::end));
        for (int i = 1; i < byOffset.size(); i++) {
            Tensor a = byOffset.get(i - 1);
            Tensor b = byOffset.get(i);
            if (b.begin() < a.end()) {
                problems.add("tensor '" + b.name() + "' (data bytes " + b.begin() + ".." + b.end()
                        + ") overlaps tensor '" + a.name() + "' (bytes " + a.begin() + ".." + a.end() + ")");
            }
        }
        if (!problems.isEmpty()) {
            List<String> named = new ArrayList<>();
            for (String p : problems) {
                named.add(path.getFileName() + ": " + p);
            }
            throw new ModelException(named);
        }
        return new Safetensors(path, ch, dataStart, dataLength, Collections.unmodifiableMap(tensors),
                Collections.unmodifiableMap(metadata));
    }

    private static Tensor entry(String name, JsonNode v, long dataLength, List<String> problems) {
        String what = "tensor '" + name + "'";
        if (name.isEmpty()) {
            problems.add("a tensor has an empty name");
            return null;
        }
        if (!v.isObject()) {
            problems.add(what + ": entry must be an object with dtype, shape and data_offsets, found " + kind(v));
            return null;
        }
        int before = problems.size();
        JsonNode dt = v.get("dtype");
        DType dtype = null;
        if (dt == null || !dt.isTextual()) {
            problems.add(what + ": dtype is missing or not a string");
        } else {
            dtype = DType.parse(dt.asText());
            if (dtype == null) {
                problems.add(what + ": unknown dtype '" + dt.asText() + "' (known: "
                        + java.util.Arrays.toString(DType.values()) + ")");
            }
        }
        JsonNode sh = v.get("shape");
        long[] shape = null;
        if (sh == null || !sh.isArray()) {
            problems.add(what + ": shape is missing or not an array");
        } else {
            shape = new long[sh.size()];
            long numel = 1;
            for (int i = 0; i < sh.size(); i++) {
                JsonNode d = sh.get(i);
                if (!d.isIntegralNumber() || !d.canConvertToLong() || d.asLong() < 0) {
                    problems.add(what + ": shape entry " + i + " is " + d + ", not a non-negative integer");
                    shape = null;
                    break;
                }
                shape[i] = d.asLong();
                if (shape[i] != 0 && numel > Long.MAX_VALUE / 8 / shape[i]) {
                    problems.add(what + ": shape " + sh + " has more elements than a file can hold");
                    shape = null;
                    break;
                }
                numel *= shape[i];
            }
        }
        JsonNode off = v.get("data_offsets");
        long begin = -1;
        long end = -1;
        if (off == null || !off.isArray() || off.size() != 2 || !isLong(off.get(0)) || !isLong(off.get(1))) {
            problems.add(what + ": data_offsets must be [begin, end] with two non-negative integers, found "
                    + (off == null ? "nothing" : off.toString()));
        } else {
            begin = off.get(0).asLong();
            end = off.get(1).asLong();
            if (begin > end) {
                problems.add(what + ": data_offsets [" + begin + ", " + end + "] has begin after end");
            } else if (end > dataLength) {
                problems.add(what + ": data_offsets [" + begin + ", " + end + "] lie outside the data ("
                        + dataLength + " bytes after the header)");
            }
        }
        if (problems.size() > before) {
            return null;
        }
        Tensor t = new Tensor(name, dtype, shape, begin, end);
        if (t.numel() * dtype.size != end - begin) {
            problems.add(what + ": shape " + t.shapeText() + " of " + dtype + " needs " + t.numel() * dtype.size
                    + " bytes but data_offsets give " + (end - begin));
            return null;
        }
        return t;
    }

    private static boolean isLong(JsonNode n) {
        return n != null && n.isIntegralNumber() && n.canConvertToLong() && n.asLong() >= 0;
    }

    private static String kind(JsonNode n) {
        return n.isTextual() ? "a string" : n.isNumber() ? "a number" : n.isArray() ? "an array"
                : n.isObject() ? "an object" : n.isBoolean() ? "a boolean" : "null";
    }

    private static void readFully(FileChannel ch, ByteBuffer b, long pos) throws IOException {
        while (b.hasRemaining()) {
            int r = ch.read(b, pos + b.position());
            if (r < 0) {
                throw new IOException("unexpected end of file");
            }
        }
    }

    private static void closeQuietly(FileChannel ch) {
        try {
            ch.close();
        } catch (IOException ignored) {
            // nothing was written; closing a read-only channel cannot lose data
        }
    }

    @Override
    public void close() {
        closeQuietly(channel);
    }

    public Path path() {
        return path;
    }

    /** The header's {@code __metadata__} (string to string; empty when absent). */
    public Map<String, String> metadata() {
        return metadata;
    }

    /** Every tensor in header order. */
    public Map<String, Tensor> tensors() {
        return tensors;
    }

    public boolean has(String name) {
        return tensors.containsKey(name);
    }

    /** The entry of a tensor (null when absent). */
    public Tensor tensor(String name) {
        return tensors.get(name);
    }

    /** Bytes of the data section (after the header). */
    public long dataLength() {
        return dataLength;
    }

    /** The tensor's bytes, memory-mapped, little-endian. */
    public ByteBuffer bytes(Tensor t) throws ModelException {
        long len = t.end() - t.begin();
        if (len > Integer.MAX_VALUE) {
            throw new ModelException("tensor '" + t.name() + "' has " + len + " bytes; vitgen reads tensors up to 2 GiB");
        }
        if (len == 0) {
            return ByteBuffer.allocate(0).order(ByteOrder.LITTLE_ENDIAN);
        }
        try {
            if (len <= SMALL_TENSOR_BYTES) {
                // a mapping costs a system call and lives until the next GC: small tensors are read
                ByteBuffer b = ByteBuffer.allocate((int) len);
                readFully(channel, b, dataStart + t.begin());
                return b.flip().order(ByteOrder.LITTLE_ENDIAN);
            }
            return channel.map(FileChannel.MapMode.READ_ONLY, dataStart + t.begin(), len).order(ByteOrder.LITTLE_ENDIAN);
        } catch (IOException e) {
            throw new ModelException("tensor '" + t.name() + "': cannot read its data: " + e.getMessage());
        }
    }

    /** A float tensor (F16, BF16, F32 or F64) as float values; F64 rounds to nearest float. */
    public float[] floats(Tensor t) throws ModelException {
        requireFloat(t);
        ByteBuffer b = bytes(t);
        int n = (int) t.numel();
        float[] out = new float[n];
        switch (t.dtype()) {
            case F32 -> b.asFloatBuffer().get(out);
            case F64 -> {
                for (int i = 0; i < n; i++) {
                    out[i] = (float) b.getDouble(8 * i);
                }
            }
            case F16 -> {
                for (int i = 0; i < n; i++) {
                    out[i] = halfToFloat(b.getShort(2 * i));
                }
            }
            case BF16 -> {
                for (int i = 0; i < n; i++) {
                    out[i] = Float.intBitsToFloat((b.getShort(2 * i) & 0xffff) << 16);
                }
            }
            default -> throw new IllegalStateException("not a float dtype: " + t.dtype());
        }
        return out;
    }

    /** A float tensor as double values (exact for every float dtype). */
    public double[] doubles(Tensor t) throws ModelException {
        requireFloat(t);
        if (t.dtype() == DType.F64) {
            ByteBuffer b = bytes(t);
            double[] out = new double[(int) t.numel()];
            b.asDoubleBuffer().get(out);
            return out;
        }
        float[] f = floats(t);
        double[] out = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            out[i] = f[i];
        }
        return out;
    }

    /** An integer tensor (I8, U8, I16, I32, I64) as long values. */
    public long[] integers(Tensor t) throws ModelException {
        if (!t.dtype().isSignedInt()) {
            throw new ModelException("tensor '" + t.name() + "' has dtype " + t.dtype()
                    + "; an integer tensor (I8, U8, I16, I32 or I64) is expected");
        }
        ByteBuffer b = bytes(t);
        int n = (int) t.numel();
        long[] out = new long[n];
        for (int i = 0; i < n; i++) {
            out[i] = switch (t.dtype()) {
                case I8 -> b.get(i);
                case U8 -> b.get(i) & 0xff;
                case I16 -> b.getShort(2 * i);
                case I32 -> b.getInt(4 * i);
                case I64 -> b.getLong(8 * i);
                default -> throw new IllegalStateException();
            };
        }
        return out;
    }

    /**
     * Index of the first NaN or infinite element of a float tensor, or -1; streams over the mapped
     * data without copying it.
     */
    public long firstNonFinite(Tensor t) throws ModelException {
        requireFloat(t);
        ByteBuffer b = bytes(t);
        int n = (int) t.numel();
        switch (t.dtype()) {
            case F32 -> {
                java.nio.FloatBuffer f = b.asFloatBuffer();
                for (int i = 0; i < n; i++) {
                    if (!Float.isFinite(f.get(i))) {
                        return i;
                    }
                }
            }
            case F64 -> {
                java.nio.DoubleBuffer d = b.asDoubleBuffer();
                for (int i = 0; i < n; i++) {
                    if (!Double.isFinite(d.get(i))) {
                        return i;
                    }
                }
            }
            default -> {
                // F16: exponent bits 0x7c00 all set; BF16: 0x7f80
                int mask = t.dtype() == DType.F16 ? 0x7c00 : 0x7f80;
                java.nio.ShortBuffer h = b.asShortBuffer();
                for (int i = 0; i < n; i++) {
                    if ((h.get(i) & mask) == mask) {
                        return i;
                    }
                }
            }
        }
        return -1;
    }

    private static void requireFloat(Tensor t) throws ModelException {
        if (!t.dtype().isFloat()) {
            throw new ModelException("tensor '" + t.name() + "' has dtype " + t.dtype()
                    + "; a float tensor (F16, BF16, F32 or F64) is expected");
        }
    }

    /** IEEE 754 binary16 to float (exact). */
    static float halfToFloat(short h) {
        int bits = h & 0xffff;
        int sign = (bits & 0x8000) << 16;
        int exp = (bits >> 10) & 0x1f;
        int mant = bits & 0x3ff;
        if (exp == 0x1f) {
            return Float.intBitsToFloat(sign | 0x7f800000 | (mant << 13));
        }
        if (exp == 0) {
            float v = mant * 0x1p-24f;
            return sign != 0 ? -v : v;
        }
        return Float.intBitsToFloat(sign | ((exp + 112) << 23) | (mant << 13));
    }

    /** float to binary16, round to nearest even (for writing F16 test checkpoints). */
    static short floatToHalf(float f) {
        int bits = Float.floatToIntBits(f);
        int sign = (bits >>> 16) & 0x8000;
        int exp = ((bits >>> 23) & 0xff) - 127 + 15;
        int mant = bits & 0x7fffff;
        if (((bits >>> 23) & 0xff) == 0xff) {
            return (short) (sign | 0x7c00 | (mant != 0 ? 0x200 : 0));
        }
        if (exp >= 0x1f) {
            return (short) (sign | 0x7c00);
        }
        if (exp <= 0) {
            if (exp < -10) {
                return (short) sign;
            }
            mant |= 0x800000;
            int shift = 14 - exp;
            int q = mant >> shift;
            int rem = mant & ((1 << shift) - 1);
            int half = 1 << (shift - 1);
            if (rem > half || (rem == half && (q & 1) != 0)) {
                q++;
            }
            return (short) (sign | q);
        }
        int q = (exp << 10) | (mant >> 13);
        int rem = mant & 0x1fff;
        if (rem > 0x1000 || (rem == 0x1000 && (q & 1) != 0)) {
            q++;
        }
        return (short) (sign | q);
    }

    /** float to bfloat16, round to nearest even. */
    static short floatToBf16(float f) {
        int bits = Float.floatToIntBits(f);
        if (Float.isNaN(f)) {
            return (short) ((bits >>> 16) | 0x40);
        }
        int lsb = (bits >>> 16) & 1;
        return (short) ((bits + 0x7fff + lsb) >>> 16);
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%s (%d tensors, %d data bytes)", path, tensors.size(), dataLength);
    }
}
