package io.vitgen.lint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.vitgen.config.Config;
import io.vitgen.config.ConfigLoader;
import io.vitgen.emit.Emitter;
import io.vitgen.hw.Accelerator;
import io.vitgen.hw.ModuleSpec;

/**
 * Every generated file stands alone: a module's Verilog parameter defaults are the values its
 * instances in the configured design use. Yosys elaborates each block of a non-default
 * configuration ({@code hierarchy -top}) and reports the parameters every instance resolves to;
 * for each module, every parameter on which all its instances in the design agree must have that
 * value as its default (so {@code vitgen_mac_array.v} alone is the configured array, not a 4x4).
 * Parameters of a generic cell that its instances set to different values (a FIFO of two widths)
 * cannot have one default; each instance sets them explicitly. The blocks' own defaults are
 * compared with the configuration keys they come from.
 */
class StandaloneDefaultsTest {

    private static final Pattern PARAM = Pattern.compile(
            "^\\s*parameter\\s+integer\\s+([A-Z_][A-Z0-9_]*)\\s*=\\s*(-?\\d+)\\s*,?\\s*$", Pattern.MULTILINE);

    private static Config config(String... sets) throws Exception {
        ConfigLoader loader = new ConfigLoader();
        for (String s : sets) {
            loader.set(s);
        }
        return loader.load();
    }

    @Test
    void unpackedEngineLog2SoftmaxIGelu(@TempDir Path dir) throws Exception {
        Config c = config("mac.rows=6", "mac.cols=10", "mac.requant.lanes=3", "quant.acc.bits=30",
                "softmax.variant=log2", "softmax.lanes=8", "softmax.max.row=300", "layernorm.lanes=2",
                "layernorm.max.channels=200", "gelu.variant=igelu", "gelu.lanes=8", "gelu.output=int16");
        check(c, dir);
        Map<String, Long> gemm = defaults(dir, "vitgen_mac_gemm");
        assertEquals(6L, gemm.get("ROWS"));
        assertEquals(10L, gemm.get("COLS"));
        assertEquals(30L, gemm.get("ACC_W"));
        assertEquals(3L, gemm.get("REQ_LANES"));
        assertEquals(8L, defaults(dir, "vitgen_softmax").get("LANES"));
        assertEquals(2L, defaults(dir, "vitgen_layernorm").get("LANES"));
        assertEquals(8L, defaults(dir, "vitgen_igelu").get("LANES"));
        Map<String, Long> array = defaults(dir, "vitgen_mac_array");
        assertEquals(6L, array.get("ROWS"), "vitgen_mac_array.v alone must be the configured 6x10 array");
        assertEquals(10L, array.get("COLS"));
        assertEquals(30L, array.get("ACC_W"));
        assertEquals(30L, defaults(dir, "vitgen_mac_pe").get("ACC_W"));
    }

    @Test
    void packedInt4AndShiftmaxShiftGelu(@TempDir Path dir) throws Exception {
        check(config("mac.rows=5", "mac.cols=12", "mac.dsp.packing=int8x2", "quant.acc.bits=28",
                "softmax.out.bits=8", "softmax.lanes=2", "layernorm.output=raw", "gelu.lanes=2"), dir);
        assertEquals(28L, defaults(dir, "vitgen_mac_pe_int8x2").get("ACC_W"));
        Path int4 = dir.resolve("int4");
        check(config("mac.rows=3", "mac.cols=7", "quant.act.bits=4", "quant.weight.bits=4", "quant.acc.bits=20",
                "softmax.lanes=16", "gelu.output=int16"), int4);
        Map<String, Long> pe = defaults(int4, "vitgen_mac_pe");
        assertEquals(4L, pe.get("A_W"));
        assertEquals(4L, pe.get("W_W"));
    }

    private static Map<String, Long> defaults(Path dir, String module) throws IOException {
        return parseDefaults(Files.readString(dir.resolve(module + ".v"), StandardCharsets.UTF_8));
    }

    static Map<String, Long> parseDefaults(String text) {
        int end = text.indexOf(") (");
        Matcher m = PARAM.matcher(end > 0 ? text.substring(0, end + 1) : text);
        Map<String, Long> out = new LinkedHashMap<>();
        while (m.find()) {
            out.put(m.group(1), Long.parseLong(m.group(2)));
        }
        return out;
    }

    private static void check(Config c, Path dir) throws Exception {
        List<ModuleSpec> blocks = Accelerator.blocks(c);
        Emitter.writeModules(blocks, dir);
        // module -> parameter -> the values its instances use
        Map<String, Map<String, Set<Long>>> used = new TreeMap<>();
        for (ModuleSpec top : blocks) {
            List<Path> files = new ArrayList<>();
            for (ModuleSpec m : top.flatten()) {
                files.add(dir.resolve(m.name() + ".v"));
            }
            collect(elaborate(files, top.name(), dir), top.name(), used);
        }
        StringBuilder problems = new StringBuilder();
        for (Map.Entry<String, Map<String, Set<Long>>> e : used.entrySet()) {
            if (Files.readString(dir.resolve(e.getKey() + ".v"), StandardCharsets.UTF_8).contains("// Generic cell: ")) {
                continue;
            }
            Map<String, Long> def = defaults(dir, e.getKey());
            for (Map.Entry<String, Set<Long>> p : e.getValue().entrySet()) {
                if (p.getValue().size() != 1 || !def.containsKey(p.getKey())) {
                    continue;
                }
                long v = p.getValue().iterator().next();
                if (def.get(p.getKey()) != v) {
                    problems.append(e.getKey()).append(": parameter ").append(p.getKey()).append(" defaults to ")
                            .append(def.get(p.getKey())).append(" but every instance uses ").append(v).append('\n');
                }
            }
        }
        // generic cells (placeholder defaults, say so in their header) must be given every
        // parameter by every instance in every generated file
        for (ModuleSpec top : blocks) {
            for (ModuleSpec m : top.flatten()) {
                String text = Files.readString(dir.resolve(m.name() + ".v"), StandardCharsets.UTF_8);
                for (Instance inst : instances(text)) {
                    Path cell = dir.resolve(inst.module() + ".v");
                    String cellText = Files.readString(cell, StandardCharsets.UTF_8);
                    if (!cellText.contains("// Generic cell: ")) {
                        continue;
                    }
                    Set<String> missing = new LinkedHashSet<>(parseDefaults(cellText).keySet());
                    missing.removeAll(inst.overrides());
                    if (!missing.isEmpty()) {
                        problems.append(m.name()).append(": instance of the generic cell ").append(inst.module())
                                .append(" leaves ").append(missing).append(" at its placeholder default\n");
                    }
                }
            }
        }
        assertEquals("", problems.toString(), "parameter defaults differing from the configured design");
        assertTrue(used.containsKey("vitgen_mac_array"), "the hierarchy was elaborated: " + used.keySet());
    }

    /** One instantiation of a vitgen module in a file: the module and the parameters it sets. */
    record Instance(String module, Set<String> overrides) {
    }

    /** Every {@code vitgen_x #( .P (...), ... ) u_name (} in {@code text}, parentheses balanced. */
    static List<Instance> instances(String text) {
        List<Instance> out = new ArrayList<>();
        Matcher m = Pattern.compile("\\b(vitgen_[a-z0-9_]+)\\s*#\\s*\\(").matcher(text);
        while (m.find()) {
            if (text.substring(Math.max(0, m.start() - 7), m.start()).equals("module ")) {
                continue;
            }
            int depth = 1;
            int i = m.end();
            while (i < text.length() && depth > 0) {
                char ch = text.charAt(i++);
                depth += ch == '(' ? 1 : ch == ')' ? -1 : 0;
            }
            Matcher p = Pattern.compile("\\.([A-Z_][A-Z0-9_]*)\\s*\\(").matcher(text.substring(m.end(), i));
            Set<String> names = new LinkedHashSet<>();
            while (p.find()) {
                names.add(p.group(1));
            }
            out.add(new Instance(m.group(1), names));
        }
        return out;
    }

    /** Adds, per module below {@code top} (its derived copies included), the parameter values in effect. */
    private static void collect(JsonNode json, String top, Map<String, Map<String, Set<Long>>> used) {
        Iterator<Map.Entry<String, JsonNode>> it = json.get("modules").fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> m = it.next();
            String name = m.getKey();
            JsonNode hdl = m.getValue().path("attributes").path("hdlname");
            String base = hdl.isTextual() ? hdl.asText().replaceFirst("^\\\\", "") : name;
            if (base.equals(top)) {
                continue;
            }
            JsonNode params = m.getValue().path("parameter_default_values");
            Iterator<Map.Entry<String, JsonNode>> pit = params.fields();
            while (pit.hasNext()) {
                Map.Entry<String, JsonNode> p = pit.next();
                String bits = p.getValue().asText();
                if (!bits.matches("[01]+")) {
                    continue;
                }
                BigInteger v = new BigInteger(bits, 2);
                if (bits.length() == 32 && bits.charAt(0) == '1') {
                    v = v.subtract(BigInteger.ONE.shiftLeft(32));
                }
                used.computeIfAbsent(base, k -> new TreeMap<>()).computeIfAbsent(p.getKey(), k -> new LinkedHashSet<>())
                        .add(v.longValueExact());
            }
        }
    }

    /** {@code yosys hierarchy -top top} on the files; the elaborated design as JSON. */
    private static JsonNode elaborate(List<Path> files, String top, Path dir) throws Exception {
        Path json = dir.resolve(top + ".hier.json");
        StringBuilder read = new StringBuilder("read_verilog");
        for (Path f : files) {
            read.append(' ').append(f.toAbsolutePath());
        }
        String script = read + "; hierarchy -top " + top + "; proc; write_json " + json.toAbsolutePath();
        List<String> cmd = List.of("yosys", "-q", "-p", script);
        Process p;
        try {
            p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new IOException("cannot run yosys (" + e.getMessage() + "); install it with apt-get install -y yosys"
                    + " - this test needs it and does not skip", e);
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(300, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IOException("yosys hierarchy of " + top + " failed:\n" + out);
        }
        return new ObjectMapper().readTree(json.toFile());
    }
}
