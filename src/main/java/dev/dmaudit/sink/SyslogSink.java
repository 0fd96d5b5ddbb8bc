package dev.dmaudit.sink;

import dev.dmaudit.event.Event;
import dev.dmaudit.event.Sink;
import dev.dmaudit.event.SinkCounters;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * {@code listen --syslog}: events as RFC 5424 messages ({@link SyslogFormat}) to a collector over
 * UDP (RFC 5426: one datagram each), TCP (RFC 6587 octet counting) or TLS (RFC 5425).
 *
 * <p>{@link #accept} formats the event and appends the message to a bounded buffer; a sender
 * thread of this sink's own connects, writes and, when the collector is unreachable, retries with
 * exponential back-off (from {@code retryMin}, doubling up to {@code retryMax}), so a collector
 * outage or restart costs nothing as long as the buffer holds: on reconnection the buffered
 * messages go out in order. A message that finds the buffer full is dropped and counted
 * ({@code dropped}); the oldest ones are kept, since the start of an incident matters most.
 *
 * <p>Delivery guarantee. A message leaves the buffer when the socket accepted it. A write that
 * fails is sent again, whole, on the next connection (so a batch cut in the middle can arrive
 * twice: at least once for it). Bytes the kernel accepted before the collector died unread are
 * lost without any error: plain syslog has no acknowledgements, so for them the guarantee is at
 * most once. Before each write the sink checks whether the collector has closed the connection
 * (a read that waits at most 1 ms), so a collector stopped or restarted between two writes loses
 * nothing; a new connection is watched for 100 ms first, so a collector that accepts and then
 * refuses (a session limit; a TLS 1.3 server rejecting our client certificate after the handshake)
 * counts as unreachable. What is written within the moment a collector dies can be lost unseen. Over UDP nothing says a datagram arrived; a refusal the
 * kernel reports (ICMP port unreachable) counts the one datagram it is known to concern as
 * {@code failed} and the sink then treats the collector as down like TCP's.
 *
 * <p>Messages longer than the size limit are cut ({@link SyslogFormat}) and counted
 * ({@link #truncated}, logged at the first and every power of two).
 */
public final class SyslogSink implements Sink {
    private static final System.Logger LOG = System.getLogger(SyslogSink.class.getName());
    /** Bytes written to a stream at once. */
    private static final int BATCH_BYTES = 64 * 1024;
    private static final int CONNECT_TIMEOUT_MILLIS = 5000;
    /**
     * How long a new connection is watched before the first write: a collector that refuses it
     * only after accepting (rsyslog over its session limit; TLS 1.3, where the server checks the
     * client certificate after our side of the handshake is done) closes it within this time.
     */
    private static final int SETTLE_MILLIS = 100;

    /**
     * @param address    where to send
     * @param format     how messages look
     * @param bufferCap  messages buffered while the collector is unreachable (at least 1)
     * @param retryMin   first reconnection delay
     * @param retryMax   longest reconnection delay
     * @param closeGrace how long close() keeps trying to send what is buffered
     * @param tls        the TLS context (tls:// only)
     * @param tlsName    the name the collector's certificate must carry (tls://), or null to skip
     *                   that check (the chain is still verified)
     */
    public record Settings(SyslogAddress address, SyslogFormat format, int bufferCap, Duration retryMin,
                           Duration retryMax, Duration closeGrace, SSLContext tls, String tlsName) {
        /** Checks the values. */
        public Settings {
            Objects.requireNonNull(address);
            Objects.requireNonNull(format);
            if (bufferCap < 1 || retryMin.isNegative() || retryMin.isZero() || retryMax.compareTo(retryMin) < 0
                    || closeGrace.isNegative()) {
                throw new IllegalArgumentException("buffer at least 1, 0 < retryMin <= retryMax, closeGrace >= 0");
            }
            if ((address.transport() == SyslogAddress.Transport.TLS) != (tls != null)) {
                throw new IllegalArgumentException("a TLS context goes with tls:// and only with it");
            }
        }
    }

    private final Settings settings;
    private final boolean stream;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition ready = lock.newCondition();
    /** Guarded by lock. Only the sender removes, from the front; accept adds at the back. */
    private final ArrayDeque<byte[]> buffer = new ArrayDeque<>();
    private final AtomicLong delivered = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong truncated = new AtomicLong();
    private final AtomicLong connections = new AtomicLong();
    private final AtomicLong attempts = new AtomicLong();
    /** Guarded by lock. */
    private boolean closing;
    private volatile boolean abandon;
    private volatile Connection connection;
    private Thread sender;

    /** @param settings where and how */
    public SyslogSink(Settings settings) {
        this.settings = Objects.requireNonNull(settings);
        this.stream = settings.address().transport() != SyslogAddress.Transport.UDP;
    }

    /** Formats the event and buffers it for the sender; never waits for the network. */
    @Override
    public void accept(Event event) {
        SyslogFormat.Message m = settings.format().format(event);
        if (m.truncated()) {
            long n = truncated.incrementAndGet();
            if (Long.bitCount(n) == 1) {
                LOG.log(System.Logger.Level.WARNING, "syslog: a message was longer than the size limit and was cut ("
                        + n + " so far)");
            }
        }
        byte[] bytes = stream ? SyslogFormat.octetCounted(m.bytes()) : m.bytes();
        lock.lock();
        try {
            if (closing) {
                throw new IllegalStateException("closed");
            }
            if (sender == null) {
                sender = new Thread(this::run, "dmaudit-syslog-sender");
                sender.setDaemon(true); // a hung collector never keeps the JVM alive
                sender.start();
            }
            if (buffer.size() >= settings.bufferCap()) {
                long n = dropped.incrementAndGet();
                if (Long.bitCount(n) == 1) {
                    LOG.log(System.Logger.Level.WARNING, "syslog: " + settings.bufferCap() + " messages already wait for "
                            + settings.address() + "; " + n + " dropped so far (counted in --stats as sink.syslog.dropped)");
                }
                return;
            }
            buffer.addLast(bytes);
            ready.signal();
        } finally {
            lock.unlock();
        }
    }

    private void run() {
        long backoff = settings.retryMin().toNanos();
        long nextAttempt = System.nanoTime();
        boolean down = false;
        List<byte[]> batch = new ArrayList<>();
        try {
            while (!abandon) {
                batch.clear();
                lock.lock();
                try {
                    while (buffer.isEmpty() && !closing && !abandon) {
                        ready.await();
                    }
                    if (buffer.isEmpty() || abandon) {
                        return; // closing and everything sent
                    }
                    long wait = nextAttempt - System.nanoTime();
                    if (connection == null && wait > 0) {
                        ready.awaitNanos(wait); // woken early by new messages or close: check again
                        continue;
                    }
                    int bytes = 0;
                    for (byte[] m : buffer) {
                        if (!batch.isEmpty() && (!stream || bytes + m.length > BATCH_BYTES)) {
                            break;
                        }
                        batch.add(m);
                        bytes += m.length;
                    }
                } finally {
                    lock.unlock();
                }
                Connection c = connection;
                if (c == null) {
                    try {
                        attempts.incrementAndGet();
                        c = connect();
                        if (stream && c.peerClosed(SETTLE_MILLIS)) {
                            drop(c);
                            throw new IOException("the collector closed the connection at once (refused: a session limit,"
                                    + " or our TLS client certificate?)");
                        }
                        connection = c;
                        connections.incrementAndGet();
                        backoff = settings.retryMin().toNanos();
                        if (down) {
                            LOG.log(System.Logger.Level.INFO, "syslog: connected to " + settings.address() + " again; sending "
                                    + buffered() + " buffered messages");
                            down = false;
                        }
                    } catch (IOException | RuntimeException e) {
                        if (!down) {
                            LOG.log(System.Logger.Level.WARNING, "syslog: cannot reach " + settings.address() + ": " + reason(e)
                                    + "; buffering up to " + settings.bufferCap() + " messages and retrying");
                            down = true;
                        }
                        nextAttempt = System.nanoTime() + backoff;
                        backoff = Math.min(backoff * 2, settings.retryMax().toNanos());
                        continue;
                    }
                } else if (stream && c.peerClosed(1)) {
                    drop(c);
                    nextAttempt = System.nanoTime(); // at once: a restarted collector is usually back
                    continue;
                }
                try {
                    c.write(batch);
                } catch (IOException | RuntimeException e) {
                    if (e instanceof PortUnreachableException) {
                        // The kernel reports an ICMP refusal of the previous datagram on this send.
                        delivered.decrementAndGet();
                        failed.incrementAndGet();
                    }
                    fail(c, e, down);
                    down = true;
                    nextAttempt = System.nanoTime() + backoff;
                    backoff = Math.min(backoff * 2, settings.retryMax().toNanos());
                    continue;
                }
                lock.lock();
                try {
                    for (int i = 0; i < batch.size(); i++) {
                        buffer.removeFirst();
                    }
                } finally {
                    lock.unlock();
                }
                delivered.addAndGet(batch.size());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            Connection c = connection;
            if (c != null) {
                drop(c);
            }
        }
    }

    private void fail(Connection c, Exception e, boolean wasDown) {
        if (!wasDown) {
            LOG.log(System.Logger.Level.WARNING, "syslog: sending to " + settings.address() + " failed: " + reason(e)
                    + "; buffering up to " + settings.bufferCap() + " messages and reconnecting");
        }
        drop(c);
    }

    private void drop(Connection c) {
        connection = null;
        try {
            c.close();
        } catch (IOException e) {
            // a broken connection: nothing more to learn from closing it
        }
    }

    private static String reason(Exception e) {
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }

    /** @return messages waiting for the collector now */
    public int buffered() {
        lock.lock();
        try {
            return buffer.size();
        } finally {
            lock.unlock();
        }
    }

    private Connection connect() throws IOException {
        SyslogAddress a = settings.address();
        InetSocketAddress to = new InetSocketAddress(a.host(), a.port());
        if (to.isUnresolved()) {
            throw new IOException("cannot resolve " + a.host());
        }
        if (a.transport() == SyslogAddress.Transport.UDP) {
            return new Udp(to);
        }
        Socket plain = new Socket();
        try {
            plain.connect(to, CONNECT_TIMEOUT_MILLIS);
            plain.setKeepAlive(true);
            if (a.transport() == SyslogAddress.Transport.TCP) {
                return new Stream(plain);
            }
            String name = settings.tlsName() != null ? settings.tlsName() : a.host();
            SSLSocket s = (SSLSocket) settings.tls().getSocketFactory().createSocket(plain, name, a.port(), true);
            SSLParameters p = s.getSSLParameters();
            if (settings.tlsName() != null) {
                // RFC 5425 section 5.2: the collector's certificate must name it; HTTPS's rules are RFC 6125's.
                p.setEndpointIdentificationAlgorithm("HTTPS");
                if (!isAddressLiteral(name)) {
                    p.setServerNames(List.of(new SNIHostName(name)));
                }
            }
            s.setSSLParameters(p);
            s.setSoTimeout(CONNECT_TIMEOUT_MILLIS);
            s.startHandshake();
            s.setSoTimeout(0);
            return new Stream(s);
        } catch (IOException | RuntimeException e) {
            plain.close();
            throw e;
        }
    }

    private static boolean isAddressLiteral(String host) {
        return host.indexOf(':') >= 0 || host.chars().allMatch(c -> c == '.' || c >= '0' && c <= '9');
    }

    /** A connection to the collector, used by the sender thread only (closed by close() too). */
    private interface Connection extends Closeable {
        /** Writes the messages (stream: at once; datagram: the one message). */
        void write(List<byte[]> messages) throws IOException;

        /**
         * @param waitMillis how long to wait for a sign of life or death (at least 1)
         * @return true when the collector closed the connection (stream transports)
         */
        boolean peerClosed(int waitMillis);
    }

    private static final class Udp implements Connection {
        private final DatagramSocket socket;

        Udp(InetSocketAddress to) throws IOException {
            socket = new DatagramSocket();
            socket.connect(to); // so that the kernel reports ICMP refusals to us
        }

        @Override
        public void write(List<byte[]> messages) throws IOException {
            for (byte[] m : messages) {
                socket.send(new DatagramPacket(m, m.length));
            }
        }

        @Override
        public boolean peerClosed(int waitMillis) {
            return false;
        }

        @Override
        public void close() {
            socket.close();
        }
    }

    private static final class Stream implements Connection {
        private final Socket socket;
        private final OutputStream out;
        private final InputStream in;
        private final byte[] probe = new byte[512];
        private byte[] joined = new byte[BATCH_BYTES];

        Stream(Socket socket) throws IOException {
            this.socket = socket;
            this.out = socket.getOutputStream();
            this.in = socket.getInputStream();
        }

        @Override
        public void write(List<byte[]> messages) throws IOException {
            int n = 0;
            for (byte[] m : messages) {
                n += m.length;
            }
            if (joined.length < n) {
                joined = new byte[n];
            }
            int at = 0;
            for (byte[] m : messages) {
                System.arraycopy(m, 0, joined, at, m.length);
                at += m.length;
            }
            out.write(joined, 0, n);
            out.flush();
        }

        /**
         * A collector sends nothing on a syslog connection, so a read that returns at once means
         * it closed (end of stream, a reset, a TLS close_notify); one that times out means it is
         * still there. TLS 1.3 session tickets are consumed by the TLS layer.
         */
        @Override
        public boolean peerClosed(int waitMillis) {
            try {
                socket.setSoTimeout(waitMillis);
                while (true) {
                    int r = in.read(probe);
                    if (r < 0) {
                        return true;
                    }
                    // bytes from a collector are ignored (a syslog collector has nothing to say)
                }
            } catch (SocketTimeoutException e) {
                return false;
            } catch (IOException e) {
                return true;
            } finally {
                try {
                    socket.setSoTimeout(0);
                } catch (IOException e) {
                    // closed meanwhile: the next write says so
                }
            }
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    /**
     * Sends what is buffered for at most the grace period, then gives up: what is left is counted
     * as dropped.
     */
    @Override
    public void close() {
        Thread t;
        lock.lock();
        try {
            if (closing) {
                return;
            }
            closing = true;
            ready.signalAll();
            t = sender;
        } finally {
            lock.unlock();
        }
        if (t == null) {
            return;
        }
        try {
            t.join(Math.max(1, settings.closeGrace().toMillis()));
            if (t.isAlive()) {
                abandon = true;
                Connection c = connection;
                if (c != null) {
                    drop(c); // unblocks a write to a collector that stopped reading
                }
                lock.lock();
                try {
                    ready.signalAll();
                } finally {
                    lock.unlock();
                }
                t.join(1000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (truncated.get() > 0) {
            LOG.log(System.Logger.Level.INFO, "syslog: " + truncated.get() + " messages were cut to the size limit (--syslog-max-size)");
        }
        int left = buffered();
        if (left > 0) {
            dropped.addAndGet(left);
            LOG.log(System.Logger.Level.WARNING, "syslog: " + settings.address() + " still unreachable after "
                    + settings.closeGrace().toMillis() + " ms at exit; " + left + " buffered messages dropped (counted)");
        }
    }

    @Override
    public SinkCounters counters() {
        return new SinkCounters("syslog", delivered.get(), dropped.get(), failed.get());
    }

    /** @return messages cut to the size limit */
    public long truncated() {
        return truncated.get();
    }

    /** @return connections made and kept past their first moment (the first and every reconnection) */
    public long connections() {
        return connections.get();
    }

    /** @return connection attempts, failed ones included */
    public long attempts() {
        return attempts.get();
    }
}
