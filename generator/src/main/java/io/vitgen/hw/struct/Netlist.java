package io.vitgen.hw.struct;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.vitgen.hw.ModuleSpec;

/**
 * A checked structural module: top ports, instances, and the nets between them. Made by
 * {@link TopBuilder#build()}; {@link #spec()} turns it into a {@link ModuleSpec} rendered by
 * {@code top.v.vm} as Verilog-2005 (header, ports, wires grouped per connection, instances with
 * named ports), whose children are the generated modules it instantiates.
 *
 * <p>Net names: a net driven by a top input is that input; a net that drives a top output is that
 * output (a second top output on the same net gets an {@code assign}); any other net is a wire
 * named {@code <instance>_<port>} after its driver, with a leading {@code u_} dropped. An instance
 * output nothing reads goes to a wire {@code unused_<instance>_<port>} (Verilator's lint leaves
 * {@code unused} names alone).
 */
public final class Netlist {

    /** Template variables of {@code top.v.vm}; all text is prepared here, the template only prints. */
    public record TopVars(String name, List<String> description, List<String> portDocs, List<String> instanceDocs,
            List<String> portDecls, List<WireGroup> groups, List<String> assigns, List<InstanceText> instances) {
    }

    /** The wires of one connection, under a comment naming it. */
    public record WireGroup(String comment, List<String> wires) {
    }

    /** One instantiation: module, parameter lines and port lines (commas included). */
    public record InstanceText(String module, String name, List<String> params, List<String> ports) {
    }

    /**
     * One net of the printed module: its Verilog name and width, the port that drives it, the
     * ports it drives, and the connection that made it ({@code outputs nothing reads} for an
     * instance output left open).
     */
    public record Net(String name, int width, Port driver, List<Port> sinks, String connection) {
    }

    private record Resolved(TopVars vars, List<Net> nets) {
    }

    private final String name;
    private final List<String> description;
    private final List<Port> ports;
    private final List<Instance> instances;
    private final List<TopBuilder.Connection> connections;
    private final List<TopBuilder.Tie> ties;

    Netlist(String name, List<String> description, List<Port> ports, List<Instance> instances,
            List<TopBuilder.Connection> connections, List<TopBuilder.Tie> ties) {
        this.name = name;
        this.description = List.copyOf(description);
        this.ports = List.copyOf(ports);
        this.instances = List.copyOf(instances);
        this.connections = List.copyOf(connections);
        this.ties = List.copyOf(ties);
    }

    public String name() {
        return name;
    }

    public List<Port> ports() {
        return ports;
    }

    public List<Instance> instances() {
        return instances;
    }

    /** The module as a spec: printed by {@code top.v.vm}, children = generated modules it instantiates. */
    public ModuleSpec spec() {
        ModuleSpec.Builder b = ModuleSpec.builder(name).template("top.v.vm").vars(vars())
                .summary(description.isEmpty() ? "structural composition" : description.get(0));
        Set<String> seen = new HashSet<>();
        for (Instance i : instances) {
            i.def().spec().ifPresent(s -> {
                if (seen.add(s.name())) {
                    b.child(s);
                }
            });
        }
        b.fact("instances", instances.size());
        return b.build();
    }

    /** The template variables (net names resolved, columns aligned). */
    public TopVars vars() {
        return resolve().vars();
    }

    /** Every net driven by a port (constants are printed in place), in printing order. */
    public List<Net> nets() {
        return resolve().nets();
    }

    private Resolved resolve() {
        List<Net> nets = new ArrayList<>();
        Set<String> taken = new HashSet<>();
        for (Port p : ports) {
            taken.add(p.name());
        }
        // source port -> net name; sink port -> expression it reads
        Map<Port, String> netOf = new HashMap<>();
        Map<Port, String> sinkExpr = new HashMap<>();
        List<String> assigns = new ArrayList<>();
        List<WireGroup> groups = new ArrayList<>();
        Map<Port, List<Port>> sinksOf = new LinkedHashMap<>();
        for (TopBuilder.Connection c : connections) {
            for (TopBuilder.Link l : c.links()) {
                sinksOf.computeIfAbsent(l.source(), k -> new ArrayList<>()).add(l.sink());
            }
        }
        for (TopBuilder.Connection c : connections) {
            List<String> wires = new ArrayList<>();
            for (TopBuilder.Link l : c.links()) {
                Port src = l.source();
                if (!netOf.containsKey(src)) {
                    String net;
                    if (src.isTopPort()) {
                        net = src.name();
                    } else {
                        Port topOut = null;
                        for (Port s : sinksOf.get(src)) {
                            if (s.isTopPort()) {
                                topOut = s;
                                break;
                            }
                        }
                        if (topOut != null) {
                            net = topOut.name();
                        } else {
                            net = unique(stripU(src.instance().name()) + "_" + src.name(), taken);
                            wires.add(decl(src.width(), net));
                        }
                    }
                    netOf.put(src, net);
                    nets.add(new Net(net, src.width(), src, List.copyOf(sinksOf.get(src)), c.label()));
                }
                String net = netOf.get(src);
                if (l.sink().isTopPort() && !l.sink().name().equals(net)) {
                    assigns.add("assign " + l.sink().name() + " = " + net + ";");
                }
                sinkExpr.put(l.sink(), net);
            }
            if (!wires.isEmpty()) {
                groups.add(new WireGroup(c.label(), align(wires)));
            }
        }
        for (TopBuilder.Tie t : ties) {
            String lit = literal(t.sink().width(), t.value());
            if (t.sink().isTopPort()) {
                assigns.add("assign " + t.sink().name() + " = " + lit + ";");
            } else {
                sinkExpr.put(t.sink(), lit);
            }
        }
        List<String> unused = new ArrayList<>();
        for (Instance i : instances) {
            for (Port p : i.ports().values()) {
                if (p.isSource() && !netOf.containsKey(p)) {
                    String net = unique("unused_" + stripU(i.name()) + "_" + p.name(), taken);
                    unused.add(decl(p.width(), net));
                    netOf.put(p, net);
                    nets.add(new Net(net, p.width(), p, List.of(), "outputs nothing reads"));
                }
            }
        }
        if (!unused.isEmpty()) {
            groups.add(new WireGroup("outputs nothing reads", align(unused)));
        }

        List<InstanceText> texts = new ArrayList<>();
        for (Instance i : instances) {
            List<String> params = new ArrayList<>();
            int pw = i.overrides().keySet().stream().mapToInt(String::length).max().orElse(0);
            int n = 0;
            for (Map.Entry<String, Long> e : i.overrides().entrySet()) {
                n++;
                params.add("." + pad(e.getKey(), pw) + " (" + e.getValue() + ")" + (n < i.overrides().size() ? "," : ""));
            }
            List<String> conns = new ArrayList<>();
            int w = i.ports().keySet().stream().mapToInt(String::length).max().orElse(0);
            n = 0;
            for (Port p : i.ports().values()) {
                n++;
                String expr = p.isSource() ? netOf.get(p) : sinkExpr.get(p);
                conns.add("." + pad(p.name(), w) + " (" + expr + ")" + (n < i.ports().size() ? "," : ""));
            }
            texts.add(new InstanceText(i.def().name(), i.name(), params, conns));
        }

        List<String> decls = new ArrayList<>();
        List<String> docs = new ArrayList<>();
        int dw = ports.stream().mapToInt(p -> p.name().length()).max().orElse(0);
        int rw = ports.stream().mapToInt(p -> p.width() == 1 ? 0 : ("[" + (p.width() - 1) + ":0]").length()).max().orElse(0);
        int k = 0;
        for (Port p : ports) {
            k++;
            String range = p.width() == 1 ? "" : "[" + (p.width() - 1) + ":0]";
            decls.add(String.format("%-6s wire %s%s%s", p.dir().verilog(), rw == 0 ? "" : pad(range, rw) + " ", p.name(),
                    k < ports.size() ? "," : ""));
            docs.add(String.format("%-" + dw + "s  %-6s %d", p.name(), p.dir().verilog(), p.width()));
        }
        List<String> instDocs = new ArrayList<>();
        int iw = instances.stream().mapToInt(i -> i.name().length()).max().orElse(0);
        for (Instance i : instances) {
            StringBuilder sb = new StringBuilder(String.format("%-" + iw + "s  %s", i.name(), i.def().name()));
            if (!i.overrides().isEmpty()) {
                List<String> ps = new ArrayList<>();
                i.overrides().forEach((key, val) -> ps.add(key + "=" + val));
                sb.append(" (").append(String.join(", ", ps)).append(")");
            }
            instDocs.add(sb.toString());
        }
        return new Resolved(new TopVars(name, description, docs, instDocs, decls, groups, assigns, texts),
                List.copyOf(nets));
    }

    private static String stripU(String s) {
        return s.startsWith("u_") && s.length() > 2 ? s.substring(2) : s;
    }

    private static String unique(String base, Set<String> taken) {
        String n = base;
        for (int i = 1; taken.contains(n); i++) {
            n = base + "_" + i;
        }
        taken.add(n);
        return n;
    }

    /** "range|name" pairs, aligned into wire declarations by {@link #align}. */
    private static String decl(int width, String net) {
        return (width == 1 ? "" : "[" + (width - 1) + ":0]") + "|" + net;
    }

    private static List<String> align(List<String> decls) {
        int w = decls.stream().mapToInt(d -> d.indexOf('|')).max().orElse(0);
        List<String> out = new ArrayList<>();
        for (String d : decls) {
            int bar = d.indexOf('|');
            String range = d.substring(0, bar);
            out.add(w == 0 ? "wire " + d.substring(bar + 1) + ";"
                    : "wire " + pad(range, w) + " " + d.substring(bar + 1) + ";");
        }
        return out;
    }

    private static String pad(String s, int w) {
        return String.format("%-" + w + "s", s);
    }

    /** A sized Verilog literal; negative values as their two's complement. */
    static String literal(int width, long value) {
        if (value >= 0) {
            return width + "'d" + value;
        }
        java.math.BigInteger v = java.math.BigInteger.valueOf(value).add(java.math.BigInteger.ONE.shiftLeft(width));
        return width + "'h" + v.toString(16);
    }
}
