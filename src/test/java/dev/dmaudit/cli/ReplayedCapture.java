package dev.dmaudit.cli;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * {@code @ExtendWith(ReplayedCapture.class)}: in each test, {@code listen} reads the real kernel
 * capture (multicast, replayed) instead of the kernel, without device names from sysfs.
 */
final class ReplayedCapture implements BeforeEachCallback, AfterEachCallback {
    private ListenCommand.ListenerFactory saved;

    @Override
    public void beforeEach(ExtensionContext context) {
        saved = ListenCommand.factory;
        ListenCommand.factory = b -> b.source(new ListenCommandTest.Replay("multicast")).resolveDeviceNames(false).build();
    }

    @Override
    public void afterEach(ExtensionContext context) {
        ListenCommand.factory = saved;
    }
}
