package io.vitgen.hw.struct;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One instance of a {@link ModuleDef} in a netlist, with its parameter overrides and its ports
 * resolved to widths. Created by {@link TopBuilder#instance}.
 */
public final class Instance {

    private final TopBuilder owner;
    private final String name;
    private final ModuleDef def;
    private final Map<String, Long> overrides;
    private final Map<String, Port> ports = new LinkedHashMap<>();

    Instance(TopBuilder owner, String name, ModuleDef def, Map<String, Long> overrides) {
        this.owner = owner;
        this.name = name;
        this.def = def;
        this.overrides = Collections.unmodifiableMap(new LinkedHashMap<>(overrides));
        Map<String, Long> values = new LinkedHashMap<>(def.params());
        values.putAll(overrides);
        List<Port> resolved = def.resolvePorts(this, values);
        for (Port p : resolved) {
            ports.put(p.name(), p);
        }
    }

    public String name() {
        return name;
    }

    public ModuleDef def() {
        return def;
    }

    /** Parameter values given at this instance (printed in the instantiation), in declaration order. */
    public Map<String, Long> overrides() {
        return overrides;
    }

    /** Every port, in declaration order. */
    public Map<String, Port> ports() {
        return Collections.unmodifiableMap(ports);
    }

    /**
     * The port of that name. An unknown name is not thrown at once: it returns an unknown port and
     * the netlist reports it (with the module's ports) when it is built, together with every other
     * problem.
     */
    public Port port(String portName) {
        Port p = ports.get(portName);
        if (p == null) {
            owner.problem("instance " + name + " (" + def.name() + ") has no port '" + portName + "'; its ports: "
                    + String.join(", ", ports.keySet()));
            return Port.unknown(this, portName);
        }
        return p;
    }

    /** The AXI4-Stream bundle {@code prefix_t*} of this instance. */
    public Bundle axis(String prefix) {
        return Bundle.collect(owner, BundleKind.AXI4_STREAM, prefix, name, ports);
    }

    /** The AXI4 (full) bundle {@code prefix_aw* / _w* / _b* / _ar* / _r*} of this instance. */
    public Bundle axi4(String prefix) {
        return Bundle.collect(owner, BundleKind.AXI4, prefix, name, ports);
    }

    /** The AXI4-Lite bundle {@code prefix_*} of this instance. */
    public Bundle axiLite(String prefix) {
        return Bundle.collect(owner, BundleKind.AXI4_LITE, prefix, name, ports);
    }

    @Override
    public String toString() {
        return name + " (" + def.name() + ")";
    }
}
