package dev.dmaudit.dm;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
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

    /**
     * A base64 (or base64url) run as long as a 128-bit key (22 characters) or longer; only
     * replaced when it also holds a digit and a letter, so plain words stay.
     */
    private static final Pattern BASE64_RUN = Pattern.compile("(?<![A-Za-z0-9+/_=-])[A-Za-z0-9+/_-]{22,}={0,2}");
    private static final Pattern HAS_DIGIT_AND_LETTER = Pattern.compile("(?=.*[0-9])(?=.*[A-Za-z]).*");

    private KeyRedactor() {
    }

    /**
     * For targets not known to be key-free (e.g. {@code default-key}, or any target a newer kernel
     * adds): every long hex run (32+ digits, a 128-bit key) and every long base64 run in every
     * parameter is redacted. Over-redacting a path or a UUID is the price of not leaking a key
     * whose position we do not know.
     *
     * @param params  the parameters
     * @param display whether to keep them as they are
     * @return the parameters with key-like runs replaced unless shown
     */
    public static List<String> keyLikeRuns(List<String> params, KeyDisplay display) {
        if (display == KeyDisplay.SHOW) {
            return List.copyOf(params);
        }
        List<String> out = new ArrayList<>(params.size());
        for (String p : params) {
            String s = FREE_HEX_RUN.matcher(p).replaceAll(REDACTED);
            out.add(BASE64_RUN.matcher(s).replaceAll(m -> HAS_DIGIT_AND_LETTER.matcher(m.group()).matches()
                    ? REDACTED : Matcher.quoteReplacement(m.group())));
        }
        return List.copyOf(out);
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
