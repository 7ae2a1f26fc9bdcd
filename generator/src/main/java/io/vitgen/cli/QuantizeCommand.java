package io.vitgen.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.vitgen.config.Config;
import io.vitgen.golden.EncoderLayer;
import io.vitgen.golden.FloatVit;
import io.vitgen.golden.VitModel;
import io.vitgen.model.EvalImages;
import io.vitgen.model.IvitCheckpoint;
import io.vitgen.model.ModelException;
import io.vitgen.model.ModelFile;
import io.vitgen.model.Quantizer;
import io.vitgen.model.RandomModel;
import io.vitgen.model.Safetensors;
import io.vitgen.model.TimmCheckpoint;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code vitgen quantize}: a float (or I-ViT integer) checkpoint in, vitgen's model file out. */
@Command(name = "quantize", sortOptions = false,
        description = {"quantize a timm ViT/DeiT safetensors checkpoint into vitgen's integer model file", "",
            "Quantizes a timm ViT/DeiT safetensors checkpoint (F32, F16 or BF16) to vitgen's integer model"
                + " file: int8 weights per output channel, activation scales calibrated by running the float model"
                + " on the calibration images (a folder, or seeded synthetic pictures). Prints the cosine of integer"
                + " vs float activations per layer and the top-1/top-5 agreement. An I-ViT integer checkpoint"
                + " (weight_integer, bias_integer, scaling factors) is converted without calibration.",
            "The model shape comes from the configuration (model.preset) and must match the checkpoint."})
final class QuantizeCommand extends ModelCli {

    @Option(names = "--checkpoint", required = true, paramLabel = "FILE", description = "safetensors checkpoint")
    Path checkpoint;

    @Option(names = "--calib", paramLabel = "DIR", description = "folder of calibration pictures (PNG/JPEG);"
            + " default: seeded synthetic pictures")
    Path calib;

    @Option(names = "--calib-count", paramLabel = "N", defaultValue = "32",
            description = "calibration images: the first N pictures of --calib, or N synthetic ones (default ${DEFAULT-VALUE})")
    int count;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "1", description = "seed of the synthetic pictures")
    long seed;

    @Option(names = "--method", paramLabel = "max|percentile", defaultValue = "percentile",
            description = "int8 activation ranges: percentile of |x| (default) or max; int16 residuals always use max")
    String method;

    @Option(names = "--percentile", paramLabel = "P", defaultValue = "99.99", description = "percentile (default ${DEFAULT-VALUE})")
    double percentile;

    @Option(names = "--config", paramLabel = "FILE", description = "configuration properties file")
    Path config;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "configuration override (repeatable)")
    List<String> sets = new ArrayList<>();

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "FILE", description = "model file to write")
    Path output;

    @Override
    int run() throws Exception {
        java.io.PrintStream out = io.out();
        Config cfg = config(config, sets);
        if (count < 1 || count > 100_000) {
            throw new ModelException("--calib-count " + count + " must be in [1, 100000]");
        }
        Quantizer.Method m = switch (method.toLowerCase(Locale.ROOT)) {
            case "max" -> Quantizer.Method.MAX;
            case "percentile" -> Quantizer.Method.PERCENTILE;
            default -> throw new ModelException("--method '" + method + "' is not max or percentile");
        };
        if (!(percentile > 50 && percentile <= 100)) {
            throw new ModelException("--percentile " + percentile + " must be in (50, 100]");
        }
        EncoderLayer.SoftmaxMode mode = cfg.softmax().log2() ? EncoderLayer.SoftmaxMode.LOG2
                : EncoderLayer.SoftmaxMode.SHIFTMAX;
        int bits = cfg.softmax().log2() ? 16 : cfg.softmax().outBits();
        ModelFile.requireWritable(output);
        VitModel model;
        Map<String, Object> calibration = new LinkedHashMap<>();
        long t0 = System.nanoTime();
        try (Safetensors st = Safetensors.open(checkpoint)) {
            if (TimmCheckpoint.isIntegerCheckpoint(st)) {
                IvitCheckpoint.Result r = IvitCheckpoint.read(st, cfg.model(), mode, bits);
                model = r.model();
                out.println("I-ViT integer checkpoint " + checkpoint + ": " + ModelFile.summary(model));
                for (String n : r.notes()) {
                    out.println("note: " + n);
                }
                calibration.put("source", "I-ViT integer checkpoint " + checkpoint.getFileName());
                checkConfig(model, cfg);
                FloatVit.Weights twin = model.floatWeights();
                List<double[][][]> images = images(twin, out);
                out.println("integer model against its float twin (the checkpoint's dequantized weights):");
                out.print(Quantizer.compareWithTwin(model, images, out::println).format());
            } else {
                FloatVit.Weights w = TimmCheckpoint.read(st, cfg.model());
                out.printf(Locale.ROOT, "checkpoint %s: %s, %d parameters (read in %.1f s)%n", checkpoint,
                        w.geometry(), w.geometry().parameters(), (System.nanoTime() - t0) / 1e9);
                List<double[][][]> images = images(w, out);
                Quantizer.Options o = new Quantizer.Options(m, percentile, mode, bits);
                if (!ModelFile.configProblems(w.geometry(), mode, bits, cfg).isEmpty()) {
                    throw new ModelException(ModelFile.configProblems(w.geometry(), mode, bits, cfg));
                }
                Quantizer.Result r = Quantizer.quantize(w, images, o, out::println);
                model = r.model();
                calibration.put("source", checkpoint.getFileName().toString());
                calibration.put("images", calib == null ? "synthetic, seed " + seed : calib.toString());
                calibration.put("count", images.size());
                calibration.put("int8.method", o.describe());
                calibration.put("int16.method", "max");
                out.print(r.format());
            }
        }
        ModelFile.write(model, calibration, output);
        out.printf(Locale.ROOT, "wrote %s (%.1f s)%n", output, (System.nanoTime() - t0) / 1e9);
        return 0;
    }

    private List<double[][][]> images(FloatVit.Weights w, java.io.PrintStream out) throws ModelException {
        int size = w.geometry().image();
        if (calib == null) {
            out.println("calibration: " + count + " synthetic pictures (seed " + seed + ")");
            return RandomModel.images(w.geometry(), seed, count);
        }
        List<Path> files = EvalImages.list(calib);
        List<double[][][]> imgs = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (Path f : files.subList(0, Math.min(count, files.size()))) {
            try {
                imgs.add(EvalImages.transform(EvalImages.read(f), size));
            } catch (ModelException e) {
                problems.addAll(e.problems());
            }
        }
        if (!problems.isEmpty()) {
            throw new ModelException(problems);
        }
        out.println("calibration: " + imgs.size() + " pictures from " + calib);
        return imgs;
    }

    private static void checkConfig(VitModel m, Config cfg) throws ModelException {
        List<String> p = ModelFile.configProblems(m.geometry(), m.mode(), m.softmaxBits(), cfg);
        if (!p.isEmpty()) {
            throw new ModelException(p);
        }
    }
}
