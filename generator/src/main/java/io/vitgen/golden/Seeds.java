package io.vitgen.golden;

import java.util.Random;

/**
 * The one seed source of every randomised test (golden-model properties and co-simulations):
 * {@code -Dvitgen.seed=N} overrides, otherwise the test's own fixed default, so a plain run is
 * the same run every time. The seed is printed before anything runs, with the option that
 * reproduces it; failure messages repeat it ({@code Simulation.failureArtifacts}).
 */
public final class Seeds {
    /** The system property that overrides every test's default seed. */
    public static final String PROPERTY = "vitgen.seed";

    private Seeds() {
    }

    /** The seed of {@code test}: {@code -Dvitgen.seed} if set, else {@code defaultSeed}; printed. */
    public static long of(String test, long defaultSeed) {
        long seed = Long.getLong(PROPERTY, defaultSeed);
        System.out.println(test + ": seed " + seed + " (" + reproduce(seed) + ")");
        return seed;
    }

    /** A generator seeded by {@link #of}. */
    public static Random random(String test, long defaultSeed) {
        return new Random(of(test, defaultSeed));
    }

    /** How to reproduce a run of this seed, for failure messages. */
    public static String reproduce(long seed) {
        return "reproduce with -D" + PROPERTY + "=" + seed;
    }
}
