package io.vitgen.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

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
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code vitgen model new | check}: vitgen's model files. */
@Command(name = "model", mixinStandardHelpOptions = true, versionProvider = ModelCli.VersionProvider.class, subcommands = {ModelCommand.New.class, ModelCommand.Check.class},
        description = "Make a random model file or check one (docs/model.md).")
final class ModelCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return 2;
    }

    /** {@code vitgen model new --preset NAME --seed N -o FILE}. */
    @Command(name = "new", mixinStandardHelpOptions = true, versionProvider = ModelCli.VersionProvider.class, sortOptions = false,
            description = {"Writes a seeded random integer model with realistic statistics (weights N(0, 1/K) with"
                    + " per-channel spread, LayerNorm gamma near 1, two outlier residual channels), calibrated on"
                    + " seeded synthetic pictures: for tests and benchmarks.",
                "--preset custom takes the layer shape from the configuration (model.preset=custom,"
                    + " model.tokens/channels/heads/mlp) and --patch, --depth, --classes."})
    static final class New implements Callable<Integer> {
        @Spec
        CommandSpec spec;

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
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            List<String> all = new ArrayList<>(sets);
            if (!preset.equals("custom")) {
                all.add(0, "model.preset=" + preset);
            }
            VitGeometry g = VitGeometry.preset(preset);
            if (g == null && !preset.equals("custom")) {
                throw new ModelException("--preset '" + preset + "' is not deit-tiny, deit-small, deit-base or custom");
            }
            Config cfg = ModelCli.config(config, all);
            if (g == null) {
                io.vitgen.config.ModelShape s = cfg.model();
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
                io.vitgen.model.Safetensors.DType dt = switch (floatDtype.toUpperCase(Locale.ROOT)) {
                    case "F32" -> io.vitgen.model.Safetensors.DType.F32;
                    case "F16" -> io.vitgen.model.Safetensors.DType.F16;
                    case "BF16" -> io.vitgen.model.Safetensors.DType.BF16;
                    default -> throw new ModelException("--float " + floatDtype + " is not F32, F16 or BF16");
                };
                io.vitgen.model.TimmCheckpoint.write(w, dt, output, "vitgen model new --preset " + preset + " --seed " + seed);
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
    @Command(name = "check", mixinStandardHelpOptions = true, versionProvider = ModelCli.VersionProvider.class, sortOptions = false,
            description = "Checks a model file - header, metadata, every tensor's name, dtype, shape and values, every"
                    + " stored constant against its derivation - and that the configuration can run it; lists every"
                    + " problem at once (exit 2) or prints the model's summary (exit 0). A float timm checkpoint is"
                    + " checked as one (names, shapes, finite values, shape against the configuration).")
    static final class Check implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(index = "0", paramLabel = "FILE", description = "model file")
        Path file;

        @Option(names = "--config", paramLabel = "FILE", description = "configuration properties file")
        Path config;

        @Option(names = "--set", paramLabel = "KEY=VALUE", description = "configuration override (repeatable)")
        List<String> sets = new ArrayList<>();

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            Config cfg = ModelCli.config(config, sets);
            if (!ModelFile.isModelFile(file)) {
                // a float checkpoint: check it without loading it, and say what to do with it
                try (io.vitgen.model.Safetensors st = io.vitgen.model.Safetensors.open(file)) {
                    if (st.has("patch_embed.proj.weight") && !io.vitgen.model.TimmCheckpoint.isIntegerCheckpoint(st)) {
                        VitGeometry g = io.vitgen.model.TimmCheckpoint.check(st, cfg.model());
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
}
