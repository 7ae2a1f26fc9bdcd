package io.vitgen.top;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vitgen.emit.Emitter;
import io.vitgen.golden.Seeds;
import io.vitgen.hw.struct.CellDefs;
import io.vitgen.hw.struct.Instance;
import io.vitgen.hw.struct.Netlist;
import io.vitgen.hw.struct.Port;
import io.vitgen.hw.struct.TopBuilder;
import io.vitgen.sim.Beat;
import io.vitgen.sim.BeatChecker;
import io.vitgen.sim.Lint;
import io.vitgen.sim.SimOptions;
import io.vitgen.sim.Simulation;
import io.vitgen.sim.StreamSink;
import io.vitgen.sim.StreamSource;
import io.vitgen.sim.VerilatedModel;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A top printed by the structural builder (skid buffer -> FIFO -> skid buffer, 37-bit stream):
 * lint-clean under {@code verilator --lint-only -Wall} and {@code iverilog -g2005 -Wall}, and every
 * beat out equal to the beat in (the cells' golden model is the identity) under random stalls.
 */
class StructChainCosimTest {
    private static final int W = 37;

    static Netlist chain() {
        TopBuilder b = TopBuilder.module("vitgen_struct_chain")
                .describe("Skid buffer -> FIFO (depth 5) -> skid buffer on one 37-bit AXI4-Stream with tlast:",
                        "the structural builder's co-simulated example.");
        Port aclk = b.input("aclk", 1);
        Port aresetn = b.input("aresetn", 1);
        Instance in = b.instance("u_in_slice", CellDefs.skid(), Map.of("DATA_W", (long) W));
        Instance fifo = b.instance("u_fifo", CellDefs.fifo(), Map.of("DATA_W", (long) W, "DEPTH", 5L));
        Instance out = b.instance("u_out_slice", CellDefs.skid(), Map.of("DATA_W", (long) W));
        b.clockAndReset(aclk, aresetn);
        b.expose(in.axis("s_axis"), "s_axis");
        b.connect(in.axis("m_axis"), fifo.axis("s_axis"));
        b.connect(fifo.axis("m_axis"), out.axis("s_axis"));
        b.expose(out.axis("m_axis"), "m_axis");
        return b.build();
    }

    static List<Path> emit() {
        return Emitter.writeModules(List.of(chain().spec()), Path.of("target", "cosim-rtl", "vitgen_struct_chain"));
    }

    @Test
    void lintsCleanUnderVerilatorAndIcarus() throws Exception {
        List<Path> rtl = emit();
        assertEquals("", Lint.run(rtl, "vitgen_struct_chain", Map.of()), "verilator -Wall must print nothing");
        assertEquals("", icarus(rtl, "vitgen_struct_chain"), "iverilog -g2005 -Wall must print nothing");
    }

    @Test
    void everyBeatPassesUnderRandomStalls() {
        long seed = Seeds.of("StructChainCosimTest", 0x57C7_0001L);
        VerilatedModel model = VerilatedModel.build(emit(), "vitgen_struct_chain", Map.of());
        assertEquals(W, model.port("m_axis_tdata").width());
        Random rnd = new Random(seed);
        List<Beat> sent = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            sent.add(Beat.of(new BigInteger(W, rnd), rnd.nextInt(7) == 0));
        }
        try (Simulation sim = model.open(seed, SimOptions.randomInitialState())) {
            StreamSource src = sim.source("s_axis");
            StreamSink sink = sim.sink("m_axis");
            sim.reset(3);
            List<Beat> got = new ArrayList<>();
            for (int at = 0; at < sent.size(); at += 5_000) {
                src.setValidPermille(100 + rnd.nextInt(901));
                sink.setReadyPermille(100 + rnd.nextInt(901));
                src.pushAll(sent.subList(at, at + 5_000));
                sim.runUntilSinksHave(5_000, 200_000);
                got.addAll(sink.take());
            }
            BeatChecker.assertBeats(sim, sink, sent, got);
            // full rate: latency 1 + 2 + 1 cycles, then one beat per cycle
            src.setValidPermille(1000);
            sink.setReadyPermille(1000);
            List<Beat> burst = sent.subList(0, 500);
            long start = sim.cycle();
            src.pushAll(burst);
            sim.runUntilSinksHave(burst.size(), 5_000);
            List<Beat> out = sink.take();
            BeatChecker.assertBeats(sim, sink, burst, out);
            assertEquals(start + 4 + burst.size() - 1, out.get(out.size() - 1).cycle(), "full throughput, seed " + seed);
        }
    }

    /** {@code iverilog -g2005 -Wall}: what it printed, or the empty string. */
    static String icarus(List<Path> files, String top) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("iverilog", "-g2005", "-Wall", "-s", top, "-o",
                Path.of("target", top + ".vvp").toString()));
        files.forEach(f -> cmd.add(f.toString()));
        Process p;
        try {
            p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new IOException("cannot run iverilog (" + e.getMessage() + "); install it with apt-get install -y iverilog", e);
        }
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("iverilog timed out");
        }
        if (p.exitValue() != 0 && text.isBlank()) {
            text = "iverilog exited with " + p.exitValue();
        }
        return text.strip();
    }
}
