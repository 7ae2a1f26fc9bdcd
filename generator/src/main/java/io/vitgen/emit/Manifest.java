package io.vitgen.emit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * {@code manifest.json}: the generator and its version, the design name, the effective
 * configuration and the size and SHA-256 of every file vitgen wrote into the design folder. It is
 * also vitgen's mark on the folder: only a folder carrying it is written into again, and only the
 * files it lists (with their recorded hash) are ever replaced or deleted.
 */
final class Manifest {

    static final String FILE = "manifest.json";
    private static final String GENERATOR = "vitgen";

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final ObjectWriter WRITER = MAPPER.writer(new DefaultPrettyPrinter(
            Separators.createDefaultInstance().withObjectFieldValueSpacing(Separators.Spacing.AFTER))
            .withObjectIndenter(new DefaultIndenter("  ", "\n"))
            .withArrayIndenter(new DefaultIndenter("  ", "\n")));

    private Manifest() {
    }

    /** The manifest text for {@code files} (path to content), in the order given. */
    static String render(String design, Map<String, String> config, Map<String, byte[]> files) {
        return render(design, config, null, files);
    }

    /**
     * The manifest text; with a model ({@code vitgen generate --model}), a {@code model} object
     * records the model file (name, SHA-256) and the picture the simulation kit runs.
     */
    static String render(String design, Map<String, String> config, ModelKit model, Map<String, byte[]> files) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("generator", GENERATOR);
        root.put("version", Version.get());
        root.put("design", design);
        ObjectNode cfg = root.putObject("config");
        new TreeMap<>(config).forEach(cfg::put);
        if (model != null) {
            ObjectNode m = root.putObject("model");
            m.put("file", model.fileName());
            m.put("sha256", model.sha256());
            m.put("summary", io.vitgen.model.ModelFile.summary(model.model()));
            m.put("picture", model.picture());
            if (model.pictureSha256() != null) {
                m.put("picture_sha256", model.pictureSha256());
            }
        }
        ArrayNode list = root.putArray("files");
        for (Map.Entry<String, byte[]> e : files.entrySet()) {
            ObjectNode f = list.addObject();
            f.put("path", e.getKey());
            f.put("bytes", e.getValue().length);
            f.put("sha256", sha256(e.getValue()));
        }
        try {
            return WRITER.writeValueAsString(root) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the manifest", e);
        }
    }

    /**
     * The files a previous run recorded in {@code dir}'s manifest (relative path to SHA-256), or null
     * when the folder has no manifest written by vitgen. Entries whose path could leave the folder
     * are dropped, so a manifest can never make vitgen touch anything outside the design folder.
     */
    static Map<String, String> read(Path dir) {
        Path file = dir.resolve(FILE);
        if (!Files.isRegularFile(file)) {
            return null;
        }
        JsonNode root;
        try {
            root = MAPPER.readTree(Files.readAllBytes(file));
        } catch (IOException e) {
            return null;
        }
        if (root == null || !root.isObject() || !GENERATOR.equals(root.path("generator").asText(null))) {
            return null;
        }
        Map<String, String> files = new LinkedHashMap<>();
        for (JsonNode f : root.path("files")) {
            String path = f.path("path").asText("");
            String sha = f.path("sha256").asText("");
            if (safe(path) && sha.matches("[0-9a-f]{64}")) {
                files.put(path, sha);
            }
        }
        return files;
    }

    /** A relative path of plain names below the design folder (no "..", ".", empty or absolute parts). */
    static boolean safe(String path) {
        if (path.isEmpty() || path.startsWith("/") || path.contains("\\") || path.contains("\0")) {
            return false;
        }
        for (String part : path.split("/", -1)) {
            if (part.isEmpty() || part.equals(".") || part.equals("..")) {
                return false;
            }
        }
        return true;
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
