package io.vitgen.estimate;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import io.vitgen.compile.Command;
import io.vitgen.compile.Unit;

/**
 * Times a command stream the way the accelerator top's controller runs it (rtl-templates/top_ctrl,
 * docs/commands.md "Units and queues"): a fetch reads one command after the other (one DMA read
 * each, sharing the read engine with the LOAD unit, which goes first), a dispatcher appends each
 * command to its unit's queue of {@code queueDepth} entries (waiting while it is full), six units
 * run their queue heads in order once the tokens they wait for are signalled (the k-th wait on a
 * channel is released by the k-th signal's completion), and SYNC / END wait until every earlier
 * command has completed. Each command takes the cycles {@link StreamCosts} gives it.
 *
 * <p>The machine is deterministic, so one pass in time order decides every start and end: at each
 * step the action that can start earliest runs (a LOAD before a fetch at the same cycle).
 */
public final class StreamTiming {

    private StreamTiming() {
    }

    /** What a command and its fetch cost (cycles); {@link StreamCosts} is the top's. */
    public interface Costs {
        /** Cycles from a command's start to its completion. */
        long cycles(Command c);

        /** Cycles of fetching the command (the read engine is busy meanwhile). */
        long fetch(Command c);

        /** Cycles from END's dispatch to the interrupt. */
        long endCycles();

        /**
         * Cycles of {@code next}'s start that its unit can do while it still runs {@code prev}, the
         * command before it in the same queue (the GEMM unit's prefetch of the next command's first A
         * tile); 0 when it cannot (another unit, or next reads what prev writes). The saving is taken
         * off next's cycles.
         */
        default long prefetch(Command prev, Command next) {
            return 0;
        }

        /** Cycles before {@code prev}'s completion from which a prefetch for the next command can run. */
        default long prefetchWindow(Command prev) {
            return 0;
        }

        /** Cycles from the next command being shown to its prefetch's first buffer beat. */
        default long prefetchLatency() {
            return 0;
        }

        /**
         * Cycles at the end of command {@code c} during which its unit can already take the next
         * command of its queue (the GEMM unit's back half drains, requantizes and writes while the
         * front half starts the next GEMM); 0 for a unit that takes one command at a time.
         */
        default long tail(Command c) {
            return 0;
        }

        /**
         * True when the unit may take {@code next} during {@code prev}'s {@link #tail} (it reads no
         * byte prev still writes); otherwise next starts only at prev's completion.
         */
        default boolean overlaps(Command prev, Command next) {
            return false;
        }

        /** Cycles from a command's front being done to the unit taking an overlapping next command. */
        default long overlapGap() {
            return 1;
        }

        /** Cycles a command's completion follows its predecessor's in the same unit, at least. */
        default long completionGap() {
            return 1;
        }
    }

    /** When each command started and ended (cycles from START), and what the GEMM unit waited for. */
    public record Result(long total, long[] dispatch, long[] start, long[] end, long[] cost, long[] unitBusy,
                         long fetchBusy, Unit[] waitedFor, long[] idleBefore) {

        /** Cycles the unit was running a command. */
        public long busy(Unit u) {
            return unitBusy[u.ordinal()];
        }
    }

    /** Times {@code commands} with {@code costs} and queues of {@code queueDepth} entries. */
    public static Result run(List<Command> commands, Costs costs, int queueDepth) {
        int n = commands.size();
        int units = Unit.values().length;
        long[] dispatch = new long[n];
        long[] start = new long[n];
        long[] end = new long[n];
        long[] cost = new long[n];
        long[] busy = new long[units];
        Unit[] waitedFor = new Unit[n];
        long[] idleBefore = new long[n];
        Arrays.fill(start, -1);
        Arrays.fill(end, -1);
        // token channels: signal completion times in order, and how many waits have taken one
        @SuppressWarnings("unchecked")
        ArrayList<Long>[][] signals = new ArrayList[units][units];
        int[][] taken = new int[units][units];
        for (int p = 0; p < units; p++) {
            for (int c = 0; c < units; c++) {
                signals[p][c] = new ArrayList<>();
            }
        }
        @SuppressWarnings("unchecked")
        ArrayDeque<Integer>[] queue = new ArrayDeque[units];
        // commands of each unit in queue order, to find when the entry depth places earlier left
        @SuppressWarnings("unchecked")
        ArrayList<Integer>[] order = new ArrayList[units];
        for (int u = 0; u < units; u++) {
            queue[u] = new ArrayDeque<>();
            order[u] = new ArrayList<>();
        }
        long[] unitFree = new long[units];
        long[] frontFree = new long[n];   // when each command's unit could take the next one (its tail)
        int[] last = new int[units];      // the command each unit ran last (-1: none yet)
        Arrays.fill(last, -1);
        long fetchFree = 0;
        long readFree = 0;      // the DMA read engine, shared by fetch and LOAD
        long fetchBusy = 0;
        long lastEnd = 0;       // latest completion so far (SYNC / END)
        int next = 0;           // next command to fetch
        int done = 0;
        long endTime = -1;
        while (endTime < 0) {
            // earliest candidate among the units' queue heads
            long best = Long.MAX_VALUE;
            int bestUnit = -1;
            for (int u = 0; u < units; u++) {
                if (queue[u].isEmpty()) {
                    continue;
                }
                int i = queue[u].peekFirst();
                long shown = dispatch[i];
                Command.Deps d = commands.get(i).deps();
                boolean ready = true;
                for (int p = 0; p < units && ready; p++) {
                    if ((d.waits() & (1 << p)) != 0) {
                        int k = taken[p][u];
                        if (k >= signals[p][u].size()) {
                            ready = false;
                        } else {
                            shown = Math.max(shown, signals[p][u].get(k));
                        }
                    }
                }
                long t = Math.max(unitFree[u], shown);
                int prev = last[u];
                if (prev >= 0 && costs.overlaps(commands.get(prev), commands.get(i))) {
                    t = Math.max(Math.max(frontFree[prev] + costs.overlapGap(), start[prev] + 1), shown);
                }
                if (u == Unit.LOAD.ordinal()) {
                    t = Math.max(t, readFree);
                }
                if (ready) {
                    // the unit takes a command only once the prefetch of its first tile is done
                    t = Math.max(t, prefetchEnd(commands, costs, last[u], i, shown, frontFree));
                }
                if (ready && (t < best || (t == best && u == Unit.LOAD.ordinal()))) {
                    best = t;
                    bestUnit = u;
                }
            }
            // the fetch's candidate
            long fetchAt = Long.MAX_VALUE;
            if (next < n) {
                Command c = commands.get(next);
                Unit u = c.unit();
                long t = Math.max(fetchFree, readFree);
                boolean can = true;
                if (u == null) {
                    // SYNC / END: every earlier command must have completed
                    if (done < next) {
                        can = false;
                    } else {
                        t = Math.max(t, lastEnd);
                    }
                } else {
                    int pos = order[u.ordinal()].size();
                    if (pos >= queueDepth) {
                        int leaving = order[u.ordinal()].get(pos - queueDepth);
                        if (start[leaving] < 0) {
                            can = false;
                        } else {
                            t = Math.max(t, start[leaving] + 1);
                        }
                    }
                }
                if (can) {
                    fetchAt = t;
                }
            }
            if (bestUnit < 0 && fetchAt == Long.MAX_VALUE) {
                throw new IllegalStateException("the stream deadlocks after " + done + " of " + n + " commands");
            }
            if (bestUnit >= 0 && best <= fetchAt) {
                int i = queue[bestUnit].pollFirst();
                Command c = commands.get(i);
                long d = costs.cycles(c) - saved(commands, costs, last[bestUnit], i, dispatchAndTokens(commands, c,
                        dispatch[i], signals, taken, bestUnit), frontFree);
                int prevCmd = last[bestUnit];
                last[bestUnit] = i;
                // what the unit waited for last (for "where the cycles go")
                long ready = Math.max(unitFree[bestUnit], dispatch[i]);
                Unit why = null;
                for (int p = 0; p < units; p++) {
                    if ((c.deps().waits() & (1 << p)) != 0) {
                        long s = signals[p][bestUnit].get(taken[p][bestUnit]);
                        taken[p][bestUnit]++;
                        if (s > ready) {
                            ready = s;
                            why = Unit.values()[p];
                        }
                    }
                }
                waitedFor[i] = why;
                // an overlapped command starts before its predecessor's end: the unit was not idle,
                // and its cost is what it adds to the unit's time line
                idleBefore[i] = Math.max(0, best - unitFree[bestUnit]);
                start[i] = best;
                end[i] = best + d;
                if (prevCmd >= 0 && best < unitFree[bestUnit]) {
                    end[i] = Math.max(end[i], unitFree[bestUnit] + costs.completionGap());
                }
                frontFree[i] = best + d - Math.min(costs.tail(c), d);
                cost[i] = end[i] - Math.max(best, unitFree[bestUnit]);
                unitFree[bestUnit] = end[i];
                busy[bestUnit] += cost[i];
                if (bestUnit == Unit.LOAD.ordinal()) {
                    readFree = end[i];
                }
                for (int s = 0; s < units; s++) {
                    if ((c.deps().signals() & (1 << s)) != 0) {
                        signals[bestUnit][s].add(end[i]);
                    }
                }
                lastEnd = Math.max(lastEnd, end[i]);
                done++;
            } else {
                Command c = commands.get(next);
                long f = costs.fetch(c);
                long t = fetchAt + f;
                fetchBusy += f;
                fetchFree = t;
                readFree = Math.max(readFree, t);
                dispatch[next] = t;
                Unit u = c.unit();
                if (u == null) {
                    start[next] = t;
                    end[next] = t;
                    done++;
                    if (c instanceof Command.End) {
                        endTime = t + costs.endCycles();
                    }
                } else {
                    queue[u.ordinal()].addLast(next);
                    order[u.ordinal()].add(next);
                }
                next++;
                if (next == n && endTime < 0 && !(c instanceof Command.End)) {
                    throw new IllegalStateException("the stream has no END");
                }
            }
        }
        return new Result(endTime, dispatch, start, end, cost, busy, fetchBusy, waitedFor, idleBefore);
    }

    /** When a queue head is shown to its unit: dispatched, with every token it waits for signalled. */
    private static long dispatchAndTokens(List<Command> commands, Command c, long dispatched, ArrayList<Long>[][] signals,
                                          int[][] taken, int u) {
        long t = dispatched;
        for (int p = 0; p < signals.length; p++) {
            if ((c.deps().waits() & (1 << p)) != 0) {
                t = Math.max(t, signals[p][u].get(taken[p][u]));
            }
        }
        return t;
    }

    /**
     * The prefetch of command i while the unit still runs {@code prev}: it starts when i is shown
     * ({@code shown}) and prev's window has opened, and only while prev's front runs (until
     * {@code frontFree[prev]}, prev's end less its {@link Costs#tail}); its end, or -1.
     */
    private static long prefetchEnd(List<Command> commands, Costs costs, int prev, int i, long shown, long[] frontFree) {
        if (prev < 0) {
            return -1;
        }
        long save = costs.prefetch(commands.get(prev), commands.get(i));
        if (save <= 0) {
            return -1;
        }
        long from = Math.max(shown, frontFree[prev] - costs.prefetchWindow(commands.get(prev)));
        if (from >= frontFree[prev]) {
            return -1;
        }
        return from + costs.prefetchLatency() + save;
    }

    /** Cycles a prefetch saved command i. */
    private static long saved(List<Command> commands, Costs costs, int prev, int i, long shown, long[] frontFree) {
        return prefetchEnd(commands, costs, prev, i, shown, frontFree) < 0 ? 0
                : costs.prefetch(commands.get(prev), commands.get(i));
    }
}
