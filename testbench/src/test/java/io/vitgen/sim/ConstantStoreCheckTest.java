package io.vitgen.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

/**
 * The build's check for Verilator 5.006's truncated wide constant stores (docs/mac.md, "Channel
 * beat"), on the C++ lines that Verilator wrote for the GEMM unit of a 32-column top before the
 * engine held its channel beat per column, and on stores that are complete.
 */
class ConstantStoreCheckTest {

    @Test
    void aStoreStoppingShortOfTheTopWordIsFound() {
        // 2,240 bits = 70 words; the constant's highest set bit is 2202, so 5 words from word 64
        String cpp = "        VL_CONSTHI_W_5X(2240,2048,vlSelf->gemm_unit_tb__DOT__u_unit__DOT__u_engine__DOT__chan_q,"
                + "0x04000000,0x00000000,0x00100000,0x00000000,0x00004000);\n"
                + "        VL_CONSTLO_W_8X(1792,vlSelf->chan_q,0,0,0,0,0,0,0,0);\n";
        assertEquals("a 2240-bit constant store to vlSelf->gemm_unit_tb__DOT__u_unit__DOT__u_engine__DOT__chan_q writes"
                + " words 64..68 of 70", VerilatedModel.truncatedConstantStore(cpp));
    }

    @Test
    void completeStoresPass() {
        // the top word written (6 words from word 64 of 70), and a store with no upper part at all
        assertNull(VerilatedModel.truncatedConstantStore(
                "VL_CONSTHI_W_6X(2240,2048,vlSelf->q,0x1,0x0,0x0,0x0,0x0,0x0);\nVL_CONST_W_3X(70,vlSelf->c,0x0,0x1,0x0);\n"));
        assertNull(VerilatedModel.truncatedConstantStore("VL_CONSTHI_W_1X(2080,2048,vlSelf->q,0x1);"));
    }
}
