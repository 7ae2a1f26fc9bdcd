package io.vitgen.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the shell examples of README.md as written: every line of a {@code ```sh} block is a
 * command; in a {@code ```console} block, {@code $ } lines are commands and the lines after each
 * are its output (standard output and error together), compared exactly. Every command must exit
 * with 0 (an example that shows a failure says so with {@code ; echo "exit code $?"}).
 *
 * <p>The commands run in order in one fresh folder, as in a clone: {@code ./vitgen} there is a
 * launcher running this build's classes ({@code java io.vitgen.cli.Main}, which is what the
 * repository's launcher ends in; LauncherTest checks the launcher itself). Commands that would
 * start the test suite or a benchmark from inside the test suite ({@code ./test}, {@code mvn},
 * {@code ./bench}) are not run; the test checks what they name exists (the script, the module,
 * the test class, the benchmark).
 */
class ReadmeExamplesTest {

    private static final Path ROOT = Path.of(System.getProperty("vitgen.root", "..")).toAbsolutePath().normalize();

    /** One command of the README, the line it is on, and the output shown after it (null: not shown). */
    record Example(int line, String command, String output) {
    }

    /** The examples of a Markdown text, in order. */
    static List<Example> examples(String markdown) {
        List<Example> all = new ArrayList<>();
        String[] lines = markdown.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            if (!lines[i].startsWith("```")) {
                continue;
            }
            String info = lines[i].substring(3).trim();
            int end = i + 1;
            while (end < lines.length && !lines[end].startsWith("```")) {
                end++;
            }
            if (info.equals("sh")) {
                for (int k = i + 1; k < end; k++) {
                    String cmd = lines[k].strip();
                    int first = k;
                    while (cmd.endsWith("\\") && k + 1 < end) {
                        cmd = cmd.substring(0, cmd.length() - 1) + " " + lines[++k].strip();
                    }
                    if (!cmd.isEmpty() && !cmd.startsWith("#")) {
                        all.add(new Example(first + 1, cmd, null));
                    }
                }
            } else if (info.equals("console")) {
                for (int k = i + 1; k < end; k++) {
                    if (!lines[k].startsWith("$ ")) {
                        throw new AssertionError("README.md line " + (k + 1) + ": a console block starts each"
                                + " command with '$ '");
                    }
                    int first = k;
                    StringBuilder out = new StringBuilder();
                    while (k + 1 < end && !lines[k + 1].startsWith("$ ")) {
                        out.append(lines[++k]).append('\n');
                    }
                    all.add(new Example(first + 1, lines[first].substring(2).strip(), out.toString()));
                }
            }
            i = end;
        }
        return all;
    }

    @Test
    void everyShellExampleOfTheReadmeRunsAsWritten(@TempDir Path clone) throws Exception {
        List<Example> examples = examples(Files.readString(ROOT.resolve("README.md")));
        assertTrue(examples.stream().anyMatch(e -> e.command().startsWith("./vitgen generate --config my.properties")),
                "the extractor found the README's examples: " + examples);
        writeLauncher(clone);
        int run = 0;
        for (Example e : examples) {
            String where = "README.md line " + e.line() + ": " + e.command();
            String[] words = withoutAssignments(e.command()).split("\\s+");
            if (!e.command().contains("./vitgen")) {
                checkNotRun(words, where, clone);
                continue;
            }
            ProcessBuilder pb = new ProcessBuilder("bash", "-c", "set -o pipefail; " + e.command())
                    .directory(clone.toFile()).redirectErrorStream(true);
            Process p = pb.start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                fail(where + " did not finish");
            }
            assertEquals(0, p.exitValue(), where + " failed:\n" + out);
            if (e.output() != null) {
                assertEquals(e.output(), out, where + ": the output differs from what README.md shows");
            }
            run++;
        }
        assertTrue(run >= 8, "only " + run + " examples ran");
        // what the examples said they wrote is there
        assertTrue(Files.isRegularFile(clone.resolve("out/vit_accel/report.md")));
        assertTrue(Files.isRegularFile(clone.resolve("build/vit_accel/manifest.json")));
        assertTrue(Files.readString(clone.resolve("vitgen-completion.bash")).contains("complete -F"));
        // the kit of the README's small model on its picture (SimKitTest runs such a kit in Verilator)
        Path kit = clone.resolve("kit/vit_accel/sim");
        assertTrue(Files.readString(kit.resolve("run.cfg")).contains("#: program: the whole model small.safetensors"));
        assertTrue(Files.readString(kit.resolve("README.md")).contains("`picture.png` (SHA-256"));
        assertEquals(4 * 10, Files.size(kit.resolve("expected.bin")), "10 int32 logits");
    }

    private static String withoutAssignments(String command) {
        return command.replaceFirst("^([A-Za-z_][A-Za-z0-9_]*=\\S*\\s+)+", "");
    }

    /** The test suite and the benchmarks are not started from inside the test suite: what they name must exist. */
    private static void checkNotRun(String[] words, String where, Path clone) throws IOException {
        switch (words[0]) {
            case "./test" -> assertTrue(Files.isExecutable(ROOT.resolve("test")), where);
            case "./bench" -> {
                String bench = Files.readString(ROOT.resolve("bench"));
                assertTrue(words.length > 1 && (words[1].equals("accuracy") || bench.contains("[" + words[1] + "]=")),
                        where + ": no such benchmark in ./bench");
            }
            case "mvn" -> {
                for (int i = 1; i < words.length; i++) {
                    if (words[i].equals("-pl")) {
                        assertTrue(Files.isRegularFile(ROOT.resolve(words[i + 1]).resolve("pom.xml")), where);
                    } else if (words[i].startsWith("-Dtest=")) {
                        String cls = words[i].substring("-Dtest=".length()) + ".java";
                        try (Stream<Path> s = Files.walk(ROOT, 9)) {
                            assertTrue(s.anyMatch(p -> p.getFileName().toString().equals(cls)
                                    && p.toString().contains("src" + File.separator + "test")), where + ": no test " + cls);
                        }
                    } else if (words[i].equals("...")) {
                        fail(where + ": '...' is not a command a reader can run");
                    }
                }
            }
            case "make" -> {
                // the simulation kit of a design an earlier example generated (SimKitTest runs it)
                assertTrue(words.length >= 3 && words[1].equals("-C"), where + ": make -C <design>/sim [run]");
                assertTrue(Files.isRegularFile(clone.resolve(words[2]).resolve("Makefile")), where + ": no Makefile in "
                        + words[2] + " (generate the design in an earlier example)");
                assertTrue(words.length == 3 || words[3].equals("run") || words[3].startsWith("#"), where);
            }
            default -> fail(where + ": the test does not know how to check this example; run it or teach the test");
        }
    }

    /** {@code ./vitgen} in the clone: this build's classes. */
    private static void writeLauncher(Path clone) throws IOException {
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Path launcher = clone.resolve("vitgen");
        Files.writeString(launcher, "#!/usr/bin/env bash\nexec '" + java + "' -XX:+UseSerialGC -XX:TieredStopAtLevel=1"
                + " -cp '" + cp + "' io.vitgen.cli.Main \"$@\"\n");
        assertTrue(launcher.toFile().setExecutable(true));
    }
}
