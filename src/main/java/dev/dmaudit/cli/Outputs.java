package dev.dmaudit.cli;

import java.io.IOException;
import java.nio.file.Path;

/** Output failures as CLI failures: exit 11 with the reason, or a quiet end for a closed pipe. */
final class Outputs {
    private Outputs() {
    }

    /**
     * @param e    the failure
     * @param file the --output file, or null for standard output
     * @return the failure to throw
     */
    static CliFailure failure(IOException e, Path file) {
        if (file == null && IoErrors.isClosedPipe(e)) {
            return new CliFailure(ExitCodes.OK, "", e);
        }
        return new CliFailure(ExitCodes.OUTPUT_ERROR, "cannot write " + (file == null ? "output" : file)
                + ": " + IoErrors.reason(e), e);
    }
}
