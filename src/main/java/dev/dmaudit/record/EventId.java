package dev.dmaudit.record;

/**
 * The {@code audit(SECONDS.MILLIS:SERIAL):} prefix of a record.
 *
 * @param seconds epoch seconds
 * @param millis  milliseconds
 * @param serial  event serial
 * @param end     offset just past {@code ): } (where the fields start)
 */
record EventId(long seconds, int millis, long serial, int end) {
    private static final byte[] PREFIX = {'a', 'u', 'd', 'i', 't', '('};
    /**
     * The largest seconds value whose epoch milliseconds (plus up to 999) fit a long, so
     * {@link AuditRecord#timeMillis()} cannot overflow and {@link AuditRecord#time()} cannot throw.
     */
    static final long MAX_SECONDS = (Long.MAX_VALUE - 999) / 1000;

    /** Parses the prefix at {@code from}; throws {@link MalformedRecordException} if absent. */
    static EventId parse(byte[] b, int from, int to) {
        int p = from;
        if (to - p < PREFIX.length + 6) {
            throw new MalformedRecordException("too short for audit(SECONDS.MILLIS:SERIAL)", p);
        }
        for (byte c : PREFIX) {
            if (b[p++] != c) {
                throw new MalformedRecordException("expected audit(", from);
            }
        }
        int start = p;
        long seconds = 0;
        while (p < to && b[p] >= '0' && b[p] <= '9' && p - start < 18) {
            seconds = seconds * 10 + (b[p++] - '0');
        }
        if (p == start || p >= to || b[p] != '.') {
            throw new MalformedRecordException("bad seconds in event id", p);
        }
        if (seconds > MAX_SECONDS) {
            throw new MalformedRecordException("event time out of range", start);
        }
        p++;
        start = p;
        int millis = 0;
        while (p < to && b[p] >= '0' && b[p] <= '9' && p - start < 9) {
            millis = millis * 10 + (b[p++] - '0');
        }
        if (p == start || p >= to || b[p] != ':') {
            throw new MalformedRecordException("bad milliseconds in event id", p);
        }
        int digits = p - start;
        for (int d = digits; d < 3; d++) {
            millis *= 10;
        }
        for (int d = digits; d > 3; d--) {
            millis /= 10;
        }
        p++;
        start = p;
        long serial = 0;
        while (p < to && b[p] >= '0' && b[p] <= '9' && p - start < 18) {
            serial = serial * 10 + (b[p++] - '0');
        }
        if (p == start || p >= to || b[p] != ')') {
            throw new MalformedRecordException("bad serial in event id", p);
        }
        p++;
        if (p < to && b[p] == ':') {
            p++;
        }
        if (p < to && b[p] == ' ') {
            p++;
        }
        return new EventId(seconds, millis, serial, p);
    }
}
