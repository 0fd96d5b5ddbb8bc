package dev.dmaudit.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dmaudit.os.ThreadPriority;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import dev.dmaudit.testing.Live;
import org.junit.jupiter.api.Test;

/** The reader and consumer threads, and only they, run at the boosted priority. Needs root. */
@Live
class PriorityBoostTest {
    /** comm → nice of this process's threads, from /proc/self/task/TID/stat (field 19). */
    private static Map<String, Integer> threadNices() throws IOException {
        Map<String, Integer> out = new HashMap<>();
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc/self/task"))) {
            for (Path t : tasks) {
                try {
                    String stat = Files.readString(t.resolve("stat"));
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    out.put(Files.readString(t.resolve("comm")).strip(), Integer.parseInt(f[16]));
                } catch (IOException gone) {
                    // the thread ended meanwhile
                }
            }
        }
        return out;
    }

    @Test
    void readerAndConsumerRunBoostedTheStarterDoesNot() throws Exception {
        int mine = ThreadPriority.system().nice();
        CountDownLatch drained = new CountDownLatch(1);
        try (DmAuditListener l = DmAuditListener.builder()
                .source(ListenerTest.mockedSource(List.of(ListenerTest.checksum(1, 8)), drained))
                .priorityBoost(7)
                .build()) {
            l.start(e -> { });
            drained.await();
            // The reader may drain its datagram before start() has started the consumer thread
            // (and a thread's name reaches /proc only once it runs): wait for both, bounded.
            Map<String, Integer> nices = threadNices();
            long until = System.nanoTime() + 10_000_000_000L;
            while (!(nices.containsKey("dmaudit-reader") && nices.containsKey("dmaudit-consume")) && System.nanoTime() < until) {
                Thread.sleep(10);
                nices = threadNices();
            }
            assertThat(nices.get("dmaudit-reader")).isEqualTo(Math.max(-20, mine - 7));
            // Linux keeps 15 characters of a thread name.
            assertThat(nices.get("dmaudit-consume")).isEqualTo(Math.max(-20, mine - 7));
            assertThat(ThreadPriority.system().nice()).as("the starting thread went back").isEqualTo(mine);
        }
    }
}
