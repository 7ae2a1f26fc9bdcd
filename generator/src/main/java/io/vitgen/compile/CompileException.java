package io.vitgen.compile;

import java.util.List;

/** A model the configuration cannot run: every reason, each naming the tensor and the limit. */
public final class CompileException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    private final transient List<String> problems;

    CompileException(List<String> problems) {
        super("the model cannot run on this configuration (" + problems.size()
                + (problems.size() == 1 ? " problem" : " problems") + "):\n  - " + String.join("\n  - ", problems));
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }
}
