package io.vitgen.sim;

import java.nio.file.Path;

/** A run reached its cycle limit before the sinks had the requested beats. */
public class SimulationTimeoutException extends SimulationException {
    private static final long serialVersionUID = 1L;

    public SimulationTimeoutException(String message, long cycle, Path replay) {
        super(message, cycle, replay);
    }
}
