package io.vitgen.axi;

import io.vitgen.hw.axi.RegisterMap;

class AxilRegsCosimTest {

    /** A map with every access type, widths 1..32 and a gap of unmapped addresses. */
    static RegisterMap testMap(String module) {
        return RegisterMap.builder(module)
                .interruptSources(3)
                .w1s("CONTROL", 0x10, 2, 0, "bit 0 start, bit 1 abort; cleared by the hardware")
                .rw("CMD_ADDR_LO", 0x14, 32, 0x1234_5678L, "command stream address, low word")
                .rw("CMD_ADDR_HI", 0x18, 32, 0, "command stream address, high word")
                .rw("MODE", 0x1C, 5, 0x15, "a 5-bit field")
                .ro("STATUS", 0x20, 8, "busy flags")
                .w1c("ERRORS", 0x24, 16, 0, "sticky error flags")
                .ro("CYCLES", 0x30, 32, "cycle counter")
                .constant("VERSION", 0x3C, 12, 0xABC, "a constant")
                .build();
    }
}
