package io.vitgen.cli;

import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

import io.vitgen.emit.Version;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.MissingParameterException;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.OverwrittenOptionException;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * Entry point of the {@code vitgen} command line tool (picocli).
 *
 * <p>To add a sub-command: write one class that extends {@link CliCommand}, annotate it with
 * {@code @Command(name = "...", description = "...")} and its {@code @Option}/{@code @Parameters},
 * and add it to the {@code subcommands} list of {@link Vitgen} below. Help, {@code --version},
 * suggestions for mistyped words, exit code 2 for usage errors and the bash completion script come
 * with it. A command with sub-commands of its own ({@code vitgen model new}) lists them in its own
 * {@code @Command(subcommands = ...)}.
 */
public final class Main {

    private Main() {
    }

    /** The top-level command: only lists and dispatches to the sub-commands. */
    @Command(name = "vitgen", mixinStandardHelpOptions = true, versionProvider = Main.VersionProvider.class,
            header = "vitgen - integer-only ViT accelerator generator",
            description = "Each command takes --help. Configuration reference: vitgen config --explain",
            subcommands = {
                GenerateCommand.class,
                EstimateCommand.class,
                SweepCommand.class,
                ConfigCommand.class,
                GoldenCommand.class,
                AccuracyCommand.class,
                QuantizeCommand.class,
                ModelCommand.class,
                CompletionCommand.class,
                CommandLine.HelpCommand.class,
            })
    static final class Vitgen extends CliCommand {
        @Override
        public Integer call() {
            spec.commandLine().usage(io.err());
            return 2;
        }
    }

    /** {@code --version}: the Maven version the jar was built from. */
    static final class VersionProvider implements IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"vitgen " + Version.get()};
        }
    }

    public static void main(String[] args) {
        System.exit(run(args, System.in, System.out, System.err));
    }

    /** Runs the tool with the given streams and returns the exit code (used by tests too). */
    public static int run(String[] args, InputStream in, PrintStream out, PrintStream err) {
        CommandLine cl = commandLine(new CliCommand.Io(in, out, err));
        int code = cl.execute(args);
        out.flush();
        err.flush();
        return code;
    }

    /** The command tree bound to one set of streams. */
    static CommandLine commandLine(CliCommand.Io io) {
        CommandLine.IFactory factory = new CommandLine.IFactory() {
            @Override
            public <K> K create(Class<K> cls) throws Exception {
                K k = CommandLine.defaultFactory().create(cls);
                if (k instanceof CliCommand c) {
                    c.io = io;
                }
                return k;
            }
        };
        CommandLine cl = new CommandLine(new Vitgen(), factory);
        ((CliCommand) cl.getCommand()).io = io;
        cl.setExpandAtFiles(false);
        cl.setOut(new PrintWriter(io.out(), true, StandardCharsets.UTF_8));
        cl.setErr(new PrintWriter(io.err(), true, StandardCharsets.UTF_8));
        cl.setUsageHelpAutoWidth(false);
        cl.setUsageHelpWidth(100);
        cl.getHelpSectionMap().put(CommandLine.Model.UsageMessageSpec.SECTION_KEY_COMMAND_LIST, Main::commandList);
        standardOptions(cl);
        cl.setParameterExceptionHandler(Main::parameterError);
        cl.setExecutionExceptionHandler((ex, line, parsed) -> {
            io.err().println(line.getCommandSpec().qualifiedName(" ") + ": internal error: " + ex);
            ex.printStackTrace(io.err());
            return 1;
        });
        return cl;
    }

    /** --help and --version on every command below the top (the top declares them itself). */
    private static void standardOptions(CommandLine cl) {
        for (CommandLine sub : cl.getSubcommands().values()) {
            if (sub.getCommand() instanceof CliCommand) {
                CommandSpec s = sub.getCommandSpec();
                s.mixinStandardHelpOptions(true);
                s.versionProvider(new VersionProvider());
                standardOptions(sub);
            }
        }
    }

    /** The top-level help lists each command with its synopsis and one line of what it does. */
    private static String commandList(CommandLine.Help help) {
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, CommandLine> e : help.commandSpec().commandLine().getSubcommands().entrySet()) {
            CommandSpec sub = e.getValue().getCommandSpec();
            if (sub.usageMessage().hidden()) {
                continue;
            }
            String synopsis = e.getValue().getHelp().synopsis(0).strip();
            String[] description = sub.usageMessage().description();
            sb.append("  ").append(synopsis).append('\n');
            if (description.length > 0) {
                for (String line : description[0].split("%n")) {
                    if (!line.isBlank()) {
                        sb.append("      ").append(line.strip()).append('\n');
                        break;
                    }
                }
            }
        }
        return sb.toString();
    }

    /** Usage errors: one line naming the bad word (with the nearest known one), exit code 2. */
    private static int parameterError(ParameterException ex, String[] args) {
        CommandLine line = ex.getCommandLine();
        CommandSpec spec = line.getCommandSpec();
        PrintWriter err = line.getErr();
        String name = spec.qualifiedName(" ");
        String help = " (see " + name + " --help)";
        if (ex instanceof UnmatchedArgumentException u && !u.getUnmatched().isEmpty()) {
            String bad = u.getUnmatched().get(0);
            if (bad.startsWith("-")) {
                String option = bad.contains("=") ? bad.substring(0, bad.indexOf('=')) : bad;
                err.println(name + ": unknown option '" + option + "'" + suggestion(option, optionNames(spec)) + help);
            } else if (!spec.subcommands().isEmpty() && spec.positionalParameters().isEmpty()) {
                err.println(name + ": unknown command '" + bad + "'" + suggestion(bad, spec.subcommands().keySet())
                        + " (commands: " + String.join(", ", visibleCommands(spec)) + ")");
            } else {
                err.println(name + ": unexpected argument '" + bad + "'" + help);
            }
        } else if (ex instanceof MissingParameterException m && !m.getMissing().isEmpty()
                && m.getMissing().get(0) instanceof OptionSpec o) {
            err.println(name + ": " + o.longestName() + " needs a value (" + o.paramLabel() + ")");
        } else if (ex instanceof OverwrittenOptionException o && o.getOverwritten() instanceof OptionSpec opt) {
            err.println(name + ": " + opt.longestName() + " is given twice; give it once");
        } else {
            err.println(name + ": " + ex.getMessage() + help);
        }
        err.flush();
        return 2;
    }

    private static List<String> visibleCommands(CommandSpec spec) {
        List<String> names = new ArrayList<>();
        for (Map.Entry<String, CommandLine> e : spec.subcommands().entrySet()) {
            if (!e.getValue().getCommandSpec().usageMessage().hidden()) {
                names.add(e.getKey());
            }
        }
        return names;
    }

    private static List<String> optionNames(CommandSpec spec) {
        List<String> names = new ArrayList<>();
        for (OptionSpec o : spec.options()) {
            names.addAll(List.of(o.names()));
        }
        return names;
    }

    /** "; did you mean 'x'?" when a known word is close to {@code bad}, else "". */
    static String suggestion(String bad, Collection<String> known) {
        String best = nearest(bad, known);
        return best == null ? "" : "; did you mean '" + best + "'?";
    }

    /**
     * The known word nearest to {@code bad} (ignoring case), or null when none is close: within a
     * third of its length, at least 2 edits; words of one or two letters only match up to case.
     */
    static String nearest(String bad, Collection<String> known) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String k : known) {
            int d = io.vitgen.config.Schema.editDistance(bad.toLowerCase(java.util.Locale.ROOT), k.toLowerCase(java.util.Locale.ROOT));
            if (d < bestDistance) {
                bestDistance = d;
                best = k;
            }
        }
        int limit = bad.length() <= 2 ? 0 : Math.max(2, bad.length() / 3);
        return best != null && bestDistance <= limit ? best : null;
    }

}
