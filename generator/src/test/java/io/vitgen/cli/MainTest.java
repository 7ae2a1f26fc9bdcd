package io.vitgen.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.vitgen.config.Key;
import io.vitgen.config.Schema;

class MainTest {

    record Run(int code, String out, String err) {
    }

    static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(args, new ByteArrayInputStream(new byte[0]),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void helpListsTheCommands() {
        Run r = run("--help");
        assertEquals(0, r.code());
        assertTrue(r.out().contains("vitgen generate") && r.out().contains("vitgen config"), r.out());
    }

    @Test
    void generateWritesTheDesignAndSaysWhere(@TempDir Path tmp) {
        Run r = run("generate", "--out", tmp.toString(), "--set", "design.name=demo");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains(tmp.resolve("demo").toString()), r.out());
        assertTrue(Files.isRegularFile(tmp.resolve("demo/report.md")));
    }

    @Test
    void aBadValueFailsNamingKeyAndRangeAndWritesNothing(@TempDir Path tmp) {
        Path out = tmp.resolve("out");
        Run r = run("generate", "--out", out.toString(), "--set", "mac.rows=0");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("mac.rows") && r.err().contains("[1, 64]"), r.err());
        assertTrue(r.err().contains("Nothing was written"), r.err());
        assertFalse(Files.exists(out), "no output folder on a configuration error");
    }

    @Test
    void unknownOptionsAndCommandsAreUsageErrors() {
        assertEquals(2, run("generate", "--frobnicate").code());
        assertEquals(2, run("synthesize").code());
        assertEquals(2, run("generate", "--set").code());
    }

    @Test
    void explainListsEveryKey() {
        Run r = run("config", "--explain");
        assertEquals(0, r.code());
        for (Key k : Schema.keys()) {
            assertTrue(r.out().contains("`" + k.name() + "`"), k.name());
        }
    }

    @Test
    void theReadmePropertiesReferenceIsTheExplainOutput() throws java.io.IOException {
        Path readme = Path.of(System.getProperty("vitgen.root", "..")).resolve("README.md");
        assertTrue(Files.readString(readme).contains(ConfigCommand.explain()),
                "README.md's properties reference drifted; paste the output of ./vitgen config --explain");
    }
}
