package io.vitgen.estimate;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import io.vitgen.config.Config;

/**
 * Does a configuration fit its target part? Compares the {@link ResourceModel} estimate with the
 * part's capacity ({@link Part}), the target vendor with the part's vendor, and the clock with the
 * part family's DSP clock limit. {@code target.fit} decides what happens with the problems:
 * {@code warn} (default) prints them on stderr and in report.md, {@code error} refuses the
 * configuration (exit code 2, nothing written), {@code off} skips the check.
 */
public final class FitCheck {

    /** The outcome: the estimate, the part if known, the problems and informational notes. */
    public record Result(List<Usage> blocks, Usage total, Optional<Part> part, List<String> problems,
                         List<String> notes) {
    }

    private FitCheck() {
    }

    public static Result of(Config c) {
        List<Usage> blocks = ResourceModel.blocks(c);
        Usage total = new Usage("all blocks", 0, 0, 0, 0);
        for (Usage u : blocks) {
            total = total.plus(u, "all blocks");
        }
        String partNumber = c.target().part();
        Optional<Part> part = Part.of(partNumber);
        List<String> problems = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        if (part.isEmpty()) {
            notes.add("no capacity data for target.part=" + partNumber + "; the fit check knows " + known()
                    + " (docs/estimate.md)");
            return new Result(blocks, total, part, problems, notes);
        }
        Part p = part.get();
        over(problems, "LUT", total.luts(), p.luts(), p, blocks, Usage::luts);
        over(problems, "flip-flops", total.flipFlops(), p.flipFlops(), p, blocks, Usage::flipFlops);
        over(problems, "DSP", total.dsps(), p.dsps(), p, blocks, Usage::dsps);
        if (total.bram36() > p.bram36()) {
            problems.add(String.format(Locale.ROOT, "the design needs about %s BRAM36 (estimate) but %s has %,d",
                    bram(total.bram36()), p.label(), p.bram36()));
        }
        String vendor = c.target().vendor();
        if (!vendor.equals("generic") && !vendor.equals(p.vendor())) {
            problems.add("target.part=" + partNumber + " is " + article(p.vendorName()) + " part but target.vendor="
                    + vendor + " writes " + (vendor.equals("xilinx") ? "XDC constraints for Vivado" : "SDC constraints for"
                    + " Quartus") + "; set target.vendor=" + p.vendor() + ", or target.part to a part of " + vendor);
        }
        int fmax = p.dspFmaxMhz(partNumber);
        if (c.target().clockMhz() > fmax) {
            int grade = Part.speedGrade(partNumber);
            problems.add("target.clock.mhz=" + c.target().clockMhz() + " is above the " + fmax + " MHz at which the "
                    + p.family() + " blocks of " + p.prefix() + (grade > 0 ? " speed grade " + grade
                    : " (speed grade not readable from the part number: slowest grade assumed)")
                    + " run even fully pipelined");
        }
        return new Result(blocks, total, part, problems, notes);
    }

    private static void over(List<String> problems, String what, long need, long have, Part p, List<Usage> blocks,
                             java.util.function.ToLongFunction<Usage> f) {
        if (need <= have) {
            return;
        }
        Usage biggest = blocks.get(0);
        for (Usage u : blocks) {
            if (f.applyAsLong(u) > f.applyAsLong(biggest)) {
                biggest = u;
            }
        }
        problems.add(String.format(Locale.ROOT, "the design needs about %,d %s (estimate; %s alone %,d) but %s has %,d",
                need, what, biggest.block(), f.applyAsLong(biggest), p.label(), have));
    }

    static String bram(double b) {
        return b == Math.rint(b) ? String.format(Locale.ROOT, "%,d", (long) b) : String.format(Locale.ROOT, "%,.1f", b);
    }

    private static String article(String vendorName) {
        return (vendorName.startsWith("I") ? "an " : "a ") + vendorName;
    }

    /** The known parts, for messages. */
    public static String known() {
        StringBuilder sb = new StringBuilder();
        for (Part p : Part.KNOWN) {
            sb.append(sb.length() == 0 ? "" : ", ").append(p.prefix());
        }
        return sb.toString();
    }
}
