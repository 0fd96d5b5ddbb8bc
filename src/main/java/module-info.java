/**
 * dmaudit: live device-mapper audit events (AUDIT_DM_CTRL 1338, AUDIT_DM_EVENT 1339) from the
 * Linux kernel. Embedders use {@link dev.dmaudit.api.DmAuditListener}.
 */
module dev.dmaudit {
    requires com.sun.jna;
    requires com.fasterxml.jackson.core;
    requires info.picocli;
    requires jdk.unsupported; // sun.misc.Signal: SIGINT/SIGTERM as a normal end of `listen`

    exports dev.dmaudit.api;
    exports dev.dmaudit.event;
    exports dev.dmaudit.record;
    exports dev.dmaudit.dm;
    exports dev.dmaudit.netlink;

    // JNA direct mapping registers native methods reflectively.
    opens dev.dmaudit.netlink to com.sun.jna;

    // picocli fills @Option fields reflectively.
    opens dev.dmaudit.cli to info.picocli;
}
