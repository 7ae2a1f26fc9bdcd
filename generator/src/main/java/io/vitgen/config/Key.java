package io.vitgen.config;

import java.util.List;
import java.util.Objects;

/**
 * One configuration key: its name, type, default, allowed values and meaning. The schema
 * ({@link Schema}) is the single source of truth for keys; the properties reference in the README
 * and {@code vitgen config --explain} are printed from it.
 */
public final class Key {

    /** The kind of value a key takes. */
    public enum Kind { INT, CHOICE, NAME, PART }

    private final String name;
    private final Kind kind;
    private final String defaultValue;
    private final long min;
    private final long max;
    private final List<String> choices;
    private final String meaning;

    private Key(String name, Kind kind, String defaultValue, long min, long max, List<String> choices,
                String meaning) {
        this.name = Objects.requireNonNull(name, "name");
        this.kind = kind;
        this.defaultValue = defaultValue;
        this.min = min;
        this.max = max;
        this.choices = List.copyOf(choices);
        this.meaning = Objects.requireNonNull(meaning, "meaning");
    }

    /** An integer key with an inclusive range; {@code defaultValue} null means "derived". */
    public static Key integer(String name, Integer defaultValue, long min, long max, String meaning) {
        if (min > max) {
            throw new IllegalArgumentException(name + ": empty range " + min + ".." + max);
        }
        return new Key(name, Kind.INT, defaultValue == null ? null : defaultValue.toString(), min, max,
                List.of(), meaning);
    }

    /** A key whose value is one of a fixed list of words or numbers. */
    public static Key choice(String name, String defaultValue, List<String> choices, String meaning) {
        if (defaultValue != null && !choices.contains(defaultValue)) {
            throw new IllegalArgumentException(name + ": default " + defaultValue + " not in " + choices);
        }
        return new Key(name, Kind.CHOICE, defaultValue, 0, 0, choices, meaning);
    }

    /** A Verilog/file-system safe identifier. */
    public static Key identifier(String name, String defaultValue, String meaning) {
        return new Key(name, Kind.NAME, defaultValue, 0, 0, List.of(), meaning);
    }

    /** An FPGA part number: letters, digits, dots, dashes and underscores (safe in Tcl and SDC). */
    public static Key part(String name, String defaultValue, String meaning) {
        return new Key(name, Kind.PART, defaultValue, 0, 0, List.of(), meaning);
    }

    public String name() { return name; }
    public Kind kind() { return kind; }
    /** The default as written in a properties file, or null when the value is derived. */
    public String defaultValue() { return defaultValue; }
    public long min() { return min; }
    public long max() { return max; }
    public List<String> choices() { return choices; }
    public String meaning() { return meaning; }

    /** The allowed values in words, as error messages and the reference print them. */
    public String allowed() {
        switch (kind) {
            case INT: return "an integer in [" + min + ", " + max + "]";
            case CHOICE: return "one of " + String.join(", ", choices);
            case NAME: return "an identifier [A-Za-z][A-Za-z0-9_]* of at most 48 characters";
            default: return "a part number [A-Za-z0-9._-]+";
        }
    }

    /**
     * Checks a raw value and returns null when it is valid, or the reason why not (without the key
     * name, which the caller adds).
     */
    public String check(String raw) {
        switch (kind) {
            case INT:
                long v;
                try {
                    v = Long.parseLong(raw.trim());
                } catch (NumberFormatException e) {
                    return "'" + raw + "' is not an integer; expected " + allowed();
                }
                if (!raw.trim().matches("[+-]?[0-9]+")) {
                    return "'" + raw + "' is not an integer: only the ASCII digits 0-9 are accepted; expected "
                            + allowed();
                }
                return (v < min || v > max) ? raw.trim() + " is out of range; expected " + allowed() : null;
            case CHOICE:
                return choices.contains(raw.trim()) ? null
                        : "'" + raw + "' is not allowed; expected " + allowed();
            case NAME:
                return raw.trim().matches("[A-Za-z][A-Za-z0-9_]{0,47}") ? null
                        : "'" + raw + "' is not allowed; expected " + allowed();
            default:
                return raw.trim().matches("[A-Za-z0-9._-]{1,64}") ? null
                        : "'" + raw + "' is not allowed; expected " + allowed();
        }
    }
}
