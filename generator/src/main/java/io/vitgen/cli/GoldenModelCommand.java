package io.vitgen.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import io.vitgen.emit.Version;
import io.vitgen.config.Config;
import io.vitgen.golden.FloatVit;
import io.vitgen.golden.VitGeometry;
import io.vitgen.golden.VitModel;
import io.vitgen.model.EvalImages;
import io.vitgen.model.ModelException;
import io.vitgen.model.ModelFile;
import io.vitgen.model.Safetensors;
import io.vitgen.model.SafetensorsWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code vitgen golden model --model FILE --image PICTURE}: the whole integer ViT on one picture. */
@Command(name = "model", sortOptions = false,
        description = {"the whole integer ViT of a model file on one picture: top classes, intermediate tensors", "",
            "Runs the bit-exact integer ViT of a model file on one picture (PNG/JPEG through ImageIO;"
                + " DeiT's eval transform: bicubic resize of the shorter side to image/0.9, centre crop, ImageNet"
                + " mean/std, int8) and prints the top classes with their int32 logits.",
            "--dump FILE writes every intermediate tensor (int8 image and patches, int16 residual stream after the"
                + " embedding and after each layer, each layer's own intermediates as blocks.i.NAME, int8 final norm,"
                + " logits) to a safetensors file."})
final class GoldenModelCommand extends ModelCli {

    @Option(names = "--model", required = true, paramLabel = "FILE", description = "vitgen model file")
    Path model;

    @Option(names = "--image", required = true, paramLabel = "PICTURE", description = "PNG, JPEG, BMP or GIF")
    Path image;

    @Option(names = "--top", paramLabel = "K", defaultValue = "5", description = "classes to print (default ${DEFAULT-VALUE})")
    int top;

    @Option(names = "--float", description = "also run the float twin (same parameters, dequantized) and print its top classes")
    boolean withFloat;

    @Option(names = "--dump", paramLabel = "FILE", description = "write the intermediate tensors to this safetensors file")
    Path dump;

    @Option(names = "--config", paramLabel = "FILE", description = "configuration properties file (checked against the model)")
    Path config;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "configuration override (repeatable)")
    List<String> sets = new ArrayList<>();

    @Override
    int run() throws Exception {
        java.io.PrintStream out = io.out();
        if (top < 1) {
            throw new ModelException("--top " + top + " must be at least 1");
        }
        Config cfg = config == null && sets.isEmpty() ? null : config(config, sets);
        if (dump != null) {
            requireDumpWritable(dump);
        }
        VitModel m = ModelFile.read(model, cfg).model();
        VitGeometry g = m.geometry();
        double[][][] real = EvalImages.transform(EvalImages.read(image), g.image());
        long[][][] px = EvalImages.quantize(real, m.scales().image());
        long t0 = System.nanoTime();
        VitModel.Trace tr = m.trace(px, dump != null);
        double secs = (System.nanoTime() - t0) / 1e9;
        out.printf(Locale.ROOT, "%s on %s (%s; integer model %.2f s)%n", model.getFileName(), image.getFileName(),
                ModelFile.summary(m), secs);
        out.println("rank  class  int32 logit");
        int[] best = VitModel.topK(tr.logits(), top);
        for (int i = 0; i < best.length; i++) {
            out.printf(Locale.ROOT, "%4d  %5d  %d%n", i + 1, best[i], tr.logits()[best[i]]);
        }
        if (withFloat) {
            FloatVit.Result fr = m.forwardFloat(px);
            int[] fb = VitModel.topK(fr.logits(), top);
            out.println("float twin: rank  class  logit");
            for (int i = 0; i < fb.length; i++) {
                out.printf(Locale.ROOT, "            %4d  %5d  %.4f%n", i + 1, fb[i], fr.logits()[fb[i]]);
            }
        }
        if (dump != null) {
            writeDump(m, px, tr, dump);
            out.println("wrote the intermediate tensors to " + dump);
        }
        return 0;
    }

    static final String DUMP_FORMAT = "vitgen-trace";

    private static void requireDumpWritable(Path p) throws ModelException {
        if (Files.isDirectory(p)) {
            throw new ModelException(p + ": is a folder; give the dump file's name");
        }
        if (!Files.exists(p)) {
            return;
        }
        try (Safetensors st = Safetensors.open(p)) {
            if (DUMP_FORMAT.equals(st.metadata().get("format"))) {
                return;
            }
        } catch (ModelException e) {
            // not ours
        }
        throw new ModelException(p + ": exists and is not a vitgen trace; vitgen does not replace files it did not write");
    }

    private static void writeDump(VitModel m, long[][][] px, VitModel.Trace tr, Path p) throws ModelException {
        VitGeometry g = m.geometry();
        SafetensorsWriter w = new SafetensorsWriter();
        w.metadata("format", DUMP_FORMAT);
        w.metadata("vitgen.version", Version.get());
        StringBuilder scales = new StringBuilder("{\"image\":" + m.scales().image() + ",\"embed\":"
                + m.scales().layers().get(0).in());
        for (int i = 0; i < g.depth(); i++) {
            scales.append(",\"blocks.").append(i).append("\":").append(m.scales().layers().get(i).out());
        }
        scales.append(",\"norm\":").append(m.scales().norm()).append('}');
        w.metadata("scales", scales.toString());
        int s = g.image();
        long[] img = new long[3 * s * s];
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < s; y++) {
                System.arraycopy(px[c][y], 0, img, (c * s + y) * s, s);
            }
        }
        w.integers("image", Safetensors.DType.I8, new long[] {3, s, s}, img);
        w.integers("patches", Safetensors.DType.I8, new long[] {tr.patches().length, g.patchK()}, flat(tr.patches()));
        w.integers("embed", Safetensors.DType.I16, new long[] {g.tokens(), g.channels()}, flat(tr.embed()));
        for (int i = 0; i < g.depth(); i++) {
            w.integers("blocks." + i, Safetensors.DType.I16, new long[] {g.tokens(), g.channels()},
                    flat(tr.blocks().get(i)));
        }
        for (int i = 0; i < g.depth(); i++) {
            for (java.util.Map.Entry<String, long[][]> e : tr.layers().get(i).entrySet()) {
                if (e.getKey().equals("out")) {
                    continue; // = blocks.i
                }
                long[][] t = e.getValue();
                long[] flat = flat(t);
                w.integers("blocks." + i + "." + e.getKey(), narrowest(flat), new long[] {t.length, t[0].length}, flat);
            }
        }
        w.integers("norm", Safetensors.DType.I8, new long[] {g.channels()}, tr.norm());
        w.integers("logits", Safetensors.DType.I64, new long[] {g.classes()}, tr.logits());
        try {
            w.write(p);
        } catch (java.io.IOException e) {
            throw new ModelException(p + ": cannot write: " + e.getMessage());
        }
    }

    /** The narrowest signed integer dtype that holds every value. */
    private static Safetensors.DType narrowest(long[] v) {
        long lo = 0;
        long hi = 0;
        for (long x : v) {
            lo = Math.min(lo, x);
            hi = Math.max(hi, x);
        }
        if (lo >= -128 && hi <= 127) {
            return Safetensors.DType.I8;
        }
        if (lo >= -32768 && hi <= 32767) {
            return Safetensors.DType.I16;
        }
        if (lo >= Integer.MIN_VALUE && hi <= Integer.MAX_VALUE) {
            return Safetensors.DType.I32;
        }
        return Safetensors.DType.I64;
    }

    private static long[] flat(long[][] m) {
        int n = m[0].length;
        long[] out = new long[m.length * n];
        for (int i = 0; i < m.length; i++) {
            System.arraycopy(m[i], 0, out, i * n, n);
        }
        return out;
    }
}
