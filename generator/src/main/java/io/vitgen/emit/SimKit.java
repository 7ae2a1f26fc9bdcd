package io.vitgen.emit;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import io.vitgen.compile.BufferPlan;
import io.vitgen.compile.Command;
import io.vitgen.compile.CommandCodec;
import io.vitgen.compile.IntEncoderLayer;
import io.vitgen.compile.Interpreter;
import io.vitgen.compile.LayerCompiler;
import io.vitgen.compile.MemoryImage;
import io.vitgen.compile.Operand;
import io.vitgen.compile.Program;
import io.vitgen.compile.Space;
import io.vitgen.compile.StreamChecker;
import io.vitgen.compile.Unit;
import io.vitgen.config.Config;
import io.vitgen.golden.EncoderLayer;
import io.vitgen.golden.ModelShape;
import io.vitgen.golden.VitGeometry;
import io.vitgen.golden.VitModel;
import io.vitgen.hw.top.AcceleratorTop;

/**
 * The memory image of the simulation kit ({@code sim/}): the program the kit's testbench loads,
 * where it starts, and the expected outputs - always computed by the command interpreter
 * ({@link Interpreter}), never by the RTL.
 *
 * <p>Which program: with a user's model file ({@code vitgen generate --model}, {@link ModelKit},
 * {@link TopDesign#model}) the whole model on one picture, its expected output the golden model's
 * int32 logits ({@link #model}); otherwise, when the top runs every command an encoder layer needs (GEMM, SOFTMAX or ATTNV,
 * LAYERNORM, GELU besides the moves; {@link #runsLayers}), it is one encoder layer of the
 * configured model (a seeded random layer, {@link EncoderLayer#random}) compiled by
 * {@link LayerCompiler} and checked with {@link AcceleratorTop#requireRunnable}; until then it is
 * a stream the top does run: the configured model's input tensor (tokens x channels int16, seeded)
 * moved through the on-chip buffers (LOAD into a buffer slot, STORE to the output region, two slots
 * alternating behind dependency tokens).
 */
final class SimKit {

    /** The seed of the kit's input (and layer). */
    static final long SEED = 1;

    /** Opcodes a compiled encoder layer uses; the kit runs the model when the top runs all of them. */
    static final Set<Integer> LAYER_OPCODES = Set.of(Command.OP_LOAD, Command.OP_STORE, Command.OP_GEMM,
            Command.OP_SOFTMAX, Command.OP_LAYERNORM, Command.OP_GELU, Command.OP_END);

    /** The one check: does the top run whole encoder layers yet. */
    static boolean runsLayers(TopDesign d) {
        return d.accel().supported().containsAll(LAYER_OPCODES);
    }

    /** One output region: its name, address, bytes and offset in expected.bin. */
    record Output(String name, long addr, long bytes, long expectedAt) {
    }

    /** The kit's program and what it must produce. */
    record Kit(String kind, String what, byte[] image, long cmdAddr, long imgSize, long maxCycles,
            List<Output> outputs, byte[] expected, int commands) {
    }

    private SimKit() {
    }

    /**
     * One encoder layer of the configured model when the top runs it; otherwise (a top without a
     * unit, or a configuration whose units cannot run its own model, e.g. layernorm.output=raw) the
     * input moved through the buffers, with the reason in the kit's description.
     */
    static Kit of(Config c, TopDesign d) {
        if (d.model() != null) {
            return model(c, d);
        }
        if (!runsLayers(d)) {
            return moves(c, d);
        }
        try {
            return layer(c, d);
        } catch (IllegalArgumentException e) {                  // CompileException, or a command the top refuses
            Kit k = moves(c, d);
            String why = e.getMessage().strip().replaceAll("\\s*\\n\\s*", " ");
            return new Kit(k.kind(), k.what() + " (this configuration's units cannot run a layer of its model: " + why + ")",
                    k.image(), k.cmdAddr(), k.imgSize(), k.maxCycles(), k.outputs(), k.expected(), k.commands());
        }
    }

    /** One encoder layer of the configured model, compiled, checked and interpreted. */
    static Kit layer(Config c, TopDesign d) {
        io.vitgen.config.ModelShape m = c.model();
        ModelShape shape = new ModelShape(m.tokens(), m.channels(), m.heads(), m.mlp());
        EncoderLayer.SoftmaxMode mode = c.softmax().log2() ? EncoderLayer.SoftmaxMode.LOG2
                : EncoderLayer.SoftmaxMode.SHIFTMAX;
        int bits = c.softmax().log2() ? 16 : c.softmax().outBits();
        EncoderLayer.GeluMode gelu = "igelu".equals(c.gelu().variant()) ? EncoderLayer.GeluMode.IGELU
                : EncoderLayer.GeluMode.SHIFTGELU;
        EncoderLayer.Calibrated cal = EncoderLayer.random(shape, SEED, mode, bits, gelu);
        // compile.batch: image b's input is the seeded calibration input of seed SEED + 1000 b
        int batch = BufferPlan.batch(c);
        List<long[][]> inputs = new ArrayList<>();
        inputs.add(cal.input());
        for (int b = 1; b < batch; b++) {
            inputs.add(EncoderLayer.random(shape, SEED + 1000L * b, mode, bits, gelu).input());
        }
        Program p = LayerCompiler.compileBatch(List.of(IntEncoderLayer.of(cal.layer())), inputs, c);
        d.accel().requireRunnable(p.commands(), p.labels());
        byte[] dram = Interpreter.run(p, SEED, 1 << d.params().queueDepthLog2()).dram();
        List<Output> outputs = new ArrayList<>();
        java.io.ByteArrayOutputStream expected = new java.io.ByteArrayOutputStream();
        for (MemoryImage.Region out : p.outputs()) {
            outputs.add(new Output(out.name(), out.addr(), out.bytes(), expected.size()));
            expected.writeBytes(slice(dram, out.addr(), out.bytes()));
        }
        long macs = batch * ((long) m.tokens() * m.channels() * (4L * m.channels() + 2L * m.mlp())
                + 2L * m.tokens() * m.tokens() * m.channels());
        return new Kit("layer", "one encoder layer of the configured model (" + m.tokens() + " tokens, "
                + m.channels() + " channels, " + m.heads() + " heads, MLP " + m.mlp() + "), seeded random weights and"
                + " input" + (batch == 1 ? "" : "s of " + batch + " images interleaved (compile.batch)")
                + ", compiled by LayerCompiler", p.image().toBytes(), p.stream().addr(), p.image().size(),
                1_000_000 + 4 * macs, outputs, expected.toByteArray(), p.commands().size());
    }

    /**
     * A user's whole model on one picture ({@code vitgen generate --model}): the program
     * {@link ModelKit} compiled and checked, run by the command interpreter; its int32 logits are
     * the expected output, and they must equal the golden model's ({@link VitModel#trace}) or the
     * generation stops (a compiler defect, never the user's input).
     */
    static Kit model(Config c, TopDesign d) {
        ModelKit mk = d.model();
        Program p = mk.program();
        byte[] dram = Interpreter.run(p, SEED, 1 << d.params().queueDepthLog2()).dram();
        long[] want = mk.model().trace(mk.image(), false).logits();
        List<Output> outputs = new ArrayList<>();
        java.io.ByteArrayOutputStream expected = new java.io.ByteArrayOutputStream();
        for (MemoryImage.Region out : p.outputs()) {     // compile.batch: the picture once per image
            long[] got = MemoryImage.read(dram, out)[0];
            if (got.length != want.length) {
                throw new IllegalStateException("the compiled program's logits region holds " + got.length
                        + " values, the model has " + want.length + " classes");
            }
            for (int k = 0; k < want.length; k++) {
                if (got[k] != want[k]) {
                    throw new IllegalStateException("the command interpreter's logit " + k + " in " + out.name() + " is "
                            + got[k] + ", the golden model's " + want[k] + ": the compiler's program for "
                            + mk.fileName() + " is wrong (a vitgen defect; please report it)");
                }
            }
            outputs.add(new Output(out.name(), out.addr(), out.bytes(), expected.size()));
            expected.writeBytes(slice(dram, out.addr(), out.bytes()));
        }
        VitGeometry g = mk.model().geometry();
        long layerMacs = (long) g.tokens() * g.channels() * (4L * g.channels() + 2L * g.mlp())
                + 2L * g.tokens() * g.tokens() * g.channels();
        long macs = (long) (g.tokens() - 1) * g.patchK() * g.channels() + g.depth() * layerMacs
                + (long) g.channels() * g.classes();
        return new Kit("model", "the whole model " + mk.describe() + " on " + mk.picture()
                + ": patch embedding, class token and position embedding, " + g.depth() + " encoder layers, final"
                + " LayerNorm and head to " + g.classes() + " int32 logits, compiled by LayerCompiler.compileModel;"
                + " expected logits from the golden model (equal to the command interpreter's)"
                + (p.batch() == 1 ? "" : "; the picture as each of the " + p.batch() + " images of the batch (compile.batch)"),
                p.image().toBytes(), p.stream().addr(), p.image().size(), 1_000_000 + 4 * macs * p.batch(),
                outputs, expected.toByteArray(), p.commands().size());
    }

    /** The configured model's input moved through the buffers (the top runs LOAD, STORE, SYNC, END). */
    static Kit moves(Config c, TopDesign d) {
        int tokens = c.model().tokens();
        long rowBytes = 2L * c.model().channels();
        long inBytes = tokens * rowBytes;
        byte[] input = new byte[(int) inBytes];
        new Random(SEED).nextBytes(input);
        long outAddr = align(inBytes);
        long cmdAddr = align(outAddr + inBytes);

        int slot = (int) Math.min(Integer.MAX_VALUE, d.params().spaceBytes(Space.RES) / 2);
        long chunk = Math.min(rowBytes, slot);
        // at least four row blocks when the model has the rows, so the two slots are reused behind tokens
        int blockRows = (int) Math.max(1, Math.min(Math.min((tokens + 3) / 4, slot / chunk), Command.MAX_DIM));
        List<long[]> moves = new ArrayList<>();   // first row, rows, first byte, bytes
        for (int r0 = 0; r0 < tokens; r0 += blockRows) {
            for (long c0 = 0; c0 < rowBytes; c0 += chunk) {
                moves.add(new long[] {r0, Math.min(blockRows, tokens - r0), c0, Math.min(chunk, rowBytes - c0)});
            }
        }
        List<Command> cmds = new ArrayList<>();
        List<String> labels = new ArrayList<>();
        for (int k = 0; k < moves.size(); k++) {
            long[] mv = moves.get(k);
            int rows = (int) mv[1];
            long off = mv[0] * rowBytes + mv[2];
            long bAddr = (long) (k % 2) * slot;
            List<Unit> waitStore = k >= 2 ? List.of(Unit.STORE) : List.of();
            cmds.add(new Command.Load(Command.Deps.of(waitStore, List.of(Unit.STORE)),
                    Operand.of(Space.DRAM, off, rowBytes), Operand.of(Space.RES, bAddr, mv[3]), rows, mv[3]));
            labels.add("load input rows " + mv[0] + ".." + (mv[0] + rows - 1) + " bytes " + mv[2] + ".." + (mv[2] + mv[3] - 1));
            List<Unit> signalLoad = k + 2 < moves.size() ? List.of(Unit.LOAD) : List.of();
            cmds.add(new Command.Store(Command.Deps.of(List.of(Unit.LOAD), signalLoad),
                    Operand.of(Space.RES, bAddr, mv[3]), Operand.of(Space.DRAM, outAddr + off, rowBytes), rows, mv[3]));
            labels.add("store output rows " + mv[0] + ".." + (mv[0] + rows - 1));
        }
        cmds.add(new Command.End(Command.Deps.NONE));
        labels.add("end");
        d.accel().requireRunnable(cmds, labels);
        int qd = 1 << d.params().queueDepthLog2();
        StreamChecker.Result chk = StreamChecker.check(cmds, labels, qd);
        if (!chk.problems().isEmpty()) {
            throw new IllegalStateException("the simulation kit's stream is not legal: " + chk.problems());
        }
        byte[] stream = CommandCodec.toBytes(CommandCodec.encode(cmds));
        byte[] image = new byte[(int) (cmdAddr + stream.length)];
        System.arraycopy(input, 0, image, 0, input.length);
        System.arraycopy(stream, 0, image, (int) cmdAddr, stream.length);

        Map<Space, Long> cap = new EnumMap<>(Space.class);
        for (Space s : Space.values()) {
            if (s != Space.DRAM) {
                cap.put(s, d.params().spaceBytes(s));
            }
        }
        byte[] dram = Interpreter.run(cmds, labels, image, new BufferPlan(cap, 16), List.of(), SEED, qd).dram();
        byte[] expected = slice(dram, outAddr, inBytes);
        long beats = 2 * (inBytes / (d.params().dataW() / 8) + 1) + 8L * cmds.size();
        return new Kit("moves", "the configured model's input (" + tokens + " x " + c.model().channels()
                + " int16, seeded random) moved through the on-chip buffers: " + moves.size() + " LOAD/STORE pairs"
                + " through two slots of the RES space; the top does not run whole encoder layers yet",
                image, cmdAddr, image.length, 200_000 + 64 * beats, List.of(new Output("output", outAddr, inBytes, 0)),
                expected, cmds.size());
    }

    private static long align(long a) {
        return (a + MemoryImage.ALIGN - 1) / MemoryImage.ALIGN * MemoryImage.ALIGN;
    }

    private static byte[] slice(byte[] b, long from, long n) {
        byte[] out = new byte[(int) n];
        System.arraycopy(b, (int) from, out, 0, (int) n);
        return out;
    }
}
