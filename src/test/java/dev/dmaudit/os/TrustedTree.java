package dev.dmaudit.os;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * A scratch directory under target/ for tests of {@link TrustedPath}'s rules: /tmp cannot hold
 * such a tree (it is world-writable), the checkout usually can.
 */
public final class TrustedTree {
    private TrustedTree() {
    }

    /**
     * @param prefix the directory name's prefix
     * @return a new 0755 directory under target/; the test is skipped when the checkout's
     *         directories themselves do not pass the rule
     * @throws IOException when it cannot be made
     */
    public static Path create(String prefix) throws IOException {
        Path target = Path.of("target").toAbsolutePath();
        Files.createDirectories(target);
        Path base = Files.createTempDirectory(target, prefix,
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        String why = TrustedPath.check(base, TrustedPath.effectiveUid(), false);
        assumeTrue(why == null, "the checkout's directories are not writable by root/us only, so no tree under it can pass: " + why);
        return base;
    }

    /**
     * @param base a tree from {@link #create}
     * @throws IOException when it cannot be removed
     */
    public static void delete(Path base) throws IOException {
        try (Stream<Path> s = Files.walk(base)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
