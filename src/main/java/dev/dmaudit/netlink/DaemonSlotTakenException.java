package dev.dmaudit.netlink;

import dev.dmaudit.os.Errno;
import dev.dmaudit.os.SyscallException;

/** Daemon mode: the kernel refused AUDIT_SET pid with EEXIST because another process holds the slot. */
public final class DaemonSlotTakenException extends SyscallException {
    /** Serialization version. */
    private static final long serialVersionUID = 1L;
    /** The registered daemon's pid, 0 when unknown. */
    private final int holderPid;
    /** The registered daemon's command name, null when unknown. */
    private final String holderComm;

    /**
     * @param holderPid  the registered daemon's pid (from AUDIT_GET), or 0 when unknown
     * @param holderComm its command name from /proc/PID/comm, or null when unknown
     */
    public DaemonSlotTakenException(int holderPid, String holderComm) {
        super(Kind.DAEMON_SLOT_TAKEN, "AUDIT_SET pid", Errno.EEXIST,
                "AUDIT_SET pid: EEXIST: the audit daemon slot is held by "
                        + (holderPid > 0 ? "pid " + holderPid : "another process")
                        + (holderComm != null ? " (" + holderComm + ")" : "")
                        + "; stop it or use multicast mode");
        this.holderPid = holderPid;
        this.holderComm = holderComm;
    }

    /** @return the registered daemon's pid, or 0 when unknown */
    public int holderPid() {
        return holderPid;
    }

    /** @return its command name, or null when unknown */
    public String holderComm() {
        return holderComm;
    }
}
