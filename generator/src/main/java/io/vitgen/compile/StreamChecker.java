package io.vitgen.compile;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

/**
 * Proves properties of a command stream before anything runs it (docs/commands.md, "Checks"):
 * <ol>
 * <li>tokens: on every channel (unit P -&gt; unit C) the number of signals equals the number of
 * waits, and no unit waits on itself; one END, last;</li>
 * <li>deadlock freedom: the stream runs to its END on the abstract machine of docs/commands.md - a
 * dispatcher that issues commands in stream order into per-unit queues of {@code queueDepth}
 * entries (SYNC and END wait until every earlier command completed), units that run their queue
 * in order and start a command only when each channel it waits on holds a token. The machine is a
 * Kahn network with blocking reads and bounded queues, so its outcome does not depend on timing:
 * one run decides;</li>
 * <li>hazards: every two commands of different units that touch overlapping bytes of one space,
 * at least one writing, are ordered by a path of queue order, tokens and SYNCs - so every timing
 * of the hardware, and the {@link Interpreter}, compute the same bytes.</li>
 * </ol>
 */
public final class StreamChecker {

    /** Default depth of each unit's command queue. */
    public static final int DEFAULT_QUEUE_DEPTH = 8;

    /**
     * Result of a check.
     *
     * @param problems       everything wrong, one message each (empty when the stream is proven)
     * @param order          an order in which the abstract machine completed the commands (the
     *                       prefix it reached when it deadlocked)
     * @param maxOutstanding the most tokens any channel held at once in that run
     * @param backwardTokens tokens whose signalling command comes after the waiting command in
     *                       stream order: legal, but they need queues deep enough to hold the
     *                       commands in between; with none, the stream is deadlock-free at every
     *                       queue depth (each wait is released by an earlier command)
     */
    public record Result(List<String> problems, int[] order, int maxOutstanding, int backwardTokens) {
        public boolean ok() {
            return problems.isEmpty();
        }

        /** Throws {@link StreamException} listing the problems when there are any. */
        public Result requireOk() {
            if (!problems.isEmpty()) {
                throw new StreamException(problems);
            }
            return this;
        }
    }

    /** Problems of a stream, all at once. */
    public static final class StreamException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;
        private final transient List<String> problems;

        StreamException(List<String> problems) {
            super(problems.size() + (problems.size() == 1 ? " problem" : " problems") + " in the command stream:\n  - "
                    + String.join("\n  - ", problems));
            this.problems = List.copyOf(problems);
        }

        public List<String> problems() {
            return problems;
        }
    }

    private final List<Command> cmds;
    private final List<String> labels;
    private final int queueDepth;

    private StreamChecker(List<Command> cmds, List<String> labels, int queueDepth) {
        this.cmds = cmds;
        this.labels = labels;
        this.queueDepth = queueDepth;
    }

    /** Checks a stream; {@code labels} (same length, or null) name the commands in messages. */
    public static Result check(List<Command> cmds, List<String> labels, int queueDepth) {
        if (queueDepth < 1) {
            throw new IllegalArgumentException("queue depth must be at least 1, got " + queueDepth);
        }
        if (labels != null && labels.size() != cmds.size()) {
            throw new IllegalArgumentException(labels.size() + " labels for " + cmds.size() + " commands");
        }
        return new StreamChecker(List.copyOf(cmds), labels, queueDepth).run();
    }

    public static Result check(List<Command> cmds) {
        return check(cmds, null, DEFAULT_QUEUE_DEPTH);
    }

    private String name(int i) {
        Command c = cmds.get(i);
        String op = c.getClass().getSimpleName().toUpperCase(java.util.Locale.ROOT);
        return "#" + i + " " + op + (labels != null && !labels.get(i).isEmpty() ? " (" + labels.get(i) + ")" : "");
    }

    private static int channel(Unit from, Unit to) {
        return from.ordinal() * Unit.values().length + to.ordinal();
    }

    private static String channelName(int ch) {
        int n = Unit.values().length;
        return Unit.values()[ch / n] + "->" + Unit.values()[ch % n];
    }

    private Result run() {
        List<String> problems = new ArrayList<>();
        int n = cmds.size();
        int channels = Unit.values().length * Unit.values().length;
        // 1. static token balance
        List<List<Integer>> producers = new ArrayList<>();
        List<List<Integer>> consumers = new ArrayList<>();
        for (int ch = 0; ch < channels; ch++) {
            producers.add(new ArrayList<>());
            consumers.add(new ArrayList<>());
        }
        int ends = 0;
        for (int i = 0; i < n; i++) {
            Command c = cmds.get(i);
            if (c instanceof Command.End) {
                ends++;
                if (i != n - 1) {
                    problems.add(name(i) + " is not the last command");
                }
            }
            Unit u = c.unit();
            if (u == null) {
                continue;
            }
            for (Unit o : Unit.values()) {
                if (c.deps().waitsOn(o)) {
                    if (o == u) {
                        problems.add(name(i) + " waits on its own unit " + u + " (a queue is already in order)");
                    }
                    consumers.get(channel(o, u)).add(i);
                }
                if (c.deps().signals(o)) {
                    if (o == u) {
                        problems.add(name(i) + " signals its own unit " + u);
                    }
                    producers.get(channel(u, o)).add(i);
                }
            }
        }
        if (ends != 1) {
            problems.add("the stream has " + ends + " END commands; it needs exactly one, last");
        }
        for (int ch = 0; ch < channels; ch++) {
            List<Integer> p = producers.get(ch);
            List<Integer> q = consumers.get(ch);
            for (int k = p.size(); k < q.size(); k++) {
                problems.add(name(q.get(k)) + " waits for token " + channelName(ch) + " number " + (k + 1)
                        + ", but only " + p.size() + " are ever signalled");
            }
            for (int k = q.size(); k < p.size(); k++) {
                problems.add("token " + channelName(ch) + " number " + (k + 1) + " signalled by " + name(p.get(k))
                        + " is never consumed");
            }
        }
        if (!problems.isEmpty()) {
            return new Result(problems, new int[0], 0, 0);
        }

        // 2. abstract machine
        List<ArrayDeque<Integer>> queues = new ArrayList<>();
        for (int u = 0; u < Unit.values().length; u++) {
            queues.add(new ArrayDeque<>());
        }
        int[] tokens = new int[channels];
        int maxOut = 0;
        int next = 0;
        int completed = 0;
        int[] order = new int[n];
        boolean progress = true;
        while (progress) {
            progress = false;
            // dispatcher
            while (next < n) {
                Command c = cmds.get(next);
                if (c.unit() == null) {
                    if (completed == next) { // every earlier command completed
                        order[completed++] = next++;
                        progress = true;
                        continue;
                    }
                    break;
                }
                ArrayDeque<Integer> q = queues.get(c.unit().ordinal());
                if (q.size() >= queueDepth) {
                    break;
                }
                q.add(next++);
                progress = true;
            }
            // units
            for (Unit u : Unit.values()) {
                ArrayDeque<Integer> q = queues.get(u.ordinal());
                while (!q.isEmpty()) {
                    Command c = cmds.get(q.peek());
                    boolean ready = true;
                    for (Unit o : Unit.values()) {
                        if (c.deps().waitsOn(o) && tokens[channel(o, u)] == 0) {
                            ready = false;
                        }
                    }
                    if (!ready) {
                        break;
                    }
                    int i = q.poll();
                    for (Unit o : Unit.values()) {
                        if (c.deps().waitsOn(o)) {
                            tokens[channel(o, u)]--;
                        }
                    }
                    for (Unit o : Unit.values()) {
                        if (c.deps().signals(o)) {
                            maxOut = Math.max(maxOut, ++tokens[channel(u, o)]);
                        }
                    }
                    order[completed++] = i;
                    progress = true;
                }
            }
        }
        if (completed < n) {
            StringBuilder sb = new StringBuilder("deadlock after " + completed + " of " + n + " commands:");
            for (Unit u : Unit.values()) {
                ArrayDeque<Integer> q = queues.get(u.ordinal());
                if (!q.isEmpty()) {
                    Command c = cmds.get(q.peek());
                    List<String> missing = new ArrayList<>();
                    for (Unit o : Unit.values()) {
                        if (c.deps().waitsOn(o) && tokens[channel(o, u)] == 0) {
                            missing.add(o + "->" + u);
                        }
                    }
                    sb.append(" ").append(u).append(" queue (").append(q.size()).append(" waiting) is held by ")
                            .append(name(q.peek())).append(" waiting for ").append(String.join(", ", missing)).append(";");
                }
            }
            if (next < n) {
                Command c = cmds.get(next);
                sb.append(" the dispatcher holds ").append(name(next)).append(c.unit() == null
                        ? " until every earlier command completes"
                        : " (the " + c.unit() + " queue is full at depth " + queueDepth + ")");
            }
            problems.add(sb.toString());
            return new Result(problems, java.util.Arrays.copyOf(order, completed), maxOut, backward(producers, consumers));
        }

        // 3. happens-before (transitive closure in completion order) and hazards
        List<List<Integer>> preds = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            preds.add(new ArrayList<>());
        }
        int[] lastOfUnit = new int[Unit.values().length];
        java.util.Arrays.fill(lastOfUnit, -1);
        int lastSync = -1;
        List<Integer> sinceSync = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Command c = cmds.get(i);
            if (c.unit() == null) {
                preds.get(i).addAll(sinceSync);
                if (lastSync >= 0) {
                    preds.get(i).add(lastSync);
                }
                lastSync = i;
                sinceSync.clear();
                continue;
            }
            int u = c.unit().ordinal();
            if (lastOfUnit[u] >= 0) {
                preds.get(i).add(lastOfUnit[u]);
            }
            lastOfUnit[u] = i;
            if (lastSync >= 0) {
                preds.get(i).add(lastSync);
            }
            sinceSync.add(i);
        }
        for (int ch = 0; ch < channels; ch++) {
            List<Integer> p = producers.get(ch);
            List<Integer> q = consumers.get(ch);
            for (int k = 0; k < q.size(); k++) {
                preds.get(q.get(k)).add(p.get(k));
            }
        }
        BitSet[] before = new BitSet[n];
        for (int idx = 0; idx < n; idx++) {
            int i = order[idx];
            BitSet b = new BitSet(n);
            for (int p : preds.get(i)) {
                b.set(p);
                b.or(before[p]);
            }
            before[i] = b;
        }
        hazards(before, problems);
        return new Result(problems, order, maxOut, backward(producers, consumers));
    }

    private static int backward(List<List<Integer>> producers, List<List<Integer>> consumers) {
        int n = 0;
        for (int ch = 0; ch < producers.size(); ch++) {
            List<Integer> p = producers.get(ch);
            List<Integer> q = consumers.get(ch);
            for (int k = 0; k < Math.min(p.size(), q.size()); k++) {
                if (p.get(k) > q.get(k)) {
                    n++;
                }
            }
        }
        return n;
    }

    private void hazards(BitSet[] before, List<String> problems) {
        int n = cmds.size();
        List<List<Command.Access>> acc = new ArrayList<>();
        for (Command c : cmds) {
            acc.add(c.accesses());
        }
        int reported = 0;
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                Command a = cmds.get(i);
                Command b = cmds.get(j);
                if (a.unit() == null || b.unit() == null || a.unit() == b.unit()) {
                    continue;
                }
                if (before[j].get(i) || before[i].get(j)) {
                    continue;
                }
                for (Command.Access x : acc.get(i)) {
                    for (Command.Access y : acc.get(j)) {
                        if ((x.write() || y.write()) && x.space() == y.space() && overlap(x, y)) {
                            if (reported++ < 20) {
                                problems.add("unordered: " + name(i) + (x.write() ? " writes " : " reads ") + describe(x)
                                        + " and " + name(j) + (y.write() ? " writes " : " reads ") + describe(y)
                                        + " with no token path between them");
                            }
                        }
                    }
                }
            }
        }
        if (reported > 20) {
            problems.add("... and " + (reported - 20) + " more unordered pairs");
        }
    }

    private static String describe(Command.Access a) {
        return a.space() + " [" + a.addr() + ", " + a.end() + ")" + (a.rows() > 1 ? " (" + a.rows() + " rows of "
                + a.rowBytes() + " bytes every " + a.stride() + ")" : "");
    }

    /** Whether two strided regions share a byte (exact). */
    static boolean overlap(Command.Access x, Command.Access y) {
        if (x.end() <= y.addr() || y.end() <= x.addr()) {
            return false;
        }
        for (long r = 0; r < x.rows(); r++) {
            long a0 = x.addr() + r * x.stride();
            long a1 = a0 + x.rowBytes();
            if (rowsHit(y, a0, a1)) {
                return true;
            }
        }
        return false;
    }

    /** Whether some row of {@code y} intersects [a0, a1). */
    private static boolean rowsHit(Command.Access y, long a0, long a1) {
        if (y.rows() == 1 || y.stride() == 0) {
            return y.addr() < a1 && y.addr() + y.rowBytes() > a0;
        }
        // rows r with addr + r s < a1 and addr + r s + len > a0
        long lo = Math.floorDiv(a0 - y.addr() - y.rowBytes(), y.stride()) + 1;
        long hi = Math.floorDiv(a1 - 1 - y.addr(), y.stride());
        lo = Math.max(lo, 0);
        hi = Math.min(hi, y.rows() - 1);
        return lo <= hi;
    }
}
