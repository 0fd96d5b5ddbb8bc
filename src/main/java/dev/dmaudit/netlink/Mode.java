package dev.dmaudit.netlink;

/** How the transport gets records from the kernel. */
public enum Mode {
    /**
     * Join the read-only multicast group AUDIT_NLGRP_READLOG. Needs only CAP_AUDIT_READ, coexists
     * with auditd, works only in the initial network namespace.
     */
    MULTICAST,
    /**
     * Register as the audit daemon (AUDIT_SET pid). Needs CAP_AUDIT_CONTROL and a free slot (no
     * auditd); unregisters on close.
     */
    DAEMON,
    /**
     * No records: only the control socket, for AUDIT_GET/AUDIT_SET (e.g. {@code dmaudit status}).
     * {@link AuditTransport#receive} returns {@link AuditTransport#CLOSED} at once.
     */
    CONTROL
}
