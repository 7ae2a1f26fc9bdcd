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

    @Test
    void unknownWordsAreNamedWithTheNearestKnownOne() {
        Run cmd = run("generat");
        assertEquals(2, cmd.code());
        assertEquals("vitgen: unknown command 'generat'; did you mean 'generate'? (commands: generate, estimate, sweep,"
                + " config, golden, accuracy, quantize, model, completion, help)\n", cmd.err());
        Run opt = run("generate", "--forse");
        assertEquals(2, opt.code());
        assertEquals("vitgen generate: unknown option '--forse'; did you mean '--force'? (see vitgen generate --help)\n",
                opt.err());
        Run far = run("generate", "--frobnicate");
        assertEquals("vitgen generate: unknown option '--frobnicate' (see vitgen generate --help)\n", far.err());
        Run flag = run("config", "--explian");
        assertEquals(2, flag.code());
        assertEquals("vitgen config: unknown option '--explian'; did you mean '--explain'? (see vitgen config --help)\n",
                flag.err());
        Run set = run("generate", "--set");
        assertEquals("vitgen generate: --set needs a value (key=value)\n", set.err());
        Run extra = run("generate", "mac.rows=8");
        assertEquals(2, extra.code());
        assertTrue(extra.err().startsWith("vitgen generate: unexpected argument 'mac.rows=8'"), extra.err());
    }

    @Test
    void anEmptyOutputFolderNameIsRefused(@TempDir Path tmp) {
        Run r = run("generate", "--out", "");
        assertEquals(2, r.code());
        assertEquals("vitgen generate: --out needs a folder name; '' is empty\n", r.err());
    }

    @Test
    void aFolderVitgenDidNotWriteIsRefusedInWords(@TempDir Path tmp) throws java.io.IOException {
        Path docs = tmp.resolve("Documents");
        Files.createDirectories(docs);
        Files.writeString(docs.resolve("thesis.txt"), "years of work");
        Run r = run("generate", "--out", tmp.toString(), "--set", "design.name=Documents");
        assertEquals(2, r.code());
        assertTrue(r.err().startsWith("vitgen generate: " + docs + " already exists and was not written by vitgen"),
                r.err());
        assertTrue(r.err().endsWith("Nothing was written.\n"), r.err());
        assertEquals("years of work", Files.readString(docs.resolve("thesis.txt")));
        Run forced = run("generate", "--out", tmp.toString(), "--set", "design.name=Documents", "--force");
        assertEquals(0, forced.code(), forced.err());
        assertEquals("years of work", Files.readString(docs.resolve("thesis.txt")));
    }

    @Test
    void configFileProblemsAreUsageErrorsInWords(@TempDir Path tmp) throws java.io.IOException {
        Run missing = run("generate", "--out", tmp.toString(), "--config", tmp.resolve("my.properties").toString());
        assertEquals(2, missing.code());
        assertTrue(missing.err().contains("configuration file " + tmp.resolve("my.properties") + " does not exist"),
                missing.err());
        Run folder = run("generate", "--out", tmp.toString(), "--config", tmp.toString());
        assertTrue(folder.err().contains("is a folder, not a properties file"), folder.err());
    }

    @Test
    void aDefaultsFileWorksWithTheOtherSoftmaxVariant(@TempDir Path tmp) throws java.io.IOException {
        Path props = tmp.resolve("my.properties");
        Files.writeString(props, run("config", "--defaults").out());
        Run r = run("generate", "--config", props.toString(), "--set", "softmax.variant=log2", "--out",
                tmp.resolve("out").toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("vitgen generate: note: softmax.out.bits=8 (" + props), r.err());
        assertTrue(r.err().contains("is ignored"), r.err());
    }

    @Test
    void versionHelpAndCompletionAreConsistent() {
        Run v = run("--version");
        assertEquals(0, v.code());
        assertTrue(v.out().startsWith("vitgen "), v.out());
        for (String cmd : new String[] {"generate", "config", "golden", "accuracy", "completion"}) {
            Run h = run(cmd, "--help");
            assertEquals(0, h.code(), cmd);
            assertTrue(h.out().startsWith("Usage: vitgen " + cmd), h.out());
            assertTrue(h.out().contains("--version"), cmd);
            assertEquals(v.out(), run(cmd, "--version").out(), cmd);
        }
        Run c = run("completion");
        assertEquals(0, c.code());
        assertTrue(c.out().contains("complete -F") && c.out().contains("generate") && c.out().contains("--force")
                && c.out().contains("--explain"), "bash completion covers commands and options");
        Run none = run();
        assertEquals(2, none.code());
        assertTrue(none.err().contains("vitgen generate"), none.err());
    }
}
