/**
 * Interpretation of audit field values as {@code ausearch -i} and libauparse's
 * {@code auparse_interpret_field} show them: architecture and system call names, errno names,
 * {@code res}, unset ids, user and group names, capabilities, file modes, socket addresses. Pure
 * Java: the tables are generated from kernel and C library headers, and id names come from an
 * {@link dev.dmaudit.record.interpret.IdNames} the caller supplies.
 */
package dev.dmaudit.record.interpret;
