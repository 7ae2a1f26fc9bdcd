package io.vitgen.sim;

import java.math.BigInteger;
import java.util.Arrays;

/**
 * Little-endian byte buffer for protocol frames (docs/cosim.md, "Protocol"). A frame is
 * {@code u32 length | u8 op | payload}; {@link #frame()} fills in the length.
 */
final class Wire {
    static final int VERSION = 2;
    static final int OP_HELLO = 1;
    static final int OP_POKE = 2;
    static final int OP_PEEK = 3;
    static final int OP_RESET = 4;
    static final int OP_SOURCE = 5;
    static final int OP_SINK = 6;
    static final int OP_PUSH = 7;
    static final int OP_RUN = 8;
    static final int OP_QUIT = 9;
    static final int ST_OK = 0;
    static final int ST_ERROR = 1;
    static final int ST_TIMEOUT = 2;
    static final int NO_PORT = 0xFFFF;

    private byte[] buf;
    private int size;

    Wire(int op) {
        buf = new byte[64];
        size = 4;
        u8(op);
    }

    private void ensure(int extra) {
        if (size + extra > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + extra));
        }
    }

    Wire u8(int v) {
        ensure(1);
        buf[size++] = (byte) v;
        return this;
    }

    Wire u16(int v) {
        ensure(2);
        buf[size++] = (byte) v;
        buf[size++] = (byte) (v >>> 8);
        return this;
    }

    Wire u32(int v) {
        ensure(4);
        buf[size++] = (byte) v;
        buf[size++] = (byte) (v >>> 8);
        buf[size++] = (byte) (v >>> 16);
        buf[size++] = (byte) (v >>> 24);
        return this;
    }

    Wire u64(long v) {
        u32((int) v);
        return u32((int) (v >>> 32));
    }

    /** {@code n} 32-bit words of a value given as 64-bit words (missing words are zero). */
    Wire words(long[] words64, int n) {
        ensure(4 * n);
        for (int i = 0; i < n; i++) {
            int w64 = i >>> 1;
            long w = w64 < words64.length ? words64[w64] : 0L;
            u32((int) (w >>> (32 * (i & 1))));
        }
        return this;
    }

    /** Raw bytes (AXI memory loads). */
    Wire bytes(byte[] data, int off, int len) {
        ensure(len);
        System.arraycopy(data, off, buf, size, len);
        size += len;
        return this;
    }

    /** A string as u16 length and UTF-8 bytes. */
    Wire str(String s) {
        byte[] b = s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        u16(b.length);
        return bytes(b, 0, b.length);
    }

    /** The complete frame with its length prefix. */
    byte[] frame() {
        int len = size - 4;
        buf[0] = (byte) len;
        buf[1] = (byte) (len >>> 8);
        buf[2] = (byte) (len >>> 16);
        buf[3] = (byte) (len >>> 24);
        return Arrays.copyOf(buf, size);
    }

    /** A non-negative value masked to {@code width} bits, as 64-bit little-endian words. */
    static long[] toWords(BigInteger value, int width) {
        BigInteger v = value.and(BigInteger.ONE.shiftLeft(width).subtract(BigInteger.ONE));
        long[] out = new long[(width + 63) / 64];
        for (int i = 0; i < out.length; i++) {
            out[i] = v.shiftRight(64 * i).longValue();
        }
        return out;
    }

    static BigInteger toBigInteger(long[] words) {
        byte[] be = new byte[words.length * 8 + 1];
        for (int i = 0; i < words.length; i++) {
            long w = words[i];
            for (int b = 0; b < 8; b++) {
                be[be.length - 1 - (8 * i + b)] = (byte) (w >>> (8 * b));
            }
        }
        return new BigInteger(be);
    }

    /** Reads little-endian fields from a response payload. */
    static final class In {
        private final byte[] b;
        private int at;

        In(byte[] b, int at) {
            this.b = b;
            this.at = at;
        }

        int u8() {
            return b[at++] & 0xFF;
        }

        int u16() {
            int v = (b[at] & 0xFF) | (b[at + 1] & 0xFF) << 8;
            at += 2;
            return v;
        }

        int u32() {
            int v = (b[at] & 0xFF) | (b[at + 1] & 0xFF) << 8 | (b[at + 2] & 0xFF) << 16 | (b[at + 3] & 0xFF) << 24;
            at += 4;
            return v;
        }

        long u64() {
            long lo = u32() & 0xFFFFFFFFL;
            long hi = u32() & 0xFFFFFFFFL;
            return lo | hi << 32;
        }

        /** {@code n} 32-bit words into 64-bit words. */
        long[] words(int n) {
            long[] out = new long[(n + 1) / 2];
            for (int i = 0; i < n; i++) {
                long w = u32() & 0xFFFFFFFFL;
                out[i >>> 1] |= w << (32 * (i & 1));
            }
            return out;
        }

        In copy() {
            return new In(b, at);
        }

        void skip(int n) {
            at += n;
        }

        byte[] bytes(int n) {
            byte[] out = Arrays.copyOfRange(b, at, at + n);
            at += n;
            return out;
        }

        String string(int len) {
            String s = new String(b, at, len, java.nio.charset.StandardCharsets.UTF_8);
            at += len;
            return s;
        }
    }
}
