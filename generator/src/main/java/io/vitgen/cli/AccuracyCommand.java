package io.vitgen.cli;

import java.io.InputStream;
import java.io.PrintStream;

import io.vitgen.golden.AccuracyReport;
import io.vitgen.golden.ModelShape;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code vitgen accuracy [--seed N] [--model tiny|small|base|N,C,H,MLP]}: error of every integer
 * operator against its float reference and of one encoder layer against its float twin.
 */
@Command(name = "accuracy",
        description = "error of every integer operator and of one encoder layer against float references",
        footer = {"", "Prints, on seeded random data of the model's shape (default DeiT-Tiny, seed 1): each integer"
            + " operator's max and mean absolute error against its float reference, in units of the operator's"
            + " output LSB, and for one encoder layer (random int8 weights, scales calibrated on the float twin)"
            + " the cosine similarity and max error of the integer layer's output against the float layer, for"
            + " both softmax variants."})
public final class AccuracyCommand extends CliCommand {

    @Option(names = "--seed", paramLabel = "N", description = "seed of the random data (default 1)")
    String seed = "1";

    @Option(names = "--model", paramLabel = "tiny|small|base|TOKENS,CHANNELS,HEADS,MLP",
            description = "model shape (default tiny = DeiT-Tiny)")
    String model;

    /** Runs {@code vitgen accuracy ARGS}; returns the exit code (0 ok, 2 bad usage). */
    public static int run(String[] args, InputStream in, PrintStream out, PrintStream err) {
        String[] all = new String[args.length + 1];
        all[0] = "accuracy";
        System.arraycopy(args, 0, all, 1, args.length);
        return Main.run(all, in, out, err);
    }

    @Override
    public Integer call() {
        long s;
        try {
            s = Long.parseLong(seed);
        } catch (NumberFormatException e) {
            return usageError("--seed '" + seed + "' is not an integer");
        }
        ModelShape shape = ModelShape.DEIT_TINY;
        if (model != null) {
            try {
                shape = ModelShape.parse(model);
            } catch (IllegalArgumentException e) {
                return usageError("--model: " + e.getMessage());
            }
        }
        io.out().print(AccuracyReport.run(shape, s).format());
        io.out().flush();
        return 0;
    }
}
