package dev.dmaudit.cli;

import dev.dmaudit.sink.OutputFormat;
import java.time.Duration;
import picocli.CommandLine.Option;

/** Options shared by every dm and integrity subcommand. */
final class ToolOptions {
    @Option(names = "--format", paramLabel = "text|json", defaultValue = "text",
            description = "Output format: text or json (one object per line). Default: ${DEFAULT-VALUE}.")
    OutputFormat format;

    @Option(names = "--timeout", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Kill the tool after this long (30s, 5m, 2h; a bare number is seconds). Default: 30s; integrity format: 6h.")
    Duration timeoutGiven;

    /**
     * @param otherwise the limit when --timeout is not given
     * @return the limit for the tool run
     */
    Duration timeout(Duration otherwise) {
        if (timeoutGiven == null) {
            return otherwise;
        }
        if (timeoutGiven.isZero()) {
            throw new CliFailure(ExitCodes.USAGE, "--timeout must be a positive duration");
        }
        return timeoutGiven;
    }

    Duration timeout() {
        return timeout(Duration.ofSeconds(30));
    }
}
