package dev.dmaudit.record;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Audit record type numbers and names (generated from {@code include/uapi/linux/audit.h} and
 * audit-userspace's {@code libaudit.h}; see {@code tools/gen-record-types}). Unknown numbers are
 * named {@code UNKNOWN[n]}, as auditd does.
 */
public final class RecordTypes {
    /** AUDIT_GET: status request/reply. */
    public static final int GET = 1000;
    /** AUDIT_SET: status change. */
    public static final int SET = 1001;
    /** AUDIT_SYSCALL. */
    public static final int SYSCALL = 1300;
    /** AUDIT_CWD. */
    public static final int CWD = 1307;
    /** AUDIT_EOE: end of a multi-record event. */
    public static final int EOE = 1320;
    /** AUDIT_PROCTITLE. */
    public static final int PROCTITLE = 1327;
    /** AUDIT_REPLACE: the kernel asks whether the registered daemon is alive. */
    public static final int REPLACE = 1329;
    /** AUDIT_EVENT_LISTENER: a task joined the multicast group. */
    public static final int EVENT_LISTENER = 1335;
    /** AUDIT_URINGOP (mainline); DM_CTRL in the pre-merge dm-audit patch. */
    public static final int URINGOP = 1336;
    /** AUDIT_OPENAT2 (mainline); DM_EVENT in the pre-merge dm-audit patch. */
    public static final int OPENAT2 = 1337;
    /** AUDIT_DM_CTRL: a device-mapper target was constructed or destroyed. */
    public static final int DM_CTRL = 1338;
    /** AUDIT_DM_EVENT: a device-mapper target reported an integrity event. */
    public static final int DM_EVENT = 1339;
    /** AUDIT_USER: a message from user space in the old, command-range number (auditctl -m). */
    public static final int USER = 1005;
    /** AUDIT_LOGIN: the kernel's record of a loginuid change (with its SYSCALL, in the command range). */
    public static final int LOGIN = 1006;
    /** First user-space message type. */
    public static final int FIRST_USER_MSG = 1100;
    /** Last user-space message type of the first block. */
    public static final int LAST_USER_MSG = 1199;
    /** First user-space message type of the second block. */
    public static final int FIRST_USER_MSG2 = 2100;
    /** Last user-space message type of the second block. */
    public static final int LAST_USER_MSG2 = 2999;

    private static final Map<String, Integer> BY_NAME = new HashMap<>();
    private static final String[] NAME_BY_OFFSET = new String[2000];
    private static final int BASE = 1000;

    static {
        for (int i = 0; i < RecordTypeTable.NUMBERS.length; i++) {
            int n = RecordTypeTable.NUMBERS[i];
            String name = RecordTypeTable.NAMES[i];
            BY_NAME.putIfAbsent(name, n);
            if (n >= BASE && n < BASE + NAME_BY_OFFSET.length) {
                NAME_BY_OFFSET[n - BASE] = name;
            }
        }
    }

    private RecordTypes() {
    }

    /**
     * @param type a record type number
     * @return its name without the AUDIT_ prefix, e.g. {@code DM_CTRL}, or {@code UNKNOWN[n]}
     */
    public static String name(int type) {
        String n = knownName(type);
        return n != null ? n : "UNKNOWN[" + type + "]";
    }

    /**
     * @param type a record type number
     * @return its name, or null when the tables do not know it
     */
    public static String knownName(int type) {
        return type >= BASE && type < BASE + NAME_BY_OFFSET.length ? NAME_BY_OFFSET[type - BASE] : null;
    }

    /**
     * Looks up a name as auditd writes it: {@code DM_CTRL}, {@code AUDIT_DM_CTRL} or {@code UNKNOWN[1338]}.
     *
     * @param name the type name
     * @return its number, or -1 when unknown
     */
    public static int number(String name) {
        if (name.startsWith("UNKNOWN[") && name.endsWith("]")) {
            return Numbers.parseSmallInt(name, 8, name.length() - 1);
        }
        Integer n = BY_NAME.get(name.startsWith("AUDIT_") ? name.substring(6) : name);
        return n == null ? -1 : n;
    }

    /** @return all known type numbers, ascending */
    public static int[] knownNumbers() {
        return Arrays.copyOf(RecordTypeTable.NUMBERS, RecordTypeTable.NUMBERS.length);
    }

    /**
     * @param type a record type number
     * @return true for messages written by user space (1100-1299, 2100-2999, and the old USER 1005)
     */
    public static boolean isUserSpace(int type) {
        return (type >= FIRST_USER_MSG && type <= 1299) || (type >= FIRST_USER_MSG2 && type <= LAST_USER_MSG2)
                || type == USER;
    }
}
