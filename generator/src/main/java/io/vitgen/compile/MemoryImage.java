package io.vitgen.compile;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The accelerator's external memory as the compiler lays it out: a byte array (little-endian
 * integers) and a map of named regions - where every weight, constant table, input, output and the
 * command stream itself lands (docs/commands.md, "Memory image").
 */
public final class MemoryImage {

    /** Regions start at multiples of this (an AXI burst of 64 bytes). */
    public static final int ALIGN = 64;

    /**
     * A named 2-D region: {@code rows} rows of {@code cols} elements of {@code elemBytes} bytes,
     * rows {@code stride} bytes apart.
     */
    public record Region(String name, long addr, int rows, int cols, int elemBytes, long stride) {
        public long bytes() {
            return (rows - 1) * stride + (long) cols * elemBytes;
        }

        public Operand operand() {
            return Operand.of(Space.DRAM, addr, stride);
        }
    }

    private final Map<String, Region> regions = new LinkedHashMap<>();
    private byte[] bytes = new byte[0];
    private long size;

    /** Reserves a dense region (stride = cols * elemBytes) at the next aligned address. */
    public Region allocate(String name, int rows, int cols, int elemBytes) {
        if (regions.containsKey(name)) {
            throw new IllegalArgumentException("memory region " + name + " allocated twice");
        }
        long addr = (size + ALIGN - 1) / ALIGN * ALIGN;
        Region r = new Region(name, addr, rows, cols, elemBytes, (long) cols * elemBytes);
        long end = addr + r.bytes();
        if (end > Operand.MAX_ADDR) {
            throw new IllegalArgumentException("memory image exceeds 4 GiB at region " + name);
        }
        size = end;
        regions.put(name, r);
        ensure(end);
        return r;
    }

    private void ensure(long end) {
        if (end > bytes.length) {
            bytes = java.util.Arrays.copyOf(bytes, (int) Math.max(end, Math.min(Integer.MAX_VALUE - 8, bytes.length * 2L)));
        }
    }

    public Region region(String name) {
        Region r = regions.get(name);
        if (r == null) {
            throw new IllegalArgumentException("no memory region " + name);
        }
        return r;
    }

    /** Every region in address order. */
    public Map<String, Region> regions() {
        return Collections.unmodifiableMap(regions);
    }

    /** Size in bytes (the end of the last region). */
    public long size() {
        return size;
    }

    /** A copy of the image's bytes, exactly {@link #size()} long. */
    public byte[] toBytes() {
        return java.util.Arrays.copyOf(bytes, (int) size);
    }

    /** Writes a matrix into a region, each value checked to fit the element width (signed). */
    public void write(Region r, long[][] values) {
        if (values.length != r.rows()) {
            throw new IllegalArgumentException(r.name() + ": " + values.length + " rows, expected " + r.rows());
        }
        for (int i = 0; i < r.rows(); i++) {
            if (values[i].length != r.cols()) {
                throw new IllegalArgumentException(r.name() + " row " + i + ": " + values[i].length + " values, expected "
                        + r.cols());
            }
            for (int j = 0; j < r.cols(); j++) {
                put(bytes, r.addr() + i * r.stride() + (long) j * r.elemBytes(), r.elemBytes(), values[i][j],
                        r.name() + "[" + i + "][" + j + "]");
            }
        }
    }

    /** Writes raw bytes at a region's start. */
    public void writeBytes(Region r, byte[] data) {
        if (data.length > r.bytes()) {
            throw new IllegalArgumentException(r.name() + ": " + data.length + " bytes do not fit " + r.bytes());
        }
        System.arraycopy(data, 0, bytes, (int) r.addr(), data.length);
    }

    /** Reads a region of a memory snapshot as signed integers. */
    public static long[][] read(byte[] mem, Region r) {
        long[][] out = new long[r.rows()][r.cols()];
        for (int i = 0; i < r.rows(); i++) {
            for (int j = 0; j < r.cols(); j++) {
                out[i][j] = get(mem, r.addr() + i * r.stride() + (long) j * r.elemBytes(), r.elemBytes());
            }
        }
        return out;
    }

    /** Stores {@code value} little-endian in {@code n} bytes; it must fit n bytes signed. */
    static void put(byte[] mem, long addr, int n, long value, String what) {
        if (n < 8) {
            long lim = 1L << (8 * n - 1);
            if (value < -lim || value >= lim) {
                throw new IllegalArgumentException(what + " = " + value + " does not fit " + (8 * n) + " signed bits");
            }
        }
        for (int b = 0; b < n; b++) {
            mem[(int) (addr + b)] = (byte) (value >>> (8 * b));
        }
    }

    /** Reads {@code n} bytes little-endian, sign-extended. */
    static long get(byte[] mem, long addr, int n) {
        long v = 0;
        for (int b = n - 1; b >= 0; b--) {
            v = (v << 8) | (mem[(int) (addr + b)] & 0xFF);
        }
        int shift = 64 - 8 * n;
        return (v << shift) >> shift;
    }
}
