package dev.dmaudit.os;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.jna.Memory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Against this machine's glibc: freed malloc pages stay in the process until trimmed. */
class NativeHeapTest {
    @Test
    void pagesFreedInsideAnArenaAreGivenBack() throws IOException {
        // 32 MiB in 64 KiB blocks (below glibc's mmap threshold: they come from an arena); every
        // other block freed, so the free memory lies between blocks in use where free() alone
        // cannot return it (it only shrinks the arena's top).
        List<Memory> kept = new ArrayList<>();
        List<Memory> freed = new ArrayList<>();
        for (int i = 0; i < 512; i++) {
            Memory m = new Memory(64 * 1024);
            m.clear(); // touch every page
            (i % 2 == 0 ? freed : kept).add(m);
        }
        freed.forEach(Memory::close);
        long before = rssAnonKb();
        assertThat(NativeHeap.trim()).as("malloc_trim released memory").isTrue();
        long after = rssAnonKb();
        kept.forEach(Memory::close);
        // 16 MiB lay free between the kept blocks; other threads of this JVM may allocate a little meanwhile.
        assertThat(before - after).as("RssAnon %d kB -> %d kB", before, after).isGreaterThan(8 * 1024);
    }

    @Test
    void theResidentSetIsRead() {
        assertThat(NativeHeap.residentPages()).isPositive();
    }

    private static long rssAnonKb() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("RssAnon:")) {
                return Long.parseLong(line.replaceAll("\\D", ""));
            }
        }
        throw new IOException("no RssAnon in /proc/self/status");
    }
}
