package io.vitgen.estimate;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import io.vitgen.compile.BufferPlan;
import io.vitgen.compile.LayerCompiler;
import io.vitgen.config.Config;
import io.vitgen.config.ModelShape;
import io.vitgen.hw.MacArray;
import io.vitgen.hw.layernorm.LayerNormUnit;
import io.vitgen.hw.softmax.AttnShiftUnit;

/**
 * The performance estimate of a configuration on its model: cycles of every operation of an encoder
 * layer and of an image, with the controller's overlap as docs/top.md plans it, MAC utilisation,
 * images per second at target.clock.mhz, DDR bytes per image and the bandwidth they need, and the
 * resources of every block against the part. {@code vitgen estimate}, {@code vitgen sweep} and
 * report.md all take their numbers from {@link #of(Config)}; the model is written down in
 * docs/estimate.md ("Performance").
 *
 * <p>Overlap (the plan of docs/top.md, not yet measured on RTL): a layer runs in four phases, each a
 * run of GEMMs with the nonlinear unit that works under them - LN1 under QKV, softmax under q k^T
 * and attention x V, LN2 under the projection, GELU under FC1 and FC2. A phase takes
 * max(its GEMMs, its unit's work) plus the unit's work on one row block, the part that cannot hide:
 * the first block's LayerNorm before the first GEMM can start, the last block's softmax or GELU
 * before the last GEMM that needs it. Memory: the weight slots' loads that the schedule cannot put
 * under compute stall the array, and an image never takes fewer cycles than its DDR bytes need on
 * the memory port.
 */
public final class Performance {

    /** Encoder layers per image (DeiT-Tiny, -Small and -Base; custom models are taken to have as many). */
    public static final int LAYERS = 12;
    /** DeiT: 224 x 224 x 3 images in 16 x 16 patches, 1,000 classes. */
    public static final int PATCH_K = 3 * 16 * 16;
    public static final int PATCHES = 196;
    public static final int CLASSES = 1000;

    private Performance() {
    }

    /**
     * One operation: a GEMM (with its tiles) or a pass of a nonlinear unit.
     *
     * @param unit        gemm, layernorm, softmax, attn_shift, gelu
     * @param shape       "M x K x N" of a GEMM, "rows x length" of a row unit
     * @param tiles       tiles of one GEMM (row tiles x column tiles), 0 for a row unit
     * @param cycles      cycles of one, alone
     * @param macs        multiply-accumulates of one (GEMM), 0 for a row unit
     * @param under       what it overlaps with (row units), "" for a GEMM
     */
    public record Op(String name, String unit, int count, String shape, long tiles, long cycles, long macs,
                     String under) {
    }

    /** One phase of a layer: its GEMMs, the unit's work under them, the exposed part and the result. */
    public record Phase(String name, long gemmCycles, long unitCycles, long exposed, long stall, long cycles) {
    }

    /** Where the cycles of an image go, against every MAC busy every cycle. */
    public record Loss(String what, long cycles) {
    }

    /** One unit's (or the command fetch's) busy cycles in a timed stream. */
    public record UnitTime(String unit, int commands, long busyCycles) {
    }

    /** Queue depth of the generated top (AcceleratorTop.Params default). */
    public static final int QUEUE_DEPTH = 4;

    /**
     * The estimate. {@code timing} is "stream" when the layer and image cycles come from timing the
     * compiled command stream ({@link StreamTiming}), "formula" when from the phase formulas
     * (when the compiler cannot compile the configuration's model). With compile.batch above 1 every
     * per-image number is the batch's divided by the batch.
     */
    public record Estimate(String model, int layers, int batch, String timing, int layerCommands, int imageCommands,
                           List<UnitTime> layerUnits, String array, boolean lean, int rows, int cols, boolean packed,
                           int reqLanes, int backToBack, int clockMhz, int memBits,
                           List<Op> layerOps, List<Phase> phases, long layerCycles, List<Op> imageOps,
                           long computeCycles, long memoryCycles, long imageCycles, long macsPerImage,
                           double macUtilisation, double imagesPerSecond, long ddrBytesPerImage,
                           double bandwidthGBs, double memPortGBs, List<Loss> losses,
                           double arrayCeilingImagesPerSecond, Double partCeilingImagesPerSecond,
                           List<Usage> blocks, Usage total, String part, Long partLuts, Long partFlipFlops,
                           Long partDsps, Long partBram36, List<String> problems, List<String> notes) {
    }

    /** The estimate of a configuration. */
    public static Estimate of(Config c) {
        MacArray.Shape s = MacArray.shape(c);
        boolean lean = ResourceModel.lean(c);
        ModelShape m = c.model();
        int n = m.tokens();
        int ch = m.channels();
        int h = m.heads();
        int d = m.headDim();
        int batch = batch(c);
        int bn = batch * n;
        int rb = Math.min(bn, rowBlock(c));
        long blocks = GemmCycles.ceilDiv(bn, rb);
        int b = GemmCycles.backToBack(s, lean);
        int memBits = Integer.parseInt(c.values().getOrDefault("target.mem.bits", "128"));
        long bytesPerCycle = memBits / 8;

        List<Op> ops = new ArrayList<>();
        boolean onArray = !c.softmax().log2();
        boolean twoPasses = onArray && c.softmax().outBits() == 16;
        // the compiler runs a batch's images one GEMM each, interleaved: every GEMM is per image
        long qkv = batch * gemm(ops, s, lean, "QKV projection", batch, n, ch, 3 * ch);
        long qk = gemm(ops, s, lean, "q k^T (per head)", batch * h, n, d, n);
        long av = onArray ? gemm(ops, s, lean, twoPasses ? "attention x V (per head, b = 16: two int8 passes)"
                : "attention x V (per head)", batch * (twoPasses ? 2 * h : h), n, n, d) : 0;
        long proj = batch * gemm(ops, s, lean, "output projection", batch, n, ch, ch);
        long fc1 = batch * gemm(ops, s, lean, "FC1", batch, n, ch, m.mlp());
        long fc2 = batch * gemm(ops, s, lean, "FC2", batch, n, m.mlp(), ch);

        int lnLanes = c.layerNorm().lanes();
        long lnLatency = LayerNormUnit.geometry(lnLanes, c.layerNorm().maxChannels(), c.layerNorm().requantInt8())
                .latency();
        long lnBeats = (long) bn * GemmCycles.ceilDiv(ch, lnLanes);
        long lnBlock = (long) rb * GemmCycles.ceilDiv(ch, lnLanes) + lnLatency;
        ops.add(new Op("LN1", "layernorm", batch, n + " x " + ch, 0, lnBeats / batch + lnLatency, 0, "QKV projection"));
        int smLanes = c.softmax().lanes();
        long smRow = GemmCycles.ceilDiv(n, smLanes);
        long smBeats = (long) batch * h * n * smRow;
        long smBlock = Math.min(rb, n) * smRow;
        ops.add(new Op("softmax (per head)", "softmax", batch * h, n + " x " + n, 0, n * smRow, 0,
                onArray ? "q k^T and attention x V" : "q k^T"));
        if (!onArray) {
            AttnShiftUnit.Params a = AttnShiftUnit.params(c);
            long perHead = (long) n * n * (d / a.vLanes());
            ops.add(new Op("attention x V on the shift-add unit (per head)", "attn_shift", batch * h, n + " x " + n + " x " + d, 0,
                    perHead, 0, "q k^T"));
            smBeats += (long) batch * h * perHead;
            smBlock += (long) Math.min(rb, n) * n * (d / a.vLanes());
        }
        ops.add(new Op("LN2", "layernorm", batch, n + " x " + ch, 0, lnBeats / batch + lnLatency, 0, "output projection"));
        int gLanes = c.gelu().lanes();
        long gRow = GemmCycles.ceilDiv(m.mlp(), gLanes);
        ops.add(new Op("GELU", "gelu", batch, n + " x " + m.mlp(), 0, n * gRow, 0, "FC1 and FC2"));

        // memory: what the two weight slots leave exposed (docs/top.md: qkv, fc1 in slot 0; proj, fc2 in slot 1)
        long wQkv = 3L * ch * ch;
        long wProj = (long) ch * ch;
        long wFc = (long) ch * m.mlp();
        long layerBytes = wQkv + wProj + 2 * wFc + constBytes(m);
        List<Phase> phases = new ArrayList<>();
        long p1g = qkv;
        long p2g = (long) batch * h * qk + (onArray ? (twoPasses ? 2L : 1L) * batch * h * av : 0);
        long p3g = proj;
        long p4g = fc1 + fc2;
        long stallQkv = Math.max(0, GemmCycles.ceilDiv(wQkv, bytesPerCycle) - fc2 / blocks);
        Phase p1 = phase("LN1 + QKV", p1g, lnBeats + lnLatency, lnBlock, stallQkv);
        Phase p2 = phase(onArray ? "attention: q k^T, softmax, attention x V" : "attention: q k^T, log2 softmax,"
                + " shift-add attention x V", p2g, smBeats, smBlock, 0);
        long stallProj = Math.max(0, GemmCycles.ceilDiv(wProj, bytesPerCycle) - p1.cycles() - p2.cycles());
        long stallFc1 = Math.max(0, GemmCycles.ceilDiv(wFc, bytesPerCycle) - p2.cycles()
                - Math.max(p3g, lnBeats + lnLatency));
        Phase p3 = phase("output projection + LN2", p3g, lnBeats + lnLatency, lnBlock, stallProj + stallFc1);
        long stallFc2 = Math.max(0, GemmCycles.ceilDiv(wFc, bytesPerCycle) - Math.min(fc1, 2 * fc1 / blocks));
        Phase p4 = phase("FC1 + GELU + FC2", p4g, bn * gRow, rb * gRow, stallFc2);
        phases.add(p1);
        phases.add(p2);
        phases.add(p3);
        phases.add(p4);
        long layerCycles = p1.cycles() + p2.cycles() + p3.cycles() + p4.cycles();

        List<Op> imageOps = new ArrayList<>();
        boolean deit = !"custom".equals(m.name());
        long imageCompute = LAYERS * layerCycles;
        long macs = 0;
        for (Op o : ops) {
            macs += o.macs() * o.count();
        }
        if (twoPasses) {
            macs -= (long) batch * h * n * n * d; // the second pass of b = 16 is exactness, not model work
        }
        if (!onArray) {
            macs += (long) batch * h * n * n * d; // attention x V on the shift-add unit is model work too
        }
        macs *= LAYERS;
        long ddr = LAYERS * layerBytes;
        if (deit) {
            long patch = batch * gemm(imageOps, s, lean, "patch embedding", batch, PATCHES, PATCH_K, ch);
            long lnF = GemmCycles.ceilDiv(ch, lnLanes) + lnLatency;
            imageOps.add(new Op("final LayerNorm (class token)", "layernorm", batch, 1 + " x " + ch, 0, lnF, 0, ""));
            long head = batch * gemm(imageOps, s, lean, "classifier head (class token)", batch, 1, ch, CLASSES);
            imageCompute += patch + batch * lnF + head;
            macs += batch * ((long) PATCHES * PATCH_K * ch + (long) ch * CLASSES);
            // image in, patch weights + bias/scale, class and position embeddings (int16), head weights + tables, logits
            ddr += batch * (224L * 224 * 3 + 4L * CLASSES) + (long) PATCH_K * ch + 16L * ch + 2L * n * ch
                    + (long) ch * CLASSES + 16L * CLASSES;
        } else {
            ddr += batch * 2L * 2 * n * ch; // int16 residual stream in and out
        }
        long memoryCycles = GemmCycles.ceilDiv(ddr, bytesPerCycle);
        long imageCycles = Math.max(imageCompute, memoryCycles);
        double clock = c.target().clockMhz() * 1e6;
        double ips = clock * batch / imageCycles;
        long arrayMacs = (long) s.rows() * s.cols();
        double util = (double) macs / ((double) imageCycles * arrayMacs);

        // where the cycles go
        List<Loss> losses = new ArrayList<>();
        long ideal = GemmCycles.ceilDiv(macs, arrayMacs);
        losses.add(new Loss("every MAC busy (the array's ideal)", ideal));
        long tilesK = 0;
        long tilesB = 0;
        long gemmCycles = 0;
        List<Op> allGemm = new ArrayList<>();
        for (Op o : ops) {
            if (o.unit().equals("gemm")) {
                for (int i = 0; i < LAYERS; i++) {
                    allGemm.add(o);
                }
            }
        }
        allGemm.addAll(imageOps.stream().filter(o -> o.unit().equals("gemm")).toList());
        long secondPass = 0;
        for (Op o : allGemm) {
            String[] mkn = o.shape().split(" x ");
            int k = Integer.parseInt(mkn[1]);
            tilesK += o.count() * o.tiles() * k;
            tilesB += o.count() * o.tiles() * Math.max(k, b);
            gemmCycles += o.count() * o.cycles();
            if (o.name().contains("two int8 passes")) {
                secondPass += o.count() / 2 * o.tiles() * k;
            }
        }
        long nonlinear = imageCompute - gemmCycles;
        long shiftAdd = 0;
        if (!onArray) {
            // the shift-add unit's attention x V is model work off the array: its MACs count in the ideal
            shiftAdd = -GemmCycles.ceilDiv((long) batch * LAYERS * h * n * n * d, arrayMacs);
        }
        losses.add(new Loss("partial tiles (" + n + " tokens on " + io.vitgen.hw.Words.count(s.rows(), "row")
                + ", N on " + io.vitgen.hw.Words.count(s.cols(), "column") + ")", tilesK - secondPass - ideal - shiftAdd));
        if (secondPass > 0) {
            losses.add(new Loss("second int8 pass of attention x V (b = 16)", secondPass));
        }
        if (shiftAdd != 0) {
            losses.add(new Loss("attention x V on the shift-add unit, not the array (negative: work off the array)",
                    shiftAdd));
        }
        losses.add(new Loss("tiles waiting for the drain or requantizer (K < " + b + ")", tilesB - tilesK));
        losses.add(new Loss("pipeline fill and the last tile's drain, per GEMM", gemmCycles - tilesB));
        losses.add(new Loss("nonlinear units not hidden under GEMMs, and weight loads the slots expose",
                nonlinear));
        losses.add(new Loss("memory port (bytes per image above what compute time moves)", imageCycles - imageCompute));

        if (batch > 1) {
            List<Loss> perImage = new ArrayList<>();
            for (Loss l : losses) {
                perImage.add(new Loss(l.what(), Math.round(l.cycles() / (double) batch)));
            }
            losses = perImage;
        }
        FitCheck.Result fit = FitCheck.of(c);
        List<Usage> blocksUsage = new ArrayList<>(fit.blocks());
        BufferPlan plan = BufferPlan.forModel(c);
        blocksUsage.add(new Usage("on-chip buffers (planned top, docs/top.md)", 0, 0, 0, plan.bram36()));
        Usage total = new Usage("all", 0, 0, 0, 0);
        for (Usage u : blocksUsage) {
            total = total.plus(u, "all");
        }
        List<String> problems = new ArrayList<>(fit.problems());
        Optional<Part> part = fit.part();
        if (part.isPresent() && total.bram36() > part.get().bram36() && fit.total().bram36() <= part.get().bram36()) {
            problems.add(String.format(Locale.ROOT, "the blocks and the planned top's buffers for %s need about %s BRAM36"
                    + " but %s has %,d", m.name(), FitCheck.bram(total.bram36()), part.get().label(), part.get().bram36()));
        }
        List<String> notes = new ArrayList<>(fit.notes());
        if (lean) {
            notes.add("estimate.array=lean: the MAC array's LUTs are taken as a flat " + ResourceModel.LEAN_LUT_PER_MAC
                    + " per MAC (the generated array at 32-bit accumulators) instead of ACC_W + 11; cycles are the"
                    + " same (tiles back to back from K = " + b + ")");
        }
        if (!deit) {
            notes.add("custom model: an image is taken as " + LAYERS + " encoder layers, without patch embedding and head");
        }
        double arrayCeiling = clock * arrayMacs / (macs / batch);
        final long usefulMacs = macs;
        Double partCeiling = part.map(p -> clock * p.dsps() * (s.packInt8x2() || p.family().contains("DSP48E2") ? 2 : 1)
                / (usefulMacs / batch)).orElse(null);
        if (batch > 1) {
            notes.add("compile.batch=" + batch + ": " + batch + " images run through each layer together - their"
                    + " commands interleave GEMM by GEMM and each layer's weights are loaded once for them; the top's"
                    + " activation buffers hold " + batch + " images. Cycles, bytes and MACs are per image (the"
                    + " batch's divided by " + batch + "); an image's latency is the batch's cycles");
        }
        String timing = "formula";
        List<UnitTime> layerUnits = List.of();
        int layerCommands = 0;
        int imageCommands = 0;
        long imageCyclesOut = Math.round(imageCycles / (double) batch);
        long computeOut = Math.round(imageCompute / (double) batch);
        long memoryOut = Math.round(memoryCycles / (double) batch);
        long macsOut = macs / batch;
        long ddrOut = ddr / batch;
        double ipsOut = ips;
        double utilOut = util;
        double ceilOut = arrayCeiling;
        Double partCeilOut = partCeiling;
        {
            try {
                StreamCosts costs = StreamCosts.of(c);
                List<io.vitgen.compile.Command> lc = StreamPrograms.layer(c);
                StreamTiming.Result lr = StreamTiming.run(lc, costs, QUEUE_DEPTH);
                io.vitgen.golden.VitGeometry geo = deit ? io.vitgen.golden.VitGeometry.preset(m.name()) : null;
                List<io.vitgen.compile.Command> ic = deit ? StreamPrograms.image(c, geo) : StreamPrograms.layers(c, LAYERS);
                StreamTiming.Result ir = StreamTiming.run(ic, costs, QUEUE_DEPTH);
                timing = "stream";
                layerCommands = lc.size();
                imageCommands = ic.size();
                layerUnits = units(lc, lr);
                layerCycles = Math.round(lr.total() / (double) batch);
                long[] sm = new long[1];
                losses = streamLosses(ic, ir, costs, arrayMacs, s, sm);
                if (batch > 1) {
                    List<Loss> perImage = new ArrayList<>();
                    for (Loss l : losses) {
                        perImage.add(new Loss(l.what(), Math.round(l.cycles() / (double) batch)));
                    }
                    losses = perImage;
                }
                macsOut = sm[0] / batch;
                imageCyclesOut = Math.round(ir.total() / (double) batch);
                computeOut = imageCyclesOut;
                ddrOut = 0;
                for (io.vitgen.compile.Command cmd : ic) {
                    if (cmd instanceof io.vitgen.compile.Command.Load l) {
                        ddrOut += (long) l.rows() * l.rowBytes();
                    } else if (cmd instanceof io.vitgen.compile.Command.Store st) {
                        ddrOut += (long) st.rows() * st.rowBytes();
                    }
                }
                ddrOut /= batch;
                memoryOut = GemmCycles.ceilDiv(ddrOut, bytesPerCycle);
                ipsOut = clock * batch / ir.total();
                utilOut = (double) macsOut / ((double) imageCyclesOut * arrayMacs);
                ceilOut = clock * arrayMacs / macsOut;
                final long streamMacs = macsOut;
                partCeilOut = part.map(pp -> clock * pp.dsps() * (s.packInt8x2() || pp.family().contains("DSP48E2") ? 2 : 1)
                        / streamMacs).orElse(null);
                phases = List.of();
            } catch (RuntimeException x) {
                notes.add("the compiler cannot compile this configuration's model (" + String.valueOf(x.getMessage()).lines()
                        .findFirst().orElse("") + "): cycles from the phase formulas, not the timed stream");
            }
        }
        return new Estimate(m.name(), LAYERS, batch, timing, layerCommands, imageCommands, layerUnits,
                s.rows() + " x " + s.cols() + (s.packInt8x2() ? " int8x2" : ""), lean,
                s.rows(), s.cols(), s.packInt8x2(), s.reqLanes(), b, c.target().clockMhz(), memBits, ops, phases,
                layerCycles, imageOps, computeOut, memoryOut, imageCyclesOut, macsOut, utilOut,
                ipsOut, ddrOut, ddrOut * ipsOut / 1e9, bytesPerCycle * clock / 1e9, losses, ceilOut, partCeilOut, blocksUsage, total,
                c.target().part(), part.map(Part::luts).orElse(null), part.map(Part::flipFlops).orElse(null),
                part.map(Part::dsps).orElse(null), part.map(Part::bram36).orElse(null), problems, notes);
    }

    /** Busy cycles per unit and of the command fetch in a timed stream. */
    static List<UnitTime> units(List<io.vitgen.compile.Command> cmds, StreamTiming.Result r) {
        List<UnitTime> out = new ArrayList<>();
        for (io.vitgen.compile.Unit u : io.vitgen.compile.Unit.values()) {
            int n = 0;
            for (io.vitgen.compile.Command c : cmds) {
                n += c.unit() == u ? 1 : 0;
            }
            out.add(new UnitTime(u.name(), n, r.busy(u)));
        }
        out.add(new UnitTime("command fetch", cmds.size(), r.fetchBusy()));
        return out;
    }

    /**
     * Where the cycles of a timed stream go: the array's ideal for the stream's GEMM MACs, what the
     * GEMM commands themselves lose (partial tiles, the second split16 pass, tiles waiting for the
     * drain or an operand stream, fill and epilogue), then the cycles the GEMM unit is idle, named by
     * what its next command waited for last, and the cycles after the last GEMM. The rows add up to
     * the stream's cycles exactly. {@code macsOut[0]} receives the stream's MACs.
     */
    static List<Loss> streamLosses(List<io.vitgen.compile.Command> cmds, StreamTiming.Result r, StreamCosts costs,
            long arrayMacs, MacArray.Shape s, long[] macsOut) {
        long macs = 0;
        long tilesK = 0;
        long tilesB = 0;
        long busy = 0;
        long second = 0;
        long lastEnd = 0;
        java.util.Map<String, Long> idle = new java.util.LinkedHashMap<>();
        for (String k : List.of("LOAD", "LNORM", "SOFTMAX", "GELU", "STORE", "fetch")) {
            idle.put(k, 0L);
        }
        for (int i = 0; i < cmds.size(); i++) {
            if (cmds.get(i) instanceof io.vitgen.compile.Command.Gemm g) {
                long[] p = costs.gemmParts(g);
                macs += (long) g.m() * g.k() * g.n();
                tilesK += p[0];
                tilesB += p[1];
                busy += r.cost()[i];      // p[2] less what the prefetch of its first A tile saved
                if (g.split16()) {
                    second += p[0] / 2;
                }
                String why = r.waitedFor()[i] == null ? "fetch" : r.waitedFor()[i].name();
                idle.merge(why, r.idleBefore()[i], Long::sum);
                lastEnd = r.end()[i];
            }
        }
        macsOut[0] = macs;
        long ideal = GemmCycles.ceilDiv(macs, arrayMacs);
        List<Loss> l = new ArrayList<>();
        l.add(new Loss("every MAC busy (the array's ideal for the stream's GEMMs)", ideal));
        l.add(new Loss("partial tiles (rows on " + io.vitgen.hw.Words.count(s.rows(), "row") + ", N on "
                + io.vitgen.hw.Words.count(s.cols(), "column") + ")", tilesK - second - ideal));
        if (second > 0) {
            l.add(new Loss("second int8 pass of attention x V (b = 16)", second));
        }
        l.add(new Loss("tiles waiting for the drain, the requantizer or the W stream (K < " + s.backToBackK()
                + " or W rows wider than the buffer beat)", tilesB - tilesK));
        l.add(new Loss("per GEMM command: first A tile, pipeline fill, last drain, epilogue, handshake (unless prefetched or overlapped)",
                busy - tilesB));
        l.add(new Loss("GEMM unit idle, waiting for loads (weights, constants, input)", idle.get("LOAD")));
        l.add(new Loss("GEMM unit idle, waiting for LayerNorm", idle.get("LNORM")));
        l.add(new Loss("GEMM unit idle, waiting for softmax (or attention x V by shifts)", idle.get("SOFTMAX")));
        l.add(new Loss("GEMM unit idle, waiting for GELU", idle.get("GELU")));
        if (idle.get("STORE") > 0) {
            l.add(new Loss("GEMM unit idle, waiting for stores", idle.get("STORE")));
        }
        l.add(new Loss("GEMM unit idle, waiting for the command fetch / its queue", idle.get("fetch")));
        l.add(new Loss("after the last GEMM (row units, STORE, END)", r.total() - lastEnd));
        return l;
    }

    /** Bytes of a layer's constant tables (the compiler's layout). */
    private static long constBytes(ModelShape m) {
        return LayerCompiler.constBytes(new io.vitgen.golden.ModelShape(m.tokens(), m.channels(), m.heads(), m.mlp()));
    }

    private static long gemm(List<Op> ops, MacArray.Shape s, boolean lean, String name, int count, int m, int k, int n) {
        GemmCycles.Gemm g = GemmCycles.gemm(s, lean, name, count, m, k, n);
        long tiles = GemmCycles.ceilDiv(m, s.rows()) * GemmCycles.ceilDiv(n, s.cols());
        ops.add(new Op(name, "gemm", count, m + " x " + k + " x " + n, tiles, g.cycles(), (long) m * k * n, ""));
        return g.cycles();
    }

    /** The row block of the schedule: the compiler's (compile.row.block, or 4 x mac.rows when 0 or absent). */
    public static int rowBlock(Config c) {
        return BufferPlan.rowBlock(c);
    }

    /** compile.batch: images the compiler runs through each layer together (1 when the key is absent). */
    public static int batch(Config c) {
        return BufferPlan.batch(c);
    }

    private static Phase phase(String name, long gemm, long unit, long exposed, long stall) {
        return new Phase(name, gemm, unit, exposed, stall, Math.max(gemm, unit) + exposed + stall);
    }
}
