package dev.dmaudit.record.interpret;

/**
 * User and group names for numeric ids: an operating-system lookup (NSS), kept behind this
 * interface so that interpretation stays pure. Implementations cache; the interpreter may ask for
 * the same id many times.
 */
public interface IdNames {
    /**
     * @param uid a user id
     * @return its name, or null when it has none
     */
    String user(long uid);

    /**
     * @param gid a group id
     * @return its name, or null when it has none
     */
    String group(long gid);

    /** @return names for no id (every id shows as {@code unknown(N)}) */
    static IdNames none() {
        return new IdNames() {
            @Override
            public String user(long uid) {
                return null;
            }

            @Override
            public String group(long gid) {
                return null;
            }
        };
    }
}
