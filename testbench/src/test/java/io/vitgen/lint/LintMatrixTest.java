package io.vitgen.lint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.vitgen.config.Config;
import io.vitgen.config.ConfigLoader;
import io.vitgen.emit.DesignWriter;
import io.vitgen.emit.Emitter;
import io.vitgen.hw.Cells;
import io.vitgen.hw.Divider;
import io.vitgen.sim.Lint;

/**
 * {@code verilator --lint-only -Wall -f filelist.f} (the accelerator top's hierarchy, no
 * {@code --top-module}: one top) and {@code iverilog -g2005 -Wall -f filelist.f} must print nothing
 * for every configuration of a matrix that includes corner values; so must Verilator for every
 * module of {@code blocks.f} (the blocks not yet inside the top) as a top, and Icarus for
 * {@code blocks.f}; and Verilator for the generic cells at corner parameters. There is no skip:
 * without Verilator or Icarus these tests fail.
 */
class LintMatrixTest {

    /** Configurations whose whole generated design must lint clean. Corner values included. */
    static Stream<List<String>> configurations() {
        return Stream.of(
                List.of(),
                List.of("mac.rows=1", "mac.cols=1", "softmax.lanes=1", "layernorm.lanes=1", "gelu.lanes=1",
                    "target.mem.bits=32"),
                List.of("mac.rows=2", "mac.cols=3", "quant.act.bits=4", "quant.weight.bits=4",
                    "quant.acc.bits=20"),
                List.of("mac.rows=32", "mac.cols=8", "softmax.variant=log2", "softmax.lanes=8", "target.mem.bits=512",
                    "layernorm.output=raw", "gelu.variant=igelu", "gelu.output=int16"),
                List.of("softmax.out.bits=8", "softmax.lanes=16", "layernorm.lanes=16", "gelu.lanes=16",
                    "model.preset=deit-base", "softmax.max.row=4096", "layernorm.max.channels=4096",
                    "gelu.max.row=8192"),
                List.of("model.preset=custom", "model.tokens=1", "model.channels=1", "model.heads=1",
                    "model.mlp=1", "softmax.max.row=1", "layernorm.max.channels=1", "gelu.max.row=1",
                    "quant.acc.bits=16", "softmax.lanes=1", "layernorm.lanes=1", "gelu.lanes=1"),
                List.of("model.preset=custom", "model.tokens=13", "model.channels=24", "model.heads=3",
                    "model.mlp=7", "softmax.max.row=13", "layernorm.max.channels=24", "gelu.max.row=7",
                    "softmax.lanes=2", "layernorm.lanes=8", "gelu.lanes=4"));
    }

    @ParameterizedTest
    @MethodSource("configurations")
    void everyGeneratedModuleLintsClean(List<String> sets, @TempDir Path out) throws Exception {
        ConfigLoader loader = new ConfigLoader();
        for (String s : sets) {
            loader.set(s);
        }
        Config config = loader.load();
        DesignWriter.Result r = new DesignWriter(config, s -> { }).write(out);
        List<String> filelist = Files.readAllLines(r.dir().resolve("filelist.f"));
        String top = config.designName() + "_top";
        assertEquals("rtl/" + top + ".v", filelist.get(filelist.size() - 1), "the top is the file list's last file");
        assertTrue(filelist.contains("rtl/vitgen_axi_dma.v") && filelist.contains("rtl/" + top + "_regs.v"),
                "the register file and the DMA are inside the top");
        String where = "; configuration " + String.join(" ", sets);
        // the whole file list, no --top-module: one top, silent (no MULTITOP)
        assertEquals("", tool(r.dir(), "verilator", "--lint-only", "-Wall", "-f", "filelist.f"),
                "verilator --lint-only -Wall -f filelist.f must print nothing" + where);
        assertEquals("", tool(r.dir(), "iverilog", "-g2005", "-Wall", "-o", out.resolve("design.vvp").toString(),
                "-f", "filelist.f"), "iverilog -g2005 -Wall -f filelist.f must print nothing" + where);

        // the blocks not yet inside the top: each of their modules as a top, and the list under Icarus
        Path blocksList = r.dir().resolve(DesignWriter.BLOCKS_FILELIST);
        if (!Files.exists(blocksList)) {
            return;   // every block is inside the top
        }
        List<Path> blocks = new ArrayList<>();
        for (String f : Files.readAllLines(blocksList)) {
            blocks.add(r.dir().resolve(f));
        }
        StringBuilder problems = new StringBuilder();
        for (Path f : blocks) {
            String text = Lint.run(blocks, f.getFileName().toString().replace(".v", ""), Map.of());
            if (!text.isEmpty()) {
                problems.append(f.getFileName()).append(where).append('\n').append(text);
            }
        }
        assertEquals("", problems.toString());
        assertEquals("", tool(r.dir(), "iverilog", "-g2005", "-Wall", "-o", out.resolve("blocks.vvp").toString(),
                "-f", DesignWriter.BLOCKS_FILELIST), "iverilog -g2005 -Wall -f blocks.f must print nothing" + where);
    }

    /** Runs a tool in the design folder: what it printed, or "" (a failure without output is named). */
    private static String tool(Path design, String... cmd) throws IOException, InterruptedException {
        Process p;
        try {
            p = new ProcessBuilder(cmd).directory(design.toFile()).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new IOException("cannot run " + cmd[0] + " (" + e.getMessage() + "); install it with apt-get install -y "
                    + cmd[0], e);
        }
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(300, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException(cmd[0] + " timed out");
        }
        return p.exitValue() != 0 && text.isBlank() ? cmd[0] + " exited with " + p.exitValue() : text;
    }

    @Test
    void cellsLintCleanAtCornerParameters(@TempDir Path dir) throws Exception {
        List<Path> files = Emitter.writeModules(List.of(Cells.skidBuffer(), Cells.fifo(), Divider.spec()), dir);
        StringBuilder problems = new StringBuilder();
        for (int width : new int[] {1, 7, 64, 65, 300, 4096}) {
            problems.append(Lint.run(files, "vitgen_axis_skid", Map.of("DATA_W", width)));
            for (int depth : new int[] {1, 2, 3, 16, 17, 1024}) {
                problems.append(Lint.run(files, "vitgen_axis_fifo", Map.of("DATA_W", width, "DEPTH", depth)));
            }
        }
        for (int depth : new int[] {1, 2, 17}) {            // the FIFO's widest DATA_W
            problems.append(Lint.run(files, "vitgen_axis_fifo", Map.of("DATA_W", 32768, "DEPTH", depth)));
        }
        for (int pipelined : new int[] {0, 1}) {
            for (int[] w : new int[][] {{2, 1}, {3, 5}, {17, 17}, {31, 31}, {64, 17}, {64, 64}}) {
                problems.append(Lint.run(files, "vitgen_divider", Map.of("PIPELINED", pipelined,
                        "DIVIDEND_W", w[0], "DIVISOR_W", w[1], "TAG_W", 1 + w[1] % 5)));
            }
            // QUOTIENT_W: the skipped dividend bits narrower than, as wide as and wider than the
            // divisor, the smallest (2) and explicit DIVIDEND_W
            for (int[] w : new int[][] {{2, 1, 2}, {3, 5, 2}, {31, 31, 2}, {40, 23, 25}, {64, 17, 5}, {33, 16, 17},
                {64, 64, 63}, {17, 17, 17}}) {
                problems.append(Lint.run(files, "vitgen_divider", Map.of("PIPELINED", pipelined,
                        "DIVIDEND_W", w[0], "DIVISOR_W", w[1], "TAG_W", 1 + w[1] % 5, "QUOTIENT_W", w[2])));
            }
        }
        assertEquals("", problems.toString());
    }
}
