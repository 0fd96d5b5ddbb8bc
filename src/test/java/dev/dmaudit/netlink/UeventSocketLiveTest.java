package dev.dmaudit.netlink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.dmaudit.record.Uevent;
import dev.dmaudit.record.UeventParser;
import dev.dmaudit.testing.Live;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The uevent socket against this machine's kernel: writing {@code change} to a device's
 * {@code uevent} file makes the kernel send a synthetic uevent for it (needs root). The device is
 * /dev/null's (mem class): a change event for it changes nothing.
 */
@Live
class UeventSocketLiveTest {
    static final Path NULL_UEVENT = Path.of("/sys/devices/virtual/mem/null/uevent");

    @Test
    void receivesTheKernelsUeventForADevice() throws Exception {
        assumeTrue(Files.isWritable(NULL_UEVENT), "needs root and " + NULL_UEVENT + " (sysfs) to make the kernel send a uevent");
        try (UeventSocket s = UeventSocket.open(1 << 20)) {
            Files.writeString(NULL_UEVENT, "change");
            byte[] buf = new byte[UeventSocket.MAX_DATAGRAM];
            Uevent found = null;
            // Other devices may send uevents meanwhile; the one written is among the first few.
            for (int i = 0; i < 200 && found == null; i++) {
                int n = s.receive(buf);
                if (n == 0) {
                    Thread.sleep(10);
                    continue;
                }
                Uevent u = UeventParser.parse(buf, 0, n);
                if ("/devices/virtual/mem/null".equals(u.devpath())) {
                    found = u;
                }
            }
            assertThat(found).as("the kernel's uevent for /dev/null").isNotNull();
            assertThat(found.action()).isEqualTo("change");
            assertThat(found.get("DEVNAME")).isEqualTo("null");
            assertThat(found.get("MAJOR") + ":" + found.get("MINOR")).isEqualTo("1:3");
            assertThat(found.seqnum()).isPositive();
            assertThat(s.nonKernelDropped()).isZero();
        }
    }
}
