package io.vitgen.cli;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import io.vitgen.config.Config;
import io.vitgen.config.ConfigException;
import io.vitgen.config.ConfigLoader;
import io.vitgen.model.ModelException;
import picocli.CommandLine;

/**
 * Runs the model commands (quantize, model new/check, golden model), which are picocli commands:
 * usage errors and bad input (a {@link ModelException} or {@link ConfigException}) print every
 * problem and exit 2, never a stack trace; anything else is an internal error (exit 1).
 */
final class ModelCli {
    private ModelCli() {
    }

    /** --version of the picocli commands. */
    static final class VersionProvider implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"vitgen " + io.vitgen.emit.Version.get()};
        }
    }

    /** Parses and runs {@code command}; {@code name} is how messages call it ("model check"). */
    static int run(Object command, String name, String[] args, PrintStream out, PrintStream err) {
        CommandLine cl = new CommandLine(command);
        cl.setCommandName("vitgen " + name);
        cl.setOut(new PrintWriter(new java.io.OutputStreamWriter(out, StandardCharsets.UTF_8), true));
        cl.setErr(new PrintWriter(new java.io.OutputStreamWriter(err, StandardCharsets.UTF_8), true));
        cl.setParameterExceptionHandler((ex, a) -> {
            err.println("vitgen " + name + ": " + ex.getMessage());
            err.println("Usage: vitgen " + name + " --help");
            return 2;
        });
        cl.setExecutionExceptionHandler((ex, c, parsed) -> {
            c.getOut().flush();
            String full = c.getCommandSpec().parent() == null ? name : name + " " + c.getCommandName();
            if (ex instanceof ModelException me) {
                problems(err, full, me.problems(), !(c.getCommand() instanceof ModelCommand.Check));
                return 2;
            }
            if (ex instanceof ConfigException ce) {
                err.println("vitgen " + full + ": " + ce.getMessage());
                err.println("Nothing was written. Keys and ranges: vitgen config --explain");
                return 2;
            }
            err.println("vitgen " + full + ": internal error: " + ex);
            if (System.getenv("VITGEN_DEBUG") != null) {
                ex.printStackTrace(err);
            }
            return 1;
        });
        int code = cl.execute(args);
        cl.getOut().flush();
        cl.getErr().flush();
        out.flush();
        err.flush();
        return code;
    }

    static void problems(PrintStream err, String name, List<String> problems, boolean writes) {
        err.println("vitgen " + name + ": " + (problems.size() == 1 ? "1 problem:" : problems.size() + " problems:"));
        for (String p : problems) {
            err.println("  - " + p);
        }
        if (writes) {
            err.println("Nothing was written.");
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
