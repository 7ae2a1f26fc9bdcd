package io.vitgen.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import io.vitgen.golden.DyadicScale;
import io.vitgen.golden.IntGemm;
import io.vitgen.golden.IntLayerNorm;
import io.vitgen.golden.Log2Softmax;
import io.vitgen.golden.PolyExp;
import io.vitgen.golden.PolyGelu;
import io.vitgen.golden.ShiftExp;
import io.vitgen.golden.ShiftGelu;
import io.vitgen.golden.Shiftmax;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code vitgen golden OP [--param k=v]...}: runs one golden-model operator on rows of integers read
 * from standard input and prints its integer outputs, one line per row (two for log2softmax).
 */
@Command(name = "golden", usageHelpWidth = 100, subcommands = GoldenModelCommand.class,
        description = {
            "run one bit-exact golden-model operator on integer rows from stdin (--help lists operators)",
            "",
            "Runs one operator of the bit-exact golden model (docs/arithmetic.md) on rows of",
            "whitespace-separated integers read from standard input, one row per line, and writes the",
            "integer outputs in the same format, one line per row (log2softmax: two lines per row).",
            "Blank lines are skipped. A token that is not an integer, a value outside the operator's",
            "domain or a row of the wrong length stops the run with an error naming the line and",
            "column; the exit code is then 2 (0 on success). Outputs already written stay written.",
            "A row holds at most 4194304 values (it is kept in memory); a longer one stops the run."},
        footer = {"", GoldenCommand.OPERATOR_HELP})
public final class GoldenCommand extends CliCommand {

    /** An error in the input data or parameters; the message names where. */
    static final class InputError extends Exception {
        private static final long serialVersionUID = 1L;

        InputError(String message) {
            super(message);
        }
    }

    /** One whitespace-separated row: values and the 1-based character column of each. */
    record Row(long line, long[] values, long[] columns, long endColumn) {
        String at(int i) {
            return "line " + line + ", column " + (i < columns.length ? columns[i] : endColumn);
        }

        void requireLength(int n, String what) throws InputError {
            if (values.length != n) {
                int col = values.length > n ? n : values.length;
                throw new InputError(at(col) + ": row has " + values.length + " values, expected " + n + " (" + what + ")");
            }
        }

        void requireRange(long lo, long hi, String what) throws InputError {
            for (int i = 0; i < values.length; i++) {
                if (values[i] < lo || values[i] > hi) {
                    throw new InputError(at(i) + ": " + values[i] + " is outside the " + what + " range [" + lo
                            + ", " + hi + "]");
                }
            }
        }
    }

    /** An operator bound to its parameters; consumes rows and prints output lines. */
    interface Operator {
        void row(Row row, PrintStream out) throws InputError;

        /** Called after the last row (gemm checks that the weights were complete). */
        default void end() throws InputError {
        }
    }

    /** Typed access to the --param values; every key must be consumed. */
    static final class Params {
        private final Map<String, String> values;
        private final Set<String> used = new java.util.HashSet<>();

        Params(Map<String, String> values) {
            this.values = values;
        }

        boolean has(String key) {
            return values.containsKey(key);
        }

        String string(String key, String dflt) {
            used.add(key);
            return values.getOrDefault(key, dflt);
        }

        long integer(String key, Long dflt, long lo, long hi) throws InputError {
            used.add(key);
            String v = values.get(key);
            if (v == null) {
                if (dflt == null) {
                    throw new InputError("parameter " + key + " is required (--param " + key + "=...)");
                }
                return dflt;
            }
            long x;
            try {
                x = Long.parseLong(v.trim());
            } catch (NumberFormatException e) {
                throw new InputError("parameter " + key + " = '" + v + "' is not an integer");
            }
            if (x < lo || x > hi) {
                throw new InputError("parameter " + key + " = " + x + " is outside [" + lo + ", " + hi + "]");
            }
            return x;
        }

        double real(String key) throws InputError {
            used.add(key);
            String v = values.get(key);
            if (v == null) {
                throw new InputError("parameter " + key + " is required (--param " + key + "=...)");
            }
            try {
                double d = Double.parseDouble(v.trim());
                if (!Double.isFinite(d)) {
                    throw new NumberFormatException();
                }
                return d;
            } catch (NumberFormatException e) {
                throw new InputError("parameter " + key + " = '" + v + "' is not a finite number");
            }
        }

        long[] list(String key, long lo, long hi) throws InputError {
            used.add(key);
            String v = values.get(key);
            if (v == null) {
                return null;
            }
            String[] parts = v.split(",", -1);
            long[] out = new long[parts.length];
            for (int i = 0; i < parts.length; i++) {
                try {
                    out[i] = Long.parseLong(parts[i].trim());
                } catch (NumberFormatException e) {
                    throw new InputError("parameter " + key + ": entry " + (i + 1) + " '" + parts[i]
                            + "' is not an integer");
                }
                if (out[i] < lo || out[i] > hi) {
                    throw new InputError("parameter " + key + ": entry " + (i + 1) + " = " + out[i]
                            + " is outside [" + lo + ", " + hi + "]");
                }
            }
            return out;
        }

        void requireAllUsed(String op) throws InputError {
            for (String k : values.keySet()) {
                if (!used.contains(k)) {
                    throw new InputError("operator " + op + " has no parameter '" + k + "' (see vitgen golden --help)");
                }
            }
        }
    }

    /** Rows longer than this many values are refused (a row is held in memory): 4,194,304 by default. */
    static final String MAX_ROW_PROPERTY = "vitgen.golden.maxRow";
    static final int DEFAULT_MAX_ROW = 1 << 22;
    /** gemm holds its K x N weights in memory: at most this many. */
    static final long MAX_WEIGHTS = 1L << 24;

    /** The operators and the parameters each takes (for "unknown parameter" messages). */
    static final Map<String, List<String>> OPERATORS = operatorTable();

    private static Map<String, List<String>> operatorTable() {
        Map<String, List<String>> m = new LinkedHashMap<>();
        m.put("requant", List.of("m", "k", "ratio", "bits"));
        m.put("residual", List.of("m1", "k1", "ratio1", "m2", "k2", "ratio2", "bits"));
        m.put("shiftexp", List.of("X", "n", "cap"));
        m.put("shiftmax", List.of("X", "S", "b"));
        m.put("log2softmax", List.of("X", "S"));
        m.put("shiftgelu", List.of("X", "S", "output"));
        m.put("layernorm", List.of("bias"));
        m.put("iexp", List.of("S"));
        m.put("igelu", List.of("S"));
        m.put("gemm", List.of("K", "N", "abits", "wbits", "bias", "m", "k", "ratio", "bits"));
        return java.util.Collections.unmodifiableMap(m);
    }

    static final String OPERATOR_HELP = """
            Operators and parameters ([default]; "section N" = docs/arithmetic.md section N):

              requant      y = sat_b(RNE(z * m / 2^k))                                   (section 1)
                           m=INT k=INT, or ratio=REAL (m, k derived as in section 1); bits=[8] 1..64
                           m and k may be comma lists with one entry per column (per channel).
                           in: any signed 64-bit z.  out: y per element.
              residual     y = sat_b(RNE(z1 * m1 / 2^k1) + RNE(z2 * m2 / 2^k2))             (section 1)
                           m1=INT k1=INT (or ratio1=REAL), m2=INT k2=INT (or ratio2=REAL);
                           bits=[8]; lists give one entry per channel.
                           in: the N values z1 of branch 1, then the N values z2 of branch 2.
                           out: y per element (N values).
              shiftexp     e = ShiftExp(d; X, n)                                          (section 2)
                           X=1..16777216 n=[15] 0..40 cap=INT (optional)
                           in: d <= 0 (d in [-2^40, 0]); with cap, d in [-2^40, 2^40] and the
                           output is min(e, cap), e.g. cap=2147483647 for ShiftGELU's e_m.
                           out: e per element.
              shiftmax     softmax over the row                                          (section 3)
                           X=INT (or S=REAL, X = ceil(1/S)); b=[16] 8|16
                           in: int8 scores.  out: y per element (b=16: 0..32767, b=8: 0..127).
              log2softmax  log2-quantized softmax                                        (section 4)
                           X=INT (or S=REAL)
                           in: int8 scores.  out: TWO lines per row: first the codes (0..15),
                           then the zero flags (0 or 1); value = 2^-code, or 0 when the flag is 1.
              shiftgelu    x * sigmoid(1.702 x) over the row (the hidden channels of a token) (section 5)
                           X=1..127 (or S=REAL, X = ceil(1/(1.702 S))); output=[out]|sig
                           in: int8 x.  out: out_i = x_i * sig_i (int16), or sig_i (0..127).
              layernorm    I-LayerNorm over the row (the channels of a token)            (section 6)
                           bias=B1,B2,...,BC (optional, default all 0; fixes the row length C)
                           in: int16 x.  out: yhat_i + bias_i per element.
              iexp         I-BERT polynomial exp                                          (section 7)
                           S=REAL (input scale; constants x0, b, c derived from it)
                           in: d in [-2^31, 0].  out: E per element (scale 0.35815147 S^2 / 2^30).
              igelu        I-BERT polynomial GELU                                         (section 7)
                           S=REAL (input scale, at most ~0.0052)
                           in: signed 32-bit x.  out: x * (t + one) per element (scale S * S_e / 2).
              gemm         integer GEMM, acc = bias + a * w                               (section 8)
                           K=INT N=INT bias=B1,...,BN (optional, int32)
                           abits=[8] wbits=[8] 2..16; m=..,k=.. or ratio=.. (optional, lists of 1 or N
                           entries) and bits=[8]: requantize the accumulators per output channel.
                           in: first K lines = the weight matrix w, row r = w[r][0..N-1];
                               then any number of activation rows a[i][0..K-1].
                           out: one line of N values per activation row (accumulators, or the
                           requantized values when m/k or ratio is given). Weight lines print nothing.

            Example: echo "10 0 -5 -20 3 127 -128 64" | vitgen golden shiftmax --param X=20 --param b=16
                     97 56 47 21 66 31070 0 1407
            """;


    @Parameters(index = "0", arity = "0..1", paramLabel = "OP", description = "the operator (list below)")
    String op;

    @Option(names = {"-p", "--param"}, paramLabel = "NAME=VALUE", description = "an operator parameter; repeatable")
    List<String> paramList = new ArrayList<>();

    /** Runs {@code vitgen golden ARGS}; returns the exit code (0 ok, 2 bad usage or input). */
    public static int run(String[] args, InputStream in, PrintStream out, PrintStream err) {
        String[] all = new String[args.length + 1];
        all[0] = "golden";
        System.arraycopy(args, 0, all, 1, args.length);
        return Main.run(all, in, out, err);
    }

    @Override
    public Integer call() {
        PrintStream out = io.out();
        PrintStream err = io.err();
        Map<String, String> params = new LinkedHashMap<>();
        for (String kv : paramList) {
            int eq = kv.indexOf('=');
            if (eq <= 0) {
                return usageError("--param '" + kv + "' is not NAME=VALUE");
            }
            if (params.put(kv.substring(0, eq).trim(), kv.substring(eq + 1)) != null) {
                return usageError("parameter " + kv.substring(0, eq).trim() + " given twice");
            }
        }
        if (op == null) {
            StringBuilder msg = new StringBuilder("no operator given; put it first: vitgen golden OP --param NAME=VALUE"
                    + " (operators: " + String.join(", ", OPERATORS.keySet()) + ")");
            for (String k : params.keySet()) {
                boolean known = OPERATORS.values().stream().anyMatch(l -> l.contains(k));
                if (!known) {
                    msg.append("; and no operator has a parameter '").append(k).append("'");
                }
            }
            if (params.isEmpty()) {
                err.println(name() + ": " + msg);
                spec.commandLine().usage(err);
                return 2;
            }
            return usageError(msg.toString());
        }
        String opName = op.toLowerCase(Locale.ROOT);
        List<String> accepted = OPERATORS.get(opName);
        if (accepted == null) {
            return usageError("unknown operator '" + op + "'" + Main.suggestion(opName, OPERATORS.keySet())
                    + " (operators: " + String.join(", ", OPERATORS.keySet()) + ")");
        }
        String prefix = name() + " " + opName + ": ";
        for (String k : params.keySet()) {
            if (!accepted.contains(k)) {
                String near = Main.nearest(k, accepted);
                err.println(prefix + "operator " + opName + " has no parameter '" + k + "'"
                        + (near != null ? "; did you mean '" + near + "'?" : "") + " (" + opName + " takes "
                        + String.join(", ", accepted) + "; see vitgen golden --help)");
                return 2;
            }
        }
        Operator operator;
        try {
            Params p = new Params(params);
            operator = create(opName, p);
            p.requireAllUsed(opName);
        } catch (InputError | IllegalArgumentException e) {
            err.println(prefix + e.getMessage());
            return 2;
        }
        RowReader reader = new RowReader(in(), maxRow());
        try {
            Row row;
            while ((row = reader.next()) != null) {
                try {
                    operator.row(row, out);
                } catch (IllegalArgumentException | ArithmeticException e) {
                    throw new InputError("line " + row.line() + ": " + e.getMessage());
                }
            }
            operator.end();
        } catch (InputError e) {
            out.flush();
            err.println(prefix + e.getMessage());
            return 2;
        } catch (IOException e) {
            out.flush();
            err.println(prefix + "cannot read the input: " + e.getMessage());
            return 1;
        }
        out.flush();
        return 0;
    }

    private Reader in() {
        return new InputStreamReader(io.in(), StandardCharsets.UTF_8);
    }

    /** The row limit: {@value #DEFAULT_MAX_ROW} values, or the system property {@value #MAX_ROW_PROPERTY}. */
    static int maxRow() {
        String v = System.getProperty(MAX_ROW_PROPERTY);
        if (v == null) {
            return DEFAULT_MAX_ROW;
        }
        try {
            return Math.max(1, Integer.parseInt(v.trim()));
        } catch (NumberFormatException e) {
            return DEFAULT_MAX_ROW;
        }
    }

    /**
     * Reads rows of whitespace-separated integers straight from the character stream, without
     * holding a line as text: memory is bounded by {@code maxRow} values, whatever the length of the
     * input line. Blank lines are skipped.
     */
    static final class RowReader {
        /** Longer tokens are not 64-bit integers; only this much of one is kept for the message. */
        private static final int MAX_TOKEN = 24;

        private final Reader in;
        private final int maxRow;
        private final char[] buf = new char[1 << 16];
        private int pos;
        private int len;
        private long line;
        private long[] values = new long[64];
        private long[] columns = new long[64];
        private final StringBuilder token = new StringBuilder();

        RowReader(Reader in, int maxRow) {
            this.in = in;
            this.maxRow = maxRow;
        }

        private int read() throws IOException {
            if (pos == len) {
                len = in.read(buf, 0, buf.length);
                pos = 0;
                if (len <= 0) {
                    len = 0;
                    return -1;
                }
            }
            return buf[pos++];
        }

        /** The next non-blank row, or null at the end of the input. */
        Row next() throws IOException, InputError {
            while (true) {
                int c = read();
                if (c < 0) {
                    return null;
                }
                line++;
                int n = 0;
                long col = 1; // the column of c
                while (c >= 0 && c != '\n') {
                    if (Character.isWhitespace(c)) {
                        c = read();
                        col++;
                        continue;
                    }
                    long start = col;
                    token.setLength(0);
                    boolean truncated = false;
                    boolean ok = true;
                    boolean negative = c == '-';
                    int digits = 0;
                    long v = 0; // accumulated negatively: -2^63 fits, +2^63 does not
                    boolean first = true;
                    while (c >= 0 && c != '\n' && !Character.isWhitespace(c)) {
                        if (token.length() < MAX_TOKEN) {
                            token.append((char) c);
                        } else {
                            truncated = true;
                        }
                        if (first && (c == '-' || c == '+')) {
                            first = false;
                        } else if (ok && c >= '0' && c <= '9') {
                            int d = c - '0';
                            if (v < (Long.MIN_VALUE + d) / 10) {
                                ok = false;
                            } else {
                                v = v * 10 - d;
                                digits++;
                            }
                            first = false;
                        } else {
                            ok = false;
                            first = false;
                        }
                        c = read();
                        col++;
                    }
                    if (ok && !negative) {
                        ok = v != Long.MIN_VALUE;
                        v = -v;
                    }
                    if (!ok || digits == 0) {
                        throw new InputError("line " + line + ", column " + start + ": '" + token
                                + (truncated ? "..." : "") + "' is not an integer (or exceeds 64 bits)");
                    }
                    if (n == maxRow) {
                        throw new InputError("line " + line + ", column " + start + ": the row has more than "
                                + maxRow + " values, the most vitgen golden holds in memory for one row;"
                                + " give shorter rows");
                    }
                    if (n == values.length) {
                        int grown = (int) Math.min((long) maxRow, 2L * n);
                        values = Arrays.copyOf(values, grown);
                        columns = Arrays.copyOf(columns, grown);
                    }
                    values[n] = v;
                    columns[n] = start;
                    n++;
                }
                if (n > 0) {
                    return new Row(line, Arrays.copyOf(values, n), Arrays.copyOf(columns, n), col);
                }
                if (c < 0) {
                    return null;
                }
            }
        }
    }

    /** Prints the values separated by spaces and ends the line, without building one huge string. */
    static void print(PrintStream out, long[] v) {
        StringBuilder sb = new StringBuilder(8192);
        for (int i = 0; i < v.length; i++) {
            if (i > 0) {
                sb.append(' ');
            }
            sb.append(v[i]);
            if (sb.length() > 8000) {
                out.print(sb);
                sb.setLength(0);
            }
        }
        out.println(sb);
    }

    static Operator create(String op, Params p) throws InputError {
        switch (op) {
            case "requant":
                return requant(p);
            case "residual":
                return residual(p);
            case "shiftexp":
                return shiftexp(p);
            case "shiftmax": {
                long x = softmaxX(p);
                int b = (int) p.integer("b", 16L, 8, 16);
                if (b != 8 && b != 16) {
                    throw new InputError("parameter b = " + b + " must be 8 or 16");
                }
                return (row, out) -> {
                    row.requireRange(-128, 127, "int8 score");
                    print(out, Shiftmax.apply(row.values(), x, b));
                };
            }
            case "log2softmax": {
                long x = softmaxX(p);
                return (row, out) -> {
                    row.requireRange(-128, 127, "int8 score");
                    Log2Softmax.Result r = Log2Softmax.apply(row.values(), x);
                    long[] code = new long[r.code().length];
                    long[] zero = new long[code.length];
                    for (int i = 0; i < code.length; i++) {
                        code[i] = r.code()[i];
                        zero[i] = r.zero()[i] ? 1 : 0;
                    }
                    print(out, code);
                    print(out, zero);
                };
            }
            case "shiftgelu": {
                if (p.has("S") && p.has("X")) {
                    throw new InputError("give either X or S, not both");
                }
                long x = p.has("S") ? ShiftGelu.xFromScale(p.real("S")) : p.integer("X", null, 1, 127);
                String what = p.string("output", "out");
                if (!what.equals("out") && !what.equals("sig")) {
                    throw new InputError("parameter output = '" + what + "' must be out or sig");
                }
                boolean sig = what.equals("sig");
                return (row, out) -> {
                    row.requireRange(-128, 127, "int8 GELU input");
                    ShiftGelu.Trace t = ShiftGelu.trace(row.values(), x);
                    print(out, sig ? t.sig() : t.out());
                };
            }
            case "layernorm": {
                long[] bias = p.list("bias", Long.MIN_VALUE / 4, Long.MAX_VALUE / 4);
                return (row, out) -> {
                    if (bias != null) {
                        row.requireLength(bias.length, "C = number of bias entries");
                    }
                    row.requireRange(-32768, 32767, "int16 LayerNorm input");
                    print(out, IntLayerNorm.apply(row.values(), bias != null ? bias : new long[row.values().length]));
                };
            }
            case "iexp": {
                PolyExp.Constants k = PolyExp.Constants.of(p.real("S"));
                return (row, out) -> {
                    row.requireRange(Integer.MIN_VALUE, 0, "i-exp input d");
                    print(out, PolyExp.apply(row.values(), k));
                };
            }
            case "igelu": {
                PolyGelu.Constants k = PolyGelu.Constants.of(p.real("S"));
                return (row, out) -> {
                    row.requireRange(Integer.MIN_VALUE, Integer.MAX_VALUE, "signed 32-bit i-GELU input");
                    print(out, PolyGelu.apply(row.values(), k));
                };
            }
            case "gemm":
                return gemm(p);
            default:
                return null;
        }
    }

    private static long softmaxX(Params p) throws InputError {
        if (p.has("S")) {
            if (p.has("X")) {
                throw new InputError("give either X or S, not both");
            }
            return ShiftExp.xFromScale(p.real("S"));
        }
        return p.integer("X", null, 1, 1L << 24);
    }

    /** m/k lists or a ratio; null when neither is given and {@code optional}. */
    private static DyadicScale[] scales(Params p, boolean optional) throws InputError {
        return scales(p, optional, "");
    }

    /** The scales named m{suffix}, k{suffix} or ratio{suffix} (one per channel, or one for all). */
    private static DyadicScale[] scales(Params p, boolean optional, String suffix) throws InputError {
        String mName = "m" + suffix;
        String kName = "k" + suffix;
        String ratioName = "ratio" + suffix;
        if (p.has(ratioName)) {
            if (p.has(mName) || p.has(kName)) {
                throw new InputError("give either " + ratioName + " or " + mName + " and " + kName + ", not both");
            }
            String[] parts = p.string(ratioName, "").split(",", -1);
            DyadicScale[] s = new DyadicScale[parts.length];
            for (int i = 0; i < parts.length; i++) {
                try {
                    s[i] = DyadicScale.fromRatio(Double.parseDouble(parts[i].trim()));
                } catch (NumberFormatException e) {
                    throw new InputError("parameter " + ratioName + ": entry " + (i + 1) + " '" + parts[i]
                            + "' is not a number");
                }
            }
            return s;
        }
        if (optional && !p.has(mName) && !p.has(kName)) {
            return null;
        }
        if (!p.has(mName) || !p.has(kName)) {
            throw new InputError("parameters " + mName + " and " + kName + " are both required (or "
                    + ratioName + "=REAL)");
        }
        long[] m = p.list(mName, -(1L << 31) + 1, (1L << 31) - 1);
        long[] k = p.list(kName, 0, DyadicScale.MAX_K);
        int n = Math.max(m.length, k.length);
        if ((m.length != 1 && m.length != n) || (k.length != 1 && k.length != n)) {
            throw new InputError(mName + " has " + m.length + " entries and " + kName + " has " + k.length
                    + "; give 1 or the same count");
        }
        DyadicScale[] s = new DyadicScale[n];
        for (int i = 0; i < n; i++) {
            s[i] = new DyadicScale(m[m.length == 1 ? 0 : i], (int) k[k.length == 1 ? 0 : i]);
        }
        return s;
    }

    private static Operator residual(Params p) throws InputError {
        DyadicScale[] s1 = scales(p, false, "1");
        DyadicScale[] s2 = scales(p, false, "2");
        int bits = (int) p.integer("bits", 8L, 1, 64);
        int channels = Math.max(s1.length, s2.length);
        if ((s1.length != 1 && s1.length != channels) || (s2.length != 1 && s2.length != channels)) {
            throw new InputError("the two branches have " + s1.length + " and " + s2.length
                    + " scales; give 1 or the same count");
        }
        return (row, out) -> {
            long[] v = row.values();
            if (v.length % 2 != 0) {
                throw new InputError("line " + row.line() + ": a residual row holds the N values of branch 1"
                        + " followed by the N values of branch 2, so its length must be even; got " + v.length);
            }
            int n = v.length / 2;
            if (channels > 1) {
                row.requireLength(2 * channels, "2 x " + channels + " values (branch 1, then branch 2)");
            }
            long[] y = new long[n];
            for (int i = 0; i < n; i++) {
                y[i] = DyadicScale.residualAdd(v[i], s1[s1.length == 1 ? 0 : i], v[n + i],
                        s2[s2.length == 1 ? 0 : i], bits);
            }
            print(out, y);
        };
    }

    private static Operator requant(Params p) throws InputError {
        DyadicScale[] s = scales(p, false);
        int bits = (int) p.integer("bits", 8L, 1, 64);
        return (row, out) -> {
            if (s.length > 1) {
                row.requireLength(s.length, "one value per m/k entry");
            }
            long[] v = row.values();
            long[] y = new long[v.length];
            for (int i = 0; i < v.length; i++) {
                y[i] = s[s.length == 1 ? 0 : i].apply(v[i], bits);
            }
            print(out, y);
        };
    }

    private static Operator shiftexp(Params p) throws InputError {
        long x = p.integer("X", null, 1, 1L << 24);
        int n = (int) p.integer("n", 15L, 0, 40);
        Long cap = p.has("cap") ? p.integer("cap", null, 1, Long.MAX_VALUE) : null;
        return (row, out) -> {
            row.requireRange(-(1L << 40), cap == null ? 0 : (1L << 40), cap == null ? "ShiftExp input d (d <= 0 without cap)" : "ShiftExp input d");
            long[] v = row.values();
            long[] e = new long[v.length];
            for (int i = 0; i < v.length; i++) {
                e[i] = cap == null ? ShiftExp.of(v[i], x, n) : ShiftExp.saturating(v[i], x, n, cap);
            }
            print(out, e);
        };
    }

    private static Operator gemm(Params p) throws InputError {
        int k = (int) p.integer("K", null, 1, 1 << 20);
        int n = (int) p.integer("N", null, 1, 1 << 20);
        int aBits = (int) p.integer("abits", 8L, 2, 16);
        int wBits = (int) p.integer("wbits", 8L, 2, 16);
        long[] bias = p.list("bias", Integer.MIN_VALUE, Integer.MAX_VALUE);
        if ((long) k * n > MAX_WEIGHTS) {
            throw new InputError("K x N = " + ((long) k * n) + " weights exceed the " + MAX_WEIGHTS
                    + " vitgen golden holds in memory");
        }
        if (bias != null && bias.length != n) {
            throw new InputError("parameter bias has " + bias.length + " entries, expected N = " + n);
        }
        DyadicScale[] s = scales(p, true);
        if (s != null && s.length != 1 && s.length != n) {
            throw new InputError("requantization needs 1 or N = " + n + " scales, got " + s.length);
        }
        int bits = (int) p.integer("bits", 8L, 1, 64);
        long[][] w = new long[k][];
        return new Operator() {
            int weightRows;

            @Override
            public void row(Row row, PrintStream out) throws InputError {
                if (weightRows < k) {
                    row.requireLength(n, "weight row " + (weightRows + 1) + " of " + k + ": N values");
                    row.requireRange(-(1L << (wBits - 1)), (1L << (wBits - 1)) - 1, wBits + "-bit weight");
                    w[weightRows++] = row.values();
                    return;
                }
                row.requireLength(k, "activation row: K values");
                row.requireRange(-(1L << (aBits - 1)), (1L << (aBits - 1)) - 1, aBits + "-bit activation");
                long[][] acc = IntGemm.apply(new long[][] {row.values()}, w, bias);
                print(out, s == null ? acc[0] : IntGemm.requantize(acc, s, bits)[0]);
            }

            @Override
            public void end() throws InputError {
                if (weightRows < k) {
                    throw new InputError("input ended after " + weightRows + " of K = " + k
                            + " weight rows (gemm reads the K x N weights first, then activation rows)");
                }
            }
        };
    }
}
