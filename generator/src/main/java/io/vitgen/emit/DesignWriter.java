package io.vitgen.emit;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;

import io.vitgen.config.Config;
import io.vitgen.hw.ModuleSpec;
import io.vitgen.hw.top.AcceleratorTop;

/**
 * Writes a whole design: the accelerator top in {@code <out>/<design>/rtl/*.v} and {@code filelist.f},
 * the blocks not yet inside it in {@code rtl/blocks/} and {@code blocks.f}, the register header, the
 * constraints, the Vivado scripts and IP-XACT component, the simulation kit, {@code manifest.json} and
 * {@code report.md}.
 *
 * <p>What it may touch: the design folder is written only when it is new, empty or carries
 * vitgen's {@link Manifest} (or with {@link #force}). Inside it, a file is replaced only when the
 * previous manifest lists it with the hash it still has (vitgen wrote it and nobody changed it);
 * files of the previous run that this run does not produce are deleted under the same condition;
 * every other file and folder is left alone. With {@code force}, a file in the way that vitgen did
 * not write is kept as {@code NAME.orig} rather than refused; nothing of the user's is ever deleted.
 *
 * <p>How: everything is rendered in memory first; then each new or changed file is written beside
 * its target ({@code .NAME.vitgen-XXXX.tmp}) and, only when all of them are written, renamed over its
 * target one by one, the manifest last. The design folder itself is never replaced (a shell or a
 * tool working inside it keeps working). A failure before the renames removes the temporary files
 * and leaves the folder as it was. Files whose content did not change are not written, so they keep
 * their modification time. New folders and files get the permissions of the user's umask.
 */
public final class DesignWriter {

    /** What a generation wrote; {@code notes} are things the user should know (files kept aside). */
    public record Result(Path dir, List<String> files, int changed, List<Resources> resources, List<String> notes) {
    }

    /** The output folder is not one vitgen may write into; nothing was written. */
    public static final class RefusedException extends IOException {
        private static final long serialVersionUID = 1L;

        RefusedException(String message) {
            super(message);
        }
    }

    /** Writing failed while files were being renamed into place: the folder mixes two runs. */
    public static final class PartialWriteException extends IOException {
        private static final long serialVersionUID = 1L;

        PartialWriteException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** The previous files of a folder without vitgen's manifest (new, empty, or foreign under --force). */
    private static final Map<String, String> NO_MANIFEST = java.util.Collections.unmodifiableMap(new java.util.HashMap<>());

    private static final java.security.SecureRandom RANDOM = new java.security.SecureRandom();

    private final Config config;
    private final Consumer<String> progress;
    private boolean force;
    private ModelKit model;
    /** Tests: fail with an I/O error after this many files are staged (negative: never). */
    int failAfterStaging = -1;

    public DesignWriter(Config config, Consumer<String> progress) {
        this.config = config;
        this.progress = progress;
    }

    /** Also write into an existing folder without vitgen's manifest; files in the way are kept as NAME.orig. */
    public DesignWriter force(boolean force) {
        this.force = force;
        return this;
    }

    /**
     * The simulation kit runs this model on its picture (null, the default: one seeded layer of the
     * configured shape); the top is sized for the model's program ({@link TopDesign#of(Config, ModelKit)}).
     */
    public DesignWriter model(ModelKit model) {
        this.model = model;
        return this;
    }

    /** The file list of the blocks not yet inside the top, relative to the design folder. */
    public static final String BLOCKS_FILELIST = "blocks.f";

    /** The C header of the top's registers, relative to the design folder: {@code sw/<design>_regs.h}. */
    public static String headerPath(Config config) {
        return "sw/" + config.designName() + "_regs.h";
    }

    /** Generates the design into {@code outRoot/<design>/}. */
    public Result write(Path outRoot) throws IOException {
        TopDesign design = TopDesign.of(config, model);
        progress.accept("building " + design.top().name() + " and " + design.blocks().size()
                + " stand-alone blocks for " + config.designName());
        Map<String, byte[]> files = render(design);

        List<Path> createdRoot = new ArrayList<>();
        Path out = prepareRoot(outRoot, createdRoot);
        try {
            Path target = out.resolve(config.designName());
            Map<String, String> previous = claim(target);

            List<Resources> resources = config.synthYosys() ? synthesize(design, files) : List.of();
            files.put("report.md", utf8(Report.render(config, design, resources)));
            files.put(Manifest.FILE, utf8(Manifest.render(config.designName(), config.values(), model, files)));

            List<String> notes = new ArrayList<>();
            int changed = commit(target, files, previous, notes);
            return new Result(target, new ArrayList<>(files.keySet()), changed, resources, notes);
        } catch (IOException | RuntimeException e) {
            if (!(e instanceof PartialWriteException)) {
                for (int i = createdRoot.size() - 1; i >= 0; i--) {
                    deleteIfEmpty(createdRoot.get(i));
                }
            }
            throw e;
        }
    }

    /**
     * Every generated file but report.md and the manifest: the top's hierarchy in {@code rtl/} and
     * {@code filelist.f} (the top last), the blocks not inside the top yet in {@code rtl/blocks/}
     * and {@code blocks.f}, the C header of the top's registers, the constraints, the Vivado scripts
     * and IP-XACT component, and the simulation kit.
     */
    Map<String, byte[]> render(TopDesign design) {
        Map<String, byte[]> files = new LinkedHashMap<>();
        Map<String, String> rtl = Emitter.render(List.of(design.top().spec()));
        List<String> rtlFiles = new ArrayList<>();
        for (Map.Entry<String, String> e : rtl.entrySet()) {
            files.put("rtl/" + e.getKey(), utf8(e.getValue()));
            rtlFiles.add("rtl/" + e.getKey());
        }
        progress.accept("rendered " + rtl.size() + " Verilog modules of " + design.top().name());
        files.put("filelist.f", utf8(String.join("\n", rtlFiles) + "\n"));
        if (!design.blocks().isEmpty()) {
            Map<String, String> blocks = Emitter.render(design.blocks());
            List<String> blockFiles = new ArrayList<>();
            for (Map.Entry<String, String> e : blocks.entrySet()) {
                files.put("rtl/blocks/" + e.getKey(), utf8(e.getValue()));
                blockFiles.add("rtl/blocks/" + e.getKey());
            }
            files.put(BLOCKS_FILELIST, utf8(String.join("\n", blockFiles) + "\n"));
            progress.accept("rendered " + blocks.size() + " Verilog modules of the blocks not yet inside the top");
        }
        files.put(headerPath(config), utf8(AcceleratorTop.registers(design.params().designName()).cHeader()));
        files.putAll(FpgaFiles.render(config, design, rtlFiles));
        return files;
    }

    /** Minutes the whole synthesis (the top and every block) of {@code synth.yosys=on} may take. */
    static final int SYNTH_MINUTES = 30;

    /**
     * Synthesizes the top and each stand-alone block from a private copy of its RTL, hierarchically
     * ({@link Synthesis#run(List, String, Map, boolean, long)} without {@code -flatten}): flattened,
     * even the 2 x 2 top did not finish within 30 minutes, because in one netlist of the whole top every
     * round of Yosys' {@code opt} loop takes seconds and the pipelined dividers give up their constant
     * flip-flop bits one stage per round (docs/fpga.md, "Yosys resources of the whole top").
     */
    private List<Resources> synthesize(TopDesign design, Map<String, byte[]> files) throws IOException {
        if (!Synthesis.available()) {
            throw new IOException("synth.yosys=on but no yosys on the PATH; install it (apt-get install yosys)"
                    + " or set synth.yosys=off");
        }
        Path tmp = Files.createTempDirectory("vitgen-synth-");
        try {
            for (Map.Entry<String, byte[]> e : files.entrySet()) {
                if (e.getKey().startsWith("rtl/")) {
                    Path p = tmp.resolve(e.getKey());
                    Files.createDirectories(p.getParent());
                    Files.write(p, e.getValue());
                }
            }
            List<Resources> all = new ArrayList<>();
            List<Path> topPaths = new ArrayList<>();
            for (String m : design.topModules()) {
                topPaths.add(tmp.resolve("rtl/" + m + ".v"));
            }
            progress.accept("synthesizing " + design.top().name() + " with yosys (synth_xilinx -family xcup)");
            long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.MINUTES.toNanos(SYNTH_MINUTES);
            all.add(hierarchical(topPaths, design.top().name(), deadline));
            for (ModuleSpec b : design.blocks()) {
                if (!b.synthesize()) {
                    continue;
                }
                List<Path> paths = new ArrayList<>();
                for (ModuleSpec m : b.flatten()) {
                    paths.add(tmp.resolve("rtl/blocks/" + m.name() + ".v"));
                }
                progress.accept("synthesizing " + b.name() + " with yosys (synth_xilinx -family xcup)");
                all.add(hierarchical(paths, b.name(), deadline));
            }
            return all;
        } finally {
            Synthesis.deleteTree(tmp);
        }
    }

    private static Resources hierarchical(List<Path> files, String top, long deadline) throws IOException {
        return Synthesis.run(files, top, Map.of(), false, deadline).orElseThrow(() -> new IOException("yosys did not"
                + " finish synthesizing " + top + " within " + SYNTH_MINUTES + " minutes (synth.yosys=on); set"
                + " synth.yosys=off"));
    }

    /** Creates the output root (and its missing parents, listed in {@code created}) and checks it. */
    private static Path prepareRoot(Path outRoot, List<Path> created) throws IOException {
        Path out = outRoot.toAbsolutePath().normalize();
        try {
            createFolders(out, created);
        } catch (IOException e) {
            for (int i = created.size() - 1; i >= 0; i--) {
                deleteIfEmpty(created.get(i));
            }
            throw new RefusedException("cannot create the output folder " + out + ": " + reason(e));
        }
        if (!Files.isDirectory(out)) {
            throw new RefusedException("the output folder " + out + " is a file, not a folder");
        }
        if (!Files.isWritable(out)) {
            throw new RefusedException("the output folder " + out + " is not writable (permission denied)");
        }
        return out;
    }

    /**
     * Checks that vitgen may write into {@code target} and returns the files its previous run wrote
     * there (path to SHA-256; empty for a new or empty folder, or a foreign folder under --force).
     */
    private Map<String, String> claim(Path target) throws IOException {
        if (!Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
            return NO_MANIFEST;
        }
        if (!Files.isDirectory(target)) {
            throw new RefusedException(target + " exists and is not a folder; vitgen replaces nothing it did not"
                    + " write. Choose another --out or design.name.");
        }
        Map<String, String> previous = Manifest.read(target);
        if (previous != null) {
            return previous;
        }
        boolean empty;
        try (Stream<Path> s = Files.list(target)) {
            empty = s.findAny().isEmpty();
        } catch (IOException e) {
            throw new IOException("cannot read the folder " + target + ": " + reason(e), e);
        }
        if (!empty && !force) {
            throw new RefusedException(target + " already exists and was not written by vitgen (it has no vitgen"
                    + " manifest.json). vitgen writes only into a new or empty folder or one it generated before."
                    + " Choose another --out or design.name, or add --force to write into it anyway (files vitgen"
                    + " did not write are kept; one in the way of a generated file is renamed NAME.orig).");
        }
        return NO_MANIFEST;
    }

    /** A file to write: its target, the temporary file beside it, and a backup name when in the way. */
    private record Pending(String name, Path file, Path tmp, Path keepAs) {
    }

    /** Writes the changed files beside their targets, then renames them into place; returns how many. */
    private int commit(Path target, Map<String, byte[]> files, Map<String, String> previous, List<String> notes)
            throws IOException {
        List<Pending> pending = new ArrayList<>();
        List<String> conflicts = new ArrayList<>();
        for (Map.Entry<String, byte[]> e : files.entrySet()) {
            String name = e.getKey();
            Path file = target.resolve(name);
            String blocked = blockedParent(target, name);
            if (blocked != null) {
                conflicts.add(blocked + " (a file where vitgen needs a folder)");
                continue;
            }
            if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
                pending.add(new Pending(name, file, null, null));
                continue;
            }
            byte[] old = Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS) ? Files.readAllBytes(file) : null;
            if (old != null && Arrays.equals(old, e.getValue())) {
                continue;
            }
            String recorded = name.equals(Manifest.FILE) && previous != NO_MANIFEST
                    ? Manifest.sha256(old == null ? new byte[0] : old) : previous.get(name);
            if (old != null && recorded != null && recorded.equals(Manifest.sha256(old))) {
                pending.add(new Pending(name, file, null, null));
            } else if (force) {
                pending.add(new Pending(name, file, null, backupName(file)));
            } else {
                conflicts.add(name + (old == null ? " (not a regular file)"
                        : recorded == null ? " (not written by vitgen)" : " (changed since vitgen wrote it)"));
            }
        }
        if (!conflicts.isEmpty()) {
            throw new RefusedException("vitgen will not overwrite what it did not write; in " + target + ": "
                    + String.join(", ", conflicts) + ". Move " + (conflicts.size() == 1 ? "it" : "them")
                    + " away, or add --force to keep each as NAME.orig and write vitgen's version.");
        }
        List<Path> stale = new ArrayList<>();
        for (Map.Entry<String, String> e : previous.entrySet()) {
            if (files.containsKey(e.getKey())) {
                continue;
            }
            Path file = target.resolve(e.getKey());
            if (blockedParent(target, e.getKey()) != null || !Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
                continue;
            }
            if (e.getValue().equals(Manifest.sha256(Files.readAllBytes(file)))) {
                stale.add(file);
            } else {
                notes.add("left " + e.getKey() + " in place: vitgen wrote it in an earlier run, but it was changed"
                        + " since and this run no longer produces it");
            }
        }

        // Stage: every new content beside its target; on failure remove what was staged.
        boolean created = !Files.exists(target, LinkOption.NOFOLLOW_LINKS);
        List<Path> newFolders = new ArrayList<>();
        List<Pending> staged = new ArrayList<>();
        try {
            for (Pending p : pending) {
                createFolders(p.file().getParent(), newFolders);
                Path tmp = null;
                OutputStream os = null;
                while (os == null) {
                    tmp = p.file().resolveSibling("." + p.file().getFileName() + ".vitgen-"
                            + Long.toHexString(RANDOM.nextLong() >>> 16) + ".tmp");
                    try {
                        os = Files.newOutputStream(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                    } catch (FileAlreadyExistsException taken) {
                        os = null;
                    }
                }
                staged.add(new Pending(p.name(), p.file(), tmp, p.keepAs()));
                try (OutputStream o = os) {
                    if (staged.size() - 1 == failAfterStaging) {
                        throw new FileSystemException(tmp.toString(), null, "No space left on device");
                    }
                    o.write(files.get(p.name()));
                }
            }
        } catch (IOException e) {
            for (Pending p : staged) {
                Files.deleteIfExists(p.tmp());
            }
            for (int i = newFolders.size() - 1; i >= 0; i--) {
                deleteIfEmpty(newFolders.get(i));
            }
            throw new IOException("cannot write into " + target + ": " + reason(e)
                    + (created ? "" : "; the folder is as it was"), e);
        }

        // Commit: rename into place one by one, the manifest last; then delete the stale files.
        staged.sort(Comparator.comparing((Pending p) -> p.name().equals(Manifest.FILE)));
        int done = 0;
        try {
            for (Pending p : staged) {
                if (p.keepAs() != null) {
                    Files.move(p.file(), p.keepAs(), StandardCopyOption.ATOMIC_MOVE);
                    notes.add("kept " + p.name() + " (not written by vitgen, or changed since) as "
                            + target.relativize(p.keepAs()));
                }
                Files.move(p.tmp(), p.file(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                done++;
            }
            for (Path f : stale) {
                Files.deleteIfExists(f);
                if (!f.getParent().equals(target)) {
                    deleteIfEmpty(f.getParent());
                }
            }
        } catch (IOException e) {
            for (Pending p : staged) {
                Files.deleteIfExists(p.tmp());
            }
            throw new PartialWriteException("writing into " + target + " failed after " + done + " of "
                    + staged.size() + " files were renamed into place: " + reason(e) + ". The folder mixes the"
                    + " previous and the new design (no file is half-written); run vitgen generate again.", e);
        }
        return staged.size();
    }

    /** The first parent folder of {@code name} below {@code target} that exists but is not a folder, or null. */
    private static String blockedParent(Path target, String name) {
        String[] parts = name.split("/");
        Path p = target;
        StringBuilder rel = new StringBuilder();
        for (int i = 0; i < parts.length - 1; i++) {
            p = p.resolve(parts[i]);
            rel.append(i == 0 ? "" : "/").append(parts[i]);
            if (Files.exists(p, LinkOption.NOFOLLOW_LINKS) && !Files.isDirectory(p)) {
                return rel.toString();
            }
        }
        return null;
    }

    /** NAME.orig, or NAME.orig.2, .3, ... when that is taken. */
    private static Path backupName(Path file) {
        Path b = file.resolveSibling(file.getFileName() + ".orig");
        for (int i = 2; Files.exists(b, LinkOption.NOFOLLOW_LINKS); i++) {
            b = file.resolveSibling(file.getFileName() + ".orig." + i);
        }
        return b;
    }

    /** Creates {@code dir} and its missing parents (umask permissions), remembering which were new. */
    private static void createFolders(Path dir, List<Path> created) throws IOException {
        List<Path> missing = new ArrayList<>();
        for (Path p = dir; p != null && !Files.exists(p, LinkOption.NOFOLLOW_LINKS); p = p.getParent()) {
            missing.add(p);
        }
        for (int i = missing.size() - 1; i >= 0; i--) {
            Files.createDirectory(missing.get(i));
            created.add(missing.get(i));
        }
    }

    private static void deleteIfEmpty(Path dir) {
        try {
            Files.deleteIfExists(dir);
        } catch (IOException e) {
            // not empty (a file of the user's) or not ours to remove: leave it
        }
    }

    /** An I/O failure in words. */
    static String reason(IOException e) {
        String file = e instanceof FileSystemException f && f.getFile() != null ? f.getFile() : null;
        if (file != null) {
            Path p = Path.of(file);
            for (Path a = e instanceof FileAlreadyExistsException ? p : p.getParent(); a != null; a = a.getParent()) {
                if (Files.exists(a, LinkOption.NOFOLLOW_LINKS) && !Files.isDirectory(a)) {
                    return a + " is a file, not a folder";
                }
            }
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied" + (file != null ? " on " + file : "");
        }
        if (e instanceof FileAlreadyExistsException) {
            return file + " already exists";
        }
        if (e instanceof NotDirectoryException) {
            return file + " is not a folder";
        }
        if (e instanceof NoSuchFileException) {
            return file + " does not exist";
        }
        if (e instanceof FileSystemException f && f.getReason() != null) {
            return f.getReason().toLowerCase(Locale.ROOT) + (file != null ? " (" + file + ")" : "");
        }
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }

    static String sha256(byte[] bytes) {
        return Manifest.sha256(bytes);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
