package io.vitgen.model;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.vitgen.config.Config;
import io.vitgen.golden.VitGeometry;
import io.vitgen.golden.VitModel;

/**
 * Mutates a valid model file a few thousand times (seeded: -Dvitgen.seed=N reproduces a run) and
 * requires every read to end cleanly: either a model, or a ModelException whose problems are
 * non-empty sentences. Anything else (a RuntimeException, an Error) is a defect.
 */
class ModelFileFuzzTest {

    static final VitGeometry TINY = new VitGeometry(16, 8, 8, 2, 16, 1, 4);
    static final int RUNS = 2000;

    @TempDir
    Path dir;

    @Test
    void everyMutationEndsInAModelOrAClearError() throws Exception {
        long seed = Long.getLong("vitgen.seed", 20261130L);
        System.out.println("ModelFileFuzzTest seed " + seed + " (-Dvitgen.seed=" + seed + " reproduces)");
        VitModel m = Quantizer.quantize(RandomModel.weights(TINY, 5), RandomModel.images(TINY, 5, 2),
                Quantizer.Options.defaults(), null).model();
        Path valid = dir.resolve("valid.safetensors");
        ModelFile.write(m, Map.of(), valid);
        byte[] base = Files.readAllBytes(valid);
        int headerEnd = 8 + (int) ByteBuffer.wrap(base).order(ByteOrder.LITTLE_ENDIAN).getLong();
        Config cfg = Fixtures.config(TINY);
        Random r = new Random(seed);
        Path p = dir.resolve("mutant.safetensors");
        int ok = 0;
        int refused = 0;
        for (int run = 0; run < RUNS; run++) {
            byte[] b = mutate(base, headerEnd, r);
            Files.write(p, b);
            try {
                ModelFile.read(p, cfg);
                ok++;
            } catch (ModelException e) {
                assertFalse(e.problems().isEmpty());
                for (String s : e.problems()) {
                    assertTrue(s != null && !s.isBlank(), "blank problem in run " + run);
                }
                refused++;
            } catch (Throwable t) {
                Path keep = dir.resolve("failing-" + run + ".safetensors");
                Files.write(keep, b);
                fail("run " + run + " (seed " + seed + "): " + t + " instead of a clean error", t);
            }
        }
        System.out.println("ModelFileFuzzTest: " + RUNS + " mutants, " + refused + " refused with a message, " + ok
                + " still valid");
        assertTrue(refused > RUNS / 2, "most mutants must be refused");
    }

    @Test
    void floatCheckpointMutantsEndInWeightsOrAClearError() throws Exception {
        long seed = Long.getLong("vitgen.seed", 20261130L) + 1;
        Path valid = dir.resolve("float.safetensors");
        TimmCheckpoint.write(RandomModel.weights(TINY, 6), Safetensors.DType.BF16, valid);
        byte[] base = Files.readAllBytes(valid);
        int headerEnd = 8 + (int) ByteBuffer.wrap(base).order(ByteOrder.LITTLE_ENDIAN).getLong();
        io.vitgen.config.ModelShape shape = Fixtures.config(TINY).model();
        Random r = new Random(seed);
        Path p = dir.resolve("float-mutant.safetensors");
        for (int run = 0; run < RUNS / 2; run++) {
            byte[] b = mutate(base, headerEnd, r);
            Files.write(p, b);
            try (Safetensors st = Safetensors.open(p)) {
                TimmCheckpoint.read(st, shape);
            } catch (ModelException e) {
                assertFalse(e.problems().isEmpty());
            } catch (Throwable t) {
                fail("float run " + run + " (seed " + seed + "): " + t + " instead of a clean error", t);
            }
        }
    }

    static byte[] mutate(byte[] base, int headerEnd, Random r) {
        byte[] b = base.clone();
        switch (r.nextInt(9)) {
            case 0 -> { // flip 1..4 random bytes anywhere
                for (int i = 1 + r.nextInt(4); i > 0; i--) {
                    b[r.nextInt(b.length)] ^= (byte) (1 + r.nextInt(255));
                }
            }
            case 1 -> b = Arrays.copyOf(b, r.nextInt(b.length)); // truncate
            case 2 -> { // header length field
                long v = switch (r.nextInt(4)) {
                    case 0 -> r.nextLong();
                    case 1 -> headerEnd - 8 + r.nextInt(64) - 32;
                    case 2 -> b.length;
                    default -> r.nextInt(1 << 20);
                };
                ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putLong(0, v);
            }
            case 3, 4 -> { // change a digit of the header (shapes, offsets, scales, geometry)
                for (int tries = 0; tries < 100; tries++) {
                    int i = 8 + r.nextInt(headerEnd - 8);
                    if (b[i] >= '0' && b[i] <= '9') {
                        b[i] = (byte) ('0' + r.nextInt(10));
                        break;
                    }
                }
            }
            case 5 -> { // delete one header byte (padding keeps the length honest)
                int i = 8 + r.nextInt(headerEnd - 8);
                System.arraycopy(b, i + 1, b, i, headerEnd - i - 1);
                b[headerEnd - 1] = ' ';
            }
            case 6 -> { // replace a header byte by a JSON-significant one
                byte[] sig = "{}[]\",:-.e0 \\".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
                b[8 + r.nextInt(headerEnd - 8)] = sig[r.nextInt(sig.length)];
            }
            case 7 -> { // garbage in the data section
                for (int i = 0; i < 8; i++) {
                    b[headerEnd + r.nextInt(b.length - headerEnd)] = (byte) r.nextInt(256);
                }
            }
            default -> { // rename a dtype
                String h = new String(b, 8, headerEnd - 8, java.nio.charset.StandardCharsets.UTF_8);
                String[] dts = {"\"I8\"", "\"I16\"", "\"I32\"", "\"F64\"", "\"F32\"", "\"U8\"", "\"BOOL\"", "\"F8_E4M3\"",
                    "\"Q4\""};
                String from = dts[r.nextInt(5)];
                int at = h.indexOf(from, r.nextInt(Math.max(1, h.length() - 10)));
                if (at >= 0) {
                    String to = dts[r.nextInt(dts.length)];
                    h = h.substring(0, at) + to + h.substring(at + from.length());
                    byte[] hb = h.getBytes(java.nio.charset.StandardCharsets.UTF_8);
                    ByteBuffer nb = ByteBuffer.allocate(8 + hb.length + b.length - headerEnd).order(ByteOrder.LITTLE_ENDIAN);
                    nb.putLong(hb.length).put(hb).put(b, headerEnd, b.length - headerEnd);
                    b = nb.array();
                }
            }
        }
        return b;
    }
}
