package dev.dmaudit.sink;

import dev.dmaudit.event.DmControl;
import dev.dmaudit.event.DmData;
import dev.dmaudit.event.DmEvent;
import dev.dmaudit.event.DmOp;
import dev.dmaudit.event.DmRecord;
import dev.dmaudit.event.Event;
import dev.dmaudit.event.ProcessInfo;
import dev.dmaudit.record.AuditRecord;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * Turns an event into one RFC 5424 syslog message:
 * {@code <PRI>1 TIMESTAMP HOSTNAME dmaudit PROCID MSGID [SD-ID name="value" …] MSG}.
 *
 * <ul>
 *   <li>PRI = facility × 8 + severity. Severity by what happened: a DM_EVENT (the target found
 *       corrupted data and failed the I/O) is {@code err} (3), dm-verity's
 *       {@code max-corrupted-errors} (the device gives up) {@code crit} (2); a failed
 *       constructor/destructor {@code warning} (4); a successful one, and non-DM events
 *       ({@code --all}), {@code info} (6).</li>
 *   <li>MSGID is the event's kind, as JSON's {@code kind}: {@code dm_data}, {@code dm_control},
 *       {@code audit}.</li>
 *   <li>One SD-ELEMENT, by default {@code dmaudit@32473}: 32473 is the private enterprise number
 *       RFC 5612 reserves for documentation, a placeholder to replace with your organisation's
 *       own. PARAM-VALUEs are the text line's values ({@link Sanitize#visible}: control and
 *       invisible characters as {@code \x1b}, a backslash doubled), then {@code "}, {@code \} and
 *       {@code ]} escaped with a backslash as RFC 5424 section 6.3.3 requires.</li>
 *   <li>MSG is the text line {@code listen} prints. Pure ASCII (the usual case) is sent as is
 *       (MSG-ANY); a line with other characters is MSG-UTF8: a BOM, then UTF-8, as section 6.4
 *       requires.</li>
 * </ul>
 *
 * <p>A message longer than the size limit is cut to it: first MSG (on a character boundary), and
 * when the header and structured data alone are too long (a very long device name or path), the
 * SD-ELEMENT keeps only kind, serial and device. Callers count truncations.
 */
public final class SyslogFormat {
    /** The default SD-ID: "dmaudit" at RFC 5612's documentation enterprise number. */
    public static final String DEFAULT_SD_ID = "dmaudit@32473";
    /** Facility {@code daemon} (3): dmaudit is a system daemon; local0–7 are left to the site. */
    public static final int DEFAULT_FACILITY = 3;
    /** Severity numbers of RFC 5424 table 2 that dmaudit uses. */
    static final int CRIT = 2;
    static final int ERR = 3;
    static final int WARNING = 4;
    static final int INFO = 6;

    private static final String[] FACILITIES = {"kern", "user", "mail", "daemon", "auth", "syslog", "lpr", "news",
        "uucp", "cron", "authpriv", "ftp", "ntp", "audit", "alert", "clock",
        "local0", "local1", "local2", "local3", "local4", "local5", "local6", "local7"};
    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSXXX", Locale.ROOT).withZone(ZoneOffset.UTC);
    private static final byte[] BOM = {(byte) 0xef, (byte) 0xbb, (byte) 0xbf};

    private final int facility;
    private final String hostname;
    private final String procId;
    private final String sdId;
    private final int maxBytes;

    /**
     * One formatted message.
     *
     * @param bytes     the RFC 5424 message (no framing)
     * @param truncated whether it was cut to the size limit
     */
    public record Message(byte[] bytes, boolean truncated) {
    }

    /**
     * @param facility 0–23 ({@link #facility(String)})
     * @param hostname HOSTNAME: printable US-ASCII, at most 255 characters; null or empty for "-"
     * @param sdId     the SD-ID ({@link #checkSdId})
     * @param pid      PROCID
     * @param maxBytes the largest message produced (at least 480, RFC 5426's minimum)
     */
    public SyslogFormat(int facility, String hostname, String sdId, long pid, int maxBytes) {
        if (facility < 0 || facility > 23) {
            throw new IllegalArgumentException("facility must be 0-23");
        }
        if (maxBytes < 480) {
            throw new IllegalArgumentException("the size limit must be at least 480 bytes");
        }
        String whyNot = checkSdId(sdId);
        if (whyNot != null) {
            throw new IllegalArgumentException(whyNot);
        }
        this.facility = facility;
        this.hostname = headerField(hostname, 255);
        this.procId = Long.toString(pid);
        this.sdId = sdId;
        this.maxBytes = maxBytes;
    }

    /**
     * @param name a facility name ({@code daemon}, {@code local0}, …) or number 0–23
     * @return its number, or -1 when it is neither
     */
    public static int facility(String name) {
        String n = name.trim().toLowerCase(Locale.ROOT);
        for (int i = 0; i < FACILITIES.length; i++) {
            if (FACILITIES[i].equals(n)) {
                return i;
            }
        }
        try {
            int i = Integer.parseInt(n);
            return i >= 0 && i <= 23 ? i : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /**
     * RFC 5424 section 6.3.2: an SD-ID without {@code @} is reserved for IANA, so ours is
     * {@code name@PEN}; at most 32 printable US-ASCII characters without {@code = ] "} or space.
     *
     * @param id a candidate SD-ID
     * @return why it is not acceptable, or null
     */
    public static String checkSdId(String id) {
        if (id == null || id.isEmpty() || id.length() > 32) {
            return "an SD-ID has 1 to 32 characters";
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            if (c < 33 || c > 126 || c == '=' || c == ']' || c == '"') {
                return "an SD-ID is printable US-ASCII without '=', ']', '\"' or space";
            }
        }
        int at = id.indexOf('@');
        if (at < 1 || at != id.lastIndexOf('@') || at == id.length() - 1
                || !id.substring(at + 1).chars().allMatch(c -> c >= '0' && c <= '9' || c == '.')) {
            return "an SD-ID of our own is NAME@ENTERPRISE-NUMBER (digits), such as " + DEFAULT_SD_ID;
        }
        return null;
    }

    /**
     * @param event a delivered event
     * @return its RFC 5424 message
     */
    public Message format(Event event) {
        DmEvent dm = event.dm();
        int pri = facility * 8 + severity(event);
        String msgId = kind(event);
        StringBuilder head = new StringBuilder(512);
        head.append('<').append(pri).append(">1 ").append(TIME.format(Instant.ofEpochMilli(event.audit().timeMillis())))
                .append(' ').append(hostname).append(" dmaudit ").append(procId).append(' ').append(msgId).append(' ');
        int sdStart = head.length();
        structuredData(head, event, false);
        String line = TextEventWriter.format(event.audit(), dm);
        if (event.repeatSummary()) {
            line += " (repeated " + event.count() + " more times, " + Instant.ofEpochMilli(event.firstMillis())
                    + " .. " + Instant.ofEpochMilli(event.lastMillis()) + ")";
        }
        byte[] headBytes = head.toString().getBytes(StandardCharsets.UTF_8);
        boolean truncated = false;
        if (headBytes.length > maxBytes) {
            head.setLength(sdStart);
            structuredData(head, event, true);
            headBytes = head.toString().getBytes(StandardCharsets.UTF_8);
            truncated = true;
        }
        boolean ascii = line.chars().allMatch(c -> c < 0x80);
        byte[] msg = line.getBytes(StandardCharsets.UTF_8);
        int room = maxBytes - headBytes.length - 1 - (ascii ? 0 : BOM.length);
        int msgLength = msg.length;
        if (msgLength > room) {
            msgLength = utf8Prefix(msg, Math.max(0, room));
            truncated = true;
        }
        if (msgLength == 0) {
            return new Message(headBytes, truncated);
        }
        byte[] out = new byte[headBytes.length + 1 + (ascii ? 0 : BOM.length) + msgLength];
        System.arraycopy(headBytes, 0, out, 0, headBytes.length);
        int at = headBytes.length;
        out[at++] = ' ';
        if (!ascii) {
            System.arraycopy(BOM, 0, out, at, BOM.length);
            at += BOM.length;
        }
        System.arraycopy(msg, 0, out, at, msgLength);
        return new Message(out, truncated);
    }

    /**
     * RFC 6587 section 3.4.1 octet counting: {@code MSG-LEN SP SYSLOG-MSG}.
     *
     * @param message a syslog message
     * @return the frame for a TCP or TLS stream
     */
    public static byte[] octetCounted(byte[] message) {
        byte[] len = (message.length + " ").getBytes(StandardCharsets.US_ASCII);
        byte[] out = new byte[len.length + message.length];
        System.arraycopy(len, 0, out, 0, len.length);
        System.arraycopy(message, 0, out, len.length, message.length);
        return out;
    }

    /**
     * @param event an event
     * @return its RFC 5424 severity
     */
    static int severity(Event event) {
        DmEvent dm = event.dm();
        if (dm == null) {
            return INFO;
        }
        if (dm.isData()) {
            return dm.records().stream().anyMatch(r -> r.knownOp() == DmOp.VERITY_MAX_CORRUPTED_ERRORS) ? CRIT : ERR;
        }
        return dm.records().stream().allMatch(DmRecord::success) ? INFO : WARNING;
    }

    /** The JSON output's kind, used as MSGID. */
    static String kind(Event event) {
        DmEvent dm = event.dm();
        return dm == null ? "audit" : dm.isData() ? "dm_data" : "dm_control";
    }

    private void structuredData(StringBuilder b, Event event, boolean minimal) {
        DmEvent dm = event.dm();
        b.append('[').append(sdId);
        param(b, "kind", kind(event));
        param(b, "serial", Long.toString(event.audit().serial()));
        if (dm == null) {
            if (!minimal) {
                Set<String> types = new LinkedHashSet<>();
                for (AuditRecord r : event.audit().records()) {
                    types.add(r.typeName());
                }
                param(b, "types", String.join(",", types));
            }
            b.append(']');
            return;
        }
        if (dm.device() != null) {
            param(b, "device", dm.device().toString());
        }
        if (!minimal) {
            dmParams(b, event, dm);
        }
        b.append(']');
    }

    private static void dmParams(StringBuilder b, Event event, DmEvent dm) {
        if (dm.deviceName() != null) {
            param(b, "device_name", dm.deviceName());
        }
        DmRecord first = dm.first();
        param(b, "module", first.module());
        param(b, "op", first.op());
        if (first instanceof DmData d && d.hasSector()) {
            param(b, "sector", Long.toString(d.sector()));
        }
        param(b, "result", dm.records().stream().allMatch(DmRecord::success) ? "ok" : "failed");
        for (DmRecord r : dm.records()) {
            if (r instanceof DmControl c && c.errorMsg() != null && !"success".equals(c.errorMsg())) {
                param(b, "error_msg", c.errorMsg());
                break;
            }
        }
        ProcessInfo p = dm.process();
        if (p != null) {
            param(b, "pid", Long.toString(p.pid()));
            param(b, "uid", Long.toString(p.uid()));
            if (p.auidSet()) {
                param(b, "auid", Long.toString(p.auid()));
            }
            param(b, "comm", p.comm());
            param(b, "exe", p.exe());
        }
        if (event.repeatSummary()) {
            param(b, "repeat_count", Long.toString(event.count()));
            param(b, "repeat_first", Instant.ofEpochMilli(event.firstMillis()).toString());
            param(b, "repeat_last", Instant.ofEpochMilli(event.lastMillis()).toString());
        }
    }

    private static void param(StringBuilder b, String name, String value) {
        b.append(' ').append(name).append("=\"");
        escapeParamValue(b, Sanitize.visible(value));
        b.append('"');
    }

    /**
     * RFC 5424 section 6.3.3: inside PARAM-VALUE, {@code "}, {@code \} and {@code ]} are escaped
     * with a backslash.
     *
     * @param b     where to append
     * @param value the value
     */
    static void escapeParamValue(StringBuilder b, String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '"' || c == '\\' || c == ']') {
                b.append('\\');
            }
            b.append(c);
        }
    }

    /** The longest prefix of at most max bytes that ends on a character boundary. */
    private static int utf8Prefix(byte[] utf8, int max) {
        int n = Math.min(max, utf8.length);
        while (n > 0 && n < utf8.length && (utf8[n] & 0xc0) == 0x80) {
            n--; // utf8[n] continues the character that starts before it: cut before that character
        }
        return n;
    }

    /** A header field: printable US-ASCII, bounded, else "-" (the NILVALUE). */
    private static String headerField(String s, int max) {
        if (s == null || s.isEmpty() || s.length() > max) {
            return "-";
        }
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) < 33 || s.charAt(i) > 126) {
                return "-";
            }
        }
        return Objects.requireNonNull(s);
    }

    /** @return the hostname the kernel knows (/proc/sys/kernel/hostname), else the JDK's, else null */
    public static String localHostname() {
        try {
            String h = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/sys/kernel/hostname")).trim();
            if (!h.isEmpty()) {
                return h;
            }
        } catch (java.io.IOException | RuntimeException e) {
            // not Linux: ask the JDK
        }
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            return null;
        }
    }
}
