package dev.dmaudit.os;

import java.nio.file.Files;
import java.nio.file.Path;

/** Run by NativeDirTest in a fresh JVM: loads the natives and prints where they were mapped from. */
final class NativeDirProbe {
    private NativeDirProbe() {
    }

    public static void main(String[] args) throws Exception {
        try {
            DirectLibC.get();
            System.out.println("chosen=" + NativeDir.chosen());
            // A child process (JNA's `ldconfig -p`) leaves the JDK's reaper thread behind for a minute.
            System.out.println("process reaper=" + Thread.getAllStackTraces().keySet().stream()
                    .anyMatch(t -> t.getName().equals("process reaper")));
        } catch (RuntimeException | LinkageError e) {
            System.out.println(e.getClass().getSimpleName() + ": " + e.getMessage());
        }
        for (String line : Files.readAllLines(Path.of("/proc/self/maps"))) {
            int slash = line.indexOf('/');
            if (slash >= 0 && (line.contains("jnidispatch") || line.contains("dmaudit") || line.contains("jna"))
                    && !line.endsWith(".jar")) {
                System.out.println("mapped " + line.substring(slash));
            }
        }
    }
}
