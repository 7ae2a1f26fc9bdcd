package io.vitgen.hw.struct;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A group of ports that form one interface ({@link BundleKind}): the {@code prefix_field} ports of
 * an instance or of the top. Connecting two bundles connects every field they share, forward
 * fields from master to slave and backward fields back; see {@link TopBuilder#connect(Bundle, Bundle)}.
 * The side whose valid field drives the netlist is the master (an instance's {@code m_axis}, or a
 * top-level {@code s_axis} whose inputs drive the instances inside).
 */
public final class Bundle {

    private final BundleKind kind;
    private final String prefix;
    private final String owner;
    private final Map<String, Port> fields;
    private final boolean master;
    private final boolean valid;

    private Bundle(BundleKind kind, String prefix, String owner, Map<String, Port> fields, boolean master,
            boolean valid) {
        this.kind = kind;
        this.prefix = prefix;
        this.owner = owner;
        this.fields = Collections.unmodifiableMap(fields);
        this.master = master;
        this.valid = valid;
    }

    static Bundle collect(TopBuilder builder, BundleKind kind, String prefix, String owner, Map<String, Port> ports) {
        Map<String, Port> fields = new LinkedHashMap<>();
        for (String f : kind.forward()) {
            Port p = ports.get(prefix + "_" + f);
            if (p != null) {
                fields.put(f, p);
            }
        }
        for (String f : kind.backward()) {
            Port p = ports.get(prefix + "_" + f);
            if (p != null) {
                fields.put(f, p);
            }
        }
        Port role = null;
        for (String f : kind.roleFields()) {
            if (fields.containsKey(f)) {
                role = fields.get(f);
                break;
            }
        }
        if (role == null) {
            builder.problem(owner + " has no " + kind.title() + " bundle '" + prefix + "' (no " + prefix + "_"
                    + String.join(" or " + prefix + "_", kind.roleFields()) + " port)");
            return new Bundle(kind, prefix, owner, fields, false, false);
        }
        boolean master = role.isSource();
        for (Map.Entry<String, Port> e : fields.entrySet()) {
            boolean drives = kind.isForward(e.getKey()) == master;
            if (e.getValue().isSource() != drives) {
                builder.problem(owner + " bundle '" + prefix + "': field " + e.getKey() + " has the wrong direction for a "
                        + kind.title() + (master ? " master" : " slave") + " (" + e.getValue() + ")");
            }
        }
        return new Bundle(kind, prefix, owner, fields, master, true);
    }

    public BundleKind kind() {
        return kind;
    }

    public String prefix() {
        return prefix;
    }

    /** The instance name, or {@code top}. */
    public String owner() {
        return owner;
    }

    /** Field name (after the prefix) to port, forward fields first. */
    public Map<String, Port> fields() {
        return fields;
    }

    /** True when this side drives the forward fields in the netlist. */
    public boolean isMaster() {
        return master;
    }

    boolean isValid() {
        return valid;
    }

    /** {@code u_fifo.m_axis}. */
    public String path() {
        return owner + "." + prefix;
    }

    @Override
    public String toString() {
        return path() + " (" + kind.title() + (master ? " master" : " slave") + ")";
    }
}
