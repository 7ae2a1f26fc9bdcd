package io.vitgen.compile;

/**
 * The command queues of the accelerator, one per unit; each executes its commands in order, one
 * at a time, and synchronises with the others only through dependency tokens. The bit index is
 * the unit's bit in a command's wait and signal masks (docs/commands.md).
 */
public enum Unit {
    /** DMA memory -> on-chip buffers. */
    LOAD,
    /** DMA on-chip buffers -> memory. */
    STORE,
    /** The GEMM engine with its requantization / residual epilogue. */
    GEMM,
    /** The softmax unit (and attention x V by shifts for the log2 variant). */
    SOFTMAX,
    /** The LayerNorm unit. */
    LNORM,
    /** The GELU unit. */
    GELU;

    /** The unit's bit in a wait or signal mask. */
    public int bit() {
        return 1 << ordinal();
    }
}
