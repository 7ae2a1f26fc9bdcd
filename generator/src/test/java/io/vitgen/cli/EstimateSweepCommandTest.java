package io.vitgen.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.vitgen.config.ConfigLoader;
import io.vitgen.estimate.Performance;

/** vitgen estimate (table and JSON) and vitgen sweep (CSV, Pareto front, PNG, bad ranges). */
class EstimateSweepCommandTest {

    private static MainTest.Run run(String... args) {
        return MainTest.run(args);
    }

    @Test
    void estimatePrintsTheTableAndTheJsonHasTheSameNumbers() throws Exception {
        MainTest.Run t = run("estimate", "--set", "mac.rows=32", "--set", "mac.cols=32");
        assertEquals(0, t.code(), t.err());
        Performance.Estimate e = Performance.of(new ConfigLoader().set("mac.rows=32").set("mac.cols=32").load());
        assertTrue(t.out().startsWith(String.format(java.util.Locale.ROOT, "deit-tiny on a 32 x 32 array (the generated"
                + " array), 300 MHz: %,.1f images/s", e.imagesPerSecond())), t.out());
        for (String s : List.of("QKV projection", "softmax (per head)", "One encoder layer, timed command stream", "patch embedding",
                "Where the cycles go", "vitgen_mac_gemm", "share of xczu9eg")) {
            assertTrue(t.out().contains(s), s + " in\n" + t.out());
        }
        MainTest.Run j = run("estimate", "--set", "mac.rows=32", "--set", "mac.cols=32", "--json");
        assertEquals(0, j.code(), j.err());
        JsonNode n = new ObjectMapper().readTree(j.out());
        assertEquals(e.imagesPerSecond(), n.get("imagesPerSecond").asDouble(), 1e-9);
        assertEquals(e.imageCycles(), n.get("imageCycles").asLong());
        assertEquals(e.ddrBytesPerImage(), n.get("ddrBytesPerImage").asLong());
        assertEquals("QKV projection", n.get("layerOps").get(0).get("name").asText());
        assertEquals(7 * 18, n.get("layerOps").get(0).get("tiles").asLong(), "QKV on 32 x 32: 7 x 18 tiles");
        assertEquals(e.total().luts(), n.get("total").get("luts").asLong());
        // an unknown part: no capacity, no ceiling, still valid JSON
        MainTest.Run g = run("estimate", "--set", "target.vendor=generic", "--json");
        assertEquals(0, g.code(), g.err());
        JsonNode gn = new ObjectMapper().readTree(g.out());
        assertTrue(gn.get("partCeilingImagesPerSecond").isNull() && gn.get("partLuts").isNull(), g.out());
        assertEquals("generic", gn.get("part").asText());
    }

    @Test
    void reportMdHoldsTheSameEstimate(@TempDir Path tmp) throws Exception {
        // ultra96v2 (16 x 16 int8x2): the smallest int8x2 preset, quick to write
        MainTest.Run g = run("generate", "--out", tmp.toString(), "--set", "target.board=ultra96v2");
        assertEquals(0, g.code(), g.err());
        String report = Files.readString(tmp.resolve("vit_accel/report.md"));
        Performance.Estimate e = Performance.of(new ConfigLoader().warnings(w -> { }).set("target.board=ultra96v2").load());
        assertTrue(report.contains("## Performance estimate\n\n" + String.format(java.util.Locale.ROOT,
                "deit-tiny on a 16 x 16 int8x2 array (the generated array), 250 MHz: %,.1f images/s, %,d cycles per image",
                e.imagesPerSecond(), e.imageCycles())), report);
        assertTrue(report.contains("| QKV projection | gemm | 197 x 192 x 576 | 1 | 468 |"), report);
        assertTrue(report.contains("| share of xczu3eg-sbva484-1-e |"), report);
    }

    @Test
    void estimateRefusesABadConfiguration() {
        MainTest.Run r = run("estimate", "--set", "mac.rows=0", "--set", "target.board=zcu101");
        assertEquals(2, r.code());
        assertTrue(r.err().startsWith("vitgen estimate: "), r.err());
        assertTrue(r.err().contains("mac.rows") && r.err().contains("target.board"), r.err());
        assertFalse(r.err().contains("Exception"), r.err());
    }

    @Test
    void sweepWritesTheCsvThePlotAndMarksTheParetoFront(@TempDir Path tmp) throws Exception {
        MainTest.Run r = run("sweep", "--vary", "mac.rows=16:64:16", "--vary", "mac.cols=16,32,64",
                "--vary", "mac.dsp.packing=none,int8x2", "--vary", "target.mem.bits=128,512",
                "--set", "target.part=xczu7ev-ffvc1156-2-e", "--out", tmp.toString(), "--name", "s");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("] 48/48 points"), "progress bar: " + r.err());
        assertTrue(r.out().startsWith("48 points (48 valid, 0 invalid) on "), r.out());
        List<String> lines = Files.readAllLines(tmp.resolve("s.csv"));
        assertEquals("point,mac.rows,mac.cols,mac.dsp.packing,target.mem.bits,images_per_s,cycles_per_image,"
                + "mac_utilisation,lut,ff,dsp,bram36,fits,ddr_gb_per_s,pareto", lines.get(0));
        assertEquals(49, lines.size());
        // the last axis varies fastest
        assertTrue(lines.get(1).startsWith("0,16,16,none,128,"), lines.get(1));
        assertTrue(lines.get(2).startsWith("1,16,16,none,512,"), lines.get(2));
        // a row holds the estimate of its configuration
        String[] row = lines.get(48).split(",");
        assertEquals("47,64,64,int8x2,512", String.join(",", List.of(row).subList(0, 5)));
        Performance.Estimate e = Performance.of(new ConfigLoader().warnings(w -> { })
                .set("target.part=xczu7ev-ffvc1156-2-e").set("mac.rows=64").set("mac.cols=64")
                .set("mac.dsp.packing=int8x2").set("target.mem.bits=512").load());
        assertEquals(String.format(java.util.Locale.ROOT, "%.2f", e.imagesPerSecond()), row[5]);
        assertEquals(Long.toString(e.total().luts()), row[8]);
        assertEquals(Long.toString(e.total().dsps()), row[10]);
        assertEquals(Boolean.toString(e.problems().isEmpty()), row[12]);
        // Pareto front, checked by brute force: a fitting point is on it iff no fitting point is at
        // least as good on images/s, DSP and LUT and better on one
        List<double[]> pts = new ArrayList<>();
        List<Boolean> marked = new ArrayList<>();
        for (String l : lines.subList(1, lines.size())) {
            String[] f = l.split(",");
            pts.add(new double[] {Double.parseDouble(f[5]), Double.parseDouble(f[10]), Double.parseDouble(f[8]),
                Boolean.parseBoolean(f[12]) ? 1 : 0});
            marked.add(Boolean.parseBoolean(f[14]));
        }
        int front = 0;
        int fitting = 0;
        for (int i = 0; i < pts.size(); i++) {
            double[] p = pts.get(i);
            boolean dominated = false;
            for (double[] q : pts) {
                if (q[3] == 1 && q[0] >= p[0] && q[1] <= p[1] && q[2] <= p[2] && (q[0] > p[0] || q[1] < p[1] || q[2] < p[2])) {
                    dominated = true;
                }
            }
            boolean expected = p[3] == 1 && !dominated;
            assertEquals(expected, marked.get(i), "point " + i);
            front += expected ? 1 : 0;
            fitting += p[3] == 1 ? 1 : 0;
        }
        assertTrue(front >= 3 && fitting > front && fitting < pts.size(), front + " on the front, " + fitting + " fit");
        BufferedImage png = ImageIO.read(tmp.resolve("s.png").toFile());
        assertEquals(1400, png.getWidth());
        assertEquals(700, png.getHeight());
        // the Pareto markers are drawn in red
        boolean red = false;
        for (int x = 0; x < png.getWidth() && !red; x++) {
            for (int y = 0; y < png.getHeight() && !red; y++) {
                red = png.getRGB(x, y) == new java.awt.Color(220, 30, 30).getRGB();
            }
        }
        assertTrue(red, "red Pareto markers in the plot");
        // a second run does not replace the files without --force
        MainTest.Run again = run("sweep", "--vary", "mac.rows=8,16", "--out", tmp.toString(), "--name", "s");
        assertEquals(2, again.code());
        assertTrue(again.err().contains("exists; give --force"), again.err());
        assertEquals(49, Files.readAllLines(tmp.resolve("s.csv")).size());
        assertEquals(0, run("sweep", "--vary", "mac.rows=8,16", "--out", tmp.toString(), "--name", "s", "--force").code());
        assertEquals(3, Files.readAllLines(tmp.resolve("s.csv")).size());
    }

    @Test
    void sweepSkipsInvalidPointsAndCountsThem(@TempDir Path tmp) throws Exception {
        MainTest.Run r = run("sweep", "--vary", "mac.cols=15,16", "--set", "mac.dsp.packing=int8x2",
                "--vary", "softmax.lanes,gelu.lanes=8", "--out", tmp.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().startsWith("2 points (1 valid, 1 invalid)"), r.out());
        assertTrue(r.out().contains("mac.cols=15") && r.out().contains("must be even"), r.out());
        List<String> csv = Files.readAllLines(tmp.resolve("sweep.csv"));
        assertEquals(2, csv.size());
        assertTrue(csv.get(0).startsWith("point,mac.cols,softmax.lanes,gelu.lanes,") && csv.get(1).startsWith("1,16,8,8,"),
                "both keys of a tied axis take its value: " + csv);
    }

    /**
     * --yosys on a tiny sweep: one point (a 1 x 2 engine, one-lane units, i-GELU), hence one Pareto
     * point, synthesized block by block (the blocks the estimate models); its measured DSP48E2 must
     * equal the resource model's (an independent formula, exact on the GEMM engine, within 2 on the
     * others), LUT and FF are real counts. Needs yosys; fails without it.
     */
    @Test
    void yosysOnTheParetoPoints(@TempDir Path tmp) throws Exception {
        MainTest.Run r = run("sweep", "--set", "mac.rows=1", "--set", "mac.cols=2", "--set", "softmax.lanes=1",
                "--set", "layernorm.lanes=1", "--set", "gelu.variant=igelu", "--set", "gelu.lanes=1",
                "--vary", "mac.requant.lanes=1", "--yosys", "--yosys-timeout", "1800", "--threads", "1",
                "--out", tmp.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("yosys: 1 of 1 Pareto points measured"), r.out());
        List<String> csv = Files.readAllLines(tmp.resolve("sweep.csv"));
        assertEquals(2, csv.size(), csv.toString());
        List<String> head = List.of(csv.get(0).split(","));
        String[] row = csv.get(1).split(",", -1);
        assertTrue(head.containsAll(List.of("yosys_lut", "yosys_ff", "yosys_dsp", "yosys_seconds", "yosys_status")), head
                .toString());
        assertEquals("ok", row[head.indexOf("yosys_status")], csv.get(1));
        assertEquals("true", row[head.indexOf("pareto")], csv.get(1));
        long dsp = Long.parseLong(row[head.indexOf("dsp")]);
        long yosysDsp = Long.parseLong(row[head.indexOf("yosys_dsp")]);
        assertTrue(Math.abs(dsp - yosysDsp) <= 2, "DSP48E2: model " + dsp + ", yosys " + yosysDsp);
        assertTrue(Long.parseLong(row[head.indexOf("yosys_lut")]) > 1000, csv.get(1));
        assertTrue(Long.parseLong(row[head.indexOf("yosys_ff")]) > 1000, csv.get(1));
    }

    @Test
    void badRangesAreClearErrors(@TempDir Path tmp) {
        String out = tmp.toString();
        String[][] cases = {
            {"no --vary", "give at least one --vary"},
            {"mac.rowz=8:16", "unknown key 'mac.rowz'; the nearest known key is 'mac.rows'"},
            {"mac.rows=16:8", "the range is empty (TO 8 < FROM 16)"},
            {"mac.rows=8:16:0", "STEP must be positive"},
            {"mac.rows=8:x", "'x' is not an integer"},
            {"mac.rows=8:16:2:1", "a range is FROM:TO[:STEP] or FROM..TO"},
            {"mac.rows=0,8", "mac.rows=0: "},
            {"mac.rows=8:128:8", "mac.rows=72: "},
            {"softmax.lanes=3", "softmax.lanes=3: "},
            {"mac.rows=8,,16", "empty value in the list"},
            {"mac.rows", "is not KEY=VALUES"},
            {"mac.rows=8,8", "value 8 is listed twice"},
        };
        for (String[] c : cases) {
            MainTest.Run r = c[0].equals("no --vary") ? run("sweep", "--out", out)
                    : run("sweep", "--vary", c[0], "--out", out);
            assertEquals(2, r.code(), c[0] + ": " + r.err());
            assertTrue(r.err().startsWith("vitgen sweep: ") && r.err().contains(c[1]), c[0] + ": " + r.err());
            assertFalse(r.err().contains("Exception"), r.err());
        }
        MainTest.Run twice = run("sweep", "--vary", "mac.rows=8,16", "--vary", "mac.cols,mac.rows=8", "--out", out);
        assertEquals(2, twice.code());
        assertTrue(twice.err().contains("key mac.rows is varied twice"), twice.err());
        MainTest.Run big = run("sweep", "--vary", "mac.rows=1:64", "--vary", "mac.cols=1:64", "--vary",
                "quant.acc.bits=8:48", "--vary", "target.clock.mhz=10:1000", "--out", out);
        assertEquals(2, big.code());
        assertTrue(big.err().contains("more than 200000 points"), big.err());
        MainTest.Run base = run("sweep", "--vary", "mac.rows=8,16", "--set", "mac.cols=0", "--out", out);
        assertEquals(2, base.code());
        assertTrue(base.err().contains("the base configuration") && base.err().contains("mac.cols"), base.err());
        try (var s = java.nio.file.Files.list(tmp)) {
            assertEquals(0, s.count(), "nothing written");
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }
}
