package io.vitgen.sim;

/** Verilator or the C++ compiler could not build a harness (or is not installed). */
public class BuildException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public BuildException(String message) {
        super(message);
    }

    public BuildException(String message, Throwable cause) {
        super(message, cause);
    }
}
