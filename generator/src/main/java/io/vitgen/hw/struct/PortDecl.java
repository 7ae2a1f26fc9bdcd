package io.vitgen.hw.struct;

import java.util.Objects;

/** A port as a module declares it: name, direction and a width rule over the module's parameters. */
public record PortDecl(String name, Direction dir, Width width) {
    public PortDecl {
        Objects.requireNonNull(name, "port name");
        Objects.requireNonNull(dir, "direction of " + name);
        Objects.requireNonNull(width, "width of " + name);
        if (!name.matches("[A-Za-z_][A-Za-z0-9_]*")) {
            throw new IllegalArgumentException("port name '" + name + "' is not a Verilog identifier");
        }
    }
}
