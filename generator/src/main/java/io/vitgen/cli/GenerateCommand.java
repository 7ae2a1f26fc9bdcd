package io.vitgen.cli;

import java.io.IOException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import io.vitgen.config.Config;
import io.vitgen.config.ConfigLoader;
import io.vitgen.emit.DesignWriter;
import io.vitgen.emit.Resources;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code vitgen generate}: configuration in, a design folder out. */
@Command(name = "generate", sortOptions = false,
        description = "generate the accelerator's RTL, constraints, file list, manifest and report",
        footer = {"", "The design goes to DIR/<design.name>/. vitgen writes only into a folder that is new, empty or"
            + " written by vitgen before (it holds vitgen's manifest.json); there it replaces its own files one by"
            + " one, deletes the files of its previous run that this run does not produce, and leaves every other"
            + " file and folder alone. --force also writes into a folder without vitgen's manifest; a file vitgen"
            + " did not write (or that was edited since) is then kept as NAME.orig, never deleted."})
final class GenerateCommand extends CliCommand {

    @Option(names = "--config", paramLabel = "FILE", description = "a properties file (keys: vitgen config --explain)")
    String configFile;

    @Option(names = "--set", paramLabel = "key=value",
            description = "override one key; repeatable; applied after --config")
    List<String> sets = new ArrayList<>();

    @Option(names = "--out", paramLabel = "DIR",
            description = "output root (default: out); the design goes to DIR/<design.name>/")
    String out = "out";

    @Option(names = "--force",
            description = "also write into an existing folder that vitgen did not create (files of yours are kept)")
    boolean force;

    @Override
    public Integer call() {
        if (out.isBlank()) {
            return usageError("--out needs a folder name; '" + out + "' is empty");
        }
        Path outRoot;
        try {
            outRoot = Path.of(out);
        } catch (InvalidPathException e) {
            return usageError("--out '" + out + "' is not a valid folder name: " + e.getReason());
        }
        Config config = loadConfig(new ConfigLoader(), configFile, sets, "Nothing was written. Keys and ranges: vitgen config --explain");
        if (config == null) {
            return 2;
        }
        long t0 = System.nanoTime();
        try {
            DesignWriter.Result r = new DesignWriter(config, msg -> io.out().println("  " + msg))
                    .force(force).write(outRoot);
            long ms = (System.nanoTime() - t0) / 1_000_000;
            io.out().println("wrote " + r.files().size() + " files (" + r.changed() + " changed) to " + r.dir()
                    + " in " + ms + " ms:");
            for (String f : r.files()) {
                io.out().println("  " + f);
            }
            for (Resources res : r.resources()) {
                io.out().println("  resources " + res);
            }
            for (String note : r.notes()) {
                io.err().println(name() + ": note: " + note);
            }
            io.out().println("Read " + r.dir().resolve("report.md") + " for what was generated and why.");
            return 0;
        } catch (DesignWriter.RefusedException e) {
            io.err().println(name() + ": " + e.getMessage());
            io.err().println("Nothing was written.");
            return 2;
        } catch (DesignWriter.PartialWriteException e) {
            io.err().println(name() + ": " + e.getMessage());
            return 1;
        } catch (IOException e) {
            io.err().println(name() + ": " + e.getMessage());
            io.err().println("Nothing was written.");
            return 1;
        }
    }
}
