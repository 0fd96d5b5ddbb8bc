package dev.dmaudit.os;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Objects;

/**
 * The sending side of systemd-journald's native protocol (systemd's "Native Journal Protocol"
 * document; no libsystemd): one entry per datagram on an AF_UNIX datagram socket, and an entry too
 * large for a datagram written to a sealed memfd whose descriptor is sent alone with SCM_RIGHTS,
 * as {@code sd_journal_sendv} does.
 *
 * <p>Every call's result is checked; a failure is a {@link SyscallException} naming the call and
 * the journal socket. Not thread-safe: one sending thread. 64-bit Linux only (the struct layouts
 * below are LP64's, the same on x86-64 and AArch64).
 */
public final class JournalSocket implements AutoCloseable {
    /** Where journald listens on a systemd host. */
    public static final Path DEFAULT_PATH = Path.of("/run/systemd/journal/socket");

    private static final int AF_UNIX = 1;
    private static final int SOCK_DGRAM = 2;
    private static final int SOCK_CLOEXEC = 0x80000;
    private static final int SOL_SOCKET = 1;
    private static final int SCM_RIGHTS = 1;
    private static final int MSG_NOSIGNAL = 0x4000;
    private static final int MFD_CLOEXEC = 1;
    private static final int MFD_ALLOW_SEALING = 2;
    private static final int F_ADD_SEALS = 1033;
    /** F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE: journald maps only a fully sealed memfd. */
    private static final int ALL_SEALS = 1 | 2 | 4 | 8;
    /** sizeof(struct sockaddr_un): a 2-byte family and a 108-byte path. */
    private static final int SOCKADDR_UN = 110;
    private static final int MSGHDR = 56;
    private static final int IOVEC = 16;
    /** CMSG_SPACE(sizeof(int)) and CMSG_LEN(sizeof(int)) on LP64. */
    private static final int CMSG_SPACE_INT = 24;
    private static final int CMSG_LEN_INT = 20;

    private final LibC libc;
    private final String what;
    private final Memory addr = new Memory(SOCKADDR_UN);
    private final int addrLen;
    private final Memory msg = new Memory(MSGHDR);
    private final Memory iov = new Memory(IOVEC);
    private final Memory control = new Memory(CMSG_SPACE_INT);
    private Memory buf = new Memory(64 * 1024);
    private int fd;
    private long viaMemfd;

    /**
     * Opens an unconnected datagram socket for {@code path} and checks that a journal listens
     * there (a connect on a second socket), so a missing journal fails at start, not at the first
     * event.
     *
     * @param libc the C library
     * @param path the journal's native socket
     * @throws SyscallException when the socket cannot be made or nothing listens at {@code path}
     *     (ENOENT, ECONNREFUSED, EACCES)
     * @throws IllegalArgumentException for a path too long for {@code sockaddr_un}
     */
    public JournalSocket(LibC libc, Path path) {
        if (Native.POINTER_SIZE != 8) {
            throw new UnsupportedOperationException("the journal socket is implemented for 64-bit Linux only");
        }
        this.libc = Objects.requireNonNull(libc);
        this.what = "journal socket " + path;
        byte[] p = path.toString().getBytes(StandardCharsets.UTF_8);
        if (p.length == 0 || p.length > SOCKADDR_UN - 3) {
            throw new IllegalArgumentException("journal socket path too long (at most 107 bytes): " + path);
        }
        addr.clear();
        addr.setShort(0, (short) AF_UNIX);
        addr.write(2, p, 0, p.length);
        addrLen = 2 + p.length + 1;
        probe();
        fd = check("socket", libc.socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0));
    }

    private void probe() {
        int s = check("socket", libc.socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0));
        try {
            check("connect", libc.connect(s, addr, addrLen));
        } finally {
            libc.close(s); // a probe: its close cannot lose anything
        }
    }

    /**
     * Sends one serialized entry: as one datagram, or through a sealed memfd when the kernel
     * refuses a datagram that large (EMSGSIZE) or has no buffer for it (ENOBUFS).
     *
     * @param entry the entry in the native format ({@code KEY=value\n} or the binary-safe form)
     * @param len   how many bytes of {@code entry} to send
     * @throws SyscallException when the journal refuses it (e.g. ECONNREFUSED: journald is not running)
     */
    public void send(byte[] entry, int len) {
        if (fd < 0) {
            throw new IllegalStateException("closed");
        }
        if (buf.size() < len) {
            buf = new Memory(Math.max(len, buf.size() * 2));
        }
        buf.write(0, entry, 0, len);
        iov.setPointer(0, buf);
        iov.setLong(8, len);
        header(iov, 1, null, 0);
        long r = libc.sendmsg(fd, msg, MSG_NOSIGNAL);
        if (r == -Errno.EMSGSIZE || r == -Errno.ENOBUFS) {
            sendViaMemfd(len);
            return;
        }
        check("sendmsg", r);
    }

    private void sendViaMemfd(int len) {
        int mfd = check("memfd_create", libc.memfdCreate("journal-data", MFD_CLOEXEC | MFD_ALLOW_SEALING));
        try {
            long off = 0;
            while (off < len) {
                off += check("write(memfd)", libc.write(mfd, buf.share(off), len - off));
            }
            check("fcntl(F_ADD_SEALS)", libc.fcntl(mfd, F_ADD_SEALS, ALL_SEALS));
            control.clear();
            control.setLong(0, CMSG_LEN_INT);
            control.setInt(8, SOL_SOCKET);
            control.setInt(12, SCM_RIGHTS);
            control.setInt(16, mfd);
            header(null, 0, control, CMSG_SPACE_INT); // no payload: the descriptor is the entry
            check("sendmsg(SCM_RIGHTS)", libc.sendmsg(fd, msg, MSG_NOSIGNAL));
            viaMemfd++;
        } finally {
            libc.close(mfd); // journald holds its own reference once the message is queued
        }
    }

    private void header(Pointer iovs, int iovCount, Pointer ctl, int ctlLen) {
        msg.clear();
        msg.setPointer(0, addr);
        msg.setInt(8, addrLen);
        msg.setPointer(16, iovs);
        msg.setLong(24, iovCount);
        msg.setPointer(32, ctl);
        msg.setLong(40, ctlLen);
    }

    /** @return entries sent through a memfd so far */
    public long sentViaMemfd() {
        return viaMemfd;
    }

    private int check(String call, int r) {
        if (r < 0) {
            throw SyscallException.of(libc, call + " (" + what + ")", -r, "write access to the journal socket");
        }
        return r;
    }

    private long check(String call, long r) {
        if (r < 0) {
            throw SyscallException.of(libc, call + " (" + what + ")", (int) -r, "write access to the journal socket");
        }
        return r;
    }

    /** Closes the socket; a second call does nothing. */
    @Override
    public void close() {
        if (fd >= 0) {
            int f = fd;
            fd = -1;
            check("close", libc.close(f));
        }
    }
}
