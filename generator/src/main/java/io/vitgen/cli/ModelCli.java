package io.vitgen.cli;

import java.nio.file.Path;
import java.util.List;

import io.vitgen.config.Config;
import io.vitgen.config.ConfigException;
import io.vitgen.config.ConfigLoader;
import io.vitgen.model.ModelException;

/**
 * Base of the model commands (quantize, model new/check/picture, golden model): bad input - a
 * {@link ModelException} or {@link ConfigException} - prints every problem, one per line, and
 * returns exit code 2, never a stack trace.
 */
abstract class ModelCli extends CliCommand {

    /** The command's work; may throw the user-error exceptions. */
    abstract int run() throws Exception;

    /** True for commands that write a file (their errors end with "Nothing was written."). */
    boolean writes() {
        return true;
    }

    @Override
    public final Integer call() throws Exception {
        try {
            return run();
        } catch (ModelException e) {
            io.out().flush();
            problems(e.problems());
            return 2;
        } catch (ConfigException e) {
            io.out().flush();
            io.err().println(name() + ": " + e.getMessage());
            io.err().println((writes() ? "Nothing was written. " : "") + "Keys and ranges: vitgen config --explain");
            return 2;
        }
    }

    void problems(List<String> problems) {
        io.err().println(name() + ": " + (problems.size() == 1 ? "1 problem:" : problems.size() + " problems:"));
        for (String p : problems) {
            io.err().println("  - " + p);
        }
        if (writes()) {
            io.err().println("Nothing was written.");
        }
    }

    /** The configuration from --config and --set, as `vitgen generate` reads it. */
    static Config config(Path file, List<String> sets) throws ConfigException {
        ConfigLoader l = new ConfigLoader();
        if (file != null) {
            l.file(file);
        }
        if (sets != null) {
            for (String s : sets) {
                l.set(s);
            }
        }
        return l.load();
    }
}
