package dev.dmaudit.os;


/**
 * The calling thread's nice value. On Linux, nice is per thread and a new thread starts with its
 * creator's, which is how a listener raises the priority of just its reader and consumer threads:
 * the starting thread raises its own, starts them, and goes back. Raising priority (a lower nice)
 * needs CAP_SYS_NICE (or RLIMIT_NICE); going back never does.
 */
public final class ThreadPriority {
    private final LibC libc;

    ThreadPriority(LibC libc) {
        this.libc = libc;
    }

    /** @return the calling thread's priority control, over the C library */
    public static ThreadPriority system() {
        return new ThreadPriority(DirectLibC.get());
    }

    /**
     * @return the calling thread's nice value, -20..19
     * @throws SyscallException naming getpriority and the errno when it fails
     */
    public int nice() {
        int r = libc.getpriority(0);
        if (r < 0) {
            throw SyscallException.of(libc, "getpriority", -r, "CAP_SYS_NICE");
        }
        return 20 - r;
    }

    /**
     * @param nice the calling thread's new nice value (clamped to -20..19)
     * @throws SyscallException naming setpriority and the errno (kind PERMISSION for EACCES/EPERM:
     *     a lower nice needs CAP_SYS_NICE)
     */
    public void setNice(int nice) {
        int n = Math.max(-20, Math.min(19, nice));
        int r = libc.setpriority(0, n);
        if (r < 0) {
            throw SyscallException.of(libc, "setpriority", -r, "CAP_SYS_NICE");
        }
    }
}
