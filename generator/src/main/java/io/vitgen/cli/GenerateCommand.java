package io.vitgen.cli;

import java.io.IOException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import io.vitgen.config.Config;
import io.vitgen.config.ConfigLoader;
import io.vitgen.emit.DesignWriter;
import io.vitgen.emit.ModelKit;
import io.vitgen.emit.Resources;
import io.vitgen.model.ModelException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code vitgen generate}: configuration in, a design folder out. */
@Command(name = "generate", sortOptions = false,
        description = "generate the accelerator's RTL, constraints, file list, manifest and report",
        footer = {"", "The design goes to DIR/<design.name>/. vitgen writes only into a folder that is new, empty or"
            + " written by vitgen before (it holds vitgen's manifest.json); there it replaces its own files one by"
            + " one, deletes the files of its previous run that this run does not produce, and leaves every other"
            + " file and folder alone. --force also writes into a folder without vitgen's manifest; a file vitgen"
            + " did not write (or that was edited since) is then kept as NAME.orig, never deleted.", "",
            "--model puts a model file (vitgen quantize, vitgen model new) into the simulation kit: sim/ then runs the"
            + " whole model on one picture (--image, or a seeded synthetic picture) and compares the int32 logits"
            + " with the golden model's; the top is sized for that program. A model the configuration or the top"
            + " cannot run is refused (exit code 2) before anything is written."})
final class GenerateCommand extends CliCommand {

    @Option(names = "--config", paramLabel = "FILE", description = "a properties file (keys: vitgen config --explain)")
    String configFile;

    @Option(names = "--set", paramLabel = "key=value",
            description = "override one key; repeatable; applied after --config")
    List<String> sets = new ArrayList<>();

    @Option(names = "--out", paramLabel = "DIR",
            description = "output root (default: out); the design goes to DIR/<design.name>/")
    String out = "out";

    @Option(names = "--model", paramLabel = "FILE",
            description = "a vitgen model file whose whole model on one picture the simulation kit (sim/) runs")
    Path model;

    @Option(names = "--image", paramLabel = "PICTURE",
            description = "with --model: the picture (PNG, JPEG, BMP, GIF; DeiT's eval transform); default: the seeded"
                + " synthetic picture of vitgen model picture --seed 1")
    Path image;

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
        if (image != null && model == null) {
            return usageError("--image needs --model (the picture is the model's input in the simulation kit)");
        }
        Config config = loadConfig(new ConfigLoader(), configFile, sets, "Nothing was written. Keys and ranges: vitgen config --explain");
        if (config == null) {
            return 2;
        }
        long t0 = System.nanoTime();
        ModelKit kit = null;
        if (model != null) {
            try {
                kit = ModelKit.of(config, model, image);
            } catch (ModelException e) {
                List<String> p = e.problems();
                io.err().println(name() + ": --model " + model + ": " + (p.size() == 1 ? "1 problem:" : p.size() + " problems:"));
                for (String why : p) {
                    io.err().println("  - " + why);
                }
                io.err().println("Nothing was written.");
                return 2;
            }
            io.out().println("  simulation kit: " + kit.describe() + " on " + kit.picture() + ", "
                    + kit.program().commands().size() + " commands");
        }
        try {
            DesignWriter.Result r = new DesignWriter(config, msg -> io.out().println("  " + msg))
                    .force(force).model(kit).write(outRoot);
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
        } catch (IllegalArgumentException e) {          // a configuration the top builder refuses (before any write)
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
