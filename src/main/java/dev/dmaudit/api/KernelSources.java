package dev.dmaudit.api;

import dev.dmaudit.event.EventFilter;
import java.io.IOException;

/** Opens the kernel's NETLINK_AUDIT socket as a {@link RecordSource}. */
final class KernelSources {
    private KernelSources() {
    }

    static RecordSource open(Mode mode, boolean enableAudit, int receiveBuffer, EventFilter filter) throws IOException {
        throw new IOException("netlink transport not available in this build");
    }
}
