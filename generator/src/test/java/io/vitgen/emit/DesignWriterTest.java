package io.vitgen.emit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
    void generatesTheExpectedLayout(@TempDir Path out) throws Exception {
        DesignWriter.Result r = new DesignWriter(ConfigLoader.defaults(), s -> { }).write(out);
        Path d = out.resolve("vit_accel");
        assertEquals(d, r.dir());
        for (String f : List.of("rtl/vit_accel_top.v", "rtl/vitgen_axis_fifo.v", "filelist.f", "rtl/vitgen_mac_gemm.v",
                "rtl/vitgen_top_gemm.v", "rtl/vitgen_top_softmax.v", "rtl/vitgen_top_lnorm.v", "rtl/vitgen_top_gelu.v",
                "sw/vit_accel_regs.h",
                "constraints/vit_accel.xdc", "constraints/vit_accel_bd.xdc", "vivado/create_project.tcl",
                "vivado/package_ip.tcl", "component.xml", "sim/Makefile", "sim/run.cfg", "sim/image.bin",
                "sim/expected.bin", "sim/README.md", "manifest.json", "report.md")) {
            assertTrue(Files.isRegularFile(d.resolve(f)), f);
        }
        String filelist = Files.readString(d.resolve("filelist.f"));
        for (String line : filelist.split("\n")) {
            assertTrue(Files.isRegularFile(d.resolve(line)), "filelist names a missing file: " + line);
            assertFalse(line.startsWith("rtl/blocks/"), "filelist.f holds the top's hierarchy only: " + line);
        }
        assertTrue(filelist.endsWith("rtl/vit_accel_top.v\n"), "the top is last: " + filelist);
        // every unit is attached at the defaults: nothing is generated beside the top
        assertFalse(Files.exists(d.resolve("blocks.f")) || Files.exists(d.resolve("rtl/blocks")), "no blocks beside the top");
        // with 4-bit operands the GEMM unit cannot run: the engine is generated beside the top, with its own list
        Path out4 = Files.createTempDirectory("vitgen-int4");
        new DesignWriter(new io.vitgen.config.ConfigLoader().setAll(java.util.Map.of("quant.act.bits", "4",
                "quant.weight.bits", "4", "quant.acc.bits", "24")).load(), s -> { }).write(out4);
        Path d4 = out4.resolve("vit_accel");
        assertTrue(Files.readString(d4.resolve("blocks.f")).contains("rtl/blocks/vitgen_mac_gemm.v"));
        for (String line : Files.readString(d4.resolve("blocks.f")).split("\n")) {
            assertTrue(line.startsWith("rtl/blocks/") && Files.isRegularFile(d4.resolve(line)), line);
        }
        // one register map: the top's, in the C header
        assertEquals(io.vitgen.hw.top.AcceleratorTop.registers("vit_accel").cHeader(),
                Files.readString(d.resolve("sw/vit_accel_regs.h")));
        assertFalse(Files.exists(d.resolve("rtl/vitgen_control.v")), "the stand-alone register file is retired");
        String xdc = Files.readString(d.resolve("constraints/vit_accel.xdc"));
        assertTrue(xdc.contains("create_clock -name aclk -period 3.333 [get_ports aclk]"), xdc);
        // the manifest's hash of each file is the file's hash
        String manifest = Files.readString(d.resolve("manifest.json"));
        for (String f : List.of("rtl/vitgen_axis_fifo.v", "filelist.f", "report.md")) {
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
        Files.setLastModifiedTime(d.resolve("rtl/vitgen_axis_fifo.v"), old);
        Config c = new ConfigLoader().set("target.clock.mhz=250").load();
        DesignWriter.Result r = new DesignWriter(c, s -> { }).write(out);
        assertEquals(old, Files.getLastModifiedTime(d.resolve("rtl/vitgen_axis_fifo.v")));
        assertTrue(Files.readString(d.resolve("constraints/vit_accel.xdc")).contains("-period 4.000"));
        assertEquals(List.of("constraints/vit_accel.xdc", "constraints/vit_accel_bd.xdc", "vivado/create_project.tcl",
                "vivado/package_ip.tcl", "component.xml", "report.md", "manifest.json").size(), r.changed(),
                "the constraints, the Vivado scripts and component.xml (FREQ_HZ), report and manifest change");
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

    private static DesignWriter.Result write(Path out, boolean force, String... sets) throws Exception {
        ConfigLoader l = new ConfigLoader();
        for (String set : sets) {
            l.set(set);
        }
        return new DesignWriter(l.load(), msg -> { }).force(force).write(out);
    }

    private static Object fileKey(Path p) throws IOException {
        return Files.readAttributes(p, BasicFileAttributes.class).fileKey();
    }

    @Test
    void aFolderVitgenDidNotWriteIsRefusedAndKeptIntact(@TempDir Path out) throws Exception {
        Path d = out.resolve("Documents");
        Files.createDirectories(d);
        Files.writeString(d.resolve("thesis.txt"), "years of work");
        DesignWriter.RefusedException e = assertThrows(DesignWriter.RefusedException.class,
                () -> write(out, false, "design.name=Documents"));
        assertTrue(e.getMessage().contains(d.toString()) && e.getMessage().contains("not written by vitgen")
                && e.getMessage().contains("--force"), e.getMessage());
        assertEquals(Map.of("thesis.txt", "years of work"), texts(d));
        try (Stream<Path> s = Files.list(out)) {
            assertEquals(List.of(d), s.toList(), "nothing beside the refused folder either");
        }
        // a file where the design folder would go is refused too
        Files.writeString(out.resolve("plain"), "mine");
        assertThrows(DesignWriter.RefusedException.class, () -> write(out, true, "design.name=plain"));
        assertEquals("mine", Files.readString(out.resolve("plain")));
    }

    @Test
    void forceWritesIntoAForeignFolderButKeepsEveryFileOfTheUser(@TempDir Path out) throws Exception {
        Path d = out.resolve("vit_accel");
        Files.createDirectories(d.resolve("rtl"));
        Files.writeString(d.resolve("thesis.txt"), "years of work");
        Files.writeString(d.resolve("report.md"), "my own report");
        Files.writeString(d.resolve("rtl/vitgen_axis_fifo.v"), "// my edit");
        DesignWriter.Result r = write(out, true);
        assertEquals("years of work", Files.readString(d.resolve("thesis.txt")));
        assertEquals("my own report", Files.readString(d.resolve("report.md.orig")));
        assertEquals("// my edit", Files.readString(d.resolve("rtl/vitgen_axis_fifo.v.orig")));
        assertTrue(Files.readString(d.resolve("report.md")).startsWith("#"), "vitgen's report is in place");
        assertTrue(r.notes().stream().anyMatch(n -> n.contains("report.md.orig")), r.notes().toString());
        // the next run (no --force needed: the folder now carries the manifest) keeps them all
        write(out, false, "target.clock.mhz=250");
        assertEquals("years of work", Files.readString(d.resolve("thesis.txt")));
        assertEquals("my own report", Files.readString(d.resolve("report.md.orig")));
    }

    @Test
    void userFilesSurviveAndTheFolderItselfIsNeverReplaced(@TempDir Path out) throws Exception {
        write(out, false);
        Path d = out.resolve("vit_accel");
        Object key = fileKey(d);
        Object rtlKey = fileKey(d.resolve("rtl"));
        Files.writeString(d.resolve("notes.txt"), "timing looked fine");
        Files.createDirectories(d.resolve("vivado/proj.runs"));
        Files.writeString(d.resolve("vivado/proj.xpr"), "<Project/>");
        Files.writeString(d.resolve("rtl/my_wrapper.v"), "module my_wrapper; endmodule\n");
        DesignWriter.Result r = write(out, false, "target.clock.mhz=250", "target.vendor=intel");
        assertEquals(key, fileKey(d), "the design folder was replaced (a shell inside it would lose its cwd)");
        assertEquals(rtlKey, fileKey(d.resolve("rtl")));
        assertEquals("timing looked fine", Files.readString(d.resolve("notes.txt")));
        assertEquals("<Project/>", Files.readString(d.resolve("vivado/proj.xpr")));
        assertTrue(Files.isDirectory(d.resolve("vivado/proj.runs")));
        assertEquals("module my_wrapper; endmodule\n", Files.readString(d.resolve("rtl/my_wrapper.v")));
        // the previous run's xdc is vitgen's and no longer produced: deleted; the sdc replaces it
        assertFalse(Files.exists(d.resolve("constraints/vit_accel.xdc")));
        assertTrue(Files.isRegularFile(d.resolve("constraints/vit_accel.sdc")));
        assertFalse(r.files().contains("notes.txt"));
        String manifest = Files.readString(d.resolve("manifest.json"));
        assertFalse(manifest.contains("notes.txt") || manifest.contains("my_wrapper"), manifest);
        assertNoTemporaryFiles(out);
    }

    @Test
    void aGeneratedFileTheUserEditedIsNeverOverwrittenOrDeleted(@TempDir Path out) throws Exception {
        write(out, false);
        Path d = out.resolve("vit_accel");
        Path xdc = d.resolve("constraints/vit_accel.xdc");
        Files.writeString(xdc, Files.readString(xdc) + "set_false_path -from [get_ports aresetn]\n");
        String edited = Files.readString(xdc);
        // changing the clock would rewrite the xdc: refused, nothing written
        Map<String, String> before = texts(d);
        DesignWriter.RefusedException e = assertThrows(DesignWriter.RefusedException.class,
                () -> write(out, false, "target.clock.mhz=250"));
        assertTrue(e.getMessage().contains("constraints/vit_accel.xdc (changed since vitgen wrote it)"), e.getMessage());
        assertEquals(before, texts(d));
        // switching to intel no longer produces the xdc: it is left in place with a note
        DesignWriter.Result r = write(out, false, "target.vendor=intel");
        assertEquals(edited, Files.readString(xdc));
        assertTrue(r.notes().stream().anyMatch(n -> n.contains("constraints/vit_accel.xdc")), r.notes().toString());
    }

    @Test
    void newFoldersAndFilesFollowTheUmask(@TempDir Path tmp) throws Exception {
        // what this process's umask gives a plain new folder and file
        Path refDir = Files.createDirectory(tmp.resolve("ref-dir"));
        Path refFile = Files.writeString(tmp.resolve("ref-file"), "x");
        Set<PosixFilePermission> dirPerms = Files.getPosixFilePermissions(refDir);
        Set<PosixFilePermission> filePerms = Files.getPosixFilePermissions(refFile);
        assertTrue(dirPerms.contains(PosixFilePermission.OTHERS_EXECUTE)
                || !filePerms.contains(PosixFilePermission.OTHERS_READ), "test assumes a usual umask");
        Path out = tmp.resolve("out");
        write(out, false);
        Path d = out.resolve("vit_accel");
        for (Path p : List.of(out, d, d.resolve("rtl"), d.resolve("constraints"))) {
            assertEquals(PosixFilePermissions.toString(dirPerms), PosixFilePermissions.toString(
                    Files.getPosixFilePermissions(p)), p.toString());
        }
        for (String f : List.of("report.md", "manifest.json", "filelist.f", "rtl/vitgen_axis_fifo.v")) {
            assertEquals(PosixFilePermissions.toString(filePerms), PosixFilePermissions.toString(
                    Files.getPosixFilePermissions(d.resolve(f))), f);
        }
        // a replaced file too
        write(out, false, "target.clock.mhz=250");
        assertEquals(PosixFilePermissions.toString(filePerms), PosixFilePermissions.toString(
                Files.getPosixFilePermissions(d.resolve("constraints/vit_accel.xdc"))));
    }

    @Test
    void aFailureWhileWritingLeavesTheFolderAsItWas(@TempDir Path out) throws Exception {
        write(out, false);
        Path d = out.resolve("vit_accel");
        Map<String, String> before = texts(d);
        DesignWriter w = new DesignWriter(new ConfigLoader().set("mac.rows=8").load(), msg -> { });
        w.failAfterStaging = 2;
        IOException e = assertThrows(IOException.class, () -> w.write(out));
        assertTrue(e.getMessage().contains("no space left on device") && e.getMessage().contains("as it was"),
                e.getMessage());
        assertEquals(before, texts(d));
        assertNoTemporaryFiles(out);
        // and into a new folder: nothing at all is left
        DesignWriter fresh = new DesignWriter(new ConfigLoader().set("design.name=fresh").load(), msg -> { });
        fresh.failAfterStaging = 3;
        assertThrows(IOException.class, () -> fresh.write(out));
        assertFalse(Files.exists(out.resolve("fresh")));
        // nor the output root and its parents when the run created them
        DesignWriter deep = new DesignWriter(ConfigLoader.defaults(), msg -> { });
        deep.failAfterStaging = 0;
        assertThrows(IOException.class, () -> deep.write(out.resolve("new/root")));
        assertFalse(Files.exists(out.resolve("new")));
    }

    @Test
    void aManifestCannotMakeVitgenTouchFilesOutsideItsFolder(@TempDir Path out) throws Exception {
        Path d = out.resolve("vit_accel");
        Files.createDirectories(d);
        Path victim = out.resolve("victim.txt");
        Files.writeString(victim, "keep me");
        String sha = DesignWriter.sha256("keep me".getBytes(StandardCharsets.UTF_8));
        Files.writeString(d.resolve("manifest.json"), "{\"generator\": \"vitgen\", \"files\": ["
                + "{\"path\": \"../victim.txt\", \"sha256\": \"" + sha + "\"},"
                + "{\"path\": \"" + victim + "\", \"sha256\": \"" + sha + "\"}]}");
        write(out, false);
        assertEquals("keep me", Files.readString(victim));
    }

    @Test
    void outputFolderErrorsSayWhatIsWrongInWords(@TempDir Path tmp) throws IOException {
        Path file = tmp.resolve("not-a-folder");
        Files.writeString(file, "x");
        IOException e = assertThrows(IOException.class, () -> write(file, false));
        assertTrue(e.getMessage().contains(file + " is a file, not a folder"), e.getMessage());
        assertFalse(e.getMessage().contains("Exception"), e.getMessage());
        IOException below = assertThrows(IOException.class, () -> write(file.resolve("out"), false));
        assertTrue(below.getMessage().contains(file + " is a file, not a folder"), below.getMessage());
        assertFalse(below.getMessage().contains("Exception"), below.getMessage());
        assertEquals("x", Files.readString(file));
    }

    private static Map<String, String> texts(Path dir) throws IOException {
        Map<String, String> m = new HashMap<>();
        for (Map.Entry<String, byte[]> e : snapshot(dir).entrySet()) {
            m.put(e.getKey(), new String(e.getValue(), StandardCharsets.UTF_8));
        }
        return m;
    }

    private static void assertNoTemporaryFiles(Path root) throws IOException {
        try (Stream<Path> s = Files.walk(root)) {
            List<Path> tmp = s.filter(p -> p.getFileName().toString().contains(".vitgen-")).toList();
            assertEquals(List.of(), tmp, "temporary files left behind");
        }
    }
}
