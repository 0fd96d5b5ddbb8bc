package dev.dmaudit.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import picocli.CommandLine;

/**
 * Reports the pom's version: Maven writes it into {@code version.properties} at build time
 * (resource filtering), so it is right in the jar and when run from compiled classes alike.
 */
final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
        return new String[] {"dmaudit " + version()};
    }

    /** @return the project version, or "unknown" when the build did not record one */
    static String version() {
        try (InputStream in = VersionProvider.class.getResourceAsStream("version.properties")) {
            if (in != null) {
                Properties p = new Properties();
                p.load(in);
                String v = p.getProperty("version", "");
                // An unfiltered copy (resources taken raw by an IDE) still says ${project.version}.
                if (!v.isEmpty() && !v.startsWith("${")) {
                    return v;
                }
            }
        } catch (IOException e) {
            // fall through to the manifest
        }
        String v = VersionProvider.class.getPackage().getImplementationVersion();
        return v == null ? "unknown" : v;
    }
}
