package io.vitgen.hw.struct;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Builds a structural Verilog module - the accelerator top or any composition of blocks - from
 * objects: top-level ports, {@link Instance}s of {@link ModuleDef}s, and connections between
 * {@link Port}s or {@link Bundle}s. Each call checks what it can (known ports, widths, directions)
 * and records every problem; {@link #build()} adds the whole-netlist checks (every input driven
 * exactly once, every top input used) and throws one {@link NetlistException} listing all of
 * them, or returns the immutable {@link Netlist} that prints as Verilog.
 *
 * <pre>
 * TopBuilder b = TopBuilder.module("vitgen_chain").describe("skid buffer into a FIFO");
 * Port aclk = b.input("aclk", 1), aresetn = b.input("aresetn", 1);
 * Instance skid = b.instance("u_skid", skidDef, Map.of("DATA_W", 37L));
 * Instance fifo = b.instance("u_fifo", fifoDef, Map.of("DATA_W", 37L, "DEPTH", 5L));
 * b.clockAndReset(aclk, aresetn);
 * b.expose(skid.axis("s_axis"), "s_axis");
 * b.connect(skid.axis("m_axis"), fifo.axis("s_axis"));
 * b.expose(fifo.axis("m_axis"), "m_axis");
 * Netlist top = b.build();
 * </pre>
 */
public final class TopBuilder {

    /** One source-to-sink link. */
    record Link(Port source, Port sink) {
    }

    /** The links one call made, printed together. */
    record Connection(String label, List<Link> links) {
    }

    /** A sink tied to a constant. */
    record Tie(Port sink, long value) {
    }

    private final String name;
    private final List<String> description = new ArrayList<>();
    private final Map<String, Port> topPorts = new LinkedHashMap<>();
    private final Map<String, Instance> instances = new LinkedHashMap<>();
    private final List<Connection> connections = new ArrayList<>();
    private final List<Tie> ties = new ArrayList<>();
    private final List<String> problems = new ArrayList<>();

    private TopBuilder(String name) {
        Objects.requireNonNull(name, "module name");
        if (!name.matches("[a-z][a-z0-9_]*")) {
            throw new IllegalArgumentException("module name '" + name
                    + "' must be lower-case letters, digits and underscores, starting with a letter");
        }
        this.name = name;
    }

    public static TopBuilder module(String name) {
        return new TopBuilder(name);
    }

    public String name() {
        return name;
    }

    /** Adds lines to the header's description of what the module is. */
    public TopBuilder describe(String... lines) {
        description.addAll(List.of(lines));
        return this;
    }

    void problem(String text) {
        problems.add(text);
    }

    // ---- ports and instances ----

    /** A top-level input (it drives the nets inside). */
    public Port input(String portName, int width) {
        return topPort(portName, Direction.IN, width);
    }

    /** A top-level output (something inside must drive it). */
    public Port output(String portName, int width) {
        return topPort(portName, Direction.OUT, width);
    }

    private Port topPort(String portName, Direction dir, int width) {
        Objects.requireNonNull(portName, "port name");
        Port p = new Port(null, portName, dir, width);
        if (!portName.matches("[A-Za-z_][A-Za-z0-9_]*")) {
            problem("top port name '" + portName + "' is not a Verilog identifier");
        } else if (width < 1) {
            problem("top port " + portName + " has width " + width + "; it must be at least 1");
        } else if (topPorts.putIfAbsent(portName, p) != null) {
            problem("top port " + portName + " is declared twice");
        }
        return p;
    }

    /** The top port of that name (an unknown name is recorded as a problem). */
    public Port port(String portName) {
        Port p = topPorts.get(portName);
        if (p == null) {
            problem("the top has no port '" + portName + "'");
            return Port.unknown(null, portName);
        }
        return p;
    }

    /** The top-level AXI4-Stream bundle {@code prefix_t*} (ports made by {@link #input}/{@link #output} or {@link #expose}). */
    public Bundle axis(String prefix) {
        return Bundle.collect(this, BundleKind.AXI4_STREAM, prefix, "top", topPorts);
    }

    /** The top-level AXI4 bundle {@code prefix_*}. */
    public Bundle axi4(String prefix) {
        return Bundle.collect(this, BundleKind.AXI4, prefix, "top", topPorts);
    }

    /** The top-level AXI4-Lite bundle {@code prefix_*}. */
    public Bundle axiLite(String prefix) {
        return Bundle.collect(this, BundleKind.AXI4_LITE, prefix, "top", topPorts);
    }

    /** An instance with default parameters. */
    public Instance instance(String instanceName, ModuleDef def) {
        return instance(instanceName, def, Map.of());
    }

    /**
     * An instance of {@code def} with parameter overrides (printed in the module's declaration
     * order). An unknown parameter or a second instance of one name is recorded as a problem.
     */
    public Instance instance(String instanceName, ModuleDef def, Map<String, Long> params) {
        Objects.requireNonNull(instanceName, "instance name");
        Objects.requireNonNull(def, "module definition of " + instanceName);
        Map<String, Long> ordered = new LinkedHashMap<>();
        for (String p : def.params().keySet()) {
            if (params.containsKey(p)) {
                ordered.put(p, params.get(p));
            }
        }
        for (String p : params.keySet()) {
            if (!def.params().containsKey(p)) {
                problem("instance " + instanceName + " (" + def.name() + ") has no parameter " + p + "; its parameters: "
                        + String.join(", ", def.params().keySet()));
            }
        }
        if (!instanceName.matches("[A-Za-z_][A-Za-z0-9_]*")) {
            problem("instance name '" + instanceName + "' is not a Verilog identifier");
        }
        Instance inst;
        try {
            inst = new Instance(this, instanceName, def, ordered);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("instance " + instanceName + " (" + def.name() + "): " + e.getMessage(), e);
        }
        for (Port p : inst.ports().values()) {
            if (p.width() < 1) {
                problem("instance " + instanceName + ": port " + p.name() + " resolves to width " + p.width());
            }
        }
        if (instances.putIfAbsent(instanceName, inst) != null) {
            problem("two instances are named " + instanceName);
        }
        return inst;
    }

    // ---- connections ----

    /**
     * Connects two ports; the direction is taken from the ports (one must drive: an instance
     * output or a top input; the other must be driven). Widths must be equal.
     */
    public TopBuilder connect(Port a, Port b) {
        List<Link> links = new ArrayList<>();
        link(a, b, links);
        if (!links.isEmpty()) {
            connections.add(new Connection(a.path() + " -> " + b.path(), links));
        }
        return this;
    }

    /**
     * Connects two bundles of one kind, one master and one slave: every field both have, forward
     * fields master to slave, backward fields slave to master. A slave output the master has no
     * port for is a problem (the master would ignore it, e.g. a tready it cannot obey); a field
     * only one side has is otherwise left to the final checks (an input with nothing driving it is
     * reported there unless {@link #tie}d; an output nobody reads goes to an {@code unused_} wire).
     */
    public TopBuilder connect(Bundle a, Bundle b) {
        if (!a.isValid() || !b.isValid()) {
            return this; // already reported
        }
        if (a.kind() != b.kind()) {
            problem("cannot connect " + a + " to " + b + ": different interfaces");
            return this;
        }
        if (a.isMaster() == b.isMaster()) {
            problem("cannot connect " + a + " to " + b + ": both are " + (a.isMaster() ? "masters" : "slaves"));
            return this;
        }
        Bundle m = a.isMaster() ? a : b;
        Bundle s = a.isMaster() ? b : a;
        List<Link> links = new ArrayList<>();
        for (Map.Entry<String, Port> e : m.fields().entrySet()) {
            Port other = s.fields().get(e.getKey());
            if (other != null) {
                link(e.getValue(), other, links);
            }
        }
        for (Map.Entry<String, Port> e : s.fields().entrySet()) {
            if (!m.fields().containsKey(e.getKey()) && e.getValue().isSource()) {
                problem(e.getValue().path() + " has no counterpart on " + m.path() + ": the master has no "
                        + m.prefix() + "_" + e.getKey() + " to take it");
            }
        }
        connections.add(new Connection(m.path() + " -> " + s.path() + " (" + m.kind().title() + ")", links));
        return this;
    }

    /**
     * Makes a top-level port for every field of an instance's bundle, named {@code prefix_field}
     * with the instance port's direction and width, and connects them: the bundle appears on the
     * top as it is on the instance.
     */
    public TopBuilder expose(Bundle inner, String prefix) {
        if (!inner.isValid()) {
            return this;
        }
        List<Link> links = new ArrayList<>();
        for (Map.Entry<String, Port> e : inner.fields().entrySet()) {
            Port p = e.getValue();
            Port top = topPort(prefix + "_" + e.getKey(), p.dir(), p.width());
            link(top, p, links);
        }
        connections.add(new Connection(inner.path() + " <-> top " + prefix + " (" + inner.kind().title() + ")", links));
        return this;
    }

    /** Makes a top-level port named {@code topName} like the instance port and connects them. */
    public Port expose(Port inner, String topName) {
        if (!inner.known()) {
            return inner;
        }
        Port top = topPort(topName, inner.dir(), inner.width());
        connect(top, inner);
        return top;
    }

    /** Connects {@code aclk} and {@code aresetn} to the ports of those names on every instance that has them. */
    public TopBuilder clockAndReset(Port aclk, Port aresetn) {
        List<Link> links = new ArrayList<>();
        for (Instance i : instances.values()) {
            if (i.ports().containsKey("aclk")) {
                link(aclk, i.ports().get("aclk"), links);
            }
            if (i.ports().containsKey("aresetn")) {
                link(aresetn, i.ports().get("aresetn"), links);
            }
        }
        connections.add(new Connection("clock and reset", links));
        return this;
    }

    /** Drives an input (of an instance) or a top output with a constant; the value must fit the width. */
    public TopBuilder tie(Port sink, long value) {
        if (!sink.known()) {
            return this;
        }
        if (sink.isSource()) {
            problem("cannot tie " + sink + " to a constant: it is driven from inside the module, not an input");
            return this;
        }
        int w = sink.width();
        boolean fits = w >= 64 || (value >= -(1L << (w - 1)) && value < (1L << w));
        if (!fits) {
            problem("constant " + value + " does not fit the " + w + " bits of " + sink.path());
            return this;
        }
        ties.add(new Tie(sink, value));
        return this;
    }

    private void link(Port a, Port b, List<Link> links) {
        if (!a.known() || !b.known()) {
            return; // reported when the port was asked for
        }
        if (!belongs(a) || !belongs(b)) {
            problem("cannot connect " + a.path() + " to " + b.path() + ": a port of another netlist");
            return;
        }
        if (a.isSource() == b.isSource()) {
            problem("direction: cannot connect " + a + " to " + b + ": "
                    + (a.isSource() ? "both drive (two outputs)" : "neither drives (two inputs)"));
            return;
        }
        if (a.width() != b.width()) {
            problem("width mismatch: " + a.path() + " is " + a.width() + " bits, " + b.path() + " is " + b.width()
                    + " bits");
            return;
        }
        Port src = a.isSource() ? a : b;
        Port dst = a.isSource() ? b : a;
        links.add(new Link(src, dst));
    }

    private boolean belongs(Port p) {
        if (p.isTopPort()) {
            return topPorts.get(p.name()) == p;
        }
        return instances.get(p.instance().name()) == p.instance();
    }

    // ---- build ----

    /** Checks the whole netlist and returns it, or throws one exception listing every problem. */
    public Netlist build() {
        List<String> all = new ArrayList<>(problems);
        Map<Port, List<String>> drivers = new LinkedHashMap<>();
        Set<Port> usedSources = new LinkedHashSet<>();
        for (Connection c : connections) {
            for (Link l : c.links()) {
                List<String> d = drivers.computeIfAbsent(l.sink(), k -> new ArrayList<>());
                String by = l.source().path();
                if (!d.contains(by)) {
                    d.add(by);
                }
                usedSources.add(l.source());
            }
        }
        for (Tie t : ties) {
            drivers.computeIfAbsent(t.sink(), k -> new ArrayList<>()).add("the constant " + t.value());
        }
        for (Map.Entry<Port, List<String>> e : drivers.entrySet()) {
            if (e.getValue().size() > 1) {
                all.add("doubly driven: " + e.getKey().path() + " is driven by " + String.join(" and by ", e.getValue()));
            }
        }
        for (Instance i : instances.values()) {
            for (Port p : i.ports().values()) {
                if (!p.isSource() && !drivers.containsKey(p)) {
                    all.add("unconnected input " + p.path() + " (" + p.width() + (p.width() == 1 ? " bit" : " bits")
                            + ") of " + i.def().name());
                }
            }
        }
        for (Port p : topPorts.values()) {
            if (p.isSource() && !usedSources.contains(p)) {
                all.add("top input " + p.name() + " drives nothing");
            }
            if (!p.isSource() && !drivers.containsKey(p)) {
                all.add("top output " + p.name() + " is driven by nothing");
            }
        }
        if (instances.isEmpty()) {
            all.add("the module has no instances");
        }
        if (!all.isEmpty()) {
            throw new NetlistException(name, all);
        }
        return new Netlist(name, description, new ArrayList<>(topPorts.values()), new ArrayList<>(instances.values()),
                connections, ties);
    }
}
