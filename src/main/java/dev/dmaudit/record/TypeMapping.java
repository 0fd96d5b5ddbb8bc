package dev.dmaudit.record;

/**
 * Maps record type numbers as received to the types they stand for. The identity by default; the
 * dm-audit patch thread's samples used 1336/1337 for DM_CTRL/DM_EVENT before the merge renumbered
 * them to 1338/1339 (mainline 1336/1337 are URINGOP/OPENAT2), so that reading is opt-in.
 */
public final class TypeMapping {
    private static final TypeMapping STANDARD = new TypeMapping(-1, -1);
    private final int ctrlAlias;
    private final int eventAlias;

    private TypeMapping(int ctrlAlias, int eventAlias) {
        this.ctrlAlias = ctrlAlias;
        this.eventAlias = eventAlias;
    }

    /** @return the mainline numbering */
    public static TypeMapping standard() {
        return STANDARD;
    }

    /**
     * @param ctrl  the number to read as DM_CTRL (e.g. 1336)
     * @param event the number to read as DM_EVENT (e.g. 1337)
     * @return a mapping that reads those numbers as the DM types
     */
    public static TypeMapping dmTypes(int ctrl, int event) {
        if (ctrl == RecordTypes.DM_CTRL && event == RecordTypes.DM_EVENT) {
            return STANDARD;
        }
        return new TypeMapping(ctrl, event);
    }

    /**
     * @param received the type number as received
     * @return the type it stands for
     */
    public int map(int received) {
        if (received == ctrlAlias) {
            return RecordTypes.DM_CTRL;
        }
        if (received == eventAlias) {
            return RecordTypes.DM_EVENT;
        }
        return received;
    }

    /** @return true for the mainline numbering */
    public boolean isStandard() {
        return this == STANDARD;
    }

    @Override
    public String toString() {
        return isStandard() ? "standard" : "dm-types " + ctrlAlias + "," + eventAlias;
    }
}
