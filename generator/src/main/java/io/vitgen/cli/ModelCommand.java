package io.vitgen.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.vitgen.config.ModelShape;
import io.vitgen.model.Safetensors;
import io.vitgen.model.TimmCheckpoint;
import io.vitgen.model.EvalImages;
import io.vitgen.config.Config;
import io.vitgen.golden.EncoderLayer;
import io.vitgen.golden.FloatVit;
import io.vitgen.golden.VitGeometry;
import io.vitgen.golden.VitModel;
import io.vitgen.model.ModelException;
import io.vitgen.model.ModelFile;
import io.vitgen.model.Quantizer;
import io.vitgen.model.RandomModel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code vitgen model new | check}: vitgen's model files. */
@Command(name = "model", subcommands = {ModelCommand.New.class, ModelCommand.Check.class, ModelCommand.Picture.class},
        description = {"make a random model file, check a model file or checkpoint, draw a test picture",
            "", "vitgen's model files: docs/model.md."})
final class ModelCommand extends CliCommand {

    @Override
    public Integer call() {
        spec.commandLine().usage(io.err());
        return 2;
    }

    /** {@code vitgen model new --preset NAME --seed N -o FILE}. */
    @Command(name = "new", sortOptions = false,
            description = {"write a seeded random model file (or float checkpoint) with realistic statistics", "",
                "Writes a seeded random integer model with realistic statistics (weights N(0, 1/K) with"
                    + " per-channel spread, LayerNorm gamma near 1, two outlier residual channels), calibrated on"
                    + " seeded synthetic pictures: for tests and benchmarks.",
                "--preset custom takes the layer shape from the configuration (model.preset=custom,"
                    + " model.tokens/channels/heads/mlp) and --patch, --depth, --classes."})
    static final class New extends ModelCli {

        @Option(names = "--preset", required = true, paramLabel = "NAME", description = "deit-tiny, deit-small, deit-base or custom")
        String preset;

        @Option(names = "--seed", required = true, paramLabel = "N", description = "seed of the weights and pictures")
        long seed;

        @Option(names = {"-o", "--output"}, required = true, paramLabel = "FILE", description = "model file to write")
        Path output;

        @Option(names = "--calib-count", paramLabel = "N", defaultValue = "4",
                description = "synthetic calibration pictures (default ${DEFAULT-VALUE})")
        int count;

        @Option(names = "--patch", paramLabel = "P", defaultValue = "16", description = "custom: patch size (default 16)")
        int patch;

        @Option(names = "--depth", paramLabel = "N", defaultValue = "12", description = "custom: encoder layers (default 12)")
        int depth;

        @Option(names = "--classes", paramLabel = "N", defaultValue = "1000", description = "custom: classes (default 1000)")
        int classes;

        @Option(names = "--float", paramLabel = "DTYPE", arity = "0..1", fallbackValue = "F32",
                description = "write the float model as a timm checkpoint (F32, F16 or BF16) instead, for vitgen quantize")
        String floatDtype;

        @Option(names = "--config", paramLabel = "FILE", description = "configuration properties file")
        Path config;

        @Option(names = "--set", paramLabel = "KEY=VALUE", description = "configuration override (repeatable)")
        List<String> sets = new ArrayList<>();

        @Override
        int run() throws Exception {
            java.io.PrintStream out = io.out();
            List<String> all = new ArrayList<>(sets);
            if (!preset.equals("custom")) {
                all.add(0, "model.preset=" + preset);
            }
            VitGeometry g = VitGeometry.preset(preset);
            if (g == null && !preset.equals("custom")) {
                throw new ModelException("--preset '" + preset + "' is not deit-tiny, deit-small, deit-base or custom");
            }
            Config cfg = config(config, all);
            if (g == null) {
                ModelShape s = cfg.model();
                long grid = Math.round(Math.sqrt(s.tokens() - 1.0));
                if (s.tokens() < 2 || grid * grid != s.tokens() - 1) {
                    throw new ModelException("model.tokens=" + s.tokens() + " is not (image / patch)^2 + 1 for a"
                            + " square image (e.g. 17, 50, 197)");
                }
                try {
                    g = new VitGeometry((int) grid * patch, patch, s.channels(), s.heads(), s.mlp(), depth, classes);
                } catch (IllegalArgumentException e) {
                    throw new ModelException("custom model: " + e.getMessage());
                }
            }
            if (count < 1 || count > 10_000) {
                throw new ModelException("--calib-count " + count + " must be in [1, 10000]");
            }
            EncoderLayer.SoftmaxMode mode = cfg.softmax().log2() ? EncoderLayer.SoftmaxMode.LOG2
                    : EncoderLayer.SoftmaxMode.SHIFTMAX;
            int bits = cfg.softmax().log2() ? 16 : cfg.softmax().outBits();
            List<String> p = ModelFile.configProblems(g, mode, bits, cfg);
            if (!p.isEmpty()) {
                throw new ModelException(p);
            }
            ModelFile.requireWritable(output);
            long t0 = System.nanoTime();
            FloatVit.Weights w = RandomModel.weights(g, seed);
            if (floatDtype != null) {
                Safetensors.DType dt = switch (floatDtype.toUpperCase(Locale.ROOT)) {
                    case "F32" -> Safetensors.DType.F32;
                    case "F16" -> Safetensors.DType.F16;
                    case "BF16" -> Safetensors.DType.BF16;
                    default -> throw new ModelException("--float " + floatDtype + " is not F32, F16 or BF16");
                };
                TimmCheckpoint.write(w, dt, output, "vitgen model new --preset " + preset + " --seed " + seed);
                out.printf(Locale.ROOT, "wrote %s: float checkpoint (%s, timm names), %s, %d parameters (%.1f s)%n", output,
                        dt, g, g.parameters(), (System.nanoTime() - t0) / 1e9);
                return 0;
            }
            Quantizer.Result r = Quantizer.quantize(w, RandomModel.images(g, seed, count), Quantizer.Options.defaults()
                    .withSoftmax(mode, bits), null);
            Map<String, Object> calib = new LinkedHashMap<>();
            calib.put("source", "random model (vitgen model new --preset " + preset + " --seed " + seed + ")");
            calib.put("images", "synthetic, seed " + seed);
            calib.put("count", count);
            calib.put("int8.method", Quantizer.Options.defaults().describe());
            calib.put("int16.method", "max");
            ModelFile.write(r.model(), calib, output);
            out.printf(Locale.ROOT, "wrote %s: %s, %d parameters, calibrated on %d synthetic pictures (%.1f s)%n",
                    output, ModelFile.summary(r.model()), g.parameters(), count, (System.nanoTime() - t0) / 1e9);
            out.print(r.format());
            return 0;
        }
    }

    /** {@code vitgen model check FILE [--config FILE] [--set k=v]...}. */
    @Command(name = "check", sortOptions = false,
            description = {"check a model file or checkpoint and that the configuration can run it", "",
                "Checks a model file - header, metadata, every tensor's name, dtype, shape and values, every"
                    + " stored constant against its derivation - and that the configuration can run it; lists every"
                    + " problem at once (exit 2) or prints the model's summary (exit 0). A float timm checkpoint is"
                    + " checked as one (names, shapes, finite values, shape against the configuration)."})
    static final class Check extends ModelCli {

        @Parameters(index = "0", paramLabel = "FILE", description = "model file")
        Path file;

        @Option(names = "--config", paramLabel = "FILE", description = "configuration properties file")
        Path config;

        @Option(names = "--set", paramLabel = "KEY=VALUE", description = "configuration override (repeatable)")
        List<String> sets = new ArrayList<>();

        @Override
        boolean writes() {
            return false;
        }

        @Override
        int run() throws Exception {
            java.io.PrintStream out = io.out();
            Config cfg = config(config, sets);
            if (!ModelFile.isModelFile(file)) {
                // a float checkpoint: check it without loading it, and say what to do with it
                try (Safetensors st = Safetensors.open(file)) {
                    if (st.has("patch_embed.proj.weight") && !TimmCheckpoint.isIntegerCheckpoint(st)) {
                        VitGeometry g = TimmCheckpoint.check(st, cfg.model());
                        out.println(file + ": ok - a float checkpoint (timm names), " + g + "; make it a model file"
                                + " with vitgen quantize --checkpoint " + file);
                        return 0;
                    }
                }
            }
            ModelFile.Loaded l = ModelFile.read(file, cfg);
            out.println(file + ": ok - " + ModelFile.summary(l.model()));
            out.println("  calibration: " + l.metadata().path("calibration"));
            out.println("  runs on the configuration (model.preset=" + cfg.model().name() + ")");
            return 0;
        }
    }

    /** {@code vitgen model picture --seed N -o FILE.png}: a seeded synthetic picture (as used for calibration). */
    @Command(name = "picture", sortOptions = false,
            description = {"draw a seeded synthetic picture (PNG), as quantize uses for calibration", "",
                "Draws the seeded synthetic picture that calibration without --calib uses: a two-colour gradient,"
                    + " a dozen shapes and lines, pixel noise. For trying vitgen golden model without a photo."})
    static final class Picture extends ModelCli {
        @Option(names = "--seed", required = true, paramLabel = "N", description = "seed of the picture")
        long seed;

        @Option(names = "--size", paramLabel = "WxH", defaultValue = "256x256", description = "size (default ${DEFAULT-VALUE})")
        String size;

        @Option(names = {"-o", "--output"}, required = true, paramLabel = "FILE", description = "PNG file to write (must not exist)")
        Path output;

        @Override
        int run() throws Exception {
            String[] wh = size.toLowerCase(Locale.ROOT).split("x");
            int w;
            int h;
            try {
                w = Integer.parseInt(wh[0]);
                h = wh.length == 2 ? Integer.parseInt(wh[1]) : -1;
            } catch (NumberFormatException e) {
                throw new ModelException("--size '" + size + "' is not WIDTHxHEIGHT");
            }
            if (wh.length != 2 || w < 8 || h < 8 || w > 8192 || h > 8192) {
                throw new ModelException("--size '" + size + "' must be WIDTHxHEIGHT with each in [8, 8192]");
            }
            if (java.nio.file.Files.exists(output)) {
                throw new ModelException(output + ": exists; vitgen does not replace files it did not write");
            }
            java.nio.file.Path tmp = output.toAbsolutePath().resolveSibling("." + output.getFileName() + ".part");
            try {
                if (!javax.imageio.ImageIO.write(EvalImages.synthetic(seed, w, h), "png", tmp.toFile())) {
                    throw new ModelException("no PNG writer in this Java");
                }
                java.nio.file.Files.move(tmp, output);
            } catch (java.io.IOException e) {
                java.nio.file.Files.deleteIfExists(tmp);
                throw new ModelException(output + ": cannot write: " + e.getMessage());
            }
            io.out().println("wrote " + output + " (" + w + " x " + h + ", seed " + seed + ")");
            return 0;
        }
    }
}
