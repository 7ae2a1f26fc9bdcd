package io.vitgen.golden;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * docs/arithmetic.md, the project's arithmetic reference, is complete and true: it has the sections
 * 0..10, every known-answer table in it (header {@code | operator | parameters | input | output |})
 * is run row by row through the golden model and must match exactly, and every citation of it in
 * the RTL templates, sources, tests, docs and README names a section that exists. No citation of the
 * design's external spec ("INTOPS") is left anywhere.
 */
class ArithmeticDocTest {

    private static final String TABLE_HEADER = "| operator | parameters | input | output |";

    static Path root() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !(Files.isDirectory(p.resolve("rtl-templates")) && Files.isDirectory(p.resolve("docs")))) {
            p = p.getParent();
        }
        if (p == null) {
            throw new IllegalStateException("cannot find the project root (rtl-templates/ and docs/) above "
                    + Path.of("").toAbsolutePath());
        }
        return p;
    }

    private static String doc() throws IOException {
        return Files.readString(root().resolve("docs/arithmetic.md"), StandardCharsets.UTF_8);
    }

    /** The section numbers of the "## N. Title" headings. */
    static Set<Integer> sections(String doc) {
        Set<Integer> out = new TreeSet<>();
        Matcher m = Pattern.compile("(?m)^## (\\d+)\\. ").matcher(doc);
        while (m.find()) {
            out.add(Integer.parseInt(m.group(1)));
        }
        return out;
    }

    @Test
    void hasSectionsZeroToTen() throws IOException {
        Set<Integer> want = new TreeSet<>();
        for (int i = 0; i <= 10; i++) {
            want.add(i);
        }
        assertEquals(want, sections(doc()));
    }

    @Test
    void everyKnownAnswerTableMatchesTheGoldenModel() throws IOException {
        String doc = doc();
        int section = -1;
        boolean inTable = false;
        int rows = 0;
        Set<Integer> sectionsWithAnswers = new TreeSet<>();
        List<String> problems = new ArrayList<>();
        String[] lines = doc.split("\n");
        for (int n = 0; n < lines.length; n++) {
            String line = lines[n];
            Matcher h = Pattern.compile("^## (\\d+)\\. ").matcher(line);
            if (h.find()) {
                section = Integer.parseInt(h.group(1));
            }
            if (line.trim().equals(TABLE_HEADER)) {
                inTable = true;
                n++; // the |---| line
                continue;
            }
            if (inTable && !line.startsWith("|")) {
                inTable = false;
            }
            if (!inTable) {
                continue;
            }
            String[] cells = line.split("\\|", -1);
            if (cells.length != 6) {
                problems.add("line " + (n + 1) + ": expected 4 cells: " + line);
                continue;
            }
            String op = cells[1].trim();
            String got;
            try {
                got = run(op, params(cells[2].trim()), cells[3].trim());
            } catch (RuntimeException e) {
                got = "error: " + e;
            }
            String want = normalize(cells[4].trim());
            if (!want.equals(got)) {
                problems.add("line " + (n + 1) + " (section " + section + ", " + op + "): the document says '" + want
                        + "', the golden model gives '" + got + "'");
            }
            rows++;
            sectionsWithAnswers.add(section);
        }
        assertEquals(List.of(), problems);
        assertTrue(rows >= 30, "known-answer rows: " + rows);
        // every operator section (1 to 9) has known answers
        assertEquals(Set.of(1, 2, 3, 4, 5, 6, 7, 8, 9), sectionsWithAnswers);
    }

    /** Every citation of docs/arithmetic.md names an existing section; no "INTOPS" remains. */
    @Test
    void everyCitationPointsAtAnExistingSection() throws IOException {
        Path root = root();
        Set<Integer> existing = sections(doc());
        List<Path> files = new ArrayList<>();
        for (String dir : List.of("rtl-templates", "generator/src", "testbench/src", "docs", "constraints", "verilator")) {
            Path d = root.resolve(dir);
            if (Files.isDirectory(d)) {
                try (Stream<Path> s = Files.walk(d)) {
                    s.filter(Files::isRegularFile).forEach(files::add);
                }
            }
        }
        files.add(root.resolve("README.md"));
        Pattern plain = Pattern.compile("docs/arithmetic\\.md,? sections? (\\d+)((?:(?:, | and |-| then )\\d+)*)");
        Pattern md = Pattern.compile("arithmetic §(\\d+)((?:(?:, |-| and | then )§\\d+)*)");
        Pattern words = Pattern.compile("arithmetic sections? (\\d+)((?:(?:, | and |-| then )\\d+)*)");
        Pattern number = Pattern.compile("\\d+");
        List<String> problems = new ArrayList<>();
        int citations = 0;
        for (Path f : files) {
            String text;
            try {
                text = Files.readString(f, StandardCharsets.UTF_8);
            } catch (java.nio.charset.MalformedInputException e) {
                continue; // binary
            }
            String rel = root.relativize(f).toString();
            if (f.getFileName().toString().equals("ArithmeticDocTest.java")) {
                continue; // this test spells the patterns out
            }
            int at = text.indexOf("INTOPS");
            if (at >= 0) {
                problems.add(rel + ":" + lineOf(text, at) + ": cites INTOPS; cite docs/arithmetic.md instead");
            }
            for (Pattern p : List.of(plain, md, words)) {
                Matcher m = p.matcher(text);
                while (m.find()) {
                    citations++;
                    Matcher num = number.matcher(m.group());
                    while (num.find()) {
                        int s = Integer.parseInt(num.group());
                        if (!existing.contains(s)) {
                            problems.add(rel + ":" + lineOf(text, m.start()) + ": '" + m.group()
                                    + "' names section " + s + ", which docs/arithmetic.md does not have");
                        }
                    }
                }
            }
        }
        assertEquals(List.of(), problems);
        assertTrue(citations > 100, "citations found: " + citations);
    }

    private static int lineOf(String text, int index) {
        int line = 1;
        for (int i = 0; i < index; i++) {
            if (text.charAt(i) == '\n') {
                line++;
            }
        }
        return line;
    }

    // ---- running a table row ------------------------------------------------------------------

    private static Map<String, String> params(String cell) {
        Map<String, String> out = new LinkedHashMap<>();
        if (!cell.isEmpty()) {
            for (String kv : cell.split("\\s+")) {
                int eq = kv.indexOf('=');
                out.put(kv.substring(0, eq), kv.substring(eq + 1));
            }
        }
        return out;
    }

    /** Whitespace-separated integers, {@code v*N} repeated. */
    private static long[] longs(String text) {
        List<Long> out = new ArrayList<>();
        for (String t : text.trim().split("[\\s,]+")) {
            if (t.isEmpty()) {
                continue;
            }
            int star = t.indexOf('*');
            if (star > 0) {
                long v = Long.parseLong(t.substring(0, star));
                int times = Integer.parseInt(t.substring(star + 1));
                for (int i = 0; i < times; i++) {
                    out.add(v);
                }
            } else {
                out.add(Long.parseLong(t));
            }
        }
        return out.stream().mapToLong(Long::longValue).toArray();
    }

    private static String normalize(String cell) {
        return Arrays.stream(cell.split("\\s*/\\s*")).map(r -> join(longs(r))).collect(Collectors.joining(" / "));
    }

    private static String join(long[] v) {
        return Arrays.stream(v).mapToObj(Long::toString).collect(Collectors.joining(" "));
    }

    private static long p(Map<String, String> p, String name) {
        String v = p.get(name);
        if (v == null) {
            throw new IllegalArgumentException("parameter " + name + " missing");
        }
        return Long.parseLong(v);
    }

    private static String run(String op, Map<String, String> p, String input) {
        switch (op) {
            case "requant": {
                DyadicScale s = new DyadicScale(p(p, "m"), (int) p(p, "k"));
                return join(s.apply(longs(input), (int) p(p, "bits")));
            }
            case "residual": {
                String[] parts = input.split("/");
                long[] z1 = longs(parts[0]);
                long[] z2 = longs(parts[1]);
                DyadicScale s1 = new DyadicScale(p(p, "m1"), (int) p(p, "k1"));
                DyadicScale s2 = new DyadicScale(p(p, "m2"), (int) p(p, "k2"));
                long[] y = new long[z1.length];
                for (int i = 0; i < y.length; i++) {
                    y[i] = DyadicScale.residualAdd(z1[i], s1, z2[i], s2, (int) p(p, "bits"));
                }
                return join(y);
            }
            case "fromratio": {
                DyadicScale s = DyadicScale.fromRatio(Double.parseDouble(input));
                return s.m() + " " + s.k();
            }
            case "shiftexp": {
                long[] d = longs(input);
                long[] e = new long[d.length];
                for (int i = 0; i < d.length; i++) {
                    e[i] = ShiftExp.of(d[i], p(p, "X"), (int) p(p, "n"));
                }
                return join(e);
            }
            case "shiftmax":
                return join(Shiftmax.apply(longs(input), p(p, "X"), (int) p(p, "b")));
            case "shiftmax.e":
                return join(Shiftmax.trace(longs(input), p(p, "X"), 16).e());
            case "shiftmax.s":
                return Long.toString(Shiftmax.trace(longs(input), p(p, "X"), 16).s());
            case "shiftmax.f":
                return Long.toString(Shiftmax.trace(longs(input), p(p, "X"), 16).f());
            case "log2code":
                return join(Arrays.stream(Log2Softmax.apply(longs(input), p(p, "X")).code()).asLongStream().toArray());
            case "log2zero": {
                boolean[] z = Log2Softmax.apply(longs(input), p(p, "X")).zero();
                long[] out = new long[z.length];
                for (int i = 0; i < z.length; i++) {
                    out[i] = z[i] ? 1 : 0;
                }
                return join(out);
            }
            case "attnv": {
                int[] code = Arrays.stream(longs(p.get("codes"))).mapToInt(x -> (int) x).toArray();
                long[] zeroFlags = longs(p.get("zero"));
                boolean[] zero = new boolean[zeroFlags.length];
                for (int i = 0; i < zero.length; i++) {
                    zero[i] = zeroFlags[i] != 0;
                }
                long[][] v;
                if (input.contains("/")) {
                    v = Arrays.stream(input.split("/")).map(ArithmeticDocTest::longs).toArray(long[][]::new);
                } else {
                    long[] flat = longs(input); // one value per key, a single column
                    v = Arrays.stream(flat).mapToObj(x -> new long[] {x}).toArray(long[][]::new);
                }
                return join(Log2Softmax.attentionTimesV(code, zero, v));
            }
            case "shiftgelu":
                return join(ShiftGelu.apply(longs(input), p(p, "X")));
            case "shiftgelu.sig":
                return join(ShiftGelu.sigmoid(longs(input), p(p, "X")));
            case "sqrt":
                return join(Arrays.stream(longs(input)).map(IntLayerNorm::sqrtNewton).toArray());
            case "layernorm": {
                long[] x = longs(input);
                long[] bias = p.containsKey("bias") ? longs(p.get("bias")) : new long[x.length];
                return join(IntLayerNorm.apply(x, bias));
            }
            case "iexp":
                return join(PolyExp.apply(longs(input), PolyExp.Constants.of(Double.parseDouble(p.get("S")))));
            case "igelu":
                return join(PolyGelu.apply(longs(input), PolyGelu.Constants.of(Double.parseDouble(p.get("S")))));
            case "gemm": {
                Matcher m = Pattern.compile("w:(.*);\\s*a:(.*)").matcher(input);
                if (!m.matches()) {
                    throw new IllegalArgumentException("gemm input must be 'w: rows; a: rows'");
                }
                long[][] w = Arrays.stream(m.group(1).split("/")).map(ArithmeticDocTest::longs).toArray(long[][]::new);
                long[][] a = Arrays.stream(m.group(2).split("/")).map(ArithmeticDocTest::longs).toArray(long[][]::new);
                assertEquals(p(p, "K"), w.length, "K");
                assertEquals(p(p, "N"), w[0].length, "N");
                long[][] acc = IntGemm.apply(a, w, longs(p.get("bias")));
                if (p.containsKey("m")) {
                    acc = IntGemm.requantize(acc, new DyadicScale[] {new DyadicScale(p(p, "m"), (int) p(p, "k"))},
                            (int) p(p, "bits"));
                }
                return Arrays.stream(acc).map(ArithmeticDocTest::join).collect(Collectors.joining(" / "));
            }
            case "accbits": {
                long[] k = longs(input);
                long[] out = new long[k.length];
                for (int i = 0; i < k.length; i++) {
                    out[i] = IntGemm.requiredAccBits((int) p(p, "a"), (int) p(p, "w"), (int) k[i]);
                }
                return join(out);
            }
            case "pv16": {
                // P (b = 16) times a V column: the 16-bit product and the two exact int8 passes
                long[] prob = longs(input);
                long[] v = longs(p.get("V"));
                long[][] pRow = {prob};
                long[][] vCol = Arrays.stream(v).mapToObj(x -> new long[] {x}).toArray(long[][]::new);
                long direct = IntGemm.apply(pRow, vCol, null)[0][0];
                long[][] hi = {Arrays.stream(prob).map(x -> x >> 8).toArray()};
                long[][] lo = {Arrays.stream(prob).map(x -> (x & 255) - 128).toArray()};
                for (long x : hi[0]) {
                    assertTrue(x >= 0 && x <= 127, "P_hi out of int8: " + x);
                }
                long sumV = Arrays.stream(v).sum();
                long twoPass = (IntGemm.apply(hi, vCol, null)[0][0] << 8) + IntGemm.apply(lo, vCol, null)[0][0]
                        + 128 * sumV;
                assertEquals(direct, twoPass, "two int8 passes must equal the 16-bit product");
                return Long.toString(direct);
            }
            default:
                throw new IllegalArgumentException("unknown operator '" + op + "' in a known-answer table");
        }
    }
}
