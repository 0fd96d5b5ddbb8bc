package dev.dmaudit.cli;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import picocli.CommandLine;

/** Parses durations as people write them: {@code 500ms}, {@code 30s}, {@code 5m}, {@code 2h}, or ISO {@code PT30S}. */
final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
        String v = value.trim().toLowerCase(java.util.Locale.ROOT);
        try {
            if (v.startsWith("pt") || v.startsWith("p")) {
                return nonNegative(Duration.parse(value.trim().toUpperCase(java.util.Locale.ROOT)), value);
            }
            int i = 0;
            while (i < v.length() && Character.isDigit(v.charAt(i))) {
                i++;
            }
            if (i == 0 || i > 12) {
                throw new CommandLine.TypeConversionException("'" + value + "' is not a duration (e.g. 500ms, 30s, 5m, 2h)");
            }
            long n = Long.parseLong(v.substring(0, i));
            return switch (v.substring(i)) {
                case "ms" -> Duration.ofMillis(n);
                case "s", "" -> Duration.ofSeconds(n);
                case "m", "min" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                case "d" -> Duration.ofDays(n);
                default -> throw new CommandLine.TypeConversionException(
                        "'" + value + "' is not a duration (e.g. 500ms, 30s, 5m, 2h)");
            };
        } catch (DateTimeParseException | ArithmeticException e) {
            throw new CommandLine.TypeConversionException("'" + value + "' is not a duration (e.g. 500ms, 30s, 5m, 2h)");
        }
    }

    /**
     * @param d a duration
     * @return it as people write it ({@code 500ms}, {@code 30s}, {@code 5m}, {@code 2h}), never ISO {@code PT30S}
     */
    static String format(Duration d) {
        long ms = d.toMillis();
        if (ms % 3_600_000 == 0 && ms > 0) {
            return ms / 3_600_000 + "h";
        }
        if (ms % 60_000 == 0 && ms > 0) {
            return ms / 60_000 + "m";
        }
        if (ms % 1000 == 0) {
            return ms / 1000 + "s";
        }
        return ms + "ms";
    }

    private static Duration nonNegative(Duration d, String value) {
        if (d.isNegative()) {
            throw new CommandLine.TypeConversionException("'" + value + "' is negative");
        }
        return d;
    }
}
