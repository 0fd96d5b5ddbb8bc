package dev.dmaudit.cli;

import dev.dmaudit.api.ListenerBuilder;
import picocli.CommandLine.Option;

/**
 * {@code listen --no-uevents}: whether dm-verity's corruption uevents are read beside the audit
 * records (on by default: in ignore_corruption mode they are the only report of a corrupt block).
 */
final class UeventOptions {
    @Option(names = "--no-uevents",
            description = {"Do not read kernel uevents. By default listen also reads dm-verity's corruption uevents"
                    + " (DM_VERITY_ERR_BLOCK_NR, the only report of a corrupt block in ignore_corruption mode) and prints"
                    + " them as verity data events with origin=uevent; a block the kernel also audits is printed once."})
    boolean off;

    /**
     * @param b the listener being built
     * @return {@code b}
     */
    ListenerBuilder applyTo(ListenerBuilder b) {
        return b.uevents(!off);
    }
}
