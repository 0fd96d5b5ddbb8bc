package dev.dmaudit.event;

/**
 * The task that caused a control event, from the DM_CTRL record's task info.
 *
 * @param pid  process id
 * @param ppid parent process id
 * @param uid  user id
 * @param auid login user id, or {@link #UNSET} (4294967295) when no login session set it
 * @param ses  session id, or {@link #UNSET}
 * @param tty  controlling terminal, e.g. {@code pts2} or {@code (none)}
 * @param comm command name (decoded)
 * @param exe  executable path (decoded)
 * @param subj LSM subject label, or null
 */
public record ProcessInfo(long pid, long ppid, long uid, long auid, long ses, String tty, String comm,
                          String exe, String subj) {
    /** The kernel's (u32)-1 for an unset auid or session. */
    public static final long UNSET = 4294967295L;

    /** @return true when the login uid is set */
    public boolean auidSet() {
        return auid != UNSET && auid >= 0;
    }
}
