package io.vitgen.cli;

import java.io.InputStream;
import java.io.PrintStream;

import io.vitgen.config.Key;
import io.vitgen.config.Schema;

/** {@code vitgen config}: the configuration reference, printed from the schema. */
final class ConfigCommand {

    private ConfigCommand() {
    }

    static int run(String[] args, InputStream in, PrintStream out, PrintStream err) {
        if (args.length == 1 && args[0].equals("--explain")) {
            out.print(explain());
            return 0;
        }
        if (args.length == 1 && args[0].equals("--defaults")) {
            out.print(Schema.defaultsFile());
            return 0;
        }
        PrintStream s = args.length == 1 && args[0].equals("--help") ? out : err;
        s.println("usage: vitgen config --explain     every key with its default, allowed values and meaning");
        s.println("       vitgen config --defaults    a documented properties file with every default");
        return s == out ? 0 : 2;
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
        return sb.toString();
    }
}
