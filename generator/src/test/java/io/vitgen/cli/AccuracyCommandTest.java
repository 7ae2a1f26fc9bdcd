package io.vitgen.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class AccuracyCommandTest {

    static GoldenCommandTest.Run accuracy(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = AccuracyCommand.run(args, new ByteArrayInputStream(new byte[0]),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new GoldenCommandTest.Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void reportOnDeitTinyIsCompleteAndReproducible() {
        long t0 = System.nanoTime();
        GoldenCommandTest.Run r = accuracy("--seed", "7");
        double seconds = (System.nanoTime() - t0) / 1e9;
        assertEquals(0, r.code(), r.err());
        System.out.println(r.out());
        assertTrue(r.out().contains("tokens=197 channels=192 heads=3 mlp=768"), r.out());
        for (String op : new String[] {"requant", "shiftexp", "shiftmax b = 16", "shiftmax b = 8", "log2softmax",
            "attention x V", "i-exp", "shiftgelu", "i-GELU", "i-layernorm", "gemm"}) {
            assertTrue(r.out().contains("| " + op), op + " missing");
        }
        assertTrue(r.out().contains("| shiftmax | 0.99") && r.out().contains("| log2 | 0.99"), r.out());
        assertTrue(seconds < 30, "accuracy report took " + seconds + " s");
        // the GEMM is exact: zero error
        assertTrue(r.out().matches("(?s).*\\| gemm [^\\n]*\\| 0\\.000 \\| 0\\.000 \\|.*"), r.out());
        // same seed, same numbers (up to the run time line)
        String again = accuracy("--seed", "7", "--model", "tiny").out();
        assertEquals(r.out().replaceAll("run time .*", ""), again.replaceAll("run time .*", ""));
    }

    @Test
    void customShapeAndUsageErrors() {
        GoldenCommandTest.Run r = accuracy("--model", "9,16,2,24", "--seed", "2");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("tokens=9 channels=16 heads=2 mlp=24"), r.out());
        assertEquals(2, accuracy("--seed", "x").code());
        assertEquals(2, accuracy("--model", "9,16,3,24").code());
        assertEquals(2, accuracy("--frob").code());
        assertEquals(0, accuracy("--help").code());
    }
}
