package dev.dmaudit.testing;


import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Scrapes a metrics endpoint and checks the text with the real {@code promtool check metrics}. */
public final class Promtool {
    private Promtool() {
    }

    /**
     * @param port the endpoint's port on 127.0.0.1
     * @return the body of {@code GET /metrics}
     * @throws Exception when the request fails or does not answer 200
     */
    public static String scrape(int port) throws Exception {
        // HttpURLConnection: java.net.http is a module the tested module does not read
        HttpURLConnection c = (HttpURLConnection) URI.create("http://127.0.0.1:" + port + "/metrics").toURL().openConnection();
        c.setConnectTimeout(5000);
        c.setReadTimeout(10000);
        try {
            if (c.getResponseCode() != 200) {
                throw new IllegalStateException("GET /metrics: HTTP " + c.getResponseCode());
            }
            try (var in = c.getInputStream()) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
        } finally {
            c.disconnect();
        }
    }

    /**
     * Runs {@code promtool check metrics} on the text (skips without promtool, fails under CI=true).
     *
     * @param text a scrape
     * @return promtool's exit code and output
     * @throws Exception when promtool cannot run or hangs
     */
    public static String[] check(String text) throws Exception {
        Path promtool = Path.of("/usr/bin/promtool");
        Requirement.met(Files.isExecutable(promtool) ? null
                : "promtool missing (apt-get install prometheus; .ci/run installs it)");
        Path in = Files.createTempFile("scrape", ".txt");
        Path out = Files.createTempFile("promtool", ".out");
        try {
            Files.writeString(in, text);
            Process p = new ProcessBuilder(List.of(promtool.toString(), "check", "metrics")).redirectInput(in.toFile())
                    .redirectErrorStream(true).redirectOutput(out.toFile()).start();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("promtool timed out");
            }
            return new String[] {Integer.toString(p.exitValue()), Files.readString(out)};
        } finally {
            Files.deleteIfExists(in);
            Files.deleteIfExists(out);
        }
    }

    /**
     * @param text   a scrape
     * @param series a metric name with an optional label selector text, e.g. {@code dmaudit_dm_events_total}
     * @return the sum of every sample of that name whose labels contain {@code labelPart}
     */
    public static double sum(String text, String series, String labelPart) {
        double s = 0;
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + "(\\{[^}]*\\})? (\\S+)$").matcher(text);
        while (m.find()) {
            if (labelPart == null || (m.group(1) != null && m.group(1).contains(labelPart))) {
                s += Double.parseDouble(m.group(2));
            }
        }
        return s;
    }
}
