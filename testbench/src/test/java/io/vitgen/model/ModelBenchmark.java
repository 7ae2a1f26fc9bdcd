package io.vitgen.model;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import io.vitgen.config.ModelShape;
import io.vitgen.golden.FloatVit;
import io.vitgen.golden.VitGeometry;

/**
 * Benchmark of the model path (not a test; docs/model.md "Measured"):
 * <ol>
 * <li>read: writes a DeiT-Base-sized float32 checkpoint (86 M parameters, timm names) to the temp
 * folder, then in a fresh JVM limited to 64 MB of heap opens and checks it (header, names, shapes,
 * every value finite, streamed through memory maps), and in a fresh JVM with a normal heap loads
 * it into the float model; prints time and peak heap of each;</li>
 * <li>quantize: DeiT-Tiny (random weights with realistic statistics) calibrated on 32 seeded
 * synthetic pictures; prints the time, the cosine of integer vs float activations per layer and
 * the top-1/top-5 agreement.</li>
 * </ol>
 * <pre>
 * ./bench model [read | quantize [images [max]]]
 * </pre>
 */
public final class ModelBenchmark {
    private ModelBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        String what = args.length > 0 ? args[0] : "all";
        switch (what) {
            case "read-child-check" -> child(Path.of(args[1]), false);
            case "read-child-load" -> child(Path.of(args[1]), true);
            case "read" -> read();
            case "quantize" -> quantize(args.length > 1 ? Integer.parseInt(args[1]) : 32,
                    args.length > 2 && args[2].equals("max") ? Quantizer.Method.MAX : Quantizer.Method.PERCENTILE);
            case "all" -> {
                read();
                quantize(32, Quantizer.Method.PERCENTILE);
            }
            default -> {
                System.err.println("usage: ./bench model [read | quantize [images [max]]]");
                System.exit(2);
            }
        }
    }

    private static void read() throws Exception {
        Path file = Files.createTempFile("vitgen-deit-base-", ".safetensors");
        try {
            long t0 = System.nanoTime();
            FloatVit.Weights w = RandomModel.weights(VitGeometry.DEIT_BASE, 1);
            TimmCheckpoint.write(w, Safetensors.DType.F32, file);
            w = null;
            System.out.printf(Locale.ROOT, "DeiT-Base float32 checkpoint: %d parameters, %.1f MB, written in %.1f s (%s)%n",
                    VitGeometry.DEIT_BASE.parameters(), Files.size(file) / 1e6, (System.nanoTime() - t0) / 1e9, file);
            runChild("read-child-check", file, "-Xmx64m");
            runChild("read-child-load", file, "-Xmx2g");
        } finally {
            Files.deleteIfExists(file);
        }
    }

    private static void runChild(String mode, Path file, String heap) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java, heap, "-XX:+UseSerialGC", "-cp",
                System.getProperty("java.class.path"), ModelBenchmark.class.getName(), mode, file.toString()));
        Process p = new ProcessBuilder(cmd).inheritIO().start();
        if (p.waitFor() != 0) {
            throw new IllegalStateException(mode + " failed");
        }
    }

    private static void child(Path file, boolean load) throws Exception {
        ModelShape base = ModelShape.DEIT_BASE;
        System.gc();
        resetPeaks();
        long t0 = System.nanoTime();
        String what;
        try (Safetensors st = Safetensors.open(file)) {
            if (load) {
                FloatVit.Weights w = TimmCheckpoint.read(st, base);
                what = "load into the float model (" + w.geometry().parameters() + " parameters as float[])";
            } else {
                VitGeometry g = TimmCheckpoint.check(st, base);
                what = "open and check (" + g.depth() + " layers, every value scanned)";
            }
        }
        double s = (System.nanoTime() - t0) / 1e9;
        System.out.printf(Locale.ROOT, "  %-70s %6.2f s, peak heap %6.1f MB (max heap %d MB)%n", what, s, peakHeap() / 1e6,
                Runtime.getRuntime().maxMemory() >> 20);
    }

    private static void resetPeaks() {
        for (MemoryPoolMXBean b : ManagementFactory.getMemoryPoolMXBeans()) {
            if (b.getType() == MemoryType.HEAP) {
                b.resetPeakUsage();
            }
        }
    }

    private static long peakHeap() {
        long sum = 0;
        for (MemoryPoolMXBean b : ManagementFactory.getMemoryPoolMXBeans()) {
            if (b.getType() == MemoryType.HEAP) {
                sum += b.getPeakUsage().getUsed();
            }
        }
        return sum;
    }

    private static void quantize(int images, Quantizer.Method method) throws Exception {
        VitGeometry g = VitGeometry.DEIT_TINY;
        FloatVit.Weights w = RandomModel.weights(g, 1);
        long t0 = System.nanoTime();
        List<double[][][]> imgs = RandomModel.images(g, 1, images);
        double tImg = (System.nanoTime() - t0) / 1e9;
        Quantizer.Options o = new Quantizer.Options(method, 99.99, io.vitgen.golden.EncoderLayer.SoftmaxMode.SHIFTMAX);
        Quantizer.Result r = Quantizer.quantize(w, imgs, o, line -> System.out.println("  " + line));
        double total = (System.nanoTime() - t0) / 1e9;
        System.out.printf(Locale.ROOT, "DeiT-Tiny quantize, %d synthetic pictures (int8: %s, int16: max): %.1f s"
                + " (pictures %.1f s; calibration and agreement runs the rest)%n", images, o.describe(), total, tImg);
        System.out.print(r.format());
    }
}
