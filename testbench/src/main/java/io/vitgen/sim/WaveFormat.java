package io.vitgen.sim;

import java.util.Locale;
import java.util.Optional;

/** Waveform formats a traced harness can write. */
public enum WaveFormat {
    FST("--trace-fst", ".fst"),
    VCD("--trace", ".vcd");

    private final String verilatorFlag;
    private final String extension;

    WaveFormat(String verilatorFlag, String extension) {
        this.verilatorFlag = verilatorFlag;
        this.extension = extension;
    }

    String verilatorFlag() {
        return verilatorFlag;
    }

    /** File extension including the dot. */
    public String extension() {
        return extension;
    }

    /**
     * The format requested for failing runs: system property {@code vitgen.waves} or environment
     * variable {@code VITGEN_WAVES}, value {@code fst} or {@code vcd}; empty when neither is set.
     */
    public static Optional<WaveFormat> requested() {
        String v = System.getProperty("vitgen.waves");
        if (v == null || v.isBlank()) {
            v = System.getenv("VITGEN_WAVES");
        }
        if (v == null || v.isBlank() || v.equalsIgnoreCase("none") || v.equals("0")) {
            return Optional.empty();
        }
        return Optional.of(parse(v));
    }

    /** Parses {@code fst} or {@code vcd} (case-insensitive). */
    public static WaveFormat parse(String text) {
        switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "fst":
                return FST;
            case "vcd":
                return VCD;
            default:
                throw new IllegalArgumentException(
                        "vitgen.waves / VITGEN_WAVES must be fst or vcd, got '" + text + "'");
        }
    }
}
