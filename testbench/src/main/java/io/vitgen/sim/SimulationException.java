package io.vitgen.sim;

import java.nio.file.Path;
import java.util.Optional;

/**
 * The model or the harness failed: a {@code $fatal}/{@code $error}/{@code $stop}, a crash, a
 * violated stream contract or a protocol error. Names the cycle (when known) and keeps the path of
 * the replay file that reproduces the run without Java.
 */
public class SimulationException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final long cycle;
    private final transient Path replay;

    public SimulationException(String message, long cycle, Path replay) {
        super(message);
        this.cycle = cycle;
        this.replay = replay;
    }

    public SimulationException(String message, long cycle, Path replay, Throwable cause) {
        super(message, cause);
        this.cycle = cycle;
        this.replay = replay;
    }

    /** The clock cycle at which the failure happened, or -1 when unknown. */
    public long cycle() {
        return cycle;
    }

    /** The replay file of the failing run, when one was kept. */
    public Optional<Path> replay() {
        return Optional.ofNullable(replay);
    }
}
