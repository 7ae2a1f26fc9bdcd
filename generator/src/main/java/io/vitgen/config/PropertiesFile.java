package io.vitgen.config;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a properties file the way {@link java.util.Properties#load(java.io.Reader)} does (comments,
 * {@code key=value}, {@code key: value}, {@code key value}, continuation lines, {@code \}-escapes),
 * but strictly and in words: the file must be UTF-8 (a byte-order mark is accepted), and a bad
 * backslash-u escape or a key given twice is an error naming the line(s).
 */
final class PropertiesFile {

    /** One {@code key=value} and the line it starts on. */
    record Entry(String key, String value, int line) {
    }

    /** The entries, and every problem found (each naming the file and line). */
    record Parsed(List<Entry> entries, List<String> problems) {
    }

    private PropertiesFile() {
    }

    static Parsed read(Path file) {
        List<String> problems = new ArrayList<>();
        String name = "configuration file " + file;
        byte[] bytes;
        try {
            if (Files.isDirectory(file)) {
                problems.add(name + " is a folder, not a properties file");
                return new Parsed(List.of(), problems);
            }
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            problems.add(unreadable(name, e));
            return new Parsed(List.of(), problems);
        }
        String text = decode(bytes, name, problems);
        if (text == null) {
            return new Parsed(List.of(), problems);
        }
        return parse(text, name, problems);
    }

    /** Why a file could not be read, in words. */
    static String unreadable(String name, IOException e) {
        if (e instanceof NoSuchFileException) {
            return name + " does not exist";
        }
        if (e instanceof AccessDeniedException) {
            return name + " cannot be read: permission denied";
        }
        if (e instanceof NotDirectoryException || e instanceof FileSystemException f
                && "Not a directory".equals(f.getReason())) {
            return name + " does not exist (a part of its path is a file, not a folder)";
        }
        return name + " cannot be read: " + (e instanceof FileSystemException f && f.getReason() != null
                ? f.getReason() : e.getMessage());
    }

    /** UTF-8 text without a leading byte-order mark, or null (and a problem naming the line). */
    static String decode(byte[] bytes, String name, List<String> problems) {
        int start = bytes.length >= 3 && (bytes[0] & 0xff) == 0xEF && (bytes[1] & 0xff) == 0xBB
                && (bytes[2] & 0xff) == 0xBF ? 3 : 0;
        CharsetDecoder d = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes, start, bytes.length - start);
        CharBuffer out = CharBuffer.allocate(bytes.length);
        CoderResult r = d.decode(in, out, true);
        if (!r.isError()) {
            r = d.flush(out);
        }
        if (r.isError()) {
            int bad = in.position();
            int line = 1;
            int lineStart = start;
            for (int i = start; i < bad; i++) {
                if (bytes[i] == '\n') {
                    line++;
                    lineStart = i + 1;
                }
            }
            String col = new String(bytes, lineStart, bad - lineStart, StandardCharsets.UTF_8);
            problems.add(name + ", line " + line + ", column " + (col.length() + 1) + ": not UTF-8 text (byte 0x"
                    + String.format("%02X", bytes[bad] & 0xff) + "); save the file as UTF-8");
            return null;
        }
        out.flip();
        return out.toString();
    }

    static Parsed parse(String text, String name, List<String> problems) {
        List<Entry> entries = new ArrayList<>();
        Map<String, Integer> firstLine = new LinkedHashMap<>();
        String[] lines = text.split("\r\n|\r|\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String first = stripLeading(lines[i]);
            if (first.isEmpty() || first.charAt(0) == '#' || first.charAt(0) == '!') {
                continue;
            }
            int startLine = i + 1;
            // join continuation lines: an odd number of trailing backslashes continues the line
            StringBuilder logical = new StringBuilder();
            List<Integer> lineOf = new ArrayList<>();
            String part = first;
            while (true) {
                int slashes = 0;
                for (int k = part.length() - 1; k >= 0 && part.charAt(k) == '\\'; k--) {
                    slashes++;
                }
                boolean more = slashes % 2 == 1;
                String body = more ? part.substring(0, part.length() - 1) : part;
                logical.append(body);
                for (int k = 0; k < body.length(); k++) {
                    lineOf.add(i + 1);
                }
                if (!more || i + 1 >= lines.length) {
                    break;
                }
                i++;
                part = stripLeading(lines[i]);
            }
            Entry e = entry(logical.toString(), lineOf, startLine, name, problems);
            if (e == null) {
                continue;
            }
            Integer before = firstLine.putIfAbsent(e.key(), e.line());
            if (before != null) {
                problems.add(name + ": key " + e.key() + " is given twice, on lines " + before + " and " + e.line()
                        + "; keep one");
                continue;
            }
            entries.add(e);
        }
        return new Parsed(entries, problems);
    }

    private static String stripLeading(String s) {
        int k = 0;
        while (k < s.length() && (s.charAt(k) == ' ' || s.charAt(k) == '\t' || s.charAt(k) == '\f')) {
            k++;
        }
        return s.substring(k);
    }

    /** Splits one logical line into key and value and resolves escapes; null after a problem. */
    private static Entry entry(String s, List<Integer> lineOf, int startLine, String name, List<String> problems) {
        int n = s.length();
        int k = 0;
        boolean escaped = false;
        while (k < n) {
            char c = s.charAt(k);
            if (escaped) {
                escaped = false;
            } else if (c == '\\') {
                escaped = true;
            } else if (c == '=' || c == ':' || c == ' ' || c == '\t' || c == '\f') {
                break;
            }
            k++;
        }
        int v = k;
        while (v < n && (s.charAt(v) == ' ' || s.charAt(v) == '\t' || s.charAt(v) == '\f')) {
            v++;
        }
        if (v < n && (s.charAt(v) == '=' || s.charAt(v) == ':')) {
            v++;
            while (v < n && (s.charAt(v) == ' ' || s.charAt(v) == '\t' || s.charAt(v) == '\f')) {
                v++;
            }
        }
        String key = unescape(s, 0, k, lineOf, name, problems);
        String value = unescape(s, v, n, lineOf, name, problems);
        if (key == null || value == null) {
            return null;
        }
        return new Entry(key, value, startLine);
    }

    private static String unescape(String s, int from, int to, List<Integer> lineOf, String name,
                                   List<String> problems) {
        StringBuilder sb = new StringBuilder(to - from);
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c != '\\') {
                sb.append(c);
                continue;
            }
            if (++i >= to) {
                break;
            }
            c = s.charAt(i);
            switch (c) {
                case 't' -> sb.append('\t');
                case 'n' -> sb.append('\n');
                case 'r' -> sb.append('\r');
                case 'f' -> sb.append('\f');
                case 'u' -> {
                    String hex = s.substring(i + 1, Math.min(to, i + 5));
                    if (!hex.matches("[0-9A-Fa-f]{4}")) {
                        problems.add(name + ", line " + lineOf.get(i) + ": bad escape '\\u" + hex
                                + "'; a \\u escape takes 4 hexadecimal digits (\\u00e9)");
                        return null;
                    }
                    sb.append((char) Integer.parseInt(hex, 16));
                    i += 4;
                }
                default -> sb.append(c);
            }
        }
        return sb.toString();
    }
}
