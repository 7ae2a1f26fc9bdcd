package io.vitgen.hw.struct;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import io.vitgen.hw.ModuleSpec;

/**
 * The interface of a module a netlist can instantiate: its name, its Verilog parameters with
 * their defaults, and its ports. A definition either belongs to a module vitgen generates (it then
 * carries the {@link ModuleSpec}, so the emitter writes the module with the top) or declares an
 * external module (a vendor primitive, a user's IP) that vitgen only instantiates.
 */
public final class ModuleDef {

    private final String name;
    private final Map<String, Long> params;
    private final Map<String, PortDecl> ports;
    private final ModuleSpec spec;

    private ModuleDef(Builder b) {
        this.name = b.name;
        this.params = Collections.unmodifiableMap(new LinkedHashMap<>(b.params));
        this.ports = Collections.unmodifiableMap(new LinkedHashMap<>(b.ports));
        this.spec = b.spec;
    }

    /** A definition of a generated module; its name is the spec's. */
    public static Builder of(ModuleSpec spec) {
        Objects.requireNonNull(spec, "spec");
        Builder b = new Builder(spec.name());
        b.spec = spec;
        return b;
    }

    /** A definition of a module vitgen does not generate. */
    public static Builder external(String name) {
        return new Builder(name);
    }

    public String name() {
        return name;
    }

    /** Parameters and their defaults, in declaration order. */
    public Map<String, Long> params() {
        return params;
    }

    /** Ports in declaration order. */
    public Map<String, PortDecl> ports() {
        return ports;
    }

    /** The generated module, empty for an external one. */
    public Optional<ModuleSpec> spec() {
        return Optional.ofNullable(spec);
    }

    @Override
    public String toString() {
        return "ModuleDef[" + name + "]";
    }

    /** Builder; a duplicate parameter or port is refused at once. */
    public static final class Builder {
        private final String name;
        private final Map<String, Long> params = new LinkedHashMap<>();
        private final Map<String, PortDecl> ports = new LinkedHashMap<>();
        private ModuleSpec spec;

        private Builder(String name) {
            Objects.requireNonNull(name, "module name");
            if (!name.matches("[A-Za-z_][A-Za-z0-9_]*")) {
                throw new IllegalArgumentException("module name '" + name + "' is not a Verilog identifier");
            }
            this.name = name;
        }

        public Builder param(String param, long defaultValue) {
            Objects.requireNonNull(param, "parameter name");
            if (params.putIfAbsent(param, defaultValue) != null) {
                throw new IllegalArgumentException(name + ": parameter " + param + " declared twice");
            }
            return this;
        }

        public Builder port(String port, Direction dir, Width width) {
            PortDecl d = new PortDecl(port, dir, width);
            if (ports.putIfAbsent(port, d) != null) {
                throw new IllegalArgumentException(name + ": port " + port + " declared twice");
            }
            return this;
        }

        public Builder input(String port, int width) {
            return port(port, Direction.IN, Width.fixed(width));
        }

        public Builder output(String port, int width) {
            return port(port, Direction.OUT, Width.fixed(width));
        }

        public Builder input(String port, Width width) {
            return port(port, Direction.IN, width);
        }

        public Builder output(String port, Width width) {
            return port(port, Direction.OUT, width);
        }

        /**
         * The ports of an AXI4-Stream interface {@code prefix_t*}: tdata (width rule), tvalid,
         * tready, and tlast when {@code last}. {@code slave} means the module receives the stream.
         */
        public Builder axisPorts(String prefix, boolean slave, Width dataWidth, boolean last) {
            Direction fwd = slave ? Direction.IN : Direction.OUT;
            Direction bwd = slave ? Direction.OUT : Direction.IN;
            port(prefix + "_tdata", fwd, dataWidth);
            port(prefix + "_tvalid", fwd, Width.fixed(1));
            port(prefix + "_tready", bwd, Width.fixed(1));
            if (last) {
                port(prefix + "_tlast", fwd, Width.fixed(1));
            }
            return this;
        }

        public ModuleDef build() {
            if (ports.isEmpty()) {
                throw new IllegalStateException(name + ": a module definition needs at least one port");
            }
            return new ModuleDef(this);
        }
    }

    /** Port declarations resolved for one set of parameter values, in declaration order. */
    List<Port> resolvePorts(Instance owner, Map<String, Long> values) {
        List<Port> out = new ArrayList<>();
        for (PortDecl d : ports.values()) {
            out.add(new Port(owner, d.name(), d.dir(), d.width().of(values)));
        }
        return out;
    }
}
