package io.vitgen.hw;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An immutable description of one generated Verilog module: its name, the template that prints
 * it, the typed variables of that template, the modules it instantiates, and the facts the report
 * states about it. Builders in this package produce specs; the emitter renders them.
 *
 * <p>Two specs with the same module name must render the same text (a cell instantiated by several
 * blocks); the emitter checks that.
 */
public final class ModuleSpec {

    private final String name;
    private final String template;
    private final Object vars;
    private final List<ModuleSpec> children;
    private final String summary;
    private final Map<String, String> facts;
    private final boolean synthesize;

    private ModuleSpec(Builder b) {
        this.name = b.name;
        this.template = b.template;
        this.vars = b.vars;
        this.children = List.copyOf(b.children);
        this.summary = b.summary;
        this.facts = Collections.unmodifiableMap(new LinkedHashMap<>(b.facts));
        this.synthesize = b.synthesize;
    }

    public static Builder builder(String name) {
        return new Builder(name);
    }

    /** The Verilog module name (also the file name, {@code name + ".v"}). */
    public String name() { return name; }
    /** Template path below {@code rtl-templates/}, e.g. {@code axis_skid.v.vm}. */
    public String template() { return template; }
    /** The template's typed variables, visible in the template as {@code $v}. */
    public Object vars() { return vars; }
    /** Modules this one instantiates (cells first). */
    public List<ModuleSpec> children() { return children; }
    /** One line for the report: what the block computes. */
    public String summary() { return summary; }
    /** Named facts for the report (parameters, latency, throughput), in insertion order. */
    public Map<String, String> facts() { return facts; }
    /** Whether the block is a top-level unit that synthesis reports resources for. */
    public boolean synthesize() { return synthesize; }

    /** This module and every module below it, each name once, children before parents. */
    public List<ModuleSpec> flatten() {
        Map<String, ModuleSpec> out = new LinkedHashMap<>();
        collect(this, out);
        return new ArrayList<>(out.values());
    }

    private static void collect(ModuleSpec m, Map<String, ModuleSpec> out) {
        for (ModuleSpec c : m.children) {
            collect(c, out);
        }
        out.putIfAbsent(m.name, m);
    }

    @Override
    public String toString() {
        return "ModuleSpec[" + name + " from " + template + "]";
    }

    /** Fluent builder that validates every argument when it is given. */
    public static final class Builder {
        private final String name;
        private String template;
        private Object vars;
        private final List<ModuleSpec> children = new ArrayList<>();
        private String summary = "";
        private final Map<String, String> facts = new LinkedHashMap<>();
        private boolean synthesize;

        private Builder(String name) {
            Objects.requireNonNull(name, "module name");
            if (!name.matches("[a-z][a-z0-9_]*")) {
                throw new IllegalArgumentException("module name '" + name
                        + "' must be lower-case letters, digits and underscores, starting with a letter");
            }
            this.name = name;
        }

        public Builder template(String template) {
            Objects.requireNonNull(template, "template");
            if (!template.endsWith(".v.vm")) {
                throw new IllegalArgumentException("template '" + template + "' must end in .v.vm");
            }
            this.template = template;
            return this;
        }

        public Builder vars(Object vars) {
            this.vars = Objects.requireNonNull(vars, "vars");
            return this;
        }

        public Builder child(ModuleSpec child) {
            children.add(Objects.requireNonNull(child, "child"));
            return this;
        }

        public Builder summary(String summary) {
            this.summary = Objects.requireNonNull(summary, "summary");
            return this;
        }

        public Builder fact(String what, Object value) {
            facts.put(Objects.requireNonNull(what, "fact"), String.valueOf(Objects.requireNonNull(value, what)));
            return this;
        }

        public Builder synthesize(boolean synthesize) {
            this.synthesize = synthesize;
            return this;
        }

        public ModuleSpec build() {
            if (template == null) {
                throw new IllegalStateException(name + ": no template");
            }
            if (vars == null) {
                throw new IllegalStateException(name + ": no template variables");
            }
            return new ModuleSpec(this);
        }
    }
}
