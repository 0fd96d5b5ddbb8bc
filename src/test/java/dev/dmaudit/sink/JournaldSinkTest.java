package dev.dmaudit.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import dev.dmaudit.event.CollectingSink;
import dev.dmaudit.event.DmEvent;
import dev.dmaudit.event.Event;
import dev.dmaudit.os.Errno;
import dev.dmaudit.os.JournalSocket;
import dev.dmaudit.os.LibC;
import dev.dmaudit.os.SyscallException;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What the journald sink sends for the real capture's events (priorities, ids, the binary-safe
 * field form), and the journal socket's error paths that a real journald does not produce on
 * demand (a scripted LibC).
 */
class JournaldSinkTest {
    @Test
    void priorityAndMessageIdFollowTheKindOfEvent() throws Exception {
        List<Event> events = CollectingSink.captureEvents();
        int data = 0;
        int failedCtr = 0;
        int control = 0;
        for (Event e : events) {
            DmEvent dm = e.dm();
            if (dm == null) {
                assertThat(JournaldSink.priority(e)).isEqualTo(JournaldSink.INFO);
                assertThat(JournaldSink.messageId(e)).isEqualTo(JournaldSink.ID_AUDIT);
            } else if (dm.isData()) {
                data++;
                assertThat(JournaldSink.priority(e)).isEqualTo(JournaldSink.ERR);
                assertThat(JournaldSink.messageId(e)).isEqualTo(JournaldSink.ID_DATA);
            } else if (dm.records().stream().anyMatch(r -> !r.success())) {
                failedCtr++; // the capture's refused table load: ctr res=0 then dtr res=1, one event
                assertThat(JournaldSink.priority(e)).isEqualTo(JournaldSink.WARNING);
                assertThat(JournaldSink.messageId(e)).isEqualTo(JournaldSink.ID_CONTROL_FAILED);
            } else {
                control++;
                assertThat(JournaldSink.priority(e)).isEqualTo(JournaldSink.INFO);
                assertThat(JournaldSink.messageId(e)).isEqualTo(JournaldSink.ID_CONTROL);
            }
        }
        assertThat(List.of(data, failedCtr, control)).allMatch(n -> n > 0);
    }

    @Test
    void aValueWithANewlineTakesTheLengthPrefixedForm() {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        JournaldSink.field(b, "A", "plain");
        JournaldSink.field(b, "B", "two\nlines");
        JournaldSink.field(b, "C", "");
        JournaldSink.field(b, "D", null);
        byte[] want = new byte[] {'A', '=', 'p', 'l', 'a', 'i', 'n', '\n', 'B', '\n', 9, 0, 0, 0, 0, 0, 0, 0,
            't', 'w', 'o', '\n', 'l', 'i', 'n', 'e', 's', '\n'};
        assertThat(b.toByteArray()).isEqualTo(want);
        assertThat(new String(b.toByteArray(), StandardCharsets.US_ASCII)).doesNotContain("C=").doesNotContain("D=");
    }

    /** A LibC where the probe and socket succeed, the datagram fails with {@code sendErrno}. */
    private static LibC libc(int sendErrno) {
        LibC libc = mock(LibC.class);
        when(libc.socket(anyInt(), anyInt(), anyInt())).thenReturn(7, 8);
        when(libc.strerror(anyInt())).thenReturn("scripted");
        when(libc.sendmsg(eq(8), any(), anyInt())).thenReturn((long) -sendErrno, 0L);
        return libc;
    }

    @Test
    void anEntryTooLargeForADatagramGoesThroughASealedMemfd() {
        LibC libc = libc(Errno.EMSGSIZE);
        when(libc.memfdCreate(anyString(), anyInt())).thenReturn(9);
        when(libc.write(eq(9), any(), anyLong())).thenAnswer(a -> a.getArgument(2));
        JournalSocket s = new JournalSocket(libc, Path.of("/run/test/socket"));
        s.send(new byte[1000], 1000);
        assertThat(s.sentViaMemfd()).isEqualTo(1);
        verify(libc).fcntl(9, 1033, 15); // F_ADD_SEALS: seal, shrink, grow, write
        verify(libc).close(9);
    }

    @Test
    void everyFailingCallIsATypedExceptionNamingItAndTheSocket() {
        LibC refused = libc(Errno.ECONNREFUSED);
        JournalSocket s = new JournalSocket(refused, Path.of("/run/test/socket"));
        assertThatThrownBy(() -> s.send(new byte[10], 10)).isInstanceOfSatisfying(SyscallException.class, e -> {
            assertThat(e.syscall()).isEqualTo("sendmsg (journal socket /run/test/socket)");
            assertThat(e.errno()).isEqualTo(Errno.ECONNREFUSED);
            assertThat(e.kind()).isEqualTo(SyscallException.Kind.OTHER); // not "another network namespace"
        });
        verify(refused, never()).memfdCreate(anyString(), anyInt());

        LibC noMemfd = libc(Errno.EMSGSIZE);
        when(noMemfd.memfdCreate(anyString(), anyInt())).thenReturn(-Errno.EMFILE);
        JournalSocket t = new JournalSocket(noMemfd, Path.of("/run/test/socket"));
        assertThatThrownBy(() -> t.send(new byte[10], 10)).isInstanceOfSatisfying(SyscallException.class,
                e -> assertThat(e.getMessage()).startsWith("memfd_create (journal socket /run/test/socket): EMFILE"));

        LibC noSeal = libc(Errno.EMSGSIZE);
        when(noSeal.memfdCreate(anyString(), anyInt())).thenReturn(9);
        when(noSeal.write(eq(9), any(), anyLong())).thenAnswer(a -> a.getArgument(2));
        when(noSeal.fcntl(9, 1033, 15)).thenReturn(-Errno.EINVAL);
        JournalSocket u = new JournalSocket(noSeal, Path.of("/run/test/socket"));
        assertThatThrownBy(() -> u.send(new byte[10], 10)).hasMessageStartingWith("fcntl(F_ADD_SEALS) (journal socket");
        verify(noSeal).close(9); // the memfd does not leak

        LibC nobody = mock(LibC.class);
        when(nobody.socket(anyInt(), anyInt(), anyInt())).thenReturn(7);
        when(nobody.connect(eq(7), any(), anyInt())).thenReturn(-Errno.ENOENT);
        when(nobody.strerror(anyInt())).thenReturn("No such file or directory");
        assertThatThrownBy(() -> new JournalSocket(nobody, Path.of("/run/test/socket")))
                .hasMessage("connect (journal socket /run/test/socket): ENOENT (No such file or directory)");
        verify(nobody).close(7);
    }

    @Test
    void aRefusedSendIsCountedAsFailedAndTheSinkGoesOn() throws Exception {
        LibC libc = libc(Errno.ECONNREFUSED); // the first send refused (journald restarting), the second accepted
        JournaldSink sink = new JournaldSink(new JournalSocket(libc, Path.of("/run/test/socket")));
        Event e = CollectingSink.captureEvents().get(0);
        sink.accept(e);
        sink.accept(e);
        assertThat(sink.counters()).isEqualTo(new dev.dmaudit.event.SinkCounters("journald", 1, 0, 1));
    }
}
