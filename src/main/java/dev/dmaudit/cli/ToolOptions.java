package dev.dmaudit.cli;

import java.time.Duration;
import picocli.CommandLine.Option;

/** Options shared by every dm and integrity subcommand. */
final class ToolOptions {
    @Option(names = "--format", paramLabel = "text|json", defaultValue = "text",
            description = "Output format: text or json (one object per line). Default: ${DEFAULT-VALUE}.")
    ToolFormat format;

    @Option(names = "--timeout", paramLabel = "SECONDS",
            description = "Kill the tool after this many seconds. Default: 30; integrity format: 21600.")
    Integer timeoutSeconds;

    /**
     * @param otherwise the limit when --timeout is not given
     * @return the limit for the tool run
     */
    Duration timeout(Duration otherwise) {
        if (timeoutSeconds == null) {
            return otherwise;
        }
        if (timeoutSeconds <= 0) {
            throw new CliFailure(ExitCodes.USAGE, "--timeout must be a positive number of seconds");
        }
        return Duration.ofSeconds(timeoutSeconds);
    }

    Duration timeout() {
        return timeout(Duration.ofSeconds(30));
    }
}
