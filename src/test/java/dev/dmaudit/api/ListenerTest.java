package dev.dmaudit.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.Mockito.atLeastOnce;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import dev.dmaudit.event.AuditEvent;
import dev.dmaudit.event.Event;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(30)
class ListenerTest {

    static byte[] datagram(int type, String text) {
        byte[] p = text.getBytes(StandardCharsets.UTF_8);
        byte[] d = new byte[16 + p.length];
        int len = d.length;
        d[0] = (byte) len;
        d[1] = (byte) (len >> 8);
        d[4] = (byte) type;
        d[5] = (byte) (type >> 8);
        System.arraycopy(p, 0, d, 16, p.length);
        return d;
    }

    static byte[] checksum(long serial, long sector) {
        return datagram(1339, "audit(1795838689.008:" + serial + "): module=integrity op=integrity-checksum dev=254:0 sector="
                + sector + " res=0");
    }

    /** A Mockito-mocked source that hands out the given datagrams, then reports timeouts until closed. */
    static RecordSource mockedSource(List<byte[]> datagrams, CountDownLatch drained) throws Exception {
        RecordSource s = mock(RecordSource.class);
        Deque<byte[]> pending = new ArrayDeque<>(datagrams);
        CountDownLatch closed = new CountDownLatch(1);
        when(s.receive(any(byte[].class), anyInt())).thenAnswer(inv -> {
            byte[] buf = inv.getArgument(0);
            byte[] next;
            synchronized (pending) {
                next = pending.poll();
            }
            if (next == null) {
                drained.countDown();
                int timeout = inv.getArgument(1);
                if (timeout < 0) {
                    closed.await(); // blocks until close(), as the kernel source does
                    return -1;
                }
                return closed.await(timeout, TimeUnit.MILLISECONDS) ? -1 : 0;
            }
            System.arraycopy(next, 0, buf, 0, next.length);
            return next.length;
        });
        org.mockito.Mockito.doAnswer(inv -> {
            closed.countDown();
            return null;
        }).when(s).close();
        return s;
    }

    @Test
    void slowConsumerCausesCountedDropsNeverABlockedReader() throws Exception {
        List<byte[]> in = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            in.add(checksum(100 + i, i));
        }
        CountDownLatch drained = new CountDownLatch(1);
        DmAuditListener l = DmAuditListener.builder().source(mockedSource(in, drained)).queueCapacity(10)
                .resolveDeviceNames(false).build().open();
        assertThat(drained.await(10, TimeUnit.SECONDS)).as("reader went through all input without a consumer").isTrue();
        l.close();
        List<Event> got = new ArrayList<>();
        l.forEach(got::add);
        Metrics m = l.metrics();
        assertThat(got).hasSize(10);
        assertThat(m.records()).isEqualTo(100);
        assertThat(m.delivered()).isEqualTo(10);
        assertThat(m.droppedByQueue()).isEqualTo(90);
        assertThat(m.delivered() + m.droppedByQueue()).isEqualTo(m.events());
    }

    @Test
    void closeDuringABlockedReceiveReturnsPromptly() throws Exception {
        RecordSource s = mock(RecordSource.class);
        CountDownLatch inReceive = new CountDownLatch(1);
        CountDownLatch closed = new CountDownLatch(1);
        when(s.receive(any(byte[].class), anyInt())).thenAnswer(inv -> {
            inReceive.countDown();
            closed.await(); // a receive that only close() ends, like a socket without timeout
            return -1;
        });
        org.mockito.Mockito.doAnswer(inv -> {
            closed.countDown();
            return null;
        }).when(s).close();
        List<Event> got = Collections.synchronizedList(new ArrayList<>());
        DmAuditListener l = DmAuditListener.builder().source(s).build().start(got::add);
        assertThat(inReceive.await(5, TimeUnit.SECONDS)).isTrue();
        long t0 = System.nanoTime();
        l.close();
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
        verify(s, atLeastOnce()).close();
        l.close(); // idempotent
    }

    @Test
    void closeFlushesOpenEventsToTheConsumer() throws Exception {
        CountDownLatch drained = new CountDownLatch(1);
        RecordSource s = mockedSource(List.of(datagram(1338, "audit(10.000:8): module=integrity op=ctr pid=7 comm=\"integritysetup\" "
                + "dev=254:0 error_msg='success' res=1")), drained);
        List<Event> got = Collections.synchronizedList(new ArrayList<>());
        DmAuditListener l = DmAuditListener.builder().source(s).groupTimeout(Duration.ofSeconds(60))
                .resolveDeviceNames(false).build().start(got::add);
        assertThat(drained.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(got).isEmpty(); // waiting for its EOE
        l.close();
        assertThat(got).hasSize(1);
        assertThat(got.get(0).audit().completion()).isEqualTo(AuditEvent.Completion.FLUSH);
        assertThat(got.get(0).dm().process().comm()).isEqualTo("integritysetup");
    }

    @Test
    void coalescingDeliversTheFirstAtOnceAndCountsEveryRepeat() throws Exception {
        List<byte[]> in = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            in.add(checksum(194 + i, 77480)); // the patch thread's ten identical records
        }
        in.add(checksum(300, 5));
        AtomicLong clock = new AtomicLong(1_000);
        CountDownLatch drained = new CountDownLatch(1);
        List<Event> got = Collections.synchronizedList(new ArrayList<>());
        DmAuditListener l = DmAuditListener.builder().source(mockedSource(in, drained)).coalesce(Duration.ofSeconds(5))
                .resolveDeviceNames(false).clock(clock::get).build().start(got::add);
        assertThat(drained.await(5, TimeUnit.SECONDS)).isTrue();
        l.close();
        assertThat(got).hasSize(3);
        assertThat(got.get(0).count()).isEqualTo(1);
        assertThat(got.get(0).audit().serial()).isEqualTo(194);
        Event summary = got.stream().filter(Event::repeatSummary).findFirst().orElseThrow();
        assertThat(summary.count()).isEqualTo(9);
        assertThat(got.stream().mapToLong(Event::count).sum()).isEqualTo(11);
        assertThat(l.metrics().coalesced()).isEqualTo(9);
    }

    @Test
    void throwingCallbackIsCountedAndDeliveryGoesOn() throws Exception {
        List<byte[]> in = List.of(checksum(1, 1), checksum(2, 2), checksum(3, 3));
        CountDownLatch drained = new CountDownLatch(1);
        AtomicLong calls = new AtomicLong();
        DmAuditListener l = DmAuditListener.builder().source(mockedSource(in, drained)).resolveDeviceNames(false).build()
                .start(e -> {
                    if (calls.incrementAndGet() == 2) {
                        throw new IllegalStateException("agent bug");
                    }
                });
        assertThat(drained.await(5, TimeUnit.SECONDS)).isTrue();
        l.close();
        assertThat(calls.get()).isEqualTo(3);
        assertThat(l.metrics().consumerErrors()).isEqualTo(1);
    }

    /** A sink writes once per burst: it hears endOfBurst when the queue is drained, after the events. */
    @Test
    void sinksGetEveryEventThenTheEndOfTheBurst() throws Exception {
        List<byte[]> in = List.of(checksum(1, 1), checksum(2, 2), checksum(3, 3));
        CountDownLatch drained = new CountDownLatch(1);
        List<String> calls = Collections.synchronizedList(new ArrayList<>());
        dev.dmaudit.event.Sink sink = new dev.dmaudit.event.Sink() {
            @Override
            public void accept(Event e) {
                calls.add("event " + e.audit().serial());
            }

            @Override
            public void endOfBurst() {
                calls.add("burst");
            }

            @Override
            public void close() {
                calls.add("close");
            }
        };
        List<Event> got = Collections.synchronizedList(new ArrayList<>());
        DmAuditListener l = DmAuditListener.builder().source(mockedSource(in, drained)).resolveDeviceNames(false)
                .sink(sink).build().start(got::add);
        assertThat(drained.await(5, TimeUnit.SECONDS)).isTrue();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (got.size() < 3 && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        l.close();
        assertThat(calls).filteredOn(c -> c.startsWith("event")).containsExactly("event 1", "event 2", "event 3");
        assertThat(calls.get(calls.indexOf("event 3") + 1)).isEqualTo("burst");
        assertThat(calls.get(calls.size() - 1)).isEqualTo("close");
        assertThat(got).hasSize(3); // the callback comes after the sinks
        assertThat(l.metrics().delivered()).isEqualTo(3);
    }

    /** Runs the events through a listener started with a callback; returns "thread serial" per call. */
    private static List<String> deliveredBy(List<byte[]> in, Mode mode) throws Exception {
        CountDownLatch drained = new CountDownLatch(1);
        List<String> calls = Collections.synchronizedList(new ArrayList<>());
        DmAuditListener l = DmAuditListener.builder().source(mockedSource(in, drained)).mode(mode).resolveDeviceNames(false)
                .build().start(e -> calls.add(Thread.currentThread().getName() + " " + e.audit().serial()));
        assertThat(drained.await(5, TimeUnit.SECONDS)).isTrue();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (calls.size() < in.size() && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        l.close();
        assertThat(l.metrics().delivered()).isEqualTo(in.size());
        return calls;
    }

    /** A lone event while the delivery thread is idle: the reader delivers it, no thread hand-off. */
    @Test
    void aLoneEventIsDeliveredOnTheReaderThread() throws Exception {
        assertThat(deliveredBy(List.of(checksum(5, 1)), Mode.MULTICAST)).containsExactly("dmaudit-reader 5");
    }

    /** The audit daemon keeps the hand-off: a sink stuck on the reader would stall audited processes. */
    @Test
    void theDaemonDeliversOnTheConsumerThread() throws Exception {
        assertThat(deliveredBy(List.of(checksum(5, 1)), Mode.DAEMON)).containsExactly("dmaudit-consumer 5");
    }

    /** A burst larger than a direct batch goes through the queue and the delivery thread, in order. */
    @Test
    void aBurstGoesThroughTheConsumerInOrder() throws Exception {
        List<byte[]> in = new ArrayList<>();
        List<String> expected = new ArrayList<>();
        for (int i = 0; i <= EventQueue.DIRECT_MAX; i++) {
            in.add(checksum(100 + i, i));
            expected.add("dmaudit-consumer " + (100 + i));
        }
        assertThat(deliveredBy(in, Mode.MULTICAST)).containsExactlyElementsOf(expected);
    }

    /** A callback on the reader thread may close the listener: every event once, in order, then the sinks close. */
    @Test
    void aCallbackOnTheReaderMayCloseTheListener() throws Exception {
        CountDownLatch drained = new CountDownLatch(1);
        // The first completes on arrival; the second waits for its EOE and is flushed by close().
        RecordSource s = mockedSource(List.of(checksum(1, 1), datagram(1338, "audit(10.000:8): module=integrity op=ctr pid=7 "
                + "comm=\"integritysetup\" dev=254:0 error_msg='success' res=1")), drained);
        List<String> calls = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch closed = new CountDownLatch(1);
        DmAuditListener[] self = new DmAuditListener[1];
        self[0] = DmAuditListener.builder().source(s).groupTimeout(Duration.ofSeconds(60)).resolveDeviceNames(false)
                .sink(new dev.dmaudit.event.Sink() {
                    @Override
                    public void accept(Event e) {
                        calls.add("sink " + e.audit().serial());
                    }

                    @Override
                    public void close() {
                        calls.add("close");
                        closed.countDown();
                    }
                }).build();
        self[0].start(e -> {
            calls.add(Thread.currentThread().getName() + " " + e.audit().serial());
            if (e.audit().serial() == 1) {
                self[0].close();
            }
        });
        assertThat(closed.await(20, TimeUnit.SECONDS)).isTrue();
        assertThat(calls).containsExactly("sink 1", "dmaudit-reader 1", "sink 8", "dmaudit-consumer 8", "close");
    }

    @Test
    void pullDeliveryRefusesSinks() throws Exception {
        DmAuditListener l = DmAuditListener.builder().source(mockedSource(List.of(), new CountDownLatch(1)))
                .sink(e -> { }).build();
        org.assertj.core.api.Assertions.assertThatThrownBy(l::open).isInstanceOf(IllegalStateException.class);
        l.close();
    }

    @Test
    void malformedDatagramsAreCountedNotFatal() throws Exception {
        List<byte[]> in = List.of(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}, datagram(1339, "no event id"), checksum(9, 9));
        CountDownLatch drained = new CountDownLatch(1);
        DmAuditListener l = DmAuditListener.builder().source(mockedSource(in, drained)).resolveDeviceNames(false).build().open();
        assertThat(drained.await(5, TimeUnit.SECONDS)).isTrue();
        l.close();
        assertThat(l.stream().count()).isEqualTo(1);
        assertThat(l.metrics().malformed()).isEqualTo(2);
    }

    @Test
    void devicesAreNamedFromSysfs(@TempDir Path sys) throws Exception {
        Path dev = sys.resolve("dev/block/254:0");
        Files.createDirectories(dev.resolve("dm"));
        Files.createDirectories(dev.resolve("slaves/loop0"));
        Files.writeString(dev.resolve("dm/name"), "integritytest\n");
        Files.writeString(dev.resolve("dm/uuid"), "CRYPT-INTEGRITY-integritytest\n");
        var names = new dev.dmaudit.event.DeviceNameResolver(sys);
        var info = names.lookup(new dev.dmaudit.record.DeviceNumber(254, 0));
        assertThat(info.name()).isEqualTo("integritytest");
        assertThat(info.uuid()).isEqualTo("CRYPT-INTEGRITY-integritytest");
        assertThat(info.slaves()).containsExactly("loop0");
        // lookup/name say what sysfs holds now; naming late events is nameFor's (DeviceNameResolverTest).
        Files.delete(dev.resolve("dm/name"));
        assertThat(names.name(new dev.dmaudit.record.DeviceNumber(254, 0))).isNull();
        assertThat(names.name(new dev.dmaudit.record.DeviceNumber(254, 7))).isNull();

        Files.writeString(dev.resolve("dm/name"), "integritytest\n");
        CountDownLatch drained = new CountDownLatch(1);
        DmAuditListener l = DmAuditListener.builder().source(mockedSource(List.of(checksum(5, 20000)), drained))
                .sysfsRoot(sys).build().open();
        assertThat(drained.await(5, TimeUnit.SECONDS)).isTrue();
        l.close();
        assertThat(l.stream().findFirst().orElseThrow().dm().deviceName()).isEqualTo("integritytest");
    }

    /**
     * A storm of audit datagrams with a uevent waiting from its start: the uevent is read within
     * the burst, and the uevent socket is read every UEVENT_CHECK_EVERY datagrams, not after each
     * (an empty read is a syscall per datagram).
     */
    @Test
    void aStormReadsTheUeventSocketNowAndThenNotAfterEveryDatagram() throws Exception {
        int burst = 1_000;
        Deque<byte[]> audit = new ArrayDeque<>();
        for (int i = 1; i <= burst; i++) {
            audit.add(checksum(i, i));
        }
        byte[] uevent = dev.dmaudit.record.UeventParserTest.captured().get(3);
        CountDownLatch drained = new CountDownLatch(1);
        CountDownLatch closed = new CountDownLatch(1);
        final class Storm implements RecordSource {
            int served;
            int ueventReadAt = -1;
            int ueventReadsDuringBurst;

            @Override
            public int receive(byte[] buf, int timeoutMillis) {
                byte[] d = audit.poll();
                if (d != null) {
                    served++;
                    System.arraycopy(d, 0, buf, 0, d.length);
                    return d.length;
                }
                drained.countDown();
                try {
                    if (timeoutMillis < 0) {
                        closed.await();
                        return -1;
                    }
                    return closed.await(timeoutMillis, TimeUnit.MILLISECONDS) ? -1 : 0;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return -1;
                }
            }

            @Override
            public int receiveUevent(byte[] buf) {
                if (served < burst) {
                    ueventReadsDuringBurst++;
                }
                if (ueventReadAt >= 0) {
                    return 0;
                }
                ueventReadAt = served;
                System.arraycopy(uevent, 0, buf, 0, uevent.length);
                return uevent.length;
            }

            @Override
            public void close() {
                closed.countDown();
            }
        }
        Storm storm = new Storm();
        List<Event> got = Collections.synchronizedList(new ArrayList<>());
        DmAuditListener l = DmAuditListener.builder().source(storm).uevents(true).resolveDeviceNames(false)
                .build().start(got::add);
        assertThat(drained.await(20, TimeUnit.SECONDS)).isTrue();
        l.close(); // joins the reader: its counters are safe to read now
        assertThat(storm.ueventReadAt).as("datagrams read before the uevent").isBetween(1, DmAuditListener.UEVENT_CHECK_EVERY);
        assertThat(storm.ueventReadsDuringBurst).isLessThanOrEqualTo(burst / DmAuditListener.UEVENT_CHECK_EVERY + 1);
        assertThat(got).filteredOn(e -> e.audit().records().isEmpty()).as("the uevent's event").hasSize(1);
        assertThat(got).hasSize(burst + 1);
    }

    /**
     * The wall clock steps back an hour while an event without EOE is open: it still ends at its
     * grouping timeout (300 ms of monotonic time), not an hour later.
     */
    @Test
    void anOpenEventTimesOutOnTimeWhenTheWallClockStepsBack() throws Exception {
        AtomicLong wall = new AtomicLong(1_795_838_689_000L);
        AtomicLong mono = new AtomicLong(1_000_000_000L);
        CountDownLatch drained = new CountDownLatch(1);
        List<Event> got = Collections.synchronizedList(new ArrayList<>());
        byte[] syscall = datagram(1300, "audit(1795838689.008:41): arch=c000003e syscall=16 success=yes exit=0 a0=3 a1=c138fd09"
                + " a2=0 a3=0 items=0 ppid=1 pid=2 auid=0 uid=0 gid=0 euid=0 suid=0 fsuid=0 egid=0 sgid=0 fsgid=0"
                + " tty=(none) ses=1 comm=\"dmsetup\" exe=\"/usr/sbin/dmsetup\" key=(null)");
        DmAuditListener l = DmAuditListener.builder().source(mockedSource(List.of(syscall), drained))
                .filter(dev.dmaudit.event.EventFilter.allEvents()).resolveDeviceNames(false).clocks(wall::get, mono::get)
                .build().start(got::add);
        assertThat(drained.await(5, TimeUnit.SECONDS)).isTrue();
        Thread.sleep(100);
        assertThat(got).as("open: no EOE yet, no time passed").isEmpty();
        wall.addAndGet(-3_600_000);
        mono.addAndGet(1_000_000_000L); // a second passes
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (got.isEmpty() && System.nanoTime() < until) {
            Thread.sleep(10);
        }
        assertThat(got).as("ended by its timeout").hasSize(1);
        assertThat(got.get(0).audit().serial()).isEqualTo(41);
        assertThat(l.metrics().timedOutEvents()).isEqualTo(1);
        l.close();
    }
}
