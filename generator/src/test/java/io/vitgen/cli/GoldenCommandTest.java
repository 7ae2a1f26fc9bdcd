package io.vitgen.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class GoldenCommandTest {

    record Run(int code, String out, String err) {
    }

    static Run golden(String stdin, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = GoldenCommand.run(args, new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    static Run main(String stdin, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(args, new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void shiftmaxIssueExampleThroughMain() {
        Run r = main("10 0 -5 -20 3 127 -128 64\n", "golden", "shiftmax", "--param", "X=20", "--param", "b=16");
        assertEquals(0, r.code(), r.err());
        assertEquals("97 56 47 21 66 31070 0 1407\n", r.out());
        Run r8 = golden("10 0 -5 -20 3 127 -128 64\n", "shiftmax", "--param", "X=20", "--param", "b=8");
        assertEquals("0 0 0 0 0 121 0 5\n", r8.out());
    }

    @Test
    void rowsAreLinesAndBlankLinesAreSkipped() {
        Run r = golden("0\n\n  -1   -10 \n", "shiftexp", "--param", "X=7");
        assertEquals(0, r.code(), r.err());
        assertEquals("229376\n212992 57344\n", r.out());
    }

    @Test
    void log2softmaxWritesCodesThenZeroFlags() {
        Run r = golden("10 0 -5 -20 3 127 -128 64\n127 127 -128\n", "log2softmax", "--param", "X=20");
        assertEquals(0, r.code(), r.err());
        assertEquals("8 9 9 10 9 0 15 4\n0 0 0 0 0 0 0 0\n1 1 0\n0 0 1\n", r.out());
    }

    @Test
    void gemmReadsWeightsFirstThenActivations() {
        String in = "1 -1\n2 0\n-3 127\n1 2 3\n-128 127 0\n";
        Run r = golden(in, "gemm", "--param", "K=3", "--param", "N=2", "--param", "bias=10,-10");
        assertEquals(0, r.code(), r.err());
        assertEquals("6 370\n136 118\n", r.out());
        // requantized per channel: 6 * 0.5 = 3, 370 * 0.25 = 92.5 -> 92; 136 * 0.5 = 68, 118 / 4 = 29.5 -> 30
        Run q = golden(in, "gemm", "--param", "K=3", "--param", "N=2", "--param", "bias=10,-10",
                "--param", "m=1073741824", "--param", "k=31,32");
        assertEquals("3 92\n68 30\n", q.out());
        Run missing = golden("1 -1\n", "gemm", "--param", "K=3", "--param", "N=2");
        assertEquals(2, missing.code());
        assertTrue(missing.err().contains("1 of K = 3 weight rows"), missing.err());
    }

    @Test
    void otherOperators() {
        assertEquals("146555276 -750721923 744740075 -137581504\n",
                golden("100 -200 300 5\n", "layernorm", "--param", "bias=0,1,-1,1000").out());
        assertEquals("-8064 -8064\n", golden("-128 -128\n", "shiftgelu", "--param", "X=127").out());
        assertEquals("63 63\n", golden("-128 -128\n", "shiftgelu", "--param", "X=127", "--param", "output=sig").out());
        assertEquals("2 -2 2 127\n", golden("3 -3 5 1000\n", "requant", "--param", "m=1073741824", "--param", "k=31").out());
        assertEquals("2 -2 2 500\n", golden("3 -3 5 1000\n", "requant", "--param", "ratio=0.5", "--param", "bits=16").out());
        assertEquals("29979945467904 29691108917248 212407943168\n", golden("0 -1 -500\n", "iexp", "--param", "S=0.01").out());
        assertEquals("0 -117 96 -89000\n", golden("0 1 -1 500\n", "igelu", "--param", "S=0.002").out());
        assertEquals("2147483647\n", golden("128\n", "shiftexp", "--param", "X=127", "--param", "n=23",
                "--param", "cap=2147483647").out());
        assertEquals("97 56 47 21 66 31070 0 1407\n",
                golden("10 0 -5 -20 3 127 -128 64\n", "shiftmax", "--param", "S=0.05").out());
    }

    @Test
    void errorsNameLineAndColumn() {
        Run bad = golden("1 2 3\n1 2 x3\n", "shiftmax", "--param", "X=20");
        assertEquals(2, bad.code());
        assertEquals("vitgen golden shiftmax: line 2, column 5: 'x3' is not an integer (or exceeds 64 bits)\n", bad.err());
        assertTrue(bad.out().startsWith(golden("1 2 3\n", "shiftmax", "--param", "X=20").out()), "rows before the error are written");
        Run range = golden("1 2 300\n", "shiftmax", "--param", "X=20");
        assertTrue(range.err().contains("line 1, column 5") && range.err().contains("300"), range.err());
        Run len = golden("100 -200 300\n", "layernorm", "--param", "bias=0,1,-1,1000");
        assertTrue(len.err().contains("line 1, column 13") && len.err().contains("expected 4"), len.err());
        Run positive = golden("0 -1 5\n", "shiftexp", "--param", "X=7");
        assertTrue(positive.err().contains("line 1, column 6"), positive.err());
        Run gemm = golden("1 -1\n2 0\n-3 127\n1 2 3 4\n", "gemm", "--param", "K=3", "--param", "N=2");
        assertTrue(gemm.err().contains("line 4, column 7") && gemm.err().contains("expected 3"), gemm.err());
    }

    @Test
    void parameterErrorsAreUsageErrors() {
        assertEquals(2, golden("", "shiftmax").code());
        assertTrue(golden("", "shiftmax").err().contains("X is required"));
        assertTrue(golden("", "shiftmax", "--param", "X=20", "--param", "Y=1").err().contains("no parameter 'Y'"));
        assertTrue(golden("", "shiftmax", "--param", "X=20", "--param", "b=12").err().contains("8 or 16"));
        assertTrue(golden("", "shiftgelu", "--param", "X=128").err().contains("[1, 127]"));
        assertTrue(golden("", "shiftgelu", "--param", "S=0.001").err().contains("> 127"));
        assertTrue(golden("", "requant", "--param", "ratio=1e12").err().contains("outside [0, 62]"));
        assertTrue(golden("", "nope").err().contains("unknown operator"));
        assertEquals(2, golden("", "shiftmax", "X=20").code());
    }

    @Test
    void helpDocumentsEveryOperator() {
        Run r = main("", "golden", "--help");
        assertEquals(0, r.code());
        for (String op : new String[] {"requant", "shiftexp", "shiftmax", "log2softmax", "shiftgelu", "layernorm",
            "iexp", "igelu", "gemm"}) {
            assertTrue(r.out().contains("  " + op + " "), op + " missing from --help");
        }
        assertTrue(r.out().contains("first K lines = the weight matrix"), "gemm input layout");
        assertTrue(r.out().contains("TWO lines per row"), "log2softmax output order");
        assertTrue(main("", "--help").out().contains("vitgen golden"));
    }

    /**
     * Branch 1 is x 1/2 and branch 2 x 3/4, each rounded half to even on its own, the sum saturated
     * once: 3/2 = 1.5 -> 2 and 6/4 = 1.5 -> 2 give 4; 255/2 = 127.5 -> 128 and 600/4 = 150 give 278 -> 127.
     */
    @Test
    void residualRoundsEachBranchAndSaturatesTheSumOnce() {
        Run r = golden("3 -3 255 0 2 -2 200 1\n", "residual", "--param", "m1=1", "--param", "k1=1",
                "--param", "m2=3", "--param", "k2=2");
        assertEquals(0, r.code(), r.err());
        assertEquals("4 -4 127 1\n", r.out());
        Run odd = golden("1 2 3\n", "residual", "--param", "m1=1", "--param", "k1=1", "--param", "m2=1",
                "--param", "k2=1");
        assertEquals(2, odd.code());
        assertTrue(odd.err().contains("line 1") && odd.err().contains("even"), odd.err());
        Run missing = golden("1 2\n", "residual", "--param", "m1=1", "--param", "k1=1");
        assertEquals(2, missing.code());
        assertTrue(missing.err().contains("m2 and k2"), missing.err());
    }

    /** "1 1 1 ... 1\n" with {@code n} values, generated as it is read (never held in memory). */
    static final class LongRow extends java.io.InputStream {
        private final long total;
        long served;

        LongRow(long values) {
            total = 2 * values;
        }

        @Override
        public int read() {
            byte[] b = new byte[1];
            return read(b, 0, 1) < 0 ? -1 : b[0];
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (served >= total) {
                return -1;
            }
            int n = (int) Math.min(len, total - served);
            for (int i = 0; i < n; i++) {
                long at = served + i;
                b[off + i] = at == total - 1 ? (byte) '\n' : (at % 2 == 0 ? (byte) '1' : (byte) ' ');
            }
            served += n;
            return n;
        }
    }

    @Test
    void aSixtyMillionValueRowStopsWithTheLimitNotOutOfMemory() {
        LongRow in = new LongRow(60_000_000L);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = GoldenCommand.run(new String[] {"shiftmax", "--param", "X=20"}, in,
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        String e = err.toString(StandardCharsets.UTF_8);
        assertEquals(2, code, e);
        assertEquals("vitgen golden shiftmax: line 1, column 8388609: the row has more than 4194304 values, the most"
                + " vitgen golden holds in memory for one row; give shorter rows\n", e);
        assertTrue(in.served < 10_000_000L, "the reader stopped at the limit, read " + in.served + " bytes");
    }

    @Test
    void rowsUpToTheLimitStream() {
        // a moderately large row at the default limit: 1,000,000 values through shiftmax
        LongRow in = new LongRow(1_000_000L);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = GoldenCommand.run(new String[] {"shiftmax", "--param", "X=20"}, in,
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(0, code, err.toString(StandardCharsets.UTF_8));
        String o = out.toString(StandardCharsets.UTF_8);
        assertTrue(o.endsWith("\n") && o.indexOf('\n') == o.length() - 1, "one output line");
        assertEquals(1_000_000, o.trim().split(" ").length);
        // the limit is exact: a lower one (system property) admits a row of that length, not one more
        String before = System.getProperty(GoldenCommand.MAX_ROW_PROPERTY);
        System.setProperty(GoldenCommand.MAX_ROW_PROPERTY, "5");
        try {
            assertEquals(0, golden("1 2 3 4 5\n", "shiftmax", "--param", "X=20").code());
            Run over = golden("1 2 3 4 5\n1 2 3 4 5 6\n", "shiftmax", "--param", "X=20");
            assertEquals(2, over.code());
            assertEquals("vitgen golden shiftmax: line 2, column 11: the row has more than 5 values, the most"
                    + " vitgen golden holds in memory for one row; give shorter rows\n", over.err());
        } finally {
            if (before == null) {
                System.clearProperty(GoldenCommand.MAX_ROW_PROPERTY);
            } else {
                System.setProperty(GoldenCommand.MAX_ROW_PROPERTY, before);
            }
        }
    }

    @Test
    void aTokenTooLongForAnIntegerIsNamedShortly() {
        Run r = golden("1 " + "9".repeat(100_000) + "\n", "shiftmax", "--param", "X=20");
        assertEquals(2, r.code());
        assertEquals("vitgen golden shiftmax: line 1, column 3: '999999999999999999999999...' is not an integer"
                + " (or exceeds 64 bits)\n", r.err());
        assertTrue(golden("\uFF11\n", "shiftmax", "--param", "X=20").err().contains("is not an integer"),
                "digits must be ASCII");
        Run edges = golden("-9223372036854775808 9223372036854775807 +5 -0\n", "requant", "--param", "m=1",
                "--param", "k=0", "--param", "bits=64");
        assertEquals("-9223372036854775808 9223372036854775807 5 0\n", edges.out(), edges.err());
        for (String bad : new String[] {"9223372036854775808", "-9223372036854775809", "-", "+", "1-2", "0x10"}) {
            Run r2 = golden("0 " + bad + "\n", "requant", "--param", "m=1", "--param", "k=0", "--param", "bits=64");
            assertEquals("vitgen golden requant: line 1, column 3: '" + bad + "' is not an integer (or exceeds 64 bits)\n",
                    r2.err(), bad);
        }
    }

    @Test
    void unknownParametersAreNamed() {
        Run noOp = main("", "golden", "--param", "Y=20");
        assertEquals(2, noOp.code());
        assertTrue(noOp.err().startsWith("vitgen golden: no operator given") && noOp.err().contains("'Y'"), noOp.err());
        Run y = golden("", "shiftmax", "--param", "Y=20");
        assertEquals(2, y.code());
        assertEquals("vitgen golden shiftmax: operator shiftmax has no parameter 'Y' (shiftmax takes X, S, b;"
                + " see vitgen golden --help)\n", y.err());
        assertTrue(golden("", "shiftmax", "--param", "x=20").err().contains("did you mean 'X'?"));
        assertTrue(golden("", "shiftmx").err().contains("unknown operator 'shiftmx'; did you mean 'shiftmax'?"));
        Run gemm = golden("", "gemm", "--param", "K=65536", "--param", "N=65536");
        assertEquals(2, gemm.code());
        assertTrue(gemm.err().contains("16777216"), gemm.err());
    }
}
