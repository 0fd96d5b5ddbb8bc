package dev.dmaudit.record;

/**
 * Parses the payload of a kernel audit record: {@code audit(SECONDS.MILLIS:SERIAL): fields}.
 * Throws only {@link MalformedRecordException}.
 */
public final class AuditRecordParser {
    private final TypeMapping mapping;

    /** @param mapping how to read type numbers (see {@link TypeMapping}) */
    public AuditRecordParser(TypeMapping mapping) {
        this.mapping = mapping;
    }

    /** A parser with the mainline numbering. */
    public AuditRecordParser() {
        this(TypeMapping.standard());
    }

    /**
     * @param message a netlink message carrying an audit record
     * @return the record
     * @throws MalformedRecordException when the payload is not an audit record
     */
    public AuditRecord parse(NetlinkMessage message) {
        return parse(message.type(), message.buffer(), message.payloadOffset(), message.payloadLength());
    }

    /**
     * @param type the netlink message type
     * @param buf  buffer holding the payload
     * @param off  payload offset
     * @param len  payload length
     * @return the record (the payload is copied)
     * @throws MalformedRecordException when the payload is not an audit record
     */
    public AuditRecord parse(int type, byte[] buf, int off, int len) {
        if (buf == null || off < 0 || len < 0 || off > buf.length - len) {
            throw new MalformedRecordException("payload bounds outside the buffer", off);
        }
        // Trailing NULs and newlines are framing, not text (user messages often carry a NUL).
        while (len > 0 && (buf[off + len - 1] == 0 || buf[off + len - 1] == '\n')) {
            len--;
        }
        byte[] text = new byte[len];
        System.arraycopy(buf, off, text, 0, len);
        EventId id = EventId.parse(text, 0, len);
        int bodyStart = id.end();
        return new AuditRecord(mapping.map(type), type, null, id.seconds(), id.millis(), id.serial(), null,
                text, bodyStart, len, AuditFields.scan(text, bodyStart, len, FieldScanner.modeFor(type)),
                AuditFields.empty(), -1);
    }
}
