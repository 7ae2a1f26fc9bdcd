package io.vitgen.compile;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.vitgen.golden.EncoderLayer;

/**
 * Compares an interpreter run with the golden layers: every probed intermediate tensor in the order
 * the golden layer computes them, then the output in memory. The first difference is named by
 * layer, tensor, token (row) and channel (column).
 */
public final class GoldenCheck {

    private GoldenCheck() {
    }

    /** The first difference, or empty when the run equals the golden model bit for bit. */
    public static Optional<String> firstMismatch(List<EncoderLayer> golden, long[][] input, Program program,
            Interpreter.Run run) {
        long[][] x = input;
        int compared = 0;
        for (int l = 0; l < golden.size(); l++) {
            Map<String, long[][]> trace = golden.get(l).trace(x);
            for (Map.Entry<String, long[][]> e : trace.entrySet()) {
                long[][] got = run.tensors().get("L" + l + "." + e.getKey());
                if (got == null) {
                    continue; // not materialised by the stream (ctx_acc)
                }
                Optional<String> d = diff("layer " + l + " tensor " + e.getKey(), e.getValue(), got);
                if (d.isPresent()) {
                    return d;
                }
                compared++;
            }
            x = trace.get("out");
        }
        if (compared == 0) {
            return Optional.of("no tensor was compared: the program has no probes");
        }
        long[][] out = MemoryImage.read(run.dram(), program.output());
        return diff("output in memory (region " + program.output().name() + ")", x, out);
    }

    /** Names of the probed tensors (for reports). */
    public static List<String> probedTensors(Interpreter.Run run) {
        return new ArrayList<>(run.tensors().keySet());
    }

    private static Optional<String> diff(String what, long[][] want, long[][] got) {
        if (got.length != want.length || got[0].length != want[0].length) {
            return Optional.of(what + ": shape " + got.length + " x " + got[0].length + ", expected " + want.length + " x "
                    + want[0].length);
        }
        for (int i = 0; i < want.length; i++) {
            for (int j = 0; j < want[i].length; j++) {
                if (want[i][j] != got[i][j]) {
                    return Optional.of(what + " differs first at token " + i + ", channel " + j + ": expected "
                            + want[i][j] + ", got " + got[i][j]);
                }
            }
        }
        return Optional.empty();
    }
}
