package io.vitgen.emit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.vitgen.hw.ModuleSpec;

/**
 * Renders module specs into Verilog text and writes them. Every module is rendered once per name,
 * children before parents (the order a file list needs); two specs of one name must render the
 * same text. A file is written only when its content changed, so unchanged files keep their
 * modification time (and Verilator's build cache stays warm).
 */
public final class Emitter {

    private Emitter() {
    }

    /** File name to Verilog text of every module below {@code tops}, in dependency order. */
    public static Map<String, String> render(List<ModuleSpec> tops) {
        Map<String, String> out = new LinkedHashMap<>();
        for (ModuleSpec top : tops) {
            for (ModuleSpec m : top.flatten()) {
                String text = TemplateEngine.get().render("rtl-templates/" + m.template(), m.vars());
                String file = m.name() + ".v";
                String before = out.putIfAbsent(file, text);
                if (before != null && !before.equals(text)) {
                    throw new IllegalStateException("two different modules are both named " + m.name()
                            + "; a module name must identify one text");
                }
            }
        }
        return out;
    }

    /**
     * Renders and writes every module below {@code tops} into {@code dir} (created if needed).
     * Returns the written paths in dependency order - the order to hand to a simulator.
     */
    public static List<Path> writeModules(List<ModuleSpec> tops, Path dir) {
        List<Path> paths = new ArrayList<>();
        try {
            Files.createDirectories(dir);
            for (Map.Entry<String, String> e : render(tops).entrySet()) {
                Path p = dir.resolve(e.getKey());
                writeIfChanged(p, e.getValue().getBytes(StandardCharsets.UTF_8));
                paths.add(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write modules into " + dir + ": " + e.getMessage(), e);
        }
        return paths;
    }

    /** Writes {@code bytes} to {@code file} unless it already holds exactly them; true if written. */
    public static boolean writeIfChanged(Path file, byte[] bytes) throws IOException {
        if (Files.isRegularFile(file) && Files.size(file) == bytes.length
                && Arrays.equals(Files.readAllBytes(file), bytes)) {
            return false;
        }
        Path parent = file.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Path tmp = Files.createTempFile(parent, "." + file.getFileName(), ".tmp");
        try {
            Files.write(tmp, bytes);
            Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
        return true;
    }
}
