package dev.dmaudit.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/** Decides whether a {@link Live} test can run here: effective uid 0 and a kernel with audit. */
public final class LiveCondition implements ExecutionCondition {
    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        String missing = missing();
        if (missing == null) {
            return ConditionEvaluationResult.enabled("root and kernel audit are here");
        }
        if ("true".equals(System.getenv("CI"))) {
            // CI runs as root on an audit kernel: a live test that cannot run there is a broken setup.
            throw new IllegalStateException("live test cannot run under CI: " + missing);
        }
        return ConditionEvaluationResult.disabled("live test skipped: " + missing);
    }

    /** @return why live tests cannot run here, or null when they can */
    static String missing() {
        if (!Files.isDirectory(Path.of("/proc/self"))) {
            return "needs Linux /proc";
        }
        if (effectiveUid() != 0) {
            return "needs root (CAP_AUDIT_CONTROL, CAP_AUDIT_READ, CAP_SYS_NICE)";
        }
        // The kernel creates loginuid only with CONFIG_AUDIT (CONFIG_AUDITSYSCALL).
        if (!Files.exists(Path.of("/proc/self/loginuid"))) {
            return "kernel built without audit (no /proc/self/loginuid)";
        }
        return null;
    }

    /** @return the effective uid from /proc/self/status (second column of the Uid line), or -1 */
    public static long effectiveUid() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) {
                    return Long.parseLong(line.substring(4).trim().split("\\s+")[1]);
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }
}
