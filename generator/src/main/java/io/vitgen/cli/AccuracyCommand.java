package io.vitgen.cli;

import java.io.InputStream;
import java.io.PrintStream;

import io.vitgen.golden.AccuracyReport;
import io.vitgen.golden.ModelShape;

/**
 * {@code vitgen accuracy [--seed N] [--model tiny|small|base|N,C,H,MLP]}: error of every integer
 * operator against its float reference and of one encoder layer against its float twin.
 */
public final class AccuracyCommand {

    private AccuracyCommand() {
    }

    static final String HELP = """
            usage: vitgen accuracy [--seed N] [--model tiny|small|base|TOKENS,CHANNELS,HEADS,MLP]

            Prints, on seeded random data of the model's shape (default DeiT-Tiny, seed 1):
            each integer operator's max and mean absolute error against its float reference, in
            units of the operator's output LSB, and for one encoder layer (random int8 weights,
            scales calibrated on the float twin) the cosine similarity and max error of the integer
            layer's output against the float layer, for both softmax variants.
            """;

    /** Entry point; returns the exit code (0 ok, 2 bad usage). */
    public static int run(String[] args, InputStream in, PrintStream out, PrintStream err) {
        long seed = 1;
        ModelShape shape = ModelShape.DEIT_TINY;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--help") || a.equals("-h")) {
                out.print(HELP);
                return 0;
            }
            if ((a.equals("--seed") || a.equals("--model")) && i + 1 < args.length) {
                String v = args[++i];
                if (a.equals("--seed")) {
                    try {
                        seed = Long.parseLong(v);
                    } catch (NumberFormatException e) {
                        err.println("vitgen accuracy: --seed '" + v + "' is not an integer");
                        return 2;
                    }
                } else {
                    try {
                        shape = ModelShape.parse(v);
                    } catch (IllegalArgumentException e) {
                        err.println("vitgen accuracy: --model: " + e.getMessage());
                        return 2;
                    }
                }
                continue;
            }
            err.println("vitgen accuracy: unexpected argument '" + a + "'");
            err.print(HELP);
            return 2;
        }
        out.print(AccuracyReport.run(shape, seed).format());
        out.flush();
        return 0;
    }
}
