package io.vitgen.estimate;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/**
 * The performance estimate as text: Markdown for report.md ({@link #markdown}), aligned columns for
 * the terminal ({@link #text}) and JSON for tools ({@link #json}); all three print the same
 * {@link Performance.Estimate}.
 */
public final class EstimateReport {

    private EstimateReport() {
    }

    /** report.md's "Performance estimate" section. */
    public static String markdown(Performance.Estimate e) {
        return render(e, true);
    }

    /** The terminal table of {@code vitgen estimate}. */
    public static String text(Performance.Estimate e) {
        return render(e, false);
    }

    /** The estimate as indented JSON. */
    public static String json(Performance.Estimate e) {
        try {
            return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(e) + "\n";
        } catch (JsonProcessingException x) {
            throw new IllegalStateException("cannot write the estimate as JSON", x);
        }
    }

    private static String render(Performance.Estimate e, boolean md) {
        StringBuilder sb = new StringBuilder();
        sb.append(md ? "## Performance estimate\n\n" : "");
        sb.append(String.format(Locale.ROOT, "%s on a %s array (%s), %d MHz: %,.1f images/s, %,d cycles per image,"
                        + " MAC utilisation %.1f%%.%n", e.model(), e.array(),
                e.lean() ? "estimate.array=lean: 45 LUT per MAC" : "the generated array", e.clockMhz(),
                e.imagesPerSecond(), e.imageCycles(), 100 * e.macUtilisation()));
        sb.append(String.format(Locale.ROOT, "DDR: %,d bytes per image, %.2f GB/s at that rate; the %d-bit memory port"
                        + " moves %.2f GB/s at %d MHz.%n", e.ddrBytesPerImage(), e.bandwidthGBs(), e.memBits(),
                e.memPortGBs(), e.clockMhz()));
        sb.append("stream".equals(e.timing())
                ? String.format(Locale.ROOT, "Cycles from timing the compiled command stream (%,d commands a layer, %,d an"
                        + " image) with the controller's queues and tokens; within 2%% of the RTL's cycle counters per layer"
                        + " (docs/estimate.md).%n%n", e.layerCommands(), e.imageCommands())
                : "Cycles from the phase formulas of docs/estimate.md (not a timed command stream: see the notes).\n\n");

        String pass = e.batch() > 1 ? " (a batch of " + e.batch() + " images)" : "";
        sb.append(md ? "### Operations of one encoder layer" + pass + "\n\n" : "Operations of one encoder layer" + pass + ":\n");
        List<String[]> rows = new ArrayList<>();
        for (Performance.Op o : e.layerOps()) {
            rows.add(opRow(o, (long) e.rows() * e.cols()));
        }
        table(sb, md, new String[] {"operation", "unit", "shape", "times", "tiles", "cycles each", "MAC use",
            "overlaps"}, rows, "lllrrrrl");

        if (!e.phases().isEmpty()) {
            sb.append(md ? "### Phases of a layer (phase formulas)\n\n" : "Phases of a layer (phase formulas):\n");
            rows = new ArrayList<>();
            for (Performance.Phase p : e.phases()) {
                rows.add(new String[] {p.name(), n(p.gemmCycles()), n(p.unitCycles()), n(p.exposed()), n(p.stall()),
                    n(p.cycles())});
            }
            rows.add(new String[] {"layer", "", "", "", "", n(e.layerCycles())});
            table(sb, md, new String[] {"phase", "GEMMs", "unit work", "unit exposed", "weight-load stall", "cycles"},
                    rows, "lrrrrr");
        } else {
            // a batch's layer stream runs every image of the batch: its busy cycles are the batch's
            String of = e.batch() > 1 ? " of " + e.batch() + " images" : "";
            long layer = e.layerCycles() * e.batch();
            sb.append(md ? "### One encoder layer" + of + ", timed command stream\n\n"
                    : "One encoder layer" + of + ", timed command stream:\n");
            rows = new ArrayList<>();
            for (Performance.UnitTime u : e.layerUnits()) {
                rows.add(new String[] {u.unit(), Integer.toString(u.commands()), n(u.busyCycles()),
                    String.format(Locale.ROOT, "%.1f%%", 100.0 * u.busyCycles() / layer)});
            }
            rows.add(new String[] {"layer" + of + " (START to interrupt)", Integer.toString(e.layerCommands()), n(layer),
                "100.0%"});
            table(sb, md, new String[] {"unit", "commands", "busy cycles", "share of the layer"}, rows, "lrrr");
        }

        String per = e.batch() > 1 ? " (cycles per image, a batch of " + e.batch() + " images)" : "";
        sb.append(md ? "### One image" + per + "\n\n" : "One image" + per + ":\n");
        rows = new ArrayList<>();
        for (Performance.Op o : e.imageOps()) {
            rows.add(new String[] {o.name(), o.shape(), n(o.cycles())});
        }
        if ("stream".equals(e.timing())) {
            rows.add(new String[] {e.layers() + " encoder layers", "", "(in the stream)"});
            rows.add(new String[] {"image: the timed stream (" + e.imageCommands() + " commands)", "", n(e.imageCycles())});
            rows.add(new String[] {"memory port alone (DDR bytes / port bytes per cycle)", "", n(e.memoryCycles())});
        } else {
            rows.add(new String[] {e.layers() + " encoder layers", "", n(e.layers() * e.layerCycles())});
            String each = e.batch() > 1 ? ", per image" : "";
            rows.add(new String[] {"compute" + each, "", n(e.computeCycles())});
            rows.add(new String[] {"memory port (DDR bytes / port bytes per cycle)" + each, "", n(e.memoryCycles())});
            rows.add(new String[] {"image (the larger)", "", n(e.imageCycles())});
        }
        table(sb, md, new String[] {"part", "shape", "cycles"}, rows, "llr");

        sb.append(md ? "### Where the cycles go\n\n" : "Where the cycles go:\n");
        rows = new ArrayList<>();
        for (Performance.Loss l : e.losses()) {
            rows.add(new String[] {l.what(), n(l.cycles()),
                String.format(Locale.ROOT, "%.1f%%", 100.0 * l.cycles() / e.imageCycles())});
        }
        rows.add(new String[] {"image", n(e.imageCycles()), "100.0%"});
        table(sb, md, new String[] {"", "cycles per image", "share"}, rows, "lrr");
        sb.append(String.format(Locale.ROOT, "Ceilings at %d MHz: this array with every MAC busy %,.0f images/s",
                e.clockMhz(), e.arrayCeilingImagesPerSecond()));
        if (e.partCeilingImagesPerSecond() != null) {
            sb.append(String.format(Locale.ROOT, "; every DSP of %s as MACs (two per DSP48E2) %,.0f images/s",
                    e.part(), e.partCeilingImagesPerSecond()));
        }
        sb.append(".\n\n");

        sb.append(md ? "### Resources (estimate)\n\n" : "Resources (estimate):\n");
        rows = new ArrayList<>();
        for (Usage u : e.blocks()) {
            rows.add(usageRow(md && !u.block().contains(" ") ? "`" + u.block() + "`" : u.block(), u));
        }
        rows.add(usageRow("all", e.total()));
        if (e.partLuts() != null) {
            rows.add(new String[] {"share of " + e.part(), pct(e.total().luts(), e.partLuts()),
                pct(e.total().flipFlops(), e.partFlipFlops()), pct(e.total().dsps(), e.partDsps()),
                String.format(Locale.ROOT, "%.1f%%", 100 * e.total().bram36() / e.partBram36())});
        }
        table(sb, md, new String[] {"block", "LUT", "FF", "DSP", "BRAM36"}, rows, "lrrrr");
        for (String note : e.notes()) {
            sb.append(md ? "Note: " : "note: ").append(note).append(md ? ".\n\n" : "\n");
        }
        for (String p : e.problems()) {
            sb.append(md ? "**Warning:** " : "warning: ").append(p).append(md ? ".\n\n" : "\n");
        }
        return sb.toString();
    }

    private static String[] opRow(Performance.Op o, long arrayMacs) {
        String use = o.macs() > 0 ? String.format(Locale.ROOT, "%.1f%%", 100.0 * o.macs() / ((double) o.cycles() * arrayMacs))
                : "";
        return new String[] {o.name(), o.unit(), o.shape(), Integer.toString(o.count()),
            o.tiles() == 0 ? "" : n(o.tiles()), n(o.cycles()), use, o.under()};
    }

    private static String[] usageRow(String name, Usage u) {
        return new String[] {name, n(u.luts()), n(u.flipFlops()), n(u.dsps()), FitCheck.bram(u.bram36())};
    }

    private static void table(StringBuilder sb, boolean md, String[] head, List<String[]> rows, String align) {
        if (md) {
            sb.append('|');
            for (String h : head) {
                sb.append(' ').append(h).append(" |");
            }
            sb.append("\n|");
            for (int i = 0; i < head.length; i++) {
                sb.append(align.charAt(i) == 'r' ? "---:|" : "---|");
            }
            sb.append('\n');
            for (String[] r : rows) {
                sb.append('|');
                for (String c : r) {
                    sb.append(' ').append(c).append(" |");
                }
                sb.append('\n');
            }
            sb.append('\n');
            return;
        }
        int[] w = new int[head.length];
        for (int i = 0; i < head.length; i++) {
            w[i] = head[i].length();
            for (String[] r : rows) {
                w[i] = Math.max(w[i], r[i].length());
            }
        }
        List<String[]> all = new ArrayList<>();
        all.add(head);
        all.addAll(rows);
        for (String[] r : all) {
            StringBuilder line = new StringBuilder(" ");
            for (int i = 0; i < r.length; i++) {
                String cell = r[i];
                String pad = " ".repeat(w[i] - cell.length());
                line.append(' ').append(align.charAt(i) == 'r' ? pad + cell : cell + pad).append(' ');
            }
            sb.append(line.toString().stripTrailing()).append('\n');
        }
        sb.append('\n');
    }

    private static String n(long v) {
        return String.format(Locale.ROOT, "%,d", v);
    }

    private static String pct(long used, long cap) {
        return String.format(Locale.ROOT, "%.1f%%", 100.0 * used / cap);
    }
}
