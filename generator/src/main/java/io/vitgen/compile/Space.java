package io.vitgen.compile;

/**
 * Address spaces a command operand names: external memory and the on-chip buffers. What each
 * buffer holds in a layer is the compiler's choice (docs/top.md); the command set only knows
 * spaces, byte addresses and row strides.
 */
public enum Space {
    /** External memory behind the AXI4 master (the memory image). */
    DRAM,
    /** int8 activations: LayerNorm outputs, attention context. */
    ACT,
    /** int16 residual stream. */
    RES,
    /** int8 q, k, v of all heads. */
    QKV,
    /** int8 weights, two slots. */
    WGT,
    /** attention scores and probabilities of a row block, two slots. */
    ATT,
    /** int8 MLP hidden activations (FC1 out, GELU out). */
    HID,
    /** per-channel constant tables (biases, dyadic scales). */
    CONST;

    /** The 4-bit code of the space in an operand word. */
    public int code() {
        return ordinal();
    }

    static Space ofCode(int code) {
        if (code < 0 || code >= values().length) {
            throw new IllegalArgumentException("unknown address space " + code);
        }
        return values()[code];
    }
}
