package io.vitgen.cli;

import java.io.InputStream;
import java.io.PrintStream;

/** One sub-command of the {@code vitgen} tool. */
interface Command {

    /** Runs the command and returns the process exit code (0 ok, 1 failure, 2 bad usage or input). */
    int run(String[] args, InputStream in, PrintStream out, PrintStream err);
}
