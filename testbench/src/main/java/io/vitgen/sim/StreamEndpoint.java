package io.vitgen.sim;

/**
 * What a stream source and a stream sink share: the simulation, the driver id in the harness,
 * the port-name prefix and the bound ports ({@code _tdata}, {@code _tvalid}, {@code _tready} and
 * the optional {@code _tlast}, {@code _tkeep}, {@code _tuser}; absent ones are null).
 */
abstract class StreamEndpoint {
    final Simulation sim;
    final int id;
    final String prefix;
    final Port data;
    final Port valid;
    final Port ready;
    final Port last;
    final Port keep;
    final Port user;

    StreamEndpoint(Simulation sim, int id, String prefix, Port data, Port valid, Port ready, Port last, Port keep,
            Port user) {
        this.sim = sim;
        this.id = id;
        this.prefix = prefix;
        this.data = data;
        this.valid = valid;
        this.ready = ready;
        this.last = last;
        this.keep = keep;
        this.user = user;
    }

    /** The port-name prefix, e.g. {@code s_axis}. */
    public String prefix() {
        return prefix;
    }

    /** Width of tdata in bits. */
    public int dataWidth() {
        return data.width();
    }

    public boolean hasLast() {
        return last != null;
    }

    public boolean hasKeep() {
        return keep != null;
    }

    int id() {
        return id;
    }
}
