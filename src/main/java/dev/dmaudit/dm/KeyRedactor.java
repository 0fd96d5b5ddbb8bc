package dev.dmaudit.dm;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Removes key material from device-mapper table parameters and from free text. Keyring references
 * such as {@code :32:logon:name} are redacted as well: not secret by themselves, but treating every
 * key field alike leaves no case to get wrong.
 */
public final class KeyRedactor {
    /** What a key is replaced with. */
    public static final String REDACTED = "<redacted>";

    /** dm-integrity arguments of the form {@code name:algorithm[:key]}. */
    private static final List<String> INTEGRITY_KEYED = List.of("internal_hash:", "journal_crypt:", "journal_mac:");
    private static final Pattern FREE_INTEGRITY_KEY =
            Pattern.compile("((?:internal_hash|journal_crypt|journal_mac):[^:\\s]+:)\\S+");
    private static final Pattern FREE_CRYPT_KEY = Pattern.compile("(\\bcrypt\\s+\\S+\\s+)\\S+");
    /** 128-bit and longer hex runs look like raw keys; a UUID without dashes is caught too, on purpose. */
    private static final Pattern FREE_HEX_RUN = Pattern.compile("\\b[0-9a-fA-F]{32,}\\b");

    private KeyRedactor() {
    }

    /**
     * @param params  the parameters of a {@code crypt} table line, split on spaces
     * @param display whether to keep the key
     * @return the parameters with the key (second field) redacted unless shown
     */
    public static List<String> cryptParams(List<String> params, KeyDisplay display) {
        if (display == KeyDisplay.SHOW || params.size() < 2) {
            return List.copyOf(params);
        }
        List<String> out = new ArrayList<>(params);
        out.set(1, REDACTED);
        return List.copyOf(out);
    }

    /**
     * @param option  one optional argument of an {@code integrity} table line
     * @param display whether to keep the key
     * @return the argument with any key after the algorithm redacted unless shown
     */
    public static String integrityOption(String option, KeyDisplay display) {
        if (display == KeyDisplay.SHOW) {
            return option;
        }
        for (String prefix : INTEGRITY_KEYED) {
            if (option.startsWith(prefix)) {
                int keyColon = option.indexOf(':', prefix.length());
                return keyColon < 0 ? option : option.substring(0, keyColon + 1) + REDACTED;
            }
        }
        return option;
    }

    /**
     * Best-effort redaction of text that was not parsed, such as a tool's stderr: integrity key
     * arguments, the key field after {@code crypt <cipher>}, and long hex runs.
     *
     * @param text any text, may be null
     * @return the text with key-like parts replaced; "" for null
     */
    public static String redactFreeText(String text) {
        if (text == null) {
            return "";
        }
        String s = FREE_INTEGRITY_KEY.matcher(text).replaceAll("$1" + REDACTED);
        s = FREE_CRYPT_KEY.matcher(s).replaceAll("$1" + REDACTED);
        return FREE_HEX_RUN.matcher(s).replaceAll(REDACTED);
    }
}
