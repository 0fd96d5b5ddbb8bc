package dev.dmaudit.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * Whether device-mapper audit records will reach a listener on this host, and why not: the kernel
 * has device-mapper (loaded, or as a module), was built with CONFIG_DM_AUDIT, auditing is on, and
 * this process holds CAP_AUDIT_READ in the initial network namespace. Reads /proc, /sys and /boot
 * under a root so tests can use fake trees.
 */
final class DmAuditVerdict {
    /** The three answers. */
    enum Outcome {
        WILL_ARRIVE("will arrive"), WILL_NOT("will not"), UNKNOWN("unknown");

        final String text;

        Outcome(String text) {
            this.text = text;
        }
    }

    /**
     * @param outcome the answer
     * @param reasons why not (WILL_NOT) or what could not be told (UNKNOWN); empty for WILL_ARRIVE
     */
    record Result(Outcome outcome, List<String> reasons) {
        /** @return {@code will arrive}, {@code will not, because …} or {@code unknown, because …} */
        String line() {
            return outcome.text + (reasons.isEmpty() ? "" : ", because " + String.join("; ", reasons));
        }
    }

    /** What this process can see of the kernel, under a root directory ({@code /} normally). */
    record Host(Path root, String release) {
        static Host system() {
            return new Host(Path.of("/"), System.getProperty("os.name", "").equals("Linux")
                    ? readFirstLine(Path.of("/proc/sys/kernel/osrelease")) : null);
        }

        Path path(String absolute) {
            return root.resolve(absolute.substring(1));
        }
    }

    private DmAuditVerdict() {
    }

    /**
     * @param host         the file system view
     * @param auditEnabled kernel auditing on (AUDIT_GET enabled != 0), or null when not known
     * @param canRead      this process holds CAP_AUDIT_READ, or null when not known
     * @param initialNetNs in the initial network namespace, or null when not known
     * @return the verdict with its reasons
     */
    static Result judge(Host host, Boolean auditEnabled, Boolean canRead, Boolean initialNetNs) {
        List<String> no = new ArrayList<>();
        List<String> unsure = new ArrayList<>();
        KernelConfig config = KernelConfig.read(host);
        String dm = deviceMapperProblem(host, config);
        if (dm != null) {
            (dm.startsWith("?") ? unsure : no).add(dm.startsWith("?") ? dm.substring(1) : dm);
        }
        String dmAudit = config.value("CONFIG_DM_AUDIT");
        if (config.source == null) {
            unsure.add("CONFIG_DM_AUDIT cannot be read (no readable /boot/config-" + host.release() + " or /proc/config.gz)");
        } else if (!"y".equals(dmAudit) && dm == null) {
            no.add("the kernel was built without CONFIG_DM_AUDIT (" + config.source + ")");
        }
        if (auditEnabled == null) {
            unsure.add("the audit status cannot be read (needs root or CAP_AUDIT_CONTROL)");
        } else if (!auditEnabled) {
            no.add("kernel auditing is off (auditctl -e 1, or listen --enable-audit)");
        }
        if (canRead == null) {
            unsure.add("this process's capabilities are unknown");
        } else if (!canRead) {
            no.add("this process lacks CAP_AUDIT_READ (listen needs it: run as root or grant it)");
        }
        if (Boolean.FALSE.equals(initialNetNs)) {
            no.add("this is not the initial network namespace (multicast delivers nothing here)");
        }
        if (!no.isEmpty()) {
            return new Result(Outcome.WILL_NOT, List.copyOf(no));
        }
        return unsure.isEmpty() ? new Result(Outcome.WILL_ARRIVE, List.of()) : new Result(Outcome.UNKNOWN, List.copyOf(unsure));
    }

    /**
     * @return null when device-mapper is there, a reason when it is not, or "?reason" when it
     *         cannot be told
     */
    static String deviceMapperProblem(Host host, KernelConfig config) {
        List<String> devices = readLines(host.path("/proc/devices"));
        if (devices != null && devices.stream().anyMatch(l -> l.strip().endsWith(" device-mapper"))) {
            return null;
        }
        if (devices == null) {
            return Files.isDirectory(host.path("/sys/module/dm_mod")) ? null
                    : "?/proc/devices cannot be read and /sys/module/dm_mod is absent";
        }
        String control = Files.exists(host.path("/dev/mapper/control"))
                ? " (/dev/mapper/control exists, but no driver answers it)" : "";
        String built = config.value("CONFIG_BLK_DEV_DM");
        if (config.source != null && built == null) {
            return "the kernel has no device-mapper: CONFIG_BLK_DEV_DM is not set (" + config.source + ")" + control;
        }
        if ("m".equals(built) || config.source == null) {
            List<String> modules = readLines(host.path("/proc/modules"));
            boolean loaded = modules != null && modules.stream().anyMatch(l -> l.startsWith("dm_mod "));
            if (!loaded) {
                return "device-mapper is not loaded (no device-mapper in /proc/devices, no dm_mod in /proc/modules"
                        + ("m".equals(built) ? "; `modprobe dm_mod` or the first dmsetup call loads it" : "") + ")" + control;
            }
        }
        return "device-mapper is not registered (no device-mapper in /proc/devices)" + control;
    }

    /** The kernel's build configuration, when readable. */
    static final class KernelConfig {
        final String source;
        private final List<String> lines;

        private KernelConfig(String source, List<String> lines) {
            this.source = source;
            this.lines = lines;
        }

        static KernelConfig read(Host host) {
            if (host.release() != null) {
                String boot = "/boot/config-" + host.release();
                List<String> l = readLines(host.path(boot));
                if (l != null) {
                    return new KernelConfig(boot, l);
                }
            }
            Path gz = host.path("/proc/config.gz");
            try (InputStream in = new GZIPInputStream(Files.newInputStream(gz))) {
                return new KernelConfig("/proc/config.gz", lines(in));
            } catch (IOException | SecurityException e) {
                return new KernelConfig(null, List.of());
            }
        }

        /** @return y, m, another value, or null when not set */
        String value(String key) {
            for (String l : lines) {
                if (l.startsWith(key + "=")) {
                    return l.substring(key.length() + 1);
                }
            }
            return null;
        }
    }

    private static List<String> readLines(Path p) {
        try (InputStream in = Files.newInputStream(p)) {
            return lines(in);
        } catch (IOException | SecurityException e) {
            return null;
        }
    }

    private static List<String> lines(InputStream in) throws IOException {
        List<String> out = new ArrayList<>();
        BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        for (String l = r.readLine(); l != null && out.size() < 100_000; l = r.readLine()) {
            out.add(l);
        }
        return out;
    }

    private static String readFirstLine(Path p) {
        List<String> l = readLines(p);
        return l == null || l.isEmpty() ? null : l.get(0).strip();
    }
}
