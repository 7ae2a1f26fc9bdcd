package io.vitgen.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.UncheckedIOException;
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

/**
 * {@code vitgen golden OP [--param k=v]...}: runs one golden-model operator on rows of integers read
 * from standard input and prints its integer outputs, one line per row (two for log2softmax).
 */
public final class GoldenCommand {

    private GoldenCommand() {
    }

    /** An error in the input data or parameters; the message names where. */
    static final class InputError extends Exception {
        private static final long serialVersionUID = 1L;

        InputError(String message) {
            super(message);
        }
    }

    /** One whitespace-separated row: values and the 1-based character column of each. */
    record Row(int line, long[] values, int[] columns, int endColumn) {
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

    static final String HELP = """
            usage: vitgen golden OP [--param NAME=VALUE]...  < rows  > outputs
                   vitgen golden model --model FILE --image PICTURE [--dump FILE]   (whole ViT; --help)
                   vitgen golden --help

            Runs one operator of the bit-exact golden model (shared/spec/INTOPS.md) on rows of
            whitespace-separated integers read from standard input, one row per line, and writes the
            integer outputs in the same format, one line per row (log2softmax: two lines per row).
            Blank lines are skipped. A token that is not an integer, a value outside the operator's
            domain or a row of the wrong length stops the run with an error naming the line and
            column; the exit code is then 2 (0 on success). Outputs already written stay written.

            Operators and parameters (INTOPS names; [default]):

              requant      y = sat_b(RNE(z * m / 2^k))                                   (INTOPS 1)
                           m=INT k=INT, or ratio=REAL (m, k derived as in INTOPS 1); bits=[8] 1..64
                           m and k may be comma lists with one entry per column (per channel).
                           in: any signed 64-bit z.  out: y per element.
              residual     y = sat_b(RNE(z1 * m1 / 2^k1) + RNE(z2 * m2 / 2^k2))             (INTOPS 1)
                           m1=INT k1=INT (or ratio1=REAL), m2=INT k2=INT (or ratio2=REAL);
                           bits=[8]; lists give one entry per channel.
                           in: the N values z1 of branch 1, then the N values z2 of branch 2.
                           out: y per element (N values).
              shiftexp     e = ShiftExp(d; X, n)                                          (INTOPS 2)
                           X=1..16777216 n=[15] 0..40 cap=INT (optional)
                           in: d <= 0 (d in [-2^40, 0]); with cap, d in [-2^40, 2^40] and the
                           output is min(e, cap), e.g. cap=2147483647 for ShiftGELU's e_m.
                           out: e per element.
              shiftmax     softmax over the row                                          (INTOPS 3)
                           X=INT (or S=REAL, X = ceil(1/S)); b=[16] 8|16
                           in: int8 scores.  out: y per element (b=16: 0..32767, b=8: 0..127).
              log2softmax  log2-quantized softmax                                        (INTOPS 4)
                           X=INT (or S=REAL)
                           in: int8 scores.  out: TWO lines per row: first the codes (0..15),
                           then the zero flags (0 or 1); value = 2^-code, or 0 when the flag is 1.
              shiftgelu    x * sigmoid(1.702 x) over the row (the hidden channels of a token) (INTOPS 5)
                           X=1..127 (or S=REAL, X = ceil(1/(1.702 S))); output=[out]|sig
                           in: int8 x.  out: out_i = x_i * sig_i (int16), or sig_i (0..127).
              layernorm    I-LayerNorm over the row (the channels of a token)            (INTOPS 6)
                           bias=B1,B2,...,BC (optional, default all 0; fixes the row length C)
                           in: int16 x.  out: yhat_i + bias_i per element.
              iexp         I-BERT polynomial exp                                          (INTOPS 7)
                           S=REAL (input scale; constants x0, b, c derived from it)
                           in: d in [-2^31, 0].  out: E per element (scale 0.35815147 S^2 / 2^30).
              igelu        I-BERT polynomial GELU                                         (INTOPS 7)
                           S=REAL (input scale, at most ~0.0052)
                           in: signed 32-bit x.  out: x * (t + one) per element (scale S * S_e / 2).
              gemm         integer GEMM, acc = bias + a * w                               (INTOPS 8)
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

    /** Entry point; returns the exit code (0 ok, 2 bad usage or input). */
    public static int run(String[] args, InputStream in, PrintStream out, PrintStream err) {
        if (args.length == 0) {
            err.print(HELP);
            return 2;
        }
        if (args[0].equals("--help") || args[0].equals("-h")) {
            out.print(HELP);
            return 0;
        }
        if (args[0].equals("model")) {
            return ModelCli.run(new GoldenModelCommand(), "golden model", Arrays.copyOfRange(args, 1, args.length), out, err);
        }
        String op = args[0].toLowerCase(Locale.ROOT);
        Map<String, String> params = new LinkedHashMap<>();
        for (int i = 1; i < args.length; i++) {
            String a = args[i];
            String kv;
            if (a.equals("--param") || a.equals("-p")) {
                if (i + 1 >= args.length) {
                    err.println("vitgen golden: --param needs NAME=VALUE");
                    return 2;
                }
                kv = args[++i];
            } else if (a.startsWith("--param=")) {
                kv = a.substring("--param=".length());
            } else if (a.equals("--help")) {
                out.print(HELP);
                return 0;
            } else {
                err.println("vitgen golden: unexpected argument '" + a + "' (use --param NAME=VALUE)");
                return 2;
            }
            int eq = kv.indexOf('=');
            if (eq <= 0) {
                err.println("vitgen golden: --param '" + kv + "' is not NAME=VALUE");
                return 2;
            }
            if (params.put(kv.substring(0, eq).trim(), kv.substring(eq + 1)) != null) {
                err.println("vitgen golden: parameter " + kv.substring(0, eq).trim() + " given twice");
                return 2;
            }
        }
        Operator operator;
        try {
            Params p = new Params(params);
            operator = create(op, p);
            if (operator != null) {
                p.requireAllUsed(op);
            }
        } catch (InputError e) {
            err.println("vitgen golden " + op + ": " + e.getMessage());
            return 2;
        } catch (IllegalArgumentException e) {
            err.println("vitgen golden " + op + ": " + e.getMessage());
            return 2;
        }
        if (operator == null) {
            err.println("vitgen golden: unknown operator '" + args[0]
                    + "'; operators: requant, residual, shiftexp, shiftmax, log2softmax, shiftgelu, layernorm, iexp, igelu, gemm");
            return 2;
        }
        BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        int lineNo = 0;
        try {
            String line;
            while ((line = reader.readLine()) != null) {
                lineNo++;
                Row row = parse(line, lineNo);
                if (row == null) {
                    continue;
                }
                try {
                    operator.row(row, out);
                } catch (IllegalArgumentException | ArithmeticException e) {
                    throw new InputError("line " + lineNo + ": " + e.getMessage());
                }
            }
            operator.end();
        } catch (InputError e) {
            out.flush();
            err.println("vitgen golden " + op + ": " + e.getMessage());
            return 2;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        out.flush();
        return 0;
    }

    /** Splits a line into integers; null for a blank line. */
    static Row parse(String line, int lineNo) throws InputError {
        List<Long> values = new ArrayList<>();
        List<Integer> cols = new ArrayList<>();
        int i = 0;
        int n = line.length();
        while (i < n) {
            while (i < n && Character.isWhitespace(line.charAt(i))) {
                i++;
            }
            if (i >= n) {
                break;
            }
            int start = i;
            while (i < n && !Character.isWhitespace(line.charAt(i))) {
                i++;
            }
            String tok = line.substring(start, i);
            try {
                values.add(Long.parseLong(tok));
            } catch (NumberFormatException e) {
                throw new InputError("line " + lineNo + ", column " + (start + 1) + ": '" + tok
                        + "' is not an integer (or exceeds 64 bits)");
            }
            cols.add(start + 1);
        }
        if (values.isEmpty()) {
            return null;
        }
        long[] v = new long[values.size()];
        int[] c = new int[values.size()];
        for (int k = 0; k < v.length; k++) {
            v[k] = values.get(k);
            c[k] = cols.get(k);
        }
        return new Row(lineNo, v, c, n + 1);
    }

    static String join(long[] v) {
        StringBuilder sb = new StringBuilder(v.length * 6);
        for (int i = 0; i < v.length; i++) {
            if (i > 0) {
                sb.append(' ');
            }
            sb.append(v[i]);
        }
        return sb.toString();
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
                    out.println(join(Shiftmax.apply(row.values(), x, b)));
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
                    out.println(join(code));
                    out.println(join(zero));
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
                    out.println(join(sig ? t.sig() : t.out()));
                };
            }
            case "layernorm": {
                long[] bias = p.list("bias", Long.MIN_VALUE / 4, Long.MAX_VALUE / 4);
                return (row, out) -> {
                    if (bias != null) {
                        row.requireLength(bias.length, "C = number of bias entries");
                    }
                    row.requireRange(-32768, 32767, "int16 LayerNorm input");
                    out.println(join(IntLayerNorm.apply(row.values(), bias != null ? bias : new long[row.values().length])));
                };
            }
            case "iexp": {
                PolyExp.Constants k = PolyExp.Constants.of(p.real("S"));
                return (row, out) -> {
                    row.requireRange(Integer.MIN_VALUE, 0, "i-exp input d");
                    out.println(join(PolyExp.apply(row.values(), k)));
                };
            }
            case "igelu": {
                PolyGelu.Constants k = PolyGelu.Constants.of(p.real("S"));
                return (row, out) -> {
                    row.requireRange(Integer.MIN_VALUE, Integer.MAX_VALUE, "signed 32-bit i-GELU input");
                    out.println(join(PolyGelu.apply(row.values(), k)));
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
            out.println(join(y));
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
            out.println(join(y));
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
            out.println(join(e));
        };
    }

    private static Operator gemm(Params p) throws InputError {
        int k = (int) p.integer("K", null, 1, 1 << 20);
        int n = (int) p.integer("N", null, 1, 1 << 20);
        int aBits = (int) p.integer("abits", 8L, 2, 16);
        int wBits = (int) p.integer("wbits", 8L, 2, 16);
        long[] bias = p.list("bias", Integer.MIN_VALUE, Integer.MAX_VALUE);
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
                out.println(join(s == null ? acc[0] : IntGemm.requantize(acc, s, bits)[0]));
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
