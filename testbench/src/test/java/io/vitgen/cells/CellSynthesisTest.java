package io.vitgen.cells;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.vitgen.emit.Emitter;
import io.vitgen.emit.Resources;
import io.vitgen.emit.Synthesis;
import io.vitgen.hw.Cells;

/** Yosys maps the stream cells (it must be installed: the test command installs it). */
class CellSynthesisTest {

    @Test
    void skidBufferMapsToRegistersAndNoDsp() throws Exception {
        assertTrue(Synthesis.available(), "yosys is not on the PATH: apt-get install -y yosys");
        List<Path> rtl = Emitter.writeModules(List.of(Cells.skidBuffer()), Path.of("target", "synth-rtl"));
        Resources r = Synthesis.run(rtl, "vitgen_axis_skid", Map.of("DATA_W", 32L));
        System.out.println(r);
        // two 33-bit registers (data + last) and two valid flags
        assertEquals(2 * 33 + 2, r.flipFlops(), r.toString());
        assertEquals(0, r.dsps());
        assertTrue(r.luts() > 0 && r.luts() <= 40, r.toString());
    }
}
