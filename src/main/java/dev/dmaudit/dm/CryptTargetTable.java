package dev.dmaudit.dm;

import java.util.ArrayList;
import java.util.List;

/**
 * Table parameters of a {@code crypt} target:
 * {@code <cipher> <key> <iv_offset> <device> <offset> [<#opts> <opts...>]}.
 *
 * @param cipher   cipher specification, e.g. {@code aes-xts-plain64}
 * @param key      the key, a keyring reference, or {@link KeyRedactor#REDACTED} unless shown
 * @param ivOffset IV offset in sectors
 * @param device   backing device
 * @param offset   start sector on the backing device
 * @param options  optional arguments (the count is not kept)
 */
public record CryptTargetTable(String cipher, String key, long ivOffset, String device, long offset,
                               List<String> options) implements TargetTable {

    /** Copies the options so the record stays immutable. */
    public CryptTargetTable {
        options = List.copyOf(options);
    }

    @Override
    public List<String> params() {
        List<String> p = new ArrayList<>(List.of(cipher, key, Long.toString(ivOffset), device, Long.toString(offset)));
        if (!options.isEmpty()) {
            p.add(Integer.toString(options.size()));
            p.addAll(options);
        }
        return List.copyOf(p);
    }

    /** Spells out the redaction so a shown key does not end up in a log by accident. */
    @Override
    public String toString() {
        return "CryptTargetTable[cipher=" + cipher + ", key="
                + (KeyRedactor.REDACTED.equals(key) ? key : "<shown, " + key.length() + " chars>")
                + ", ivOffset=" + ivOffset + ", device=" + device + ", offset=" + offset + ", options=" + options + "]";
    }
}
