package io.vitgen.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.vitgen.config.Config;
import io.vitgen.config.ConfigLoader;
import io.vitgen.golden.EncoderLayer;
import io.vitgen.golden.VitGeometry;
import io.vitgen.golden.VitModel;
import io.vitgen.model.EvalImages;
import io.vitgen.model.ModelFile;
import io.vitgen.model.Quantizer;
import io.vitgen.model.RandomModel;

/**
 * {@code vitgen generate --model FILE [--image PICTURE]} through Main on a small custom ViT (the
 * model {@code vitgen model new} makes, built with the same API): the simulation kit's expected
 * outputs are the golden model's int32 logits for that picture (computed here from the model file,
 * independently of the generator), the kit, report.md and manifest.json name the model file and its
 * SHA-256; bad input (a model of another shape, a missing or foreign model file, a file that is not a
 * picture, a model the top cannot run, --image without --model) exits 2, says "Nothing was written."
 * and leaves the output root exactly as it was. SimKitTest (testbench) runs such a kit bit-exact in
 * Verilator.
 */
class GenerateModelKitTest {

    /** 32 px, patch 8 (17 tokens), C 32, 2 heads, MLP 64, 2 layers, 10 classes. */
    static final VitGeometry G = new VitGeometry(32, 8, 32, 2, 64, 2, 10);

    @TempDir
    static Path dir;
    static Path model;
    static Path picture;
    /** The same model with layer 0's attention-score scale at 1/1000: softmax X = 1000, beyond the unit's 127. */
    static Path fineScores;

    @BeforeAll
    static void makeModelAndPicture() throws Exception {
        Config cfg = new ConfigLoader().warnings(w -> { }).setAll(shape()).load();
        int bits = cfg.softmax().log2() ? 16 : cfg.softmax().outBits();
        EncoderLayer.SoftmaxMode mode = cfg.softmax().log2() ? EncoderLayer.SoftmaxMode.LOG2
                : EncoderLayer.SoftmaxMode.SHIFTMAX;
        Quantizer.Result r = Quantizer.quantize(RandomModel.weights(G, 5), RandomModel.images(G, 5, 2),
                Quantizer.Options.defaults().withSoftmax(mode, bits), null);
        model = dir.resolve("small.safetensors");
        ModelFile.write(r.model(), Map.of("source", "GenerateModelKitTest"), model);
        VitModel m = r.model();
        java.util.List<EncoderLayer.Scales> ls = new java.util.ArrayList<>(m.scales().layers());
        EncoderLayer.Scales s0 = ls.get(0);
        ls.set(0, new EncoderLayer.Scales(s0.in(), s0.ln1(), s0.qkv(), 1e-3, s0.ctx(), s0.res1(), s0.ln2(), s0.fc1(),
                s0.fc2in(), s0.out()));
        fineScores = dir.resolve("fine-scores.safetensors");
        ModelFile.write(new VitModel(G, m.params(), new VitModel.Scales(m.scales().image(), ls, m.scales().norm()),
                m.mode(), m.softmaxBits()), Map.of("source", "GenerateModelKitTest"), fineScores);
        picture = dir.resolve("picture.png");
        assertTrue(ImageIO.write(EvalImages.synthetic(7, 64, 48), "png", picture.toFile()));
    }

    static Map<String, String> shape() {
        return Map.of("model.preset", "custom", "model.tokens", "17", "model.channels", "32", "model.heads", "2",
                "model.mlp", "64");
    }

    static String[] args(String... extra) {
        java.util.List<String> a = new java.util.ArrayList<>(java.util.List.of("generate"));
        a.addAll(java.util.List.of(extra));
        for (Map.Entry<String, String> e : new TreeMap<>(shape()).entrySet()) {
            a.add("--set");
            a.add(e.getKey() + "=" + e.getValue());
        }
        return a.toArray(new String[0]);
    }

    /** The golden model's logits for a picture, read from the model file here (not by the generator). */
    static byte[] goldenLogits(java.awt.image.BufferedImage img) throws Exception {
        VitModel m = ModelFile.read(model, null).model();
        long[][][] px = EvalImages.quantize(EvalImages.transform(img, G.image()), m.scales().image());
        long[] logits = m.trace(px, false).logits();
        ByteBuffer b = ByteBuffer.allocate(4 * logits.length).order(ByteOrder.LITTLE_ENDIAN);
        for (long v : logits) {
            assertEquals(v, (int) v, "logit fits int32");
            b.putInt((int) v);
        }
        return b.array();
    }

    static String sha256(Path p) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p)));
    }

    @Test
    void theKitRunsTheModelFileOnThePictureAndRecordsIt() throws Exception {
        Path out = dir.resolve("out-picture");
        ModelCommandsTest.Run r = ModelCommandsTest.run(args("--model", model.toString(), "--image", picture.toString(),
                "--out", out.toString()));
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("simulation kit: small.safetensors"), r.out());
        Path d = out.resolve("vit_accel");
        Path sim = d.resolve("sim");
        for (String f : new String[] {"Makefile", "sim_main.cpp", "image.bin", "expected.bin", "run.cfg", "README.md",
            "kit_regs.h"}) {
            assertTrue(Files.isRegularFile(sim.resolve(f)), f);
        }
        assertArrayEquals(goldenLogits(ImageIO.read(picture.toFile())), Files.readAllBytes(sim.resolve("expected.bin")),
                "expected.bin holds the golden model's int32 logits for picture.png");
        String cfg = Files.readString(sim.resolve("run.cfg"));
        assertTrue(cfg.contains("#: program: the whole model small.safetensors") && cfg.contains("on picture.png"), cfg);
        assertTrue(cfg.matches("(?s).*\noutput logits 0x[0-9a-f]+ 40 0\n.*"), cfg);
        String sha = sha256(model);
        String readme = Files.readString(sim.resolve("README.md"));
        assertTrue(readme.contains("`small.safetensors` (SHA-256 `" + sha + "`)"), readme);
        assertTrue(readme.contains("`picture.png` (SHA-256 `" + sha256(picture) + "`)"), readme);
        assertTrue(readme.contains("make run"), readme);
        assertTrue(Files.readString(sim.resolve("Makefile")).contains("sed -n 's/^#: /vitgen sim: /p' run.cfg"));
        assertTrue(Files.readString(d.resolve("report.md")).contains("`small.safetensors` (SHA-256 `" + sha + "`"));
        JsonNode manifest = new ObjectMapper().readTree(d.resolve("manifest.json").toFile());
        assertEquals("small.safetensors", manifest.path("model").path("file").asText());
        assertEquals(sha, manifest.path("model").path("sha256").asText());
        assertEquals("picture.png", manifest.path("model").path("picture").asText());
        assertEquals(sha256(picture), manifest.path("model").path("picture_sha256").asText());
        // the top is sized for the program: its GEMM tile memories hold the patch embedding's K = 3 P^2 = 192
        assertTrue(Files.readString(d.resolve("report.md")).contains("whole-model program of `small.safetensors`"));
        assertTrue(Files.readString(d.resolve("rtl/vitgen_top_gemm.v")).matches("(?s).*parameter integer KB_MAX\\s*= 384\\b.*"),
                "GEMM tile rows of 2 x 192 bytes (the layers alone need 2 x 64)");
    }

    @Test
    void withoutImageTheKitUsesTheSeededSyntheticPicture() throws Exception {
        Path out = dir.resolve("out-synthetic");
        ModelCommandsTest.Run r = ModelCommandsTest.run(args("--model", model.toString(), "--out", out.toString()));
        assertEquals(0, r.code(), r.err());
        Path sim = out.resolve("vit_accel/sim");
        assertArrayEquals(goldenLogits(EvalImages.synthetic(1, 256, 256)), Files.readAllBytes(sim.resolve("expected.bin")));
        assertTrue(Files.readString(sim.resolve("README.md")).contains("the seeded synthetic picture (seed 1, 256 x 256"));
        JsonNode manifest = new ObjectMapper().readTree(out.resolve("vit_accel/manifest.json").toFile());
        assertTrue(manifest.path("model").path("picture").asText().startsWith("the seeded synthetic picture"));
        assertTrue(manifest.path("model").path("picture_sha256").isMissingNode());
    }

    /** Every file below {@code root} with its content hash (empty when root is absent). */
    static Map<String, String> snapshot(Path root) throws Exception {
        Map<String, String> m = new TreeMap<>();
        if (!Files.exists(root)) {
            return m;
        }
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                m.put(root.relativize(p).toString(), Files.isRegularFile(p) ? sha256(p) : "dir");
            }
        }
        return m;
    }

    static void refused(Path out, String expect, String... args) throws Exception {
        Map<String, String> before = snapshot(out);
        ModelCommandsTest.Run r = ModelCommandsTest.run(args);
        assertEquals(2, r.code(), String.join(" ", args) + ":\n" + r.out() + r.err());
        assertTrue(r.err().contains(expect), "'" + expect + "' in:\n" + r.err());
        assertTrue(r.err().contains("Nothing was written"), r.err());
        assertEquals(before, snapshot(out), "the output root is as it was: " + String.join(" ", args));
    }

    @Test
    void badInputExits2AndWritesNothing() throws Exception {
        Path fresh = dir.resolve("out-refused");
        // another shape: the configuration's defaults (DeiT-Tiny) do not match the file
        refused(fresh, "the model has 17 tokens", "generate", "--model", model.toString(), "--out", fresh.toString());
        assertFalse(Files.exists(fresh));
        refused(fresh, "no such model file", args("--model", dir.resolve("nope.safetensors").toString(), "--out",
                fresh.toString()));
        Path text = dir.resolve("notes.txt");
        Files.writeString(text, "not a picture, not a model\n");
        refused(fresh, "not a picture", args("--model", model.toString(), "--image", text.toString(), "--out",
                fresh.toString()));
        refused(fresh, "no such picture", args("--model", model.toString(), "--image", dir.resolve("nope.png").toString(),
                "--out", fresh.toString()));
        refused(fresh, "notes.txt", args("--model", text.toString(), "--out", fresh.toString()));
        // the configuration runs the shape, the top cannot: the softmax unit's X limit
        refused(fresh, "fine-scores.safetensors: L0 softmax X = 1000 is outside the softmax unit's cfg_x range 1..127",
                args("--model", fineScores.toString(), "--out", fresh.toString()));
        assertFalse(Files.exists(fresh), "no folder was created");

        // a design generated before stays exactly as it was
        Path kept = dir.resolve("out-kept");
        assertEquals(0, ModelCommandsTest.run(args("--model", model.toString(), "--out", kept.toString())).code());
        refused(kept, "the model has 17 tokens", "generate", "--model", model.toString(), "--out", kept.toString());
        refused(kept, "not a picture", args("--model", model.toString(), "--image", text.toString(), "--out",
                kept.toString()));

        ModelCommandsTest.Run usage = ModelCommandsTest.run(args("--image", picture.toString(), "--out", fresh.toString()));
        assertEquals(2, usage.code());
        assertTrue(usage.err().contains("--image needs --model"), usage.err());
        assertFalse(Files.exists(fresh));
    }
}
