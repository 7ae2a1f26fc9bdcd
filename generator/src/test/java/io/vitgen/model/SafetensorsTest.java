package io.vitgen.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.vitgen.model.Safetensors.DType;

class SafetensorsTest {

    @TempDir
    Path dir;

    @Test
    void writesAndReadsEveryDtype() throws Exception {
        float[] f = {0f, 1.5f, -2.25f, 65504f, 1e-7f, -0.0f, 3.140625f};
        long[] ints = {-128, -1, 0, 1, 127};
        Path p = dir.resolve("a.safetensors");
        new SafetensorsWriter().metadata("format", "pt").metadata("note", "x")
                .floats("f32", DType.F32, new long[] {7}, f)
                .floats("f16", DType.F16, new long[] {7}, f)
                .floats("bf16", DType.BF16, new long[] {1, 7}, f)
                .doubles("f64", new long[] {2}, new double[] {0.1, -1e300})
                .integers("i8", DType.I8, new long[] {5}, ints)
                .integers("i16", DType.I16, new long[] {5}, ints)
                .integers("i32", DType.I32, new long[] {5}, ints)
                .integers("i64", DType.I64, new long[] {5}, ints)
                .integers("empty", DType.I32, new long[] {0, 3}, new long[0])
                .write(p);
        byte[] all = Files.readAllBytes(p);
        long n = ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertEquals(0, n % 8, "header padded to 8 bytes");
        try (Safetensors st = Safetensors.open(p)) {
            assertEquals("x", st.metadata().get("note"));
            assertArrayEquals(f, st.floats(st.tensor("f32")));
            // binary16: 1e-7 is subnormal there (nearest 2^-24 multiple), every other value is exact
            float[] h = st.floats(st.tensor("f16"));
            assertEquals(1.5f, h[1]);
            assertEquals(65504f, h[3]);
            assertEquals(Math.rint(1e-7 / 0x1p-24) * 0x1p-24, h[4], 0.0);
            assertEquals(3.140625f, h[6]);
            float[] b = st.floats(st.tensor("bf16"));
            assertEquals(-2.25f, b[2]);
            assertEquals(3.140625f, b[6]);
            assertArrayEquals(new double[] {0.1, -1e300}, st.doubles(st.tensor("f64")));
            for (String name : List.of("i8", "i16", "i32", "i64")) {
                assertArrayEquals(ints, st.integers(st.tensor(name)), name);
            }
            assertEquals(0, st.integers(st.tensor("empty")).length);
            assertThrows(ModelException.class, () -> st.floats(st.tensor("i8")));
            assertThrows(ModelException.class, () -> st.integers(st.tensor("f32")));
        }
    }

    @Test
    void halfConversionIsExactBothWays() {
        for (int bits = 0; bits < 0x10000; bits++) {
            float v = Safetensors.halfToFloat((short) bits);
            if (Float.isNaN(v)) {
                continue;
            }
            assertEquals((short) bits, Safetensors.floatToHalf(v), "half " + Integer.toHexString(bits));
        }
    }

    /** Writes raw header bytes after a given declared length. */
    private Path raw(String name, long declared, String json, int dataBytes) throws Exception {
        byte[] h = json.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(declared).put(h);
        Path p = dir.resolve(name);
        Files.write(p, b.array());
        return p;
    }

    private static String problems(Path p) {
        ModelException e = assertThrows(ModelException.class, () -> Safetensors.open(p).close());
        return String.join("\n", e.problems());
    }

    @Test
    void badFilesGetClearMessages() throws Exception {
        Path tiny = dir.resolve("tiny");
        Files.write(tiny, new byte[] {1, 2, 3});
        assertTrue(problems(tiny).contains("truncated: 3 bytes"), problems(tiny));

        String ok = "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}";
        assertTrue(problems(raw("beyond", 1000, ok, 8)).contains("header length 1000 bytes goes beyond the end"));
        assertTrue(problems(raw("neg", -5, ok, 8)).contains("goes beyond the end"));
        String json = "{\"a\":{\"dtype\":\"F32\",";
        assertTrue(problems(raw("malformed", json.length(), json, 0)).contains("malformed JSON header"));
        assertTrue(problems(raw("array", 2, "[]", 0)).contains("not an object"));
        String trailing = "{} {}";
        assertTrue(problems(raw("trailing", trailing.length(), trailing, 0)).contains("malformed JSON header"));
        String off = "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[8,16]}}";
        String m = problems(raw("outside", off.length(), off, 8));
        assertTrue(m.contains("tensor 'b': data_offsets [8, 16] lie outside the data (8 bytes"), m);
        String ov = "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}";
        m = problems(raw("overlap", ov.length(), ov, 12));
        assertTrue(m.contains("tensor 'b' (data bytes 4..12) overlaps tensor 'a'"), m);
        String dt = "{\"a\":{\"dtype\":\"F12\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"b\":{\"dtype\":\"I32\",\"shape\":[3],\"data_offsets\":[8,16]},"
                + "\"__metadata__\":{\"k\":5}}";
        m = problems(raw("dtype", dt.length(), dt, 16));
        assertTrue(m.contains("tensor 'a': unknown dtype 'F12'"), m);
        assertTrue(m.contains("tensor 'b': shape [3] of I32 needs 12 bytes but data_offsets give 8"), m);
        assertTrue(m.contains("__metadata__ key 'k' must be a string"), m);
        String dup = "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                + "\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}";
        assertTrue(problems(raw("dup", dup.length(), dup, 4)).contains("malformed JSON header"));
        String neg = "{\"a\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,4]}}";
        assertTrue(problems(raw("negshape", neg.length(), neg, 4)).contains("not a non-negative integer"));
        String huge = "{\"a\":{\"dtype\":\"F32\",\"shape\":[4611686018427387904, 4],\"data_offsets\":[0,4]}}";
        assertTrue(problems(raw("hugeshape", huge.length(), huge, 4)).contains("more elements than a file can hold"));
    }

    @Test
    void headerLargerThanTheLimitIsRefusedWithoutReadingIt() throws Exception {
        Path p = dir.resolve("huge");
        try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(p,
                java.nio.file.StandardOpenOption.CREATE_NEW, java.nio.file.StandardOpenOption.WRITE)) {
            ByteBuffer b = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(200_000_000L);
            b.flip();
            ch.write(b);
            ch.write(ByteBuffer.wrap(new byte[] {' '}), 200_000_007L); // sparse file of 200 MB
        }
        String m = problems(p);
        assertTrue(m.contains("JSON header of 200000000 bytes is larger than the 100000000-byte limit"), m);
    }

    @Test
    void nonFiniteValuesAreFoundByStreaming() throws Exception {
        Path p = dir.resolve("nan.safetensors");
        new SafetensorsWriter().floats("a", DType.BF16, new long[] {3}, new float[] {1, Float.NaN, 2})
                .floats("b", DType.F16, new long[] {2}, new float[] {1, Float.POSITIVE_INFINITY})
                .floats("c", DType.F32, new long[] {2}, new float[] {1, 2}).write(p);
        try (Safetensors st = Safetensors.open(p)) {
            assertEquals(1, st.firstNonFinite(st.tensor("a")));
            assertEquals(1, st.firstNonFinite(st.tensor("b")));
            assertEquals(-1, st.firstNonFinite(st.tensor("c")));
        }
    }
}
