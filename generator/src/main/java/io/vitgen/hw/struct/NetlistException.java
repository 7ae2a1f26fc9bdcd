package io.vitgen.hw.struct;

import java.util.List;

/** Every problem a netlist has, found at once; the message lists them, one a line. */
public final class NetlistException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    private final transient List<String> problems;

    NetlistException(String module, List<String> problems) {
        super(module + ": " + problems.size() + (problems.size() == 1 ? " problem" : " problems")
                + " in the netlist:\n  - " + String.join("\n  - ", problems));
        this.problems = List.copyOf(problems);
    }

    /** The problems, in the order they were found. */
    public List<String> problems() {
        return problems;
    }
}
