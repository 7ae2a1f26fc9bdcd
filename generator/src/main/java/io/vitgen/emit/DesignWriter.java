package io.vitgen.emit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

import io.vitgen.config.Config;
import io.vitgen.hw.Accelerator;
import io.vitgen.hw.ModuleSpec;

/**
 * Writes a whole design: {@code <out>/<design>/rtl/*.v}, {@code filelist.f}, the constraints,
 * {@code manifest.json} and {@code report.md}. Everything is written into a temporary folder
 * beside the target and moved into place at the end, so a failure leaves the previous output (or
 * nothing) behind, never a half-written design. Files whose content did not change keep their
 * modification time.
 */
public final class DesignWriter {

    /** Template variables of the constraint templates. */
    public record ConstraintVars(String design, String part, String periodNs) {
    }

    /** What a generation wrote. */
    public record Result(Path dir, List<String> files, int changed, List<Resources> resources) {
    }

    private final Config config;
    private final Consumer<String> progress;

    public DesignWriter(Config config, Consumer<String> progress) {
        this.config = config;
        this.progress = progress;
    }

    /** Generates the design into {@code outRoot/<design>/}. */
    public Result write(Path outRoot) throws IOException {
        List<ModuleSpec> blocks = Accelerator.blocks(config);
        progress.accept("building " + blocks.size() + " blocks for " + config.designName());

        Map<String, byte[]> files = new LinkedHashMap<>();
        Map<String, String> rtl = Emitter.render(blocks);
        List<String> rtlFiles = new ArrayList<>();
        for (Map.Entry<String, String> e : rtl.entrySet()) {
            files.put("rtl/" + e.getKey(), utf8(e.getValue()));
            rtlFiles.add("rtl/" + e.getKey());
        }
        progress.accept("rendered " + rtl.size() + " Verilog modules");
        files.put("filelist.f", utf8(String.join("\n", rtlFiles) + "\n"));
        String period = String.format(Locale.ROOT, "%.3f", config.target().clockPeriodNs());
        ConstraintVars cv = new ConstraintVars(config.designName(), config.target().part(), period);
        if ("xilinx".equals(config.target().vendor())) {
            files.put("constraints/" + config.designName() + ".xdc",
                    utf8(TemplateEngine.get().render("constraints/xdc.vm", cv)));
        } else {
            files.put("constraints/" + config.designName() + ".sdc",
                    utf8(TemplateEngine.get().render("constraints/sdc.vm", cv)));
        }

        Path out = prepareRoot(outRoot);
        Path target = out.resolve(config.designName());
        Path tmp = Files.createTempDirectory(out, "." + config.designName() + ".tmp-");
        try {
            for (Map.Entry<String, byte[]> e : files.entrySet()) {
                Path p = tmp.resolve(e.getKey());
                Files.createDirectories(p.getParent());
                Files.write(p, e.getValue());
            }
            List<Resources> resources = config.synthYosys() ? synthesize(blocks, tmp) : List.of();
            files.put("report.md", utf8(Report.render(config, blocks, resources)));
            Files.write(tmp.resolve("report.md"), files.get("report.md"));
            files.put("manifest.json", utf8(manifest(files)));
            Files.write(tmp.resolve("manifest.json"), files.get("manifest.json"));

            int changed = keepUnchangedTimes(files, tmp, target);
            swapInto(tmp, target);
            return new Result(target, new ArrayList<>(files.keySet()), changed, resources);
        } finally {
            if (Files.exists(tmp)) {
                Synthesis.deleteTree(tmp);
            }
        }
    }

    private List<Resources> synthesize(List<ModuleSpec> blocks, Path tmp) throws IOException {
        if (!Synthesis.available()) {
            throw new IOException("synth.yosys=on but no yosys on the PATH; install it (apt-get install yosys)"
                    + " or set synth.yosys=off");
        }
        List<Resources> all = new ArrayList<>();
        for (ModuleSpec b : blocks) {
            if (!b.synthesize()) {
                continue;
            }
            List<Path> paths = new ArrayList<>();
            for (ModuleSpec m : b.flatten()) {
                paths.add(tmp.resolve("rtl/" + m.name() + ".v"));
            }
            progress.accept("synthesizing " + b.name() + " with yosys (synth_xilinx -family xcup)");
            all.add(Synthesis.run(paths, b.name(), Map.of()));
        }
        return all;
    }

    private static Path prepareRoot(Path outRoot) throws IOException {
        Path out = outRoot.toAbsolutePath().normalize();
        try {
            Files.createDirectories(out);
        } catch (IOException e) {
            throw new IOException("cannot create the output folder " + out + ": " + reason(e), e);
        }
        if (!Files.isDirectory(out) || !Files.isWritable(out)) {
            throw new IOException("the output folder " + out + " is not a writable folder");
        }
        return out;
    }

    private static String reason(IOException e) {
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    }

    /** Gives every file whose bytes did not change the old file's time; returns the number changed. */
    private static int keepUnchangedTimes(Map<String, byte[]> files, Path tmp, Path target) throws IOException {
        int changed = 0;
        for (Map.Entry<String, byte[]> e : files.entrySet()) {
            Path old = target.resolve(e.getKey());
            if (Files.isRegularFile(old) && java.util.Arrays.equals(Files.readAllBytes(old), e.getValue())) {
                FileTime t = Files.getLastModifiedTime(old);
                Files.setLastModifiedTime(tmp.resolve(e.getKey()), t);
            } else {
                changed++;
            }
        }
        return changed;
    }

    /** Replaces {@code target} by {@code tmp} with two renames on one file system. */
    private static void swapInto(Path tmp, Path target) throws IOException {
        if (Files.exists(target)) {
            Path old = Files.createTempDirectory(target.getParent(), "." + target.getFileName() + ".old-");
            Files.delete(old);
            Files.move(target, old, StandardCopyOption.ATOMIC_MOVE);
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            Synthesis.deleteTree(old);
        } else {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        }
    }

    private String manifest(Map<String, byte[]> files) {
        StringBuilder sb = new StringBuilder();
        sb.append("{\n");
        sb.append("  \"generator\": \"vitgen\",\n");
        sb.append("  \"version\": ").append(Json.quote(Version.get())).append(",\n");
        sb.append("  \"design\": ").append(Json.quote(config.designName())).append(",\n");
        sb.append("  \"config\": {\n");
        List<String> entries = new ArrayList<>();
        for (Map.Entry<String, String> e : new TreeMap<>(config.values()).entrySet()) {
            entries.add("    " + Json.quote(e.getKey()) + ": " + Json.quote(e.getValue()));
        }
        sb.append(String.join(",\n", entries)).append("\n  },\n");
        sb.append("  \"files\": [\n");
        entries.clear();
        for (Map.Entry<String, byte[]> e : files.entrySet()) {
            entries.add("    {\"path\": " + Json.quote(e.getKey()) + ", \"bytes\": " + e.getValue().length
                    + ", \"sha256\": " + Json.quote(sha256(e.getValue())) + "}");
        }
        sb.append(String.join(",\n", entries)).append("\n  ]\n}\n");
        return sb.toString();
    }

    static String sha256(byte[] bytes) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(bytes);
            StringBuilder sb = new StringBuilder();
            for (byte b : d) {
                sb.append(String.format("%02x", b));
            }
            return sb.toString();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
