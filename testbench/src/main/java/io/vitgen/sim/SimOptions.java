package io.vitgen.sim;

/**
 * Options for one simulation run.
 *
 * @param initialState what registers and memories hold before reset: Verilator's
 *                     {@code +verilator+rand+reset} 0 (zeros), 1 (ones) or 2 (random from the seed)
 */
public record SimOptions(InitialState initialState) {

    /** Initial value of every variable without an explicit initialiser. */
    public enum InitialState {
        ZEROS(0), ONES(1), RANDOM(2);

        final int randReset;

        InitialState(int randReset) {
            this.randReset = randReset;
        }
    }

    public SimOptions {
        if (initialState == null) {
            throw new IllegalArgumentException("initialState must not be null");
        }
    }

    /** Zero initial state. */
    public static SimOptions defaults() {
        return new SimOptions(InitialState.ZEROS);
    }

    /** Random initial state drawn from the simulation seed ({@code +verilator+rand+reset+2}). */
    public static SimOptions randomInitialState() {
        return new SimOptions(InitialState.RANDOM);
    }
}
