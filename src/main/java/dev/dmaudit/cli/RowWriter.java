package dev.dmaudit.cli;

import dev.dmaudit.sink.Sanitize;

import dev.dmaudit.sink.OutputFormat;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamWriteFeature;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Writes {@link Row}s. Text goes through {@link Sanitize#visible} because names, UUIDs and tool
 * output are untrusted; JSON is produced by jackson's generator, one object per line.
 */
final class RowWriter {
    private static final JsonFactory JSON = JsonFactory.builder()
            .disable(StreamWriteFeature.AUTO_CLOSE_TARGET).build();
    private final PrintWriter out;
    private final OutputFormat format;

    /**
     * @param format a format asked for a table
     * @throws CliFailure (usage) for RAW: raw is auditd's log lines, which only events have
     */
    static void requireTable(OutputFormat format) {
        if (format == OutputFormat.RAW) {
            throw new CliFailure(ExitCodes.USAGE, "--format raw is for events (listen, decode); tables take text or json");
        }
    }

    RowWriter(PrintWriter out, OutputFormat format) {
        requireTable(format);
        this.out = out;
        this.format = format;
    }

    /** A list: in text one line of {@code key=value} pairs per row. */
    void lines(List<Row> rows) {
        for (Row row : rows) {
            if (format == OutputFormat.JSON) {
                json(row);
            } else {
                out.println(row.fields().entrySet().stream()
                        .map(e -> e.getKey() + "=" + textValue(e.getValue(), true))
                        .collect(Collectors.joining(" ")));
            }
        }
        out.flush();
    }

    /** A single object: in text one {@code key: value} line per field. */
    void block(Row row) {
        if (format == OutputFormat.JSON) {
            json(row);
        } else {
            row.fields().forEach((k, v) -> out.println(k + ": " + textValue(v, false)));
        }
        out.flush();
    }

    private void json(Row row) {
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            for (Map.Entry<String, Object> e : row.fields().entrySet()) {
                g.writeFieldName(e.getKey());
                writeValue(g, e.getValue());
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new CliFailure(ExitCodes.OUTPUT_ERROR, "cannot write output: " + e.getMessage(), e);
        }
        out.println();
    }

    private static void writeValue(JsonGenerator g, Object v) throws IOException {
        if (v == null) {
            g.writeNull();
        } else if (v instanceof String s) {
            g.writeString(s);
        } else if (v instanceof Long l) {
            g.writeNumber(l);
        } else if (v instanceof Integer i) {
            g.writeNumber(i);
        } else if (v instanceof Boolean b) {
            g.writeBoolean(b);
        } else {
            g.writeStartArray();
            for (Object o : (List<?>) v) {
                g.writeString(String.valueOf(o));
            }
            g.writeEndArray();
        }
    }

    /** Absent is "-"; in a key=value line a value with spaces or quotes is quoted so lines stay splittable. */
    private static String textValue(Object v, boolean quote) {
        if (v == null) {
            return "-";
        }
        String s = Sanitize.visible(v instanceof List<?> l
                ? l.stream().map(String::valueOf).collect(Collectors.joining(" ")) : v.toString());
        if (quote && (s.isEmpty() || s.contains(" ") || s.contains("\""))) {
            return "\"" + s.replace("\"", "\\\"") + "\"";
        }
        return s;
    }
}
