package io.vitgen.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

    private static ConfigException problems(String... sets) {
        ConfigLoader l = new ConfigLoader();
        for (String s : sets) {
            l.set(s);
        }
        return assertThrows(ConfigException.class, l::load);
    }

    private static void assertMentions(ConfigException e, String... words) {
        for (String w : words) {
            assertTrue(e.getMessage().contains(w), "message should mention '" + w + "':\n" + e.getMessage());
        }
    }

    @Test
    void defaultsLoadCleanly() {
        Config c = ConfigLoader.defaults();
        assertEquals("vit_accel", c.designName());
        assertEquals(ModelShape.DEIT_TINY, c.model());
        assertEquals(16, c.mac().rows());
        assertEquals(16, c.mac().cols());
        assertEquals(8, c.quant().actBits());
        assertEquals(32, c.quant().accBits());
        assertEquals("shiftmax", c.softmax().variant());
        assertEquals(300, c.target().clockMhz());
        // every schema key with a default appears in the effective values
        for (Key k : Schema.keys()) {
            if (k.defaultValue() != null) {
                assertTrue(c.values().containsKey(k.name()), k.name());
            }
        }
    }

    @Test
    void unknownKeyNamesTheNearestKnownKey() {
        ConfigException e = problems("mac.col=4");
        assertMentions(e, "unknown key 'mac.col'", "did you mean 'mac.cols'");
    }

    @Test
    void outOfRangeValueNamesKeyValueAndRange() {
        ConfigException e = problems("mac.rows=0");
        assertMentions(e, "mac.rows", "0", "[1, 64]");
    }

    @Test
    void wrongTypeNamesKeyValueAndRange() {
        ConfigException e = problems("target.clock.mhz=fast");
        assertMentions(e, "target.clock.mhz", "'fast' is not an integer", "[10, 1000]");
        assertMentions(problems("quant.act.bits=6"), "quant.act.bits", "'6'", "one of 8, 4");
        assertMentions(problems("design.name=1abc"), "design.name", "identifier");
    }

    @Test
    void accumulatorTooNarrowForTheModelNamesTheKeysAndReason() {
        // DeiT-Base FC2 sums K = 3072 products of two int8: 8 + 8 - 1 + 12 + 1 = 28 bits.
        ConfigException e = problems("model.preset=deit-base", "quant.acc.bits=27");
        assertMentions(e, "quant.acc.bits=27", "quant.act.bits=8", "quant.weight.bits=8", "K=3072", "28 bits");
        Config ok = load("model.preset=deit-base", "quant.acc.bits=28");
        assertEquals(28, ok.quant().accBits());
    }

    @Test
    void rowBuffersShorterThanTheModelRowsAreInconsistent() {
        ConfigException e = problems("softmax.max.row=100", "layernorm.max.channels=64", "gelu.max.row=512");
        assertMentions(e, "softmax.max.row=100", "model.tokens=197", "layernorm.max.channels=64",
                "model.channels=192", "gelu.max.row=512", "model.mlp=768");
        assertEquals(3, e.problems().size());
    }

    @Test
    void presetAndExplicitShapeConflict() {
        ConfigException e = problems("model.tokens=50");
        assertMentions(e, "model.tokens", "model.preset=deit-tiny", "model.preset=custom");
        assertMentions(problems("model.preset=custom", "model.tokens=50"), "model.channels", "model.heads", "model.mlp");
        assertMentions(problems("model.preset=custom", "model.tokens=50", "model.channels=100", "model.heads=3",
                "model.mlp=200"), "model.heads=3", "model.channels=100");
        Config c = load("model.preset=custom", "model.tokens=50", "model.channels=96", "model.heads=3", "model.mlp=384");
        assertEquals(new ModelShape("custom", 50, 96, 3, 384), c.model());
    }

    @Test
    void packingNeedsEightBitOperands() {
        assertMentions(problems("mac.dsp.packing=int8x2", "quant.weight.bits=4"), "mac.dsp.packing=int8x2",
                "quant.weight.bits");
    }

    @Test
    void lanesWiderThanTheRowAreInconsistent() {
        assertMentions(problems("model.preset=custom", "model.tokens=4", "model.channels=4", "model.heads=1",
                "model.mlp=4", "softmax.max.row=4", "softmax.lanes=8"), "softmax.lanes=8", "softmax.max.row=4");
    }

    @Test
    void softmaxLanesNeedABeatAsWide() {
        // 32 and 64 lanes exist for 256- and 512-bit ports; a narrower port is refused naming both keys
        assertMentions(problems("softmax.lanes=64", "target.mem.bits=256"), "softmax.lanes=64", "target.mem.bits=256",
                "softmax.lanes <= 32", "target.mem.bits >= 512");
        assertMentions(problems("softmax.lanes=32"), "softmax.lanes=32", "target.mem.bits=128");
        assertMentions(problems("softmax.lanes=16", "target.mem.bits=32"), "softmax.lanes=16", "target.mem.bits=32",
                "beats of 8 bytes");
        assertEquals(64, load("softmax.lanes=64", "target.mem.bits=512").softmax().lanes());
        assertEquals(32, load("softmax.lanes=32", "target.mem.bits=256", "softmax.variant=log2").softmax().lanes());
        assertEquals(8, load("softmax.lanes=8", "target.mem.bits=32").softmax().lanes());
        // layernorm and gelu lanes stay at most 16
        assertMentions(problems("gelu.lanes=32", "target.mem.bits=512"), "gelu.lanes");
    }

    @Test
    void outputBitsDoNotApplyToTheLog2Softmax() {
        assertMentions(problems("softmax.variant=log2", "softmax.out.bits=8"), "softmax.out.bits",
                "softmax.variant=log2");
    }

    @Test
    void everyProblemIsReportedAtOnce() {
        ConfigException e = problems("mac.rows=0", "mac.cols=999", "nope=1", "--bad");
        assertEquals(4, e.problems().size(), e.getMessage());
    }

    @Test
    void fileThenSetOverrides(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("a.properties");
        Files.writeString(f, "# comment\nmac.rows = 8\nmac.cols=4\n");
        Config c = new ConfigLoader().file(f).set("mac.cols=2").load();
        assertEquals(8, c.mac().rows());
        assertEquals(2, c.mac().cols());
    }

    @Test
    void missingFileIsAProblem(@TempDir Path dir) {
        ConfigException e = assertThrows(ConfigException.class,
                () -> new ConfigLoader().file(dir.resolve("nope.properties")).load());
        assertMentions(e, "configuration file", "nope.properties", "does not exist");
    }

    @Test
    void theShippedPropertiesFileIsTheSchemaDefaults() throws IOException, ConfigException {
        Path root = Path.of(System.getProperty("vitgen.root", ".."));
        Path shipped = root.resolve("accel.properties");
        assertEquals(Schema.defaultsFile(), Files.readString(shipped),
                "accel.properties drifted from the schema; regenerate it with ./vitgen config --defaults > accel.properties");
        Config c = new ConfigLoader().file(shipped).load();
        assertEquals(ConfigLoader.defaults().values(), c.values());
    }

    @Test
    void requiredAccumulatorBitsFollowIntops8() {
        assertEquals(8 + 8 - 1 + 10 + 1, ConfigLoader.requiredAccBits(8, 8, 768));
        assertEquals(8 + 8 - 1 + 0 + 1, ConfigLoader.requiredAccBits(8, 8, 1));
        assertEquals(4 + 4 - 1 + 8 + 1, ConfigLoader.requiredAccBits(4, 4, 197));
    }

    private static Config load(String... sets) {
        ConfigLoader l = new ConfigLoader();
        for (String s : sets) {
            l.set(s);
        }
        try {
            return l.load();
        } catch (ConfigException e) {
            throw new AssertionError(e.getMessage(), e);
        }
    }

    @Test
    void keysHaveUniqueNamesAndMeanings() {
        List<Key> keys = Schema.keys();
        assertEquals(keys.size(), keys.stream().map(Key::name).distinct().count());
        for (Key k : keys) {
            assertTrue(k.meaning().endsWith("."), k.name() + " meaning should be a sentence");
        }
    }

    @Test
    void partNumbersAreCheckedAndDefaultPerVendor() throws ConfigException {
        assertMentions(problems("target.part=xc7\"]; exec"), "target.part", "[A-Za-z0-9._-]+");
        assertEquals("xczu9eg-ffvb1156-2-e", ConfigLoader.defaults().target().part());
        assertEquals("10AX115S2F45I1SG", new ConfigLoader().set("target.vendor=intel").load().target().part());
        assertEquals("generic", new ConfigLoader().set("target.vendor=generic").load().target().part());
        assertEquals("xc7a35t-csg324-1", new ConfigLoader().set("target.vendor=xilinx")
                .set("target.part=xc7a35t-csg324-1").load().target().part());
    }

    @Test
    void theMlpWidthStaysWithinWhatTheGeluUnitCanBuffer() {
        assertMentions(problems("model.preset=custom", "model.tokens=8", "model.channels=8", "model.heads=1",
                "model.mlp=9000"), "model.mlp", "[1, 8192]");
    }

    private static ConfigException fileProblems(Path file) {
        return assertThrows(ConfigException.class, () -> new ConfigLoader().file(file).load());
    }

    @Test
    void missingUnreadableFolderAndNonUtf8FilesAreDifferentMessages(@TempDir Path dir) throws IOException {
        assertMentions(fileProblems(dir.resolve("nope.properties")),
                "configuration file " + dir.resolve("nope.properties") + " does not exist");
        assertMentions(fileProblems(dir), "configuration file " + dir + " is a folder, not a properties file");
        Path latin1 = dir.resolve("latin1.properties");
        Files.write(latin1, "# ok\ndesign.name=demo\n# caf\u00e9 in ISO-8859-1:\n# caf\u00e9\n"
                .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        assertMentions(fileProblems(latin1), "configuration file " + latin1 + ", line 3, column 6: not UTF-8 text (byte 0xE9)");
        // unreadable: the words for a permission error (the tests may run as root, who reads everything)
        assertEquals("configuration file f cannot be read: permission denied",
                PropertiesFile.unreadable("configuration file f", new java.nio.file.AccessDeniedException("f")));
    }

    @Test
    void aByteOrderMarkIsAccepted(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("bom.properties");
        Files.write(f, ("\uFEFFmac.rows=8\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertEquals(8, new ConfigLoader().file(f).load().mac().rows());
    }

    @Test
    void aBadEscapeAndAKeyGivenTwiceNameTheirLines(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("a.properties");
        Files.writeString(f, "mac.rows=8\n# comment\ndesign.name=a\\u12x4b\nmac.cols=4\nmac.rows = 16\n");
        ConfigException e = fileProblems(f);
        assertMentions(e, f + ", line 3: bad escape '\\u12x4'", f + ": key mac.rows is given twice, on lines 1 and 5");
        // continuation lines count: the escape on the second physical line of an entry
        Files.writeString(f, "design.name=a\\\n  b\\uZZZZ\n");
        assertMentions(fileProblems(f), f + ", line 2: bad escape");
        // the same syntax java.util.Properties reads
        Files.writeString(f, "mac.rows : 8\nmac.cols 4\n  ! comment\ndesign.name=ab\\\n    cd\ntarget.part=x\\u0063z\n");
        Config c = new ConfigLoader().file(f).load();
        assertEquals(8, c.mac().rows());
        assertEquals(4, c.mac().cols());
        assertEquals("abcd", c.designName());
        assertEquals("xcz", c.target().part());
    }

    @Test
    void digitsMustBeAscii() {
        ConfigException e = problems("mac.rows=\uFF11\uFF16");
        assertMentions(e, "mac.rows: '\uFF11\uFF16' is not an integer: only the ASCII digits 0-9 are accepted");
        assertEquals(16, load("mac.rows=+016").mac().rows());
        assertEquals("16", load("mac.rows=+016").values().get("mac.rows"), "the manifest gets the plain number");
    }

    @Test
    void keysTheChosenVariantDoesNotUseAreIgnoredWithANoteWhenTheyComeFromAFile(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("my.properties");
        Files.writeString(f, Schema.defaultsFile());
        ConfigLoader l = new ConfigLoader().file(f).set("softmax.variant=log2");
        Config c = l.load();
        assertTrue(c.softmax().log2());
        assertEquals(List.of("softmax.out.bits=8 (" + f + ", line " + lineOf(Schema.defaultsFile(), "softmax.out.bits=")
                + ") is ignored: softmax.variant=log2 outputs a 4-bit code and a zero flag"), l.notes());
        // given on the command line it is still an error (outputBitsDoNotApplyToTheLog2Softmax)
        assertThrows(ConfigException.class, () -> new ConfigLoader().file(f).set("softmax.variant=log2")
                .set("softmax.out.bits=8").load());
    }

    private static int lineOf(String text, String start) {
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].startsWith(start)) {
                return i + 1;
            }
        }
        throw new AssertionError(start);
    }
}
