package io.vitgen.cli;

import java.util.ArrayList;
import java.util.List;

import io.vitgen.config.Config;
import io.vitgen.config.ConfigLoader;
import io.vitgen.estimate.EstimateReport;
import io.vitgen.estimate.Performance;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code vitgen estimate}: cycles, images/s, DDR traffic and resources of a configuration, before any synthesis. */
@Command(name = "estimate", sortOptions = false,
        description = "estimate cycles per operation, layer and image, images/s, DDR bandwidth and resources",
        footer = {"", "The model and its assumptions: docs/estimate.md. The same numbers are in report.md of"
            + " vitgen generate. Nothing is written."})
final class EstimateCommand extends CliCommand {

    @Option(names = "--config", paramLabel = "FILE", description = "a properties file (keys: vitgen config --explain)")
    String configFile;

    @Option(names = "--set", paramLabel = "key=value",
            description = "override one key; repeatable; applied after --config")
    List<String> sets = new ArrayList<>();

    @Option(names = "--json", description = "print the estimate as JSON (for tools) instead of tables")
    boolean json;

    @Override
    public Integer call() {
        Config config = loadConfig(new ConfigLoader().warnings(w -> { }), configFile, sets, "Keys and ranges: vitgen config --explain");
        if (config == null) {
            return 2;
        }
        Performance.Estimate e = Performance.of(config);
        io.out().print(json ? EstimateReport.json(e) : EstimateReport.text(e));
        return 0;
    }
}
