package dev.dmaudit.record;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * One audit record: its type, the event id {@code audit(SECONDS.MILLIS:SERIAL)} and its fields.
 * Immutable. Made by {@link AuditRecordParser} from a netlink payload or by {@link AuditLogParser}
 * from an auditd log line.
 */
public final class AuditRecord {
    private final int type;
    private final int receivedType;
    private final String typeName;
    private final long seconds;
    private final int millis;
    private final long serial;
    private final String node;
    private final byte[] text;
    private final int bodyStart;
    private final int bodyEnd;
    private final AuditFields fields;
    private final AuditFields enriched;
    /** End of the whole audit.log line in {@code text}, or -1 for a netlink payload (no line). */
    private final int lineEnd;

    AuditRecord(int type, int receivedType, String typeName, long seconds, int millis, long serial, String node,
                byte[] text, int bodyStart, int bodyEnd, AuditFields fields, AuditFields enriched, int lineEnd) {
        this.type = type;
        this.receivedType = receivedType;
        this.typeName = typeName;
        this.seconds = seconds;
        this.millis = millis;
        this.serial = serial;
        this.node = node;
        this.text = text;
        this.bodyStart = bodyStart;
        this.bodyEnd = bodyEnd;
        this.fields = fields;
        this.enriched = enriched;
        this.lineEnd = lineEnd;
    }

    /** @return the record type (after any {@link TypeMapping}), or -1 for a name no table knows */
    public int type() {
        return type;
    }

    /** @return the type number as received, before any {@link TypeMapping} */
    public int receivedType() {
        return receivedType;
    }

    /** @return the type's name, e.g. {@code DM_CTRL}, or {@code UNKNOWN[n]} */
    public String typeName() {
        if (typeName != null) {
            return typeName;
        }
        return RecordTypes.name(type);
    }

    /** @return seconds since the epoch of the event id */
    public long seconds() {
        return seconds;
    }

    /** @return milliseconds part of the event id */
    public int millis() {
        return millis;
    }

    /** @return the event time in epoch milliseconds */
    public long timeMillis() {
        return seconds * 1000 + millis;
    }

    /** @return the event time */
    public Instant time() {
        return Instant.ofEpochSecond(seconds, millis * 1_000_000L);
    }

    /** @return the event serial: records of one event share it (with the time) */
    public long serial() {
        return serial;
    }

    /** @return the {@code node=} name of an audit.log line, or null */
    public String node() {
        return node;
    }

    /** @return the fields after {@code audit(…): }, in order */
    public AuditFields fields() {
        return fields;
    }

    /** @return the interpreted fields auditd's ENRICHED format appends after 0x1d, or empty */
    public AuditFields enriched() {
        return enriched;
    }

    /**
     * @param key a field key
     * @return the interpreted value of its first occurrence, or null
     */
    public String get(String key) {
        return fields.get(key);
    }

    /** @return the field text after {@code audit(…): } exactly as received */
    public String body() {
        return new String(text, bodyStart, bodyEnd - bodyStart, StandardCharsets.UTF_8);
    }

    /** @return the length in bytes of {@link #body()} as received (for writers that copy bytes) */
    public int bodyLength() {
        return bodyEnd - bodyStart;
    }

    /**
     * Copies the bytes of {@link #body()} as received (not checked to be UTF-8: body() is the text).
     *
     * @param dst where to copy them: {@link #bodyLength()} bytes from {@code off}
     * @param off where in dst
     */
    public void copyBody(byte[] dst, int off) {
        System.arraycopy(text, bodyStart, dst, off, bodyEnd - bodyStart);
    }

    /** @return the event id as written: {@code audit(1795838678.484:8)} */
    public String eventId() {
        return "audit(" + seconds + "." + (millis < 10 ? "00" : millis < 100 ? "0" : "") + millis + ":" + serial + ")";
    }

    /**
     * @return the audit.log line this record was read from, as written (node, type text such as
     *     {@code UNKNOWN[1338]}, ENRICHED trailer; no newline; bytes that are not UTF-8 become
     *     U+FFFD), or null for a record received from netlink
     */
    public String originalLine() {
        return lineEnd < 0 ? null : new String(text, 0, lineEnd, StandardCharsets.UTF_8);
    }

    /**
     * For writers that copy bytes rather than make a string per line (the raw output).
     *
     * @return the length in bytes of the audit.log line this record was read from (what
     *     {@link #originalLine()} decodes), or -1 for a record received from netlink
     */
    public int lineLength() {
        return lineEnd;
    }

    /**
     * Copies the bytes of the audit.log line this record was read from, as read (not checked to
     * be UTF-8: {@link #originalLine()} is the text).
     *
     * @param dst where to copy them: {@link #lineLength()} bytes from {@code off}
     * @param off where in dst
     * @throws IllegalStateException for a record received from netlink (it has no line)
     */
    public void copyLine(byte[] dst, int off) {
        if (lineEnd < 0) {
            throw new IllegalStateException("a record received from netlink has no audit.log line");
        }
        System.arraycopy(text, 0, dst, off, lineEnd);
    }

    /** @return the record as an auditd log line: {@code type=NAME msg=audit(…): body} */
    public String toLogLine() {
        StringBuilder b = new StringBuilder(bodyEnd - bodyStart + 64);
        if (node != null) {
            b.append("node=").append(node).append(' ');
        }
        return b.append("type=").append(typeName()).append(" msg=").append(eventId()).append(": ")
                .append(body()).toString();
    }

    @Override
    public String toString() {
        return toLogLine();
    }
}
