package io.vitgen.model;

import java.util.List;

/**
 * A problem with a checkpoint, a model file, an image or their fit to the configuration: bad user
 * input, never a bug. Carries every problem found (each names its tensor, key or file), so one run
 * reports all of them.
 */
public final class ModelException extends Exception {
    private static final long serialVersionUID = 1L;

    private final List<String> problems;

    public ModelException(List<String> problems) {
        super(problems.size() == 1 ? problems.get(0) : problems.size() + " problems: " + String.join("; ", problems));
        if (problems.isEmpty()) {
            throw new IllegalArgumentException("a ModelException needs at least one problem");
        }
        this.problems = List.copyOf(problems);
    }

    public ModelException(String problem) {
        this(List.of(problem));
    }

    /** Every problem, one sentence each. */
    public List<String> problems() {
        return problems;
    }
}
