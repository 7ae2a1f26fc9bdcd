package io.vitgen.golden;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** i-exp and i-GELU known answers; values from an independent Python restatement of docs/arithmetic.md section 7. */
class PolyTest {

    @Test
    void iexpKnownAnswers() {
        PolyExp.Constants k = PolyExp.Constants.of(0.01);
        assertEquals(-70, k.x0());
        assertEquals(270, k.b());
        assertEquals(27921, k.c());
        long[][] known = {{0, 29979945467904L}, {-1, 29691108917248L}, {-69, 15088220110848L},
            {-70, 14989972733952L}, {-71, 14845554458624L}, {-500, 212407943168L}, {-2100, 27921},
            {-5000, 27921}};
        for (long[] kv : known) {
            assertEquals(kv[1], PolyExp.apply(kv[0], k), "d=" + kv[0]);
        }
        assertThrows(IllegalArgumentException.class, () -> PolyExp.apply(1, k));
        assertThrows(IllegalArgumentException.class, () -> PolyExp.Constants.of(0.0));
        assertThrows(IllegalArgumentException.class, () -> PolyExp.Constants.of(1e-6)); // c ~ 2.8e12 >= 2^31
    }

    @Test
    void igeluKnownAnswers() {
        PolyGelu.Constants k = PolyGelu.Constants.of(0.002);
        assertEquals(-1251, k.b());
        assertEquals(-1731269, k.c());
        assertEquals(-106, k.one());
        long[][] known = {{0, 0}, {1, -117}, {-1, 96}, {500, -89000}, {-500, 17500}, {1000, -208000},
            {-1000, 5000}, {2000, -424000}, {-2000, 2000}, {5000, -1060000}, {32767, -6946604},
            {-32768, 32768}};
        for (long[] kv : known) {
            assertEquals(kv[1], PolyGelu.apply(kv[0], k), "x=" + kv[0]);
        }
        // S = 0.05 leaves floor(1/S_e) = -1: no sigmoid resolution, rejected.
        assertThrows(IllegalArgumentException.class, () -> PolyGelu.Constants.of(0.05));
        assertThrows(IllegalArgumentException.class, () -> PolyGelu.Constants.of(-1));
    }
}
