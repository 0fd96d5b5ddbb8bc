package dev.dmaudit.sink;

import dev.dmaudit.event.DmControl;
import dev.dmaudit.event.DmEvent;
import dev.dmaudit.event.DmOp;
import dev.dmaudit.event.DmRecord;
import dev.dmaudit.event.Event;
import dev.dmaudit.event.ProcessInfo;
import dev.dmaudit.event.SinkCounters;
import dev.dmaudit.event.SyscallInfo;
import dev.dmaudit.os.JournalSocket;
import dev.dmaudit.os.SyscallException;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Each event as one systemd journal entry, sent over journald's native protocol
 * ({@link JournalSocket}): {@code MESSAGE} (the text line of {@code --format text}),
 * {@code PRIORITY}, a fixed {@code MESSAGE_ID} per kind of event, {@code SYSLOG_IDENTIFIER=dmaudit}
 * and the typed fields as {@code DMAUDIT_*}. README "journald" lists the fields and ids.
 *
 * <p>A send the journal refuses (journald restarting, its socket gone) counts the event as failed
 * and logs the first failure and every power of two; the sink goes on, so the journal gets events
 * again once it is back. Sending blocks while journald's queue is full: wrap the sink in
 * {@link QueuedSink} so that never holds the listener.
 */
public final class JournaldSink implements SpoolableSink {
    private static final System.Logger LOG = System.getLogger(JournaldSink.class.getName());

    /** MESSAGE_ID of a successful constructor or destructor (and other successful DM_CTRL ops). */
    public static final String ID_CONTROL = "28564fad19ea41f1be93bd822da494a8";
    /** MESSAGE_ID of a failed DM_CTRL operation (a refused table load: a failed ctr). */
    public static final String ID_CONTROL_FAILED = "db5a3f10462d42e39f320481897bc9f3";
    /** MESSAGE_ID of a data integrity failure (DM_EVENT: checksum, MAC, AEAD, verity hash). */
    public static final String ID_DATA = "0f543ee371524b60925c67da15691a63";
    /** MESSAGE_ID of a non-DM audit event ({@code listen --all}). */
    public static final String ID_AUDIT = "97e9d2d18aba43cabf456b8f75ad9c36";

    /** syslog(3) priorities. */
    static final int CRIT = 2;
    static final int ERR = 3;
    static final int WARNING = 4;
    static final int INFO = 6;

    /** A byte buffer whose array the socket can read without a copy. */
    private static final class Entry extends ByteArrayOutputStream {
        Entry() {
            super(4096);
        }

        byte[] bytes() {
            return buf;
        }
    }

    private final JournalSocket socket;
    private final Entry entry = new Entry();
    private volatile long delivered;
    private volatile long failed;

    /**
     * @param socket an open journal socket; closed with this sink
     */
    public JournaldSink(JournalSocket socket) {
        this.socket = socket;
    }

    @Override
    public void accept(Event event) {
        encode(event, entry);
        send(entry.bytes(), entry.size());
    }

    /** The entry in the native format, as {@link #accept} sends it. */
    @Override
    public byte[] encode(Event event) {
        ByteArrayOutputStream b = new ByteArrayOutputStream(1024);
        encode(event, b);
        return b.toByteArray();
    }

    /** Sends an entry {@link #encode} made (possibly spooled by an earlier run). */
    @Override
    public void acceptEncoded(byte[] encoded) {
        send(encoded, encoded.length);
    }

    private void send(byte[] bytes, int len) {
        try {
            socket.send(bytes, len);
            delivered++; // one writing thread: volatile for the readers suffices
        } catch (SyscallException e) {
            long n = ++failed;
            if (Long.bitCount(n) == 1) {
                LOG.log(System.Logger.Level.WARNING, "journald: " + e.getMessage() + " (" + n
                        + " events not journaled so far, counted in --stats as sink.journald.failed)");
            }
        }
    }

    /** @return entries sent through a sealed memfd (too large for a datagram) */
    public long sentViaMemfd() {
        return socket.sentViaMemfd();
    }

    @Override
    public SinkCounters counters() {
        return new SinkCounters("journald", delivered, 0, failed);
    }

    @Override
    public void close() {
        socket.close();
    }

    /**
     * @param event an event
     * @return its syslog priority: crit when dm-verity gave up on a device (max-corrupted-errors),
     *     err for other data integrity failures, warning for a failed control op (a failed ctr),
     *     info for everything else (ctr, dtr, non-DM audit events)
     */
    static int priority(Event event) {
        DmEvent dm = event.dm();
        if (dm == null) {
            return INFO;
        }
        if (dm.isData()) {
            for (DmRecord r : dm.records()) {
                if (r.knownOp() == DmOp.VERITY_MAX_CORRUPTED_ERRORS) {
                    return CRIT;
                }
            }
            return ERR;
        }
        for (DmRecord r : dm.records()) {
            if (!r.success()) {
                return WARNING;
            }
        }
        return INFO;
    }

    /**
     * @param event an event
     * @return its MESSAGE_ID (one of the {@code ID_} constants)
     */
    static String messageId(Event event) {
        DmEvent dm = event.dm();
        if (dm == null) {
            return ID_AUDIT;
        }
        if (dm.isData()) {
            return ID_DATA;
        }
        return priority(event) == WARNING ? ID_CONTROL_FAILED : ID_CONTROL;
    }

    /** Serializes one entry in the native format into {@code out} (reset first). */
    static void encode(Event event, ByteArrayOutputStream out) {
        out.reset();
        field(out, "MESSAGE", TextEventWriter.line(event));
        field(out, "PRIORITY", Integer.toString(priority(event)));
        field(out, "MESSAGE_ID", messageId(event));
        field(out, "SYSLOG_IDENTIFIER", "dmaudit");
        for (Map.Entry<String, String> e : ExecSink.environment(event).entrySet()) {
            field(out, e.getKey(), e.getValue());
        }
        if (event.repeatSummary()) {
            field(out, "DMAUDIT_REPEAT_COUNT", Long.toString(event.count()));
        }
        DmEvent dm = event.dm();
        if (dm == null) {
            return;
        }
        if (dm.first() instanceof DmControl c) {
            field(out, "DMAUDIT_ERROR_MSG", c.errorMsg());
        }
        field(out, "DMAUDIT_RECORDS", Integer.toString(dm.records().size()));
        ProcessInfo p = dm.process();
        if (p != null) {
            field(out, "DMAUDIT_PID", Long.toString(p.pid()));
            field(out, "DMAUDIT_PPID", Long.toString(p.ppid()));
            field(out, "DMAUDIT_UID", Long.toString(p.uid()));
            if (p.auidSet()) {
                field(out, "DMAUDIT_AUID", Long.toString(p.auid()));
            }
            field(out, "DMAUDIT_COMM", p.comm());
            field(out, "DMAUDIT_EXE", p.exe());
            field(out, "DMAUDIT_TTY", p.tty());
            field(out, "DMAUDIT_SUBJ", p.subj());
        }
        SyscallInfo s = dm.syscall();
        if (s != null) {
            if (s.syscall() >= 0) {
                field(out, "DMAUDIT_SYSCALL", Integer.toString(s.syscall()));
                field(out, "DMAUDIT_SYSCALL_EXIT", Long.toString(s.exit()));
            }
            field(out, "DMAUDIT_PROCTITLE", s.proctitle());
        }
    }

    /**
     * One field: {@code NAME=value\n}, or, when the value holds a newline, the protocol's
     * binary-safe form: the name, a newline, the value's length as a 64-bit little-endian integer,
     * the value, a newline. Null and empty values are left out.
     */
    static void field(ByteArrayOutputStream out, String name, String value) {
        if (value == null || value.isEmpty()) {
            return;
        }
        byte[] n = name.getBytes(StandardCharsets.US_ASCII);
        byte[] v = value.getBytes(StandardCharsets.UTF_8);
        out.write(n, 0, n.length);
        if (value.indexOf('\n') < 0) {
            out.write('=');
        } else {
            out.write('\n');
            long len = v.length;
            for (int i = 0; i < 8; i++) {
                out.write((int) (len >>> (8 * i)) & 0xff);
            }
        }
        out.write(v, 0, v.length);
        out.write('\n');
    }
}
