package io.vitgen.cli;

import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

import io.vitgen.config.Config;
import io.vitgen.config.ConfigException;
import io.vitgen.config.ConfigLoader;
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

    /**
     * The configuration from the defaults, {@code --config FILE} and each {@code --set}, with the
     * loader's notes printed; on a problem prints every one (then {@code hint}) and returns null,
     * for the caller to return exit code 2.
     */
    Config loadConfig(ConfigLoader loader, String configFile, List<String> sets, String hint) {
        if (configFile != null) {
            if (configFile.isBlank()) {
                usageError("--config needs a file name; '" + configFile + "' is empty");
                return null;
            }
            loader.file(Path.of(configFile));
        }
        for (String s : sets) {
            loader.set(s);
        }
        Config config;
        try {
            config = loader.load();
        } catch (ConfigException e) {
            io.err().println(name() + ": " + e.getMessage());
            io.err().println(hint);
            return null;
        }
        for (String note : loader.notes()) {
            io.err().println(name() + ": note: " + note);
        }
        return config;
    }
}
