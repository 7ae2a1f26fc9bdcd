package io.vitgen.cli;

import io.vitgen.config.Board;
import io.vitgen.config.Key;
import io.vitgen.config.Schema;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code vitgen config}: the configuration reference, printed from the schema. */
@Command(name = "config",
        description = "print every configuration key (default, range, meaning) or a documented defaults file")
final class ConfigCommand extends CliCommand {

    @Option(names = "--explain", description = "every key with its default, allowed values and meaning")
    boolean explain;

    @Option(names = "--defaults", description = "a documented properties file with every default")
    boolean defaults;

    @Override
    public Integer call() {
        if (explain == defaults) {
            io.err().println(name() + ": " + (explain ? "give one of --explain and --defaults, not both"
                    : "say what to print: --explain or --defaults"));
            spec.commandLine().usage(io.err());
            return 2;
        }
        io.out().print(explain ? explain() : Schema.defaultsFile());
        return 0;
    }

    /** The reference as a Markdown table (the README's properties reference is this output). */
    static String explain() {
        StringBuilder sb = new StringBuilder();
        sb.append("| key | default | allowed | meaning |\n|---|---|---|---|\n");
        for (Key k : Schema.keys()) {
            sb.append("| `").append(k.name()).append("` | ")
                    .append(k.defaultValue() == null ? "derived" : "`" + k.defaultValue() + "`")
                    .append(" | ").append(k.allowed()).append(" | ").append(k.meaning()).append(" |\n");
        }
        sb.append("\nBoard presets (`target.board`; a key you give yourself overrides the preset's):\n\n")
                .append("| board | what | sets |\n|---|---|---|\n");
        for (Board b : Board.ALL) {
            sb.append("| `").append(b.name()).append("` | ").append(b.label()).append(" | ").append(b.describe())
                    .append(" |\n");
        }
        return sb.toString();
    }
}
