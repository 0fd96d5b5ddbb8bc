package dev.dmaudit.record;

import java.nio.charset.StandardCharsets;

/**
 * Parses auditd's {@code audit.log} lines: {@code [node=HOST ]type=NAME msg=audit(…): fields},
 * with {@code type=UNKNOWN[1338]} for numbers auditd had no name for, and auditd's ENRICHED
 * format, where a 0x1d byte separates the raw fields from interpreted UPPERCASE ones.
 * Throws only {@link MalformedRecordException}.
 */
public final class AuditLogParser {
    private static final byte GROUP_SEPARATOR = 0x1d;
    private final TypeMapping mapping;
    /** Type texts seen: a parser shared by threads sees an entry whole or not at all. */
    private final TextTable<TypeName> names = new TextTable<>(256, AuditLogParser::typeName);

    /** @param mapping how to read type numbers (see {@link TypeMapping}) */
    public AuditLogParser(TypeMapping mapping) {
        this.mapping = mapping;
    }

    /** A parser with the mainline numbering. */
    public AuditLogParser() {
        this(TypeMapping.standard());
    }

    /**
     * @param line one line of audit.log, without its newline
     * @return the record
     * @throws MalformedRecordException when the line is not an audit record
     */
    public AuditRecord parse(String line) {
        if (line == null) {
            throw new MalformedRecordException("no line", -1);
        }
        return parse(line.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * @param text the line's bytes, without its newline (owned by the record afterwards)
     * @return the record
     * @throws MalformedRecordException when the line is not an audit record
     */
    public AuditRecord parse(byte[] text) {
        if (text == null) {
            throw new MalformedRecordException("no line", -1);
        }
        int end = text.length;
        while (end > 0 && (text[end - 1] == '\n' || text[end - 1] == '\r')) {
            end--;
        }
        int p = 0;
        String node = null;
        if (startsWith(text, p, end, "node=")) {
            int s = p + 5;
            int e = indexOf(text, s, end, (byte) ' ');
            if (e < 0) {
                throw new MalformedRecordException("node= without a record", p);
            }
            node = new String(text, s, e - s, StandardCharsets.UTF_8);
            p = e + 1;
        }
        if (!startsWith(text, p, end, "type=")) {
            throw new MalformedRecordException("expected type=", p);
        }
        int ts = p + 5;
        int te = indexOf(text, ts, end, (byte) ' ');
        if (te < 0 || te == ts) {
            throw new MalformedRecordException("expected type=NAME msg=", ts);
        }
        TypeName tn = names.get(text, ts, te);
        String name = tn.name;
        int received = tn.received;
        p = te + 1;
        if (!startsWith(text, p, end, "msg=")) {
            throw new MalformedRecordException("expected msg=", p);
        }
        p += 4;
        int sep = indexOf(text, p, end, GROUP_SEPARATOR);
        int bodyLimit = sep < 0 ? end : sep;
        EventId id = EventId.parse(text, p, bodyLimit);
        int type = received < 0 ? -1 : mapping.map(received);
        // Keep an unknown name as written; a known number is named by the tables.
        String keptName = received < 0 ? name : null;
        AuditFields enriched = sep < 0 ? AuditFields.empty()
                : AuditFields.scan(text, sep + 1, end, FieldScanner.MODE_TOP);
        return new AuditRecord(type, received, keptName, id.seconds(), id.millis(), id.serial(), node,
                text, id.end(), bodyLimit, AuditFields.scan(text, id.end(), bodyLimit, FieldScanner.modeFor(type)),
                enriched, end);
    }

    /**
     * The type text of a line and its number, from {@link #names} when seen before: a log uses a
     * few dozen types, and a String plus a hash lookup per line was ~8 % of decoding a mixed log.
     */
    private static TypeName typeName(byte[] text, int from, int to) {
        String name = new String(text, from, to - from, StandardCharsets.US_ASCII);
        int received = RecordTypes.number(name);
        if (received < 0 && isDigits(name)) {
            received = Integer.parseInt(name);
        }
        return new TypeName(name, received);
    }

    private record TypeName(String name, int received) {
    }

    private static boolean isDigits(String s) {
        if (s.isEmpty() || s.length() > 9) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    private static boolean startsWith(byte[] b, int p, int end, String s) {
        if (end - p < s.length()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (b[p + i] != s.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private static int indexOf(byte[] b, int from, int to, byte c) {
        for (int i = from; i < to; i++) {
            if (b[i] == c) {
                return i;
            }
        }
        return -1;
    }
}
