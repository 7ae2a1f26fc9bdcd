package io.vitgen.cli;

import java.io.InputStream;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

import io.vitgen.emit.Version;

/** Entry point of the {@code vitgen} command line tool. */
public final class Main {

    /** The sub-commands: name, one-line help, implementation. */
    private record Entry(String usage, String help, Command command) {
    }

    private static final Map<String, Entry> COMMANDS = new LinkedHashMap<>();

    static {
        COMMANDS.put("generate", new Entry("generate [--config FILE] [--set key=value]... [--out DIR]",
                "generate the accelerator's RTL, constraints, file list, manifest and report",
                GenerateCommand::run));
        COMMANDS.put("config", new Entry("config --explain | --defaults",
                "print every configuration key (default, range, meaning) or a documented defaults file",
                ConfigCommand::run));
        COMMANDS.put("golden", new Entry("golden OP [--param NAME=VALUE]... < rows",
                "run one bit-exact golden-model operator on integer rows from stdin (--help lists operators)",
                GoldenCommand::run));
        COMMANDS.put("accuracy", new Entry("accuracy [--seed N] [--model tiny|small|base|N,C,H,MLP]",
                "error of every integer operator and of one encoder layer against float references",
                AccuracyCommand::run));
        COMMANDS.put("quantize", new Entry("quantize --checkpoint FILE [--calib DIR] [--config FILE] [--set k=v]... -o FILE",
                "quantize a timm ViT/DeiT safetensors checkpoint into vitgen's integer model file",
                (a, in, out, err) -> ModelCli.run(new QuantizeCommand(), "quantize", a, out, err)));
        COMMANDS.put("model", new Entry("model new --preset NAME --seed N -o FILE | model check FILE [--config FILE]",
                "make a random model file, or check one against the configuration (every problem at once)",
                (a, in, out, err) -> ModelCli.run(new ModelCommand(), "model", a, out, err)));
    }

    private Main() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.in, System.out, System.err));
    }

    /** Runs the tool with the given streams and returns the exit code (used by tests too). */
    public static int run(String[] args, InputStream in, PrintStream out, PrintStream err) {
        if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h") || args[0].equals("help")) {
            usage(args.length == 0 ? err : out);
            return args.length == 0 ? 2 : 0;
        }
        if (args[0].equals("--version")) {
            out.println("vitgen " + Version.get());
            return 0;
        }
        Entry e = COMMANDS.get(args[0]);
        if (e == null) {
            err.println("vitgen: unknown command '" + args[0] + "'; commands: " + String.join(", ", COMMANDS.keySet()));
            return 2;
        }
        try {
            return e.command().run(Arrays.copyOfRange(args, 1, args.length), in, out, err);
        } catch (RuntimeException ex) {
            err.println("vitgen " + args[0] + ": internal error: " + ex);
            ex.printStackTrace(err);
            return 1;
        }
    }

    private static void usage(PrintStream s) {
        s.println("vitgen " + Version.get() + " - integer-only ViT accelerator generator");
        s.println();
        s.println("usage: vitgen COMMAND [options]");
        s.println();
        for (Entry e : COMMANDS.values()) {
            s.printf("  vitgen %s%n      %s%n", e.usage(), e.help());
        }
        s.println();
        s.println("  vitgen --help | --version");
        s.println();
        s.println("Each command takes --help. Configuration reference: vitgen config --explain");
    }
}
