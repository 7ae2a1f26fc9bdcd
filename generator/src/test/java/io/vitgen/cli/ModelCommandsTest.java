package io.vitgen.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.vitgen.golden.VitGeometry;
import io.vitgen.golden.VitModel;
import io.vitgen.model.EvalImages;
import io.vitgen.model.ModelFile;
import io.vitgen.model.RandomModel;
import io.vitgen.model.Safetensors;
import io.vitgen.model.TimmCheckpoint;

/** vitgen quantize, model new/check and golden model through Main, on a small custom ViT. */
class ModelCommandsTest {

    record Run(int code, String out, String err) {
    }

    static final VitGeometry G = new VitGeometry(32, 8, 32, 2, 64, 2, 10);
    static final String[] SHAPE = {"--set", "model.preset=custom", "--set", "model.tokens=17", "--set",
        "model.channels=32", "--set", "model.heads=2", "--set", "model.mlp=64"};

    @TempDir
    static Path dir;
    static Path model;

    static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(args, new ByteArrayInputStream(new byte[0]), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        Run r = new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        assertFalse(r.err().contains("\tat ") || r.err().contains("Exception"), "no stack trace: " + r.err());
        return r;
    }

    static String[] with(String[] a, String... b) {
        List<String> l = new ArrayList<>(Arrays.asList(a));
        l.addAll(Arrays.asList(b));
        return l.toArray(new String[0]);
    }

    @BeforeAll
    static void makeModel() {
        model = dir.resolve("small.safetensors");
        Run r = run(with(new String[] {"model", "new", "--preset", "custom", "--patch", "8", "--depth", "2", "--classes",
            "10", "--seed", "4", "-o", model.toString()}, SHAPE));
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("wrote " + model) && r.out().contains("top-1 agreement"), r.out());
    }

    @Test
    void modelCheckListsEveryProblemOrSaysOk() {
        Run ok = run(with(new String[] {"model", "check", model.toString()}, SHAPE));
        assertEquals(0, ok.code(), ok.err());
        assertTrue(ok.out().contains(": ok - image 32, patch 8, channels 32, heads 2"), ok.out());
        Run bad = run("model", "check", model.toString());
        assertEquals(2, bad.code());
        assertTrue(bad.err().startsWith("vitgen model check: 4 problems:"), bad.err());
        assertTrue(bad.err().contains("model.tokens=197"), bad.err());
        assertFalse(bad.err().contains("Nothing was written"), bad.err());
    }

    @Test
    void quantizeACheckpointWithAFolderOfPictures() throws Exception {
        Path ckpt = dir.resolve("ckpt.safetensors");
        TimmCheckpoint.write(RandomModel.weights(G, 6), Safetensors.DType.BF16, ckpt);
        Path pics = Files.createDirectories(dir.resolve("pics"));
        for (int i = 0; i < 3; i++) {
            ImageIO.write(EvalImages.synthetic(40 + i, 60 + 10 * i, 50), "png", pics.resolve("p" + i + ".png").toFile());
        }
        Path out = dir.resolve("q.safetensors");
        Run r = run(with(new String[] {"quantize", "--checkpoint", ckpt.toString(), "--calib", pics.toString(), "--method",
            "max", "-o", out.toString()}, SHAPE));
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("calibration: 3 pictures from " + pics), r.out());
        assertTrue(r.out().contains("block 1 ") && r.out().contains("logits ") && r.out().contains("top-1 agreement: "),
                r.out());
        assertTrue(r.out().contains("top-5 agreement: "), r.out());
        assertEquals(G, ModelFile.read(out, null).model().geometry());
        Run check = run(with(new String[] {"model", "check", ckpt.toString()}, SHAPE));
        assertEquals(0, check.code(), check.err());
        assertTrue(check.out().contains("a float checkpoint (timm names), image 32, patch 8"), check.out());
        Run wrong = run("quantize", "--checkpoint", ckpt.toString(), "-o", dir.resolve("x.safetensors").toString());
        assertEquals(2, wrong.code());
        assertTrue(wrong.err().contains("shape does not match the configuration (model.preset=deit-tiny)"), wrong.err());
        assertFalse(Files.exists(dir.resolve("x.safetensors")));
    }

    @Test
    void quantizeConvertsAnIvitIntegerCheckpoint() throws Exception {
        VitModel m = io.vitgen.model.IvitCheckpointTest.float32(ModelFile.read(model, null).model());
        Path ivit = dir.resolve("ivit.safetensors");
        io.vitgen.model.IvitCheckpointTest.writeIvit(m, ivit, true);
        Path out = dir.resolve("from-ivit.safetensors");
        Run r = run(with(new String[] {"quantize", "--checkpoint", ivit.toString(), "--calib-count", "2", "-o",
            out.toString()}, SHAPE));
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("I-ViT integer checkpoint") && r.out().contains("note: head.fc_scaling_factor"),
                r.out());
        assertTrue(r.out().contains("against its float twin") && r.out().contains("top-1 agreement"), r.out());
        assertEquals(m.geometry(), ModelFile.read(out, null).model().geometry());
    }

    @Test
    void goldenModelPrintsTheTopClassesAndDumpsTheTensors() throws Exception {
        Path png = dir.resolve("cat.png");
        ImageIO.write(EvalImages.synthetic(99, 80, 64), "png", png.toFile());
        Path dump = dir.resolve("trace.safetensors");
        Run r = run("golden", "model", "--model", model.toString(), "--image", png.toString(), "--dump", dump.toString(),
                "--float");
        assertEquals(0, r.code(), r.err());
        VitModel m = ModelFile.read(model, null).model();
        long[] logits = m.forward(EvalImages.quantize(EvalImages.transform(EvalImages.read(png), 32), m.scales().image()));
        int[] top = VitModel.topK(logits, 5);
        assertTrue(r.out().contains(String.format("%4d  %5d  %d%n", 1, top[0], logits[top[0]])), r.out());
        assertTrue(r.out().contains("float twin"), r.out());
        try (Safetensors st = Safetensors.open(dump)) {
            assertEquals(Safetensors.DType.I16, st.tensor("blocks.1").dtype());
            assertEquals(logits[3], st.integers(st.tensor("logits"))[3]);
            long[][] gelu = m.layers().get(1).trace(m.trace(EvalImages.quantize(EvalImages.transform(EvalImages.read(png),
                    32), m.scales().image())).blocks().get(0)).get("gelu");
            assertEquals(gelu[16][63], st.integers(st.tensor("blocks.1.gelu"))[16 * 64 + 63]);
            assertTrue(st.has("blocks.0.scores.1") && st.has("blocks.1.probs.0") && st.has("blocks.0.ctx_acc"));
        }
    }

    @Test
    void badInputGetsExitCodeTwoAndUserFilesAreLeftAlone() throws Exception {
        Path cut = dir.resolve("cut.safetensors");
        byte[] all = Files.readAllBytes(model);
        Files.write(cut, Arrays.copyOf(all, all.length / 3));
        Run r = run(with(new String[] {"model", "check", cut.toString()}, SHAPE));
        assertEquals(2, r.code());
        assertTrue(r.err().contains("lie outside the data"), r.err());
        Path mine = dir.resolve("notes.txt");
        Files.writeString(mine, "mine");
        r = run(with(new String[] {"model", "new", "--preset", "custom", "--patch", "8", "--depth", "1", "--seed", "1",
            "-o", mine.toString()}, SHAPE));
        assertEquals(2, r.code());
        assertTrue(r.err().contains("exists and is not a vitgen model file") && r.err().contains("Nothing was written"),
                r.err());
        assertEquals("mine", Files.readString(mine));
        r = run("golden", "model", "--model", model.toString(), "--image", mine.toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("not a picture"), r.err());
        r = run("model", "new", "--preset", "deit-huge", "--seed", "1", "-o", dir.resolve("h").toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--preset 'deit-huge' is not"), r.err());
        r = run("quantize", "--checkpoint");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("vitgen quantize: --checkpoint needs a value"), r.err());
    }
}
