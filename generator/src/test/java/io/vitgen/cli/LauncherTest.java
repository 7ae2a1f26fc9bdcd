package io.vitgen.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code ./vitgen} launcher of the repository, run through symlinks and from other working
 * directories. It runs in a copy of the repository's layout whose jar is a small probe (newer than
 * every source, so the launcher does not build) that prints its working directory and arguments.
 */
class LauncherTest {

    private static final Path ROOT = Path.of(System.getProperty("vitgen.root", "..")).toAbsolutePath().normalize();

    /** A repository layout holding the real launcher script and a probe jar. */
    private static Path fakeRepository(Path dir) throws IOException {
        Path repo = Files.createDirectories(dir.resolve("checkout"));
        Files.copy(ROOT.resolve("vitgen"), repo.resolve("vitgen"));
        repo.resolve("vitgen").toFile().setExecutable(true);
        for (String d : List.of("generator/src/main", "rtl-templates", "constraints", "generator/target")) {
            Files.createDirectories(repo.resolve(d));
        }
        Files.writeString(repo.resolve("pom.xml"), "<project/>\n");
        Files.writeString(repo.resolve("generator/pom.xml"), "<project/>\n");
        FileTime old = FileTime.fromMillis(946_684_800_000L);
        try (Stream<Path> s = Files.walk(repo)) {
            for (Path p : s.toList()) {
                Files.setLastModifiedTime(p, old);
            }
        }
        Manifest mf = new Manifest();
        mf.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        mf.getMainAttributes().put(Attributes.Name.MAIN_CLASS, LauncherProbe.class.getName());
        String cls = LauncherProbe.class.getName().replace('.', '/') + ".class";
        try (OutputStream os = Files.newOutputStream(repo.resolve("generator/target/vitgen.jar"));
             JarOutputStream jar = new JarOutputStream(os, mf);
             InputStream in = LauncherProbe.class.getClassLoader().getResourceAsStream(cls)) {
            jar.putNextEntry(new JarEntry(cls));
            in.transferTo(jar);
            jar.closeEntry();
        }
        return repo;
    }

    private static String bash(Path cwd, String path, String command) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("bash", "-c", command).directory(cwd.toFile());
        pb.environment().put("PATH", path + ":" + System.getenv("PATH"));
        pb.redirectErrorStream(true);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("launcher did not finish: " + out);
        }
        assertEquals(0, p.exitValue(), out);
        return out;
    }

    @Test
    void runsWhenSymlinkedOntoThePathAndFromAnyWorkingDirectory(@TempDir Path tmp) throws Exception {
        Path repo = fakeRepository(tmp);
        Path bin = Files.createDirectories(tmp.resolve("bin"));
        Files.createSymbolicLink(bin.resolve("vitgen"), repo.resolve("vitgen"));
        Path work = Files.createDirectories(tmp.resolve("somewhere/else"));
        assertEquals("probe cwd=" + work + " args=generate|--config|my file.properties\n",
                bash(work, bin.toString(), "vitgen generate --config 'my file.properties'"));
        // a relative symlink to that symlink, called by path from yet another directory
        Path bin2 = Files.createDirectories(tmp.resolve("bin2"));
        Files.createSymbolicLink(bin2.resolve("vg"), Path.of("../bin/vitgen"));
        assertEquals("probe cwd=/ args=--version\n", bash(Path.of("/"), "", bin2.resolve("vg") + " --version"));
        // and the script itself, called from a sub-folder with a relative path
        Path sub = Files.createDirectories(repo.resolve("out"));
        assertEquals("probe cwd=" + sub + " args=config\n", bash(sub, "", "../vitgen config"));
    }
}
