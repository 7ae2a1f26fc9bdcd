package io.vitgen.cli;

import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code vitgen completion}: prints a bash completion script for every command and option. */
@Command(name = "completion",
        description = "print a bash completion script: source <(./vitgen completion)",
        footer = {"", "Load it in the current shell with  source <(vitgen completion)", "or install it:"
            + "  vitgen completion > ~/.local/share/bash-completion/completions/vitgen"})
final class CompletionCommand extends CliCommand {

    @Override
    public Integer call() {
        CommandLine top = spec.root().commandLine();
        io.out().print(AutoComplete.bash("vitgen", top));
        return 0;
    }
}
