package dev.dmaudit.dm;

import java.util.List;

/** The parsed parameters of one table segment, by target type; key fields already redacted unless shown. */
public sealed interface TargetTable
        permits IntegrityTargetTable, CryptTargetTable, VerityTargetTable, LinearTargetTable, RawTargetTable {

    /** @return the parameters as dmsetup prints them (with keys redacted unless shown) */
    List<String> params();
}
