package io.vitgen.axi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.vitgen.sim.AxiMemory;
import io.vitgen.sim.SimOptions;
import io.vitgen.sim.Simulation;
import io.vitgen.sim.SimulationException;
import io.vitgen.sim.VerilatedModel;

/**
 * The harness's AXI memory model itself, driven through a pass-through master whose AXI outputs
 * are inputs the test pokes: read responses out of order across IDs (in order within an ID, never
 * interleaved, data from memory), and each protocol check ending the run with the cycle and the
 * channel - 4 KB crossing, VALID dropped before READY, payload changed while stalled, WLAST on the
 * wrong beat, WSTRB outside the active lanes, VALID high during reset.
 */
class AxiMemoryModelTest {

    private static final String PROBE = """
            `timescale 1ns / 1ps
            `default_nettype none
            // Test-only AXI4 master: every output is an input the test pokes.
            module axi_probe (
                input  wire        aclk,
                input  wire        aresetn,
                input  wire [3:0]  ar_id, input wire [31:0] ar_addr, input wire [7:0] ar_len,
                input  wire [2:0]  ar_size, input wire [1:0] ar_burst, input wire ar_valid, input wire r_ready,
                input  wire [3:0]  aw_id, input wire [31:0] aw_addr, input wire [7:0] aw_len,
                input  wire [2:0]  aw_size, input wire [1:0] aw_burst, input wire aw_valid,
                input  wire [63:0] w_data, input wire [7:0] w_strb, input wire w_last, input wire w_valid,
                input  wire        b_ready,
                output wire [3:0]  m_axi_p_arid, output wire [31:0] m_axi_p_araddr, output wire [7:0] m_axi_p_arlen,
                output wire [2:0]  m_axi_p_arsize, output wire [1:0] m_axi_p_arburst, output wire m_axi_p_arvalid,
                input  wire        m_axi_p_arready,
                input  wire [3:0]  m_axi_p_rid, input wire [63:0] m_axi_p_rdata, input wire [1:0] m_axi_p_rresp,
                input  wire        m_axi_p_rlast, input wire m_axi_p_rvalid, output wire m_axi_p_rready,
                output wire [3:0]  m_axi_p_awid, output wire [31:0] m_axi_p_awaddr, output wire [7:0] m_axi_p_awlen,
                output wire [2:0]  m_axi_p_awsize, output wire [1:0] m_axi_p_awburst, output wire m_axi_p_awvalid,
                input  wire        m_axi_p_awready,
                output wire [63:0] m_axi_p_wdata, output wire [7:0] m_axi_p_wstrb, output wire m_axi_p_wlast,
                output wire        m_axi_p_wvalid, input wire m_axi_p_wready,
                input  wire [3:0]  m_axi_p_bid, input wire [1:0] m_axi_p_bresp, input wire m_axi_p_bvalid,
                output wire        m_axi_p_bready
            );
                assign m_axi_p_arid = ar_id;   assign m_axi_p_araddr = ar_addr; assign m_axi_p_arlen = ar_len;
                assign m_axi_p_arsize = ar_size; assign m_axi_p_arburst = ar_burst; assign m_axi_p_arvalid = ar_valid;
                assign m_axi_p_rready = r_ready;
                assign m_axi_p_awid = aw_id;   assign m_axi_p_awaddr = aw_addr; assign m_axi_p_awlen = aw_len;
                assign m_axi_p_awsize = aw_size; assign m_axi_p_awburst = aw_burst; assign m_axi_p_awvalid = aw_valid;
                assign m_axi_p_wdata = w_data; assign m_axi_p_wstrb = w_strb; assign m_axi_p_wlast = w_last;
                assign m_axi_p_wvalid = w_valid; assign m_axi_p_bready = b_ready;
            endmodule
            `default_nettype wire
            """;

    private static VerilatedModel probe;

    @BeforeAll
    static void build() {
        try {
            Path dir = Files.createDirectories(Path.of("target", "cosim-rtl", "axi-probe"));
            Path f = dir.resolve("axi_probe.v");
            if (!Files.exists(f) || !Files.readString(f).equals(PROBE)) {
                Files.writeString(f, PROBE);
            }
            probe = VerilatedModel.build(List.of(f), "axi_probe");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static AxiMemory lastMemory;

    private static Simulation open(long seed, AxiMemory.Config cfg, Map<String, Long> init) {
        Simulation sim = probe.open(seed, SimOptions.defaults());
        Map<String, Long> v = new HashMap<>(Map.of("ar_size", 3L, "ar_burst", 1L, "aw_size", 3L, "aw_burst", 1L));
        v.putAll(init);
        for (String p : List.of("ar_id", "ar_addr", "ar_len", "ar_size", "ar_burst", "ar_valid", "r_ready", "aw_id",
                "aw_addr", "aw_len", "aw_size", "aw_burst", "aw_valid", "w_data", "w_strb", "w_last", "w_valid",
                "b_ready")) {
            sim.poke(p, v.getOrDefault(p, 0L));
        }
        lastMemory = sim.axiMemory("m_axi_p", cfg);
        sim.reset(2);
        sim.run(1);   // no VALID in the first cycle after reset
        return sim;
    }

    @Test
    void readsReturnOutOfOrderAcrossIdsInOrderWithin() {
        long seed = Long.getLong("vitgen.seed", 0x000_0001L);
        byte[] image = new byte[4096];
        new Random(seed).nextBytes(image);
        try (Simulation sim = open(seed, AxiMemory.Config.random(1, 60, 1000), Map.of())) {
            AxiMemory mem = lastMemory;
            mem.load(0x1000, image);
            // 8 bursts of 4 beats: IDs 0..3, twice each, at distinct addresses.
            List<long[]> issued = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                long addr = 0x1000 + 64L * i;
                sim.poke("ar_id", i % 4);
                sim.poke("ar_addr", addr);
                sim.poke("ar_len", 3);
                sim.poke("ar_valid", 1);
                do {
                    sim.run(1);
                } while (sim.peekLong("m_axi_p_arready") == 0);
                issued.add(new long[] {i % 4, addr});
            }
            sim.poke("ar_valid", 0);
            sim.poke("r_ready", 1);
            List<long[]> beats = new ArrayList<>();   // id, data, last
            for (int c = 0; c < 400 && beats.size() < 32; c++) {
                sim.run(1);
                if (sim.peekLong("m_axi_p_rvalid") == 1) {
                    beats.add(new long[] {sim.peekLong("m_axi_p_rid"), sim.peekLong("m_axi_p_rdata"),
                        sim.peekLong("m_axi_p_rlast")});
                }
            }
            assertEquals(32, beats.size(), "every beat arrives");
            List<Long> burstOrder = new ArrayList<>();
            Map<Long, Integer> nextOfId = new HashMap<>();
            for (int b = 0; b < 8; b++) {
                long id = beats.get(4 * b)[0];
                int k = nextOfId.getOrDefault(id, 0);
                nextOfId.put(id, k + 1);
                long addr = 0x1000 + 64L * (id + 4L * k);   // the k-th burst issued with this ID
                for (int j = 0; j < 4; j++) {
                    long[] beat = beats.get(4 * b + j);
                    assertEquals(id, beat[0], "a burst is not interleaved with another");
                    assertEquals(j == 3 ? 1 : 0, beat[2], "RLAST on the fourth beat");
                    long expect = 0;
                    for (int i = 7; i >= 0; i--) {
                        expect = expect << 8 | (image[(int) (addr - 0x1000 + 8L * j + i)] & 0xFF);
                    }
                    assertEquals(expect, beat[1], "data of ID " + id + " burst " + k + " beat " + j);
                }
                burstOrder.add(id);
            }
            assertTrue(mem.stats().reordered() > 0,
                    "some responses overtake older ones of other IDs: " + burstOrder);
        }
    }

    private static void expectViolation(String what, AxiMemory.Config cfg, Map<String, Long> init,
            Consumer<Simulation> drive, String... words) {
        SimulationException e;
        try (Simulation sim = open(11, cfg, init)) {
            e = assertThrows(SimulationException.class, () -> drive.accept(sim), what);
        }
        String msg = e.getMessage();
        assertTrue(msg.contains("AXI4 protocol violation on m_axi_p") && msg.contains(" in cycle "), what + ": " + msg);
        for (String w : words) {
            assertTrue(msg.contains(w), what + ": the message names '" + w + "': " + msg);
        }
    }

    @Test
    void protocolViolationsEndTheRunWithCycleAndChannel() {
        AxiMemory.Config fast = AxiMemory.Config.fixed(2);
        expectViolation("4 KB crossing", fast, Map.of("ar_addr", 0xFF8L, "ar_len", 1L), s -> {
            s.poke("ar_valid", 1);
            s.run(3);
        }, "AR channel", "4 KB");
        AxiMemory.Config noReady = new AxiMemory.Config(2, 2, 1, 1000, 1, 1000, 1000, false);
        expectViolation("ARVALID dropped", noReady, Map.of("ar_addr", 0x100L), s -> {
            s.poke("ar_valid", 1);
            s.run(4);
            s.poke("ar_valid", 0);
            s.run(2);
        }, "AR channel", "m_axi_p_arvalid dropped");
        expectViolation("AWADDR changed", noReady, Map.of("aw_addr", 0x100L), s -> {
            s.poke("aw_valid", 1);
            s.run(4);
            s.poke("aw_addr", 0x200);
            s.run(2);
        }, "AW channel", "m_axi_p_awaddr changed");
        expectViolation("WLAST early", fast, Map.of("aw_addr", 0x100L, "aw_len", 1L), s -> {
            s.poke("aw_valid", 1);
            s.run(1);
            s.poke("aw_valid", 0);
            s.poke("w_strb", 0xFF);
            s.poke("w_last", 1);
            s.poke("w_valid", 1);
            s.run(4);
        }, "W channel", "m_axi_p_wlast high on beat 1 of a burst of 2");
        expectViolation("WSTRB outside the lanes", fast, Map.of("aw_addr", 0x104L, "aw_size", 2L), s -> {
            s.poke("aw_valid", 1);
            s.run(1);
            s.poke("aw_valid", 0);
            s.poke("w_strb", 0x0F);
            s.poke("w_last", 1);
            s.poke("w_valid", 1);
            s.run(4);
        }, "W channel", "lane 0");
        expectViolation("VALID during reset", fast, Map.of(), s -> {
            s.poke("ar_valid", 1);
            s.reset(3);
        }, "AR channel", "during reset");
    }

    @Test
    void loadAndDumpRoundTrip() {
        byte[] data = new byte[10_000];
        new Random(5).nextBytes(data);
        try (Simulation sim = open(3, AxiMemory.Config.fixed(1), Map.of())) {
            AxiMemory mem = lastMemory;
            mem.load(0xFFFF_F000L - 77, data);
            assertArrayEquals(data, mem.dump(0xFFFF_F000L - 77, data.length));
            assertArrayEquals(new byte[16], mem.dump(0x4000_0000L, 16), "unwritten memory reads 0");
        }
    }
}
