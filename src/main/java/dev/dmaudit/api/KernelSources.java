package dev.dmaudit.api;

import dev.dmaudit.event.EventFilter;
import dev.dmaudit.netlink.AuditSocket;
import dev.dmaudit.netlink.AuditSocketOptions;
import dev.dmaudit.netlink.UeventSocket;
import dev.dmaudit.os.SyscallException;
import dev.dmaudit.record.RecordTypes;
import dev.dmaudit.record.TypeMapping;
import java.util.OptionalLong;

/** Opens the kernel's NETLINK_AUDIT socket as a {@link RecordSource}. */
final class KernelSources {
    /** Uevents come a few at a time (a device's add/change); 1 MiB absorbs a boot-time storm. */
    private static final int UEVENT_RECEIVE_BUFFER = 1 << 20;

    private KernelSources() {
    }

    /**
     * @throws DmAuditException naming the syscall and errno when it cannot
     */
    static RecordSource open(Mode mode, boolean enableAudit, int receiveBuffer, EventFilter filter, TypeMapping mapping,
                             boolean uevents) {
        AuditSocketOptions o = AuditSocketOptions.defaults()
                .withReceiveBuffer(receiveBuffer)
                .withEnableAudit(enableAudit)
                .withAcceptTypes(acceptTypes(filter, mapping));
        UeventSocket u = null;
        try {
            // The uevent socket first: it changes no kernel state, so a failure here leaves nothing to undo.
            u = uevents ? UeventSocket.open(UEVENT_RECEIVE_BUFFER) : null;
            return new KernelSource(mode == Mode.DAEMON ? AuditSocket.daemon(o) : AuditSocket.multicast(o), u);
        } catch (SyscallException e) {
            if (u != null) {
                u.close();
            }
            throw Failures.of(e);
        }
    }

    /**
     * The kernel-side filter: for DM events only the DM records and the SYSCALL/PROCTITLE/EOE that
     * complete them need to cross into user space; anything else asked for takes every type.
     */
    static int[] acceptTypes(EventFilter filter, TypeMapping mapping) {
        if (filter.all() || !filter.types().isEmpty()) {
            return null;
        }
        int ctrl = RecordTypes.DM_CTRL;
        int event = RecordTypes.DM_EVENT;
        if (!mapping.isStandard()) {
            // The aliases the mapping reads as DM types must pass too.
            for (int t = 1000; t <= 2999; t++) {
                if (t != RecordTypes.DM_CTRL && mapping.map(t) == RecordTypes.DM_CTRL) {
                    ctrl = t;
                } else if (t != RecordTypes.DM_EVENT && mapping.map(t) == RecordTypes.DM_EVENT) {
                    event = t;
                }
            }
        }
        return new int[] {ctrl, event, RecordTypes.DM_CTRL, RecordTypes.DM_EVENT, RecordTypes.SYSCALL,
                RecordTypes.PROCTITLE, RecordTypes.EOE};
    }

    /**
     * Adapts the transport to the listener's source interface: the audit socket and, when asked,
     * the uevent socket, served by the one reader thread (the audit socket's wait also ends when a
     * uevent is ready).
     */
    private static final class KernelSource implements RecordSource {
        private final AuditSocket socket;
        private final UeventSocket uevents;

        KernelSource(AuditSocket socket, UeventSocket uevents) {
            this.socket = socket;
            this.uevents = uevents;
            if (uevents != null) {
                socket.wakeAlsoOn(uevents.fd());
            }
        }

        @Override
        public int receive(byte[] buf, int timeoutMillis) {
            return socket.receive(buf, timeoutMillis);
        }

        @Override
        public int receiveUevent(byte[] buf) {
            if (uevents == null) {
                return -1;
            }
            try {
                return uevents.receive(buf);
            } catch (SyscallException e) {
                throw Failures.of(e);
            }
        }

        @Override
        public long ueventEnobufs() {
            return uevents == null ? 0 : uevents.enobufs();
        }

        @Override
        public long enobufs() {
            return socket.enobufs();
        }

        @Override
        public long nonKernelSenders() {
            return socket.nonKernelDropped();
        }

        @Override
        public long truncated() {
            return socket.truncated();
        }

        /** The transport says -1 when AUDIT_GET is refused (CAP_AUDIT_READ only): unknown, not 0. */
        @Override
        public OptionalLong kernelLostDelta() {
            long d = socket.kernelLostDelta();
            return d < 0 ? OptionalLong.empty() : OptionalLong.of(d);
        }

        @Override
        public Boolean auditEnabled() {
            try {
                return socket.status().auditEnabled();
            } catch (SyscallException e) {
                throw Failures.of(e);
            }
        }

        /** The audit socket first: its close returns once the reader has left its receive. */
        @Override
        public void close() {
            try {
                socket.close();
            } finally {
                if (uevents != null) {
                    uevents.close();
                }
            }
        }
    }
}
