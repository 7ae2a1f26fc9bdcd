package io.vitgen.config;

import java.util.List;

/** Every problem found in a configuration, reported at once. */
public final class ConfigException extends Exception {

    private static final long serialVersionUID = 1L;

    private final List<String> problems;

    public ConfigException(List<String> problems) {
        super(format(problems));
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }

    private static String format(List<String> problems) {
        StringBuilder sb = new StringBuilder();
        sb.append(problems.size() == 1 ? "1 problem in the configuration:" : problems.size()
                + " problems in the configuration:");
        for (String p : problems) {
            sb.append("\n  - ").append(p);
        }
        return sb.toString();
    }
}
