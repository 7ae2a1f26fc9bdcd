package io.vitgen.fpga;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;

import io.vitgen.cli.Main;
import io.vitgen.config.Config;
import io.vitgen.config.ConfigLoader;
import io.vitgen.emit.DesignWriter;
import io.vitgen.golden.EncoderLayer;
import io.vitgen.golden.VitGeometry;
import io.vitgen.golden.VitModel;
import io.vitgen.model.EvalImages;
import io.vitgen.model.ModelFile;
import io.vitgen.model.Quantizer;
import io.vitgen.model.RandomModel;

/**
 * The simulation kit {@code out/<design>/sim/} works without Java: {@code make -C sim run} builds the
 * generated top with Verilator, runs the memory image vitgen wrote (random memory latency and
 * backpressure, random initial state), and exits 0 with every output byte equal to expected.bin
 * (the command interpreter's result); the test compares outputs.bin with expected.bin itself and
 * reads the counters. A wrong expectation makes the same binary exit 1 naming the first
 * differing byte. The design is generated into {@code target/simkit/} so that an unchanged
 * generation keeps the kit's build (make sees nothing new; ccache covers the rest). Verilator,
 * make or a C++ compiler missing fails the test. The second test does the same for the kit of a
 * user's model file ({@code vitgen generate --model --image}).
 */
class SimKitTest {

    record Run(int exit, String output) {
    }

    static Run run(Path dir, String... cmd) throws IOException, InterruptedException {
        Process p;
        try {
            p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new AssertionError(cmd[0] + " cannot be started (" + e.getMessage() + "); the kit needs Verilator, make and g++", e);
        }
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(900, TimeUnit.SECONDS), String.join(" ", cmd) + " timed out");
        return new Run(p.exitValue(), text);
    }

    @Test
    void theKitBuildsAndRunsTheImageBitExactAndFailsOnAWrongExpectation() throws Exception {
        Path out = Path.of("target", "simkit").toAbsolutePath();
        Path d = new DesignWriter(new ConfigLoader().set("design.name=kit").load(), s -> { }).write(out).dir();
        Path sim = d.resolve("sim");

        Run ok = run(sim, "make", "run");
        assertEquals(0, ok.exit(), "make run:\n" + ok.output());
        assertTrue(ok.output().contains("vitgen sim: PASS"), ok.output());
        byte[] expected = Files.readAllBytes(sim.resolve("expected.bin"));
        assertTrue(expected.length > 1000, "the kit's program produces outputs");
        assertArrayEquals(expected, Files.readAllBytes(sim.resolve("outputs.bin")), "outputs.bin equals expected.bin");

        Map<String, Long> counters = new HashMap<>();
        for (String line : Files.readAllLines(sim.resolve("counters.txt"))) {
            String[] f = line.split(" ");
            counters.put(f[0], Long.parseLong(f[1]));
        }
        assertEquals(2L, counters.get("STATUS"), "done, no error");
        assertEquals(0L, counters.get("ERROR"));
        String cfg = Files.readString(sim.resolve("run.cfg"));
        long commands = Long.parseLong(cfg.replaceAll("(?s).*#: (\\d+) commands.*", "$1"));
        assertEquals(commands, counters.get("CMD_DONE"), "every command of the stream completed");
        assertTrue(counters.get("CYC_TOTAL") > 0 && counters.get("CYC_LOAD") > 0 && counters.get("CYC_STORE") > 0,
                counters.toString());
        System.out.printf("simulation kit: %d commands, %d cycles to the interrupt, %d output bytes%n", commands,
                counters.get("cycles_to_interrupt"), expected.length);

        // the same binary with one expected byte changed: exit 1, the byte named
        flippedByteFails(sim, cfg, expected, 777, 0x10, "output output byte 777");
    }

    /** 32 px, patch 8 (17 tokens), C 32, 2 heads, MLP 64, 2 layers, 10 classes: the README's small model. */
    static final VitGeometry SMALL = new VitGeometry(32, 8, 32, 2, 64, 2, 10);

    /**
     * {@code vitgen generate --model FILE --image PICTURE} (through Main, as a user runs it) on a small
     * custom model and a 4 x 4 array: {@code make run} runs the whole model on the picture in the
     * kit's Verilator build and exits 0 with every int32 logit equal to the golden model's, which
     * this test computes itself from the model file and the picture; one flipped logit byte fails.
     * With compile.batch=2 the kit runs the picture as both images of one interleaved stream.
     */
    @Test
    void aModelFilesKitRunsTheWholeModelOnThePictureBitExact() throws Exception {
        Path root = Path.of("target", "simkit-model").toAbsolutePath();
        Files.createDirectories(root);
        String[] shape = {"--set", "model.preset=custom", "--set", "model.tokens=17", "--set", "model.channels=32",
            "--set", "model.heads=2", "--set", "model.mlp=64"};
        Config cfg = new ConfigLoader().warnings(w -> { }).setAll(Map.of("model.preset", "custom", "model.tokens", "17",
                "model.channels", "32", "model.heads", "2", "model.mlp", "64")).load();
        EncoderLayer.SoftmaxMode mode = cfg.softmax().log2() ? EncoderLayer.SoftmaxMode.LOG2
                : EncoderLayer.SoftmaxMode.SHIFTMAX;
        int bits = cfg.softmax().log2() ? 16 : cfg.softmax().outBits();
        VitModel m = Quantizer.quantize(RandomModel.weights(SMALL, 11), RandomModel.images(SMALL, 11, 2),
                Quantizer.Options.defaults().withSoftmax(mode, bits), null).model();
        Path model = root.resolve("small.safetensors");
        Files.deleteIfExists(model);
        ModelFile.write(m, Map.of("source", "SimKitTest"), model);
        Path picture = root.resolve("picture.png");
        Files.deleteIfExists(picture);
        assertTrue(ImageIO.write(EvalImages.synthetic(7, 80, 60), "png", picture.toFile()));

        List<String> args = new java.util.ArrayList<>(List.of("generate", "--model", model.toString(), "--image",
                picture.toString(), "--out", root.resolve("out").toString(), "--set", "design.name=kitm", "--set",
                "mac.rows=4", "--set", "mac.cols=4", "--set", "compile.batch=2"));
        args.addAll(List.of(shape));
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        int code = Main.run(args.toArray(new String[0]), new java.io.ByteArrayInputStream(new byte[0]),
                new java.io.PrintStream(out, true, StandardCharsets.UTF_8), new java.io.PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(0, code, out + "\n" + err);
        Path sim = root.resolve("out/kitm/sim");

        // the expectation, computed here: the golden model on the picture, int32 little-endian, once per
        // image of the batch (compile.batch=2: the picture as both images of one interleaved stream)
        VitModel read = ModelFile.read(model, null).model();
        long[] logits = read.trace(EvalImages.quantize(EvalImages.transform(EvalImages.read(picture), SMALL.image()),
                read.scales().image()), false).logits();
        ByteBuffer want = ByteBuffer.allocate(2 * 4 * logits.length).order(ByteOrder.LITTLE_ENDIAN);
        for (int b = 0; b < 2; b++) {
            for (long v : logits) {
                want.putInt(Math.toIntExact(v));
            }
        }
        assertArrayEquals(want.array(), Files.readAllBytes(sim.resolve("expected.bin")), "expected.bin = golden logits");

        Run ok = run(sim, "make", "run");
        assertEquals(0, ok.exit(), "make run:\n" + ok.output());
        assertTrue(ok.output().contains("vitgen sim: program: the whole model small.safetensors"), ok.output());
        assertTrue(ok.output().contains("vitgen sim: PASS"), ok.output());
        assertArrayEquals(want.array(), Files.readAllBytes(sim.resolve("outputs.bin")), "the top's logits = golden");
        Map<String, Long> counters = new HashMap<>();
        for (String line : Files.readAllLines(sim.resolve("counters.txt"))) {
            String[] f = line.split(" ");
            counters.put(f[0], Long.parseLong(f[1]));
        }
        assertEquals(2L, counters.get("STATUS"), "done, no error");
        String cfgText = Files.readString(sim.resolve("run.cfg"));
        long commands = Long.parseLong(cfgText.replaceAll("(?s).*#: (\\d+) commands.*", "$1"));
        assertEquals(commands, counters.get("CMD_DONE"), "every command of the stream completed");
        System.out.printf("simulation kit of a model file: %d commands, %d cycles to the interrupt (4x4 array), logits %s%n",
                commands, counters.get("cycles_to_interrupt"), java.util.Arrays.toString(logits));

        flippedByteFails(sim, cfgText, want.array(), 5, 0x01, "output logits byte 5");
        flippedByteFails(sim, cfgText, want.array(), 4 * logits.length + 6, 0x01, "output logits.1 byte 6");
    }

    /**
     * The kit's binary against its expected outputs with one byte flipped: exit 1, and the report
     * names that byte ({@code where}); the altered files are removed again.
     */
    private static void flippedByteFails(Path sim, String cfg, byte[] expected, int at, int mask, String where)
            throws Exception {
        byte[] bad = expected.clone();
        bad[at] ^= (byte) mask;
        Files.write(sim.resolve("bad-expected.bin"), bad);
        Files.writeString(sim.resolve("bad.cfg"), cfg.replace("expected expected.bin", "expected bad-expected.bin"));
        Run fail = run(sim, "./obj_dir/Vkit", "bad.cfg");
        assertEquals(1, fail.exit(), fail.output());
        assertTrue(fail.output().contains("FAIL: 1 bytes differ; first: " + where), fail.output());
        for (String f : List.of("bad.cfg", "bad-expected.bin")) {
            Files.delete(sim.resolve(f));
        }
    }
}
