package dev.dmaudit.os;

import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Gives the C heap's free pages back to the kernel: glibc's malloc_trim(3). The JIT compilers
 * allocate their working memory with malloc and free it after each compilation, but glibc keeps
 * the freed pages of its arenas; after the listener's warm-up that was ~19 MB of an idle
 * {@code listen}'s RSS (BENCHMARKS.md, "Footprint"). Without glibc (musl: no malloc_trim) this
 * does nothing.
 */
public final class NativeHeap {
    private static final Path STATM = Path.of("/proc/self/statm");

    private NativeHeap() {
    }

    /** Direct-mapped libc; its class initialisation fails when libc has no malloc_trim. */
    private static final class C {
        static {
            DirectLibC.get(); // JNA's native directory chosen and checked first (NativeDir)
            Native.register(C.class, NativeLibrary.getInstance("c"));
        }

        static native int malloc_trim(long pad);
    }

    /**
     * @return the process's resident set in pages (/proc/self/statm), or -1 when unreadable
     */
    public static long residentPages() {
        try {
            String[] f = Files.readString(STATM).trim().split(" ");
            return Long.parseLong(f[1]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /**
     * Trims every malloc arena (returns whole free pages to the kernel). glibc advises away every
     * free range again each time, released or not (~20 madvise calls, ~0.1 ms, in an idle
     * listener): call it when there may be something to give back and nothing else is going on.
     *
     * @return whether memory was released; false also when this libc cannot trim
     */
    public static boolean trim() {
        try {
            return C.malloc_trim(0) != 0;
        } catch (LinkageError e) { // no malloc_trim in this libc, or the shim did not load
            return false;
        }
    }
}
