package io.vitgen.emit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.vitgen.config.Config;
import io.vitgen.config.ConfigLoader;

class DesignWriterTest {

    private static Map<String, byte[]> snapshot(Path dir) throws IOException {
        Map<String, byte[]> m = new HashMap<>();
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                m.put(dir.relativize(p).toString(), Files.readAllBytes(p));
            }
        }
        return m;
    }

    @Test
    void generatesTheExpectedLayout(@TempDir Path out) throws IOException {
        DesignWriter.Result r = new DesignWriter(ConfigLoader.defaults(), s -> { }).write(out);
        Path d = out.resolve("vit_accel");
        assertEquals(d, r.dir());
        for (String f : List.of("rtl/vitgen_axis_skid.v", "rtl/vitgen_axis_fifo.v", "filelist.f",
                "constraints/vit_accel.xdc", "manifest.json", "report.md")) {
            assertTrue(Files.isRegularFile(d.resolve(f)), f);
        }
        String filelist = Files.readString(d.resolve("filelist.f"));
        for (String line : filelist.split("\n")) {
            assertTrue(Files.isRegularFile(d.resolve(line)), "filelist names a missing file: " + line);
        }
        String xdc = Files.readString(d.resolve("constraints/vit_accel.xdc"));
        assertTrue(xdc.contains("create_clock -name aclk -period 3.333 [get_ports aclk]"), xdc);
        // the manifest's hash of each file is the file's hash
        String manifest = Files.readString(d.resolve("manifest.json"));
        for (String f : List.of("rtl/vitgen_axis_skid.v", "filelist.f", "report.md")) {
            String sha = DesignWriter.sha256(Files.readAllBytes(d.resolve(f)));
            assertTrue(manifest.contains("\"path\": \"" + f + "\"") && manifest.contains(sha), f);
        }
        assertTrue(manifest.contains("\"mac.rows\": \"16\""));
        // no temporary folders left behind
        try (Stream<Path> s = Files.list(out)) {
            assertEquals(List.of(d), s.toList());
        }
    }

    @Test
    void generatingTwiceIsByteIdenticalAndKeepsModificationTimes(@TempDir Path out) throws IOException {
        Config c = ConfigLoader.defaults();
        new DesignWriter(c, s -> { }).write(out);
        Path d = out.resolve("vit_accel");
        Map<String, byte[]> first = snapshot(d);
        FileTime old = FileTime.fromMillis(1_000_000_000_000L);
        for (String f : first.keySet()) {
            Files.setLastModifiedTime(d.resolve(f), old);
        }
        DesignWriter.Result r = new DesignWriter(c, s -> { }).write(out);
        assertEquals(0, r.changed());
        Map<String, byte[]> second = snapshot(d);
        assertEquals(first.keySet(), second.keySet());
        for (String f : first.keySet()) {
            assertArrayEquals(first.get(f), second.get(f), f);
            assertEquals(old, Files.getLastModifiedTime(d.resolve(f)), f + " was rewritten");
        }
    }

    @Test
    void aChangedConfigurationRewritesOnlyWhatChanged(@TempDir Path out) throws Exception {
        new DesignWriter(ConfigLoader.defaults(), s -> { }).write(out);
        Path d = out.resolve("vit_accel");
        FileTime old = FileTime.fromMillis(1_000_000_000_000L);
        Files.setLastModifiedTime(d.resolve("rtl/vitgen_axis_skid.v"), old);
        Config c = new ConfigLoader().set("target.clock.mhz=250").load();
        DesignWriter.Result r = new DesignWriter(c, s -> { }).write(out);
        assertEquals(old, Files.getLastModifiedTime(d.resolve("rtl/vitgen_axis_skid.v")));
        assertTrue(Files.readString(d.resolve("constraints/vit_accel.xdc")).contains("-period 4.000"));
        assertEquals(3, r.changed(), "constraints, report and manifest change");
    }

    @Test
    void intelTargetGetsSdc(@TempDir Path out) throws Exception {
        Config c = new ConfigLoader().set("target.vendor=intel").set("design.name=alt").load();
        new DesignWriter(c, s -> { }).write(out);
        assertTrue(Files.isRegularFile(out.resolve("alt/constraints/alt.sdc")));
        assertFalse(Files.exists(out.resolve("alt/constraints/alt.xdc")));
    }

    @Test
    void anUnwritableOutputFolderIsAClearErrorAndWritesNothing(@TempDir Path tmp) throws IOException {
        Path file = tmp.resolve("not-a-folder");
        Files.writeString(file, "x");
        IOException e = assertThrows(IOException.class,
                () -> new DesignWriter(ConfigLoader.defaults(), s -> { }).write(file.resolve("out")));
        assertTrue(e.getMessage().contains("cannot create the output folder"), e.getMessage());
        assertEquals("x", Files.readString(file));
    }
}
