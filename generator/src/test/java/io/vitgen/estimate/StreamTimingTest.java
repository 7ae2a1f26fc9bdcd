package io.vitgen.estimate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import io.vitgen.compile.Command;
import io.vitgen.compile.Operand;
import io.vitgen.compile.Space;
import io.vitgen.compile.Unit;
import org.junit.jupiter.api.Test;

/**
 * The controller semantics of {@link StreamTiming} on hand-made streams with fixed costs (a fetch
 * takes 10 cycles, a LOAD 100 x rows, a STORE 50, a LAYERNORM 30 x rows): fetch order and the read
 * engine shared with LOAD, tokens matched in order, queues that block the fetch when full, SYNC,
 * END, and what the GEMM unit waited for. Every expected time is worked out by hand in the comments.
 */
class StreamTimingTest {

    private static final Operand DRAM = Operand.of(Space.DRAM, 0, 64);
    private static final Operand ACT = Operand.of(Space.ACT, 0, 64);
    private static final Operand RES = Operand.of(Space.RES, 0, 64);
    private static final Operand HID = Operand.of(Space.HID, 0, 64);

    /** Fixed costs, independent of the top. */
    private static final StreamTiming.Costs COSTS = new StreamTiming.Costs() {
        @Override
        public long cycles(Command c) {
            if (c instanceof Command.Load l) {
                return 100L * l.rows();
            }
            if (c instanceof Command.Store) {
                return 50;
            }
            if (c instanceof Command.LayerNorm l) {
                return 30L * l.rows();
            }
            return 0;
        }

        @Override
        public long fetch(Command c) {
            return 10;
        }

        @Override
        public long endCycles() {
            return 2;
        }
    };

    private static Command load(int rows, Command.Deps d) {
        return new Command.Load(d, DRAM, ACT, rows, 64);
    }

    private static Command lnorm(int rows, Command.Deps d) {
        return new Command.LayerNorm(d, RES, ACT, rows, 32, ACT, ACT);
    }

    private static Command store(Command.Deps d) {
        return new Command.Store(d, ACT, DRAM, 1, 64);
    }

    private static Command.Deps deps(List<Unit> waits, List<Unit> signals) {
        return Command.Deps.of(waits, signals);
    }

    @Test
    void tokensReleaseTheWaitingUnitAtTheSignallingCompletion() {
        List<Command> s = List.of(
                load(2, deps(List.of(), List.of(Unit.LNORM))),          // fetched 0..10, runs 10..210
                lnorm(3, deps(List.of(Unit.LOAD), List.of(Unit.STORE))), // fetched after the LOAD: 210..220, runs 220..310
                store(deps(List.of(Unit.LNORM), List.of())),            // fetched 220..230, waits until 310, runs 310..360
                new Command.End(Command.Deps.NONE));                    // fetch may start at 360: 360..370, +2
        StreamTiming.Result r = StreamTiming.run(s, COSTS, 4);
        assertEquals(10, r.start()[0]);
        assertEquals(210, r.end()[0]);
        assertEquals(220, r.dispatch()[1], "the fetch waits for the read engine the LOAD holds");
        assertEquals(220, r.start()[1]);
        assertEquals(310, r.end()[1]);
        assertEquals(310, r.start()[2]);
        assertEquals(360, r.end()[2]);
        assertEquals(372, r.total());
        assertEquals(200, r.busy(Unit.LOAD));
        assertEquals(90, r.busy(Unit.LNORM));
        assertEquals(40, r.fetchBusy());
    }

    @Test
    void aFullQueueHoldsTheFetchUntilItsHeadStarts() {
        // three LAYERNORMs waiting on one LOAD each; with queues of 1 the second cannot be fetched
        // until the first has started
        List<Command> s = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            s.add(load(1, deps(List.of(), List.of(Unit.LNORM))));
        }
        for (int i = 0; i < 3; i++) {
            s.add(lnorm(1, deps(List.of(Unit.LOAD), List.of())));
        }
        s.add(new Command.End(Command.Deps.NONE));
        StreamTiming.Result deep = StreamTiming.run(s, COSTS, 4);
        StreamTiming.Result shallow = StreamTiming.run(s, COSTS, 1);
        // LOAD queue of 1: LOAD 0 fetched 0..10 runs 10..110; LOAD 1 is fetched once LOAD 0 has started
        // but the read engine is busy until 110: fetched 110..120, runs 120..220; LOAD 2: 220..230, 230..330
        assertEquals(230, shallow.start()[2]);
        assertEquals(330, shallow.end()[2]);
        // the k-th LAYERNORM takes the k-th LOAD token
        for (int i = 0; i < 3; i++) {
            assertTrue(deep.start()[3 + i] >= deep.end()[i], "LAYERNORM " + i + " after LOAD " + i);
        }
        assertTrue(shallow.total() >= deep.total());
    }

    @Test
    void syncWaitsForEveryEarlierCommand() {
        List<Command> s = List.of(
                load(3, Command.Deps.NONE),             // 10..310
                new Command.Sync(Command.Deps.NONE),    // fetched after the LOAD releases the read engine: 310..320
                lnorm(1, Command.Deps.NONE),            // 320..330, runs 330..360
                new Command.End(Command.Deps.NONE));    // 360..370, +2
        StreamTiming.Result r = StreamTiming.run(s, COSTS, 4);
        assertEquals(310, r.end()[0]);
        assertEquals(330, r.start()[2]);
        assertEquals(372, r.total());
    }

    @Test
    void aStreamWhoseTokensNeverComeIsADeadlock() {
        List<Command> s = List.of(lnorm(1, deps(List.of(Unit.LOAD), List.of())), new Command.End(Command.Deps.NONE));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> StreamTiming.run(s, COSTS, 4));
        assertTrue(e.getMessage().contains("deadlock"), e.getMessage());
    }
    /**
     * GEMMs of 1,000 cycles whose next command can load 300 cycles ahead in the last 400 of the one
     * before; LOADs of {@code loadCycles}.
     */
    private record PrefetchCosts(long loadCycles) implements StreamTiming.Costs {
        @Override
        public long cycles(Command c) {
            return c instanceof Command.Gemm ? 1000 : c instanceof Command.Load ? loadCycles : 0;
        }

        @Override
        public long fetch(Command c) {
            return 10;
        }

        @Override
        public long endCycles() {
            return 2;
        }

        @Override
        public long prefetch(Command prev, Command next) {
            // no prefetch when next reads what prev writes (here: the same space)
            return ((Command.Gemm) next).a().space() == ((Command.Gemm) prev).out().space() ? 0 : 300;
        }

        @Override
        public long prefetchWindow(Command prev) {
            return 400;
        }

        @Override
        public long prefetchLatency() {
            return 6;
        }
    }

    private static final StreamTiming.Costs PREFETCH = new PrefetchCosts(0);

    private static Command gemm(Operand a, Operand out) {
        return new Command.Gemm(Command.Deps.NONE, Command.Epilogue.RAW, false, false, a, ACT, out, 4, 8, 8, null, null,
                null, null, null);
    }

    @Test
    void theGemmUnitPrefetchesTheNextFirstTileUnlessItReadsTheRunningOutput() {
        List<Command> s = List.of(
                gemm(ACT, RES),   // fetched 0..10, runs 10..1010
                gemm(ACT, RES),   // fetched 10..20; prefetch from 1010 - 400 = 610 to 610 + 6 + 300 = 916: runs 1010..1710
                gemm(RES, ACT),   // reads RES, which the one before writes: no prefetch, runs 1710..2710
                gemm(ACT, RES),   // reads ACT, which the one before writes: no prefetch, 2710..3710
                new Command.End(Command.Deps.NONE));   // fetched once all are done: 3710..3720, + 2
        StreamTiming.Result r = StreamTiming.run(s, PREFETCH, 4);
        assertEquals(10, r.start()[0]);
        assertEquals(1010, r.start()[1]);
        assertEquals(700, r.cost()[1]);
        assertEquals(1710, r.start()[2]);
        assertEquals(1000, r.cost()[2]);
        assertEquals(2710, r.start()[3]);
        assertEquals(1000, r.cost()[3]);
        assertEquals(3722, r.total());
    }

    @Test
    void aLatePrefetchDelaysTheStartNotTheSaving() {
        List<Command> s = List.of(
                gemm(ACT, RES),                                     // fetched 0..10, runs 10..1010
                load(9, deps(List.of(), List.of(Unit.GEMM))),       // fetched 10..20, runs 20..920 (the read engine)
                // fetched after the LOAD 920..930 and shown then (its token came at 920): prefetch 930..1236,
                // so the unit takes it at 1236 (not 1010) and it runs 700 cycles: 1236..1936
                new Command.Gemm(deps(List.of(Unit.LOAD), List.of()), Command.Epilogue.RAW, false, false, ACT, ACT, RES,
                        4, 8, 8, null, null, null, null, null),
                new Command.End(Command.Deps.NONE));
        StreamTiming.Costs c = new PrefetchCosts(900);
        StreamTiming.Result r = StreamTiming.run(s, c, 4);
        assertEquals(1010, r.end()[0]);
        assertEquals(920, r.end()[1]);
        assertEquals(930, r.dispatch()[2]);
        assertEquals(930 + 6 + 300, r.start()[2]);
        assertEquals(700, r.cost()[2]);
    }

    /** GEMMs of 1,000 cycles whose last 300 (the tail) the next independent GEMM overlaps; no prefetch. */
    private static final StreamTiming.Costs OVERLAP = new StreamTiming.Costs() {
        @Override
        public long cycles(Command c) {
            return c instanceof Command.Gemm ? 1000 : 0;
        }

        @Override
        public long fetch(Command c) {
            return 10;
        }

        @Override
        public long endCycles() {
            return 2;
        }

        @Override
        public long tail(Command c) {
            return c instanceof Command.Gemm ? 300 : 0;
        }

        @Override
        public boolean overlaps(Command prev, Command next) {
            // not when next reads what prev writes (here: the same space)
            return ((Command.Gemm) next).a().space() != ((Command.Gemm) prev).out().space();
        }
    };

    @Test
    void theGemmUnitTakesTheNextIndependentGemmDuringTheTail() {
        List<Command> s = List.of(
                gemm(ACT, RES),   // fetched 0..10, runs 10..1010, front done at 710
                gemm(ACT, RES),   // independent: starts at 710 + 1 (overlapGap), ends 1711; front done 1411
                gemm(RES, ACT),   // reads RES, which the one before writes: starts at its end 1711, ends 2711
                gemm(ACT, RES),   // reads ACT, written by the one before: 2711..3711
                gemm(ACT, HID),   // independent: starts 3411 + 1, ends 4412
                new Command.End(Command.Deps.NONE));   // 4412..4422, + 2
        StreamTiming.Result r = StreamTiming.run(s, OVERLAP, 4);
        assertEquals(10, r.start()[0]);
        assertEquals(711, r.start()[1]);
        assertEquals(1711, r.end()[1]);
        assertEquals(701, r.cost()[1]);          // what it adds to the unit's time line
        assertEquals(0, r.idleBefore()[1]);
        assertEquals(1711, r.start()[2]);
        assertEquals(2711, r.start()[3]);
        assertEquals(3412, r.start()[4]);
        assertEquals(4412, r.end()[4]);
        assertEquals(4424, r.total());
        assertEquals(4412 - 10, r.busy(Unit.GEMM));
    }
}
