package io.vitgen.compile;

/**
 * A 2-D operand: a space, the byte address of its first element and the byte distance between
 * rows. One 64-bit word: {@code [3:0] space, [7:4] 0, [39:8] address, [63:40] row stride}.
 */
public record Operand(Space space, long addr, long stride) {

    /** Largest byte address (32 bits). */
    public static final long MAX_ADDR = (1L << 32) - 1;
    /** Largest row stride (24 bits). */
    public static final long MAX_STRIDE = (1L << 24) - 1;

    public Operand {
        java.util.Objects.requireNonNull(space, "space");
        if (addr < 0 || addr > MAX_ADDR) {
            throw new IllegalArgumentException("operand address " + addr + " is outside 0.." + MAX_ADDR);
        }
        if (stride < 0 || stride > MAX_STRIDE) {
            throw new IllegalArgumentException("operand row stride " + stride + " is outside 0.." + MAX_STRIDE);
        }
    }

    public static Operand of(Space space, long addr, long stride) {
        return new Operand(space, addr, stride);
    }

    /** The same operand {@code bytes} further on. */
    public Operand plus(long bytes) {
        return new Operand(space, addr + bytes, stride);
    }

    /** The operand's word. */
    public long encode() {
        return space.code() | (addr << 8) | (stride << 40);
    }

    public static Operand decode(long w) {
        if (((w >>> 4) & 0xF) != 0) {
            throw new IllegalArgumentException("operand word " + Long.toHexString(w) + " has reserved bits 7:4 set");
        }
        return new Operand(Space.ofCode((int) (w & 0xF)), (w >>> 8) & MAX_ADDR, w >>> 40);
    }

    @Override
    public String toString() {
        return space + "@" + addr + (stride != 0 ? "/" + stride : "");
    }
}
