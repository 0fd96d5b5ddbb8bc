package dev.dmaudit.cli;

import dev.dmaudit.dm.BlockDeviceCheck;
import dev.dmaudit.dm.CommandRunner;
import dev.dmaudit.dm.DevicePaths;
import dev.dmaudit.dm.DmSetup;
import dev.dmaudit.dm.IntegritySetup;
import dev.dmaudit.dm.ProcessCommandRunner;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * Where the dm and integrity commands get their tool access. The fields are the test seam: tests
 * put a mocked runner and a permissive block-device check here and {@link #reset()} afterwards.
 */
final class DmTooling {
    static volatile Supplier<CommandRunner> runners = ProcessCommandRunner::new;
    static volatile BlockDeviceCheck blockDevices = BlockDeviceCheck.unixMode();

    private DmTooling() {
    }

    static DmSetup dmsetup(Duration timeout) {
        return new DmSetup(runners.get(), timeout);
    }

    static IntegritySetup integritysetup(Duration timeout, Duration formatTimeout) {
        return new IntegritySetup(runners.get(), new DevicePaths(blockDevices), timeout, formatTimeout);
    }

    /** Back to the real tools. */
    static void reset() {
        runners = ProcessCommandRunner::new;
        blockDevices = BlockDeviceCheck.unixMode();
    }
}
