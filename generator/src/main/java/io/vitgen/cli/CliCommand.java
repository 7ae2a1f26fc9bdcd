package io.vitgen.cli;

import java.io.InputStream;
import java.io.PrintStream;
import java.util.concurrent.Callable;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * Base of every {@code vitgen} sub-command. A sub-command is a picocli {@code @Command} class that
 * extends this one and is listed once, in {@link Main.Vitgen}'s {@code subcommands}; picocli parses
 * its options, and {@link #call()} returns the exit code (0 ok, 1 failure, 2 bad usage or input).
 * The streams come from {@link Main#run}, so tests run commands in-process.
 */
abstract class CliCommand implements Callable<Integer> {

    /** The streams of one run. */
    record Io(InputStream in, PrintStream out, PrintStream err) {
    }

    /** Set by {@link Main}'s factory before parsing. */
    Io io;

    @Spec
    CommandSpec spec;

    /** "vitgen generate", the prefix of every message of this command. */
    String name() {
        return spec.qualifiedName(" ");
    }

    /** Prints {@code vitgen CMD: message} on standard error and returns exit code 2. */
    int usageError(String message) {
        io.err().println(name() + ": " + message);
        return 2;
    }
}
