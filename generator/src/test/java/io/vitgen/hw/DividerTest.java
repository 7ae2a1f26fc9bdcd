package io.vitgen.hw;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** QUOTIENT_W derivation and latency of the shared divider. */
class DividerTest {

    @Test
    void quotientWidthHoldsTheLargestBound() {
        assertEquals(25, Divider.quotientWidth(40, (1L << 25) - 1, 65535, 2_000_000));
        assertEquals(26, Divider.quotientWidth(40, 1L << 25));
        assertEquals(16, Divider.quotientWidth(40, 65535));
        assertEquals(2, Divider.quotientWidth(31, 0, 1));
        assertEquals(31, Divider.quotientWidth(31, Long.MAX_VALUE));    // never above DIVIDEND_W
        assertEquals(63, Divider.quotientWidth(64, Long.MAX_VALUE));
    }

    @Test
    void latencyIsQuotientBitsPlusOne() {
        assertEquals(32, Divider.latency(31));
        assertEquals(26, Divider.latency(25));
    }

    @Test
    void rejectsBadArguments() {
        assertThrows(IllegalArgumentException.class, () -> Divider.quotientWidth(1, 1));
        assertThrows(IllegalArgumentException.class, () -> Divider.quotientWidth(65, 1));
        assertThrows(IllegalArgumentException.class, () -> Divider.quotientWidth(40, -1));
    }
}
