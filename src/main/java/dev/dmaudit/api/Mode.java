package dev.dmaudit.api;

/** How the listener receives records from the kernel. */
public enum Mode {
    /**
     * Join the audit multicast group (AUDIT_NLGRP_READLOG): read-only, beside auditd, needs only
     * CAP_AUDIT_READ; initial network namespace only.
     */
    MULTICAST,
    /**
     * Register as the audit daemon (AUDIT_SET pid): receives the unicast stream; needs
     * CAP_AUDIT_CONTROL and a free daemon slot. Unregisters on close.
     */
    DAEMON
}
