package io.vitgen.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Path;

import io.vitgen.config.Config;
import io.vitgen.config.ConfigException;
import io.vitgen.config.ConfigLoader;
import io.vitgen.emit.DesignWriter;
import io.vitgen.emit.Resources;

/** {@code vitgen generate}: configuration in, a design folder out. */
final class GenerateCommand {

    private GenerateCommand() {
    }

    static int run(String[] args, InputStream in, PrintStream out, PrintStream err) {
        ConfigLoader loader = new ConfigLoader();
        Path outRoot = Path.of("out");
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--help":
                    out.println("usage: vitgen generate [--config FILE] [--set key=value]... [--out DIR]");
                    out.println("  --config FILE   a properties file (keys: vitgen config --explain)");
                    out.println("  --set k=v       override one key; repeatable; applied after --config");
                    out.println("  --out DIR       output root (default: out); the design goes to DIR/<design.name>/");
                    return 0;
                case "--config":
                case "--set":
                case "--out":
                    if (i + 1 >= args.length) {
                        err.println("vitgen generate: " + a + " needs a value");
                        return 2;
                    }
                    String value = args[++i];
                    if (a.equals("--config")) {
                        loader.file(Path.of(value));
                    } else if (a.equals("--set")) {
                        loader.set(value);
                    } else {
                        outRoot = Path.of(value);
                    }
                    break;
                default:
                    if (a.startsWith("--set=")) {
                        loader.set(a.substring(6));
                    } else {
                        err.println("vitgen generate: unknown option '" + a + "' (see vitgen generate --help)");
                        return 2;
                    }
            }
        }
        Config config;
        try {
            config = loader.load();
        } catch (ConfigException e) {
            err.println("vitgen generate: " + e.getMessage());
            err.println("Nothing was written. Keys and ranges: vitgen config --explain");
            return 2;
        }
        long t0 = System.nanoTime();
        try {
            DesignWriter.Result r = new DesignWriter(config, msg -> out.println("  " + msg)).write(outRoot);
            long ms = (System.nanoTime() - t0) / 1_000_000;
            out.println("wrote " + r.files().size() + " files (" + r.changed() + " changed) to " + r.dir()
                    + " in " + ms + " ms:");
            for (String f : r.files()) {
                out.println("  " + f);
            }
            for (Resources res : r.resources()) {
                out.println("  resources " + res);
            }
            out.println("Read " + r.dir().resolve("report.md") + " for what was generated and why.");
            return 0;
        } catch (IOException e) {
            err.println("vitgen generate: " + e.getMessage());
            err.println("Nothing was written.");
            return 1;
        }
    }
}
