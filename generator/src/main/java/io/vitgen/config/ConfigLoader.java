package io.vitgen.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns the embedded defaults, an optional user properties file and {@code --set key=value}
 * overrides (in that order of precedence, last wins) into a validated {@link Config}. Every problem
 * is collected and reported at once in a {@link ConfigException}.
 */
public final class ConfigLoader {

    private final Map<String, String> explicit = new LinkedHashMap<>();
    private final Map<String, String> origin = new LinkedHashMap<>();
    private final List<String> problems = new ArrayList<>();
    private final java.util.Set<String> fromFile = new java.util.HashSet<>();
    private final List<String> notes = new ArrayList<>();
    private java.util.function.Consumer<String> warnings = System.err::println;

    /**
     * Adds the keys of a properties file (UTF-8, a byte-order mark is accepted); later sources
     * override earlier ones. A missing, unreadable or non-UTF-8 file, a bad escape or a key given
     * twice is a problem naming the file and line.
     */
    public ConfigLoader file(Path file) {
        PropertiesFile.Parsed p = PropertiesFile.read(file);
        problems.addAll(p.problems());
        for (PropertiesFile.Entry e : p.entries()) {
            put(e.key(), e.value(), file + ", line " + e.line());
            fromFile.add(e.key());
        }
        return this;
    }

    /** Adds one {@code key=value} override, as given on the command line. */
    public ConfigLoader set(String assignment) {
        int eq = assignment.indexOf('=');
        if (eq <= 0) {
            problems.add("--set expects key=value, got '" + assignment + "'");
            return this;
        }
        put(assignment.substring(0, eq).trim(), assignment.substring(eq + 1).trim(), "--set");
        return this;
    }

    /** Adds a map of overrides (used by tests and by the golden/CLI code). */
    public ConfigLoader setAll(Map<String, String> values) {
        values.forEach((k, v) -> put(k, v, "override"));
        return this;
    }

    private void put(String name, String value, String from) {
        explicit.put(name, value);
        origin.put(name, from);
        fromFile.remove(name);
    }

    /**
     * Keys of the configuration file that the chosen configuration does not use (a defaults file
     * sets softmax.out.bits, which softmax.variant=log2 has no use for): they are ignored, and each
     * gives one line here for the caller to print. Valid after {@link #load()}.
     */
    public List<String> notes() {
        return List.copyOf(notes);
    }

    /** Validates everything and builds the configuration, or throws with every problem found. */
    public Config load() throws ConfigException {
        notes.clear();
        List<String> errors = new ArrayList<>(problems);
        for (Map.Entry<String, String> e : explicit.entrySet()) {
            Key key = Schema.key(e.getKey());
            if (key == null) {
                String near = Schema.nearest(e.getKey());
                boolean close = Schema.editDistance(e.getKey(), near) <= Math.max(3, e.getKey().length() / 3);
                errors.add("unknown key '" + e.getKey() + "' (from " + origin.get(e.getKey()) + "); "
                        + (close ? "did you mean '" + near + "'?" : "the nearest known key is '" + near
                        + "' (all keys: vitgen config --explain)"));
                continue;
            }
            String why = key.check(e.getValue());
            if (why != null) {
                errors.add(key.name() + ": " + why);
            }
        }
        if (!errors.isEmpty()) {
            throw new ConfigException(errors);
        }
        Map<String, String> v = new LinkedHashMap<>();
        Board board = Board.of(explicit.getOrDefault("target.board", "none").trim());
        for (Key k : Schema.keys()) {
            String value = explicit.containsKey(k.name()) ? explicit.get(k.name()).trim()
                    : board != null && board.settings().containsKey(k.name()) ? board.settings().get(k.name())
                    : k.defaultValue();
            if (value != null && k.kind() == Key.Kind.INT) {
                value = Long.toString(Long.parseLong(value));
            }
            if (value != null) {
                v.put(k.name(), value);
            }
        }

        v.putIfAbsent("target.part", defaultPart(v.get("target.vendor")));
        ModelShape model = model(v, errors);
        Config.Quant quant = new Config.Quant(i(v, "quant.act.bits"), i(v, "quant.weight.bits"),
                i(v, "quant.acc.bits"));
        Config.Mac mac = new Config.Mac(i(v, "mac.rows"), i(v, "mac.cols"), v.get("mac.dataflow"),
                "int8x2".equals(v.get("mac.dsp.packing")), i(v, "mac.requant.lanes"));
        Config.Softmax softmax = new Config.Softmax(v.get("softmax.variant"), i(v, "softmax.out.bits"),
                i(v, "softmax.lanes"), i(v, "softmax.max.row"));
        Config.LayerNorm ln = new Config.LayerNorm(v.get("layernorm.variant"), i(v, "layernorm.lanes"),
                i(v, "layernorm.max.channels"), "int8".equals(v.get("layernorm.output")));
        Config.Gelu gelu = new Config.Gelu(v.get("gelu.variant"), i(v, "gelu.lanes"), i(v, "gelu.max.row"),
                "int8".equals(v.get("gelu.output")));

        if (model != null) {
            checkCombinations(model, quant, mac, softmax, ln, gelu, errors);
        }
        checkSoftmaxBeat(softmax, v.get("target.mem.bits"), errors);
        if (!errors.isEmpty()) {
            throw new ConfigException(errors);
        }
        if (softmax.log2()) {
            v.remove("softmax.out.bits");
        }
        Config config = new Config(v.get("design.name"),
                new Config.Target(v.get("target.vendor"), v.get("target.part"), i(v, "target.clock.mhz")),
                quant, mac, softmax, ln, gelu, model, "on".equals(v.get("synth.yosys")), v);
        checkFit(config, v.get("target.fit"));
        return config;
    }

    /** target.fit: the resource, vendor and clock check of io.vitgen.estimate.FitCheck. */
    private void checkFit(Config config, String mode) throws ConfigException {
        if ("off".equals(mode)) {
            return;
        }
        List<String> fit = io.vitgen.estimate.FitCheck.of(config).problems();
        if (fit.isEmpty()) {
            return;
        }
        if ("error".equals(mode)) {
            List<String> errors = new ArrayList<>();
            for (String p : fit) {
                errors.add("target.fit=error: " + p);
            }
            throw new ConfigException(errors);
        }
        for (String p : fit) {
            warnings.accept("vitgen: warning: " + p + " (target.fit=warn; target.fit=error refuses, docs/estimate.md)");
        }
    }

    /** Where fit-check warnings go (stderr unless set); the configuration is still valid. */
    public ConfigLoader warnings(java.util.function.Consumer<String> sink) {
        this.warnings = java.util.Objects.requireNonNull(sink, "sink");
        return this;
    }

    private ModelShape model(Map<String, String> v, List<String> errors) {
        String preset = v.get("model.preset");
        String[] sizes = {"model.tokens", "model.channels", "model.heads", "model.mlp"};
        if (!"custom".equals(preset)) {
            for (String s : sizes) {
                if (explicit.containsKey(s)) {
                    errors.add(s + " is set but model.preset=" + preset + " fixes the model shape;"
                            + " set model.preset=custom to give the shape yourself");
                }
            }
            ModelShape m = ModelShape.preset(preset);
            v.put("model.tokens", Integer.toString(m.tokens()));
            v.put("model.channels", Integer.toString(m.channels()));
            v.put("model.heads", Integer.toString(m.heads()));
            v.put("model.mlp", Integer.toString(m.mlp()));
            return m;
        }
        List<String> missing = new ArrayList<>();
        for (String s : sizes) {
            if (!v.containsKey(s)) {
                missing.add(s);
            }
        }
        if (!missing.isEmpty()) {
            errors.add("model.preset=custom needs " + String.join(", ", missing));
            return null;
        }
        int channels = i(v, "model.channels");
        int heads = i(v, "model.heads");
        if (channels % heads != 0) {
            errors.add("model.heads=" + heads + " does not divide model.channels=" + channels
                    + "; every head needs the same width");
            return null;
        }
        return new ModelShape("custom", i(v, "model.tokens"), channels, heads, i(v, "model.mlp"));
    }

    private void checkCombinations(ModelShape model, Config.Quant q, Config.Mac mac, Config.Softmax sm,
                                   Config.LayerNorm ln, Config.Gelu gelu, List<String> errors) {
        int kMax = model.maxK();
        int need = requiredAccBits(q.actBits(), q.weightBits(), kMax);
        if (q.accBits() < need) {
            errors.add("quant.acc.bits=" + q.accBits() + " is too narrow: quant.act.bits=" + q.actBits()
                    + " x quant.weight.bits=" + q.weightBits() + " summed over K=" + kMax
                    + " (the largest reduction of the " + model.name() + " model) needs at least " + need
                    + " bits (docs/arithmetic.md section 8)");
        }
        if (!"output-stationary".equals(mac.dataflow())) {
            errors.add("mac.dataflow=" + mac.dataflow() + " is not implemented yet; the MAC array is"
                    + " output-stationary (docs/mac.md explains the choice): use mac.dataflow=output-stationary");
        }
        if (mac.packInt8x2() && mac.cols() % 2 != 0) {
            errors.add("mac.dsp.packing=int8x2 pairs adjacent columns of the MAC array; mac.cols=" + mac.cols()
                    + " must be even");
        }
        if (mac.packInt8x2() && (q.actBits() != 8 || q.weightBits() != 8)) {
            errors.add("mac.dsp.packing=int8x2 packs two 8-bit multiplies; it needs quant.act.bits=8 and"
                    + " quant.weight.bits=8 (got " + q.actBits() + " and " + q.weightBits() + ")");
        }
        if (sm.maxRow() < model.tokens()) {
            errors.add("softmax.max.row=" + sm.maxRow() + " is shorter than a softmax row of the model: "
                    + "model.tokens=" + model.tokens() + " keys per query");
        }
        if (ln.maxChannels() < model.channels()) {
            errors.add("layernorm.max.channels=" + ln.maxChannels() + " is less than model.channels="
                    + model.channels());
        }
        if (gelu.maxRow() < model.mlp()) {
            errors.add("gelu.max.row=" + gelu.maxRow() + " is less than the MLP width model.mlp=" + model.mlp());
        }
        if (sm.lanes() > sm.maxRow()) {
            errors.add("softmax.lanes=" + sm.lanes() + " exceeds softmax.max.row=" + sm.maxRow()
                    + ": a row must fill at least one beat");
        }
        if (ln.lanes() > ln.maxChannels()) {
            errors.add("layernorm.lanes=" + ln.lanes() + " exceeds layernorm.max.channels=" + ln.maxChannels());
        }
        if (gelu.lanes() > gelu.maxRow()) {
            errors.add("gelu.lanes=" + gelu.lanes() + " exceeds gelu.max.row=" + gelu.maxRow());
        }
        if (explicit.containsKey("softmax.out.bits") && sm.log2()) {
            if (fromFile.contains("softmax.out.bits")) {
                notes.add("softmax.out.bits=" + explicit.get("softmax.out.bits").trim() + " (" + origin.get("softmax.out.bits")
                        + ") is ignored: softmax.variant=log2 outputs a 4-bit code and a zero flag");
            } else {
                errors.add("softmax.out.bits is set but softmax.variant=log2 outputs a 4-bit code and a zero flag;"
                        + " remove softmax.out.bits or use softmax.variant=shiftmax");
            }
        }
    }

    /**
     * The accelerator top's softmax unit splits each buffer beat (max(64, target.mem.bits) / 8
     * bytes) into whole chunks of softmax.lanes scores (docs/top-softmax.md): more lanes than bytes
     * per beat cannot be built.
     */
    private static void checkSoftmaxBeat(Config.Softmax sm, String memBitsValue, List<String> errors) {
        int beat = Math.max(64, Integer.parseInt(memBitsValue)) / 8;
        if (sm.lanes() > beat) {
            errors.add("softmax.lanes=" + sm.lanes() + " needs a memory port of at least " + 8 * sm.lanes()
                    + " bits but target.mem.bits=" + memBitsValue + " gives beats of " + beat + " bytes (the"
                    + " accelerator top's softmax unit splits each beat into whole chunks of softmax.lanes scores):"
                    + " use softmax.lanes <= " + beat + " or target.mem.bits >= " + 8 * sm.lanes());
        }
    }

    /** docs/arithmetic.md section 8: acc_bits >= a_bits + w_bits - 1 + ceil(log2 K_max) + 1. */
    public static int requiredAccBits(int aBits, int wBits, int kMax) {
        int log2 = 0;
        while ((1L << log2) < kMax) {
            log2++;
        }
        return aBits + wBits - 1 + log2 + 1;
    }

    /** The reference part of each vendor, used when target.part is not given. */
    static String defaultPart(String vendor) {
        switch (vendor) {
            case "xilinx": return "xczu9eg-ffvb1156-2-e";
            case "intel": return "10AX115S2F45I1SG";
            default: return "generic";
        }
    }

    private static int i(Map<String, String> v, String key) {
        return Integer.parseInt(v.get(key));
    }

    /** The defaults alone (the embedded configuration a new user gets). */
    public static Config defaults() {
        try {
            return new ConfigLoader().load();
        } catch (ConfigException e) {
            throw new IllegalStateException("the embedded defaults are invalid: " + e.getMessage(), e);
        }
    }
}
